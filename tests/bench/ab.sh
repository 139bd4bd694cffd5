#!/bin/bash
# ab.sh OLD_PM NEW_PM: two builds of pm side by side on the hot paths, interleaved, medians
# (a refactor's "no slowdown" check; the podman ratios are the other scripts' job):
# run --rm --rootfs DIR true, run --rm IMG true, run -d + rm -f, ps -a; each with
# --network none, N rounds (PM_BENCH_RUNS, default 40). pm-monitor must sit beside each pm.
# Run it as an unprivileged user with subordinate ids.
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 2 ] || {
	echo "usage: tests/bench/ab.sh OLD_PM NEW_PM" >&2
	exit 2
}
declare -A bins=([old]="$1" [new]="$2")
n=${PM_BENCH_RUNS:-40}
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-ab.XXXXXX")
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
pmv() { # pmv old|new ARGS...
	local v=$1
	shift
	"${bins[$v]}" --root "$work/$v-root" --runroot "$work/$v-run" "$@"
}
cleanup() {
	pmv old system migrate >/dev/null 2>&1 || true
	pmv new unshare rm -rf "$work/old-root" "$work/new-root" >/dev/null 2>&1 || true
	# after the unshare, which would start new's pause process again
	pmv new system migrate >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
"$srcdir/tests/lib/mkimage.sh" "$work/img" >/dev/null
mkdir -p "$work/rootfs"
tar -C "$work/rootfs" -xf "$work/img/rootfs.tar"
for v in old new; do
	pmv "$v" load -i "$work/img/busybox-docker.tar" >/dev/null 2>&1
done

now() { date +%s%N; }
declare -A t=()
# one KEY CMD...: time CMD (in µs) into t[KEY]
one() {
	local k=$1 t0 t1
	shift
	t0=$(now)
	"$@" >/dev/null
	t1=$(now)
	t[$k]+="$(((t1 - t0) / 1000)) "
}
drm() {
	local id
	id=$(pmv "$1" run -d --network none localhost/busybox sleep 100)
	pmv "$1" rm -f "$id"
}
for _ in $(seq 1 "$n"); do
	for v in old new; do
		one "$v-rootfs" pmv "$v" run --rm --network none --rootfs "$work/rootfs" true
		one "$v-img" pmv "$v" run --rm --network none localhost/busybox true
		one "$v-drm" drm "$v"
		one "$v-ps" pmv "$v" ps -a
	done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int((NR + 1) / 2)] / 1000}'; }
printf '%-44s %9s %9s %8s\n' "median of $n, interleaved (ms)" old new new/old
for k in rootfs img drm ps; do
	case $k in
	rootfs) d="run --rm --rootfs DIR true" ;;
	img) d="run --rm IMG true" ;;
	drm) d="run -d IMG sleep 100 + rm -f" ;;
	ps) d="ps -a" ;;
	esac
	o=$(median <<<"${t[old-$k]}")
	m=$(median <<<"${t[new-$k]}")
	printf '%-44s %9s %9s %8.3f\n' "$d" "$o" "$m" "$(echo "scale=4; $m / $o" | bc)"
done
