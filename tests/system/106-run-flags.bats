#!/usr/bin/env bats
# 106-run-flags: run/create's --ulimit, --sysctl, --device, --tz, --expose, --timeout and
# --volumes-from as podman has them: each proven by its effect inside the container and
# where inspect shows it; each bad value is a one-line error naming it, exit 125, no
# container left. Runs as the unprivileged test user, against pm and podman.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# bad_value FLAG VALUE MESSAGE-REGEX: run and create both refuse it in one line, nothing left
bad_value() {
	local flag=$1 value=$2 msg=$3
	run_pm 125 run --rm "$flag" "$value" "$IMG" true
	is "$output" "Error: $msg" "the error for $flag '$value'"
	is "${#lines[@]}" "1" "one line for $flag '$value'"
	run_pm 125 create --name bad "$flag" "$value" "$IMG" true
	is "$output" "Error: $msg" "create's error for $flag '$value'"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left after $flag '$value'"
}

@test "run --ulimit: the limits inside, inspect's HostConfig.Ulimits" {
	pm_load_test_image
	run_pm 0 run --rm --ulimit nofile=100:200 "$IMG" sh -c 'ulimit -n; ulimit -Hn'
	is "$output" "100
200" "soft and hard nofile"
	run_pm 0 run --rm --ulimit nofile=150 --ulimit core=0 "$IMG" sh -c 'ulimit -Sn; ulimit -Hn; ulimit -c'
	is "$output" "150
150
0" "one value sets both; several flags"
	# host: the caller's own limits
	run_pm 0 run --rm --ulimit host "$IMG" sh -c 'ulimit -Hn'
	is "$output" "$(ulimit -Hn)" "--ulimit host keeps the caller's hard nofile"
	# exec'd processes have the container's limits too
	run_pm 0 run -d --name ule --ulimit nofile=123:456 "$IMG" sleep 100
	run_pm 0 exec ule sh -c 'ulimit -Sn; ulimit -Hn'
	if is_podman; then
		# podman 4.3's exec sometimes raises the soft nofile to the hard one (its Go
		# runtime's), sometimes not
		is "$output" "(123|456)
456" "exec's limits"
	else
		is "$output" "123
456" "exec's limits: the container's"
	fi
	run_pm 0 rm -f -t 0 ule
	run_pm 0 create --name ul --ulimit nofile=100:200 "$IMG" true
	run_pm 0 inspect --format '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}} {{end}}' ul
	assert_contains "$output" "RLIMIT_NOFILE=100:200"
	run_pm 0 rm ul
}

@test "run --ulimit: a hard limit above the caller's fails the start (126), bad values 125" {
	pm_load_test_image
	local hard
	hard=$(ulimit -Hn)
	run_pm 126 run --rm --ulimit "nofile=100:$((hard * 4))" "$IMG" true
	assert_contains "$output" "rlimit"
	is "${#lines[@]}" "1" "one line"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
	bad_value --ulimit bogus=1 'ulimit option "bogus=1" requires name=SOFT:HARD, failed to be parsed: invalid ulimit type: bogus'
	bad_value --ulimit nofile 'ulimit option "nofile" requires name=SOFT:HARD, failed to be parsed: invalid ulimit argument: nofile'
	bad_value --ulimit nofile=x 'ulimit option "nofile=x" requires name=SOFT:HARD, failed to be parsed: strconv.ParseInt: parsing "x": invalid syntax'
	bad_value --ulimit nofile=10:5 'ulimit option "nofile=10:5" requires name=SOFT:HARD, failed to be parsed: ulimit soft limit must be less than or equal to hard limit: 10 > 5'
}

