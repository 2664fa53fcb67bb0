# SPDX-License-Identifier: GPL-2.0
# vfio-dfl feature interrupts: the series' selftest on the VUART
# (FME 0x24, vector 5, fired as any 16550 can: a byte in MCR loopback or
# IER's THR-empty bit, no doorbell, as on a real card), the only
# allowlisted block with an interrupt, /proc/interrupts back to its
# starting state after it, then kmemleak. (The model's test doorbells, their counts and W1C
# status widths are checked without a driver by qemu/check-dfl-card.sh.)
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
irq_lines() { grep -c "vfio-dfl-irq" /proc/interrupts; }
before=$(irq_lines)
echo clear > /sys/kernel/debug/kmemleak
dmesg_mark
# The VUART: its one interrupt, the masked storm, the cycles; the model's
# BAR4 counts the rising edges of its line, one MSI-X message each.
vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$vu"
eq "the VUART bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$vu)"
edges0=$(dfl-card-dbg "$(dfl_card_bdf)" vuart-edges)
# The series' selftest: on the VUART its loopback interrupt and reset run
selftest st24 vfio_dfl_test VFIO_SELFTESTS_DEVICE="/sys/bus/dfl/devices/$vu"
eq "/proc/interrupts back to its starting state after the VUART" "$before" "$(irq_lines)"
ok "the VUART's line rose during its tests (edges counted by the card)" \
	test "$(dfl-card-dbg "$(dfl_card_bdf)" vuart-edges)" -gt "$edges0"
ok "no splat from the VUART's interrupt tests" no_new_splat
ok "the demo path: 5 rising edges through IER -> 5 events on index 0" \
	vfio-dfl-tool irq "$vu" 0 "ier:$DFL_VUART_IER" 5
echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind
eq "/proc/interrupts back to its starting state" "$before" "$(irq_lines)"

# kmemleak reports objects unreferenced for 5 s over two scans.
sleep 6
echo scan > /sys/kernel/debug/kmemleak
echo scan > /sys/kernel/debug/kmemleak
leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
eq "kmemleak reports nothing new" 0 "$leaks"
[ "$leaks" = 0 ] || head -40 /sys/kernel/debug/kmemleak | sed 's/^/# /'
tap_done
