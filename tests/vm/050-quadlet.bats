#!/usr/bin/env bats
# 050-quadlet: Quadlet files under a real systemd user manager (the VM tier; guest.sh
# installs pm-user-generator in /usr/local/lib/systemd/user-generators and pm as
# /usr/local/bin/pm, as `make install` does): a .container file in
# ~/.config/containers/systemd becomes a unit after `systemctl --user daemon-reload` that
# starts (ready once the container runs), keeps the container in the unit's own cgroup,
# and stops it; a .pod file's unit brings its member container up and down with it; a file
# with a bad key gives no unit, and the generator names its file and line (the other file
# still gives its unit). The units' pm uses this test's storage and run directory
# (set-environment in the user manager), so the leak check covers what they start.

load ../system/helpers

GENERATOR=/usr/local/lib/systemd/user-generators/pm-user-generator

setup() {
	basic_setup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs cgroup v2 (run with make vm)"
	[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || skip "needs a systemd user session"
	[ -x "$GENERATOR" ] || skip "needs $GENERATOR (tests/vm/guest.sh installs it)"
	pm_load_test_image >/dev/null
	QDIR=$HOME/.config/containers/systemd
	rm -rf "$QDIR"
	mkdir -p "$QDIR"
	systemctl --user set-environment XDG_DATA_HOME="$XDG_DATA_HOME" \
		XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" PM_TEST_MARK="$PM_TEST_MARK"
}

teardown() {
	local u
	for u in web.service member.service app-pod.service good.service; do
		timeout 120 systemctl --user stop "$u" 2>/dev/null || true
	done
	rm -rf "$QDIR"
	systemctl --user daemon-reload || true
	systemctl --user reset-failed || true
	systemctl --user unset-environment XDG_DATA_HOME XDG_RUNTIME_DIR PM_TEST_MARK || true
	basic_teardown
}

# sctl EXPECTED_RC ARGS...: systemctl --user, with its exit code checked
sctl() {
	local expected=$1
	shift
	echo "\$ systemctl --user $*"
	status=0
	output=$(timeout 180 systemctl --user "$@" 2>&1) || status=$?
	[ -z "$output" ] || echo "$output"
	[ "$status" -eq "$expected" ] || die "systemctl --user $* exited $status, expected $expected"
}

# unit_journal UNIT: the unit's journal, for a failure's explanation
unit_journal() {
	journalctl --user -u "$1" --no-pager -n 40 2>&1 || true
}

@test "a .container file becomes a unit that runs the container in its own cgroup" {
	cat >"$QDIR/web.container" <<'EOF'
[Unit]
Description=Quadlet web

[Container]
Image=localhost/busybox:latest
Exec=sh -c "echo up; exec sleep 1000"
Environment=WHO=quadlet
EOF
	sctl 0 daemon-reload
	sctl 0 cat web.service
	assert_contains "$output" "ExecStart=/usr/local/bin/pm run --cidfile=%t/%N.cid --cgroups=split --sdnotify=conmon -d --replace --rm --name systemd-%N"
	sctl 0 start web.service || {
		unit_journal web.service
		false
	}
	sctl 0 is-active web.service
	# ready only once the container runs
	run_pm 0 inspect --format '{{.State.Status}}' systemd-web
	is "$output" "running"
	# shellcheck disable=SC2016 # expanded in the container
	run_pm 0 exec systemd-web sh -c 'echo $WHO'
	is "$output" "quadlet"
	local pid
	pid=$(timeout 30 "${PM_CMD[@]}" inspect --format '{{.State.Pid}}' systemd-web)
	assert_contains "$(cat "/proc/$pid/cgroup")" "/web.service/" "the container's cgroup"
	sctl 0 show -p MainPID --value web.service
	[ "$output" -gt 0 ] || die "no MainPID"
	sctl 0 stop web.service
	run_pm 1 container exists systemd-web
	sctl 3 is-active web.service
}

@test "a .pod file's unit brings its member container up and down" {
	printf '[Pod]\nPodName=qpod\n' >"$QDIR/app.pod"
	cat >"$QDIR/member.container" <<'EOF'
[Container]
Image=localhost/busybox:latest
Exec=sleep 1000
Pod=app.pod
EOF
	sctl 0 daemon-reload
	sctl 0 cat member.service
	assert_contains "$output" "BindsTo=app-pod.service"
	sctl 0 start app-pod.service || {
		unit_journal app-pod.service
		false
	}
	# the pod's unit wants its member: wait for it
	local _
	for _ in $(seq 120); do
		systemctl --user is-active -q member.service && break
		systemctl --user is-failed -q member.service && break
		sleep 1
	done
	sctl 0 is-active member.service || {
		unit_journal member.service
		false
	}
	run_pm 0 pod inspect --format '{{.Name}}' qpod
	is "$output" "qpod"
	run_pm 0 inspect --format '{{.State.Status}}' systemd-member
	is "$output" "running"
	run_pm 0 pod inspect --format '{{.Id}}' qpod
	local podid=$output
	run_pm 0 inspect --format '{{.Pod}}' systemd-member
	is "$output" "$podid" "the member's pod"

	sctl 0 stop app-pod.service
	sctl 3 is-active member.service
	run_pm 1 container exists systemd-member
	run_pm 1 pod exists qpod
}

@test "a file with a bad key gives no unit; the generator names its file and line" {
	printf '[Container]\nImage=localhost/busybox:latest\nFrobnicate=1\n' >"$QDIR/bad.container"
	printf '[Container]\nImage=localhost/busybox:latest\nExec=sleep 1000\n' >"$QDIR/good.container"
	sctl 0 daemon-reload
	sctl 0 cat good.service
	sctl 1 cat bad.service
	run systemctl --user list-unit-files --no-legend bad.service
	assert_not_contains "$output" "bad.service"

	# the generator's own report, as systemd ran it
	# (the user manager has no XDG_CONFIG_HOME: ~/.config, not this test's config dir)
	local err rc=0
	err=$(env -u XDG_CONFIG_HOME "$GENERATOR" -dryrun 2>&1 >/dev/null) || rc=$?
	echo "$err"
	[ "$rc" -eq 1 ] || die "the generator exited $rc with a bad file, expected 1"
	assert_contains "$err" "pm-quadlet: $QDIR/bad.container:3: unsupported key 'Frobnicate' in group 'Container'"
	# and in the journal, when the user can read the manager's lines
	local j
	j=$(journalctl --no-pager -q -b 2>/dev/null | grep -F "bad.container:3" || true)
	if [ -n "$j" ]; then
		echo "# journal: $j"
	else
		echo "# the generator's line is not in the journal the user can read"
	fi
}
