#!/bin/bash
# detach-rm.sh: where `pm run -d` + `pm rm -f` spend their time, split in the two commands,
# against podman's. Wall-time medians of $runs alternated rounds (one round runs each once),
# then, given STRACE_OUT_DIR, strace -f -c and strace -f -tt -T of each pm command there (run -d
# with -b execve: the trace ends where the monitor becomes pm-monitor, which lives on).
# Usage: tests/run-system.sh --script tests/bench/detach-rm.sh [PM_BINARY [STRACE_OUT_DIR]]
#   (PM_BENCH_RUNS=20 by default)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/pmd.XXXXXX")
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
PM=("$pm" --root "$work/pm-root" --runroot "$work/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$work/pod-run" --runtime runc)
have_podman=
[ -n "${PM_BENCH_NO_PODMAN:-}" ] || ! command -v podman >/dev/null || have_podman=1
cleanup() {
	"${PM[@]}" rm -a -f -t0 >/dev/null 2>&1 || true
	[ -z "$have_podman" ] || "${POD[@]}" rm -a -f -t0 >/dev/null 2>&1 || true
	[ -z "$have_podman" ] || "${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	podman unshare rm -rf "$work" 2>/dev/null || rm -rf "$work"
}
trap cleanup EXIT
images=${PM_TEST_IMAGES:-/var/tmp/pm-test-images}
"${PM[@]}" load -q -i "$images/busybox-docker.tar" >/dev/null
[ -z "$have_podman" ] || "${POD[@]}" load -q -i "$images/busybox-docker.tar" >/dev/null
img=localhost/busybox:latest

now() { date +%s%N; }
declare -A times
# time ROW CMD...: run CMD, add its wall time to ROW, its stdout in $out
time_it() {
	local row=$1 t0 t1
	shift
	t0=$(now)
	out=$("$@" 2>/dev/null)
	t1=$(now)
	times[$row]+="$(((t1 - t0) / 1000)) "
}
round() {
	time_it pm_run "${PM[@]}" run -d --network none "$img" sleep 1000
	time_it pm_rm "${PM[@]}" rm -f -t0 "$out"
	time_it pm_runn "${PM[@]}" run -d --network none --name pmbench "$img" sleep 1000
	time_it pm_rmn "${PM[@]}" rm -f pmbench
	time_it pm_create "${PM[@]}" create --network none "$img" sleep 1000
	local id=$out
	time_it pm_start "${PM[@]}" start "$id"
	time_it pm_ps "${PM[@]}" ps
	time_it pm_rm2 "${PM[@]}" rm -f -t0 "$id"
	if [ -n "$have_podman" ]; then
		time_it pod_run "${POD[@]}" run -d --network none "$img" sleep 1000
		time_it pod_rm "${POD[@]}" rm -f -t0 "$out"
	fi
}
round # warm-up
unset times
declare -A times
for _ in $(seq 1 "$runs"); do round; done
median_ms() {
	# shellcheck disable=SC2086 # the list of numbers, one word each
	printf '%s\n' ${times[$1]} | sort -n | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}
printf 'run -d / rm -f medians of %s rounds (load: %s)\n' "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
for r in pm_run pm_rm pm_runn pm_rmn pm_create pm_start pm_ps pm_rm2 pod_run pod_rm; do
	[ -n "${times[$r]:-}" ] || continue
	printf '  %-10s %9.2f ms\n' "$r" "$(median_ms $r)"
done
if [ -n "$have_podman" ]; then
	echo "  pm run+rm / podman run+rm: $(echo "scale=3; ($(median_ms pm_run) + $(median_ms pm_rm)) / ($(median_ms pod_run) + $(median_ms pod_rm))" | bc)"
fi
if [ -n "${2:-}" ]; then
	id=$(strace -f -b execve -c -o "$work/run.strace" "${PM[@]}" run -d --network none "$img" sleep 1000)
	strace -f -c -o "$work/rm.strace" "${PM[@]}" rm -f -t0 "$id" >/dev/null
	id=$(strace -f -b execve -tt -T -o "$work/run.trace" "${PM[@]}" run -d --network none "$img" sleep 1000)
	strace -f -tt -T -o "$work/rm.trace" "${PM[@]}" rm -f -t0 "$id" >/dev/null
	out=$2
	cp "$work"/run.strace "$work"/rm.strace "$work"/run.trace "$work"/rm.trace "$out/"
	echo "  strace output in $out"
fi
