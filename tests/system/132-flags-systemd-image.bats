#!/usr/bin/env bats
# 132-flags-systemd-image: the long tail of podman 4.3's flags (issue 18): run/create
# --systemd (podman's systemd mode: its tmpfs mounts, /sys/fs/cgroup, container_uuid, the
# SIGRTMIN+3 stop signal, .Config.SystemdMode), commit --squash and --include-volumes, save
# --uncompressed, image prune --external, and the global --storage-opt, --hooks-dir (OCI
# prestart/poststop hooks), --conmon and --network-cmd-path. Each by its effect, the error
# paths too. Runs as the unprivileged
# test user; also against podman (PM="podman --runtime runc").

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest
SD=localhost/sdinit:latest
# the mounts systemd mode makes, as "DEST TYPE" lines (the cgroup v1 hierarchy's type too)
SD_MOUNTS='for d in /run /run/lock /tmp /var/log/journal /sys/fs/cgroup; do awk -v d=$d '"'"'$2 == d { print $2, $3 }'"'"' /proc/mounts | tail -n 1; done'

# build_sd: localhost/sdinit with /usr/local/sbin/init a script that prints the mounts, and
# /usr/lib/systemd/systemd a symlink to it (any path named systemd counts)
build_sd() {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf '#!/bin/sh\n%s\necho "uuid=${container_uuid:-none}"\n' "$SD_MOUNTS" >"$ctx/init"
	printf 'FROM %s\nCOPY init /usr/local/sbin/init\nRUN chmod 755 /usr/local/sbin/init && mkdir -p /usr/lib/systemd /run/seed && echo seeded > /run/seed/f && ln -s /usr/local/sbin/init /usr/lib/systemd/systemd\n' \
		"$IMG" >"$ctx/Containerfile"
	run_pm 0 build -q -t $SD "$ctx"
}

SD_ON="/run tmpfs
/run/lock tmpfs
/tmp tmpfs
/var/log/journal tmpfs
/sys/fs/cgroup tmpfs"

@test "--systemd: /sbin/init-like commands and systemd get podman's mounts and container_uuid" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || skip "a cgroup v1 or hybrid host (cgroup2 mount on v2)"
	build_sd
	run_pm 0 run --name c1 $SD /usr/local/sbin/init
	local out=$output
	run_pm 0 inspect --format '{{.Id}}' c1
	is "$out" "$SD_ON
uuid=${output:0:32}" "/usr/local/sbin/init: the mode's mounts, container_uuid"
	run_pm 0 run --rm $SD /usr/lib/systemd/systemd
	assert_contains "$output" "$SD_ON" "a path named systemd (a symlink)"
	# the image's /run is copied into its tmpfs (tmpcopyup)
	run_pm 0 run --rm --systemd=always $SD cat /run/seed/f
	is "$output" "seeded" "/run keeps the image's content"
	# always: any command; the host's name=systemd hierarchy under the tmpfs
	run_pm 0 run --rm --systemd=always $SD sh -c "$SD_MOUNTS; grep -c ' /sys/fs/cgroup/systemd ' /proc/mounts"
	assert_contains "$output" "$SD_ON" "always"
	[ ! -d /sys/fs/cgroup/systemd ] || assert_not_contains "${lines[-1]}" "0" "name=systemd bound in"
	# false, and true with another command: none of them
	run_pm 0 run --rm --systemd=false $SD /usr/local/sbin/init
	assert_not_contains "$output" "/run tmpfs" "false: no /run tmpfs"
	assert_not_contains "$output" "/var/log/journal" "false: no journal tmpfs"
	assert_contains "$output" "uuid=none" "false: no container_uuid"
	run_pm 0 run --rm $SD sh -c "$SD_MOUNTS; echo \${container_uuid:-none}"
	assert_not_contains "$output" "/run tmpfs" "sh: not in the mode"
	assert_contains "$output" "none" "sh: no container_uuid"
	run_pm 0 rm c1
}

@test "--systemd: a mount of the user's at /tmp or /run wins" {
	build_sd
	run_pm 0 run --rm --systemd=always --tmpfs /tmp:size=1m $SD sh -c 'grep " /tmp " /proc/mounts | wc -l; grep " /tmp " /proc/mounts'
	is "${lines[0]}" "1" "one /tmp mount"
	assert_contains "${lines[1]}" "size=1024k" "the user's /tmp"
	mkdir -p "$BATS_TEST_TMPDIR/r"
	echo host >"$BATS_TEST_TMPDIR/r/f"
	run_pm 0 run --rm --systemd=always -v "$BATS_TEST_TMPDIR/r:/run" $SD cat /run/f
	is "$output" "host" "-v on /run"
}

