#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a guest initramfs: Debian's busybox-static and bash-static,
# driverctl, a kernel's modules, statically linked test programs, the
# guest helper library and init. The per-run guest script is appended by
# vm.py as a second cpio archive. The test guest's and the bench guest's:
#
#   scripts/mkinitramfs.sh [--out FILE] [--progs DIR]
#
# The modules are those of $KERNEL_OUT (VFIO_DFL_KERNEL_OUT, default the
# test kernel's); the programs, DIR's files in /usr/bin (default
# $CACHE/progs, scripts/build-progs.sh's, built against the test
# kernel's headers). Output: FILE, default $CACHE/initramfs/base.cpio.gz
# (the test guest's, vm.py's default --initrd); its path is printed
# last. scripts/bench.sh gives the bench kernel and its own program.
source "$(dirname "$0")/lib.sh"

OUT=$CACHE/initramfs/base.cpio.gz
PROGS=$CACHE/progs
while [ $# -gt 0 ]; do
	case $1 in
	--out|--progs)
		[ $# -ge 2 ] || die "$1 needs an argument"
		case $1 in --out) OUT=$2 ;; --progs) PROGS=$2 ;; esac
		shift 2 ;;
	-h|--help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -f "$KERNEL_OUT/bzImage" ] || die "no kernel in $KERNEL_OUT; run scripts/build-kernel.sh"

# The tree is staged beside the output, so that two builds (make check's
# and make bench's) never share one, and removed once packed.
mkdir -p "$(dirname "$OUT")"
ROOT=$(mktemp -d "$OUT.root.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
# mktemp's 0700 would become the guest's /, which a non-root user (suite
# 13) could not enter.
chmod 755 "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,guest}
cp /bin/busybox "$ROOT/bin/busybox"
cp /bin/bash-static "$ROOT/bin/bash"
cp /usr/sbin/driverctl "$ROOT/usr/sbin/driverctl"
for a in $(/bin/busybox --list); do
	case $a in busybox|bash) continue ;; esac
	ln -sf busybox "$ROOT/bin/$a"
done
# driverctl calls /sbin/modprobe.
ln -sf ../bin/busybox "$ROOT/sbin/modprobe"
cp -a "$KERNEL_OUT/modules/lib/modules/." "$ROOT/lib/modules/"
if [ -d "$PROGS" ]; then
	cp -a "$PROGS/." "$ROOT/usr/bin/"
fi
cp -a "$TOP/tests/guest/lib/." "$ROOT/usr/bin/"
[ -f "$TOP/qemu/dfl-card-map.sh" ] && cp "$TOP/qemu/dfl-card-map.sh" "$ROOT/etc/dfl-card-map.sh"
cp "$TOP/tests/guest/init" "$ROOT/init"
chmod +x "$ROOT/init"

(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$OUT"
