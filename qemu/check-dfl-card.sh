#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest-less self-check of the emulated DFL card: runs QEMU with the qtest
# accelerator, programs the card's BARs through config space (0xcf8/0xcfc)
# and compares BAR0 with qemu/dfl-card-map.sh, then exercises the scratch,
# port reset, doorbell and IRQ_STATUS registers.
#
#   qemu/check-dfl-card.sh [QEMU_BINARY]
#
# Default binary: the one scripts/build-qemu.sh builds.  Exit 0 = all ok.

set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=dfl-card-map.sh
. "$HERE/dfl-card-map.sh"
QEMU=${1:-$("$HERE/../scripts/build-qemu.sh" | tail -n1)}

BAR0=0xe0000000
BAR2=0xe0100000
SLOT=5                          # -device dfl-card,addr=5 on pcie.0
fails=0 checks=0

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkfifo "$TMP/in" "$TMP/out"
"$QEMU" -machine q35 -accel qtest -qtest stdio -display none -nodefaults \
	-L /usr/share/seabios -L /usr/share/qemu \
	-device dfl-card,addr=$SLOT <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
QPID=$!
trap 'kill "$QPID" 2>/dev/null || true; rm -rf "$TMP"' EXIT
exec 3>"$TMP/in" 4<"$TMP/out"

qt() {  # send one qtest command, print the value of its "OK [value]" reply
	local reply
	echo "$*" >&3
	while read -r reply <&4; do
		case $reply in
		OK*) echo "${reply#OK}" | tr -d ' '; return 0 ;;
		FAIL*) echo "qtest: $* -> $reply" >&2; return 1 ;;
		esac
	done
	echo "qtest: QEMU went away:" >&2
	cat "$TMP/err" >&2
	exit 2
}

check() {  # what expected actual
	checks=$((checks + 1))
	if [ $(($2)) -ne $(($3)) ]; then
		printf 'FAIL %s: expected %#x, got %#x\n' "$1" $(($2)) $(($3))
		fails=$((fails + 1))
	fi
}

