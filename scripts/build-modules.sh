#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make modules: the series' FPGA side as modules for Debian's stock
# kernel, whose configuration builds no FPGA driver at all, and the DKMS
# package a card owner installs with one command:
#
#   $CACHE/stock/vfio-dfl-dkms_<version>_all.deb
#   $CACHE/stock/modules/*.ko           (built against the stock headers)
#   $CACHE/stock/kernel/bzImage, modules/  the stock kernel, and the
#                                       modules its guest loads
#   $CACHE/stock/initramfs.cpio.gz      that guest (suite s4-stock-kernel)
#
# The build runs in a Debian 13 (trixie) chroot, $CACHE/stock/trixie,
# made once with debootstrap from the system's own mirror: the headers
# package's kbuild programs are trixie's (its glibc), and the kernel was
# built with trixie's gcc-14. There, linux-headers-<abi>-amd64 of the
# same version as the base source is installed, the modules are built
# with `make M=` against it, and the package is installed so that `dkms
# build` runs on its source as a tester's machine runs it. Idempotent:
# the chroot is remade only when the kernel version changes.
#
#   scripts/build-modules.sh [--no-guest | --guest-only]
#
# make check runs it in two steps: the build beside the kernel's
# (--no-guest: it needs linux/ and the network, not the test programs),
# the guest once the programs are built (--guest-only).
source "$(dirname "$0")/lib.sh"

STEPS=all
case ${1:-} in
--no-guest) STEPS=build ;;
--guest-only) STEPS=guest ;;
'') ;;
*) die "unknown argument '$1'" ;;
esac

STOCK=$CACHE/stock
ROOT=$STOCK/trixie
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# The branch of the last series: everything the package carries
BRANCH=$(basename "$(ls -d "$TOP"/series/*/ | tail -n1)")
# The series' version (its subject prefix, "... v4") is the package's
VERSION=$(sed -n 's/^# prefix: .*v\([0-9][0-9]*\)$/\1.0/p' "$TOP/series/$BRANCH/series")
[ -n "$VERSION" ] || die "no version in series/$BRANCH/series's prefix line"
PKG=vfio-dfl
SRCDIR=/usr/src/$PKG-$VERSION

# What the package builds: the configuration given on make's command
# line, and each module's place in the tree. Left out: dfl-n3000-nios
# (it needs the N3000 BMC's SPI and regmap drivers, which Debian does
# not build either), the emif and hwmon sub-drivers of other trees, the
# KUnit tests (Debian's kernel has no KUnit).
CONFIGS=(FPGA FPGA_BRIDGE FPGA_REGION FPGA_DFL FPGA_DFL_FME FPGA_DFL_FME_MGR
	 FPGA_DFL_FME_BRIDGE FPGA_DFL_FME_REGION FPGA_DFL_AFU FPGA_DFL_PCI
	 VFIO_DFL UIO_DFL SERIAL_8250_DFL)
MODULES=(drivers/fpga/fpga-mgr drivers/fpga/fpga-bridge drivers/fpga/fpga-region
	 drivers/fpga/dfl drivers/fpga/dfl-pci drivers/fpga/dfl-fme
	 drivers/fpga/dfl-fme-mgr drivers/fpga/dfl-fme-br drivers/fpga/dfl-fme-region
	 drivers/fpga/dfl-afu drivers/fpga/vfio-dfl/vfio-dfl
	 drivers/uio/uio_dfl drivers/tty/serial/8250/8250_dfl)
# Sources: what the Makefiles above name, from the series' tree
SOURCES='^drivers/fpga/(Makefile|fpga-(mgr|bridge|region)\.c|dfl[^/]*\.[ch]|vfio-dfl/(Makefile|[^/]*\.[ch]))$'
EXTRA=(drivers/uio/uio_dfl.c drivers/tty/serial/8250/8250_dfl.c
       include/linux/dfl.h include/linux/device-id/dfl.h include/uapi/linux/vfio.h)
# Stock modules the guest needs besides our modules' dependencies: the
# legacy group path's IOMMU backend, which VFIO loads on demand.
GUEST_EXTRA=(vfio_iommu_type1)

