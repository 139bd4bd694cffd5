#!/usr/bin/env bats
# 010-cgroup: on a cgroup v2 host with a systemd user session (the VM tier, tests/vm/run.sh):
# the user's delegated controllers and `pm info`, a transient scope pm-<id>.scope of its own
# for each container (detached and foreground), gone with the container; pause/unpause with
# the cgroup v2 freezer (state, cgroup.events, a counter that stops and goes on), stop and
# rm -f of a paused container; a pod's slice holding its containers' scopes; pod stats
# read from those scopes.

load ../system/helpers

setup() {
	basic_setup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs cgroup v2 (run with make vm)"
	[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || skip "needs a systemd user session"
	IMG=$(pm_test_image name)
	pm_load_test_image >/dev/null
	UID_=$(id -u)
	USER_CG=/user.slice/user-$UID_.slice/user@$UID_.service
}

teardown() {
	basic_teardown
}

# ctr_cgroup ID: the v2 cgroup path of the container's PID 1.
ctr_cgroup() {
	local pid
	pid=$(timeout 30 "${PM_CMD[@]}" inspect --format '{{.State.Pid}}' "$1")
	[ "$pid" -gt 0 ] || die "no pid for $1"
	sed -n 's/^0:://p' "/proc/$pid/cgroup"
}

# wait_gone PATH: wait up to 10 s for systemd to collect the scope's cgroup.
wait_gone() {
	local _
	for _ in $(seq 50); do
		[ -e "/sys/fs/cgroup$1" ] || return 0
		sleep 0.2
	done
	die "cgroup $1 is still there"
}

# log_lines ID: how many lines the container has written so far.
log_lines() {
	timeout 30 "${PM_CMD[@]}" logs "$1" | wc -l
}

@test "the user session delegates cpu, memory and pids; pm info says cgroup v2 with them" {
	run cat "/sys/fs/cgroup$USER_CG/cgroup.subtree_control"
	for c in cpu memory pids; do
		assert_contains " $output " " $c " "subtree_control of user@$UID_.service"
	done
	run_pm 0 info
	assert_contains "$output" "cgroupVersion: v2"
	assert_contains "$output" "cgroupHybrid: false"
	# the delegated list names memory and pids
	run_pm 0 info --format '{{json .Host.CgroupDelegatedControllers}}'
	assert_contains "$output" '"memory"'
	assert_contains "$output" '"pids"'
}

@test "a detached container runs in its own scope pm-<id>.scope, gone after rm" {
	run_pm 0 run -d "$IMG" sleep 1000
	cid=$output
	cg=$(ctr_cgroup "$cid")
	is "$cg" "$USER_CG/user.slice/pm-$cid.scope" "the container's cgroup"
	run systemctl --user is-active "pm-$cid.scope"
	is "$output" active "the scope's state"
	# delegated: the container's cgroup belongs to the user
	[ -O "/sys/fs/cgroup$cg/cgroup.procs" ] || die "cgroup.procs of the scope is not ours"
	# inside, its cgroup namespace starts at the scope, and exec joins the scope
	run_pm 0 exec "$cid" cat /proc/1/cgroup /proc/self/cgroup
	is "$output" "0::/
0::/"
	run_pm 0 rm -f -t 0 "$cid"
	wait_gone "$cg"
	run systemctl --user is-active "pm-$cid.scope"
	[ "$output" != active ] || die "the scope is still active"
}

@test "a foreground container gets its scope too" {
	run_pm 0 run --name fg "$IMG" sh -c 'cat /proc/self/cgroup'
	is "$output" "0::/"
	cid=$(timeout 30 "${PM_CMD[@]}" inspect --format '{{.Id}}' fg)
	# the scope is collected once the container has exited
	wait_gone "$USER_CG/user.slice/pm-$cid.scope"
	run_pm 0 run --rm "$IMG" sh -c 'test "$(cat /proc/1/cgroup)" = "0::/"'
}

@test "every network mode gets its scope (none, host, container:)" {
	run_pm 0 run -d --name nn --network none "$IMG" sleep 1000
	local nn=$output
	is "$(ctr_cgroup "$nn")" "$USER_CG/user.slice/pm-$nn.scope" "--network none"
	run_pm 0 run -d --network host "$IMG" sleep 1000
	local nh=$output
	is "$(ctr_cgroup "$nh")" "$USER_CG/user.slice/pm-$nh.scope" "--network host"
	run_pm 0 run -d --network container:nn "$IMG" sleep 1000
	local nc=$output
	is "$(ctr_cgroup "$nc")" "$USER_CG/user.slice/pm-$nc.scope" "--network container:"
	run_pm 0 pause nn
	run_pm 0 inspect --format '{{.State.Status}}' nn
	is "$output" "paused"
	run_pm 0 unpause nn
	run_pm 0 rm -f -t 0 "$nc" "$nh" "$nn"
}

@test "pause freezes the container's cgroup, unpause thaws it" {
	run_pm 0 run -d --name counter "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.2; done'
	cid=$output
	cg=$(ctr_cgroup counter)
	is "$cg" ".*/pm-$cid.scope"

	run_pm 0 pause counter
	is "$output" "$cid"
	run_pm 0 inspect --format '{{.State.Status}} {{.State.Paused}}' counter
	is "$output" "paused true"
	run_pm 0 ps --format '{{.Names}} {{.Status}}'
	assert_contains "$output" "counter Paused"
	run grep '^frozen ' "/sys/fs/cgroup$cg/cgroup.events"
	is "$output" "frozen 1"
	a=$(log_lines counter)
	sleep 1.5
	b=$(log_lines counter)
	is "$b" "$a" "lines written while paused"

	run_pm_split 125 exec counter true
	assert_contains "$stderr" "can only create exec sessions on running containers"
	# pausing twice is refused as podman does
	run_pm_split 125 pause counter
	assert_contains "$stderr" "is not running, can't pause: container state improper"

	run_pm 0 unpause counter
	is "$output" "$cid"
	run grep '^frozen ' "/sys/fs/cgroup$cg/cgroup.events"
	is "$output" "frozen 0"
	run_pm 0 inspect --format '{{.State.Status}}' counter
	is "$output" running
	sleep 1.5
	c=$(log_lines counter)
	[ "$c" -gt "$b" ] || die "the counter did not go on after unpause ($b -> $c)"

	run_pm_split 125 unpause counter
	assert_contains "$stderr" "is not paused, can't unpause: container state improper"
	run_pm 0 rm -f -t 0 counter
	wait_gone "$cg"
}

@test "a paused container can be stopped and removed" {
	run_pm 0 run -d --name p1 "$IMG" sleep 1000
	cg1=$(ctr_cgroup p1)
	run_pm 0 pause p1
	run_pm 0 stop -t 2 p1
	run_pm 0 inspect --format '{{.State.Status}}' p1
	is "$output" exited
	wait_gone "$cg1"

	run_pm 0 run -d --name p2 "$IMG" sleep 1000
	cg2=$(ctr_cgroup p2)
	run_pm 0 pause p2
	run_pm 0 rm -f p2
	run_pm 1 container exists p2
	wait_gone "$cg2"
}

@test "pause -a / unpause -a" {
	run_pm 0 run -d --name a1 "$IMG" sleep 1000
	run_pm 0 run -d --name a2 "$IMG" sleep 1000
	run_pm 0 pause -a
	is "${#lines[@]}" 2 "containers paused"
	run_pm 0 ps --format '{{.Names}} {{.Status}}' --filter status=paused
	is "${#lines[@]}" 2 "paused containers listed"
	run_pm 0 unpause -a
	is "${#lines[@]}" 2 "containers unpaused"
	run_pm 0 rm -f -t 0 a1 a2
}

@test "a pod is a slice: its infra's and members' scopes sit in pm_pod_<id>.slice" {
	run_pm 0 pod create --name pc
	pod=$output
	run_pm 0 run -d --pod pc --name m1 "$IMG" sleep 1000
	slice="pm_pod_$pod.slice"
	cg=$(ctr_cgroup m1)
	is "$cg" "$USER_CG/$slice/pm-[0-9a-f]{64}.scope" "the member's cgroup"
	infra=$(timeout 30 "${PM_CMD[@]}" pod inspect --format '{{.InfraContainerID}}' pc)
	icg=$(ctr_cgroup "$infra")
	is "$icg" "$USER_CG/$slice/pm-$infra.scope" "the infra's cgroup"
	run systemctl --user is-active "$slice"
	is "$output" active "the pod's slice"
	run_pm 0 pod inspect --format '{{.CgroupParent}}' pc
	is "$output" "$slice"
	run_pm 0 pod rm -f -t 0 pc
	wait_gone "$cg"
}

@test "pod stats: a row per running container of the pod, podman's columns, fields and JSON" {
	run_pm 0 pod create --name st
	pod=$output
	run_pm 0 run -d --pod st --name busy "$IMG" sh -c 'while :; do :; done'
	run_pm 0 run -d --pod st --name idle "$IMG" sleep 1000
	sleep 1
	run_pm 0 pod stats --no-stream st
	sed 's/^/# /' <<<"$output" >&3
	is "${lines[0]}" "POD +CID +NAME +CPU % +MEM USAGE/ LIMIT +MEM % +NET IO +BLOCK IO +PIDS" \
		"the header"
	is "${#lines[@]}" 4 "a header and three rows: the infra and two members"
	run_pm 0 pod stats --no-stream --format json st
	is "$(jq -r 'length' <<<"$output")" 3 "three reports"
	is "$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$output")" \
		"CPU,MemUsage,MemUsageBytes,Mem,NetIO,BlockIO,PIDS,Pod,CID,Name" "podman's fields"
	is "$(jq -r '[.[].Pod] | unique | .[]' <<<"$output")" "${pod:0:12}" "the pod's short id"
	is "$(jq -r '.[] | select(.Name == "idle") | .PIDS' <<<"$output")" 1 "idle's pids"
	busy_cpu=$(jq -r '.[] | select(.Name == "busy") | .CPU | rtrimstr("%") | tonumber' \
		<<<"$output")
	[ "${busy_cpu%.*}" -ge 20 ] || die "busy's CPU % is $busy_cpu"
	mem=$(jq -r '.[] | select(.Name == "busy") | .MemUsage' <<<"$output")
	assert_contains "$mem" " / " "a usage and a limit"
	[ "$mem" != "-- / --" ] || die "no memory figures"
	run_pm 0 pod stats --no-stream --format '{{.Name}} {{.PIDS}}' st
	assert_contains "$output" "idle 1"
	# a stopped member has no row
	run_pm 0 stop -t 0 busy
	run_pm 0 pod stats --no-stream --format '{{.Name}}' st
	[[ "$output" != *busy* ]] || die "a stopped container is shown: $output"
	run_pm 125 pod stats --no-stream nope
	assert_contains "$output" "no pod with name or ID nope found"
	run_pm 125 pod stats --no-stream -a st
	assert_contains "$output" "cannot be used together"
	run_pm 0 pod rm -f -t 0 st
	# no pod at all: podman's row of dashes
	run_pm 0 pod stats --no-stream
	is "${lines[1]}" "-- +-- +-- +-- +-- +-- +-- +-- +--" "the empty table"
}
