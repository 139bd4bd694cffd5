#!/bin/bash
# pod.sh: pods, pm against `podman --runtime runc`, side by side in one run, as ratios:
#   1. `pod create` + `pod start` of an empty pod (median of N; each pod is then removed
#      with `pod rm -f`, not timed)
#   2. a pod's whole cycle: `pod create -p PORT:80`, two `run -d --pod P IMG sleep 1000`,
#      `pod rm -f -t 0 P` (median of N)
#   3. memory of a running pod with two members (`sleep 1000`) and a published port:
#      - the infra process alone, VmRSS and Pss (KiB): pm's is `pause` (pm-pause, a child
#        of pm-monitor), podman 4.3's is `/catatonit -P` in its podman-pause image (a child
#        of conmon)
#      - the pod's total VmRSS: infra + members + their monitors (pm-monitor / conmon) +
#        slirp4netns; then the port forwarder (pm-port-relay / rootlessport and
#        rootlessport-child) and the total with it
# The processes are found from each tool's own records, never by name alone: pm's through
# the monitors' pids files (a container's monitor and its children: the container's init,
# for the infra also slirp4netns and the port relay), podman's through inspect (conmon
# and the container's init), slirp4netns by the infra's network namespace path in its
# command line and rootlessport by this run's XDG_RUNTIME_DIR in its environment.
# Run it as an unprivileged user with subordinate ids (the rootless case), with pm-monitor
# and pm-pause beside pm.
# Usage: tests/bench/pod.sh [PM_BINARY]   (PM_BENCH_RUNS=10 by default)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-10}
# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
bench_setup pod
IMG=localhost/busybox

# create_start_ms TOOL...: median ms of `pod create` + `pod start` over $runs pods (one
# warm-up: podman builds its pause image on its first pod); `pod rm -f` outside the clock
create_start_ms() {
	local id t0 t1 i
	for i in $(seq 0 "$runs"); do
		t0=$(now)
		id=$("$@" pod create)
		"$@" pod start "$id" >/dev/null
		t1=$(now)
		[ "$i" -eq 0 ] || echo $((t1 - t0))
		"$@" pod rm -f -t 0 "$id" >/dev/null
	done | median
}

# one_cycle PORT TOOL...: pod create -p PORT:80, two run -d --pod, pod rm -f -t 0
one_cycle() {
	local port=$1 id
	shift
	id=$("$@" pod create -p "$port:80")
	"$@" run -d --pod "$id" "$IMG" sleep 1000 >/dev/null
	"$@" run -d --pod "$id" "$IMG" sleep 1000 >/dev/null
	"$@" pod rm -f -t 0 "$id" >/dev/null
}

# cycle_ms TOOL...: median ms of one_cycle over $runs cycles (one warm-up)
cycle_ms() {
	local port t0
	port=$(free_port)
	one_cycle "$port" "$@"
	for _ in $(seq 1 "$runs"); do
		t0=$(now)
		one_cycle "$port" "$@"
		echo $(($(now) - t0))
	done | median
}

# tree PID...: the pids and all their descendants
tree() {
	local p
	for p in "$@"; do
		echo "$p"
		# shellcheck disable=SC2046 # one word per child
		[ -z "$(pgrep -P "$p")" ] || tree $(pgrep -P "$p")
	done
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo "?"; }
# sum_rss PID...: the sum of their VmRSS, KiB
sum_rss() {
	local p s=0
	for p in "$@"; do s=$((s + $(rss_kb "$p"))); done
	echo "$s"
}
comm_of() { cat "/proc/$1/comm"; }

# pod_with_members TOOL...: a pod publishing a free port, with two `sleep 1000` members;
# prints the pod id
pod_with_members() {
	local id
	id=$("$@" pod create -p "$(free_port):80")
	"$@" run -d --pod "$id" "$IMG" sleep 1000 >/dev/null
	"$@" run -d --pod "$id" "$IMG" sleep 1000 >/dev/null
	echo "$id"
}

# pm_monitor ID: the pid of a container's pm-monitor (the first field of its pids file)
pm_monitor() { cut -d' ' -f1 "$run/pm-run/containers/$1/pids"; }

pm_cs=$(create_start_ms "${PM[@]}")
pod_cs=$(create_start_ms "${POD[@]}")
pm_cycle=$(cycle_ms "${PM[@]}")
pod_cycle=$(cycle_ms "${POD[@]}")

# pm: every process of the pod is its monitor or below one
pmpod=$(pod_with_members "${PM[@]}")
pm_infra_id=$("${PM[@]}" pod inspect --format '{{.InfraContainerID}}' "$pmpod")
pm_infra=$("${PM[@]}" inspect --format '{{.State.Pid}}' "$pm_infra_id")
[ "$(comm_of "$pm_infra")" = pause ] || {
	echo "bench: pm's infra process $pm_infra is '$(comm_of "$pm_infra")', not pause" >&2
	exit 1
}
pm_infra_rss=$(rss_kb "$pm_infra")
pm_infra_pss=$(pss_kb "$pm_infra")
pm_procs=()
pm_fwd=()
for c in $("${PM[@]}" ps -q --no-trunc --filter "pod=$pmpod"); do
	mon=$(pm_monitor "$c")
	for p in $(tree "$mon"); do
		case "$(comm_of "$p")" in
		pm-port-relay) pm_fwd+=("$p") ;;
		*) pm_procs+=("$p") ;;
		esac
	done
