#!/usr/bin/env bats
# 090-crash: the storage crash points (lib/crashpoint.h). `PM_CRASH_POINT=STEP pm ...` dies
# by SIGKILL (137) at STEP, as a `kill -9` would; the next commands must repair: no half
# image is listed, the same command run again works, and after rm -af / rmi -af nothing is
# left in the storage root (assert_storage_clean). The run-path points (after the record,
# the monitor spawn, the network helper) and the random-kill drill (tests/crash/drill.sh,
# make check-crash) are elsewhere.

load helpers

setup() {
	basic_setup
	skip_if_podman "crash points are pm's"
}

# image_names: the names `images` lists, one per line
image_names() {
	run_pm 0 images -a --format '{{.Repository}}:{{.Tag}}'
}

@test "crash mid-commit: the layer is in, no image: next commit works, storage collected" {
	run_pm 0 import "$(pm_test_image rootfs-tar)" base
	run_pm 0 run --name w base sh -c 'echo committed >/newfile'
	PM_CRASH_POINT=mid-commit run_pm 137 commit w localhost/snap
	image_names
	assert_not_contains "$output" "snap" "a killed commit lists no image"
	run_pm 1 image exists localhost/snap
	# the killed commit left its layer and its temp dir: still there, unnamed
	[ -n "$(ls "$XDG_DATA_HOME/pm/storage/tmp")" ] || die "expected the killed commit's temp dir"

	run_pm 0 commit w localhost/snap
	run_pm 0 run --rm snap cat /newfile
	is "$output" "committed" "the commit made again carries the change"
	assert_storage_clean
}

@test "crash mid-commit: nothing committed again: rm -af, rmi -af collect the orphan layer" {
	run_pm 0 import "$(pm_test_image rootfs-tar)" base
	run_pm 0 run --name w base sh -c 'echo x >/newfile'
	PM_CRASH_POINT=mid-commit run_pm 137 commit w snap
	assert_storage_clean
}

@test "crash mid-load: no half image; load again works; storage collected" {
	PM_CRASH_POINT=mid-load run_pm 137 load -i "$(pm_test_image docker2)"
	image_names
	is "$output" "" "a killed load lists no image"
	run_pm 125 run --rm "$(pm_test_image name2)" true
	run_pm 0 load -i "$(pm_test_image docker2)"
	run_pm 0 run --rm "$(pm_test_image name2)" cat /hello
	run_pm 0 image exists "$(pm_test_image name2)"
	assert_storage_clean
}

@test "crash mid-load: never loaded again: rmi -af alone collects layers and temp dirs" {
	PM_CRASH_POINT=mid-load run_pm 137 load -i "$(pm_test_image oci2)"
	[ -n "$(ls "$XDG_DATA_HOME/pm/storage/layers")" ] || die "expected the killed load's layers"
	assert_storage_clean
}

@test "crash mid-import: no half image; import again works; storage collected" {
	PM_CRASH_POINT=mid-import run_pm 137 import "$(pm_test_image rootfs-tar)" imp
	image_names
	is "$output" "" "a killed import lists no image"
	run_pm 0 import "$(pm_test_image rootfs-tar)" imp
	run_pm 0 run --rm imp true
	assert_storage_clean
}

@test "crash mid-rmi: the record is gone, blobs and layers stay: rmi -af collects them" {
	pm_load_test_image
	PM_CRASH_POINT=mid-rmi run_pm 137 rmi "$(pm_test_image name)"
	image_names
	is "$output" "" "the image record went first"
	run_pm 1 image exists "$(pm_test_image name)"
	[ -n "$(ls "$XDG_DATA_HOME/pm/storage/blobs/sha256")" ] || die "expected orphan blobs"
	# loading it again works over the leftovers
	pm_load_test_image
	run_pm 0 run --rm "$(pm_test_image name)" true
	PM_CRASH_POINT=mid-rmi run_pm 137 rmi "$(pm_test_image name)"
	assert_storage_clean
}

@test "crash mid-rm: the rootfs is gone, the record stays: ps -a shows it, rm again works" {
	pm_load_test_image
	run_pm 0 run --name victim "$(pm_test_image name)" true
	PM_CRASH_POINT=mid-rm run_pm 137 rm victim
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "victim" "the record is still listed"
	run_pm 0 rm victim
	is "$output" "victim"
	run_pm 0 ps -a -q
	is "$output" ""
	# the name is free again
	run_pm 0 run --rm --name victim "$(pm_test_image name)" true
	assert_storage_clean
}

@test "crash repair: a layer dir without layer.json (a killed collect) is replaced on load" {
	pm_load_test_image
	local root=$XDG_DATA_HOME/pm/storage
	# what a collect killed between unlinking layer.json and removing the tree left
	# (older pm), under an image record that is gone
	run_pm 0 unshare sh -c "rm -f '$root'/layers/*/layer.json '$root'/images/*.json"
	pm_load_test_image
	run_pm 0 run --rm "$(pm_test_image name)" cat /etc/motd
	assert_storage_clean
}

@test "crash repair: a temp entry of a dead process goes, one of a live process stays" {
	pm_load_test_image
	local tmp=$XDG_DATA_HOME/pm/storage/tmp
	# a dead owner: a pid that exited (its start time cannot match again)
	sh -c 'exit 0' &
	local dead=$!
	wait "$dead"
	mkdir "$tmp/$dead.1-commit-XXdead" "$tmp/$$.$(awk '{ print $22 }' /proc/$$/stat)-load-XXlive"
	run_pm 0 rmi -af
	[ ! -e "$tmp/$dead.1-commit-XXdead" ] || die "the dead process's temp dir stayed"
	[ -e "$tmp/$$.$(awk '{ print $22 }' /proc/$$/stat)-load-XXlive" ] ||
		die "the live process's temp dir was removed"
	rm -rf "${tmp:?}"/*
	assert_storage_clean
}
