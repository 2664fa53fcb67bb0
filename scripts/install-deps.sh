#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages the project needs. Idempotent; run as root.
# (uuid-dev: libvfio, the library of tools/testing/selftests/vfio, links libuuid;
# lcov: make coverage; debootstrap: make modules' Debian 13 chroot.)
source "$(dirname "$0")/lib.sh"

PKGS=(build-essential flex bison bc cpio kmod libelf-dev libssl-dev
      sparse ccache python3 python3-ply python3-git rsync xz-utils zstd dpkg-dev git
      busybox-static bash-static driverctl
      qemu-system-x86 qemu-utils seabios ipxe-qemu
      ninja-build meson pkg-config libglib2.0-dev libpixman-1-dev libslirp-dev
      libfdt-dev zlib1g-dev
      gcc-aarch64-linux-gnu python3-sphinx python3-yaml
      qemu-system-arm device-tree-compiler libc6-dev-arm64-cross
      procps util-linux uuid-dev
      lcov debootstrap)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	log "all ${#PKGS[@]} packages present"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
log "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
