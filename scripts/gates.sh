#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static gates, per patch, in series order, on a scratch tree of the base:
#   build      make W=1 C=1 on the directories the patch touches (sparse);
#              uapi headers via `make headers`, selftests via their Makefile
#   checkpatch scripts/checkpatch.pl --strict
#   docs       make htmldocs for the Documentation/ subdirs of touched .rst
#   kernel-doc scripts/kernel-doc -none on touched .c/.h files
#   build-arm64, build-i386: W=1 cross builds of the final tree
#   kunit-uml  kunit.py run on the series' .kunitconfig files (UML), per case
# One "PASS|FAIL|SKIP <gate> <patch>" line per patch and gate. Logs go to
# $CACHE/gates/logs. Exit status 1 if any gate failed.
# Read top to bottom: setup, the per-patch gates, the cross lane, main.
source "$(dirname "$0")/lib.sh"
# checkpatch's spdxcheck needs Debian's python3 (with python3-ply).
export PATH=/usr/bin:/bin:$PATH

G=$CACHE/gates
SRC=$G/src
OBJ=$G/obj
LOGS=$G/logs
FINAL=$G/final
failed=0

# --- setup ---------------------------------------------------------------
# The scratch tree at the base, sparse and the make command ($K).
setup() {
	mkdir -p "$G" "$LOGS"
	rm -f "$LOGS"/*.log "$LOGS/times"
	"$TOP/scripts/fetch-base.sh" >/dev/null
	if [ ! -d "$SRC/.git" ]; then
		git clone -q --shared --no-checkout "$BASE_REPO" "$SRC"
	fi
	git -C "$SRC" fetch -q -f "$BASE_REPO" +refs/tags/base:refs/tags/base
	git -C "$SRC" am --abort >/dev/null 2>&1 || true
	git -C "$SRC" checkout -q -f -B gates base
	git -C "$SRC" reset -q --hard base
	git -C "$SRC" clean -q -fdx
	# Debian 12's sparse is too old for 7.3 (no __typeof_unqual__, and
	# Kbuild then silently skips C=1): use the one build-sparse.sh makes
	# from sid.
	SPARSE=$("$TOP/scripts/build-sparse.sh" | tail -n1)
	export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$SRC
	K=(make -C "$SRC" O="$OBJ" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" CHECK="$SPARSE")
}

# timed GATE PATCH CMD...: CMD, its wall and CPU seconds (children's
# user + system) appended to $LOGS/times as "GATE PATCH WALL CPU": where
# the gates' time goes, for HACKING.md's measurements.
timed() {
	local gate=$1 p=$2 t0 c0 c1
	shift 2
	t0=$(date +%s.%N)
	cpu_seconds; c0=$CPU
	"$@"
	cpu_seconds; c1=$CPU
	awk -v g="$gate" -v p="$p" -v t0="$t0" -v t1="$(date +%s.%N)" -v c0="$c0" -v c1="$c1" \
		'BEGIN { printf "%s %s %.1f %.1f\n", g, p, t1 - t0, c1 - c0 }' >> "$LOGS/times"
}
# cpu_seconds: CPU, the user + system seconds of this shell's finished
# children (times runs in this shell: in a subshell it would see none),
# through a file of this shell's own (the cross lane is another shell)
cpu_seconds() {
	local f=$G/times.$BASHPID
	times > "$f"
	CPU=$(awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$f")
	rm -f "$f"
}

result() { # result STATUS GATE PATCH [detail]
	echo "$1 $2 $3${4:+ ($4)}"
	[ "$1" = FAIL ] && failed=1
	return 0
}

# count_warnings LOG FILE...: compiler and sparse warnings and errors LOG
# reports in the FILEs
count_warnings() {
	local log=$1 f n total=0
	shift
	for f in "$@"; do
		n=$(grep -cE "(^|/)$f:[0-9]+(:[0-9]+)?: (warning|error)" "$log" || true)
		total=$((total + n))
	done
	echo $total
}

# unchecked_sources LOG FILE...: the FILEs (C sources outside tools/ that
# exist at this patch) that LOG does not show sparse checking, so not
# compiled either: "no warning in the touched files" rests on each having
# been compiled and checked in this build (a file the configuration
# leaves out would pass unseen).
unchecked_sources() {
	local log=$1 f checked
	shift
	checked=$(awk '$1 == "CHECK" { print $2 }' "$log")
	for f in "$@"; do
		case $f in tools/*) continue ;; *.c) ;; *) continue ;; esac
		[ -e "$SRC/$f" ] || continue
		grep -qE "(^|/)${f//./\\.}\$" <<< "$checked" || echo "$f"
	done
}

# sorted_unique: stdin's lines sorted, without repeats or empty lines
sorted_unique() { sort -u | sed '/^$/d'; }

# --- build ---------------------------------------------------------------
# build_targets FILE...: what of the FILEs builds, into the caller's
# dirs (make W=1 C=1), hdrs (1: make headers) and selftests.
build_targets() {
	local f d
	for f in "$@"; do
		case $f in
		Documentation/*|MAINTAINERS) ;;
		tools/testing/selftests/*/*) d=${f#tools/testing/selftests/}; selftests+=("${d%%/*}") ;;
		tools/testing/selftests/*) ;;
		include/uapi/*) hdrs=1 ;;
		include/*) ;;
		*.c|*.h|*/Makefile|*/Kconfig|*/Kbuild) dirs+=("$(dirname "$f")/") ;;
		esac
	done
	mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | sorted_unique)
	mapfile -t selftests < <(printf '%s\n' "${selftests[@]}" | sorted_unique)
}