@test "run --sysctl: namespaced sysctls are set inside; others and host namespaces refused" {
	pm_load_test_image
	run_pm 0 run --rm --sysctl net.ipv4.ip_forward=1 "$IMG" cat /proc/sys/net/ipv4/ip_forward
	is "$output" "1" "net.ipv4.ip_forward in the container's network namespace"
	run_pm 0 run --rm --sysctl kernel.msgmax=4096 "$IMG" cat /proc/sys/kernel/msgmax
	is "$output" "4096" "kernel.msgmax in the container's IPC namespace"
	# the host's value is untouched
	run cat /proc/sys/kernel/msgmax
	[ "$output" != "4096" ] || [ "$(cat /proc/sys/kernel/msgmax)" = 4096 ]
	bad_value --sysctl vm.swappiness=1 "sysctl 'vm.swappiness' is not allowed"
	bad_value --sysctl kernel.domainname=foo "sysctl 'kernel.domainname' is not allowed"
	bad_value --sysctl foo "foo is invalid, sysctl values must be in the form of KEY=VALUE"
	run_pm 125 run --rm --network host --sysctl net.ipv4.ip_forward=1 "$IMG" true
	is "$output" "Error: sysctl net.ipv4.ip_forward=1 can't be set since Network Namespace set to host: invalid argument"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

@test "run --sysctl --ipc host: refused (pm's message; podman fails on the host's /dev/mqueue)" {
	skip_if_podman "podman 4.3 fails with 'statfs /dev/mqueue' before it checks the sysctl"
	pm_load_test_image
	run_pm 125 run --rm --ipc host --sysctl kernel.msgmax=4096 "$IMG" true
	is "$output" "Error: sysctl kernel.msgmax=4096 can't be set since IPC Namespace set to host: invalid argument"
}

@test "run --device: the host's node inside (rootless: bind-mounted), bad specs refused" {
	pm_load_test_image
	run_pm 0 run --rm --device /dev/null:/dev/mynull "$IMG" sh -c 'ls -l /dev/mynull; echo x >/dev/mynull && echo written'
	is "${lines[0]}" "c.*1, *3 .*/dev/mynull" "a character device 1,3"
	is "${lines[1]}" "written"
	run_pm 0 run --rm --device /dev/zero:/dev/z:rw "$IMG" sh -c 'head -c 4 /dev/z | od -An -tx1'
	is "$output" " *00 00 00 00" "reads zeros"
	bad_value --device /dev/nonexist "stat /dev/nonexist: no such file or directory"
	bad_value --device /dev/null:/dev/n:xyz "invalid device mode: xyz"
	bad_value --device /dev/null:dev/n "invalid device mode: dev/n"
}

@test "run --tz: the zone's /etc/localtime, local is the host's, a bad zone refused" {
	pm_load_test_image
	[ -f /usr/share/zoneinfo/Asia/Tokyo ] || skip "no tzdata on this host"
	run_pm 0 run --rm --tz Asia/Tokyo "$IMG" date +%Z
	is "$output" "JST"
	run_pm 0 run --rm --tz America/New_York "$IMG" date -d @0 +%Y-%m-%d_%H
	is "$output" "1969-12-31_19" "New York's offset"
	run_pm 0 run --rm --tz local "$IMG" date +%Z
	is "$output" "$(date +%Z)" "the host's zone"
	run_pm 0 create --name tz --tz Asia/Tokyo "$IMG" true
	run_pm 0 inspect --format '{{.Config.Timezone}}' tz
	is "$output" "Asia/Tokyo"
	run_pm 0 rm tz
	bad_value --tz Bogus/Zone "running container create option: stat /usr/share/zoneinfo/Bogus/Zone: no such file or directory"
}

@test "run --expose: in NetworkSettings.Ports, published by -P" {
	pm_load_test_image
	run_pm 0 create --name ex --expose 8080 --expose 53/udp --expose 9000-9001 "$IMG" true
	run_pm 0 inspect --format '{{json .NetworkSettings.Ports}}' ex
	assert_contains "$output" '"8080/tcp":null'
	assert_contains "$output" '"53/udp":null'
	assert_contains "$output" '"9000/tcp":null'
	assert_contains "$output" '"9001/tcp":null'
	run_pm 0 rm ex
	run_pm 0 run -d --name exp -P --expose 8080 "$IMG" sleep 100
	run_pm 0 port exp
	is "$output" "8080/tcp -> 0.0.0.0:[0-9]+" "-P published the exposed port"
	run_pm 0 rm -f -t 0 exp
	bad_value --expose 80x 'invalid range format for --expose: 80x: strconv.ParseUint: parsing "80x": invalid syntax'
	bad_value --expose 80/xyz 'validating protocols for exposed port 80: unrecognized protocol "xyz" in port mapping'
}

@test "run --timeout: killed after the time, inspect's Config.Timeout" {
	pm_load_test_image
	run_pm 0 create --name to --timeout 30 "$IMG" true
	run_pm 0 inspect --format '{{.Config.Timeout}}' to
	is "$output" "30"
	run_pm 0 rm to
	# the command would sleep for minutes: killed, with podman's exit code
	run_pm 255 run --rm --timeout 1 "$IMG" sleep 300
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "--rm removed it"
	run_pm 0 run --rm --timeout 300 "$IMG" echo in-time
	is "$output" "in-time" "a command done before the timeout keeps its status"
	run_pm 125 run --rm --timeout x "$IMG" true
	is "${lines[0]}" 'Error: invalid argument "x" for "--timeout" flag: strconv.ParseUint: parsing "x": invalid syntax'
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

@test "run --volumes-from: the other container's volumes and binds, as they are or ro" {
	pm_load_test_image
	local dir=$BATS_TEST_TMPDIR/shared
	mkdir -p "$dir"
	echo hello >"$dir/f"
	run_pm 0 run --name src -v "$dir:/mnt/shared" -v vfvol:/vol "$IMG" sh -c 'echo data >/vol/d'
	run_pm 0 run --rm --volumes-from src "$IMG" sh -c 'cat /mnt/shared/f /vol/d; echo w >/vol/w && echo writable'
	is "$output" "hello
data
writable" "both mounts, read-write as in src"
	run_pm 1 run --rm --volumes-from src:ro "$IMG" sh -c 'cat /vol/d; touch /vol/x'
	is "${lines[0]}" "data"
	assert_contains "$output" "Read-only file system"
	run_pm 0 create --name vf --volumes-from src:ro "$IMG" true
	run_pm 0 inspect --format '{{json .HostConfig.VolumesFrom}}' vf
	is "$output" '\["src:ro"\]'
	run_pm 0 rm vf src
	run_pm 0 volume rm vfvol
	run_pm 125 run --rm --volumes-from nosuch "$IMG" true
	is "$output" 'Error: looking up container "nosuch" for volumes-from: no container with name or ID "nosuch" found: no such container'
	run_pm 125 run --rm --volumes-from src:xyz "$IMG" true
	is "$output" 'Error: invalid option "xyz" specified - volumes from another container can only use z,ro,rw options'
	run_pm 125 run --rm --volumes-from src:ro,rw "$IMG" true
	is "$output" 'Error: cannot set ro or rw options more than once'
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

@test "run --attach: only the streams named reach the terminal" {
	pm_load_test_image
	run_pm_split 0 run --rm -a stdout "$IMG" sh -c 'echo out; echo err >&2'
	is "$output" "out" "stdout attached"
	is "$stderr" "" "stderr not attached"
	run_pm_split 0 run --rm --attach stderr "$IMG" sh -c 'echo out; echo err >&2'
	is "$output" "" "stdout not attached"
	is "$stderr" "err" "stderr attached"
	run_pm_split 0 run --rm -a stdout -a stderr "$IMG" sh -c 'echo out; echo err >&2'
	is "$output" "out"
	is "$stderr" "err"
	# (podman 4.3's create takes any stream and ignores it: run only)
	run_pm 125 run --rm -a bogus "$IMG" true
	is "$output" 'Error: invalid stream "bogus" for --attach - must be one of stdin, stdout, or stderr: invalid argument'
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

@test "run --preserve-fds: the caller's fds 3.. go to the container" {
	pm_load_test_image
	echo preserved >"$BATS_TEST_TMPDIR/in"
	run_pm 0 run --rm --preserve-fds 1 "$IMG" cat /proc/self/fd/3 3<"$BATS_TEST_TMPDIR/in"
	is "$output" "preserved" "fd 3 read inside"
	# without the flag the fd stays outside
	run_pm 1 run --rm "$IMG" cat /proc/self/fd/3 3<"$BATS_TEST_TMPDIR/in"
	run_pm 125 run --rm --preserve-fds x "$IMG" true
	is "${lines[0]}" 'Error: invalid argument "x" for "--preserve-fds" flag: strconv.ParseUint: parsing "x": invalid syntax'
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

@test "run --hostuser: the host user's passwd entry in the container" {
	pm_load_test_image
	local me uid gid
	me=$(id -un)
	uid=$(id -u)
	gid=$(id -g)
	run_pm 0 run --rm --hostuser "$me" "$IMG" grep "^$me:" /etc/passwd
	is "$output" "$me:\*:$uid:$gid:[^:]*:/:/bin/sh" "the host's entry, home / (not in the image)"
	if ! is_podman; then
		# pm only: podman 4.3 resolves --user before it adds the entry (id -u shows another
		# uid there)
		run_pm 0 run --rm --hostuser "$me" --user "$me" "$IMG" id -u
		is "$output" "$uid" "--user finds it"
	fi
	run_pm 0 run --rm --hostuser root "$IMG" grep -c "^root:" /etc/passwd
	is "$output" "1" "a user the image has is not added again"
}

@test "run --hostuser: an unknown user is refused before anything is made" {
	skip_if_podman "podman 4.3 fails at start with 126 (creating temporary passwd file); pm checks at create: 125"
	pm_load_test_image
	bad_value --hostuser nosuchuser "--hostuser: user: unknown user nosuchuser"
}

@test "exec --preserve-fds, --detach-keys" {
	pm_load_test_image
	run_pm 0 run -d --name ex "$IMG" sleep 100
	echo preserved >"$BATS_TEST_TMPDIR/in"
	run_pm 0 exec --preserve-fds 1 ex cat /proc/self/fd/3 3<"$BATS_TEST_TMPDIR/in"
	is "$output" "preserved" "fd 3 read in the exec'd process"
	run_pm 0 exec --detach-keys ctrl-a ex echo ok
	is "$output" "ok"
	run_pm 125 exec --preserve-fds x ex true
	is "${lines[0]}" 'Error: invalid argument "x" for "--preserve-fds" flag: strconv.ParseUint: parsing "x": invalid syntax'
	if ! is_podman; then
		# pm only: podman 4.3 fails later with a conmon error (255) for bad keys
		run_pm 125 exec --detach-keys ctrl-% ex true
		assert_contains "$output" "ctrl-%"
	fi
	run_pm 0 rm -f -t 0 ex
}

@test "run --uidmap/--gidmap: the container's own user namespace" {
	pm_load_test_image
	run_pm 0 run --rm --uidmap 0:0:1000 "$IMG" cat /proc/self/uid_map /proc/self/gid_map
	# (the rootless namespace's own map has the caller apart: extents split at its edge)
	is "$(echo "$output" | tr -s ' ')" " 0 0 1
 1 1 999
 0 0 1
 1 1 999" "the gid map follows the uid map"
	run_pm 0 run --rm --uidmap 0:0:1 --uidmap 1:2:999 --gidmap 0:0:500 "$IMG" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	is "$(echo "$output" | tr -s ' ')" " 0 0 1
 1 2 999
 0 0 1
 1 1 499
0"
	run_pm 0 create --name um --uidmap 0:0:1000 "$IMG" true
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}}' um
	is "$output" '\{"UidMap":\["0:0:1000"\],"GidMap":\["0:0:1000"\]\}'
	run_pm 0 rm um
	bad_value --uidmap 0:1:x 'initializing ID mappings: UID setting is malformed expected \["uint32:uint32:uint32"\]: \["0:1:x"\]'
	run_pm 125 run --rm --uidmap 0:0:1000 --userns keep-id "$IMG" true
	is "$output" "Error: --userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}
