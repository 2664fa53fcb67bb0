#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build everything (idempotent, cached) and boot the VM with
# the DFL card model to show the kernel's dfl and vfio state.
source "$(dirname "$0")/lib.sh"

"$TOP/scripts/install-deps.sh"
"$TOP/scripts/fetch-base.sh"
"$TOP/scripts/worktree.sh"
"$TOP/scripts/build-kernel.sh"
QEMU=$("$TOP/scripts/build-qemu.sh" | tail -n1)
"$TOP/scripts/build-progs.sh"
"$TOP/scripts/mkinitramfs.sh" >/dev/null
exec "$TOP/scripts/vm.py" --qemu "$QEMU" "$TOP/tests/guest/demo.sh"
