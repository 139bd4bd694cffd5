#!/usr/bin/env bats
# 130-run-flags-process: podman 4.3's process flags of run/create, proven by their effect:
# --pidfile (the file holds .State.Pid), --rmi (no image left), --requires (the other
# container started first, its removal refused), --passwd/--passwd-entry (podman's
# /etc/passwd and /etc/group lines), --init-path (that init is PID 1), --personality (uname
# -m), --oom-score-adj (/proc/self/oom_score_adj), --chrootdirs (hosts and resolv.conf in
# DIR/etc), --subuidname/--subgidname (refused rootless, as podman), --seccomp-policy (the
# image label's profile); each kept by create for start, each bad value 125 with nothing
# left. Runs as the unprivileged test user, against podman 4.3 too.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# no container listed
assert_no_containers() {
	run_pm 0 ps -a -q
	is "$output" "" "containers left"
}

@test "run --pidfile: the file holds .State.Pid; inspect .PidFile; create keeps it for start" {
	pm_load_test_image
	local pf=$BATS_TEST_TMPDIR/ctr.pid
	run_pm 0 run -d --name p1 --pidfile "$pf" "$IMG" sleep 100
	run_pm 0 inspect --format '{{.State.Pid}}' p1
	local pid=$output
	[ "$pid" -gt 0 ] || die "no pid: $pid"
	is "$(cat "$pf")" "$pid" "the pidfile's pid is .State.Pid"
	[ "$(wc -l <"$pf")" -eq 0 ] || die "a newline in the pidfile (conmon writes none)"
	run_pm 0 inspect --format '{{.PidFile}}' p1
	is "$output" "$pf"
	run_pm 0 rm -f -t 0 p1
	if ! is_podman; then
		# pm's own: the file goes with the container (podman 4.3 leaves it)
		[ ! -e "$pf" ] || die "pidfile left after rm"
	fi
	rm -f "$pf"

	# create + start: written at the start
	run_pm 0 create --name p2 --pidfile "$pf" "$IMG" sleep 100
	[ ! -e "$pf" ] || die "pidfile written by create"
	run_pm 0 start p2
	run_pm 0 inspect --format '{{.State.Pid}}' p2
	is "$(cat "$pf")" "$output" "written by start"
	run_pm 0 rm -f -t 0 p2
	rm -f "$pf"

	# run --rm: the pid while it runs
	run_pm 0 run --rm --pidfile "$pf" "$IMG" sh -c 'cat /proc/self/stat >/dev/null; echo started'
	is "$output" "started"
	if ! is_podman; then
		pm_store_settled
		[ ! -e "$pf" ] || die "pidfile left after run --rm"
	fi
}

@test "run --pidfile: a directory that is not there fails the create (pm), nothing left" {
	skip_if_podman "podman 4.3 creates it and fails the start (127, 'OCI runtime attempted to invoke a command that was not found')"
	pm_load_test_image
	run_pm 125 run -d --pidfile /nonexistent/dir/pf "$IMG" true
	is "$output" "Error: --pidfile '/nonexistent/dir/pf': directory '/nonexistent/dir': No such file or directory"
	run_pm 125 create --pidfile /nonexistent/dir/pf "$IMG" true
	assert_no_containers
}

@test "run --rmi: the image goes after a foreground --rm run; kept while a container uses it" {
	pm_load_test_image
	run_pm 0 run --rm --rmi "$IMG" echo hi
	is "$output" "hi"
	pm_store_settled
	run_pm 0 images -q
	is "$output" "" "image removed"

	# without --rm the container still uses it: podman 4.3 logs the error, exit 0
	pm_load_test_image
	run_pm 0 run --name r1 --rmi "$IMG" echo hi
	assert_contains "$output" "image is in use by a container"
	run_pm 0 images -q
	[ -n "$output" ] || die "image removed while a container uses it"
	run_pm 0 rm r1

	# -d: not removed (podman 4.3)
	run_pm 0 run -d --rm --rmi "$IMG" true
	run_pm "?" wait --condition=exited "${lines[-1]}"
	pm_store_settled
	run_pm 0 images -q
	[ -n "$output" ] || die "image removed by run -d --rmi"

	# create has no --rmi
	run_pm 125 create --rmi "$IMG" true
	assert_contains "$output" "unknown flag: --rmi"
	assert_no_containers
}

