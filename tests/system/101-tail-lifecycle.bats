#!/usr/bin/env bats
# 101-tail-lifecycle: the lifecycle flags podman users' scripts use (issue #18): stop, rm,
# kill and start of the containers --filter / --latest / --cidfile select (ps's filter
# evaluator), start --all, rm --depend and the refusal to remove a container another joins
# (container:X), and podman's messages for the error paths. Runs against podman too.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

# status_of NAME: the container's state
status_of() {
	"${PM_CMD[@]}" inspect --format '{{.State.Status}}' "$1"
}

id_of() {
	"${PM_CMD[@]}" inspect --format '{{.Id}}' "$1"
}

@test "start --filter / --all / --latest start the containers they select, printed by id" {
	run_pm 0 create --name f1 --label grp=a $IMG sleep 1000
	local id1=$output
	run_pm 0 create --name f2 $IMG sleep 1000
	local id2=$output
	run_pm 0 start --filter label=grp=a
	is "$output" "$id1" "start --filter prints the ids it started"
	is "$(status_of f1)" "running"
	is "$(status_of f2)" "created" "the other one is not started"
	run_pm 0 start --all
	is "$output" "$id2" "start --all: the ones not running"
	is "$(status_of f2)" "running"
	run_pm 0 stop -t 0 f2
	run_pm 0 start --latest
	is "$output" "$id2" "start --latest: the last created"
	is "$(status_of f2)" "running"
	# --filter with names: those of the names that pass
	run_pm 0 stop -t 0 f1 f2
	run_pm 0 start --filter label=grp=a f1 f2
	is "$output" "$id1" "start --filter NAME...: the named ones that pass"
	is "$(status_of f2)" "exited"
	run_pm 0 rm -af -t 0
}

@test "stop --filter / --latest stop what they select; --filter name= is a regex" {
	run_pm 0 run -d --name s1 $IMG sleep 1000
	local id1=$output
	run_pm 0 run -d --name s2 --label k=v $IMG sleep 1000
	local id2=$output
	run_pm 0 stop -t 0 --filter label=k=v
	is "$output" "$id2"
	is "$(status_of s2)" "exited"
	is "$(status_of s1)" "running" "the other one still runs"
	run_pm 0 start s2
	run_pm 0 stop -t 0 --latest
	is "$output" "$id2" "--latest: the last created"
	is "$(status_of s1)" "running"
	run_pm 0 stop -t 0 --filter name=^s1$
	is "$output" "$id1"
	is "$(status_of s1)" "exited"
	run_pm 0 stop -t 0 --filter name=nomatch
	is "$output" "" "no match: nothing stopped, exit 0"
	run_pm 0 rm -a
}

@test "rm --filter / --latest remove what they select" {
	run_pm 0 create --name r1 $IMG true
	local id1=$output
	run_pm 0 create --name r2 --label del=1 $IMG true
	local id2=$output
	run_pm 0 create --name r3 $IMG true
	local id3=$output
	run_pm 0 rm --filter label=del=1
	is "$output" "$id2"
	run_pm 1 container exists r2
	run_pm 0 rm --latest
	is "$output" "$id3"
	run_pm 1 container exists r3
	run_pm 0 container exists r1
	run_pm 0 rm --filter id=${id1:0:12}
	is "$output" "$id1"
	run_pm 0 ps -aq
	is "$output" ""
	# nothing to act on: podman's message; rm's exit code is 1, stop's 125
	run_pm 1 rm --latest
	is "$output" "Error: no such container"
	run_pm 125 stop --latest
	is "$output" "Error: no such container"
}

@test "kill --latest / --cidfile signal what they name" {
	run_pm 0 run -d --name k1 $IMG sleep 1000
	local id1=$output
	run_pm 0 run -d --name k2 $IMG sleep 1000
	local id2=$output
	run_pm 0 kill --latest
	is "$output" "$id2"
	run_pm 0 wait k2
	is "$(status_of k2)" "exited"
	is "$(status_of k1)" "running"
	echo "$id1" >"$BATS_TEST_TMPDIR/cid"
	run_pm 0 kill --cidfile "$BATS_TEST_TMPDIR/cid"
	is "$output" "$id1"
	run_pm 0 wait k1
	is "$(status_of k1)" "exited"
	run_pm 125 kill --cidfile "$BATS_TEST_TMPDIR/nosuch"
	assert_contains "$output" "Error: reading CIDFile: open $BATS_TEST_TMPDIR/nosuch: no such file or directory"
	: >"$BATS_TEST_TMPDIR/empty"
	run_pm 125 kill --cidfile "$BATS_TEST_TMPDIR/empty"
	is "$output" "Error: name or ID cannot be empty"
	run_pm 0 rm -a
}

