#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the work tree's commits into series/ with `git format-patch`, one
# directory per series: DIR's patches are the commits between the branch
# of the series before it (base for the first) and the branch DIR, which
# worktree.sh made and `git rebase` keeps (rebase.updateRefs). Stable
# names, no churn when nothing changed, each hand-written cover letter
# (DIR/0000-cover-letter.patch) kept as it is.
#
# DIR/series carries, besides the patch order, "# key: value" lines:
#   prefix  the subject prefix ("RFC PATCH v4")
#   to, cc  recipients, one per line, on DIR's cover letter (git
#           send-email --to-cover --cc-cover copies them to every patch)
#   on      the series DIR applies on, or base: prerequisite-patch-id
#           lines name only patches of that series and the ones it is on
#           (the work tree stacks all of them; the posting says what a
#           maintainer needs under it)
# --check: only report whether an export would change anything (exit 1).
source "$(dirname "$0")/lib.sh"

check=0
[ "${1:-}" = "--check" ] && check=1
[ -e "$WORKTREE/.git" ] || die "no work tree at $WORKTREE; run 'make worktree'"
mapfile -t dirs < <(series_dirs)
[ ${#dirs[@]} -gt 0 ] || die "series/series lists no series"
G=(git -C "$WORKTREE")

tip() { # tip DIR: the commit of DIR's branch in the work tree
	"${G[@]}" rev-parse -q --verify "refs/heads/$1^{commit}" ||
		die "the work tree has no branch $1; run 'make worktree'"
}
[ "$(tip "${dirs[-1]}")" = "$("${G[@]}" rev-parse HEAD)" ] ||
	die "HEAD is not the branch ${dirs[-1]}: a commit on top of it is in no series (check out ${dirs[-1]}, or 'git branch -f ${dirs[-1]} HEAD' if it belongs there)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# on_commits DIR: the commits of DIR and, through its "on" line, of every
# series it applies on
declare -A range_of
on_commits() {
	local d=$1 on
	while [ -n "$d" ] && [ "$d" != base ]; do
		"${G[@]}" rev-list "${range_of[$d]}"
		on=$(series_key "$d" on)
		d=${on:-base}
	done
}

prev=base
for d in "${dirs[@]}"; do
	t=$(tip "$d")
	"${G[@]}" merge-base --is-ancestor "$prev" "$t" || die "branch $d does not descend from $prev"
	range_of[$d]=$prev..$t
	[ -n "$("${G[@]}" rev-list "$prev..$t")" ] || die "series $d has no commits ($prev..$d)"
	on=$(series_key "$d" on)
	[ -n "$on" ] || die "series/$d/series has no '# on:' line"
	prefix=$(series_key "$d" prefix)
	[ -n "$prefix" ] || die "series/$d/series has no '# prefix:' line"
	to=$(series_key "$d" to | paste -sd, | sed 's/,/,\n    /g')
	cc=$(series_key "$d" cc | paste -sd, | sed 's/,/,\n    /g')
	mkdir -p "$tmp/$d"
	# --zero-commit and --no-signature keep the output independent of
	# when the commits were re-applied and of the git version. A fixed
	# abbreviation: the automatic one follows the object count of the
	# repository and would churn every index line.
	"${G[@]}" -c core.abbrev=9 format-patch -q --zero-commit --no-signature -n \
		--subject-prefix="$prefix" --cover-letter --base=base \
		-o "$tmp/$d" "$prev..$t"
	# format-patch lists a prerequisite-patch-id for every commit from
	# base to the range's start, oldest first (its own patch ids, which
	# need not be git patch-id's): keep the lines of the commits of the
	# series this one is on.
	prereq=$("${G[@]}" rev-list --reverse "base..$prev")
	keep=$(on_commits "$on")
	cover=$tmp/$d/0000-cover-letter.patch
	# The cover letter's subject and prose are hand-written and kept; its
	# shortlog, diffstat and base-commit are regenerated, and its
	# prerequisites are the patches of the series it is on.
	python3 - "$SERIES_DIR/$d/0000-cover-letter.patch" "$cover" "$prereq" "$keep" "$to" "$cc" <<'PY'
import os, re, sys
oldf, newf = sys.argv[1], sys.argv[2]
prereq, keep = sys.argv[3].split(), set(sys.argv[4].split())
new = open(newf).read()
# The recipients go on the cover letter, which `git send-email
# --to-cover --cc-cover` copies to every patch.
rcpt = "".join(f"{h}: {v}\n" for h, v in (("To", sys.argv[5]), ("Cc", sys.argv[6])) if v)
new = re.sub(r"^(Subject: .*\n(?: .*\n)*)", lambda m: m.group(1) + rcpt, new, count=1, flags=re.M)
lines = new.splitlines(True)
pre = [i for i, l in enumerate(lines) if l.startswith("prerequisite-patch-id: ")]
if len(pre) != len(prereq):
    sys.exit(f"{newf}: {len(pre)} prerequisite-patch-id lines for {len(prereq)} commits")
drop = {i for i, c in zip(pre, prereq) if c not in keep}
new = "".join(l for i, l in enumerate(lines) if i not in drop)
if os.path.exists(oldf):
    old = open(oldf).read()
    subj = re.search(r"^Subject: \[[^]]*\] (.*(?:\n .*)*)", old, re.M).group(1)
    blurb = old.split("\n\n", 1)[1]
    blurb = re.split(r"^\S.* \([0-9]+\):$", blurb, maxsplit=1, flags=re.M)[0]
    new = new.replace("*** SUBJECT HERE ***", subj)
    new = new.replace("*** BLURB HERE ***\n\n", blurb)
    # Keep the cover letter's date: no churn when nothing changed.
    date = re.search(r"^Date: .*$", old, re.M).group(0)
    new = re.sub(r"^Date: .*$", lambda m: date, new, count=1, flags=re.M)
open(newf, "w").write(new)
PY
	for f in "$tmp/$d"/[0-9][0-9][0-9][1-9]-*.patch; do
		[ -e "$f" ] || continue
		n=$d/$(basename "$f")
		grep -q "^Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>" "$f" ||
			die "$n lacks 'Signed-off-by: $PROJECT_NAME <$PROJECT_EMAIL>'"
		grep -q "^From: $PROJECT_NAME <$PROJECT_EMAIL>" "$f" ||
			die "$n is not authored by $PROJECT_NAME <$PROJECT_EMAIL>"
		! grep "^Signed-off-by:" "$f" | grep -vq "$PROJECT_NAME <$PROJECT_EMAIL>" ||
			die "$n has a Signed-off-by other than the project identity"
	done
	{
		sed -n '/^#/p' "$SERIES_DIR/$d/series"
		(cd "$tmp/$d" && ls -1 -- *.patch | grep -v '^0000-cover-letter') || true
	} > "$tmp/$d/series"
	prev=$t
done

changed=0
for d in "${dirs[@]}"; do
	for f in "$tmp/$d"/*.patch "$tmp/$d/series"; do
		cmp -s "$f" "$SERIES_DIR/$d/$(basename "$f")" || changed=1
	done
	for f in "$SERIES_DIR/$d"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] || continue
		[ -e "$tmp/$d/$(basename "$f")" ] || changed=1
	done
done

if [ $check = 1 ]; then
	[ $changed = 0 ] && { echo "series/ is up to date"; exit 0; }
	echo "series/ differs from the work tree"; exit 1
fi
[ $changed = 0 ] && { echo "series/ unchanged"; exit 0; }

for d in "${dirs[@]}"; do
	for f in "$SERIES_DIR/$d"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] || continue
		[ -e "$tmp/$d/$(basename "$f")" ] || { rm -f "$f"; echo "removed $d/$(basename "$f")"; }
	done
	for f in "$tmp/$d"/*.patch "$tmp/$d/series"; do
		cmp -s "$f" "$SERIES_DIR/$d/$(basename "$f")" && continue
		cp "$f" "$SERIES_DIR/$d/"
		echo "wrote $d/$(basename "$f")"
	done
done
echo "series/: $(series_patches | wc -l) patch(es) in ${#dirs[@]} series"