@test "run --requires: the required containers start first; their removal refused" {
	pm_load_test_image
	run_pm 0 create --name d1 "$IMG" sleep 100
	local id1=$output
	run_pm 0 create --name d2 "$IMG" sleep 100
	local id2=$output
	run_pm 0 create --name w --requires d1,d2 "$IMG" sleep 100
	local wid=$output
	run_pm 0 inspect --format '{{.Dependencies}}' w
	is "$output" "\[$id1 $id2\]" "inspect's .Dependencies: the ids"
	run_pm 0 start w
	run_pm 0 inspect --format '{{.State.Status}}' d1 d2 w
	is "$output" "running
running
running" "d1 and d2 started by w's start"

	# a required container stays while w exists, forced or not
	run_pm 125 rm -f -t 0 d1
	is "$output" "Error: container $id1 has dependent containers which must be removed before it: $wid: container already exists"
	run_pm 0 inspect --format '{{.State.Status}}' d1
	is "$output" "running"
	run_pm 0 rm --depend -f -t 0 d1
	assert_contains "$output" "$wid"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "d2" "w and d1 removed by --depend"

	# run: d2 (stopped) started first
	run_pm 0 stop -t 0 d2
	run_pm 0 run --rm --requires d2 "$IMG" echo hi
	is "$output" "hi"
	run_pm 0 inspect --format '{{.State.Status}}' d2
	is "$output" "running" "started by run --requires"
	run_pm 0 rm -f -t 0 d2
}

@test "run --requires: an unknown container fails the create, nothing left" {
	pm_load_test_image
	run_pm 125 create --name w --requires nosuch "$IMG" true
	is "$output" "Error: \"nosuch\" is not a valid container, cannot be used as a dependency: no container with name or ID \"nosuch\" found: no such container"
	run_pm 125 run --rm --requires nosuch "$IMG" true
	assert_no_containers
}

@test "run --passwd: podman's passwd and group lines for a numeric user; --passwd-entry" {
	pm_load_test_image
	run_pm 0 run --rm -u 1234 "$IMG" sh -c 'tail -1 /etc/passwd; tail -1 /etc/group; id -un'
	is "$output" "1234:\*:1234:0:container user:/:/bin/sh
1234:x:1234:1234
1234"
	run_pm 0 run --rm -u 1234:55 -w /tmp "$IMG" sh -c 'tail -1 /etc/passwd; tail -1 /etc/group'
	is "$output" "1234:\*:1234:55:container user:/tmp:/bin/sh
55:x:55:1234"
	# a user the image has, a named user: nothing added
	run_pm 0 run --rm -u 0 "$IMG" sh -c 'tail -1 /etc/passwd'
	is "$output" "nobody:x:65534:65534:nobody:/nonexistent:/bin/false"
	run_pm 0 run --rm -u 1234 --passwd=false "$IMG" sh -c 'tail -1 /etc/passwd; tail -1 /etc/group'
	is "$output" "nobody:x:65534:65534:nobody:/nonexistent:/bin/false
nogroup:x:65534:" "--passwd=false"
	run_pm 0 run --rm -u 1234 -w /var --passwd-entry '$USERNAME|$UID|$GID|$NAME|$HOME|$FOO' "$IMG" \
		sh -c 'tail -1 /etc/passwd'
	is "$output" "1234\|1234\|0\|container user\|/var\|\\\$FOO" "--passwd-entry's substitutions"
	run_pm 0 run --rm --passwd-entry 'x:$UID' "$IMG" sh -c 'tail -1 /etc/passwd'
	is "$output" "nobody:x:65534:65534:nobody:/nonexistent:/bin/false" "no -u: nothing added"
	# kept by create
	run_pm 0 create --name c1 -u 4321 --passwd-entry 'u$UID:x:$UID:$GID::/:/bin/sh' "$IMG" \
		sh -c 'tail -1 /etc/passwd'
	run_pm 0 start -a c1
	is "$output" "u4321:x:4321:0::/:/bin/sh"
	run_pm 0 inspect --format '{{.Config.Passwd}}' c1
	is "$output" "true"
	run_pm 0 rm c1
	run_pm 125 create --passwd "$IMG" true
	assert_contains "$output" "unknown flag: --passwd"
	assert_no_containers
}

