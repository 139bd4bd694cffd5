#!/usr/bin/env bats
# 114-detach-rm: `run -d` and `rm -f` (issue #20): what a user sees is podman's (the name
# free at once, nothing listed, no process and no mount left), and the cost pm cut stays
# cut: a run -d makes its record durable in the detached monitor, not in the command, and
# rm -f waits for no process of its own. Counts of system calls (strace), never timings.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	STORE=$XDG_DATA_HOME/pm/storage
}

# procs_of ID: this test's pm-monitor of container ID and its children (the init)
procs_of() {
	local pid
	for pid in $(pgrep -f "pm-monitor --id $1" || true); do
		echo "$pid"
		pgrep -P "$pid" || true
	done
}

@test "rm -f of a running container: the name is free at once, ps -a shows nothing" {
	run_pm 0 run -d --name dr "$IMG" sleep 1000
	local id=$output
	run_pm 0 rm -f -t0 dr
	is "$output" "dr" "rm -f prints the name it was given"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "nothing listed after rm -f"
	run_pm 125 inspect dr
	# the name is free for the very next command
	run_pm 0 run -d --name dr "$IMG" sleep 1000
	[ "$output" != "$id" ] || die "the same id again"
	run_pm 0 rm -f -t0 dr
	is "$output" "dr"
	run_pm 0 ps -aq
	is "$output" ""
}

@test "rm -f -t0: the died event says 137, then the container is removed" {
	run_pm 0 run -d --network none --name dr "$IMG" sleep 1000
	run_pm 0 rm -f -t0 dr
	run timeout "$PM_TIMEOUT" "${PM_CMD[@]}" events --stream=false --filter container=dr \
		--filter event=died --format '{{.ContainerExitCode}}'
	is "$status" "0" "events (output: $output)"
	is "${lines[-1]}" "137" "killed by rm -f: 137"
	run timeout "$PM_TIMEOUT" "${PM_CMD[@]}" events --stream=false --filter container=dr \
		--filter event=remove --format '{{.Status}}'
	is "${lines[-1]}" "remove"
}

@test "rm -f leaves no process, no mount and nothing in the store" {
	skip_if_podman "pm's processes and store layout"
	run_pm 0 run -d --network none --name dr "$IMG" sleep 1000
	local id=$output
	[ -n "$(procs_of "$id")" ] || die "no monitor of dr"
	run_pm 0 rm -f -t0 dr
	is "$(procs_of "$id")" "" "no process of dr left when rm -f returns"
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_not_contains "$output" "$id" "no mount of dr left"
	pm_store_settled
	is "$(find "$STORE/containers" "$STORE/db/containers" "$STORE/tmp" -mindepth 1 | wc -l)" "0" \
		"no container dir, record or temp dir is left"
	is "$(find "$STORE/db/names" -mindepth 1 -name dr | wc -l)" "0" "the name entry is gone"
}

@test "rm -f of several running containers at once: all gone, each printed" {
	local i
	for i in 1 2 3; do run_pm 0 run -d --network none --name "dr$i" "$IMG" sleep 1000; done
	run_pm 0 rm -f -t0 dr1 dr2 dr3
	# podman removes them in parallel: any order
	is "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" "dr1 dr2 dr3 " "each printed once"
	run_pm 0 ps -aq
	is "$output" ""
}

@test "crash mid-rm of a running container: the next rm -f removes what is left" {
	skip_if_podman "pm's crash points"
	run_pm 0 run -d --network none --name dr "$IMG" sleep 1000
	local id=$output
	PM_CRASH_POINT=mid-rm run_pm 137 rm -f -t0 dr
	is "$(procs_of "$id")" "" "the container was ended before the crash"
	run_pm 0 rm -f -t0 dr
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
	run_pm 0 run -d --network none --name dr "$IMG" sleep 1000
	run_pm 0 rm -f -t0 dr
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_not_contains "$output" "$id" "no mount of the crashed one left"
	pm_store_settled
	is "$(find "$STORE/containers" "$STORE/db/containers" "$STORE/tmp" -mindepth 1 | wc -l)" "0" \
		"nothing left in the store"
}

