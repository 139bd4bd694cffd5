#!/bin/bash
# stats-profile.sh: where `pm stats --no-stream` over N running containers (default 20;
# PM_BENCH_N) spends its time, for tests/bench/stats.sh's figure: the exec floor (/bin/true)
# against `pm --version` and the stats run (medians of PM_BENCH_RUNS, default 10), the cost
# of reading each kind of file stats reads (every container's, by one cat), the syscalls
# (strace -c -w), the page faults (/usr/bin/time) and the dynamic loader's statistics.
# Diagnostic, no target: run it in the VM tier, `make vm-bench VM_BENCH=stats-profile`.
# Usage: tests/bench/stats-profile.sh [PM_BINARY]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
n=${PM_BENCH_N:-20}
runs=${PM_BENCH_RUNS:-10}
# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
bench_setup statsprof
IMG=localhost/busybox

for i in $(seq 1 "$n"); do
	"${PM[@]}" run -d --name "s$i" "$IMG" sleep 1000 >/dev/null
done

# ms CMD...: median ms of CMD over $runs runs (one warm-up)
ms() {
	"$@" >/dev/null 2>&1 || true
	for _ in $(seq 1 "$runs"); do
		t0=$(now)
		"$@" >/dev/null 2>&1 || true
		echo $(($(now) - t0))
	done | median
}

echo "# exec floor and pm (median ms of $runs)"
echo "/bin/true:            $(ms /bin/true)"
echo "busybox true:         $(ms busybox true)"
echo "pm --version:         $(ms "$pm" --version)"
echo "pm ps -a (list):      $(ms "${PM[@]}" ps -a)"
echo "pm stats --no-stream: $(ms "${PM[@]}" stats --no-stream)"

cgs=()
pids=()
for i in $(seq 1 "$n"); do
	pid=$("${PM[@]}" inspect --format '{{.State.Pid}}' "s$i")
	pids+=("$pid")
	cgs+=("/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")")
done
echo "# one cat of the file of every container (median ms of $runs; for scale, cat of nothing)"
echo "cat /dev/null:        $(ms cat /dev/null)"
for f in cpu.stat memory.current memory.stat memory.max io.stat pids.current; do
	printf '%-21s %s\n' "$f:" "$(ms cat "${cgs[@]/%//$f}")"
done
netdev=()
pidcg=()
for p in "${pids[@]}"; do
	netdev+=("/proc/$p/net/dev")
	pidcg+=("/proc/$p/cgroup")
done
echo "/proc/PID/net/dev:    $(ms cat "${netdev[@]}")"
echo "/proc/PID/cgroup:     $(ms cat "${pidcg[@]}")"
io=$( (wc -c <"${cgs[0]}/io.stat") 2>/dev/null || echo "no file (no io controller)")
echo "# memory.stat: $(wc -c <"${cgs[0]}/memory.stat") B; io.stat: $io"

if command -v strace >/dev/null; then
	echo "# strace -c -w -f pm stats --no-stream"
	strace -c -w -f -o "$work/sc" "${PM[@]}" stats --no-stream >/dev/null
	sed 's/^/#   /' "$work/sc"
	echo "# strace -c -w pm --version"
	strace -c -w -o "$work/sv" "$pm" --version >/dev/null
	sed 's/^/#   /' "$work/sv"
	echo "# strace -T pm stats: the slowest 25 calls"
	strace -T -o "$work/st" "${PM[@]}" stats --no-stream >/dev/null
	sed -n 's/^\(.*\) <\([0-9.]*\)>$/\2 \1/p' "$work/st" | sort -rn | awk 'NR <= 25' |
		cut -c1-150 | sed 's/^/#   /'
	echo "# strace -T pm stats: the time by path kind (s, calls)"
	awk '{ t = $NF; gsub(/[<>]/, "", t); k = "other";
		if ($0 ~ /config.json|state.json/) k = "record";
		else if ($0 ~ /\/proc\/[0-9]+\/stat"/) k = "proc-stat";
		else if ($0 ~ /\/proc\/[0-9]+\/cgroup/) k = "proc-cgroup";
		else if ($0 ~ /net\/dev/) k = "net-dev";
		else if ($0 ~ /memory.stat/) k = "memory.stat";
		else if ($0 ~ /\/sys\/fs\/cgroup/) k = "cgroup-other";
		else if ($0 ~ /^read\(|^close\(|^fstat|^newfstatat/) k = "read/close/fstat";
		else if ($0 ~ /^mmap|^mprotect|^munmap|^brk/) k = "memory";
		s[k] += t; c[k]++ }
		END { for (k in s) printf "#   %-18s %.4f %d\n", k, s[k], c[k] }' "$work/st" | sort -k3 -rn
fi
if [ -x /usr/bin/time ]; then
	echo "# page faults (/usr/bin/time)"
	for cmd in "/bin/true" "$pm --version" "${PM[*]} stats --no-stream"; do
		# shellcheck disable=SC2086 # split on purpose
		/usr/bin/time -f "#   %R minor, %F major, %M KB max RSS, %e s: $(basename "${cmd%% *}") ${cmd##* }" \
			$cmd >/dev/null
	done 2>&1
fi
echo "# LD_DEBUG=statistics pm --version"
LD_DEBUG=statistics "$pm" --version 2>&1 >/dev/null | sed 's/^ *[0-9]*: */#   /' | grep -v '^#   $'
