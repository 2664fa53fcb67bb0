#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a QEMU (Debian 12's 7.2 source package) that contains the
# emulated DFL FPGA card of qemu/dfl-card*.c, as qemu-system-x86_64 only.
#
#   scripts/build-qemu.sh [--force]
#
# Everything lives in the cache, not in the repo:
#   $CACHE/qemu-apt    private apt state (one deb-src line for bookworm)
#   $CACHE/qemu-dl     the downloaded .dsc/.orig/.debian tarballs
#   $CACHE/qemu-src    the extracted tree, Debian's patches applied
#   $CACHE/qemu-build  the build directory
#
# The model's register values come from qemu/dfl-card-map.sh: each build
# generates hw/misc/dfl-card-map.h from it (qemu/gen-dfl-card-map-h.sh),
# next to the model's copies (qemu/dfl-card.h and every qemu/dfl-card*.c,
# one file a block of the card, all in hw/misc).
#
# The source is fetched and extracted once.  The binary is rebuilt only
# when a file of the model, qemu/dfl-card-map.sh, the generator or this
# script changes (sha256 stamp); an unchanged run only checks the stamp.
# The last line of stdout is the absolute path of qemu-system-x86_64.
#
# Firmware: the dfsg source ships no ROM blobs, and the build directory
# only has a few.  Run the binary with Debian's firmware packages as
# search paths, in this order:
#   -L /usr/share/seabios       bios-256k.bin, vgabios-*.bin  (seabios)
#   -L /usr/lib/ipxe/qemu       efi-*.rom NIC option ROMs      (ipxe-qemu)
#   -L /usr/share/qemu          kvmvapic.bin, linuxboot_dma.bin, ... (qemu-system-data)
# (-L may be repeated; the first directory holding a file wins.)
# The binary has no NIC or display models (see the device list below), so
# only bios-256k.bin, kvmvapic.bin and linuxboot_dma.bin (-kernel) are used.

source "$(dirname "$0")/lib.sh"

QEMU_APT=$CACHE/qemu-apt
QEMU_DL=$CACHE/qemu-dl
QEMU_SRC=$CACHE/qemu-src
QEMU_BUILD=$CACHE/qemu-build
MODEL=("$TOP"/qemu/dfl-card.h "$TOP"/qemu/dfl-card*.c)
MAP=$TOP/qemu/dfl-card-map.sh
GEN=$TOP/qemu/gen-dfl-card-map-h.sh
BIN=$QEMU_BUILD/qemu-system-x86_64

main() {
	local force=0 f stamp
	case "${1:-}" in
	--force) force=1 ;;
	-h|--help) sed -n '3,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	"") ;;
	*) die "unknown argument '$1'" ;;
	esac
	for f in "${MODEL[@]}" "$MAP" "$GEN"; do [ -f "$f" ] || die "missing $f"; done
	# Hash of everything that determines the binary, the files' names too.
	stamp=$( { printf '%s\n' "${MODEL[@]##*/}"; cat "${MODEL[@]}" "$MAP" "$GEN" "$0"; } |
		sha256sum | cut -d' ' -f1)
	if [ "$force" = 0 ] && [ -x "$BIN" ] && [ -f "$QEMU_BUILD/.vfio-dfl-stamp" ] &&
	   [ "$(cat "$QEMU_BUILD/.vfio-dfl-stamp")" = "$stamp" ]; then
		log "up to date"
		echo "$BIN"
		exit 0
	fi
	[ -f "$QEMU_SRC/.vfio-dfl-extracted" ] || fetch_source
	add_model
	configure
	stage_begin build-qemu
	ninja -C "$QEMU_BUILD" -j "$JOBS" qemu-system-x86_64 >&2 || die "build failed"
	stage_end
	echo "$stamp" > "$QEMU_BUILD/.vfio-dfl-stamp"
	echo "$BIN"
}

