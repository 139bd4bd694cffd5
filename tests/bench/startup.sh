#!/bin/bash
# startup.sh: start-up cost of pm against podman and against the floor, side by side in one
# run. Wall-time medians of $runs runs, the commands alternated (one round runs each once,
# so machine load hits every row alike):
#   floor: unshare -Urpmnui --fork --root=ROOTFS /bin/true   (namespaces + chroot, nothing else)
#   floor: bwrap --unshare-all --bind ROOTFS / ... /bin/true  (what a minimal sandbox costs)
#   pm/podman run --rm --network none IMG true
#   pm run --rm IMG true                                      (default network: slirp4netns)
#   pm run --rm --network pasta IMG true                      (when pasta is installed)
#   pm/podman run -d --network none IMG sleep 60 + rm -f -t0 (and pm's with slirp4netns)
# then the version start-up and peak RSS (/usr/bin/time %M) of pm and podman. ROOTFS is the
# busybox rootfs the test image is made of, so the floor rows run the same binary. Targets
# (issue #20): run --rm --network none <= 1.5x the bwrap floor and <= 0.05 of podman;
# default network <= 2x the bwrap floor; pasta <= 30 ms; run -d + rm -f <= 0.03 of podman;
# (issue #4) pm run peak RSS <= 4096 KiB. A podman-relative target that comes out below the
# bwrap floor of the same run is said to be out of reach there (where podman starts fast
# for the machine: no sandbox can meet it). podman runs with --runtime runc.
# Run it as an unprivileged user with subordinate ids (the rootless case).
# Usage: tests/bench/startup.sh [PM_BINARY]   (PM_BENCH_RUNS=20 by default, at least 20)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-20}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
command -v bwrap >/dev/null || { echo "bench: bwrap not installed (apt-get install bubblewrap)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time not installed (apt-get install time)" >&2; exit 1; }
# a short name: podman refuses a runroot longer than 50 characters
work=$(mktemp -d "${TMPDIR:-/tmp}/pmb.XXXXXX")
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
# the run state on a tmpfs, where both tools keep it by default ($XDG_RUNTIME_DIR/containers on
# a systemd host); without an XDG_RUNTIME_DIR on tmpfs, a directory on /dev/shm (as lib.sh)
run=$work
if [ "$(stat -f -c %T "$XDG_RUNTIME_DIR")" != tmpfs ] &&
	[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	run=$(mktemp -d /dev/shm/pmb.XXXXXX)
fi
PM=("$pm" --root "$work/pm-root" --runroot "$run/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$run/pod-run" --runtime runc)
cleanup() {
	"${PM[@]}" rm -a -f -t0 >/dev/null 2>&1 || true
	"${POD[@]}" rm -a -f -t0 >/dev/null 2>&1 || true
	"${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	podman unshare rm -rf "$work" "$run" 2>/dev/null || rm -rf "$work" "$run"
}
trap cleanup EXIT

# The busybox test image as a docker-archive, loaded into both stores; its rootfs for the
# floor rows.
images=/var/tmp/pm-test-images
if [ ! -f "$images/busybox-docker.tar" ] || [ ! -d "$images/rootfs" ]; then
	images=$work/img
	"$srcdir/tests/lib/mkimage.sh" "$images" >/dev/null
fi
rootfs=$images/rootfs
"${PM[@]}" load -q -i "$images/busybox-docker.tar" >/dev/null
"${POD[@]}" load -q -i "$images/busybox-docker.tar" >/dev/null
img=localhost/busybox:latest

pm_d_rm() { "${PM[@]}" rm -f -t0 "$("${PM[@]}" run -d --network none "$img" sleep 60)"; }
pm_d_slirp_rm() { "${PM[@]}" rm -f -t0 "$("${PM[@]}" run -d "$img" sleep 60)"; }
pod_d_rm() { "${POD[@]}" rm -f -t0 "$("${POD[@]}" run -d --network none "$img" sleep 60)"; }
rows=(unshare bwrap pm_none pod_none pm_slirp)
command -v pasta >/dev/null && rows+=(pm_pasta)
rows+=(pm_d pm_d_slirp pod_d)
declare -A label cmd
label[unshare]='floor: unshare -Urpmnui, chroot'
cmd[unshare]="unshare -Urpmnui --fork --root=$rootfs /bin/true"
label[bwrap]='floor: bwrap --unshare-all'
cmd[bwrap]="bwrap --unshare-all --bind $rootfs / --proc /proc --dev /dev /bin/true"
label[pm_none]='pm run --rm --network none'
cmd[pm_none]="${PM[*]} run --rm --network none $img true"
label[pod_none]='podman run --rm --network none'
cmd[pod_none]="${POD[*]} run --rm --network none $img true"
label[pm_slirp]='pm run --rm (slirp4netns)'
cmd[pm_slirp]="${PM[*]} run --rm $img true"
label[pm_pasta]='pm run --rm --network pasta'
cmd[pm_pasta]="${PM[*]} run --rm --network pasta $img true"
label[pm_d]='pm run -d + rm -f (none)'
cmd[pm_d]=pm_d_rm
label[pm_d_slirp]='pm run -d + rm -f (slirp4netns)'
cmd[pm_d_slirp]=pm_d_slirp_rm
label[pod_d]='podman run -d + rm -f (none)'
cmd[pod_d]=pod_d_rm

now() { date +%s%N; }
declare -A times
for r in "${rows[@]}"; do # one warm-up run each (and a check that it works)
	${cmd[$r]} >/dev/null 2>&1 || { echo "bench: '${cmd[$r]}' failed" >&2; ${cmd[$r]}; exit 1; }
done
for _ in $(seq 1 "$runs"); do
	for r in "${rows[@]}"; do
		t0=$(now)
		${cmd[$r]} >/dev/null 2>&1
		t1=$(now)
		times[$r]+="$(((t1 - t0) / 1000)) "
	done
done
# median_ms ROW: the median of its runs, in ms
median_ms() {
	# shellcheck disable=SC2086 # the list of numbers, one word each
	printf '%s\n' ${times[$1]} | sort -n | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}
ratio() { echo "scale=3; $1 / $2" | bc; }
declare -A med
for r in "${rows[@]}"; do med[$r]=$(median_ms "$r"); done

printf 'start-up medians of %s alternated runs (load: %s)\n' "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-34s %9s %9s %9s\n' '' 'ms' 'x bwrap' 'x podman'
for r in "${rows[@]}"; do
	vs_pod=-
	case $r in pm_none) vs_pod=$(ratio "${med[pm_none]}" "${med[pod_none]}") ;;
	pm_d) vs_pod=$(ratio "${med[pm_d]}" "${med[pod_d]}") ;; esac
	printf '  %-34s %9.2f %9.2f %9s\n' "${label[$r]}" "${med[$r]}" \
		"$(ratio "${med[$r]}" "${med[bwrap]}")" "$vs_pod"
