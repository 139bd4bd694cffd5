#!/usr/bin/env bats
# 010-rootless: the rootless user namespace and its pause process: the id mapping
# (0 -> uid, 1.. -> /etc/subuid range), one pause process under concurrency, recovery from a
# dead or stale pause process, `pm system migrate`, and `pm unshare` itself (exit codes
# 125/126/127, environment, working directory, mounts kept in the namespace).
# Runs as an unprivileged user with subordinate ids (tests/run-system.sh: pmtest).

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
	PIDFILE=$XDG_RUNTIME_DIR/pm/pause.pid
}

teardown() {
	basic_teardown
}

# expected_map FILE ID: the uid_map/gid_map pm should build: "0 ID 1", then the user's ranges
# in FILE (by name, else by uid) one after the other from container id 1.
expected_map() {
	local file=$1 id=$2 next=1 owner start count
	echo "0 $id 1"
	local ranges
	ranges=$(grep -E "^$(id -un):[0-9]+:[0-9]+$" "$file" || true)
	[ -n "$ranges" ] || ranges=$(grep -E "^$(id -u):[0-9]+:[0-9]+$" "$file" || true)
	while IFS=: read -r owner start count; do
		if [ -z "$owner" ] || [ "$count" -eq 0 ]; then
			continue
		fi
		echo "$next $start $count"
		next=$((next + count))
	done <<<"$ranges"
}

# live_pause_pids: pids of live (not zombie) pause processes started by this test (their
# environment carries the test's marker), one per line.
live_pause_pids() {
	marked_pause_pids
}

# is_alive PID: the process exists and is not a zombie.
is_alive() {
	local state
	state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

@test "pm unshare: uid_map and gid_map are 0 -> uid and 1.. -> the subordinate range" {
	skip_if_podman "pm's pause process"
	grep -Eq "^($(id -un)|$(id -u)):" /etc/subuid || skip "no /etc/subuid range for $(id -un)"

	run_pm 0 unshare cat /proc/self/uid_map
	is "$(awk '{ print $1, $2, $3 }' <<<"$output")" "$(expected_map /etc/subuid "$(id -u)")" \
		"uid_map"
	run_pm 0 unshare cat /proc/self/gid_map
	is "$(awk '{ print $1, $2, $3 }' <<<"$output")" "$(expected_map /etc/subgid "$(id -g)")" \
		"gid_map"

	run_pm 0 unshare id -u
	is "$output" "0" "uid inside"
	run_pm 0 unshare id -g
	is "$output" "0" "gid inside"

	# the pid file names the live pause process with its start time
	[ -f "$PIDFILE" ] || die "no $PIDFILE"
	read -r pid start <"$PIDFILE"
	is_alive "$pid" || die "pause process $pid from $PIDFILE is not running"
	is "$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$pid/stat")" "$start" "start time"
	is "$(cat "/proc/$pid/comm")" "pm-pause" "pause process name"
	is "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "pm-pause *" "pause process command line"
	is "$(live_pause_pids)" "$pid" "live pause processes"
}

@test "pm unshare: 20 concurrent runs share one pause process" {
	skip_if_podman "pm's pause process"
	local pids=() i failed=0
	for i in $(seq 20); do
		timeout "$PM_TIMEOUT" "${PM_CMD[@]}" unshare true &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || failed=$((failed + 1))
	done
	is "$failed" "0" "failed runs of 'pm unshare true'"
	is "$(live_pause_pids | wc -l)" "1" "live pause processes"
	read -r pid _ <"$PIDFILE"
	is "$(live_pause_pids)" "$pid" "pause pid in $PIDFILE"

	# and later runs join it
	run_pm 0 unshare true
	is "$(live_pause_pids)" "$pid" "pause process after another run"
}