@test "run -d: the command syncs nothing, the detached monitor makes the record durable" {
	skip_if_podman "pm's system calls"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	local t=$BATS_TEST_TMPDIR/trace
	# followed to the end: the monitor (pm-monitor after its execve) lives as long as the
	# container, 2 s; -y names each fsync's file
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -y -o "$t" \
		-e trace=execve,fsync,fdatasync,syncfs "${PM_CMD[@]}" run -d --network none \
		--name dr "$IMG" sleep 2
	is "$status" "0" "run -d under strace (output: $output)"
	local id=${lines[-1]} cli mon
	# the first line: the cli's own execve
	cli=$(awk 'NR == 1 { print $1 }' "$t")
	is "$(grep -cE "^$cli +(fsync|fdatasync|syncfs)\(" "$t" || true)" "0" \
		"run -d itself syncs nothing: $(grep "^$cli " "$t" | head -5)"
	mon=$(awk '/execve\(".*pm-monitor"/ { print $1; exit }' "$t")
	[ -n "$mon" ] || die "no pm-monitor in the trace: $(cat "$t")"
	# the record (config.json) and the root (storage.json), by pm-monitor itself
	grep -qE "^$mon +fsync\([0-9]+<[^>]*/$id/config\.json>\) += 0" "$t" ||
		die "the monitor did not sync the record: $(grep "^$mon " "$t")"
	grep -qE "^$mon +fsync\([0-9]+<[^>]*/$id/storage\.json>\) += 0" "$t" ||
		die "the monitor did not sync the root: $(grep "^$mon " "$t")"
	# the container ran its 2 s under that monitor, which recorded its end
	run_pm 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' dr
	same "$output" "exited 0"
	run_pm 0 rm -f -t0 dr
}

@test "run -d of a command that ends at once: the monitor still syncs the record" {
	skip_if_podman "pm's system calls"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	local t=$BATS_TEST_TMPDIR/trace
	# the container may end before the monitor's grace period: then the sync is done at
	# its end, before the exit command
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -y -o "$t" \
		-e trace=execve,fsync "${PM_CMD[@]}" run -d --network none --name de "$IMG" true
	is "$status" "0" "run -d under strace (output: $output)"
	local id=${lines[-1]} mon
	mon=$(awk '/execve\(".*pm-monitor"/ { print $1; exit }' "$t")
	[ -n "$mon" ] || die "no pm-monitor in the trace: $(cat "$t")"
	grep -qE "^$mon +fsync\([0-9]+<[^>]*/$id/config\.json>\) += 0" "$t" ||
		die "the monitor did not sync the record: $(grep "^$mon " "$t")"
	run_pm 0 wait de
	run_pm 0 rm de
}

@test "create (no monitor) still syncs its record" {
	skip_if_podman "pm's system calls"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	local t=$BATS_TEST_TMPDIR/trace
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$t" -e trace=fsync \
		"${PM_CMD[@]}" create --network none --name dc "$IMG" true
	is "$status" "0" "create under strace (output: $output)"
	local syncs
	syncs=$(grep -cE '^[0-9]+ +fsync\(' "$t" || true)
	[ "$syncs" -ge 2 ] || die "create's record is not synced ($syncs fsync calls)"
	run_pm 0 rm dc
}

@test "rm -f of a running container waits for no child process of its own" {
	skip_if_podman "pm's system calls"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	local t=$BATS_TEST_TMPDIR/trace
	run_pm 0 run -d --network none --name dr "$IMG" sleep 1000
	local id=$output
	# no -f: the rm process alone; the deletes and the unmount's sync go on in children
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -qq -o "$t" -e trace=wait4,waitid \
		"${PM_CMD[@]}" rm -f -t0 dr
	is "$status" "0" "rm -f under strace (output: $output)"
	is "$output" "dr"
	is "$(grep -cE '^(wait4|waitid)\(' "$t" || true)" "0" \
		"rm -f waits for no child: $(cat "$t")"
	is "$(procs_of "$id")" "" "no process of dr left"
	pm_store_settled
	is "$(find "$STORE/containers" "$STORE/db/containers" -mindepth 1 | wc -l)" "0" \
		"the detached deletes finished"
}

@test "run -d + rm -f: state.json is swapped with its spare, two files made for three writes" {
	skip_if_podman "pm's system calls"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	local t=$BATS_TEST_TMPDIR/trace
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -b execve -o "$t" \
		-e trace=%file "${PM_CMD[@]}" run -d --network none --name dr "$IMG" sleep 1000
	is "$status" "0" "run -d under strace (output: $output)"
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$t.rm" -e trace=%file \
		"${PM_CMD[@]}" rm -f -t0 dr
	is "$status" "0" "rm -f under strace (output: $output)"
	cat "$t.rm" >>"$t"
	# created, starting, running (the monitor), each a whole document; rm -f writes no
	# "exited" into a record it removes next (its events say 137)
	local writes
	writes=$(grep -E 'rename(at2)?\(.*/state\.json"' "$t" | grep -vc ENOENT || true)
	is "$writes" "3" "state.json written once per transition: $(grep 'state\.json' "$t")"
	# an ext4 inode each costs a scan of every inode freed lately: the first state and its
	# spare, then the two swap places (renameat2 RENAME_EXCHANGE)
	local made
	made=$(grep -E 'open(at)?\(.*/\.state\.json\.[a-z]+[A-Za-z0-9]*", [^)]*O_CREAT' "$t" |
		grep -vc ENOENT || true)
	is "$made" "2" "state.json's new files: $(grep 'state\.json' "$t")"
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
}

@test "ext4: the store's trees of containers are spread over block groups (chattr +T)" {
	skip_if_podman "pm's store layout"
	command -v lsattr >/dev/null || skip "lsattr not installed (e2fsprogs)"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	[ "$(stat -f -c %T "$XDG_DATA_HOME")" = ext2/ext3 ] || skip "not ext4 here"
	run_pm 0 run -d --network none --name dr "$IMG" sleep 1000
	run_pm 0 rm -f -t0 dr
	# a new inode goes to its parent's block group and skips every inode freed there in the
	# last minutes (no journal): each container's dirs and files are away from a busy one
	local d
	for d in "$STORE" "$STORE/containers" "$STORE/tmp" "$STORE/db/containers"; do
		run lsattr -d "$d"
		is "$status" "0" "lsattr $d ($output)"
		assert_contains "${output%% *}" "T" "$d is an Orlov top dir"
	done
	# an existing store is left as it is: nothing set again on the next command
	local t=$BATS_TEST_TMPDIR/trace
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -b execve -o "$t" -e trace=ioctl \
		"${PM_CMD[@]}" run -d --network none --name dr "$IMG" sleep 1000
	is "$status" "0" "run -d under strace (output: $output)"
	is "$(grep -c 'FS_IOC_SETFLAGS' "$t" || true)" "0" "no flags set: $(cat "$t")"
	run_pm 0 rm -f -t0 dr
}
