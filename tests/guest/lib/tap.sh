# SPDX-License-Identifier: GPL-2.0
# Minimal TAP for guest scripts: source it, call plan-free helpers, end
# with tap_done (prints the plan and returns non-zero if anything failed).
TAP_N=0
TAP_FAIL=0

ok() { # ok NAME CMD...: passes if CMD succeeds
	local name=$1
	shift
	TAP_N=$((TAP_N + 1))
	if "$@" > /tmp/tap.out 2>&1; then
		echo "ok $TAP_N - $name"
	else
		echo "not ok $TAP_N - $name"
		sed 's/^/# /' /tmp/tap.out | tail -n 20
		TAP_FAIL=$((TAP_FAIL + 1))
	fi
}

# eq NAME EXPECTED ACTUAL
eq() {
	TAP_N=$((TAP_N + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $TAP_N - $1"
	else
		echo "not ok $TAP_N - $1"
		echo "#   expected: '$2'"
		echo "#   got:      '$3'"
		TAP_FAIL=$((TAP_FAIL + 1))
	fi
}

# need NAME CMD...: ok, and if it failed, the end of the suite: what
# follows needs what CMD checked and would only fail for the same reason.
need() {
	local failed=$TAP_FAIL
	ok "$@"
	[ "$TAP_FAIL" = "$failed" ] || { tap_done; exit 1; }
}

skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

# tap_relay PREFIX FILE: a program's TAP results in FILE (its own plan
# and numbering) as results of this script: renumbered into its
# sequence, each named "PREFIX: NAME"; its other lines as diagnostics.
tap_relay() {
	local l r
	while IFS= read -r l; do
		case $l in
		"ok "*|"not ok "*)
			r=${l#not }
			r=${r#ok }
			r=${r#* }
			r=${r#- }
			TAP_N=$((TAP_N + 1))
			# an unexpected pass (kselftest's XPASS) is a failure
			case $l in
			"not "*|*" # XPASS"*) TAP_FAIL=$((TAP_FAIL + 1)); echo "not ok $TAP_N - $1: $r" ;;
			*) echo "ok $TAP_N - $1: $r" ;;
			esac ;;
		"#"*) echo "$l" ;;
		*) echo "# $l" ;;
		esac
	done < "$2"
}
diag() { echo "# $*"; }

# tap_run PREFIX SCRIPT [ARGS...]: another suite's guest script, run in
# this boot, its results relayed as this script's ("PREFIX: NAME"), then
# one result of its own: the script's plan counts the results it printed
# and it exited 0 (a script that died half-way fails here).
tap_run() {
	local prefix=$1 out=/tmp/tap-run.$$ rc n
	shift
	sh "$@" > "$out" 2>&1
	rc=$?
	n=$(grep -cE '^(not )?ok ' "$out")
	tap_relay "$prefix" "$out"
	eq "$prefix: its plan is its results, it exited 0" "1..$n 0" \
		"$(grep -E '^1\.\.[0-9]+$' "$out" | tail -n1) $rc"
	rm -f "$out"
}

# Kernel log lines since the last mark (for per-test splat checks).
dmesg_mark() { dmesg | wc -l > /tmp/dmesg.mark; }
dmesg_new() { dmesg | tail -n +$(( $(cat /tmp/dmesg.mark 2>/dev/null || echo 0) + 1 )); }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local t=$(( $1 * 10 ))
	shift
	while [ $t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

tap_done() {
	echo "1..$TAP_N"
	[ $TAP_FAIL -eq 0 ]
}

# No kernel splat since dmesg_mark.
no_new_splat() {
	! dmesg_new | grep -E 'BUG:|WARNING:|KASAN|UBSAN|circular locking|Oops|nobody cared'
}
