#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest-less self-check of the emulated DFL card.  First static guards on
# the register map qemu/dfl-card-map.sh (see "Static guards" below), then
# it runs QEMU with the qtest accelerator, programs the card's BARs
# through config space (0xcf8/0xcfc), compares BAR0 with the map and with
# qemu/REGISTERS.md's tables, then exercises the scratch,
# port reset, doorbell, IRQ_STATUS, MSI-X PBA and BAR4 access counter
# registers.  Further QEMU runs check the msix-in-bar0=on, the
# csr-outside-bars=on and the vuart-csr=0x202 variants, and the HSSI.
#
#   qemu/check-dfl-card.sh [QEMU_BINARY]
#
# Default binary: the one scripts/build-qemu.sh builds.  Exit 0 = all ok.
#
# qtest's readX/writeX go through address_space_read/write of the CPU's
# address space: an aligned access reaches the model as one access of its
# width (what BAR4 counts), a misaligned one is split into aligned pieces
# (a CPU's misaligned access would be rejected instead).

set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=dfl-card-map.sh
. "$HERE/dfl-card-map.sh"
QEMU=${1:-$("$HERE/../scripts/build-qemu.sh" | tail -n1)}

BAR0=0xe0000000
BAR2=0xe0100000
BAR4=0xe0200000
SLOT=5                          # -device dfl-card,addr=5 on pcie.0
fails=0 checks=0 QPID=

TMP=$(mktemp -d)
trap '[ -z "$QPID" ] || kill "$QPID" 2>/dev/null || true; rm -rf "$TMP"' EXIT

qemu_start() {  # qemu_start DEVICE_OPTIONS: QEMU on fds 3 (in) and 4 (out)
	rm -f "$TMP/in" "$TMP/out"
	mkfifo "$TMP/in" "$TMP/out"
	"$QEMU" -machine q35 -accel qtest -qtest stdio -display none -nodefaults \
		-L /usr/share/seabios -L /usr/share/qemu \
		-device "dfl-card,addr=$SLOT$1" <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
	QPID=$!
	exec 3>"$TMP/in" 4<"$TMP/out"
}

qemu_stop() {
	exec 3>&- 4<&-
	kill "$QPID" 2>/dev/null || true      # qtest does not quit on EOF
	wait "$QPID" 2>/dev/null || true
	QPID=
}

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

hx() {  # hx N...: the numbers N as 0x... words, for check_str
	local v out=
	for v; do out="$out${out:+:}$(printf '%#x' $((v)))"; done
	echo "$out"
}
check_str() {  # what expected actual: the same string
	checks=$((checks + 1))
	if [ "$2" != "$3" ]; then
		printf "FAIL %s: expected '%s', got '%s'\n" "$1" "$2" "$3"
		fails=$((fails + 1))
	fi
}

