# SPDX-License-Identifier: GPL-2.0
# The card's OFS HSSI subsystem (FME 0x15, qemu/REGISTERS.md) as users
# meet it: under uio_dfl, the kernel's only driver for 0x15, and under
# vfio-dfl, which resets it on every hand-over. Linux sees a DFHv0 feature
# (one page, no interrupts); hssi-sal (tests/progs) drives its SAL
# mailbox and the wrapper's ColdReset handshake through the mapping the
# way OPAE's hssicommon.py does, against the values of HSSI_SS_CSR.xls.
# The model's BAR4 shows what the mailbox did (loopback per port,
# ColdResets). On a real card: hssi-sal runs as is (uio or vfio); the
# BAR4 checks are the model's.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

bdf=$(dfl_card_bdf)
dev=$(dfl_dev_by_id 0 0x15)
D=/sys/bus/dfl/devices/$dev
need "feature 0x15 exists ($dev)" test -n "$dev"
eq "the card's 0x15 is the HSSI (the DFH's low half)" \
	"$(printf 0x%x $((DFL_HSSI_DFH & 0xffffffff)))" "$(dfl-card-dbg "$bdf" bar0 "$DFL_HSSI_OFST")"
hssi() { dfl-card-dbg "$bdf" hssi; }

modprobe uio_dfl
eq "uio_dfl binds it" uio_dfl "$(driver_of "$D")"
uio=$(uio_of "$dev")
m=/sys/class/uio/uio$uio/maps/map0
bar0=$(( $(head -n1 "/sys/bus/pci/devices/$bdf/resource" | cut -d' ' -f1) ))
eq "uio$uio maps the HSSI's page: DFHv0, the DFH to DFH + next (addr, size)" \
	"$(printf '0x%x 0x%x' $((bar0 + DFL_HSSI_OFST)) $DFL_HSSI_SIZE)" \
	"$(printf '0x%x 0x%x' $(cat $m/addr) $(cat $m/size))"

sal() { hssi-sal uio "$uio" "$@"; }
want="dfh $(printf 0x%016x $DFL_HSSI_DFH) rev $DFL_HSSI_REV guid $(printf %016x%016x $DFL_HSSI_GUID_H $DFL_HSSI_GUID_L)"
want="$want version $(printf 0x%08x $DFL_HSSI_VERSION_V) ports $DFL_HSSI_NPORTS enabled 0xff"
eq "info: DFH, feature_rev 2, GUID, HSSI_VERSION 1.0, 8 ports enabled" "$want" "$(sal info)"
eq "SAL firmware version" "fw $(printf 0x%08x $DFL_HSSI_FW_VERSION)" "$(sal fw)"
eq "SAL get MTU" "mtu $DFL_HSSI_MTU" "$(sal mtu 0)"
eq "SAL profiles: port 3 from its PORT_ATTR, set, read back, port 4 its own" \
	"profile 0x15 set profile 0x7 profile 0x15" \
	"$(sal get-profile 3 set-profile 3 7 get-profile 3 get-profile 4 | xargs)"
eq "SAL CSRs: set and get (port 1, address 0x12)" "set csr 0xcafe" \
	"$(sal set-csr 1 0x12 0xcafe get-csr 1 0x12 | xargs)"
eq "SAL loopback on ports 2 and 5, off on 5" "loopback on loopback on loopback off" \
	"$(sal loopback 2 on loopback 5 on loopback 5 off | xargs)"
eq "... the model's ports: loopback on port 2 only" "loopback 0x4" "$(hssi | cut -d' ' -f3-)"
ok "SAL: port 8 is past NumPorts, an error" sh -c "! hssi-sal uio $uio get-profile 8 2>/tmp/sal.err"
diag "$(cat /tmp/sal.err)"
eq "the wrapper's scratchpad" "scratch 0x0123456789abcdef" "$(sal scratch 0x0123456789abcdef)"
# The model counts a ColdReset released before its ack and a SAL command
# the subsystem dropped in reset (BAR4; qemu/check-dfl-card.sh proves both
# counters count): none in this suite.
hs() { dfl-card-dbg "$bdf" hssi-handshake; }
c0=$(hssi | cut -d' ' -f2)
eq "ColdReset handshake" "cold-reset done" "$(sal cold-reset)"
eq "... one ColdReset" $((c0 + 1)) "$(hssi | cut -d' ' -f2)"
eq "... resets the subsystem: port 3's profile, loopback, SAL CSRs" \
	"profile 0x15 csr 0x0 loopback 0x0" \
	"$(sal get-profile 3 get-csr 1 0x12 | xargs) $(hssi | cut -d' ' -f3-)"
