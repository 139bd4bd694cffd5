#!/usr/bin/env bats
# 040-lifecycle: the daemonless lifecycle: run -d through a monitor, create/start, stop
# (fast when PID 1 has no handler), kill, restart, wait, rm, attach, restart policies,
# --cidfile, --replace, --rm with -d, the log of every container, and what is left after.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

# state NAME: "Status ExitCode" from the container's record
state() {
	"${PM_CMD[@]}" inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1"
}

# monitor_pid NAME: the container's monitor, from its runtime pids file
monitor_pid() {
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' "$1")
	cut -d' ' -f1 "$XDG_RUNTIME_DIR/pm/containers/$id/pids"
}

# wait_for_state NAME STATUS: pm wait on the condition (no sleeping loops)
wait_for_state() {
	run_pm 0 wait --condition "$2" "$1"
}

@test "run -d: prints the id, the container runs under a monitor, output goes to the log" {
	run_pm 0 run -d --name d1 $IMG sh -c 'echo to-out; echo to-err >&2; sleep 1000'
	is "$output" "[0-9a-f]{64}" "run -d prints the full id"
	local id=$output
	is "$(state d1)" "running 0"
	# the monitor: own session, child subreaper, parent of the container's init
	local mon
	mon=$(monitor_pid d1)
	local sid ppid_init init
	sid=$(awk '{print $6}' "/proc/$mon/stat")
	[ "$sid" != "$(awk '{print $6}' /proc/$$/stat)" ] || die "the monitor is in our session"
	# it may lead that session (forked once): what matters is that it has no terminal
	is "$(awk '{print $7}' "/proc/$mon/stat")" "0" "the monitor has no controlling terminal"
	assert_contains "$(grep -s . /proc/$mon/status)" "" # readable
	[ "$(awk '/^PPid:/ {print $2}' /proc/$mon/status)" != "$$" ] || die "monitor is our child"
	is "$(cat /proc/$mon/comm)" "pm-monitor" "monitor name"
	# it is the small pm-monitor program, not a copy of pm: none of pm's libraries mapped
	is "$(basename "$(readlink "/proc/$mon/exe")")" "pm-monitor" "the monitor's program"
	if grep -E 'libjansson|libseccomp|libcap|libyaml' "/proc/$mon/maps"; then
		die "the monitor maps pm's libraries"
	fi
	run_pm 0 inspect --format '{{.State.Pid}}' d1
	init=$output
	ppid_init=$(awk '/^PPid:/ {print $2}' "/proc/$init/status")
	is "$ppid_init" "$mon" "the monitor is the parent of the container init"
	# the log, in the record dir, k8s-file format
	local log=$XDG_DATA_HOME/pm/storage/db/containers/$id/ctr.log
	run_pm 0 wait --condition running d1
	[ -f "$log" ] || die "no log at $log"
	grep -qE '^[0-9T:.+-]+ stdout F to-out$' "$log" || die "stdout line missing: $(cat "$log")"
	grep -qE '^[0-9T:.+-]+ stderr F to-err$' "$log" || die "stderr line missing: $(cat "$log")"
	run_pm_split 0 rm -f d1 # (stderr: the SIGKILL warning, as podman's)
	is "$output" "d1"
	pm_store_settled # the run dir goes with the record's files, in a detached process
	[ ! -e "$XDG_RUNTIME_DIR/pm/containers/$id" ] || die "runtime dir left"
	[ ! -e "$XDG_DATA_HOME/pm/storage/db/containers/$id" ] || die "record left"
	[ ! -d "/proc/$init" ] || [ "$(awk '{print $3}' /proc/$init/stat)" = Z ] || die "init left"
}

@test "stop: PID 1 without a handler gets SIGKILL at once; the container is gone, exit 137" {
	run_pm 0 run -d --name s1 $IMG sleep 1000
	run_pm 0 inspect --format '{{.State.Pid}}' s1
	local init=$output
	run_pm_split 0 stop s1
	is "$output" "s1" "stop prints the name"
	assert_contains "$stderr" "StopSignal SIGTERM is not handled by PID 1 of container s1, resorting to SIGKILL at once"
	# the process is gone and the state is recorded when stop returns
	if [ -d "/proc/$init" ] && [ "$(awk '{print $3}' "/proc/$init/stat")" != Z ]; then
		die "sleep still alive after stop"
	fi
	is "$(state s1)" "exited 137"
	# stop of a stopped container is fine
	run_pm 0 stop s1
	is "$output" "s1"
}

