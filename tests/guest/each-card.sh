# SPDX-License-Identifier: GPL-2.0
# each-card.sh SCRIPT [ARGS...]: a suite's guest script once per card of
# this boot, in PCI order, each run with DFL_PCI_DEV naming its card, its
# results relayed as "SCRIPT on CARD: ..." (tap_run). One boot then runs
# a suite on several variants of the card, as tests/suites' line for it
# gives them (--card rpN,PROP=V).
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

script=$1
shift
cards=$(dfl_cards)
need "the cards of this boot: $(echo $cards)" test -n "$cards"
for c in $cards; do
	export DFL_PCI_DEV=$c
	tap_run "${script%.sh} on $c" "/guest/$script" "$@"
done
tap_done
