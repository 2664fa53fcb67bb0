#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make coverage` (not part of `make check`): what the suites execute of
# the series. A gcov build of the test kernel, made from a copy of the
# work tree with GCOV_PROFILE := y in the series' directories (linux/
# itself is never touched); the suites that exercise the series, one VM
# at a time, each dumping its counters (tests/guest/init, vfio_dfl_gcov=1);
# lcov merges them; scripts/coverage-report.py prints lines, functions
# and branches per file of drivers/fpga/vfio-dfl/ and of the series'
# lines in drivers/fpga/dfl.c, then every line never executed.
#
#   scripts/coverage.sh [SUITE...]     default: $COVERAGE_SUITES below
#
# Output in $CACHE/coverage: report.txt (the table and the lines),
# total.info (lcov), runs/NAME.log (each guest's output).
source "$(dirname "$0")/lib.sh"

COV=$CACHE/coverage
# The suites that drive vfio-dfl or the series' dfl core code. Not run:
# 10 (a nested QEMU, both cores, 5-11 minutes), 11 (the benchmark), 12
# (8250_dfl, no series code) and the harness controls.
COVERAGE_SUITES=(01-card 02-driver-override 03-vfio-dfl 04-vfio-dfl-irq 05-removal
	06-port-release 07-msix-overlap 08-fault-injection 09-stress 13-vfio-dfl-vuart
	14-hssi 15-eth-group 16-n6001 18-allowlist-guid)
# The directories whose objects gcov counts.
PROFILED=(drivers/fpga drivers/fpga/vfio-dfl)

# --- the gcov kernel ---------------------------------------------------------
# source_copy: $COV/src = the work tree by hard links, the profiled
# Makefiles rewritten (a new file, not through the link)
source_copy() {
	local d
	[ -e "$WORKTREE/.git" ] || "$TOP/scripts/worktree.sh"
	rm -rf "$COV/src"
	cp -al "$WORKTREE/." "$COV/src" 2>/dev/null || cp -a "$WORKTREE/." "$COV/src"
	rm -rf "$COV/src/.git"
	for d in "${PROFILED[@]}"; do
		{ cat "$WORKTREE/$d/Makefile"; echo "GCOV_PROFILE := y"; } > "$COV/src/$d/Makefile.cov"
		mv "$COV/src/$d/Makefile.cov" "$COV/src/$d/Makefile"
	done
	# the series' lines of dfl.c as this copy has them (the work tree,
	# uncommitted changes included, not HEAD)
	git -C "$WORKTREE" diff -U0 base -- drivers/fpga/dfl.c > "$COV/dfl.c.diff"
}

