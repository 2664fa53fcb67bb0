# SPDX-License-Identifier: GPL-2.0
# The foundation (the test kernel boots and exposes the interfaces the
# project builds on), then the DFL card model on the unmodified kernel
# path: dfl-pci, dfl-fme, dfl-afu, the dfl_dev devices, uio_dfl (the
# baseline), MSI-X through vfio-pci on the whole card, and PCIe
# hot-unplug / hot-plug.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

ok "kernel is $(uname -r)" test -n "$(uname -r)"
ok "/sys/bus/dfl exists" test -d /sys/bus/dfl
ok "/dev/vfio/vfio exists (legacy container)" test -c /dev/vfio/vfio
ok "/dev/iommu exists (iommufd)" test -c /dev/iommu
has_pci_group() {
	for d in /sys/bus/pci/devices/*; do
		[ -L "$d/iommu_group" ] && return 0
	done
	return 1
}
ok "a PCI device has an IOMMU group (intel-iommu)" has_pci_group
ok "vfio-pci module loads" modprobe vfio-pci
ok "kmemleak is available" test -f /sys/kernel/debug/kmemleak

bdf=$(dfl_card_bdf)
ok "card found on PCI ($bdf)" test -n "$bdf"
P=/sys/bus/pci/devices/$bdf
eq "dfl-pci binds the card" dfl-pci "$(driver_of "$P")"
eq "card has an IOMMU group" yes "$([ -L "$P/iommu_group" ] && echo yes)"
ok "dfl-fme probed" sh -c 'ls /sys/bus/platform/drivers/dfl-fme/ | grep -q "^dfl-fme\."'
ok "dfl-afu probed (dfl-port)" sh -c 'ls /sys/bus/platform/drivers/dfl-port/ | grep -q "^dfl-port\."'
eq "dfl_dev count" "$DFL_NR_FEATURES" "$(dfl_dev_count)"
for f in $DFL_FEATURES; do
	t=$(feature_field "$f" fiu) id=$(feature_field "$f" id)
	ok "dfl_dev for type $t feature $id exists" test -n "$(dfl_dev_by_id "$t" "$id")"
done

# Identity in sysfs: each dfl_dev's revision and DFH version, and for
# DFHv1 its GUID as a UUID, GUID_H then GUID_L, its group and instance
# ids (DFHv0: none of the three files), as the map gives them.
for f in $DFL_FEATURES; do
	t=$(feature_field "$f" fiu) id=$(feature_field "$f" id)
	rev=$(feature_field "$f" rev) dv=$(feature_field "$f" version)
	dev=$(dfl_dev_by_id "$t" "$id")
	s=/sys/bus/dfl/devices/$dev
	eq "$dev (type $t feature $id): revision" "$((rev))" "$(cat "$s/revision")"
	eq "$dev: dfh_version" "$dv" "$(cat "$s/dfh_version")"
	if [ "$dv" = 1 ]; then
		h=$(feature_field "$f" guid_h) l=$(feature_field "$f" guid_l)
		h=${h#0x} l=${l#0x}
		eq "$dev: guid" \
			"$(echo "$h" | cut -c1-8)-$(echo "$h" | cut -c9-12)-$(echo "$h" | cut -c13-16)-$(echo "$l" | cut -c1-4)-$(echo "$l" | cut -c5-16)" \
			"$(cat "$s/guid")"
		eq "$dev: group_id" "$(feature_field "$f" group)" "$(cat "$s/group_id")"
		eq "$dev: instance_id" "$(feature_field "$f" instance)" "$(cat "$s/instance_id")"
	else
		ok "$dev: no guid, group_id or instance_id file (DFHv0)" \
			test ! -e "$s/guid" -a ! -e "$s/group_id" -a ! -e "$s/instance_id"
	fi
done

# uio_dfl baseline: its four ids bind, and /dev/uioN shows the DFH.
modprobe uio_dfl
for f in $DFL_FEATURES; do
	t=$(feature_field "$f" fiu) id=$(feature_field "$f" id)
	rev=$(feature_field "$f" rev) dfh=$(feature_field "$f" dfh)
	case "$t:$id" in 0:0x10|0:0x15|0:0x23|1:0x14) ;; *) continue ;; esac
	dev=$(dfl_dev_by_id "$t" "$id")
	eq "uio_dfl binds $dev (type $t feature $id)" uio_dfl "$(driver_of /sys/bus/dfl/devices/$dev)"
	uio=$(uio_of "$dev")
	off=$(feature_field "$f" offset) size=$(feature_field "$f" size)
	if [ $((off)) != $(($(feature_field "$f" dfh_offset))) ]; then
		# DFHv1 with its CSR block away from the DFH: uio_dfl maps the
		# pages around the block (addr page-rounded down, offset of the
		# block in it, size page-rounded up): whatever else lies in
		# those pages is mapped too, the baseline vfio-dfl improves on.
		bar0=$(( $(head -n1 "$P/resource" | cut -d' ' -f1) ))
		a=$((bar0 + off))
		m=/sys/class/uio/uio$uio/maps/map0
		eq "uio$uio maps the pages around feature $id's CSR block" \
			"$(printf '0x%x 0x%x 0x%x' $((a & ~4095)) $((a & 4095)) \
				$(( ((a & 4095) + size + 4095) & ~4095 )))" \
			"$(printf '0x%x 0x%x 0x%x' $(cat $m/addr) $(cat $m/offset) $(cat $m/size))"
		continue
	fi
	val=$(uio-dfh "$uio")
	eq "uio$uio DFH of feature $id" "$dfh" "$val"
	eq "uio$uio DFH revision of feature $id" "$((rev))" "$(( (val >> 12) & 0xf ))"
done

# MSI-X: the whole card on vfio-pci, doorbell -> eventfd, exactly N events.
modprobe vfio-pci
# (bind_to takes the card from dfl-pci first: its dfl_devs go with it)
bind_to vfio-pci "$bdf" pci
eq "unbinding dfl-pci removes every dfl_dev" 0 "$(dfl_dev_count)"
eq "vfio-pci binds the card" vfio-pci "$(driver_of "$P")"
for v in $(seq "$DFL_F23_MSIX_START" $((DFL_F23_MSIX_START + DFL_F23_MSIX_NUM - 1))); do
	ok "MSI-X vector $v: 20 doorbell writes -> exactly 20 eventfd events" \
		vfio-pci-msix "$bdf" "$v" $((DFL_F23_OFST + DFL_F23_DOORBELL)) 20
done
bind_to "" "$bdf" pci
eq "dfl-pci rebinds the card" dfl-pci "$(driver_of "$P")"
eq "dfl_dev devices are back" "$DFL_NR_FEATURES" "$(dfl_dev_count)"

# Hot-unplug and hot-plug through QMP on the pcie-root-port.
ok "QMP device_del card0" qmp '{"execute":"device_del","arguments":{"id":"card0"}}'
ok "card leaves PCI within 30 s" wait_for 30 sh -c "! test -e $P"
eq "no dfl_dev left after unplug" 0 "$(dfl_dev_count)"
ok "QMP device_add card0" qmp_retry 30 '{"execute":"device_add","arguments":{"driver":"dfl-card","id":"card0","bus":"rp1"}}'
ok "card is back on PCI within 30 s" wait_for 30 sh -c "test -n \"\$(. /usr/bin/dfl.sh; dfl_card_bdf)\""
ok "dfl_dev devices are back after hot-plug" wait_for 30 sh -c "[ \$(ls -d /sys/bus/dfl/devices/dfl_dev.* | wc -l) = $DFL_NR_FEATURES ]"
bdf=$(dfl_card_bdf)
eq "dfl-pci binds the hot-plugged card" dfl-pci "$(driver_of /sys/bus/pci/devices/$bdf)"

# card_plug ID PROP N: hot-plug dfl-card ID on rp2 with PROP on; N of
# its features become dfl_devs, and N are still there 2 s later (the
# count passes through fewer while a card enumerates)
card_plug() {
	local want=$((DFL_NR_FEATURES + $3))
	ok "QMP device_add $1 ($2) on rp2" qmp_retry 30 \
		"{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"dfl-card\",\"id\":\"$1\",\"bus\":\"rp2\",\"$2\":true}}"
	ok "$1's dfl_devs appear, $3 of them" wait_for 30 sh -c \
		"[ \$(ls -d /sys/bus/dfl/devices/dfl_dev.* | wc -l) = $want ]"
	sleep 2
	eq "$1's dfl_devs, 2 s later: still $3" $want \
		"$(ls -d /sys/bus/dfl/devices/dfl_dev.* | wc -l)"
}

# card_unplug ID: unplug it; its dfl_devs leave, and nothing splats
card_unplug() {
	ok "QMP device_del $1" qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$1\"}}"
	ok "$1's dfl_devs leave" wait_for 30 sh -c \
		"[ \$(ls -d /sys/bus/dfl/devices/dfl_dev.* | wc -l) = $DFL_NR_FEATURES ]"
	ok "no splat after $1's removal" no_new_splat
}

# Containment: a second card whose FME 0x23 gives an absolute register
# address outside every BAR (csr-outside-bars): the dfl core leaves that
# feature out, with an error, and enumerates the rest.
dmesg_mark
card_plug card1 csr-outside-bars $((DFL_NR_FEATURES - 1))
ok "dmesg: feature 0x23's registers lie outside the card's memory, left out" sh -c \
	"dmesg | grep -E 'feature 0x23: registers \\[mem $(printf '%#x' $DFL_OUTSIDE_CSR) size 0x1000\\] lie outside the device.s memory, leaving it out'"
eq "exactly one FME 0x23 dfl_dev (card0's)" 1 "$(grep -l '^0x23$' /sys/bus/dfl/devices/dfl_dev.*/feature_id | wc -l)"
ok "no splat" no_new_splat
card_unplug card1

