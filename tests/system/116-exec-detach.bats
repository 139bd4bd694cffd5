#!/usr/bin/env bats
# 116-exec-detach: exec sessions that outlive pm (issue 18): `exec -it` on a terminal
# detaches with the detach keys (ctrl-p,ctrl-q or --detach-keys) and the process runs on,
# its output still drained; --detach-keys "" never detaches; bad keys are 125; `exec -d`
# leaves a background process and prints its session id; the container's stop ends every
# session and leaves no process. Driven through a real pty (python's pty module), as in
# 032-detach.

# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	skip_if_missing python3
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

# start NAME: a detached container whose PID 1 is `sleep 1000`.
start() {
	run_pm 0 run -d --name "$1" "$IMG" sleep 1000
	run_pm 0 wait --condition running "$1"
}

# count CTR: the number the session's loop last wrote to /tmp/count
count() {
	run_pm 0 exec "$1" sh -c 'cat /tmp/count 2>/dev/null || echo 0'
	echo "$output"
}

# The session's process: a counter in /tmp/count (renamed into place: a reader never sees
# it empty), and ~200 KB/s to its terminal, so that a pty nobody drained would fill within
# a second and stop it.
LOOP='echo ready; i=0; while :; do i=$((i+1)); echo $i >/tmp/c; mv /tmp/c /tmp/count; head -c 10000 /dev/zero | tr "\0" x; echo; sleep 0.05; done'

@test "exec -it: ctrl-p,ctrl-q detaches, exec exits 0, the process runs on and is drained" {
	start c1
	pty_drive 'expect:ready' 'sleep:0.3' 'send:\x10' 'sleep:0.3' 'send:\x11' -- \
		"${PM_CMD[@]}" exec -it c1 sh -c "$LOOP"
	# podman 4.3 detaches too but then exits 255 ("timed out waiting for file .../exit")
	is_podman || is "$status" "0" "exec exits 0 on detach"
	run_pm 0 exec c1 ps -o args
	assert_contains "$output" "echo ready; i=0"
	local a b
	sleep 1
	a=$(count c1 | tail -n 1)
	sleep 2
	b=$(count c1 | tail -n 1)
	[ "$b" -gt "$a" ] || die "the detached process stalled: count $a, then $b"
	run_pm 0 rm -f -t 0 c1
}

@test "exec -it --detach-keys: other keys detach; without them the exit code arrives" {
	start c1
	pty_drive 'expect:ready' 'sleep:0.3' 'send:\x01' 'sleep:0.3' 'send:x' -- \
		"${PM_CMD[@]}" exec -it --detach-keys ctrl-a,x c1 sh -c 'echo ready; exec sleep 4711'
	is_podman || is "$status" "0" "exec exits 0 on detach"
	run_pm 0 exec c1 ps -o args
	assert_contains "$output" "sleep 4711"
	# a process that ends by itself: its output and exit code, nothing lost
	pty_drive -- "${PM_CMD[@]}" exec -it c1 sh -c 'echo first-line; exit 5'
	is "$status" "5" "the exec process's exit code"
	assert_contains "$output" "first-line"
	# not found: 127, as without a terminal
	pty_drive -- sh -c "${PM_CMD[*]} exec -it c1 /no/such/cmd; echo rc=\$?"
	assert_contains "$output" "rc=127"
	run_pm 0 rm -f -t 0 c1
}

@test "exec -it: the pty has the terminal's size; SIGTERM to exec reaches the process" {
	start c1
	pty_drive -- sh -c "stty cols 91 rows 33; ${PM_CMD[*]} exec -it c1 stty size"
	is "$status" "0"
	assert_contains "$output" "33 91"
	# pm-only: podman 4.3's exec -it does not forward a SIGTERM it gets to the process
	# (checked: the trap never runs)
	if is_podman; then
		run_pm 0 rm -f -t 0 c1
		return
	fi
	pty_drive 'expect:ready' 'kill:TERM' -- "${PM_CMD[@]}" exec -it c1 \
		sh -c 'trap "echo got-term; exit 42" TERM; echo ready; sleep 100 & wait'
	is "$status" "42" "the trap's exit code"
	assert_contains "$output" "got-term"
	run_pm 0 rm -f -t 0 c1
}

