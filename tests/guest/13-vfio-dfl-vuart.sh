# SPDX-License-Identifier: GPL-2.0
# The VUART (FME 0x24, on vfio-dfl's allowlist, keyed on its GUID) as a
# user meets it: taken from 8250_dfl with driverctl, driven through the
# VFIO cdev by a userspace 16550 driver (tests/progs/vfio-vuart.c: the
# capability, a region of exactly 8 << reg_shift bytes without mmap,
# exact event counts in loopback, bytes to and from the host's chardev),
# left dirty by a user killed with SIGKILL and found reset by the next,
# reset by VFIO_DEVICE_RESET, driven by an unprivileged user given the
# cdev, and handed back to 8250_dfl working. A second card (rp2,
# vuart-csr=0x202) puts its VUART's CSR block at a 2-byte aligned address:
# every access width vfio-dfl makes there, counted by the card.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

bdf=$(dfl_card_bdf)
dev=$(dfl_dev_by_id 0 0x24)
D=/sys/bus/dfl/devices/$dev
ok "VUART is $dev, on 8250_dfl" test -n "$dev" -a "$(driver_of "$D")" = dfl-uart
ok "vfio-dfl module loads" modprobe vfio-dfl
ok "driverctl hands the VUART to vfio-dfl" \
	driverctl --nosave --bus dfl set-override "$dev" vfio-dfl
eq "vfio-dfl binds the VUART" vfio-dfl "$(driver_of "$D")"
eq "8250_dfl let go of it: no tty at its address" "" "$(vuart_tty "$bdf")"
ok "an emulated-IOMMU cdev (vfioN), not a no-IOMMU one" sh -c \
	"ls $D/vfio-dev | grep -qx 'vfio[0-9]*'"

ok "info: the VUART's identity, 0x20-byte region, no mmap, reset" vfio-vuart "$dev" info
diag "$(cat /tmp/tap.out)"
ok "loopback: 32 bytes, exactly one event each" vfio-vuart "$dev" loop 32
diag "$(cat /tmp/tap.out)"

vuart-chr 0 recv > /dev/null
msg=6f70616520746f6f6c7320776f756c6420757365207468697321   # "opae tools would use this!"
ok "send 26 bytes through the cdev" vfio-vuart "$dev" send "$msg"
eq "they come out of the VUART's chardev on the host" "$msg" "$(vuart-chr 0 recv)"
in=686f737420746f2075736572737061636521   # "host to userspace!"
out=$(vfio-vuart "$dev" recv 18 "vuart-chr 0 send $in > /dev/null")
eq "bytes written into the chardev arrive through the cdev" "$in" "$out"

# A user leaves the UART dirty and dies: the next one finds it reset.
# The dying user's interrupt, raised while its index was unarmed, waits
# in the function's PBA: it may reach the next user once when it arms
# (the uAPI allows one such event), never more.
vfio-vuart "$dev" dirty > /tmp/dirty.out 2>&1 &
pid=$!
ok "a user leaves the VUART dirty" wait_for 20 grep -qx dirty /tmp/dirty.out
kill -9 "$pid"
wait "$pid" 2>/dev/null
ok "the next user finds the reset state, at most one stale event" vfio-vuart "$dev" clean
diag "$(cat /tmp/tap.out)"
ok "VFIO_DEVICE_RESET while open: reset state, no event after it" vfio-vuart "$dev" reset
diag "$(cat /tmp/tap.out)"

# Non-root, the point of a cdev over /dev/mem (OPAE issue #1561): an
# unprivileged user given the VUART's cdev and /dev/iommu (as a udev rule
# would) drives it end to end; without them it gets EACCES.
grep -q '^vuser:' /etc/passwd || echo 'vuser:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd
cdev=/dev/vfio/devices/$(ls "$D/vfio-dev")
as_user() { su -s /bin/sh vuser -c "$*"; }
ok "without the cdev's permission: EACCES" sh -c \
	"! su -s /bin/sh vuser -c 'vfio-vuart $dev loop 4' > /tmp/user.out 2>&1 && grep -q 'errno 13' /tmp/user.out"
diag "$(cat /tmp/user.out)"
chown 1000:1000 "$cdev" /dev/iommu
ok "uid 1000 with the cdev and /dev/iommu: loopback, exact events" as_user vfio-vuart "$dev" loop 8
diag "$(cat /tmp/tap.out)"
chown 0:0 "$cdev" /dev/iommu