done
met() { [ "$(echo "$1" | bc)" = 1 ] && echo met || echo MISSED; }
# under_floor MS: a target below what the bwrap floor takes in this same run (a sandbox with
# nothing else) cannot be met on this machine by any container manager: said beside it
under_floor() {
	[ "$(echo "$1 < ${med[bwrap]}" | bc)" = 1 ] &&
		printf '; %.2f ms here: below the bwrap floor, out of reach on this machine' "$1"
	return 0
}
printf '  target: --network none <= 1.5x bwrap (%s)\n' "$(met "${med[pm_none]} <= 1.5 * ${med[bwrap]}")"
t=$(echo "0.05 * ${med[pod_none]}" | bc)
printf '  target: --network none <= 0.05 podman (%s%s)\n' "$(met "${med[pm_none]} <= $t")" "$(under_floor "$t")"
printf '  target: slirp4netns <= 2x bwrap (%s)\n' "$(met "${med[pm_slirp]} <= 2 * ${med[bwrap]}")"
t=$(echo "0.03 * ${med[pod_d]}" | bc)
printf '  target: run -d + rm -f <= 0.03 podman (%s%s)\n' "$(met "${med[pm_d]} <= $t")" "$(under_floor "$t")"
# pasta's own start (its exec, its buffers, --config-net) is what the pasta row adds to the
# none row: the part pm waits for, beside the target
[ -z "${med[pm_pasta]:-}" ] ||
	printf '  target: pasta <= 30 ms (%s; pasta adds %.2f ms to the none row)\n' \
		"$(met "${med[pm_pasta]} <= 30")" "$(echo "${med[pm_pasta]} - ${med[pm_none]}" | bc)"

# rss_kb CMD...: the largest peak RSS of 5 runs, in KiB
rss_kb() {
	local max=0 k
	for _ in 1 2 3 4 5; do
		k=$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1)
		[ "$k" -gt "$max" ] && max=$k
	done
	echo "$max"
}
# version: the binary's own start-up (loader, libraries), medians of alternated runs
unset times
declare -A times
for _ in $(seq 1 "$runs"); do
	for r in pm_v pod_v; do
		if [ $r = pm_v ]; then c=("${PM[@]}"); else c=("${POD[@]}"); fi
		t0=$(now)
		"${c[@]}" version >/dev/null 2>&1
		t1=$(now)
		times[$r]+="$(((t1 - t0) / 1000)) "
	done
done
pm_v_rss=$(rss_kb "${PM[@]}" version)
pod_v_rss=$(rss_kb "${POD[@]}" version)
pm_r_rss=$(rss_kb "${PM[@]}" run --rm --network none "$img" true)
pod_r_rss=$(rss_kb "${POD[@]}" run --rm --network none "$img" true)
printf '  %-34s %9s %9s %7s %10s %10s %7s\n' '' 'pm ms' 'podman ms' 'ratio' 'pm KiB' 'podman KiB' 'ratio'
printf '  %-34s %9.2f %9.2f %7.3f %10d %10d %7.3f\n' version \
	"$(median_ms pm_v)" "$(median_ms pod_v)" "$(ratio "$(median_ms pm_v)" "$(median_ms pod_v)")" \
	"$pm_v_rss" "$pod_v_rss" "$(ratio "$pm_v_rss" "$pod_v_rss")"
printf '  %-34s %9s %9s %7s %10d %10d %7.3f\n' 'run --rm --network none (RSS)' - - - \
	"$pm_r_rss" "$pod_r_rss" "$(ratio "$pm_r_rss" "$pod_r_rss")"
printf '  target: pm run peak RSS <= 4096 KiB (%s)\n' "$([ "$pm_r_rss" -le 4096 ] && echo met || echo MISSED)"
printf '  libraries pm maps at start-up: %s\n' \
	"$(LD_TRACE_LOADED_OBJECTS=1 "$pm" | awk '$1 !~ /vdso|ld-linux/ { printf "%s ", $1 }')"
