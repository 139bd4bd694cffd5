#!/usr/bin/env bats
# 011-pause: the pause process survives a hostile laptop. Garbage in pause.pid (huge, a
# directory, a FIFO, a symlink, a live process that is no pause process of ours) is stale,
# never an error, and `pm system migrate` signals none of it; a pm killed while it creates
# the pause process leaves none behind (crash points pause-created, pause-before-commit); a
# pause process killed while containers run is replaced INSIDE their namespaces (exec still
# works); a wiped $XDG_RUNTIME_DIR does not lose the pause process (it is adopted again).
# Runs as an unprivileged user with subordinate ids (tests/run-system.sh: pmtest).

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	skip_if_podman "pm's pause process"
	basic_setup
	PIDFILE=$XDG_RUNTIME_DIR/pm/pause.pid
}

teardown() {
	if [ -n "${VICTIM:-}" ]; then
		kill -9 "$VICTIM" 2>/dev/null || true
		wait "$VICTIM" 2>/dev/null || true
	fi
	basic_teardown
}

# start_time PID: field 22 of /proc/PID/stat
start_time() {
	awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$1/stat"
}

is_alive() {
	local state
	state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# wait_gone PID...: up to 5 s for every PID to exit (or be a zombie)
wait_gone() {
	local p _
	for p in "$@"; do
		for _ in $(seq 50); do
			is_alive "$p" || break
			sleep 0.1
		done
		! is_alive "$p" || die "process $p still alive after 5 s"
	done
}

# wait_no_pause: up to 5 s until no pause process of this test is left
wait_no_pause() {
	local _
	for _ in $(seq 50); do
		[ -z "$(marked_pause_pids)" ] && return 0
		sleep 0.1
	done
	die "pause processes of this test left: $(marked_pause_pids | tr '\n' ' ')"
}

# one_pause: exactly one pause process of this test, named by the pid file; sets $PAUSE
one_pause() {
	local what=${1:-live pause processes}
	[ -f "$PIDFILE" ] || die "no $PIDFILE"
	read -r PAUSE start <"$PIDFILE"
	is "$(marked_pause_pids)" "$PAUSE" "$what"
	is "$(start_time "$PAUSE")" "$start" "start time in $PIDFILE"
	is "$(cat "/proc/$PAUSE/comm")" "pm-pause" "name of the pause process"
}

@test "pause.pid: garbage of any kind is stale, replaced, and never signalled" {
	mkdir -p "$XDG_RUNTIME_DIR/pm"
	# a live process of ours that is no pause process: pm must neither join nor signal it
	sleep 1000 &
	VICTIM=$!
	local -a cases=(huge dir fifo symlink pid1 victim victim-start0 malformed)
	local c
	for c in "${cases[@]}"; do
		rm -rf "$PIDFILE"
		case $c in
		huge) head -c 300 /dev/zero | tr '\0' 7 >"$PIDFILE" ;;
		dir) mkdir -p "$PIDFILE/sub" ;;
		fifo) mkfifo "$PIDFILE" ;;
		symlink) ln -s /etc/passwd "$PIDFILE" ;;
		pid1) echo "1 $(start_time 1)" >"$PIDFILE" ;;
		victim) echo "$VICTIM $(start_time "$VICTIM")" >"$PIDFILE" ;;
		victim-start0) echo "$VICTIM 0" >"$PIDFILE" ;;
		malformed) echo "12 34 56" >"$PIDFILE" ;;
		esac
		echo "# pause.pid: $c"
		run_pm 0 images
		one_pause "live pause processes after a pause.pid of kind '$c'"

		# migrate with the same garbage ends nothing and removes it
		run_pm 0 system migrate
		wait_gone "$PAUSE"
		rm -rf "$PIDFILE"
		case $c in
		victim) echo "$VICTIM $(start_time "$VICTIM")" >"$PIDFILE" ;;
		dir) mkdir -p "$PIDFILE/sub" ;;
		*) echo "1 $(start_time 1)" >"$PIDFILE" ;;
		esac
		run_pm 0 system migrate
		is "$output" "" "output of system migrate with a garbage pause.pid"
		[ ! -e "$PIDFILE" ] || die "system migrate left the garbage $PIDFILE"
		is_alive "$VICTIM" || die "pm signalled process $VICTIM named by a garbage pause.pid"
	done
	is "$(marked_pause_pids)" "" "live pause processes at the end"
}

