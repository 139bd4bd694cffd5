#!/bin/bash
# run.sh [FILE|NAME...]: run pm's VM tests (tests/vm/*.bats) in a Debian 12 guest with
# systemd as PID 1, cgroup v2 and a systemd user session, booted by qemu under TCG.
# run.sh --bench NAME...: instead of bats, run the benchmarks tests/bench/NAME.sh one after
# the other in the guest, as pmtest in its user session (pm against the guest's podman
# with crun, PM_BENCH_RUNTIME=crun), and print what they wrote (`make vm-bench`).
#
# Arguments: .bats files of tests/vm or their name prefixes ("010"); default: all of them.
# Environment: PM_BINARY (default ./pm of the tree), PM_VM_TIMEOUT (whole run, default 900 s),
# PM_VM_CACHE (guest image cache, default /var/tmp/pm-vm), PM_TEST_IMAGES (host test image
# directory, default /var/tmp/pm-test-images), PM_VM_KEEP=1 keeps the work directory.
#
# Steps: tests/vm/mkimage.sh builds or finds the cached guest (root.img, vmlinuz, initrd);
# a share (virtio-9p, tag "pm") gets payload.tar (pm, the bats files,
# tests/system/helpers.bash, tests/lib, the busybox test images) and tests/vm/guest.sh; qemu boots the kernel with a
# qcow2 overlay over the cached image (which stays clean); the guest's pm-vm-test.service
# runs guest.sh, which runs bats as the user pmtest inside its systemd user manager and
# writes results/tap and results/rc to the share, then powers off. The guest's console is
# kept in the work directory and printed when the run fails without results.
# Prints the TAP output and the timings; exits with bats' status (1 when the guest gave no
# result, 124 on timeout). Needs root for the first build of the image (mmdebstrap).
# Called by `make vm`.
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PM_BINARY=${PM_BINARY:-$srcdir/pm}
timeout=${PM_VM_TIMEOUT:-900}
cache=${PM_VM_CACHE:-/var/tmp/pm-vm}
images=${PM_TEST_IMAGES:-/var/tmp/pm-test-images}

die() {
	echo "vm/run: $*" >&2
	exit 1
}

[ -x "$PM_BINARY" ] || die "PM_BINARY '$PM_BINARY' is not an executable (run make first)"
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-img >/dev/null || need+=(qemu-utils)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing ${need[*]}: install them (apt-get install ${need[*]})"
	echo "vm/run: installing ${need[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
		die "apt-get install ${need[*]} failed"
fi

