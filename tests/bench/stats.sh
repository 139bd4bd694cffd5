#!/bin/bash
# stats.sh: `stats --no-stream` over N running containers (default 20; PM_BENCH_N), pm
# against podman side by side in one run, as a ratio (pm / podman). Each tool gets its own
# stores (lib.sh) and N detached `sleep` containers; then `stats --no-stream` is timed
# PM_BENCH_RUNS times (default 10, after one warm-up) for each, the medians compared. Both
# print the same table (podman 4.3's columns) of the same N containers; neither waits for
# a second sample (the first CPU % is over each container's run so far).
# Needs a cgroup v2 host with a systemd user session (as the VM tier's guest: run it with
# `make vm-bench VM_BENCH=stats`, where podman's runtime is crun, PM_BENCH_RUNTIME=crun).
# Measured (VM tier, qemu TCG on a 2-core host shared with other jobs: figures swing 2-4x
# with the host's load; compare within one run, with /bin/true as the exec floor). Issue 16,
# quiet host, the same guest image, one run each: before (pm linking libcap, libseccomp,
# libyaml; 1088 syscalls for 20 containers, 78 for --version) pm 158.37 ms, podman
# 696.33 ms, ratio 0.227, /bin/true 72.88 ms; after (libc and jansson only; 751 and 45
# syscalls) pm 200.53 ms, podman 1135.88 ms, ratio 0.177, /bin/true 100.47 ms. Loaded host
# (load 3-10): before 884.79 / 4618.02 (0.19), after 726.45 / 2678.30 (0.27). /bin/true alone
# is 0.09-0.10 of podman's stats here: the 0.10 target is the exec floor under TCG.
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
