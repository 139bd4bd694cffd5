#!/usr/bin/env bats
# 107-volume-options: volumes as podman parses them (anonymous volumes, the U option, z/Z,
# idmap), --userns=keep-id's passwd and group entries with uid=/gid=, --userns=nomap, and the
# global flags --noout, --log-level, --events-backend. Each by its effect; bad values are one
# line naming them, exit 125, nothing made. Runs as the unprivileged test user; also against
# podman (PM="podman --runtime runc"): the pm-only tests say why.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# volumes: the names of all volumes, one a line
volumes() {
	timeout "$PM_TIMEOUT" "${PM_CMD[@]}" volume ls -q
}

@test "volumes: -v /dst makes an anonymous volume; rm -v removes it, plain rm keeps it" {
	pm_load_test_image
	run_pm 0 run --name anon -v /data "$IMG" sh -c 'echo kept >/data/f'
	run_pm 0 volume ls -q
	[ "${#lines[@]}" -eq 1 ] || die "one anonymous volume expected, got: $output"
	local name=${lines[0]}
	[[ $name =~ ^[0-9a-f]{64}$ ]] || die "anonymous volume name '$name' is not 64 hex digits"
	run_pm 0 inspect --format '{{range .Mounts}}{{.Name}} {{.Destination}}{{end}}' anon
	is "$output" "$name /data" "the container's mount names the volume"
	run_pm 0 start -a anon
	run_pm 0 run --rm -v "$name:/v" "$IMG" cat /v/f
	is "$output" "kept" "the volume holds what the container wrote"

	run_pm 0 rm -v anon
	run volumes
	is "$output" "" "rm -v removed the anonymous volume"

	run_pm 0 run --name anon2 --mount type=volume,dst=/m "$IMG" true
	run volumes
	[ "${#lines[@]}" -eq 1 ] || die "--mount type=volume without source: one volume, got: $output"
	run_pm 0 rm anon2
	run volumes
	[ "${#lines[@]}" -eq 1 ] || die "plain rm keeps the anonymous volume, got: $output"
	run_pm 0 volume rm "${lines[0]}"
}

@test "volumes: --rm removes the anonymous volumes, not the named ones" {
	pm_load_test_image
	run_pm 0 run --rm -v /data -v named:/n "$IMG" sh -c 'touch /data/x /n/y'
	run volumes
	is "$output" "named" "only the named volume is left"
	run_pm 0 volume rm named
}

@test "volumes: U chowns the source to the container's user; z and Z are accepted" {
	pm_load_test_image
	local dir=$BATS_TEST_TMPDIR/u
	mkdir -p "$dir/sub"
	touch "$dir/sub/f"
	run_pm 0 run --rm -u 1000:1001 -v "$dir:/d:U" "$IMG" stat -c '%u:%g' /d /d/sub /d/sub/f
	is "$output" "1000:1001
1000:1001
1000:1001" "the tree belongs to the container's user"
	run_pm 0 run --rm -u 1000:1001 -v "$dir:/d:U" "$IMG" touch /d/sub/new

	run_pm 0 run --rm -u 2000:2000 --mount "type=volume,src=uvol,dst=/v,U=true" "$IMG" stat -c '%u:%g' /v
	is "$output" "2000:2000" "--mount U=true chowns the volume"
	run_pm 0 volume rm uvol

	# z and Z relabel for SELinux: without it they change nothing
	run_pm 0 run --rm -v "$dir:/d:z" -v "$dir:/e:Z" "$IMG" test -d /d/sub -a -d /e/sub
	run_pm 125 run --rm -v "$dir:/d:z,Z" "$IMG" true
	assert_contains "$output" "can only specify 1 'z', 'Z', or 'O' option"
	# the tree is the container user's now: remove it from inside the namespace
	run_pm 0 unshare rm -rf "$dir"
}

@test "volumes: bad options and idmap are one-line errors, nothing made" {
	skip_if_podman "podman 4.3 accepts idmap and fails at start with the runtime's words"
	pm_load_test_image
	local dir=$BATS_TEST_TMPDIR/i
	mkdir -p "$dir"
	run_pm 125 create --name bad -v "$dir:/d:idmap" "$IMG" true
	same "$output" "Error: -v '$dir:/d:idmap': idmapped mounts ('idmap') are not supported by pm"
	run_pm 125 create --name bad --mount "type=bind,src=$dir,dst=/d,idmap" "$IMG" true
	[ "${#lines[@]}" -eq 1 ] || die "one line expected: $output"
	assert_contains "$output" "idmapped mounts"
	run_pm 125 create --name bad -v "/data:/d:bogus" "$IMG" true
	assert_contains "$output" "bogus"
	run_pm 125 create --name bad -v / "$IMG" true
	[ "${#lines[@]}" -eq 1 ] || die "one line expected: $output"
	run_pm 0 ps -a -q
	is "$output" "" "no container made"
	run volumes
	is "$output" "" "no volume made"
}

