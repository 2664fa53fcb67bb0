#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's test programs statically: tests/progs/*.c against the
# test kernel's exported uapi headers, the series' kselftest
# (tools/testing/selftests/vfio/vfio_dfl_test) from the work tree and the
# harness's uAPI tests (tests/uapi). Output: $CACHE/progs.
source "$(dirname "$0")/lib.sh"

OUT=$CACHE/progs
HDR=$KERNEL_OUT/headers/include
[ -d "$HDR" ] || die "no kernel headers in $HDR; run scripts/build-kernel.sh"
rm -rf "$OUT"
mkdir -p "$OUT"
CFLAGS=(-O2 -g0 -Wall -Wextra -Werror -static -isystem "$HDR" -I "$TOP/tests/progs")
n=0
for c in "$TOP"/tests/progs/*.c; do
	[ -e "$c" ] || continue
	gcc "${CFLAGS[@]}" -o "$OUT/$(basename "$c" .c)" "$c"
	n=$((n + 1))
done
# The series' selftest (tools/testing/selftests/vfio/vfio_dfl_test, on
# libvfio), by the kselftest Makefile, and the harness's own uAPI tests
# (tests/uapi/: the v2 selftests, kept out of the series; they use the
# work tree's kselftest_harness.h).
mkdir -p "$OUT/selftests"
st=$WORKTREE/tools/testing/selftests/vfio
[ -f "$st/vfio_dfl_test.c" ] || die "no $st/vfio_dfl_test.c in the work tree"
kst=$(mktemp -d)
make -s -C "$st" OUTPUT="$kst" CC=gcc \
	KHDR_INCLUDES="-isystem $HDR" LDFLAGS=-static "$kst/vfio_dfl_test"
install -m 0755 "$kst/vfio_dfl_test" "$OUT/selftests/"
rm -rf "$kst"
n=$((n + 1))
for c in "$TOP"/tests/uapi/*.c; do
	gcc -O2 -g0 -Wall -Wno-format-truncation -Werror -static -isystem "$HDR" \
		-I "$WORKTREE/tools/testing/selftests" -I "$TOP/tests/uapi" \
		-o "$OUT/selftests/$(basename "$c" .c)" "$c" -lpthread
	n=$((n + 1))
done
# The vfio-platform script that dfl.rst's QEMU part points to, run by
# tests/guest/10-qemu-vfio-platform.sh as vfio-dfl-qemu.
sh -n "$TOP/tools/vfio-dfl-qemu" || die "tools/vfio-dfl-qemu does not parse"
install -m 0755 "$TOP/tools/vfio-dfl-qemu" "$OUT/vfio-dfl-qemu"
n=$((n + 1))
echo "progs: $n built into $OUT"
