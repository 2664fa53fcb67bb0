#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`, top to bottom (HACKING.md draws it):
#
#   deps, base, the series applies     one after the other
#   kernel | QEMU | nested payload     side by side (the VMs need all three)
#   gates                              beside everything, at nice 19
#   card model (qtest), progs, initramfs, a kernel per earlier series,
#   the modules and DKMS package for Debian's stock kernel
#   the VMs of tests/suites            two slots at a time
#   verdicts: controls, suites, gates, skips
#
# Every stage's output is in $LOGDIR/stage-NAME.log, every VM's in
# $LOGDIR/guest-NAME.log; stage lines say how long each took. The last
# line is "N passed, N failed[, N skipped]".
source "$(dirname "$0")/lib.sh"
set +e

LOGDIR=${CHECK_LOG_DIR:-$CACHE/check-logs}
VM_JOBS=${VM_JOBS:-2}	# VM slots: two VMs side by side on two cores
PASSED=0 FAILED=0 SKIPPED=0

main() {
	start_run
	stage deps "$TOP/scripts/install-deps.sh"
	background qemu "$TOP/scripts/build-qemu.sh"
	background nested "$TOP/scripts/build-nested.sh"
	stage base "$TOP/scripts/fetch-base.sh"
	grep -h '^base:' "$LOGDIR/stage-base.log"
	check_series_applies
	background --niced gates "$TOP/scripts/gates.sh"
	background --niced modules "$TOP/scripts/build-modules.sh" --no-guest
	stage kernel "$TOP/scripts/build-kernel.sh"
	grep -h '^kernel:' "$LOGDIR/stage-kernel.log"
	join qemu
	QEMU=$(tail -n1 "$LOGDIR/stage-qemu.log")
	check_card_model
	stage progs "$TOP/scripts/build-progs.sh"
	stage initramfs "$TOP/scripts/mkinitramfs.sh"
	stage series-kernels "$TOP/scripts/build-series-kernels.sh"
	join modules
	stage stock-guest "$TOP/scripts/build-modules.sh" --guest-only
	join nested
	run_vms
	judge_controls
	judge_suites
	judge_gates
	finish
}

# --- results ---------------------------------------------------------------

