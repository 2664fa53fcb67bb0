#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's test programs statically: tests/progs/*.c against the
# test kernel's exported uapi headers (those on the kselftest harness, as
# vfio-dfl-open, into selftests/ beside the others), and from the work
# tree the series' kselftest (tools/testing/selftests/vfio/vfio_dfl_test)
# and upstream's vfio_iommufd_setup_test, which the series lets name a
# device of any bus. Output: $CACHE/progs.
source "$(dirname "$0")/lib.sh"

OUT=$CACHE/progs
HDR=$KERNEL_OUT/headers/include
[ -d "$HDR" ] || die "no kernel headers in $HDR; run scripts/build-kernel.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
CFLAGS=(-O2 -g0 -Wall -Wextra -Werror -static -isystem "$HDR" -I "$TOP/tests/progs")
# The kselftest harness's fixtures take arguments a test may not use.
KSFT=(-I "$WORKTREE/tools/testing/selftests" -Wno-unused-parameter)
mkdir -p "$OUT/selftests"
n=0
for c in "$TOP"/tests/progs/*.c; do
	[ -e "$c" ] || continue
	if grep -q '^#include "kselftest_harness.h"' "$c"; then
		gcc "${CFLAGS[@]}" "${KSFT[@]}" -o "$OUT/selftests/$(basename "$c" .c)" "$c"
	else
		gcc "${CFLAGS[@]}" -o "$OUT/$(basename "$c" .c)" "$c"
	fi
	n=$((n + 1))
done
# The work tree's VFIO selftests, on libvfio, by the kselftest Makefile.
st=$WORKTREE/tools/testing/selftests/vfio
[ -f "$st/vfio_dfl_test.c" ] || die "no $st/vfio_dfl_test.c in the work tree"
kst=$(mktemp -d)
for t in vfio_dfl_test vfio_iommufd_setup_test; do
	make -s -C "$st" OUTPUT="$kst" CC=gcc \
		KHDR_INCLUDES="-isystem $HDR" LDFLAGS=-static "$kst/$t"
	install -m 0755 "$kst/$t" "$OUT/selftests/"
	n=$((n + 1))
done
rm -rf "$kst"
# The vfio-platform script that dfl.rst's QEMU part points to, run by
# tests/guest/10-qemu-vfio-platform.sh as vfio-dfl-qemu.
sh -n "$TOP/tools/vfio-dfl-qemu" || die "tools/vfio-dfl-qemu does not parse"
install -m 0755 "$TOP/tools/vfio-dfl-qemu" "$OUT/vfio-dfl-qemu"
n=$((n + 1))
echo "progs: $n built into $OUT"
