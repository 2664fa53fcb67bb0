# SPDX-License-Identifier: GPL-2.0
# Helpers for guest tests on the DFL card model (or real hardware: set
# DFL_PCI_DEV to the card's PCI address to skip the model's ID lookup).
[ -f /etc/dfl-card-map.sh ] && . /etc/dfl-card-map.sh

# dfl_cards [N]: the PCI addresses of the cards (by vendor/device ID) in
# bus order, or of the first N. Shell builtins only: it runs for nearly
# every lookup, and a fork costs under TCG.
dfl_cards() {
	local d v id n=0
	for d in /sys/bus/pci/devices/*; do
		read -r v < "$d/vendor"
		read -r id < "$d/device"
		[ "$v" = "$DFL_VENDOR" ] && [ "$id" = "$DFL_DEVICE" ] || continue
		echo "${d##*/}"
		n=$((n + 1))
		[ "$n" != "${1:-}" ] || return 0
	done
}

# PCI address of the (first) card: by DFL_PCI_DEV or by vendor/device ID.
dfl_card_bdf() {
	if [ -n "${DFL_PCI_DEV:-}" ]; then
		echo "$DFL_PCI_DEV"
		return
	fi
	dfl_cards 1
}

# dfl_other_card BDF: the (last) card that is not BDF, or nothing: the
# second card of the suites that boot two (--card rp1 --card rp2).
dfl_other_card() {
	local c other=
	for c in $(dfl_cards); do
		[ "$c" = "$1" ] || other=$c
	done
	echo "$other"
}

