#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build what the nested vfio-platform test (tests/guest/10-*) needs inside
# the test VM, as an extra initramfs archive appended to that suite's boot
# only ($CACHE/initramfs/nested.cpio):
#   /usr/bin/qemu-system-aarch64 and dtc from Debian (with their libraries),
#   /nested/Image.gz      Debian 12's arm64 kernel (linux-image-*-arm64),
#   /nested/guest.cpio.gz the arm64 guest's initramfs: Debian's arm64
#                         busybox-static, tests/nested/guest-init and
#                         vuart-tty (tests/progs, static); no module,
#                         the guest's drivers are Debian's own,
#   /nested/dfl-guest-bm  a bare-metal arm64 guest for the HSSI
#                         (tests/nested/dfl-guest-bm.c),
#   /nested/qemu10/       Debian 13's qemu-system-aarch64 (QEMU 10.0, whose
#                         vfio-platform can use iommufd and the device's
#                         cdev) with Debian 13's loader and every library
#                         it loads; /usr/bin/qemu10-system-aarch64 runs it.
# The arm64 packages and Debian 13's QEMU come from Debian's archive
# through private apt states (the mirror read from the system's sources);
# nothing is installed on the host for them. Rebuilt only when an input
# changes.
source "$(dirname "$0")/lib.sh"

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SUITE=$(. /etc/os-release && echo "$VERSION_CODENAME")
NDIR=$CACHE/nested
APTDIR=$NDIR/apt
OUT=$CACHE/initramfs/nested.cpio
SRC=$TOP/tests/nested

