#!/usr/bin/env bats
# 113-ephemeral: a `run --rm` container while it runs is a container like any other (listed,
# inspected, its name taken, `container exists`), its run does each step once (state written
# once per transition, the image config read once, nothing synced), and a pm killed during
# the run leaves nothing the next command does not remove (issue #20).

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	STORE=$XDG_DATA_HOME/pm/storage
}

# start_bg NAME ARGS...: `run --rm --name NAME` in the background, $BG its pid (pm itself),
# returning once ps lists it running
start_bg() {
	local name=$1 _i
	shift
	"${PM_CMD[@]}" run --rm --name "$name" "$@" >/dev/null 2>&1 3>&- &
	BG=$!
	for _i in $(seq 1 150); do
		run_pm 0 ps --format '{{.Names}}'
		[[ "$output" == *"$name"* ]] && return 0
		kill -0 "$BG" 2>/dev/null || die "run --rm --name $name ended before it was listed"
		sleep 0.2
	done
	die "run --rm --name $name not listed as running in 30 s"
}

@test "run --rm: listed, inspected, its name taken and existing while it runs" {
	start_bg eph --network none "$IMG" sleep 100
	run_pm 0 container exists eph
	run_pm 0 ps -a --format '{{.Names}} {{.Status}}'
	assert_contains "$output" "eph Up" "ps -a lists the running --rm container"
	run_pm 0 inspect --format '{{.Name}} {{.State.Running}} {{.HostConfig.AutoRemove}}' eph
	is "$output" "eph true true" "inspect sees it"
	run_pm 125 run --rm --network none --name eph "$IMG" true
	assert_contains "$output" "already in use" "its name is reserved while it runs"
	run_pm 0 rm -f -t0 eph
	local rc=0
	wait "$BG" || rc=$?
	is "$rc" "137" "the foreground run ends with the kill's status"
	run_pm 1 container exists eph
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
}

@test "run --rm: its record and root (upper, work) are under the runroot, a kept one's under the root" {
	skip_if_podman "pm's layout: podman keeps every root under its graphroot"
	local eph=$XDG_RUNTIME_DIR/pm/ephemeral/containers rec=$XDG_RUNTIME_DIR/pm/ephemeral/records
	start_bg eph --network none "$IMG" sleep 100
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' eph)
	[ -d "$eph/$id/diff" ] && [ -d "$eph/$id/work" ] || die "no upper/work dir in $eph/$id"
	[ -f "$rec/$id/config.json" ] && [ -f "$rec/$id/state.json" ] || die "no record in $rec/$id"
	is "$(find "$STORE/containers" "$STORE/db/containers" -mindepth 1 -maxdepth 1 | wc -l)" "0" \
		"nothing of it under the root"
	# found by an id prefix as by its name
	run_pm 0 inspect --format '{{.Name}}' "${id:0:12}"
	is "$output" "eph" "inspect by id prefix"
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_contains "$output" "upperdir=$eph/$id/diff" "the overlay's upper is the runroot's"
	run_pm 0 run --network none --name keep "$IMG" true
	local kid
	kid=$("${PM_CMD[@]}" inspect --format '{{.Id}}' keep)
	[ -d "$STORE/containers/$kid" ] && [ -d "$STORE/db/containers/$kid" ] ||
		die "a kept container's root or record is not under the root"
	[ ! -e "$eph/$kid" ] && [ ! -e "$rec/$kid" ] || die "a kept container is under the runroot"
	run_pm 0 rm -f -t0 eph keep
	wait "$BG" || true
	pm_store_settled
	is "$(find "$eph" "$rec" "$XDG_RUNTIME_DIR/pm/ephemeral/tmp" -mindepth 1 | wc -l)" "0" \
		"nothing left under the runroot"
}

@test "run --rm: a SIGKILLed pm leaves nothing after the next command" {
	skip_if_podman "podman's conmon outlives a killed podman run: the container keeps running"
	start_bg eph --network none "$IMG" sleep 100
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' eph)
	kill -9 "$BG"
	wait "$BG" || true
	# the next command finds the run over: the container is removed, not listed
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "ps -a after the kill lists nothing"
	run_pm 1 container exists eph
	pm_store_settled
	is "$(find "$STORE/containers" "$STORE/db/containers" "$STORE/tmp" -mindepth 1 | wc -l)" \
		"0" "no root, record or temp dir of it is left under the root"
	is "$(find "$XDG_RUNTIME_DIR/pm/ephemeral" -mindepth 2 | wc -l)" "0" \
		"nothing of it is left under the runroot"
	[ ! -e "$XDG_RUNTIME_DIR/pm/containers/$id" ] || die "its run dir is left"
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_not_contains "$output" "/merged" "its root is not left mounted"
	# its name is free again
	run_pm 0 run --rm --network none --name eph "$IMG" true
}

