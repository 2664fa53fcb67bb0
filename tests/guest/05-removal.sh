# SPDX-License-Identifier: GPL-2.0
# Hot-unplug of the card (QMP device_del) while userspace drivers hold
# vfio-dfl devices: the HSSI, 0x15 (fd, a mapping of its page, an iommufd
# binding; it has no interrupt) and the VUART (fd, iommufd, its interrupt
# armed and fired through IER as on any 16550). Each process is told
# through the request eventfd, its calls keep working until it lets go,
# and the removal then completes with no interrupt left requested.
# Last, an unbind while a user holds the VUART with no request eventfd.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
d15=$(dfl_dev_by_id 0 0x15)
bdf=$(dfl_card_bdf)
bind_to vfio-dfl "$d15"
eq "0x15 bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
# the holder reads HSSI_FEATURE:HSSI_VERSION (vfio-dfl resets the HSSI,
# scratchpad included, when the holder opens it)
ver=$(printf 0x%016x $(( (DFL_HSSI_FEATURE_V << 32) | DFL_HSSI_VERSION_V )))
vfio-dfl-tool hold "$d15" $DFL_HSSI_VERSION 120 > /tmp/hold.out &
hold=$!
ok "a process holds fd, mapping and iommufd of $d15" \
	wait_for 20 grep -q '^ready: .*(fd, mapping, iommufd, 0 feature irq(s) armed)' /tmp/hold.out
vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$vu"
vfio-dfl-tool hold "$vu" 0x18 120 0 "ier:$DFL_VUART_IER" > /tmp/holdu.out &
holdu=$!
ok "a second process holds the VUART, its interrupt armed and firing" \
	wait_for 20 grep -q '^ready: .*1 feature irq(s) armed, firing' /tmp/holdu.out
ok "the VUART's interrupt is requested while held" \
	grep -q "vfio-dfl-irq\[0\]($vu)" /proc/interrupts
dmesg_mark
t0=$(date +%s)
ok "QMP device_del card0" qmp '{"execute":"device_del","arguments":{"id":"card0"}}'
wait $hold
rc=$?
wait $holdu
rcu=$?
t1=$(date +%s)
eq "holder was notified and released (exit 0)" 0 "$rc"
eq "the VUART's holder was notified and released (exit 0)" 0 "$rcu"
ok "the VUART's interrupt fired during the removal and reached its index" \
	grep -qE '^fired: [1-9][0-9]* times, [1-9][0-9]* events on index 0$' /tmp/holdu.out
diag "$(grep '^fired' /tmp/holdu.out)"
ok "holder got the request" grep -q '^request received' /tmp/hold.out
eq "registers still readable until release (pread, mapping)" \
	"read after request: $ver (pread), $ver (mapping)" \
	"$(grep '^read after request' /tmp/hold.out)"
# Exit 0 with the request line is the proof it was the request, not its
# 120 s limit, that ended the holder; the time is a figure, not a bound.
diag "device_del to both holders released: $((t1 - t0)) s"
ok "card leaves PCI within 30 s of the release" wait_for 30 sh -c "! test -e /sys/bus/pci/devices/$bdf"
eq "no dfl_dev left" 0 "$(dfl_dev_count)"
ok "vfio-dfl relayed the request (kernel log)" sh -c "dmesg | grep -q '$d15: Relaying device request to user'"
ok "no vfio-dfl interrupt left in /proc/interrupts" sh -c '! grep -q vfio-dfl /proc/interrupts'
ok "QMP device_add card0" qmp_retry 30 '{"execute":"device_add","arguments":{"driver":"dfl-card","id":"card0","bus":"rp1"}}'
ok "dfl_dev devices are back" wait_for 30 sh -c "[ \$(ls -d /sys/bus/dfl/devices/dfl_dev.* | wc -l) = $DFL_NR_FEATURES ]"
d15=$(dfl_dev_by_id 0 0x15)
bind_to vfio-dfl "$d15"
eq "the new 0x15 binds to vfio-dfl again" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
ok "its scratchpad works" vfio-dfl-tool scratch "$d15" $DFL_HSSI_SCRATCHPAD 0x1234

# A user that registered no request eventfd cannot be asked: the unbind
# waits for it, says why, and completes when it lets go.
vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$vu"
dmesg_mark
rm -f /tmp/unbind.done
vfio-dfl-tool idle "$vu" 120 > /tmp/idle.out 2>&1 &
idle=$!
ok "a process holds the VUART with no eventfd" \
	wait_for 20 grep -q '^ready: holding .*no eventfd' /tmp/idle.out
(echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind; touch /tmp/unbind.done) &
unbinder=$!
no_channel() { dmesg_new | grep -q "$vu: No device request channel registered, blocked until released by user"; }
ok "the unbind says no request channel is registered" wait_for 20 no_channel
sleep 2
eq "the unbind still waits for the user" waiting \
	"$([ -e /tmp/unbind.done ] && echo done || echo waiting)"
kill -TERM "$idle"
wait "$idle"
eq "the user lets go on SIGTERM (exit 0)" 0 "$?"
ok "the unbind completes once the user let go" wait_for 20 test -e /tmp/unbind.done
if [ -e /tmp/unbind.done ]; then
	wait "$unbinder"
else
	kill -9 "$unbinder" 2>/dev/null
fi
eq "the VUART is unbound" none "$(driver_of /sys/bus/dfl/devices/$vu)"
tap_done
