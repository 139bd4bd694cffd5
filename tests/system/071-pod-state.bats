#!/usr/bin/env bats
# 071-pod-state: pods' state stays true through kills and races (pm's own: crash points,
# kill -9 of pm's processes): a killed infra or member monitor shows in `pod ps` and
# `pod rm -f` ends everything; 10 concurrent `run --pod` all join; a `pod rm -f` racing
# `run --pod` leaves a whole pod or none, never an orphan; a pod create killed before its
# record leaves nothing `pod ps` shows and what `ps -a` shows is removable; the infra is
# pm-pause, a few KiB. The compatibility tests of `pm pod` are in 070-pod.bats.

load helpers

setup() {
	basic_setup
	skip_if_podman "pm's own state and processes"
	IMG=$(pm_test_image name)
	pm_load_test_image >/dev/null
}

# infra_pid POD: the host pid of the pod's infra process
infra_pid() {
	local infra
	infra=$(timeout 30 "${PM_CMD[@]}" pod inspect --format '{{.InfraContainerID}}' "$1")
	timeout 30 "${PM_CMD[@]}" inspect --format '{{.State.Pid}}' "$infra"
}

# pod_status POD
pod_status() {
	timeout 30 "${PM_CMD[@]}" pod ps --filter "name=^$1\$" --format '{{.Status}}'
}

@test "the infra process is pm-pause: a few KiB, a bare root, exits 0 on stop" {
	run_pm 0 pod create --name p
	run_pm 0 pod start p
	pid=$(infra_pid p)
	[ "$pid" -gt 0 ] || die "no infra pid"
	is "$(cat "/proc/$pid/comm")" pause "the infra's comm"
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	echo "# infra VmRSS: $rss KiB" >&3
	[ "$rss" -le 256 ] || die "infra VmRSS $rss KiB > 256 KiB"
	# a bare root: its own root and the pause program, no /proc, /dev or /sys to set up
	run awk '{ print $5 }' "/proc/$pid/mountinfo"
	is "$output" "$(printf '/\n/pause')" "the infra's mounts"
	is "$(stat -L -c %t:%T "/proc/$pid/fd/0")" "1:3" "the infra's stdin is /dev/null"
	# its members still get their own /proc and /dev, and the pod's hostname
	run_pm 0 run --rm --pod p "$IMG" sh -c 'test -c /dev/null && test -r /proc/1/stat && hostname'
	is "$output" p "a member's hostname"
	infra=$(timeout 30 "${PM_CMD[@]}" pod inspect --format '{{.InfraContainerID}}' p)
	# pm-pause writes nothing: no log file is made for it
	run_pm 0 inspect --format '{{.HostConfig.LogConfig.Path}}' "$infra"
	is "$output" /dev/null "the infra's log"
	run_pm 0 logs "$infra"
	is "$output" "" "the infra's logs"
	run_pm 0 pod stop p
	run_pm 0 inspect --format '{{.State.ExitCode}}' "$infra"
	is "$output" 0 "the infra's exit code after SIGTERM"
	run_pm 0 pod rm p
}

@test "kill -9 of the infra: pod ps says Degraded, pod rm -f ends the members" {
	run_pm 0 pod create --name p
	run_pm 0 run -d --pod p --name m1 "$IMG" sleep 1000
	run_pm 0 run -d --pod p --name m2 "$IMG" sleep 1000
	is "$(pod_status p)" Running
	kill -9 "$(infra_pid p)"
	for _ in $(seq 50); do
		[ "$(pod_status p)" = Degraded ] && break
		sleep 0.1
	done
	is "$(pod_status p)" Degraded "pod status after the infra was killed"
	run_pm 0 ps --filter pod=p --format '{{.Names}} {{.Status}}' --sort names
	assert_contains "$output" "m1 Up"
	run_pm 0 pod rm -f -t 0 p
	run_pm 0 ps -aq
	is "$output" "" "no container left"
}

