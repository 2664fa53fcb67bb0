#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Each series but the last, as a kernel of its own: the base with that
# series and the ones before it applied, and nothing after, built like
# the test kernel (scripts/build-kernel.sh) with an initramfs of its
# modules. The suites of tests/suites that name one (--kernel
# series/DIR/kernel/bzImage) then show the series boots and works
# without the ones after it.
#
# Output, per series DIR: $CACHE/series/DIR/{kernel,initramfs.cpio.gz}.
# The tree is a hard-linked copy of linux/ with the series' branch (made
# by worktree.sh) checked out: git replaces the files it changes, so
# linux/ is not touched. A kernel that must be built starts from a copy
# of the test kernel's objects and source, mounted over them while it
# builds (build-kernel.sh's VFIO_DFL_KBUILD_SEED): make rebuilds only
# what the series and the symbols left out change. (A cold run built
# series 1 in full before: its autoconf.h differs from the test
# kernel's, and ccache keys every file on it.) The copies are deleted
# after the build: the next build starts from the test kernel again.
#
# The configuration is config/*.config, or, for a tree that does not
# define all of its symbols yet (a later series adds them), the fragment
# less every symbol that any such tree lacks. The symbols left out are
# listed.
source "$(dirname "$0")/lib.sh"

[ -e "$WORKTREE/.git" ] || "$TOP/scripts/worktree.sh"
mapfile -t DIRS < <(series_dirs)
[ ${#DIRS[@]} -gt 1 ] || { echo "series kernels: only one series, nothing to do"; exit 0; }

# defined_symbols TREE: every Kconfig symbol TREE defines, one per line
defined_symbols() {
	git -C "$1" grep -hoE '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' -- '*Kconfig*' |
		awk '{ print $2 }' | sort -u
}

# missing TREE: the symbols of config/*.config that TREE does not define
missing() {
	local syms
	syms=$(mktemp)
	defined_symbols "$1" > "$syms"
	kconfig_merge "$TOP"/config/*.config | grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' |
		sed 's/^# //; s/^CONFIG_//' | sort -u | comm -23 - "$syms"
	rm -f "$syms"
}

# fragment OUT SYMBOL...: config/*.config less the SYMBOLs
fragment() {
	local out=$1
	shift
	kconfig_merge "$TOP"/config/*.config |
		awk -v drop=" $* " '
			{ s = $0; sub(/^# /, "", s) }
			s ~ /^CONFIG_/ { n = s; sub(/^CONFIG_/, "", n); sub(/[= ].*/, "", n)
					 if (index(drop, " " n " ")) next }
			{ print }' > "$out"
}

# tree DIR: $CACHE/series/DIR/tree at branch DIR, by hard links
tree() {
	local t=$CACHE/series/$1/tree
	git -C "$WORKTREE" rev-parse -q --verify "refs/heads/$1" >/dev/null ||
		die "linux/ has no branch $1: run scripts/worktree.sh"
	rm -rf "$t"
	mkdir -p "$(dirname "$t")"
	cp -al "$WORKTREE" "$t" 2>/dev/null || { rm -rf "$t"; cp -a "$WORKTREE" "$t"; }
	rm -rf "$t/.git/logs"
	git -C "$t" config core.trustctime false
	git -C "$t" checkout -q -f "$1"
	git -C "$t" clean -q -fdx
}

# build DIR SYMBOL...: the kernel and initramfs of series DIR, its config
# without the SYMBOLs
build() {
	local d=$1 s=$CACHE/series/$1
	shift
	fragment "$s/fragment.config" "$@"
	log "$d: left out of the configuration: ${*:-nothing}"
	VFIO_DFL_KBUILD_SEED=$KBUILD_OUT VFIO_DFL_KSRC_SEED=${VFIO_DFL_KSRC:-$CACHE/ksrc} \
	VFIO_DFL_WORKTREE=$s/tree VFIO_DFL_KSRC=$s/ksrc VFIO_DFL_KBUILD_OUT=$s/kbuild \
	VFIO_DFL_KERNEL_OUT=$s/kernel VFIO_DFL_KCONFIG=$s/fragment.config \
		"$TOP/scripts/build-kernel.sh" | sed "s|^kernel:|series kernel $d:|"
	VFIO_DFL_KERNEL_OUT=$s/kernel "$TOP/scripts/mkinitramfs.sh" \
		--out "$s/initramfs.cpio.gz" >/dev/null
	rm -rf "$s/kbuild" "$s/ksrc"
}

declare -A MISSING
for d in "${DIRS[@]:0:${#DIRS[@]}-1}"; do
	tree "$d"
	MISSING[$d]=$(missing "$CACHE/series/$d/tree" | tr '\n' ' ')
done
shared=$(for d in "${!MISSING[@]}"; do echo ${MISSING[$d]}; done | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
for d in "${DIRS[@]:0:${#DIRS[@]}-1}"; do
	if [ -n "${MISSING[$d]// /}" ]; then
		build "$d" $shared
	else
		build "$d"
	fi
done