# ---- the tests (or benchmarks) to run --------------------------------------------------------
mode="test"
benches=()
if [ "${1:-}" = --bench ]; then
	mode=bench
	shift
	[ $# -gt 0 ] || die "--bench needs the name of a tests/bench script"
	for a in "$@"; do
		a=$(basename "${a%.sh}")
		[ -f "$srcdir/tests/bench/$a.sh" ] || die "no benchmark 'tests/bench/$a.sh'"
		benches+=("$a")
	done
	set --
fi
files=()
for a in "$@"; do
	if [ -f "$a" ]; then
		files+=("$(basename "$a")")
	elif compgen -G "$srcdir/tests/vm/$a*.bats" >/dev/null; then
		for f in "$srcdir"/tests/vm/"$a"*.bats; do files+=("$(basename "$f")"); done
	else
		die "no test file '$a' in tests/vm"
	fi
done
if [ ${#files[@]} -eq 0 ] && [ "$mode" = test ]; then
	for f in "$srcdir"/tests/vm/*.bats; do
		[ -e "$f" ] && files+=("$(basename "$f")")
	done
fi
[ ${#files[@]} -gt 0 ] || [ "$mode" = bench ] || die "no test files in $srcdir/tests/vm"

t0=$SECONDS
imgdir=$("$srcdir/tests/vm/mkimage.sh" "$cache") || die "building the guest image failed"
t_image=$((SECONDS - t0))
"$srcdir/tests/lib/mkimage.sh" "$images" || die "building the test images failed"

work=$(mktemp -d "${TMPDIR:-/tmp}/pm-vm.XXXXXX")
qpid=
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	if [ -n "$qpid" ]; then
		kill -9 "$qpid" 2>/dev/null
	fi
	if [ "${PM_VM_KEEP:-0}" = 1 ]; then
		echo "vm/run: kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# one tarball: many small files over 9p are slow under TCG
share=$work/share
payload=$work/payload
mkdir -p "$share/results" "$payload/bin" "$payload/tests/vm" "$payload/tests/system" \
	"$payload/tests/bench"
install -m 0755 "$PM_BINARY" "$payload/bin/pm"
# pm's helpers, found beside pm: the detached containers' monitor, a pod infra's pause; the
# Quadlet generator (guest.sh installs it as the user generator)
for helper in pm-monitor pm-pause pm-user-generator; do
	h=$(dirname "$PM_BINARY")/$helper
	[ ! -x "$h" ] || install -m 0755 "$h" "$payload/bin/$helper"
done
cp "$srcdir"/tests/vm/*.bats "$payload/tests/vm/"
cp "$srcdir"/tests/bench/*.sh "$payload/tests/bench/"
cp "$srcdir/tests/system/helpers.bash" "$payload/tests/system/"
cp -r "$srcdir/tests/lib" "$payload/tests/"
cp -r "$images" "$payload/images"
tar -C "$payload" -cf "$share/payload.tar" .
rm -rf "$payload"
install -m 0755 "$srcdir/tests/vm/guest.sh" "$share/guest.sh"
{
	printf 'PM_VM_FILES=%q\n' "${files[*]}"
	printf 'PM_VM_MODE=%q\n' "$mode"
	printf 'PM_VM_BENCHES=%q\n' "${benches[*]}"
	printf 'PM_VM_IMAGES=%q\n' "$images"
	printf 'PM_VM_HOST_UID=%q\n' "$(id -u)"
} >"$share/env"
chmod -R a+rwX "$share"

# boot: one run of the guest over a fresh overlay; qrc its exit (124/137: timed out)
boot() {
	rm -f "$work/root.qcow2"
	qemu-img create -q -f qcow2 -F raw -b "$imgdir/root.img" "$work/root.qcow2" ||
		die "qemu-img create failed"
	qrc=0
	# modules-load: 9pnet_virtio bound to the share's device early in boot, not raced by
	# the test service's mount while udev's coldplug is still loading it
	timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
		-accel tcg -cpu max -m 2G -smp 2 \
		-display none -monitor none -serial "file:$work/console.log" -nic none -no-reboot \
		-kernel "$imgdir/vmlinuz" -initrd "$imgdir/initrd.img" \
		-append 'root=/dev/vda rw console=ttyS0 quiet loglevel=3 systemd.show_status=0 panic=-1 modules-load=9pnet_virtio,9p' \
		-drive "file=$work/root.qcow2,format=qcow2,if=virtio,cache=unsafe" \
		-virtfs "local,path=$share,mount_tag=pm,security_model=none,id=pm" \
		</dev/null >"$work/qemu.log" 2>&1 &
	qpid=$!
	wait "$qpid" || qrc=$?
	qpid=
}

echo "# vm: guest $imgdir (ready in ${t_image}s), booting (TCG), tests: ${files[*]}${benches[*]}"
t1=$SECONDS
boot
# a guest that could not mount the share ran nothing: a boot race, not a test result; said,
# and booted once more
if [ ! -f "$share/results/rc" ] && grep -q "cannot mount the 9p share" "$work/console.log" 2>/dev/null; then
	echo "vm/run: the guest could not mount the share (a boot race); booting it once more" >&2
	boot
fi
t_vm=$((SECONDS - t1))

if [ -f "$share/results/tap" ]; then
	cat "$share/results/tap"
fi
if [ -f "$share/results/bench" ]; then
	cat "$share/results/bench"
fi
for f in boot facts; do
	[ -f "$share/results/$f" ] && sed 's/^/# vm: /' "$share/results/$f"
done
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "vm/run: timed out after ${timeout}s; the guest's console:" >&2
	tail -n 60 "$work/console.log" >&2 || true
	exit 124
fi
if [ ! -f "$share/results/rc" ]; then
	echo "vm/run: the guest gave no result (qemu exit $qrc); qemu said:" >&2
	cat "$work/qemu.log" >&2 || true
	echo "vm/run: the guest's console:" >&2
	tail -n 80 "$work/console.log" >&2 || true
	exit 1
fi
rc=$(cat "$share/results/rc")
echo "# vm: image ${t_image}s, boot + tests + poweroff ${t_vm}s, $([ "$mode" = bench ] && echo benchmarks || echo bats) exit $rc"
[[ "$rc" =~ ^[0-9]+$ ]] || rc=1
exit "$rc"
