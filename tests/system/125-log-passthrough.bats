#!/usr/bin/env bats
# 125-log-passthrough: --log-driver passthrough: the container's stdin, stdout and stderr
# are the caller's own (no relay, no log): streams apart, stdin with and without -i, the
# exit code, run -d and start (no id printed, the container keeps the caller's streams),
# `logs` and `attach` refused with podman's messages, --attach refused, the refusal on a
# terminal (TIOCSTI) and passthrough-tty, -t refused, bad driver names.
# Run against podman 4.3 too (PM="podman --runtime runc"); pm-only where 4.3 differs.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
}

@test "log-driver passthrough: stdout and stderr reach the caller apart, the exit code passes" {
	run_pm_split 3 run --name p1 --log-driver passthrough "$IMG" \
		sh -c 'echo out1; echo err1 >&2; echo out2; exit 3'
	is "$output" "out1
out2" "the container's stdout is ours"
	is "$stderr" "err1" "the container's stderr is ours"
	# the very files: nothing in between
	run_pm_split 0 run --rm --log-driver passthrough "$IMG" \
		sh -c 'readlink /proc/self/fd/1; readlink /proc/self/fd/2 >&2'
	is "$output" "$PM_STDOUT" "stdout is the caller's file"
	is "$stderr" "$PM_STDERR" "stderr is the caller's file"

	run_pm 0 inspect --format '{{.HostConfig.LogConfig.Type}}:{{.HostConfig.LogConfig.Path}}' p1
	is "$output" "passthrough:" "inspect: the driver, no log path"
	run_pm 0 ps -a --format '{{.Names}} {{.Status}}'
	assert_contains "$output" "p1 Exited (3)"

	# no log is kept: `logs` says so (podman's message); a k8s-file container has its log
	run_pm 125 logs p1
	is "$output" "Error: this container is using the 'passthrough' log driver, cannot read logs: this container is not logging output"
	run_pm 0 run --name k1 --log-driver k8s-file "$IMG" echo kept
	run_pm 0 inspect --format '{{.ID}}' p1
	local pid=$output
	run_pm 0 inspect --format '{{.ID}}' k1
	local kid=$output
	local logs
	logs=$(find "$XDG_DATA_HOME" -name ctr.log 2>/dev/null || true)
	assert_contains "$logs" "$kid" "the k8s-file container's ctr.log"
	assert_not_contains "$logs" "$pid" "no ctr.log for the passthrough container"
	run_pm 0 logs k1
	is "$output" "kept"
}

@test "log-driver passthrough: the caller's stdin, with and without -i" {
	run_pm_split 0 run --rm -i --log-driver passthrough "$IMG" cat <<<"hello-in"
	is "$output" "hello-in" "-i: stdin read"
	# as podman: the caller's stdin is the container's also without -i
	run_pm_split 0 run --rm --log-driver passthrough "$IMG" cat <<<"no-i"
	is "$output" "no-i" "stdin without -i"
	run_pm_split 0 run --rm --log-driver passthrough "$IMG" sh -c 'read -r l; echo "got $l"; cat' \
		<<<"line1
line2"
	is "$output" "got line1
line2"
}

@test "log-driver passthrough: run -d prints no id, the container keeps the caller's streams" {
	run_pm_split 0 run -d --name p2 --log-driver passthrough "$IMG" \
		sh -c 'echo dout; echo derr >&2; sleep 0.5; echo late; exit 6'
	run_pm 0 wait p2
	is "$output" "6" "wait: the exit code"
	# read after the container is done: what it wrote after pm returned is there too
	is "$(cat "$PM_STDOUT")" "dout
late" "no id on stdout, the container's lines"
	assert_contains "$(cat "$PM_STDERR")" "derr"
	run_pm 125 logs p2
	assert_contains "$output" "'passthrough' log driver, cannot read logs"
}

@test "log-driver passthrough: create prints no id; start gives the container its streams" {
	run_pm_split 0 create --name p3 --log-driver passthrough "$IMG" \
		sh -c 'echo cout; echo cerr >&2; exit 4'
	is "$output" "" "create: no id on stdout"
	run_pm 0 inspect --format '{{.HostConfig.LogConfig.Type}}' p3
	is "$output" "passthrough"
	# start -a: the attached start, the exit code passes
	run_pm_split 4 start -a p3
	is "$output" "cout"
	is "$stderr" "cerr"
	# start: detached, the container writes to start's own streams
	run_pm_split 0 start p3
	run_pm 0 wait p3
	is "$output" "4"
	assert_contains "$(cat "$PM_STDOUT")" "cout"
	assert_contains "$(cat "$PM_STDERR")" "cerr"
}

