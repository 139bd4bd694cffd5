#!/usr/bin/env bats
# 108-tail-more: the rest of podman's long tail, each by its effect: the global --volumepath
# and --tmpdir, ps --watch, system df -v, images' {{.Containers}}, a noexec volume's error
# in podman's words, Go's printing of structs, maps and slices in templates, and exec
# --detach-keys on an interactive session. Runs as the unprivileged test user; the same
# file runs against podman 4.3 (PM="podman --runtime runc").
# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

@test "--volumepath: named volumes live there, info shows it" {
	local vp=$BATS_TEST_TMPDIR/vp
	# podman keeps the first command's value in its database: --volumepath comes first
	run_pm_split 0 --volumepath "$vp" info --format '{{.Store.VolumePath}}'
	is "$output" "$vp"
	run_pm 0 --volumepath "$vp" load -i "$(pm_test_image)"
	run_pm 0 --volumepath "$vp" volume create vpv
	[ -d "$vp/vpv/_data" ] || die "no volume directory under $vp"
	run_pm 0 --volumepath "$vp" run --rm -v vpv:/d "$IMG" sh -c 'echo here >/d/f'
	is "$(cat "$vp/vpv/_data/f")" "here" "the container wrote into the --volumepath volume"
	run_pm 0 --volumepath "$vp" volume inspect --format '{{.Mountpoint}}' vpv
	is "$output" "$vp/vpv/_data"
	run_pm 0 --volumepath "$vp" volume rm vpv
	[ ! -e "$vp/vpv" ] || die "volume rm left $vp/vpv"
}

@test "--volumepath '': an error naming the flag (pm's own)" {
	skip_if_podman "podman 4.3 takes an empty --volumepath as unset"
	run_pm 125 --volumepath "" info
	is "$output" "Error: invalid --volumepath '': must be a directory path"
}

@test "--tmpdir: the events log is written there" {
	# checked by hand against podman 4.3 (its events.log lands in --tmpdir/events too when
	# --tmpdir comes with the first command), but podman keeps the value in its database
	# and starts its pause process there, which the harness's teardown cannot end
	skip_if_podman "podman's pause process under --tmpdir outlives the test"
	local td=$BATS_TEST_TMPDIR/td
	# podman keeps the first command's value in its database: --tmpdir comes first
	run_pm 0 --tmpdir "$td" load -i "$(pm_test_image)"
	run_pm 0 --events-backend file --tmpdir "$td" create --name tdc "$IMG" true
	[ -s "$td/events/events.log" ] || die "no events log under --tmpdir $td"
	grep -q '"tdc"' "$td/events/events.log" || die "the create event is not in $td"
	run_pm 0 --events-backend file --tmpdir "$td" events --stream=false --filter event=create --format '{{.Name}}'
	is "$output" "tdc"
	run_pm 0 --tmpdir "$td" rm tdc
}

@test "ps --watch: lists again every N seconds; bad values and -l are refused" {
	pm_load_test_image
	run_pm 0 run -d --name w1 "$IMG" sleep 100
	# two listings in 1.5 s (at 0 and 1 s), killed by timeout
	run timeout 1.5 "${PM_CMD[@]}" ps --watch 1 --format '{{.Names}}'
	is "$status" "124" "timeout ended it"
	is "$output" "w1
w1"
	run timeout 1.5 "${PM_CMD[@]}" ps -w 1
	is "$(grep -c '^CONTAINER ID' <<<"$output")" "2" "the table twice"
	# not a terminal: no escape sequences
	assert_not_contains "$output" $'\033'
	# 0: once
	run_pm 0 ps -w 0 --format '{{.Names}}'
	is "$output" "w1"
	run_pm 125 ps --watch abc
	is "${lines[0]}" 'Error: invalid argument "abc" for "-w, --watch" flag: strconv.ParseUint: parsing "abc": invalid syntax'
	run_pm 125 ps -w -1
	is "${lines[0]}" 'Error: invalid argument "-1" for "-w, --watch" flag: strconv.ParseUint: parsing "-1": invalid syntax'
	run_pm 125 ps -w 1 -l
	is "$output" "Error: the watch and latest flags cannot be used together"
	run_pm 0 rm -f -t 0 w1
}

@test "ps --watch on a terminal: the screen is cleared before each table" {
	skip_if_missing script
	pm_load_test_image
	run timeout 5 script -qec "timeout 1.5 ${PM} ps -w 1" /dev/null
	is "$(grep -c 'CONTAINER ID' <<<"$output")" "2" "the table twice"
	is "$(grep -o $'\033\\[2J\033\\[1;1H' <<<"$output" | wc -l)" "2" "clear + home before each"
}