# build_kernel: the test kernel's fragments plus gcov, verified as
# build-kernel.sh verifies them; bzImage, modules, installed in $COV/kernel
build_kernel() {
	local K
	printf '%s\n' CONFIG_DEBUG_FS=y CONFIG_GCOV_KERNEL=y CONFIG_GCOV_PROFILE_ALL=n \
		> "$COV/gcov.config"
	mkdir -p "$COV/kbuild"
	export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$COV/src CCACHE_MAXSIZE=8G \
	       CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
	K=(make -C "$COV/src" O="$COV/kbuild" -j"$JOBS" -s CC="ccache gcc" HOSTCC="ccache gcc")
	kconfig_merge "$TOP"/config/*.config --overlay "$COV/gcov.config" > "$COV/kbuild/fragment.config"
	kconfig_allno "${K[@]}" -- "$COV/kbuild/fragment.config" >/dev/null ||
		die "gcov kernel: config fragment not satisfied (see above)"
	log "building the gcov kernel"
	"${K[@]}" bzImage modules
	rm -rf "$COV/kernel"
	mkdir -p "$COV/kernel"
	"${K[@]}" INSTALL_MOD_PATH="$COV/kernel/modules" INSTALL_MOD_STRIP=1 modules_install >/dev/null
	cp "$COV/kbuild/arch/x86/boot/bzImage" "$COV/kbuild/.config" "$COV/kernel/"
	# every profiled line at count 0, so that a file no suite reaches
	# still has its row
	lcov -q --gcov-tool gcov --rc lcov_branch_coverage=1 -c -i -d "$COV/kbuild/drivers/fpga" \
		-b "$COV/kbuild" -o "$COV/base.info" > "$COV/base.lcov.log" 2>&1 ||
		die "lcov's zero-count capture failed (see $COV/base.lcov.log)"
}

# --- the runs ----------------------------------------------------------------
# run_suite NAME: one VM on the gcov kernel; its counters decoded into
# $COV/cap/NAME beside the build's .gcno files
run_suite() {
	local name=$1 log=$COV/runs/$1.log cap=$COV/cap/$1 t0=$SECONDS rc=0
	"$TOP/scripts/vm.py" --suite "$name" --kernel "$COV/kernel/bzImage" \
		--initrd "$COV/initramfs.cpio.gz" --append vfio_dfl_gcov=1 \
		--log-dir "$COV/runs/vm-$name" > "$log" 2>&1 || rc=$?
	echo "coverage: $name: exit status $rc, $((SECONDS - t0)) s"
	[ "$rc" = 0 ] || FAILED_RUNS+=("$name")
	rm -rf "$cap"
	mkdir -p "$cap"
	if ! sed -n '/@@GCOV-BEGIN@@/,/@@GCOV-END@@/p' "$log" | sed '1d;$d' | tr -d '\r' |
		base64 -d | tar -C "$cap" -xz; then
		log "$name: no gcov counters in its output (see $log)"
		FAILED_RUNS+=("$name (no counters)")
		return
	fi
	(cd "$COV/kbuild" && find "${PROFILED[@]}" -maxdepth 1 -name '*.gcno') |
		while read -r f; do
			# the counters sit under the build directory's absolute path
			mkdir -p "$cap/$COV/kbuild/$(dirname "$f")"
			cp "$COV/kbuild/$f" "$cap/$COV/kbuild/$f"
		done
	if lcov -q --gcov-tool gcov --rc lcov_branch_coverage=1 -c -d "$cap" -b "$COV/kbuild" \
		-o "$COV/info/$name.info" > "$COV/info/$name.lcov.log" 2>&1; then
		INFOS+=(-a "$COV/info/$name.info")
	else
		log "$name: lcov failed (see $COV/info/$name.lcov.log)"
		FAILED_RUNS+=("$name (lcov)")
	fi
}

main() {
	local suites=("$@") s
	[ ${#suites[@]} -gt 0 ] || suites=("${COVERAGE_SUITES[@]}")
	command -v lcov >/dev/null || "$TOP/scripts/install-deps.sh"
	mkdir -p "$COV"
	rm -rf "$COV/runs" "$COV/info" "$COV/cap"
	mkdir -p "$COV/runs" "$COV/info"
	source_copy
	build_kernel
	VFIO_DFL_KERNEL_OUT=$COV/kernel "$TOP/scripts/mkinitramfs.sh" \
		--out "$COV/initramfs.cpio.gz" >/dev/null
	FAILED_RUNS=() INFOS=(-a "$COV/base.info")
	for s in "${suites[@]}"; do
		run_suite "$s"
	done
	lcov -q --rc lcov_branch_coverage=1 "${INFOS[@]}" -o "$COV/total.info" >/dev/null
	"$TOP/scripts/coverage-report.py" --info "$COV/total.info" --src "$COV/src" \
		--series-diff "$COV/dfl.c.diff" | tee "$COV/report.txt"
	echo "coverage: suites run: ${suites[*]}"
	# a failed suite's lines are missing from the table: it is no result
	[ ${#FAILED_RUNS[@]} -eq 0 ] || die "these suites failed on the gcov kernel: ${FAILED_RUNS[*]}"
}

main "$@"
