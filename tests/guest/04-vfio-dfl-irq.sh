# SPDX-License-Identifier: GPL-2.0
# vfio-dfl feature interrupts on the card's doorbells: the interrupt
# selftests on the allowlisted DFHv1 feature 0x15 (vectors 2 and 3) and,
# in VFIO's no-IOMMU mode, on 0x23 (vectors 0 and 1), then open/arm/close
# cycles checked against /proc/interrupts and kmemleak.
# vm: --card rp1
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
d15=$(dfl_dev_by_id 0 0x15) d23=$(dfl_dev_by_id 0 0x23)
bind_to vfio-dfl "$d15"
eq "0x15 bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
irq_lines() { grep -c "vfio-dfl-irq" /proc/interrupts; }
before=$(irq_lines)
echo clear > /sys/kernel/debug/kmemleak
dmesg_mark
selftest irq15 vfio_dfl_irq_test VFIO_DFL_DEV="$d15" VFIO_DFL_NOIOMMU=0 \
	VFIO_DFL_NUM_IRQS=$DFL_F15_MSIX_NUM VFIO_DFL_DOORBELL=$DFL_F15_DOORBELL \
	VFIO_DFL_DOORBELL_COUNT=$DFL_F15_DOORBELL_COUNT VFIO_DFL_CYCLES=1000
eq "/proc/interrupts back to its starting state" "$before" "$(irq_lines)"
ok "no splat from the interrupt tests" no_new_splat
ok "the demo path: 5 doorbells -> 5 events on index 1" \
	vfio-dfl-tool irq "$d15" 1 $DFL_F15_DOORBELL 5

# The same tests on a feature off the allowlist, in no-IOMMU mode.
echo 1 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode
bind_to vfio-dfl "$d23"
echo 0 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode
eq "0x23 bound to vfio-dfl (no-IOMMU)" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d23)"
selftest irq23 vfio_dfl_irq_test VFIO_DFL_DEV="$d23" VFIO_DFL_NOIOMMU=1 \
	VFIO_DFL_NUM_IRQS=$DFL_F23_MSIX_NUM VFIO_DFL_DOORBELL=$DFL_F23_DOORBELL \
	VFIO_DFL_DOORBELL_COUNT=$DFL_F23_DOORBELL_COUNT VFIO_DFL_CYCLES=200
eq "/proc/interrupts back to its starting state after 0x23" "$before" "$(irq_lines)"
ok "no splat from the no-IOMMU interrupt tests" no_new_splat

# kmemleak reports objects unreferenced for 5 s over two scans.
sleep 6
echo scan > /sys/kernel/debug/kmemleak
echo scan > /sys/kernel/debug/kmemleak
leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
eq "kmemleak reports nothing new" 0 "$leaks"
[ "$leaks" = 0 ] || head -40 /sys/kernel/debug/kmemleak | sed 's/^/# /'
tap_done
