#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's base initramfs: Debian's busybox-static and bash-static,
# driverctl, the test kernel's modules, our statically linked test programs
# and the guest helper library. Output: $CACHE/initramfs/base.cpio.gz.
# The per-run guest script is appended by vm.py as a second cpio archive.
source "$(dirname "$0")/lib.sh"

OUT=$CACHE/initramfs
ROOT=$OUT/root
[ -f "$KERNEL_OUT/bzImage" ] || die "no kernel in $KERNEL_OUT; run scripts/build-kernel.sh"

rm -rf "$ROOT"
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
if [ -d "$CACHE/progs" ]; then
	cp -a "$CACHE/progs/." "$ROOT/usr/bin/"
fi
cp -a "$TOP/tests/guest/lib/." "$ROOT/usr/bin/"
[ -f "$TOP/qemu/dfl-card-map.sh" ] && cp "$TOP/qemu/dfl-card-map.sh" "$ROOT/etc/dfl-card-map.sh"
cp "$TOP/tests/guest/init" "$ROOT/init"
chmod +x "$ROOT/init"

(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 > "$OUT/base.cpio.gz.tmp"
mv "$OUT/base.cpio.gz.tmp" "$OUT/base.cpio.gz"
echo "$OUT/base.cpio.gz"