# kill_bg NAME: start_bg NAME sleeping, then SIGKILL its pm (as the test above); $KID is the
# id of its container
kill_bg() {
	start_bg "$1" --network none "$IMG" sleep 100
	KID=$("${PM_CMD[@]}" inspect --format '{{.Id}}' "$1")
	kill -9 "$BG"
	wait "$BG" || true
}

@test "run --rm: a SIGKILLed pm's name is taken again by the next run, without a ps" {
	skip_if_podman "podman's conmon outlives a killed podman run: the container keeps running"
	kill_bg eph
	# the name's holder is a --rm container whose run is gone: removed, the name taken
	run_pm 0 run --rm --network none --name eph "$IMG" echo again
	is "$output" "again" "the new run ran"
	run_pm 0 ps -aq
	is "$output" "" "neither is left"
	pm_store_settled
	is "$(find "$XDG_RUNTIME_DIR/pm/ephemeral" -mindepth 2 | wc -l)" "0" \
		"nothing of either is left under the runroot"
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_not_contains "$output" "/merged" "no root is left mounted"
}

@test "run --rm: a SIGKILLed pm's container is gone for inspect, exists and start" {
	skip_if_podman "podman's conmon outlives a killed podman run: the container keeps running"
	kill_bg eph
	run_pm_split 125 inspect eph
	is "$stderr" 'Error: inspecting object: no such object: "eph"'
	run_pm_split 125 container inspect eph
	is "$stderr" "Error: inspecting object: no such container eph"
	run_pm 1 container exists eph
	# exists the first command after the kill, then start
	kill_bg eph2
	run_pm 1 container exists eph2
	kill_bg eph3
	run_pm_split 125 start eph3
	is "$stderr" 'Error: no container with name or ID "eph3" found: no such container'
	run_pm 0 ps -aq
	is "$output" "" "nothing is listed"
}

@test "run --rm: a SIGKILLed pm's container is gone for logs, exec and cp, without a ps" {
	skip_if_podman "podman's conmon outlives a killed podman run: the container keeps running"
	kill_bg eph
	run_pm_split 125 logs eph
	is "$stderr" 'Error: no container with name or ID "eph" found: no such container'
	kill_bg eph2
	run_pm 125 exec eph2 true
	assert_contains "$output" "no such container" "exec of it"
	kill_bg eph3
	run_pm 125 cp eph3:/etc/hostname "$BATS_TEST_TMPDIR/hostname"
	is "$output" 'Error: container "eph3" does not exist' "cp from it (podman's words)"
	[ ! -e "$BATS_TEST_TMPDIR/hostname" ] || die "cp copied from it"
	run_pm 0 ps -aq
	is "$output" "" "nothing is listed"
}

# (before the lookups removed it, rm -a and prune removed it too, as an exited container:
# printing its id, which names a container the user never kept)
@test "run --rm: a SIGKILLed pm's container is gone before rm -a and container prune, not one they remove" {
	skip_if_podman "podman's conmon outlives a killed podman run: the container keeps running"
	kill_bg eph
	local eph=$KID
	run_pm 0 run --network none --name exited "$IMG" true
	local exited_id
	exited_id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' exited)
	run_pm 0 rm -a
	is "$output" "$exited_id" "rm -a removes and prints the exited container, not the --rm one"
	assert_not_contains "$output" "$eph"
	run_pm 1 container exists eph
	run_pm 0 ps -aq
	is "$output" "" "rm -a leaves nothing"
	kill_bg eph2
	local eph2=$KID
	run_pm 0 run --network none --name exited2 "$IMG" true
	exited_id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' exited2)
	run_pm 0 container prune -f
	is "$output" "$exited_id" "prune removes and prints the exited container, not the --rm one"
	assert_not_contains "$output" "$eph2"
	run_pm 1 container exists eph2
	run_pm 0 ps -aq
	is "$output" "" "container prune leaves nothing"
	pm_store_settled
	is "$(find "$XDG_RUNTIME_DIR/pm/ephemeral" -mindepth 2 | wc -l)" "0" \
		"nothing of either is left under the runroot"
}

