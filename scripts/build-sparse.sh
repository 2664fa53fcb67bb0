#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a sparse that can check a Linux 7.3 tree (make C=1/C=2) and
# install it as $CACHE/sparse/bin/sparse; the last line printed is its path.
#
# Why: Debian 12's sparse (0.6.4) fails on __typeof_unqual__, which
# include/linux/compiler_types.h uses whenever __CHECKER__ is defined
# (USE_TYPEOF_UNQUAL). Kbuild probes for that with scripts/checker-valid.sh
# and silently turns C=1 off ("... is not available or not up to date").
# Debian sid's source package (0.6.5~rc1-2 at the time of writing) has
# typeof_unqual support upstream (parse.c typeof_unqual_op, symbol.c
# examine_typeof_unqual), so no patch of ours is needed: we fetch that
# source with a private apt state, build only the `sparse` binary and
# check it the way Kbuild does. Use it as
#   make CHECK=/var/cache/vfio-dfl/sparse/bin/sparse C=1 ...
#
# Debian's own patches are skipped: besides an --as-needed link flag they
# only pin the compiler to sid's gcc-16 (cgcc and the Makefile), which
# Debian 12 does not have. Optional tools (c2xml, semind, test-inspect,
# sparse-llvm) are disabled, so only gcc, make and libc are needed.
#
# Cached: with a working binary present this returns at once. Set
# SPARSE_REBUILD=1 to fetch and build again.
source "$(dirname "$0")/lib.sh"

PKG=sparse
SUITE=sid
SPDIR=$CACHE/sparse
BIN=$SPDIR/bin/sparse
APTDIR=$CACHE/apt-$SUITE-src
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# The property Linux >= 6.15 needs; same probe as scripts/checker-valid.sh.
sparse_ok() {
	local t out
	[ -x "$1" ] || return 1
	t=$(mktemp --suffix=.c)
	cat > "$t" <<'EOF'
static inline int u(const int *q)
{
	__typeof_unqual__(*q) v = *q;
	v++;
	return v;
}
EOF
	out=$("$1" "$t" 2>&1) || true
	rm -f "$t"
	[ -z "$out" ] || { printf '%s\n' "$out" >&2; return 1; }
}

if [ -z "${SPARSE_REBUILD:-}" ] && sparse_ok "$BIN"; then
	log "cached: $(cat "$SPDIR/VERSION" 2>/dev/null || echo unknown)"
	echo "$BIN"
	exit 0
fi

for tool in gcc make dpkg-source; do
	command -v "$tool" >/dev/null && continue
	log "installing build tools"
	apt-get install -y -qq --no-install-recommends gcc make libc6-dev dpkg-dev >&2
	break
done

mirror=$(debian_mirror)
line="deb-src [signed-by=$KEYRING] $mirror $SUITE main"
papt() { private_apt "$APTDIR" "$line" "$@"; }

if [ -z "$(find "$APTDIR/lists" -name '*Sources*' -mtime -1 2>/dev/null | head -n1)" ]; then
	papt apt-get update -qq >&2 || log "apt update failed; using cached index"
fi
ver=$(papt apt-cache showsrc "$PKG" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
[ -n "$ver" ] || die "source package $PKG not found in $SUITE"
upver=${ver#*:}
upver=${upver%-*}

srcdir=$SPDIR/src/$PKG-$upver
if [ ! -f "$srcdir/sparse.c" ]; then
	log "fetching $PKG $ver from $SUITE"
	rm -rf "$SPDIR/src"
	mkdir -p "$SPDIR/src"
	(cd "$SPDIR/src" && papt apt-get source -qq --download-only "$PKG=$ver" >&2)
	dsc=$(ls "$SPDIR/src/${PKG}_${ver#*:}.dsc") || die "download of $PKG $ver failed"
	# apt already checked every file against the signed Sources index; the
	# .dsc signature is the uploader's, whose key is not installed here.
	dpkg-source -q --no-check --skip-patches -x "$dsc" "$srcdir" >&2
fi

log "building $PKG $ver"
# SPARSE_VERSION would otherwise come from `git describe` of whatever
# repository encloses the build dir, or the stale VERSION=0.6.4 line.
make -C "$srcdir" -s -j"$JOBS" CC=gcc \
	HAVE_LLVM=no HAVE_GTK=no HAVE_SQLITE=no HAVE_LIBXML=no \
	SPARSE_VERSION="$upver (Debian $ver)" sparse >&2
mkdir -p "$SPDIR/bin"
install -m 0755 "$srcdir/sparse" "$BIN.new"
sparse_ok "$BIN.new" || die "$PKG $ver does not handle __typeof_unqual__"
mv -f "$BIN.new" "$BIN"
echo "$ver" > "$SPDIR/VERSION"
log "installed $PKG $ver ($("$BIN" --version))"
echo "$BIN"