@test "userns keep-id: the caller has a passwd and group entry; uid= and gid= move it" {
	pm_load_test_image
	local me myid mygid
	me=$(id -un)
	myid=$(id -u)
	mygid=$(id -g)
	run_pm 0 run --rm --userns=keep-id -w /tmp "$IMG" sh -c 'id -un; id -u; id -g; id -gn; grep "^$(id -un):" /etc/passwd; grep "^$(id -gn):" /etc/group; echo $HOME'
	is "${lines[0]}" "$me" "id -un"
	is "${lines[1]}" "$myid" "id -u"
	is "${lines[2]}" "$mygid" "id -g"
	is "${lines[3]}" "$me" "id -gn"
	is "${lines[4]}" "$me:\*:$myid:$mygid::/tmp:/bin/sh" "the passwd entry (podman's: home is the workdir)"
	is "${lines[5]}" "$me:x:$mygid:$me" "the group entry"
	is "${lines[6]}" "/tmp" "HOME"

	# uid=/gid=: podman 4.3 names the entries by the numbers
	run_pm 0 run --rm --userns=keep-id:uid=200,gid=210 "$IMG" sh -c 'id -u; id -g; grep ^200: /etc/passwd; grep :210: /etc/group'
	is "${lines[0]}" "200" "uid="
	is "${lines[1]}" "210" "gid="
	is "${lines[2]}" "200:\*:200:210:container user:/:/bin/sh" "the passwd entry"
	is "${lines[3]}" "210:x:210:200" "the group entry"

	# the file the caller writes is the caller's outside
	local dir=$BATS_TEST_TMPDIR/k
	mkdir -p "$dir"
	run_pm 0 run --rm --userns=keep-id:uid=200,gid=210 -v "$dir:/d" "$IMG" touch /d/f
	is "$(stat -c %u "$dir/f")" "$myid" "keep-id:uid=200 writes as the caller"
}

@test "userns: bad modes and keep-id options are one-line errors, nothing made" {
	pm_load_test_image
	run_pm 125 create --name bad --userns=bogus "$IMG" true
	[ "${#lines[@]}" -eq 1 ] || die "one line expected: $output"
	is "$output" "Error: unrecognized namespace mode bogus passed"
	run_pm 125 create --name bad --userns=keep-id:size=5 "$IMG" true
	is "$output" 'Error: unknown option specified: "size"'
	run_pm 125 create --name bad --userns=keep-id:uid=x "$IMG" true
	[ "${#lines[@]}" -eq 1 ] || die "one line expected: $output"
	run_pm 0 ps -a -q
	is "$output" "" "no container made"
}

@test "global: --noout suppresses stdout, errors still show" {
	pm_load_test_image
	run_pm_split 0 --noout volume create quiet
	is "$output" "" "--noout: no output"
	run_pm 0 volume ls -q
	is "$output" "quiet" "the command ran"
	run_pm_split 1 --noout volume rm missing
	assert_contains "$stderr" "missing" "the error still shows"
	run_pm 0 volume rm quiet
}

@test "global: --log-level with a bad level exits 1 as podman, naming it" {
	run_pm_split 1 --log-level=bogus ps
	is "$stderr" 'Log Level "bogus" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic'
	is "$output" ""
	run_pm 0 --log-level=warning ps -q
	run_pm 0 --log-level=fatal ps -q
}

@test "global: --events-backend file|none, a bad one is refused" {
	pm_load_test_image
	run_pm 0 --events-backend none run --rm --name evnone "$IMG" true
	run_pm 0 events --stream=false --filter container=evnone
	is "$output" "" "events-backend none records nothing"
	run_pm 0 --events-backend file run --rm --name evfile "$IMG" true
	run_pm 0 events --stream=false --filter container=evfile --format '{{.Status}}'
	assert_contains "$output" "start"
	run_pm 125 --events-backend bogus ps
	is "$output" 'Error: configuring runtime: "bogus" is not a valid events backend: invalid argument'
}