@test "--systemd: stop signal SIGRTMIN+3 (37), .Config.SystemdMode, --stop-signal wins" {
	build_sd
	run_pm 0 create --name a --systemd=always $SD true
	run_pm 0 create --name i $SD /sbin/init
	run_pm 0 create --name u $SD /usr/sbin/init
	run_pm 0 create --name f --systemd=FALSE $SD /sbin/init
	run_pm 0 create --name n $SD sleep 1
	run_pm 0 create --name s --systemd=always --stop-signal KILL $SD true
	run_pm 0 create --name e --entrypoint /usr/lib/systemd/systemd $SD
	run_pm 0 create --name sh $SD sh -c /sbin/init
	local c
	for c in a i u f n s e sh; do
		run_pm 0 inspect --format "$c {{.Config.StopSignal}} {{.Config.SystemdMode}}" $c
		echo "$output" >>"$BATS_TEST_TMPDIR/got"
	done
	is "$(cat "$BATS_TEST_TMPDIR/got")" "a 37 true
i 37 true
u 37 true
f 15 false
n 15 false
s 9 true
e 37 true
sh 15 false" "stop signal and mode per container"
	run_pm 0 inspect --format '{{.Config.CreateCommand}}' a
	assert_contains "$output" "--systemd=always" "kept in CreateCommand"
	run_pm 0 rm a i u f n s e sh
}

@test "--systemd: pm stop sends SIGRTMIN+3" {
	build_sd
	run_pm 0 run -d --name t --systemd=always $SD sh -c 'trap "echo got37; exit 7" 37; echo ready; while :; do sleep 0.1; done'
	for _ in $(seq 1 50); do
		run_pm 0 logs t
		[ "$output" = ready ] && break
		sleep 0.1
	done
	run_pm 0 stop -t 20 t
	run_pm 0 wait t
	is "$output" "7" "the trap for 37 ran"
	run_pm 0 logs t
	is "$output" "ready
got37" "the trap's output"
	run_pm 0 rm t
}

@test "--systemd: a bad value is refused, nothing made" {
	pm_load_test_image
	run_pm 125 run --rm --systemd=yes $IMG true
	assert_contains "$output" '--systemd values must be one of "true, false, always"' "run"
	run_pm 125 create --name bad --systemd=sometimes $IMG true
	assert_contains "$output" '--systemd values must be one of "true, false, always"' "create"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container made"
	# an empty value is the default, true
	run_pm 0 create --name empty --systemd= $IMG /sbin/init
	run_pm 0 inspect --format '{{.Config.StopSignal}} {{.Config.SystemdMode}}' empty
	is "$output" "37 true" "--systemd= is true"
	run_pm 0 rm empty
	if ! is_podman; then
		# pm names the value (podman's message does not)
		run_pm 125 run --rm --systemd=yes $IMG true
		assert_contains "$output" "'yes'" "pm names the bad value"
	fi
}

# ---- commit --squash, --include-volumes ---------------------------------------------------

VOLS='{{range $k, $v := .Config.Volumes}}{{$k}} {{end}}'

@test "commit --squash: the image's layers and the changes in one layer, one history row" {
	pm_load_test_image docker2
	run_pm 0 run --name c localhost/busybox2 sh -c 'echo x > /new; rm -f /hello'
	run_pm 0 commit -q c localhost/plain
	run_pm 0 inspect --format '{{len .RootFS.Layers}}' localhost/plain
	is "$output" "3" "without --squash: the image's two layers and one more"
	run_pm 0 commit -q --squash c localhost/sq
	run_pm 0 inspect --format '{{len .RootFS.Layers}}' localhost/sq
	is "$output" "1" "--squash: one layer"
	run_pm 0 history --format '{{.Size}}' localhost/sq
	is "${#lines[@]}" "1" "one history row"
	assert_contains "$output" "MB" "the whole tree's size"
	run_pm 0 run --rm localhost/sq sh -c 'cat /new; ls /hello /etc/motd 2>&1; ls /bin/busybox'
	is "$output" "x
ls: /hello: No such file or directory
ls: /etc/motd: No such file or directory
/bin/busybox" "the tree: the change, the deletions (image's and container's), the base"
	run_pm 0 commit -q --squash=false c localhost/nosq
	run_pm 0 inspect --format '{{len .RootFS.Layers}}' localhost/nosq
	is "$output" "3" "--squash=false"
	run_pm 125 commit --squash=bad c localhost/x
	is "${lines[0]}" 'Error: invalid argument "bad" for "-s, --squash" flag: strconv.ParseBool: parsing "bad": invalid syntax' "bad value"
	run_pm 125 image inspect localhost/x
	run_pm 0 rm c
}