mkdir -p "$NDIR/deb" "$CACHE/initramfs"
line="deb [arch=arm64,amd64 signed-by=$KEYRING] $(debian_mirror) $SUITE main"
papt() {
	private_apt "$APTDIR" "$line" "$@" -o APT::Architecture=amd64 \
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64
}
# Refresh the index at most once a day; an offline run uses what it has.
if [ -z "$(find "$APTDIR/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
	papt apt-get update -qq || log "apt update failed; using cached index"
fi
# The kernel the metapackage points to, and the packages built with it.
kpkg=$(papt apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-/ { print $2; exit }')
kpkg=${kpkg%:arm64}
[ -n "$kpkg" ] || die "no linux-image-arm64 in the $SUITE index"
krel=${kpkg#linux-image-}
kver=$(papt apt-cache policy "$kpkg:arm64" | awk '/Candidate:/ { print $2 }')
pkgs=("$kpkg:arm64=$kver" "busybox-static:arm64")
PROGS=$TOP/tests/progs

# Debian 13's qemu-system-arm and the libraries it depends on, at the
# versions of its index: the amd64 closure of its Depends, less what is
# not a library (the loader's list below picks what QEMU really loads).
Q10SUITE=trixie
Q10APT=$NDIR/apt-$Q10SUITE
q10line="deb [arch=amd64 signed-by=$KEYRING] $(debian_mirror) $Q10SUITE main"
q10apt() { private_apt "$Q10APT" "$q10line" "$@"; }
if [ -z "$(find "$Q10APT/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
	q10apt apt-get update -qq || log "apt update ($Q10SUITE) failed; using cached index"
fi
q10pkgs=()
for p in $(q10apt apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances qemu-system-arm |
	   grep -E '^(lib[a-z0-9.+-]*|zlib1g|qemu-system-arm)$' | sort -u); do
	v=$(q10apt apt-cache policy "$p" | awk '/Candidate:/ { print $2 }')
	[ -n "$v" ] && [ "$v" != "(none)" ] || die "$p: no candidate in $Q10SUITE"
	q10pkgs+=("$p=$v")
done
[ ${#q10pkgs[@]} -gt 1 ] || die "no qemu-system-arm in the $Q10SUITE index"

stamp=$( { printf '%s\n' "${pkgs[@]}" "${q10pkgs[@]}";
	   cat "$SRC"/* "$0" "$PROGS/vuart-tty.c" "$PROGS/util.h";
	   qemu-system-aarch64 --version | head -n1; dtc --version; } | sha256sum | cut -c1-16)
if [ -f "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "nested: $OUT (cached, $krel)"
	exit 0
fi

log "downloading ${pkgs[*]}"
(cd "$NDIR/deb" && papt apt-get download -qq "${pkgs[@]}" 2>&1 | grep -v 'unsandboxed' >&2 || true)
X=$NDIR/x
rm -rf "$X" "$NDIR/root" "$NDIR/guest"
mkdir -p "$X"
for p in "${pkgs[@]}"; do
	name=${p%%[:=]*}
	deb=$(ls -t "$NDIR/deb/${name}_"*.deb 2>/dev/null | head -n1)
	[ -f "$deb" ] || die "download of $p failed"
	dpkg-deb -x "$deb" "$X"
done
B=$NDIR/build
rm -rf "$B"
mkdir -p "$B"
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static -I "$PROGS" \
	-o "$B/vuart-tty" "$PROGS/vuart-tty.c"
# the bare-metal guest: linked above the device tree QEMU puts at RAM's start
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-static -fno-pie -no-pie -mgeneral-regs-only -Wl,-Ttext=0x40100000 \
	-Wl,-e,_start -Wl,--build-id=none -o "$B/dfl-guest-bm" "$SRC/dfl-guest-bm.c"

G=$NDIR/guest
mkdir -p "$G"/{bin,proc,sys,dev,tmp}
cp "$X/bin/busybox" "$G/bin/busybox"
ln -s busybox "$G/bin/sh"
cp "$SRC/guest-init" "$G/init"
chmod +x "$G/init"
cp "$B/vuart-tty" "$G/bin/"

log "downloading qemu-system-arm of $Q10SUITE with its libraries (${#q10pkgs[@]} packages)"
rm -rf "$NDIR/deb10" "$NDIR/x10"
mkdir -p "$NDIR/deb10" "$NDIR/x10"
(cd "$NDIR/deb10" && q10apt apt-get download -qq "${q10pkgs[@]}" 2>&1 | grep -v 'unsandboxed' >&2 || true)
[ "$(ls "$NDIR/deb10"/*.deb | wc -l)" = ${#q10pkgs[@]} ] || die "download of $Q10SUITE's QEMU failed"
for deb in "$NDIR/deb10"/*.deb; do
	dpkg-deb -x "$deb" "$NDIR/x10"
done

R=$NDIR/root
mkdir -p "$R/nested/qemu10/lib" "$R/usr/bin"
ld10=$NDIR/x10/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
cp "$NDIR/x10/usr/bin/qemu-system-aarch64" "$ld10" "$R/nested/qemu10/"
libs=$("$ld10" --library-path "$NDIR/x10/usr/lib/x86_64-linux-gnu" --list \
	"$NDIR/x10/usr/bin/qemu-system-aarch64") || die "$Q10SUITE's QEMU does not load"
echo "$libs" | grep -q 'not found' && die "$Q10SUITE's QEMU misses libraries: $libs"
for lib in $(echo "$libs" | awk '$2 == "=>" { print $3 }'); do
	cp -L "$lib" "$R/nested/qemu10/lib/"
done
cat > "$R/usr/bin/qemu10-system-aarch64" <<'WRAP'
#!/bin/sh
exec /nested/qemu10/ld-linux-x86-64.so.2 --library-path /nested/qemu10/lib \
	/nested/qemu10/qemu-system-aarch64 "$@"
WRAP
chmod +x "$R/usr/bin/qemu10-system-aarch64"
q10=$("$R/nested/qemu10/ld-linux-x86-64.so.2" --library-path "$R/nested/qemu10/lib" \
	"$R/nested/qemu10/qemu-system-aarch64" --version | head -n1) ||
	die "the packed QEMU of $Q10SUITE does not run"
log "packed $q10 with $(ls "$R/nested/qemu10/lib" | wc -l) libraries"
(cd "$G" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 > "$R/nested/guest.cpio.gz"
cp "$X/boot/vmlinuz-$krel" "$R/nested/Image.gz"
cp "$B/dfl-guest-bm" "$R/nested/"
echo "$krel" > "$R/nested/RELEASE"
# Debian's qemu-system-aarch64 and dtc with every library they load, at the
# same paths (the test VM's userspace is static busybox).
for bin in /usr/bin/qemu-system-aarch64 /usr/bin/dtc; do
	cp "$bin" "$R/usr/bin/"
	for lib in $(ldd "$bin" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'); do
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	done
done
(cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$stamp" > "$OUT.stamp"
echo "nested: $OUT ($(du -h "$OUT" | cut -f1), arm64 guest kernel $krel)"
