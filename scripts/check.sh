#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: install what is missing, fetch the base, apply the series,
# run the per-patch gates, build the test kernel, QEMU with the DFL card
# model and the test programs, then run every guest test in the VM.
# Prints stage timings and ends with "N passed, N failed[, N skipped]".
source "$(dirname "$0")/lib.sh"
set +e

PASSED=0 FAILED=0 SKIPPED=0
LOGDIR=${CHECK_LOG_DIR:-$CACHE/check-logs}
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
T_ALL=$(date +%s) C_ALL=$(grep -m1 '^cpu ' /proc/stat)

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
	[ -f "$want" ] || { record fail "tests/expected-skips is missing"; return; }
	sed -e '/^#/d' -e '/^[[:space:]]*$/d' -e 's/ -- .*$//' "$want" | sort > "$LOGDIR/skips.want"
	sort "$LOGDIR/skips" > "$LOGDIR/skips.got"
	while IFS= read -r k; do
		record fail "unexpected skip (not in tests/expected-skips): $k"
	done < <(comm -13 "$LOGDIR/skips.want" "$LOGDIR/skips.got")
	while IFS= read -r k; do
		record fail "expected skip did not happen (tests/expected-skips): $k"
	done < <(comm -23 "$LOGDIR/skips.want" "$LOGDIR/skips.got")
}
# Where the two cores went during a stage, from /proc/stat's "cpu" line:
# cpu_snap prints it; cpu_share SNAP prints the shares since SNAP, "nice"
# being the niced background gates (see below).
cpu_snap() { grep -m1 '^cpu ' /proc/stat; }
cpu_share() {
	[ -n "${1:-}" ] || return 0
	awk -v a="$1" '/^cpu / {
		split(a, o); t = 0
		for (i = 2; i <= 9; i++) { d[i] = $i - o[i]; t += d[i] }
		if (t <= 0) exit
		printf " (cpu: %.0f%% busy, %.0f%% niced, %.0f%% idle, %.0f%% steal)",
			100 * (d[2] + d[4] + d[7] + d[8]) / t, 100 * d[3] / t,
			100 * (d[5] + d[6]) / t, 100 * d[9] / t; exit }' /proc/stat
}
timing() { echo "stage $1: $2s$(cpu_share "${3:-}")"; }
stage() { # stage NAME CMD...: run a setup step; a failure is fatal
	local t0=$(date +%s) name=$1 c0=$(cpu_snap) rc
	shift
	echo "== stage $name"
	# in a session of its own, as the background stages: a signal's trap
	# can then stop it with its children (make, ninja, apt)
	setsid "$@" > "$LOGDIR/stage-$name.log" 2>&1 &
	FG_PID=$!
	wait "$FG_PID"
	rc=$?
	FG_PID=
	tail -n 3 "$LOGDIR/stage-$name.log" | sed 's/^/   /'
	timing "$name" $(( $(date +%s) - t0 )) "$c0"
	if [ $rc -ne 0 ]; then
		record fail "stage $name (see $LOGDIR/stage-$name.log)"
		finish early
	fi
}
# Background stages: the builds that do not wait for one another run side
# by side, so that one's single-threaded stretches (git am, checkpatch,
# kernel-doc, Sphinx, QEMU's configure and link) leave no core idle.
declare -A BG_PID BG_T0 BG_C0
FG_PID=
# bg_stage NAME CMD...: start a setup step in the background (its own
# session, so an early end can stop it with its children)
bg_stage() {
	local name=$1
	shift
	echo "== stage $name (in the background)"
	BG_T0[$name]=$(date +%s) BG_C0[$name]=$(cpu_snap)
	setsid "$@" > "$LOGDIR/stage-$name.log" 2>&1 &
	BG_PID[$name]=$!
}
# bg_join NAME: wait for it; a failure is fatal, as for stage
bg_join() {
	local name=$1 rc
	wait "${BG_PID[$name]}"
	rc=$?
	unset "BG_PID[$name]"
	echo "== stage $name (joined)"
	tail -n 3 "$LOGDIR/stage-$name.log" | sed 's/^/   /'
	timing "$name" $(( $(date +%s) - ${BG_T0[$name]} )) "${BG_C0[$name]}"
	if [ $rc -ne 0 ]; then
		record fail "stage $name (see $LOGDIR/stage-$name.log)"
		finish early
	fi
}
# bg_kill: stop every stage still running, children included: those in
# process groups of their own too (GNU timeout makes one), so the whole
# session.
bg_kill() {
	local p
	for p in "${BG_PID[@]}" ${FG_PID:-}; do
		kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null
		pkill -TERM -s "$p" 2>/dev/null
	done
}
# They run in sessions of their own: a signal to make check's process
# group (Ctrl-C, a CI timeout) must reach them through these traps.
trap 'bg_kill; exit 130' INT
trap 'bg_kill; exit 143' TERM
finish() {
	# a background stage must not outlive an early end
	bg_kill
	[ "${1:-}" = early ] || check_skips
	timing total $(( $(date +%s) - T_ALL )) "$C_ALL"
	if [ $SKIPPED -gt 0 ]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	[ $FAILED -eq 0 ] && [ $PASSED -gt 0 ]
	exit $?
}

