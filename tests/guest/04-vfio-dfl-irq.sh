# SPDX-License-Identifier: GPL-2.0
# vfio-dfl feature interrupts on the card's doorbell: the interrupt
# selftests, then open/arm/close cycles checked against /proc/interrupts
# and kmemleak.
# vm: --card rp1
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
d23=$(dfl_dev_by_id 0 0x23)
bind_to vfio-dfl "$d23"
eq "0x23 bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d23)"
irq_lines() { grep -c "vfio-dfl-irq" /proc/interrupts; }
before=$(irq_lines)
echo clear > /sys/kernel/debug/kmemleak
dmesg_mark
selftest irq vfio_dfl_irq_test VFIO_DFL_DEV="$d23" VFIO_DFL_DOORBELL=0x48 \
	VFIO_DFL_DOORBELL_COUNT=0x50 VFIO_DFL_CYCLES=1000
eq "/proc/interrupts back to its starting state" "$before" "$(irq_lines)"
ok "no splat from the interrupt tests" no_new_splat
ok "the demo path: 5 doorbells -> 5 events on index 1" vfio-dfl-tool irq "$d23" 1 0x48 5
# kmemleak reports objects unreferenced for 5 s over two scans.
sleep 6
echo scan > /sys/kernel/debug/kmemleak
echo scan > /sys/kernel/debug/kmemleak
leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
eq "kmemleak reports nothing new" 0 "$leaks"
[ "$leaks" = 0 ] || head -40 /sys/kernel/debug/kmemleak | sed 's/^/# /'
tap_done
