#!/usr/bin/env bats
# 105-timens: pm's own --time-offset of run/create (podman has none): the container gets a
# time namespace with those offsets (uptime inside shows them), the host's clocks are
# untouched, exec joins the namespace, inspect reports it, bad values are one-line errors
# that leave nothing behind. Runs as the unprivileged test user; pm only.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	skip_if_podman "--time-offset is pm's own: podman has no time namespace flag"
	[ -e /proc/self/ns/time ] || skip "this kernel has no time namespaces"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# uptime_s: the host's uptime in whole seconds
uptime_s() {
	cut -d. -f1 /proc/uptime
}

@test "timens: boottime and monotonic offsets show inside, the host is untouched" {
	pm_load_test_image
	local before after inside
	before=$(uptime_s)
	run_pm 0 run --rm --time-offset boottime=864000 "$IMG" cut -d. -f1 /proc/uptime
	inside=$output
	after=$(uptime_s)
	# /proc/uptime is CLOCK_BOOTTIME: shifted by ten days
	[ "$inside" -ge $((before + 864000)) ] && [ "$inside" -le $((after + 864000 + 1)) ] ||
		die "uptime inside $inside, host $before..$after: the offset is not 864000"
	# the host's clock goes on as before
	[ "$after" -lt $((before + 100)) ] || die "the host's uptime jumped: $before -> $after"

	# busybox has no tool that prints CLOCK_MONOTONIC: the namespace's offsets say it
	run_pm 0 run --rm --time-offset monotonic=3600,boottime=7200 "$IMG" cat /proc/self/timens_offsets
	is "$output" "monotonic +3600 +0
boottime +7200 +0|monotonic 3600 0
boottime 7200 0" "the namespace's offsets"
}

@test "timens: exec joins the namespace; inspect reports the offsets" {
	pm_load_test_image
	run_pm 0 run -d --name tn --time-offset monotonic=100,boottime=1000000 "$IMG" sleep 100
	local host inside
	host=$(uptime_s)
	run_pm 0 exec tn cut -d. -f1 /proc/uptime
	inside=$output
	[ "$inside" -ge $((host + 1000000 - 1)) ] && [ "$inside" -le $((host + 1000000 + 30)) ] ||
		die "exec sees uptime $inside, host $host: not in the container's time namespace"
	run_pm 0 inspect --format '{{json .HostConfig.TimeOffsets}}' tn
	is "$output" '\{"boottime":1000000,"monotonic":100\}'
	run_pm 0 inspect --format '{{.HostConfig.TimeOffsets.boottime}}' tn
	is "$output" "1000000"
	run_pm 0 rm -f -t 0 tn

	# without the flag: the host's namespace, no TimeOffsets
	run_pm 0 create --name plain "$IMG" true
	run_pm 0 inspect --format '{{json .HostConfig.TimeOffsets}}' plain
	is "$output" "null"
	run_pm 0 rm plain
}

@test "timens: a created container keeps its offsets for start" {
	pm_load_test_image
	run_pm 0 create --name tc --time-offset boottime=500000 "$IMG" cut -d. -f1 /proc/uptime
	run_pm 0 start -a tc
	[ "$output" -ge 500000 ] || die "uptime $output: the offset was lost between create and start"
	run_pm 0 rm tc
}

@test "timens: bad values are one-line errors naming them, nothing left" {
	pm_load_test_image
	local v
	for v in bogus realtime=5 boottime=1x boottime=1.5 "boottime=1,boottime=2" monotonic=99999999999 ""; do
		[ -n "$v" ] || continue
		run_pm 125 run --rm --time-offset "$v" "$IMG" true
		is "$output" "Error: invalid --time-offset '$v': .*" "the error for '$v'"
		is "${#lines[@]}" "1" "one line for '$v'"
		run_pm 125 create --name bad --time-offset "$v" "$IMG" true
	done
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
	# an offset the kernel refuses (the clock would go below zero) fails the start
	run_pm 125 run --rm --name neg --time-offset boottime=-3000000000 "$IMG" true
	assert_contains "$output" "--time-offset"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left after a refused offset"
}
