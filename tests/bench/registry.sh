#!/bin/bash
# registry.sh: pull and push, pm against `podman --runtime runc`, side by side in one run
# against the same loopback docker-registry (plain HTTP, --tls-verify=false), as ratios:
#   1. push of a 100 MiB image in 5 layers of random (incompressible) data to a fresh
#      registry each run, so every blob is sent (median of N); the first run apart (pm's
#      blob-info cache empty: from the second on it knows the digests of the layers' gzip
#      re-encodings, and sends each in one PUT of known length without hashing it); the
#      registry's CPU time per push (it hashes and writes what it gets: most of the work)
#   2. pull of that image (podman's push of it), with `rmi -af` between runs so every
#      layer is fetched and stored (median of N)
#   3. peak RSS of the whole pull (GNU time's %M: the largest of the command and the
#      children it waits for), KiB: of the 100 MiB image and of the 1 MiB busybox image,
#      for pm and podman; flat in the image size means streaming
# Targets (issue #17): pull and push <= 0.5 of podman's time; pm's peak RSS <= 16 MiB.
# The image is loaded into both stores from one docker-archive; each tool has fresh
# --root/--runroot dirs (tests/bench/lib.sh). Run it as an unprivileged user with
# subordinate ids (the rootless case), e.g. as root:
#   tests/run-system.sh --script tests/bench/registry.sh
# Usage: tests/bench/registry.sh [PM_BINARY]   (PM_BENCH_RUNS=3, PM_BENCH_MB=100)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-3}
mb=${PM_BENCH_MB:-100}
nlayers=5

die() {
	echo "bench: $*" >&2
	exit 1
}
[ -x /usr/bin/time ] || die "GNU time is not installed (package time; make deps)"
command -v docker-registry >/dev/null || die "docker-registry is not installed (make deps)"
# pm pull and push come with issue #17: without pull nothing here can be measured; without
# push, the push is not
"$pm" pull --help >/dev/null 2>&1 ||
	die "'$pm pull --help' fails: this pm has no 'pull' command; nothing measured"
has_push=1
if ! "$pm" push --help >/dev/null 2>&1; then
	has_push=
	echo "bench: '$pm push --help' fails: this pm has no 'push' command; push not measured" >&2
fi

# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
bench_setup registry

# the registry helpers of the system tests, outside bats
skip() { die "$*"; }
PM_SRCDIR=$srcdir
REG_DIR=$work/registry-0
BATS_RUN_TMPDIR=$work # the certificates registry.bash makes: removed with $work
# registry_seed's busybox files (as helpers.bash names them)
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
# fresh_registry: a new registry with empty storage on a new port, so that no push finds
# blobs already there and no client's blob cache knows a place to mount them from
nreg=0
fresh_registry() {
	registry_stop
	rm -rf "$REG_DIR"
	nreg=$((nreg + 1))
	REG_DIR=$work/registry-$nreg
	# shellcheck disable=SC2119 # no options: plain HTTP
	registry_start
}
fresh_registry
echo "registry: $REG (docker-registry $(docker-registry --version 2>/dev/null | awk '{print $NF}'))"

# ---- a docker-archive: $mb MiB in $nlayers layers of random data --------------------------
build=$work/build
mkdir -p "$build/out"
layers=()
diffs=()
per=$((mb / nlayers))
for i in $(seq 1 "$nlayers"); do
	d=$build/l$i
	mkdir -p "$d/data$i"
	for j in 1 2 3 4; do
		head -c $((per * 1024 * 1024 / 4)) /dev/urandom >"$d/data$i/f$j"
	done
	for j in $(seq 1 50); do echo "$i $j" >"$d/data$i/small$j"; done
	tar -C "$d" -cf "$build/l$i.tar" .
	id=$(sha256sum "$build/l$i.tar" | cut -d' ' -f1)
	mkdir -p "$build/out/$id"
	mv "$build/l$i.tar" "$build/out/$id/layer.tar"
	layers+=("\"$id/layer.tar\"")
	diffs+=("\"sha256:$id\"")
	rm -rf "$d"
done
arch=$(podman info --format '{{.Host.Arch}}' 2>/dev/null || echo amd64)
cfg=$(printf '{"architecture":"%s","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[]}' \
	"$arch" "$(
		IFS=,
		echo "${diffs[*]}"
	)")
cid=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
printf '%s' "$cfg" >"$build/out/$cid.json"
printf '[{"Config":"%s.json","RepoTags":["localhost/bench:latest"],"Layers":[%s]}]' "$cid" \
	"$(
		IFS=,
		echo "${layers[*]}"
	)" >"$build/out/manifest.json"
tar -C "$build/out" -cf "$work/bench.tar" .
rm -rf "$build"
size=$(du -m "$work/bench.tar" | cut -f1)
"${PM[@]}" load -q -i "$work/bench.tar" >/dev/null
"${POD[@]}" load -q -i "$work/bench.tar" >/dev/null 2>&1
rm -f "$work/bench.tar"
sync

# timed_ms CMD...: run CMD (quiet), print its wall time in ns; a failure ends the bench
timed_ns() {
	local t0 rc=0
	t0=$(now)
	"$@" >"$work/cmd.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$work/cmd.log" >&2
		die "failed ($rc): $*"
	fi
	echo $(($(now) - t0))
}