# The dfl_dev.N with the given FIU type and feature id (e.g. 0 0x23) on
# the card under test (dfl_card_bdf), or on CARD if given as a third
# argument. Builtins but for the card of a match (as dfl_cards).
dfl_dev_by_id() {
	local card=${3:-$(dfl_card_bdf)} d t id
	for d in /sys/bus/dfl/devices/dfl_dev.*; do
		[ -e "$d" ] || continue
		read -r t < "$d/type"
		read -r id < "$d/feature_id"
		[ $((t)) = $(($1)) ] && [ $((id)) = $(($2)) ] || continue
		[ -z "$card" ] || [ "$(dfl_dev_card "${d##*/}")" = "$card" ] || continue
		echo "${d##*/}"
		return
	done
}

# The tty 8250_dfl made of the VUART of the card at PCI address $1, or
# nothing. 8250_dfl leaves uart_port.dev unset: the tty's parent is the
# serial8250 platform device, not the dfl_dev, so find it by its MMIO
# base (a port 8250_dfl let go stays, with type 0, PORT_UNKNOWN).
vuart_tty() {
	local bar0 t base type
	read -r bar0 t < "/sys/bus/pci/devices/$1/resource"
	for t in /sys/class/tty/ttyS*; do
		read -r base < "$t/iomem_base"
		read -r type < "$t/type"
		[ $((base)) = $((bar0 + DFL_VUART_CSR_OFST)) ] && [ "$type" != 0 ] &&
			{ echo "${t##*/}"; return; }
	done
}

dfl_dev_count() {
	set -- /sys/bus/dfl/devices/dfl_dev.*
	[ -e "$1" ] && echo $# || echo 0
}

# Name of the driver bound to a device path, or "none".
driver_of() {
	local l
	if [ -L "$1/driver" ]; then
		l=$(readlink "$1/driver")
		echo "${l##*/}"
	else
		echo none
	fi
}

# A field of a DFL_FEATURES line by its name (qemu/dfl-card-map.sh lists
# them): feature_field "fiu=0:id=0x23:..." offset
feature_field() {
	local r=":$1:"
	case $r in *":$2="*) ;; *) return 0 ;; esac
	r=${r#*:$2=}
	echo "${r%%:*}"
}

# kunit_results MODULE SUITE: load a KUnit test module (its suites run
# on load: CONFIG_KUNIT_AUTORUN_ENABLED) and report SUITE's results.
kunit_results() {
	ok "KUnit module $1 loads" modprobe "$1"
	kunit_report "$2"
}

# kunit_report SUITE: SUITE's last run from debugfs, one TAP line per
# case. Only the case lines count: the suite's own "ok 1 SUITE" line
# reads ok for a suite that was registered and never run (kunit.autorun
# off), so it is checked but never taken as the cases' verdict. Each
# failure has its own line: no results, a skipped suite (a SKIP, which
# tests/expected-skips must list), no plan, a "not ok" case, a case line
# out of sequence, fewer or more case lines than the plan, a "not ok"
# suite line.
kunit_report() {
	local suite=$1 res=${KUNIT_DEBUGFS:-/sys/kernel/debug/kunit}/$1/results
	local plan verdict n=0 l num name
	if [ ! -f "$res" ]; then
		eq "kunit $suite: results in debugfs" present missing
		return
	fi
	sed 's/^/# /' "$res"
	verdict=$(grep -E "^(not )?ok 1 $suite( |$)" "$res")
	case $verdict in *" # SKIP"*)
		skip "kunit $suite" "${verdict#* # SKIP }"
		return ;;
	esac
	plan=$(sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' "$res")
	if [ -z "$plan" ]; then
		eq "kunit $suite: the results hold the suite's plan" plan none
		return
	fi
	# Case lines are indented once; a parameterised case's own results
	# (indented twice) come before its line.
	grep -E '^    (not )?ok [0-9]+ ' "$res" > /tmp/kunit.cases
	while IFS= read -r l; do
		n=$((n + 1))
		l=${l#    }
		num=${l#not }
		num=${num#ok }
		name=${num#* }
		num=${num%% *}
		[ "$num" = "$n" ] || eq "kunit $suite: case line $n is numbered $n" "$n" "$num"
		case $l in
		"not ok "*) eq "kunit $suite: ${name%% # *}" ok "not ok (its log is above)" ;;
		*" # SKIP"*) skip "kunit $suite: ${name%% # SKIP*}" "${name#* # SKIP }" ;;
		*) eq "kunit $suite: $name" ok ok ;;
		esac
	done < /tmp/kunit.cases
	[ "$n" = "$plan" ] || diag "kunit $suite: $n case line(s) for a plan of $plan:" \
		"$([ "$n" = 0 ] && echo "loaded but never run (kunit.autorun off?)" || echo "cut short")"
	eq "kunit $suite: every case of the plan ran, one line each" "$plan case(s)" "$n case(s)"
	eq "kunit $suite: the suite's own verdict" ok "${verdict%% 1 *}"
}

# bind_to DRIVER DEV [BUS]: hand DEV on BUS (default dfl; pci for a whole
# card) to DRIVER: unbind it from its driver, set its driver_override
# ("" clears it: back to whichever driver matches), reprobe. The suites
# assert the outcome themselves (driver_of).
bind_to() {
	local bus=${3:-dfl}
	local p=/sys/bus/$bus/devices/$2
	[ -L "$p/driver" ] && echo "$2" > "$p/driver/unbind"
	echo "$1" > "$p/driver_override"
	echo "$2" > "/sys/bus/$bus/drivers_probe" 2>/dev/null
	return 0
}

# uio_of DEV: the N of the /dev/uioN uio_dfl made of dfl_dev DEV, or nothing.
uio_of() {
	local u
	for u in "/sys/bus/dfl/devices/$1/uio/uio"*; do
		[ -e "$u" ] && echo "${u##*/uio}"
	done
}

# selftest NAME PROG ENV... [-- ARG...]: run a vfio-dfl kselftest with
# ENV (VAR=VAL words, none with a space) and its arguments ARG; its
# results become this script's, each named "NAME: test". No result can
# vanish: a missing binary, a crash, an abort, fewer results than the
# kselftest's own plan, or a "# Totals:" line that does not count the
# results seen is a failed result saying so, and a non-zero exit status
# other than "everything skipped" fails the guest script too.
selftest() {
	local name=$1 prog=/usr/bin/selftests/$2 out=/tmp/selftest.out rc plan n
	local vars=''
	shift 2
	if [ ! -x "$prog" ]; then
		eq "$name: $prog is present" present missing
		return 1
	fi
	# VAR=VAL... for its environment, then "--" and its arguments
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars="$vars $1"; shift; done
	[ $# -gt 0 ] && shift
	env $vars "$prog" "$@" > "$out" 2>&1
	rc=$?
	# the whole program skipped before its first test (ksft_exit_skip)
	if grep -q '^1\.\.0 # SKIP' "$out"; then
		sed 's/^/# /' "$out"
		skip "$name" "$(sed -n 's/^1\.\.0 # SKIP *//p' "$out" | head -n1)"
		return
	fi
	tap_relay "$name" "$out"
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$out" | head -n1)
	n=$(grep -cE '^(not )?ok [0-9]+ ' "$out")
	eq "$name: as many results as its plan" "${plan:-no plan}" "$n"
	eq "$name: its Totals line counts the results seen" "$(selftest_counts "$out")" \
		"$(selftest_totals "$out")"
	case $rc in
	4) eq "$name: exit status 4 (skip): every result skipped" "$n" \
		"$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")" ;;
	*) eq "$name: exit status" 0 "$rc" ;;
	esac
}
# selftest_totals FILE: what kselftest's "# Totals:" line in FILE says,
# as "pass P fail F skip S" (xfail counts as pass, xpass and error as
# fail), or how many Totals lines there are if not one; selftest_counts
# FILE: the same, counted from its result lines.
selftest_totals() {
	sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:\([0-9]*\) xpass:\([0-9]*\) skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' "$1" |
		awk 'END { if (NR != 1) print NR " Totals lines"; else printf "pass %d fail %d skip %d\n", $1 + $3, $2 + $4 + $6, $5 }'
}
selftest_counts() {
	printf 'pass %d fail %d skip %d\n' \
		"$(grep -E '^ok [0-9]+ ' "$1" | grep -vE '# (SKIP|XPASS)' | wc -l)" \
		"$(grep -cE '^not ok [0-9]+ |^ok [0-9]+ .*# XPASS' "$1")" \
		"$(grep -cE '^ok [0-9]+ .*# SKIP' "$1")"
}

