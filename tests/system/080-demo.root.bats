#!/usr/bin/env bats
# 080-demo (run as root by tests/run-system.sh): `make demo` on a host whose /dev/net/tun
# and /dev/fuse are 0600, as a fresh Debian ships them: tools/demo.sh opens what the demo
# user needs, says what it changed, and the demo passes. The devices are copies bind-mounted
# over the real ones in a private mount namespace: the host's devices (which other test runs
# use) are never changed.

load helpers

setup() {
	skip_if_not_root "sets device modes and switches users"
	skip_if_podman "pm's demo"
	skip_if_missing unshare mknod runuser
	DEMO_USER=${PM_TEST_USER:-pmtest}
	id "$DEMO_USER" >/dev/null 2>&1 || skip "no user '$DEMO_USER' (tests/run-system.sh creates it)"
	[ -x "$PM_SRCDIR/tools/demo.sh" ] || skip "no tools/demo.sh in $PM_SRCDIR"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	HOST_MODES=$(stat -c '%n %a' /dev/net/tun /dev/fuse 2>/dev/null)
}

teardown() {
	# the real devices are as they were
	[ -z "${HOST_MODES:-}" ] || is "$(stat -c '%n %a' /dev/net/tun /dev/fuse 2>/dev/null)" \
		"$HOST_MODES" "the host's device modes"
}

# demo_with_modes TUN_MODE FUSE_MODE: run tools/demo.sh as root in a private mount namespace
# where /dev/net/tun and /dev/fuse are fresh nodes with these modes; prints the demo's output,
# then "modes: TUN FUSE" as they are after it.
demo_with_modes() {
	status=0
	# shellcheck disable=SC2016 # expanded by the inner shell
	output=$(timeout 120 unshare -m --propagation private bash -c '
		set -e
		d=$6
		mount -t tmpfs -o mode=0755 tmpfs "$d"
		mknod -m "$1" "$d/tun" c 10 200
		mknod -m "$2" "$d/fuse" c 10 229
		mount --bind "$d/tun" /dev/net/tun
		mount --bind "$d/fuse" /dev/fuse
		rc=0
		PM_BINARY=$3 PM_DEMO_USER=$4 "$5/tools/demo.sh" 2>&1 || rc=$?
		echo "modes: $(stat -c %a /dev/net/tun) $(stat -c %a /dev/fuse)"
		exit $rc
	' demo "$1" "$2" "$PM_BINARY" "$DEMO_USER" "$PM_SRCDIR" \
		"$(mktemp -d "$BATS_TEST_TMPDIR/devs.XXXXXX")" </dev/null 2>&1) || status=$?
	echo "$output"
	echo "[ rc=$status ]"
}

# Does the demo user's kernel mount overlayfs in a user namespace (then no /dev/fuse)?
native_overlay() {
	local probe native
	probe=$(mktemp -d /tmp/pm-probe.XXXXXX)
	chown "$DEMO_USER:" "$probe"
	native=$(cd / && runuser -u "$DEMO_USER" -- env -i PATH=/usr/bin:/bin HOME="$probe" \
		XDG_RUNTIME_DIR="$probe" XDG_DATA_HOME="$probe/data" XDG_CONFIG_HOME="$probe/config" \
		"$PM_BINARY" info --format '{{.Store.OverlayInUserNamespace.Native}}' 2>/dev/null) || true
	rm -rf "$probe"
	[ "$native" = true ]
}

@test "demo with /dev/net/tun and /dev/fuse at 0600: opens them, says so, passes" {
	demo_with_modes 0600 0600
	is "$status" 0 "the demo's exit code"
	assert_contains "$output" "demo: /dev/net/tun was mode 0600 (only root may open it): made it 0666, as most distributions ship it, so that slirp4netns can give the containers of user $DEMO_USER a network"
	assert_contains "$output" "hello from a rootless busybox container"
	# the kube demo: the page from the host through the published port, the sidecar's
	# fetch over the pod's 127.0.0.1, the YAML written back, the pod brought down
	assert_contains "$output" "<h1>hello from a rootless pm pod</h1>"
	assert_contains "$output" "pm logs web-fetcher"
	assert_contains "$output" "web-httpd is healthy"
	assert_contains "$output" "kind: ConfigMap"
	assert_contains "$output" "Pods removed:"
	assert_contains "$output" "demo: ok"
	if native_overlay; then
		# overlayfs works in a user namespace here: /dev/fuse is not needed, not touched
		assert_not_contains "$output" "/dev/fuse"
		assert_contains "$output" "modes: 666 600"
	else
		assert_contains "$output" "demo: /dev/fuse was mode 0600 (only root may open it): made it 0666"
		assert_contains "$output" "modes: 666 666"
	fi
}

@test "demo with the devices already usable: changes and says nothing about them" {
	demo_with_modes 0666 0666
	is "$status" 0 "the demo's exit code"
	assert_not_contains "$output" "was mode"
	assert_contains "$output" "demo: ok"
	assert_contains "$output" "modes: 666 666"
}

@test "demo with a group-only /dev/net/tun: names the group" {
	demo_with_modes 0660 0666
	is "$status" 0 "the demo's exit code"
	assert_contains "$output" "demo: /dev/net/tun was mode 0660 (only root and group root may open it): made it 0666"
}
