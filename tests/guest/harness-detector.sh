# SPDX-License-Identifier: GPL-2.0
# Harness self-test: provoke, in order, what each detector of
# scripts/vm.py named on the command line must see:
#   warn   a WARN_ON() (lkdtm WARNING)
#   kasan  a slab use-after-free read (lkdtm READ_AFTER_FREE)
#   leak   leaked allocations (samples/kmemleak's kmemleak-test)
#   fail   the script itself fails (exit status 3)
#   none   nothing
# Without "fail" it exits 0, so that only the detectors can fail the run.
[ $# -gt 0 ] || { echo "usage: harness-detector.sh warn|kasan|leak|fail|none..."; exit 2; }
status=0
for d in "$@"; do
	case $d in
	warn)	modprobe lkdtm && echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT ;;
	kasan)	modprobe lkdtm && echo READ_AFTER_FREE > /sys/kernel/debug/provoke-crash/DIRECT ;;
	leak)	modprobe kmemleak-test ;;
	fail)	status=3 ;;
	none)	;;
	*)	echo "unknown detector '$d'"; exit 2 ;;
	esac && echo "provoked: $d" || echo "could not provoke: $d"
done
[ $status = 0 ] || echo "about to fail deliberately"
exit $status
