#!/usr/bin/env bats
# 102-tail-images: the image flags podman users' scripts use (issue #18): images --filter
# before=/since=/after=/dangling=, --history, history --human, and rmi -f removing the
# containers that use the image. Runs against podman too.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

# a second image, created now (the test image's created time is the epoch)
import_newer() {
	run_pm 0 import "$(pm_test_image rootfs-tar)" localhost/newer
}

@test "images --filter before= / since= / after= compare created times; unknown image: podman's error" {
	import_newer
	run_pm 0 images --format '{{.Repository}}' --filter since=$IMG
	is "$output" "localhost/newer"
	run_pm 0 images --format '{{.Repository}}' --filter after=$IMG
	is "$output" "localhost/newer" "after= is since="
	run_pm 0 images --format '{{.Repository}}' --filter before=localhost/newer
	is "$output" "localhost/busybox"
	run_pm 0 images --format '{{.Repository}}' --filter before=$IMG
	is "$output" "" "nothing is older than the oldest"
	run_pm 125 images --filter after=nosuch
	is "$output" 'Error: could not find local image for filter filter "after"="nosuch": nosuch: image not known'
	run_pm 125 images --filter before=nosuch
	is "$output" 'Error: could not find local image for filter filter "before"="nosuch": nosuch: image not known'
}

@test "images --filter dangling= and bad filters: podman's messages, 125" {
	run_pm 0 images --format '{{.Repository}}' --filter dangling=false
	is "$output" "localhost/busybox"
	run_pm 0 images --format '{{.Repository}}' --filter dangling=true
	is "$output" ""
	run_pm 125 images --filter dangling=maybe
	is "$output" 'Error: non-boolean value "dangling" for maybe filter: strconv.ParseBool: parsing "maybe": invalid syntax'
	run_pm 125 images --filter bogus=1
	is "$output" 'Error: unsupported image filter "bogus"'
	run_pm 125 images --sort bogus
	is "$output" 'Error: "bogus" is not a valid field for sorting. Choose from: created, id, repository, size, tag'
}

@test "images --sort repository / --history" {
	import_newer
	run_pm 0 images --format '{{.Repository}}' --sort repository
	is "$output" "localhost/busybox
localhost/newer"
	run_pm 0 images --history
	is "${lines[0]}" "REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +HISTORY"
	assert_contains "$output" "localhost/busybox:latest"
}

@test "history --human=false shows the creation time itself" {
	run_pm 0 history --human=false $IMG
	is "${lines[1]}" "[0-9a-f]{12}  1970-01-01T00:00:00Z  .*" "an RFC 3339 time"
	run_pm 0 history -H $IMG
	assert_contains "${lines[1]}" "years ago"
	run_pm 125 history --human=maybe $IMG
	assert_contains "$output" 'strconv.ParseBool: parsing "maybe": invalid syntax'
}

@test "rmi -f removes the containers that use the image, running ones too" {
	run_pm 0 create --name u1 $IMG true
	run_pm 0 run -d --name u2 $IMG sleep 1000
	run_pm 2 rmi $IMG
	assert_contains "$output" "image is in use by a container"
	run_pm 0 container exists u1
	run_pm 0 rmi -f $IMG
	assert_contains "$output" "Untagged: localhost/busybox:latest"
	run_pm 1 container exists u1
	run_pm 1 container exists u2
	run_pm 0 ps -aq
	is "$output" ""
	run_pm 1 image exists $IMG
	run_pm 0 rmi -f nosuch
	is "$output" "" "rmi -f of a missing image: silent, 0"
}
