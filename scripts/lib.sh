# SPDX-License-Identifier: GPL-2.0
# Common settings for the vfio-dfl harness scripts. Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything downloaded or built lives outside the repo so that fresh
# clones (CI) reuse it; override with VFIO_DFL_CACHE.
CACHE=${VFIO_DFL_CACHE:-/var/cache/vfio-dfl}
SERIES_DIR=$TOP/series
WORKTREE=${VFIO_DFL_WORKTREE:-$TOP/linux}
BASE_REPO=$CACHE/base/linux
# A second kernel (scripts/bench.sh: no debug options) builds with its own
# output directories: VFIO_DFL_KBUILD_OUT, VFIO_DFL_KERNEL_OUT.
KBUILD_OUT=${VFIO_DFL_KBUILD_OUT:-$CACHE/kbuild}
KERNEL_OUT=${VFIO_DFL_KERNEL_OUT:-$CACHE/kernel}
JOBS=${JOBS:-$(nproc)}
# ccache (the kernels, the gates, QEMU) in depend mode: on a miss it takes
# the dependencies from the compiler's own -MD output instead of running
# the preprocessor and hashing its output first. Measured here on the test
# kernel's kernel/ and mm/ (262 compiles, cold cache, -j2): 236 and 243 s
# in the default mode, 182 and 163 s in depend mode, 160 and 196 s without
# ccache; a warm rerun in depend mode took 39 s.
export CCACHE_DEPEND=1

# The one identity every patch is authored and signed off by.
PROJECT_NAME="vfio-dfl developers"
PROJECT_EMAIL="vfio-dfl@example.org"
export GIT_AUTHOR_NAME="$PROJECT_NAME" GIT_AUTHOR_EMAIL="$PROJECT_EMAIL"
export GIT_COMMITTER_NAME="$PROJECT_NAME" GIT_COMMITTER_EMAIL="$PROJECT_EMAIL"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# series/ holds one `git format-patch` series per tree it goes through,
# each a directory with its cover letter and a `series` file (its patches
# in order, and "# key: value" lines for export.sh); series/series lists
# the directories in the order they apply, each on the ones before it.
series_dirs() {
	[ -f "$SERIES_DIR/series" ] || return 0
	grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES_DIR/series" || true
}

# The patches of every series in the order `git am` applies them, each
# as DIR/FILE (relative to series/).
series_patches() {
	local d
	for d in $(series_dirs); do
		[ -f "$SERIES_DIR/$d/series" ] || die "series/series names $d, which has no series file"
		grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES_DIR/$d/series" | sed "s|^|$d/|" || true
	done
}

# series_key DIR KEY: the values of the "# KEY: value" lines of DIR/series
series_key() {
	sed -n "s/^# $2: //p" "$SERIES_DIR/$1/series" 2>/dev/null || true
}

# log_name PATCH: a DIR/FILE patch name as one file name (for logs)
log_name() { local n=${1%.patch}; echo "${n//\//_}"; }

# The apt mirror serving Debian's main archive, read from the system's
# own apt sources (deb822 or one-line format). Never hard-coded.
debian_mirror() {
	local codename uri
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	uri=$(awk -v cn="$codename" '
		/^URIs:/ { u = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == cn) { print u; exit } }
		/^[[:space:]]*$/ { u = "" }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	if [ -z "$uri" ]; then
		uri=$(awk -v cn="$codename" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) == cn) { print $i; exit } } }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1)
	fi
	[ -n "$uri" ] || die "no Debian mirror for '$codename' in the system's apt sources"
	echo "$uri"
}

# apt-get/apt-cache with a private state directory and one sources line.
# $1 = state dir, $2 = sources.list line; the rest are apt arguments.
private_apt() {
	local dir=$1 line=$2 tool=$3
	shift 3
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	printf '%s\n' "$line" > "$dir/sources.list"
	touch "$dir/status"
	"$tool" -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
		-o Dir::State::status="$dir/status" -o Debug::NoLocking=1 \
		-o APT::Sandbox::User=root "$@"
}

# Stage timing for CI logs.
stage_begin() { STAGE_NAME=$1; STAGE_T0=$(date +%s); log "stage '$1' begins"; }
stage_end() { log "stage '$STAGE_NAME' took $(( $(date +%s) - STAGE_T0 ))s"; }

# --- kernel configuration ------------------------------------------------
# Fragments are CONFIG_X=value lines merged onto allnoconfig (Kconfig's
# KCONFIG_ALLCONFIG); "CONFIG_X=n" asks for X to be off. The fragments:
# config/*.config (the test kernel), config/bench/kernel.config (an
# overlay: the bench kernel), config/cross/kernel.config (the gates'
# cross builds).

# kconfig_merge FRAGMENT... [--overlay OVERLAY]: the fragments on stdout,
# one after the other. With an overlay, the lines setting a symbol it
# names are left out of the fragments and the overlay follows them: one
# line per symbol, else kconfig_verify would hold the overridden one
# against the result.
kconfig_merge() {
	local base=() overlay=''
	while [ $# -gt 0 ]; do
		case $1 in
		--overlay) overlay=$2; shift 2 ;;
		*) base+=("$1"); shift ;;
		esac
	done
	if [ -z "$overlay" ]; then
		cat "${base[@]}"
		return
	fi
	grep -hv -f <(grep -ho '^CONFIG_[A-Za-z0-9_]*' "$overlay" | sed 's/.*/^&=/') "${base[@]}"
	cat "$overlay"
}

# kconfig_verify DOTCONFIG FRAGMENT: every CONFIG_ line of FRAGMENT holds
# in DOTCONFIG ("=n": the symbol is not set). Kconfig drops a typo or a
# symbol with unmet dependencies without a word; this is where they show.
# Each miss goes to stderr as wanted vs got; status 1 if any.
kconfig_verify() {
	local dotconfig=$1 frag=$2 l got bad=0
	while IFS= read -r l; do
		if [ "${l#*=}" = n ]; then
			grep -q "^${l%%=*}=" "$dotconfig" || continue
		else
			grep -qxF "$l" "$dotconfig" && continue
		fi
		got=$(grep "^${l%%=*}=" "$dotconfig" || echo unset)
		echo "config: wanted '$l', got '$got'" >&2
		bad=1
	done < <(grep '^CONFIG_' "$frag")
	return $bad
}

# kconfig_allno [--no-verify] MAKE... -- FRAGMENT: allnoconfig with
# FRAGMENT in the output directory MAKE names (O=), then kconfig_verify
# unless told not to.
kconfig_allno() {
	local verify=1 make=() obj='' frag
	[ "$1" != --no-verify ] || { verify=0; shift; }
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in O=*) obj=${1#O=} ;; esac
		make+=("$1")
		shift
	done
	frag=${2:?kconfig_allno: no FRAGMENT after --}
	"${make[@]}" -s KCONFIG_ALLCONFIG="$frag" allnoconfig || return 1
	[ $verify = 0 ] || kconfig_verify "${obj:?kconfig_allno: MAKE has no O=}/.config" "$frag"
}
