#!/usr/bin/env bats
# 031-run-image: pm run from a stored image: the image's config shapes the container, the
# overlay rootfs shows every layer (whiteouts included), the exit code propagates, and a
# run that cannot start leaves no container, root filesystem or mount behind.

# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image docker2)"
	IMG=localhost/busybox2:latest
}

# pm's own bookkeeping: how many container records and root filesystems exist.
# (records: once the deletes rm and run --rm leave to a detached process are done)
records() {
	pm_store_settled
	find "$XDG_DATA_HOME/pm/storage/db/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}
rootfses() { find "$XDG_DATA_HOME/pm/storage/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

@test "run IMAGE: the layers are merged, whiteouts hide deleted files" {
	run_pm 0 run --rm "$IMG" sh -c 'cat /hello; test -e /etc/motd && echo motd-present || echo motd-gone'
	assert_contains "$output" "hello from layer 2"
	assert_contains "$output" "motd-gone"
}

@test "run IMAGE: the image's Env, Cmd and WorkingDir apply; -e and -w override" {
	run_pm 0 run --rm "$IMG" sh -c 'echo "$PATH"; pwd'
	is "${lines[0]}" "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "image PATH"
	is "${lines[1]}" "/" "image WorkingDir"
	run_pm 0 run --rm -e PATH=/bin -w /tmp "$IMG" sh -c 'echo "$PATH"; pwd'
	is "${lines[0]}" "/bin"
	is "${lines[1]}" "/tmp"
	# no command: the image's Cmd (sh) reads stdin
	run_pm 0 run --rm -i "$IMG" <<<'echo from-image-cmd'
	is "$output" "from-image-cmd"
}

@test "run IMAGE: the exit code propagates; stdout and stderr stay apart" {
	run_pm 7 run --rm "$IMG" sh -c 'exit 7'
	run_pm_split 0 run --rm "$IMG" sh -c 'echo out; echo err >&2'
	is "$output" "out" "stdout"
	# shellcheck disable=SC2154 # set by run_pm_split
	is "$stderr" "err" "stderr"
}

@test "run --rm leaves no container and no root filesystem" {
	skip_if_podman "looks at pm's store"
	run_pm 0 run --rm "$IMG" true
	is "$(rootfses)" "0" "root filesystems (moved aside before run returns)"
	is "$(records)" "0" "container records"
}

@test "run without --rm keeps an exited container with its exit code, unmounted" {
	skip_if_podman "looks at pm's store"
	run_pm 3 run --name keep "$IMG" sh -c 'exit 3'
	is "$(records)" "1" "container records"
	local state
	state=$(cat "$XDG_DATA_HOME"/pm/storage/db/containers/*/state.json)
	is "$(jq -r .Status <<<"$state")" "exited"
	is "$(jq -r .ExitCode <<<"$state")" "3"
	is "$(jq -r '.Mountpoint // "none"' <<<"$state")" "none"
	grep -q "$XDG_DATA_HOME" /proc/self/mountinfo && die "a mount is left under $XDG_DATA_HOME"
	# the name stays taken while the container exists
	run_pm 125 run --name keep "$IMG" true
	assert_contains "$output" '"keep" is already in use'
	is "$(records)" "1" "still one record"
	rm_all_containers
}

# podman keeps a "created" container after a failed start; pm leaves nothing (issue 4).
@test "run: a command that is not found is 127 and leaves nothing" {
	run_pm 127 run --name gone "$IMG" /no/such/cmd
	assert_contains "$output" "/no/such/cmd"
	if is_podman; then
		run_pm 0 rm -a -f
	else
		is "$(records)" "0" "container records"
		is "$(rootfses)" "0" "root filesystems"
	fi
	# the name is free again
	run_pm 0 run --rm --name gone "$IMG" true
}

@test "run: a command that cannot be invoked is 126 and leaves nothing" {
	run_pm 126 run --name dir "$IMG" /etc
	if is_podman; then
		run_pm 0 rm -a -f
	else
		is "$(records)" "0" "container records"
		is "$(rootfses)" "0" "root filesystems"
	fi
}

@test "run: an unknown image is 125 naming it, and nothing is created" {
	run_pm 125 run --rm localhost/nosuchimage:latest true
	assert_contains "$output" "nosuchimage"
	is "$(grep -c '^Error: ' <<<"$output")" "1" "one error line"
	if ! is_podman; then
		is "$(records)" "0" "container records"
	fi
}

@test "run/create --pull=never: a missing image is podman's 'image not known'" {
	# shellcheck disable=SC2154 # set by run_pm_split
	run_pm_split 125 run --rm --pull=never localhost/nosuchimage:latest true
	is "$stderr" "Error: localhost/nosuchimage:latest: image not known"
	run_pm_split 125 create --pull=never nosuch
	is "$stderr" "Error: nosuch: image not known"
	if ! is_podman; then
		is "$(records)" "0" "container records"
	fi
	# a tag may have capitals: that one is just not there
	run_pm_split 125 run --rm --pull=never busybox2:Latest true
	assert_contains "$stderr" "busybox2:Latest: image not known"
}

@test "run/create: an upper-case repository name is podman's 'must be lowercase'" {
	run_pm 125 run --rm Busybox2 true
	is "$output" "Error: repository name must be lowercase"
	run_pm 125 run --rm localhost/BusyBox2:latest true
	is "$output" "Error: repository name must be lowercase"
	run_pm 125 create Busybox2
	is "$output" "Error: repository name must be lowercase"
	if ! is_podman; then
		is "$(records)" "0" "container records"
	fi
}

@test "run: an invalid --name is 125 naming it" {
	run_pm 125 run --rm --name 'bad/name' "$IMG" true
	assert_contains "$output" "names must match"
	# podman does not say which name; pm does
	is_podman || assert_contains "$output" "bad/name"
}

@test "run: a short name and an id prefix find the image" {
	run_pm 0 run --rm busybox2 true
	run_pm 0 image inspect --format '{{.Id}}' "$IMG"
	local id=$output
	[ ${#id} -ge 12 ] || die "no image id from inspect: '$id'"
	run_pm 0 run --rm "${id:0:12}" true
}

@test "run: files written by root in a volume belong to the user on the host" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir "$vol"
	run_pm 0 run --rm -v "$vol:/data" "$IMG" sh -c 'echo x > /data/f; chown 0:0 /data/f'
	is "$(stat -c %u "$vol/f")" "$(id -u)" "owner on the host"
}

# Remove what a test left (until pm rm exists this clears pm's own store directly).
rm_all_containers() {
	if "${PM_CMD[@]}" rm --help >/dev/null 2>&1; then
		run_pm 0 rm -a -f
	else
		local d
		for d in "$XDG_DATA_HOME"/pm/storage/db/containers/*; do
			[ -d "$d" ] || continue
			rm -rf "$d"
		done
		rm -rf "$XDG_DATA_HOME/pm/storage/db/names"
		"${PM_CMD[@]}" unshare rm -rf "$XDG_DATA_HOME/pm/storage/containers" || true
	fi
}

@test "run -v with conflicting options: podman's message, exit 125, nothing created" {
	run_pm 125 run -v /tmp:/x:ro,rw "$IMG" true
	is "$output" "Error: invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option"
	run_pm 125 create -v /tmp:/x:nosuid,suid "$IMG" true
	is "$output" "Error: invalid options \"nosuid, suid\", can only specify 1 'nosuid' or 'suid' option"
	run_pm 0 ps -a -q
	is "$output" "" "no container"
}

@test "run --mount with an option given twice: exit 125 naming it, nothing created" {
	run_pm 125 run --mount type=bind,src=/tmp,dst=/x,ro,rw "$IMG" true
	assert_contains "$output" "cannot pass 'readonly', 'ro', or 'rw' options more than once"
	is "${#lines[@]}" 1 "one line"
	run_pm 125 create --mount type=bind,src=/tmp,dst=/x,readonly=true,readonly=false "$IMG" true
	assert_contains "$output" "cannot pass 'readonly', 'ro', or 'rw' options more than once"
	run_pm 125 run --mount type=bind,src=/tmp,dst=/x,nosuid,suid "$IMG" true
	assert_contains "$output" "cannot pass 'nosuid' and 'suid' options more than once"
	run_pm 0 run --rm --mount type=bind,src=/tmp,dst=/x,ro=false "$IMG" true
	run_pm 0 ps -a -q
	is "$output" "" "no container"
}

@test "run -v SRC:/ is refused naming the destination" {
	skip_if_podman "podman 4.3 creates it and fails at start with the runtime's words"
	run_pm 125 run -v /tmp:/ "$IMG" true
	is "$output" "Error: -v '/tmp:/': invalid container path '/': cannot mount over the container's root directory"
	run_pm 125 run -v vol1:/bin/.. "$IMG" true
	assert_contains "$output" "invalid container path '/bin/..'"
	run_pm 0 volume ls -q
	is "$output" "" "no volume"
	run_pm 0 ps -a -q
	is "$output" "" "no container"
}
