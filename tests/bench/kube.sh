#!/bin/bash
# kube.sh: Kubernetes YAML, pm against `podman --runtime runc`, side by side in one run, as
# ratios of medians (N runs each, one warm-up):
#   1. `play kube` of a pod with two containers, a ConfigMap (env and a configMap volume)
#      and a hostPort, the pod started
#   2. `kube down` of it (`play kube --down` for podman 4.3)
#   3. `generate kube` of the running pod
# Both tools keep their stores under /var/tmp and their run state on a tmpfs, as pod.sh
# (see there why). Run it as an unprivileged user with subordinate ids, with pm-monitor and
# pm-pause beside pm.
# Usage: tests/bench/kube.sh [PM_BINARY]   (PM_BENCH_RUNS=10 by default)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-10}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 not installed" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/pm-bench-kube.XXXXXX")
own_xdg=
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
	export XDG_RUNTIME_DIR=$work/xdg
	mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
	own_xdg=1
fi
run=$work
if [ "$(stat -f -c %T "$XDG_RUNTIME_DIR")" != tmpfs ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	run=$(mktemp -d /dev/shm/pm-bench-kube.XXXXXX)
fi
PM=("$pm" --root "$work/pm-root" --runroot "$run/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$run/pod-run" --runtime runc)
cleanup() {
	"${PM[@]}" pod rm -af -t 0 >/dev/null 2>&1 || true
	"${POD[@]}" pod rm -af -t 0 >/dev/null 2>&1 || true
	"${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	local pause=
	if [ -n "$own_xdg" ] && [ -f "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid" ]; then
		pause=$(cat "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid")
	fi
	# shellcheck disable=SC2016 # expanded by the inner shell
	podman unshare sh -c 'umount "$1" 2>/dev/null; rm -rf "$2" "$3"' sh \
		"$XDG_RUNTIME_DIR/netns" "$work" "$run" 2>/dev/null || true
	[ -z "$pause" ] || kill "$pause" 2>/dev/null || true
	rm -rf "$work" 2>/dev/null || true
	[ "$run" = "$work" ] || rm -rf "$run" 2>/dev/null || true
}
trap cleanup EXIT

"$srcdir/tests/lib/mkimage.sh" "$work/img" >/dev/null
"${PM[@]}" load -q -i "$work/img/busybox-docker.tar" >/dev/null
"${POD[@]}" load -q -i "$work/img/busybox-docker.tar" >/dev/null
sync

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
yaml=$work/app.yaml
cat >"$yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: page
data:
  index.html: hello
  greeting: hi
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: web
    image: localhost/busybox
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    ports:
    - containerPort: 80
      hostPort: $port
    volumeMounts:
    - name: page
      mountPath: /www
  - name: side
    image: localhost/busybox
    command: ["sleep", "1000"]
    env:
    - name: GREETING
      valueFrom:
        configMapKeyRef: {name: page, key: greeting}
  volumes:
  - name: page
    configMap:
      name: page
YAML

now() { date +%s%N; }

median() {
	sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m / 1000000 }'
}

# measure TOOL...: three medians (play, down, generate) on one line
measure() {
	local i t0 t1 t2 t3
	for i in $(seq 0 "$runs"); do
		t0=$(now)
		"$@" play kube "$yaml" >/dev/null
		t1=$(now)
		"$@" generate kube app >/dev/null
		t2=$(now)
		"$@" play kube --down "$yaml" >/dev/null
		t3=$(now)
		[ "$i" -eq 0 ] || echo "$((t1 - t0)) $((t3 - t2)) $((t2 - t1))"
	done >"$work/times"
	echo "$(cut -d' ' -f1 "$work/times" | median) $(cut -d' ' -f2 "$work/times" | median)" \
		"$(cut -d' ' -f3 "$work/times" | median)"
}

read -r pm_play pm_down pm_gen < <(measure "${PM[@]}")
read -r pod_play pod_down pod_gen < <(measure "${POD[@]}")

ratio() { echo "scale=4; $1 / $2" | bc; }
printf 'kube (%s runs each, medians)\n' "$runs"
printf '  play kube (2 containers, ConfigMap, hostPort)  pm %8.2f ms  podman %8.2f ms  ratio %6.3f\n' \
	"$pm_play" "$pod_play" "$(ratio "$pm_play" "$pod_play")"
printf '  kube down                                      pm %8.2f ms  podman %8.2f ms  ratio %6.3f\n' \
	"$pm_down" "$pod_down" "$(ratio "$pm_down" "$pod_down")"
printf '  generate kube of the running pod               pm %8.2f ms  podman %8.2f ms  ratio %6.3f\n' \
	"$pm_gen" "$pod_gen" "$(ratio "$pm_gen" "$pod_gen")"