# A card whose FME 0x23 gives an absolute register address in BAR4, a
# memory BAR of the same function that holds no list (csr-in-bar4), as
# the DFHv1 specification allows: the feature enumerates there, and
# uio_dfl (which lists 0x23) maps BAR4 for it.
dmesg_mark
card_plug card2 csr-in-bar4 $DFL_NR_FEATURES
bdf2=$(dfl_other_card "$bdf")
d23=$(dfl_dev_by_id 0 0x23 "$bdf2")
ok "card2's FME 0x23 is a dfl_dev ($d23)" test -n "$d23"
ok "uio_dfl binds it" wait_for 10 sh -c "[ \"\$(basename \"\$(readlink /sys/bus/dfl/devices/$d23/driver)\")\" = uio_dfl ]"
u=$(uio_of "$d23")
bar4=$(sed -n 5p "/sys/bus/pci/devices/$bdf2/resource" | cut -d' ' -f1)
eq "uio$u maps card2's BAR4" "$((bar4))" "$(( $(cat /sys/class/uio/uio$u/maps/map0/addr 2>/dev/null || echo -1) ))"
eq "its first register reads BAR4's READS_1 counter" \
	"$(dfl-card-dbg "$bdf2" | cut -d' ' -f2)" "$(( $(uio-dfh "$u" 0 || echo -1) ))"
