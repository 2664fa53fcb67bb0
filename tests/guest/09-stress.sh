# SPDX-License-Identifier: GPL-2.0
# Break it on purpose, watched by KASAN, lockdep, kmemleak and the splat
# detector. First argument: seconds per sweep and per race (default 25
# for the sweeps, a third of it for each race; e.g.
# `make vm SCRIPT=tests/guest/09-stress.sh ARGS=3600` for hours).
#
# 1. A random sweep of the vfio-dfl uAPI (tests/progs/vfio-dfl-sweep.c)
#    from three threads: on the HSSI, FME 0x15 (a page, mappable, no
#    interrupt, its ColdReset on every open; reads everywhere, writes to
#    its scratchpad only) and on the
#    VUART, FME 0x24 (0x20 bytes, not page aligned, not mappable, one
#    interrupt, a reset on every open; reads everywhere, 16550 side
#    effects included, writes to its SCR lane only). It checks the
#    invariants every VFIO driver keeps and prints calls made, calls per
#    second and an errno histogram.
# 2. Races (tests/progs/vfio-dfl-race.c), each for a bounded time and
#    ending with a clean check (exact event counts, nothing left
#    requested, the device still binds and works):
#    - SET_IRQS arm/replace/disarm/mask/unmask of one index from three
#      threads while the VUART's line is raised through its IER in BAR0;
#    - its eventfd replaced, A by B and back, from one thread while each
#      ring waits for its event: none lost or doubled across a swap;
#    - the last close (which frees an armed interrupt) while the line
#      rises, so the handler runs during free_irq() (the VUART);
#    - two processes claiming the device at once, through the cdev and
#      through the group path;
#    - unbind, and card hot-unplug, while three threads are inside
#      read/write/mmap/SET_IRQS;
#    - driver_override writes racing drivers_probe and unbind.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

secs=${1:-25}
rsecs=$(( secs / 3 ))
[ $rsecs -gt 0 ] || rsecs=1
modprobe vfio-dfl
bdf=$(dfl_card_bdf)
d15=$(dfl_dev_by_id 0 0x15) vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$d15"
bind_to vfio-dfl "$vu"
eq "the HSSI (0x15) and the VUART bound to vfio-dfl" "vfio-dfl vfio-dfl" \
	"$(driver_of /sys/bus/dfl/devices/$d15) $(driver_of /sys/bus/dfl/devices/$vu)"
irq_lines() { grep -c "vfio-dfl-irq" /proc/interrupts; }
before=$(irq_lines)
dmesg_mark
for f in "$d15 -w $DFL_HSSI_SCRATCHPAD:8" "$vu -w $DFL_VUART_SCR:4"; do
	set -- $f
	dev=$1
	shift
	vfio-dfl-sweep "$@" "$dev" "$secs" 3 > /tmp/sweep.out 2>&1
	rc=$?
	cat /tmp/sweep.out
	eq "sweep of $dev for ${secs} s: no invariant broken (exit 0)" 0 "$rc"
	ok "sweep of $dev made calls" grep -qE '^# calls: [1-9][0-9]* in' /tmp/sweep.out
done
eq "/proc/interrupts back to its starting state" "$before" "$(irq_lines)"
ok "no splat from the sweeps" no_new_splat
echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind
dmesg_mark

# The interrupt races on the VUART: its line raised through IER in BAR0,
# a reset on every open and close
ubell="ier:$(( DFL_VUART_CSR_OFST + DFL_VUART_IER ))"
bind_to vfio-dfl "$vu"
for mode in irqs replace close; do
	vfio-dfl-race $mode "$vu" "$bdf" "$ubell" "$rsecs" > /tmp/race.out 2>&1
	rc=$?
	cat /tmp/race.out
	eq "race '$mode' on the VUART for $rsecs s: invariants and clean check hold (exit 0)" 0 "$rc"
done
echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind
ok "no splat from the VUART's interrupt races" no_new_splat

