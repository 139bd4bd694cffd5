#!/usr/bin/env bats
# 074-healthcheck: health checks: the --health-* flags (podman's parsing, defaults and
# messages, nothing created on bad input), .Config.Healthcheck and .State.Health in inspect,
# `healthcheck run` (pass, fail, exit codes, errors, --health-on-failure), the health in
# ps STATUS and --filter health=; then, pm only, the periodic checks the container's own
# monitor runs (podman needs systemd timers for those) and the on-failure actions they
# trigger. No timed assertions: the periodic tests poll in bounded loops.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
}

# fmt NAME TEMPLATE: inspect NAME with --format TEMPLATE
fmt() {
	"${PM_CMD[@]}" inspect --format "$2" "$1"
}

# poll_until TRIES CMD...: run CMD until it succeeds, at most TRIES times, 0.1 s apart.
poll_until() {
	local n=$1
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

@test "run --health-*: .Config.Healthcheck and .State.Health in inspect, (starting) in ps" {
	# an interval no test outlives: no periodic check changes what this test sees
	run_pm_split 0 run -d --name h1 --health-cmd 'echo hi; true' --health-interval 1h \
		--health-retries 4 --health-timeout 7s --health-start-period 2m "$IMG" sleep 1000
	is "$(fmt h1 '{{json .Config.Healthcheck}}')" \
		'\{"Test":\["CMD-SHELL","echo hi; true"\],"StartPeriod":120000000000,"Interval":3600000000000,"Timeout":7000000000,"Retries":4\}'
	is "$(fmt h1 '{{.Config.HealthcheckOnFailureAction}}')" "none"
	is "$(fmt h1 '{{json .State.Health}}')" '\{"Status":"starting","FailingStreak":0,"Log":null\}'
	is "$(fmt h1 '{{.State.Health.Status}}')" "starting"
	# podman 4.3's alias in templates
	is "$(fmt h1 '{{.State.Healthcheck.Status}} {{.State.Healthcheck.FailingStreak}}')" "starting 0"
	run_pm 0 ps --format '{{.Names}} {{.Status}}'
	is "$output" "h1 Up .* \(starting\)"

	# the defaults: interval 30s, timeout 30s, retries 3, no start period (omitted)
	run_pm_split 0 create --name h2 --health-cmd 'true' --health-on-failure kill "$IMG" true
	is "$(fmt h2 '{{json .Config.Healthcheck}}')" \
		'\{"Test":\["CMD-SHELL","true"\],"Interval":30000000000,"Timeout":30000000000,"Retries":3\}'
	is "$(fmt h2 '{{.Config.HealthcheckOnFailureAction}}')" "kill"

	# no health check: null config, an empty health
	run_pm_split 0 create --name h3 "$IMG" true
	is "$(fmt h3 '{{json .Config.Healthcheck}}')" "null"
	is "$(fmt h3 '{{json .State.Health}}')" '\{"Status":"","FailingStreak":0,"Log":null\}'
	# the other flags alone make none either
	run_pm_split 0 create --name h4 --health-interval 5s --health-retries 9 "$IMG" true
	is "$(fmt h4 '{{json .Config.Healthcheck}}')" "null"
	run_pm 0 rm -f -t0 h1
}

@test "run --health-cmd: the command's forms, none, --no-healthcheck, interval disable" {
	run_pm_split 0 create --name f1 --health-cmd '["CMD-SHELL","echo a","b"]' "$IMG" true
	is "$(fmt f1 '{{json .Config.Healthcheck.Test}}')" '\["CMD-SHELL","echo a","b"\]'
	run_pm_split 0 create --name f2 --health-cmd '["true"]' "$IMG" true
	is "$(fmt f2 '{{json .Config.Healthcheck.Test}}')" '\["CMD-SHELL","true"\]'
	run_pm_split 0 create --name f3 --health-cmd '["ls","-l"]' "$IMG" true
	is "$(fmt f3 '{{json .Config.Healthcheck.Test}}')" '\["CMD","ls","-l"\]'
	run_pm_split 0 create --name f4 --health-cmd none "$IMG" true
	is "$(fmt f4 '{{json .Config.Healthcheck}}')" \
		'\{"Test":\["NONE"\],"Interval":30000000000,"Timeout":30000000000,"Retries":3\}'
	run_pm_split 0 create --name f5 --no-healthcheck "$IMG" true
	is "$(fmt f5 '{{json .Config.Healthcheck}}')" '\{"Test":\["NONE"\]\}'
	run_pm_split 0 create --name f6 --health-cmd true --health-interval disable "$IMG" true
	is "$(fmt f6 '{{json .Config.Healthcheck}}')" \
		'\{"Test":\["CMD-SHELL","true"\],"Timeout":30000000000,"Retries":3\}'
	run_pm_split 0 create --name f7 --health-cmd '' "$IMG" true
	is "$(fmt f7 '{{json .Config.Healthcheck}}')" "null"
}

@test "run --health-cmd '[\"CMD\",...]': a JSON array is kept (pm only)" {
	skip_if_podman "podman 4.3 splits a CMD array's text on spaces (a one-word Test here)"
	run_pm_split 0 create --name j1 --health-cmd '["CMD","false"]' "$IMG" true
	is "$(fmt j1 '{{json .Config.Healthcheck.Test}}')" '\["CMD","false"\]'
	run_pm_split 0 create --name j2 --health-cmd 'CMD ls  -l' "$IMG" true
	is "$(fmt j2 '{{json .Config.Healthcheck.Test}}')" '\["CMD","ls","-l"\]'
}

@test "run/create: bad --health-* values are refused naming the value, nothing created" {
	run_pm_split 125 create --health-cmd true --health-interval bogus "$IMG" true
	is "$stderr" 'Error: invalid healthcheck-interval: time: invalid duration "bogus"'
	run_pm_split 125 create --health-cmd true --health-timeout 5x "$IMG" true
	is "$stderr" 'Error: invalid healthcheck-timeout: time: unknown unit "x" in duration "5x"'
	run_pm_split 125 create --health-cmd true --health-timeout 0s "$IMG" true
	is "$stderr" "Error: healthcheck-timeout must be at least 1 second"
	run_pm_split 125 create --health-cmd true --health-start-period soon "$IMG" true
	is "$stderr" 'Error: invalid healthcheck-start-period: time: invalid duration "soon"'
	run_pm_split 125 create --health-cmd true --health-start-period -1s "$IMG" true
	is "$stderr" "Error: healthcheck-start-period must be 0 seconds or greater"
	run_pm_split 125 create --health-cmd true --health-retries 0 "$IMG" true
	is "$stderr" "Error: healthcheck-retries must be greater than 0"
	run_pm_split 125 create --health-cmd true --health-retries x "$IMG" true
	assert_contains "$stderr" \
		'Error: invalid argument "x" for "--health-retries" flag: strconv.ParseUint: parsing "x": invalid syntax'
	run_pm_split 125 create --health-cmd true --health-on-failure explode "$IMG" true
	is "$stderr" 'Error: invalid on-failure action "explode" for health check: supported actions are none,kill,restart,stop'
	run_pm_split 125 create --health-cmd true --no-healthcheck "$IMG" true
	is "$stderr" "Error: cannot specify both --no-healthcheck and --health-cmd"
	run_pm_split 125 create --health-on-failure kill "$IMG" true
	is "$stderr" "Error: cannot set on-failure action to kill without a health check"
	run_pm_split 125 create --health-cmd '[]' "$IMG" true
	is "$stderr" "Error: must define a healthcheck command for all healthchecks"
	run_pm_split 125 run -d --health-cmd true --health-interval 1parsec "$IMG" true
	is "$stderr" 'Error: invalid healthcheck-interval: time: unknown unit "parsec" in duration "1parsec"'
	run_pm_split 125 create --health-cmd true --health-interval 10 "$IMG" true
	is "$stderr" 'Error: invalid healthcheck-interval: time: missing unit in duration "10"'
	run_pm 0 ps -a -q
	is "$output" "" "no container left by a refused run or create"
}

@test "healthcheck run: pass and fail, exit codes, the log, ps status and --filter health" {
	run_pm_split 0 run -d --name ok --health-cmd 'echo hi' --health-interval 1h "$IMG" sleep 1000
	run_pm_split 0 run -d --name bad --health-cmd 'echo oops; exit 3' --health-retries 2 \
		--health-interval 1h "$IMG" sleep 1000
	run_pm_split 0 run -d --name new --health-cmd 'true' --health-interval 1h "$IMG" sleep 1000
	run_pm_split 0 run -d --name plain "$IMG" sleep 1000

	run_pm_split 0 healthcheck run ok
	is "$output" "" "a passing check prints nothing"
	is "$(fmt ok '{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}}')" \
		"healthy 0 1"
	is "$(fmt ok '{{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}')" \
		"0 hi"

	run_pm_split 1 healthcheck run bad
	is "$output" "unhealthy"
	is "$(fmt bad '{{.State.Health.Status}} {{.State.Health.FailingStreak}}')" "starting 1" \
		"one failure of two retries"
	run_pm_split 1 healthcheck run bad
	is "$output" "unhealthy"
	is "$(fmt bad '{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}}')" \
		"unhealthy 2 2"
	# podman records 1 for any failure, not the command's own status
	is "$(fmt bad '{{(index .State.Health.Log 1).ExitCode}} {{(index .State.Health.Log 1).Output}}')" \
		"1 oops"
	is "$(fmt bad '{{.State.Status}}')" "running" "on-failure none leaves it running"

	run_pm 0 ps --format '{{.Names}} {{.Status}}'
	assert_contains "$output" "ok Up"
	is "$(echo "$output" | grep '^ok ')" "ok Up .* \(healthy\)"
	is "$(echo "$output" | grep '^bad ')" "bad Up .* \(unhealthy\)"
	is "$(echo "$output" | grep '^new ')" "new Up .* \(starting\)"
	is "$(echo "$output" | grep '^plain ')" "plain Up [^(]*" "no health, no parenthesis"

	run_pm 0 ps --filter health=healthy --format '{{.Names}}'
	is "$output" "ok"
	run_pm 0 ps --filter health=unhealthy --format '{{.Names}}'
	is "$output" "bad"
	run_pm 0 ps --filter health=starting --format '{{.Names}}'
	is "$output" "new"
	run_pm 0 ps -q --filter health=healthy
	is "$output" "[0-9a-f]{12}"

	# the log keeps the last 5 checks
	for _ in 1 2 3 4 5 6; do
		run_pm_split 0 healthcheck run ok
	done
	is "$(fmt ok '{{len .State.Health.Log}}')" "5"
	run_pm 0 rm -f -t0 ok bad new plain
}

@test "ps --filter health=none: containers without a check (pm only)" {
	skip_if_podman "podman 4.3 matches no container with health=none"
	run_pm_split 0 run -d --name hc --health-cmd true --health-interval 1h "$IMG" sleep 1000
	run_pm_split 0 run -d --name plain "$IMG" sleep 1000
	run_pm 0 ps --filter health=none --format '{{.Names}}'
	is "$output" "plain"
	run_pm 0 rm -f -t0 hc plain
}

@test "healthcheck run: errors (no check, not running, unknown), a timeout, a missing command" {
	run_pm_split 0 run -d --name plain "$IMG" sleep 1000
	local id
	id=$(fmt plain '{{.Id}}')
	run_pm_split 125 healthcheck run plain
	is "$stderr" "Error: container $id has no defined healthcheck"
	run_pm_split 0 create --name created --health-cmd true "$IMG" true
	id=$(fmt created '{{.Id}}')
	run_pm_split 125 healthcheck run created
	is "$stderr" "Error: container $id is not running"
	run_pm_split 0 run -d --name off --no-healthcheck "$IMG" sleep 1000
	id=$(fmt off '{{.Id}}')
	run_pm_split 125 healthcheck run off
	is "$stderr" "Error: container $id has no defined healthcheck"
	# the state is checked first, as podman does
	run_pm_split 0 create --name off2 --no-healthcheck "$IMG" true
	id=$(fmt off2 '{{.Id}}')
	run_pm_split 125 healthcheck run off2
	is "$stderr" "Error: container $id is not running"
	run_pm_split 125 healthcheck run
	assert_contains "$stderr" "Error: "
	run_pm_split 125 healthcheck run plain created
	assert_contains "$stderr" "Error: "
	run_pm_split 125 healthcheck run nosuch
	assert_contains "$stderr" 'Error: unable to look up nosuch to perform a health check: no container with name or ID "nosuch" found'

	# a command not found in the container is a failed check, not an error
	run_pm_split 0 run -d --name missing --health-cmd 'nosuchcmd' --health-interval 1h "$IMG" sleep 1000
	run_pm_split 1 healthcheck run missing
	is "$output" "unhealthy"
	is "$(fmt missing '{{(index .State.Health.Log 0).ExitCode}}')" "1"

	# past the timeout: recorded as exit code -1, then the error
	run_pm_split 0 run -d --name slow --health-cmd 'sleep 5' --health-timeout 1s \
		--health-interval 1h "$IMG" sleep 1000
	run_pm_split 125 healthcheck run slow
	is "$stderr" "Error: healthcheck command exceeded timeout of 1s"
	is "$(fmt slow '{{.State.Health.FailingStreak}} {{(index .State.Health.Log 0).ExitCode}}')" "1 -1"
	run_pm 0 rm -f -t0 plain created off off2 missing slow
}

@test "healthcheck run: --health-on-failure kill acts when the status turns unhealthy" {
	run_pm_split 0 run -d --name k --health-cmd false --health-retries 1 --health-interval 1h \
		--health-on-failure kill "$IMG" sleep 1000
	run_pm_split 1 healthcheck run k
	is "$output" "unhealthy"
	run_pm 0 wait --condition exited k
	is "$(fmt k '{{.State.Status}}')" "exited"
	run_pm 0 rm -f k
}

@test "healthcheck run: --health-on-failure stop and restart" {
	run_pm_split 0 run -d --name s --health-cmd false --health-retries 1 --health-interval 1h \
		--health-on-failure stop "$IMG" sleep 1000
	run_pm_split 1 healthcheck run s
	is "$(fmt s '{{.State.Status}}')" "exited" "stopped when the check failed"

	run_pm_split 0 run -d --name r --health-cmd false --health-retries 1 --health-interval 1h \
		--health-on-failure restart "$IMG" sleep 1000
	local pid1 started1
	pid1=$(fmt r '{{.State.Pid}}')
	started1=$(fmt r '{{.State.StartedAt}}')
	run_pm_split 1 healthcheck run r
	is "$(fmt r '{{.State.Status}}')" "running" "running again after the restart"
	[ "$(fmt r '{{.State.Pid}}')" != "$pid1" ] || die "the container was not restarted"
	[ "$(fmt r '{{.State.StartedAt}}')" != "$started1" ] || die "StartedAt unchanged"
	is "$(fmt r '{{.State.Health.Status}}')" "starting" "a new start starts a new health"
	run_pm 0 rm -f -t0 s r
}

@test "periodic checks: the container's monitor runs them, no systemd (pm only)" {
	skip_if_podman "podman runs periodic checks from systemd timers"
	run_pm_split 0 run -d --name p --health-cmd 'echo tick' --health-interval 1s "$IMG" sleep 1000
	# the monitor carries the interval and the start period
	local id mon
	id=$(fmt p '{{.Id}}')
	mon=$(cut -d' ' -f1 "$XDG_RUNTIME_DIR/pm/containers/$id/pids")
	assert_contains "$(tr '\0' ' ' <"/proc/$mon/cmdline")" "--health-interval 1000000000 --health-start 0"
	poll_until 200 eval '[ "$(fmt p "{{len .State.Health.Log}}")" -ge 2 ]' ||
		die "fewer than two periodic checks: $(fmt p '{{json .State.Health}}')"
	is "$(fmt p '{{.State.Health.Status}} {{(index .State.Health.Log 0).Output}}')" "healthy tick"

	# never two at once: a check that outlasts the interval fails if another runs beside it
	run_pm_split 0 run -d --name slow --health-cmd 'mkdir /tmp/busy || exit 1; sleep 2; rmdir /tmp/busy' \
		--health-interval 1s --health-timeout 10s "$IMG" sleep 1000
	poll_until 300 eval '[ "$(fmt slow "{{len .State.Health.Log}}")" -ge 2 ]' ||
		die "fewer than two periodic checks: $(fmt slow '{{json .State.Health}}')"
	is "$(fmt slow '{{range .State.Health.Log}}{{.ExitCode}}{{end}}')" "0+" "no check ran beside another"
	run_pm 0 rm -f -t0 slow

	# --health-interval disable: the monitor runs none
	run_pm_split 0 run -d --name q --health-cmd true --health-interval disable "$IMG" sleep 1000
	id=$(fmt q '{{.Id}}')
	mon=$(cut -d' ' -f1 "$XDG_RUNTIME_DIR/pm/containers/$id/pids")
	assert_not_contains "$(tr '\0' ' ' <"/proc/$mon/cmdline")" "--health-interval"
	run_pm 0 rm -f -t0 p q
}

@test "periodic checks: --health-on-failure kill and restart by the monitor (pm only)" {
	skip_if_podman "podman runs periodic checks from systemd timers"
	run_pm_split 0 run -d --name k --health-cmd false --health-retries 2 --health-interval 1s \
		--health-on-failure kill "$IMG" sleep 1000
	run_pm 0 wait --condition exited k
	is "$(fmt k '{{.State.ExitCode}} {{.State.Health.Status}} {{.State.Health.FailingStreak}}')" \
		"137 unhealthy 2"

	# fails once /dev/shm/bad exists: a tmpfs of its own per start, so the restarted
	# container is healthy again
	run_pm_split 0 run -d --name r --health-cmd 'test ! -f /dev/shm/bad' \
		--health-retries 1 --health-interval 1s --health-on-failure restart "$IMG" sleep 1000
	local pid1
	pid1=$(fmt r '{{.State.Pid}}')
	run_pm 0 exec r touch /dev/shm/bad
	poll_until 300 eval '[ "$(fmt r "{{.State.Pid}}")" != "$pid1" ] && [ "$(fmt r "{{.State.Health.Status}}")" = healthy ]' ||
		die "not restarted and healthy: $(fmt r '{{json .State}}')"
	is "$(fmt r '{{.State.Status}}')" "running"
	run_pm 0 rm -f -t0 k r
}

@test "periodic checks: a foreground run's own monitor runs them too (pm only)" {
	skip_if_podman "podman runs periodic checks from systemd timers"
	# the container waits for the check to have run in it
	run_pm 0 run --name fg --health-cmd 'touch /tmp/checked' --health-interval 1s "$IMG" \
		sh -c 'while [ ! -f /tmp/checked ]; do sleep 0.1; done; echo seen'
	is "$output" "seen"
	is "$(fmt fg '{{.State.Health.Status}}')" "healthy"
	run_pm 0 rm fg
}

@test "run --health-startup-*: .Config.StartupHealthCheck; bad values refused naming the value, nothing created (pm only)" {
	skip_if_podman "podman 4.3 has no --health-startup-* (podman 5 does)"
	run_pm_split 0 create --name st --health-cmd true --health-startup-cmd 'test -f /tmp/up' \
		--health-startup-interval 2s --health-startup-retries 4 --health-startup-success 2 \
		--health-startup-timeout 3s "$IMG" true
	is "$(fmt st '{{json .Config.StartupHealthCheck}}')" \
		'\{"Test":\["CMD-SHELL","test -f /tmp/up"\],"Interval":2000000000,"Timeout":3000000000,"Retries":4,"Successes":2\}'
	# the defaults: interval and timeout 30s, retries and successes 0 (left out)
	run_pm_split 0 create --name st2 --health-cmd true --health-startup-cmd true "$IMG" true
	is "$(fmt st2 '{{json .Config.StartupHealthCheck}}')" \
		'\{"Test":\["CMD-SHELL","true"\],"Interval":30000000000,"Timeout":30000000000\}'
	run_pm 0 rm st st2

	run_pm_split 125 create --health-cmd true --health-startup-cmd true --health-startup-retries abc "$IMG" true
	is "$stderr" 'Error: invalid argument "abc" for "--health-startup-retries" flag: strconv.ParseUint: parsing "abc": invalid syntax'"
See '.*(pm|podman) (run|create) --help'"
	run_pm_split 125 create --health-cmd true --health-startup-cmd true --health-startup-success -1 "$IMG" true
	is "$stderr" 'Error: invalid argument "-1" for "--health-startup-success" flag: strconv.ParseUint: parsing "-1": invalid syntax'"
See '.*(pm|podman) (run|create) --help'"
	run_pm_split 125 create --health-cmd true --health-startup-cmd true --health-startup-interval 1x "$IMG" true
	is "$stderr" 'Error: invalid healthcheck-interval: time: unknown unit "x" in duration "1x"'
	run_pm_split 125 create --health-cmd true --health-startup-cmd true --health-startup-timeout 0s "$IMG" true
	is "$stderr" "Error: healthcheck-timeout must be at least 1 second"
	run_pm_split 125 create --health-startup-cmd true "$IMG" true
	is "$stderr" "Error: a startup healthcheck needs a regular healthcheck: set --health-cmd"
	run_pm_split 125 create --no-healthcheck --health-startup-cmd true "$IMG" true
	is "$stderr" "Error: cannot specify both --no-healthcheck and --health-startup-cmd"
	run_pm 0 ps -a -q
	is "$output" "" "no container left by a refused create"
}

@test "healthcheck run: the startup check runs first, the health check once it passed its successes (pm only)" {
	skip_if_podman "podman 4.3 has no --health-startup-*"
	run_pm_split 0 run -d --name su --health-cmd 'echo regular' --health-interval 1h \
		--health-startup-cmd 'test -f /tmp/up && echo up' --health-startup-interval 1h \
		--health-startup-success 2 "$IMG" sleep 1000
	# the startup check fails: unhealthy exit, the status stays starting
	run_pm_split 1 healthcheck run su
	is "$output" "unhealthy"
	is "$(fmt su '{{.State.Health.Status}} {{len .State.Health.Log}} {{(index .State.Health.Log 0).ExitCode}}')" \
		"starting 1 1"
	run_pm 0 exec su touch /tmp/up
	# two passes in a row end it; the status stays starting until the health check runs
	run_pm_split 0 healthcheck run su
	run_pm_split 0 healthcheck run su
	is "$(fmt su '{{.State.Health.Status}} {{(index .State.Health.Log 2).Output}}')" "starting up"
	run_pm_split 0 healthcheck run su
	is "$(fmt su '{{.State.Health.Status}} {{(index .State.Health.Log 3).Output}}')" "healthy regular"
	# inspect shows podman's .State.Health, not pm's startup bookkeeping
	assert_not_contains "$(fmt su '{{json .State.Health}}')" "Startup"
	run_pm 0 rm -f -t0 su
}

@test "healthcheck run: a startup check failing --health-startup-retries times restarts the container (pm only)" {
	skip_if_podman "podman 4.3 has no --health-startup-*"
	run_pm_split 0 run -d --name sr --health-cmd true --health-interval 1h \
		--health-startup-cmd false --health-startup-interval 1h --health-startup-retries 2 \
		"$IMG" sleep 1000
	local pid1 started1
	pid1=$(fmt sr '{{.State.Pid}}')
	started1=$(fmt sr '{{.State.StartedAt}}')
	run_pm_split 1 healthcheck run sr
	is "$(fmt sr '{{.State.Pid}}')" "$pid1" "one failure: not restarted yet"
	run_pm_split 1 healthcheck run sr
	is "$(fmt sr '{{.State.Status}}')" "running" "running again after the restart"
	[ "$(fmt sr '{{.State.Pid}}')" != "$pid1" ] || die "the container was not restarted"
	[ "$(fmt sr '{{.State.StartedAt}}')" != "$started1" ] || die "StartedAt unchanged"
	is "$(fmt sr '{{json .State.Health}}')" '\{"Status":"starting","FailingStreak":0,"Log":null\}' \
		"a new start starts the startup check anew"
	# retries 0 (the default): never restarted
	run_pm_split 0 run -d --name sn --health-cmd true --health-interval 1h \
		--health-startup-cmd false --health-startup-interval 1h "$IMG" sleep 1000
	pid1=$(fmt sn '{{.State.Pid}}')
	for _ in 1 2 3; do run_pm_split 1 healthcheck run sn; done
	is "$(fmt sn '{{.State.Pid}}')" "$pid1" "not restarted"
	run_pm 0 rm -f -t0 sr sn
}

@test "periodic checks: the monitor runs the startup check at its interval, then the health check at its own (pm only)" {
	skip_if_podman "podman runs periodic checks from systemd timers"
	run_pm_split 0 run -d --name sp --health-cmd 'echo regular' --health-interval 1s \
		--health-startup-cmd 'echo startup' --health-startup-interval 1s "$IMG" sleep 1000
	local id mon
	id=$(fmt sp '{{.Id}}')
	mon=$(cut -d' ' -f1 "$XDG_RUNTIME_DIR/pm/containers/$id/pids")
	assert_contains "$(tr '\0' ' ' <"/proc/$mon/cmdline")" "--health-startup 1000000000"
	poll_until 300 eval '[ "$(fmt sp "{{.State.Health.Status}}")" = healthy ]' ||
		die "the health check never ran after the startup check: $(fmt sp '{{json .State.Health}}')"
	is "$(fmt sp '{{(index .State.Health.Log 0).Output}}')" "startup"
	is "$(fmt sp '{{range .State.Health.Log}}{{.Output}} {{end}}')" "startup (regular )+"
	run_pm 0 rm -f -t0 sp

	# a startup check that never passes: the health check never runs, the status stays starting
	run_pm_split 0 run -d --name sf --health-cmd 'echo regular' --health-interval 1s \
		--health-startup-cmd false --health-startup-interval 1s "$IMG" sleep 1000
	poll_until 300 eval '[ "$(fmt sf "{{len .State.Health.Log}}")" -ge 2 ]' ||
		die "fewer than two startup checks: $(fmt sf '{{json .State.Health}}')"
	is "$(fmt sf '{{.State.Health.Status}}')" "starting"
	assert_not_contains "$(fmt sf '{{range .State.Health.Log}}{{.Output}}{{end}}')" "regular"
	run_pm 0 rm -f -t0 sf
}
