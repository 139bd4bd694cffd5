#!/usr/bin/env bats
# 112-userns-more: --mount type=image (an image's root filesystem at a path of the
# container: read-only, or rw=true with a throwaway upper layer), and the user namespaces
# that shift the image's owners. Each by its effect; bad values are one line naming them,
# exit 125, nothing made. Runs as the unprivileged test user; also against podman
# (PM="podman --runtime runc"): the pm-only tests say why.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest
IMG2=localhost/busybox2:latest

@test "mount type=image: the image's files at the target, read-only, whiteouts applied" {
	pm_load_test_image
	pm_load_test_image docker2
	# busybox2 adds /hello and deletes /etc/motd over busybox: both layers, merged
	run_pm 0 run --rm --mount "type=image,source=$IMG2,target=/img" "$IMG" \
		sh -c 'cat /img/hello; test -e /img/etc/motd && echo motd; test -e /hello && echo hello; cmp /bin/busybox /img/bin/busybox && echo same'
	is "$output" "$(printf 'hello from layer 2\nsame')" "the image's merged layers, not the container's"
	run_pm 1 run --rm --mount "type=image,src=$IMG2,dst=/img" "$IMG" touch /img/new
	assert_contains "$output" "Read-only file system"
	run_pm 1 run --rm --mount "type=image,src=$IMG,dst=/img,rw=false" "$IMG" rm /img/bin/busybox
	assert_contains "$output" "Read-only file system"
	# the one-layer image too (an overlay without an upper wants two lower dirs)
	run_pm 0 run --rm --mount "type=image,src=$IMG,destination=/img,consistency=x" "$IMG" \
		sh -c 'test -x /img/bin/sh && echo ok; stat -c %u:%g /img/bin/busybox'
	is "$output" "$(printf 'ok\n0:0')" "owned by root in the container, as in the image"

	run_pm 0 create --name withimg --mount "type=image,src=$IMG2,dst=/img" \
		--mount "type=image,src=$IMG,dst=/rw,rw=true" "$IMG" true
	# (stdout alone: podman 4.3 warns on stderr that it finds no mount at those places)
	run_pm_split 0 inspect --format '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}};{{end}}' withimg
	is "$output" "image $IMG2 /img false;image $IMG /rw true;" "inspect lists the image mounts"
	run_pm 0 rm withimg
}

@test "mount type=image,rw=true: writable, the changes thrown away at the next start" {
	pm_load_test_image
	pm_load_test_image docker2
	run_pm 0 run --name rwimg --mount "type=image,src=$IMG2,dst=/img,rw=true" "$IMG" \
		sh -c 'ls /img/new 2>/dev/null; echo x >/img/new; rm /img/hello; cat /img/new; ls /img/hello 2>&1 >/dev/null | wc -l'
	is "$output" "$(printf 'x\n1')" "written and deleted in the mount"
	run_pm 0 start -a rwimg
	is "$output" "$(printf 'x\n1')" "the next start began from the image again"
	run_pm 0 run --rm --mount "type=image,src=$IMG2,dst=/img" "$IMG" sh -c 'cat /img/hello; test -e /img/new || echo clean'
	is "$output" "$(printf 'hello from layer 2\nclean')" "the image itself is untouched"
	run_pm 0 rm rwimg
	assert_storage_clean
}

@test "mount type=image: a missing image fails the create, exit 125, nothing made" {
	skip_if_podman "podman 4.3 looks the image up only at start (same words, exit 126, the container left behind)"
	pm_load_test_image
	run_pm 125 run --name noimg --mount type=image,src=localhost/nosuch,dst=/img "$IMG" true
	is "$output" 'Error: creating image volume "localhost/nosuch":"/img": localhost/nosuch: image not known'
	run_pm 0 ps -a -q
	is "$output" "" "no container left"
	assert_storage_clean
}

@test "mount type=image: bad values are podman's one-line errors, nothing made" {
	pm_load_test_image
	run_pm 125 create --name bad --mount "type=image,src=$IMG" "$IMG" true
	assert_contains "$output" "must set source and destination for image volume"
	run_pm 125 create --name bad --mount "type=image,dst=/x" "$IMG" true
	assert_contains "$output" "must set source and destination for image volume"
	run_pm 125 create --name bad --mount "type=image,src=$IMG,dst=/x,rw=yes" "$IMG" true
	assert_contains "$output" 'invalid rw value "yes": invalid mount option'
	run_pm 125 create --name bad --mount "type=image,src=$IMG,dst=/x,ro" "$IMG" true
	assert_contains "$output" "ro: invalid mount option"
	run_pm 125 create --name bad --mount "type=image,src=$IMG,dst=x" "$IMG" true
	assert_contains "$output" "x"
	assert_contains "$output" "must be an absolute path"
	run_pm 0 ps -a -q
	is "$output" "" "nothing made"
}

@test "userns nomap: root is the first subordinate id, the image's files are root's, the caller is nobody" {
	pm_load_test_image
	local dir=$BATS_TEST_TMPDIR/mine
	mkdir -p "$dir"
	run_pm 0 run --rm --userns=nomap -v "$dir:/d" "$IMG" \
		sh -c 'id -u; id -g; stat -c %u:%g /bin/busybox /etc/passwd; stat -c %u /d; cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
	is "${lines[0]}" "0" "root in the container"
	is "${lines[1]}" "0" "gid 0"
	is "${lines[2]}" "0:0" "the image's files belong to root in the container"
	is "${lines[3]}" "0:0"
	is "${lines[4]}" "65534" "the caller's own directory shows as the overflow id"
	# seen from the container, its parent is the rootless namespace, whose 0 is the caller
	# and whose 1 the first subordinate id
	is "${lines[5]}" "0 1 65536" "uid_map: container root -> the first subordinate id"
	# a file the container writes into its root is root's in the container (stored as the image's)
	run_pm 0 run --name nm --userns=nomap "$IMG" sh -c 'echo x >/new; stat -c %u /new'
	is "$output" "0"
	run_pm 0 start -a nm
	is "$output" "0" "started again"
	run_pm 0 rm nm
	assert_storage_clean
}

@test "--uidmap without the caller's id: the image's files shifted with the map" {
	pm_load_test_image
	run_pm 0 run --rm --uidmap 0:1:1000 --gidmap 0:1:1000 "$IMG" \
		sh -c 'id -u; stat -c %u:%g /bin/busybox; echo x >/tmp/f; stat -c %u /tmp/f; tr -s " " </proc/self/uid_map | sed "s/^ //"'
	is "$output" "$(printf '0\n0:0\n0\n0 1 1000')" "root, its files, its writes"
	run_pm 0 run --rm -d --name um --uidmap 0:1:1000 "$IMG" sleep 100
	run_pm 0 exec um sh -c 'id -u; stat -c %u /bin/busybox'
	is "$output" "$(printf '0\n0')" "exec joins it"
	run_pm 0 rm -f -t0 um
}