@test "kill --filter signals the running containers it selects" {
	skip_if_podman "podman 4.3 kill has no --filter"
	run_pm 0 run -d --name k1 --label sig=yes $IMG sleep 1000
	local id1=$output
	run_pm 0 run -d --name k2 $IMG sleep 1000
	run_pm 0 kill --filter label=sig=yes
	is "$output" "$id1"
	run_pm 0 wait k1
	is "$(status_of k2)" "running"
	run_pm 125 kill --filter bogus=1
	is "$output" "Error: bogus is an invalid filter"
	run_pm 0 rm -af -t 0
}

@test "--filter and --latest: bad keys, bad states and arguments give podman's errors (125)" {
	run_pm 0 create --name e1 $IMG true
	local cmd
	for cmd in stop rm start; do
		run_pm 125 $cmd --filter bogus=1
		is "$output" "Error: bogus is an invalid filter" "$cmd --filter bogus=1"
		run_pm 125 $cmd --filter status=sleeping
		is "$output" "Error: unknown container state: sleeping: invalid argument" "$cmd status"
	done
	for cmd in stop rm; do
		run_pm 125 $cmd --filter name=e1 e1
		is "$output" "Error: --filter takes no arguments" "$cmd --filter with an argument"
	done
	for cmd in stop rm kill; do
		run_pm 125 $cmd --latest e1
		is "$output" "Error: --latest and containers cannot be used together" "$cmd --latest"
	done
	run_pm 125 start --all e1
	is "$output" "Error: either start all containers or the container\(s\) provided in the arguments"
	is "$(status_of e1)" "created" "nothing was done"
	run_pm 0 rm e1
}

@test "rm: a container another joins (--network container:X) is refused, even with -f; --depend removes both" {
	run_pm 0 run -d --name base $IMG sleep 1000
	local bid=$output
	run_pm 0 run -d --name joiner --network container:base $IMG sleep 1000
	local jid=$output
	run_pm 125 rm -f -t 0 base
	is "$output" "Error: container $bid has dependent containers which must be removed before it: $jid: container already exists"
	is "$(status_of base)" "running" "a refused rm changes nothing"
	is "$(status_of joiner)" "running"
	# stopped, without -f: still refused
	run_pm 0 stop -t 0 joiner base
	run_pm 125 rm base
	assert_contains "$output" "has dependent containers which must be removed before it: $jid"
	run_pm 0 container exists base
	run_pm 0 start base joiner
	run_pm 0 rm --depend -f -t 0 base
	is "$output" "$jid
$bid" "the dependent first, then the container, by id"
	run_pm 1 container exists joiner
	run_pm 1 container exists base
}

@test "rm -f of a missing container exits 0; rm -a removes containers in the order their dependencies need" {
	run_pm 0 rm -f nosuch
	is "$output" ""
	run_pm 1 rm nosuch
	is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
	skip_if_podman "podman 4.3's rm -a refuses the container before its dependent is gone"
	run_pm 0 create --name a1 $IMG true
	run_pm 0 create --name a2 --network container:a1 $IMG true
	run_pm 0 rm -a
	run_pm 0 ps -aq
	is "$output" "" "both removed"
}

@test "stop: a stop signal the container handles but outlives: podman's warning on stderr, then SIGKILL" {
	run_pm 0 run -d --name h1 $IMG sh -c 'trap "echo got-term" TERM; while :; do sleep 0.1; done'
	run_pm 0 wait --condition running h1
	run_pm_split 0 stop -t 1 h1
	is "$output" "h1" "stdout: the name only"
	assert_contains "$stderr" "StopSignal SIGTERM failed to stop container h1 in 1 seconds, resorting to SIGKILL"
	is "$(status_of h1)" "exited"
	run_pm 0 rm h1
}

@test "kill -s with an invalid signal: podman's message, 125, nothing signalled" {
	run_pm 0 run -d --name k1 $IMG sleep 1000
	run_pm 125 kill -s 0 k1
	is "$output" "Error: invalid signal: 0"
	run_pm 125 kill -s BOGUS k1
	is "$output" "Error: invalid signal: BOGUS"
	is "$(status_of k1)" "running"
	run_pm 0 rm -f -t 0 k1
}

@test "exec or run of a directory: permission denied, 126" {
	run_pm 0 run -d --name x1 $IMG sleep 1000
	run_pm 126 exec x1 /etc
	assert_contains "${output,,}" "permission denied"
	run_pm 126 run --rm $IMG /etc
	assert_contains "${output,,}" "permission denied"
	run_pm 0 rm -f -t 0 x1
}

@test "run -it without a terminal warns as podman does" {
	run_pm_split 0 run -it --rm $IMG true </dev/null
	assert_contains "$stderr" "The input device is not a TTY. The --tty and --interactive flags might not work properly"
	run_pm_split 0 run -t --rm $IMG true </dev/null
	assert_not_contains "$stderr" "The input device is not a TTY"
}

