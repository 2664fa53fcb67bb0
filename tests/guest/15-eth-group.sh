# SPDX-License-Identifier: GPL-2.0
# The card's N3000 Ethernet group (FME 0x10, qemu/REGISTERS.md) as users
# meet it: under uio_dfl, the kernel's only driver for 0x10, and under
# vfio-dfl, which resets it on every hand-over (every link's PMA loopback
# off, its MAC held in reset). eth-group (tests/progs) drives the group's
# indirect mailbox through the mapping as linux-dfl's dfl-eth-group
# does. The model's BAR4 shows the links' state behind every driver's
# back. On a real N3000: eth-group runs as is; the BAR4 checks are the
# model's.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

bdf=$(dfl_card_bdf)
dev=$(dfl_dev_by_id 0 0x10)
D=/sys/bus/dfl/devices/$dev
need "feature 0x10 exists ($dev)" test -n "$dev"
eth() { dfl-card-dbg "$bdf" eth; }
MTX=$DFL_ETH_MAC_MAX_TX_SIZE

modprobe uio_dfl
eq "uio_dfl binds it" uio_dfl "$(driver_of "$D")"
uio=$(uio_of "$dev")
ug() { eth-group uio "$uio" "$@"; }
eq "info: 4 links, 25G, line side, group 0 (ETH_GROUP_INFO)" \
	"links $DFL_ETH_NLINKS speed 25 line-side 1 group 0" "$(ug info)"
eq "at power-on: no MAC in reset, no loopback (the mailbox, and BAR4)" \
	"reset 0x0 loopback 0x0 mac-reset 0x0 loopback 0x0" "$(ug macs) $(eth)"
eq "a uio_dfl user: link 1 in loopback, link 2's MAC in reset, a frame size" \
	"loopback on mac reset 5/$(printf 0x%x $MTX) written" \
	"$(ug loopback 1 on mac 2 reset write 5 $MTX 9000 | xargs)"
eq "... the model's links" "mac-reset 0x4 loopback 0x2" "$(eth)"

# vfio-dfl: a reset on every hand-over (each open and each close)
modprobe vfio-dfl
bind_to vfio-dfl "$dev"
eq "vfio-dfl binds the Ethernet group (25G: its reset applies)" vfio-dfl "$(driver_of "$D")"
info=$(vfio-dfl-tool info "$dev")
diag "$info"
ok "VFIO: feature 0x10, DFHv0, no feature interrupts, a mapped page, a reset" sh -c \
	"echo '$info' | grep -q 'feature_id 0x10 revision 0 dfh_version 0 .* feature_irqs 0 param_bytes 0 region size 0x1000 flags 0x7 (mmap)'"
vg() { eth-group vfio "$dev" "$@"; }
eq "the first vfio user finds what uio_dfl's left undone: loopback off, every MAC held" \
	"reset 0xf loopback 0x0" "$(vg macs)"
eq "... and link 1's frame size as it was left (no reset undoes it, REGISTERS.md)" \
	"5/$(printf 0x%x $MTX) 0x2328" "$(vg read 5 $MTX)"
# a user runs its MACs and leaves links in loopback; it is killed
# (the program itself in the background, not a function's subshell, so
# that the SIGKILL reaches the process holding the device)
eth-group vfio "$dev" mac 0 run mac 1 run mac 2 run mac 3 run loopback 0 on loopback 3 on \
	hold > /tmp/hold.out &
hold=$!
ok "a user holds the group, its MACs running, links 0 and 3 in loopback" \
	wait_for 20 grep -q '^ready' /tmp/hold.out
eq "... the model's links while it holds them" "mac-reset 0x0 loopback 0x9" "$(eth)"
kill -9 $hold
wait $hold 2>/dev/null
eq "after the user is killed: the close's reset (BAR4)" "mac-reset 0xf loopback 0x0" "$(eth)"

dmesg_mark
bind_to "" "$dev"
eq "uio_dfl takes it back" uio_dfl "$(driver_of "$D")"
uio=$(uio_of "$dev")
eq "uio_dfl's user finds it as vfio-dfl left it: loopback off, MACs held" \
	"reset 0xf loopback 0x0" "$(ug macs)"
eq "and releases a MAC as linux-dfl's ndo_open does" "mac run mac-reset 0xe loopback 0x0" \
	"$(ug mac 0 run) $(eth)"

# The groups vfio-dfl has no reset for: a 10G group (its PHY reset is
# known only from linux-dfl's driver) and a host-side group (linux-dfl
# keeps its MACs running). Cards 2 and 3 carry them (eth-info, the map's
# DFL_ETH_INFO_10G and DFL_ETH_INFO_HOST): uio_dfl takes them as any
# 0x10, vfio-dfl refuses them at probe with -EPERM and one message.
ok "no kernel splat" no_new_splat
for c in "2 $DFL_ETH_INFO_10G" "3 $DFL_ETH_INFO_HOST"; do
	set -- $c
	links=$(( ($2 >> 8) & 0xff )) speed=$(( ($2 >> 16) & 0xff ))
	line=$(( ($2 >> 24) & 1 )) side=host
	[ $line = 0 ] || side=line
	card=$(dfl_cards "$1" | tail -n1)
	d=$(dfl_dev_by_id 0 0x10 "$card")
	need "card $1 ($card) has an Ethernet group ($d)" test -n "$d"
	eq "$d: uio_dfl binds it" uio_dfl "$(driver_of /sys/bus/dfl/devices/$d)"
	eq "$d: ETH_GROUP_INFO is the map's ($side side, $links links at ${speed}G)" \
		"links $links speed $speed line-side $line group $(( $2 & 0xff ))" \
		"$(eth-group uio "$(uio_of "$d")" info)"
	dmesg_mark
	bind_to vfio-dfl "$d"
	eq "$d: vfio-dfl refuses it" none "$(driver_of /sys/bus/dfl/devices/$d)"
	eq "$d: one message saying what the group is, and -EPERM" \
		"$d: Ethernet group: $side side, $links links at $speed G; only line-side 25G and 40G groups of 1 to 8 links have a reset here
$d: probe with driver vfio-dfl failed with error -1" \
		"$(dmesg_new | grep -o "$d: .*")"
	bind_to "" "$d"
	ok "$d: no kernel splat" no_new_splat
done
tap_done
