#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Create (or reset) the kernel work tree: the base commit plus every
# series of series/ applied in order with `git am`, a branch named after
# each series' directory at its last patch (export.sh reads them), the
# last one checked out. `git rebase` there moves the other branches along
# (rebase.updateRefs). Refuses to throw away work that is neither
# committed nor exported unless FORCE=1.
source "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh" >&2

if [ ! -d "$WORKTREE/.git" ]; then
	log "cloning base into $WORKTREE"
	git clone -q --shared --no-checkout "$BASE_REPO" "$WORKTREE"
	git -C "$WORKTREE" checkout -q --detach base
else
	git -C "$WORKTREE" fetch -q -f "$BASE_REPO" +refs/tags/base:refs/tags/base
	if [ "${FORCE:-0}" != 1 ]; then
		[ -z "$(git -C "$WORKTREE" status --porcelain --untracked-files=no)" ] ||
			die "$WORKTREE has uncommitted changes; commit and run 'make export', or FORCE=1"
		if ! "$TOP/scripts/export.sh" --check >/dev/null 2>&1; then
			die "$WORKTREE has commits not exported to series/; run 'make export', or FORCE=1"
		fi
	fi
	git -C "$WORKTREE" am --abort >/dev/null 2>&1 || true
	git -C "$WORKTREE" checkout -q --detach base
	git -C "$WORKTREE" reset -q --hard base
fi

# Commits made by hand in the work tree carry the project identity too.
git -C "$WORKTREE" config user.name "$PROJECT_NAME"
git -C "$WORKTREE" config user.email "$PROJECT_EMAIL"
git -C "$WORKTREE" config rebase.updateRefs true

n=0 last=
for d in $(series_dirs); do
	for p in $(series_patches | sed -n "s|^$d/||p"); do
		[ -f "$SERIES_DIR/$d/$p" ] || die "series/$d/series names $p, which does not exist"
		if ! git -C "$WORKTREE" am -q --whitespace=error-all "$SERIES_DIR/$d/$p" >&2; then
			git -C "$WORKTREE" am --abort >/dev/null 2>&1 || true
			die "patch $d/$p does not apply on $(git -C "$WORKTREE" log -1 --format='%h %s')"
		fi
		n=$((n + 1))
	done
	git -C "$WORKTREE" branch -f "$d" HEAD
	last=$d
done
[ -n "$last" ] && git -C "$WORKTREE" checkout -q "$last"
echo "worktree: $WORKTREE = base + $n patch(es) in $(series_dirs | wc -l) series, HEAD $(git -C "$WORKTREE" log -1 --format='%h %s')"
