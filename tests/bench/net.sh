#!/bin/bash
# net.sh: rootless network cost, pm against `podman --runtime runc` on the same busybox
# image, side by side in one run:
#   - TCP throughput host -> container through a published port: a bounded transfer
#     (PM_BENCH_NET_MB, default 1000 MB) from a python client on 127.0.0.1 to a busybox sink
#     in the container, `nc -ll -p 80 -e dd of=/dev/null bs=1M` (busybox nc alone reads
#     1 KiB per poll+read+write and tops out near 300 MB/s, hiding every forwarder behind
#     it). Contenders: pm with slirp4netns (default: a loopback client goes through pm's
#     splice relay), with slirp4netns:port_handler=slirp4netns (libslirp's TCP) and with
#     pasta, podman with its default
#     (rootlessport), with slirp4netns:port_handler=slirp4netns and with pasta (podman
#     4.4+; "n/a" when podman refuses it), plus the ceiling: the same client and sink on
#     the host, no container and no forwarder. PM_BENCH_NET_ROUNDS rounds (default 5),
#     contenders interleaved in each round, median MB/s and ratios;
#   - `run --rm IMG true` with the default network (slirp4netns for both) and with
#     --network none: mean wall time of PM_BENCH_RUNS runs (default 10) and the ratio.
# Traffic only to 127.0.0.1. Run it as an unprivileged user with subordinate ids.
# Usage: tests/bench/net.sh [PM_BINARY]
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
pm=${1:-${PM_BINARY:-$srcdir/pm}}
runs=${PM_BENCH_RUNS:-10}
mb=${PM_BENCH_NET_MB:-1000}
rounds=${PM_BENCH_NET_ROUNDS:-5}
busybox=${BUSYBOX:-/bin/busybox}
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 not installed" >&2; exit 1; }
[ -x "$busybox" ] || { echo "bench: '$busybox' missing (busybox-static)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-net.XXXXXX")
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
PM=("$pm" --root "$work/pm-root" --runroot "$work/pm-run")
POD=(podman --root "$work/pod-root" --runroot "$work/pod-run" --runtime runc)
host_sink=
cleanup() {
	[ -z "$host_sink" ] || kill "$host_sink" 2>/dev/null || true
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

# The sink: one `dd` per connection, reading up to 1 MiB per read(2); prints nothing on
# the socket. The client waits for it to close, so a transfer ends when dd has it all.
sink=(nc -ll -p 80 -e dd of=/dev/null bs=1M)

# start NAME NETFLAG CMD...: run the sink in a container publishing a free port on 80,
# wait until it listens inside the container; sets port_NAME and id_NAME (only pod_pasta
# may fail: id "", podman 4.3 has no pasta)
start() {
	local name=$1 net=$2 port id i
	shift 2
	port=$(free_port)
	if ! id=$("$@" run -d "$net" -p "$port:80" "$img" "${sink[@]}" 2>/dev/null); then
		[ "$name" = pod_pasta ] || { echo "bench: $name: '$* run $net' failed" >&2; exit 1; }
		printf -v "id_$name" '%s' ""
		return 0
	fi
	for i in $(seq 1 100); do
		"$@" exec "$id" grep -qE ':0050 [0:]+ 0A' /proc/net/tcp /proc/net/tcp6 \
			2>/dev/null && break
		[ "$i" -lt 100 ] || { echo "bench: sink in $name does not listen" >&2; exit 1; }
		sleep 0.05
	done
	printf -v "id_$name" '%s' "$id"
	printf -v "port_$name" '%s' "$port"
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

now() { date +%s%N; }
mean_ms() {
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; "$@"; exit 1; }
	local t0 t1
	t0=$(now)
	for _ in $(seq 1 "$runs"); do "$@" >/dev/null; done
	t1=$(now)
	echo "scale=2; ($t1 - $t0) / 1000000 / $runs" | bc
}

port_host=$(free_port)
"$busybox" nc -ll -p "$port_host" -e "$busybox" dd of=/dev/null bs=1M 2>/dev/null &
host_sink=$!
start pm_slirp --network=slirp4netns "${PM[@]}"
start pm_slirp_api --network=slirp4netns:port_handler=slirp4netns "${PM[@]}"
start pm_pasta --network=pasta "${PM[@]}"
start pod_default --network=slirp4netns "${POD[@]}"
start pod_slirp --network=slirp4netns:port_handler=slirp4netns "${POD[@]}"
start pod_pasta --network=pasta "${POD[@]}"
contenders=(host pm_slirp pm_slirp_api pm_pasta pod_default pod_slirp pod_pasta)
# shellcheck disable=SC2034 # read as ${!id}
id_host=host
declare -A rates
for c in "${contenders[@]}"; do
	id=id_$c
	[ -n "${!id}" ] || continue
	port=port_$c
	mb=1 send "${!port}" >/dev/null # warm-up: connect retries, first-connection costs
done
for _ in $(seq 1 "$rounds"); do
	for c in "${contenders[@]}"; do
		id=id_$c port=port_$c
		[ -n "${!id}" ] || continue
		rates[$c]="${rates[$c]:-} $(send "${!port}")"
	done
done
for c in "${contenders[@]}"; do
	# shellcheck disable=SC2086 # one word per round
	printf -v "$c" '%s' "$([ -n "${rates[$c]:-}" ] && median ${rates[$c]} || echo n/a)"
done
# shellcheck disable=SC2154 # assigned through printf -v above
{
	printf 'TCP host -> container through a published port (%s MB, client on 127.0.0.1,' "$mb"
	printf ' median of %s)\n' "$rounds"
	printf '  ceiling: same client and sink on the host        %8s MB/s\n' "$host"
	printf '  pm     slirp4netns (default: loopback relay)      %8s MB/s\n' "$pm_slirp"
	printf '  pm     slirp4netns:port_handler=slirp4netns       %8s MB/s\n' "$pm_slirp_api"
	printf '  pm     pasta                                      %8s MB/s\n' "$pm_pasta"
	printf '  podman default (rootlessport)                     %8s MB/s\n' "$pod_default"
	printf '  podman slirp4netns:port_handler=slirp4netns       %8s MB/s\n' "$pod_slirp"
	printf '  podman pasta                                      %8s MB/s\n' "$pod_pasta"
	printf '  ratio pm slirp4netns / podman default             %8.3f\n' \
		"$(echo "scale=4; $pm_slirp / $pod_default" | bc)"
	printf '  ratio pm pasta / podman default                   %8.3f\n' \
		"$(echo "scale=4; $pm_pasta / $pod_default" | bc)"
	printf '  ratio ceiling / podman default (no forwarder)     %8.3f\n' \
		"$(echo "scale=4; $host / $pod_default" | bc)"
}
for c in pm_slirp pm_slirp_api pm_pasta; do id=id_$c; "${PM[@]}" rm -f "${!id}" >/dev/null; done
for c in pod_default pod_slirp pod_pasta; do
	id=id_$c
	[ -z "${!id}" ] || "${POD[@]}" rm -f "${!id}" >/dev/null 2>&1
done
kill "$host_sink" 2>/dev/null || true
wait "$host_sink" 2>/dev/null || true
host_sink=

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