@test "commit --include-volumes: the container's -v, --mount and --tmpfs paths become VOLUMEs" {
	pm_load_test_image
	mkdir -p "$BATS_TEST_TMPDIR/h"
	run_pm 0 run --name c -v /anon -v nv:/nv -v "$BATS_TEST_TMPDIR/h:/hb" --tmpfs /tt \
		--mount type=volume,dst=/manon --mount "type=bind,src=$BATS_TEST_TMPDIR/h,dst=/mb" $IMG true
	# without it: the anonymous volumes only (podman's default)
	run_pm 0 commit -q c localhost/dv
	run_pm 0 inspect --format "$VOLS" localhost/dv
	is "$output" "/anon /manon " "anonymous volumes only"
	run_pm 0 commit -q --include-volumes c localhost/iv
	run_pm 0 inspect --format "$VOLS" localhost/iv
	is "$output" "/anon /hb /manon /mb /nv /tt " "every volume, bind and tmpfs path"
	run_pm 0 commit -q --include-volumes=false -c 'VOLUME /cv' c localhost/iv2
	run_pm 0 inspect --format "$VOLS" localhost/iv2
	is "$output" "/anon /cv /manon " "=false, with a --change VOLUME"
	run_pm 0 commit -q --squash --include-volumes c localhost/iv3
	run_pm 0 inspect --format "{{len .RootFS.Layers}} $VOLS" localhost/iv3
	is "$output" "1 /anon /hb /manon /mb /nv /tt " "with --squash"
	run_pm 125 commit --include-volumes=maybe c localhost/x
	is "${lines[0]}" 'Error: invalid argument "maybe" for "--include-volumes" flag: strconv.ParseBool: parsing "maybe": invalid syntax' "bad value"
	run_pm 0 rm -v c
	run_pm 0 volume rm nv
}

# ---- save --uncompressed ------------------------------------------------------------------