cfg() {  # cfg OFFSET [VALUE]: config space dword of the card
	qt outl 0xcf8 $((0x80000000 | (SLOT << 11) | $1)) >/dev/null
	if [ $# -eq 2 ]; then qt outl 0xcfc "$2" >/dev/null; else qt inl 0xcfc; fi
}
rq() { qt readq $((BAR0 + $1)); }
wq() { qt writeq $((BAR0 + $1)) "$2" >/dev/null; }

# Config space and BARs
id=$(cfg 0)
check "vendor" "$DFL_VENDOR" $((id & 0xffff))
check "device" "$DFL_DEVICE" $((id >> 16))
check "class" "$DFL_CLASS" $(($(cfg 8) >> 8))
cfg 0x10 0xffffffff; check "BAR0 size" "$DFL_BAR0_SIZE" $(( (~($(cfg 0x10) & ~0xf) + 1) & 0xffffffff ))
check "BAR0 64-bit" 0x4 $(($(cfg 0x10) & 0x6))
cfg 0x18 0xffffffff; check "BAR2 size" "$DFL_MSIX_BAR_SIZE" $(( (~($(cfg 0x18) & ~0xf) + 1) & 0xffffffff ))
cfg 0x10 $BAR0; cfg 0x14 0; cfg 0x18 $BAR2; cfg 0x1c 0
cfg 0x04 0x6                    # memory space + bus master

# FIU headers, AFU
check "FME DFH" "$DFL_FME_HDR_DFH" "$(rq $DFL_FME_HDR_OFST)"
check "FME GUID_L" "$DFL_FME_GUID_L" "$(rq 0x8)"
check "FME GUID_H" "$DFL_FME_GUID_H" "$(rq 0x10)"
check "FME NEXT_AFU" 0 "$(rq 0x18)"
check "FME CAP" "$DFL_FME_CAP" "$(rq 0x30)"
check "FME PORT_OFST0" "$DFL_FME_PORT_OFST0" "$(rq 0x38)"
for p in 1 2 3; do check "FME PORT_OFST$p" 0 "$(rq $((0x38 + 8 * p)))"; done
check "FME BITSTREAM_ID" "$DFL_FME_BITSTREAM_ID" "$(rq 0x60)"
check "FME BITSTREAM_MD" "$DFL_FME_BITSTREAM_MD" "$(rq 0x68)"
check "PORT DFH" "$DFL_PORT_HDR_DFH" "$(rq $DFL_PORT_HDR_OFST)"
check "PORT GUID_L" "$DFL_PORT_GUID_L" "$(rq $((DFL_PORT_HDR_OFST + 8)))"
check "PORT GUID_H" "$DFL_PORT_GUID_H" "$(rq $((DFL_PORT_HDR_OFST + 0x10)))"
check "PORT NEXT_AFU" "$DFL_PORT_NEXT_AFU" "$(rq $((DFL_PORT_HDR_OFST + 0x18)))"
check "PORT CAP" "$DFL_PORT_CAP" "$(rq $((DFL_PORT_HDR_OFST + 0x30)))"
check "AFU DFH" "$DFL_AFU_DFH" "$(rq $DFL_AFU_OFST)"
check "AFU GUID_L" "$DFL_AFU_GUID_L" "$(rq $((DFL_AFU_OFST + 8)))"
check "AFU GUID_H" "$DFL_AFU_GUID_H" "$(rq $((DFL_AFU_OFST + 0x10)))"

# Walk both lists like parse_feature_list() and compare with the map.
walk() {  # walk START: print "offset:dfh" of each private feature
	local o=$1 v next
	while :; do
		v=$(rq "$o")
		[ $(( (v >> 60) & 0xf )) -eq 3 ] && printf '%#x:%#x\n' "$o" "$v"
		next=$(( (v >> 16) & 0xffffff ))
		[ $(( (v >> 40) & 1 )) -eq 1 ] || [ $next -eq 0 ] && break
		o=$((o + next))
	done
}
walked=$( { walk 0; walk $(( DFL_FME_PORT_OFST0 & 0xffffff )); } )
n=0
for f in $DFL_FEATURES; do
	IFS=: read -r fiu fid rev off size dfh ver nirq scratch <<<"$f"
	n=$((n + 1))
	w=$(sed -n "${n}p" <<<"$walked")
	check "feature $fid offset" "$off" "${w%%:*}"
	check "feature $fid DFH" "$dfh" "${w#*:}"
	check "feature $fid id" "$fid" $(( dfh & 0xfff ))
	check "feature $fid rev" "$rev" $(( (dfh >> 12) & 0xf ))
	check "feature $fid version" "$ver" $(( (dfh >> 52) & 0xff ))
	check "feature $fid size" "$size" $(( (dfh >> 16) & 0xffffff ))
	for s in ${scratch//,/ }; do
		a=$((off + s))
		check "feature $fid scratch $s reset" 0 "$(rq $a)"
		wq $a 0x0123456789abcdef
		check "feature $fid scratch $s" 0x0123456789abcdef "$(rq $a)"
		qt writeb $((BAR0 + a + 1)) 0x5a >/dev/null
		qt writel $((BAR0 + a + 4)) 0xcafef00d >/dev/null
		check "feature $fid scratch $s narrow" 0xcafef00d89ab5aef "$(rq $a)"
		check "feature $fid scratch $s readw" 0xcafe "$(qt readw $((BAR0 + a + 6)))"
	done
done
check "number of features" "$DFL_NR_FEATURES" "$(wc -l <<<"$walked")"

# DFHv1 feature 0x23
F=$DFL_F23_OFST
check "F23 GUID_L" "$DFL_F23_GUID_L" "$(rq $((F + 8)))"
check "F23 GUID_H" "$DFL_F23_GUID_H" "$(rq $((F + 0x10)))"
check "F23 CSR_ADDR" "$DFL_F23_CSR_ADDR" "$(rq $((F + 0x18)))"
check "F23 CSR_SIZE_GRP" "$DFL_F23_CSR_SIZE_GRP" "$(rq $((F + 0x20)))"
check "F23 PARAM_HDR" "$DFL_F23_PARAM_HDR" "$(rq $((F + 0x28)))"
check "F23 PARAM_MSIX" "$DFL_F23_PARAM_MSIX" "$(rq $((F + 0x30)))"
check "F23 count reset" 0 "$(rq $((F + DFL_F23_DOORBELL_COUNT)))"
wq $((F + DFL_F23_DOORBELL)) 1
qt writeb $((BAR0 + F + DFL_F23_DOORBELL)) 3 >/dev/null
wq $((F + DFL_F23_DOORBELL)) 4          # out of range: ignored
check "F23 count" 2 "$(rq $((F + DFL_F23_DOORBELL_COUNT)))"
check "F23 status" 0xa "$(rq $((F + DFL_F23_IRQ_STATUS)))"
wq $((F + DFL_F23_IRQ_STATUS)) 0x2
check "F23 status W1C" 0x8 "$(rq $((F + DFL_F23_IRQ_STATUS)))"
check "F23 doorbell reads 0" 0 "$(rq $((F + DFL_F23_DOORBELL)))"

# Port soft reset handshake
C=$DFL_PORT_CTRL_OFST
check "PORT_CTRL reset" 0 "$(rq $C)"
wq $C 0x1; check "PORT_CTRL SFTRST+ACK" 0x11 "$(rq $C)"
wq $C 0x15; check "PORT_CTRL ACK read-only" 0x15 "$(rq $C)"
wq $C 0x4; check "PORT_CTRL out of reset" 0x4 "$(rq $C)"
wq $C 0

# Unimplemented space reads 0, ignores writes
for o in 0x78 0x7900 0x3fff8 0x42000 0x60000 0x7fff8; do
	wq $o 0xffffffffffffffff
	check "unimplemented $o" 0 "$(rq $o)"
done

exec 3>&- 4<&-
kill "$QPID" 2>/dev/null || true      # qtest does not quit on EOF
wait "$QPID" 2>/dev/null || true
echo "dfl-card check: $checks checks, $fails failed"
[ $fails -eq 0 ]
