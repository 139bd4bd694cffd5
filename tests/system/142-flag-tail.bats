#!/usr/bin/env bats
# 142-flag-tail: the tail of podman 4.3.1's flags and behaviours for commands pm has: rmi of a
# mounted image, kube play's --log-opt/--ip/--mac-address/--build, container cleanup, mount
# --format, update's flags, pod create --cgroupns, clone --pod, push's signing flags,
# containers.conf's cgroupns, the createContainer/startContainer hook stages. Each flag by
# its effect, error paths by podman's messages. Runs as the unprivileged test user; also
# against podman (PM="podman --runtime runc"); pm-only tests say so.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

@test "rmi: a mounted image (image mount) is unmounted and deleted, as podman's" {
	pm_load_test_image
	run_pm 0 unshare sh -c "${PM_CMD[*]} image mount $IMG && ${PM_CMD[*]} image mount $IMG >/dev/null &&
		${PM_CMD[*]} rmi $IMG && ${PM_CMD[*]} image mount | wc -l &&
		grep -cF '$XDG_DATA_HOME' /proc/self/mountinfo; true"
	assert_contains "$output" "Untagged: $IMG" "rmi untagged it"
	assert_contains "$output" "Deleted: " "rmi deleted it"
	is "${lines[-2]}" "0" "image mount lists nothing after rmi"
	is "${lines[-1]}" "0" "no mount left under the storage"
	run_pm 0 images -q
	is "$output" "" "the image is gone"
}
