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
d=$(dfl_dev_by_id 0 0x15)
if [ -n "$d" ]; then
	echo "== vfio-dfl: hand feature 0x15 ($d, HSSI subsystem, on the DMA-free allowlist) to userspace"
	modprobe vfio-dfl
	echo "# driverctl --bus dfl set-override $d vfio-dfl"
	driverctl --nosave --bus dfl set-override "$d" vfio-dfl
	driverctl --bus dfl list-overrides
	echo "cdev: /dev/vfio/devices/$(ls /sys/bus/dfl/devices/$d/vfio-dev)"
	echo "== the DFL capability, read through the cdev + iommufd"
	vfio-dfl-tool info "$d"
	echo "== scratch register round trip through the cdev"
	vfio-dfl-tool scratch "$d" 0x40 0x0123456789abcdef
	echo "== interrupts: doorbell -> MSI-X -> vfio-dfl -> eventfd"
	vfio-dfl-tool irq "$d" 0 0x48 3
	vfio-dfl-tool irq "$d" 1 0x48 3
	echo "== give it back: uio_dfl (no interrupts, page-rounded maps) takes it again"
	driverctl --nosave --bus dfl unset-override "$d"
	echo "$d now bound to: $(driver_of /sys/bus/dfl/devices/$d)"
fi
