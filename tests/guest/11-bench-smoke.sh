# SPDX-License-Identifier: GPL-2.0
# The benchmark (tests/progs/vfio-dfl-bench.c), set up as `make bench`
# sets it up: card A (rp1) under dfl-pci, its HSSI (0x15) on vfio-dfl,
# 0x10 on uio_dfl; card B (rp2) whole on vfio-pci. make check
# runs it with few iterations ("smoke", the default) so that the program
# and this setup cannot rot; scripts/bench.sh runs it with "full" on the
# bench kernel. Checked: the program ran, produced every figure with the
# sample counts asked for, one event per interrupt fired, and its JSON
# parses.
# Never a timed assertion. (v2's scale figures, 256 port 0x14 features
# bound at once, are gone: vfio-dfl binds no port feature, and a card
# carries one or two of each block vfio-dfl lists.)
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

mode=${1:-smoke}
[ $# -gt 0 ] && shift
case $mode in
smoke) counts="iters=20 batch=2 irq_iters=10 open_iters=3 gap_us=200" ;;
full) counts="iters=2000 batch=8 irq_iters=3000 open_iters=50 gap_us=1000" ;;
*) echo "not ok 1 - unknown mode '$mode'"; exit 1 ;;
esac
# later KEY=VALUE arguments override the mode's
counts="$counts $*"
val() { echo " $counts " | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n1; }
ITERS=$(val iters) IRQ_ITERS=$(val irq_iters) OPEN_ITERS=$(val open_iters)
diag "mode $mode: $counts"

# The two cards: A (rp1) is the first, B (rp2) the other.
A=$(dfl_card_bdf)
B=$(dfl_other_card "$A")
ok "card A found: $A" test -n "$A"
ok "card B found: $B" test -n "$B"

# Card A's dfl_devs, one scan with shell builtins only (a fork per
# device per attribute costs minutes on the test kernel under TCG):
# "N type feature_id dfl_dev.N" lines, in creation order.
for d in /sys/bus/dfl/devices/dfl_dev.*; do
	cd -P "$d" || continue
	case $PWD in */$A/*) ;; *) continue ;; esac
	read -r t < type
	read -r id < feature_id
	echo "${d##*.} $t $id ${d##*/}"
done > /tmp/card-a.devs
cd /
sort -n /tmp/card-a.devs -o /tmp/card-a.devs
# card_devs TYPE ID: card A's dfl_devs of FIU type TYPE, feature ID
card_devs() {
	awk -v t="$(printf 0x%x "$1")" -v id="$(printf 0x%x "$2")" \
		'$2 == t && $3 == id { print $4 }' /tmp/card-a.devs
}
d15=$(card_devs 0 0x15 | head -n1)
d10=$(card_devs 0 0x10 | head -n1)
vu=$(card_devs 0 0x24 | head -n1)
ok "card A: the HSSI ($d15), 0x10 ($d10) and the VUART ($vu)" \
	test -n "$d15" -a -n "$d10" -a -n "$vu"

ok "vfio-dfl module loads" modprobe vfio-dfl
ok "vfio-pci module loads" modprobe vfio-pci
bind_to vfio-pci "$B" pci
eq "card B is bound whole to vfio-pci" vfio-pci "$(driver_of "/sys/bus/pci/devices/$B")"
bind_to vfio-dfl "$d15"
eq "card A's HSSI ($d15) is bound to vfio-dfl" vfio-dfl "$(driver_of "/sys/bus/dfl/devices/$d15")"
bind_to vfio-dfl "$vu"
eq "card A's VUART ($vu) is bound to vfio-dfl" vfio-dfl "$(driver_of "/sys/bus/dfl/devices/$vu")"
ok "uio_dfl module loads" modprobe uio_dfl
eq "card A's 0x10 ($d10) is bound to uio_dfl" uio_dfl "$(driver_of "/sys/bus/dfl/devices/$d10")"

# DFL_HSSI_OFST, DFL_HSSI_SCRATCHPAD: the HSSI's page and its scratchpad
# (the access figures, the same offsets on card B's BAR0 through
# vfio-pci; the 4 KiB pwrite writes zeros over the page, which the HSSI
# takes as no command and no reset); DFL_VUART_*: the VUART, whose interrupt both
# sides fire through its IER (card A's through vfio-dfl, card B's through
# vfio-pci's BAR0 region, MSI-X vector DFL_VUART_MSIX_START).
ok "benchmark runs ($mode)" vfio-dfl-bench run dfl="$d15" uio="$d10" pci="$B" vuart="$vu" \
	pci_off=$DFL_HSSI_OFST scratch=$DFL_HSSI_SCRATCHPAD ier=$DFL_VUART_IER \
	pci_ier=$(( DFL_VUART_CSR_OFST + DFL_VUART_IER )) pci_vector=$DFL_VUART_MSIX_START \
	uio_off=0x8 json=/tmp/bench.json mode=$mode $counts
cp /tmp/tap.out /tmp/bench.out
sed 's/^/# /' /tmp/bench.out | grep -v '^# |' | tail -n 20
J=/tmp/bench.json
ok "its JSON parses" vfio-dfl-bench validate $J

# every figure, with the sample counts asked for (vfio-dfl and each peer)
fig_counts() { grep "^{\"figure\": \"$1\"" $J | grep -o '"n": [0-9]*' | sed 's/"n": //' | tr '\n' ' '; }
for f in "pread 8 B" "pread 64 B" "pread 4 KiB" "pwrite 8 B" "pwrite 64 B" "pwrite 4 KiB"; do
	eq "figure '$f': vfio-dfl and vfio-pci, $ITERS samples each" "$ITERS $ITERS " "$(fig_counts "$f")"
done
for f in "mmap load 8 B" "mmap store 8 B"; do
	eq "figure '$f': vfio-dfl, uio_dfl and vfio-pci, $ITERS samples each" \
		"$ITERS $ITERS $ITERS " "$(fig_counts "$f")"
done
for f in "interrupt, same CPU" "interrupt, cross CPU"; do
	eq "figure '$f': $IRQ_ITERS samples each" "$IRQ_ITERS $IRQ_ITERS " "$(fig_counts "$f")"
done
eq "figure 'open to close': $OPEN_ITERS samples each" \
	"$OPEN_ITERS $OPEN_ITERS " "$(fig_counts "open to close")"
# one eventfd event per firing of the VUART's line, none lost, both cases
irq_line() { grep "^{\"case\": \"$1\"" $J | sed 's/.*"vfio-dfl": {\([^}]*\)}, "vfio-pci": {\([^}]*\)}.*/\1 \2/' | tr -d '",:' ; }
for c in "same CPU" "cross CPU"; do
	eq "interrupts, $c: one event per firing, no timeout" \
		"fired $IRQ_ITERS events $IRQ_ITERS timeouts 0 fired $IRQ_ITERS events $IRQ_ITERS timeouts 0" \
		"$(irq_line "$c")"
done

echo "@@BENCH-JSON-BEGIN@@"
cat $J
echo "@@BENCH-JSON-END@@"
echo "@@BENCH-TABLE-BEGIN@@"
grep -v '^#' /tmp/bench.out
echo "@@BENCH-TABLE-END@@"
tap_done
