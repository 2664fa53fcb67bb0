# SPDX-License-Identifier: GPL-2.0
# The card's VUART (FME 0x24, the OFS VUART: qemu/REGISTERS.md) under the
# kernel's own driver, 8250_dfl, on the unmodified kernel path: the
# driver accepts the model's DFHv1 parameters, the 8250 core's
# autoconfig() finds a 16550A, bytes written to the tty come out of the
# card's chardev on the host (scripts/vm.py), bytes written into it on
# the host come in, the MCR loopback works, and the kernel counts the
# VUART's interrupts on MSI-X vector 5 (no more than the model sent).
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

bdf=$(dfl_card_bdf)
dev=$(dfl_dev_by_id 0 0x24)
D=/sys/bus/dfl/devices/$dev
ok "VUART dfl_dev exists ($dev)" test -n "$dev"
eq "8250_dfl (dfl-uart) binds the VUART" dfl-uart "$(driver_of "$D")"
bar0=$(( $(head -n1 /sys/bus/pci/devices/$bdf/resource | cut -d' ' -f1) ))
tty=$(vuart_tty "$bdf")
T=/sys/class/tty/$tty
ok "the VUART has a tty at the CSR block's address ($tty)" test -n "$tty" -a -c "/dev/$tty"
eq "$tty: MMIO, 32-bit (REG_LAYOUT width 4)" 3 "$(cat $T/io_type)"
eq "$tty: register shift 2 (REG_LAYOUT)" 2 "$(cat $T/iomem_reg_shift)"
eq "$tty: uartclk from CLK_FRQ" "$DFL_VUART_CLK" "$(cat $T/uartclk)"
# 8250_dfl's FIFO_LEN type is replaced by what autoconfig() probes
eq "$tty: autoconfig found a 16550A (PORT_16550A)" 4 "$(cat $T/type)"
eq "$tty: FIFO size of a 16550A" 16 "$(cat $T/xmit_fifo_size)"
ok "dmesg: $tty is a 16550A at the CSR block" sh -c \
	"dmesg | grep -E '$tty MMIO32:0x0*$(printf %x $((bar0 + DFL_VUART_CSR_OFST))) .* is a 16550A'"
diag "$(dmesg | grep -E "$tty MMIO32" | tail -n1)"
irq=$(cat $T/irq)
ok "$tty has an interrupt ($irq)" test "$irq" -gt 0
# The header declares 0x10 bytes; the dfl core sizes the VUART's
# registers from REG_LAYOUT (8 << shift), so 8250 requests all of them.
# With the argument "declared" (a kernel without the DFL-core series,
# suite s1-12-vuart), the core does not: 8250 requests the declared 0x10.
start=$(printf '%x' $((bar0 + DFL_VUART_CSR_OFST)))
if [ "${1:-}" = declared ]; then
	end=$(printf '%x' $((bar0 + DFL_VUART_CSR_OFST + DFL_VUART_CSR_SIZE - 1)))
	ok "/proc/iomem: 8250 holds the $DFL_VUART_CSR_SIZE bytes the header declares ($start-$end)" sh -c \
		"grep -E '^ *0*$start-0*$end : serial' /proc/iomem"
	eq "dmesg: no word of sizing the VUART" 0 "$(dmesg | grep -c 'VUART: declared CSR size')"
else
	end=$(printf '%x' $((bar0 + DFL_VUART_CSR_OFST + DFL_VUART_REG_SPAN - 1)))
	ok "/proc/iomem: 8250 holds the VUART's 0x20 bytes of registers ($start-$end)" sh -c \
		"grep -E '^ *0*$start-0*$end : serial' /proc/iomem"
	ok "dmesg: the dfl core says it sized the VUART from REG_LAYOUT" sh -c \
		"dmesg | grep -E 'VUART: declared CSR size 0x0*10 does not cover its registers, using 0x0*20'"
fi

irq_count() {  # the kernel's count of interrupt $1, all CPUs, requested or not
	tr ',' '\n' < /sys/kernel/irq/$1/per_cpu_count | awk '{ n += $1 } END { print n }'
}
edges() { dfl-card-dbg "$bdf" vuart-edges; }

vuart-chr 0 recv > /dev/null
i0=$(irq_count "$irq") e0=$(edges)
msg=68656c6c6f2c2076756172742066726f6d2074686520677565737421   # "hello, vuart from the guest!"
export VUART_IRQ=$irq VUART_BDF=$bdf   # vuart-tty compares the counts
ok "write 29 bytes to /dev/$tty: interrupts counted, no more than VUART messages" vuart-tty "/dev/$tty" send "$msg"
diag "$(cat /tmp/tap.out)"
eq "the bytes come out of the VUART's chardev on the host" "$msg" "$(vuart-chr 0 recv)"

in=776f726c642c20686f737420746f206775657374   # "world, host to guest"
out=$(vuart-tty "/dev/$tty" recv 20 "grep -E '^ *$irq:' /proc/interrupts > /tmp/vuart.irq; vuart-chr 0 send $in > /dev/null")
eq "bytes written into the chardev reach /dev/$tty" "$in" "$out"
ok "/proc/interrupts: $tty on the card's MSI-X vector 5" \
	grep -E "PCI-MSIX-$bdf +$DFL_VUART_MSIX_START-edge +$tty\$" /tmp/vuart.irq

ok "MCR loopback: 32 bytes come back, interrupts counted, no more than VUART messages" vuart-tty "/dev/$tty" loop 32
diag "$(cat /tmp/tap.out)"
eq "the loopback sends nothing out of the chardev" "" "$(vuart-chr 0 recv)"

# Over the whole run, with the port closed in between (its vector masked,
# edges coalesced in the PBA, the 8250 core's probes of IER), the kernel
# counts fewer interrupts than the VUART raised edges, never more.
i1=$(irq_count "$irq") e1=$(edges)
diag "whole run: $((i1 - i0)) interrupts counted by the kernel, $((e1 - e0)) VUART edges"
ok "the kernel counted interrupts, no more than the VUART's edges" \
	test $((i1 - i0)) -gt 0 -a $((i1 - i0)) -le $((e1 - e0))

# 8250_dfl lets go and takes the VUART again: the port works as before.
echo "$dev" > /sys/bus/dfl/drivers/dfl-uart/unbind
eq "unbound, no tty at the CSR block" "" "$(vuart_tty "$bdf")"
echo "$dev" > /sys/bus/dfl/drivers/dfl-uart/bind
eq "8250_dfl binds the VUART again" dfl-uart "$(driver_of "$D")"
tty=$(vuart_tty "$bdf")
ok "after the rebind: MCR loopback on /dev/$tty, interrupts counted" vuart-tty "/dev/$tty" loop 16
vuart-chr 0 recv > /dev/null
ok "after the rebind: 3 bytes out" vuart-tty "/dev/$tty" send 4f4b0a
eq "after the rebind: they reach the host" 4f4b0a "$(vuart-chr 0 recv)"
tap_done
