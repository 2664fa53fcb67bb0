# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the VM.
echo "== kernel"
uname -a
modprobe uio_dfl
echo "== dfl bus devices with uio_dfl loaded (name, type, feature_id, driver)"
for d in /sys/bus/dfl/devices/*; do
	[ -e "$d" ] || { echo "(none)"; break; }
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	printf '%-12s type=%s feature_id=%s driver=%s\n' "$(basename "$d")" \
		"$(cat "$d/type")" "$(cat "$d/feature_id")" "${drv:-(none)}"
done
echo "== dfl drivers"
ls /sys/bus/dfl/drivers
echo "== Intel PCI functions (the DFL card is 0x09c4)"
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x8086 ] || continue
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	echo "$(basename "$d") $(cat "$d/vendor"):$(cat "$d/device") driver=${drv:-(none)} iommu_group=$(basename "$(readlink "$d/iommu_group")")"
done
echo "== vfio and iommufd"
ls -l /dev/vfio /dev/iommu
echo "== IOMMU groups"
for g in /sys/kernel/iommu_groups/*; do
	echo "group $(basename "$g"): $(ls "$g/devices" | tr '\n' ' ')"
done

. /usr/bin/dfl.sh
bdf=$(dfl_card_bdf)
d=$(dfl_dev_by_id 0 0x24)
if [ -n "$d" ]; then
	echo "== the OFS VUART (FME 0x24, $d) as the kernel drives it: 8250_dfl"
	echo "$d bound to: $(driver_of /sys/bus/dfl/devices/$d), tty: $(vuart_tty "$bdf")"
	echo "== vfio-dfl: hand the VUART to userspace (on the DMA-free allowlist, keyed on its GUID)"
	modprobe vfio-dfl
	echo "# driverctl --bus dfl set-override $d vfio-dfl"
	driverctl --nosave --bus dfl set-override "$d" vfio-dfl
	driverctl --bus dfl list-overrides
	echo "cdev: /dev/vfio/devices/$(ls /sys/bus/dfl/devices/$d/vfio-dev)"
	echo "== its DFL capability and region, read through the cdev + iommufd"
	vfio-vuart "$d" info
	echo "== a line out of the UART through the cdev; the host side of the card's chardev receives:"
	vuart-chr 0 recv > /dev/null
	vfio-vuart "$d" send 68656c6c6f2066726f6d207666696f2d64666c0a
	echo "host got: $(vuart-chr 0 recv | xxd -r -p)"
	echo "== a line into the UART from the host, read on its interrupt (eventfd):"
	vfio-vuart "$d" recv 6 "vuart-chr 0 send 686f7374210a > /dev/null"
	echo "== MCR loopback: one interrupt, one eventfd event per byte"
	vfio-vuart "$d" loop 8
	u=$(dfl_dev_by_id 0 0x30)
	echo "== an unlisted feature (FME 0x30, $u) is refused"
	dmesg -c > /dev/null
	driverctl --nosave --bus dfl set-override "$u" vfio-dfl 2>/dev/null
	dmesg | grep -m1 "$u"
	driverctl --nosave --bus dfl unset-override "$u" 2>/dev/null
	echo "== give the VUART back: 8250_dfl takes it again, reset"
	driverctl --nosave --bus dfl unset-override "$d"
	echo "$d now bound to: $(driver_of /sys/bus/dfl/devices/$d), tty: $(vuart_tty "$bdf")"
	vuart-tty "/dev/$(vuart_tty "$bdf")" loop 8
fi
