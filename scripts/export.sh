#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the work tree's commits (base..HEAD) into series/ with
# `git format-patch`: stable names, no churn when nothing changed, the
# hand-written cover letter (0000-cover-letter.patch) kept as it is.
# --check: only report whether an export would change anything (exit 1).
source "$(dirname "$0")/lib.sh"

check=0
[ "${1:-}" = "--check" ] && check=1
[ -d "$WORKTREE/.git" ] || die "no work tree at $WORKTREE; run 'make worktree'"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --zero-commit and --no-signature keep the output independent of when
# the commits were re-applied and of the git version.
git -C "$WORKTREE" format-patch -q --zero-commit --no-signature -n \
	--subject-prefix=PATCH -o "$tmp" base..HEAD
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	grep -q "^Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>" "$f" ||
		die "$(basename "$f") lacks 'Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>'"
done

{
	sed -n '/^#/p' "$SERIES_DIR/series" 2>/dev/null
	(cd "$tmp" && ls -1 -- *.patch 2>/dev/null) || true
} > "$tmp/series.new"

changed=0
cmp -s "$tmp/series.new" "$SERIES_DIR/series" || changed=1
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	cmp -s "$f" "$SERIES_DIR/$(basename "$f")" || changed=1
done
for f in "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$f" ] || continue
	case $(basename "$f") in 0000-cover-letter.patch) continue ;; esac
	[ -e "$tmp/$(basename "$f")" ] || changed=1
done

if [ $check = 1 ]; then
	[ $changed = 0 ] && { echo "series/ is up to date"; exit 0; }
	echo "series/ differs from the work tree"; exit 1
fi
[ $changed = 0 ] && { echo "series/ unchanged"; exit 0; }

for f in "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$f" ] || continue
	case $(basename "$f") in 0000-cover-letter.patch) continue ;; esac
	[ -e "$tmp/$(basename "$f")" ] || { rm -f "$f"; echo "removed $(basename "$f")"; }
done
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	cmp -s "$f" "$SERIES_DIR/$(basename "$f")" && continue
	cp "$f" "$SERIES_DIR/"
	echo "wrote $(basename "$f")"
done
cp "$tmp/series.new" "$SERIES_DIR/series"
echo "series/: $(series_patches | wc -l) patch(es)"
