#!/usr/bin/env bats
# 104-system: `pm system prune` (-a, --volumes, -f, the prompt, networks), the prompts of
# every prune at end of input, and `pm system reset` (-f, the prompt), each by its effect on
# containers, pods, images, volumes and networks, with podman's output sections. Runs as
# the unprivileged test user. Also runs against podman (PM="podman --runtime runc").

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

@test "system prune -f: stopped containers go, running ones and tagged images stay" {
	pm_load_test_image
	run_pm 0 create --name sp-stopped "$IMG" true
	local stopped=$output
	run_pm 0 run -d --name sp-running "$IMG" sleep 100
	local running=$output
	run_pm_split 0 system prune -f
	is "$output" "Deleted Containers
$stopped
Total reclaimed space: [0-9.]+[kMG]?B" "prune's report"
	run_pm_split 0 ps -a --format '{{.Names}}'
	is "$output" "sp-running"
	run_pm_split 0 images --format '{{.Repository}}'
	is "$output" "localhost/busybox" "a tagged image is not dangling"
	run_pm 0 rm -f -t 0 "$running"
}

@test "system prune -a --volumes: unused images and volumes go, used ones stay" {
	pm_load_test_image
	pm_load_test_image docker2
	run_pm 0 volume create sp-unused
	run_pm 0 volume create sp-used
	run_pm 0 run -d --name sp-user -v sp-used:/data "$IMG" sleep 100
	run_pm_split 0 system prune -a -f --volumes
	assert_contains "$output" "Deleted Volumes
sp-unused
" "volumes section"
	assert_contains "$output" "Deleted Images
" "images section"
	is "${lines[-1]}" "Total reclaimed space: [0-9.]+[kMG]?B"
	run_pm_split 0 volume ls --format '{{.Name}}'
	is "$output" "sp-used"
	run_pm_split 0 images --format '{{.Repository}}'
	is "$output" "localhost/busybox" "the image in use stays"
	run_pm 0 rm -f -t 0 sp-user
	run_pm 0 volume rm sp-used
}

@test "system prune: without -f it asks; no answer removes nothing" {
	pm_load_test_image
	run_pm 0 create --name sp-ask "$IMG" true
	run_pm_split 0 system prune <<<"n"
	assert_contains "$output" "Are you sure you want to continue? [y/N]"
	run_pm_split 0 ps -a --format '{{.Names}}'
	is "$output" "sp-ask" "still there after answering n"
	run_pm_split 0 system prune <<<"y"
	assert_contains "$output" "Deleted Containers"
	run_pm_split 0 ps -a --format '{{.Names}}'
	is "$output" "" "gone after answering y"
}

@test "system prune -f: an unused network goes, after the container that used it, in its own section" {
	pm_load_test_image
	run_pm 0 network create sp-net-free
	run_pm 0 network create sp-net-used
	run_pm 0 create --name sp-netuser --network sp-net-used "$IMG" true
	local ctr=$output
	run_pm_split 0 system prune -f
	is "$output" "Deleted Containers
$ctr
Deleted Networks
sp-net-(free|used)
sp-net-(free|used)
Total reclaimed space: [0-9.]+[kMG]?B" "prune's report: the networks after the containers"
	run_pm_split 0 network ls --format '{{.Name}}'
	is "$output" "podman" "only the default network stays"
}

@test "prunes: end of input at the prompt is Error: EOF, 125, and nothing goes" {
	pm_load_test_image
	run_pm 0 create --name eof-ctr "$IMG" true
	run_pm 0 network create eof-net
	for what in "container prune" "image prune" "image prune -a" "network prune" "pod prune" \
		"system prune" "system prune -a --volumes"; do
		# shellcheck disable=SC2086 # the command's words
		run_pm_split 125 $what </dev/null
		assert_contains "$output" "Are you sure you want to continue? [y/N]" "$what asks"
		is "$stderr" "Error: EOF" "$what"
	done
	run_pm 0 container exists eof-ctr
	run_pm 0 network exists eof-net
	run_pm_split 0 images --format '{{.Repository}}'
	is "$output" "localhost/busybox" "the image stays"
	# an empty answer is a no
	run_pm_split 0 container prune <<<""
	run_pm 0 container exists eof-ctr
	run_pm 0 rm eof-ctr
	run_pm 0 network rm eof-net
}

@test "volume prune with nothing to remove says so and asks nothing" {
	run_pm_split 0 volume prune </dev/null
	is "$output" "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:
No dangling volumes found"
}

@test "system reset: end of input at the prompt is Error: EOF, exit 1 as podman's, nothing goes" {
	run_pm 0 volume create sr-eof
	run_pm_split 1 system reset </dev/null
	assert_contains "$output" "Are you sure you want to continue? [y/N]"
	assert_contains "$stderr" "EOF"
	run_pm 0 volume exists sr-eof
	run_pm 0 volume rm sr-eof
}

