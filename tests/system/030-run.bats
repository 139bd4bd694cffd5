#!/usr/bin/env bats
# 030-run: pm's own runtime through `pm run --rootfs DIR`: namespaces, mounts, security
# defaults (podman's), flags checked by their effect inside the container, exit codes,
# signals and the terminal. Runs as the unprivileged test user in the rootless namespace.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

# podman's 11 default capabilities.
DEFAULT_CAPS=00000000800405fb

setup_file() {
	# One rootfs per file, owned by the test user (= root in the rootless namespace), so
	# the runtime can create mount points in it as podman's storage would allow.
	ROOTFS=$BATS_FILE_TMPDIR/rootfs
	mkdir -p "$ROOTFS"
	tar -C "$ROOTFS" -xf "$(pm_test_image rootfs-tar)" 2>/dev/null ||
		cp -a "$(pm_test_image rootfs)/." "$ROOTFS/"
	export ROOTFS
}

setup() {
	basic_setup
	skip_if_podman "uses pm run --rootfs with a directory"
}

# run_ctr EXPECTED_RC [FLAGS...] -- CMD...: pm run FLAGS --rootfs $ROOTFS CMD...
run_ctr() {
	local rc=$1
	shift
	local flags=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		flags+=("$1")
		shift
	done
	shift
	run_pm_split "$rc" run "${flags[@]}" --rootfs "$ROOTFS" "$@"
}

