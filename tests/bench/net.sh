#!/bin/bash
# net.sh: rootless network cost, pm against `podman --runtime runc` on the same busybox
# image, side by side in one run:
#   - TCP throughput host -> container through a published port: a bounded transfer
#     (PM_BENCH_NET_MB, default 200 MB) from a client on 127.0.0.1 to `nc -l` in the
#     container, for pm with slirp4netns and with pasta, podman with its default
#     (rootlessport) and with slirp4netns:port_handler=slirp4netns; MB/s and ratios;
#   - `run --rm IMG true` with the default network (slirp4netns for both) and with
#     --network none: mean wall time of PM_BENCH_RUNS runs (default 10) and the ratio.
# Traffic only to 127.0.0.1. Run it as an unprivileged user with subordinate ids.
# Usage: tests/bench/net.sh [PM_BINARY]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-10}
mb=${PM_BENCH_NET_MB:-200}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 not installed" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-net.XXXXXX")
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
PM=("$pm" --root "$work/pm-root" --runroot "$work/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$work/pod-run" --runtime runc)
cleanup() {
	"${PM[@]}" rm -f -a >/dev/null 2>&1 || true
	"${POD[@]}" rm -f -a >/dev/null 2>&1 || true
	"${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	podman unshare rm -rf "$work" 2>/dev/null || rm -rf "$work"
}
trap cleanup EXIT

"$srcdir/tests/lib/mkimage.sh" "$work/img" >/dev/null
"${PM[@]}" load -q -i "$work/img/busybox-docker.tar" >/dev/null
"${POD[@]}" load -q -i "$work/img/busybox-docker.tar" >/dev/null
img=localhost/busybox

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# send PORT: $mb MB to 127.0.0.1:PORT (retrying the connect for 5 s while the server
# starts), wait for the server to close; prints MB/s
send() {
	python3 - "$1" "$mb" <<'EOF'
import socket, sys, time
port, mb = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 5
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        break
    except OSError:
        if time.time() > deadline:
            raise
        time.sleep(0.02)
buf = b"\0" * (1 << 20)
t0 = time.time()
for _ in range(mb):
    s.sendall(buf)
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
print("%.1f" % (mb / (time.time() - t0)))
EOF
}

# throughput NETFLAG CMD...: run `CMD run -d NETFLAG -p PORT:80 IMG nc -l -p 80`, send to it
throughput() {
	local net=$1 port id rate
	shift
	port=$(free_port)
	id=$("$@" run -d "$net" -p "$port:80" "$img" sh -c 'nc -l -p 80 >/dev/null')
	rate=$(send "$port")
	"$@" rm -f "$id" >/dev/null
	echo "$rate"
}

now() { date +%s%N; }
mean_ms() {
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; "$@"; exit 1; }
	local t0 t1
	t0=$(now)
	for _ in $(seq 1 "$runs"); do "$@" >/dev/null; done
	t1=$(now)
	echo "scale=2; ($t1 - $t0) / 1000000 / $runs" | bc
}

pm_slirp=$(throughput --network=slirp4netns "${PM[@]}")
pm_pasta=$(throughput --network=pasta "${PM[@]}")
pod_default=$(throughput --network=slirp4netns "${POD[@]}")
pod_slirp=$(throughput --network=slirp4netns:port_handler=slirp4netns "${POD[@]}")

printf 'TCP host -> container through a published port (%s MB, client on 127.0.0.1)\n' "$mb"
printf '  pm     slirp4netns (API hostfwd)            %8s MB/s\n' "$pm_slirp"
printf '  pm     pasta                                %8s MB/s\n' "$pm_pasta"
printf '  podman default (rootlessport)               %8s MB/s\n' "$pod_default"
printf '  podman slirp4netns:port_handler=slirp4netns %8s MB/s\n' "$pod_slirp"
printf '  ratio pm slirp4netns / podman default       %8.3f\n' \
	"$(echo "scale=4; $pm_slirp / $pod_default" | bc)"
printf '  ratio pm pasta / podman default             %8.3f\n' \
	"$(echo "scale=4; $pm_pasta / $pod_default" | bc)"

pm_def=$(mean_ms "${PM[@]}" run --rm "$img" true)
pm_none=$(mean_ms "${PM[@]}" run --rm --network none "$img" true)
pod_def=$(mean_ms "${POD[@]}" run --rm "$img" true)
pod_none=$(mean_ms "${POD[@]}" run --rm --network none "$img" true)
printf 'run --rm IMG true (%s runs each)\n' "$runs"
printf '  pm     default network (slirp4netns)  %8.2f ms   --network none %8.2f ms\n' \
	"$pm_def" "$pm_none"
printf '  podman default network (slirp4netns)  %8.2f ms   --network none %8.2f ms\n' \
	"$pod_def" "$pod_none"
printf '  ratio pm/podman, default network      %8.3f\n' \
	"$(echo "scale=4; $pm_def / $pod_def" | bc)"
