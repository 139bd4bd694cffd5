#!/usr/bin/env bats
# 046-logs: pm logs over the k8s-file logs the monitor writes: stdout and stderr apart,
# --tail, -t, --since, --until, several containers (id or --names prefix), -l, -f on an
# exited container, -f following a running one until it exits, and the errors.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
}

@test "logs: what the container wrote, stdout and stderr apart" {
	run_pm 0 run --name l1 "$IMG" sh -c 'echo out1; echo err1 >&2; echo out2; printf tail-no-newline'
	run_pm_split 0 logs l1
	is "$output" "out1
out2
tail-no-newline" "stdout lines on stdout"
	is "$stderr" "err1" "stderr lines on stderr"
	run_pm 0 container logs l1
	assert_contains "$output" "err1"
	# the last output without a newline is printed as it is
	[ "$(tail -c 15 "$PM_STDOUT")" = "tail-no-newline" ] || die "a newline was added"
}

@test "logs: --tail, -t, --since, --until" {
	run_pm 0 run --name l2 "$IMG" sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
	run_pm 0 logs --tail 2 l2
	is "$output" "line4
line5"
	run_pm 0 logs --tail 0 l2
	is "$output" ""
	run_pm 0 logs --tail -1 l2
	is "${#lines[@]}" 5
	run_pm 0 logs -t --tail 1 l2
	is "$output" "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2}) line5" \
		"-t: podman's fixed-width RFC 3339 nano time"
	run_pm 0 logs --since 10m l2
	is "${#lines[@]}" 5 "all lines are younger than 10 minutes"
	run_pm 0 logs --until 10m l2
	is "${#lines[@]}" 5 "--until 10m is ten minutes from now"
	run_pm 0 logs --until -10m l2
	is "$output" "" "nothing is older than ten minutes"
	run_pm 0 logs --since 2099-01-01 l2
	is "$output" ""
	run_pm 0 logs --since 2000-01-01T00:00:00Z --until 2099-01-01 l2
	is "${#lines[@]}" 5

	run_pm_split 125 logs --since bogus l2
	is "$stderr" 'Error: parsing --since "bogus": unable to interpret time value'
	run_pm_split 125 logs --tail x l2
	assert_contains "$stderr" 'invalid argument "x" for "--tail" flag'
}

@test "logs: several containers, --names, -l, errors" {
	run_pm 0 run --name la "$IMG" echo from-a
	run_pm 0 run --name lb "$IMG" echo from-b
	ida=$("${PM_CMD[@]}" inspect --format '{{.Id}}' la)
	idb=$("${PM_CMD[@]}" inspect --format '{{.Id}}' lb)
	run_pm 0 logs la lb
	is "$output" "${ida:0:12} from-a
${idb:0:12} from-b" "each line prefixed with the 12-char id"
	run_pm 0 logs --names la lb
	is "$output" "la from-a
lb from-b"
	run_pm 0 logs -n -t lb la
	is "${lines[0]}" "lb [0-9-]{10}T.* from-b" "prefix, then time"
	run_pm 0 logs -l
	is "$output" "from-b" "-l: the latest container"

	run_pm_split 125 logs
	is "$stderr" "Error: specify at least one container name or ID to log" "podman's words"
	run_pm_split 125 logs nosuch
	is "$stderr" 'Error: no container with name or ID "nosuch" found: no such container'
	run_pm_split 125 logs -l la
	assert_contains "$stderr" "--latest and containers cannot be used together"
}

@test "logs: a created container has an empty log" {
	run_pm 0 create --name never "$IMG" echo hi
	run_pm 0 logs never
	is "$output" ""
	run_pm 0 logs -f never
	is "$output" "" "-f of a container that is not running ends at once"
}

@test "logs -f: an exited container prints everything and returns" {
	run_pm 0 run --name lf "$IMG" sh -c 'echo a; echo b'
	run_pm 0 logs -f lf
	is "$output" "a
b"
	run_pm 0 logs -f --tail 1 lf
	is "$output" "b"
}

@test "logs -f: follows a running container and stops when it exits" {
	run_pm 0 run -d --name follow "$IMG" sh -c 'echo first; sleep 1; echo second; sleep 1; echo third'
	start=$(date +%s)
	run_pm 0 logs -f follow
	end=$(date +%s)
	is "$output" "first
second
third" "every line, followed to the end"
	[ $((end - start)) -le 10 ] || die "logs -f did not return when the container exited"
	run_pm 0 logs -f --since 60s follow
	is "${#lines[@]}" 3
}

@test "logs: --log-driver none keeps no log (logs says so, 125); a bad driver is 125, nothing made" {
	run_pm 0 run --name nolog --log-driver none "$IMG" echo said
	is "$output" "said" "the attached output still comes"
	run_pm 0 inspect --format '{{.HostConfig.LogConfig.Type}} [{{.HostConfig.LogConfig.Path}}]' nolog
	is "$output" "none \[\]"
	run_pm 125 logs nolog
	is "$output" "Error: this container is using the 'none' log driver, cannot read logs: this container is not logging output"
	# no log file either: where a logging container keeps its log, with nolog's id
	run_pm 0 run --name logref "$IMG" echo said
	local ref_path ref_id id
	ref_path=$("${PM_CMD[@]}" inspect --format '{{.HostConfig.LogConfig.Path}}' logref)
	ref_id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' logref)
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' nolog)
	[ -f "$ref_path" ] || die "the logging container's log '$ref_path' is not a file"
	[ ! -e "${ref_path//$ref_id/$id}" ] || die "a log file was written for --log-driver none"
	run_pm 0 rm nolog logref
	run_pm 0 run --rm --log-driver json-file "$IMG" true
	run_pm 125 run --rm --log-driver bogus "$IMG" true
	assert_contains "$output" "invalid log driver: invalid argument"
	run_pm 0 ps -aq
	is "$output" "" "nothing made"
}
