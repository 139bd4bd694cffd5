#!/usr/bin/env bats
# 047-commit: a container's root filesystem as a thing of its own: import -> run -> commit
# -> run the committed image and see the change; a deleted file stays deleted (whiteout) in
# the committed image; --change; diff (A/C/D, --format json); export (-o FILE, stdout);
# mount / unmount (seen from pm unshare).

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	skip_if_podman "rootless podman needs podman unshare for mount; commit is slow there"
	run_pm 0 import "$(pm_test_image rootfs-tar)" base
}

@test "commit: import -> run -> commit -> run sees the change; a deletion stays deleted" {
	run_pm 0 run --name work base sh -c \
		'echo committed-content >/newfile; rm /etc/motd; mkdir -p /data/sub; echo x >/data/sub/f'
	run_pm_split 0 commit work localhost/committed
	is "$output" "[0-9a-f]{64}" "commit prints the new image id"
	new_id=$output
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}' localhost/committed
	is "$output" "localhost/committed:latest"

	run_pm 0 run --rm committed cat /newfile /data/sub/f
	is "$output" "committed-content
x" "the committed image carries the new files"
	run_pm 1 run --rm committed test -e /etc/motd
	run_pm 0 run --rm committed sh -c 'ls /etc | grep -c "^passwd$"'
	is "$output" "1" "the rest of /etc is still there"
	run_pm 0 run --rm base test -e /etc/motd
	is "$output" "" "the base image is unchanged"

	# a container of the committed image deletes a committed file: commit again
	run_pm 0 run --name work2 committed rm /newfile
	run_pm 0 commit work2 third
	run_pm 1 run --rm third test -e /newfile
	run_pm 0 run --rm third cat /data/sub/f
	is "$output" "x"

	run_pm 0 inspect --format '{{.Id}}' committed
	is "$output" "$new_id"
}

@test "commit: --change sets the config, --message, errors" {
	run_pm 0 run --name w base sh -c 'echo hi >/greeting'
	run_pm 0 commit --change 'CMD ["cat", "/greeting"]' --change 'ENV GREETING=yes' \
		-m "a message" w withcmd
	run_pm 0 run --rm withcmd
	is "$output" "hi" "CMD from --change"
	run_pm 0 run --rm withcmd sh -c 'echo $GREETING'
	is "$output" "yes" "ENV from --change"
	run_pm 0 commit -q w
	is "$output" "[0-9a-f]{64}" "an unnamed commit"

	run_pm_split 125 commit nosuch img
	is "$stderr" 'Error: no container with name or ID "nosuch" found: no such container'
	run_pm_split 125 commit --change 'RUN make' w x
	assert_contains "$stderr" "RUN"
	run_pm_split 125 commit
	is "$stderr" "Error: accepts between 1 and 2 arg\(s\), received 0"
}

@test "diff: A, C and D, --format json" {
	run_pm 0 run --name d base sh -c 'touch /added; rm /etc/motd; echo >>/etc/passwd'
	run_pm 0 diff d
	assert_contains "$output" "A /added"
	assert_contains "$output" "D /etc/motd"
	assert_contains "$output" "C /etc/passwd"
	assert_contains "$output" "C /etc"
	run_pm 0 container diff --format json d
	is "$(jq -r '.added | index("/added") != null' <<<"$output")" "true"
	is "$(jq -r '.deleted | index("/etc/motd") != null' <<<"$output")" "true"
	is "$(jq -r '.changed | index("/etc/passwd") != null' <<<"$output")" "true"
	run_pm_split 125 diff nosuch
	is "$stderr" "Error: nosuch not found: layer not known" "podman's words (neither a container nor an image)"
}