cfg() {  # cfg OFFSET [VALUE]: config space dword of the card
	qt outl 0xcf8 $((0x80000000 | (SLOT << 11) | $1)) >/dev/null
	if [ $# -eq 2 ]; then qt outl 0xcfc "$2" >/dev/null; else qt inl 0xcfc; fi
}
rq() { qt readq $((BAR0 + $1)); }
wq() { qt writeq $((BAR0 + $1)) "$2" >/dev/null; }
dbg() { qt readq $((BAR4 + $1)); }
dbg_reset() { qt writeq $((BAR4 + DFL_DBG_CTRL)) 1 >/dev/null; }
bars_on() {  # BAR0, BAR2 and BAR4 at their addresses, memory space and bus master on
	cfg 0x10 $BAR0; cfg 0x14 0; cfg 0x18 $BAR2; cfg 0x1c 0; cfg 0x20 $BAR4; cfg 0x24 0
	cfg 0x04 0x6
}
bar_size() { # bar_size CFG_OFFSET: size of a 32-bit BAR half's low dword
	cfg "$1" 0xffffffff
	echo $(( (~($(cfg "$1") & ~0xf) + 1) & 0xffffffff ))
}

msix_cap() {  # config space offset of the MSI-X capability
	local p v
	p=$(( $(cfg 0x34) & 0xfc ))
	while [ $p -ne 0 ]; do
		v=$(cfg $p)
		[ $((v & 0xff)) -eq $((0x11)) ] && { echo $p; return; }
		p=$(( (v >> 8) & 0xfc ))
	done
	echo 0
}
msix_enable() {  # MSI-X on; every vector stays masked (reset state)
	local p=$1 v
	v=$(cfg $p)
	cfg $p $(( v | (0x8000 << 16) ))
}

params_size() {  # params_size DFH: bytes of DFHv1 parameters, as dfl.c counts
	local o=$(($1 + 0x28)) v
	while :; do
		v=$(rq $o)
		[ $(( (v >> 35) & 0x1fffffff )) -ne 0 ] || { echo -1; return; }
		o=$((o + 8 * ((v >> 35) & 0x1fffffff)))
		[ $(( (v >> 32) & 1 )) -eq 0 ] || break
	done
	echo $((o - $1 - 0x28))
}

# Walk both lists like parse_feature_list() and compare with the map,
# including the DFHv1 headers and the resource Linux derives from them.
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
walk_all() { walk 0; walk $(( DFL_FME_PORT_OFST0 & 0xffffff )); }
fields() {  # fields LINE: a line of DFL_FEATURES as f_NAME variables
	eval "$(tr ':' '\n' <<<"$1" | sed 's/^/f_/')"
}
check_features() {  # check_features SCRATCH(0/1): compare with DFL_FEATURES
	local walked n=0 f w csr sg s a
	walked=$( walk_all )
	for f in $DFL_FEATURES; do
		fields "$f"
		n=$((n + 1))
		w=$(sed -n "${n}p" <<<"$walked")
		check "feature $f_id DFH offset" "$f_dfh_offset" "${w%%:*}"
		check "feature $f_id DFH" "$f_dfh" "${w#*:}"
		if [ "$f_version" -ne 0 ]; then
			check "feature $f_id GUID_L" "$f_guid_l" "$(rq $((f_dfh_offset + 0x8)))"
			check "feature $f_id GUID_H" "$f_guid_h" "$(rq $((f_dfh_offset + 0x10)))"
			csr=$(rq $((f_dfh_offset + 0x18)))
			check "feature $f_id CSR_ADDR relative" 0 $((csr & 1))
			check "feature $f_id CSR offset" "$f_offset" $((f_dfh_offset + (csr >> 1)))
			sg=$(rq $((f_dfh_offset + 0x20)))
			check "feature $f_id CSR size" "$f_size" $(( (sg >> 32) & 0xffffffff ))
			check "feature $f_id group" "$f_group" $(( (sg >> 16) & 0x7fff ))
			check "feature $f_id instance" "$f_instance" $((sg & 0xffff))
			check "feature $f_id HAS_PARAMS" $((f_nr_irqs > 0)) $(( (sg >> 31) & 1 ))
			if [ "$f_nr_irqs" -gt 0 ]; then
				check "feature $f_id MSI-X param id" 1 \
					$(( $(rq $((f_dfh_offset + 0x28))) & 0xffff ))
				a=$(rq $((f_dfh_offset + 0x30)))
				check "feature $f_id first vector" "$f_first_vector" $((a & 0xffffffff))
				check "feature $f_id irqs" "$f_nr_irqs" $(( (a >> 32) & 0xffffffff ))
			fi
		fi
		[ "$1" = 1 ] || continue
		for s in ${f_scratch//,/ }; do
			a=$((f_offset + s))
			check "feature $f_id scratch $s reset" 0 "$(rq $a)"
			wq $a 0x0123456789abcdef
			check "feature $f_id scratch $s" 0x0123456789abcdef "$(rq $a)"
			qt writeb $((BAR0 + a + 1)) 0x5a >/dev/null
			qt writel $((BAR0 + a + 4)) 0xcafef00d >/dev/null
			check "feature $f_id scratch $s narrow" 0xcafef00d89ab5aef "$(rq $a)"
			check "feature $f_id scratch $s readw" 0xcafe "$(qt readw $((BAR0 + a + 6)))"
		done
	done
	check "number of features" "$DFL_NR_FEATURES" "$(wc -l <<<"$walked")"
}

########################################################################
# Static guards on the one table, before any QEMU run.
#
# 1. No map variable goes unchecked.  Each variable dfl-card-map.sh
#    defines (as gen-dfl-card-map-h.sh lists them) must be
#    - read by this script outside comments and outside these guards,
#      where every use feeds a check of the running model (a value
#      compared, or an address whose register is then exercised); or
#    - a fact another map value is derived from (named in the map outside
#      comments and its own NAME=), or a value derived from such facts
#      (its NAME=value names another variable).
#    The model's use is not enough: it takes every value from
#    dfl-card-map.h, so model and map cannot differ in a value, but a
#    register the model decodes wrongly (the wrong width, a write it
#    drops) would go unnoticed unless this script drives it.
# 2. No second table in the C model: outside comments, its files name
#    no DFL_* macro of its own.  Its DFL_* names are the map's and the QOM
#    cast DFL_CARD.
# 3. The guest test programs (tests/progs, C) still spell some constants
#    themselves: a "#define NAME value" whose NAME, or DFL_NAME, or its
#    alias below, is a map variable must have the map's value.
map_names=$(sh "$HERE/gen-dfl-card-map-h.sh" --names "$HERE/dfl-card-map.sh")
code_c=$(cat "$HERE/dfl-card.h" "$HERE"/dfl-card*.c |
	perl -0777 -pe 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g')
code_sh=$(sed -e '/^# Static guards/,/^# Run 1:/d' -e 's/^[[:space:]]*#.*//' \
	-e 's/[[:space:]]#[[:space:]].*//' "${BASH_SOURCE[0]}")
code_map=$(sed -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#[[:space:]].*//' \
	-e 's/\(^\|[[:space:]]\)DFL_[A-Z0-9_]*=/ /g' "$HERE/dfl-card-map.sh")
nbad=0
for n in $map_names; do
	grep -qw -- "$n" <<<"$code_sh" || grep -qw -- "$n" <<<"$code_map" ||
		grep -q "\(^\|[[:space:]]\)$n=[^[:space:]]*\\\$" "$HERE/dfl-card-map.sh" || {
		printf 'FAIL map: %s is neither checked against the model by %s nor a fact of a derived value\n' \
			"$n" "$(basename "${BASH_SOURCE[0]}")"
		nbad=$((nbad + 1))
	}
done
check "map: every variable ($(wc -w <<<"$map_names")) checked here against the model, or a derived value or its fact (bad: $nbad)" 0 $nbad
nbad=0
for n in $(grep -o '\bDFL_[A-Za-z0-9_]*' <<<"$code_c" | sort -u); do
	[ "$n" != DFL_CARD ] || continue
	grep -qxF -- "$n" <<<"$map_names" && continue
	echo "FAIL map: the model names $n, which qemu/dfl-card-map.sh does not define"
	nbad=$((nbad + 1))
done
check "map: the model's DFL_* names all come from the map (bad: $nbad)" 0 $nbad
nprogs=0
prog_alias="DFL_DBG_SIZE=DFL_DBG_BAR_SIZE MAC_PHY_CONFIG=DFL_ETH_MAC_PHY_CONFIG
	MAC_PMA_SLOOP=DFL_ETH_MAC_PMA_SLOOP VUART_GUID_L=DFL_VUART_GUID_L
	VUART_GUID_H=DFL_VUART_GUID_H"
while read -r file name val; do
	m=DFL_${name#DFL_}
	for a in $prog_alias; do [ "${a%%=*}" = "$name" ] && m=${a#*=}; done
	grep -qxF -- "$m" <<<"$map_names" || continue
	check "tests/progs/$file: $name = $m" "${!m}" "${val%%[UL]*}"
	nprogs=$((nprogs + 1))
done < <(cd "$HERE/../tests/progs" 2>/dev/null && grep -H \
	'^#define[[:space:]]\+[A-Z][A-Z0-9_]*[[:space:]]\+\(0x[0-9a-fA-F]\+\|[0-9]\+\)[UL]*\([[:space:]]\|$\)' ./*.[ch] |
	sed 's|^\./\([^:]*\):#define[[:space:]]*\([A-Z0-9_]*\)[[:space:]]*\([0-9a-fA-FxUL]*\).*|\1 \2 \3|')
[ ! -d "$HERE/../tests/progs" ] ||
	check "tests/progs: at least 20 constants compared with the map ($nprogs)" 1 $((nprogs >= 20))

########################################################################
# Run 1: the default card (MSI-X in BAR2)
qemu_start ""

# Config space and BARs
id=$(cfg 0)
check "vendor" "$DFL_VENDOR" $((id & 0xffff))
check "device" "$DFL_DEVICE" $((id >> 16))
check "class" "$DFL_CLASS" $(($(cfg 8) >> 8))
check "BAR0 size" "$DFL_BAR0_SIZE" "$(bar_size 0x10)"
check "BAR0 64-bit" 0x4 $(($(cfg 0x10) & 0x6))
check "BAR2 size" "$DFL_MSIX_BAR_SIZE" "$(bar_size 0x18)"
check "BAR4 size" "$DFL_DBG_BAR_SIZE" "$(bar_size $((0x10 + 4 * DFL_DBG_BAR)))"
check "BAR4 64-bit" 0x4 $(($(cfg $((0x10 + 4 * DFL_DBG_BAR))) & 0x6))
bars_on
MSIX=$(msix_cap)
check "MSI-X capability found" 1 $((MSIX != 0))
check "MSI-X table size" $((DFL_MSIX_VECTORS - 1)) $(( ($(cfg $MSIX) >> 16) & 0x7ff ))
check "MSI-X table in BAR2 at 0" "$DFL_MSIX_BAR" "$(cfg $((MSIX + 4)))"
check "MSI-X PBA in BAR2 at DFL_MSIX_PBA" $((DFL_MSIX_PBA | DFL_MSIX_BAR)) "$(cfg $((MSIX + 8)))"

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
A=$((DFL_AFU_OFST + DFL_AFU_SCRATCH))
check "AFU SCRATCH reset" 0 "$(rq $A)"
wq $A 0x0123456789abcdef
check "AFU SCRATCH R/W" 0x0123456789abcdef "$(rq $A)"
qt writel $((BAR0 + A + 4)) 0xcafef00d >/dev/null
check "AFU SCRATCH: a 32-bit write to its high half" 0xcafef00d89abcdef "$(rq $A)"
wq $((A + 8)) 0xffffffffffffffff
check "AFU: the qword after SCRATCH reads 0, drops writes" 0 "$(rq $((A + 8)))"

check_features 1

# The register map document against the model: every constant that
# REGISTERS.md's table gives for a BAR0 register (the value in backticks
# after "=", and the "data" word after it, which is at +8) is what BAR0
# reads. With dfl-card-map.sh checked against the model above and below,
# the C model, the document and the map cannot disagree unnoticed.
doc_values() {  # "offset value [data]" lines from REGISTERS.md's table
	sed -n 's/^| 0 | \(0x[0-9a-f]*\) |[^|]*| [^|]*= `\(0x[0-9a-f]*\)`\(, data `\(0x[0-9a-f]*\)`\)\{0,1\}.*/\1 \2 \4/p' \
		"$HERE/REGISTERS.md"
}
ndoc=0
while read -r off val data; do
	check "REGISTERS.md: BAR0 $off" "$val" "$(rq "$off")"
	[ -z "$data" ] || check "REGISTERS.md: BAR0 $off + 8 (data)" "$data" "$(rq $((off + 8)))"
	ndoc=$((ndoc + 1))
done < <(doc_values)
check "REGISTERS.md: its table gives at least 40 BAR0 constants ($ndoc)" 1 $((ndoc >= 40))

# REGISTERS.md names registers as the map does: where its tables name a
# register with a map variable, the offset it gives is the map's (and so
# the model's).  BAR4 table: NAME = DFL_DBG_NAME; HSSI table (offsets
# from the DFH): HSSI_NAME (HSSI_X_0..7_Y: HSSI_X_Y) = DFL_HSSI_NAME; BAR0 table, rows
# with a bare register name: 0x23's NAME = DFL_F23_NAME + its DFH, 0x24's
# DFL_VUART_NAME, the AFU's DFL_AFU_NAME, 0x10's ETH_GROUP_NAME =
# DFL_ETH_NAME + its DFH.
doc_offsets() {  # "offset variable base" lines
	local f=$HERE/REGISTERS.md
	sed -n 's/^| 4 | \(0x[0-9a-f]*\) | BAR4 debug | \([A-Z0-9_]*\) |.*/\1 DFL_DBG_\2 0/p' "$f"
	sed -n 's/^| +\(0x[0-9a-f]*\)\( \.\. +0x[0-9a-f]*\)\{0,1\} | \(HSSI_[A-Z0-9_.]*\) |.*/\1 DFL_\3 0/p' "$f" |
		sed 's/_0\.\.7_/_/'
	sed -n 's/^| 0 | \(0x[0-9a-f]*\) | \(0x10\|0x23\|0x24\|AFU\) | \([A-Z][A-Z0-9_]*\) |.*/\1 \2 \3/p' "$f" |
		while read -r off feat name; do
			case $feat in
			0x10) echo "$off DFL_ETH_${name#ETH_GROUP_} DFL_ETH_OFST" ;;
			0x23) echo "$off DFL_F23_$name DFL_F23_OFST" ;;
			0x24) echo "$off DFL_VUART_$name DFL_VUART_OFST" ;;
			AFU) echo "$off DFL_AFU_$name DFL_AFU_OFST" ;;
			esac
		done
}
ndoc=0
while read -r off var base; do
	[ -n "${!var+x}" ] || continue
	check "REGISTERS.md: $var at $off" "$off" $(( ${!var} + base ))
	ndoc=$((ndoc + 1))
done < <(doc_offsets)
check "REGISTERS.md: at least 40 register offsets named as in the map ($ndoc)" 1 $((ndoc >= 40))

# REGISTERS.md's table of the dfl_dev devices against DFL_FEATURES
doc_devs() {  # "fiu id rev ver dfh_offset offset size irqs group[, instance]"
	sed -n 's/^| \(0x[01]\) ([A-Z]*) | \(0x[0-9a-f]*\) | \([0-9]*\) | \([0-9]*\) | BAR0+\(0x[0-9a-f]*\) | BAR0+\(0x[0-9a-f]*\) | \(0x[0-9a-f]*\) | \([^|]*\) | \([0-9]*\)[^|]*|.*/\1 \2 \3 \4 \5 \6 \7 \9 \8/p' \
		"$HERE/REGISTERS.md"
}
n=0
while read -r dfiu did drev dver ddfho doff dsize dirq dgrp; do
	n=$((n + 1))
	fields "$(sed -n "${n}p" <<<"$DFL_FEATURES")"
	w="REGISTERS.md: dfl_dev $n ($did)"
	check "$w type" "$f_fiu" "$dfiu"
	check "$w feature_id" "$f_id" "$did"
	check "$w revision" "$f_rev" "$drev"
	check "$w DFH version" "$f_version" "$dver"
	check "$w DFH at" "$f_dfh_offset" "$ddfho"
	check "$w MMIO start" "$f_offset" "$doff"
	check "$w MMIO size" "$f_size" "$dsize"
	check "$w irqs" "$f_nr_irqs" "$dirq"
	if [ "$f_version" -eq 0 ]; then
		check "$w group, instance: none (DFHv0)" 1 $([[ $dgrp == – ]] && echo 1 || echo 0)
	else
		check "$w group" "$f_group" "${dgrp%%,*}"
		check "$w instance" "$f_instance" "${dgrp#*, }"
	fi
done < <(doc_devs)
check "REGISTERS.md: the dfl_dev table has DFL_NR_FEATURES rows" "$DFL_NR_FEATURES" "$n"

# DFHv1 headers, every register, against the map's raw values
F=$DFL_F23_OFST
check "F23 DFH" "$DFL_F23_DFH" "$(rq $F)"
check "F23 GUID_L" "$DFL_F23_GUID_L" "$(rq $((F + 8)))"
check "F23 GUID_H" "$DFL_F23_GUID_H" "$(rq $((F + 0x10)))"
check "F23 CSR_ADDR" "$DFL_F23_CSR_ADDR" "$(rq $((F + 0x18)))"
check "F23 CSR_SIZE_GRP" "$DFL_F23_CSR_SIZE_GRP" "$(rq $((F + 0x20)))"
check "F23 PARAM_HDR" "$DFL_F23_PARAM_HDR" "$(rq $((F + 0x28)))"
check "F23 PARAM_MSIX" "$DFL_F23_PARAM_MSIX" "$(rq $((F + 0x30)))"
check "F23 params size" "$DFL_F23_PARAMS_SIZE" "$(params_size $F)"
P=$DFL_P14_OFST
check "P14 DFH (DFHv0, rev 1, EOL)" "$DFL_P14_DFH" "$(rq $P)"
# the user clock's registers are not modelled: they read 0, drop writes
for r in 0x8 0x10 0x18 0x20 $((DFL_P14_SIZE - 8)); do
	wq $((P + r)) 0x5a5a5a5a5a5a5a5a
	check "P14 +$r reads 0 after a write" 0 "$(rq $((P + r)))"
done

# The doorbell of 0x23 (vectors 0..3, k < 4), its DOORBELL_COUNT and
# IRQ_STATUS.
F=$DFL_F23_OFST
check "F23 count reset" 0 "$(rq $((F + DFL_F23_DOORBELL_COUNT)))"
wq $((F + DFL_F23_DOORBELL)) 1
qt writeb $((BAR0 + F + DFL_F23_DOORBELL)) 3 >/dev/null
wq $((F + DFL_F23_DOORBELL)) 4          # out of range: ignored
check "F23 count" 2 "$(rq $((F + DFL_F23_DOORBELL_COUNT)))"
check "F23 status" 0xa "$(rq $((F + DFL_F23_IRQ_STATUS)))"
wq $((F + DFL_F23_IRQ_STATUS)) 0x2
check "F23 status W1C" 0x8 "$(rq $((F + DFL_F23_IRQ_STATUS)))"
check "F23 doorbell reads 0" 0 "$(rq $((F + DFL_F23_DOORBELL)))"
qt writew $((BAR0 + F + DFL_F23_DOORBELL)) 2 >/dev/null
qt writel $((BAR0 + F + DFL_F23_DOORBELL)) 0 >/dev/null
check "F23 count, 2- and 4-byte doorbells" 4 "$(rq $((F + DFL_F23_DOORBELL_COUNT)))"
check "F23 status" 0xd "$(rq $((F + DFL_F23_IRQ_STATUS)))"
wq $((F + DFL_F23_IRQ_STATUS)) 0xd

# MSI-X: disabled, a doorbell sends nothing and leaves nothing pending;
# enabled with every vector masked (the reset state), vector k of 0x23 is
# left pending in the PBA.
PBA=$((BAR2 + DFL_MSIX_PBA))
check "PBA empty (MSI-X disabled)" 0 "$(qt readq $PBA)"
msix_enable $MSIX
check "MSI-X enabled" 1 $(( ($(cfg $MSIX) >> 31) & 1 ))
check "vector 2 masked" 1 $(( $(qt readl $((BAR2 + 2 * 16 + 12))) & 1 ))
wq $((F + DFL_F23_DOORBELL)) 3
check "F23 doorbell 3 -> vector 3 pending" 0x8 "$(qt readq $PBA)"
wq $((F + DFL_F23_DOORBELL)) 2
check "F23 doorbell 2 -> vector 2 pending" 0xc "$(qt readq $PBA)"
wq $((F + DFL_F23_DOORBELL)) 0
check "F23 doorbell 0 -> vector 0 pending" 0xd "$(qt readq $PBA)"
check "F23 count (MSI-X)" 7 "$(rq $((F + DFL_F23_DOORBELL_COUNT)))"

# BAR4: BAR0 access counters
DBG_COUNTERS="$DFL_DBG_READS_1 $DFL_DBG_READS_2 $DFL_DBG_READS_4 $DFL_DBG_READS_8
	$DFL_DBG_WRITES_1 $DFL_DBG_WRITES_2 $DFL_DBG_WRITES_4 $DFL_DBG_WRITES_8
	$DFL_DBG_LAST_ADDR $DFL_DBG_LAST_SIZE $DFL_DBG_LAST_WRITE"
dbg_reset
for r in $DBG_COUNTERS; do
	check "DBG $r after CTRL" 0 "$(dbg $r)"
done
rq 0x1008 >/dev/null
check "DBG readq: READS_8" 1 "$(dbg $DFL_DBG_READS_8)"
check "DBG readq: READS_4" 0 "$(dbg $DFL_DBG_READS_4)"
check "DBG readq: READS_2" 0 "$(dbg $DFL_DBG_READS_2)"
check "DBG readq: READS_1" 0 "$(dbg $DFL_DBG_READS_1)"
check "DBG readq: LAST_ADDR" 0x1008 "$(dbg $DFL_DBG_LAST_ADDR)"
check "DBG readq: LAST_SIZE" 8 "$(dbg $DFL_DBG_LAST_SIZE)"
check "DBG readq: LAST_WRITE" 0 "$(dbg $DFL_DBG_LAST_WRITE)"
qt writew $((BAR0 + 0x100a)) 0x1234 >/dev/null
check "DBG writew: WRITES_2" 1 "$(dbg $DFL_DBG_WRITES_2)"
check "DBG writew: WRITES_8" 0 "$(dbg $DFL_DBG_WRITES_8)"
check "DBG writew: LAST_ADDR" 0x100a "$(dbg $DFL_DBG_LAST_ADDR)"
check "DBG writew: LAST_SIZE" 2 "$(dbg $DFL_DBG_LAST_SIZE)"
check "DBG writew: LAST_WRITE" 1 "$(dbg $DFL_DBG_LAST_WRITE)"
qt readb $((BAR0 + 0x41803)) >/dev/null
qt readw $((BAR0 + 0x41802)) >/dev/null
qt readl $((BAR0 + 0x41804)) >/dev/null
qt writeb $((BAR0 + 0x41805)) 1 >/dev/null
qt writel $((BAR0 + 0x41808)) 1 >/dev/null
wq 0x41810 1
check "DBG READS_1" 1 "$(dbg $DFL_DBG_READS_1)"
check "DBG READS_2" 1 "$(dbg $DFL_DBG_READS_2)"
check "DBG READS_4" 1 "$(dbg $DFL_DBG_READS_4)"
check "DBG READS_8" 1 "$(dbg $DFL_DBG_READS_8)"
check "DBG WRITES_1" 1 "$(dbg $DFL_DBG_WRITES_1)"
check "DBG WRITES_2" 1 "$(dbg $DFL_DBG_WRITES_2)"
check "DBG WRITES_4" 1 "$(dbg $DFL_DBG_WRITES_4)"
check "DBG WRITES_8" 1 "$(dbg $DFL_DBG_WRITES_8)"
check "DBG LAST_ADDR" 0x41810 "$(dbg $DFL_DBG_LAST_ADDR)"
check "DBG LAST_SIZE" 8 "$(dbg $DFL_DBG_LAST_SIZE)"
check "DBG narrow read" 8 "$(qt readb $((BAR4 + DFL_DBG_LAST_SIZE)))"
# qtest (not a CPU) splits a misaligned readq into aligned pieces
dbg_reset
rq 0x1004 >/dev/null
check "DBG qtest misaligned readq: READS_4" 2 "$(dbg $DFL_DBG_READS_4)"
check "DBG qtest misaligned readq: READS_8" 0 "$(dbg $DFL_DBG_READS_8)"
check "DBG qtest misaligned readq: LAST_ADDR" 0x1008 "$(dbg $DFL_DBG_LAST_ADDR)"
# MSI-X accesses (BAR2) and BAR4 itself are not BAR0 accesses
dbg_reset
qt readq $PBA >/dev/null
qt readl $((BAR2 + 12)) >/dev/null
qt writel $((BAR4 + DFL_DBG_READS_4)) 0 >/dev/null
for r in $DBG_COUNTERS $DFL_DBG_CTRL; do
	check "DBG $r: nothing counted" 0 "$(dbg $r)"
done

# FME 0x24, the VUART: header and parameters as vuart_csr.sv, then the
# 16550 as the 8250 core's autoconfig() probes it, and its interrupt as
# MSI-X vector 5 (MSI-X is enabled here, every vector masked: pending)
F=$DFL_VUART_OFST
U=$DFL_VUART_CSR_OFST
ub() { qt readb $((BAR0 + U + $1)); }       # 16550 register read
uw() { qt writeb $((BAR0 + U + $1)) "$2" >/dev/null; }
check "F24 DFH" "$DFL_VUART_DFH" "$(rq $F)"
check "F24 GUID_L" "$DFL_VUART_GUID_L" "$(rq $((F + 8)))"
check "F24 GUID_H" "$DFL_VUART_GUID_H" "$(rq $((F + 0x10)))"
check "F24 CSR_ADDR" "$DFL_VUART_CSR_ADDR" "$(rq $((F + 0x18)))"
check "F24 CSR_SIZE_GRP" "$DFL_VUART_CSR_SIZE_GRP" "$(rq $((F + 0x20)))"
o=0x28
for v in $DFL_VUART_PARAMS; do
	check "F24 param qword $o" "$v" "$(rq $((F + o)))"
	o=$((o + 8))
done
check "F24 after the params" 0 "$(rq $((F + o)))"
check "F24 params size" "$DFL_VUART_PARAMS_SIZE" $((o - 0x28))
check "F24 params size (the model's headers)" "$DFL_VUART_PARAMS_SIZE" "$(params_size $F)"
check "F24 scratchpad reset" 0 "$(rq $((F + DFL_VUART_SCRATCHPAD)))"
wq $((F + DFL_VUART_SCRATCHPAD)) 0x0123456789abcdef
check "F24 scratchpad R/W" 0x0123456789abcdef "$(rq $((F + DFL_VUART_SCRATCHPAD)))"
check "F24 CSR block" "$U" $((F + (DFL_VUART_CSR_ADDR >> 1)))
# every other DFL_VUART_* constant the guest tests use, against the model
set -- $DFL_VUART_PARAMS
check "F24 CSR size constant" "$DFL_VUART_CSR_SIZE" $(( $(rq $((F + 0x20))) >> 32 ))
check "F24 MSI-X start constant" "$DFL_VUART_MSIX_START" $(( $(rq $((F + 0x30))) & 0xffffffff ))
check "F24 MSI-X count constant" "$DFL_VUART_MSIX_NUM" $(( $(rq $((F + 0x30))) >> 32 ))
check "F24 CLK_FRQ constant" "$DFL_VUART_CLK" "$(rq $((F + 0x40)))"
check "F24 FIFO_LEN constant" "$DFL_VUART_FIFO_LEN" "$(rq $((F + 0x50)))"
check "F24 register span constant (8 << REG_LAYOUT shift)" "$DFL_VUART_REG_SPAN" \
	$(( 8 << ($(rq $((F + 0x60))) & 0xffffffff) ))
check "UART IIR reset" "$DFL_VUART_RESET_IIR" "$(ub $DFL_VUART_IIR)"
check "UART LSR reset" "$DFL_VUART_RESET_LSR" "$(ub $DFL_VUART_LSR)"
check "UART MSR reset" "$DFL_VUART_RESET_MSR" "$(ub $DFL_VUART_MSR)"
check "UART MCR reset" "$DFL_VUART_RESET_MCR" "$(ub $DFL_VUART_MCR)"
check "UART LCR reset" 0 "$(ub $DFL_VUART_LCR)"
check "UART SCR reset" 0 "$(ub $DFL_VUART_SCR)"
uw $DFL_VUART_SCR 0x5a
check "UART SCR R/W" 0x5a "$(ub $DFL_VUART_SCR)"
check "UART SCR lane: byte 0 only (readl)" 0x5a "$(qt readl $((BAR0 + U + DFL_VUART_SCR)))"
check "UART SCR lane byte 1 reads 0" 0 "$(qt readb $((BAR0 + U + DFL_VUART_SCR + 1)))"
qt writeb $((BAR0 + U + DFL_VUART_SCR + 1)) 0x11 >/dev/null
check "UART write off byte 0 of a lane ignored" 0x5a "$(ub $DFL_VUART_SCR)"
qt writel $((BAR0 + U + DFL_VUART_SCR)) 0xffffff33 >/dev/null
check "UART writel: the register takes byte 0" 0x33 "$(ub $DFL_VUART_SCR)"
check "UART readq at MSR: MSR in both halves" $(( (DFL_VUART_RESET_MSR << 32) | DFL_VUART_RESET_MSR )) \
	"$(rq $((U + DFL_VUART_MSR)))"
check "UART lanes past SCR read 0" 0 "$(qt readl $((BAR0 + U + 0x20)))"
# autoconfig(): IER test, MCR loopback test, FIFO detection
uw $DFL_VUART_IER 0
check "UART IER 0" 0 "$(ub $DFL_VUART_IER)"
uw $DFL_VUART_IER 0x0f
check "UART IER 0x0f" 0x0f "$(ub $DFL_VUART_IER)"
uw $DFL_VUART_IER 0
uw $DFL_VUART_MCR 0x1a                   # LOOP | OUT2 | RTS
check "UART loopback: MSR status DCD|CTS" 0x90 $(( $(ub $DFL_VUART_MSR) & 0xf0 ))
uw $DFL_VUART_MCR 0
uw $DFL_VUART_FCR 0x01
check "UART FIFO enabled: IIR 7:6 = 11" 0xc1 "$(ub $DFL_VUART_IIR)"
# the loopback carries a byte, and the 16550's line turns into vector 5
uw $DFL_VUART_MCR 0x10                   # LOOP
dbg_reset
uw $DFL_VUART_IER 0x01                   # RDI
uw $DFL_VUART_RBR 0x42
check "UART loopback: LSR DR" 1 $(( $(ub $DFL_VUART_LSR) & 1 ))
check "UART RDI -> VUART edge counted" 1 "$(dbg $DFL_DBG_VUART_EDGES)"
check "UART RDI -> vector 5 pending" $(( 1 << DFL_VUART_MSIX_START )) \
	$(( $(qt readq $PBA) & (1 << DFL_VUART_MSIX_START) ))
uw $DFL_VUART_IER 0x03                   # + THRI: the line stays high
check "UART a line that stays high sends no second edge" 1 "$(dbg $DFL_DBG_VUART_EDGES)"
check "UART RBR: the looped byte" 0x42 "$(ub $DFL_VUART_RBR)"
check "UART IIR after the read: THRI" 0xc2 "$(ub $DFL_VUART_IIR)"
check "UART IIR read cleared THRI" 0xc1 "$(ub $DFL_VUART_IIR)"
uw $DFL_VUART_RBR 0x43                   # THRI again after the byte: new edge
check "UART new cause after the line fell: a second edge" 2 "$(dbg $DFL_DBG_VUART_EDGES)"
uw $DFL_VUART_IER 0
ub $DFL_VUART_RBR >/dev/null
uw $DFL_VUART_MCR 0
uw $DFL_VUART_FCR 0x07
uw $DFL_VUART_FCR 0

# Port soft reset handshake
C=$DFL_PORT_CTRL_OFST
check "PORT_CTRL reset" 0 "$(rq $C)"
wq $C 0x1; check "PORT_CTRL SFTRST+ACK" 0x11 "$(rq $C)"
wq $C 0x15; check "PORT_CTRL ACK read-only" 0x15 "$(rq $C)"
wq $C 0x4; check "PORT_CTRL out of reset" 0x4 "$(rq $C)"
wq $C 0

# Unimplemented space reads 0, ignores writes
for o in 0x78 0x7d00 0x7ff8 0x9000 0x3fff8 0x42000 0x60000 0x7fff8 0x1800 0x1c00; do
	wq $o 0xffffffffffffffff
	check "unimplemented $o" 0 "$(rq $o)"
done
qemu_stop

########################################################################
# Run 2: msix-in-bar0=on: no BAR2, MSI-X table/PBA inside 0x10's region
qemu_start ",msix-in-bar0=on"
check "msix-in-bar0: BAR0 size" "$DFL_BAR0_SIZE" "$(bar_size 0x10)"
cfg 0x18 0xffffffff; cfg 0x1c 0xffffffff
check "msix-in-bar0: BAR2 absent" 0 "$(cfg 0x18)"
check "msix-in-bar0: BAR2 upper absent" 0 "$(cfg 0x1c)"
check "msix-in-bar0: BAR4 size" "$DFL_DBG_BAR_SIZE" "$(bar_size 0x20)"
cfg 0x10 $BAR0; cfg 0x14 0; cfg 0x20 $BAR4; cfg 0x24 0
cfg 0x04 0x6
MSIX=$(msix_cap)
check "msix-in-bar0: MSI-X table size" $((DFL_MSIX_VECTORS - 1)) $(( ($(cfg $MSIX) >> 16) & 0x7ff ))
check "msix-in-bar0: table BIR 0" "$DFL_MSIX_IN_BAR0_TABLE" "$(cfg $((MSIX + 4)))"
check "msix-in-bar0: PBA BIR 0" "$DFL_MSIX_IN_BAR0_PBA" "$(cfg $((MSIX + 8)))"
check_features 0
check "msix-in-bar0: 0x10 DFH" "$DFL_ETH_DFH" "$(rq $DFL_ETH_OFST)"
check "msix-in-bar0: 0x10 INFO beside the table" "$DFL_ETH_INFO_V" "$(rq 0x1008)"
wq 0x1010 0x0000012345678
check "msix-in-bar0: 0x10 CTRL (no command) reads back" 0x0000012345678 "$(rq 0x1010)"
check "msix-in-bar0: 0x10 +0xff8" 0 "$(rq 0x1ff8)"
dbg_reset
for v in 0 1 2 3; do
	check "msix-in-bar0: vector $v masked" 1 \
		$(( $(qt readl $((BAR0 + DFL_MSIX_IN_BAR0_TABLE + 16 * v + 12))) & 1 ))
done
qt writel $((BAR0 + DFL_MSIX_IN_BAR0_TABLE + 8)) 0x4321 >/dev/null
check "msix-in-bar0: table entry 0 data R/W" 0x4321 \
	"$(qt readl $((BAR0 + DFL_MSIX_IN_BAR0_TABLE + 8)))"
check "msix-in-bar0: table/PBA accesses not counted (reads)" 0 "$(dbg $DFL_DBG_READS_4)"
check "msix-in-bar0: table/PBA accesses not counted (writes)" 0 "$(dbg $DFL_DBG_WRITES_4)"
check "msix-in-bar0: PBA empty" 0 "$(rq $DFL_MSIX_IN_BAR0_PBA)"
msix_enable $MSIX
wq $((DFL_F23_OFST + DFL_F23_DOORBELL)) 3
check "msix-in-bar0: F23 doorbell 3 -> vector 3 pending" 0x8 "$(rq $DFL_MSIX_IN_BAR0_PBA)"
wq $((DFL_F23_OFST + DFL_F23_DOORBELL)) 1
check "msix-in-bar0: F23 doorbell 1 -> vector 1 pending" 0xa "$(rq $DFL_MSIX_IN_BAR0_PBA)"
check "msix-in-bar0: F23 count" 2 "$(rq $((DFL_F23_OFST + DFL_F23_DOORBELL_COUNT)))"
check "msix-in-bar0: READS_8 counts only BAR0 model reads" 1 "$(dbg $DFL_DBG_READS_8)"
qemu_stop

########################################################################
# Run 2b: csr-outside-bars=on: only 0x23's CSR_ADDR changes (absolute)
qemu_start ",csr-outside-bars=on"
bars_on
check "csr-outside-bars: F23 CSR_ADDR absolute" "$DFL_OUTSIDE_CSR_ADDR" "$(rq $((DFL_F23_OFST + 0x18)))"
check "csr-outside-bars: F15 (HSSI) CSR_ADDR unchanged" "$DFL_HSSI_CSR_ADDR" "$(rq $((DFL_HSSI_OFST + 0x18)))"
check "csr-outside-bars: F23 DFH unchanged" "$DFL_F23_DFH" "$(rq $DFL_F23_OFST)"
check "csr-outside-bars: features walked" "$DFL_NR_FEATURES" "$( walk_all | wc -l)"
qemu_stop

########################################################################
# Run 2c: csr-in-bar4=on and csr-whole-bar4=on: 0x23's CSR_ADDR is BAR4's
# address (absolute), its size half of BAR4 or all of it; nothing else
for v in in whole; do
	qemu_start ",csr-$v-bar4=on"
	bars_on
	F=$DFL_F23_OFST
	[ $v = in ] && size=$DFL_CSR_IN_BAR4_SIZE || size=$DFL_DBG_BAR_SIZE
	check "csr-$v-bar4: F23 CSR_ADDR: BAR4's address, absolute" $((BAR4 | 1)) "$(rq $((F + 0x18)))"
	check "csr-$v-bar4: F23 CSR size" "$size" $(( $(rq $((F + 0x20))) >> 32 ))
	check "csr-$v-bar4: F23 group, instance, HAS_PARAMS unchanged" \
		$((DFL_F23_CSR_SIZE_GRP & 0xffffffff)) $(( $(rq $((F + 0x20))) & 0xffffffff ))
	check "csr-$v-bar4: F23 DFH unchanged" "$DFL_F23_DFH" "$(rq $F)"
	check "csr-$v-bar4: F23 params unchanged" "$DFL_F23_PARAM_MSIX" "$(rq $((F + 0x30)))"
	qemu_stop
done

########################################################################
# Run 2d: fiu-outside=on: the FME header DFHv1, its CSR block twice BAR0
qemu_start ",fiu-outside=on"
bars_on
check "fiu-outside: FME DFH: DFH version 1" $((DFL_FME_HDR_DFH | 1 << 52)) "$(rq $DFL_FME_HDR_OFST)"
check "fiu-outside: FME CSR_ADDR (NEXT_AFU): 0, the header itself" 0 "$(rq 0x18)"
check "fiu-outside: FME CSR_SIZE_GRP: twice BAR0, nothing else" $((2 * DFL_BAR0_SIZE << 32)) "$(rq 0x20)"
check "fiu-outside: FME PORT_OFST0 unchanged" "$DFL_FME_PORT_OFST0" "$(rq 0x38)"
check "fiu-outside: features walked" "$DFL_NR_FEATURES" "$( walk_all | wc -l)"
qemu_stop

# device-id=N: the function's device id, nothing else
qemu_start ",device-id=0xbcce"
id=$(cfg 0)
check "device-id=0xbcce: device" 0xbcce $((id >> 16))
check "device-id=0xbcce: vendor unchanged" "$DFL_VENDOR" $((id & 0xffff))
qemu_stop

########################################################################
# Run 3: vuart-csr=DFL_VUART_CSR_ODD: the VUART's CSR block, and its 16550,
# at a 2-byte (not 4-byte) aligned address: the width-test variant
qemu_start ",vuart-csr=$DFL_VUART_CSR_ODD"
bars_on
F=$DFL_VUART_OFST
U=$((F + DFL_VUART_CSR_ODD))
check "vuart-csr: F24 CSR_ADDR" $((DFL_VUART_CSR_ODD << 1)) "$(rq $((F + 0x18)))"
check "vuart-csr: F24 DFH unchanged" "$DFL_VUART_DFH" "$(rq $F)"
check "vuart-csr: features walked" "$DFL_NR_FEATURES" "$( walk_all | wc -l)"
check "vuart-csr: SCR reset" 0 "$(ub $DFL_VUART_SCR)"
uw $DFL_VUART_SCR 0xa5
check "vuart-csr: SCR R/W at CSR + 0x1c" 0xa5 "$(ub $DFL_VUART_SCR)"
check "vuart-csr: its lane, 2 + 2 bytes: low half" 0xa5 "$(qt readw $((BAR0 + U + DFL_VUART_SCR)))"
check "vuart-csr: its lane, high half reads 0" 0 "$(qt readw $((BAR0 + U + DFL_VUART_SCR + 2)))"
check "vuart-csr: the shipped offset is not the 16550 now" 0 \
	"$(qt readb $((BAR0 + F + DFL_VUART_CSR_DEFAULT + DFL_VUART_SCR)))"
check "vuart-csr: LSR at CSR + 0x14: THR empty, idle" 0x60 "$(ub $DFL_VUART_LSR)"
qemu_stop
for bad in 0x201 0x80 0x402; do
	if timeout 20 "$QEMU" -machine q35 -accel qtest -qtest null -display none -nodefaults \
		-L /usr/share/seabios -L /usr/share/qemu \
		-device "dfl-card,vuart-csr=$bad" </dev/null >"$TMP/err" 2>&1; then
		check "vuart-csr=$bad is refused" 1 0
	else
		check "vuart-csr=$bad is refused" 1 "$(grep -c "vuart-csr=$bad, must be even" "$TMP/err")"
	fi
done

########################################################################
# Run 4: FME 0x15, the OFS HSSI subsystem (DFHv0.5): header, subsystem
# CSRs, the SAL mailbox as OPAE's hssicommon.py drives it, the wrapper's
# ColdReset handshake and what it resets
qemu_start ""
bars_on
H=$DFL_HSSI_OFST
hr() { qt readl $((BAR0 + H + $1)); }
hw() { qt writel $((BAR0 + H + $1)) "$2" >/dev/null; }
# sal CMD PORT [WRITE_DATA]: one mailbox transaction; prints READ_DATA
sal() {
	hw $DFL_HSSI_CTRL_ADDR 0
	hw $DFL_HSSI_CMD_STATUS 0
	hw $DFL_HSSI_CTRL_ADDR $(( $1 | ($2 << 8) ))
	if [ $# -eq 3 ]; then
		hw $DFL_HSSI_WRITE_DATA "$3"
		hw $DFL_HSSI_CMD_STATUS 2
	else
		hw $DFL_HSSI_CMD_STATUS 1
	fi
	hr $DFL_HSSI_READ_DATA
}
# REGISTERS.md's HSSI table: each value in backticks is what the
# register reads at power-on (16 hex digits: a qword, 8: a 32-bit
# register; "+A .. +B": every 32-bit register from A to B)
nhdoc=0
while read -r first last val; do
	for ((o = first; o <= last; o += 4)); do
		if [ ${#val} -eq 18 ]; then v=$(rq $((H + o))); else v=$(hr $o); fi
		check "REGISTERS.md: HSSI +$(printf '%#x' $o)" "$val" "$v"
		nhdoc=$((nhdoc + 1))
	done
done < <(sed -n 's/^| +\(0x[0-9a-f]*\)\( \.\. +\(0x[0-9a-f]*\)\)\{0,1\} | [^|]* | `\(0x[0-9a-f]*\)`.*/\1 \3 \4/p' \
	"$HERE/REGISTERS.md" | awk '{ if (NF == 2) print $1, $1, $2; else print }')
check "REGISTERS.md: its HSSI table gives at least 20 values ($nhdoc)" 1 $((nhdoc >= 20))
check "hssi: DFH" "$DFL_HSSI_DFH" "$(rq $H)"
check "hssi: feature_rev" "$DFL_HSSI_REV" $(( ($(rq $H) >> 12) & 0xf ))
check "hssi: GUID_L" "$DFL_HSSI_GUID_L" "$(rq $((H + 0x8)))"
check "hssi: GUID_H" "$DFL_HSSI_GUID_H" "$(rq $((H + 0x10)))"
check "hssi: CSR_ADDR" "$DFL_HSSI_CSR_ADDR" "$(rq $((H + 0x18)))"
check "hssi: CSR_SIZE_GROUP" "$DFL_HSSI_CSR_SIZE_GRP" "$(rq $((H + 0x20)))"
check "hssi: DFH as two 32-bit halves" "$(( DFL_HSSI_DFH & 0xffffffff ))" "$(hr 0)"
check "hssi: features walked" "$DFL_NR_FEATURES" "$( walk_all | wc -l)"
check "hssi: VERSION" "$DFL_HSSI_VERSION_V" "$(hr $DFL_HSSI_VERSION)"
check "hssi: FEATURE" "$DFL_HSSI_FEATURE_V" "$(hr $DFL_HSSI_FEATURE)"
check "hssi: NumPorts from FEATURE" "$DFL_HSSI_NPORTS" "$(( ($(hr $DFL_HSSI_FEATURE) >> 1) & 0x1f ))"
for p in 0 7; do
	check "hssi: PORT_${p}_ATTR" "$DFL_HSSI_PORT_ATTR_V" "$(hr $((DFL_HSSI_PORT_ATTR + 4 * p)))"
	check "hssi: PORT_${p}_STATUS" 0 "$(hr $((DFL_HSSI_PORT_STATUS + 4 * p)))"
done
check "hssi: past PORT_7_ATTR" 0 "$(hr $((DFL_HSSI_PORT_ATTR + 4 * DFL_HSSI_NPORTS)))"
check "hssi: TSE_CTRL" "$DFL_HSSI_TSE_CTRL_V" "$(hr $DFL_HSSI_TSE_CTRL)"
check "hssi: DBG_CTRL" "$DFL_HSSI_DBG_CTRL_V" "$(hr $DFL_HSSI_DBG_CTRL)"
check "hssi: INDV_RST" 0 "$(rq $((H + DFL_HSSI_INDV_RST)))"
check "hssi: INDV_RST_ACK" "$DFL_HSSI_INDV_RST_ACK_V" "$(rq $((H + DFL_HSSI_INDV_RST_ACK)))"
for o in $DFL_HSSI_STATUS $DFL_HSSI_PTP_STATUS; do
	wq $((H + o)) 0xffffffffffffffff
	check "hssi: +$o (HSSI_STATUS, PTP_STATUS) reads 0 (no transceivers), read-only" 0 "$(rq $((H + o)))"
done
# power-on is a ColdReset acknowledged and released at once: the
# acknowledge reads 1 until it falls (the xls's 0x2), and Busy, with
# hssi-busy=until-cmd (the default; the xls row's 0x8), until the first
# command (qtest's virtual clock moves only by clock_step)
check "hssi: COLD_RST: ColdResetAck at power-on" 2 "$(rq $((H + DFL_HSSI_COLD_RST)))"
check "hssi: CMD_STATUS: Busy at power-on" 8 "$(hr $DFL_HSSI_CMD_STATUS)"
step() { qt clock_step "$1" >/dev/null; }
step $DFL_HSSI_ACK_NS
check "hssi: COLD_RST: ColdResetAck falls $DFL_HSSI_ACK_NS ns after power-on" 0 "$(rq $((H + DFL_HSSI_COLD_RST)))"
step $(( 10 * DFL_HSSI_BUSY_NS ))
check "hssi: CMD_STATUS: Busy until the first command (until-cmd)" 8 "$(hr $DFL_HSSI_CMD_STATUS)"
check "hssi: a SAL command while Busy runs (OPAE never waits for Busy)" "$DFL_HSSI_FW_VERSION" "$(sal $DFL_HSSI_SAL_FW_VERSION 0)"
check "hssi: ... Ack, and Busy cleared by it" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
check "hssi: ... nothing dropped (BAR4)" 0 "$(dbg $DFL_DBG_HSSI_BUSY_CMDS)"
hw $DFL_HSSI_CMD_STATUS 0
check "hssi: SCRATCHPAD" 0 "$(rq $((H + DFL_HSSI_SCRATCHPAD)))"
check "hssi: CMD_STATUS: clear" 0 "$(hr $DFL_HSSI_CMD_STATUS)"
# qwords of the page that hold no register of the map (one the map moves
# onto them is left out)
hssi_regs=$(for r in VERSION FEATURE CMD_STATUS CTRL_ADDR READ_DATA WRITE_DATA TSE_CTRL \
		DBG_CTRL INDV_RST INDV_RST_ACK COLD_RST STATUS SCRATCHPAD PTP_STATUS; do
	eval "echo \$(( DFL_HSSI_$r & ~7 ))"
done)
for o in 0x28 0x30 0x58 0x88 0x0e0 0x110 0x7f8 0x830 0xff8; do
	! grep -qx $((o)) <<<"$hssi_regs" || continue
	wq $((H + o)) 0xffffffffffffffff
	check "hssi: +$o reads 0, ignores writes" 0 "$(rq $((H + o)))"
done
check "hssi: BAR0 0x8000, after the FME list, reads 0" 0 "$(rq 0x8040)"
# the mailbox
check "hssi: SAL firmware version" "$DFL_HSSI_FW_VERSION" "$(sal $DFL_HSSI_SAL_FW_VERSION 0)"
check "hssi: ... Ack set, Read cleared itself" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
check "hssi: SAL get profile, port 3" 0x15 "$(sal $DFL_HSSI_SAL_GET_PROFILE 3)"
sal $DFL_HSSI_SAL_SET_PROFILE 3 0x7 >/dev/null
check "hssi: ... Ack set, Write cleared itself" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
check "hssi: SAL set profile, port 3, reads back" 0x7 "$(sal $DFL_HSSI_SAL_GET_PROFILE 3)"
check "hssi: ... port 4 keeps its own" 0x15 "$(sal $DFL_HSSI_SAL_GET_PROFILE 4)"
check "hssi: SAL get MTU" "$DFL_HSSI_MTU" "$(sal $DFL_HSSI_SAL_GET_MTU 0)"
check "hssi: SAL read MAC statistics: 0 (no traffic), READ_DATA written" 0 \
	"$(sal $DFL_HSSI_SAL_READ_MAC_STAT 2)"
check "hssi: ... Ack" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
sal $DFL_HSSI_SAL_RESET_MAC_STAT 2 >/dev/null
check "hssi: SAL reset MAC statistics: Ack" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
sal $DFL_HSSI_SAL_SET_CSR $(( 1 | (0x12 << 8) )) 0xcafe >/dev/null
check "hssi: SAL set/get CSR (port 1, address 0x12)" 0xcafe "$(sal $DFL_HSSI_SAL_GET_CSR $(( 1 | (0x12 << 8) )))"
sal $DFL_HSSI_SAL_LOOPBACK_ON 2 >/dev/null
sal $DFL_HSSI_SAL_LOOPBACK_ON 5 >/dev/null
check "hssi: SAL loopback on, ports 2 and 5 (BAR4)" 0x24 "$(dbg $DFL_DBG_HSSI_LOOPBACK)"
sal $DFL_HSSI_SAL_LOOPBACK_OFF 5 >/dev/null
check "hssi: SAL loopback off, port 5" 0x4 "$(dbg $DFL_DBG_HSSI_LOOPBACK)"
sal 0x42 0 >/dev/null
check "hssi: unknown SAL command: Ack and Error" 0x14 "$(hr $DFL_HSSI_CMD_STATUS)"
sal $DFL_HSSI_SAL_GET_PROFILE 8 >/dev/null
check "hssi: port 8 (past NumPorts): Ack and Error" 0x14 "$(hr $DFL_HSSI_CMD_STATUS)"
sal $DFL_HSSI_SAL_NOP 0 >/dev/null
check "hssi: the next command clears Error" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
hw $DFL_HSSI_CMD_STATUS 0
check "hssi: Ack cleared by the user" 0 "$(hr $DFL_HSSI_CMD_STATUS)"
# one 64-bit write: CTRL_ADDR (high half) before CMD_STATUS (low half)
wq $((H + DFL_HSSI_CMD_STATUS)) $(( (DFL_HSSI_SAL_GET_PROFILE | (4 << 8)) << 32 | 1 ))
check "hssi: a 64-bit write issues CTRL_ADDR then CMD_STATUS" 0x15 "$(hr $DFL_HSSI_READ_DATA)"
# state the subsystem's ColdReset resets, and state it keeps
wq $((H + DFL_HSSI_SCRATCHPAD)) 0x0123456789abcdef
wq $((H + DFL_HSSI_INDV_RST)) 0xffff000000000000
hw $DFL_HSSI_DBG_CTRL 0x1
hw $DFL_HSSI_TSE_CTRL 0
check "hssi: TSE_CTRL MagicSleep_N is RW" 0 "$(hr $DFL_HSSI_TSE_CTRL)"
dbg_reset
# A sequence that does not wait for the acknowledge: ColdReset set and
# cleared at once.  rst_ack holds the reset until the subsystem
# acknowledges all the same, and a SAL command meanwhile is dropped.
wq $((H + DFL_HSSI_COLD_RST)) 1
check "hssi: ColdReset set, no ack yet" 1 "$(rq $((H + DFL_HSSI_COLD_RST)))"
check "hssi: ... in reset: Busy (with the last command's Ack)" 0xc "$(hr $DFL_HSSI_CMD_STATUS)"
wq $((H + DFL_HSSI_COLD_RST)) 0
check "hssi: ColdReset cleared before its ack: counted (BAR4)" 1 "$(dbg $DFL_DBG_HSSI_EARLY_RELEASES)"
sal $DFL_HSSI_SAL_LOOPBACK_OFF 2 0 >/dev/null
check "hssi: ... a SAL command then gets no Ack" 8 "$(hr $DFL_HSSI_CMD_STATUS)"
check "hssi: ... dropped (BAR4)" 1 "$(dbg $DFL_DBG_HSSI_BUSY_CMDS)"
check "hssi: ... the loopback is still on" 0x4 "$(dbg $DFL_DBG_HSSI_LOOPBACK)"
step $DFL_HSSI_ACK_NS
check "hssi: ... the acknowledge rises all the same" 2 "$(rq $((H + DFL_HSSI_COLD_RST)))"
check "hssi: ... and the reset took effect (BAR4)" 1 "$(dbg $DFL_DBG_HSSI_COLD_RESETS)"
check "hssi: ... loopback off" 0 "$(dbg $DFL_DBG_HSSI_LOOPBACK)"
step $DFL_HSSI_ACK_NS
check "hssi: ... the acknowledge falls $DFL_HSSI_ACK_NS ns later" 0 "$(rq $((H + DFL_HSSI_COLD_RST)))"
# the state again, then the handshake as the xls asks
sal $DFL_HSSI_SAL_SET_PROFILE 3 0x7 >/dev/null
sal $DFL_HSSI_SAL_LOOPBACK_ON 2 >/dev/null
sal $DFL_HSSI_SAL_SET_CSR $(( 1 | (0x12 << 8) )) 0xcafe >/dev/null
check "hssi: the state set again (loopback on port 2)" 0x4 "$(dbg $DFL_DBG_HSSI_LOOPBACK)"
dbg_reset
wq $((H + DFL_HSSI_COLD_RST)) 1
step $(( DFL_HSSI_ACK_NS - 1 ))
check "hssi: ColdReset held 1 ns short of the ack time: no ack" 1 "$(rq $((H + DFL_HSSI_COLD_RST)))"
step 1
check "hssi: ColdReset set, ColdResetAck" 3 "$(rq $((H + DFL_HSSI_COLD_RST)))"
check "hssi: ... the subsystem in reset: Busy, the mailbox cleared" 8 "$(hr $DFL_HSSI_CMD_STATUS)"
step $(( 10 * DFL_HSSI_ACK_NS ))
check "hssi: ColdReset left set: the subsystem held in reset, the ack high" 3 "$(rq $((H + DFL_HSSI_COLD_RST)))"
sal $DFL_HSSI_SAL_NOP 0 >/dev/null
check "hssi: ... a command meanwhile dropped (BAR4)" 1 "$(dbg $DFL_DBG_HSSI_BUSY_CMDS)"
wq $((H + DFL_HSSI_COLD_RST)) 1
check "hssi: one ColdReset counted (BAR4), not two" 1 "$(dbg $DFL_DBG_HSSI_COLD_RESETS)"
wq $((H + DFL_HSSI_COLD_RST)) 0
check "hssi: ColdReset cleared, ColdResetAck still set" 2 "$(rq $((H + DFL_HSSI_COLD_RST)))"
sal $DFL_HSSI_SAL_NOP 0 >/dev/null
check "hssi: ... a command before the ack falls is dropped too" 2 "$(dbg $DFL_DBG_HSSI_BUSY_CMDS)"
step $DFL_HSSI_ACK_NS
check "hssi: ColdResetAck falls $DFL_HSSI_ACK_NS ns after the clear" 0 "$(rq $((H + DFL_HSSI_COLD_RST)))"
check "hssi: ... Busy until the first command (until-cmd)" 8 "$(hr $DFL_HSSI_CMD_STATUS)"
check "hssi: ... no early release" 0 "$(dbg $DFL_DBG_HSSI_EARLY_RELEASES)"
check "hssi: ColdReset: loopback off" 0 "$(dbg $DFL_DBG_HSSI_LOOPBACK)"
check "hssi: ColdReset: port 3's profile back" 0x15 "$(sal $DFL_HSSI_SAL_GET_PROFILE 3)"
check "hssi: ColdReset: SAL CSR back to 0" 0 "$(sal $DFL_HSSI_SAL_GET_CSR $(( 1 | (0x12 << 8) )))"
check "hssi: ColdReset keeps the wrapper's SCRATCHPAD" 0x0123456789abcdef "$(rq $((H + DFL_HSSI_SCRATCHPAD)))"
check "hssi: ... and INDV_RST" 0xffff000000000000 "$(rq $((H + DFL_HSSI_INDV_RST)))"
check "hssi: ... and DBG_CTRL (assumption)" 0x1 "$(hr $DFL_HSSI_DBG_CTRL)"
check "hssi: ... and TSE_CTRL (assumption)" 0 "$(hr $DFL_HSSI_TSE_CTRL)"
check "hssi: byte access to the scratchpad" 0xef "$(qt readb $((BAR0 + H + DFL_HSSI_SCRATCHPAD)))"
check "hssi: BAR4 counts the HSSI accesses" 1 "$(( $(dbg $DFL_DBG_READS_1) >= 1 ))"
# BAR4's wedge: the subsystem never acknowledges while it is set
qt writeq $((BAR4 + DFL_DBG_HSSI_WEDGE)) 1 >/dev/null
check "hssi: wedge set (BAR4)" 1 "$(dbg $DFL_DBG_HSSI_WEDGE)"
dbg_reset
check "hssi: ... the counters' reset keeps it" 1 "$(dbg $DFL_DBG_HSSI_WEDGE)"
wq $((H + DFL_HSSI_COLD_RST)) 1
step $(( 100 * DFL_HSSI_ACK_NS ))
check "hssi: wedged: no acknowledge" 1 "$(rq $((H + DFL_HSSI_COLD_RST)))"
wq $((H + DFL_HSSI_COLD_RST)) 0
sal $DFL_HSSI_SAL_NOP 0 >/dev/null
check "hssi: wedged, ColdReset released: still in reset, a command dropped" 1 "$(dbg $DFL_DBG_HSSI_BUSY_CMDS)"
qt writeq $((BAR4 + DFL_DBG_HSSI_WEDGE)) 0 >/dev/null
step $DFL_HSSI_ACK_NS
check "hssi: resumed: the acknowledge rises $DFL_HSSI_ACK_NS ns later" 2 "$(rq $((H + DFL_HSSI_COLD_RST)))"
step $DFL_HSSI_ACK_NS
check "hssi: ... falls" 0 "$(rq $((H + DFL_HSSI_COLD_RST)))"
check "hssi: ... the reset done (BAR4)" 1 "$(dbg $DFL_DBG_HSSI_COLD_RESETS)"
check "hssi: ... the mailbox answers" "$DFL_HSSI_FW_VERSION" "$(sal $DFL_HSSI_SAL_FW_VERSION 0)"
# BAR4's SAL error: every command answers Error
qt writeq $((BAR4 + DFL_DBG_HSSI_SAL_ERROR)) 1 >/dev/null
check "hssi: SAL error set (BAR4)" 1 "$(dbg $DFL_DBG_HSSI_SAL_ERROR)"
sal $DFL_HSSI_SAL_NOP 0 >/dev/null
check "hssi: ... a NOP answers Ack and Error" 0x14 "$(hr $DFL_HSSI_CMD_STATUS)"
qt writeq $((BAR4 + DFL_DBG_HSSI_SAL_ERROR)) 0 >/dev/null
sal $DFL_HSSI_SAL_NOP 0 >/dev/null
check "hssi: ... cleared: Ack alone" 4 "$(hr $DFL_HSSI_CMD_STATUS)"

# FME 0x10, the N3000 Ethernet group: INFO, and indirect access to its
# components as linux-dfl's eth_com_{read,write}_reg do it (one 64-bit
# CTRL write, then STAT's RW_VAL)
E=$DFL_ETH_OFST
check "eth: DFH" "$DFL_ETH_DFH" "$(rq $E)"
check "eth: INFO" "$DFL_ETH_INFO_V" "$(rq $((E + DFL_ETH_INFO)))"
wq $((E + DFL_ETH_INFO)) 0
check "eth: INFO is read-only" "$DFL_ETH_INFO_V" "$(rq $((E + DFL_ETH_INFO)))"
check "eth: STAT at power-on" 0 "$(rq $((E + DFL_ETH_STAT)))"
# ectl CMD DEV ADDR [DATA] [FEAT]: one CTRL write
ectl() { wq $((E + DFL_ETH_CTRL)) $(( ($1 << 62) | ($2 << 49) | (${5:-0} << 48) | ($3 << 32) | ${4:-0} )); }
erd() { ectl 1 "$@"; rq $((E + DFL_ETH_STAT)); }
ewr() { ectl 2 "$@"; }
for l in 0 3; do
	mac=$((2 * l + 3))
	check "eth: link $l MAC PHY_CONFIG at power-on (RW_VAL, 0)" 0x100000000 "$(erd $mac $DFL_ETH_MAC_PHY_CONFIG)"
	check "eth: link $l MAC MAX_TX_SIZE at power-on" $((0x100000000 | DFL_ETH_MAC_MAX_SIZE_V)) "$(erd $mac $DFL_ETH_MAC_MAX_TX_SIZE)"
	check "eth: link $l MAC MAX_RX_SIZE at power-on" $((0x100000000 | DFL_ETH_MAC_MAX_SIZE_V)) "$(erd $mac $DFL_ETH_MAC_MAX_RX_SIZE)"
done
check "eth: INFO's PHY_NUM" "$DFL_ETH_NLINKS" $(( ($(rq $((E + DFL_ETH_INFO))) >> 8) & 0xff ))
# DFL_ETH_NLINKS MACs: the device after the last one is not a MAC
mac=$((2 * DFL_ETH_NLINKS + 3))
check "eth: device $mac (past the last MAC): no MAX_RX_SIZE" 0x100000000 "$(erd $mac $DFL_ETH_MAC_MAX_RX_SIZE)"
ewr 3 $DFL_ETH_MAC_PHY_CONFIG 0x7
check "eth: a write sets RW_VAL" 0x100000000 "$(rq $((E + DFL_ETH_STAT)))"
ewr 9 $DFL_ETH_MAC_PHY_CONFIG 0x7
ewr $((2 * DFL_ETH_NLINKS + 3)) $DFL_ETH_MAC_PHY_CONFIG 0x7
check "eth: links 0 and 3 held in reset (BAR4), no link past the last" 0x9 "$(dbg $DFL_DBG_ETH_MAC_RESET)"
ewr 5 $DFL_ETH_MAC_PHY_CONFIG 0x3
check "eth: link 1 PHY_CONFIG 3 is not all three resets" 0x9 "$(dbg $DFL_DBG_ETH_MAC_RESET)"
ewr 5 $DFL_ETH_MAC_PMA_SLOOP 0x1
check "eth: link 1 in PMA serial loopback (BAR4)" 0x2 "$(dbg $DFL_DBG_ETH_LOOPBACK)"
check "eth: ... reads back" 0x100000001 "$(erd 5 $DFL_ETH_MAC_PMA_SLOOP)"
ewr 4 0x2e1 0x1
check "eth: a PHY register (device 4) reads back" 0x100000001 "$(erd 4 0x2e1)"
check "eth: ... not the same address of its MAC (device 5)" 0x100000000 "$(erd 5 0x2e1)"
ewr 4 0x0 0x1 1
check "eth: a PHY's additional-feature register (FEAT_SELECT)" 0x100000001 "$(erd 4 0x0 0 1)"
check "eth: ... apart from its IP register 0x0" 0x100000000 "$(erd 4 0x0)"
check "eth: the wrapper (device 0) reads 0" 0x100000000 "$(erd 0 0x10)"
wq $((E + DFL_ETH_CTRL)) 0
check "eth: a CTRL write without command clears STAT" 0 "$(rq $((E + DFL_ETH_STAT)))"
qt writel $((BAR0 + E + DFL_ETH_CTRL)) 0x5 >/dev/null
check "eth: CTRL's low half alone runs nothing" 0 "$(rq $((E + DFL_ETH_STAT)))"
qt writel $((BAR0 + E + DFL_ETH_CTRL + 4)) $(( (1 << 30) | (5 << 17) | DFL_ETH_MAC_PMA_SLOOP )) >/dev/null
check "eth: ... its high half then runs the command (lo-hi 32-bit writes)" 0x100000001 "$(rq $((E + DFL_ETH_STAT)))"
check "eth: +0x20 to the end of the page reads 0" 0 "$(( $(rq $((E + 0x20))) | $(rq $((E + 0xff8))) ))"
qemu_stop

########################################################################
# Run 4c: hssi-busy=init and clear, the other readings of Busy's reset
# value (REGISTERS.md)
for mode in init clear; do
	qemu_start ",hssi-busy=$mode"
	bars_on
	if [ $mode = init ]; then
		check "hssi-busy=init: Busy at power-on" 8 "$(hr $DFL_HSSI_CMD_STATUS)"
		step $(( DFL_HSSI_ACK_NS + DFL_HSSI_BUSY_NS - 1 ))
		check "hssi-busy=init: Busy 1 ns short of $DFL_HSSI_BUSY_NS ns after the ack fell" 8 "$(hr $DFL_HSSI_CMD_STATUS)"
		sal $DFL_HSSI_SAL_FW_VERSION 0 >/dev/null
		check "hssi-busy=init: a command while Busy waits: Read, no Ack" 9 "$(hr $DFL_HSSI_CMD_STATUS)"
		step 1
		check "hssi-busy=init: ... runs when Busy clears: Ack" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
		check "hssi-busy=init: ... and its result" "$DFL_HSSI_FW_VERSION" "$(hr $DFL_HSSI_READ_DATA)"
	else
		check "hssi-busy=clear: CMD_STATUS at power-on: Ack (the xls fields' 0x4)" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
		step $DFL_HSSI_ACK_NS
		wq $((H + DFL_HSSI_COLD_RST)) 1
		step $DFL_HSSI_ACK_NS
		check "hssi-busy=clear: ColdResetAck" 3 "$(rq $((H + DFL_HSSI_COLD_RST)))"
		check "hssi-busy=clear: in reset: Ack, never Busy" 4 "$(hr $DFL_HSSI_CMD_STATUS)"
		wq $((H + DFL_HSSI_COLD_RST)) 0
		step $DFL_HSSI_ACK_NS
		check "hssi-busy=clear: out of reset, the mailbox answers" "$DFL_HSSI_FW_VERSION" \
			"$(sal $DFL_HSSI_SAL_FW_VERSION 0)"
	fi
	qemu_stop
done

########################################################################
# Run 4d: vuart-foreign-guid=on: the VUART's GUID_L, bit 0 flipped, and
# nothing else
qemu_start ",vuart-foreign-guid=on"
bars_on
check "vuart-foreign-guid: GUID_L" $((DFL_VUART_GUID_L ^ 1)) "$(rq $((DFL_VUART_OFST + 0x8)))"
check "vuart-foreign-guid: GUID_H unchanged" "$DFL_VUART_GUID_H" "$(rq $((DFL_VUART_OFST + 0x10)))"
check "vuart-foreign-guid: CSR_ADDR unchanged" $((DFL_VUART_CSR_DEFAULT << 1)) "$(rq $((DFL_VUART_OFST + 0x18)))"
qemu_stop

########################################################################
# Run 4b: eth-info=N: the Ethernet group's INFO, nothing else
for info in $DFL_ETH_INFO_10G $DFL_ETH_INFO_HOST; do
	qemu_start ",eth-info=$info"
	bars_on
	check "eth-info=$info: ETH_GROUP_INFO" "$info" "$(rq $((DFL_ETH_OFST + DFL_ETH_INFO)))"
	check "eth-info=$info: the group still walked at its offset" "$DFL_ETH_OFST" \
		"$( walk_all | sed -n 's/^\(0x1000\):.*/\1/p')"
	qemu_stop
done

########################################################################
# Run 5: layout=n6001, BAR0 as the N6001 FIM's PF0: the whole walk (FME,
# port and their features in one list), the FIU header registers that
# make it one list, the dfl_devs Linux makes of it, and the model's
# blocks at their N6001 offsets
qemu_start ",layout=n6001"
check "n6001: BAR0 size" "$DFL_N6001_BAR0_SIZE" "$(bar_size 0x10)"
bars_on
walked=$(o=0; while :; do
	v=$(rq $o); printf '%#x %#x\n' $o $v
	next=$(( (v >> 16) & 0xffffff ))
	[ $(( (v >> 40) & 1 )) -eq 1 ] || [ $next -eq 0 ] && break
	o=$((o + next))
done)
set -- $DFL_N6001_WALK
check "n6001: headers walked from BAR0 0 to the EOL" $(($# / 2)) "$(wc -l <<<"$walked")"
n=0
while [ $# -ge 2 ]; do
	n=$((n + 1))
	read -r wo wv <<<"$(sed -n "${n}p" <<<"$walked")"
	check "n6001: header $n offset" "$1" "${wo:-0}"
	check "n6001: header $n ($1) DFH" "$2" "${wv:-0}"
	shift 2
done
# REGISTERS.md's N6001 table: the same headers, in the same order
check_str "n6001: REGISTERS.md's table is the walk" "$walked" \
	"$(sed -n 's/^| n6001 | \(0x[0-9a-f]*\) | [^|]* | `\(0x[0-9a-f]*\)` |.*/\1 \2/p' "$HERE/REGISTERS.md" |
		while read -r o v; do printf '%#x %#x\n' $o $v; done)"
check "n6001: FME_HDR_CAP" "$DFL_N6001_FME_CAP" "$(rq 0x30)"
check "n6001: FME_HDR_PORT_OFST(0): implemented, BAR 7 (in this DFL)" "$DFL_N6001_PORT_OFST0" "$(rq 0x38)"
P=$DFL_N6001_PORT_HDR_OFST
check "n6001: the port header (type 4, id 1)" 0x4001 $(( ($(rq $P) >> 48 & 0xf000) | ($(rq $P) & 0xfff) ))
check "n6001: port NEXT_AFU 0 (no AFU)" 0 "$(rq $((P + 0x18)))"
check "n6001: PORT_HDR_CAP" "$DFL_N6001_PORT_CAP" "$(rq $((P + 0x30)))"
n=0
for f in $DFL_N6001_FEATURES; do
	fields "$f"
	n=$((n + 1))
	w="n6001: dfl_dev $n ($f_id)"
	check "$w DFH at its offset" "$f_dfh" "$(rq "$f_dfh_offset")"
	[ "$f_version" -ne 0 ] || continue
	check_str "$w GUID" "$(hx "$f_guid_h" "$f_guid_l")" \
		"$(hx "$(rq $((f_dfh_offset + 0x10)))" "$(rq $((f_dfh_offset + 0x8)))")"
	check_str "$w CSR block" "$(hx "$f_offset" "$f_size")" \
		"$(hx $((f_dfh_offset + ($(rq $((f_dfh_offset + 0x18))) >> 1))) $(( $(rq $((f_dfh_offset + 0x20))) >> 32 )))"
	check_str "$w first vector, irqs" "$(hx "$f_first_vector" "$f_nr_irqs")" \
		"$(hx $(( $(rq $((f_dfh_offset + 0x30))) & 0xffffffff )) $(( $(rq $((f_dfh_offset + 0x30))) >> 32 )))"
done
H=$DFL_N6001_HSSI_OFST
check "n6001: the HSSI at its N6001 offset" "$DFL_HSSI_DFH" "$(rq $H)"
check "n6001: ... its HSSI_VERSION" "$DFL_HSSI_VERSION_V" "$(qt readl $((BAR0 + H + DFL_HSSI_VERSION)))"
wq $((H + DFL_HSSI_SCRATCHPAD)) 0x5a5a
check "n6001: ... its scratchpad R/W" 0x5a5a "$(rq $((H + DFL_HSSI_SCRATCHPAD)))"
F=$DFL_N6001_VUART_OFST U=$DFL_N6001_VUART_CSR_OFST
check "n6001: the VUART's CSR block at DFH + CSR_ADDR" "$U" $((F + ($(rq $((F + 0x18))) >> 1)))
check "n6001: the VUART's LSR: THR empty, idle" "$DFL_VUART_RESET_LSR" "$(qt readb $((BAR0 + U + DFL_VUART_LSR)))"
qt writeb $((BAR0 + U + DFL_VUART_SCR)) 0x3c >/dev/null
check "n6001: the VUART's SCR R/W" 0x3c "$(qt readb $((BAR0 + U + DFL_VUART_SCR)))"
check_str "n6001: the IOPLL at its N6001 offset, after the port header" "$(hx 0x14 1)" \
	"$(hx $(( $(rq $DFL_N6001_P14_OFST) & 0xfff )) $((DFL_N6001_P14_OFST > P)))"
check "n6001: no HSSI at the default's offset" 0 "$(rq $((DFL_HSSI_OFST + DFL_HSSI_SCRATCHPAD)))"
check "n6001: no Ethernet group (INFO at the default's offset)" 0 "$(rq $((DFL_ETH_OFST + DFL_ETH_INFO)))"
qemu_stop
# layout=n6001 with vuart-csr: the 16550 moves within the VUART's page
qemu_start ",layout=n6001,vuart-csr=$DFL_VUART_CSR_ODD"
bars_on
F=$DFL_N6001_VUART_OFST U=$((DFL_N6001_VUART_OFST + DFL_VUART_CSR_ODD))
check "n6001, vuart-csr: CSR_ADDR" $((DFL_VUART_CSR_ODD << 1)) "$(rq $((F + 0x18)))"
qt writeb $((BAR0 + U + DFL_VUART_SCR)) 0x5c >/dev/null
check "n6001, vuart-csr: SCR R/W at the moved CSR block + 0x1c" 0x5c "$(qt readb $((BAR0 + U + DFL_VUART_SCR)))"
check "n6001, vuart-csr: nothing at the shipped offset" 0 \
	"$(qt readb $((BAR0 + DFL_N6001_VUART_CSR_OFST + DFL_VUART_SCR)))"
qemu_stop
for bad in "layout=n6001,msix-in-bar0=on:has no room" "layout=n6001,csr-outside-bars=on:has no room" \
	   "layout=n6001,eth-info=$DFL_ETH_INFO_10G:has no room" "layout=d5005:unknown"; do
	if timeout 20 "$QEMU" -machine q35 -accel qtest -qtest null -display none -nodefaults \
		-L /usr/share/seabios -L /usr/share/qemu \
		-device "dfl-card,${bad%%:*}" </dev/null >"$TMP/err" 2>&1; then
		check "${bad%%:*} is refused" 1 0
	else
		check "${bad%%:*} is refused" 1 "$(grep -c "${bad#*:}" "$TMP/err")"
	fi
done

# No state list: QEMU must refuse to migrate the card, not drop its state
out=$(printf 'migrate "exec:cat > /dev/null"\nquit\n' | timeout 20 "$QEMU" -machine q35 \
	-accel qtest -qtest null -display none -nodefaults -L /usr/share/seabios \
	-L /usr/share/qemu -device dfl-card -monitor stdio 2>&1) || true
check "migration is refused: a non-migratable device" 1 \
	"$(grep -c "non-migratable device '[^']*dfl-card'" <<<"$out")"

echo "dfl-card check: $checks checks, $fails failed"
[ $fails -eq 0 ]
