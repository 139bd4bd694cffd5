#!/bin/bash
# kube.sh: Kubernetes YAML, pm against `podman --runtime runc`, side by side in one run, as
# ratios of medians (N runs each, one warm-up):
#   1. `play kube` of a pod with two containers, a ConfigMap (env and a configMap volume)
#      and a hostPort, the pod started
#   2. `kube down` of it (`play kube --down` for podman 4.3)
#   3. `generate kube` of the running pod
# Both tools keep their stores under /var/tmp and their run state on a tmpfs (lib.sh says
# why). Run it as an unprivileged user with subordinate ids, with pm-monitor and
# pm-pause beside pm.
# Usage: tests/bench/kube.sh [PM_BINARY]   (PM_BENCH_RUNS=10 by default)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-10}
# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
bench_setup kube

port=$(free_port)
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

printf 'kube (%s runs each, medians)\n' "$runs"
printf '  play kube (2 containers, ConfigMap, hostPort)  pm %8.2f ms  podman %8.2f ms  ratio %6.3f\n' \
	"$pm_play" "$pod_play" "$(ratio "$pm_play" "$pod_play")"
printf '  kube down                                      pm %8.2f ms  podman %8.2f ms  ratio %6.3f\n' \
	"$pm_down" "$pod_down" "$(ratio "$pm_down" "$pod_down")"
printf '  generate kube of the running pod               pm %8.2f ms  podman %8.2f ms  ratio %6.3f\n' \
	"$pm_gen" "$pod_gen" "$(ratio "$pm_gen" "$pod_gen")"
