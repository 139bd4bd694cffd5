#!/usr/bin/env bats
# 032-detach: `run -it` on a terminal detaches with the detach keys (ctrl-p,ctrl-q or
# --detach-keys): the container keeps running, `run` exits 0 and `attach` reattaches;
# --detach-keys "" never detaches; bad keys fail before anything is created. Driven
# through a real pty (python's pty module), as a user at a terminal would.

load helpers

setup() {
	basic_setup
	skip_if_missing python3
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

@test "run -it: ctrl-p,ctrl-q detaches, the container keeps running, attach reattaches" {
	pty_drive 'expect:# ' 'send:echo hel""lo\r' 'expect:hello' 'sleep:0.3' 'send:\x10' 'sleep:0.3' 'send:\x11' -- \
		"${PM_CMD[@]}" run -it --name d1 $IMG sh
	is "$status" "0" "run exits 0 on detach"
	run_pm 0 inspect --format '{{.State.Status}}' d1
	is "$output" "running" "the container runs on"
	# reattach: the same shell, its exit code
	pty_drive 'sleep:0.5' 'send:echo sec""ond\r' 'expect:second' 'send:exit 7\r' -- \
		"${PM_CMD[@]}" attach d1
	# (podman 4.3's attach exits 0 here: `wait` below has the 7)
	is_podman || is "$status" "7" "attach exits with the container's code"
	run_pm 0 wait d1
	is "$output" "7" "the container's exit code"
	run_pm 0 rm d1
}

@test "run -it --detach-keys: other keys detach; the first output and the exit code arrive" {
	pty_drive 'expect:ready' 'sleep:0.3' 'send:\x01' 'sleep:0.3' 'send:x' -- \
		"${PM_CMD[@]}" run -it --detach-keys ctrl-a,x --name d2 $IMG sh -c 'echo ready; sleep 1000'
	is "$status" "0" "run exits 0 on detach"
	run_pm 0 inspect --format '{{.State.Status}}' d2
	is "$output" "running"
	run_pm 0 rm -f -t 0 d2
	# a command that prints and exits at once: nothing is lost, --rm is done when run returns
	pty_drive -- "${PM_CMD[@]}" run -it --rm --name d3 $IMG sh -c 'echo first-line; exit 5'
	is "$status" "5" "the container's exit code"
	assert_contains "$output" "first-line"
	run_pm 0 ps -a -q
	is "$output" "" "--rm removed it before run returned"
}

@test "run -it: the pty has the terminal's size from the start" {
	pty_drive -- sh -c "stty cols 91 rows 33; ${PM_CMD[*]} run -it --rm $IMG stty size"
	is "$status" "0"
	assert_contains "$output" "33 91"
}

@test "run -it: SIGTERM and SIGHUP to run reach the container's PID 1" {
	local sig
	for sig in TERM HUP; do
		pty_drive 'expect:ready' "kill:$sig" -- "${PM_CMD[@]}" run -it --rm $IMG \
			sh -c 'trap "echo got-$1; exit 42" $1; echo ready; sleep 100 & wait' sh $sig
		is "$status" "42" "exit code after SIG$sig"
		assert_contains "$output" "got-$sig"
	done
}

@test "run -it --detach-keys '': the keys reach the container, no detaching" {
	pty_drive 'expect:ready' 'send:\x10\x11abc\r' -- \
		"${PM_CMD[@]}" run -it --rm --detach-keys "" $IMG \
		sh -c 'stty -ixon; echo ready; read x; echo "got:$x" | od -c | head -n 1; exit 4'
	is "$status" "4" "the container ended by itself"
	assert_contains "$output" '020 021   a   b   c'
}

@test "run --detach-keys: a bad value fails before anything is created" {
	local rc=125
	is_podman && rc=126 # podman fails it at attach time, with 126
	run_pm $rc run --detach-keys ctrl-bogus -it --name bad $IMG true
	is "${lines[-1]}" "Error: invalid detach keys: Unknown character: 'ctrl-bogus'"
	run_pm $rc run --detach-keys ab --rm $IMG true
	is "$output" "Error: invalid detach keys: Unknown character: 'ab'"
	if is_podman; then
		run_pm 0 rm -a # podman leaves 'bad' created; pm creates nothing
		return
	fi
	run_pm 0 ps -a -q
	is "$output" "" "no container left"
}