@test "volume export and import: the contents round-trip, owners kept; missing volumes refused" {
	pm_load_test_image
	run_pm 0 volume create src
	run_pm 0 run --rm -v src:/v "$IMG" sh -c 'mkdir /v/d && echo hi >/v/d/f && chown 123:456 /v/d/f && ln -s d/f /v/l'
	run_pm 0 volume export -o "$BATS_TEST_TMPDIR/src.tar" src
	tar -tf "$BATS_TEST_TMPDIR/src.tar" | grep -q 'd/f$' || die "the tar lacks d/f: $(tar -tf "$BATS_TEST_TMPDIR/src.tar")"
	run_pm 0 volume create dst
	run_pm 0 volume import dst "$BATS_TEST_TMPDIR/src.tar"
	run_pm 0 run --rm -v dst:/v "$IMG" sh -c 'cat /v/d/f; stat -c %u:%g /v/d/f; readlink /v/l'
	is "$output" "hi
123:456
d/f" "import gives back content, owners and links"

	# stdout and stdin: export | import -
	run_pm 0 volume create dst2
	timeout "$PM_TIMEOUT" "${PM_CMD[@]}" volume export src | timeout "$PM_TIMEOUT" "${PM_CMD[@]}" volume import dst2 - ||
		die "export | import - failed"
	run_pm 0 run --rm -v dst2:/v "$IMG" cat /v/d/f
	is "$output" "hi" "piped"

	run_pm 125 volume export missing
	is "$output" "Error: no such volume missing"
	if ! is_podman && command -v script >/dev/null; then
		# a terminal is refused, as export does (podman 5's words; 4.3 wrote the tar to it)
		local out
		out=$(script -qec "$(printf '%q ' "${PM_CMD[@]}") volume export src; echo rc=\$?" /dev/null)
		assert_contains "$out" "Error: cannot write to terminal, use command-line redirection or the --output flag"
		assert_contains "$out" "rc=125"
		out=$(script -qec "$(printf '%q ' "${PM_CMD[@]}") volume export -o $BATS_TEST_TMPDIR/t.tar src; echo rc=\$?" /dev/null)
		assert_contains "$out" "rc=0"
		[ -s "$BATS_TEST_TMPDIR/t.tar" ] || die "-o on a terminal wrote nothing"
		ls "$BATS_TEST_TMPDIR" | grep -q tmp- && die "a temp file left: $(ls "$BATS_TEST_TMPDIR")"
	fi
	run_pm 125 volume import missing "$BATS_TEST_TMPDIR/src.tar"
	is "$output" "Error: no such volume missing"
	run volumes
	is "$output" "dst
dst2
src" "import did not create the missing volume"
	run_pm 0 volume rm dst dst2 src
}

@test "--mount type=devpts: a new devpts instance with its options" {
	pm_load_test_image
	run_pm 0 run --rm --mount type=devpts,destination=/dev/pts2,mode=0620,max=50 "$IMG" sh -c 'grep " /dev/pts2 " /proc/mounts'
	assert_contains "$output" "devpts /dev/pts2 devpts " "a devpts is mounted"
	assert_contains "$output" "mode=620" "mode="
	assert_contains "$output" "max=50" "max="

	# --rm removes an anonymous --mount volume too
	run_pm 0 run --rm --mount type=volume,dst=/m "$IMG" true
	run volumes
	is "$output" "" "no volume left"
}

@test "--mount: devpts options elsewhere are one-line errors, nothing made" {
	skip_if_podman "pm's own words for devpts options on other types (type=image: 112)"
	pm_load_test_image
	run_pm 125 create --name bad --mount type=tmpfs,dst=/t,uid=5 "$IMG" true
	is "$output" "Error: uid: invalid mount option" "podman's words"
	run_pm 125 create --name bad --mount type=devpts,dst=/p,mode=rw "$IMG" true
	[ "${#lines[@]}" -eq 1 ] || die "one line expected: $output"
	is "$output" "Error: mode: invalid mount option" "the key, podman's words (podman 4.3 takes it)"
	run_pm 0 ps -a -q
	is "$output" "" "no container made"
}

@test "volumes: O overlays the source, the container's changes are discarded" {
	pm_load_test_image
	local dir=$BATS_TEST_TMPDIR/o
	mkdir -p "$dir"
	echo orig >"$dir/f"
	run_pm 0 run --name ov -v "$dir:/d:O" "$IMG" sh -c 'cat /d/f; echo changed >/d/f; echo new >/d/n; cat /d/f /d/n'
	is "$output" "orig
changed
new" "the container sees the source and its own changes"
	is "$(cat "$dir/f")" "orig" "the source is untouched"
	[ ! -e "$dir/n" ] || die "a file the container made reached the source"
	# a second start begins from the source again
	run_pm 0 start -a ov
	is "${lines[0]}" "orig" "the changes of the last run are gone"
	run_pm 0 rm ov
	run_pm 125 create -v "$dir:/d:O,z" "$IMG" true
	assert_contains "$output" "can only specify 1 'z', 'Z', or 'O' option"
}

@test "inspect --size: SizeRw and SizeRootFs count the container's writes" {
	pm_load_test_image
	run_pm 0 run --name sz "$IMG" dd if=/dev/zero of=/big bs=1024 count=2048
	run_pm 0 inspect --size --format '{{.SizeRw}} {{.SizeRootFs}}' sz
	local rw=${output% *} rootfs=${output#* }
	[ "$rw" -ge 2097152 ] || die "SizeRw $rw: less than the 2 MiB written"
	[ "$rootfs" -gt 0 ] || die "SizeRootFs $rootfs: the image counts nothing"
	run_pm 0 container inspect -s --format '{{.SizeRw}}' sz
	is "$output" "$rw" "container inspect -s"
	run_pm 0 rm sz
}