@test "pm unshare: recovers from a killed pause process" {
	skip_if_podman "pm's pause process"
	run_pm 0 unshare true
	read -r old _ <"$PIDFILE"
	kill -9 "$old"
	for _ in $(seq 50); do
		is_alive "$old" || break
		sleep 0.1
	done
	is_alive "$old" && die "pause process $old survived kill -9"

	run_pm 0 unshare cat /proc/self/uid_map
	is "$(awk '{ print $1, $2, $3 }' <<<"$output")" "$(expected_map /etc/subuid "$(id -u)")" \
		"uid_map after recovery"
	read -r new _ <"$PIDFILE"
	[ "$new" != "$old" ] || die "pid file still names the dead pause process $old"
	is "$(live_pause_pids)" "$new" "live pause processes"
}

@test "pm unshare: a pid file with a wrong start time or garbage is stale" {
	skip_if_podman "pm's pause process"
	mkdir -p "$XDG_RUNTIME_DIR/pm"
	# a live process (this shell) that is not a pause process: its start time differs
	echo "$$ 1" >"$PIDFILE"
	run_pm 0 unshare true
	read -r pid _ <"$PIDFILE"
	[ "$pid" != "$$" ] || die "pm trusted a pid file with a wrong start time"
	is "$(live_pause_pids)" "$pid" "live pause processes"

	run_pm 0 system migrate
	echo "not a pid file" >"$PIDFILE"
	run_pm 0 unshare true
	read -r pid2 _ <"$PIDFILE"
	is "$pid2" "[0-9]+" "pid after a garbage pid file"
	is "$(live_pause_pids)" "$pid2" "live pause processes"
}

@test "pm system migrate ends the pause process and prints nothing" {
	skip_if_podman "pm's pause process"
	run_pm 0 unshare true
	read -r pid _ <"$PIDFILE"
	is_alive "$pid" || die "no pause process"

	run_pm 0 system migrate
	is "$output" "" "output of system migrate"
	is_alive "$pid" && die "pause process $pid still running after system migrate"
	[ ! -e "$PIDFILE" ] || die "$PIDFILE left after system migrate"
	is "$(live_pause_pids)" "" "live pause processes"

	# nothing to end: still fine, still silent
	run_pm 0 system migrate
	is "$output" "" "output of a second system migrate"

	# and the next command makes a new one
	run_pm 0 unshare true
	read -r new _ <"$PIDFILE"
	is "$(live_pause_pids)" "$new" "live pause processes"

	run_pm 125 system migrate extra
	assert_contains "$output" "takes no arguments"
}

@test "pm unshare: exit codes 127, 126, the command's own, 125" {
	run_pm 127 unshare pm-no-such-command
	assert_contains "$output" "pm-no-such-command"
	assert_contains "$output" "not found"

	run_pm 127 unshare /no/such/file
	assert_contains "$output" "/no/such/file"

	touch "$BATS_TEST_TMPDIR/not-executable"
	chmod 0644 "$BATS_TEST_TMPDIR/not-executable"
	run_pm 126 unshare "$BATS_TEST_TMPDIR/not-executable"
	assert_contains "$output" "not-executable"
	assert_contains "$output" "ermission denied"

	run_pm 126 unshare /etc
	assert_contains "$output" "/etc"

	run_pm 3 unshare sh -c 'exit 3'

	run_pm 125 unshare --no-such-flag
	assert_contains "$output" "unknown flag: --no-such-flag"
}

@test "pm unshare: options end at the command; environment, cwd and default shell" {
	skip_if_podman "pm's variable names"
	# flags after COMMAND belong to it
	run_pm 0 unshare ls -d /
	is "$output" "/" "ls -d / inside"

	# shellcheck disable=SC2016 # expanded inside
	run_pm 0 unshare sh -c 'echo "$CONTAINERS_GRAPHROOT|$CONTAINERS_RUNROOT|$PM_ROOT|$PM_RUNROOT"'
	is "$output" "$XDG_DATA_HOME/pm/storage\|$XDG_RUNTIME_DIR/pm\|$XDG_DATA_HOME/pm/storage\|$XDG_RUNTIME_DIR/pm" \
		"storage variables"

	cd "$BATS_TEST_TMPDIR"
	run_pm 0 unshare pwd
	is "$output" "$BATS_TEST_TMPDIR" "working directory inside"

	# no COMMAND: $SHELL
	# shellcheck disable=SC2016 # expanded by the shell inside
	output=$(echo 'echo "shell says $((6 * 7))"' |
		SHELL=/bin/sh timeout "$PM_TIMEOUT" "${PM_CMD[@]}" unshare 2>&1) ||
		die "pm unshare with a shell on stdin failed: $output"
	is "$output" "shell says 42" "default shell"

	# nested: already inside, pm unshare just runs the command
	run_pm 0 unshare "${PM_CMD[@]}" unshare cat /proc/self/uid_map
	is "$(awk '{ print $1, $2, $3 }' <<<"$output")" "$(expected_map /etc/subuid "$(id -u)")" \
		"uid_map of a nested pm unshare"
}

