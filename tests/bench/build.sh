#!/bin/bash
# build.sh: pm build against `podman --runtime runc build`, side by side in one run, as
# ratios (pm time / podman time), each the median of N runs:
#   1. a fresh 10-step build of a small image (FROM, COPY, 5 RUN, ENV, WORKDIR, CMD) with
#      --no-cache, so every step runs and is committed
#   2. the same build again, every step from the cache
# Targets (issue #19): fresh <= 0.3, from cache <= 0.2 of podman's time.
# Each tool has fresh --root/--runroot dirs with the busybox test image (tests/bench/lib.sh).
# Run it as an unprivileged user with subordinate ids (the rootless case), e.g. as root:
#   tests/run-system.sh --script tests/bench/build.sh
# Usage: tests/bench/build.sh [PM_BINARY]   (PM_BENCH_RUNS=3)
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-3}

die() {
	echo "bench: $*" >&2
	exit 1
}
"$pm" build --help >/dev/null 2>&1 || die "'$pm build --help' fails: no 'build' command"

# shellcheck source=tests/bench/lib.sh
. "$srcdir/tests/bench/lib.sh"
bench_setup build

ctx=$work/ctx
mkdir -p "$ctx/app"
for i in $(seq 1 20); do echo "file $i" >"$ctx/app/f$i"; done
cat >"$ctx/Containerfile" <<'CF'
FROM localhost/busybox:latest
COPY app /app
RUN echo one >/one
RUN echo two >/two && cat /app/f1
RUN mkdir -p /data && cp /app/f2 /data/
RUN ls /app | wc -l >/count
RUN rm /one
ENV MODE=bench
WORKDIR /data
CMD ["cat", "/count"]
CF

# time_build TOOL... ARGS: one build's wall time in ns
time_build() {
	local t
	t=$(now)
	"$@" >/dev/null 2>&1 || die "build failed: $*"
	echo $(($(now) - t))
}

fresh_pm=() fresh_pod=() cached_pm=() cached_pod=()
for _ in $(seq 1 "$runs"); do
	fresh_pod+=("$(time_build "${POD[@]}" build --no-cache -t bench "$ctx")")
	fresh_pm+=("$(time_build "${PM[@]}" build --no-cache -t bench "$ctx")")
	cached_pod+=("$(time_build "${POD[@]}" build -t bench "$ctx")")
	cached_pm+=("$(time_build "${PM[@]}" build -t bench "$ctx")")
done
"${PM[@]}" run --rm bench | grep -q '^20$' || die "pm's image does not run as built"

fpm=$(printf '%s\n' "${fresh_pm[@]}" | median)
fpod=$(printf '%s\n' "${fresh_pod[@]}" | median)
cpm=$(printf '%s\n' "${cached_pm[@]}" | median)
cpod=$(printf '%s\n' "${cached_pod[@]}" | median)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cpus (noisy machine: compare ratios)"
printf 'fresh 10-step build:  pm %.0f ms  podman %.0f ms  ratio %.2f (target <= 0.3)\n' \
	"$fpm" "$fpod" "$(ratio "$fpm" "$fpod")"
printf 'rebuild from cache:   pm %.0f ms  podman %.0f ms  ratio %.2f (target <= 0.2)\n' \
	"$cpm" "$cpod" "$(ratio "$cpm" "$cpod")"
