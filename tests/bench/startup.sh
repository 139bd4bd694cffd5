#!/bin/bash
# startup.sh: start-up cost of pm against podman, side by side in one run: mean wall time and
# peak RSS (/usr/bin/time %M: the process and the children it waited for) of
#   version                                  (the binary's own start-up: loader, libraries)
#   run --rm IMG true                        (podman: --runtime runc --network none)
# on the same busybox docker-archive loaded into each, and the ratios pm/podman. Targets
# (issue 4): run time ratio <= 0.10, pm run peak RSS <= 4096 KiB. Also lists the shared
# libraries pm maps at start-up (lib/dlopen.h explains why that list is short).
# Run it as an unprivileged user with subordinate ids (the rootless case).
# Usage: tests/bench/startup.sh [PM_BINARY]   (PM_BENCH_RUNS=20 by default)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-20}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time not installed (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-startup.XXXXXX")
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

# The busybox test image as a docker-archive, loaded into both stores.
images=/var/tmp/pm-test-images
if [ ! -f "$images/busybox-docker.tar" ]; then
	images=$work/img
	"$srcdir/tests/lib/mkimage.sh" "$images" >/dev/null
fi
"${PM[@]}" load -q -i "$images/busybox-docker.tar" >/dev/null
"${POD[@]}" load -q -i "$images/busybox-docker.tar" >/dev/null
img=localhost/busybox:latest

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
# rss_kb CMD...: the largest peak RSS of 5 runs, in KiB
rss_kb() {
	local max=0 k
	for _ in 1 2 3 4 5; do
		k=$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1)
		[ "$k" -gt "$max" ] && max=$k
	done
	echo "$max"
}
ratio() { echo "scale=3; $1 / $2" | bc; }

floor=$(mean_ms unshare -Urpmnui --fork true)
pm_v_ms=$(mean_ms "${PM[@]}" version)
pod_v_ms=$(mean_ms "${POD[@]}" version)
pm_r_ms=$(mean_ms "${PM[@]}" run --rm "$img" true)
pod_r_ms=$(mean_ms "${POD[@]}" run --rm --network none "$img" true)
pm_v_rss=$(rss_kb "${PM[@]}" version)
pod_v_rss=$(rss_kb "${POD[@]}" version)
pm_r_rss=$(rss_kb "${PM[@]}" run --rm "$img" true)
pod_r_rss=$(rss_kb "${POD[@]}" run --rm --network none "$img" true)

printf 'start-up, pm vs podman --runtime runc (%s runs each)\n' "$runs"
printf '  %-34s %9s %9s %7s %10s %10s %7s\n' '' 'pm ms' 'podman ms' 'ratio' 'pm KiB' 'podman KiB' 'ratio'
printf '  %-34s %9.2f %9.2f %7.3f %10d %10d %7.3f\n' version \
	"$pm_v_ms" "$pod_v_ms" "$(ratio "$pm_v_ms" "$pod_v_ms")" \
	"$pm_v_rss" "$pod_v_rss" "$(ratio "$pm_v_rss" "$pod_v_rss")"
printf '  %-34s %9.2f %9.2f %7.3f %10d %10d %7.3f\n' 'run --rm IMG true' \
	"$pm_r_ms" "$pod_r_ms" "$(ratio "$pm_r_ms" "$pod_r_ms")" \
	"$pm_r_rss" "$pod_r_rss" "$(ratio "$pm_r_rss" "$pod_r_rss")"
printf '  floor: unshare -Urpmnui --fork true %8.2f ms\n' "$floor"
printf '  targets: run time ratio <= 0.10 (%s), pm run peak RSS <= 4096 KiB (%s)\n' \
	"$([ "$(echo "$pm_r_ms <= 0.10 * $pod_r_ms" | bc)" = 1 ] && echo met || echo MISSED)" \
	"$([ "$pm_r_rss" -le 4096 ] && echo met || echo MISSED)"
printf '  libraries pm maps at start-up: %s\n' \
	"$(LD_TRACE_LOADED_OBJECTS=1 "$pm" | awk '$1 !~ /vdso|ld-linux/ { printf "%s ", $1 }')"
