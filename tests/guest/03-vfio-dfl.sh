# SPDX-License-Identifier: GPL-2.0
# vfio-dfl core: the trust model (allowlisted features through the
# emulated IOMMU, every other feature refused with -EPERM, with or
# without the VFIO core's no-IOMMU mode), the uAPI selftests on every
# allowlisted feature, access widths seen by the card, module lifetime,
# unbind while open, KUnit.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

ok "vfio-dfl module loads" modprobe vfio-dfl
bdf=$(dfl_card_bdf)
d10=$(dfl_dev_by_id 0 0x10) d15=$(dfl_dev_by_id 0 0x15) p14=$(dfl_dev_by_id 1 0x14)
d23=$(dfl_dev_by_id 0 0x23) d30=$(dfl_dev_by_id 0 0x30) d31=$(dfl_dev_by_id 0 0x31)
d32=$(dfl_dev_by_id 0 0x32) vu=$(dfl_dev_by_id 0 0x24)
NOIOMMU=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
taint0=$(tainted)
eq "the kernel starts untainted" 0 "$taint0"
eq "VFIO's no-IOMMU mode is off" N "$(cat $NOIOMMU)"

# vfio_dev_name DEV: the name of DEV's VFIO cdev
vfio_dev_name() { ls "/sys/bus/dfl/devices/$1/vfio-dev" 2>/dev/null | head -n1; }
group_of() { basename "$(readlink "/sys/bus/dfl/devices/$1/iommu_group")"; }

# --- off the allowlist: never offered, whatever the no-IOMMU mode says ---
# Every unlisted feature of the card: "vendor specific" 0x23, the region
# shapes 0x30 (half a page), 0x31 (three pages), 0x32 (shares a page) and
# the port's IOPLL user clock 0x14 (no port feature is listed), first
# with the core's no-IOMMU mode off, then on. vfio-dfl's id table is its
# allowlist: the bus does not match it with an unlisted feature even
# under driver_override, so it never probes one, and its bind file
# answers ENODEV.
refuse_all() {
	for d in "$d23" "$d30" "$d31" "$d32" "$p14"; do
		id=$(cat /sys/bus/dfl/devices/$d/feature_id)
		dmesg_mark
		bind_to vfio-dfl "$d"
		eq "unlisted feature $id is not bound (no-IOMMU mode $1)" none \
			"$(driver_of /sys/bus/dfl/devices/$d)"
		ok "vfio-dfl's bind file answers ENODEV for $d (mode $1)" sh -c \
			"! echo $d 2>/tmp/bind.err > /sys/bus/dfl/drivers/vfio-dfl/bind && grep -q 'No such device' /tmp/bind.err"
		eq "vfio-dfl never probed $d (mode $1)" 0 \
			"$(dmesg_new | grep -c "$d: .*vfio-dfl")"
		eq "no VFIO node was made for $d (mode $1)" "" "$(vfio_dev_name "$d")"
	done
}
refuse_all N
echo 1 > $NOIOMMU
eq "VFIO's no-IOMMU mode is on" Y "$(cat $NOIOMMU)"
refuse_all Y
echo 0 > $NOIOMMU
ok "no noiommu group exists" sh -c "! ls /dev/vfio | grep -q noiommu"
eq "the refusals do not taint" "$taint0" "$(tainted)"

# --- the allowlist: emulated IOMMU, no taint, every entry bound ---------
for d in "$d10" "$d15"; do
	bind_to vfio-dfl "$d"
	eq "allowlisted $d ($(cat /sys/bus/dfl/devices/$d/feature_id)) binds" vfio-dfl \
		"$(driver_of /sys/bus/dfl/devices/$d)"
	n=$(vfio_dev_name "$d")
	ok "$d has a plain vfio cdev ($n)" sh -c "echo '$n' | grep -qx 'vfio[0-9]*'"
	g=$(group_of "$d")
	ok "$d has its own IOMMU group /dev/vfio/$g, not noiommu" test -c "/dev/vfio/$g"