# Guest runs go through a pool of VM_JOBS VMs at a time (default 2): a
# guest script mostly keeps one vCPU busy, so on two cores two VMs side by
# side finish sooner than one after the other. Each VM's output goes to its
# own log; the results are read in order once the VM is done. The default
# VM timeout is raised for the shared CPUs; a suite's "# vm:" line can
# still set its own.
VM_JOBS=${VM_JOBS:-2}
# A VM that keeps both cores busy by itself (suite 10: a QEMU inside the
# guest) asks for more slots with a "# vm-slots: N" header: paired, it
# took 702 s against 292 s alone, and slowed its partner too.
# Stopping the niced gates (SIGSTOP) while it ran did not speed it up:
# 457 s in one cold run (299 s in another, also without gates), against
# 313 s and 442 s with them beside it; the machine left 8 % of the VM
# phase idle instead, and the cold run took longer. Its time varies with
# something else, not found (the host's load? this VM reports no steal).
VM_WIDE= VM_WIDE_EXTRA=0 VM_PIDS=()
# vm_start NAME vm.py-args...: boot in the background once VM_SLOTS (1 by
# default) of the VM_JOBS slots are free; $LOGDIR/guest-NAME.log gets the
# output, .rc the exit status and seconds
vm_start() {
	local name=$1 need=${VM_SLOTS:-1} busy
	shift
	[ "$need" -le "$VM_JOBS" ] || need=$VM_JOBS
	while :; do
		# the background stages (the gates) are jobs too, not VMs
		busy=$(jobs -rp | grep -cvxF -f <(printf '%s\n' none "${BG_PID[@]}"))
		jobs -rp | grep -qx "${VM_WIDE:-none}" && busy=$((busy + VM_WIDE_EXTRA))
		[ $((busy + need)) -le "$VM_JOBS" ] && break
		wait -n
	done
	rm -f "$LOGDIR/guest-$name.rc"
	(
		t0=$(date +%s)
		"$TOP/scripts/vm.py" --qemu "$QEMU" ${QEMU_FW:+--firmware "$QEMU_FW"} \
			--timeout 600 --log-dir "$LOGDIR/vm-$name" "$@" \
			> "$LOGDIR/guest-$name.log" 2>&1
		echo "$? $(( $(date +%s) - t0 ))" > "$LOGDIR/guest-$name.rc"
	) &
	VM_PIDS+=($!)
	if [ "$need" -gt 1 ]; then
		VM_WIDE=$! VM_WIDE_EXTRA=$((need - 1))
	fi
}
# vm_wait NAME: wait until that VM is done; sets VM_RC and VM_SECS
vm_wait() {
	while [ ! -s "$LOGDIR/guest-$1.rc" ]; do
		wait -n || sleep 1
	done
	read -r VM_RC VM_SECS < "$LOGDIR/guest-$1.rc"
}

