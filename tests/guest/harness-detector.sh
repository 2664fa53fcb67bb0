# SPDX-License-Identifier: GPL-2.0
# Harness self-test: provoke what a detector of scripts/vm.py must see,
# then exit 0, so that only the detector can fail the run.
#   warn   a WARN_ON() (lkdtm WARNING)
#   kasan  a slab use-after-free read (lkdtm READ_AFTER_FREE)
#   leak   leaked allocations (samples/kmemleak's kmemleak-test)
#   none   nothing
case $1 in
warn)	modprobe lkdtm && echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT ;;
kasan)	modprobe lkdtm && echo READ_AFTER_FREE > /sys/kernel/debug/provoke-crash/DIRECT ;;
leak)	modprobe kmemleak-test ;;
none)	;;
*)	echo "unknown detector '$1'"; exit 2 ;;
esac
echo "provoked: $1"
exit 0