@test "stop: a PID 1 that handles SIGTERM gets it (exit 143 from the trap); -t, --stop-signal" {
	run_pm 0 run -d --name h1 $IMG sh -c 'trap "echo got-term; exit 143" TERM; while :; do sleep 0.1; done'
	run_pm 0 wait --condition running h1
	sleep 0.3 # the shell installs its trap
	run_pm 0 stop -t 5 h1
	is "$(state h1)" "exited 143"
	run_pm 0 logs h1
	assert_contains "$output" "got-term"
	# --stop-signal: the trap is on USR1 only; stop sends USR1
	run_pm 0 run -d --name h2 --stop-signal USR1 $IMG sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done'
	sleep 0.3
	run_pm 0 stop h2
	is "$(state h2)" "exited 42"
	# a handler that ignores the signal: SIGKILL after -t
	run_pm 0 run -d --name h3 $IMG sh -c 'trap "echo ignoring" TERM; while :; do sleep 0.1; done'
	sleep 0.3
	local t0=$SECONDS
	run_pm 0 stop -t 1 h3
	is "$(state h3)" "exited 137"
	[ $((SECONDS - t0)) -le 4 ] || die "stop -t 1 took $((SECONDS - t0)) s"
	run_pm 0 run -d --name h4 --stop-timeout 1 $IMG sh -c 'trap "" TERM; trap "echo x" HUP; while :; do sleep 0.1; done'
	sleep 0.3
	run_pm 0 stop h4
	is "$(state h4)" "exited 137"
}

