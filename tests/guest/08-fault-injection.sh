# SPDX-License-Identifier: GPL-2.0
# Fault injection at every fault site of vfio-dfl's user-visible
# sequences (tests/progs/vfio-dfl-failnth.c): probe/bind, open + bind
# iommufd + attach, GET_INFO with the capability, SET_IRQS arm (with
# request_irq), replace, disarm, last close with an interrupt armed. Each
# failed allocation must come back as an errno (or be absorbed), leave the
# device usable and, checked by kmemleak and the splat detector, leak and
# splat nothing. Run on the VUART (one interrupt fired through IER, and a
# reset on every open and close) and on the HSSI, 0x15 (page
# aligned, no interrupt, its ColdReset on every open and close: bind,
# open and info).
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

FS=/sys/kernel/debug/failslab
ok "fail-nth is available (CONFIG_FAULT_INJECTION)" test -e /proc/thread-self/fail-nth
ok "failslab is available (CONFIG_FAILSLAB)" test -d $FS
# GFP_KERNEL allocations are fault sites too; no stack dump per injected
# fault (the harness would read it as a splat).
echo N > $FS/ignore-gfp-wait
echo 0 > $FS/verbose

# failnth_results LABEL: /tmp/fn.out's TAP lines (one per sequence) as
# this script's results
failnth_results() { tap_relay "$1" /tmp/fn.out; }

modprobe vfio-dfl
d15=$(dfl_dev_by_id 0 0x15)
bind_to vfio-dfl "$d15"
eq "the HSSI (0x15) bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d15)"
dmesg_mark
vfio-dfl-failnth "$d15" none bind open info > /tmp/fn.out 2>&1
rc=$?
failnth_results 0x15
eq "0x15: every sequence reported (3 results), exit 0" "3 0" "$(grep -cE '^(not )?ok ' /tmp/fn.out) $rc"
ok "no splat from fault injection on the HSSI" no_new_splat

vu=$(dfl_dev_by_id 0 0x24)
bind_to vfio-dfl "$vu"
eq "the VUART bound to vfio-dfl" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$vu)"
dmesg_mark
vfio-dfl-failnth "$vu" "ier:$DFL_VUART_IER" bind open info arm replace disarm close > /tmp/fn.out 2>&1
rc=$?
failnth_results 0x24
eq "0x24: every sequence reported (7 results), exit 0" "7 0" "$(grep -cE '^(not )?ok ' /tmp/fn.out) $rc"
ok "no splat from fault injection on the VUART" no_new_splat

echo "$d15" > /sys/bus/dfl/drivers/vfio-dfl/unbind
echo "$vu" > /sys/bus/dfl/drivers/vfio-dfl/unbind
ok "rmmod vfio_dfl after fault injection" rmmod vfio_dfl
tap_done