status_field() { # status_field NAME: the value of NAME: in $output (a /proc/self/status)
	awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

@test "run: default capabilities, seccomp and no_new_privs are podman's" {
	run_ctr 0 -- cat /proc/self/status
	is "$(status_field CapEff)" "$DEFAULT_CAPS" "CapEff"
	is "$(status_field CapPrm)" "$DEFAULT_CAPS" "CapPrm"
	is "$(status_field CapBnd)" "$DEFAULT_CAPS" "CapBnd"
	is "$(status_field CapInh)" "0000000000000000" "CapInh"
	is "$(status_field CapAmb)" "0000000000000000" "CapAmb"
	is "$(status_field NoNewPrivs)" "0" "NoNewPrivs"
	is "$(status_field Seccomp)" "2" "Seccomp"
}

@test "run: --cap-add, --cap-drop, ALL, --privileged" {
	run_ctr 0 --cap-add net_admin --cap-drop CAP_CHOWN -- cat /proc/self/status
	is "$(status_field CapEff)" "00000000800415fa" "CapEff with net_admin, without chown"
	is "$(status_field CapBnd)" "00000000800415fa" "CapBnd"

	run_ctr 0 --cap-drop all --cap-add chown -- cat /proc/self/status
	is "$(status_field CapBnd)" "0000000000000001" "CapBnd after drop all + add chown"

	run_ctr 0 --cap-drop ALL -- cat /proc/self/status
	is "$(status_field CapEff)" "0000000000000000" "CapEff after drop all"

	run_ctr 0 --privileged -- cat /proc/self/status
	last=$(cat /proc/sys/kernel/cap_last_cap)
	is "$(status_field CapBnd)" "$(printf '%016x' $(((1 << (last + 1)) - 1)))" "privileged CapBnd"
	is "$(status_field Seccomp)" "0" "privileged Seccomp"

	run_ctr 125 --cap-add foo -- true
	is "$stderr" "Error: --cap-add: unknown capability 'foo'"
	run_ctr 125 --cap-add chown --cap-drop chown -- true
	assert_contains "$stderr" "cannot be dropped and added"
}

@test "run: a non-root user has no effective capabilities unless added" {
	run_ctr 0 --user 1000 -- cat /proc/self/status
	is "$(status_field CapEff)" "0000000000000000" "CapEff"
	is "$(status_field CapBnd)" "$DEFAULT_CAPS" "CapBnd"
	run_ctr 0 --user 1000 --cap-add net_admin -- cat /proc/self/status
	is "$(status_field CapEff)" "0000000000001000" "CapEff with net_admin"
	is "$(status_field CapAmb)" "0000000000001000" "CapAmb with net_admin"
}

@test "run: --security-opt no-new-privileges and seccomp=unconfined" {
	run_ctr 0 --security-opt no-new-privileges -- cat /proc/self/status
	is "$(status_field NoNewPrivs)" "1" "NoNewPrivs"
	is "$(status_field Seccomp)" "2" "Seccomp with no-new-privileges"
	run_ctr 0 --security-opt seccomp=unconfined -- cat /proc/self/status
	is "$(status_field Seccomp)" "0" "Seccomp unconfined"
	run_ctr 0 --security-opt label=disable -- true
	run_ctr 125 --security-opt bogus -- true
	assert_contains "$stderr" "invalid --security-opt 'bogus'"
}

@test "run: masked and read-only paths, no mount, /sys read-only" {
	run_ctr 0 -- sh -c 'wc -c </proc/keys; wc -c </proc/timer_list; ls /sys/firmware | wc -l'
	is "$output" "0
0
0" "masked /proc/keys, /proc/timer_list, /sys/firmware are empty"
	if [ -e /proc/kcore ]; then
		run_ctr 0 -- sh -c 'wc -c </proc/kcore'
		is "$output" "0" "/proc/kcore masked"
	fi
	run_ctr 1 -- sh -c 'echo x >/proc/sys/kernel/hostname'
	assert_contains "$stderr" "Read-only file system"
	run_ctr 1 -- sh -c 'echo x >/proc/sysrq-trigger'
	run_ctr 1 -- mount -t tmpfs none /mnt
	assert_contains "$stderr" "permission denied"
	run_ctr 1 -- touch /sys/kernel/x
	run_ctr 0 -- sh -c 'grep -E " /sys | /proc | /dev | /dev/pts | /dev/shm | /dev/mqueue " /proc/self/mounts | cut -d" " -f2,3,4 | cut -d, -f1'
	assert_contains "$output" "/sys sysfs ro"
	assert_contains "$output" "/proc proc rw"
	assert_contains "$output" "/dev tmpfs rw"
	assert_contains "$output" "/dev/pts devpts rw"
	assert_contains "$output" "/dev/shm tmpfs rw"
	assert_contains "$output" "/dev/mqueue mqueue rw"
	run_ctr 0 -- sh -c 'ls /dev | tr "\n" " "'
	is "$output" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " "/dev"
}

@test "run: pid namespace: PID 1 is the command, ps sees only the container" {
	run_ctr 0 -- sh -c 'echo $$; ps -o pid,comm; true'
	is "${lines[0]}" "1" "the shell is PID 1"
	is "${#lines[@]}" "4" "ps lists a header, sh and ps only"
	is "${lines[2]}" " +1 +sh" "PID 1 in ps"
	is "${lines[3]}" " +[0-9]+ +ps" "ps itself"
	run_ctr 0 -- cat /proc/1/cmdline
	is "$output" "cat/proc/1/cmdline" "PID 1 is the command"
}

@test "run: exit codes 0, N, 125, 126, 127, 128+N" {
	run_ctr 0 -- true
	run_ctr 7 -- sh -c 'exit 7'
	run_ctr 127 -- nosuchcmd
	is "$stderr" "Error: executable file 'nosuchcmd' not found in \\\$PATH: No such file or directory"
	run_ctr 127 -- /nonexistent/x
	assert_contains "$stderr" "'/nonexistent/x' not found"
	run_ctr 126 -- /etc/passwd
	is "$stderr" "Error: executable file '/etc/passwd' cannot be invoked: Permission denied"
	run_ctr 126 -- /tmp
	run_ctr 137 --init -- sh -c 'kill -9 $$'
	run_ctr 125 --bogus-flag -- true
	assert_contains "$stderr" "unknown flag: --bogus-flag"
	run_pm_split 125 run --rootfs "$BATS_TEST_TMPDIR/nonexistent" true
	assert_contains "$stderr" "nonexistent"
}

@test "run: stdout and stderr stay separate; stdin only with -i" {
	run_ctr 3 -- sh -c 'echo out; echo err >&2; exit 3'
	is "$output" "out" "stdout"
	is "$stderr" "err" "stderr"
	run_pm_split 0 run -i --rootfs "$ROOTFS" cat <<<"hello"
	is "$output" "hello" "stdin with -i"
	run_pm_split 0 run --rootfs "$ROOTFS" cat <<<"hello"
	is "$output" "" "no stdin without -i"
}

@test "run: -v: files written by container root belong to the user; :ro; --mount; --tmpfs" {
	vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$vol"
	run_ctr 0 -v "$vol:/data" -- sh -c 'echo hi >/data/f; id -u'
	is "$output" "0"
	is "$(stat -c %u "$vol/f")" "$(id -u)" "owner of the file on the host"
	run_ctr 1 -v "$vol:/data:ro" -- touch /data/g
	assert_contains "$stderr" "Read-only file system"
	run_ctr 0 --mount "type=bind,source=$vol,target=/m,ro" -- cat /m/f
	is "$output" "hi"
	run_ctr 0 --tmpfs /scratch:size=1m -- sh -c 'grep " /scratch " /proc/self/mounts'
	assert_contains "$output" "tmpfs rw,nosuid,nodev,noexec"
	assert_contains "$output" "size=1024k"
	run_ctr 0 --mount type=tmpfs,target=/t2 -- sh -c 'touch /t2/x && echo ok'
	is "$output" "ok"
	run_ctr 125 -v "$BATS_TEST_TMPDIR/missing:/x" -- true
	assert_contains "$stderr" "bind mount source '$BATS_TEST_TMPDIR/missing'"
	run_ctr 125 -v "$vol:relative" -- true
	assert_contains "$stderr" "must be an absolute path"
	run_ctr 125 --mount type=nfs,target=/x -- true
	assert_contains "$stderr" "invalid type 'nfs'"
}

@test "run: --read-only with and without --read-only-tmpfs" {
	run_ctr 1 --read-only -- touch /x
	assert_contains "$stderr" "Read-only file system"
	run_ctr 0 --read-only -- sh -c 'touch /tmp/x /var/tmp/x /run/x && echo ok'
	is "$output" "ok"
	run_ctr 1 --read-only --read-only-tmpfs=false -- touch /tmp/x
	# a mount below a read-only tmpfs dir lands on the tmpfs, not under it
	echo inside >"$BATS_TEST_TMPDIR/f"
	run_ctr 0 --read-only -v "$BATS_TEST_TMPDIR/f:/run/sub/f" -v "$BATS_TEST_TMPDIR/f:/tmp/f" -- \
		cat /run/sub/f /tmp/f
	is "$output" "inside
inside" "binds below /run and /tmp"
}

@test "run: -u, --group-add, -w, -e, --env-file, --hostname, --entrypoint" {
	run_ctr 0 --user pmuser -- id
	is "$output" "uid=1000\(pmuser\) gid=1000\(pmuser\) groups=100\(users\).*"
	run_ctr 0 --user 1000:wheel --group-add users -- id
	is "$output" "uid=1000\(pmuser\) gid=10\(wheel\) groups=100\(users\)"
	run_ctr 125 --user nosuch -- id
	is "$stderr" "Error: unable to find user 'nosuch': no matching entries in passwd file"
	run_ctr 0 -w /new/work/dir -- pwd
	is "$output" "/new/work/dir" "workdir created"
	printf 'A=1\n# comment\n\nB=two words\n' >"$BATS_TEST_TMPDIR/env"
	PMTEST_GLOB1=g1 PMTEST_GLOB2=g2 run_ctr 0 -e X=y --env-file "$BATS_TEST_TMPDIR/env" \
		-e 'PMTEST_GLOB*' -- env
	assert_contains "$output" "X=y"
	assert_contains "$output" "A=1"
	assert_contains "$output" "B=two words"
	assert_contains "$output" "PMTEST_GLOB1=g1"
	assert_contains "$output" "PMTEST_GLOB2=g2"
	assert_contains "$output" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	assert_contains "$output" "HOME=/root"
	run_ctr 0 --hostname myhost -- sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME'
	is "$output" "myhost
myhost
myhost"
	run_ctr 0 --entrypoint '["/bin/echo","from-entrypoint"]' -- arg
	is "$output" "from-entrypoint arg"
	run_ctr 125 --env-file "$BATS_TEST_TMPDIR/nope" -- true
	# podman's words: 'parsing env file "F": open F: no such file or directory'
	assert_contains "$stderr" "parsing env file \"$BATS_TEST_TMPDIR/nope\""
}

@test "run: network none (lo up), refused networks and resource limits" {
	run_ctr 0 --network none -- sh -c 'ip -o link | wc -l; ip -o link show lo'
	is "${lines[0]}" "1" "only lo"
	assert_contains "$output" "UP"
	run_ctr 125 --network bridge -- true
	assert_contains "$stderr" "Error: network mode 'bridge' is not supported by pm"
	run_ctr 125 --memory 1g -- true
	assert_contains "$stderr" "Error: --memory: cannot enforce the limit"
	run_ctr 125 --memory lots -- true
	assert_contains "$stderr" "invalid --memory 'lots'"
	run_ctr 125 --cpus -1 -- true
	run_ctr 125 --pids-limit x -- true
	run_ctr 125 --pid bogus -- true
	assert_contains "$stderr" "--pid: invalid namespace mode 'bogus'"
}

@test "run/create: flag values are checked (engine/validate.c) with podman's messages, nothing created" {
	run_ctr 125 --cpus -1 -- true
	is "$stderr" "Error: invalid --cpus '-1': must be a positive number"
	run_ctr 125 --pids-limit x -- true
	is "$stderr" "Error: invalid --pids-limit 'x': must be a number \(-1 for unlimited\)"
	run_ctr 125 --stop-timeout -1 -- true
	is "$stderr" 'Error: invalid argument "-1" for "--stop-timeout" flag: strconv.ParseUint: parsing "-1": invalid syntax'"
See '.*(pm|podman) (run|create) --help'"
	run_ctr 125 --stop-signal SIGNOPE -- true
	is "$stderr" "Error: invalid signal: SIGNOPE"
	run_ctr 125 --security-opt selinux -- true
	is "$stderr" "Error: invalid --security-opt 'selinux'"
	run_ctr 125 --log-opt verbose -- true
	is "$stderr" "Error: invalid logging option 'verbose': use KEY=VALUE"
	run_ctr 125 --detach-keys ctrl-1 -- true
	is "$stderr" "Error: invalid detach keys: Unknown character: 'ctrl-1'"
	run_ctr 125 --rm=maybe -- true
	is "$stderr" 'Error: invalid argument "maybe" for "--rm" flag: strconv.ParseBool: parsing "maybe": invalid syntax'"
See '.*(pm|podman) (run|create) --help'"
	run_ctr 125 --rm --restart always -- true
	is "$stderr" 'Error: the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"'
	run_ctr 125 --replace -- true
	is "$stderr" "Error: cannot replace container without --name being set"

	# create shares the table, without -d
	run_pm_split 125 create --detach --rootfs "$ROOTFS" true
	is "$stderr" "Error: unknown flag: --detach"
	run_pm_split 125 create -d --rootfs "$ROOTFS" true
	assert_contains "$stderr" "unknown shorthand flag: 'd' in -d"
	run_pm_split 125 create --stop-signal SIGNOPE --rootfs "$ROOTFS" true
	is "$stderr" "Error: invalid signal: SIGNOPE"
	run_pm 0 ps -a -q
	is "$output" "" "no container left by a refused run or create"

	# good values of the same flags go through
	run_pm 0 create --name good --stop-timeout 5 --stop-signal INT --log-opt max-size=1k \
		--detach-keys ctrl-a,x --security-opt no-new-privileges --rm=false --rootfs "$ROOTFS" true
	run_pm 0 inspect --format '{{.Name}}' good
	is "$output" "good"
	run_pm 0 rm good
}

@test "run: --init is a reaping PID 1 that forwards signals" {
	run_ctr 0 --init -- sh -c 'cat /proc/1/comm; echo $$'
	is "${lines[0]}" "pm-init" "PID 1"
	is "${lines[1]}" "2" "the command is PID 2"
	timeout 30 "${PM_CMD[@]}" run --init --rootfs "$ROOTFS" sleep 100 &
	pid=$!
	sleep 1
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	is "$rc" "130" "SIGINT forwarded through the init"
}

@test "run: SIGTERM and SIGHUP are forwarded to the container's PID 1" {
	timeout 30 "${PM_CMD[@]}" run --rootfs "$ROOTFS" \
		sh -c 'trap "exit 42" TERM; trap "exit 43" HUP; sleep 100 & wait' &
	pid=$!
	sleep 1
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	is "$rc" "42" "exit status after SIGTERM"
}

@test "run: -t allocates a pty (under script), window size, exit code" {
	skip_if_missing script
	run script -qec "stty cols 91 rows 33; timeout --foreground 30 ${PM_CMD[*]} run -t --rootfs $ROOTFS sh -c 'tty; stty size; exit 3'" /dev/null
	echo "$output"
	is "$status" "3" "exit code through the pty"
	assert_contains "$output" "/dev/pts/0"
	assert_contains "$output" "33 91"
}

@test "run: --userns=keep-id runs as the user's own uid" {
	skip_if_root "keep-id is rootless only"
	run_ctr 0 --userns keep-id -- sh -c 'id -u; id -g'
	is "$output" "$(id -u)
$(id -g)"
	vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$vol"
	run_ctr 0 --userns keep-id -v "$vol:/data" -- touch /data/k
	is "$(stat -c %u "$vol/k")" "$(id -u)" "owner on the host"
}

@test "run: a failed run leaves no process, mount or state" {
	run_ctr 125 -v "$BATS_TEST_TMPDIR/missing:/x" -- true
	run_ctr 127 -- nosuchcmd
	# the per-container directory is removed
	left=$(ls -A "$XDG_RUNTIME_DIR/pm/containers" 2>/dev/null || true)
	is "$left" "" "no per-container directories left"
}