@test "pause.pid: pm killed after creating the pause process leaves none behind" {
	PM_CRASH_POINT=pause-created run_pm 137 images
	wait_no_pause
	[ ! -e "$PIDFILE" ] || die "$PIDFILE written before the crash point"
	run_pm 0 images
	one_pause

	# killed after writing pause.pid, before telling the pause process to live on
	run_pm 0 system migrate
	PM_CRASH_POINT=pause-before-commit run_pm 137 images
	[ -f "$PIDFILE" ] || die "no $PIDFILE after the crash point pause-before-commit"
	read -r dead _ <"$PIDFILE"
	wait_no_pause
	run_pm 0 images
	one_pause
	[ "$PAUSE" != "$dead" ] || die "pid file still names the uncommitted pause process $dead"
}

@test "pause process killed while a container runs: a new one joins its namespaces" {
	run_pm 0 load -i "$(pm_test_image)"
	run_pm 0 run -d --name c1 localhost/busybox sleep 1000
	run_pm 0 wait --condition running c1
	one_pause
	local old=$PAUSE oldns
	oldns=$(readlink "/proc/$old/ns/user")
	kill -9 "$old"
	wait_gone "$old"

	run_pm 0 exec c1 true
	run_pm 0 exec c1 cat /proc/1/comm
	is "$output" "sleep" "exec reaches the container's own processes"
	one_pause "live pause processes after the old one was killed"
	[ "$PAUSE" != "$old" ] || die "pid file still names the killed pause process"
	[ "$(readlink "/proc/$PAUSE/ns/user")" = "$oldns" ] ||
		die "the new pause process is not in the user namespace $oldns of the container"

	run_pm 0 ps --format '{{.Names}} {{.Status}}'
	is "$output" "c1 Up.*" "the container is still up"
	run_pm 0 rm -f -t 0 c1
	run_pm 0 ps -a -q
	is "$output" "" "containers after rm -f"
	one_pause "live pause processes at the end"
}

@test "\$XDG_RUNTIME_DIR wiped: the old pause process is adopted again" {
	run_pm 0 images
	one_pause
	local old=$PAUSE
	rm -rf "${XDG_RUNTIME_DIR:?}"/*
	[ ! -e "$PIDFILE" ] || die "$PIDFILE survived the wipe"
	is "$(readlink "/proc/$old/fd/3")" "$XDG_RUNTIME_DIR/pm \(deleted\)" "fd 3 of the pause process"

	run_pm 0 images
	one_pause "live pause processes after the wipe"
	is "$PAUSE" "$old" "pause process in the new $PIDFILE"

	# and migrate ends one whose pid file is lost
	rm -rf "${XDG_RUNTIME_DIR:?}"/*
	run_pm 0 system migrate
	wait_gone "$old"
	is "$(marked_pause_pids)" "" "live pause processes after system migrate"
}

# After a wipe the container's run state (in the runroot) is gone too: pm then reports it
# exited and `exec` refuses, which is the business of the container records, not of the
# pause process. What this part owns: pm joins the very namespaces the container runs in,
# through the adopted pause process, and starts no second one.
@test "\$XDG_RUNTIME_DIR wiped while a container runs: pm joins its namespaces again" {
	run_pm 0 load -i "$(pm_test_image)"
	run_pm 0 run -d --name c1 localhost/busybox sleep 1000
	run_pm 0 wait --condition running c1
	run_pm 0 inspect --format '{{.State.Pid}}' c1
	local ctr=$output mon
	mon=$(pgrep -u "$(id -u)" -f "^pm-monitor .* --rundir $XDG_RUNTIME_DIR/pm/containers/") ||
		die "no monitor of c1"
	one_pause
	local old=$PAUSE userns mntns
	userns=$(readlink "/proc/$mon/ns/user")
	mntns=$(readlink "/proc/$mon/ns/mnt")
	rm -rf "${XDG_RUNTIME_DIR:?}"/*

	run_pm 0 unshare readlink /proc/self/ns/user /proc/self/ns/mnt
	[ "$output" = "$userns"$'\n'"$mntns" ] ||
		die "pm joined '$output', not the namespaces of the container's monitor: $userns $mntns"
	one_pause "live pause processes after the wipe"
	is "$PAUSE" "$old" "pause process in the new $PIDFILE"

	# the container's processes: pm lost their run state with the wipe (see above)
	run_pm '?' rm -f -t 0 c1
	kill -9 "$mon" "$ctr" 2>/dev/null || true
	wait_gone "$mon" "$ctr"
	one_pause "live pause processes at the end"
}