@test "system prune: a bad flag is an error" {
	run_pm 125 system prune --bogus
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 125 system prune -f extra
}

@test "system reset -f: every container, pod, image and volume goes; pm works after" {
	pm_load_test_image
	run_pm 0 run -d --name sr-run "$IMG" sleep 100
	run_pm 0 create --name sr-created "$IMG" true
	run_pm 0 pod create --name sr-pod
	run_pm 0 volume create sr-vol
	run_pm_split 0 system reset -f
	run_pm_split 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container"
	run_pm_split 0 pod ps --format '{{.Name}}'
	is "$output" "" "no pod"
	run_pm_split 0 images --format '{{.ID}}'
	is "$output" "" "no image"
	run_pm_split 0 volume ls --format '{{.Name}}'
	is "$output" "" "no volume"
	# a fresh start works
	pm_load_test_image
	run_pm_split 0 run --rm "$IMG" echo again
	is "$output" "again"
}

@test "system reset: without -f it asks; n keeps everything" {
	run_pm 0 volume create sr-keep
	run_pm_split 0 system reset <<<"n"
	assert_contains "$output" "Are you sure you want to continue? [y/N]"
	run_pm_split 0 volume ls --format '{{.Name}}'
	is "$output" "sr-keep"
	run_pm 0 volume rm sr-keep
}

@test "init: a created container is checked and printed; running ones are refused" {
	pm_load_test_image
	run_pm 0 create --name in1 "$IMG" sleep 100
	local id=$output
	run_pm_split 0 init in1
	is "$output" "in1"
	run_pm 0 create --name in0 "$IMG" true
	local id0=$output
	run_pm_split 0 container init "${id0:0:12}"
	is "$output" "${id0:0:12}" "container init by a short id"
	run_pm 0 rm in0
	run_pm 0 start in1
	run_pm_split 125 init in1
	is "$stderr" "Error: container $id has already been created in runtime: container state improper"
	run_pm_split 0 init --all
	is "$output" "$id" "-a lists every container"
	run_pm_split 125 init nosuch
	is "$stderr" 'Error: no container with name or ID "nosuch" found: no such container'
	run_pm_split 125 init
	is "$stderr" "Error: you must provide at least one name or id"
	run_pm 0 rm -f -t 0 in1
}

@test "init: pm has no initialized state; the container stays created (pm's own)" {
	skip_if_podman "podman 4.3 moves the container to its initialized state"
	pm_load_test_image
	run_pm 0 create --name in2 "$IMG" true
	run_pm 0 init in2
	run_pm 0 inspect --format '{{.State.Status}}' in2
	is "$output" "created"
	run_pm 0 init in2
	run_pm_split 0 events --stream=false --filter event=init --format '{{.Name}}'
	is "$output" "in2
in2" "an init event for each"
	run_pm 0 start -a in2
	run_pm 0 rm in2
}

@test "system df: podman's table and fields, volume data counted" {
	pm_load_test_image
	run_pm 0 create --name df1 "$IMG" true
	run_pm 0 run --name df2 -v dfvol:/data "$IMG" sh -c 'head -c 100000 /dev/zero >/data/f'
	run_pm 0 volume create dfempty
	run_pm_split 0 system df
	is "${lines[0]}" "TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE" "header"
	is "${lines[1]}" "Images +1 +1 +[0-9.]+[kM]?B +0B \(0%\)" "images row"
	is "${lines[2]}" "Containers +2 +0 +[0-9.]+[kM]?B +[0-9.]+[kM]?B \([0-9]+%\)" "containers row"
	is "${lines[3]}" "Local Volumes +2 +1 +100kB +0B \(0%\)" "volumes row"
	run_pm_split 0 system df --format '{{.Type}}|{{.Total}}|{{.Active}}|{{.RawSize}}|{{.RawReclaimable}}'
	is "${lines[2]}" "Local Volumes\|2\|1\|100000\|0"
	is "${lines[0]}" "Images\|1\|1\|[0-9]+\|0"
	run_pm 0 rm df1 df2
	run_pm 0 volume rm dfvol dfempty
}

@test "system df --format json: an array of the three rows (pm's own)" {
	skip_if_podman "podman 4.3 prints the word json"
	skip_if_missing jq
	run_pm_split 0 system df --format json
	is "$(jq -r '[.[].Type] | join(",")' <<<"$output")" "Images,Containers,Local Volumes"
	is "$(jq -r '.[0] | keys | join(",")' <<<"$output")" "Active,RawReclaimable,RawSize,Reclaimable,Size,Total,Type"
	run_pm 125 system df --bogus
}