# guest_result NAME: the VM's TAP results (after vm_start NAME ... SCRIPT)
guest_result() {
	local name=$1 log=$LOGDIR/guest-$1.log n=0 l
	vm_wait "$name"
	echo "== guest $name"
	while IFS= read -r l; do
		case $l in
		"ok "*"# SKIP"*) record skip "$name: ${l#ok }"; n=$((n + 1)) ;;
		"ok "*) record pass "$name: ${l#ok }"; n=$((n + 1)) ;;
		"not ok "*) record fail "$name: ${l#not ok }"; n=$((n + 1)) ;;
		"#"*|"vm: FAIL"*)
			# kselftest progress lines (RUN/OK) are in the log only
			[[ $l =~ ^#\ +(RUN|OK)\ +[[:alnum:]_.]+( \.\.\.)?$ ]] || echo "   $l" ;;
		esac
	done < "$log"
	if [ "$VM_RC" -ne 0 ] || grep -q '^vm: FAIL' "$log"; then
		record fail "$name: VM run exit status $VM_RC (see $log)"
		grep '^vm:' "$log" | sed 's/^/   /' || true
	elif [ $n -eq 0 ]; then
		record fail "$name: no TAP results (see $log)"
	fi
	timing "guest-$name" "$VM_SECS"
}

stage deps "$TOP/scripts/install-deps.sh"
# QEMU with the card model and the nested test's arm64 payload depend on
# neither the base nor the series: build them from here on.
[ -f "$TOP/qemu/dfl-card.c" ] && bg_stage qemu "$TOP/scripts/build-qemu.sh"
# Debian's qemu-system-aarch64 and arm64 guest for the nested vfio-platform
# test, an archive appended to that suite's boot only.
bg_stage nested "$TOP/scripts/build-nested.sh"
stage base "$TOP/scripts/fetch-base.sh"
grep -h '^base:' "$LOGDIR/stage-base.log"

# The series applies on the base (git am, patch by patch).
t0=$(date +%s) c0=$(cpu_snap)
if "$TOP/scripts/worktree.sh" > "$LOGDIR/worktree.log" 2>&1; then
	record pass "series applies on base: $(tail -n1 "$LOGDIR/worktree.log")"
else
	record fail "series applies on base: $(grep ERROR "$LOGDIR/worktree.log")"
	finish early
fi
timing worktree $(( $(date +%s) - t0 )) "$c0"

# Per-patch static gates, in the background at the lowest priority
# (nice 19) from here to the end. Nothing else waits for their verdicts,
# and on two cores the test kernel, QEMU and the VMs leave idle time the
# gates can use: the kernel's single-threaded link steps, the VMs'
# waits. At nice 19 the gates take about 1.5 % of a core from a busy
# one (CFS weights 15 against 1024), so the stages the VMs wait for are
# not slowed. The "niced" share of each stage's cpu line is theirs.
# A session of its own is also an autogroup of its own (Linux's
# sched_autogroup), and nice only ranks tasks within their autogroup:
# the gates' session sets its autogroup's nice to 19 too. (Tried without:
# the gates took a full third of the CPU from the kernel and QEMU.)
GATES_T0=$(date +%s) GATES_C0=$(cpu_snap)
echo "== stage gates (in the background, nice 19)"
setsid sh -c 'echo 19 > /proc/self/autogroup 2>/dev/null; exec nice -n 19 "$@"' gates \
	"$TOP/scripts/gates.sh" > "$LOGDIR/gates.log" 2>&1 &
BG_PID[gates]=$!

# The test kernel at normal priority, beside QEMU: the VMs wait for both.
# (With the gates beside them at the same priority, a cold run reached
# the VMs about 100 s later: make -j2 of each on two cores contended.)
stage kernel "$TOP/scripts/build-kernel.sh"
grep -h '^kernel:' "$LOGDIR/stage-kernel.log"
if [ -n "${BG_PID[qemu]:-}" ]; then
	bg_join qemu
	QEMU=$(tail -n1 "$LOGDIR/stage-qemu.log")
	QEMU_FW=${QEMU_FW:-}
	CARD_OPT=()
else
	QEMU=${QEMU:-qemu-system-x86_64}
	CARD_OPT=(--card none)
fi
# The card model's register map, checked without a guest (qtest).
if [ -f "$TOP/qemu/check-dfl-card.sh" ] && [ ${#CARD_OPT[@]} -eq 0 ]; then
	t0=$(date +%s)
	if "$TOP/qemu/check-dfl-card.sh" "$QEMU" > "$LOGDIR/card-model.log" 2>&1; then
		record pass "card model register map (qtest): $(tail -n1 "$LOGDIR/card-model.log")"
	else
		record fail "card model register map (qtest): see $LOGDIR/card-model.log"
	fi
	timing card-model $(( $(date +%s) - t0 ))
fi
stage progs "$TOP/scripts/build-progs.sh"
stage initramfs "$TOP/scripts/mkinitramfs.sh"
bg_join nested

# The harness itself, positive controls. Two boots prove every
# detector of scripts/vm.py. One provokes a WARN, a KASAN report and a
# kmemleak leak: its run must fail (1) with the WARN and the KASAN line
# among the splat lines, the kmemleak reason, and those two reasons only.
# vm.py finds each reason on its own and fails a run on any reason in one
# place, so each would have failed the run alone. The other boots at
# loglevel=1, provokes nothing and fails its own script: its run must end
# with the script's status (3) and the missing boot banner as its one
# reason. (Five boots, one per detector, cost 214 VM-seconds; these two
# about half of that.) The negative controls are the suites' boots, which
# must end with no reason at all (guest_result).
t0=$(date +%s) c0=$(cpu_snap)
# control NAME [vm.py options] SCRIPT [ARGS]: start a control's VM
# (one vCPU and 1 GiB: what a detector needs, and each boot costs less
# of the two cores the suites share)
control() {
	local name=$1
	shift
	vm_start "harness-$name" "${CARD_OPT[@]}" --card none --smp 1 --mem 1G "$@"
}
# control_result NAME STATUS NREASONS PATTERN...: the control's run ended
# with STATUS and exactly NREASONS "vm: FAIL" reasons, and its log shows
# each PATTERN (one result per pattern: each names what it proves)
control_result() {
	local name=$1 want=$2 nwant=$3 log=$LOGDIR/guest-harness-$1.log pat bad=0
	shift 3
	vm_wait "harness-$name"
	local nfail=$(grep -c '^vm: FAIL' "$log")
	if [ "$VM_RC" = "$want" ] && [ "$nfail" = "$nwant" ]; then
		record pass "harness control $name: exit status $VM_RC, $nfail reason(s)"
	else
		record fail "harness control $name: expected exit $want and $nwant reason(s), got $VM_RC and $nfail (see $log)"
		bad=1
	fi
	for pat in "$@"; do
		if grep -qE -- "$pat" "$log"; then
			record pass "harness control $name: log shows '$pat'"
		else
			record fail "harness control $name: log lacks '$pat' (see $log)"
			bad=1
		fi
	done
	[ $bad = 0 ] || grep '^vm:' "$log" | sed 's/^/   /' || true
}
H=$TOP/tests/guest
# Every VM to boot, as "name|command" (@H@ stands for $H, put back after
# the command is split into words).
runs=(
	"harness-detectors|control detectors @H@/harness-detector.sh warn kasan leak"
	"harness-banner|control banner --append loglevel=1 @H@/harness-detector.sh fail"
)
suites=()
suite_start() { # suite_start NAME: boot tests/guest/NAME.sh
	local t=$H/$1.sh opts=("${CARD_OPT[@]}") extra
	# A test may ask for VM options in a "# vm:" header line, and for
	# more than one slot in a "# vm-slots:" line.
	read -r -a extra < <(sed -n 's/^# vm: //p' "$t" | head -n1)
	[ ${#CARD_OPT[@]} -eq 0 ] && opts=("${extra[@]}")
	VM_SLOTS=$(sed -n 's/^# vm-slots: \([0-9]\+\)$/\1/p' "$t" | head -n1) \
		vm_start "$1" "${opts[@]}" "$t"
}
for t in "$H"/[0-9][0-9]-*.sh; do
	name=$(basename "$t" .sh)
	suites+=("$name")
	runs+=("$name|suite_start $name")
done
# Longest first: with VM_JOBS slots, the VMs finish soonest when the long
# ones start first and the short ones fill the gaps (the suites still
# report in their own order). tests/vm-seconds holds each VM's measured
# wall time, used only for this order; a VM not listed starts after them.
# Every run writes the times it saw to $LOGDIR/vm-seconds.
hint() { awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' \
	"$TOP/tests/vm-seconds" 2>/dev/null || echo 0; }
mapfile -t order < <(for r in "${runs[@]}"; do echo "$(hint "${r%%|*}")|$r"; done |
	sort -t'|' -k1,1nr -s | cut -d'|' -f3-)
for r in "${order[@]}"; do
	read -r -a cmd <<< "$r"
	"${cmd[@]//@H@/$H}"
done

control_result detectors 1 2 '^vm:   .*WARNING: .*lkdtm' \
	'^vm:   .*BUG: KASAN: slab-use-after-free' \
	'^vm: FAIL: kmemleak reports [1-9][0-9]* leak'
control_result banner 3 1 'about to fail deliberately' \
	'^vm: FAIL: the kernel log has no boot banner'
for name in "${suites[@]}"; do
	guest_result "$name"
done
wait "${VM_PIDS[@]}"
for f in "$LOGDIR"/guest-*.rc; do
	n=${f##*/guest-}
	echo "${n%.rc} $(cut -d' ' -f2 "$f")"
done | sort -k2,2nr > "$LOGDIR/vm-seconds"
timing guest-vms $(( $(date +%s) - t0 )) "$c0"

# The gates' verdicts (started after the worktree, see above).
wait "${BG_PID[gates]}"
grc=$?
unset "BG_PID[gates]"
ngates=0
while IFS= read -r l; do
	case $l in
	PASS\ *) record pass "gate ${l#PASS }"; ngates=$((ngates + 1)) ;;
	FAIL\ *) record fail "gate ${l#FAIL }"; ngates=$((ngates + 1)) ;;
	SKIP\ *) record skip "gates: ${l#SKIP }"; ngates=$((ngates + 1)) ;;
	esac
done < "$LOGDIR/gates.log"
if [ $ngates -eq 0 ]; then
	if [ $grc -eq 0 ] && grep -q 'series is empty' "$LOGDIR/gates.log"; then
		record pass "gates run (series is empty)"
	else
		record fail "gates produced no result (see $LOGDIR/gates.log)"
	fi
else
	# Every patch has a verdict for each of the four gates: a gate script
	# that dies half-way must not read as a shorter, green list.
	for p in $(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/series/series"); do
		for g in build checkpatch docs kernel-doc; do
			grep -qE "^(PASS|FAIL|SKIP) $g $p( |$)" "$LOGDIR/gates.log" ||
				record fail "gate $g $p: no verdict (gates.sh exit status $grc, see $LOGDIR/gates.log)"
		done
	done
	last=$(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/series/series" | tail -n1)
	for g in build-arm64 build-i386; do
		grep -qE "^(PASS|FAIL) $g $last( |$)" "$LOGDIR/gates.log" ||
			record fail "gate $g $last: no verdict (gates.sh exit status $grc, see $LOGDIR/gates.log)"
	done
	if [ $grc -ne 0 ] && ! grep -q '^FAIL ' "$LOGDIR/gates.log"; then
		record fail "gates.sh exited with status $grc without a FAIL verdict (see $LOGDIR/gates.log)"
	fi
fi
echo "== stage gates (joined)"
timing gates $(( $(date +%s) - GATES_T0 )) "$GATES_C0"
finish
