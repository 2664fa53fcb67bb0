#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the work tree's commits (base..HEAD) into series/ with
# `git format-patch`: stable names, no churn when nothing changed, the
# hand-written cover letter (0000-cover-letter.patch) kept as it is.
# --check: only report whether an export would change anything (exit 1).
source "$(dirname "$0")/lib.sh"

check=0
[ "${1:-}" = "--check" ] && check=1
[ -e "$WORKTREE/.git" ] || die "no work tree at $WORKTREE; run 'make worktree'"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --zero-commit and --no-signature keep the output independent of when
# the commits were re-applied and of the git version.
# A fixed abbreviation: the automatic one follows the object count of
# the repository and would churn every index line.
git -C "$WORKTREE" -c core.abbrev=9 format-patch -q --zero-commit --no-signature -n \
	--subject-prefix="PATCH $SERIES_VERSION" --cover-letter --base=base -o "$tmp" base..HEAD
# The cover letter's subject and prose are hand-written and kept; its
# shortlog, diffstat and base-commit are regenerated.
cover=$tmp/0000-cover-letter.patch
if [ -f "$cover" ] && [ -f "$SERIES_DIR/0000-cover-letter.patch" ]; then
	python3 - "$SERIES_DIR/0000-cover-letter.patch" "$cover" <<'PY'
import re, sys
old, new = (open(f).read() for f in sys.argv[1:3])
subj = re.search(r"^Subject: \[PATCH(?: v[0-9]+)? [0-9]+/[0-9]+\] (.*(?:\n .*)*)", old, re.M).group(1)
blurb = old.split("\n\n", 1)[1]
blurb = re.split(r"^\S.* \([0-9]+\):$", blurb, maxsplit=1, flags=re.M)[0]
new = new.replace("*** SUBJECT HERE ***", subj)
new = new.replace("*** BLURB HERE ***\n\n", blurb)
# Keep the cover letter's date: no churn when nothing changed.
date = re.search(r"^Date: .*$", old, re.M).group(0)
new = re.sub(r"^Date: .*$", lambda m: date, new, count=1, flags=re.M)
open(sys.argv[2], "w").write(new)
PY
fi
for f in "$tmp"/[0-9][0-9][0-9][1-9]-*.patch; do
	[ -e "$f" ] || continue
	grep -q "^Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>" "$f" ||
		die "$(basename "$f") lacks 'Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>'"
	grep -q "^From: $PROJECT_NAME <$PROJECT_EMAIL>" "$f" ||
		die "$(basename "$f") is not authored by $PROJECT_NAME <$PROJECT_EMAIL>"
	! grep "^Signed-off-by:" "$f" | grep -vq "$PROJECT_NAME <$PROJECT_EMAIL>" ||
		die "$(basename "$f") has a Signed-off-by other than the project identity"
done

{
	sed -n '/^#/p' "$SERIES_DIR/series" 2>/dev/null
	(cd "$tmp" && ls -1 -- *.patch 2>/dev/null | grep -v '^0000-cover-letter') || true
} > "$tmp/series.new"

changed=0
cmp -s "$tmp/series.new" "$SERIES_DIR/series" || changed=1
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	cmp -s "$f" "$SERIES_DIR/$(basename "$f")" || changed=1
done
for f in "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$f" ] || continue
	[ -e "$tmp/$(basename "$f")" ] || changed=1
done

if [ $check = 1 ]; then
	[ $changed = 0 ] && { echo "series/ is up to date"; exit 0; }
	echo "series/ differs from the work tree"; exit 1
fi
[ $changed = 0 ] && { echo "series/ unchanged"; exit 0; }

for f in "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$f" ] || continue
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
