#!/usr/bin/env bats
# 099-startup: a `run --rm` does no repeated work and stays off the disk (issue #20):
# directories are made once (no mkdir fails with EEXIST), storage.conf is looked up once
# per open of the store, nothing of a --rm container is fsynced, its overlay is mounted
# "volatile", and it leaves nothing in the store when it is gone. Counts of system calls
# (strace), never timings. pm's own: podman's start-up has none of these properties.

load helpers

setup() {
	basic_setup
	skip_if_podman "pm's start-up system calls"
	command -v strace >/dev/null || skip "strace not installed (make deps)"
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	STORE=$XDG_DATA_HOME/pm/storage
}

# trace OUT ARGS...: pm ARGS under strace -f (file calls and syncs), the trace in OUT
trace() {
	local out=$1
	shift
	# a sanitized build: LeakSanitizer cannot work under ptrace, and a log_path makes the
	# sanitizers mkdir its parents: reports go to stderr (the output) for these runs
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run timeout 60 strace -f -qq -o "$out" -e trace=%file,fsync,fdatasync,syncfs \
		"${PM_CMD[@]}" "$@"
	is "$status" "0" "pm $* under strace (output: $output)"
}

@test "run --rm: no failing mkdir, no fsync, storage.conf looked up once per store open" {
	local t=$BATS_TEST_TMPDIR/trace
	# the first run of a boot compiles and caches the seccomp filter
	run_pm 0 run --rm --network none "$IMG" true
	trace "$t" run --rm --network none "$IMG" true
	local eexist
	eexist=$(grep -E 'mkdir(at)?\(' "$t" | grep -c EEXIST || true)
	is "$eexist" "0" "no mkdir fails with EEXIST: $(grep EEXIST "$t" | head -5)"
	local syncs
	syncs=$(grep -cE '^[0-9]+ +(fsync|fdatasync|syncfs)\(' "$t" || true)
	is "$syncs" "0" "a --rm run syncs nothing: $(grep -E 'sync\(' "$t" | head -5)"
	local opens
	opens=$(grep -cE 'open(at)?\(.*storage\.conf' "$t" || true)
	is "$opens" "0" "storage.conf (absent) is never opened, one stat per store open"
	echo '[storage]' >"$XDG_CONFIG_HOME/pm/storage.conf" 2>/dev/null ||
		{ mkdir -p "$XDG_CONFIG_HOME/pm" && echo '[storage]' >"$XDG_CONFIG_HOME/pm/storage.conf"; }
	trace "$t" run --rm --network none "$IMG" true
	opens=$(grep -E 'open(at)?\(.*storage\.conf' "$t" | grep -cv ENOENT || true)
	is "$opens" "1" "storage.conf read once per process"
}

@test "run (kept): config.json and storage.json are still fsynced" {
	local t=$BATS_TEST_TMPDIR/trace
	trace "$t" run --network none --name keep "$IMG" true
	local syncs
	syncs=$(grep -cE '^[0-9]+ +fsync\(' "$t" || true)
	[ "$syncs" -ge 2 ] || die "a kept container's record is not synced ($syncs fsync calls)"
	run_pm 0 rm keep
}

@test "run --rm: the overlay is volatile, a kept container's is not, and nothing stays" {
	run_pm 0 run --rm --network none "$IMG" cat /proc/self/mountinfo
	local root
	root=$(awk '$5 == "/" { print }' <<<"$output" | head -1)
	[[ "$root" == *" - overlay "* ]] || skip "the root is not a native overlay: $root"
	assert_contains "$root" "volatile" "--rm: root mounted volatile"
	run_pm 0 run --network none --name keep "$IMG" cat /proc/self/mountinfo
	root=$(awk '$5 == "/" { print }' <<<"$output" | head -1)
	assert_not_contains "$root" "volatile" "a kept container's root is not volatile"
	run_pm 0 rm keep
	pm_store_settled
	is "$(find "$STORE/containers" "$STORE/db/containers" "$STORE/tmp" -mindepth 1 | wc -l)" "0" \
		"no container dir, record or temp dir is left"
}

@test "create --rm: its volatile root mounts a second time (mount, unmount, start)" {
	run_pm 0 create --rm --name twice "$IMG" cat /proc/self/mountinfo
	run_pm 0 unshare sh -c "'${PM_CMD[0]}' mount twice >/dev/null && '${PM_CMD[0]}' umount twice"
	run_pm 0 start -a twice
	assert_contains "$output" " / / " "the container ran"
}

@test "rm -f: a running container's root is unmounted without waiting for a sync" {
	local t=$BATS_TEST_TMPDIR/trace
	run_pm 0 run -d --network none --name gone "$IMG" sleep 600
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$t" -e trace=umount2 \
		"${PM_CMD[@]}" rm -f -t0 gone
	is "$status" "0" "rm -f under strace (output: $output)"
	# the kernel syncs an overlay's upper fs when its last reference goes: rm detaches the
	# mount and a process it leaves behind drops that reference
	local plain
	plain=$(grep -E 'umount2\(".*/merged", 0\)' "$t" || true)
	is "$plain" "" "no plain (syncing) unmount of the root"
	grep -qE 'umount2\(".*/merged", MNT_DETACH\) = 0' "$t" ||
		die "the root is not detached: $(cat "$t")"
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_not_contains "$output" "/merged" "no container root is left mounted"
	pm_store_settled # the deletes go on in a detached process
	is "$(find "$STORE/containers" "$STORE/db/containers" -mindepth 1 | wc -l)" "0" \
		"no container dir or record is left"
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
}

