#!/bin/bash
# ps.sh: `ps -a` with many containers, pm vs podman side by side, as a ratio (pm / podman).
# Each side gets fresh --root/--runroot temp dirs and N exited containers (default 1000;
# PM_BENCH_N). pm's containers are made with `pm run` once and `pm create` for the rest
# when it exists, else by copying the first record under new ids and names (ps reads only
# records); podman's with `podman create` (slow: about 0.1 s each). PM_BENCH_PODMAN_N sets
# podman's count separately (default N): with a smaller count the ratio is per container.
# Then images, volume ls and pod ps --format over PM_BENCH_OBJ_N (100) tags, volumes, pods.
# Usage: tests/bench/ps.sh [PM_BINARY]   (run as a user with subordinate ids)
set -euo pipefail
pm=${1:-${PM_BINARY:-$(cd "$(dirname "$0")/../.." && pwd)/pm}}
n=${PM_BENCH_N:-1000}
pn=${PM_BENCH_PODMAN_N:-$n}
runs=${PM_BENCH_RUNS:-5}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
images=${PM_TEST_IMAGES:-/var/tmp/pm-test-images}
[ -f "$images/busybox-docker.tar" ] || { echo "bench: no test image in $images" >&2; exit 1; }
work=$(mktemp -d /var/tmp/pm-bench-ps.XXXXXX)
PM=("$pm" --root "$work/pm-root" --runroot "$work/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$work/pod-run" --runtime runc)
cleanup() {
	"${POD[@]}" rm -a -f >/dev/null 2>&1 || true
	"${PM[@]}" unshare rm -rf "$work/pm-root" >/dev/null 2>&1 || true
	"${POD[@]}" unshare rm -rf "$work/pod-root" >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# best of $runs wall times of a command, in seconds. The clock is bash's EPOCHREALTIME (no
# process of its own inside the interval: `date` pairs added ~2.5 ms to every sample here).
best() {
	local b="" t e
	for _ in $(seq 1 "$runs"); do
		t=$EPOCHREALTIME
		"$@" >/dev/null
		e=$(echo "$EPOCHREALTIME - $t" | bc)
		if [ -z "$b" ] || [ "$(echo "$e < $b" | bc)" = 1 ]; then b=$e; fi
	done
	echo "$b"
}

# ---- pm: N records ---------------------------------------------------------------------------
"${PM[@]}" load -i "$images/busybox-docker.tar" >/dev/null
"${PM[@]}" run --name c0 localhost/busybox:latest true
db=$work/pm-root/db
first=$(ls "$db/containers")
for i in $(seq 1 $((n - 1))); do
	id=$(printf '%s' "$i-$first" | sha256sum | cut -d' ' -f1)
	cp -a "$db/containers/$first" "$db/containers/$id"
	sed -i "s/$first/$id/g; s/\"Name\":\"c0\"/\"Name\":\"c$i\"/" "$db/containers/$id/config.json"
	ln -s "$id" "$db/names/c$i"
done
[ "$("${PM[@]}" ps -a -q | wc -l)" = "$n" ] || { echo "bench: pm lists the wrong count" >&2; exit 1; }

# ---- podman: N containers --------------------------------------------------------------------
"${POD[@]}" load -q -i "$images/busybox-docker.tar" >/dev/null 2>&1
for i in $(seq 1 "$pn"); do
	"${POD[@]}" create --name "c$i" localhost/busybox:latest true >/dev/null 2>&1
done

pm_t=$(best "${PM[@]}" ps -a)
pod_t=$(best "${POD[@]}" ps -a)
pm_per=$(echo "scale=6; $pm_t / $n" | bc)
pod_per=$(echo "scale=6; $pod_t / $pn" | bc)
printf 'ps -a: pm %s s with %d containers, podman %s s with %d containers\n' "$pm_t" "$n" \
	"$pod_t" "$pn"
printf 'ps -a per container: pm %s s, podman %s s, ratio pm/podman %s (target <= 0.05)\n' \
	"$pm_per" "$pod_per" "$(echo "scale=3; $pm_per / $pod_per" | bc)"
pm_q=$(best "${PM[@]}" ps -a -q)
printf 'ps -a -q: pm %s s with %d containers\n' "$pm_q" "$n"

# ---- the template path: --format templates, each as a ratio per container (target <= 0.05) ----
ratio() { # label, pm args..., -- , podman args...
	local label=$1 a=() b=()
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	local t1 t2 p1 p2
	t1=$(best "${PM[@]}" "${a[@]}")
	t2=$(best "${POD[@]}" "${b[@]}")
	p1=$(echo "scale=6; $t1 / $n" | bc)
	p2=$(echo "scale=6; $t2 / $pn" | bc)
	printf '%s: pm %s s, podman %s s, ratio per container %s (target <= 0.05)\n' "$label" \
		"$t1" "$t2" "$(echo "scale=3; $p1 / $p2" | bc)"
}
for f in '{{.Names}}' '{{.ID}} {{.Image}} {{.Status}} {{.Names}}' \
	'table {{.ID}}\t{{.Names}}\t{{.Labels}}\t{{.Command}}' \
	'{{.Names}} {{index .Labels "k"}} {{json .Mounts}} {{.Created}}' json; do
	ratio "ps -a --format '$f'" ps -a --format "$f" -- ps -a --format "$f"
done

# ---- other lists' --format paths: M tags, volumes and pods on each side (PM_BENCH_OBJ_N,
# default 100: podman makes a volume or a pod in ~0.1-0.3 s), a ratio per object ----------
m=${PM_BENCH_OBJ_N:-100}
tags=()
for i in $(seq 1 "$m"); do tags+=("localhost/t$i:latest"); done
"${PM[@]}" tag localhost/busybox:latest "${tags[@]}"
"${POD[@]}" tag localhost/busybox:latest "${tags[@]}"
for i in $(seq 1 "$m"); do
	"${PM[@]}" volume create "v$i" >/dev/null
	"${POD[@]}" volume create "v$i" >/dev/null
	"${PM[@]}" pod create --infra=false --name "p$i" >/dev/null
	"${POD[@]}" pod create --infra=false --name "p$i" >/dev/null
done
n=$m pn=$m
for f in '{{.Repository}}:{{.Tag}} {{.ID}}' json; do
	ratio "images --format '$f'" images --format "$f" -- images --format "$f"
done
for f in '{{.Name}} {{.Driver}}' json; do
	ratio "volume ls --format '$f'" volume ls --format "$f" -- volume ls --format "$f"
done
for f in '{{.Name}} {{.Status}}' json; do
	ratio "pod ps --format '$f'" pod ps --format "$f" -- pod ps --format "$f"
done
"${PM[@]}" pod rm -a -f >/dev/null 2>&1 || true
"${POD[@]}" pod rm -a -f >/dev/null 2>&1 || true
