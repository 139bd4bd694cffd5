#!/usr/bin/env bats
# 016-doctor (run as root by tests/run-system.sh): a user on a host whose /dev/net/tun is
# 0600 root-owned (Debian 12 as CI gets it): `pm doctor` names the error and the chmod, and
# `pm run` quotes slirp4netns' real reason (not its IPv6 warning) with the same fix.
# The 0600 device is a private node in a private mount namespace (a tmpfs bound over
# /dev/net/tun), so the host's device, which other tests running now use, is never changed;
# the same node at 0666 runs, which shows the mode is the cause. `pm info` as root.

load helpers

setup() {
	skip_if_not_root "needs root"
	skip_if_podman "pm only"
	basic_setup
	TUSER=${PM_TEST_USER:-pmtest}
}

teardown() {
	if [ -n "${T_DIR:-}" ]; then
		local pid
		for pid in $(marked_pause_pids "$TUSER"); do
			kill -9 "$pid"
		done
		rm -rf "$T_DIR"
	fi
	basic_teardown
}

# as_user_with_tun MODE CMD...: run CMD as $TUSER (fresh XDG dirs under $T_DIR) in a private
# mount namespace where /dev/net/tun is a node with MODE; output in $output, status in $status.
as_user_with_tun() {
	local mode=$1
	shift
	cat >"$T_DIR/inner.sh" <<-'EOS'
		set -e
		mode=$1 dir=$2 user=$3
		shift 3
		mount -t tmpfs -o mode=0755 tmpfs "$dir/dev"
		mknod "$dir/dev/tun" c 10 200
		chmod "$mode" "$dir/dev/tun"
		mount --bind "$dir/dev/tun" /dev/net/tun
		cd /
		as_user() {
			runuser -u "$user" -- env -i PATH="/usr/local/bin:/usr/bin:/bin" \
				HOME="$dir/home" USER="$user" PM_TEST_MARK="$PM_TEST_MARK" \
				XDG_RUNTIME_DIR="$dir/run" XDG_DATA_HOME="$dir/home/data" \
				XDG_CONFIG_HOME="$dir/home/config" "$@"
		}
		rc=0
		as_user "$@" || rc=$?
		# the pause process keeps this mount namespace: end it with the namespace
		as_user "$PM_BINARY" system migrate >/dev/null 2>&1 || true
		exit $rc
	EOS
	status=0
	output=$(PM_BINARY=$PM_BINARY PM_TEST_MARK=$PM_TEST_MARK timeout "$PM_TIMEOUT" \
		unshare -m --propagation private sh "$T_DIR/inner.sh" "$mode" "$T_DIR" "$TUSER" "$@" 2>&1) || status=$?
	echo "[$mode] $* -> $status: $output"
}

prepare_user() {
	id "$TUSER" >/dev/null 2>&1 || skip "no user '$TUSER'"
	grep -Eq "^($TUSER|$(id -u "$TUSER")):" /etc/subuid || skip "'$TUSER' has no subuid range"
	skip_if_missing unshare
	T_DIR=$(mktemp -d /tmp/pmtun.XXXXXX)
	chmod 0755 "$T_DIR"
	mkdir -p "$T_DIR/dev" "$T_DIR/home" "$T_DIR/run"
	chown "$TUSER:" "$T_DIR/home" "$T_DIR/run"
	chmod 0700 "$T_DIR/run"
	cp "$(pm_test_image docker)" "$T_DIR/image.tar"
	chmod 0644 "$T_DIR/image.tar"
}

@test "tun 0600: pm doctor says error, names the chmod and exits 1" {
	prepare_user
	as_user_with_tun 0600 "$PM_BINARY" doctor
	is "$status" 1 "exit status"
	echo "$output" | grep -Eq '^/dev/net/tun +error +/dev/net/tun has mode 0600 and is owned by uid 0: user '"'$TUSER'"' cannot open it; slirp4netns and pasta need it \(most distributions ship it 0666\)$' ||
		die "no tun error line"
	echo "$output" | grep -A1 '^/dev/net/tun ' | grep -Eq '^ +fix: sudo chmod 0666 /dev/net/tun$' ||
		die "no fix line"
	assert_contains "$output" "rootless pm will fail until the errors are fixed"
	as_user_with_tun 0600 "$PM_BINARY" doctor --format json
	is "$status" 1 "exit status (json)"
	is "$(echo "$output" | jq -r '.[] | select(.Name == "/dev/net/tun") | .Fix')" \
		"sudo chmod 0666 /dev/net/tun" "json fix"
	# the same node opened to users: no error for it
	as_user_with_tun 0666 "$PM_BINARY" doctor --format json
	is "$(echo "$output" | jq -r '.[] | select(.Name == "/dev/net/tun") | .Status')" "ok" "0666"
}

@test "tun 0600: run quotes slirp4netns' reason and the fix, not its IPv6 warning" {
	prepare_user
	as_user_with_tun 0600 sh -c "'$PM_BINARY' load -q -i '$T_DIR/image.tar' >/dev/null &&
		'$PM_BINARY' run --rm localhost/busybox true"
	is "$status" 125 "exit status"
	is "$output" 'Error: slirp4netns exited before it was ready: open\("/dev/net/tun"\): Permission denied; run '"'sudo chmod 0666 /dev/net/tun'"' \(most distributions ship it 0666\), or '"'pm doctor'"' to check the host' \
		"message"
	assert_not_contains "$output" "IPv6 is experimental"
	if command -v pasta >/dev/null; then
		as_user_with_tun 0600 "$PM_BINARY" run --rm --network pasta localhost/busybox true
		is "$status" 125 "exit status (pasta)"
		assert_contains "$output" "Error: pasta failed"
		assert_contains "$output" "sudo chmod 0666 /dev/net/tun"
	fi
	# the same node at 0666 works: the mode was the cause
	as_user_with_tun 0666 "$PM_BINARY" run --rm localhost/busybox echo hello
	is "$status" 0 "exit status at 0666"
	is "$output" "hello" "output at 0666"
}

@test "info as root: no subordinate range asked of root, newuidmap's version is not its usage" {
	run_pm 0 info --format json
	is "$(echo "$output" | jq -r '.host.idMappings | has("uidmapError") or has("gidmapError")')" \
		"false" "no idmap error for root"
	is "$(echo "$output" | jq -r .host.idMappings.uidmap)" "null" "uidmap"
	assert_not_contains "$(echo "$output" | jq -r .host.newuidmap.version)" "usage"
}

@test "doctor as root: the user-only checks say they are not needed" {
	local rc=0
	output=$($PM doctor --format json) || rc=$?
	is "$(echo "$output" | jq -r '.[] | select(.Name == "subuid") | .Detail')" \
		"not needed: root uses the host's ids" "subuid"
	is "$(echo "$output" | jq -r '.[] | select(.Name == "newuidmap") | .Status')" "ok" "newuidmap"
}
