# SPDX-License-Identifier: GPL-2.0
# QEMU's vfio-platform as a vfio-dfl consumer, end to end: inside this VM,
# Debian 12's qemu-system-aarch64 (TCG) boots Debian's arm64 kernel with a
# feature 0x15 passed through by tools/vfio-dfl-qemu, the script dfl.rst's
# QEMU part points to. Each arm64 guest
# (tests/nested/guest-init) checks the registers, round-trips the scratch
# register, and counts exactly the interrupts it rings on each index.
# run1: a guest with QEMU's mmap fast path; QEMU's own trace shows that
# nothing was trapped. run2, on the other card's 0x15 while run1 boots:
# x-no-mmap=on and a bare-metal guest program (tests/nested/dfl-guest-bm.c;
# Debian's QEMU has no qtest accelerator): every access is trapped and
# reaches vfio-dfl at its own width. Edges: a second QEMU on a device in
# use, the device request while QEMU holds the device (run1), QEMU killed
# with every interrupt armed (run2).
# The nested QEMUs keep both of this VM's vCPUs busy: make check runs it
# alone (vm-slots), as paired with another VM it took 2.4 times as long.
# vm: --card rp1 --card rp2 --mem 3G --timeout 900 --extra-initrd nested.cpio
# vm-slots: 2
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

trap '' PIPE	# a QEMU that died must fail the checks, not end the script
RW=2000		# scratch round trips per run
RINGS=3		# doorbells per interrupt index
W=/tmp/nested
mkdir -p $W

ok "vfio-dfl module loads" modprobe vfio-dfl
devs=
for d in /sys/bus/dfl/devices/dfl_dev.*; do
	[ "$(cat $d/type)" = 0x0 ] && [ "$(cat $d/feature_id)" = 0x15 ] &&
		devs="$devs $(basename $d)"
done
set -- $devs
eq "feature 0x15 on both cards" 2 $#
[ $# = 2 ] || { tap_done; exit 1; }
run1_dev=$1 run2_dev=$2
diag "arm64 guest kernel $(cat /nested/RELEASE), $(qemu-system-aarch64 --version | head -n1)"
T0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - T0 )) s"; }

# 0x15 (qemu/REGISTERS.md): one page of CSRs, 2 interrupts, CSR +0..+0x3f
# read 0, SCRATCH +0x40, DOORBELL +0x48, DOORBELL_COUNT +0x50, IRQ_STATUS
# +0x58 (W1C).
APPEND="console=ttyAMA0 quiet dflbase=0x0c000000 dflirqs=2 dflzero=0x40"
APPEND="$APPEND dflscratch=0x40 dfldoorbell=0x48 dflcount=0x50 dflstatus=0x58"
APPEND="$APPEND dflrings=$RINGS dflrw=$RW"
QBASE="-display none -monitor none -nodefaults -serial stdio"
QARGS="$QBASE -kernel /nested/Image.gz -initrd /nested/guest.cpio.gz -append"

# vfio-dfl interrupts requested on the host for device $1
host_irqs() { grep -c "vfio-dfl-irq\[.*($1)" /proc/interrupts; }
# the run's variables: dev, pid, fd, log (console), trace (QEMU's trace)
use() {
	R=$1
	eval "dev=\$${R}_dev pid=\$${R}_pid fd=\$${R}_fd"
	log=$W/$R.log trace=$W/$R.trace
}
# QEMU's trapped reads and writes of the scratch register so far
trapped() {
	echo "$(grep -c "^vfio_region_read .*:region0+0x40, 8)" $trace)" \
	     "$(grep -c "^vfio_region_write .*:region0+0x40, 0x[0-9a-f]*, 8)" $trace)"
}
# interrupts QEMU received from vfio-dfl on IRQ index $1
injected() { grep -c "^vfio_platform_intp_interrupt Inject IRQ #$1 " $trace; }

# start RUN FD [QEMU options]: tools/vfio-dfl-qemu in the background; console
# in $W/RUN.log, answers to the guest through fd FD
start() {
	use $1
	local f=$2
	shift 2
	rm -f $W/$R.in
	mkfifo $W/$R.in
	DEV=$dev SIZE=0x1000 NIRQ=2 COMPAT=vfio-dfl-test,feature \
		vfio-dfl-qemu -D $trace \
		-trace vfio_region_read -trace vfio_region_write \
		-trace vfio_platform_intp_interrupt \
		"$@" < $W/$R.in > $log 2>&1 &
	eval "${R}_pid=$! ${R}_fd=$f"
	eval "exec $f> $W/$R.in"
}
# expect RUN PATTERN SECONDS: wait for a console line of the run's guest.
# It polls every 0.1 s for the first second, then every second: each poll
# forks, which under TCG costs the vCPU that the nested QEMU needs (a boot
# of the arm64 guest is about 1500 polls at 0.1 s).
expect() {
	use $1
	local t=$(( $3 * 10 )) n=0
	while ! grep -q -- "$2" $log; do
		kill -0 $pid 2>/dev/null || { grep -q -- "$2" $log; return; }
		[ $t -gt 0 ] || return 1
		n=$((n + 1))
		if [ $n -le 10 ]; then
			sleep 0.1
			t=$((t - 1))
		else
			sleep 1
			t=$((t - 10))
		fi
	done
}
answer() { use $1; echo "$2" >&$fd; }
# check_expect RUN WHAT PATTERN SECONDS: expect as a test; the console
# tail on failure
check_expect() {
	local r=$1 what=$2
	expect $r "$3" $4
	local rc=$?
	eq "$r: $what" 0 $rc
	[ $rc = 0 ] || tail -n 20 $W/$r.log | sed "s/^/# $r console: /"
	return $rc
}
# the guest's own verdicts become ours: relay RUN CHECKS
relay() {
	use $1
	sed -n 's/^@@L2 \(not ok\|ok\) \(.*\)/\1|\2/p' $log | tr -d '\r' > $W/verdicts
	eq "$R: the guest reported all of its $2 checks" $2 "$(wc -l < $W/verdicts)"
	while IFS='|' read -r v what; do
		eq "$R guest: $what" ok "$v"
	done < $W/verdicts
}
bail() { kill -9 $run1_pid $run2_pid 2>/dev/null; tap_done; exit 1; }