@test "run --rm: the exit code at once, and the next command never sees the container" {
	local i
	for i in 1 2 3; do
		run_pm 3 run --rm --network none --name same "$IMG" sh -c 'exit 3'
		# hidden before run returns: not listed, its name free, no root in the store
		run_pm 0 ps -a --format '{{.Names}}'
		is "$output" "" "run $i: nothing listed right after"
		run_pm 125 inspect same
		is "$(find "$STORE/containers" -mindepth 1 | wc -l)" "0" "run $i: no root in the store"
		is "$(find "$STORE/db/containers" -mindepth 1 -maxdepth 1 ! -name '*.rm' | wc -l)" "0" \
			"run $i: no record but one being deleted"
	done
	# the deletes finish in a process of their own; nothing is left, nothing stays mounted
	pm_store_settled
	is "$(find "$STORE/tmp" "$STORE/db/containers" -mindepth 1 | wc -l)" "0" "all deleted"
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_not_contains "$output" "/merged" "no container root is left mounted"
	run_pm 0 events --stream=false --filter event=remove --format '{{.Name}}'
	is "$(grep -c same <<<"$output")" "3" "a remove event each"
}

@test "seccomp: a cached filter is loaded without libseccomp; a damaged cache file is rebuilt" {
	local t=$BATS_TEST_TMPDIR/trace cache=$XDG_RUNTIME_DIR/pm/seccomp
	run_pm 0 run --rm --network none "$IMG" true
	local f
	f=$(find "$cache" -name '*.bpf' | head -1)
	[ -n "$f" ] || die "no cached filter in $cache"
	local good
	good=$(sha256sum <"$f")
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$t" -e trace=%file \
		"${PM_CMD[@]}" run --rm --network none "$IMG" true
	is "$status" "0" "run under strace (output: $output)"
	is "$(grep -cE 'open(at)?\(.*libseccomp\.so' "$t" || true)" "0" "a cache hit opens no libseccomp"
	grep -qF "$f" "$t" || die "the cache file was not read: $(grep seccomp "$t")"
	# flip one byte of the program (the key and the library line stay): not trusted
	local size
	size=$(stat -c %s "$f")
	printf '\377' | dd of="$f" bs=1 seek=$((size - 100)) conv=notrunc status=none
	[ "$(sha256sum <"$f")" != "$good" ] || die "the test did not damage the file"
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$t" -e trace=%file \
		"${PM_CMD[@]}" run --rm --network none "$IMG" true
	is "$status" "0" "run with a damaged cache (output: $output)"
	grep -qE 'open(at)?\(.*libseccomp\.so' "$t" || die "a damaged cache file was trusted"
	is "$(sha256sum <"$f")" "$good" "the damaged cache file was rebuilt"
}

@test "run --network none: the host's resolv.conf is not read, the container's is empty" {
	local t=$BATS_TEST_TMPDIR/trace
	trace "$t" run --rm --network none "$IMG" true
	is "$(grep -cE 'open(at)?\(.*"/etc/resolv\.conf"' "$t" || true)" "0" \
		"no open of the host's /etc/resolv.conf"
	run_pm 0 run --rm --network none "$IMG" wc -c /etc/resolv.conf
	assert_contains "$output" "0 /etc/resolv.conf"
}

@test "run: /dev is made relative to one fd of the new tmpfs, its nodes as before" {
	local t=$BATS_TEST_TMPDIR/trace
	trace "$t" run --rm --network none "$IMG" true
	local n
	n=$(grep -cE 'openat2\([0-9]+, "dev' "$t" || true)
	[ "$n" -le 2 ] || die "/dev resolved $n times in the root: $(grep -E 'openat2\([0-9]+, "dev' "$t")"
	run_pm 0 run --rm --network none "$IMG" sh -c \
		'ls /dev; for l in ptmx fd stdin; do readlink /dev/$l; done; echo x >/dev/null && head -c 1 /dev/zero | wc -c'
	local node
	for node in full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero; do
		assert_contains "$output" "$node" "/dev/$node"
	done
	assert_contains "$output" "pts/ptmx"
	assert_contains "$output" "/proc/self/fd"
}

@test "run: masked and read-only paths in one pass (no stat or access first), all still masked" {
	local t=$BATS_TEST_TMPDIR/trace
	trace "$t" run --rm --network none "$IMG" true
	is "$(grep -cE '(stat|access)\(.*"/(proc|sys)/' "$t" || true)" "0" \
		"no stat or access of /proc or /sys paths: $(grep -E '(stat|access)\(.*"/(proc|sys)/' "$t" | head -3)"
	run_pm 0 run --rm --network none "$IMG" sh -c 'mount; echo; ls /proc/acpi | wc -l; wc -c </proc/keys'
	assert_contains "$output" "tmpfs on /proc/acpi type tmpfs (ro"
	assert_contains "$output" " on /proc/keys "
	assert_contains "$output" "tmpfs on /sys/firmware type tmpfs (ro"
	assert_contains "$output" "proc on /proc/sys type proc (ro"
	is "$(tail -2 <<<"$output" | tr -d ' ' | tr '\n' ' ')" "0 0 " "/proc/acpi empty, /proc/keys empty"
}
