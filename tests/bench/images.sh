#!/bin/bash
# images.sh: pm vs podman side by side, as ratios (pm time / podman time):
#   1. import of a ~200 MB multi-layer image (docker-archive with 4 layers of ~50 MB)
#   2. `images` with 200 images in the store
# Each side gets fresh --root/--runroot temp dirs; podman runs with --runtime runc and the
# overlay driver. Usage: tests/bench/images.sh [PM_BINARY]   (PM_BENCH_MB=200 by default)
set -euo pipefail
pm=${1:-${PM_BINARY:-$(cd "$(dirname "$0")/../.." && pwd)/pm}}
mb=${PM_BENCH_MB:-200}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
work=$(mktemp -d /var/tmp/pm-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
PM=("$pm" --root "$work/pm-root" --runroot "$work/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$work/pod-run" --runtime runc --storage-driver overlay)

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

# ---- a ~200 MB docker-archive with 4 layers (random data does not compress) ----------------
img=$work/img
mkdir -p "$img/out"
layers=()
diffs=()
per=$((mb / 4))
for i in 1 2 3 4; do
	d=$img/l$i
	mkdir -p "$d/data$i"
	for j in $(seq 1 $((per / 5))); do
		head -c $((5 * 1024 * 1024)) /dev/urandom >"$d/data$i/f$j"
	done
	for j in $(seq 1 200); do echo "$i $j" >"$d/data$i/small$j"; done
	tar -C "$d" -cf "$img/l$i.tar" .
	id=$(sha256sum "$img/l$i.tar" | cut -d' ' -f1)
	mkdir -p "$img/out/$id"
	mv "$img/l$i.tar" "$img/out/$id/layer.tar"
	layers+=("\"$id/layer.tar\"")
	diffs+=("\"sha256:$id\"")
	rm -rf "$d"
done
cfg=$(printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[]}' \
	"$(IFS=,; echo "${diffs[*]}")")
cid=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
printf '%s' "$cfg" >"$img/out/$cid.json"
printf '[{"Config":"%s.json","RepoTags":["localhost/bench:latest"],"Layers":[%s]}]' "$cid" \
	"$(IFS=,; echo "${layers[*]}")" >"$img/out/manifest.json"
tar -C "$img/out" -cf "$work/bench.tar" .
rm -rf "$img"
size=$(du -m "$work/bench.tar" | cut -f1)
sync

# ---- 1. load of the multi-layer image -----------------------------------------------------
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
t=$(now); "${POD[@]}" load -q -i "$work/bench.tar" >/dev/null 2>&1; pod_load=$(elapsed "$t")
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
t=$(now); "${PM[@]}" load -i "$work/bench.tar" >/dev/null; pm_load=$(elapsed "$t")

# ---- 2. images with 200 images ----------------------------------------------------------------
small=$work/small.tar
mkdir -p "$work/s" && echo x >"$work/s/x" && tar -C "$work/s" -cf "$small" x
for i in $(seq 1 199); do
	"${PM[@]}" import -q -m "$i" "$small" "localhost/img$i:latest" >/dev/null
	"${POD[@]}" import -q -m "$i" "$small" "localhost/img$i:latest" >/dev/null 2>&1
done
"${PM[@]}" images -q | wc -l | grep -qx 200 || echo "bench: pm has $("${PM[@]}" images -q | wc -l) images" >&2
best() { # best of 5 runs
	local b=999 t e
	for _ in 1 2 3 4 5; do
		t=$(now); "$@" >/dev/null 2>&1; e=$(elapsed "$t")
		b=$(echo "if ($e < $b) $e else $b" | bc)
	done
	echo "$b"
}
pod_images=$(best "${POD[@]}" images)
pm_images=$(best "${PM[@]}" images)

printf 'load %s MB, 4 layers:  pm %.3fs  podman %.3fs  ratio %.2f (target <= 0.7)\n' "$size" \
	"$pm_load" "$pod_load" "$(echo "$pm_load / $pod_load" | bc -l)"
printf 'images (200 images):  pm %.4fs  podman %.4fs  ratio %.3f (target <= 0.1)\n' \
	"$pm_images" "$pod_images" "$(echo "$pm_images / $pod_images" | bc -l)"
"${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
