# SPDX-License-Identifier: GPL-2.0
# QEMU's vfio-platform as a vfio-dfl consumer, end to end: inside this VM,
# Debian 12's qemu-system-aarch64 (TCG) boots guests with a feature passed
# through by tools/vfio-dfl-qemu, the script dfl.rst's QEMU part points to.
# run1: the card's VUART (FME 0x24) as a "ns16550a" node, and Debian's
# arm64 kernel with nothing of ours but a tty program
# (tests/nested/guest-init): the stock 8250 of_serial driver makes a ttyS
# of it, whose bytes come out of the card's chardev on this VM's host and
# come in from it, whose MCR loopback works, and whose interrupts the
# guest, QEMU and this kernel count consistently with the VUART's edges.
# Its edges: a second QEMU on the VUART, the host unbinding it while the
# guest holds it, and QEMU killed with the port open and interrupts
# flowing (the VUART is found reset and 8250_dfl takes it back).
# run4, at the same time: the other card's VUART, the same guest, with
# Debian 13's QEMU 10.0 (build-nested.sh packs it with its libraries).
# Its iommufd backend cannot take a vfio-dfl device: QEMU opens and binds
# the VUART's cdev, then asks iommufd for the hardware IOMMU behind it,
# which an emulated-IOMMU device does not have, and fails at realize;
# run4 checks that it still does, and leaves the VUART clean.
# run2 and run3, bare-metal guests (tests/nested/dfl-guest-bm.c; Debian's
# QEMU has no qtest accelerator) on the OFS HSSI subsystem, FME 0x15 of
# each card (a page, no interrupt), while run1 boots. run2 on the second
# card with x-no-mmap=on: every access trapped and reaching vfio-dfl at
# its own width, then QEMU killed. run3 on the first card with QEMU's
# mmap fast path: its page is mapped, and QEMU's own trace shows that no
# access was trapped.
# The nested QEMUs keep both of this VM's vCPUs busy: make check runs it
# alone (two slots in tests/suites): paired with another VM it took 2.4
# times as long.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

trap '' PIPE	# a QEMU that died must fail the checks, not end the script
W=/tmp/nested
mkdir -p $W

ok "vfio-dfl module loads" modprobe vfio-dfl
bdf=$(dfl_card_bdf)
run1_dev=$(dfl_dev_by_id 0 0x24 "$bdf")
run3_dev=$(dfl_dev_by_id 0 0x15 "$bdf")
bdf2=$(dfl_other_card "$bdf")
# without a second card, "none": dfl_dev_by_id would look on the first
run2_dev=$(dfl_dev_by_id 0 0x15 "${bdf2:-none}")
run4_dev=$(dfl_dev_by_id 0 0x24 "${bdf2:-none}")
need "the VUART and feature 0x15 on both cards ($run1_dev $run3_dev, $run4_dev $run2_dev)" \
	test -n "$run1_dev" -a -n "$run2_dev" -a -n "$run3_dev" -a -n "$run4_dev"
diag "QEMU of run4: $(qemu10-system-aarch64 --version | head -n1)"
diag "arm64 guest kernel $(cat /nested/RELEASE), $(qemu-system-aarch64 --version | head -n1)"
T0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - T0 )) s"; }

# The VUART (qemu/REGISTERS.md): region 0 is its 0x20 bytes of 16550
# registers, one interrupt; its DFHv1 parameters REG_LAYOUT (width 4,
# shift 2) and CLK_FRQ become the node's properties.
VUART_ENV="SIZE=$(printf 0x%x $DFL_VUART_REG_SPAN) NIRQ=1 NODE=serial COMPAT=ns16550a"
VUART_PROPS="reg-shift = <2>; reg-io-width = <4>; clock-frequency = <$DFL_VUART_CLK>;"
OUT=68656c6c6f2066726f6d20746865206e657374656420677565737421	# "hello from the nested guest!"
IN=776f726c642c20686f737420746f206e6573746564	# "world, host to nested"
LOOP=64
# cryptomgr.notests: Debian's kernel runs its crypto self-tests at boot,
# 72% of the instructions to /init (0.83e9 against 0.23e9 without, counted
# with -icount shift=0 in a single-level TCG guest); nothing here uses
# the crypto API, and under two levels of TCG each one costs.
APPEND="console=ttyAMA0 quiet cryptomgr.notests dflout=$OUT dflin=$IN dflloop=$LOOP"
# 0x15, the HSSI (qemu/REGISTERS.md): its DFH page, no interrupts,
# HSSI_SCRATCHPAD +0x820
HSSI_ENV="SIZE=$(printf 0x%x $DFL_HSSI_SIZE) NIRQ=0 COMPAT=intel,ofs-hssi-ss"
QBASE="-display none -monitor none -nodefaults -serial stdio"