record() { # record pass|fail|skip NAME
	case $1 in
	pass) PASSED=$((PASSED + 1)); echo "PASS: $2" ;;
	fail) FAILED=$((FAILED + 1)); echo "FAIL: $2" ;;
	skip) SKIPPED=$((SKIPPED + 1)); echo "SKIP: $2"
	      # the skip's key: "suite: test", without TAP number and reason
	      echo "$2" | sed -E 's/^([^:]*): ([0-9]+ - )?/\1: /; s/ *# SKIP.*$//; s/ \(.*$//' \
		>> "$LOGDIR/skips" ;;
	esac
}
# Skips are facts kept in tests/expected-skips ("suite: test -- reason"):
# a skip that is not listed, or a listed one that did not happen, fails.
check_skips() {
	local want=$TOP/tests/expected-skips k
	touch "$LOGDIR/skips"
	echo "skips per suite:" \
		$(cut -d: -f1 "$LOGDIR/skips" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')
	sed -e '/^#/d' -e '/^[[:space:]]*$/d' -e 's/ -- .*$//' "$want" | sort > "$LOGDIR/skips.want"
	sort "$LOGDIR/skips" > "$LOGDIR/skips.got"
	while IFS= read -r k; do
		record fail "unexpected skip (not in tests/expected-skips): $k"
	done < <(comm -13 "$LOGDIR/skips.want" "$LOGDIR/skips.got")
	while IFS= read -r k; do
		record fail "expected skip did not happen (tests/expected-skips): $k"
	done < <(comm -23 "$LOGDIR/skips.want" "$LOGDIR/skips.got")
}
timing() { echo "stage $1: $2s"; }
start_run() {
	rm -rf "$LOGDIR"
	mkdir -p "$LOGDIR"
	T_ALL=$(date +%s)
}
finish() { # finish [early]: the verdict line; "early" after a fatal stage
	stop_all
	[ "${1:-}" = early ] || check_skips
	timing total $(( $(date +%s) - T_ALL ))
	if [ $SKIPPED -gt 0 ]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	[ $FAILED -eq 0 ] && [ $PASSED -gt 0 ]
	exit $?
}

# --- stages: the one place that runs things side by side -------------------
# Each stage runs in a session of its own (setsid), so that an early end
# or a signal stops it with its children (make, ninja, apt), and bash's
# wait stays interruptible by the traps below. Its exit status goes to a
# file: bash's wait can answer 127 for a job reaped long before.
# Measured in cold runs: QEMU (about 11 minutes) and the nested payload
# built beside the kernel cost the VMs nothing; built after it, they
# would add their whole time.
declare -A BG BG_T0
background() { # background [--niced] NAME CMD...: start a stage
	local prio=0
	[ "$1" = --niced ] && { prio=19; shift; }
	local name=$1
	shift
	if [ -n "${FG:-}" ]; then echo "== stage $name"; else echo "== stage $name (in the background)"; fi
	BG_T0[$name]=$(date +%s)
	# A session is an autogroup of its own too (sched_autogroup), and
	# nice ranks tasks only within their autogroup: the niced gates set
	# their autogroup's nice as well. (Tried without: the gates took a
	# third of the CPU from the kernel and QEMU, and the VMs started
	# about 100 s later.)
	setsid sh -c 'p=$1 rc=$2; shift 2
		[ "$p" = 0 ] || echo "$p" > /proc/self/autogroup 2>/dev/null
		nice -n "$p" "$@"; echo $? > "$rc"' stage "$prio" \
		"$LOGDIR/stage-$name.rc" "$@" > "$LOGDIR/stage-$name.log" 2>&1 &
	BG[$name]=$!
}
join() { # join NAME: wait for a stage; its failure ends the run
	local name=$1 rc
	wait "${BG[$name]}" 2>/dev/null
	unset "BG[$name]"
	rc=$(cat "$LOGDIR/stage-$name.rc" 2>/dev/null || echo "none")
	[ -n "${FG:-}" ] || echo "== stage $name (joined)"
	tail -n 3 "$LOGDIR/stage-$name.log" | sed 's/^/   /'
	timing "$name" $(( $(date +%s) - ${BG_T0[$name]} ))
	if [ "$rc" != 0 ]; then
		record fail "stage $name: exit status $rc (see $LOGDIR/stage-$name.log)"
		finish early
	fi
}
stage() { # stage NAME CMD...: one at a time
	local FG=1
	background "$@"
	join "$1"
}
stop_all() { # every stage still running, children included
	local p
	for p in "${BG[@]}"; do
		pkill -TERM -s "$p" 2>/dev/null
	done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

# --- setup checks ----------------------------------------------------------

check_series_applies() { # the series applies on the base (git am)
	local t0=$(date +%s)
	if "$TOP/scripts/worktree.sh" > "$LOGDIR/worktree.log" 2>&1; then
		record pass "series applies on base: $(tail -n1 "$LOGDIR/worktree.log")"
	else
		record fail "series applies on base: $(grep ERROR "$LOGDIR/worktree.log")"
		finish early
	fi
	timing worktree $(( $(date +%s) - t0 ))
}
check_card_model() { # the card's register map, without a guest (qtest)
	local t0=$(date +%s)
	if "$TOP/qemu/check-dfl-card.sh" "$QEMU" > "$LOGDIR/card-model.log" 2>&1; then
		record pass "card model register map (qtest): $(tail -n1 "$LOGDIR/card-model.log")"
	else
		record fail "card model register map (qtest): see $LOGDIR/card-model.log"
	fi
	timing card-model $(( $(date +%s) - t0 ))
}

# --- the VMs ---------------------------------------------------------------
# tests/suites lists every VM in the order they start (longest first) and
# the slots each takes; scripts/vm.py --suite reads the rest of its line.
# A guest script mostly keeps one vCPU busy, so two VMs side by side
# finish sooner than one after the other.
declare -A VM_SLOTS_OF	# running VM (pid) -> slots it holds
run_vms() {
	local name slots t0=$(date +%s)
	SUITES=() CONTROLS=()
	while read -r name slots; do
		case $name in harness-*) CONTROLS+=("$name") ;; *) SUITES+=("$name") ;; esac
		wait_for_slots "$slots"
		boot "$name" &
		VM_SLOTS_OF[$!]=$slots
	done < <("$TOP/scripts/vm.py" --list-suites)
	[ ${#SUITES[@]} -gt 0 ] || record fail "tests/suites lists no suite"
	[ ${#VM_SLOTS_OF[@]} -eq 0 ] || wait "${!VM_SLOTS_OF[@]}"
	timing guest-vms $(( $(date +%s) - t0 ))
}
wait_for_slots() { # wait_for_slots N: until N of the VM_JOBS slots are free
	local need=$1 used pid
	[ "$need" -le "$VM_JOBS" ] || need=$VM_JOBS
	while :; do
		used=0
		for pid in "${!VM_SLOTS_OF[@]}"; do
			if kill -0 "$pid" 2>/dev/null; then
				used=$((used + VM_SLOTS_OF[$pid]))
			else
				unset "VM_SLOTS_OF[$pid]"
			fi
		done
		[ $((used + need)) -le "$VM_JOBS" ] && return
		wait -n 2>/dev/null || sleep 1
	done
}
boot() { # boot NAME: one VM; guest-NAME.log gets its output, .rc "status seconds"
	local t0=$(date +%s)
	"$TOP/scripts/vm.py" --qemu "$QEMU" --log-dir "$LOGDIR/vm-$1" --suite "$1" \
		> "$LOGDIR/guest-$1.log" 2>&1
	echo "$? $(( $(date +%s) - t0 ))" > "$LOGDIR/guest-$1.rc"
}
vm_status() { # vm_status NAME: sets VM_RC and VM_SECS
	VM_RC=none VM_SECS=0
	read -r VM_RC VM_SECS < "$LOGDIR/guest-$1.rc"
}

# --- verdicts --------------------------------------------------------------

judge_suites() { # every suite's TAP results, and a clean VM run
	local name
	for name in "${SUITES[@]}"; do
		vm_status "$name"
		echo "== guest $name"
		tap_results "$name"
		if [ "$VM_RC" != 0 ] || grep -q '^vm: FAIL' "$LOGDIR/guest-$name.log"; then
			record fail "$name: VM run exit status $VM_RC (see $LOGDIR/guest-$name.log)"
			grep '^vm:' "$LOGDIR/guest-$name.log" | sed 's/^/   /'
		elif [ "$TAP_N" -eq 0 ]; then
			record fail "$name: no TAP results (see $LOGDIR/guest-$name.log)"
		else
			tap_plan "$name"
		fi
		timing "guest-$name" "$VM_SECS"
	done
}
tap_results() { # tap_results NAME: record its TAP lines; TAP_N = how many
	local name=$1 l
	TAP_N=0
	while IFS= read -r l; do
		case $l in
		"ok "*"# SKIP"*) record skip "$name: ${l#ok }"; TAP_N=$((TAP_N + 1)) ;;
		"ok "*) record pass "$name: ${l#ok }"; TAP_N=$((TAP_N + 1)) ;;
		"not ok "*) record fail "$name: ${l#not ok }"; TAP_N=$((TAP_N + 1)) ;;
		"#"*|"vm: FAIL"*)
			# kselftest progress lines (RUN/OK) are in the log only
			[[ $l =~ ^#\ +(RUN|OK)\ +[[:alnum:]_.]+( \.\.\.)?$ ]] || echo "   $l" ;;
		esac
	done < "$LOGDIR/guest-$name.log"
}

# tap_plan NAME: the script's one plan counts the results tap_results
# saw, numbered 1..N in order: a result printed outside tap.sh's count,
# or results lost between the guest and this log, shows here.
tap_plan() {
	local log=$LOGDIR/guest-$1.log plans plan gap
	plans=$(grep -cE '^1\.\.[0-9]+' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$log" | tail -n1)
	gap=$(grep -E '^(not )?ok ' "$log" | sed -E 's/^(not )?ok ([0-9]+).*/\2/' |
		awk '$1 != NR { print NR; exit }')
	if [ "$plans" != 1 ]; then
		record fail "$1: $plans TAP plan lines, expected one (see $log)"
	elif [ "$plan" != "$TAP_N" ]; then
		record fail "$1: TAP plan 1..$plan, $TAP_N results seen (see $log)"
	elif [ -n "$gap" ]; then
		record fail "$1: TAP result $gap is not numbered $gap (see $log)"
	else
		record pass "$1: TAP plan 1..$plan, results 1 to $plan each seen once"
	fi
}

# The harness's positive controls prove every detector of scripts/vm.py.
# harness-detectors provokes a WARN, a KASAN report and a kmemleak leak:
# its run must fail (1) with the WARN and the KASAN line among the splat
# lines, the kmemleak reason, and those two reasons only (vm.py finds each
# reason on its own, so each would fail a run alone); it boots with
# KFENCE off, which otherwise takes a sampled allocation's use after free
# from KASAN now and then (seen once: "BUG: KFENCE: use-after-free").
# harness-banner
# boots at loglevel=1 and fails its own script: its run must end with
# the script's status (3) and the missing boot banner as its one reason.
# harness-kunit proves kunit_results (tests/guest/lib/dfl.sh), which
# every suite's KUnit verdict rests on: booted with kunit.autorun=0, the
# series' vfio-dfl suite loads and runs nothing, and must fail for that
# alone; the harness's control suite, run through debugfs, must fail its
# one failing case (and so the suite's verdict) and pass the others.
# The negative controls are the suites' runs, which must show no reason.
judge_controls() {
	control_result harness-detectors 1 2 '^vm:   .*WARNING: .*lkdtm' \
		'^vm:   .*BUG: KASAN: slab-use-after-free' \
		'^vm: FAIL: kmemleak reports [1-9][0-9]* leak'
	control_result harness-banner 3 1 'about to fail deliberately' \
		'^vm: FAIL: the kernel log has no boot banner'
	local kc='kunit harness-kunit-control'
	control_result harness-kunit 1 0 \
		'^not ok [0-9]+ - kunit vfio-dfl: every case of the plan ran, one line each' \
		"^ok [0-9]+ - $kc: harness_kunit_control_passes" \
		"^ok [0-9]+ - $kc: harness_kunit_control_params_pass" \
		"^not ok [0-9]+ - $kc: harness_kunit_control_fails" \
		"^ok [0-9]+ - $kc: every case of the plan ran, one line each" \
		"^not ok [0-9]+ - $kc: the suite's own verdict"
	control_not_ok harness-kunit 3
}
# control_not_ok NAME N: the control's script reported exactly N failures
# (those its patterns name, and nothing else)
control_not_ok() {
	local n
	n=$(grep -c '^not ok ' "$LOGDIR/guest-$1.log")
	if [ "$n" = "$2" ]; then
		record pass "harness control $1: $n failed result(s), those expected"
	else
		record fail "harness control $1: $n failed result(s), expected $2 (see $LOGDIR/guest-$1.log)"
	fi
}
# control_result NAME STATUS NREASONS PATTERN...: the run ended with
# STATUS and exactly NREASONS "vm: FAIL" lines, and its log shows each
# PATTERN (one result per pattern: each names what it proves)
control_result() {
	local name=$1 want=$2 nwant=$3 log=$LOGDIR/guest-$1.log pat nfail
	shift 3
	[[ " ${CONTROLS[*]} " = *" $name "* ]] || { record fail "control $name: not in tests/suites"; return; }
	vm_status "$name"
	nfail=$(grep -c '^vm: FAIL' "$log")
	if [ "$VM_RC" = "$want" ] && [ "$nfail" = "$nwant" ]; then
		record pass "harness control $name: exit status $VM_RC, $nfail reason(s)"
	else
		record fail "harness control $name: expected exit $want and $nwant reason(s), got $VM_RC and $nfail (see $log)"
	fi
	for pat in "$@"; do
		if grep -qE -- "$pat" "$log"; then
			record pass "harness control $name: log shows '$pat'"
		else
			record fail "harness control $name: log lacks '$pat' (see $log)"
		fi
	done
}

judge_gates() { # the gates' verdicts: one per patch and gate
	local rc l n=0
	join_gates
	while IFS= read -r l; do
		case $l in
		PASS\ *) record pass "gate ${l#PASS }"; n=$((n + 1)) ;;
		FAIL\ *) record fail "gate ${l#FAIL }"; n=$((n + 1)) ;;
		SKIP\ *) record skip "gates: ${l#SKIP }"; n=$((n + 1)) ;;
		esac
	done < "$LOGDIR/stage-gates.log"
	rc=$(cat "$LOGDIR/stage-gates.rc" 2>/dev/null || echo none)
	if [ $n -eq 0 ]; then
		record fail "gates produced no result (exit status $rc, see $LOGDIR/stage-gates.log)"
		return
	fi
	gates_complete "$rc"
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$LOGDIR/stage-gates.log"; then
		record fail "gates.sh exited with status $rc without a FAIL verdict (see $LOGDIR/stage-gates.log)"
	fi
}
join_gates() { # as join, but a failed gate is a verdict, not the run's end
	wait "${BG[gates]}" 2>/dev/null
	unset "BG[gates]"
	echo "== stage gates (joined)"
	timing gates $(( $(date +%s) - ${BG_T0[gates]} ))
}
# Every patch has a verdict for each of the four gates, and the last one
# for each cross build and kunit.py: a gate script that dies half-way must
# not read as a shorter, green list.
gates_complete() {
	local rc=$1 p g last
	for p in $(series_patches); do
		for g in build checkpatch docs kernel-doc; do
			grep -qE "^(PASS|FAIL|SKIP) $g $p( |$)" "$LOGDIR/stage-gates.log" ||
				record fail "gate $g $p: no verdict (gates.sh exit status $rc)"
		done
	done
	last=$(series_patches | tail -n1)
	grep -qE "^(PASS|FAIL|SKIP) kunit-uml " "$LOGDIR/stage-gates.log" ||
		record fail "gate kunit-uml: no verdict (gates.sh exit status $rc)"
	for g in build-arm64 build-i386; do
		grep -qE "^(PASS|FAIL) $g $last( |$)" "$LOGDIR/stage-gates.log" ||
			record fail "gate $g $last: no verdict (gates.sh exit status $rc)"
	done
}

main "$@"
