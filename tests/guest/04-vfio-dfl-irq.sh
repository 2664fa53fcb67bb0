# SPDX-License-Identifier: GPL-2.0
# vfio-dfl feature interrupts on the card's doorbells: the interrupt
# selftests on the allowlisted DFHv1 feature 0x15 (vectors 2 and 3, the
# model's test doorbell) and on the VUART (FME 0x24, vector 5, fired as
# any 16550 can: IER's THR-empty bit, no doorbell, as on a real card),
# each with open/arm/close cycles checked against /proc/interrupts, then
# kmemleak.
# vm: --card rp1
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
d15=$(dfl_dev_by_id 0 0x15)
bind_to vfio-dfl "$d15"
eq "0x15 bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
irq_lines() { grep -c "vfio-dfl-irq" /proc/interrupts; }
before=$(irq_lines)
echo clear > /sys/kernel/debug/kmemleak
dmesg_mark
selftest irq15 vfio_dfl_irq_test VFIO_DFL_DEV="$d15" \
	VFIO_DFL_NUM_IRQS=$DFL_F15_MSIX_NUM VFIO_DFL_DOORBELL=$DFL_F15_DOORBELL \
	VFIO_DFL_DOORBELL_COUNT=$DFL_F15_DOORBELL_COUNT VFIO_DFL_CYCLES=1000
eq "/proc/interrupts back to its starting state" "$before" "$(irq_lines)"
ok "no splat from the interrupt tests" no_new_splat
# The VUART: its one interrupt, the masked storm, the cycles; the model's
# BAR4 counts the rising edges of its line, one MSI-X message each.
vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$vu"
eq "the VUART bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$vu)"
edges0=$(dfl-card-dbg "$(dfl_card_bdf)" vuart-edges)
selftest irq24 vfio_dfl_irq_test VFIO_DFL_DEV="$vu" \
	VFIO_DFL_NUM_IRQS=$DFL_F24_MSIX_NUM VFIO_DFL_CYCLES=300
eq "/proc/interrupts back to its starting state after the VUART" "$before" "$(irq_lines)"
ok "the VUART's line rose during its tests (edges counted by the card)" \
	test "$(dfl-card-dbg "$(dfl_card_bdf)" vuart-edges)" -gt "$edges0"
ok "no splat from the VUART's interrupt tests" no_new_splat
echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind

ok "the demo path: 5 doorbells -> 5 events on index 1" \
	vfio-dfl-tool irq "$d15" 1 $DFL_F15_DOORBELL 5

# Narrow writes to DOORBELL and IRQ_STATUS (W1C) have exactly their
# documented effect (qemu/REGISTERS.md: the written value is the access's
# own data) and reach the card as one access of their own width. No
# index is armed: the rung vectors stay pending in the masked MSI-X table.
db=$DFL_F15_DOORBELL st=$DFL_F15_IRQ_STATUS cnt=$DFL_F15_DOORBELL_COUNT
vfio-dfl-tool pwrite "$d15" $st ffffffffffffffff > /dev/null
eq "IRQ_STATUS clears with an 8-byte write of ones" 0 "$(reg64 "$d15" $st)"
c0=$(reg64 "$d15" $cnt)
eq "a 1-byte DOORBELL write of 1 is one 1-byte access" \
	"r1 0 r2 0 r4 0 r8 0 w1 1 w2 0 w4 0 w8 0" "$(card_widths pwrite "$d15" $db 01)"
eq "it sets IRQ_STATUS bit 1 only" 2 "$(reg64 "$d15" $st)"
eq "and counts one doorbell" $((c0 + 1)) "$(reg64 "$d15" $cnt)"
vfio-dfl-tool pwrite "$d15" $db 00 > /dev/null
eq "a 1-byte DOORBELL write of 0 sets bit 0" 3 "$(reg64 "$d15" $st)"
eq "a 2-byte DOORBELL write of 2 (no such vector) is one 2-byte access" \
	"r1 0 r2 0 r4 0 r8 0 w1 0 w2 1 w4 0 w8 0" "$(card_widths pwrite "$d15" $db 0200)"
eq "and is ignored: IRQ_STATUS unchanged" 3 "$(reg64 "$d15" $st)"
eq "and not counted" $((c0 + 2)) "$(reg64 "$d15" $cnt)"
eq "a 1-byte IRQ_STATUS write of 1 is one 1-byte access" \
	"r1 0 r2 0 r4 0 r8 0 w1 1 w2 0 w4 0 w8 0" "$(card_widths pwrite "$d15" $st 01)"
eq "it clears bit 0 only" 2 "$(reg64 "$d15" $st)"
eq "a 4-byte write of ones to IRQ_STATUS+4 is one 4-byte access" \
	"r1 0 r2 0 r4 0 r8 0 w1 0 w2 0 w4 1 w8 0" "$(card_widths pwrite "$d15" $((st + 4)) ffffffff)"
eq "it clears only bits 32..63: bit 1 stays" 2 "$(reg64 "$d15" $st)"
vfio-dfl-tool pwrite "$d15" $st 0200 > /dev/null
eq "a 2-byte IRQ_STATUS write of 2 clears bit 1" 0 "$(reg64 "$d15" $st)"

# kmemleak reports objects unreferenced for 5 s over two scans.
sleep 6
echo scan > /sys/kernel/debug/kmemleak
echo scan > /sys/kernel/debug/kmemleak
leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
eq "kmemleak reports nothing new" 0 "$leaks"
[ "$leaks" = 0 ] || head -40 /sys/kernel/debug/kmemleak | sed 's/^/# /'
tap_done