@test "run --init --init-path: that binary runs the command as PID 1; a missing one is refused" {
	[ -x /usr/bin/catatonit ] || skip "no /usr/bin/catatonit"
	pm_load_test_image
	run_pm 0 run --rm --init --init-path /usr/bin/catatonit "$IMG" sh -c 'tr "\0" " " </proc/1/cmdline'
	is "$output" "/run/podman-init -- sh -c tr \"\\\\0\" \" \" </proc/1/cmdline " "PID 1"
	run_pm 0 create --name c1 --init --init-path /usr/bin/catatonit "$IMG" cat /proc/1/cmdline
	run_pm 0 start -a c1
	assert_contains "$output" "/run/podman-init"
	run_pm 0 inspect --format '{{.HostConfig.Init}}' c1
	is "$output" "true"
	run_pm 0 rm c1
	# without --init: ignored
	run_pm 0 run --rm --init-path /nonexistent "$IMG" echo hi
	is "$output" "hi"
	run_pm 125 run --rm --init --init-path /nonexistent "$IMG" echo hi
	is "$output" "Error: container-init binary not found on the host: stat /nonexistent: no such file or directory"
	assert_no_containers
}

@test "run --personality: LINUX32 is i686 to uname; kept by create; a bad value refused" {
	skip_if_podman "runc 1.1 ignores the OCI linux.personality podman passes it (uname says x86_64)"
	[ "$(uname -m)" = x86_64 ] || skip "not x86_64"
	pm_load_test_image
	run_pm 0 run --rm --personality LINUX32 "$IMG" uname -m
	is "$output" "i686"
	run_pm 0 run --rm --personality LINUX "$IMG" uname -m
	is "$output" "x86_64"
	run_pm 0 create --name c1 --personality LINUX32 "$IMG" sh -c 'uname -m; sh -c "uname -m"'
	run_pm 0 start -a c1
	is "$output" "i686
i686" "create keeps it; children inherit it"
	run_pm 0 rm c1
	# podman 4.3 passes any value to its runtime
	run_pm 125 run --rm --personality linux32 "$IMG" true
	is "$output" "Error: invalid --personality 'linux32': must be LINUX or LINUX32"
	assert_no_containers
}

@test "run --oom-score-adj: written to /proc/self/oom_score_adj; inspect; lowering refused" {
	pm_load_test_image
	local base
	base=$(cat /proc/self/oom_score_adj)
	run_pm 0 run --rm --oom-score-adj 100 "$IMG" cat /proc/self/oom_score_adj
	is "$output" "100"
	run_pm 0 run --rm --oom-score-adj 1000 "$IMG" cat /proc/self/oom_score_adj
	is "$output" "1000"
	run_pm 0 create --name c1 --oom-score-adj 300 "$IMG" cat /proc/self/oom_score_adj
	run_pm 0 inspect --format '{{.HostConfig.OomScoreAdj}}' c1
	is "$output" "300"
	run_pm 0 start -a c1
	is "$output" "300" "kept by create"
	run_pm 0 rm c1
	run_pm 0 create --name c2 "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.OomScoreAdj}}' c2
	is "$output" "0" "none given"
	run_pm 0 rm c2

	# rootless can only raise it: the runtime fails (126)
	if [ "$base" -gt -1000 ]; then
		run_pm 126 run --rm --oom-score-adj $((base - 1)) "$IMG" true
		is_podman || is "$output" "Error: setting oom_score_adj to $((base - 1)) \\(a rootless container can only raise it\\): Permission denied"
	fi
	run_pm 125 run --rm --oom-score-adj abc "$IMG" true
	assert_contains "$output" "invalid argument \"abc\" for \"--oom-score-adj\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"
	assert_no_containers
}

