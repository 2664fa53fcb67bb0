#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static gates, per patch, in series order, on a scratch tree of the base:
#   build      make W=1 C=1 on the directories the patch touches (sparse);
#              uapi headers via `make headers`, selftests via their Makefile
#   checkpatch scripts/checkpatch.pl --strict
#   docs       make htmldocs for the Documentation/ subdirs of touched .rst
#   kernel-doc scripts/kernel-doc -none on touched .c/.h files
#   build-arm64, build-i386: W=1 cross builds of the final tree
# One "PASS|FAIL|SKIP <gate> <patch>" line per patch and gate. Logs go to
# $CACHE/gates/logs. Exit status 1 if any gate failed.
source "$(dirname "$0")/lib.sh"
# checkpatch's spdxcheck needs Debian's python3 (with python3-ply).
export PATH=/usr/bin:/bin:$PATH

G=$CACHE/gates
SRC=$G/src
OBJ=$G/obj
LOGS=$G/logs
mkdir -p "$G" "$LOGS"
rm -f "$LOGS"/*.log
"$TOP/scripts/fetch-base.sh" >/dev/null

if [ ! -d "$SRC/.git" ]; then
	git clone -q --shared --no-checkout "$BASE_REPO" "$SRC"
fi
git -C "$SRC" fetch -q -f "$BASE_REPO" +refs/tags/base:refs/tags/base
git -C "$SRC" am --abort >/dev/null 2>&1 || true
git -C "$SRC" checkout -q -f -B gates base
git -C "$SRC" reset -q --hard base
git -C "$SRC" clean -q -fdx

# Debian 12's sparse is too old for 7.3 (no __typeof_unqual__, and Kbuild
# then silently skips C=1): use the one build-sparse.sh makes from sid.
SPARSE=$("$TOP/scripts/build-sparse.sh" | tail -n1)
export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$SRC
K=(make -C "$SRC" O="$OBJ" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" CHECK="$SPARSE")

patches=$(series_patches)
if [ -z "$patches" ]; then
	echo "gates: series is empty, nothing to check"
	exit 0
fi

# Every file the current patch adds is covered by a MAINTAINERS entry.
maintained_added_files() {
	local f
	for f in $(git -C "$SRC" diff --name-only --diff-filter=A HEAD~1 HEAD); do
		(cd "$SRC" && scripts/get_maintainer.pl --no-git --no-git-fallback -f "$f") |
			grep -q '(maintainer:' || return 1
	done
}

failed=0
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

# --- cross builds of the final tree --------------------------------------
# Where the kernel's build bots would build it: arm64 (an unaligned 64-bit
# access to device memory faults there) and 32-bit x86 (readq comes from
# io-64-nonatomic, resource_size_t and size_t print differently). Only the
# directories the series touches, W=1; a warning in a file the series
# touches fails the gate. Run once on the final tree, not per patch, to
# keep the cold time small, in a lane of its own beside the per-patch
# gates, which run checkpatch, kernel-doc and Kconfig one process at a
# time. (Measured in a cold run: the lane finished during the VMs, but it
# took niced time the per-patch gates had had, and they then needed 328 s
# after the VMs instead of 258 s: the same work, moved.) The lane's tree
# is a copy of the base made by hard links ($FINAL, about 1 s; git
# replaces a file it changes rather than writing through the link), with
# the whole series applied.
cross_fragment() {
	cat <<'FRAG'
CONFIG_MODULES=y
CONFIG_PCI=y
CONFIG_PCI_MSI=y
CONFIG_HWMON=y
CONFIG_PERF_EVENTS=y
CONFIG_EVENTFD=y
CONFIG_IOMMU_SUPPORT=y
CONFIG_FPGA=y
CONFIG_FPGA_DFL=y
CONFIG_FPGA_DFL_PCI=y
CONFIG_FPGA_DFL_FME=y
CONFIG_FPGA_DFL_AFU=y
CONFIG_UIO=y
CONFIG_UIO_DFL=m
CONFIG_IOMMUFD=y
CONFIG_VFIO=y
CONFIG_VFIO_GROUP=y
CONFIG_VFIO_CONTAINER=y
CONFIG_VFIO_DEVICE_CDEV=y
CONFIG_KUNIT=y
CONFIG_FPGA_DFL_KUNIT_TEST=m
CONFIG_VFIO_DFL=m
CONFIG_VFIO_DFL_KUNIT_TEST=m
FRAG
}
cross_lane() {
	local p arch cross clog XO XK ok l nwarn series_files
	local last=$(echo "$patches" | tail -n1)
	for p in $patches; do
		git -C "$FINAL" am -q "$SERIES_DIR/$p" >> "$LOGS/cross.am.log" 2>&1 && continue
		for arch in arm64 i386; do
			result FAIL "build-$arch" "$last" "the series does not apply, see $LOGS/cross.am.log"
		done
		return
	done
	series_files=$(git -C "$FINAL" diff --name-only --diff-filter=d base HEAD)
	for arch in arm64 i386; do
		case $arch in
		arm64) cross=aarch64-linux-gnu- ;;
		i386) cross= ;;  # the native gcc builds 32-bit x86 kernels (-m32)
		esac
		clog=$LOGS/cross-$arch.build.log
		XO=$G/obj-$arch
		XK=(make -C "$FINAL" O="$XO" -j"$JOBS" ARCH=$arch CROSS_COMPILE=$cross
		    CC="ccache ${cross}gcc" HOSTCC="ccache gcc")
		cross_fragment > "$G/cross-$arch.config"
		ok=1
		"${XK[@]}" -s KCONFIG_ALLCONFIG="$G/cross-$arch.config" allnoconfig > "$clog" 2>&1 || ok=0
		# Every symbol asked for must be set: an unmet dependency would
		# silently build nothing.
		while IFS= read -r l; do
			grep -qxF "$l" "$XO/.config" || { echo "config: wanted $l" >> "$clog"; ok=0; }
		done < "$G/cross-$arch.config"
		if [ $ok = 1 ]; then
			"${XK[@]}" -s prepare >> "$clog" 2>&1 || ok=0
			"${XK[@]}" W=1 drivers/fpga/ >> "$clog" 2>&1 || ok=0
		fi
		nwarn=$(count_warnings "$clog" $series_files)
		if [ $ok = 0 ]; then
			result FAIL "build-$arch" "$last" "cross build failed, see $clog"
		elif [ $nwarn -gt 0 ]; then
			result FAIL "build-$arch" "$last" "$nwarn warning(s) in files the series touches, see $clog"
		elif ! [ -f "$XO/drivers/fpga/vfio-dfl/vfio-dfl.o" ] ||
		     ! [ -f "$XO/drivers/fpga/vfio-dfl/vfio_dfl_test.o" ]; then
			result FAIL "build-$arch" "$last" "vfio-dfl objects were not built, see $clog"
		else
			result PASS "build-$arch" "$last" "W=1 ${cross}gcc: drivers/fpga/ (series tree)"
		fi
	done
	return 0
}

# A link count changes a file's ctime, not its content or inode, so each
# tree's git replacing a file changes the ctime of the other's: both trees
# ignore ctime, or git would see files as modified and refuse to apply a
# patch ("does not match index", seen once) until it rehashed them. The
# reflogs are the one thing git appends to in place: the copy has none.
git -C "$SRC" config core.trustctime false
FINAL=$G/final
rm -rf "$FINAL"
if ! cp -al "$SRC" "$FINAL" 2>/dev/null; then
	rm -rf "$FINAL"
	cp -a "$SRC" "$FINAL"
fi
rm -rf "$FINAL/.git/logs"
# The lane in a process group of its own, stopped with this script
# whatever ends it (its verdicts would be lost, and it would race the
# next run's rm -rf of its tree).
# The lane writes its own exit status: bash's wait can answer 127 ("not
# a child") for a job that ended long before it is waited for, which a
# cold run on a faster machine saw once with both cross builds passed.
rm -f "$G/cross.rc"
set -m
{ cross_lane; echo $? > "$G/cross.rc"; } > "$G/cross.out" 2>&1 &
cross_pid=$!
set +m
trap 'kill -- -$cross_pid 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for p in $patches; do
	log_base=$LOGS/${p%.patch}
	if ! git -C "$SRC" am -q "$SERIES_DIR/$p" > "$log_base.am.log" 2>&1; then
		result FAIL apply "$p" "see $log_base.am.log"
		git -C "$SRC" am --abort >/dev/null 2>&1 || true
		break
	fi
	files=$(git -C "$SRC" diff --name-only --diff-filter=d HEAD~1 HEAD)

	# --- build ---------------------------------------------------------
	# Configure for this point of the series: our fragments onto
	# allnoconfig (symbols a later patch adds are simply unknown here).
	cat "$TOP"/config/*.config > "$G/fragment.config"
	"${K[@]}" -s KCONFIG_ALLCONFIG="$G/fragment.config" allnoconfig > "$log_base.build.log" 2>&1
	dirs=() hdrs=0 selftests=()
	for f in $files; do
		case $f in
		Documentation/*|MAINTAINERS) ;;
		tools/testing/selftests/*/*) d=${f#tools/testing/selftests/}; selftests+=("${d%%/*}") ;;
		tools/testing/selftests/*) ;;
		include/uapi/*) hdrs=1 ;;
		include/*) ;;
		*.c|*.h|*/Makefile|*/Kconfig|*/Kbuild) dirs+=("$(dirname "$f")/") ;;
		esac
	done
	mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | sort -u | sed '/^$/d')
	mapfile -t selftests < <(printf '%s\n' "${selftests[@]}" | sort -u | sed '/^$/d')
	if [ ${#dirs[@]} -eq 0 ] && [ $hdrs = 0 ] && [ ${#selftests[@]} -eq 0 ]; then
		result SKIP build "$p" "touches nothing buildable"
	else
		ok=1
		"${K[@]}" -s prepare >> "$log_base.build.log" 2>&1 || ok=0
		if [ $hdrs = 1 ] || [ ${#selftests[@]} -gt 0 ]; then
			"${K[@]}" -s headers >> "$log_base.build.log" 2>&1 || ok=0
		fi
		if [ ${#dirs[@]} -gt 0 ]; then
			"${K[@]}" W=1 C=1 "${dirs[@]}" >> "$log_base.build.log" 2>&1 || ok=0
		fi
		for t in "${selftests[@]}"; do
			mkdir -p "$OBJ/selftests/$t"
			make -C "$SRC/tools/testing/selftests/$t" OUTPUT="$OBJ/selftests/$t" \
				KHDR_INCLUDES="-isystem $OBJ/usr/include" >> "$log_base.build.log" 2>&1 || ok=0
		done
		# Kbuild turns C=1 off by itself if the checker is unusable.
		if grep -q 'sparse is not available or not up to date' "$log_base.build.log"; then
			ok=0
			echo "sparse unusable" >> "$log_base.build.log"
		fi
		# Warnings (compiler or sparse) in any file this patch touches.
		nwarn=$(count_warnings "$log_base.build.log" $files)
		if [ $ok = 0 ]; then
			result FAIL build "$p" "build failed, see $log_base.build.log"
		elif [ $nwarn -gt 0 ]; then
			result FAIL build "$p" "$nwarn warning(s) in touched files, see $log_base.build.log"
		else
			what=()
			[ ${#dirs[@]} -gt 0 ] && what+=("W=1 C=1: ${dirs[*]}")
			[ $hdrs = 1 ] && what+=("uapi headers")
			[ ${#selftests[@]} -gt 0 ] && what+=("selftests: ${selftests[*]}")
			result PASS build "$p" "$(IFS=';'; echo "${what[*]}" | sed 's/;/; /g')"
		fi
	fi

	# --- checkpatch ------------------------------------------------------
	# checkpatch asks "does MAINTAINERS need updating?" for every added
	# file; that one warning is answered when each added file already has
	# a maintainer entry (get_maintainer.pl), and only then.
	# checkpatch seeds its CamelCase list only from include/ and the
	# patched file, so using a macro the base tree defines in another
	# header (drivers/fpga/dfl.h's DFHv1_*) reads as new CamelCase. Such a
	# CHECK is answered when every name it cites is #defined in the base
	# tree, and only then.
	cp_log=$log_base.checkpatch.log
	cp=(scripts/checkpatch.pl --strict -q)
	cp_rc=0
	(cd "$SRC" && "${cp[@]}" "$SERIES_DIR/$p") > "$cp_log" 2>&1 || cp_rc=$?
	camel_ok=0
	if [ $cp_rc -ne 0 ] && grep -q 'Avoid CamelCase' "$cp_log" &&
	   (cd "$SRC" && "${cp[@]}" --ignore CAMELCASE "$SERIES_DIR/$p") > "$cp_log.nocamel" 2>&1; then
		camel_ok=1
		for w in $(sed -n 's/.*Avoid CamelCase: <\(.*\)>.*/\1/p' "$cp_log" | sort -u); do
			git -C "$SRC" grep -qE "^#define[[:space:]]+$w\b" base -- '*.h' || camel_ok=0
		done
	fi
	# The base is a source package without upstream history, so
	# checkpatch cannot look up the commit a Fixes: tag names. Such a
	# warning is answered by a run that ignores only that check, and
	# the verdict says the id was not checked.
	unknown_ok=0
	if [ $cp_rc -ne 0 ] && grep -q 'UNKNOWN_COMMIT_ID\|Unknown commit id' "$cp_log" &&
	   [ "$(git -C "$SRC" rev-list --count base)" = 1 ] &&
	   (cd "$SRC" && "${cp[@]}" --ignore UNKNOWN_COMMIT_ID "$SERIES_DIR/$p") > "$cp_log.noid" 2>&1; then
		unknown_ok=1
	fi
	if [ $cp_rc -eq 0 ]; then
		result PASS checkpatch "$p"
	elif [ $unknown_ok = 1 ]; then
		result PASS checkpatch "$p" "commit ids not checkable without upstream history: $(sed -n "s/.*Unknown commit id '\([0-9a-f]*\)'.*/\1/p" "$cp_log" | tr '\n' ' ')"
	elif [ $camel_ok = 1 ]; then
		result PASS checkpatch "$p" "CamelCase only in macros the base tree defines ($(sed -n 's/.*Avoid CamelCase: <\(.*\)>.*/\1/p' "$cp_log" | sort -u | tr '\n' ' '))"
	elif grep -q '^total: 0 errors, 1 warnings, 0 checks' "$cp_log" &&
	     grep -q 'does MAINTAINERS need updating' "$cp_log" && maintained_added_files; then
		result PASS checkpatch "$p" "new files covered by existing MAINTAINERS entries"
	else
		result FAIL checkpatch "$p" "$(grep -m1 '^total:' "$log_base.checkpatch.log" || echo "see $log_base.checkpatch.log")"
	fi

	# --- docs --------------------------------------------------------------
	# The kernel's own doc build (Sphinx) of the Documentation/ subdirs
	# whose .rst pages the patch touches; a warning or error citing a
	# page the patch touches fails it.
	rst=() sphinxdirs=()
	for f in $files; do
		case $f in Documentation/*/*.rst)
			rst+=("$f")
			d=${f#Documentation/}; sphinxdirs+=("${d%%/*}") ;;
		esac
	done
	if [ ${#rst[@]} -eq 0 ]; then
		result SKIP docs "$p" "no .rst page touched"
	else
		mapfile -t sphinxdirs < <(printf '%s\n' "${sphinxdirs[@]}" | sort -u)
		doc_log=$log_base.docs.log
		doc_ok=1
		"${K[@]}" SPHINXDIRS="${sphinxdirs[*]}" htmldocs > "$doc_log" 2>&1 || doc_ok=0
		ndoc=0
		for f in "${rst[@]}"; do
			n=$(grep -cE "(^|/)$f(:[0-9]+)?: (WARNING|ERROR|CRITICAL)" "$doc_log" || true)
			ndoc=$((ndoc + n))
		done
		if [ $doc_ok = 0 ]; then
			result FAIL docs "$p" "htmldocs failed, see $doc_log"
		elif [ $ndoc -gt 0 ]; then
			result FAIL docs "$p" "$ndoc Sphinx warning(s) in touched pages, see $doc_log"
		else
			result PASS docs "$p" "htmldocs SPHINXDIRS=${sphinxdirs[*]}: ${rst[*]}"
		fi
	fi

	# --- kernel-doc ------------------------------------------------------
	kd=()
	for f in $files; do
		case $f in tools/*) ;; *.c|*.h) kd+=("$f") ;; esac
	done
	# Only warnings the patch adds count: compare with the parent's
	# files, line numbers stripped (e.g. vfio.h has old warnings).
	if [ ${#kd[@]} -eq 0 ]; then
		result SKIP kernel-doc "$p" "no C file outside tools/ touched"
	else
		kd_log=$log_base.kernel-doc.log
		(cd "$SRC" && scripts/kernel-doc -none "${kd[@]}") > "$kd_log" 2>&1 || true
		: > "$kd_log.before"
		for f in "${kd[@]}"; do
			git -C "$SRC" cat-file -e "HEAD~1:$f" 2>/dev/null || continue
			mkdir -p "$G/before/$(dirname "$f")"
			git -C "$SRC" show "HEAD~1:$f" > "$G/before/$f"
			{ (cd "$SRC" && scripts/kernel-doc -none "$G/before/$f") 2>&1 || true; } |
				sed "s|$G/before/||g" >> "$kd_log.before"
		done
		rm -rf "$G/before"
		norm() { sed -E 's/:[0-9]+( |:)/:N\1/' "$1" | { grep -i -E "warning|error" || true; } | sort; }
		new_warn=$(comm -13 <(norm "$kd_log.before") <(norm "$kd_log") | wc -l)
		if [ "$new_warn" -eq 0 ]; then
			result PASS kernel-doc "$p" "$(norm "$kd_log" | wc -l) warning(s) already in the base"
		else
			result FAIL kernel-doc "$p" "$new_warn new warning(s), see $kd_log"
		fi
	fi
done

# The cross lane's verdicts (started before the per-patch loop).
wait "$cross_pid" 2>/dev/null || true
cross_rc=$(cat "$G/cross.rc" 2>/dev/null || echo "none (no status written)")
trap - EXIT
cat "$G/cross.out"
if [ "$cross_rc" != 0 ]; then
	result FAIL build-cross "$(echo "$patches" | tail -n1)" "the cross lane ended with status $cross_rc, see $G/cross.out"
fi
if grep -q '^FAIL ' "$G/cross.out"; then
	failed=1
fi
exit $failed
