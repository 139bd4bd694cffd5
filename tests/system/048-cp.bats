#!/usr/bin/env bats
# 048-cp: pm cp between the host and a container (stopped and running): files, directories
# with podman's SRC/. and DST/ rules, "-" for a tar stream both ways, ownership of what is
# copied in, a container symlink pointing at a host path resolved inside the container, and
# the errors (no such container, missing source, missing destination parent), and tar
# streams whose entries try to leave the destination.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	H=$BATS_TEST_TMPDIR/host
	mkdir -p "$H/dir/sub"
	echo file-content >"$H/file"
	echo in-dir >"$H/dir/a"
	echo in-sub >"$H/dir/sub/b"
}

@test "cp: host -> stopped container: file, file into a dir, directory, dir/. contents" {
	run_pm 0 create --name c1 "$IMG" sh -c 'sleep 1000'
	run_pm 0 cp "$H/file" c1:/newfile
	run_pm 0 cp "$H/file" c1:/tmp
	run_pm 0 cp "$H/dir" c1:/newdir
	run_pm 0 cp "$H/dir" c1:/tmp
	run_pm 0 cp "$H/dir/." c1:/etc
	run_pm 0 start c1
	run_pm 0 exec c1 sh -c 'cat /newfile /tmp/file /newdir/a /newdir/sub/b /tmp/dir/sub/b /etc/a
		ls -d /etc/passwd /etc/sub; test ! -e /etc/dir && echo no-etc-dir'
	is "$output" "file-content
file-content
in-dir
in-sub
in-sub
in-dir
/etc/passwd
/etc/sub
no-etc-dir"
	# ownership: the host user's files become root's in the container (--archive default)
	run_pm 0 exec c1 stat -c '%u:%g %a' /newfile /newdir/sub/b
	is "$output" "0:0 644
0:0 644"
	run_pm 0 rm -f c1
}

@test "cp: container -> host: file, directory, dir/. contents, stopped and running" {
	run_pm 0 run --name c2 "$IMG" sh -c 'mkdir -p /data/sub; echo one >/data/f; echo two >/data/sub/g'
	run_pm 0 cp c2:/data/f "$H/out-file"
	is "$(cat "$H/out-file")" "one"
	(cd "$H" && "${PM_CMD[@]}" cp c2:/data/f rel-file)
	is "$(cat "$H/rel-file")" "one" "a relative host path is relative to the working directory"
	run_pm 0 cp c2:data "$H/outdir"
	is "$(cat "$H/outdir/f" "$H/outdir/sub/g")" "one
two" "a missing DST is created with the directory's content"
	run_pm 0 cp c2:/data "$H/dir"
	is "$(cat "$H/dir/data/sub/g")" "two" "an existing DST dir gets the directory inside"
	mkdir "$H/contents"
	run_pm 0 cp c2:/data/. "$H/contents"
	is "$(cd "$H/contents" && echo *)" "f sub" "SRC/. copies the content"
	is "$(stat -c %u "$H/out-file")" "$(id -u)" "files copied out belong to the user"

	run_pm 0 run -d --name r1 "$IMG" sh -c 'echo live >/live; sleep 1000'
	run_pm 0 exec r1 sh -c 'while [ ! -e /live ]; do sleep 0.1; done'
	run_pm 0 cp r1:/live "$H/live"
	is "$(cat "$H/live")" "live" "copy out of a running container"
	run_pm 0 cp "$H/file" r1:/root/
	run_pm 0 exec r1 cat /root/file
	is "$output" "file-content" "copy into a running container is seen by it"
	run_pm 0 cp "$H/dir/." r1:/tmp/
	run_pm 0 exec r1 cat /tmp/sub/b
	is "$output" "in-sub"
	run_pm 0 cp c2:/data/f r1:/tmp/from-c2
	run_pm 0 exec r1 cat /tmp/from-c2
	is "$output" "one" "container to container"
	run_pm 0 rm -f -t 0 r1 c2
}

@test "cp: '-' streams a tar archive in and out" {
	run_pm 0 create --name c3 "$IMG" true
	tar -C "$H" -cf "$BATS_TEST_TMPDIR/in.tar" dir file
	"${PM_CMD[@]}" cp - c3:/tmp <"$BATS_TEST_TMPDIR/in.tar"
	"${PM_CMD[@]}" cp c3:/tmp - >"$BATS_TEST_TMPDIR/out.tar"
	is "$(tar -tf "$BATS_TEST_TMPDIR/out.tar" | sort | tr '\n' ' ')" \
		"tmp/ tmp/dir/ tmp/dir/a tmp/dir/sub/ tmp/dir/sub/b tmp/file " "the tar names"
	"${PM_CMD[@]}" cp c3:/tmp/. - >"$BATS_TEST_TMPDIR/out2.tar"
	mkdir "$BATS_TEST_TMPDIR/x"
	tar -C "$BATS_TEST_TMPDIR/x" -xf "$BATS_TEST_TMPDIR/out2.tar"
	is "$(cat "$BATS_TEST_TMPDIR/x/dir/sub/b" "$BATS_TEST_TMPDIR/x/file")" "in-sub
file-content"
	# ownership from a tar stream: chowned to the container's root unless --archive=false
	mkdir -p "$BATS_TEST_TMPDIR/own"
	echo o >"$BATS_TEST_TMPDIR/own/owned"
	tar -C "$BATS_TEST_TMPDIR/own" --owner=1000 --group=1001 -cf "$BATS_TEST_TMPDIR/own.tar" owned
	"${PM_CMD[@]}" cp - c3:/root <"$BATS_TEST_TMPDIR/own.tar"
	"${PM_CMD[@]}" cp --archive=false - c3:/home <"$BATS_TEST_TMPDIR/own.tar"
	run_pm 0 start -a c3
	run_pm 0 unshare sh -c "cd \$(\"$PM\" mount c3) && stat -c '%u:%g' root/owned home/owned"
	is "$output" "0:0
1000:1001" "--archive chowns to root, --archive=false keeps the tar's ids"
	run_pm 0 unmount c3
	run_pm_split 125 cp - c3:/tmp/file </dev/null
	is "$stderr" 'Error: destination "/tmp/file" must be a directory when copying from stdin'
	run_pm 0 rm c3
}