@test "run --oom-score-adj: out of -1000..1000 refused before anything is made (pm)" {
	skip_if_podman "podman 4.3 leaves the range to its runtime (126 at start)"
	pm_load_test_image
	run_pm 125 run --rm --oom-score-adj 1001 "$IMG" true
	is "$output" "Error: invalid --oom-score-adj '1001': must be between -1000 and 1000"
	run_pm 125 create --oom-score-adj -1001 "$IMG" true
	assert_no_containers
}

@test "run --chrootdirs: hosts and resolv.conf in DIR/etc as well; inspect .Config.ChrootDirs" {
	pm_load_test_image
	run_pm 0 run --rm --chrootdirs /var/jail "$IMG" sh -c \
		'cmp /etc/hosts /var/jail/etc/hosts && cmp /etc/resolv.conf /var/jail/etc/resolv.conf && ls /var/jail/etc'
	is "$output" "hosts
resolv.conf"
	run_pm 0 create --name c1 --chrootdirs /a,/b "$IMG" sh -c 'ls /a/etc /b/etc'
	run_pm 0 inspect --format '{{.Config.ChrootDirs}}' c1
	is "$output" "\[/a /b\]"
	run_pm 0 start -a c1
	is "$output" "/a/etc:
hosts
resolv.conf

/b/etc:
hosts
resolv.conf" "kept by create"
	run_pm 0 rm c1
}

@test "run --subuidname/--subgidname: refused rootless (host ids), an unknown name too" {
	pm_load_test_image
	local me
	me=$(id -un)
	grep -q "^$me:" /etc/subuid || skip "no /etc/subuid entry for $me"
	run_pm 125 run --rm --subuidname "$me" "$IMG" true
	if is_podman; then
		assert_contains "$output" "potentially insufficient UIDs or GIDs available in user namespace"
	else
		assert_contains "$output" "Error: --subuidname $me: ids "
		assert_contains "$output" "are beyond the rootless user namespace"
	fi
	run_pm 125 create --subgidname "$me" "$IMG" true
	run_pm 125 run --rm --subuidname nosuchname "$IMG" true
	is "$output" "Error: no subuid ranges found for user \"nosuchname\" in /etc/subuid"
	assert_no_containers
}

@test "run --seccomp-policy=image: the image label's profile; none in the image refused" {
	pm_load_test_image
	local prof='{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
	run_pm 0 create --name base "$IMG" true
	run_pm 0 commit -q -c "LABEL io.containers.seccomp.profile=$prof" base localhost/secimg
	run_pm 0 rm base
	run_pm 1 run --rm --seccomp-policy image localhost/secimg mkdir /x
	is "$output" "mkdir: can't create directory '/x': Operation not permitted"
	run_pm 0 run --rm localhost/secimg sh -c 'mkdir /x && echo made'
	is "$output" "made" "default policy: the default profile"
	run_pm 0 run --rm --seccomp-policy default localhost/secimg sh -c 'mkdir /x && echo made'
	is "$output" "made"
	run_pm 0 run --rm --seccomp-policy image --security-opt seccomp=unconfined localhost/secimg \
		sh -c 'mkdir /x && echo made'
	is "$output" "made" "unconfined wins"
	run_pm 0 create --name c1 --seccomp-policy image localhost/secimg mkdir /x
	run_pm 1 start -a c1
	assert_contains "$output" "Operation not permitted"
	run_pm 0 rm c1
	# exec'd processes get it too
	run_pm 0 run -d --name e1 --seccomp-policy image localhost/secimg sleep 100
	run_pm 1 exec e1 mkdir /y
	assert_contains "$output" "Operation not permitted"
	run_pm 0 rm -f -t 0 e1

	run_pm 125 run --rm --seccomp-policy image "$IMG" true
	is "$output" "Error: no seccomp policy defined by image"
	run_pm 125 run --rm --seccomp-policy bad "$IMG" true
	is "$output" "Error: invalid seccomp policy \"bad\": valid policies are \[\"default\" \"image\"\]"
	assert_no_containers
}
