# SPDX-License-Identifier: GPL-2.0
# The test kernel boots and exposes the interfaces the project builds on.
. /usr/bin/tap.sh

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
tap_done
