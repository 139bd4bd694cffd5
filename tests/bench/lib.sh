#!/bin/bash
# lib.sh: the setup pod.sh and kube.sh share (sourced, after `set -euo pipefail` and with
# $srcdir set). bench_setup NAME makes $work (the stores, under /var/tmp by default, not
# /tmp: on the CI VM /tmp is an ext4 without a journal whose inode allocator, after the test
# suite's churn there, takes up to 0.7 ms per file created (measured), which no user's
# ~/.local/share sees) and $run (the run state where both tools keep it by default: on a
# tmpfs, as rootless podman and pm default to $XDG_RUNTIME_DIR/containers, a tmpfs on a
# systemd host; without an XDG_RUNTIME_DIR on tmpfs (a runuser session) a directory on
# /dev/shm), sets PM and POD (the two tools' command lines; podman's OCI runtime is
# $PM_BENCH_RUNTIME, default runc: crun in the VM guest), loads the busybox test image
# (from $PM_TEST_IMAGES when it holds one, else built) into both and removes everything
# at exit.

: "${srcdir:?lib.sh needs srcdir}" "${pm:?lib.sh needs pm}"
command -v podman >/dev/null || { echo "bench: podman not installed" >&2; exit 1; }

bench_setup() {
	local name=$1
	work=$(mktemp -d "${TMPDIR:-/var/tmp}/pm-bench-$name.XXXXXX")
	own_xdg=
	if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
		export XDG_RUNTIME_DIR=$work/xdg
		mkdir -p "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
		own_xdg=1
	fi
	run=$work
	if [ "$(stat -f -c %T "$XDG_RUNTIME_DIR")" != tmpfs ] &&
		[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
		run=$(mktemp -d "/dev/shm/pm-bench-$name.XXXXXX")
	fi
	PM=("$pm" --root "$work/pm-root" --runroot "$run/pm-run")
	POD=(podman --root "$work/pod-root" --runroot "$run/pod-run"
		--runtime "${PM_BENCH_RUNTIME:-runc}")
	trap bench_cleanup EXIT
	local img=${PM_TEST_IMAGES:-}
	if [ -z "$img" ] || [ ! -f "$img/busybox-docker.tar" ]; then
		img=$work/img
		"$srcdir/tests/lib/mkimage.sh" "$img" >/dev/null
	fi
	"${PM[@]}" load -q -i "$img/busybox-docker.tar" >/dev/null
	"${POD[@]}" load -q -i "$img/busybox-docker.tar" >/dev/null
	# the loads' writes reach the disk before the clocks start (both tools fsync records)
	sync
}

bench_cleanup() {
	"${PM[@]}" pod rm -af -t 0 >/dev/null 2>&1 || true
	"${PM[@]}" rm -af -t 0 >/dev/null 2>&1 || true
	"${POD[@]}" pod rm -af -t 0 >/dev/null 2>&1 || true
	"${POD[@]}" rm -af -t 0 >/dev/null 2>&1 || true
	"${POD[@]}" rmi -a -f >/dev/null 2>&1 || true
	"${PM[@]}" system migrate >/dev/null 2>&1 || true
	local pause=
	if [ -n "$own_xdg" ] && [ -f "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid" ]; then
		pause=$(cat "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid")
	fi
	# podman keeps the netns directory mounted in its user namespace
	# shellcheck disable=SC2016 # expanded by the inner shell
	podman unshare sh -c 'umount "$1" 2>/dev/null; rm -rf "$2" "$3"' sh \
		"$XDG_RUNTIME_DIR/netns" "$work" "$run" 2>/dev/null || true
	# podman's pause process for a runtime dir of our own would outlive it
	[ -z "$pause" ] || kill "$pause" 2>/dev/null || true
	rm -rf "$work" 2>/dev/null || true
	[ "$run" = "$work" ] || rm -rf "$run" 2>/dev/null || true
}

free_port() {
	command -v python3 >/dev/null || { echo "bench: python3 not installed" >&2; exit 1; }
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

now() { date +%s%N; }

# median: the median of the numbers on stdin (ns), in ms
median() {
	sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m / 1000000 }'
}

ratio() { echo "scale=4; $1 / $2" | bc; }
