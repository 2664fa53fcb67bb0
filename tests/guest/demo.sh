# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the VM.
echo "== kernel"
uname -a
echo "== dfl bus devices (name, type, feature_id, driver)"
for d in /sys/bus/dfl/devices/*; do
	[ -e "$d" ] || { echo "(none)"; break; }
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	printf '%-12s type=%s feature_id=%s driver=%s\n' "$(basename "$d")" \
		"$(cat "$d/type")" "$(cat "$d/feature_id")" "${drv:-(none)}"
done
echo "== dfl drivers"
ls /sys/bus/dfl/drivers
echo "== FPGA PCI functions"
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
