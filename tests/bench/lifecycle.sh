#!/bin/bash
# lifecycle.sh: pm's daemonless lifecycle against `podman --runtime runc`, side by side in
# one run, as ratios:
#   1. a `run -d IMG sleep 1000` + `rm -f -t 0` cycle (mean of N cycles, --network none)
#   2. stop of a container whose PID 1 ignores SIGTERM (`sleep` as PID 1, no handler):
#      pm sees that and sends SIGKILL at once; podman waits the 10 s timeout
#   3. the per-container monitor's memory: pm-monitor vs conmon (VmRSS and Pss, KiB)
# Run it as an unprivileged user with subordinate ids (the rootless case).
# Usage: tests/bench/lifecycle.sh [PM_BINARY]   (PM_BENCH_RUNS=10 by default)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-10}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-life.XXXXXX")
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
PM=("$pm" --root "$work/pm-root" --runroot "$work/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$work/pod-run" --runtime runc)
cleanup() {
	"${PM[@]}" rm -af -t 0 >/dev/null 2>&1 || true
	"${POD[@]}" rm -af -t 0 >/dev/null 2>&1 || true
	"${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	podman unshare rm -rf "$work" 2>/dev/null || rm -rf "$work"
}
trap cleanup EXIT

"$srcdir/tests/lib/mkimage.sh" "$work/img" >/dev/null
"${PM[@]}" load -i "$work/img/busybox-docker.tar" >/dev/null
"${POD[@]}" load -i "$work/img/busybox-docker.tar" >/dev/null 2>&1
IMG=localhost/busybox

now() { date +%s%N; }
ms_since() { echo "scale=2; ($(now) - $1) / 1000000" | bc; }

# cycle_ms TOOL...: mean ms of run -d + rm -f over $runs cycles (one warm-up)
cycle_ms() {
	local id t0
	id=$("$@" run -d --network none "$IMG" sleep 1000)
	"$@" rm -f -t 0 "$id" >/dev/null
	t0=$(now)
	for _ in $(seq 1 "$runs"); do
		id=$("$@" run -d --network none "$IMG" sleep 1000)
		"$@" rm -f -t 0 "$id" >/dev/null
	done
	echo "scale=2; ($(now) - $t0) / 1000000 / $runs" | bc
}

# stop_ms TOOL...: ms for `stop` of `sleep 1000` as PID 1 (default timeout)
stop_ms() {
	local id t0 r
	id=$("$@" run -d --network none "$IMG" sleep 1000)
	t0=$(now)
	"$@" stop "$id" >/dev/null 2>&1
	r=$(ms_since "$t0")
	"$@" rm -f -t 0 "$id" >/dev/null 2>&1
	echo "$r"
}

# mem_kb PID: "VmRSS Pss" in KiB
mem_kb() {
	local rss pss
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status")
	pss=$(awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo "?")
	echo "$rss $pss"
}

pm_cycle=$(cycle_ms "${PM[@]}")
pod_cycle=$(cycle_ms "${POD[@]}")
pm_stop=$(stop_ms "${PM[@]}")
pod_stop=$(stop_ms "${POD[@]}")

id=$("${PM[@]}" run -d --network none "$IMG" sleep 1000)
mon=$(cut -d' ' -f1 "$work/pm-run/containers/$id/pids")
read -r pm_rss pm_pss < <(mem_kb "$mon")
"${PM[@]}" rm -f -t 0 "$id" >/dev/null
pid=$("${POD[@]}" run -d --network none "$IMG" sleep 1000)
conmon=$("${POD[@]}" inspect --format '{{.State.ConmonPid}}' "$pid")
read -r pod_rss pod_pss < <(mem_kb "$conmon")
"${POD[@]}" rm -f -t 0 "$pid" >/dev/null

printf 'lifecycle (%s cycles)\n' "$runs"
printf '  run -d + rm -f   pm %8.2f ms   podman %8.2f ms   ratio %6.3f (target <= 0.10)\n' \
	"$pm_cycle" "$pod_cycle" "$(echo "scale=4; $pm_cycle / $pod_cycle" | bc)"
printf '  stop (PID 1 ignores SIGTERM)   pm %8.2f ms   podman %8.2f ms   ratio %6.4f\n' \
	"$pm_stop" "$pod_stop" "$(echo "scale=4; $pm_stop / $pod_stop" | bc)"
printf '  monitor memory   pm-monitor VmRSS %s KiB Pss %s KiB   conmon VmRSS %s KiB Pss %s KiB\n' \
	"$pm_rss" "$pm_pss" "$pod_rss" "$pod_pss"
