# SPDX-License-Identifier: GPL-2.0
# A card whose MSI-X table and PBA lie inside feature 0x10's registers
# (dfl-card,msix-in-bar0=on): the DFL core leaves 0x10 out when dfl-pci
# enumerates the card, with one error naming both ranges, so no driver
# (uio_dfl, whose id table lists 0x10, nor vfio-dfl) can reach the
# table; features that do not overlap still bind (the HSSI, 0x15, to
# uio_dfl and vfio-dfl, and the VUART), and the VUART's interrupt works
# with the table in BAR0.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

bdf=$(dfl_card_bdf)
eq "dfl-pci binds the variant card" dfl-pci "$(driver_of /sys/bus/pci/devices/$bdf)"
eq "no FME 0x10 dfl_dev: the DFL core left it out" "" "$(dfl_dev_by_id 0 0x10)"
eq "one error names the feature and the MSI-X table" 1 \
	"$(dmesg | grep -c "dfl-pci $bdf: feature 0x10: registers \[mem 0x[0-9a-f]*-0x[0-9a-f]*\] overlap the MSI-X table \[mem 0x[0-9a-f]*-0x[0-9a-f]*\], leaving it out")"
eq "the rest of the card enumerates: one dfl_dev fewer" $((DFL_NR_FEATURES - 1)) "$(dfl_dev_count)"

modprobe uio_dfl
modprobe vfio-dfl
d15=$(dfl_dev_by_id 0 0x15)
bind_to uio_dfl "$d15"
eq "uio_dfl still binds 0x15, which does not overlap" uio_dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
bind_to vfio-dfl "$d15"
eq "so does vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
ok "its scratchpad works" vfio-dfl-tool scratch "$d15" $DFL_HSSI_SCRATCHPAD 0x0123456789abcdef
vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$vu"
eq "the VUART binds" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$vu)"
ok "its interrupt (vector 5) works with the table in BAR0" \
	vfio-dfl-tool irq "$vu" 0 "ier:$DFL_VUART_IER" 3
ok "no splat" no_new_splat
tap_done
