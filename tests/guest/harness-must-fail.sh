# SPDX-License-Identifier: GPL-2.0
# Harness self-test: this script fails on purpose; vm.py must report it.
echo "about to fail deliberately"
exit 3
