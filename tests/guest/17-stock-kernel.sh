# SPDX-License-Identifier: GPL-2.0
# Debian's own kernel, linux-image-<abi>-amd64 from the archive and
# unmodified, which builds no FPGA driver, with the modules of the
# vfio-dfl-dkms package (scripts/build-modules.sh: built out of tree
# against that kernel's linux-headers, as dkms builds them on a card
# owner's machine; installed under updates/): every module loads, the
# card enumerates, 8250_dfl drives the VUART (bytes both ways through the
# card's chardev), vfio-dfl takes it by driver_override and is reached
# through its group, /dev/vfio/N (this kernel has no iommufd), the
# series' selftest passes on the legacy type1 modes and vfio-vuart drives
# the UART through the group, and the VUART goes back to 8250_dfl.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

MODS="fpga-mgr fpga-bridge fpga-region dfl dfl-pci dfl-fme dfl-fme-mgr dfl-fme-br
	dfl-fme-region dfl-afu uio_dfl 8250_dfl vfio-dfl"

ok "a Debian kernel ($(uname -r))" grep -q 'Debian' /proc/version
ok "... without the dfl bus before the modules load" test ! -d /sys/bus/dfl
ok "... without iommufd" test ! -e /dev/iommu
for m in $MODS; do
	ok "$m: the package's module, under updates/" \
		test -f "/lib/modules/$(uname -r)/updates/$m.ko"
done
dmesg_mark
for m in $MODS; do
	ok "modprobe $m" modprobe "$m"
done
# vfio names its IOMMU backend as a soft dependency, which kmod's modprobe
# loads with it and busybox's does not
ok "modprobe vfio_iommu_type1 (vfio's softdep)" modprobe vfio_iommu_type1
eq "no module failed to link or load (Unknown symbol, bad format, version)" "" \
	"$(dmesg_new | grep -iE 'unknown symbol|invalid module format|disagrees about version|unknown parameter')"
bdf=$(dfl_card_bdf)
ok "the card is there ($bdf)" test -n "$bdf"
eq "dfl-pci drives it" dfl-pci "$(driver_of "/sys/bus/pci/devices/$bdf")"
ok "its features are dfl_devs ($(dfl_dev_count))" test "$(dfl_dev_count)" -gt 0
dev=$(dfl_dev_by_id 0 0x24)
D=/sys/bus/dfl/devices/$dev
ok "the VUART is a dfl_dev ($dev)" test -n "$dev"
eq "8250_dfl (dfl-uart) binds it" dfl-uart "$(driver_of "$D")"

tty=$(vuart_tty "$bdf")
ok "it has a tty ($tty)" test -n "$tty" -a -c "/dev/$tty"
export VUART_IRQ=$(cat "/sys/class/tty/$tty/irq") VUART_BDF=$bdf
vuart-chr 0 recv > /dev/null
msg=73746f636b206b65726e656c   # "stock kernel"
ok "12 bytes written to /dev/$tty" vuart-tty "/dev/$tty" send "$msg"
eq "... come out of the card's chardev on the host" "$msg" "$(vuart-chr 0 recv)"
in=686f737420746f206775657374   # "host to guest"
eq "bytes written into the chardev reach /dev/$tty" "$in" \
	"$(vuart-tty "/dev/$tty" recv 13 "vuart-chr 0 send $in > /dev/null")"

bind_to vfio-dfl "$dev"
eq "vfio-dfl takes the VUART by driver_override" vfio-dfl "$(driver_of "$D")"
ok "no tty at the VUART while vfio-dfl has it" test -z "$(vuart_tty "$bdf")"
g=$(basename "$(readlink "$D/iommu_group")")
ok "its group's file, /dev/vfio/$g" test -c "/dev/vfio/$g"
selftest st24 vfio_dfl_test VFIO_SELFTESTS_DEVICE="$D" -- \
	-v vfio_type1_iommu -v vfio_type1v2_iommu
ok "vfio-vuart through the group: MCR loopback, 16 bytes, an event each" \
	vfio-vuart "$dev" loop 16

bind_to "" "$dev"
eq "8250_dfl takes the VUART back" dfl-uart "$(driver_of "$D")"
tty=$(vuart_tty "$bdf")
ok "after vfio-dfl: MCR loopback on /dev/$tty" vuart-tty "/dev/$tty" loop 16
ok "rmmod vfio-dfl" rmmod vfio-dfl
ok "no kernel splat" no_new_splat
tap_done
