#!/usr/bin/env bats
# 010-rootless (run as root by tests/run-system.sh): `pm unshare` refuses real root; a
# newuidmap that fails after the pause process exists leaves nothing behind (a fake
# root-owned setuid newuidmap only root can make); `pm system migrate` as root is a no-op.
# The user without subordinate ids is covered by 005-nosubid.root.bats.

load helpers

setup() {
	skip_if_not_root "needs root"
	skip_if_podman "pm only"
	basic_setup
	TUSER=${PM_TEST_USER:-pmtest}
}

teardown() {
	if [ -n "${T_RUN:-}" ]; then
		local pid
		for pid in $(marked_pause_pids "$TUSER"); do
			kill -9 "$pid"
		done
		rm -rf "$T_RUN" "$T_HOME" "$T_BIN"
	fi
	basic_teardown
}

@test "pm unshare as root: please use unshare with rootless" {
	run_pm 125 unshare true
	is "$output" "Error: please use unshare with rootless"
}

@test "pm system migrate as root: nothing to do, no output" {
	run_pm 0 system migrate
	is "$output" "" "output"
}

@test "newuidmap fails after the pause process started: exit 125 with its message, nothing left" {
	id "$TUSER" >/dev/null 2>&1 || skip "no user '$TUSER'"
	grep -Eq "^($TUSER|$(id -u "$TUSER")):" /etc/subuid || skip "'$TUSER' has no subuid range"
	T_RUN=$(mktemp -d /tmp/pmrt.XXXXXX)
	T_HOME=$(mktemp -d /tmp/pmhome.XXXXXX)
	chown "$TUSER:" "$T_RUN" "$T_HOME"
	chmod 0700 "$T_RUN"
	# passes pm's setuid check (root-owned, mode 4755); the kernel ignores setuid on scripts
	# (in a directory the user can reach: $BATS_TEST_TMPDIR may be 0700)
	T_BIN=$(mktemp -d /tmp/pmbin.XXXXXX)
	chmod 0755 "$T_BIN"
	local bin=$T_BIN
	printf '#!/bin/sh\necho "fake newuidmap: write to uid_map failed" >&2\nexit 1\n' \
		>"$bin/newuidmap"
	chmod 4755 "$bin/newuidmap"

	status=0
	output=$(cd / && timeout "$PM_TIMEOUT" runuser -u "$TUSER" -- env -i \
		PATH="$bin:/usr/local/bin:/usr/bin:/bin" HOME="$T_HOME" USER="$TUSER" \
		PM_TEST_MARK="$PM_TEST_MARK" XDG_RUNTIME_DIR="$T_RUN" \
		XDG_DATA_HOME="$T_HOME/data" XDG_CONFIG_HOME="$T_HOME/config" \
		"$PM_BINARY" unshare true 2>&1) || status=$?
	echo "$output"
	is "$status" "125" "exit code"
	is "$output" "Error: newuidmap [0-9]+ 0 $(id -u "$TUSER") 1 1 [0-9]+ [0-9]+ failed \(exit status 1\): fake newuidmap: write to uid_map failed; run 'pm doctor' to check the host" \
		"message"
	[ ! -e "$T_RUN/pm/pause.pid" ] || die "pause.pid left behind"
	sleep 0.2
	local left
	left=$(marked_pause_pids "$TUSER")
	[ -z "$left" ] || die "half-made pause process $left left running"
}