@test "run --rm: a live run keeps its name against a concurrent run --name" {
	start_bg y --network none "$IMG" sleep 100
	run_pm_split 125 run --rm --network none --name y "$IMG" true
	assert_contains "$stderr" "already in use" "the name is the live run's"
	run_pm_split 125 run --network none --name y "$IMG" true
	assert_contains "$stderr" "already in use" "for a kept container too"
	run_pm 0 inspect --format '{{.State.Running}}' y
	is "$output" "true" "the live run's container is untouched"
	kill -0 "$BG" || die "the live run's pm ended"
	run_pm 0 rm -f -t0 y
	wait "$BG" || true
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
}

@test "run --rm: state written once per transition, the image config read once, no sync" {
	skip_if_podman "pm's system calls"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	run_pm 0 run --rm --network none "$IMG" true # the seccomp cache is filled
	local t=$BATS_TEST_TMPDIR/trace
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$t" \
		-e trace=%file,fsync,fdatasync,syncfs "${PM_CMD[@]}" run --rm --network none "$IMG" true
	is "$status" "0" "run --rm under strace (output: $output)"
	# created, starting, running, exited: then the record goes
	local writes
	writes=$(grep -E 'rename(at2)?\(.*/state\.json"' "$t" | grep -vc ENOENT || true)
	is "$writes" "4" "state.json written once per transition: $(grep 'state\.json' "$t")"
	# two files made for the four: the record's first state and its spare, swapped after
	local made
	made=$(grep -E 'open(at)?\(.*/\.state\.json\.[a-z]+[A-Za-z0-9]*", [^)]*O_CREAT' "$t" |
		grep -vc ENOENT || true)
	is "$made" "2" "state.json's new files: $(grep 'state\.json' "$t")"
	# the runroot's fitness for a root (a user xattr) is probed once, by the engine
	is "$(grep -c 'setxattr(.*user\.pm\.ephemeral' "$t" || true)" "1" \
		"the runroot probed once: $(grep xattr "$t")"
	local reads
	reads=$(grep -E 'open(at)?\(.*/blobs/sha256/[0-9a-f]{64}"' "$t" | grep -vc ENOENT || true)
	is "$reads" "1" "the image config is read once: $(grep blobs/sha256/ "$t")"
	local syncs
	syncs=$(grep -cE '^[0-9]+ +(fsync|fdatasync|syncfs)\(' "$t" || true)
	is "$syncs" "0" "nothing synced"
	local mk
	mk=$(grep -E '(mkdir|stat)' "$t" | grep -cE "\"$XDG_RUNTIME_DIR/pm/(locks|events)\"" || true)
	is "$mk" "0" "the runroot's lock and event dirs are neither made nor stat'ed again"
}

@test "create --rm, then the runroot wiped (a reboot): gone, its name free, nothing left" {
	skip_if_podman "pm's layout: a --rm container wholly under the runroot"
	run_pm 0 create --rm --network none --name eph "$IMG" true
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "eph" "listed before"
	rm -rf "$XDG_RUNTIME_DIR/pm/ephemeral"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "gone with the runroot"
	run_pm 1 container exists eph
	run_pm 0 create --rm --network none --name eph "$IMG" true
	run_pm 0 start -a eph
	run_pm 0 ps -aq
	is "$output" "" "start -a of a --rm container removes it after its run"
	pm_store_settled
	is "$(find "$STORE/containers" "$STORE/db/containers" "$STORE/tmp" -mindepth 1 2>/dev/null |
		wc -l)" "0" "nothing under the root"
}

@test "create --rm with vfs: its record stays with its root under the root" {
	skip_if_podman "pm's layout: a --rm container wholly under the runroot"
	# vfs copies the image: such a root is not kept in memory, and its record goes with it
	run_pm 0 --storage-driver vfs create --rm --network none --name v "$IMG" true
	local id=$output
	[ -d "$STORE/containers/$id/rootfs" ] || die "no vfs root under the root"
	[ -f "$STORE/db/containers/$id/config.json" ] || die "the record is not beside its root"
	[ ! -e "$XDG_RUNTIME_DIR/pm/ephemeral/records/$id" ] || die "the record is under the runroot"
	run_pm 0 --storage-driver vfs start -a v
	run_pm 0 ps -aq
	is "$output" "" "removed after its run"
}