@test "pm unshare: mounts live in the namespace, not on the host" {
	skip_if_podman "pm's pause process"
	local dir=$BATS_TEST_TMPDIR/mnt
	mkdir -p "$dir"
	run_pm 0 unshare mount -t tmpfs pmtest-tmpfs "$dir"
	# a later command sees it (the pause process holds the mount namespace) ...
	# shellcheck disable=SC2016 # awk fields
	run_pm 0 unshare awk -v d="$dir" '$5 == d { print $9 }' /proc/self/mountinfo
	is "$output" "pmtest-tmpfs" "mount seen by a second pm unshare"
	# ... the host does not
	if awk -v d="$dir" '$5 == d { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		die "the tmpfs mounted in the namespace leaked to the host"
	fi
	run_pm 0 unshare umount "$dir"
}

@test "pm unshare: newuidmap missing or without setuid: exit 125, nothing left" {
	skip_if_podman "pm's messages"
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	ln -s "$(command -v timeout)" "$bin/timeout" # run_pm needs it
	# pm finds newuidmap in $PATH: a PATH without it
	PATH=$bin run_pm 125 unshare true
	assert_contains "$output" "newuidmap not found: install the 'uidmap' package"
	is "${#lines[@]}" "1" "lines of output"
	[ ! -e "$PIDFILE" ] || die "$PIDFILE left behind"
	is "$(live_pause_pids)" "" "live pause processes"

	# one that is neither setuid nor has file capabilities
	printf '#!/bin/sh\nexit 0\n' >"$bin/newuidmap"
	cp "$bin/newuidmap" "$bin/newgidmap"
	chmod 0755 "$bin/newuidmap" "$bin/newgidmap"
	PATH=$bin run_pm 125 unshare true
	assert_contains "$output" "'$bin/newuidmap' has neither the setuid bit nor file capabilities"
	assert_contains "$output" "getcap"
	[ ! -e "$PIDFILE" ] || die "$PIDFILE left behind"
	is "$(live_pause_pids)" "" "live pause processes"
}

@test "pm unshare: unshare(CLONE_NEWUSER) refused: exit 125 naming the sysctls, nothing left" {
	skip_if_podman "pm's messages"
	skip_if_missing cc
	if LD_TRACE_LOADED_OBJECTS=1 "${PM_CMD[0]}" 2>/dev/null | grep -q libasan; then
		skip "LD_PRELOAD cannot go before the ASan runtime"
	fi
	# make unshare() fail with EPERM, as a kernel with user namespaces disabled does
	printf '#include <errno.h>\nint unshare(int f) { (void)f; errno = EPERM; return -1; }\n' \
		>"$BATS_TEST_TMPDIR/eperm.c"
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/eperm.so" "$BATS_TEST_TMPDIR/eperm.c" ||
		die "cannot build the LD_PRELOAD shim"
	LD_PRELOAD=$BATS_TEST_TMPDIR/eperm.so run_pm 125 unshare true
	assert_contains "$output" "cannot create a user namespace"
	assert_contains "$output" "Operation not permitted"
	assert_contains "$output" "user.max_user_namespaces=$(cat /proc/sys/user/max_user_namespaces)"
	is "${#lines[@]}" "1" "lines of output"
	[ ! -e "$PIDFILE" ] || die "$PIDFILE left behind"
	is "$(live_pause_pids)" "" "live pause processes"
}