# layer_media DIR: the media type of the first layer of an OCI layout's first manifest
layer_media() {
	local m
	m=$(sed -n 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$1/index.json")
	sed -n 's/.*"layers":\[{"mediaType":"\([^"]*\)","digest":"sha256:\([0-9a-f]*\)".*/\1 \2/p' "$1/blobs/sha256/$m"
}

@test "save --uncompressed: oci-dir and oci-archive layers as plain tar, docker-archive accepts it" {
	pm_load_test_image
	local d=$BATS_TEST_TMPDIR
	run_pm 0 save -q --uncompressed --format oci-dir -o "$d/od" $IMG
	run_pm 0 image inspect --format '{{index .RootFS.Layers 0}}' $IMG
	local diff=${output#sha256:}
	# the media type: podman 4.3 labels the plain tar "tar+gzip" (its bug); pm says tar
	local mt="application/vnd\.oci\.image\.layer\.v1\.tar"
	! is_podman || mt="$mt\+gzip"
	is "$(layer_media "$d/od")" "$mt $diff" "oci-dir: a tar layer, its digest the diff id"
	run file -b "$d/od/blobs/sha256/$diff"
	assert_contains "$output" "tar archive" "the blob is a plain tar"
	run_pm 0 save -q --uncompressed=true --format oci-archive -o "$d/oa.tar" $IMG
	mkdir "$d/oa" && tar -xf "$d/oa.tar" -C "$d/oa"
	is "$(layer_media "$d/oa")" "$mt $diff" "oci-archive"
	run file -b "$d/oa/blobs/sha256/$diff"
	assert_contains "$output" "tar archive" "oci-archive: a plain tar"
	run_pm 0 save -q --uncompressed --format docker-archive -o "$d/da.tar" $IMG
	run_pm 0 rmi $IMG
	run_pm 0 load -q -i "$d/da.tar"
	run_pm 0 load -q -i "$d/oa.tar"
	run_pm 125 save -q --uncompressed=maybe --format oci-dir -o "$d/bad" $IMG
	is "${lines[0]}" 'Error: invalid argument "maybe" for "--uncompressed" flag: strconv.ParseBool: parsing "maybe": invalid syntax' "bad value"
	[ ! -e "$d/bad" ] || die "a bad value left $d/bad"
}

@test "save: pm never compresses a layer (podman gzips oci layers without --uncompressed)" {
	skip_if_podman "podman 4.3 compresses OCI layers unless --uncompressed"
	pm_load_test_image
	run_pm 0 save -q --format oci-dir -o "$BATS_TEST_TMPDIR/od" $IMG
	assert_contains "$(layer_media "$BATS_TEST_TMPDIR/od")" "application/vnd.oci.image.layer.v1.tar " "uncompressed"
}

# ---- image prune --external ---------------------------------------------------------------

@test "image prune --external: no external containers here, so what the plain prune removes" {
	pm_load_test_image
	pm_load_test_image docker2
	run_pm 0 create -q --name used localhost/busybox2 true
	run_pm 0 commit -q used
	local dangling=$output
	run_pm 0 image inspect --format '{{.Id}}' $IMG
	local bb=$output
	run_pm 0 image prune --external -f
	is "$output" "$dangling" "the dangling image"
	run_pm 0 image prune --external=true -a -f
	is "$output" "$bb" "-a: the image no container uses, not the one used"
	run_pm 0 images --format '{{.Repository}}'
	is "$output" "localhost/busybox2" "the used image stays"
	run_pm 125 image prune --external=often -f
	is "${lines[0]}" 'Error: invalid argument "often" for "--external" flag: strconv.ParseBool: parsing "often": invalid syntax' "bad value"
	run_pm 0 rm used
}

# ---- global --storage-opt, --hooks-dir, --conmon, --network-cmd-path ------------------------

@test "--storage-opt: overlay.mount_program applied, ignore_chown_errors accepted, bad ones refused" {
	skip_if_missing fuse-overlayfs
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	local so=(--storage-driver overlay) fo=/usr/bin/fuse-overlayfs
	[ -x $fo ] || fo=$(command -v fuse-overlayfs)
	local img
	img=$(pm_test_image)
	run_pm 0 "${so[@]}" load -q -i "$img"
	run_pm 0 "${so[@]}" --storage-opt overlay.mount_program="$fo" run --rm $IMG sh -c 'grep " / " /proc/mounts | cut -d" " -f3'
	is "$output" "fuse.fuse-overlayfs" "the root is mounted by the mount program"
	run_pm 0 "${so[@]}" --storage-opt mount_program="$fo" --storage-opt overlay.ignore_chown_errors=true images --format '{{.Repository}}'
	is "$output" "localhost/busybox" "no driver prefix; ignore_chown_errors"
	run_pm 0 "${so[@]}" --storage-opt "" images --format '{{.Repository}}'
	is "$output" "localhost/busybox" "an empty value"
	run_pm 125 "${so[@]}" --storage-opt bogus images
	is "$output" "Error: unable to parse key/value option: bogus" "no ="
	run_pm 125 "${so[@]}" --storage-opt overlay.mount_program=/nonexistent images
	assert_contains "$output" 'Error: overlay: can'"'"'t stat program "/nonexistent": stat /nonexistent: ' "a missing program"
	run_pm 125 "${so[@]}" --storage-opt overlay.bogus=1 images
	is "$output" "Error: overlay: Unknown option overlay.bogus" "an unknown option"
	run_pm 125 "${so[@]}" --storage-opt overlay.ignore_chown_errors=maybe images
	is "$output" 'Error: strconv.ParseBool: parsing "maybe": invalid syntax' "a bad boolean"
	run_pm 125 --root "$BATS_TEST_TMPDIR/vfs-root" --storage-driver vfs --storage-opt overlay.mount_program="$fo" images
	is "$output" "Error: vfs driver does not support overlay.mount_program options" "another driver's option"
	run_pm 0 "${so[@]}" ps -a --format '{{.Names}}'
	is "$output" "" "nothing made"
}

@test "--network-cmd-path: the slirp4netns binary run; a missing one refused, nothing left" {
	skip_if_missing slirp4netns
	pm_load_test_image
	local w=$BATS_TEST_TMPDIR/slirp-wrapper
	printf '#!/bin/sh\necho called >> %s/slirp.log\nexec %s "$@"\n' "$BATS_TEST_TMPDIR" "$(command -v slirp4netns)" >"$w"
	chmod 755 "$w"
	run_pm 0 --network-cmd-path "$w" run --rm --network slirp4netns $IMG true
	# (podman runs it twice: a probe, then the real one)
	assert_contains "$(cat "$BATS_TEST_TMPDIR/slirp.log")" "called" "the wrapper ran"
	# podman 4.3 exits 127 here (its exec error); pm's own error is 125
	local rc=125
	! is_podman || rc=127
	run_pm $rc --network-cmd-path /nonexistent run --rm --network slirp4netns $IMG true
	assert_contains "$output" "/nonexistent" "the bad path named"
	pm_store_settled
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

# hooks_setup: $H a hooks dir with a prestart hook for every container and a poststop one for
# commands named echo, both logging "STAGE STATE-JSON" to $HLOG; and one failing prestart
# hook for /bin/sleep
hooks_setup() {
	H=$BATS_TEST_TMPDIR/hooks HLOG=$BATS_TEST_TMPDIR/hooks.log
	mkdir -p "$H"
	printf '#!/bin/sh\necho "$1 $(cat)" >> %s\n' "$HLOG" >"$H/log.sh"
	chmod 755 "$H/log.sh"
	printf '{"version":"1.0.0","hook":{"path":"%s","args":["log.sh","pre"]},"when":{"always":true},"stages":["prestart"]}\n' "$H/log.sh" >"$H/a.json"
	printf '{"version":"1.0.0","hook":{"path":"%s","args":["log.sh","post"]},"when":{"commands":["^(.*/)?echo$"]},"stages":["poststop"]}\n' "$H/log.sh" >"$H/b.json"
	printf '{"version":"1.0.0","hook":{"path":"/bin/false"},"when":{"commands":["^/bin/sleep$"]},"stages":["prestart"]}\n' >"$H/c.json"
}

@test "--hooks-dir: prestart and poststop hooks run with the OCI state; a failing prestart fails the start" {
	pm_load_test_image
	hooks_setup
	run_pm 0 --hooks-dir "$H" run --name hk $IMG echo hi
	is "$output" "hi" "the container ran"
	run_pm 0 inspect --format '{{.Id}}' hk
	local id=$output
	run cat "$HLOG"
	is "${#lines[@]}" "2" "two hooks ran"
	assert_contains "${lines[0]}" 'pre {"ociVersion":"1.0.2' "prestart first"
	assert_contains "${lines[0]}" "\"id\":\"$id\"" "the container's id"
	assert_contains "${lines[0]}" '"status":"creating","pid":' "creating, with the init's pid"
	assert_contains "${lines[1]}" 'post {"ociVersion":"1.0.2' "poststop after"
	assert_contains "${lines[1]}" '"status":"stopped"' "stopped"
	assert_not_contains "${lines[1]}" '"pid"' "no pid once stopped"
	# a detached container: its monitor runs them too
	rm "$HLOG"
	run_pm 0 --hooks-dir "$H" run -d --name hkd $IMG echo hi
	run_pm 0 wait hkd
	local _
	for _ in $(seq 1 50); do
		[ "$(wc -l <"$HLOG")" -ge 2 ] && break
		sleep 0.1
	done
	run cat "$HLOG"
	assert_contains "${lines[0]}" '"status":"creating"' "detached: prestart"
	assert_contains "${lines[1]}" '"status":"stopped"' "detached: poststop"
	run_pm 0 rm hkd
	pm_store_settled
	run cat "$HLOG"
	is "${#lines[@]}" "2" "detached: each once"
	# a command the poststop hook does not match; no --hooks-dir: none
	rm "$HLOG"
	run_pm 0 --hooks-dir "$H" run --rm $IMG true
	run cat "$HLOG"
	is "${#lines[@]}" "1" "only the prestart hook"
	rm "$HLOG"
	run_pm 0 run --rm $IMG echo hi
	[ ! -e "$HLOG" ] || die "a hook ran without --hooks-dir"
	# a failing prestart hook: 126, podman 4.3's (runc's) status
	run_pm 126 --hooks-dir "$H" run --rm $IMG /bin/sleep 1
	assert_contains "$output" "error running hook" "the hook's failure"
	assert_contains "$output" "exit status 1" "its exit status"
	run_pm 0 rm hk
	pm_store_settled
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "the failed --rm container is gone"
}

@test "--conmon: accepted (pm has its own monitor); the new flags in --help" {
	pm_load_test_image
	run_pm 0 --conmon /nonexistent run --rm $IMG echo ok
	is "$output" "ok" "the container ran"
	run_pm 0 --help
	local f
	for f in --storage-opt --hooks-dir --conmon --network-cmd-path; do
		assert_contains "$output" "$f" "$f in --help"
	done
}