@test "cp: a container symlink to a host path resolves inside the container" {
	echo host-secret >"$BATS_TEST_TMPDIR/secret"
	run_pm 0 run --name c4 "$IMG" sh -c "echo ctr-passwd >/etc/ctrfile
		ln -s $BATS_TEST_TMPDIR/secret /leak; ln -s /etc /etcl
		ln -s $BATS_TEST_TMPDIR /hostdir; mkdir -p $BATS_TEST_TMPDIR; echo inside >$BATS_TEST_TMPDIR/secret"
	run_pm 0 cp c4:/leak "$H/got"
	is "$(cat "$H/got")" "inside" "the link target is the container's file, not the host's"
	run_pm 0 cp c4:/etcl/ctrfile "$H/got2"
	is "$(cat "$H/got2")" "ctr-passwd"
	# copying in through a link to a host directory lands in the container
	run_pm 0 cp "$H/file" c4:/hostdir/planted
	[ ! -e "$BATS_TEST_TMPDIR/planted" ] || die "cp wrote through a container symlink to the host"
	is "$(cat "$BATS_TEST_TMPDIR/secret")" "host-secret" "the host file is untouched"
	run_pm 0 rm c4
}

# mktar OUT SPEC...: a tar with entries NAME=CONTENT (a file) or NAME@TARGET (a symlink),
# written by python's tarfile, which keeps names such as '../x' that GNU tar strips.
mktar() {
	python3 - "$@" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for spec in sys.argv[2:]:
        if "@" in spec:
            name, target = spec.split("@", 1)
            i = tarfile.TarInfo(name)
            i.type, i.linkname = tarfile.SYMTYPE, target
            t.addfile(i)
        else:
            name, data = spec.split("=", 1)
            i = tarfile.TarInfo(name)
            i.size = len(data)
            t.addfile(i, io.BytesIO(data.encode()))
PY
}

@test "cp: a tar stream with an entry escaping by '..' or a symlink is refused by name, nothing written outside" {
	command -v python3 >/dev/null || die "python3 is needed to write the test tars"
	run_pm 0 create --name c6 "$IMG" sh -c 'echo "$(cat /dir/ok)"; ls /escaped /tmp/planted /etc/planted 2>&1 | wc -l'
	run_pm 0 cp "$H/dir" c6:/dir

	mktar "$BATS_TEST_TMPDIR/dotdot.tar" ok=fine ../escaped=bad
	run_pm_split 125 cp - c6:/dir <"$BATS_TEST_TMPDIR/dotdot.tar"
	is "$stderr" "Error: refusing tar entry '../escaped': path escapes the destination"

	mktar "$BATS_TEST_TMPDIR/abs.tar" evil@/ evil/tmp/planted=bad
	run_pm_split 125 cp - c6:/dir <"$BATS_TEST_TMPDIR/abs.tar"
	is "$stderr" "Error: refusing tar entry 'evil/tmp/planted': its path leaves the destination through a symlink"

	mktar "$BATS_TEST_TMPDIR/rel.tar" up@../etc up/planted=bad
	run_pm_split 125 cp - c6:/dir <"$BATS_TEST_TMPDIR/rel.tar"
	is "$stderr" "Error: refusing tar entry 'up/planted': its path leaves the destination through a symlink"

	mktar "$BATS_TEST_TMPDIR/host.tar" hostlink@"$BATS_TEST_TMPDIR" hostlink/planted=bad
	run_pm_split 125 cp - c6:/dir <"$BATS_TEST_TMPDIR/host.tar"
	is "$stderr" "Error: refusing tar entry 'hostlink/planted': its path leaves the destination through a symlink"
	[ ! -e "$BATS_TEST_TMPDIR/planted" ] || die "cp wrote through a tar symlink to the host"

	# the entries before the bad one are there; nothing outside /dir
	run_pm 0 start -a c6
	is "$output" "fine
3" "only /dir/ok was written: no /escaped, /tmp/planted, /etc/planted"
	run_pm 0 rm c6
}

@test "cp: errors name the bad container or path" {
	run_pm_split 125 cp "$H/file" nosuch:/tmp
	is "$stderr" 'Error: container "nosuch" does not exist'
	run_pm 0 create --name c5 "$IMG" true
	run_pm_split 125 cp c5:/no/such/file "$H/x"
	is "$stderr" 'Error: "/no/such/file" could not be found on container c5: no such file or directory'
	run_pm_split 125 cp "$H/nosuch" c5:/tmp
	is "$stderr" "Error: \"$H/nosuch\" could not be found on the host: no such file or directory"
	run_pm_split 125 cp "$H/file" c5:/missing/parent/f
	is "$stderr" 'Error: "/missing/parent/f" could not be found on container c5: no such file or directory'
	run_pm_split 125 cp c5:/etc/passwd "$H/missing/f"
	is "$stderr" "Error: \"$H/missing/f\" could not be found on the host: no such file or directory"
	run_pm_split 125 cp "$H/dir" c5:/etc/passwd
	is "$stderr" "Error: cannot copy directory \"$H/dir\" to file \"/etc/passwd\": use --overwrite"
	run_pm_split 125 cp "$H/file" "$H/other"
	assert_contains "$stderr" "you must use just one container"
	run_pm 0 rm c5
}
