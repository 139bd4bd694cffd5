#!/usr/bin/env bats
# 030-stats: `pm stats` on a cgroup v2 host with a systemd user session (the VM tier,
# tests/vm/run.sh): a busy container's CPU %, memory usage against the host's memory (or its
# --memory limit once limits are enforced), PIDS; podman 4.3's columns, JSON keys and
# template fields (compared with the guest's own podman where it runs); every container
# without a name, a stopped one as a row of zeros; an unknown one 125; streaming reports.

load ../system/helpers

setup() {
	basic_setup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs cgroup v2 (run with make vm)"
	[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || skip "needs a systemd user session"
	IMG=$(pm_test_image name)
	pm_load_test_image >/dev/null
}

teardown() {
	basic_teardown
}

JSON_KEYS="id,name,cpu_time,cpu_percent,avg_cpu,mem_usage,mem_percent,net_io,block_io,pids"
HEADER="ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET IO +BLOCK IO +PIDS +CPU TIME +AVG CPU %"

# host_mem: the host's memory in bytes, the limit of a container without one
host_mem() {
	echo $(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) * 1024))
}

@test "stats: a busy and an idle container, podman's columns, JSON keys and fields" {
	run_pm 0 run -d --name busy "$IMG" sh -c 'while :; do :; done'
	busy=$output
	run_pm 0 run -d --name idle "$IMG" sleep 1000
	sleep 2
	run_pm 0 stats --no-stream
	sed 's/^/# /' <<<"$output" >&3
	is "${lines[0]}" "$HEADER" "the header"
	is "${#lines[@]}" 3 "a header and two rows"
	run_pm 0 container stats --no-stream --format json
	is "$(jq -r 'length' <<<"$output")" 2 "two reports"
	is "$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$output")" "$JSON_KEYS" "podman's keys"
	is "$(jq -r '.[] | select(.name == "busy") | .id' <<<"$output")" "${busy:0:12}"
	is "$(jq -r '.[] | select(.name == "idle") | .pids' <<<"$output")" 1 "idle's pids"
	busy_cpu=$(jq -r '.[] | select(.name == "busy") | .cpu_percent | rtrimstr("%")' <<<"$output")
	[ "${busy_cpu%.*}" -ge 20 ] || die "busy's CPU % is $busy_cpu"
	idle_cpu=$(jq -r '.[] | select(.name == "idle") | .cpu_percent | rtrimstr("%")' <<<"$output")
	# (its start under TCG counts: below busy's, not near zero)
	[ "${idle_cpu%.*}" -lt "${busy_cpu%.*}" ] || die "idle's CPU % is $idle_cpu, busy's $busy_cpu"
	# the first report's average is its CPU %
	is "$(jq -r '.[] | select(.name == "busy") | .avg_cpu' <<<"$output")" "$busy_cpu%"
	mem=$(jq -r '.[] | select(.name == "busy") | .mem_usage' <<<"$output")
	[[ "$mem" =~ ^[0-9.]+[kMG]?B\ /\ [0-9.]+[kMG]?B$ ]] || die "busy's memory: $mem"
	[[ "$mem" != "0B / "* ]] || die "no memory usage: $mem"
	# the fields of podman's template, in the order the names were given
	run_pm 0 stats --no-stream --format '{{.Name}} {{.PIDS}} {{.PIDs}} {{.MemLimit}}' idle busy
	is "${lines[0]}" "idle 1 1 $(host_mem)" "no limit: the host's memory"
	is "${lines[1]}" "busy 1 1 $(host_mem)"
	run_pm 0 stats --no-stream --format '{{.ContainerID}} {{.CPUNano}} {{.UpTime}}' busy
	[[ "$output" =~ ^$busy\ [1-9][0-9]*\ [0-9.]+(ms|s|m[0-9.]+s)$ ]] || die "fields: $output"
	run_pm 0 stats --no-stream --no-trunc --format '{{.ID}}' busy
	is "$output" "$busy"
	run_pm 0 stats --no-stream --format 'table {{.ID}} {{.PIDs}} {{.MemUsageBytes}}' busy
	is "${lines[0]}" "ID +PI DS +MEM USAGE / LIMIT" "template header"
	[[ "${lines[1]}" =~ ^${busy:0:12}\ +1\ +[0-9.]+[KMG]?i?B\ /\ [0-9.]+[KMG]iB$ ]] ||
		die "row: ${lines[1]}"
	run_pm 0 stop -t 0 busy idle
	run_pm 0 rm busy idle
}