@test "kill -9 of a member's monitor: the member is not shown running; pod stop and rm work" {
	run_pm 0 pod create --name p
	run_pm 0 run -d --pod p --name m1 "$IMG" sleep 1000
	mon=$(pgrep -u "$(id -u)" -f "pm-monitor --id $(timeout 30 "${PM_CMD[@]}" inspect --format '{{.Id}}' m1)")
	[ -n "$mon" ] || die "no monitor for m1"
	kill -9 "$mon"
	# the container's init runs on without its monitor: pm says so, and ends it on stop
	run_pm 0 pod stop -t 0 p
	run_pm 0 ps -a --filter pod=p --format '{{.Names}} {{.Status}}'
	assert_not_contains "$output" "Up"
	is "$(pod_status p)" Exited "pod status after stop"
	run_pm 0 pod rm p
}

@test "10 concurrent run -d --pod all join" {
	run_pm 0 pod create --name p
	for i in $(seq 10); do
		timeout 60 "${PM_CMD[@]}" run -d --pod p "$IMG" sleep 1000 >"$BATS_TEST_TMPDIR/r$i" 2>&1 &
	done
	wait
	run_pm 0 pod inspect --format '{{.NumContainers}}' p
	is "$output" 11 "members and the infra"
	run_pm 0 pod ps --format '{{.Status}}'
	is "$output" Running
	run_pm 0 pod rm -f -t 0 p
}

@test "pod rm -f racing run --pod: a whole pod or none, never an orphan container" {
	for round in 1 2 3; do
		run_pm 0 pod create --name "p$round"
		for i in 1 2 3; do
			timeout 60 "${PM_CMD[@]}" run -d --pod "p$round" "$IMG" sleep 1000 \
				>/dev/null 2>&1 &
		done
		run_pm 0 pod rm -f -t 0 "p$round"
		wait
		run_pm 0 ps -a --format '{{.Names}} {{.Pod}}'
		is "$output" "" "containers left after the race (round $round)"
		run_pm 0 pod ps -q
		is "$output" "" "pods left after the race (round $round)"
	done
}

@test "crash before the pod record: pod ps shows nothing, rm -af removes the infra, the name is free" {
	PM_CRASH_POINT=pod-before-record run_pm 137 pod create --name p
	run_pm 0 pod ps -q
	is "$output" "" "a killed pod create lists no pod"
	run_pm 125 run --rm --pod p "$IMG" true
	assert_contains "$output" "no pod with name or ID p found"
	run_pm 0 ps -a --format '{{.Names}}'
	assert_contains "$output" "-infra" "the infra made before the kill is shown"
	run_pm 0 rm -af
	run_pm 0 pod create --name p
	run_pm 0 pod rm p
	assert_storage_clean
}

@test "a failed member run leaves the pod as it was; a failed --pod new: leaves no pod" {
	run_pm 0 pod create --name p
	run_pm 127 run --pod p "$IMG" /no/such/command
	run_pm 0 pod inspect --format '{{.NumContainers}}' p
	is "$output" 1 "only the infra"
	run_pm 127 run --pod new:q "$IMG" /no/such/command
	run_pm 1 pod exists q
	run_pm 0 pod rm -f p
	assert_storage_clean
}

@test "--share +pid: members see each other's processes, the infra's pause is PID 1" {
	run_pm 0 pod create --name p --share +pid
	run_pm 0 run -d --pod p --name m1 "$IMG" sleep 1000
	run_pm 0 run --rm --pod p "$IMG" ps -o pid,comm
	assert_contains "$output" "1 pause"
	assert_contains "$output" "sleep"
	run_pm 0 pod rm -f -t 0 p
}

@test "the pod is a slice where there is cgroup v2: on this host, pod --cpus is refused naming the flag" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || skip "cgroup v2 host: the VM tier tests it"
	run_pm 125 pod create --cpus 1 --name p
	assert_contains "$output" "--cpus"
	run_pm 1 pod exists p
}
