#!/usr/bin/env bats
# 045-ps-inspect: the container views: ps (columns, -a -q -l -n --no-trunc --size --format
# --filter, --sort), inspect (podman-shaped JSON, --format, containers/images/volumes,
# --type), rename, container exists, container prune, pause/unpause refusal, and the
# state refresh (a "running" record whose processes are gone lists as exited).

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
}

# record_dir NAME: the record directory of container NAME (pm's layout).
record_dir() {
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' "$1")
	echo "$XDG_DATA_HOME/pm/storage/db/containers/$id"
}

@test "ps: columns, -a, -q, --no-trunc, exited status with the exit code" {
	run_pm 0 ps
	is "$output" "CONTAINER ID  IMAGE       COMMAND     CREATED     STATUS      PORTS       NAMES" \
		"ps with nothing: the header only"

	run_pm 0 run --name c0 "$IMG" true
	run_pm 3 run --name c3 -l team=blue "$IMG" sh -c 'exit 3'

	run_pm 0 ps
	is "${#lines[@]}" 1 "ps without -a hides exited containers"

	run_pm 0 ps -a
	is "${lines[0]}" "CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES" "header"
	is "${#lines[@]}" 3 "two containers"
	is "${lines[1]}" "[0-9a-f]{12}  $IMG  true  .* ago +Exited \(0\) .* ago +c0" "first created first"
	is "${lines[2]}" "[0-9a-f]{12}  $IMG  sh -c exit 3 +.* ago +Exited \(3\) .* ago +c3" \
		"exit code in STATUS"

	run_pm 0 ps -a -q
	is "${#lines[@]}" 2
	is "${lines[0]}" "[0-9a-f]{12}"
	run_pm 0 ps -a -q --no-trunc
	is "${lines[1]}" "[0-9a-f]{64}"
	full=${lines[1]}
	run_pm 0 inspect --format '{{.Id}}' c3
	is "$output" "$full" "--no-trunc ids are the full ids"

	# a long command is cut at 20 characters as podman does
	run_pm 0 run --name long "$IMG" sh -c 'echo aaaaaaaaaaaaaaaaaaaaaa >/dev/null'
	run_pm 0 ps -a --filter name=long
	assert_contains "${lines[1]}" "sh -c echo aaaaaa..."
	run_pm 0 ps -a --filter name=long --no-trunc
	assert_contains "${lines[1]}" "sh -c echo aaaaaaaaaaaaaaaaaaaaaa >/dev/null"
}

@test "ps: -l, -n, filters name/id/status/label/ancestor/exited" {
	run_pm 0 run --name one -l team=red "$IMG" true
	run_pm 1 run --name two -l team=blue -l solo "$IMG" false
	run_pm 0 run --name three "$IMG" true
	id_two=$("${PM_CMD[@]}" inspect --format '{{.Id}}' two)

	run_pm 0 ps -a -l --format '{{.Names}}'
	is "$output" "three" "-l: the latest"
	run_pm 0 ps -n 2 --format '{{.Names}}'
	is "$output" "two
three" "-n 2: the two last created, oldest first"

	run_pm 0 ps -a --filter name=^tw --format '{{.Names}}'
	is "$output" "two" "name= is a regular expression"
	run_pm 0 ps -a --filter name=one --filter name=three --format '{{.Names}}'
	is "$output" "one
three" "same key: any"
	run_pm 0 ps -a --filter id="${id_two:0:8}" --format '{{.Names}}'
	is "$output" "two" "id= prefix"
	run_pm 0 ps -a --filter label=team=blue --format '{{.Names}}'
	is "$output" "two"
	run_pm 0 ps -a --filter label=team --format '{{.Names}}'
	is "$output" "one
two" "label=KEY"
	run_pm 0 ps -a --filter label=solo --filter name=two --format '{{.Names}}'
	is "$output" "two" "different keys: all"
	run_pm 0 ps -a --filter label=team=green --format '{{.Names}}'
	is "$output" "" "no match"
	run_pm 0 ps -a --filter exited=1 --format '{{.Names}}'
	is "$output" "two"
	run_pm 0 ps -a --filter status=exited -q
	is "${#lines[@]}" 3
	run_pm 0 ps -a --filter status=running -q
	is "$output" ""
	run_pm 0 ps -a --filter ancestor=busybox --format '{{.Names}}'
	is "${#lines[@]}" 3 "ancestor by short name"
	run_pm 0 ps -a --filter ancestor="$IMG" -q
	is "${#lines[@]}" 3 "ancestor by full name"
	run_pm 0 ps -a --filter ancestor=nosuchimage -q
	is "$output" ""

	run_pm_split 125 ps -a --filter foo=bar
	is "$stderr" "Error: foo is an invalid filter"
	run_pm_split 125 ps -a --filter status=bogus
	is "$stderr" "Error: unknown container state: bogus: invalid argument"
	run_pm_split 125 ps -a --sort bogus
	assert_contains "$stderr" "invalid option for --sort"
	run_pm 0 ps -a --sort names --format '{{.Names}}'
	is "$output" "one
three
two" "--sort names"
}

