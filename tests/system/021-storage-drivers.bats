#!/usr/bin/env bats
# 021-storage-drivers: every container root filesystem driver does the same job: native
# overlay, fuse-overlayfs (storage.conf mount_program, or automatically when the remembered
# overlay probe says native overlay does not work) and vfs (--storage-driver or
# storage.conf). For each: run sees the image (a layer-2 whiteout hides /etc/motd), commit
# keeps changes and deletions, info names the driver. fuse mounts go away with the
# container. Bad configuration -> 125 naming the value.

# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	skip_if_podman "pm's storage drivers"
	run_pm 0 load -i "$(pm_test_image docker2)"
}

FUSE=/usr/bin/fuse-overlayfs

use_conf() {
	mkdir -p "$XDG_CONFIG_HOME/pm"
	printf '%s\n' "$@" >"$XDG_CONFIG_HOME/pm/storage.conf"
}

use_fuse() {
	skip_if_missing fuse-overlayfs
	[ -w /dev/fuse ] || skip "/dev/fuse is not usable"
	use_conf '[storage]' 'driver = "overlay"' '' '[storage.options.overlay]' \
		"mount_program = \"$FUSE\""
}

# native overlay "does not work": the probe's remembered answer, written before first use
use_probe_no() {
	skip_if_missing fuse-overlayfs
	[ -w /dev/fuse ] || skip "/dev/fuse is not usable"
	mkdir -p "$XDG_DATA_HOME/pm/storage"
	echo '{"native": false, "detail": "injected by the test"}' \
		>"$XDG_DATA_HOME/pm/storage/overlay-probe.json"
}

# check_driver [GLOBAL_OPTS...]: the common proof for whatever driver is configured
check_driver() {
	run_pm 0 "$@" run --rm busybox2 cat /hello
	is "$output" "hello from layer 2" "a file of layer 2"
	run_pm 1 "$@" run --rm busybox2 test -e /etc/motd
	run_pm 0 "$@" run --rm busybox2 test -e /etc/passwd

	run_pm 0 "$@" run --name work busybox2 sh -c \
		'echo new >/newfile; rm /etc/passwd; echo more >>/etc/group; mkdir -p /d/s; echo x >/d/s/f;
		rm -rf /home; mkdir -p /home/new'
	run_pm 0 "$@" diff work
	assert_contains "$output" "A /newfile"
	assert_contains "$output" "D /etc/passwd"
	assert_contains "$output" "C /etc/group"
	assert_contains "$output" "C /etc"
	assert_contains "$output" "A /d/s/f"
	assert_contains "$output" "A /home/new"
	assert_not_contains "$output" "/etc/motd" "the image's own whiteout is no change"
	assert_not_contains "$output" "/hello" "unchanged files are not listed"
	run_pm 0 "$@" commit work localhost/committed
	run_pm 0 "$@" run --rm committed sh -c 'cat /newfile /d/s/f; tail -n1 /etc/group'
	is "$output" "new
x
more" "the committed image carries the changes"
	run_pm 1 "$@" run --rm committed test -e /etc/passwd
	run_pm 1 "$@" run --rm committed test -e /etc/motd
	run_pm 0 "$@" run --rm committed cat /hello
	run_pm 0 "$@" run --rm committed ls /home
	is "$output" "new" "a replaced directory is opaque in the committed image"

	# a second generation: delete a committed file
	run_pm 0 "$@" run --name work2 committed rm /newfile
	run_pm 0 "$@" commit work2 third
	run_pm 1 "$@" run --rm third test -e /newfile
	run_pm 0 "$@" run --rm third cat /d/s/f
	is "$output" "x"

	run_pm 0 "$@" export -o "$BATS_TEST_TMPDIR/work.tar" work
	tar -tf "$BATS_TEST_TMPDIR/work.tar" >"$BATS_TEST_TMPDIR/work.list"
	grep -qx 'newfile' "$BATS_TEST_TMPDIR/work.list" || die "export lacks /newfile"
	grep -qx 'hello' "$BATS_TEST_TMPDIR/work.list" || die "export lacks /hello"
	! grep -q 'etc/passwd' "$BATS_TEST_TMPDIR/work.list" || die "export has deleted /etc/passwd"
	! grep -q 'etc/motd' "$BATS_TEST_TMPDIR/work.list" || die "export has whited-out /etc/motd"
	run_pm 0 "$@" rm work work2
}

ctr_driver() {
	jq -r .driver "$XDG_DATA_HOME/pm/storage/containers/$1/storage.json"
}

fuse_mounts() {
	"${PM_CMD[@]}" unshare cat /proc/self/mountinfo | grep -c 'fuse.fuse-overlayfs' || true
}

# fuse-overlayfs daemons of this test (its environ is not readable from outside the user
# namespace; its command line names our storage)
fuse_procs() {
	local p n=0
	for p in $(pgrep -x fuse-overlayfs); do
		tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -q "$XDG_DATA_HOME/" &&
			n=$((n + 1))
	done
	echo "$n"
}