# vfio-dfl interrupts requested on the host for device $1
host_irqs() { grep -c "vfio-dfl-irq\[.*($1)" /proc/interrupts; }
# this kernel's count of the interrupt vfio-dfl requested for index 0 of
# device $1 (all CPUs; the count survives the free)
host_count() {
	local irq
	irq=$(grep "vfio-dfl-irq\[0\]($1)" /proc/interrupts | cut -d: -f1 | tr -d ' ')
	[ -n "$irq" ] || irq=$(cat $W/$1.irq 2>/dev/null)
	[ -n "$irq" ] || { echo -1; return; }
	echo "$irq" > $W/$1.irq
	tr ',' '\n' < /sys/kernel/irq/$irq/per_cpu_count | awk '{ n += $1 } END { print n + 0 }'
}
edges() { dfl-card-dbg "$1" vuart-edges; }
# a 16550 register of the VUART, read through BAR0 behind every driver
uart_reg() { dfl-card-dbg "$bdf" bar0 $((DFL_VUART_CSR_OFST + $1)); }
# the run's variables: dev, pid, fd, log (console), trace (QEMU's trace)
use() {
	R=$1
	eval "dev=\$${R}_dev pid=\$${R}_pid fd=\$${R}_fd"
	log=$W/$R.log trace=$W/$R.trace
}
# QEMU's trapped 64-bit reads and writes of the scratch register at $1
trapped() {
	echo "$(grep -c "^vfio_region_read .*:region0+$1, 8)" $trace)" \
	     "$(grep -c "^vfio_region_write .*:region0+$1, 0x[0-9a-f]*, 8)" $trace)"
}
# ... and the narrower writes to it, 8, 16 and 32 bits
trapped_narrow() {
	for z in 1 2 4; do grep -c "^vfio_region_write .*:region0+$1, 0xff, $z)" $trace; done | xargs
}
# interrupts QEMU received from vfio-dfl on IRQ index $1
injected() { grep -c "^vfio_platform_intp_interrupt Inject IRQ #$1 " $trace; }

