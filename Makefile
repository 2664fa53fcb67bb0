# SPDX-License-Identifier: GPL-2.0
# vfio-dfl: the patch series lives in series/; everything else is harness.
# Run as root on Debian 12. See README.md.

S := scripts

.PHONY: demo check deps base worktree export gates kernel qemu progs initramfs modules vm

demo:		## build everything and show vfio-dfl working in the VM
	@$(S)/demo.sh

check:		## all tests; last line "N passed, N failed"
	@$(S)/check.sh

deps:		## Debian packages (idempotent)
	@$(S)/install-deps.sh
base:		## fetch and extract Debian's linux-source-7.3 (cached)
	@$(S)/fetch-base.sh
worktree:	## linux/ = base + series/ applied with git am
	@$(S)/worktree.sh
export:		## linux/ commits -> series/ (git format-patch)
	@$(S)/export.sh
gates:		## per-patch W=1 C=1, checkpatch --strict, kernel-doc
	@$(S)/gates.sh
kernel:		## build the test kernel from linux/
	@$(S)/build-kernel.sh
qemu:		## build QEMU 7.2 with the DFL card model
	@$(S)/build-qemu.sh
progs:		## guest test programs and kselftests
	@$(S)/build-progs.sh
initramfs:	## guest initramfs
	@$(S)/mkinitramfs.sh
modules:	## the series as modules and a DKMS .deb for Debian's stock kernel
	@$(S)/build-modules.sh
vm:		## boot one VM: SUITE=NN-name (a line of tests/suites), or SCRIPT=path ARGS=...
	@$(S)/vm.py $(VMFLAGS) $(if $(SUITE),--suite $(SUITE)) $(SCRIPT) $(ARGS)

# Not part of `make check` (which runs the benchmark once, smoke mode, on
# the test kernel: tests/guest/11-bench-smoke.sh).
.PHONY: bench coverage
bench:		## vfio-dfl vs vfio-pci and uio_dfl, one VM, non-debug kernel
	@$(S)/bench.sh
coverage:	## gcov: what the suites execute of the series (SUITES=... for some)
	@$(S)/coverage.sh $(SUITES)
