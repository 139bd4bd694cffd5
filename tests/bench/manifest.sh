#!/bin/bash
# manifest.sh: pm manifest and pm search against `podman --runtime runc`, side by side in one
# run against the same loopback docker-registry (plain HTTP, --tls-verify=false), as ratios
# of medians (N runs each):
#   1. edit: manifest create LIST containers-storage:localhost/busybox, manifest add --all
#      of a registry's 3-image index, manifest inspect, manifest rm (local work plus one
#      registry read)
#   2. push: manifest push of that list (the local image and the three registry images
#      copied to a new tag of one repository, then the list)
#   3. search: search of the registry's catalog
# Run as an unprivileged user with subordinate ids:
#   tests/run-system.sh --script tests/bench/manifest.sh
# Usage: tests/bench/manifest.sh [PM_BINARY]   (PM_BENCH_RUNS=5)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-5}

die() {
	echo "bench: $*" >&2
	exit 1
}
command -v docker-registry >/dev/null || die "docker-registry is not installed (make deps)"
"$pm" manifest create --help >/dev/null 2>&1 || die "'$pm' has no manifest command"

# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
bench_setup manifest

skip() { die "$*"; }
PM_SRCDIR=$srcdir
REG_DIR=$work/registry
BATS_RUN_TMPDIR=$work
pm_test_image() {
	local d=${PM_TEST_IMAGES:-$work/img}
	[ -f "$d/rootfs.tar" ] || "$srcdir/tests/lib/mkimage.sh" "$d" >/dev/null
	case "$1" in
	rootfs-tar) echo "$d/rootfs.tar" ;;
	layer2-tar) echo "$d/layer2.tar" ;;
	*) die "pm_test_image: '$1'" ;;
	esac
}
# shellcheck source=tests/system/registry.bash
. "$srcdir/tests/system/registry.bash"
trap 'registry_stop; bench_cleanup' EXIT
# shellcheck disable=SC2119 # no options: plain HTTP
registry_start
registry_seed index idx:1 >/dev/null
echo "registry: $REG; $runs runs each; load: $(cut -d' ' -f1-3 /proc/loadavg)"

# timed NAME CMD...: run CMD, append its wall time (ns) to the array NAME
timed() {
	local -n acc=$1
	shift
	local t0
	t0=$(now)
	"$@" >/dev/null 2>&1 || die "failed: $*"
	acc+=($(($(now) - t0)))
}

edit() {
	"$@" manifest create l containers-storage:localhost/busybox &&
		"$@" manifest add --tls-verify=false --all l "docker://$REG/idx:1" &&
		"$@" manifest inspect l && "$@" manifest rm l
}

# shellcheck disable=SC2034 # filled through timed's nameref, read through ${!name}
declare -a e_pm=() e_pod=() p_pm=() p_pod=() s_pm=() s_pod=()
for i in $(seq "$runs"); do
	timed e_pm edit "${PM[@]}"
	timed e_pod edit "${POD[@]}"
	"${PM[@]}" manifest create l containers-storage:localhost/busybox >/dev/null
	"${PM[@]}" manifest add --tls-verify=false --all l "docker://$REG/idx:1" >/dev/null
	"${POD[@]}" manifest create l containers-storage:localhost/busybox >/dev/null
	"${POD[@]}" manifest add --tls-verify=false --all l "docker://$REG/idx:1" >/dev/null
	timed p_pm "${PM[@]}" manifest push -q --tls-verify=false l "$REG/m-pm:$i"
	timed p_pod "${POD[@]}" manifest push -q --tls-verify=false l "$REG/m-pod:$i"
	"${PM[@]}" manifest rm l >/dev/null
	"${POD[@]}" manifest rm l >/dev/null
	timed s_pm "${PM[@]}" search --tls-verify=false "$REG/"
	timed s_pod "${POD[@]}" search --tls-verify=false "$REG/"
done

report() {
	local what=$1 a b
	a=$(printf '%s\n' "${!2}" | median)
	b=$(printf '%s\n' "${!3}" | median)
	printf '%-8s pm %8s ms  podman %8s ms  ratio %s\n' "$what" "$a" "$b" "$(ratio "$a" "$b")"
}
report edit 'e_pm[@]' 'e_pod[@]'
report push 'p_pm[@]' 'p_pod[@]'
report search 's_pm[@]' 's_pod[@]'
