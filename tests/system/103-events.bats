#!/usr/bin/env bats
# 103-events: `pm events` over pm's event log (podman's file events backend): the events of
# containers, pods, volumes and images in podman's order and form, --format json and
# templates, --filter, --since/--until, --no-trunc, following the log until SIGINT.
# Runs as the unprivileged test user. Also runs against podman (PM="podman --runtime runc"),
# which is told to use its file backend through containers.conf; where pm is stricter than
# podman 4.3 (which ignores unknown filters and bad times) the test is pm's own.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
	if is_podman; then
		mkdir -p "$XDG_CONFIG_HOME/containers"
		printf '[engine]\nevents_logger = "file"\n' >"$XDG_CONFIG_HOME/containers/containers.conf"
	fi
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# statuses NAME: the statuses of container NAME's events, one line.
statuses() {
	timeout "$PM_TIMEOUT" "${PM_CMD[@]}" events --stream=false --filter container="$1" \
		--format '{{.Status}}' 2>/dev/null | tr '\n' ' '
}

@test "events: a container's life in order, podman's human form" {
	pm_load_test_image
	run_pm 0 run --name ev1 --label foo=bar "$IMG" true
	run_pm 0 rm ev1
	local s
	s=$(statuses ev1)
	# podman adds attach; both add cleanup after died
	is "$s" "create init start (attach )?died cleanup remove " "statuses of run, rm"

	run_pm_split 0 events --stream=false --filter container=ev1 --filter event=create
	is "$output" "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)? [+-][0-9]{4} [A-Z]+ container create [0-9a-f]{64} \(image=$IMG, name=ev1, foo=bar.*\)" \
		"the human form"
	local id=${output#* container create }
	id=${id%% *}

	run_pm_split 0 events --stream=false --filter container=ev1 --filter event=create --no-trunc=false
	assert_contains "$output" " container create ${id:0:12} (image=" "--no-trunc=false"
	# an id prefix selects the container as its name does
	run_pm_split 0 events --stream=false --filter container="${id:0:10}" --filter event=remove --format '{{.ID}} {{.Name}}'
	is "$output" "$id ev1" "container=ID prefix"
}

@test "events: died carries the exit code, json lines as podman's file backend" {
	skip_if_missing jq
	pm_load_test_image
	run_pm 3 run --name ev3 "$IMG" sh -c 'exit 3'
	run_pm_split 0 events --stream=false --filter container=ev3 --filter event=died --format '{{.ContainerExitCode}} {{.Type}} {{.Name}} {{.Image}}'
	is "$output" "3 container ev3 $IMG"

	run_pm_split 0 events --stream=false --filter container=ev3 --filter event=died --format json
	is "$(jq -r '.ContainerExitCode' <<<"$output")" "3" "ContainerExitCode"
	is "$(jq -r '.Status + " " + .Type + " " + .Name' <<<"$output")" "died container ev3"
	is "$(jq -r '.Time' <<<"$output")" "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)" "Time"
	is "$(jq -r '.ID | length' <<<"$output")" "64"
	# the first key of a died event is its exit code (Go's field order)
	is "$output" '\{"ContainerExitCode":3,"ID":.*' "field order"

	# an exit code 0 is left out, as Go's omitempty does
	run_pm 0 run --name ev0 "$IMG" true
	run_pm_split 0 events --stream=false --filter container=ev0 --filter event=died --format json
	assert_not_contains "$output" "ContainerExitCode"
	run_pm 0 rm ev3 ev0
}

@test "events: stop, kill, pause-less lifecycle of a detached container" {
	pm_load_test_image
	run_pm 0 create --name evd "$IMG" sleep 100
	run_pm 0 start evd
	run_pm 0 exec evd true
	run_pm 0 kill -s USR1 evd
	run_pm 0 rm -f -t 0 evd
	local s
	s=$(statuses evd)
	assert_contains "$s" "create init start " "start"
	assert_contains "$s" "exec " "exec"
	assert_contains "$s" "kill " "kill"
	assert_contains "$s" "remove " "remove"
	is "$s" "create .*died .*remove " "died before remove"
}

@test "events: exec and exec_died with the exit code, for exec and exec -d" {
	pm_load_test_image
	run_pm 0 run -d --name eve "$IMG" sleep 100
	run_pm 3 exec eve sh -c 'exit 3'
	# podman 4.3 writes a plain exec's exec_died twice
	is "$(statuses eve)" "create init start (attach )?exec (exec_died )+" "plain exec"
	run_pm_split 0 events --stream=false --filter container=eve --filter event=exec_died \
		--format '{{.Status}} {{.Name}} {{.ContainerExitCode}} {{.ID}}'
	is "${lines[0]}" "exec_died eve 3 [0-9a-f]{64}" "exec_died: name, exit code, id"

	# exec -d: the session's monitor writes exec_died when the process ends
	run_pm 0 exec -d eve sh -c 'sleep 0.5; exit 4'
	local out=""
	for _ in $(seq 100); do
		out=$(timeout "$PM_TIMEOUT" "${PM_CMD[@]}" events --stream=false --filter container=eve \
			--filter event=exec_died --format '{{.ContainerExitCode}}' 2>/dev/null | tr '\n' ' ')
		[[ "$out" == *4* ]] && break
		sleep 0.1
	done
	is "$out" "(3 )+4 " "exec -d: exec_died with its exit code"
	is "$(statuses eve)" "create init start (attach )?exec (exec_died )+exec exec_died " "exec -d"
	# json: the exit code first, as podman's file backend; exit code 0 left out
	skip_if_missing jq
	run_pm 0 exec eve true
	run_pm_split 0 events --stream=false --filter container=eve --filter event=exec_died --format json
	is "${lines[0]}" '\{"ContainerExitCode":3,"ID":.*"Status":"exec_died".*' "json line"
	is "$(jq -r 'select(.Status == "exec_died") | .ContainerExitCode' <<<"$output" | tr '\n' ' ')" \
		"(3 )+4 (null )+" "exit codes in json"
	run_pm 0 rm -f -t 0 eve
}

@test "events: volumes, pods, images; filters by type, event, label" {
	pm_load_test_image
	run_pm 0 volume create evv
	run_pm 0 volume rm evv
	run_pm_split 0 events --stream=false --filter type=volume --format '{{.Type}} {{.Status}} {{.Name}}'
	is "$output" "volume create evv
volume remove evv"
	run_pm_split 0 events --stream=false --filter type=volume --filter event=remove
	is "$output" "[0-9-]+ [0-9:.]+ [+-][0-9]{4} [A-Z]+ volume remove evv" "volume human form"

	run_pm 0 pod create --name evp
	run_pm 0 pod rm evp
	run_pm_split 0 events --stream=false --filter type=pod --format '{{.Type}} {{.Status}} {{.Name}}'
	is "$output" "pod create evp
pod remove evp"
	run_pm_split 0 events --stream=false --filter pod=evp --filter event=create
	is "$output" "[0-9-]+ [0-9:.]+ [+-][0-9]{4} [A-Z]+ pod create [0-9a-f]{64} \(image=, name=evp\)" \
		"pod human form"

	run_pm 0 tag "$IMG" localhost/evtag:1
	run_pm 0 untag "$IMG" localhost/evtag:1
	run_pm_split 0 events --stream=false --filter type=image --filter event=tag --filter event=untag --format '{{.Status}} {{.Name}}'
	is "$output" "tag localhost/evtag:1
untag localhost/evtag:1"

	# label= matches the container's labels; two values of one key are alternatives
	run_pm 0 create --name evl1 --label team=a "$IMG" true
	run_pm 0 create --name evl2 --label team=b "$IMG" true
	run_pm_split 0 events --stream=false --filter label=team=a --format '{{.Name}}'
	is "$output" "evl1"
	run_pm_split 0 events --stream=false --filter container=evl1 --filter container=evl2 --filter event=create --format '{{.Name}}'
	is "$output" "evl1
evl2"
	run_pm 0 rm evl1 evl2
}

@test "events: --since and --until" {
	run_pm 0 volume create evs1
	run_pm 0 volume rm evs1
	run_pm_split 0 events --stream=false --since 10m --filter type=volume --format '{{.Name}}'
	is "$output" "evs1
evs1" "--since 10m"
	run_pm_split 0 events --stream=false --until 1 --filter type=volume --format '{{.Name}}'
	is "$output" "" "--until before anything"
	run_pm_split 0 events --stream=false --until 1m --filter type=volume --format '{{.Name}}'
	is "$output" "evs1
evs1" "--until 1m (from now)"
	if ! is_podman; then
		# pm's own: --until ends the listing without following (podman 4.3 follows on)
		run_pm_split 0 events --until 1m --filter type=volume --format '{{.Name}}'
		is "$output" "evs1
evs1" "--until without --stream=false"
	fi
	local future
	future=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
	run_pm_split 0 events --stream=false --since "$future"
	is "$output" "" "--since in the future"
}

@test "events: follows the log, ends cleanly on SIGINT" {
	local out=$BATS_TEST_TMPDIR/events.out
	# one event before (podman 4.3 follows only a log that exists), not printed
	run_pm 0 volume create evf0
	"${PM_CMD[@]}" events --filter type=volume --format '{{.Status}} {{.Name}}' >"$out" 2>/dev/null &
	local pid=$!
	# no event yet: the follower waits; it prints the event written afterwards
	sleep 1
	run_pm 0 volume create evf
	local i
	for i in $(seq 1 50); do
		grep -qx "create evf" "$out" && break
		sleep 0.2
	done
	kill -INT "$pid"
	local rc=0
	wait "$pid" || rc=$?
	# what was there before is not printed (without --since)
	is "$(cat "$out")" "create evf" "what the follower printed"
	# podman 4.3 ends with 1 on SIGINT; pm ends cleanly
	is_podman || is "$rc" "0" "exit status after SIGINT"
	run_pm 0 volume rm evf evf0
}

@test "events: bad filters, times and templates are errors (pm's own)" {
	skip_if_podman "podman 4.3 ignores unknown filters and unparsable times"
	run_pm 125 events --stream=false --filter foo=bar
	is "$output" "Error: foo is an invalid filter"
	run_pm 125 events --stream=false --filter nokey
	is "$output" "Error: invalid filter nokey: filters must be key=value"
	run_pm 125 events --stream=false --since xyz
	is "$output" 'Error: parsing --since "xyz": unable to interpret time value'
	run_pm 125 events --stream=false --until xyz
	is "$output" 'Error: parsing --until "xyz": unable to interpret time value'
	run_pm 125 events --stream=bogus
	assert_contains "$output" 'invalid argument "bogus" for "--stream" flag'
}

@test "events: a bad template is an error" {
	run_pm 0 volume create evt
	run_pm_split 125 events --stream=false --format '{{.Foo}}'
	assert_contains "$stderr" "can't evaluate field Foo"
	run_pm 0 volume rm evt
}

@test "events: the log's lines are whole under concurrent writers (pm's own)" {
	skip_if_podman "pm's log layout"
	local i
	for i in $(seq 1 8); do
		"${PM_CMD[@]}" volume create "evc$i" >/dev/null &
	done
	wait
	run_pm 0 volume prune -f
	local log=$XDG_RUNTIME_DIR/pm/events/events.log
	[ -f "$log" ] || die "no event log at $log"
	run jq -c . "$log"
	[ "$status" -eq 0 ] || die "a line of the log is not JSON: $output"
	is "$(grep -c '"Status":"create","Time"' "$log")" "8" "create events"
	is "$(grep -c '"Status":"prune","Time"' "$log")" "8" "prune events"
}