tainted() { cat /proc/sys/kernel/tainted; }

# qmp_retry SECONDS JSON: retry a QMP command while QEMU still holds the
# old device (it deletes it only once the guest has ejected it).
qmp_retry() {
	local t=$1
	while [ "$t" -gt 0 ]; do
		qmp "$2" > /tmp/qmp.out && return 0
		grep -q 'Duplicate device ID' /tmp/qmp.out || { cat /tmp/qmp.out; return 1; }
		sleep 1
		t=$((t - 1))
	done
	cat /tmp/qmp.out
	return 1
}

# dfl_dev_card DEV: the PCI address of the card whose DFL holds dfl_dev DEV
# (the last PCI address in its sysfs path)
dfl_dev_card() {
	local c card= IFS=/
	for c in $(readlink "/sys/bus/dfl/devices/$1"); do
		case $c in [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f].[0-7]) card=$c ;; esac
	done
	echo "$card"
}

# card_widths OP DEV OFF ARG: one vfio-dfl-tool pread/pwrite on DEV, and
# the accesses the card model that hosts DEV counted for it (BAR4, zeroed
# after vfio-dfl's reset on open, read before the one on close):
# "r1 R r2 R r4 R r8 R w1 W w2 W w4 W w8 W".
card_widths() {
	DFL_CARD_DBG=$(dfl_dev_card "$2") vfio-dfl-tool "$1" "$2" "$3" "$4" |
		sed -n 's/^widths //p'
}

# reg64_hex DEV OFF: the 64-bit register at region offset OFF, as 16 hex
# digits (most significant first); reg64 DEV OFF: the same as a number.
reg64_hex() {
	vfio-dfl-tool pread "$1" "$2" 8 | sed 's/../& /g' |
		awk '{ for (i = NF; i > 0; i--) printf "%s", $i }'
}
reg64() { echo $(( 0x$(reg64_hex "$1" "$2") )); }

# bar0_size BDF: the size of the card's BAR0, in bytes.
bar0_size() {
	local start end
	read -r start end _ < "/sys/bus/pci/devices/$1/resource"
	echo $(( end - start + 1 ))
}

# dfh_id BDF OFF: the feature id in the DFH at BAR0 + OFF, or nothing
dfh_id() {
	local v
	v=$(dfl-card-dbg "$1" bar0 "$2" 2>/dev/null) || return 0
	printf '%#x\n' $(( v & 0xfff ))
}

# The layout of the card under test (the first card, or DFL_PCI_DEV), as
# the guest is told it: DFL_LAYOUT from the environment (a real card:
# DFL_LAYOUT=n6001 on an N6001's PF0), else the kernel's command line
# (scripts/vm.py passes dfl_card_layout=L for -device dfl-card,layout=L),
# else the default. The N6001's offsets and dfl_devs replace the default
# layout's, so the suites that drive the VUART and the HSSI run unchanged
# on it; the default layout's other offsets are unset there, so that a
# suite using one fails loudly. Nothing is guessed from the card: suite 16
# checks that the card has the layout it was told.
dfl_apply_layout() {
	local w
	[ -n "${DFL_LAYOUT:-}" ] || for w in $(cat /proc/cmdline); do
		case $w in dfl_card_layout=*) DFL_LAYOUT=${w#*=} ;; esac
	done
	DFL_LAYOUT=${DFL_LAYOUT:-default}
	case $DFL_LAYOUT in
	default) return 0 ;;
	n6001) ;;
	*) echo "Bail out! DFL_LAYOUT=$DFL_LAYOUT: no such layout (default, n6001)"; exit 1 ;;
	esac
	DFL_BAR0_SIZE=$DFL_N6001_BAR0_SIZE
	DFL_FEATURES=$DFL_N6001_FEATURES
	DFL_NR_FEATURES=$DFL_N6001_NR_FEATURES
	DFL_HSSI_OFST=$DFL_N6001_HSSI_OFST
	DFL_VUART_OFST=$DFL_N6001_VUART_OFST
	DFL_VUART_CSR_OFST=$DFL_N6001_VUART_CSR_OFST
	DFL_PORT_HDR_OFST=$DFL_N6001_PORT_HDR_OFST
	DFL_P14_OFST=$DFL_N6001_P14_OFST
	unset DFL_ETH_OFST DFL_F23_OFST DFL_AFU_OFST DFL_FME_PORT_OFST0 \
		DFL_FME_CAP DFL_PORT_CAP DFL_PORT_NEXT_AFU DFL_PORT_CTRL_OFST
}
dfl_apply_layout
