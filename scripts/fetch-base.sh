#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's linux-source-7.3 (trixie-backports) with a private apt
# state directory, extract it once and turn it into a one-commit git
# repository: the base the series applies to. Prints the exact version.
source "$(dirname "$0")/lib.sh"

PKG=linux-source-7.3
SUITE=trixie-backports
APTDIR=$CACHE/apt-$SUITE
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

mkdir -p "$CACHE/base"
mirror=$(debian_mirror)
line="deb [signed-by=$KEYRING] $mirror $SUITE main"

papt() { private_apt "$APTDIR" "$line" "$@"; }

# Refresh the index at most once a day; an offline run uses what it has.
if [ -z "$(find "$APTDIR/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
	papt apt-get update -qq || log "apt update failed; using cached index"
fi
ver=$(papt apt-cache policy "$PKG" | awk '/Candidate:/ { print $2 }')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	# No index: fall back to whatever base was extracted before.
	ver=$(cat "$CACHE/base/VERSION" 2>/dev/null) || die "$PKG not found in $SUITE"
fi

if [ "$(cat "$CACHE/base/VERSION" 2>/dev/null)" = "$ver" ] &&
   git -C "$BASE_REPO" rev-parse -q --verify refs/tags/base >/dev/null; then
	echo "base: Debian $PKG $ver (cached, $(git -C "$BASE_REPO" rev-parse --short base))"
	exit 0
fi

log "downloading $PKG $ver"
debdir=$CACHE/base/deb
mkdir -p "$debdir"
(cd "$debdir" && papt apt-get download -qq "$PKG=$ver")
deb=$(ls "$debdir"/"${PKG}_${ver//:/%3a}"_*.deb | head -n1)
[ -f "$deb" ] || die "download of $PKG $ver failed"

log "extracting $deb"
rm -rf "$BASE_REPO" "$CACHE/base/x"
mkdir -p "$CACHE/base/x"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$CACHE/base/x" ./usr/src/
tar -xf "$CACHE/base/x/usr/src/$PKG.tar.xz" -C "$CACHE/base/x"
mv "$CACHE/base/x/$PKG" "$BASE_REPO"
rm -rf "$CACHE/base/x"

# Debian's packaging appends "/*" + "!/debian/" to .gitignore, which
# would hide every new file of the series from git. Drop that block: it
# is not part of the kernel tree the patches are for.
sed -i '/^# Debian packaging: ignore everything/,$d' "$BASE_REPO/.gitignore"
sed -i '${/^#$/d}' "$BASE_REPO/.gitignore"

# A deterministic commit: same package version, same commit id anywhere.
log "creating base commit"
cd "$BASE_REPO"
git init -q -b pristine
git config core.autocrlf false
# No automatic gc: after `git add` of some 80,000 loose objects, commit's
# `gc --auto` detached a full repack (pack-objects with deltas, minutes of
# CPU) that ran beside the builds of a cold `make check`. The clones of
# this repository (--shared) read loose objects as well as packed ones.
git config gc.auto 0
git config maintenance.auto false
git add -A -f .
GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	git commit -q -m "Debian $PKG $ver"
git tag -f base >/dev/null
echo "$ver" > "$CACHE/base/VERSION"
echo "base: Debian $PKG $ver ($(git rev-parse --short base))"