done
eq "binding allowlisted features does not taint" "$taint0" "$(tainted)"
# The series' selftest (tools/testing/selftests/vfio/vfio_dfl_test, on
# libvfio, every IOMMU mode), the device named by sysfs path and by cdev
selftest st15 vfio_dfl_test VFIO_SELFTESTS_DEVICE="/sys/bus/dfl/devices/$d15"
selftest st10 vfio_dfl_test VFIO_SELFTESTS_DEVICE="/dev/vfio/devices/$(vfio_dev_name "$d10")"
# The VFIO core's open paths on an emulated-IOMMU device: upstream's
# vfio_iommufd_setup_test (the series lets it name a device of any bus)
# and what it leaves out (tests/progs/vfio-dfl-open.c), both on the HSSI
selftest iommufd_setup vfio_iommufd_setup_test -- "/sys/bus/dfl/devices/$d15"
selftest open15 vfio-dfl-open -- "$d15"
eq "still untainted after the selftests" "$taint0" "$(tainted)"

# --- access widths, counted by the card (BAR4) --------------------------
S=$DFL_HSSI_SCRATCHPAD
eq "an aligned 8-byte pread is one 64-bit read" \
	"r1 0 r2 0 r4 0 r8 1 w1 0 w2 0 w4 0 w8 0" "$(card_widths pread "$d15" $S 8)"
eq "an aligned 8-byte pwrite is one 64-bit write" \
	"r1 0 r2 0 r4 0 r8 0 w1 0 w2 0 w4 0 w8 1" "$(card_widths pwrite "$d15" $S 0123456789abcdef)"
eq "a 64-byte pread is eight 64-bit reads" \
	"r1 0 r2 0 r4 0 r8 8 w1 0 w2 0 w4 0 w8 0" "$(card_widths pread "$d15" 0x0 64)"
# (Widths at a 2-byte aligned CSR block: 13-vfio-dfl-vuart.sh, on the
# VUART of a card with vuart-csr=0x202.)

# --- module lifetime: no unload while a device is open --------------------
vfio-dfl-tool hold "$d15" $S 60 > /tmp/hold.out &
hold=$!
ok "a process holds $d15" wait_for 20 grep -q '^ready' /tmp/hold.out
rmmod vfio_dfl > /tmp/rmmod.out 2>&1
eq "rmmod vfio_dfl is refused while the device is open" 1 "$?"
ok "and fails with EAGAIN, the module is in use" grep -q "Resource temporarily unavailable" /tmp/rmmod.out
diag "rmmod said: $(cat /tmp/rmmod.out)"
kill -TERM $hold
wait $hold
eq "the holder released on SIGTERM" 3 "$?"

# --- unbind while open: request eventfd, unbind completes on close -------
# (the VUART: its interrupt armed and fired through IER meanwhile)
dmesg_mark
bind_to vfio-dfl "$vu"
vfio-dfl-tool hold "$vu" $DFL_VUART_MSR 60 0 "ier:$DFL_VUART_IER" > /tmp/hold.out &
hold=$!
wait_for 20 grep -q '^ready' /tmp/hold.out
ok "the VUART's interrupt armed and firing" \
	grep -q '1 feature irq(s) armed, firing' /tmp/hold.out
echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind &
unbind=$!
wait $hold
eq "holder saw the request and released (exit 0)" 0 "$?"
ok "holder got the request" grep -q '^request received' /tmp/hold.out
ok "calls kept working until release" grep -q '^read after request: 0x' /tmp/hold.out
wait $unbind
eq "unbind completed after release" none "$(driver_of /sys/bus/dfl/devices/$vu)"
ok "the interrupt fired during the unbind and reached its index" \
	grep -qE '^fired: [1-9][0-9]* times, [1-9][0-9]* events on index 0$' /tmp/hold.out
ok "no interrupt of $vu left requested" sh -c "! grep -q 'vfio-dfl-irq.*($vu)' /proc/interrupts"
ok "request relayed (kernel log)" sh -c "dmesg | grep -q '$vu: Relaying device request to user'"

# --- nothing left: unbind all, unload ------------------------------------
for d in "$d10" "$d15" "$p14" "$d23" "$d30" "$d31" "$d32"; do
	echo "$d" > /sys/bus/dfl/drivers/vfio-dfl/unbind
done
ok "rmmod vfio_dfl once nothing is open" rmmod vfio_dfl

kunit_results vfio_dfl_test vfio-dfl
tap_done
