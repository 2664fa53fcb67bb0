# SPDX-License-Identifier: GPL-2.0
# driver_override on the dfl bus (patch "fpga: dfl: add driver_override
# support"): sysfs semantics, the opt-in (a driver named by the override
# must list the feature: uio_dfl cannot be forced onto one it does not
# list, vfio-dfl opts in with an override_only entry), "none", driverctl,
# a concurrency stress, and the KUnit test.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

modprobe uio_dfl
# A feature uio_dfl does not list (0x30, not page aligned) and one it does.
unl=$(dfl_dev_by_id 0 0x30)
lst=$(dfl_dev_by_id 0 0x10)
U=/sys/bus/dfl/devices/$unl
L=/sys/bus/dfl/devices/$lst
ok "unlisted feature 0x30 is $unl, listed 0x10 is $lst" test -n "$unl" -a -n "$lst"
ok "driver_override attribute exists" test -f "$U/driver_override"
eq "initial value" "(null)" "$(cat "$U/driver_override")"
eq "unlisted feature starts unbound" none "$(driver_of "$U")"

echo uio_dfl > "$U/driver_override"
eq "read back after set (newline stripped)" uio_dfl "$(cat "$U/driver_override")"
printf 'uio_dfl' > "$U/driver_override"
eq "read back after set without newline" uio_dfl "$(cat "$U/driver_override")"
long=$(head -c 4095 /dev/zero | tr '\0' a)
ok "a 4095-byte value is rejected" sh -c "! printf '%s' $long > $U/driver_override"
eq "old value kept after the rejected write" uio_dfl "$(cat "$U/driver_override")"
ok "a 4094-byte value is accepted" sh -c "printf '%s' ${long%a} > $U/driver_override"
eq "4094-byte value reads back" 4094 "$(tr -d '\n' < "$U/driver_override" | wc -c)"
echo > "$U/driver_override"
eq "empty write clears" "(null)" "$(cat "$U/driver_override")"
echo uio_dfl > "$U/driver_override"
eq "writing does not bind by itself" none "$(driver_of "$U")"

# The opt-in: a driver named by the override of a feature it does not
# list binds nothing, uio_dfl as vfio-dfl (whose override_only entries
# list its allowlist only): the bus never offers it the feature, so
# nothing probes, and its bind file answers ENODEV.
modprobe vfio-dfl
echo "$unl" > /sys/bus/dfl/drivers_probe 2>/dev/null
eq "uio_dfl cannot be forced onto unlisted feature 0x30" none "$(driver_of "$U")"
echo "$unl" > /sys/bus/dfl/drivers/uio_dfl/bind 2>/dev/null
eq "nor through uio_dfl's bind file" none "$(driver_of "$U")"
dmesg_mark
echo vfio-dfl > "$U/driver_override"
echo "$unl" > /sys/bus/dfl/drivers_probe 2>/dev/null
eq "nor vfio-dfl, which does not list 0x30" none "$(driver_of "$U")"
ok "vfio-dfl's bind file answers ENODEV (No such device)" sh -c \
	"! echo $unl 2>/tmp/bind.err > /sys/bus/dfl/drivers/vfio-dfl/bind && grep -q 'No such device' /tmp/bind.err"
eq "and vfio-dfl never probed it" 0 "$(dmesg_new | grep -c "$unl.*vfio-dfl")"
echo "$lst" > /sys/bus/dfl/drivers/uio_dfl/unbind
echo vfio-dfl > "$L/driver_override"
echo "$lst" > /sys/bus/dfl/drivers_probe
eq "vfio-dfl binds listed feature 0x10 by override" vfio-dfl "$(driver_of "$L")"
echo "$lst" > /sys/bus/dfl/drivers/vfio-dfl/unbind
echo > "$L/driver_override"
echo "$lst" > /sys/bus/dfl/drivers_probe
eq "cleared: 0x10 back to uio_dfl" uio_dfl "$(driver_of "$L")"
echo uio_dfl > "$U/driver_override"

# "none": stays unbound; clearing returns to the id table (none).
echo none > "$U/driver_override"
echo "$unl" > /sys/bus/dfl/drivers_probe 2>/dev/null
eq "override 'none' keeps the device unbound" none "$(driver_of "$U")"
echo > "$U/driver_override"
echo "$unl" > /sys/bus/dfl/drivers_probe 2>/dev/null
eq "cleared: unlisted feature back to no driver" none "$(driver_of "$U")"

