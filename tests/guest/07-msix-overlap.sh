# SPDX-License-Identifier: GPL-2.0
# A card whose MSI-X table and PBA lie inside feature 0x10's registers
# (dfl-card,msix-in-bar0=on): vfio-dfl refuses the feature even though it
# is on the DMA-free allowlist, and even in no-IOMMU mode; features that
# do not overlap still bind (the HSSI, 0x15, and the VUART), and the
# VUART's interrupt works with the table in BAR0.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
bdf=$(dfl_card_bdf)
d10=$(dfl_dev_by_id 0 0x10) d15=$(dfl_dev_by_id 0 0x15)
eq "dfl-pci binds the variant card" dfl-pci "$(driver_of /sys/bus/pci/devices/$bdf)"
ok "feature 0x10 exists ($d10)" test -n "$d10"
for mode in 0 1; do
	echo $mode > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode
	dmesg_mark
	bind_to vfio-dfl "$d10"
	eq "0x10 over the MSI-X table is refused (no-IOMMU mode $mode)" none \
		"$(driver_of /sys/bus/dfl/devices/$d10)"
	eq "one message names the MSI-X table (no-IOMMU mode $mode)" 1 \
		"$(dmesg_new | grep -c "$d10: registers \[mem 0x[0-9a-f]*-0x[0-9a-f]*\] overlap the MSI-X table \[mem 0x[0-9a-f]*-0x[0-9a-f]*\] of $bdf; refusing to expose them")"
	ok "probe failed with -EPERM (no-IOMMU mode $mode)" sh -c \
		"dmesg | tail -n +$(( $(cat /tmp/dmesg.mark) + 1 )) | grep -q '$d10: probe with driver vfio-dfl failed with error -1'"
done
echo 0 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode
bind_to vfio-dfl "$d15"
eq "0x15, which does not overlap, binds" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
ok "its scratchpad works" vfio-dfl-tool scratch "$d15" $DFL_HSSI_SCRATCHPAD 0x0123456789abcdef
vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$vu"
eq "the VUART binds" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$vu)"
ok "its interrupt (vector 5) works with the table in BAR0" \
	vfio-dfl-tool irq "$vu" 0 "ier:$DFL_UART_IER" 3
ok "no splat" no_new_splat
tap_done
