#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel from the work tree: allnoconfig + config/*.config,
# bzImage + modules, with ccache. Output in $CACHE/kernel (bzImage,
# modules/, .config, selftests/). A content stamp of the work tree and the
# fragments lets an unchanged tree reuse the previous build in seconds.
source "$(dirname "$0")/lib.sh"

# .git is a directory in a clone, a file in a `git worktree`
[ -e "$WORKTREE/.git" ] || "$TOP/scripts/worktree.sh"
mkdir -p "$KBUILD_OUT" "$KERNEL_OUT"
# The configuration fragments: config/*.config, or the one file
# VFIO_DFL_KCONFIG names (scripts/bench.sh generates the bench kernel's).
FRAGMENTS=("$TOP"/config/*.config)
[ -z "${VFIO_DFL_KCONFIG:-}" ] || FRAGMENTS=("$VFIO_DFL_KCONFIG")

# Content of the work tree including uncommitted and untracked files.
tree_id() {
	local idx
	idx=$(mktemp)
	cp "$(git -C "$WORKTREE" rev-parse --path-format=absolute --git-path index)" "$idx"
	# (ctime ignored: the hard links to $KSRC below change it)
	GIT_INDEX_FILE=$idx git -c core.trustctime=false -C "$WORKTREE" add -A . >/dev/null
	GIT_INDEX_FILE=$idx git -C "$WORKTREE" write-tree
	rm -f "$idx"
}
# The fragments' content, this script and lib.sh's kconfig_* helpers (how
# the fragments become a .config) are part of what the kernel is made of.
stamp=$( { tree_id; cat "${FRAGMENTS[@]}" "$0" "$TOP"/tests/kunit-control/*
	   declare -f kconfig_merge kconfig_verify kconfig_allno
	   gcc --version | head -n1; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$KERNEL_OUT/stamp" 2>/dev/null)" = "$stamp" ] && [ -f "$KERNEL_OUT/bzImage" ]; then
	echo "kernel: $(cat "$KERNEL_OUT/release") (unchanged, reused)"
	exit 0
fi

# Build from a fixed path, whatever the clone's path: a fresh clone (CI)
# has a new work tree with new mtimes, which would make every object
# stale. rsync --checksum rewrites only files whose content changed, so
# make rebuilds exactly what the series changed.
# The first time, hard links make the copy (about 1 s, where rsync took
# 36 s of a cold run's critical path); the files are only read from here,
# and an rsync that later changes one writes a new file, not through the
# link. (An editor that writes a file in place, as vim does a file with
# links, changes both; the next build's rsync then finds them equal and
# make rebuilds by the new mtime.) On another file system, or if that
# fails, rsync copies.
KSRC=${VFIO_DFL_KSRC:-$CACHE/ksrc}
# A kernel of an earlier series (scripts/build-series-kernels.sh) starts
# from the test kernel's objects: VFIO_DFL_KBUILD_SEED names that build
# directory, VFIO_DFL_KSRC_SEED the source they were built from. Copies
# of both are mounted over them in a mount namespace of this build, so
# that every command line and dependency path is the test kernel's (they
# are absolute paths): make then rebuilds what the series changes and
# what its configuration changes (kbuild tracks each CONFIG_ symbol a
# file uses), as in a developer's tree after a checkout. The source
# copy keeps the seed's mtimes, and the rsync below rewrites only the
# files whose content the series changes.
if [ -n "${VFIO_DFL_KBUILD_SEED:-}" ]; then
	[ -f "$VFIO_DFL_KBUILD_SEED/.config" ] && [ -e "${VFIO_DFL_KSRC_SEED:?}/Makefile" ] ||
		die "no kernel build to start from in $VFIO_DFL_KBUILD_SEED"
	[ "$(realpath "$KBUILD_OUT")" != "$(realpath "$VFIO_DFL_KBUILD_SEED")" ] &&
	[ "$(realpath -m "$KSRC")" != "$(realpath "$VFIO_DFL_KSRC_SEED")" ] ||
		die "the seed is the build itself ($KBUILD_OUT, $KSRC)"
	rm -rf "$KBUILD_OUT" "$KSRC"
	cp -a --reflink=auto "$VFIO_DFL_KBUILD_SEED" "$KBUILD_OUT"
	cp -al "$VFIO_DFL_KSRC_SEED/." "$KSRC"
	log "objects and source from $VFIO_DFL_KBUILD_SEED and $VFIO_DFL_KSRC_SEED"
	exec unshare --mount --propagation private sh -c \
		'mount --bind "$1" "$2" && mount --bind "$3" "$4" && shift 4 && exec "$@"' seed \
		"$KSRC" "$VFIO_DFL_KSRC_SEED" "$KBUILD_OUT" "$VFIO_DFL_KBUILD_SEED" \
		env -u VFIO_DFL_KBUILD_SEED VFIO_DFL_KSRC="$VFIO_DFL_KSRC_SEED" \
		VFIO_DFL_KBUILD_OUT="$VFIO_DFL_KBUILD_SEED" bash "$0" "$@"
fi
if [ ! -e "$KSRC/Makefile" ] && rm -rf "$KSRC" &&
   cp -al "$WORKTREE/." "$KSRC" 2>/dev/null && rm -rf "$KSRC/.git"; then
	log "source copied by hard links to $KSRC"
else
	[ -e "$KSRC/Makefile" ] || rm -rf "$KSRC"
	mkdir -p "$KSRC"
	rm -rf "$KSRC/.git"
	rsync -rlc --delete --exclude=/.git --out-format=%n "$WORKTREE/" "$KSRC/" \
		> "$KBUILD_OUT/changed-sources" || die "rsync of $WORKTREE to $KSRC failed"
	log "$(grep -vc '/$' "$KBUILD_OUT/changed-sources") source files changed since the last build"
fi

export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$KSRC CCACHE_MAXSIZE=8G \
       CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=vfio-dfl KBUILD_BUILD_HOST=vm
K=(make -C "$KSRC" O="$KBUILD_OUT" -j"$JOBS" -s CC="ccache gcc" HOSTCC="ccache gcc")

# Configuration: allnoconfig with our fragments, then verify each symbol.
kconfig_merge "${FRAGMENTS[@]}" > "$KBUILD_OUT/fragment.config"
kconfig_allno "${K[@]}" -- "$KBUILD_OUT/fragment.config" >/dev/null ||
	die "config fragment not satisfied (see above)"

log "building bzImage and modules (ccache: $CCACHE_DIR)"
"${K[@]}" bzImage modules
rm -rf "$KERNEL_OUT/modules"
"${K[@]}" INSTALL_MOD_PATH="$KERNEL_OUT/modules" INSTALL_MOD_STRIP=1 modules_install >/dev/null
# The harness's KUnit control module (tests/kunit-control: a suite with
# a failing case, for the harness-kunit control), built against this
# kernel when it has KUnit, in a copy (an external module builds in its
# own directory) and installed beside the kernel's modules. If it does
# not build, the harness-kunit control fails, not the whole run.
if grep -q '^CONFIG_KUNIT=y' "$KBUILD_OUT/.config"; then
	KC=$KBUILD_OUT/harness-kunit-control
	rm -rf "$KC"
	cp -r "$TOP/tests/kunit-control" "$KC"
	{ "${K[@]}" M="$KC" W=1 modules &&
	  "${K[@]}" M="$KC" INSTALL_MOD_PATH="$KERNEL_OUT/modules" INSTALL_MOD_STRIP=1 \
		modules_install >/dev/null; } ||
		log "the KUnit control module did not build: the harness-kunit control will fail"
fi
"${K[@]}" INSTALL_HDR_PATH="$KERNEL_OUT/headers" headers_install >/dev/null
cp "$KBUILD_OUT/arch/x86/boot/bzImage" "$KBUILD_OUT/.config" "$KERNEL_OUT/"
"${K[@]}" kernelrelease > "$KERNEL_OUT/release"
echo "$stamp" > "$KERNEL_OUT/stamp"
echo "kernel: $(cat "$KERNEL_OUT/release") built from base $(cat "$CACHE/base/VERSION")"
ccache -s 2>/dev/null | grep -E 'Hits|Misses' | tr -s ' ' | paste -sd' ' >&2 || true
