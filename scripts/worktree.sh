#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Create (or reset) the kernel work tree: the base commit plus every patch
# of series/series applied with `git am`. Refuses to throw away work that
# is neither committed nor exported unless FORCE=1.
source "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-base.sh" >&2

if [ ! -d "$WORKTREE/.git" ]; then
	log "cloning base into $WORKTREE"
	git clone -q --shared --no-checkout "$BASE_REPO" "$WORKTREE"
	git -C "$WORKTREE" checkout -q -B series base
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
	git -C "$WORKTREE" checkout -q -B series base
	git -C "$WORKTREE" reset -q --hard base
fi

# Commits made by hand in the work tree carry the project identity too.
git -C "$WORKTREE" config user.name "$PROJECT_NAME"
git -C "$WORKTREE" config user.email "$PROJECT_EMAIL"

n=0
for p in $(series_patches); do
	[ -f "$SERIES_DIR/$p" ] || die "series/series names $p, which does not exist"
	if ! git -C "$WORKTREE" am -q --whitespace=error-all "$SERIES_DIR/$p" >&2; then
		git -C "$WORKTREE" am --abort >/dev/null 2>&1 || true
		die "patch $p does not apply on $(git -C "$WORKTREE" log -1 --format='%h %s')"
	fi
	n=$((n + 1))
done
echo "worktree: $WORKTREE = base + $n patch(es), HEAD $(git -C "$WORKTREE" log -1 --format='%h %s')"
