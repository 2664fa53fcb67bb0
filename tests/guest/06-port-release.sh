# SPDX-License-Identifier: GPL-2.0
# FME port release (DFL_FPGA_FME_PORT_RELEASE) while a port feature is
# open through vfio-dfl, checked against what dfl.rst says: the holder is
# asked through the request eventfd, the ioctl blocks until the feature is
# released and holds the card's container lock meanwhile (a port assign
# waits too), the port's features then go away, and assigning the port
# brings them back as new devices.
# vm: --card rp1
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
p14=$(dfl_dev_by_id 1 0x14)
fme=$(ls /dev/dfl-fme.* 2>/dev/null | head -n1)
ok "the FME's char device exists ($fme)" test -c "$fme"
bind_to vfio-dfl "$p14"
eq "port feature 0x14 bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$p14)"
cdev=$(ls /sys/bus/dfl/devices/$p14/vfio-dev)

# The holder keeps the feature after the request until told to let go
# (SIGTERM), so the checks below do not race with its release.
vfio-dfl-tool hold "$p14" 0x6 120 120 > /tmp/hold.out &
hold=$!
ok "a process holds $p14" wait_for 20 grep -q '^ready' /tmp/hold.out
dfl-fme-port release "$fme" 0 > /tmp/release.out &
release=$!
ok "the holder is asked to release $p14" wait_for 30 grep -q '^request received' /tmp/hold.out
dfl-fme-port assign "$fme" 0 > /tmp/assign.out &
assign=$!
sleep 2
ok "PORT_RELEASE blocks while the feature is held" kill -0 $release
ok "PORT_ASSIGN waits for the container lock meanwhile" kill -0 $assign
ok "the feature left the bus listing at once" sh -c "! test -e /sys/bus/dfl/devices/$p14"
# vfio_unregister_group_dev() deletes the cdev before it waits for the
# holder: nobody new can open the feature, the holder's fd keeps working.
ok "its VFIO cdev is gone at once: no new opener (/dev/vfio/devices/$cdev)" \
	sh -c "! test -e /dev/vfio/devices/$cdev"
kill -TERM $hold
wait $hold
eq "the holder released (exit 0)" 0 "$?"
ok "register reads kept working until the release" grep -q '^read after request: 0x' /tmp/hold.out
wait $release
eq "PORT_RELEASE completes after the release" "release: ok" "$(cat /tmp/release.out)"
wait $assign
eq "the waiting PORT_ASSIGN then succeeds" "assign: ok" "$(cat /tmp/assign.out)"
ok "the port's features are back after assign" wait_for 30 sh -c \
	"[ \$(ls -d /sys/bus/dfl/devices/dfl_dev.* | wc -l) = $DFL_NR_FEATURES ]"
p14b=$(dfl_dev_by_id 1 0x14)
ok "port feature 0x14 exists again ($p14b)" test -n "$p14b"
ok "no vfio-dfl device is left of the released port" sh -c \
	"! ls /sys/bus/dfl/drivers/vfio-dfl | grep -q dfl_dev"
ok "and its VFIO device is gone" sh -c "! test -e /dev/vfio/devices/$cdev"

# Release again with nothing held: it completes at once.
ok "PORT_RELEASE with nothing open" dfl-fme-port release "$fme" 0
ok "the port feature is gone" sh -c "[ -z \"\$(. /usr/bin/dfl.sh; dfl_dev_by_id 1 0x14)\" ]"
ok "PORT_ASSIGN brings it back" dfl-fme-port assign "$fme" 0
p14c=$(dfl_dev_by_id 1 0x14)
bind_to vfio-dfl "$p14c"
eq "the new port feature binds to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$p14c)"
ok "its registers work" vfio-dfl-tool scratch "$p14c" 0x6 0x1234
ok "no splat" no_new_splat
tap_done
