# SPDX-License-Identifier: GPL-2.0
# The VUART (FME 0x24, on vfio-dfl's allowlist, keyed on its GUID) as a
# user meets it: taken from 8250_dfl with driverctl, driven through the
# VFIO cdev by a userspace 16550 driver (tests/progs/vfio-vuart.c: the
# capability, a region of exactly 8 << reg_shift bytes without mmap,
# exact event counts in loopback, bytes to and from the host's chardev),
# left dirty by a user killed with SIGKILL and found reset by the next,
# reset by VFIO_DEVICE_RESET, driven by an unprivileged user given the
# cdev, and handed back to 8250_dfl working.
# vm: --card rp1
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

# A user leaves the UART dirty and dies: the next one finds it reset and
# no stale event, although the dying user's interrupt went unheard.
vfio-vuart "$dev" dirty > /tmp/dirty.out 2>&1 &
pid=$!
ok "a user leaves the VUART dirty" wait_for 20 grep -qx dirty /tmp/dirty.out
kill -9 "$pid"
wait "$pid" 2>/dev/null
ok "the next user finds the reset state and no stale event" vfio-vuart "$dev" clean
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
