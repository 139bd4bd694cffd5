#!/bin/bash
# run.sh: `pm run --rm --rootfs DIR true` against
# `podman --runtime runc run --rm --network none IMG true` on the same busybox rootfs,
# side by side in one run: mean wall time of N runs each, the ratio pm/podman, and the
# peak RSS of each CLI process (/usr/bin/time -v). Also the floor: unshare -Urpmnui --fork.
# Run it as an unprivileged user with subordinate ids (the rootless case).
# Usage: tests/bench/run.sh [PM_BINARY]   (PM_BENCH_RUNS=20 by default)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-20}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time not installed (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-run.XXXXXX")
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
PM=("$pm" --root "$work/pm-root" --runroot "$work/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$work/pod-run" --runtime runc)
cleanup() {
	"${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	podman unshare rm -rf "$work" 2>/dev/null || rm -rf "$work"
}
trap cleanup EXIT

# The busybox test image: a rootfs dir for pm, the same tree imported into podman.
"$srcdir/tests/lib/mkimage.sh" "$work/img" >/dev/null
rootfs=$work/rootfs
mkdir -p "$rootfs"
tar -C "$rootfs" -xf "$work/img/rootfs.tar"
"${POD[@]}" import -q --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	"$work/img/rootfs.tar" localhost/bench-busybox >/dev/null

now() { date +%s%N; }
# mean_ms CMD...: mean wall time over $runs runs (one warm-up run first), in ms
mean_ms() {
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; "$@"; exit 1; }
	local t0 t1
	t0=$(now)
	for _ in $(seq 1 "$runs"); do "$@" >/dev/null; done
	t1=$(now)
	echo "scale=2; ($t1 - $t0) / 1000000 / $runs" | bc
}
# rss_kb CMD...: peak RSS of the CLI process itself, in KiB
rss_kb() {
	/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
}

floor=$(mean_ms unshare -Urpmnui --fork true)
pm_ms=$(mean_ms "${PM[@]}" run --rm --network none --rootfs "$rootfs" true)
pod_ms=$(mean_ms "${POD[@]}" run --rm --network none localhost/bench-busybox true)
pm_rss=$(rss_kb "${PM[@]}" run --rm --network none --rootfs "$rootfs" true)
pod_rss=$(rss_kb "${POD[@]}" run --rm --network none localhost/bench-busybox true)

printf 'run --rm true (%s runs each)\n' "$runs"
printf '  floor  unshare -Urpmnui --fork true   %8.2f ms\n' "$floor"
printf '  pm     run --rm --rootfs DIR true     %8.2f ms   peak RSS %6d KiB\n' "$pm_ms" "$pm_rss"
printf '  podman run --rm --network none true   %8.2f ms   peak RSS %6d KiB\n' "$pod_ms" "$pod_rss"
printf '  ratio pm/podman                       %8.3f (target <= 0.10)\n' \
	"$(echo "scale=4; $pm_ms / $pod_ms" | bc)"