@test "ps: --format json is podman's shape; templates and table" {
	run_pm 0 run --name j1 -l a=b "$IMG" sh -c 'exit 2' || true
	run_pm 0 ps -a --format json
	is "$(jq -r '.[0].Names[0]' <<<"$output")" "j1"
	is "$(jq -r '.[0].State' <<<"$output")" "exited"
	is "$(jq -r '.[0].ExitCode' <<<"$output")" "2"
	is "$(jq -r '.[0].Exited' <<<"$output")" "true"
	is "$(jq -r '.[0].Labels.a' <<<"$output")" "b"
	is "$(jq -r '.[0].Command | join(" ")' <<<"$output")" "sh -c exit 2"
	is "$(jq -r '.[0].Image' <<<"$output")" "$IMG"
	is "$(jq -r '.[0].Id | length' <<<"$output")" "64"
	is "$(jq -r '.[0].Status' <<<"$output")" "Exited \(2\) .* ago"
	is "$(jq -r '.[0] | keys | join(",")' <<<"$output")" \
		"AutoRemove,Command,Created,CreatedAt,ExitCode,Exited,ExitedAt,Id,Image,ImageID,IsInfra,Labels,Mounts,Names,Namespaces,Networks,Pid,Pod,PodName,Ports,Size,StartedAt,State,Status" \
		"the keys of podman 4.3's ps JSON"
	# podman prints its ps JSON with two-space indentation
	is "${lines[1]}" "  \{"

	run_pm 0 ps -a --format '{{.ID}} {{.Names}} {{.Status}} {{index .Labels "a"}}'
	is "$output" "[0-9a-f]{12} j1 Exited \(2\) .* ago b"
	run_pm 0 ps -a --format 'table {{.ID}} {{.Names}}'
	is "${lines[0]}" "CONTAINER ID  NAMES"
	is "${lines[1]}" "[0-9a-f]{12}  j1"
	run_pm 0 ps -a --noheading
	is "${#lines[@]}" 1 "--noheading"
	run_pm_split 125 ps -a --format '{{.Nope}}'
	assert_contains "$stderr" "can't evaluate field Nope"
}

@test "ps: --size shows the upper dir and the virtual size" {
	skip_if_podman "podman's --size counts differently"
	run_pm 0 run --name sz "$IMG" sh -c 'head -c 3000 /dev/zero >/big'
	run_pm 0 ps -a --size --format '{{.Size}}'
	is "$output" "3(\.[0-9]+)?kB \(virtual [0-9.]+MB\)"
	run_pm 0 ps -a --size --format json
	rw=$(jq -r '.[0].Size.rwSize' <<<"$output")
	[ "$rw" -ge 3000 ] && [ "$rw" -lt 8192 ] || die "rwSize $rw"
	run_pm 0 ps -a --size
	assert_contains "${lines[0]}" "NAMES       SIZE"
}

