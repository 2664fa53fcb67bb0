# SPDX-License-Identifier: GPL-2.0
# Harness control for kunit_results (tests/guest/lib/dfl.sh): it must
# fail a KUnit suite that did not run and a case that failed, and pass
# the cases that did. This VM boots with kunit.autorun=0, so:
#   1. the series' vfio-dfl suite, loaded as suite 03 loads it, registers
#      and runs nothing: its results must read as failed (no case line);
#   2. the harness's own control suite (tests/kunit-control), run by hand
#      through debugfs, has one failing case among passing ones: exactly
#      that case must fail.
# scripts/check.sh (judge_controls) checks each of those lines and that
# nothing else failed.
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

# (kunit.autorun is not readable at run time: its sysfs mode is 0)
ok "this boot has kunit.autorun=0" grep -qw kunit.autorun=0 /proc/cmdline
kunit_results vfio_dfl_test vfio-dfl

ok "the control module loads" modprobe harness_kunit_control
run=/sys/kernel/debug/kunit/harness-kunit-control/run
ok "the control suite runs from debugfs" sh -c "echo run > $run"
kunit_report harness-kunit-control
tap_done
