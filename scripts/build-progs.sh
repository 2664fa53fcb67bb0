#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's test programs statically: tests/progs/*.c against the
# test kernel's exported uapi headers, and the series' kselftests
# (tools/testing/selftests/vfio-dfl) from the work tree. Output: $CACHE/progs.
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
st=$WORKTREE/tools/testing/selftests/vfio-dfl
if [ -f "$st/Makefile" ]; then
	mkdir -p "$OUT/selftests"
	make -C "$st" OUTPUT="$OUT/selftests" CC=gcc \
		KHDR_INCLUDES="-isystem $HDR" LDFLAGS=-static
	n=$((n + 1))
fi
echo "progs: $n built into $OUT"
