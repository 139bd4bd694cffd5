#!/usr/bin/env bats
# 131-run-flags-cgroup-net: run/create's cgroup, block-device and static-network flags
# (engine/cgroup-flags.c): --memory-swappiness, the per-device limits (--device-read-bps,
# --device-write-bps, --device-read-iops, --device-write-iops, --blkio-weight-device),
# --cgroup-conf, --cgroupns, --device-cgroup-rule, --ip, --ip6, --mac-address,
# --network-alias. Bad values: podman's messages, exit 125, nothing created. On this host
# (hybrid cgroups, no delegation) every limit among them is refused naming its flag, as
# the older limits are (035-limits); their enforcement is the VM tier's
# (tests/vm/020-limits.bats). --cgroupns is proven by /proc/self/ns/cgroup against the
# test's own.
#
# Compatibility: passes with PM="podman --runtime runc"; the tests marked pm's own skip
# there (podman 4.3 rootless on cgroup v1 drops these limits with a warning, or fails at
# start with exit 126, where pm refuses them at create).

load helpers

setup() {
	basic_setup
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
	# a block device of this host (stat works without access to it)
	BLK=$(find /dev -maxdepth 1 -type b 2>/dev/null | sort | head -1)
}

nothing_created() {
	run_pm 0 ps -a -q
	is "$output" "" "no container was created"
}

hybrid_only() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "this host has cgroup v2: the VM tier tests enforcement"
}

need_blk() {
	[ -n "$BLK" ] || skip "no block device on this host"
}

@test "--memory-swappiness: not a number is podman's flag error; -1 is the default" {
	run_pm 125 create --memory-swappiness abc "$IMG" true
	assert_contains "$output" 'invalid argument "abc" for "--memory-swappiness" flag: strconv.ParseInt: parsing "abc": invalid syntax'
	run_pm 125 create --memory-swappiness "" "$IMG" true
	assert_contains "$output" 'invalid argument "" for "--memory-swappiness" flag'
	nothing_created
	run_pm 0 run --rm --memory-swappiness -1 "$IMG" echo ok
	is "$output" ok
}

@test "--memory-swappiness out of 0..100: one line naming it, 125 (pm's own)" {
	skip_if_podman "podman 4.3 checks the range only as root on cgroup v1"
	local v
	for v in 101 -2 1000; do
		run_pm 125 create --memory-swappiness "$v" "$IMG" true
		is "$output" "Error: invalid --memory-swappiness '$v': valid memory swappiness range is 0-100"
	done
	nothing_created
}

@test "per-device limits: podman's format and range errors, 125, nothing created" {
	local f
	for f in device-read-bps device-write-bps device-read-iops device-write-iops blkio-weight-device; do
		run_pm 125 create --$f /dev/x "$IMG" true
		assert_contains "$output" "Error: bad format: /dev/x" "--$f without a value"
		run_pm 125 create --$f x:1 "$IMG" true
		assert_contains "$output" "Error: bad format for device path: x:1" "--$f outside /dev"
	done
	run_pm 125 create --device-read-bps /dev/x:abc "$IMG" true
	assert_contains "$output" "Error: invalid rate for device: /dev/x:abc. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb"
	run_pm 125 create --device-write-bps /dev/x:-1 "$IMG" true
	assert_contains "$output" "invalid rate for device: /dev/x:-1."
	run_pm 125 create --device-read-iops /dev/x:1mb "$IMG" true
	assert_contains "$output" "Error: invalid rate for device: /dev/x:1mb. The correct format is <device-path>:<number>. Number must be a positive integer"
	run_pm 125 create --device-write-iops /dev/x:+5 "$IMG" true
	assert_contains "$output" "invalid rate for device: /dev/x:+5."
	local w
	for w in 5 1001 abc -1; do
		run_pm 125 create --blkio-weight-device "/dev/x:$w" "$IMG" true
		assert_contains "$output" "Error: invalid weight for device: /dev/x:$w"
	done
	run_pm 125 create --device-read-bps /dev/nonexistent-pm:1mb "$IMG" true
	assert_contains "$output" "could not parse throttle device at /dev/nonexistent-pm: no such file or directory"
	run_pm 125 create --device-write-iops /dev/nonexistent-pm:5 "$IMG" true
	assert_contains "$output" "could not parse throttle device at /dev/nonexistent-pm: no such file or directory"
	run_pm 125 create --blkio-weight-device /dev/nonexistent-pm:100 "$IMG" true
	assert_contains "$output" "failed to inspect '/dev/nonexistent-pm' in --blkio-weight-device: no such file or directory"
	nothing_created
}