@test "system df -v: podman's three tables; --format is ignored with it" {
	pm_load_test_image
	run_pm 0 volume create dfv
	run_pm 0 run --name dfc1 -v dfv:/data "$IMG" sh -c 'head -c 5000 /dev/zero >/data/f'
	run_pm 0 create --name dfc2 "$IMG" true
	local iid
	iid=$(${PM} image inspect --format '{{.ID}}' "$IMG")
	local c1 c2
	c1=$(${PM} inspect --format '{{.ID}}' dfc1)
	c2=$(${PM} inspect --format '{{.ID}}' dfc2)
	run_pm_split 0 system df -v
	is "${lines[0]}" "Images space usage:"
	is "${lines[2]}" "REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS"
	is "${lines[3]}" "localhost/busybox +latest +${iid:0:12} +[0-9]+ years +[0-9.]+[kM]B +0B +[0-9.]+[kM]B +2"
	is "${lines[5]}" "Containers space usage:"
	is "${lines[7]}" "CONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES"
	# podman's rows come in its store's order: find each by name
	is "$(grep ' dfc1$' <<<"$output")" "${c1:0:12} +${iid:0:12} +sh -c head -c 5000 /dev/zero >/data/f +1 +[0-9.]+[kM]?B +([0-9]+ seconds|Less than a second|1 second) +exited +dfc1"
	is "$(grep ' dfc2$' <<<"$output")" "${c2:0:12} +${iid:0:12} +true +0 +0B +.* +created +dfc2"
	is "${lines[11]}" "Local Volumes space usage:"
	is "${lines[13]}" "VOLUME NAME +LINKS +SIZE"
	is "${lines[14]}" "dfv +1 +5kB"
	is "${#lines[@]}" "15"
	# a blank line after each title and between the sections, as podman prints them
	is "$(grep -c '^$' <<<"$output")" "5"
	run_pm_split 0 system df -v --format '{{.Type}}'
	is "${lines[0]}" "Images space usage:"
	run_pm 0 rm dfc1 dfc2
	run_pm 0 volume rm dfv
}

@test "images {{.Containers}}: the containers made from each image" {
	pm_load_test_image
	run_pm 0 images --format '{{.Repository}} {{.Containers}}'
	is "$output" "localhost/busybox 0"
	run_pm 0 create --name ic1 "$IMG" true
	run_pm 0 run -d --name ic2 "$IMG" sleep 100
	run_pm 0 images --format '{{.Repository}} {{.Containers}}'
	is "$output" "localhost/busybox 2"
	run_pm 0 rm -f -t 0 ic1 ic2
	run_pm 0 images --format '{{.Containers}}'
	is "$output" "0"
}

@test "noexec volume: podman's words for run and exec, 126" {
	pm_load_test_image
	run_pm 0 volume create nxv
	run_pm 0 run --rm -v nxv:/data "$IMG" sh -c 'printf "#!/bin/sh\necho hi\n" >/data/x; chmod +x /data/x'
	run_pm_split 126 run --rm -v nxv:/data:noexec "$IMG" /data/x
	# podman (runc): "Error: runc: runc create failed: unable to start container process:
	# exec /data/x: permission denied: OCI permission denied"
	is "$stderr" "Error: (.*: )?unable to start container process: exec /data/x: permission denied: OCI permission denied"
	run_pm 0 run -d --name nxc -v nxv:/data:noexec "$IMG" sleep 100
	run_pm_split 126 exec nxc /data/x
	# podman (runc) says "eaccess /data/x" here, pm "exec /data/x"
	is "$stderr" "Error: (.*: )?unable to start container process: (exec|eaccess) /data/x: permission denied: OCI permission denied"
	run_pm 0 rm -f -t 0 nxc
	run_pm 0 volume rm nxv
}

@test "templates: structs, maps and slices print as Go prints them" {
	pm_load_test_image
	run_pm 0 run -d --name st1 -p 127.0.0.1:18124:80 -l a=b -l c=d "$IMG" sleep 100
	run_pm_split 0 inspect --format '{{.HostConfig.PortBindings}}' st1
	is "$output" "map\[80/tcp:\[\{127.0.0.1 18124\}\]\]"
	run_pm_split 0 inspect --format '{{.NetworkSettings.Ports}}' st1
	is "$output" "map\[80/tcp:\[\{127.0.0.1 18124\}\]\]"
	run_pm_split 0 inspect --format '{{.Config.Labels}}' st1
	is "$output" "map\[a:b c:d org.pm.test:busybox\]"
	run_pm_split 0 inspect --format '{{.Config.Cmd}}' st1
	is "$output" "\[sleep 100\]"
	run_pm_split 0 inspect --format '{{.HostConfig.RestartPolicy}}' st1
	is "$output" "\{ 0\}" "a struct: its fields' values"
	run_pm_split 0 inspect --format '{{.State}}' st1
	is "$output" "\{.* running true .*\}" "the state struct"
	run_pm_split 0 inspect --format '{{.Mounts}}' st1
	is "$output" "\[\]"
	run_pm 0 rm -f -t 0 st1
}