@test "stats: every container without a name, a stopped one as zeros; -l; an unknown name" {
	run_pm 0 create --name made "$IMG" true
	run_pm 0 run -d --name up "$IMG" sleep 1000
	row='{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.NetIO}} {{.BlockIO}} {{.PIDS}} {{.UpTime}}'
	run_pm 0 stats --no-stream --format "$row" made
	is "$output" "made 0.00% 0B / 0B 0B / 0B 0B / 0B 0 0s" "a created container: zeros"
	run_pm 0 stats --no-stream --format '{{.Name}}'
	is "$(sort <<<"$output" | tr '\n' ' ')" "made up " "no name: every container"
	run_pm 0 stats --no-stream -a --format '{{.Name}}'
	is "$(sort <<<"$output" | tr '\n' ' ')" "made up " "-a: every container"
	run_pm 0 stats --no-stream -l --format '{{.Name}}'
	is "$output" "up" "-l: the newest"
	run_pm 0 stop -t 0 up
	run_pm 0 stats --no-stream --format "$row" up
	is "$output" "up 0.00% 0B / 0B 0B / 0B 0B / 0B 0 0s" "a stopped container: zeros"
	run_pm 125 stats --no-stream nosuch
	is "$output" 'Error: unable to get list of containers: unable to look up container nosuch: no container with name or ID "nosuch" found: no such container'
	run_pm 125 stats --no-stream up nosuch
	assert_contains "$output" '"nosuch"'
	run_pm 0 rm made up
	# nothing at all: the header alone
	run_pm 0 stats --no-stream
	is "$output" "$HEADER"
	run_pm 0 stats --no-stream --format json
	[ "$output" = "[]" ] || die "no container: JSON $output"
	run_pm 125 stats --no-stream -l
	is "$output" "Error: unable to get list of containers: no such container"
}

@test "stats: streaming reports every --interval, the average over them" {
	run_pm 0 run -d --name busy "$IMG" sh -c 'while :; do :; done'
	run timeout 5 "${PM_CMD[@]}" stats --no-reset -i 1 --format '{{.Name}} {{.AVGCPU}}' busy
	is "$status" 124 "still streaming when stopped"
	echo "$output"
	[ "${#lines[@]}" -ge 2 ] || die "fewer than two reports in 5 s: $output"
	is "${lines[0]}" "busy [0-9.]+%"
	run_pm 0 rm -f -t 0 busy
}

@test "stats: --memory is the limit and MEM % is against it" {
	run_pm '?' run -d --name lim --memory 64m "$IMG" sleep 1000
	[ "$status" -eq 0 ] || skip "limits are not enforced in this build: $output"
	run_pm 0 stats --no-stream --format '{{.MemLimit}} {{.MemUsage}}' lim
	[[ "$output" =~ ^67108864\ [0-9.]+[kM]?B\ /\ 67.11MB$ ]] || die "limit: $output"
	run_pm 0 rm -f -t 0 lim
}

# podman_cleanup: remove what podman made in this test and end its pause process
podman_cleanup() {
	"${P[@]}" rm -af -t 0 >/dev/null 2>&1 || true
	"${P[@]}" unshare rm -rf "$BATS_TEST_TMPDIR/proot" >/dev/null 2>&1 || true
	local pause=$PXDG/libpod/tmp/pause.pid
	[ ! -f "$pause" ] || kill "$(cat "$pause")" 2>/dev/null || true
}

@test "stats: the JSON keys, header and fields are podman's own (the guest's podman)" {
	command -v podman >/dev/null || skip "no podman in this guest"
	# podman's crun reaches the user bus through XDG_RUNTIME_DIR: the session's, with
	# stores of this test's own
	PXDG=/run/user/$(id -u)
	P=(env XDG_RUNTIME_DIR="$PXDG" podman --root "$BATS_TEST_TMPDIR/proot"
		--runroot "$BATS_TEST_TMPDIR/prun" --runtime crun)
	"${P[@]}" load -i "$(pm_test_image)" >/dev/null 2>&1 || skip "podman cannot load the image"
	if ! "${P[@]}" run -d --name pbusy "$IMG" sh -c 'while :; do :; done' >/dev/null; then
		podman_cleanup
		die "podman cannot run a container here"
	fi
	run_pm 0 run -d --name busy "$IMG" sh -c 'while :; do :; done'
	sleep 1
	run "${P[@]}" stats --no-stream --format json
	podman_keys=$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$output")
	run "${P[@]}" stats --no-stream
	podman_header=${lines[0]}
	run "${P[@]}" stats --no-stream --format 'table {{.ID}} {{.PIDs}} {{.AvgCPU}} {{.MemLimit}}'
	podman_theader=${lines[0]}
	run "${P[@]}" stats --no-stream --format '{{.PIDS}} {{.MemLimit}}'
	podman_fields=$output
	podman_cleanup
	run_pm 0 stats --no-stream --format json
	is "$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$output")" "$podman_keys" "JSON keys"
	run_pm 0 stats --no-stream
	is "$(tr -s ' ' <<<"${lines[0]}")" "$(tr -s ' ' <<<"$podman_header")" "header"
	run_pm 0 stats --no-stream --format 'table {{.ID}} {{.PIDs}} {{.AvgCPU}} {{.MemLimit}}'
	is "$(tr -s ' ' <<<"${lines[0]}")" "$(tr -s ' ' <<<"$podman_theader")" "template header"
	run_pm 0 stats --no-stream --format '{{.PIDS}} {{.MemLimit}}'
	is "$output" "$podman_fields" "pids and the limit"
	run_pm 0 rm -f -t 0 busy
}