# Access widths at a 2-byte aligned CSR block (the second card, BAR0
# 0x7b02): vfio-dfl never makes a misaligned access, and uses the widest
# aligned one. The 16550's lanes count from the block: SCR at +0x1c.
wbdf=$(dfl_other_card "$bdf")
wdev=$(dfl_dev_by_id 0 0x24 "$wbdf")
W=/sys/bus/dfl/devices/$wdev
ok "the width card ($wbdf) has a VUART ($wdev)" test -n "$wbdf" -a -n "$wdev"
driverctl --nosave --bus dfl set-override "$wdev" vfio-dfl > /dev/null 2>&1
eq "vfio-dfl binds it" vfio-dfl "$(driver_of "$W")"
ok "its region: 0x20 bytes, no mmap" sh -c \
	"vfio-dfl-tool info $wdev | grep -q 'region size 0x20 flags 0x3\$'"
eq "8 bytes at the block's start (BAR0 0x7b02): 2+4+2" \
	"r1 0 r2 2 r4 1 r8 0 w1 0 w2 0 w4 0 w8 0" "$(card_widths pread "$wdev" 0x0 8)"
eq "8 bytes at +0x18 (MSR, SCR lanes; BAR0 0x7b1a): 2+4+2" \
	"r1 0 r2 2 r4 1 r8 0 w1 0 w2 0 w4 0 w8 0" "$(card_widths pread "$wdev" 0x18 8)"
eq "30 bytes at +2 (BAR0 0x7b04): 4+8+8+8+2" \
	"r1 0 r2 1 r4 1 r8 3 w1 0 w2 0 w4 0 w8 0" "$(card_widths pread "$wdev" 0x2 30)"
eq "a 2-byte pread at +0x1c (SCR's lane, BAR0 0x7b1e): one 2-byte read" \
	"r1 0 r2 1 r4 0 r8 0 w1 0 w2 0 w4 0 w8 0" "$(card_widths pread "$wdev" 0x1c 2)"
eq "a 3-byte pwrite at +0x1b (an odd address): 1+2" \
	"r1 0 r2 0 r4 0 r8 0 w1 1 w2 1 w4 0 w8 0" "$(card_widths pwrite "$wdev" 0x1b a1b2c3)"
eq "written and read back in one open: SCR's lane keeps byte 0 only" \
	"00b200" "$(vfio-dfl-tool poke "$wdev" 0x1b a1b2c3)"
eq "a 4-byte pwrite at +0x1c (BAR0 0x7b1e): 2+2" \
	"r1 0 r2 0 r4 0 r8 0 w1 0 w2 2 w4 0 w8 0" "$(card_widths pwrite "$wdev" 0x1c 5a000000)"
eq "a 1-byte pwrite at +0x1c and its read back" 5a "$(vfio-dfl-tool poke "$wdev" 0x1c 5a)"
eq "the reset on the next open cleared SCR" 00 "$(vfio-dfl-tool pread "$wdev" 0x1c 1)"
driverctl --nosave --bus dfl unset-override "$wdev" > /dev/null 2>&1

# Handed back: 8250_dfl binds and the port works as on a fresh boot.
vfio-vuart "$dev" dirty > /tmp/dirty.out 2>&1 &
pid=$!
wait_for 20 grep -qx dirty /tmp/dirty.out
kill -9 "$pid"
wait "$pid" 2>/dev/null
ok "driverctl unset-override" driverctl --nosave --bus dfl unset-override "$dev"
eq "8250_dfl binds the VUART again" dfl-uart "$(driver_of "$D")"
tty=$(vuart_tty "$bdf")
ok "a 16550A tty again ($tty)" test -n "$tty" -a "$(cat /sys/class/tty/$tty/type 2>/dev/null)" = 4
ok "8250_dfl: MCR loopback on /dev/$tty" vuart-tty "/dev/$tty" loop 16
vuart-chr 0 recv > /dev/null
ok "8250_dfl: 3 bytes out" vuart-tty "/dev/$tty" send 4f4b0a
eq "8250_dfl: they reach the host, nothing the vfio user left" 4f4b0a "$(vuart-chr 0 recv)"
tap_done