@test "ps: a running record whose processes are gone is shown exited" {
	skip_if_podman "edits pm's state file"
	run_pm 0 run --name ghost "$IMG" true
	dir=$(record_dir ghost)
	# a dead pid: a finished child of ours
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	jq -c --argjson p "$dead" '.Status = "running" | .Pid = $p | .MonitorPid = $p' \
		"$dir/state.json" >"$dir/state.json.new"
	mv "$dir/state.json.new" "$dir/state.json"
	run_pm 0 ps -a --format '{{.Names}} {{.State}}'
	is "$output" "ghost Exited \(-1\) .*" "refreshed to exited, its exit code unknown (podman: -1)"
	is "$(jq -r .Status "$dir/state.json")" "exited" "and written back"
	run_pm 0 ps -q
	is "$output" "" "not listed as running"
}

@test "inspect: podman-shaped container JSON and --format" {
	run_pm 0 volume create vol1
	run_pm 7 run --name insp -l k=v -e FOO=bar -w /tmp --hostname hh \
		-v vol1:/data -v /tmp:/hosttmp:ro "$IMG" sh -c 'exit 7'
	run_pm 0 inspect insp
	is "$(jq -r 'length' <<<"$output")" "1" "an array of one"
	o=$(jq -c '.[0]' <<<"$output")
	is "$(jq -r .Name <<<"$o")" "insp"
	is "$(jq -r '.Id | length' <<<"$o")" "64"
	is "$(jq -r .State.Status <<<"$o")" "exited"
	is "$(jq -r .State.Running <<<"$o")" "false"
	is "$(jq -r .State.Paused <<<"$o")" "false"
	is "$(jq -r .State.OOMKilled <<<"$o")" "false"
	is "$(jq -r .State.ExitCode <<<"$o")" "7"
	is "$(jq -r .State.Pid <<<"$o")" "0"
	rfc='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})'
	is "$(jq -r .Created <<<"$o")" "$rfc" "Created as RFC 3339 nano"
	is "$(jq -r .State.StartedAt <<<"$o")" "$rfc"
	is "$(jq -r .State.FinishedAt <<<"$o")" "$rfc"
	is "$(jq -r .ImageName <<<"$o")" "$IMG"
	is "$(jq -r .Config.Image <<<"$o")" "$IMG"
	is "$(jq -r '.Config.Cmd | join(" ")' <<<"$o")" "sh -c exit 7"
	is "$(jq -r .Path <<<"$o")" "sh"
	is "$(jq -r '.Args | join(" ")' <<<"$o")" "-c exit 7"
	is "$(jq -r .Config.Labels.k <<<"$o")" "v"
	is "$(jq -r .Config.WorkingDir <<<"$o")" "/tmp"
	is "$(jq -r .Config.Hostname <<<"$o")" "hh"
	is "$(jq -r .Config.Entrypoint <<<"$o")" ""
	is "$(jq -r '.Config.Env | map(select(. == "FOO=bar")) | length' <<<"$o")" "1"
	is "$(jq -r '.Config.Env | map(select(startswith("PATH="))) | length' <<<"$o")" "1"
	is "$(jq -r '.HostConfig | type' <<<"$o")" "object"
	is "$(jq -r '.HostConfig.LogConfig.Type' <<<"$o")" "k8s-file"
	is "$(jq -r '.NetworkSettings | type' <<<"$o")" "object"
	is "$(jq -r '.Mounts | length' <<<"$o")" "2"
	is "$(jq -r '.Mounts[0].Type + " " + .Mounts[0].Name + " " + .Mounts[0].Destination' <<<"$o")" \
		"volume vol1 /data"
	is "$(jq -r '.Mounts[1] | .Type + " " + .Source + " " + .Destination + " " + (.RW|tostring)' <<<"$o")" \
		"bind /tmp /hosttmp false"

	run_pm 0 inspect --format '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{.Config.Labels.k}}' insp
	is "$output" "insp exited 7 v"
	run_pm 0 container inspect -f '{{json .Config.Cmd}}' insp
	is "$output" '\["sh","-c","exit 7"\]'
	run_pm 0 container inspect -l --format '{{.Name}}'
	is "$output" "insp" "-l"
}