eq "... and keeps the wrapper's scratchpad" "scratch 0x0123456789abcdef" "$(sal scratch)"

# vfio-dfl: the same page, mapped, no interrupts, a reset on every
# hand-over (vfio-dfl's ColdReset: each open and each close)
modprobe vfio-dfl
sal loopback 1 on set-profile 2 9 scratch 0x1111 > /dev/null
bind_to vfio-dfl "$dev"
eq "vfio-dfl binds the HSSI" vfio-dfl "$(driver_of "$D")"
info=$(vfio-dfl-tool info "$dev")
diag "$info"
ok "VFIO: feature 0x15, revision 2, DFHv0, no feature interrupts, a mapped page" sh -c \
	"echo '$info' | grep -q 'feature_id 0x15 revision 2 dfh_version 0 .* feature_irqs 0 param_bytes 0 region size 0x1000 flags 0x7 (mmap)'"
c0=$(hssi | cut -d' ' -f2)
eq "through vfio-dfl's mapping: info as under uio_dfl" "$want" "$(hssi-sal vfio "$dev" info)"
eq "... one ColdReset on open and one on close" $((c0 + 2)) "$(hssi | cut -d' ' -f2)"
eq "what uio_dfl's user left is gone: profile, loopback, scratchpad" \
	"profile 0x15 scratch 0x0000000000000000 loopback 0x0" \
	"$(hssi-sal vfio "$dev" get-profile 2 scratch | xargs) $(hssi | cut -d' ' -f3-)"
# a user leaves ports in loopback, a profile, a SAL CSR and the
# scratchpad set; the next one finds none of it
hssi-sal vfio "$dev" loopback 0 on loopback 3 on loopback 7 on \
	set-profile 4 0x3 set-csr 5 0x20 0xbeef scratch 0xdeadbeef hold > /tmp/hold.out &
hold=$!
ok "a user holds the HSSI with its state set" wait_for 20 grep -q '^ready' /tmp/hold.out
eq "... the model's ports: loopback on 0, 3 and 7" "loopback 0x89" "$(hssi | cut -d' ' -f3-)"
kill $hold
wait $hold 2>/dev/null
eq "the next user finds: profiles, SAL CSRs, loopback off, scratchpad clear" \
	"profile 0x15 csr 0x0 scratch 0x0000000000000000 loopback 0x0" \
	"$(hssi-sal vfio "$dev" get-profile 4 get-csr 5 0x20 scratch | xargs) $(hssi | cut -d' ' -f3-)"
ok "vfio-dfl-tool: the scratchpad through pread/pwrite" \
	vfio-dfl-tool scratch "$dev" "$DFL_HSSI_SCRATCHPAD" 0x5a5a5a5aa5a5a5a5
# two threads of one user reset at once: vfio-dfl runs one handshake at a
# time (interleaved, one thread's release would cut the other's ColdReset
# short and both would time out; the BAR4 check at the end counts that)
vfio-dfl-race reset "$dev" 5 > /tmp/race.out 2>&1
rc=$?
cat /tmp/race.out
eq "VFIO_DEVICE_RESET from two threads for 5 s: every reset succeeds" 0 "$rc"
# a user killed with SIGKILL while its ports are in loopback: the close
# resets them all the same
hssi-sal vfio "$dev" loopback 2 on scratch 0x77 hold > /tmp/hold.out &
hold=$!
ok "a user holds the HSSI with port 2 in loopback" wait_for 20 grep -q '^ready' /tmp/hold.out
eq "... the model's ports: loopback on port 2" "loopback 0x4" "$(hssi | cut -d' ' -f3-)"
kill -9 $hold
wait $hold 2>/dev/null
eq "after the user is killed: loopback off (the close's ColdReset)" "loopback 0x0" "$(hssi | cut -d' ' -f3-)"
eq "so far every reset held ColdReset until its ack, and no command met a subsystem in reset (BAR4)" \
	"early 0 busy 0" "$(hs)"