@test "log-driver passthrough: attach and run --attach are refused" {
	run_pm 125 run --rm -a stdout --log-driver passthrough "$IMG" true
	is "$output" "Error: cannot specify --attach with --log-driver=passthrough: invalid argument"
	# (not through run_pm: the container holds the caller's stdout, $(...) would wait)
	"${PM_CMD[@]}" run -d --name p4 --log-driver passthrough "$IMG" sleep 30 \
		</dev/null >/dev/null 2>&1
	run_pm 125 attach p4
	is "$output" "Error: attaching to container [0-9a-f]{64}: this container is using the 'passthrough' log driver, cannot attach: this container is not logging output"
	run_pm 0 rm -f -t 0 p4
}

@test "log-driver passthrough: refused on a terminal (TIOCSTI); passthrough-tty takes one" {
	pty_drive -- "${PM_CMD[@]}" run --rm --log-driver passthrough "$IMG" echo on-a-tty
	[ "$status" -ne 0 ] || die "passthrough ran on a terminal"
	assert_contains "$output" "Error: the '--log-driver passthrough' option cannot be used on a TTY"
	assert_not_contains "$output" "on-a-tty"
	pty_drive -- "${PM_CMD[@]}" create --log-driver passthrough "$IMG" true
	[ "$status" -ne 0 ] || die "passthrough created on a terminal"
	assert_contains "$output" "option cannot be used on a TTY"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "nothing made"
	is_podman && return # podman 4.3 has no passthrough-tty (4.8 added it)
	# made from a pipe, started from a terminal: refused at the start (conmon's message)
	run_pm 0 create --name pt --log-driver passthrough "$IMG" echo started
	pty_drive -- "${PM_CMD[@]}" start -a pt
	[ "$status" -ne 0 ] || die "passthrough started on a terminal"
	assert_contains "$output" "cannot use a tty with passthrough logging mode to prevent attacks via TIOCSTI"
	assert_not_contains "$output" "started"
	pty_drive -- "${PM_CMD[@]}" start pt
	[ "$status" -ne 0 ] || die "passthrough started (detached) on a terminal"
	assert_contains "$output" "prevent attacks via TIOCSTI"
	run_pm 0 rm pt
	# passthrough-tty: the caller's terminal is the container's stdio (not a pty of its own)
	pty_drive -- "${PM_CMD[@]}" run --rm --log-driver passthrough-tty "$IMG" \
		sh -c 'test -t 0 && test -t 1 && test -t 2 && echo all-ttys; exit 5'
	is "$status" 5
	assert_contains "$output" "all-ttys"
	# from a pipe passthrough-tty works as passthrough
	run_pm_split 0 run --rm --log-driver passthrough-tty "$IMG" sh -c 'echo o; echo e >&2'
	is "$output" "o"
	is "$stderr" "e"
}

@test "log-driver passthrough: -t is refused (pm-only)" {
	# podman 4.3 takes -t and the container's output goes nowhere (its pty is relayed to no
	# one); pm refuses the pair as bad input, before anything is made
	skip_if_podman "podman 4.3 accepts -t with passthrough and loses the output"
	run_pm 125 run --rm -t --log-driver passthrough "$IMG" echo hi
	is "$output" "Error: --log-driver 'passthrough' cannot be used with --tty: the container's streams are the caller's own, a pseudo-TTY would reach nobody"
	run_pm 125 create -t --log-driver passthrough-tty "$IMG" true
	assert_contains "$output" "cannot be used with --tty"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "nothing made"
}

@test "log-driver: bad names are still refused (125)" {
	run_pm 125 run --rm --log-driver bogus "$IMG" true
	assert_contains "$output" "invalid log driver: invalid argument"
	run_pm 125 create --log-driver passthroughx "$IMG" true
	assert_contains "$output" "invalid log driver: invalid argument"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" ""
}

@test "log-driver: journald and play kube passthrough refused (pm-only)" {
	skip_if_podman "podman has journald and takes passthrough for play kube"
	run_pm 125 run --rm --log-driver journald "$IMG" true
	is "$output" "Error: --log-driver 'journald': not supported: .*"
	run_pm 125 play kube --log-driver passthrough /nonexistent.yaml
	is "$output" "Error: --log-driver 'passthrough': not supported by play kube: .*"
}