@test "inspect: HostConfig.PortBindings is the published ports map, as NetworkSettings.Ports" {
	run_pm 0 create --name pb -p 8080:80 -p 127.0.0.1:7000-7001:7000-7001/udp "$IMG" true
	want='{"7000/udp":[{"HostIp":"127.0.0.1","HostPort":"7000"}],"7001/udp":[{"HostIp":"127.0.0.1","HostPort":"7001"}],"80/tcp":[{"HostIp":"","HostPort":"8080"}]}'
	run_pm 0 inspect --format '{{json .HostConfig.PortBindings}}' pb
	[ "$output" = "$want" ] || die "PortBindings: '$output', expected '$want'"
	run_pm 0 inspect --format '{{json .NetworkSettings.Ports}}' pb
	[ "$output" = "$want" ] || die "Ports: '$output', expected '$want'"

	run_pm 0 create --name nopb "$IMG" true
	run_pm 0 inspect --format '{{json .HostConfig.PortBindings}}' nopb
	is "$output" '\{\}' "no published port: an empty map"
	run_pm 0 rm pb nopb
}

@test "inspect: Config.StopSignal and StopTimeout are what --stop-signal and --stop-timeout set" {
	run_pm 0 create --name st1 --stop-signal KILL --stop-timeout 3 "$IMG" true
	run_pm 0 create --name st2 "$IMG" true
	run_pm 0 inspect --format '{{.Config.StopSignal}} {{.Config.StopTimeout}}' st1 st2
	is "$output" "9 3
15 10"
	run_pm 0 rm st1 st2
}

@test "inspect: images, volumes, --type, errors" {
	run_pm 0 run --name ic "$IMG" true
	run_pm 0 volume create vv
	run_pm 0 inspect --format '{{.Name}}' ic
	is "$output" "ic" "a container"
	run_pm 0 inspect --format '{{.Id}}' "$IMG"
	is "$output" "[0-9a-f]{64}" "an image"
	run_pm 0 inspect --format '{{.Name}} {{.Driver}}' vv
	is "$output" "vv local" "a volume"
	run_pm 0 inspect --type image --format '{{.Id}}' busybox
	is "$output" "[0-9a-f]{64}"

	run_pm_split 125 inspect nosuch
	is "$stderr" 'Error: inspecting object: no such object: "nosuch"'
	is "$output" "\[\]" "an empty array on stdout, as podman"
	run_pm_split 125 container inspect nosuch
	is "$stderr" "Error: inspecting object: no such container nosuch"
	run_pm_split 125 inspect --type volume ic
	is "$stderr" "Error: inspecting object: no such volume ic"
	run_pm_split 125 inspect --format '{{.Name}}' ic nosuch
	is "$output" "ic" "what was found is printed"
	assert_contains "$stderr" 'no such object: "nosuch"'
	run_pm_split 125 inspect --type foo x
	assert_contains "$stderr" 'invalid type "foo"'
}

@test "rename, container exists, container prune" {
	run_pm 0 run --name before "$IMG" true
	run_pm 0 run --name other "$IMG" true
	run_pm 0 rename before after
	run_pm 0 container exists after
	run_pm 1 container exists before
	is "$output" "" "exists prints nothing"
	run_pm 0 ps -a --filter name=after --format '{{.Names}}'
	is "$output" "after"
	run_pm_split 125 rename after other
	assert_contains "$stderr" "already in use"
	run_pm_split 125 rename after 'bad name'
	is "$stderr" "Error: names must match \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]\*: invalid argument"
	run_pm_split 125 rename nosuch x
	is "$stderr" 'Error: no container with name or ID "nosuch" found: no such container'
	run_pm 0 container rename after before
	run_pm 0 container exists before

	id1=$("${PM_CMD[@]}" inspect --format '{{.Id}}' before)
	run_pm 0 container prune <<<"n"
	assert_contains "$output" "Are you sure you want to continue? [y/N]"
	run_pm 0 container exists before
	run_pm 0 container prune -f
	assert_contains "$output" "$id1"
	run_pm 1 container exists before
	run_pm 1 container exists other
	run_pm 0 ps -a -q
	is "$output" "" "nothing left"
}