eq "no message about card2's registers" 0 "$(dmesg_new | grep -c 'lie outside')"
ok "no splat" no_new_splat
card_unplug card2

# A card whose FME 0x23 registers are all of BAR4 (csr-whole-bar4): a
# resource equal to a BAR cannot nest under it, so the dfl core leaves
# the feature out, and removing the card is clean (it was a KASAN
# use-after-free in __release_resource() before).
dmesg_mark
card_plug card4 csr-whole-bar4 $((DFL_NR_FEATURES - 1))
bdf4=$(dfl_other_card "$bdf")
bar4=$(( $(sed -n 5p "/sys/bus/pci/devices/$bdf4/resource" | cut -d' ' -f1) ))
ok "dmesg: feature 0x23's registers are a whole BAR, left out" sh -c \
	"dmesg | grep -E 'feature 0x23: registers \\[mem $(printf '%#x' $bar4) size $(printf '%#x' $DFL_DBG_BAR_SIZE)\\] are a whole BAR, which the resource tree cannot nest, leaving it out'"
eq "exactly one FME 0x23 dfl_dev (card0's)" 1 "$(grep -l '^0x23$' /sys/bus/dfl/devices/dfl_dev.*/feature_id | wc -l)"
ok "no splat" no_new_splat
card_unplug card4

# A card whose FME header is DFHv1 and declares registers twice BAR0's
# size (fiu-outside): the dfl core only warns, gives the FME the part of
# the list it heads (never a resource past BAR0), and enumerates the rest.
dmesg_mark
card_plug card3 fiu-outside $DFL_NR_FEATURES
bdf3=$(dfl_other_card "$bdf")
bar0=$(( $(sed -n 1p "/sys/bus/pci/devices/$bdf3/resource" | cut -d' ' -f1) ))
ok "dmesg: the FIU header's registers lie outside, the list's are used" sh -c \
	"dmesg | grep -E 'FIU header: registers \\[mem $(printf '%#x' $bar0) size $(printf '%#x' $((2 * DFL_BAR0_SIZE)))\\] lie outside the device.s memory, using the list.s \\[mem $(printf '%#x' $bar0) size 0x[0-9a-f]+\\]'"
fme3=$(find /sys/bus/pci/devices/$bdf3/ -maxdepth 3 -name 'dfl-fme.*' | head -n1)
ok "card3's FME ($(basename "${fme3:-none}")) is bound to dfl-fme" \
	wait_for 10 sh -c "[ \"\$(basename \"\$(readlink $fme3/driver)\")\" = dfl-fme ]"
eq "no iomem resource runs past card3's BAR0 from its start" 0 \
	"$(grep -c "^ *$(printf '%x-%x' $bar0 $((bar0 + 2 * DFL_BAR0_SIZE - 1))) " /proc/iomem)"
ok "no splat" no_new_splat
card_unplug card3
tap_done
