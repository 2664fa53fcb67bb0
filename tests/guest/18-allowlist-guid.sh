# SPDX-License-Identifier: GPL-2.0
# vfio-dfl's allowlist entry for FME 0x24 names the OFS VUART's GUID: a
# block that reuses the id with another GUID (the card with
# vuart-foreign-guid=on, qemu/REGISTERS.md) is not the block the entry
# was reviewed for. 8250_dfl, which keys on the id alone, drives it;
# vfio-dfl, asked by driver_override, refuses it at probe with a message
# naming the GUID, and the device is left to its kernel driver again.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

dev=$(dfl_dev_by_id 0 0x24)
D=/sys/bus/dfl/devices/$dev
ok "the card's 0x24 is a dfl_dev ($dev)" test -n "$dev"
guid=$(cat "$D/guid")
h=$(printf %016x "$DFL_VUART_GUID_H") l=$(printf %016x $((DFL_VUART_GUID_L ^ 1)))
eq "... with a GUID that is not the OFS VUART's (GUID_L bit 0 flipped)" \
	"$(echo "$h" | cut -c1-8)-$(echo "$h" | cut -c9-12)-$(echo "$h" | cut -c13-16)-$(echo "$l" | cut -c1-4)-$(echo "$l" | cut -c5-16)" \
	"$guid"
eq "8250_dfl drives it (it keys on the id)" dfl-uart "$(driver_of "$D")"
modprobe vfio-dfl
dmesg_mark
bind_to vfio-dfl "$dev"
eq "vfio-dfl, asked by driver_override, does not bind it" none "$(driver_of "$D")"
eq "... and says why, naming the GUID" 1 \
	"$(dmesg_new | grep -c "vfio-dfl $dev: feature 0x24: GUID $guid is not the one vfio-dfl's allowlist entry for the id names; refusing it")"
ok "... no vfio device was made of it" test ! -e "$D/vfio-dev"
bind_to "" "$dev"
eq "with the override cleared, 8250_dfl has it again" dfl-uart "$(driver_of "$D")"
ok "no kernel splat" no_new_splat
tap_done
