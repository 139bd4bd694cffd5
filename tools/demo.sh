#!/bin/bash
# demo.sh: pm's self-contained example (make demo). Builds the busybox test image from the
# host's busybox-static (tests/lib/mkimage.sh) and runs pm rootless with it.
# As root it runs pm as the user 'pmdemo' (created with its own subordinate ids if
# missing) and opens to that user what the host keeps from it, saying what it changed:
# /dev/net/tun (slirp4netns) and, when this kernel cannot mount overlayfs in a user
# namespace, /dev/fuse (fuse-overlayfs), made 0666 when only root may open them
# (tests/lib/host-devices.sh). As a normal user it runs as you (you need a range in
# /etc/subuid and /etc/subgid, and those devices usable).
# Environment: PM_BINARY (default ./pm), PM_DEMO_USER (default pmdemo).
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PM_BINARY=${PM_BINARY:-$srcdir/pm}
demo_user=${PM_DEMO_USER:-pmdemo}

die() {
	echo "demo: $*" >&2
	exit 1
}
[ -x "$PM_BINARY" ] || die "'$PM_BINARY' not found: run make first"

work=$(mktemp -d /tmp/pm-demo.XXXXXX)
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT
install -m 0755 "$PM_BINARY" "$work/pm"
for helper in pm-monitor pm-pause; do
	[ ! -x "$(dirname "$PM_BINARY")/$helper" ] ||
		install -m 0755 "$(dirname "$PM_BINARY")/$helper" "$work/$helper"
done
"$srcdir/tests/lib/mkimage.sh" "$work/images"
cp -r "$srcdir/docs/examples" "$work/examples"
chmod -R a+rX "$work/images" "$work/examples"

# The demo itself, run as the unprivileged user. $1: the pm binary, $2: the image dir.
# shellcheck disable=SC2016 # expanded by the inner shell
script='
set -eu
pm=$1 images=$2 examples=$3
export XDG_RUNTIME_DIR=$(mktemp -d /tmp/pm-demo-run.XXXXXX)
export XDG_DATA_HOME=$XDG_RUNTIME_DIR/data XDG_CONFIG_HOME=$XDG_RUNTIME_DIR/config
reg_pid=
cleanup() {
	[ -z "$reg_pid" ] || kill "$reg_pid" 2>/dev/null || true
	# image files belong to subordinate ids: remove them from inside the namespace
	"$pm" unshare rm -rf "$XDG_DATA_HOME" >/dev/null 2>&1 || true
	"$pm" system migrate >/dev/null 2>&1 || true
	rm -rf "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT
set -x
"$pm" version
"$pm" load -i "$images/busybox-docker.tar"
"$pm" images
"$pm" run --rm localhost/busybox:latest sh -c "echo hello from a rootless busybox container; id; hostname"
"$pm" run --name demo busybox sh -c "echo kept; exit 3" || echo "exit code: $?"
"$pm" rm demo 2>/dev/null || true
# a registry: Debian'"'"'s docker-registry on loopback (plain HTTP, so --tls-verify=false):
# push the image, remove it, and run it again: run pulls what it lacks
reg=127.0.0.1:15055
mkdir -p "$XDG_RUNTIME_DIR/registry"
printf "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n" \
	"$XDG_RUNTIME_DIR/registry" "$reg" >"$XDG_RUNTIME_DIR/registry.yml"
docker-registry serve "$XDG_RUNTIME_DIR/registry.yml" >"$XDG_RUNTIME_DIR/registry.log" 2>&1 &
reg_pid=$!
i=0
until busybox wget -qO- "http://$reg/v2/" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "the registry never answered" >&2; exit 1; }
	sleep 0.1
done
"$pm" push --tls-verify=false localhost/busybox:latest "$reg/demo/busybox:1"
"$pm" rmi localhost/busybox:latest
"$pm" run --rm --tls-verify=false "$reg/demo/busybox:1" echo "pulled from $reg and run"
"$pm" images --digests
"$pm" tag "$reg/demo/busybox:1" localhost/busybox:latest
# Kubernetes YAML: a web pod from a ConfigMap-provided page and a sidecar that fetches it
# over the shared 127.0.0.1 of the pod; the page reached from the host through the published
# port; the YAML pm writes back for the running pod; then everything brought down
"$pm" play kube "$examples/web.yaml"
"$pm" pod ps
"$pm" ps --pod
i=0
until out=$(busybox wget -qO- http://127.0.0.1:18088/ 2>/dev/null); do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "the page never came" >&2; exit 1; }
	sleep 0.1
done
printf "%s\n" "$out"
i=0
until "$pm" logs web-fetcher | grep -q hello; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "the sidecar never fetched the page" >&2; exit 1; }
	sleep 0.1
done
"$pm" logs web-fetcher
"$pm" healthcheck run web-httpd && echo "web-httpd is healthy"
"$pm" generate kube web
"$pm" kube down "$examples/web.yaml"
'

if [ "$(id -u)" -eq 0 ]; then
	# shellcheck source=tests/lib/test-user.sh
	. "$srcdir/tests/lib/test-user.sh"
	# shellcheck source=tests/lib/host-devices.sh
	. "$srcdir/tests/lib/host-devices.sh"
	pm_ensure_user "$demo_user" || die "cannot set up user '$demo_user'"
	home=$(getent passwd "$demo_user" | cut -d: -f6)
	as_user=(runuser -u "$demo_user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin
		HOME="$home" USER="$demo_user")
	pm_open_device demo "$demo_user" /dev/net/tun \
		"slirp4netns can give the containers of user $demo_user a network"
	# fuse-overlayfs only when the kernel cannot mount overlayfs in a user namespace
	probe=$(mktemp -d /tmp/pm-demo-probe.XXXXXX)
	chown "$demo_user:" "$probe"
	native=$(cd / && "${as_user[@]}" XDG_RUNTIME_DIR="$probe" XDG_DATA_HOME="$probe/data" \
		XDG_CONFIG_HOME="$probe/config" "$work/pm" info \
		--format '{{.Store.OverlayInUserNamespace.Native}}' 2>/dev/null </dev/null) || true
	rm -rf "$probe"
	if [ "$native" != true ]; then
		pm_open_device demo "$demo_user" /dev/fuse \
			"fuse-overlayfs can mount container file systems for user $demo_user (this kernel cannot mount overlayfs in a user namespace)"
	fi
	echo "demo: running as user '$demo_user'"
	"${as_user[@]}" bash -c "cd / && $script" demo "$work/pm" "$work/images" "$work/examples" </dev/null
else
	bash -c "$script" demo "$work/pm" "$work/images" "$work/examples"
fi
echo "demo: ok"