@test "export: the merged tree to a file and to stdout" {
	run_pm 0 run --name e base sh -c 'echo exported >/etc/new.conf; rm /etc/motd'
	run_pm 0 export -o "$BATS_TEST_TMPDIR/e.tar" e
	tar -tf "$BATS_TEST_TMPDIR/e.tar" >"$BATS_TEST_TMPDIR/list"
	grep -qx 'etc/new.conf\|./etc/new.conf' "$BATS_TEST_TMPDIR/list" || die "new file not exported"
	grep -qx 'bin/busybox\|./bin/busybox' "$BATS_TEST_TMPDIR/list" || die "image files not exported"
	! grep -q 'etc/motd' "$BATS_TEST_TMPDIR/list" || die "deleted file exported"
	! grep -q '\.wh\.' "$BATS_TEST_TMPDIR/list" || die "whiteouts exported"
	is "$(tar -xOf "$BATS_TEST_TMPDIR/e.tar" etc/new.conf 2>/dev/null ||
		tar -xOf "$BATS_TEST_TMPDIR/e.tar" ./etc/new.conf)" "exported"

	"${PM_CMD[@]}" container export e >"$BATS_TEST_TMPDIR/e2.tar"
	tar -tf "$BATS_TEST_TMPDIR/e2.tar" | grep -q 'etc/new.conf' || die "stdout export"
	# the export released the mount it took
	run_pm 0 mount
	is "$output" "" "nothing left mounted"
	# and a round trip: the export imports as an image
	run_pm 0 import "$BATS_TEST_TMPDIR/e.tar" roundtrip
	run_pm 0 run --rm roundtrip cat /etc/new.conf
	is "$output" "exported"
	run_pm_split 125 export -o "$BATS_TEST_TMPDIR/x.tar" nosuch
	assert_contains "$stderr" "no such container"
	[ ! -e "$BATS_TEST_TMPDIR/x.tar" ] || die "a failed export left a file"
}

@test "mount / unmount: the rootfs seen from pm unshare" {
	run_pm 0 run --name m base sh -c 'echo inside >/marker'
	run_pm 0 mount m
	mp=$output
	is "$mp" "/.*/merged" "mount prints the mount point"
	run_pm 0 unshare cat "$mp/marker"
	is "$output" "inside" "the merged tree holds the container's files"
	run_pm 0 mount
	is "$output" "[0-9a-f]{12}  $mp" "mount lists what is mounted"
	run_pm 0 container mount --no-trunc
	is "$output" "[0-9a-f]{64}  $mp"
	run_pm 0 unmount m
	is "$output" "[0-9a-f]{64}" "unmount prints the id"
	run_pm 0 mount
	is "$output" "" "nothing mounted"
	run_pm 1 unshare test -e "$mp/marker"
	run_pm 0 mount m
	run_pm 0 umount -a
	run_pm 0 mount
	is "$output" ""
	run_pm_split 125 unmount
	assert_contains "$stderr" "must be specified unless --all"
}

@test "mount / unmount -a / export: a storage root with a space in its path" {
	# /proc/self/mountinfo writes the space as \040: pm asks the file system instead
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/da ta"
	mkdir -p "$XDG_DATA_HOME"
	run_pm 0 import "$(pm_test_image rootfs-tar)" base
	run_pm 0 run --name sp base sh -c 'echo spaced >/marker'
	run_pm 0 mount sp
	mp=$output
	assert_contains "$mp" "/da ta/"
	run_pm 0 mount
	is "$output" "[0-9a-f]{12}  $mp" "mount lists the container under a root with a space"
	# export of a mounted container leaves it mounted
	run_pm 0 export -o "$BATS_TEST_TMPDIR/sp.tar" sp
	tar -tf "$BATS_TEST_TMPDIR/sp.tar" | grep -qx 'marker' || die "marker not in the export"
	run_pm 0 mount
	is "$output" "[0-9a-f]{12}  $mp" "still mounted after export"
	run_pm 0 unmount -a
	is "$output" "[0-9a-f]{64}" "unmount -a finds it mounted"
	run_pm 0 mount
	is "$output" "" "nothing mounted"
	run_pm 0 rm sp
}