done
pm_total=$(sum_rss "${pm_procs[@]}")
pm_fwd_rss=$(sum_rss "${pm_fwd[@]}")
pm_list=$(for p in "${pm_procs[@]}" "${pm_fwd[@]}"; do comm_of "$p"; done | sort | uniq -c |
	awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')

# podman: conmon and the container's init from inspect; slirp4netns and rootlessport
# have pid 1 as their parent
podpod=$(pod_with_members "${POD[@]}")
pod_infra_id=$("${POD[@]}" pod inspect --format '{{.InfraContainerID}}' "$podpod")
pod_infra=$("${POD[@]}" inspect --format '{{.State.Pid}}' "$pod_infra_id")
pod_infra_rss=$(rss_kb "$pod_infra")
pod_infra_pss=$(pss_kb "$pod_infra")
pod_infra_cmd=$(tr '\0' ' ' <"/proc/$pod_infra/cmdline")
pod_procs=()
pod_fwd=()
for c in $("${POD[@]}" ps -q --no-trunc --filter "pod=$podpod"); do
	read -r cpid conmon < <("${POD[@]}" inspect --format '{{.State.Pid}} {{.State.ConmonPid}}' "$c")
	pod_procs+=("$conmon" "$cpid")
done
netns=$("${POD[@]}" inspect --format '{{.NetworkSettings.SandboxKey}}' "$pod_infra_id")
for p in $(pgrep -u "$(id -u)" -x slirp4netns); do
	{ tr '\0' '\n' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qxF -- "$netns" && pod_procs+=("$p")
done
for p in $(pgrep -u "$(id -u)" -x rootlessport); do
	{ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qxF "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" &&
		mapfile -t -O "${#pod_fwd[@]}" pod_fwd < <(tree "$p")
done
[ ${#pod_procs[@]} -eq 7 ] || {
	echo "bench: podman's pod: expected 7 processes, found ${#pod_procs[@]}" >&2
	exit 1
}
pod_total=$(sum_rss "${pod_procs[@]}")
pod_fwd_rss=$(sum_rss "${pod_fwd[@]}")
pod_list=$(for p in "${pod_procs[@]}" "${pod_fwd[@]}"; do comm_of "$p"; done | sort | uniq -c |
	awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
"${PM[@]}" pod rm -f -t 0 "$pmpod" >/dev/null
"${POD[@]}" pod rm -f -t 0 "$podpod" >/dev/null

printf 'pods (%s runs each)\n' "$runs"
printf '  pod create + pod start        pm %8.2f ms    podman %8.2f ms    ratio %6.3f\n' \
	"$pm_cs" "$pod_cs" "$(ratio "$pm_cs" "$pod_cs")"
printf '  pod create -p, 2x run -d --pod, pod rm -f -t 0\n'
printf '                                pm %8.2f ms    podman %8.2f ms    ratio %6.3f\n' \
	"$pm_cycle" "$pod_cycle" "$(ratio "$pm_cycle" "$pod_cycle")"
printf '  infra VmRSS                   pm %8s KiB   podman %8s KiB   ratio %6.3f\n' \
	"$pm_infra_rss" "$pod_infra_rss" "$(ratio "$pm_infra_rss" "$pod_infra_rss")"
printf '  infra Pss                     pm %8s KiB   podman %8s KiB   ratio %6.3f\n' \
	"$pm_infra_pss" "$pod_infra_pss" "$(ratio "$pm_infra_pss" "$pod_infra_pss")"
printf '  pod VmRSS, 2 members          pm %8s KiB   podman %8s KiB   ratio %6.3f\n' \
	"$pm_total" "$pod_total" "$(ratio "$pm_total" "$pod_total")"
printf '  port forwarder VmRSS          pm %8s KiB   podman %8s KiB   ratio %6.3f\n' \
	"$pm_fwd_rss" "$pod_fwd_rss" "$(ratio "$pm_fwd_rss" "$pod_fwd_rss")"
printf '  pod VmRSS with the forwarder  pm %8s KiB   podman %8s KiB   ratio %6.3f\n' \
	"$((pm_total + pm_fwd_rss))" "$((pod_total + pod_fwd_rss))" \
	"$(ratio "$((pm_total + pm_fwd_rss))" "$((pod_total + pod_fwd_rss))")"
printf '  infra process: pm "pause" (pm-pause), podman "%s"\n' "${pod_infra_cmd% }"
printf '  pm:     %s\n' "$pm_list"
printf '  podman: %s\n' "$pod_list"