# A wedged subsystem (BAR4: it never acknowledges a ColdReset): an open
# fails after the reset's 500 ms deadline, with one message; the device
# stays usable. VFIO_DEVICE_RESET fails the same way and works again once
# the subsystem resumes; a close while it is wedged returns.
dmesg_mark
dfl-card-dbg "$bdf" hssi-wedge 1
r=$(vfio-dfl-tool try-open "$dev")
echo "$r" | sed 's/^/# /'
eq "wedged: the open fails with ETIMEDOUT" "Connection timed out" \
	"$(echo "$r" | sed -n 's/^open: \(.*\) in [0-9]* ms$/\1/p')"
ms=$(echo "$r" | sed -n 's/^open: .* in \([0-9]*\) ms$/\1/p')
ok "... after the 500 ms deadline, within 2 s (${ms:-?} ms)" \
	test "${ms:-0}" -ge 450 -a "${ms:-99999}" -le 2000
eq "... one message, saying the next hand-over tries again" 1 \
	"$(dmesg_new | grep -cE 'HSSI subsystem: reset failed: (-ETIMEDOUT|-110); the next open, close or VFIO_DEVICE_RESET tries again')"
dfl-card-dbg "$bdf" hssi-wedge 0
eq "resumed: the next open works" "ok" \
	"$(vfio-dfl-tool try-open "$dev" | sed -n 's/^open: \(.*\) in [0-9]* ms$/\1/p')"
w=$(DFL_CARD_DBG=$bdf vfio-dfl-tool wedge "$dev")
echo "$w" | sed 's/^/# /'
eq "VFIO_DEVICE_RESET while wedged: ETIMEDOUT" "Connection timed out" \
	"$(echo "$w" | sed -n 's/^reset wedged: \(.*\) in [0-9]* ms$/\1/p')"
eq "VFIO_DEVICE_RESET once resumed: ok" ok \
	"$(echo "$w" | sed -n 's/^reset resumed: \(.*\) in [0-9]* ms$/\1/p')"
ms=$(echo "$w" | sed -n 's/^close wedged: \([0-9]*\) ms$/\1/p')
ok "a close while wedged returns within 2 s (${ms:-?} ms)" test "${ms:-99999}" -le 2000
eq "resumed again: an open works" "ok" \
	"$(vfio-dfl-tool try-open "$dev" | sed -n 's/^open: \(.*\) in [0-9]* ms$/\1/p')"
# A subsystem whose mailbox answers Error (BAR4): the reset's loopback-off
# command fails, the open with EIO, one message; then it works again.
dmesg_mark
dfl-card-dbg "$bdf" hssi-sal-error 1
r=$(vfio-dfl-tool try-open "$dev")
echo "$r" | sed 's/^/# /'
eq "SAL errors: the open fails with EIO" "Input/output error" \
	"$(echo "$r" | sed -n 's/^open: \(.*\) in [0-9]* ms$/\1/p')"
eq "... one message" 1 \
	"$(dmesg_new | grep -cE 'HSSI subsystem: reset failed: (-EIO|-5); the next open, close or VFIO_DEVICE_RESET tries again')"
dfl-card-dbg "$bdf" hssi-sal-error 0
eq "... and once the mailbox answers again, an open works" "ok" \
	"$(vfio-dfl-tool try-open "$dev" | sed -n 's/^open: \(.*\) in [0-9]* ms$/\1/p')"
dfl-card-dbg "$bdf" reset   # the wedged resets released ColdReset early
dmesg_mark
bind_to "" "$dev"
eq "uio_dfl takes it back" uio_dfl "$(driver_of "$D")"
uio=$(uio_of "$dev")
eq "uio_dfl's user finds it as vfio-dfl left it: clean" "profile 0x15 scratch 0x0000000000000000" \
	"$(sal get-profile 2 scratch | xargs)"
eq "hssi-sal and every vfio-dfl reset held ColdReset until its ack, and no command met a subsystem in reset (BAR4)" \
	"early 0 busy 0" "$(hs)"
ok "no kernel splat" no_new_splat
tap_done
