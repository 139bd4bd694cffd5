#!/usr/bin/env bats
# 050-exec: `pm exec` into a running container: its processes, filesystem and hostname
# (every namespace joined), the container's capabilities, seccomp and no_new_privs (and
# --privileged), -e/--env-file/-w/-u, exit codes 125/126/127 and the command's own,
# separate stdout/stderr, -t, -i, -d, signals, keep-id. Runs as the unprivileged test user.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

# start NAME [RUN FLAGS...]: a detached container whose PID 1 is `sleep 1000`, after it
# wrote /written.
start() {
	local name=$1
	shift
	run_pm 0 run -d --name "$name" "$@" "$IMG" sh -c 'echo written-by-ctr >/written; exec sleep 1000'
	run_pm 0 wait --condition running "$name"
}

status_field() { # status_field NAME: the value of NAME: in $output (a /proc/PID/status)
	awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

# init_status NAME: /proc/PID/status of the container's init, read on the host
init_status() {
	local pid
	pid=$("${PM_CMD[@]}" inspect --format '{{.State.Pid}}' "$1")
	if [ -z "$pid" ] || [ "$pid" -le 0 ]; then die "no pid for $1"; fi
	cat "/proc/$pid/status"
}

@test "exec: sees the container's processes, filesystem and hostname" {
	start c1
	run_pm 0 exec c1 ps -o pid,args
	is "${lines[1]}" " *1 sleep 1000" "PID 1 is the container's command"
	is "${#lines[@]}" "3" "only the container's processes: sleep and ps"

	# a file the container wrote (it may still be writing it: wait inside)
	run_pm 0 exec c1 sh -c 'while [ ! -f /written ]; do sleep 0.1; done; cat /written'
	is "$output" "written-by-ctr"
	# and one exec writes, the next reads: the same mount namespace
	run_pm 0 exec c1 sh -c 'echo from-exec >/tmp/x'
	run_pm 0 exec c1 cat /tmp/x
	is "$output" "from-exec"

	run_pm 0 inspect --format '{{.Id}}' c1
	local id=$output
	run_pm 0 exec c1 hostname
	is "$output" "${id:0:12}" "hostname is the container's"

	run_pm 0 run -d --name c2 --hostname myhost "$IMG" sleep 1000
	run_pm 0 exec c2 hostname
	is "$output" "myhost"

	# the same namespaces as the init, as the host sees them
	local pid ns
	pid=$("${PM_CMD[@]}" inspect --format '{{.State.Pid}}' c1)
	for ns in mnt pid uts ipc net cgroup; do
		run_pm 0 exec c1 readlink /proc/self/ns/$ns
		same "$output" "$(readlink /proc/"$pid"/ns/$ns)" "$ns namespace"
	done
}

@test "exec: the container's capabilities, seccomp and no_new_privs; --privileged" {
	start c1
	local c
	output=$(init_status c1)
	local eff bnd sec nnp
	eff=$(status_field CapEff) bnd=$(status_field CapBnd) sec=$(status_field Seccomp)
	nnp=$(status_field NoNewPrivs)
	is "$eff" "00000000800405fb" "the container's CapEff (podman's defaults)"
	run_pm 0 exec c1 cat /proc/self/status
	is "$(status_field CapEff)" "$eff" "CapEff"
	is "$(status_field CapPrm)" "$eff" "CapPrm"
	is "$(status_field CapBnd)" "$bnd" "CapBnd"
	is "$(status_field CapAmb)" "0000000000000000" "CapAmb"
	is "$(status_field Seccomp)" "$sec" "Seccomp"
	is "$(status_field Seccomp)" "2" "Seccomp is a filter"
	is "$(status_field NoNewPrivs)" "$nnp" "NoNewPrivs"

	# exec --privileged: every capability, the container's seccomp filter stays
	run_pm 0 exec --privileged c1 cat /proc/self/status
	local last
	last=$(cat /proc/sys/kernel/cap_last_cap)
	is "$(status_field CapEff)" "$(printf '%016x' $(((1 << (last + 1)) - 1)))" "privileged CapEff"
	is "$(status_field Seccomp)" "2" "privileged exec keeps the filter"

	# a container with changed capabilities and no-new-privileges
	start c2 --cap-drop chown --cap-add net_admin --security-opt no-new-privileges
	output=$(init_status c2)
	eff=$(status_field CapEff)
	is "$eff" "00000000800415fa" "c2's CapEff"
	run_pm 0 exec c2 cat /proc/self/status
	is "$(status_field CapEff)" "$eff" "CapEff after --cap-drop/--cap-add"
	is "$(status_field CapBnd)" "$eff" "CapBnd after --cap-drop/--cap-add"
	is "$(status_field NoNewPrivs)" "1" "NoNewPrivs"
	is "$(status_field Seccomp)" "2" "Seccomp"

	# a privileged container: no filter, all capabilities, in exec too
	start c3 --privileged
	run_pm 0 exec c3 cat /proc/self/status
	is "$(status_field Seccomp)" "0" "privileged container's Seccomp"
	is "$(status_field CapEff)" "$(printf '%016x' $(((1 << (last + 1)) - 1)))" "CapEff"
	for c in c1 c2 c3; do run_pm 0 rm -f -t 0 $c; done
}

@test "exec: -e, --env-file, -w, -u" {
	run_pm 0 run -d --name c1 -e FROM_RUN=r -e OVER=run -w /srv "$IMG" sleep 1000
	run_pm 0 exec c1 pwd
	is "$output" "/srv" "the container's working directory"
	run_pm 0 exec c1 env
	assert_contains "$output" "FROM_RUN=r"
	assert_contains "$output" "container=pm"

	printf 'FILE_VAR=f\nOVER=file\n' >"$BATS_TEST_TMPDIR/env"
	FROM_HOST=h run_pm 0 exec -e OVER=flag -e FROM_HOST --env-file "$BATS_TEST_TMPDIR/env" \
		c1 env
	assert_contains "$output" "FROM_RUN=r"
	assert_contains "$output" "FILE_VAR=f"
	assert_contains "$output" "OVER=flag" "-e wins over --env-file and run -e"
	assert_contains "$output" "FROM_HOST=h" "-e KEY takes the host's value"

	run_pm 0 exec -w /tmp c1 pwd
	is "$output" "/tmp"
	run_pm 127 exec -w /nonexistent c1 pwd
	is "$output" "Error: entering working directory '/nonexistent': No such file or directory"

	run_pm 0 exec c1 id
	is "$output" "uid=0\(root\) gid=0\(root\).*"
	run_pm 0 exec -u 1000 c1 sh -c 'id -u; id -g; echo $HOME; grep CapEff /proc/self/status'
	is "${lines[0]}" "1000" "-u uid"
	is "${lines[1]}" "1000" "-u gid (the user's primary group)"
	is "${lines[2]}" "/home/pmuser" "HOME of the -u user"
	is "${lines[3]}" "CapEff:.0000000000000000" "a non-root user has no effective caps"
	run_pm 0 exec -u pmuser:0 c1 id
	is "$output" "uid=1000\(pmuser\) gid=0\(root\).*"
	run_pm 125 exec -u nosuchuser c1 id
	assert_contains "$output" "nosuchuser"
	run_pm 125 exec --env-file /nonexistent/env c1 true
	assert_contains "$output" "/nonexistent/env"
	run_pm 125 exec -e =x c1 true
	is "$output" "Error: --env: invalid environment variable '=x'"
	run_pm 0 rm -f -t 0 c1
}

@test "exec: exit codes 125 (no container, not running, no command), 126, 127, the command's" {
	run_pm 125 exec nosuch true
	is "$output" "Error: no container with name or ID \"nosuch\" found: no such container"
	run_pm 125 exec
	is "$output" "Error: exec requires the name or ID of a container or the --latest flag"
	run_pm 125 exec --bogus c1 true
	assert_contains "$output" "unknown flag: --bogus"

	run_pm 0 create --name cr "$IMG" sleep 1000
	run_pm 125 exec cr true
	is "$output" "Error: can only create exec sessions on running containers: container state improper"
	run_pm 0 run --name ex "$IMG" true
	run_pm 125 exec ex true
	is "$output" "Error: can only create exec sessions on running containers: container state improper"

	start c1
	run_pm 125 exec c1
	is "$output" "Error: must provide a non-empty command to start an exec session: invalid argument"
	run_pm 127 exec c1 nosuchcommand
	is "$output" "Error: executable file 'nosuchcommand' not found in \\\$PATH: No such file or directory"
	run_pm 127 exec c1 /no/such/file
	assert_contains "$output" "'/no/such/file' not found"
	run_pm 126 exec c1 /etc
	assert_contains "$output" "cannot be invoked"
	run_pm 126 exec c1 /etc/passwd
	assert_contains "$output" "cannot be invoked"
	run_pm 3 exec c1 sh -c 'exit 3'
	run_pm 0 exec c1 true
	run_pm 1 exec c1 false
	# --latest: the newest container
	run_pm 0 exec -l hostname
	run_pm 0 inspect --format '{{.Id}}' c1
	local id=$output
	run_pm 0 exec --latest hostname
	is "$output" "${id:0:12}"
	# a stopped container again
	run_pm 0 stop -t 0 c1
	run_pm 125 exec c1 true
	assert_contains "$output" "container state improper"
	run_pm 0 rm -f cr ex c1
}

@test "exec: stdout and stderr stay apart; stdin only with -i" {
	start c1
	run_pm_split 0 exec c1 sh -c 'echo to-out; echo to-err >&2'
	is "$output" "to-out" "stdout"
	is "$stderr" "to-err" "stderr"
	run_pm_split 7 exec c1 sh -c 'echo only-err >&2; exit 7'
	is "$output" "" "stdout"
	is "$stderr" "only-err" "stderr"

	run_pm 0 exec -i c1 cat <<<"hello stdin"
	is "$output" "hello stdin" "-i passes stdin"
	run_pm 0 exec -i c1 sh -c 'wc -c' < <(head -c 300000 /dev/zero)
	is "$output" " *300000" "-i passes a large stdin whole"
	run_pm 0 exec c1 cat <<<"not passed"
	is "$output" "" "without -i stdin is /dev/null"
	run_pm 0 exec c1 sh -c 'tty || true'
	is "$output" "not a tty"
}

@test "exec: -t gives a pty in the container's /dev/pts" {
	skip_if_missing script
	start c1
	local cmd
	# the pty is in the container's own devpts: the first one there is pts/0
	cmd="timeout $PM_TIMEOUT ${PM_CMD[*]} exec -t c1 sh -c 'tty; ls -1 /dev/pts; exit 5'"
	run script -qec "$cmd" /dev/null
	echo "$output"
	is "$status" "5" "the command's exit code through -t"
	is "$(tr -d '\r' <<<"$output")" "/dev/pts/0.0.ptmx" "tty and the container's /dev/pts"
	run_pm 0 exec c1 ls /dev/pts
	is "$output" "ptmx" "the pty is gone with the process"

	cmd="timeout $PM_TIMEOUT ${PM_CMD[*]} exec -it c1 sh -c 'read l; echo got:\$l'"
	run script -qec "$cmd" /dev/null <<<"typed"
	echo "$output"
	is "$status" "0"
	assert_contains "$output" "got:typed"
}

@test "exec: -d leaves the process running in the container" {
	start c1
	run_pm 0 exec -d c1 sh -c 'echo detached >/tmp/d; exec sleep 500'
	is "$output" "[0-9a-f]{64}" "exec -d prints an exec session id"
	run_pm 0 exec c1 sh -c 'while [ ! -f /tmp/d ]; do sleep 0.1; done; cat /tmp/d; ps -o pid,args'
	assert_contains "$output" "detached"
	assert_contains "$output" "sleep 500"
	# it is in the container: it goes when the container goes (leak check after)
	run_pm 0 rm -f -t 0 c1
}

@test "exec: signals reach the process; its death by signal is 128+N" {
	start c1
	"${PM_CMD[@]}" exec c1 sh -c 'trap "echo got-term; exit 9" TERM; echo ready; sleep 1000 & wait' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	# wait until the trap is set (no sleeping: read the output as it comes)
	timeout 20 sh -c "until grep -q ready '$BATS_TEST_TMPDIR/out'; do sleep 0.05; done" ||
		die "exec did not start: $(cat "$BATS_TEST_TMPDIR/out")"
	kill -TERM $pid
	local rc=0
	wait $pid || rc=$?
	is "$rc" "9" "the trap's exit code"
	assert_contains "$(cat "$BATS_TEST_TMPDIR/out")" "got-term"

	# (not SIGINT: a background job of a non-interactive shell ignores it)
	"${PM_CMD[@]}" exec c1 sleep 999 &
	pid=$!
	timeout 20 sh -c "until ${PM_CMD[*]} exec c1 ps -o args | grep -qx 'sleep 999'; do sleep 0.1; done" ||
		die "exec sleep 999 did not start"
	kill -HUP $pid
	rc=0
	wait $pid || rc=$?
	is "$rc" "129" "killed by SIGHUP: 128+1"
	run_pm 0 exec c1 ps -o pid,args
	is "${#lines[@]}" "4" "only init, the trap's orphaned sleep and ps are left"
	run_pm 0 rm -f -t 0 c1
}

@test "exec: joins a keep-id container's user namespace" {
	start c1 --userns keep-id
	run_pm 0 exec c1 id -u
	is "$output" "$(id -u)" "keep-id: the user's own uid"
	run_pm 0 exec c1 readlink /proc/self/ns/user
	local pid
	pid=$("${PM_CMD[@]}" inspect --format '{{.State.Pid}}' c1)
	same "$output" "$(readlink /proc/"$pid"/ns/user)" "the container's user namespace"
	run_pm 0 exec -u 0 c1 id -u
	is "$output" "0"
	run_pm 0 rm -f -t 0 c1
}
