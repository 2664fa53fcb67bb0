# SPDX-License-Identifier: GPL-2.0
# FME port release (DFL_FPGA_FME_PORT_RELEASE) and assign with vfio-dfl
# in use, checked against what dfl.rst says: vfio-dfl binds no port
# feature (the port's IOPLL user clock 0x14 is never offered to it), so a port
# release never waits for a vfio-dfl user. With the VUART, an FME
# feature, held through vfio-dfl (interrupt armed), the port is released
# and assigned at once, its features go and come back as new devices,
# and the VUART's holder sees no request and keeps working.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe vfio-dfl
p14=$(dfl_dev_by_id 1 0x14)
vu=$(dfl_dev_by_id 0 0x24)
fme=$(ls /dev/dfl-fme.* 2>/dev/null | head -n1)
ok "the FME's char device exists ($fme)" test -c "$fme"
ok "port feature 0x14 ($p14) and the VUART ($vu) exist" test -n "$p14" -a -n "$vu"

dmesg_mark
bind_to vfio-dfl "$p14"
eq "port feature 0x14 is not bound to vfio-dfl" none "$(driver_of /sys/bus/dfl/devices/$p14)"
eq "vfio-dfl never probed it (no entry lists a port feature)" 0 \
	"$(dmesg_new | grep -c "$p14: .*vfio-dfl")"
echo > /sys/bus/dfl/devices/$p14/driver_override

driverctl --nosave --bus dfl set-override "$vu" vfio-dfl > /dev/null 2>&1
eq "the VUART is bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$vu)"
# The holder keeps the VUART (fd, iommufd, its interrupt armed) for up to
# 120 s, or until a request or SIGTERM.
vfio-dfl-tool hold "$vu" 0x18 120 > /tmp/hold.out &
hold=$!
ok "a process holds the VUART" wait_for 20 grep -q '^ready' /tmp/hold.out

ok "PORT_RELEASE completes with the VUART held" dfl-fme-port release "$fme" 0
ok "the port's features are gone" sh -c "[ -z \"\$(. /usr/bin/dfl.sh; dfl_dev_by_id 1 0x14)\" ]"
ok "PORT_ASSIGN completes too" dfl-fme-port assign "$fme" 0
# Order of events, not seconds: had either ioctl waited for the holder,
# it could only have returned once the holder ended (its 120 s limit or
# a request), so the holder must still be there, request-free, now.
ok "and neither waited for the VUART's holder: it is still running" kill -0 $hold
ok "with no request seen yet" sh -c "! grep -q '^request received' /tmp/hold.out"
ok "the port's features are back" wait_for 30 sh -c \
	"[ \$(ls -d /sys/bus/dfl/devices/dfl_dev.* | wc -l) = $DFL_NR_FEATURES ]"
p14b=$(dfl_dev_by_id 1 0x14)
# (a new device; its name may be the old one, the dfl bus reuses ids)
ok "port feature 0x14 exists again ($p14b)" test -n "$p14b"
bind_to vfio-dfl "$p14b"
eq "the new port feature is refused too" none "$(driver_of /sys/bus/dfl/devices/$p14b)"
echo > /sys/bus/dfl/devices/$p14b/driver_override

ok "the VUART's holder saw no request" sh -c "! grep -q '^request received' /tmp/hold.out"
ok "and still holds it" kill -0 $hold
kill -TERM $hold
wait $hold
eq "the holder ends on SIGTERM" 3 "$?"
driverctl --nosave --bus dfl unset-override "$vu" > /dev/null 2>&1
eq "the VUART back on 8250_dfl" dfl-uart "$(driver_of /sys/bus/dfl/devices/$vu)"
ok "no splat" no_new_splat
tap_done