@test "top: the container's processes with podman's descriptors; running ps and inspect" {
	run_pm 0 run -d --name topc "$IMG" sh -c 'sleep 1000 & exec sleep 999'
	sleep 0.3
	run_pm 0 top topc
	is "${lines[0]}" "USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND" "podman's default columns"
	is "${#lines[@]}" 3 "init and its child"
	# TIME is the CPU time so far: 0s on an idle machine, 0.01s when the shell was slow
	is "${lines[1]}" "root +1 +0 +[0-9.]+ +[0-9.]+(ms|s) +\? +[0-9.]+s +sleep 999" "the init as the container sees it"
	is "${lines[2]}" "root +2 +1 +.*sleep 1000" "its child"
	hpid=$("${PM_CMD[@]}" inspect --format '{{.State.Pid}}' topc)
	run_pm 0 top topc pid hpid,comm huser
	is "${lines[0]}" "PID +HPID +COMMAND +HUSER"
	is "${lines[1]}" "1 +$hpid +sleep +$(id -un)"
	# a descriptor neither knows is ps(1)'s (podman's fallback, 135-tail-audit2)
	run_pm_split 125 top topc --bogus
	assert_contains "$stderr" "Error: executing ps(1) in the container: runtime failed with exit status: 1"

	run_pm 0 ps --format '{{.Names}} {{.Status}} {{.Pid}}'
	is "$output" "topc Up .* ago $hpid" "ps without -a lists the running container"
	run_pm 0 inspect --format '{{.State.Status}} {{.State.Running}} {{.State.Pid}}' topc
	is "$output" "running true $hpid"
	[ -d "/proc/$hpid" ] || die "State.Pid is not a live process"
	run_pm 0 ps -a --filter status=running -q
	is "${#lines[@]}" 1

	run_pm 0 run --name exited "$IMG" true
	run_pm_split 125 top exited
	is "$stderr" "Error: top can only be used on running containers"
}

@test "top: the container's /etc/passwd is read inside its root, never through a symlink to the host" {
	# a host file shaped like passwd, and a container whose /etc/passwd points at it
	local host=$BATS_TEST_TMPDIR/hostpasswd
	echo "hostsecret:x:0:0::/:/bin/sh" >"$host"
	chmod a+r "$host"
	run_pm 0 run -d --name toplink "$IMG" sh -c "rm -f /etc/passwd; ln -s $host /etc/passwd; echo ready; exec sleep 999"
	run_pm 0 wait --condition running toplink
	local i
	for i in $(seq 1 50); do
		run_pm 0 logs toplink
		[ "$output" = ready ] && break
		sleep 0.1
	done
	run_pm 0 top toplink user
	is "${lines[1]}" "0" "uid 0 without a name: the host's file was not read"
	assert_not_contains "$output" "hostsecret"
}

@test "pause/unpause: refused without a cgroup freezer" {
	skip_if_podman "podman's message differs"
	run_pm 0 run --name p "$IMG" true
	if [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -qw freezer /proc/self/cgroup; then
		skip "this host may have a freezer"
	fi
	run_pm_split 125 pause p
	assert_contains "$stderr" "freezer"
	assert_contains "$stderr" "Error: pausing container"
	run_pm_split 125 unpause p
	assert_contains "$stderr" "freezer"
	assert_contains "$stderr" "Error: unpausing container"
	run_pm_split 125 pause nosuch
	assert_contains "$stderr" "no such container"
}

@test "--format {{range .}}: over the list of a listing or inspect once; over a struct an error" {
	run_pm 0 create --name r1 "$IMG" true
	run_pm 0 create --name r2 "$IMG" true
	run_pm 0 ps -a --format '{{range .}}[{{.Names}}]{{end}}'
	is "$output" '\[r1\]\[r2\]' "ps: one line over the whole list"
	run_pm 0 inspect --format '{{range .}}{{.Name}};{{end}}' r1 r2
	is "$output" "r1;r2;" "inspect: one line over the whole list"
	run_pm 0 container inspect --format 'x{{.Name}}' r1 r2
	is "$output" "xr1
xr2" "without range: once per item"
	run_pm 125 info --format '{{range .}}x{{end}}'
	assert_contains "$output" "executing"
	assert_contains "$output" "at <.>: range can't iterate over {"
	run_pm 125 version --format '{{range .}}x{{end}}'
	assert_contains "$output" "at <.>: range can't iterate over {"
}