# A listed feature: an override to a missing driver keeps uio_dfl off.
eq "listed feature 0x10 bound to uio_dfl" uio_dfl "$(driver_of "$L")"
echo "$lst" > /sys/bus/dfl/drivers/uio_dfl/unbind
echo no-such-driver > "$L/driver_override"
echo "$lst" > /sys/bus/dfl/drivers_probe 2>/dev/null
eq "override to a missing driver leaves it unbound" none "$(driver_of "$L")"
echo "$lst" > /sys/bus/dfl/drivers/uio_dfl/bind 2>/dev/null
eq "uio_dfl's bind file cannot take it either" none "$(driver_of "$L")"
echo > "$L/driver_override"
echo "$lst" > /sys/bus/dfl/drivers_probe
eq "cleared: listed feature back to uio_dfl" uio_dfl "$(driver_of "$L")"

# driverctl (Debian's) with --bus dfl.
ok "driverctl set-override 0x10 vfio-dfl" driverctl --nosave --bus dfl set-override "$lst" vfio-dfl
eq "driverctl set-override binds vfio-dfl" vfio-dfl "$(driver_of "$L")"
ok "driverctl list-overrides shows it" sh -c "driverctl --bus dfl list-overrides | grep -qx '$lst vfio-dfl'"
ok "driverctl unset-override on 0x10" driverctl --nosave --bus dfl unset-override "$lst"
eq "0x10 back on uio_dfl after unset-override" uio_dfl "$(driver_of "$L")"
ok "driverctl list-overrides no longer lists it" sh -c "! driverctl --bus dfl list-overrides 2>/dev/null | grep -q '$lst'"
# uio_dfl does not list 0x30: driverctl reports that nothing binds it.
ok "driverctl set-override 0x30 uio_dfl fails saying it did not bind" sh -c \
	"! driverctl --nosave --bus dfl set-override $unl uio_dfl > /tmp/dc.out 2>&1 &&
	 grep -q 'failed to bind device $unl' /tmp/dc.out"
eq "0x30 unbound" none "$(driver_of "$U")"
driverctl --nosave --bus dfl unset-override "$unl" > /dev/null 2>&1
eq "after unset-override no override" "(null)" "$(cat "$U/driver_override")"
# A listed feature: "none" keeps it off uio_dfl, unset returns it.
ok "driverctl set-override none on 0x10" driverctl --nosave --bus dfl set-override "$lst" none
eq "0x10 unbound with override none" none "$(driver_of "$L")"
ok "driverctl unset-override on 0x10" driverctl --nosave --bus dfl unset-override "$lst"
eq "0x10 back on uio_dfl" uio_dfl "$(driver_of "$L")"

# Stress on listed 0x10: writers race with unbind/bind; bounded.
dmesg_mark
for w in uio_dfl none vfio-dfl; do
	( i=0; while [ $i -lt 300 ]; do echo $w > "$L/driver_override"; i=$((i + 1)); done ) &
done
( i=0; while [ $i -lt 150 ]; do
	[ -L "$L/driver" ] && echo "$lst" > "$L/driver/unbind" 2>/dev/null
	echo "$lst" > /sys/bus/dfl/drivers_probe 2>/dev/null
	i=$((i + 1)); done ) &
wait
final=$(cat "$L/driver_override")
ok "final override '$final' is one that was written" sh -c "case '$final' in uio_dfl|none|vfio-dfl) true;; *) false;; esac"
[ -L "$L/driver" ] && echo "$lst" > "$L/driver/unbind" 2>/dev/null
echo "$lst" > /sys/bus/dfl/drivers_probe 2>/dev/null
want=none
[ "$final" != none ] && want=$final
eq "device ends consistent with the final override" "$want" "$(driver_of "$L")"
ok "no splat during the stress" no_new_splat
echo > "$L/driver_override"
[ -L "$L/driver" ] && echo "$lst" > "$L/driver/unbind" 2>/dev/null
echo "$lst" > /sys/bus/dfl/drivers_probe 2>/dev/null
eq "0x10 back on uio_dfl" uio_dfl "$(driver_of "$L")"

kunit_results dfl-bus-test dfl_bus_match
tap_done