# cdev and group path claiming the device at once: never both (the
# VUART: the clean check counts its interrupt)
bind_to vfio-dfl "$vu"
vfio-dfl-race open "$vu" "$bdf" "$ubell" "$rsecs" > /tmp/race.out 2>&1
rc=$?
cat /tmp/race.out
eq "race 'open' for $rsecs s: cdev and group never hold $vu together (exit 0)" 0 "$rc"
echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind

# unbind while busy: the sweep's threads are inside the uAPI when the
# unbind starts; it completes once the sweep lets go
vfio-dfl-sweep -n -w $DFL_HSSI_SCRATCHPAD:8 "$d15" $((rsecs < 6 ? 6 : rsecs)) 3 > /tmp/sweep.out 2>&1 &
sweep=$!
wait_for 30 grep -q '^# sweep of' /tmp/sweep.out
sleep 1
# its header is flushed once it holds the device, its summary only at exit
ok "the sweep holds $d15 and still runs" sh -c \
	"grep -q '^# sweep of' /tmp/sweep.out && ! grep -q '^# calls:' /tmp/sweep.out"
echo "$d15" > /sys/bus/dfl/drivers/vfio-dfl/unbind &
unbind=$!
wait $sweep
rc=$?
grep '^#' /tmp/sweep.out
eq "a sweep interrupted by unbind keeps every invariant (exit 0)" 0 "$rc"
ok "unbind completes once the sweep has closed the device" wait_for 30 sh -c "! kill -0 $unbind"
eq "the HSSI is unbound" none "$(driver_of /sys/bus/dfl/devices/$d15)"

# driver_override against bind/unbind
p=/sys/bus/dfl/devices/$d15
end=$(( $(date +%s) + rsecs ))
( while [ "$(date +%s)" -lt $end ]; do
	echo vfio-dfl > $p/driver_override; echo > $p/driver_override
  done ) 2>/dev/null &
w=$!
( while [ "$(date +%s)" -lt $end ]; do
	echo "$d15" > /sys/bus/dfl/drivers_probe
	[ -L $p/driver ] && echo "$d15" > $p/driver/unbind
  done ) 2>/dev/null &
b=$!
wait $w $b
bind_to vfio-dfl "$d15"
eq "after the override race, the HSSI binds to vfio-dfl" vfio-dfl "$(driver_of $p)"
ok "and its scratchpad works" vfio-dfl-tool scratch "$d15" $DFL_HSSI_SCRATCHPAD 0x0123456789abcdef
ok "no splat from the races" no_new_splat

# card hot-unplug while busy: the sweep's threads are inside the uAPI
# when device_del starts; the removal completes once the sweep lets go
vfio-dfl-sweep -n -w $DFL_HSSI_SCRATCHPAD:8 "$d15" $((rsecs < 6 ? 6 : rsecs)) 3 > /tmp/sweep.out 2>&1 &
sweep=$!
wait_for 30 grep -q '^# sweep of' /tmp/sweep.out
sleep 1
# its header is flushed once it holds the device, its summary only at exit
ok "the sweep holds $d15 and still runs" sh -c \
	"grep -q '^# sweep of' /tmp/sweep.out && ! grep -q '^# calls:' /tmp/sweep.out"
ok "QMP device_del card0 while the sweep runs" qmp '{"execute":"device_del","arguments":{"id":"card0"}}'
wait $sweep
rc=$?
grep '^#' /tmp/sweep.out
eq "a sweep interrupted by hot-unplug keeps every invariant (exit 0)" 0 "$rc"
ok "the card leaves PCI once the sweep has closed the device" \
	wait_for 30 sh -c "! test -e /sys/bus/pci/devices/$bdf"
eq "no dfl_dev left" 0 "$(dfl_dev_count)"
ok "no vfio-dfl interrupt left" sh -c '! grep -q vfio-dfl /proc/interrupts'
ok "no splat from the removal while busy" no_new_splat
ok "rmmod vfio_dfl after the races" rmmod vfio_dfl
tap_done