# reg_cpu_ms: the CPU time (user + system) of the running registry so far, ms
reg_cpu_ms() {
	local pid
	pid=$(head -1 "$REG_DIR/pids")
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat"
}

# ---- 1. push --------------------------------------------------------------------------------
push_pm=()
push_pod=()
cpu_pm=()
cpu_pod=()
for _ in $(seq 1 "$runs"); do
	[ -n "$has_push" ] || break
	fresh_registry
	c0=$(reg_cpu_ms)
	push_pod+=("$(timed_ns "${POD[@]}" push -q --tls-verify=false localhost/bench:latest \
		"$REG/bench:latest")")
	cpu_pod+=($(($(reg_cpu_ms) - c0)))
	fresh_registry
	c0=$(reg_cpu_ms)
	push_pm+=("$(timed_ns "${PM[@]}" push -q --tls-verify=false localhost/bench:latest \
		"$REG/bench:latest")")
	cpu_pm+=($(($(reg_cpu_ms) - c0)))
done
if [ -n "$has_push" ]; then
	pod_push=$(printf '%s\n' "${push_pod[@]}" | median)
	pm_push=$(printf '%s\n' "${push_pm[@]}" | median)
	# (median takes ns and prints ms: the CPU figures, in ms, go in as ns)
	reg_pod=$(printf '%s\n' "${cpu_pod[@]}" | awk '{ print $1 * 1000000 }' | median)
	reg_pm=$(printf '%s\n' "${cpu_pm[@]}" | awk '{ print $1 * 1000000 }' | median)
fi

# ---- 2. pull (of podman's push) and 3. peak RSS ----------------------------------------------
fresh_registry
src=$REG/bench:latest
timed_ns "${POD[@]}" push -q --tls-verify=false localhost/bench:latest "$src" >/dev/null
"${PM[@]}" rmi -af >/dev/null
"${POD[@]}" rmi -af >/dev/null 2>&1
# a warm-up pull: the registry's files in the page cache for both
timed_ns "${POD[@]}" pull -q --tls-verify=false "$src" >/dev/null
"${POD[@]}" rmi -af >/dev/null 2>&1
pull_pm=()
pull_pod=()
for _ in $(seq 1 "$runs"); do
	pull_pod+=("$(timed_ns "${POD[@]}" pull -q --tls-verify=false "$src")")
	"${POD[@]}" rmi -af >/dev/null 2>&1
	pull_pm+=("$(timed_ns "${PM[@]}" pull -q --tls-verify=false "$src")")
	"${PM[@]}" rmi -af >/dev/null
done
pod_pull=$(printf '%s\n' "${pull_pod[@]}" | median)
pm_pull=$(printf '%s\n' "${pull_pm[@]}" | median)

# peak_kib IMAGE TOOL...: GNU time's maximum resident set size of `TOOL pull IMAGE`, KiB
peak_kib() {
	local ref=$1
	shift
	/usr/bin/time -o "$work/time.out" -f %M "$@" pull -q --tls-verify=false "$ref" \
		>"$work/cmd.log" 2>&1 || {
		cat "$work/cmd.log" >&2
		die "pull failed: $*"
	}
	"$@" rmi -af >/dev/null 2>&1
	tail -1 "$work/time.out"
}
registry_seed busybox small/busybox:latest >/dev/null
rss_pm=$(peak_kib "$src" "${PM[@]}")
rss_pod=$(peak_kib "$src" "${POD[@]}")
rss_pm_small=$(peak_kib "$REG/small/busybox:latest" "${PM[@]}")
rss_pod_small=$(peak_kib "$REG/small/busybox:latest" "${POD[@]}")

if [ -n "$has_push" ]; then
	printf 'push %s MiB, %d layers:  pm %.0f ms  podman %.0f ms  ratio %.2f (target <= 0.5)\n' \
		"$size" "$nlayers" "$pm_push" "$pod_push" "$(ratio "$pm_push" "$pod_push")"
	printf '  first push (no blob-info cache):  pm %.0f ms  podman %.0f ms  ratio %.2f\n' \
		"$((push_pm[0] / 1000000))" "$((push_pod[0] / 1000000))" \
		"$(ratio "${push_pm[0]}" "${push_pod[0]}")"
	printf '  registry CPU per push (median):  pm'"'"'s %.0f ms  podman'"'"'s %.0f ms\n' \
		"$reg_pm" "$reg_pod"
else
	echo "push: not measured (pm has no push command)"
fi
printf 'pull %s MiB, %d layers:  pm %.0f ms  podman %.0f ms  ratio %.2f (target <= 0.5)\n' \
	"$size" "$nlayers" "$pm_pull" "$pod_pull" "$(ratio "$pm_pull" "$pod_pull")"
printf 'peak RSS of the pull, %s MiB image:  pm %d KiB  podman %d KiB  ratio %.2f (target: pm <= 16384 KiB)\n' \
	"$size" "$rss_pm" "$rss_pod" "$(ratio "$rss_pm" "$rss_pod")"
printf 'peak RSS of the pull, busybox (1 layer, ~1 MiB):  pm %d KiB  podman %d KiB  (pm flat: %s)\n' \
	"$rss_pm_small" "$rss_pod_small" \
	"$([ $((rss_pm - rss_pm_small)) -le 4096 ] && echo "yes, +$((rss_pm - rss_pm_small)) KiB" ||
		echo "no, +$((rss_pm - rss_pm_small)) KiB")"