@test "driver: native overlay (default here)" {
	run_pm 0 info --format '{{.Store.GraphDriverName}}'
	is "$output" "overlay"
	check_driver
	run_pm 0 create --name c busybox2 true
	id=$(jq -r .Id <<<"$($PM inspect c | jq '.[0]')")
	is "$(ctr_driver "$id")" "overlay"
}

@test "driver: fuse-overlayfs via storage.conf mount_program" {
	use_fuse
	run_pm 0 info --format '{{.Store.GraphDriverName}}'
	is "$output" "overlay"
	run_pm 0 info --format '{{json .Store.GraphOptions}}'
	assert_contains "$output" "$FUSE"
	check_driver

	# a mounted container: a fuse mount in pm's namespace, gone after rm with its daemon
	run_pm 0 create --name m busybox2 true
	id=$(jq -r '.[0].Id' <<<"$($PM inspect m)")
	is "$(ctr_driver "$id")" "fuse-overlayfs"
	run_pm 0 mount m
	mp=$output
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_contains "$output" "$mp "
	grep "$mp " <<<"$output" | grep -q 'fuse.fuse-overlayfs' || die "$mp is not a fuse mount"
	run_pm 0 unshare cat "$mp/hello"
	is "$output" "hello from layer 2"
	run_pm 1 unshare test -e "$mp/etc/motd"
	is "$(fuse_procs)" "1" "one fuse-overlayfs daemon for the mounted container"
	run_pm 0 rm m
	is "$(fuse_mounts)" "0" "nothing mounted after rm"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(fuse_procs)" = 0 ] && break
		sleep 0.2
	done
	is "$(fuse_procs)" "0" "no fuse-overlayfs process left"
}

@test "driver: the probe says no native overlay -> fuse-overlayfs automatically" {
	use_probe_no
	run_pm 0 create --name p busybox2 true
	id=$(jq -r '.[0].Id' <<<"$($PM inspect p)")
	is "$(ctr_driver "$id")" "fuse-overlayfs" "the driver recorded for the container"
	run_pm 0 info --format '{{json .Store.OverlayInUserNamespace}}'
	assert_contains "$output" "injected by the test"
	run_pm 0 rm p
	check_driver
	is "$(fuse_mounts)" "0" "nothing mounted after rm"
	is "$(fuse_procs)" "0" "no fuse-overlayfs process left"
}

@test "driver: vfs via --storage-driver" {
	run_pm 0 --storage-driver vfs info --format '{{.Store.GraphDriverName}}'
	is "$output" "vfs"
	check_driver --storage-driver vfs
	run_pm 0 --storage-driver vfs create --name v busybox2 true
	id=$(jq -r '.[0].Id' <<<"$($PM inspect v)")
	is "$(ctr_driver "$id")" "vfs"
	[ -f "$XDG_DATA_HOME/pm/storage/containers/$id/rootfs/hello" ] || die "vfs copies the tree"
}

@test "driver: vfs via storage.conf" {
	use_conf '[storage]' 'driver = "vfs"'
	run_pm 0 info --format '{{.Store.GraphDriverName}}'
	is "$output" "vfs"
	check_driver
}

@test "driver: a bad driver name or a missing mount_program -> 125 naming it" {
	run_pm 125 --storage-driver zfs images
	assert_contains "$output" "'zfs'"
	use_conf '[storage]' 'driver = "btrfs"'
	run_pm 125 run --rm busybox2 true
	assert_contains "$output" "'btrfs'"
	assert_contains "$output" "storage.conf"
	use_conf '[storage]' 'driver = "overlay"' '[storage.options.overlay]' \
		'mount_program = "/nonexistent/fuse-overlayfs"'
	run_pm 125 run --rm busybox2 true
	assert_contains "$output" "mount_program '/nonexistent/fuse-overlayfs'"
}

@test "driver: a failing fuse-overlayfs is quoted by the line that says why, with what to do" {
	local fake=$BATS_TEST_TMPDIR/fake-fuse-overlayfs
	printf '#!/bin/sh\necho "unknown argument ignored: lazytime" >&2\necho "fuse: device not found, try '"'modprobe fuse'"' first" >&2\necho "fuse-overlayfs: cannot mount" >&2\nexit 1\n' >"$fake"
	chmod 0755 "$fake"
	use_conf '[storage]' 'driver = "overlay"' '' '[storage.options.overlay]' \
		"mount_program = \"$fake\""
	run_pm 125 run --rm busybox2 true
	is "$output" "Error: .*$fake failed to mount '.*' \\(exit 1\\): fuse: device not found, try 'modprobe fuse' first; run 'pm doctor' to check the host"
	assert_not_contains "$output" "lazytime"
}