@test "kill: default SIGKILL, -s SIG, refuses a stopped container, bad signal" {
	run_pm 0 run -d --name k1 $IMG sh -c 'trap "exit 7" USR2; while :; do sleep 0.1; done'
	sleep 0.3
	run_pm 0 kill -s USR2 k1
	is "$output" "k1"
	run_pm 0 wait k1
	is "$output" "7" "wait prints the exit code"
	run_pm 125 kill k1
	assert_contains "$output" "can only kill running containers"
	assert_contains "$output" "container state improper"
	run_pm 125 kill -s BOGUS k1
	is "$output" "Error: invalid signal: BOGUS"
	run_pm 0 run -d --name k2 $IMG sleep 1000
	run_pm 0 kill k2
	run_pm 0 wait k2
	is "$output" "137"
	run_pm 125 kill nosuch
	is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "create + start: created state, start runs it detached, start -a attaches and returns its code" {
	run_pm 0 create --name c1 $IMG sh -c 'echo run-$((RANDOM % 1)); echo e >&2; exit 4'
	is "$output" "[0-9a-f]{64}"
	is "$(state c1)" "created 0"
	run_pm_split 4 start -a c1
	is "$output" "run-0" "start -a: stdout"
	is "$stderr" "e" "start -a: stderr"
	is "$(state c1)" "exited 4"
	run_pm 0 start c1
	is "$output" "c1"
	run_pm 0 wait c1
	is "$output" "4"
	run_pm 0 logs c1
	is "$output" "run-0
e
run-0
e" "the log holds both runs"
	run_pm 125 start nosuch
	is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
	run_pm 125 create -d $IMG true
	assert_contains "$output" "unknown"
}

@test "restart: a running container gets a new init; restart of an exited one starts it" {
	run_pm 0 run -d --name r1 $IMG sleep 1000
	run_pm 0 inspect --format '{{.State.Pid}}' r1
	local pid1=$output
	run_pm_split 0 restart r1 # (stderr: the SIGKILL warning, as podman's)
	is "$output" "r1" "the name as given (podman 4.3)"
	run_pm 0 inspect --format '{{.State.Status}} {{.State.Pid}}' r1
	[[ "$output" == running* ]] || die "not running after restart: $output"
	[ "${output#running }" != "$pid1" ] || die "same pid after restart"
	run_pm 0 create --name r2 $IMG true
	run_pm 0 restart r2
	run_pm 0 wait r2
	is "$output" "0"
}

@test "wait: exit codes of several containers; --condition; unknown condition" {
	run_pm 0 run -d --name w1 $IMG sh -c 'exit 3'
	run_pm 0 run -d --name w2 $IMG sh -c 'exit 5'
	run_pm 0 wait w1 w2
	is "$output" "3
5"
	run_pm 0 create --name w3 $IMG true
	run_pm 0 wait --condition created w3
	is "$output" "-1" "a state condition prints -1, as podman's"
	run_pm 125 wait --condition bogus w3
	is "$output" "Error: unknown container state: bogus: invalid argument"
	run_pm 125 wait nosuch
	is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "rm: refuses a running container without -f (exit 2), -f stops it, -a, missing (exit 1), -i" {
	run_pm 0 run -d --name m1 $IMG sleep 1000
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' m1)
	run_pm 2 rm m1
	is "$output" "Error: cannot remove container $id as it is running - running or paused containers cannot be removed without force: container state improper"
	is "$(state m1)" "running 0"
	run_pm 0 rm -f -t 0 m1
	is "$output" "m1"
	run_pm 1 rm m1
	is "$output" 'Error: no container with name or ID "m1" found: no such container'
	run_pm 0 rm -i m1
	run_pm 0 create --name m2 $IMG true
	run_pm 0 run -d --name m3 $IMG sleep 1000
	run_pm_split 0 rm -a -f # (stderr: the SIGKILL warning for m3, as podman's)
	[ "$(wc -l <"$PM_STDOUT")" -eq 2 ] || die "rm -a removes both: $output"
	run_pm 0 ps -a -q
	is "$output" ""
}

@test "rm -v: a named volume used by the container is released" {
	run_pm 0 run --name v1 -v vol1:/data $IMG sh -c 'echo x > /data/f'
	run_pm 2 volume rm vol1
	assert_contains "$output" "is being used"
	run_pm 0 rm -v v1
	run_pm 0 volume rm vol1
}

@test "attach: output and stdin of a detached -i container, its exit code; detach keys" {
	run_pm 0 run -d -i --name a1 $IMG sh -c 'while read l; do echo "got $l"; done; echo eof; exit 6'
	run_pm 0 wait --condition running a1
	local out rc=0
	out=$( (echo line1; sleep 0.3) | timeout 20 "${PM_CMD[@]}" attach a1) || rc=$?
	is "$rc" "6" "attach exits with the container's code"
	is "$out" "got line1
eof"
	run_pm 125 attach a1
	is "$output" "Error: you can only attach to running containers"
	# detach with ctrl-p,ctrl-q: the container keeps running
	run_pm 0 run -d -i --name a2 $IMG sh -c 'while read l; do echo "got $l"; done'
	run_pm 0 wait --condition running a2
	rc=0
	out=$(printf 'hi\n\020\021' | timeout 20 "${PM_CMD[@]}" attach a2) || rc=$?
	is "$rc" "0" "detach exits 0"
	is "$(state a2)" "running 0"
	# --detach-keys
	rc=0
	out=$(printf 'yo\nX' | timeout 20 "${PM_CMD[@]}" attach --detach-keys X a2) || rc=$?
	is "$rc" "0"
	run_pm 0 logs a2
	is "$output" "got hi
got yo"
	run_pm 125 attach --detach-keys ctrl-bogus a2
	assert_contains "$output" "invalid detach keys"
}

@test "--restart: on-failure:N retries N times, always restarts, stop is not restarted" {
	run_pm 0 run -d --name p1 --restart on-failure:2 $IMG sh -c 'echo try; exit 3'
	run_pm 0 wait p1
	# the first exit: wait returns; each exit's cleanup restarts it (100 ms, then 200 ms
	# backoff), twice, then leaves it exited with RestartCount 2
	local i
	for i in $(seq 1 100); do
		run_pm 0 inspect --format '{{.RestartCount}} {{.State.Status}}' p1
		[ "$output" = "2 exited" ] && break
		sleep 0.1
	done
	is "$output" "2 exited" "RestartCount after on-failure:2"
	run_pm 0 logs p1
	is "$output" "try
try
try" "on-failure:2 runs 3 times"
	is "$(state p1)" "exited 3"
	run_pm 0 run -d --name p2 --restart on-failure $IMG true
	run_pm 0 wait p2
	run_pm 0 logs p2
	is "$output" "" "on-failure does not restart a success"
	run_pm 0 run -d --name p3 --restart always $IMG sh -c 'echo up; sleep 1000'
	run_pm 0 inspect --format '{{.State.Pid}}' p3
	local pid=$output
	kill -9 "$pid"
	# restarted: a new pid, running
	local i
	for i in $(seq 1 50); do
		run_pm 0 inspect --format '{{.State.Status}} {{.State.Pid}}' p3
		[[ "$output" == "running "* && "$output" != "running $pid" ]] && break
		run_pm 0 wait --condition running p3
		sleep 0.1
	done
	[[ "$output" == "running "* && "$output" != "running $pid" ]] || die "not restarted: $output"
	run_pm 0 stop p3
	is "$(state p3)" "exited 137"
	run_pm 0 inspect --format '{{.RestartCount}}' p3
	is "$output" "1" "RestartCount of the always container"
	run_pm 0 logs p3
	is "$output" "up
up"
	run_pm 125 run --restart bogus $IMG true
	is "$output" 'Error: "bogus" is not a valid restart policy'
	run_pm 125 run --rm --restart always $IMG true
	is "$output" 'Error: the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"'
	run_pm 125 run --restart on-failure:x $IMG true
	assert_contains "$output" "parsing restart policy retry count"
}

@test "--restart always: a container ended by kill is not restarted (podman 4.7+)" {
	skip_if_podman "podman 4.3 restarts a killed --restart=always container (fixed in 4.7)"
	run_pm 0 run -d --name k1 --restart always $IMG sh -c 'echo up; sleep 1000'
	run_pm 0 kill k1
	run_pm 0 wait k1
	is "$output" "137"
	# the exit's cleanup would have restarted it after 100 ms: give it ten times that
	sleep 1
	is "$(state k1)" "exited 137"
	run_pm 0 inspect --format '{{.RestartCount}}' k1
	is "$output" "0" "RestartCount after kill"
	run_pm 0 logs k1
	is "$output" "up"
	# a start by hand clears it: the next exit of its own is restarted again
	run_pm 0 start k1
	run_pm 0 inspect --format '{{.State.Pid}}' k1
	local pid=$output i
	kill -9 "$pid"
	for i in $(seq 1 50); do
		run_pm 0 inspect --format '{{.State.Status}} {{.State.Pid}}' k1
		[[ "$output" == "running "* && "$output" != "running $pid" ]] && break
		sleep 0.1
	done
	[[ "$output" == "running "* && "$output" != "running $pid" ]] || die "not restarted: $output"
	run_pm 0 rm -f k1
}

@test "--cidfile, --replace, --rm with -d" {
	local cid=$BATS_TEST_TMPDIR/cid
	run_pm 0 run -d --cidfile "$cid" --name x1 $IMG sleep 1000
	is "$(cat "$cid")" "$output" "cidfile holds the id"
	run_pm 125 run -d --cidfile "$cid" $IMG true
	is "$output" "Error: container id file exists. Ensure another container is not using it or delete $cid"
	run_pm 125 run -d --name x1 $IMG true
	assert_contains "$output" "the container name \"x1\" is already in use"
	local old
	old=$(cat "$cid")
	run_pm 0 run -d --replace --name x1 $IMG sleep 1000
	[ "$output" != "$old" ] || die "--replace kept the old container"
	run_pm 0 inspect --format '{{.Id}}' x1
	is "$output" "$(echo "$output")"
	run_pm 0 rm -f x1
	rm -f "$cid"
	run_pm 0 create --cidfile "$cid" $IMG true
	local made=$output
	run_pm 0 rm --cidfile "$cid"
	is "$output" "$made"
	rm -f "$cid" # pm deletes it (as podman 5), podman 4.3 leaves it
	run_pm 0 run -d --rm --name x2 $IMG sh -c 'exit 0'
	local id=$output
	run_pm '?' wait x2
	local mon_gone=0 i
	# the monitor removes it: no record, no runtime dir once it is gone
	for i in $(seq 1 100); do
		[ -e "$XDG_DATA_HOME/pm/storage/db/containers/$id" ] || { mon_gone=1; break; }
		sleep 0.05
	done
	[ $mon_gone = 1 ] || die "--rm -d left the container"
	run_pm 1 rm x2
}

@test "--log-opt max-size rotates the log; bad values are refused" {
	run_pm 0 run --name l1 --log-opt max-size=2k $IMG sh -c 'i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); done'
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' l1)
	local size
	size=$(stat -c %s "$XDG_DATA_HOME/pm/storage/db/containers/$id/ctr.log")
	[ "$size" -le 2000 ] || die "log is $size bytes with max-size=2k (2000 bytes, as podman's)"
	run_pm 0 logs l1
	assert_contains "$output" "line-199"
	run_pm 125 run --log-opt max-size=abc $IMG true
	is "$output" "Error: invalid size: 'abc'"
}

@test "foreground run: the log, the state and stop from another pm" {
	run_pm 0 run --name f1 $IMG sh -c 'echo fg-out; echo fg-err >&2'
	run_pm 0 logs f1
	is "$output" "fg-out
fg-err"
	is "$(state f1)" "exited 0"
	# a foreground container is stopped like any other
	"${PM_CMD[@]}" run --name f2 $IMG sleep 1000 >/dev/null 2>&1 &
	local bg=$! i
	for i in $(seq 1 100); do
		"${PM_CMD[@]}" inspect f2 >/dev/null 2>&1 && break
		sleep 0.05
	done
	run_pm 0 wait --condition running f2
	run_pm 0 stop f2
	local rc=0
	wait $bg || rc=$?
	is "$rc" "137" "the foreground pm exits with the container's status"
	is "$(state f2)" "exited 137"
}

@test "a failed run -d leaves no container; exit codes 125/126/127 come back" {
	run_pm 127 run -d --name bad1 $IMG /nonexistent
	assert_contains "$output" "executable file '/nonexistent' not found"
	run_pm 126 run -d --name bad2 $IMG /etc
	run_pm 0 ps -a -q
	is "$output" "" "no container left"
	run_pm 0 create --name bad3 $IMG /nonexistent
	run_pm 125 start bad3
	is "$(state bad3)" "created 0"
}

@test "container cleanup: podman's command; refuses a running container; a missing pm-monitor is named" {
	run_pm 0 create --name c1 $IMG true
	run_pm 0 container cleanup c1
	is "$output" "c1" "the name as given (podman's)"
	run_pm 0 run -d --name c2 $IMG sleep 1000
	run_pm 125 container cleanup c2
	assert_contains "$output" "is running or paused, refusing to clean up"
	is "$(state c2)" "running 0" "a refused cleanup changes nothing"
	run_pm 125 container cleanup
	is "$output" "Error: you must provide at least one name or id"
	run_pm 125 container cleanup nosuch
	assert_contains "$output" "no container with name or ID"
	run_pm 0 rm -f c2
	run_pm 0 container cleanup --rm c1
	run_pm 1 container exists c1
	# a pm without its monitor program: a clear error, and nothing left
	skip_if_podman "pm's own monitor program"
	local lone=$BATS_TEST_TMPDIR/lone
	mkdir -p "$lone"
	cp "${PM_CMD[0]}" "$lone/pm"
	run "$lone/pm" run -d --name c3 $IMG sleep 1000
	is "$status" "125"
	assert_contains "$output" "cannot find pm's helper program 'pm-monitor' (looked for '$lone/pm-monitor'"
	run_pm 1 container exists c3
}