# Fetch and extract Debian 12's source package, once.
fetch_source() {
	local line dsc
	stage_begin fetch-qemu-source
	line="deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) bookworm main"
	private_apt "$QEMU_APT" "$line" apt-get -q update >&2
	rm -rf "$QEMU_DL" "$QEMU_SRC" "$QEMU_SRC.tmp"
	mkdir -p "$QEMU_DL"
	(cd "$QEMU_DL" && private_apt "$QEMU_APT" "$line" apt-get -q -y \
		--download-only source qemu) >&2
	dsc=$(ls "$QEMU_DL"/qemu_*.dsc | head -n1)
	[ -f "$dsc" ] || die "no qemu .dsc downloaded"
	log "extracting $(basename "$dsc")"
	dpkg-source --no-check -x "$dsc" "$QEMU_SRC.tmp" >&2
	touch "$QEMU_SRC.tmp/.vfio-dfl-extracted"
	mv "$QEMU_SRC.tmp" "$QEMU_SRC"
	stage_end
}

# Build glue, applied idempotently: our model and the header generated
# from the register map, one meson line, and the device list below as
# configs/devices/x86_64-softmmu/vfio-dfl.mak.
# Only the devices the harness boots with (scripts/vm.py): the q35
# machine (which selects its chipset, fw_cfg, isa-serial, ...), the
# pcie-root-port the cards sit on and intel-iommu. Every other device
# model (about a fifth of the compile units: USB, display, sound, NICs,
# i440fx, microvm, ...) is left out, which shortens a cold build.
add_model() {
	local glue devices f files= mak=$QEMU_SRC/configs/devices/x86_64-softmmu/vfio-dfl.mak
	local meson=$QEMU_SRC/hw/misc/meson.build
	sh "$GEN" "$MAP" > "$QEMU_SRC/hw/misc/dfl-card-map.h.tmp" ||
		die "generating dfl-card-map.h from $MAP failed"
	mv "$QEMU_SRC/hw/misc/dfl-card-map.h.tmp" "$QEMU_SRC/hw/misc/dfl-card-map.h"
	rm -f "$QEMU_SRC"/hw/misc/dfl-card*.c
	cp "${MODEL[@]}" "$QEMU_SRC/hw/misc/"
	for f in "${MODEL[@]}"; do
		case $f in *.c) files="$files${files:+, }'${f##*/}'" ;; esac
	done
	# one line for the model's files; a line of an earlier file list goes
	glue="softmmu_ss.add(when: 'CONFIG_PCI', if_true: files($files))"
	if ! grep -qxF "$glue" "$meson"; then
		sed -i "/^softmmu_ss.add(when: 'CONFIG_PCI', if_true: files('dfl-card/d" "$meson"
		printf '%s\n' "$glue" >> "$meson"
	fi
	devices='# vfio-dfl harness (scripts/build-qemu.sh): q35, pcie-root-port, intel-iommu
CONFIG_Q35=y
CONFIG_PCIE_PORT=y
CONFIG_VTD=y'
	[ "$(cat "$mak" 2>/dev/null)" = "$devices" ] || printf '%s\n' "$devices" > "$mak"
}

# Configure once (again if the options below change). The optional
# libraries are off except libfdt (libfdt-dev; the x86 target links it
# whatever the machine list).
configure() {
	local opts optstamp
	opts=(--target-list=x86_64-softmmu --without-default-features
		--without-default-devices --with-devices-x86_64=vfio-dfl
		--disable-docs --disable-werror --disable-debug-info
		--enable-tcg --enable-fdt=system
		--disable-user --disable-tools --disable-guest-agent)
	command -v ccache >/dev/null && export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache} &&
		opts+=(--cc="ccache gcc" --cxx="ccache g++")
	optstamp=$(printf '%s\n' "${opts[@]}" | sha256sum | cut -d' ' -f1)
	[ ! -f "$QEMU_BUILD/build.ninja" ] ||
		[ "$(cat "$QEMU_BUILD/.vfio-dfl-opts" 2>/dev/null)" != "$optstamp" ] || return 0
	stage_begin configure-qemu
	rm -rf "$QEMU_BUILD"
	mkdir -p "$QEMU_BUILD"
	(cd "$QEMU_BUILD" && "$QEMU_SRC/configure" "${opts[@]}") >&2 ||
		die "configure failed"
	echo "$optstamp" > "$QEMU_BUILD/.vfio-dfl-opts"
	stage_end
}

main "$@"
