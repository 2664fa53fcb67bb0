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
Q10SUITE=trixie
NDIR=$CACHE/nested
OUT=$CACHE/initramfs/nested.cpio
SRC=$TOP/tests/nested
PROGS=$TOP/tests/progs

main() {
	mkdir -p "$NDIR/deb" "$CACHE/initramfs"
	arm64_packages
	qemu10_packages
	stamp=$(inputs | sha256sum | cut -c1-16)
	if [ -f "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "nested: $OUT (cached, $krel)"
		exit 0
	fi
	R=$NDIR/root
	rm -rf "$R"
	mkdir -p "$R/nested" "$R/usr/bin"
	pack_arm64_guests
	pack_qemu10
	pack_host_tools
	(cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) > "$OUT.tmp"
	mv "$OUT.tmp" "$OUT"
	echo "$stamp" > "$OUT.stamp"
	echo "nested: $OUT ($(du -h "$OUT" | cut -f1), arm64 guest kernel $krel)"
}

# apt for the arm64 packages of this release, and for Debian 13's QEMU,
# each with a private state; an index is refreshed at most once a day,
# and an offline run uses what it has.
papt() {
	private_apt "$NDIR/apt" \
		"deb [arch=arm64,amd64 signed-by=$KEYRING] $(debian_mirror) $SUITE main" \
		"$@" -o APT::Architecture=amd64 \
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64
}
q10apt() {
	private_apt "$NDIR/apt-$Q10SUITE" \
		"deb [arch=amd64 signed-by=$KEYRING] $(debian_mirror) $Q10SUITE main" "$@"
}
refresh_index() { # refresh_index APTDIR APTFUNC
	[ -n "$(find "$1/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ] ||
		"$2" apt-get update -qq || log "apt update ($2) failed; using the cached index"
}

# pkgs: the kernel the metapackage points to, and busybox (arm64)
arm64_packages() {
	refresh_index "$NDIR/apt" papt
	kpkg=$(papt apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-/ { print $2; exit }')
	kpkg=${kpkg%:arm64}
	[ -n "$kpkg" ] || die "no linux-image-arm64 in the $SUITE index"
	krel=${kpkg#linux-image-}
	kver=$(papt apt-cache policy "$kpkg:arm64" | awk '/Candidate:/ { print $2 }')
	pkgs=("$kpkg:arm64=$kver" "busybox-static:arm64")
}

# q10pkgs: Debian 13's qemu-system-arm and the libraries it depends on, at
# the versions of its index: the amd64 closure of its Depends, less what
# is not a library (the loader's list picks what QEMU really loads).
qemu10_packages() {
	local p v
	refresh_index "$NDIR/apt-$Q10SUITE" q10apt
	q10pkgs=()
	for p in $(q10apt apt-cache depends --recurse --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances qemu-system-arm |
		   grep -E '^(lib[a-z0-9.+-]*|zlib1g|qemu-system-arm)$' | sort -u); do
		v=$(q10apt apt-cache policy "$p" | awk '/Candidate:/ { print $2 }')
		[ -n "$v" ] && [ "$v" != "(none)" ] || die "$p: no candidate in $Q10SUITE"
		q10pkgs+=("$p=$v")
	done
	[ ${#q10pkgs[@]} -gt 1 ] || die "no qemu-system-arm in the $Q10SUITE index"
}

inputs() { # everything the archive is made of
	printf '%s\n' "${pkgs[@]}" "${q10pkgs[@]}"
	cat "$SRC"/* "$0" "$PROGS/vuart-tty.c" "$PROGS/util.h"
	qemu-system-aarch64 --version | head -n1
	dtc --version
}

# /nested: the arm64 kernel, the Linux guest's initramfs (busybox, its
# init, vuart-tty) and the bare-metal guest
pack_arm64_guests() {
	local p name deb X=$NDIR/x B=$NDIR/build G=$NDIR/guest
	log "downloading ${pkgs[*]}"
	(cd "$NDIR/deb" && papt apt-get download -qq "${pkgs[@]}" 2>&1 | grep -v 'unsandboxed' >&2 || true)
	rm -rf "$X" "$B" "$G"
	mkdir -p "$X" "$B" "$G"/{bin,proc,sys,dev,tmp}
	for p in "${pkgs[@]}"; do
		name=${p%%[:=]*}
		deb=$(ls -t "$NDIR/deb/${name}_"*.deb 2>/dev/null | head -n1)
		[ -f "$deb" ] || die "download of $p failed"
		dpkg-deb -x "$deb" "$X"
	done
	aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static -I "$PROGS" \
		-o "$B/vuart-tty" "$PROGS/vuart-tty.c"
	# the bare-metal guest: linked above the device tree QEMU puts at RAM's start
	aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib \
		-static -fno-pie -no-pie -mgeneral-regs-only -Wl,-Ttext=0x40100000 \
		-Wl,-e,_start -Wl,--build-id=none -o "$B/dfl-guest-bm" "$SRC/dfl-guest-bm.c"
	cp "$X/bin/busybox" "$G/bin/busybox"
	ln -s busybox "$G/bin/sh"
	cp "$SRC/guest-init" "$G/init"
	chmod +x "$G/init"
	cp "$B/vuart-tty" "$G/bin/"
	(cd "$G" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
		gzip -1 > "$R/nested/guest.cpio.gz"
	cp "$X/boot/vmlinuz-$krel" "$R/nested/Image.gz"
	cp "$B/dfl-guest-bm" "$R/nested/"
	echo "$krel" > "$R/nested/RELEASE"
}

# /nested/qemu10: Debian 13's qemu-system-aarch64 with its loader and every
# library it loads; /usr/bin/qemu10-system-aarch64 runs it
pack_qemu10() {
	local deb lib libs q10 X=$NDIR/x10 Q=$R/nested/qemu10
	log "downloading qemu-system-arm of $Q10SUITE with its libraries (${#q10pkgs[@]} packages)"
	rm -rf "$NDIR/deb10" "$X"
	mkdir -p "$NDIR/deb10" "$X" "$Q/lib"
	(cd "$NDIR/deb10" && q10apt apt-get download -qq "${q10pkgs[@]}" 2>&1 | grep -v 'unsandboxed' >&2 || true)
	[ "$(ls "$NDIR/deb10"/*.deb | wc -l)" = ${#q10pkgs[@]} ] || die "download of $Q10SUITE's QEMU failed"
	for deb in "$NDIR/deb10"/*.deb; do
		dpkg-deb -x "$deb" "$X"
	done
	cp "$X/usr/bin/qemu-system-aarch64" "$X/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$Q/"
	libs=$("$Q/ld-linux-x86-64.so.2" --library-path "$X/usr/lib/x86_64-linux-gnu" --list \
		"$X/usr/bin/qemu-system-aarch64") || die "$Q10SUITE's QEMU does not load"
	echo "$libs" | grep -q 'not found' && die "$Q10SUITE's QEMU misses libraries: $libs"
	for lib in $(echo "$libs" | awk '$2 == "=>" { print $3 }'); do
		cp -L "$lib" "$Q/lib/"
	done
	cat > "$R/usr/bin/qemu10-system-aarch64" <<'WRAP'
#!/bin/sh
exec /nested/qemu10/ld-linux-x86-64.so.2 --library-path /nested/qemu10/lib \
	/nested/qemu10/qemu-system-aarch64 "$@"
WRAP
	chmod +x "$R/usr/bin/qemu10-system-aarch64"
	q10=$("$Q/ld-linux-x86-64.so.2" --library-path "$Q/lib" "$Q/qemu-system-aarch64" --version |
		head -n1) || die "the packed QEMU of $Q10SUITE does not run"
	log "packed $q10 with $(ls "$Q/lib" | wc -l) libraries"
}

# Debian's qemu-system-aarch64 and dtc with every library they load, at the
# same paths (the test VM's userspace is static busybox)
pack_host_tools() {
	local bin lib
	for bin in /usr/bin/qemu-system-aarch64 /usr/bin/dtc; do
		cp "$bin" "$R/usr/bin/"
		for lib in $(ldd "$bin" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'); do
			mkdir -p "$R$(dirname "$lib")"
			cp -L "$lib" "$R$lib"
		done
	done
}

main "$@"