make_args() { local c; for c in "${CONFIGS[@]}"; do printf 'CONFIG_%s=m ' "$c"; done; }
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

# --- the trixie chroot with the stock kernel's headers --------------------
trixie_root() {
	local mirror base_ver abi stamp
	mirror=$(debian_mirror)
	base_ver=$(cat "$CACHE/base/VERSION") || die "no base; run scripts/fetch-base.sh"
	stamp="$mirror $base_ver"
	if [ "$(cat "$ROOT.ok" 2>/dev/null)" = "$stamp" ]; then
		ABI=$(cat "$ROOT.abi")
		return
	fi
	log "making the trixie chroot for Debian's $base_ver kernel"
	rm -rf "$ROOT" "$ROOT.ok"
	debootstrap --variant=minbase --keyring="$KEYRING" \
		--include=make,gcc,libc6-dev,dkms,kmod,xz-utils,dpkg-dev \
		trixie "$ROOT" "$mirror" > "$STOCK/debootstrap.log" 2>&1 ||
		die "debootstrap failed (see $STOCK/debootstrap.log)"
	echo "deb [signed-by=$KEYRING] $mirror trixie-backports main" \
		> "$ROOT/etc/apt/sources.list.d/backports.list"
	cp "$KEYRING" "$ROOT$KEYRING"
	in_root apt-get update -qq || die "apt-get update in the chroot failed"
	# The headers package of exactly the base's version
	abi=
	for p in $(in_root apt-cache search --names-only '^linux-headers-[0-9].*-amd64$' |
		   awk '{ print $1 }'); do
		if [ "$(in_root apt-cache policy "$p" | awk '/Candidate:/ { print $2 }')" = "$base_ver" ]; then
			abi=${p#linux-headers-}
			break
		fi
	done
	[ -n "$abi" ] || die "no linux-headers-*-amd64 of version $base_ver in trixie-backports"
	in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "linux-headers-$abi" > "$STOCK/headers.log" 2>&1 ||
		die "installing linux-headers-$abi failed (see $STOCK/headers.log)"
	echo "$abi" > "$ROOT.abi"
	echo "$stamp" > "$ROOT.ok"
	ABI=$abi
}

# --- the package's source tree --------------------------------------------
stage_source() { # stage_source DIR
	local dir=$1 m i=0
	rm -rf "$dir"
	mkdir -p "$dir"
	git -C "$TOP/linux" rev-parse -q --verify "$BRANCH" >/dev/null ||
		die "no branch $BRANCH in linux/; run scripts/worktree.sh"
	git -C "$TOP/linux" archive "$BRANCH" -- \
		$(git -C "$TOP/linux" ls-tree -r --name-only "$BRANCH" drivers/fpga | grep -E "$SOURCES") \
		"${EXTRA[@]}" | tar -x -C "$dir"
	cp "$TOP/modules/Kbuild" "$dir/Kbuild"
	{
		echo "# dkms.conf of $PKG $VERSION, made by scripts/build-modules.sh"
		echo "PACKAGE_NAME=\"$PKG\""
		echo "PACKAGE_VERSION=\"$VERSION\""
		echo "MAKE[0]=\"make -C \${kernel_source_dir} M=\${dkms_tree}/\${PACKAGE_NAME}/\${PACKAGE_VERSION}/build $(make_args)modules\""
		echo "CLEAN=\"make -C \${kernel_source_dir} M=\${dkms_tree}/\${PACKAGE_NAME}/\${PACKAGE_VERSION}/build clean\""
		for m in "${MODULES[@]}"; do
			echo "BUILT_MODULE_NAME[$i]=\"${m##*/}\""
			echo "BUILT_MODULE_LOCATION[$i]=\"${m%/*}/\""
			echo "DEST_MODULE_LOCATION[$i]=\"/updates/dkms\""
			i=$((i + 1))
		done
		echo "AUTOINSTALL=\"yes\""
	} > "$dir/dkms.conf"
}

# --- the modules, built against the headers -------------------------------
build_modules() {
	local b=$ROOT/build/$PKG m missing=()
	stage_source "$b"
	in_root make -C "/lib/modules/$ABI/build" M="/build/$PKG" -j"$(nproc)" \
		$(make_args) modules > "$STOCK/build.log" 2>&1 ||
		die "the module build failed (see $STOCK/build.log)"
	# modpost lists each symbol no module nor the kernel exports
	if grep -E 'WARNING: modpost: .*undefined' "$STOCK/build.log"; then
		die "unresolved symbols (see $STOCK/build.log)"
	fi
	rm -rf "$STOCK/modules"
	mkdir -p "$STOCK/modules"
	for m in "${MODULES[@]}"; do
		if [ -f "$b/$m.ko" ]; then cp "$b/$m.ko" "$STOCK/modules/"; else missing+=("$m"); fi
	done
	[ ${#missing[@]} -eq 0 ] || die "not built: ${missing[*]}"
	[ "$(find "$b" -name '*.ko' | wc -l)" = ${#MODULES[@]} ] ||
		die "built modules other than the package's: $(find "$b" -name '*.ko')"
	echo "modules: ${#MODULES[@]} built against linux-headers-$ABI"
}

# --- the DKMS package, and dkms build on it -------------------------------
build_package() {
	local p=$STOCK/pkg deb=$STOCK/${PKG}-dkms_${VERSION}_all.deb
	rm -rf "$p"
	stage_source "$p$SRCDIR"
	mkdir -p "$p/DEBIAN"
	sed "s/@VERSION@/$VERSION/g" "$TOP/modules/debian/control" > "$p/DEBIAN/control"
	for s in postinst prerm; do
		sed "s/@VERSION@/$VERSION/g" "$TOP/modules/debian/$s" > "$p/DEBIAN/$s"
		chmod 755 "$p/DEBIAN/$s"
	done
	dpkg-deb --root-owner-group -Zxz --build "$p" "$deb" > /dev/null ||
		die "dpkg-deb failed"
	echo "package: $deb"
}

dkms_check() {
	local deb=${PKG}-dkms_${VERSION}_all.deb m
	cp "$STOCK/$deb" "$ROOT/tmp/$deb"
	in_root dpkg -r "$PKG-dkms" > /dev/null 2>&1 || true
	in_root dpkg -i "/tmp/$deb" > "$STOCK/dkms.log" 2>&1 ||
		die "installing the package failed (see $STOCK/dkms.log)"
	in_root dkms build -m "$PKG" -v "$VERSION" -k "$ABI" --force >> "$STOCK/dkms.log" 2>&1 ||
		die "dkms build failed (see $STOCK/dkms.log)"
	in_root dkms install -m "$PKG" -v "$VERSION" -k "$ABI" --force >> "$STOCK/dkms.log" 2>&1 ||
		die "dkms install failed (see $STOCK/dkms.log)"
	for m in "${MODULES[@]}"; do
		ls "$ROOT/lib/modules/$ABI/updates/dkms/${m##*/}.ko"* > /dev/null 2>&1 ||
			die "dkms did not install ${m##*/} under updates/dkms (see $STOCK/dkms.log)"
	done
	in_root dpkg -r "$PKG-dkms" >> "$STOCK/dkms.log" 2>&1 ||
		die "removing the package failed (see $STOCK/dkms.log)"
	[ -z "$(ls "$ROOT/lib/modules/$ABI/updates/dkms/" 2>/dev/null)" ] ||
		die "removing the package left modules in updates/dkms"
	echo "dkms: built and installed ${#MODULES[@]} modules under updates/dkms, removed again"
}

# --- the stock kernel and the guest's initramfs ---------------------------
stock_guest() {
	local img=$STOCK/image kout=$STOCK/kernel mdir want deps m f
	local kmods=$img/usr/lib/modules/$ABI	# merged /usr: vmlinuz and modules
	# linux-image-ABI is Debian's kernel: the image and the modules are
	# in the packages it depends on, linux-binary-ABI and linux-modules-ABI
	if [ ! -f "$kmods/vmlinuz" ]; then
		rm -rf "$img" "$STOCK"/linux-*.deb && mkdir -p "$img"
		in_root sh -c "cd /tmp && apt-get download -qq linux-image-$ABI linux-binary-$ABI linux-modules-$ABI" ||
			die "downloading linux-image-$ABI failed"
		mv "$ROOT"/tmp/linux-*"$ABI"_*.deb "$STOCK/"
		for f in "$STOCK"/linux-*"$ABI"_*.deb; do dpkg-deb -x "$f" "$img"; done
		[ -f "$kmods/vmlinuz" ] || die "no /usr/lib/modules/$ABI/vmlinuz in linux-image-$ABI's packages"
	fi
	rm -rf "$kout"
	mdir=$kout/modules/lib/modules/$ABI
	mkdir -p "$mdir/kernel" "$mdir/updates"
	cp "$kmods/vmlinuz" "$kout/bzImage"
	# Debian ships no modules.dep (the package's postinst runs depmod),
	# nor the lists depmod reads besides the modules: empty ones, here
	# and in the guest, which loads no built-in by name
	touch "$kmods"/modules.{order,builtin,builtin.modinfo} "$mdir"/modules.{order,builtin,builtin.modinfo}
	[ -f "$kmods/modules.dep" ] || depmod -b "$img/usr" "$ABI" ||
		die "depmod on linux-modules-$ABI failed"
	cp "$STOCK"/modules/*.ko "$mdir/updates/"
	# the stock modules ours depend on, and what those depend on
	want=$(for f in "$STOCK"/modules/*.ko; do modinfo -F depends "$f"; done | tr ',' '\n')
	want="$want ${GUEST_EXTRA[*]}"
	deps=$(for m in $want; do
		[ -f "$STOCK/modules/$m.ko" ] && continue
		awk -v m="$m" -F: '{ n = $1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n);
			gsub(/-/, "_", n); mm = m; gsub(/-/, "_", mm)
			if (n == mm) { print $1; print $2 } }' "$kmods/modules.dep"
	done | tr ' ' '\n' | sed '/^$/d' | sort -u)
	for f in $deps; do
		mkdir -p "$mdir/$(dirname "$f")"
		case $f in
		*.xz) xz -dc "$kmods/$f" > "$mdir/${f%.xz}" ;;
		*) cp "$kmods/$f" "$mdir/$f" ;;
		esac
	done
	depmod -b "$kout/modules" "$ABI" || die "depmod failed"
	VFIO_DFL_KERNEL_OUT=$kout "$TOP/scripts/mkinitramfs.sh" --out "$STOCK/initramfs.cpio.gz" > /dev/null
	echo "guest: linux-image-$ABI, $(find "$mdir/kernel" -name '*.ko' | wc -l) stock modules, ${#MODULES[@]} of ours"
}

# The key of a build: the package's source as staged, this script, the
# packaging files and the kernel; a warm run with the same key reuses the
# modules, the package and the dkms check.
build_key() {
	stage_source "$STOCK/src"
	{
		(cd "$STOCK/src" && find . -type f | LC_ALL=C sort | xargs sha256sum)
		cat "$0" "$TOP"/modules/debian/*	# contents: not where the clone is
		echo "$ABI"
	} | sha256sum | cut -d' ' -f1
}

mkdir -p "$STOCK"
trixie_root
if [ $STEPS = guest ]; then
	[ -f "$STOCK/build.key" ] || die "no modules built; run scripts/build-modules.sh"
	stock_guest
	exit 0
fi
key=$(build_key)
if [ "$(cat "$STOCK/build.key" 2>/dev/null)" = "$key" ] &&
   [ -f "$STOCK/${PKG}-dkms_${VERSION}_all.deb" ]; then
	echo "modules, package, dkms: unchanged, reused ($STOCK/${PKG}-dkms_${VERSION}_all.deb)"
else
	rm -f "$STOCK/build.key"
	# objtool and dkms read /proc
	mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
	trap 'umount "$ROOT/proc" 2>/dev/null || true' EXIT
	build_modules
	build_package
	dkms_check
	echo "$key" > "$STOCK/build.key"
fi
[ $STEPS = build ] || stock_guest