@test "per-device limits on a device that is not a block device: refused (pm's own)" {
	skip_if_podman "podman 4.3 creates it and fails at start (126)"
	run_pm 125 create --device-read-bps /dev/null:1mb "$IMG" true
	is "$output" "Error: --device-read-bps '/dev/null:1mb': '/dev/null' is not a block device"
	run_pm 125 create --blkio-weight-device /dev/null:100 "$IMG" true
	is "$output" "Error: --blkio-weight-device '/dev/null:100': '/dev/null' is not a block device"
	nothing_created
}

@test "the new limits on a hybrid host: one line naming the flag, 125, nothing created (pm's own)" {
	skip_if_podman "podman 4.3 drops them with a warning, or fails at start (126)"
	hybrid_only
	need_blk
	local args
	for args in "--memory-swappiness 0" "--memory-swappiness 60" "--device-read-bps $BLK:1mb" \
		"--device-write-bps $BLK:1048576" "--device-read-iops $BLK:100" \
		"--device-write-iops $BLK:100" "--blkio-weight-device $BLK:100" \
		"--cgroup-conf memory.high=100000000" "--cgroup-conf pids.max=10"; do
		# shellcheck disable=SC2086 # the flag and its value are two words
		run_pm 125 run --rm $args "$IMG" true
		is "${#lines[@]}" 1 "one line for $args"
		assert_contains "$output" "${args%% *}: cannot enforce the limit: this host has hybrid cgroups v1" "$args"
		# shellcheck disable=SC2086
		run_pm 125 create $args "$IMG" true
		assert_contains "$output" "${args%% *}: cannot enforce" "create $args"
	done
	# the value is checked first, even where the limit could not be enforced anyway
	run_pm 125 run --rm --device-read-bps "$BLK:1zb" "$IMG" true
	assert_contains "$output" "invalid rate for device: $BLK:1zb."
	run_pm 125 create --cgroups=disabled --cgroup-conf memory.high=1000000 "$IMG" true
	is "$output" "Error: --cgroup-conf: cannot enforce a limit with --cgroups=disabled: drop one of them"
	nothing_created
	[ -z "$(ls -A "$XDG_DATA_HOME/pm/storage/db/containers" 2>/dev/null)" ] ||
		die "container records were left"
}