# start RUN FD ENV [QEMU options]: tools/vfio-dfl-qemu in the background
# with the variables ENV and PROPS=$props; console in $W/RUN.log,
# answers to the guest through fd FD
start() {
	use $1
	local f=$2 e=$3
	shift 3
	rm -f $W/$R.in
	mkfifo $W/$R.in
	env DEV=$dev PROPS="$props" $e vfio-dfl-qemu -D $trace \
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
# a value the guest said on its console: said RUN WORD
said() { use $1; sed -n "s/^@@L2 $2 //p" $log | tr -d '\r' | tail -n1; }
bail() { kill -9 $run1_pid $run2_pid $run3_pid $run4_pid 2>/dev/null; tap_done; exit 1; }

# vuart_io RUN CARD CHR: the host's side of the guest's tty checks on the
# VUART of card CARD, whose chardev is vuart-chr CHR: the guest's bytes
# come out, the host's come in, the loopback stays inside, and the counts
# of interrupts agree.
vuart_io() {
	local r=$1 card=$2 chr=$3 h0 e0 g i h e
	use $r
	h0=$(host_count $dev) e0=$(edges $card)
	vuart-chr $chr recv > /dev/null
	answer $r go
	check_expect $r "the guest wrote its bytes" '@@L2 WAIT sent' 300 || bail
	eq "$r: the guest's bytes come out of the VUART's chardev" "$OUT" "$(vuart-chr $chr recv)"
	answer $r go
	check_expect $r "the guest opened the port to receive" '@@L2 WAIT recv' 300 || bail
	vuart-chr $chr send $IN > /dev/null
	answer $r go
	check_expect $r "the guest did its loopback" '@@L2 DONE' 300 || bail
	eq "$r: the loopback sent nothing out of the chardev" "" "$(vuart-chr $chr recv)"
	g=$(said $r IRQS) i=$(injected 0) h=$(( $(host_count $dev) - h0 )) e=$(( $(edges $card) - e0 ))
	diag "$r: interrupts counted by the guest $g, injected by QEMU $i, by this kernel $h; VUART edges $e"
	# Each count is at most the next: QEMU reads every signal that
	# arrived on its eventfd at once, raises a line already raised
	# without a new edge, and the MSI-X vector was masked while the port
	# was closed.
	ok "$r: 0 < guest <= QEMU <= this kernel <= VUART edges" \
		test "${g:-0}" -gt 0 -a "${g:-0}" -le "$i" -a "$i" -le "$h" -a "$h" -le "$e"
}

dmesg_mark
props=$VUART_PROPS
start run1 7 "$VUART_ENV" $QBASE -kernel /nested/Image.gz \
	-initrd /nested/guest.cpio.gz -append "$APPEND"
# run4: QEMU 10.0's iommufd backend first (it stops at realize), then
# its group path with the guest
use run4
mkdir -p /run/vfio-dfl-qemu/$dev
ln -sfn /sys/bus/dfl/devices/$dev/vfio-dev /run/vfio-dfl-qemu/$dev/vfio-dev
env DEV=$dev $VUART_ENV PROPS="$props" QEMU=qemu10-system-aarch64 timeout 300 \
	vfio-dfl-qemu $QBASE -object iommufd,id=ifd -global vfio-platform.iommufd=ifd \
	-kernel /nested/dfl-guest-bm < /dev/null > $W/iommufd.log 2>&1
rc=$?
sed 's/^/# QEMU 10.0 iommufd: /' $W/iommufd.log
eq "run4: QEMU 10.0's iommufd backend fails at realize on the VUART" 1 \
	"$([ $rc -ne 0 ] && [ $rc -ne 124 ] && echo 1)"
ok "run4: ... after binding its cdev, when it asks for the hardware IOMMU (IOMMU_GET_HW_INFO: ENOENT)" \
	grep -q "vfio $dev: Failed to get hardware info: No such file or directory" $W/iommufd.log
eq "run4: ... and leaves no interrupt requested" 0 "$(host_irqs $dev)"
rm /run/vfio-dfl-qemu/$dev/vfio-dev
start run4 6 "$VUART_ENV QEMU=qemu10-system-aarch64" $QBASE \
	-kernel /nested/Image.gz -initrd /nested/guest.cpio.gz -append "$APPEND"
props=

# run2 and run3: bare-metal guests on the HSSIs, trapped and mapped
start run2 8 "$HSSI_ENV" $QBASE -kernel /nested/dfl-guest-bm -global vfio-platform.x-no-mmap=on
start run3 9 "$HSSI_ENV" $QBASE -kernel /nested/dfl-guest-bm
check_expect run2 "the bare-metal guest ran its checks" '@@L2 DONE' 600 || bail
check_expect run3 "the bare-metal guest ran its checks" '@@L2 DONE' 600 || bail
diag "run2, run3: done after $(elapsed)"
use run2
ok "run2: QEMU does not map the region" sh -c "! grep -q 'vfio-device' /proc/$pid/maps"
S=$DFL_HSSI_SCRATCHPAD
eq "run2: x-no-mmap=on trapped every 64-bit scratchpad access (reads, writes)" "200 204" "$(trapped $S)"
eq "run2: ... and the 8-, 16- and 32-bit ones, at their own width" "1 1 1" "$(trapped_narrow $S)"
eq "run2: ... and the DFH and HSSI_VERSION reads" "2 2" \
	"$(grep -c '^vfio_region_read .*:region0+0x0, 8)' $trace) $(grep -c '^vfio_region_read .*:region0+0x60, 4)' $trace)"
relay run2 4
use run3
ok "run3: QEMU maps the HSSI's page" grep -q 'vfio-device' /proc/$pid/maps
eq "run3: the mmap fast path: QEMU trapped no 64-bit scratchpad access (reads, writes)" \
	"0 0" "$(trapped $DFL_HSSI_SCRATCHPAD)"
eq "run3: ... and no 8-, 16- or 32-bit one" "0 0 0" "$(trapped_narrow $DFL_HSSI_SCRATCHPAD)"
eq "run3: ... nor any other access to the page" 0 "$(grep -c '^vfio_region_\(read\|write\) ' $trace)"
relay run3 4
kill $pid
wait $pid
eq "run3: QEMU exits cleanly on SIGTERM" 0 $?
exec 9>&-
grep '^qemu-system-aarch64' $log | sed 's/^/# run3 QEMU said: /'
ok "run3: the HSSI is usable on the host" vfio-dfl-tool scratch $dev $DFL_HSSI_SCRATCHPAD 0x0123456789abcdef

# run2: QEMU killed
use run2
ok "run2: QEMU still holds its device" kill -0 $pid
kill -9 $pid
wait $pid
exec 8>&-
grep '^qemu-system-aarch64' $log | sed 's/^/# run2 QEMU said: /'
ok "run2: the HSSI is usable on the host" vfio-dfl-tool scratch $dev $S 0x0123456789abcdef

# run1: the VUART under the guest's stock driver
check_expect run1 "the arm64 guest boots" '@@L2 WAIT send' 900 || bail
diag "run1: guest up after $(elapsed)"
diag "run1 guest: $(said run1 INFO)"
use run1
eq "run1: QEMU armed the VUART's interrupt" 1 "$(host_irqs $dev)"
ok "run1: QEMU does not map the VUART's 0x20 bytes (no mmap offered)" \
	sh -c "! grep -q 'vfio-device' /proc/$pid/maps"
vuart_io run1 "$bdf" 0

# run4: the same with QEMU 10.0
check_expect run4 "the arm64 guest boots under QEMU 10.0" '@@L2 WAIT send' 600 || bail
diag "run4: guest up after $(elapsed)"
diag "run4 guest: $(said run4 INFO)"
use run4
eq "run4: QEMU armed the VUART's interrupt" 1 "$(host_irqs $dev)"
ok "run4: QEMU 10.0 maps no region of the VUART and holds its group" \
	sh -c "! grep -q 'vfio-device' /proc/$pid/maps &&
		ls -l /proc/$pid/fd | grep -q ' -> /dev/vfio/$(basename $(readlink /sys/bus/dfl/devices/$dev/iommu_group))\$'"
vuart_io run4 "$bdf2" 1
answer run4 poweroff
wait $pid
eq "run4: QEMU 10.0 exits cleanly when the guest powers off" 0 $?
exec 6>&-
grep '^qemu' $log | sed 's/^/# run4 QEMU said: /'
relay run4 11
eq "run4: no vfio-dfl interrupt left requested" 0 "$(host_irqs $dev)"

# A second QEMU on a device in use
use run1
env DEV=$dev $VUART_ENV PROPS="$VUART_PROPS" timeout 300 vfio-dfl-qemu $QBASE \
	-kernel /nested/dfl-guest-bm < /dev/null > $W/second.log 2>&1
rc=$?
sed 's/^/# second QEMU: /' $W/second.log
eq "a second QEMU on run1's device fails at realize" 1 \
	"$([ $rc -ne 0 ] && [ $rc -ne 124 ] && echo 1)"
ok "... saying the group is busy" grep -q "failed to open /dev/vfio/[0-9]*: Device or resource busy" $W/second.log
ok "run1's QEMU is unaffected" kill -0 $run1_pid
eq "run1's interrupt is still armed" 1 "$(host_irqs $run1_dev)"

# The host asks for the VUART back while the guest holds it
use run1
echo $dev > /sys/bus/dfl/drivers/vfio-dfl/unbind &
UNBIND=$!
ok "run1: unbinding relays the device request to QEMU" \
	wait_for 30 sh -c "dmesg | tail -n 50 | grep -q '$dev: Relaying device request to user'"
sleep 3
ok "run1: unbinding waits while QEMU holds the device" kill -0 $UNBIND
answer run1 again
check_expect run1 "the guest's port still works while the host waits" \
	'one more loopback while the host waits' 300
# QEMU killed with the port open and interrupts flowing
answer run1 flood
check_expect run1 "the guest floods the port's loopback" '@@L2 FLOODING' 60
a=$(host_count $dev)
sleep 3
b=$(host_count $dev)
ok "run1: interrupts are flowing ($a, 3 s later $b)" test "$b" -gt "$a"
lcr=$(uart_reg $DFL_VUART_LCR) ier=$(uart_reg $DFL_VUART_IER) mcr=$(uart_reg $DFL_VUART_MCR)
ok "run1: the guest's port is live: LCR $lcr, IER $ier, MCR $mcr (LOOP)" \
	test $((lcr)) != 0 -a $((ier)) != 0 -a $((mcr & 0x10)) != 0
kill -9 $pid
wait $pid
eval "exec $fd>&-"
grep '^qemu-system-aarch64' $log | sed 's/^/# run1 QEMU said: /'
ok "run1: unbinding completes once QEMU is gone" wait $UNBIND
diag "run1: QEMU received the device request (index 1) $(injected 1) time(s), as an interrupt"
diag "run1: \"Relaying device request\" logged $(dmesg_new | grep -c "$dev: Relaying device request to user") time(s)"
relay run1 12
eq "run1: no vfio-dfl interrupt left requested" 0 "$(host_irqs $dev)"
eq "run1: the VUART is found reset: LCR, IER, MCR" "0x0 0x0 0x0" \
	"$(uart_reg $DFL_VUART_LCR) $(uart_reg $DFL_VUART_IER) $(uart_reg $DFL_VUART_MCR)"
ok "run1: driverctl unset-override" driverctl --nosave --bus dfl unset-override "$dev"
eq "run1: 8250_dfl takes the VUART back" dfl-uart "$(driver_of /sys/bus/dfl/devices/$dev)"
tty=$(vuart_tty "$bdf")
ok "run1: a 16550A tty again ($tty)" test -n "$tty" -a "$(cat /sys/class/tty/$tty/type 2>/dev/null)" = 4
ok "run1: 8250_dfl: MCR loopback on /dev/$tty" vuart-tty "/dev/$tty" loop 16
vuart-chr 0 recv > /dev/null
ok "run1: 8250_dfl: 3 bytes out" vuart-tty "/dev/$tty" send 4f4b0a
eq "run1: 8250_dfl: they reach the host, nothing the guest left" 4f4b0a "$(vuart-chr 0 recv)"
diag "done after $(elapsed)"
ok "no kernel splat" no_new_splat
tap_done