# gate_build PATCH FILES...: builds what the patch touches; a warning in
# one of its FILEs fails it, as does an unusable sparse.
gate_build() {
	local p=$1 log=$LOGS/$(log_name "$1").build.log ok=1 nwarn unchecked t what=()
	local dirs=() hdrs=0 selftests=()
	shift
	# Configure for this point of the series: our fragments onto
	# allnoconfig, not verified (symbols a later patch adds are simply
	# unknown here).
	kconfig_merge "$TOP"/config/*.config > "$G/fragment.config"
	kconfig_allno --no-verify "${K[@]}" -- "$G/fragment.config" > "$log" 2>&1
	build_targets "$@"
	if [ ${#dirs[@]} -eq 0 ] && [ $hdrs = 0 ] && [ ${#selftests[@]} -eq 0 ]; then
		result SKIP build "$p" "touches nothing buildable"
		return
	fi
	"${K[@]}" -s prepare >> "$log" 2>&1 || ok=0
	if [ $hdrs = 1 ] || [ ${#selftests[@]} -gt 0 ]; then
		"${K[@]}" -s headers >> "$log" 2>&1 || ok=0
	fi
	if [ ${#dirs[@]} -gt 0 ]; then
		"${K[@]}" W=1 C=1 "${dirs[@]}" >> "$log" 2>&1 || ok=0
	fi
	for t in "${selftests[@]}"; do
		mkdir -p "$OBJ/selftests/$t"
		make -C "$SRC/tools/testing/selftests/$t" OUTPUT="$OBJ/selftests/$t" \
			KHDR_INCLUDES="-isystem $OBJ/usr/include" >> "$log" 2>&1 || ok=0
	done
	# Kbuild turns C=1 off by itself if the checker is unusable.
	if grep -q 'sparse is not available or not up to date' "$log"; then
		ok=0
		echo "sparse unusable" >> "$log"
	fi
	# Warnings (compiler or sparse) in any file this patch touches.
	nwarn=$(count_warnings "$log" "$@")
	unchecked=$(unchecked_sources "$log" "$@" | tr '\n' ' ')
	if [ $ok = 0 ]; then
		result FAIL build "$p" "build failed, see $log"
	elif [ -n "$unchecked" ]; then
		result FAIL build "$p" "not compiled and checked by sparse: ${unchecked% }, see $log"
	elif [ "$nwarn" -gt 0 ]; then
		result FAIL build "$p" "$nwarn warning(s) in touched files, see $log"
	else
		[ ${#dirs[@]} -eq 0 ] || what+=("W=1 C=1: ${dirs[*]}")
		[ $hdrs = 0 ] || what+=("uapi headers")
		[ ${#selftests[@]} -eq 0 ] || what+=("selftests: ${selftests[*]}")
		result PASS build "$p" "$(IFS=';'; echo "${what[*]}" | sed 's/;/; /g')"
	fi
}

# --- checkpatch ----------------------------------------------------------
run_checkpatch() { (cd "$SRC" && scripts/checkpatch.pl --strict -q "$@"); }

# The base is a source package without upstream history, so checkpatch
# cannot look up the commit a Fixes: tag names. Such a warning is
# answered by a run that ignores only that check, and the verdict says
# the id was not checked.
unknown_commit_ids() { sed -n "s/.*Unknown commit id '\([0-9a-f]*\)'.*/\1/p" "$1" | tr '\n' ' '; }
unknown_commit_answered() { # LOG PATCH
	grep -q 'UNKNOWN_COMMIT_ID\|Unknown commit id' "$1" &&
		[ "$(git -C "$SRC" rev-list --count base)" = 1 ] &&
		run_checkpatch --ignore UNKNOWN_COMMIT_ID "$SERIES_DIR/$2" > "$1.noid" 2>&1
}

# checkpatch seeds its CamelCase list only from include/ and the patched
# file, so using a macro the base tree defines in another header
# (drivers/fpga/dfl.h's DFHv1_*) reads as new CamelCase. Such a CHECK is
# answered when every name it cites is #defined in the base tree, and
# only then.
camelcase_names() { sed -n 's/.*Avoid CamelCase: <\(.*\)>.*/\1/p' "$1" | sort -u; }
camelcase_answered() { # LOG PATCH
	local w
	grep -q 'Avoid CamelCase' "$1" &&
		run_checkpatch --ignore CAMELCASE "$SERIES_DIR/$2" > "$1.nocamel" 2>&1 || return 1
	for w in $(camelcase_names "$1"); do
		git -C "$SRC" grep -qE "^#define[[:space:]]+$w\b" base -- '*.h' || return 1
	done
}

# checkpatch asks "does MAINTAINERS need updating?" for every added file;
# that one warning is answered when each file the patch adds already has
# a maintainer entry (get_maintainer.pl), and only then.
maintainers_answered() { # LOG
	local f
	grep -q '^total: 0 errors, 1 warnings, 0 checks' "$1" &&
		grep -q 'does MAINTAINERS need updating' "$1" || return 1
	for f in $(git -C "$SRC" diff --name-only --diff-filter=A HEAD~1 HEAD); do
		(cd "$SRC" && scripts/get_maintainer.pl --no-git --no-git-fallback -f "$f") |
			grep -q '(maintainer:' || return 1
	done
}

# gate_checkpatch PATCH: checkpatch --strict, clean or with the answered
# warnings above.
gate_checkpatch() {
	local p=$1 log=$LOGS/$(log_name "$1").checkpatch.log
	if run_checkpatch "$SERIES_DIR/$p" > "$log" 2>&1; then
		result PASS checkpatch "$p"
	elif unknown_commit_answered "$log" "$p"; then
		result PASS checkpatch "$p" "commit ids not checkable without upstream history: $(unknown_commit_ids "$log")"
	elif camelcase_answered "$log" "$p"; then
		result PASS checkpatch "$p" "CamelCase only in macros the base tree defines ($(camelcase_names "$log" | tr '\n' ' '))"
	elif maintainers_answered "$log"; then
		result PASS checkpatch "$p" "new files covered by existing MAINTAINERS entries"
	else
		result FAIL checkpatch "$p" "$(grep -m1 '^total:' "$log" || echo "see $log")"
	fi
}

# --- docs ----------------------------------------------------------------
# gate_docs PATCH FILES...: the kernel's own doc build (Sphinx) of the
# Documentation/ subdirs whose .rst pages the patch touches; a warning
# or error citing a page the patch touches fails it.
gate_docs() {
	local p=$1 log=$LOGS/$(log_name "$1").docs.log f d n ok=1 nwarn=0 rst=() sphinxdirs=()
	local html unbuilt=()
	shift
	for f in "$@"; do
		case $f in Documentation/*/*.rst)
			rst+=("$f")
			d=${f#Documentation/}; sphinxdirs+=("${d%%/*}") ;;
		esac
	done
	if [ ${#rst[@]} -eq 0 ]; then
		result SKIP docs "$p" "no .rst page touched"
		return
	fi
	mapfile -t sphinxdirs < <(printf '%s\n' "${sphinxdirs[@]}" | sort -u)
	touch "$log.start"
	"${K[@]}" SPHINXDIRS="${sphinxdirs[*]}" htmldocs > "$log" 2>&1 || ok=0
	for f in "${rst[@]}"; do
		n=$(grep -cE "(^|/)$f(:[0-9]+)?: (WARNING|ERROR|CRITICAL)" "$log" || true)
		nwarn=$((nwarn + n))
		# no warning counts only for a page this build wrote
		html=$OBJ/Documentation/output/${f#Documentation/}
		[ "${html%.rst}.html" -nt "$log.start" ] || unbuilt+=("$f")
	done
	if [ $ok = 0 ]; then
		result FAIL docs "$p" "htmldocs failed, see $log"
	elif [ ${#unbuilt[@]} -gt 0 ]; then
		result FAIL docs "$p" "no HTML written for ${unbuilt[*]}, see $log"
	elif [ $nwarn -gt 0 ]; then
		result FAIL docs "$p" "$nwarn Sphinx warning(s) in touched pages, see $log"
	else
		result PASS docs "$p" "htmldocs SPHINXDIRS=${sphinxdirs[*]}: ${rst[*]}"
	fi
}

# --- kernel-doc ----------------------------------------------------------
# Only warnings the patch adds count: compare with the parent's files,
# line numbers stripped (e.g. vfio.h has old warnings).

# kdoc_warnings LOG: the warnings in LOG, line numbers stripped, sorted
kdoc_warnings() { sed -E 's/:[0-9]+( |:)/:N\1/' "$1" | { grep -i -E "warning|error" || true; } | sort; }

# kdoc_parent LOG FILE...: kernel-doc on the parent's FILEs (those it
# has), into LOG with the files' own paths
kdoc_parent() {
	local log=$1 f
	shift
	: > "$log"
	for f in "$@"; do
		git -C "$SRC" cat-file -e "HEAD~1:$f" 2>/dev/null || continue
		mkdir -p "$G/before/$(dirname "$f")"
		git -C "$SRC" show "HEAD~1:$f" > "$G/before/$f"
		{ (cd "$SRC" && scripts/kernel-doc -none "$G/before/$f") 2>&1 || true; } |
			sed "s|$G/before/||g" >> "$log"
	done
	rm -rf "$G/before"
}

# gate_kernel_doc PATCH FILES...: kernel-doc -none on the touched .c/.h
# files outside tools/; a warning their parents do not have fails it.
gate_kernel_doc() {
	local p=$1 log=$LOGS/$(log_name "$1").kernel-doc.log f kd=() new_warn
	shift
	for f in "$@"; do
		case $f in tools/*) ;; *.c|*.h) kd+=("$f") ;; esac
	done
	if [ ${#kd[@]} -eq 0 ]; then
		result SKIP kernel-doc "$p" "no C file outside tools/ touched"
		return
	fi
	(cd "$SRC" && scripts/kernel-doc -none "${kd[@]}") > "$log" 2>&1 || true
	kdoc_parent "$log.before" "${kd[@]}"
	new_warn=$(comm -13 <(kdoc_warnings "$log.before") <(kdoc_warnings "$log") | wc -l)
	if [ "$new_warn" -eq 0 ]; then
		result PASS kernel-doc "$p" "$(kdoc_warnings "$log" | wc -l) warning(s) already in the base"
	else
		result FAIL kernel-doc "$p" "$new_warn new warning(s), see $log"
	fi
}

# gate_apply PATCH: git am onto the scratch tree; status 1 if it does
# not apply (a FAIL apply verdict, and the series stops there).
gate_apply() {
	local log=$LOGS/$(log_name "$1").am.log
	git -C "$SRC" am -q "$SERIES_DIR/$1" > "$log" 2>&1 && return 0
	result FAIL apply "$1" "see $log"
	git -C "$SRC" am --abort >/dev/null 2>&1 || true
	return 1
}

# --- cross builds of the final tree --------------------------------------
# Where the kernel's build bots would build it: arm64 (an unaligned 64-bit
# access to device memory faults there) and 32-bit x86 (readq comes from
# io-64-nonatomic, resource_size_t and size_t print differently). Only the
# directories the series touches, W=1, config/cross/kernel.config; a
# warning in a file the series touches fails the gate. Run once on the
# final tree, not per patch, to keep the cold time small, in a lane of its
# own beside the per-patch gates, which run checkpatch, kernel-doc and
# Kconfig one process at a time. (Measured cold: the lane then finished
# during the VMs, but took niced time from the per-patch gates, which
# needed 328 s after the VMs instead of 258 s: the same work, moved.)

# make_final_tree: the lane's tree, a copy of the base made by hard links
# (about 1 s; git replaces a file it changes rather than writing through
# the link). A link count changes a file's ctime, not its content or
# inode, so each tree's git replacing a file changes the ctime of the
# other's: both trees ignore ctime, or git would see files as modified
# and refuse to apply a patch ("does not match index", seen once) until
# it rehashed them. The reflogs are the one thing git appends to in
# place: the copy has none.
make_final_tree() {
	git -C "$SRC" config core.trustctime false
	rm -rf "$FINAL"
	if ! cp -al "$SRC" "$FINAL" 2>/dev/null; then
		rm -rf "$FINAL"
		cp -a "$SRC" "$FINAL"
	fi
	rm -rf "$FINAL/.git/logs"
}

# cross_apply LAST PATCHES...: the whole series onto $FINAL; if it does
# not apply, both cross gates fail on LAST, status 1.
cross_apply() {
	local last=$1 p arch
	shift
	for p in "$@"; do
		git -C "$FINAL" am -q "$SERIES_DIR/$p" >> "$LOGS/cross.am.log" 2>&1 && continue
		for arch in arm64 i386; do
			result FAIL "build-$arch" "$last" "the series does not apply, see $LOGS/cross.am.log"
		done
		return 1
	done
}

# cross_build ARCH LAST SERIES_FILES...: configure (every symbol of the
# fragment verified: an unmet dependency would silently build nothing),
# build drivers/fpga/ with W=1, and the build-ARCH verdict on LAST.
cross_build() {
	local arch=$1 last=$2 cross log XO ok=1 nwarn
	shift 2
	case $arch in
	arm64) cross=aarch64-linux-gnu- ;;
	i386) cross= ;;  # the native gcc builds 32-bit x86 kernels (-m32)
	esac
	log=$LOGS/cross-$arch.build.log
	XO=$G/obj-$arch
	local XK=(make -C "$FINAL" O="$XO" -j"$JOBS" ARCH="$arch" CROSS_COMPILE="$cross"
		  CC="ccache ${cross}gcc" HOSTCC="ccache gcc")
	kconfig_allno "${XK[@]}" -- "$TOP/config/cross/kernel.config" > "$log" 2>&1 || ok=0
	if [ $ok = 1 ]; then
		"${XK[@]}" -s prepare >> "$log" 2>&1 || ok=0
		"${XK[@]}" W=1 drivers/fpga/ >> "$log" 2>&1 || ok=0
	fi
	nwarn=$(count_warnings "$log" "$@")
	if [ $ok = 0 ]; then
		result FAIL "build-$arch" "$last" "cross build failed, see $log"
	elif [ "$nwarn" -gt 0 ]; then
		result FAIL "build-$arch" "$last" "$nwarn warning(s) in files the series touches, see $log"
	elif ! [ -f "$XO/drivers/fpga/vfio-dfl/vfio-dfl.o" ] ||
	     ! [ -f "$XO/drivers/fpga/vfio-dfl/vfio_dfl_test.o" ]; then
		result FAIL "build-$arch" "$last" "vfio-dfl objects were not built, see $log"
	else
		result PASS "build-$arch" "$last" "W=1 ${cross}gcc: drivers/fpga/ (series tree)"
	fi
}

# --- kunit.py on UML, in the final tree -----------------------------------
# A reviewer's first command: tools/testing/kunit/kunit.py run on every
# .kunitconfig the series ships or changes, on UML (kunit.py's default
# architecture), in one kernel (kunit.py merges repeated --kunitconfig).
# One verdict per KUnit case, "kunit-uml SUITE.CASE": a skip is a SKIP
# with the test's reason (tests/expected-skips lists each one); a failed,
# crashed or missing case, a kunit.py that fails, or no case at all is a
# FAIL. The cases run in the test kernel too (suites 01 and 03).
kunit_uml() {
	local last=$1 log=$LOGS/kunit-uml.log out=$G/kunit-uml configs rc=0
	mapfile -t configs < <(git -C "$FINAL" diff --name-only --diff-filter=d base HEAD |
		sed -n 's|/\.kunitconfig$||p')
	if [ ${#configs[@]} -eq 0 ]; then
		result FAIL kunit-uml "$last" "the series ships no .kunitconfig"
		return
	fi
	rm -f "$out/results.json" "$out/test.log"
	(cd "$FINAL" && CCACHE_BASEDIR=$FINAL python3 tools/testing/kunit/kunit.py run \
		"${configs[@]/#/--kunitconfig=}" --build_dir="$out" --jobs="$JOBS" \
		--make_options "CC=ccache gcc" --json="$out/results.json") > "$log" 2>&1 || rc=$?
	local fail="reading kunit.py's results failed, see $log"
	python3 - "$out/results.json" "$out/test.log" "$rc" "$log" "$last" <<'PY' || result FAIL kunit-uml "$last" "$fail"
import json, re, sys
res, raw, rc, log, last = sys.argv[1:]
reasons = {}
try:
    for l in open(raw, errors="replace"):
        m = re.search(r"\bok \d+ (\S+) # SKIP (.*)", l)
        if m:
            reasons[m.group(1)] = m.group(2).strip()
    top = json.load(open(res))
except (OSError, ValueError) as e:
    print("FAIL kunit-uml %s (no results: kunit.py exit status %s, %s; see %s)" % (last, rc, e, log))
    sys.exit(0)
n = 0
def walk(g, suite):
    global n
    for c in g.get("test_cases", []):
        n += 1
        name = "%s.%s" % (suite, c["name"])
        if c["status"] == "PASS":
            print("PASS kunit-uml %s" % name)
        elif c["status"] == "SKIP":
            print("SKIP kunit-uml %s (%s)" % (name, reasons.get(c["name"], "no reason given")))
        else:
            print("FAIL kunit-uml %s (%s, see %s)" % (name, c["status"], log))
    for s in g.get("sub_groups", []):
        walk(s, s["name"])
        m = s.get("misc", {})
        if m.get("errors") or m.get("crashed"):
            print("FAIL kunit-uml %s (%s error(s), %s crash(es), see %s)"
                  % (s["name"], m.get("errors"), m.get("crashed"), log))
walk(top, "")
m = top.get("misc", {})
if m.get("errors") or m.get("crashed"):
    print("FAIL kunit-uml %s (%s error(s), %s crash(es) outside any suite, see %s)"
          % (last, m.get("errors"), m.get("crashed"), log))
if n == 0 or rc != "0":
    print("FAIL kunit-uml %s (%d case(s), kunit.py exit status %s, see %s)" % (last, n, rc, log))
PY
}

# cross_lane LAST PATCHES...: the lane itself; its verdicts on stdout.
cross_lane() {
	local last=$1 series_files arch
	cross_apply "$@" || return 0
	mapfile -t series_files < <(git -C "$FINAL" diff --name-only --diff-filter=d base HEAD)
	for arch in arm64 i386; do
		timed "build-$arch" "$last" cross_build "$arch" "$last" "${series_files[@]}"
	done
	timed kunit-uml "$last" kunit_uml "$last"
	return 0
}

# start_cross_lane LAST PATCHES...: the lane in the background, in a
# process group of its own, stopped with this script whatever ends it
# (its verdicts would be lost, and it would race the next run's rm -rf
# of its tree). The lane writes its own exit status to cross.rc: bash's
# wait can answer 127 ("not a child") for a job that ended long before
# it is waited for (seen once, with both cross builds passed).
start_cross_lane() {
	make_final_tree
	rm -f "$G/cross.rc"
	set -m
	{ cross_lane "$@"; echo $? > "$G/cross.rc"; } > "$G/cross.out" 2>&1 &
	cross_pid=$!
	set +m
	trap 'kill -- -$cross_pid 2>/dev/null || true' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# finish_cross_lane LAST: wait for the lane and pass on its verdicts; a
# lane that wrote no status, or not 0, fails build-cross on LAST.
finish_cross_lane() {
	local rc
	wait "$cross_pid" 2>/dev/null || true
	rc=$(cat "$G/cross.rc" 2>/dev/null || echo "none (no status written)")
	trap - EXIT
	cat "$G/cross.out"
	if [ "$rc" != 0 ]; then
		result FAIL build-cross "$1" "the cross lane ended with status $rc, see $G/cross.out"
	fi
	if grep -q '^FAIL ' "$G/cross.out"; then
		failed=1
	fi
	return 0
}

# --- main ----------------------------------------------------------------
main() {
	local patches last p files
	setup
	mapfile -t patches < <(series_patches)
	if [ ${#patches[@]} -eq 0 ]; then
		echo "gates: series is empty, nothing to check"
		exit 0
	fi
	last=${patches[-1]}
	start_cross_lane "$last" "${patches[@]}"
	for p in "${patches[@]}"; do
		gate_apply "$p" || break
		mapfile -t files < <(git -C "$SRC" diff --name-only --diff-filter=d HEAD~1 HEAD)
		timed build "$p" gate_build "$p" "${files[@]}"
		timed checkpatch "$p" gate_checkpatch "$p"
		timed docs "$p" gate_docs "$p" "${files[@]}"
		timed kernel-doc "$p" gate_kernel_doc "$p" "${files[@]}"
	done
	finish_cross_lane "$last"
	exit $failed
}

main "$@"