@test "a --blkio-weight-device weight of 0 sets nothing, as podman's" {
	need_blk
	if is_podman || [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		run_pm 0 create --blkio-weight-device "$BLK:0" "$IMG" true
	else
		# pm: a weight device is a limit all the same, refused here
		run_pm 125 create --blkio-weight-device "$BLK:0" "$IMG" true
		assert_contains "$output" "--blkio-weight-device: cannot enforce"
	fi
	run_pm 0 rm -a -f
}

@test "--cgroup-conf: KEY=VALUE is required (podman's message); the key must be a cgroup file (pm's own)" {
	run_pm 125 create --cgroup-conf memory.high "$IMG" true
	assert_contains "$output" "Error: --cgroup-conf must be formatted KEY=VALUE"
	nothing_created
	if ! is_podman; then
		local k
		for k in "=1" "memory=1" "../memory.max=1" ".high=1" "memory.=1"; do
			run_pm 125 create --cgroup-conf "$k" "$IMG" true
			is "$output" "Error: invalid --cgroup-conf '$k': the key must be a cgroup v2 file name, CONTROLLER.NAME \\(memory.high\\)"
		done
		nothing_created
	fi
}

@test "--device-cgroup-rule: podman 4.3's checks; good rules create and run" {
	run_pm 125 create --device-cgroup-rule "c 1:3" "$IMG" true
	assert_contains "$output" 'Error: invalid device cgroup rule requires type, major:Minor, and access rules: "c 1:3"'
	run_pm 125 create --device-cgroup-rule "c  1:3 rwm" "$IMG" true
	assert_contains "$output" 'access rules: "c  1:3 rwm"'
	run_pm 125 create --device-cgroup-rule "x 1:3 rwm" "$IMG" true
	assert_contains "$output" "Error: invalid device type in device-access-add: x"
	run_pm 125 create --device-cgroup-rule "c a:3 rwm" "$IMG" true
	assert_contains "$output" 'Error: strconv.ParseUint: parsing "a": invalid syntax'
	run_pm 125 create --device-cgroup-rule "c 1:b rwm" "$IMG" true
	assert_contains "$output" 'Error: strconv.ParseUint: parsing "b": invalid syntax'
	run_pm 125 create --device-cgroup-rule "c 1:3 rwx" "$IMG" true
	assert_contains "$output" "Error: invalid device access in device-access-add: x"
	# a string slice: the comma splits it into two rules, the second malformed
	run_pm 125 create --device-cgroup-rule "c 1:3 r,w" "$IMG" true
	assert_contains "$output" 'access rules: "w"'
	nothing_created
	run_pm 0 run --rm --device-cgroup-rule "c 1:3 rwm" --device-cgroup-rule "b 7:* rw" \
		--device-cgroup-rule "a *:* m" --device-cgroup-rule "c 1 rwm" "$IMG" echo ran
	is "$output" ran
}

@test "--cgroupns: host is the caller's namespace, private a new one; the default is podman's" {
	local mine
	mine=$(readlink /proc/self/ns/cgroup)
	run_pm 0 run --rm --cgroupns host "$IMG" readlink /proc/self/ns/cgroup
	same "$output" "$mine" "host: the caller's cgroup namespace"
	run_pm 0 run --rm --cgroupns private "$IMG" readlink /proc/self/ns/cgroup
	[ "$output" != "$mine" ] || die "private: a namespace of its own, not $mine"
	is "$output" "cgroup:\[[0-9]+\]"
	run_pm 0 run --rm "$IMG" readlink /proc/self/ns/cgroup
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		[ "$output" != "$mine" ] || die "default on cgroup v2: private"
	else
		same "$output" "$mine" "default on cgroup v1/hybrid: host"
	fi
	run_pm 0 run --rm --cgroupns "" "$IMG" readlink /proc/self/ns/cgroup
	is "$output" "cgroup:\[[0-9]+\]" "an empty value is the default"
}

@test "--cgroupns container:ID and ns:PATH join another container's namespace" {
	run_pm 0 run -d --cgroupns private "$IMG" sleep 1000
	cid=$output
	run_pm 0 exec "$cid" readlink /proc/self/ns/cgroup
	theirs=$output
	run_pm 0 run --rm --cgroupns "container:$cid" "$IMG" readlink /proc/self/ns/cgroup
	same "$output" "$theirs" "container: its namespace"
	run_pm 0 inspect --format '{{.State.Pid}}' "$cid"
	pid=$output
	run_pm 0 run --rm --cgroupns "ns:/proc/$pid/ns/cgroup" "$IMG" readlink /proc/self/ns/cgroup
	same "$output" "$theirs" "ns:PATH: that namespace"
	run_pm 0 create --cgroupns "container:$cid" "$IMG" true
	dep=$output
	run_pm 0 inspect --format '{{.HostConfig.CgroupMode}}' "$dep"
	is "$output" "container:$cid"
	# the dependent first (podman refuses to remove the other before it)
	run_pm 0 rm -f "$dep"
	run_pm 0 rm -a -f -t 0
}

@test "--cgroupns: bad values, podman's messages, 125, nothing created" {
	run_pm 125 create --cgroupns bad "$IMG" true
	assert_contains "$output" "Error: unrecognized namespace mode bad passed"
	run_pm 125 create --cgroupns container: "$IMG" true
	assert_contains "$output" "Error: invalid config provided: namespace mode container requires a value"
	run_pm 125 create --cgroupns ns: "$IMG" true
	assert_contains "$output" "Error: invalid config provided: namespace mode path requires a value"
	run_pm 125 create --cgroupns ns:/nonexistent-pm "$IMG" true
	assert_contains "$output" "Error: cannot find specified cgroup namespace path: stat /nonexistent-pm: no such file or directory"
	nothing_created
	run_pm 125 run --rm --cgroupns container:nonexistent-pm "$IMG" true
	assert_contains "$output" 'no container with name or ID "nonexistent-pm" found: no such container'
	nothing_created
}

@test "create then start keeps --cgroupns; inspect shows the mode" {
	local mine
	mine=$(readlink /proc/self/ns/cgroup)
	run_pm 0 create --cgroupns private "$IMG" sleep 1000
	cid=$output
	run_pm 0 inspect --format '{{.HostConfig.CgroupMode}}' "$cid"
	is "$output" private
	run_pm 0 start "$cid"
	run_pm 0 exec "$cid" readlink /proc/self/ns/cgroup
	[ "$output" != "$mine" ] || die "the started container has a cgroup namespace of its own"
	run_pm 0 create --cgroupns host "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.CgroupMode}}' "$output"
	is "$output" host
	run_pm 0 rm -a -f -t 0
}

@test "inspect of a container without these flags: podman's keys and values" {
	run_pm 0 create "$IMG" true
	cid=$output
	run_pm 0 inspect --format '{{.HostConfig.MemorySwappiness}} {{json .HostConfig.CgroupConf}} {{json .HostConfig.BlkioWeightDevice}} {{json .HostConfig.BlkioDeviceReadBps}} {{json .HostConfig.BlkioDeviceWriteBps}} {{json .HostConfig.BlkioDeviceReadIOps}} {{json .HostConfig.BlkioDeviceWriteIOps}}' "$cid"
	is "$output" "0 null null null null null null"
	run_pm 0 inspect --format '{{.HostConfig.CgroupMode}}' "$cid"
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		is "$output" private
	else
		is "$output" host
	fi
	run_pm 0 rm -a -f
}

@test "--ip, --ip6, --mac-address, --network-alias: the values checked, then refused as rootless podman 4.3 does" {
	run_pm 125 create --ip bad "$IMG" true
	assert_contains "$output" 'Error: "bad" is not an ip address'
	run_pm 125 create --ip 1.2.3.256 "$IMG" true
	assert_contains "$output" 'Error: "1.2.3.256" is not an ip address'
	run_pm 125 create --ip6 bad "$IMG" true
	assert_contains "$output" 'Error: "bad" is not an ip address'
	run_pm 125 create --mac-address bad "$IMG" true
	assert_contains "$output" "Error: address bad: invalid MAC address"
	run_pm 125 create --mac-address 92:d0:c6:0a:29:3 "$IMG" true
	assert_contains "$output" "Error: address 92:d0:c6:0a:29:3: invalid MAC address"
	local general="Error: invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking"
	local args
	for args in "--ip 10.0.2.100" "--ip6 fd00::5" "--ip ::1" "--mac-address 92:d0:c6:0a:29:33" \
		"--mac-address 92-d0-c6-0a-29-33" "--network-alias foo" "--network-alias foo,bar"; do
		# shellcheck disable=SC2086 # the flag and its value are two words
		run_pm 125 run --rm $args "$IMG" true
		assert_contains "$output" "$general" "$args with the default network"
	done
	run_pm 125 run --rm --network none --ip 1.2.3.4 --mac-address 92:d0:c6:0a:29:33 "$IMG" true
	assert_contains "$output" "Error: --ip can only be set when the network mode is bridge: invalid argument"
	run_pm 125 run --rm --network host --ip6 fd00::1 --network-alias x "$IMG" true
	assert_contains "$output" "Error: --ip6 can only be set when the network mode is bridge: invalid argument"
	run_pm 125 run --rm --network none --mac-address 92:d0:c6:0a:29:33 --network-alias x "$IMG" true
	assert_contains "$output" "Error: --mac-address can only be set when the network mode is bridge: invalid argument"
	run_pm 125 run --rm --network slirp4netns --network-alias x "$IMG" true
	assert_contains "$output" "Error: --network-alias can only be set when the network mode is bridge: invalid argument"
	# an empty value names no address: the general refusal
	run_pm 125 run --rm --network none --ip "" "$IMG" true
	assert_contains "$output" "$general"
	nothing_created
}