@test "cp FILE CTR:. and CTR:FILE resolve against the container's working directory" {
	run_pm 0 run -d --name w1 --workdir /tmp $IMG sleep 1000
	echo hello-cp >"$BATS_TEST_TMPDIR/f.txt"
	run_pm 0 cp "$BATS_TEST_TMPDIR/f.txt" w1:.
	run_pm 0 exec w1 cat /tmp/f.txt
	is "$output" "hello-cp" "copied into the working directory"
	run_pm 0 exec w1 sh -c 'echo from-ctr >/tmp/g.txt'
	run_pm 0 cp w1:g.txt "$BATS_TEST_TMPDIR/g.txt"
	is "$(cat "$BATS_TEST_TMPDIR/g.txt")" "from-ctr" "copied out of the working directory"
	run_pm 0 rm -f -t 0 w1
}

@test "wait --condition on a created container; volume create of an existing name" {
	run_pm 0 create --name c1 $IMG true
	run_pm 0 wait --condition=created c1
	is "$output" "-1" "a state condition: met at once, -1"
	run_pm 0 wait c1
	is "$output" "0" "a created container is not running: wait returns its exit code"
	run_pm 0 wait --condition=exited c1
	is "$output" "0"
	run_pm 125 wait --condition=bogus c1
	is "$output" "Error: unknown container state: bogus: invalid argument"
	run_pm 0 rm c1
	run_pm 0 volume create v1
	run_pm 125 volume create v1
	is "$output" "Error: volume with name v1 already exists: volume already exists"
	run_pm 0 volume rm v1
}

@test "ps --ns shows the namespaces of PID 1; -q with --ns is refused; --external is accepted" {
	run_pm 0 run -d --name n1 $IMG sleep 1000
	run_pm 0 create --name n2 $IMG true
	local pid
	pid=$("${PM_CMD[@]}" inspect --format '{{.State.Pid}}' n1)
	local net pidns
	net=$(stat -L -c %i /proc/$pid/ns/net)
	pidns=$(stat -L -c %i /proc/$pid/ns/pid)
	run_pm 0 ps --ns --format '{{.Names}} {{.Pid}} {{.Namespaces.NET}} {{.Namespaces.PIDNS}}'
	is "$output" "n1 $pid $net $pidns"
	run_pm 0 ps -a --ns --no-trunc
	is "${lines[0]}" "CONTAINER ID +NAMES +PID +CGROUPNS +IPC +MNT +NET +PIDNS +USERNS +UTS"
	assert_contains "$output" " $net "
	is "$(echo "$output" | grep n2 | awk '{print $3}')" "0" "a created container: pid 0, no namespaces"
	run_pm 125 ps -q --ns
	is "$output" "Error: quiet conflicts with size and namespace"
	run_pm 0 ps --external --format '{{.Names}}'
	is "$output" "n1"
	run_pm 0 rm -af -t 0
}

@test "run --http-proxy: the host's proxy variables go in by default; -e wins; =false: none" {
	local show='echo "${HTTP_PROXY-unset}"'
	HTTP_PROXY=http://proxy.example:3128 run_pm 0 run --rm $IMG sh -c "$show"
	is "$output" "http://proxy.example:3128"
	HTTP_PROXY=http://proxy.example:3128 run_pm 0 run --rm -e HTTP_PROXY=mine $IMG sh -c "$show"
	is "$output" "mine" "-e wins"
	HTTP_PROXY=http://proxy.example:3128 run_pm 0 run --rm --http-proxy=false $IMG sh -c "$show"
	is "$output" "unset" "--http-proxy=false: not passed"
}

@test "run --shm-size sizes /dev/shm; --umask sets the process's umask; bad values: podman's errors" {
	run_pm 0 run --rm --shm-size 32m $IMG sh -c 'df -k /dev/shm | tail -n 1'
	is "$(echo "$output" | awk '{print $2}')" "32768" "/dev/shm is 32 MB"
	run_pm 0 run --rm $IMG sh -c 'df -k /dev/shm | tail -n 1'
	is "$(echo "$output" | awk '{print $2}')" "64000" "the default: 64 MB"
	run_pm 0 run --rm --umask 0077 $IMG sh -c 'umask; touch /tmp/x; stat -c %a /tmp/x'
	is "$output" "0077
600"
	run_pm 0 run --rm $IMG sh -c umask
	is "$output" "0022" "the default"
	run_pm 125 run --rm --shm-size bogus $IMG true
	is "$output" "Error: unable to translate --shm-size: invalid size: 'bogus'"
	run_pm 125 run --rm --umask 999 $IMG true
	assert_contains "$output" "invalid umask string 999: invalid argument"
	run_pm 0 ps -aq
	is "$output" "" "nothing left"
}
