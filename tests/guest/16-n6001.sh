# SPDX-License-Identifier: GPL-2.0
# The card in a shipping card's layout (-device dfl-card,layout=n6001:
# BAR0 as the N6001 FIM's PF0, qemu/dfl-card-map.sh): the dfl core walks
# the whole list, FME and port in one DFL as the FIM chains them, without
# a warning; the dfl_devs are the map's, in order; dfl-fme and dfl-afu
# take what is theirs; vfio-dfl takes the HSSI and the VUART at their
# N6001 offsets and refuses every other feature. Then suites 12 and 14
# run unchanged on this layout, in this boot. On a real N6001 (with
# DFL_PCI_DEV and DFL_LAYOUT=n6001 set) the checks hold too, but the vfio-dfl loop takes every
# dfl_dev from its driver for a moment (the PMCI's, the QSFPs'): run it
# only on a card nothing else uses.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

bdf=$(dfl_card_bdf)
need "card found ($bdf)" test -n "$bdf"
need "the guest is told the N6001's layout (dfl_card_layout=n6001, or DFL_LAYOUT)" test "$DFL_LAYOUT" = n6001
need "the card has it: BAR0 is the N6001's $((DFL_N6001_BAR0_SIZE >> 20)) MiB, the HSSI's and the VUART's DFHs at their offsets" \
	test "$(bar0_size "$bdf") $(dfh_id "$bdf" "$DFL_N6001_HSSI_OFST") $(dfh_id "$bdf" "$DFL_N6001_VUART_OFST")" = \
	"$((DFL_N6001_BAR0_SIZE)) 0x15 0x24"
eq "dfl-pci binds the card" dfl-pci "$(driver_of /sys/bus/pci/devices/$bdf)"

# The enumeration's messages: nothing at warning level or above from the
# DFL drivers or about the card (busybox dmesg -r: "<level>" prefixes,
# 0-4 are emerg..warning).
ok "the kernel log still holds the card's enumeration, with levels (dmesg -r)" sh -c \
	"dmesg -r | grep -E '^<[0-7]>' | grep -q 'dfl-pci $bdf: VUART: declared CSR size'"
dmesg -r | grep -E '^<[0-4]>' > /tmp/warn.all
grep -iE "$bdf|dfl|fpga|fme|afu|port\.|uart|ttyS" /tmp/warn.all > /tmp/warn.card
diag "kernel messages at warning level or above: $(wc -l < /tmp/warn.all), about the card: $(wc -l < /tmp/warn.card)"
sed 's/^/# /' /tmp/warn.all
eq "no warning or error about the card or from a DFL driver" "" "$(cat /tmp/warn.card)"

# The FIUs and what their drivers take of the walk
fme=$(ls /sys/bus/platform/drivers/dfl-fme/ | grep '^dfl-fme\.' | head -n1)
port=$(ls /sys/bus/platform/drivers/dfl-port/ | grep '^dfl-port\.' | head -n1)
ok "dfl-fme probed ($fme)" test -n "$fme"
ok "dfl-afu probed ($port): the port header at BAR0 $(printf %#x $DFL_N6001_PORT_HDR_OFST), in the FME's list" test -n "$port"
F=/sys/bus/platform/devices/$fme
ok "dfl-fme drives the global error feature (0x4): $fme/errors" test -d "$F/errors"
ok "dfl-fme drives the thermal feature (0x1): a hwmon under $fme" sh -c "ls -d $F/hwmon/hwmon*"
ok "dfl-fme drives partial reconfiguration (0x5): its FPGA manager" sh -c "ls -d $F/dfl-fme-mgr.*"
ok "dfl-afu drives the port's error feature (0x10): $port/errors" test -d "/sys/bus/platform/devices/$port/errors"

# The dfl_devs: the map's, in the order of the walk (dfl_dev.N numbers)
want= got=
for f in $DFL_FEATURES; do
	want="$want $(feature_field "$f" fiu):0x$(printf %x $(( $(feature_field "$f" id) )))"
done
for n in $(ls /sys/bus/dfl/devices | sed -n 's/^dfl_dev\.//p' | sort -n); do
	d=/sys/bus/dfl/devices/dfl_dev.$n
	[ "$(dfl_dev_card "dfl_dev.$n")" = "$bdf" ] || continue
	got="$got $(( $(cat $d/type) )):$(cat $d/feature_id)"
done
eq "the dfl_devs, in order: GLBL_PERF (id 0), QSFP0/1, HSSI, EMIF, PMCI, ST2MM, VUART; the IOPLL" \
	"$want" "$got"
eq "dfl_dev count" "$DFL_NR_FEATURES" "$(dfl_dev_count)"

# vfio-dfl: the two allowlisted blocks bind at their N6001 offsets; no
# other dfl_dev is ever offered to it (its id table is the allowlist), so
# none binds and vfio-dfl never probes one.
modprobe vfio-dfl
rm -f /tmp/seen
for f in $DFL_FEATURES; do
	t=$(feature_field "$f" fiu) id=0x$(printf %x $(( $(feature_field "$f" id) )))
	for d in $(ls /sys/bus/dfl/devices | grep '^dfl_dev\.'); do
		D=/sys/bus/dfl/devices/$d
		[ "$(( $(cat $D/type) )):$(cat $D/feature_id)" = "$t:$id" ] || continue
		[ "$(dfl_dev_card "$d")" = "$bdf" ] || continue
		grep -qx "$d" /tmp/seen 2>/dev/null && continue
		echo "$d" >> /tmp/seen
		dmesg_mark
		bind_to vfio-dfl "$d"
		case $t:$id in
		0:0x15|0:0x24)
			eq "$d (type $t feature $id) binds vfio-dfl" vfio-dfl "$(driver_of $D)"
			if [ "$id" = 0x15 ]; then
				eq "$d: its region starts with the HSSI's DFH (BAR0 $(printf %#x $DFL_HSSI_OFST))" \
					"$(printf %016x $DFL_HSSI_DFH)" "$(reg64_hex "$d" 0)"
			else
				eq "$d: its region is the 16550 at BAR0 $(printf %#x $DFL_VUART_CSR_OFST) (LSR: THR empty, idle)" \
					"$(printf %02x $DFL_VUART_RESET_LSR)" "$(vfio-dfl-tool pread "$d" $DFL_VUART_LSR 1)"
			fi
			;;
		*)
			eq "$d (type $t feature $id) is not bound" none "$(driver_of $D)"
			eq "$d: vfio-dfl never probed it" 0 "$(dmesg_new | grep -c "$d: .*vfio-dfl")"
			;;
		esac
		bind_to "" "$d"
	done
done
rm -f /tmp/seen

# Suites 12 and 14, unchanged, on this layout in this boot (a boot of
# their own each cost about 35 VM-seconds): tap_run relays their
# results and checks each script's plan and exit status.
for s in 12-vuart 14-hssi; do
	tap_run "$s" "/guest/$s.sh"
done
tap_done