@test "exec -it detached: exec, then exec_died with the exit code when the process ends" {
	if is_podman; then
		mkdir -p "$XDG_CONFIG_HOME/containers"
		printf '[engine]\nevents_logger = "file"\n' >"$XDG_CONFIG_HOME/containers/containers.conf"
	fi
	start c1
	pty_drive 'expect:ready' 'send:\x10\x11' -- \
		"${PM_CMD[@]}" exec -it c1 sh -c 'echo ready; sleep 1; exit 6'
	local out=""
	for _ in $(seq 100); do
		out=$(timeout "$PM_TIMEOUT" "${PM_CMD[@]}" events --stream=false --filter container=c1 \
			--filter event=exec --filter event=exec_died \
			--format '{{.Status}}:{{.ContainerExitCode}}' 2>/dev/null | tr '\n' ' ')
		[[ "$out" == *exec_died* ]] && break
		sleep 0.1
	done
	is "$out" "exec:0 exec_died:6 " "the session's events"
	run_pm 0 rm -f -t 0 c1
}

@test "exec -it --detach-keys '': the keys reach the process, no detaching" {
	start c1
	pty_drive 'expect:ready' 'send:\x10\x11abc\r' -- \
		"${PM_CMD[@]}" exec -it --detach-keys "" c1 \
		sh -c 'stty -ixon; echo ready; read x; echo "got:$x" | od -c | head -n 1; exit 4'
	is "$status" "4" "the process ended by itself"
	assert_contains "$output" '020 021   a   b   c'
	run_pm 0 rm -f -t 0 c1
}

@test "exec --detach-keys: a bad value is 125 and starts nothing" {
	# podman 4.3 takes the bad keys to conmon and fails with 255 ("container create
	# failed ... readObjectStart"), or with -d ignores them
	skip_if_podman "podman 4.3 exits 255 with a conmon parse error"
	start c1
	run_pm 125 exec --detach-keys ctrl-bogus -it c1 true
	is "$output" "Error: invalid detach keys: Unknown character: 'ctrl-bogus'"
	run_pm 125 exec -d --detach-keys ab c1 sleep 4712
	is "$output" "Error: invalid detach keys: Unknown character: 'ab'"
	run_pm 0 inspect --format '{{len .ExecIDs}}' c1
	is "$output" "0" "no exec session"
	run_pm 0 exec c1 ps -o args
	assert_not_contains "$output" "sleep 4712"
	run_pm 0 rm -f -t 0 c1
}

@test "exec -d: a background process, its session id, in ExecIDs" {
	start c1
	run_pm 0 exec -d c1 sh -c 'echo hi; exec sleep 4713'
	is "$output" "[0-9a-f]{64}" "exec -d prints the session id"
	local sid=$output
	run_pm 0 exec c1 ps -o args
	assert_contains "$output" "sleep 4713"
	run_pm 0 inspect --format '{{range .ExecIDs}}{{.}} {{end}}' c1
	assert_contains "$output" "$sid"
	run_pm 0 rm -f -t 0 c1
}

@test "exec -d: the exit code is recorded; 126/127 as without -d" {
	# podman 4.3's exec -d exits 125 for a command it cannot run
	skip_if_podman "podman 4.3 exits 125 for exec -d of a missing command"
	start c1
	run_pm 0 exec -d c1 sh -c 'exit 7'
	local sid=$output f
	for _ in $(seq 100); do
		f=$(find "$XDG_RUNTIME_DIR" -path "*/exec/$sid/exit" 2>/dev/null)
		[ -n "$f" ] && break
		sleep 0.1
	done
	[ -n "$f" ] || die "no exit file for session $sid"
	is "$(cut -d' ' -f1 <"$f")" "7" "the session's exit code"
	run_pm 127 exec -d c1 /no/such/cmd
	assert_contains "$output" "/no/such/cmd"
	run_pm 126 exec -d c1 /etc
	run_pm 0 inspect --format '{{len .ExecIDs}}' c1
	is "$output" "1" "only the session that ran"
	run_pm 0 rm -f -t 0 c1
}

@test "exec sessions end with the container: stop leaves no process" {
	start c1
	run_pm 0 exec -d c1 sleep 4714
	pty_drive 'expect:ready' 'sleep:0.3' 'send:\x10' 'sleep:0.3' 'send:\x11' -- \
		"${PM_CMD[@]}" exec -it c1 sh -c 'echo ready; exec sleep 4715'
	run_pm 0 exec c1 ps -o args
	assert_contains "$output" "sleep 4714"
	assert_contains "$output" "sleep 4715"
	run_pm 0 stop -t 0 c1
	# the sessions' processes and (pm) their monitors are gone, within a moment
	local left
	for _ in $(seq 100); do
		left=$(pgrep -u "$(id -u)" -f "sleep 471[45]|pm-monitor exec .*$XDG_RUNTIME_DIR" || true)
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || die "left running after stop: $(ps -o pid,args -p "${left//$'\n'/,}")"
	run_pm 0 start c1
	run_pm 0 inspect --format '{{len .ExecIDs}}' c1
	is "$output" "0" "a new start has no exec sessions"
	run_pm 0 rm -f -t 0 c1
}
