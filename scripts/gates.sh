#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static gates, per patch, in series order, on a scratch tree of the base:
#   build      make W=1 C=1 on the directories the patch touches (sparse);
#              uapi headers via `make headers`, selftests via their Makefile
#   checkpatch scripts/checkpatch.pl --strict
#   kernel-doc scripts/kernel-doc -none on touched .c/.h files
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
		nwarn=0
		for f in $files; do
			n=$(grep -cE "(^|/)$f:[0-9]+(:[0-9]+)?: (warning|error)" "$log_base.build.log" || true)
			nwarn=$((nwarn + n))
		done
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
	(cd "$SRC" && "${cp[@]}" "$SERIES_DIR/$p") > "$cp_log" 2>&1
	cp_rc=$?
	camel_ok=0
	if [ $cp_rc -ne 0 ] && grep -q 'Avoid CamelCase' "$cp_log" &&
	   (cd "$SRC" && "${cp[@]}" --ignore CAMELCASE "$SERIES_DIR/$p") > "$cp_log.nocamel" 2>&1; then
		camel_ok=1
		for w in $(sed -n 's/.*Avoid CamelCase: <\(.*\)>.*/\1/p' "$cp_log" | sort -u); do
			git -C "$SRC" grep -qE "^#define[[:space:]]+$w\b" base -- '*.h' || camel_ok=0
		done
	fi
	if [ $cp_rc -eq 0 ]; then
		result PASS checkpatch "$p"
	elif [ $camel_ok = 1 ]; then
		result PASS checkpatch "$p" "CamelCase only in macros the base tree defines ($(sed -n 's/.*Avoid CamelCase: <\(.*\)>.*/\1/p' "$cp_log" | sort -u | tr '\n' ' '))"
	elif grep -q '^total: 0 errors, 1 warnings, 0 checks' "$cp_log" &&
	     grep -q 'does MAINTAINERS need updating' "$cp_log" && maintained_added_files; then
		result PASS checkpatch "$p" "new files covered by existing MAINTAINERS entries"
	else
		result FAIL checkpatch "$p" "$(grep -m1 '^total:' "$log_base.checkpatch.log" || echo "see $log_base.checkpatch.log")"
	fi

	# --- kernel-doc ------------------------------------------------------
	kd=()
	for f in $files; do
		case $f in tools/*) ;; *.c|*.h) kd+=("$f") ;; esac
	done
	# Only warnings the patch adds count: compare with the parent's
	# files, line numbers stripped (e.g. vfio.h has old warnings).
	if [ ${#kd[@]} -eq 0 ]; then
		result SKIP kernel-doc "$p" "no C files touched"
	else
		kd_log=$log_base.kernel-doc.log
		(cd "$SRC" && scripts/kernel-doc -none "${kd[@]}") > "$kd_log" 2>&1
		: > "$kd_log.before"
		for f in "${kd[@]}"; do
			git -C "$SRC" cat-file -e "HEAD~1:$f" 2>/dev/null || continue
			mkdir -p "$G/before/$(dirname "$f")"
			git -C "$SRC" show "HEAD~1:$f" > "$G/before/$f"
			(cd "$SRC" && scripts/kernel-doc -none "$G/before/$f") 2>&1 |
				sed "s|$G/before/||g" >> "$kd_log.before"
		done
		rm -rf "$G/before"
		norm() { sed -E 's/:[0-9]+( |:)/:N\1/' "$1" | grep -i -E "warning|error" | sort; }
		new_warn=$(comm -13 <(norm "$kd_log.before") <(norm "$kd_log") | wc -l)
		if [ "$new_warn" -eq 0 ]; then
			result PASS kernel-doc "$p" "$(norm "$kd_log" | wc -l) warning(s) already in the base"
		else
			result FAIL kernel-doc "$p" "$new_warn new warning(s), see $kd_log"
		fi
	fi
done
exit $failed
