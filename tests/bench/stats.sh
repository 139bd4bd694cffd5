#!/bin/bash
# stats.sh: `stats --no-stream` over N running containers (default 20; PM_BENCH_N), pm
# against podman side by side in one run, as a ratio (pm / podman). Each tool gets its own
# stores (lib.sh) and N detached `sleep` containers; then `stats --no-stream` is timed
# PM_BENCH_RUNS times (default 10, after one warm-up) for each, the medians compared. Both
# print the same table (podman 4.3's columns) of the same N containers; neither waits for
# a second sample (the first CPU % is over each container's run so far).
# Needs a cgroup v2 host with a systemd user session (as the VM tier's guest: run it with
# `make vm-bench VM_BENCH=stats`, where podman's runtime is crun, PM_BENCH_RUNTIME=crun).
# Measured (VM tier, qemu TCG on a 2-core host shared with other jobs, load 3-10: every
# figure swings 2x between runs; read ratios from one run only, and /bin/true's time as the
# floor): before the issue-16 work pm 884.79 ms, podman 4618.02 ms (0.19), pm --version
# 439.73 ms; after it (pm without libcap/libseccomp/libyaml at start-up, 751 syscalls
# for the 20 containers instead of 1088, --version 45 instead of 78) pm 726.45 ms, podman
# 2678.30 ms (0.27: the load fell during podman's turn), pm --version 265.16 ms, /bin/true
# 157.89 ms. In tests/bench/stats-profile.sh's quieter minutes of that run: /bin/true 170.82,
# pm --version 260.29, pm stats 287.82 ms: the 20 containers cost pm ~30 ms, its start ~90 ms
# over the exec floor, which alone is ~0.06 of podman's stats.
# Usage: tests/bench/stats.sh [PM_BINARY]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
n=${PM_BENCH_N:-20}
runs=${PM_BENCH_RUNS:-10}
# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
	{ echo "bench: stats needs cgroup v2 (make vm-bench VM_BENCH=stats)" >&2; exit 1; }
bench_setup stats
IMG=localhost/busybox

for i in $(seq 1 "$n"); do
	"${PM[@]}" run -d --name "s$i" "$IMG" sleep 1000 >/dev/null
	"${POD[@]}" run -d --name "s$i" "$IMG" sleep 1000 >/dev/null
done

# stats_ms TOOL...: median ms of `stats --no-stream` over $runs runs (one warm-up), after
# checking that it shows the N containers
stats_ms() {
	local rows t0
	rows=$("$@" stats --no-stream --format '{{.Name}}' | wc -l)
	[ "$rows" -eq "$n" ] || { echo "bench: $1 stats shows $rows rows, not $n" >&2; exit 1; }
	for _ in $(seq 1 "$runs"); do
		t0=$(now)
		"$@" stats --no-stream >/dev/null
		echo $(($(now) - t0))
	done | median
}

pm_ms=$(stats_ms "${PM[@]}")
pod_ms=$(stats_ms "${POD[@]}")
# the fixed cost of starting each tool, for scale
pm_v=$(for _ in $(seq 1 "$runs"); do t0=$(now); "$pm" --version >/dev/null; echo $(($(now) - t0)); done | median)
pod_v=$(for _ in $(seq 1 "$runs"); do t0=$(now); podman --version >/dev/null; echo $(($(now) - t0)); done | median)
true_ms=$(for _ in $(seq 1 "$runs"); do t0=$(now); /bin/true; echo $(($(now) - t0)); done | median)
echo "# one report of each (the first rows):"
# (sed reads it all: head's early exit would kill the writer with SIGPIPE, and pipefail this)
"${PM[@]}" stats --no-stream | sed -n '1,3s/^/#   pm:     /p'
"${POD[@]}" stats --no-stream | sed -n '1,3s/^/#   podman: /p'
printf 'stats --no-stream over %d containers: pm %s ms, podman %s ms (median of %d)\n' \
	"$n" "$pm_ms" "$pod_ms" "$runs"
printf 'ratio pm/podman %s (target <= 0.10)\n' "$(ratio "$pm_ms" "$pod_ms")"
printf '(for scale: --version takes pm %s ms, podman %s ms; /bin/true %s ms)\n' "$pm_v" "$pod_v" \
	"$true_ms"