dmesg_mark
start run1 7 $QARGS "$APPEND"

# run2: a bare-metal guest, every access trapped
start run2 8 $QBASE -kernel /nested/dfl-guest-bm -global vfio-platform.x-no-mmap=on
check_expect run2 "the bare-metal guest ran its checks" '@@L2 DONE' 600 || bail
diag "run2: done after $(elapsed)"
ok "run2: QEMU does not map the region" sh -c "! grep -q 'vfio-device' /proc/$run2_pid/maps"
use run2
eq "run2: QEMU armed both interrupts of $dev" 2 "$(host_irqs $dev)"
eq "run2: x-no-mmap=on trapped every 64-bit scratch access (reads, writes)" "200 204" "$(trapped)"
eq "run2: ... and the 8-, 16- and 32-bit ones, at their own width" "1 1 1" \
	"$(for z in 1 2 4; do grep -c "^vfio_region_write .*:region0+0x40, 0xff, $z)" $trace; done | xargs)"
eq "run2: QEMU received exactly the doorbells' interrupts (index 0, 1)" "2 2" \
	"$(injected 0) $(injected 1)"
relay run2 6

check_expect run1 "the arm64 guest boots and binds its driver" '@@L2 WAIT rw' 900 || bail
diag "run1: guest up after $(elapsed)"
use run1
eq "run1: QEMU armed both interrupts of $dev" 2 "$(host_irqs $dev)"
ok "run1: QEMU maps the region" grep -q 'vfio-device' /proc/$pid/maps
before=$(trapped)
answer run1 go
check_expect run1 "the guest did its round trips" '@@L2 WAIT rw-done' 600 || bail
set -- $before $(trapped)
eq "run1: $RW scratch round trips took the mmap fast path (QEMU trapped no read, no write)" \
	"0 0" "$(( $3 - $1 )) $(( $4 - $2 ))"
answer run1 go
check_expect run1 "the guest counted its interrupts" '@@L2 WAIT end' 600 || bail
diag "run1: interrupts done after $(elapsed)"

# A second QEMU on a device in use
DEV=$run1_dev SIZE=0x1000 NIRQ=2 COMPAT=vfio-dfl-test,feature \
	timeout 300 vfio-dfl-qemu $QBASE -kernel /nested/dfl-guest-bm < /dev/null > $W/second.log 2>&1
rc=$?
sed 's/^/# second QEMU: /' $W/second.log
eq "a second QEMU on run1's device fails at realize" 1 \
	"$([ $rc -ne 0 ] && [ $rc -ne 124 ] && echo 1)"
ok "... saying the group is busy" grep -q "failed to open /dev/vfio/[0-9]*: Device or resource busy" $W/second.log
ok "run1's QEMU is unaffected" kill -0 $run1_pid
eq "run1's interrupts are still armed" 2 "$(host_irqs $run1_dev)"

# run1: the host asks for the device back while the guest runs
use run1
echo $dev > /sys/bus/dfl/drivers/vfio-dfl/unbind &
UNBIND=$!
ok "run1: unbinding relays the device request to QEMU" \
	wait_for 30 sh -c "dmesg | tail -n 50 | grep -q '$dev: Relaying device request to user'"
sleep 3
ok "run1: unbinding waits while QEMU holds the device" kill -0 $UNBIND
answer run1 again
check_expect run1 "the guest still gets its interrupts while the host waits" \
	'@@L2 WAIT end-again' 300
answer run1 poweroff
wait $pid
eq "run1: QEMU exits cleanly when the guest powers off" 0 $?
ok "run1: unbinding completes once QEMU is gone" wait $UNBIND
eq "run1: QEMU received exactly the doorbells' interrupts (index 0, 1)" \
	"$((RINGS + 1)) $((RINGS + 1))" "$(injected 0) $(injected 1)"
diag "run1: QEMU received the device request (index 2) $(injected 2) time(s), as an interrupt"
diag "run1: \"Relaying device request\" logged $(dmesg_new | grep -c "$dev: Relaying device request to user") time(s)"
eval "exec $fd>&-"
grep '^qemu-system-aarch64' $log | sed 's/^/# run1 QEMU said: /'
relay run1 13
eq "run1: no vfio-dfl interrupt left requested" 0 "$(host_irqs $dev)"
ok "run1: the feature binds again" sh -c "echo $dev > /sys/bus/dfl/drivers_probe"
ok "run1: the feature is usable on the host" vfio-dfl-tool irq $dev 1 0x48 4

# run2: QEMU killed with every interrupt armed
use run2
ok "run2: QEMU still holds its device" kill -0 $pid
eq "run2: both interrupts still armed" 2 "$(host_irqs $dev)"
kill -9 $pid
wait $pid
exec 8>&- 9<&-
grep '^qemu-system-aarch64' $log | sed 's/^/# run2 QEMU said: /'
eq "run2: no vfio-dfl interrupt left requested after QEMU is killed" 0 "$(host_irqs $dev)"
ok "run2: the feature is usable on the host" vfio-dfl-tool irq $dev 0 0x48 4
ok "run2: and so is its scratch register" vfio-dfl-tool scratch $dev 0x40 0x0123456789abcdef
diag "done after $(elapsed)"
ok "no kernel splat" no_new_splat
tap_done
