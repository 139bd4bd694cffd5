#!/bin/bash
# check-podman-load.sh [IMAGE_DIR]: prove that the images tests/lib/mkimage.sh builds are
# valid by loading each archive into podman and running it. Run as root; podman gets a
# private --root/--runroot (removed afterwards), so the machine's podman state is not
# touched. Not part of `make check` (podman is the reference, not the subject).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ "$(id -u)" -eq 0 ] || {
	echo "check-podman-load: run as root" >&2
	exit 1
}
images=${1:-/var/tmp/pm-test-images}
"$here/mkimage.sh" "$images"

tmp=$(mktemp -d /tmp/pm-podman-check.XXXXXX)
p=(podman --root "$tmp/root" --runroot "$tmp/run" --storage-driver vfs --runtime runc)
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	"${p[@]}" rmi -a -f >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
# Root without CAP_SYS_RESOURCE (some CI sandboxes) cannot raise podman's default rlimits.
run=(run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

fail=0
check() {
	local what=$1 want=$2
	shift 2
	local got
	got=$("$@" 2>&1) || true
	if [ "$got" = "$want" ]; then
		echo "ok   $what"
	else
		echo "FAIL $what: got '$got', want '$want'"
		fail=1
	fi
}
for fmt in docker oci; do
	"${p[@]}" load -q -i "$images/busybox-$fmt.tar" >/dev/null
	check "busybox-$fmt: run" "uid=0(root) gid=0(root)" \
		"${p[@]}" "${run[@]}" localhost/busybox:latest id
	check "busybox-$fmt: /etc/motd" "pm busybox test image" \
		"${p[@]}" "${run[@]}" localhost/busybox:latest cat /etc/motd
	check "busybox-$fmt: pmuser" "uid=1000(pmuser) gid=1000(pmuser) groups=100(users),1000(pmuser)" \
		"${p[@]}" "${run[@]}" --user pmuser localhost/busybox:latest id
	"${p[@]}" load -q -i "$images/busybox2-$fmt.tar" >/dev/null
	# shellcheck disable=SC2016 # expanded in the container
	check "busybox2-$fmt: layer 2 adds /hello, whiteout deletes /etc/motd" \
		"hello from layer 2 gone" "${p[@]}" "${run[@]}" localhost/busybox2:latest \
		sh -c 'echo "$(cat /hello) $(test -e /etc/motd && echo there || echo gone)"'
	"${p[@]}" rmi -a -f >/dev/null
done
exit $fail
