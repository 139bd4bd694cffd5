#!/usr/bin/env bats
# 128-volume-copyup: podman 4.3's copy-up. A volume with NeedsCopyUp (a new named or
# anonymous one) gets the image's content at the mount path at its first mount where the
# image has a directory with something in it: owners, modes, times and symlinks as the
# image has them, and NeedsCopyUp is cleared. A volume with content is not overwritten; it,
# a path the image lacks, a file, an empty directory, or nocopy leave NeedsCopyUp for a
# later mount. Volumes with a filesystem (-o type=tmpfs, -o o=bind) get it too.
# Runs as the unprivileged test user; also against podman (PM="podman --runtime runc").

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest
CU=localhost/copyup:latest

# build_cu: localhost/copyup with /e holding f (1000:1001, 0640, mtime 2001), a symlink l,
# an empty directory sub; /afile a file; /empty an empty directory
build_cu() {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM %s\nRUN mkdir -p /e/sub /empty && echo hi > /e/f && ln -s f /e/l && chown 1000:1001 /e/f && chmod 0640 /e/f && touch -d "2001-01-01 00:00:00" /e/f && echo file > /afile\n' \
		"$IMG" >"$ctx/Containerfile"
	run_pm 0 build -q -t $CU "$ctx"
}

needs_copy_up() {
	run_pm 0 volume inspect --format '{{.NeedsCopyUp}}' "$1"
	is "$output" "$2" "$1: NeedsCopyUp $2"
}

@test "copy-up: a new volume gets the image's content at its first mount, once" {
	build_cu
	run_pm 0 run --rm -v v1:/e $CU sh -c 'ls /e; stat -c "%u:%g %a %Y" /e/f; readlink /e/l; cat /e/f'
	is "$output" "$(printf 'f\nl\nsub\n1000:1001 640 978307200\nf\nhi')" "the image's /e, owners, mode, mtime, symlink"
	needs_copy_up v1 false
	# the next container sees the first one's changes, not a new copy
	run_pm 0 run --rm -v v1:/e $CU sh -c 'rm /e/f; echo new > /e/g'
	run_pm 0 run --rm -v v1:/e $CU ls /e
	is "$output" "$(printf 'g\nl\nsub')" "no second copy"
	# --mount type=volume too, and an anonymous volume (-v /e)
	run_pm 0 run --rm --mount type=volume,src=v2,dst=/e $CU ls /e
	is "$output" "$(printf 'f\nl\nsub')" "--mount"
	run_pm 0 run --rm -v /e $CU cat /e/f
	is "$output" "hi" "an anonymous volume"
	run_pm 0 volume rm v1 v2
}

@test "copy-up: a volume with content is not overwritten" {
	build_cu
	run_pm 0 volume create v1
	local mp
	run_pm 0 volume inspect --format '{{.Mountpoint}}' v1
	mp=$output
	echo mine >"$mp/own"
	run_pm 0 run --rm -v v1:/e $CU ls /e
	is "$output" "own" "the volume's own content only"
	needs_copy_up v1 true
	run_pm 0 volume rm v1
}

@test "copy-up: a path the image lacks, a file, an empty directory, nocopy: left for a later mount" {
	build_cu
	run_pm 0 run --rm -v v1:/nonexist $CU ls -A /nonexist
	is "$output" "" "nothing to copy"
	needs_copy_up v1 true
	run_pm 0 run --rm -v v1:/empty $CU ls -A /empty
	needs_copy_up v1 true
	run_pm 0 run --rm -v v1:/e:nocopy $CU ls -A /e
	is "$output" "" "nocopy"
	needs_copy_up v1 true
	run_pm 0 run --rm -v v1:/e $CU ls /e
	is "$output" "$(printf 'f\nl\nsub')" "the first mount that copies"
	needs_copy_up v1 false
	# a file at the path: the mount fails (a directory over a file); nothing copied
	run_pm 0 volume create v2
	run_pm '?' run --rm -v v2:/afile $CU true
	needs_copy_up v2 true
	run_pm 0 volume rm v1 v2
}

@test "copy-up: -o type=tmpfs and -o o=bind volumes get it at their first mount" {
	build_cu
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs tv
	run_pm 0 run --rm -v tv:/e $CU ls /e
	is "$output" "$(printf 'f\nl\nsub')" "into the tmpfs"
	needs_copy_up tv false
	run_pm 0 run --rm -v tv:/e $CU ls -A /e
	is "$output" "" "the next mount's fresh tmpfs stays empty"
	local src=$BATS_TEST_TMPDIR/bsrc
	mkdir -p "$src"
	run_pm 0 volume create -o o=bind -o device="$src" bv
	run_pm 0 run --rm -v bv:/e $CU true
	is "$(cd "$src" && echo *)" "f l sub" "into the bound host directory"
	run_pm 0 run --rm -v bv:/e $CU cat /e/f
	is "$output" "hi" "its content"
	run_pm 0 volume rm tv bv
}

# build_vol: localhost/withvol, /data holding f, then VOLUME /data (and /empty, not in
# the image until its volume makes it)
build_vol() {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/vctx
	mkdir -p "$ctx"
	printf 'FROM %s\nRUN mkdir -p /data && echo x > /data/f && chown 1000:1001 /data/f\nVOLUME /data /vempty\n' \
		"$IMG" >"$ctx/Containerfile"
	run_pm 0 build -q -t localhost/withvol:latest "$ctx"
}

@test "image VOLUME: an anonymous volume per path, with the image's content; rm -v removes it" {
	skip_if_missing jq
	build_vol
	run_pm 0 run --name c1 localhost/withvol:latest \
		sh -c "cat /data/f; stat -c '%u:%g' /data/f; awk '\$2 == \"/data\" || \$2 == \"/vempty\" { print \$2 }' /proc/mounts | sort"
	is "$output" "$(printf 'x\n1000:1001\n/data\n/vempty')" "copied up, mounted"
	run_pm_split 0 inspect c1
	is "$(jq -r '[.[0].Mounts[] | select(.Type == "volume") | .Destination] | sort | join(" ")' <"$PM_STDOUT")" \
		"/data /vempty" "two volumes in .Mounts"
	local names
	names=$(jq -r '[.[0].Mounts[] | .Name] | join(" ")' <"$PM_STDOUT")
	run_pm 0 volume ls -q
	is "$(echo "$output" | wc -l)" "2" "two anonymous volumes"
	for n in $names; do
		[[ $n =~ ^[0-9a-f]{64}$ ]] || die "not an anonymous volume's name: $n"
	done
	run_pm 0 rm -v c1
	pm_store_settled
	run_pm 0 volume ls -q
	is "$output" "" "rm -v removed them"
	run_pm 0 run --rm localhost/withvol:latest true
	pm_store_settled
	run_pm 0 volume ls -q
	is "$output" "" "--rm removed them"
}

@test "image VOLUME: an explicit -v/--mount/--tmpfs at the path wins; --image-volume tmpfs, ignore" {
	skip_if_missing jq
	build_vol
	run_pm 0 run --rm -v mine:/data localhost/withvol:latest cat /data/f
	is "$output" "x" "-v NAME:/data: the named volume (copied up)"
	run_pm 0 volume ls -q
	is "$(echo "$output" | sort | tr '\n' ' ')" "mine " "only it (and /vempty's, gone with --rm)"
	# --tmpfs /data: no volume for it
	run_pm 0 create --name t --tmpfs /data localhost/withvol:latest
	run_pm_split 0 inspect t
	is "$(jq -r '[.[0].Mounts[] | select(.Type == "volume") | .Destination] | join(" ")' <"$PM_STDOUT")" \
		"/vempty" "--tmpfs /data: only /vempty gets a volume"
	run_pm 0 rm -v t
	pm_store_settled
	run_pm 0 run --rm --image-volume tmpfs localhost/withvol:latest \
		sh -c "ls -A /data; awk '\$2 == \"/data\" { print \$3 }' /proc/mounts"
	is "$output" "$(printf 'f\ntmpfs')" "tmpfs: a tmpfs with the image's /data copied in (tmpcopyup)"
	run_pm 0 run --rm --image-volume ignore localhost/withvol:latest \
		sh -c "cat /data/f; awk '\$2 == \"/data\"' /proc/mounts"
	is "$output" "x" "ignore: the image's own /data, no mount"
	run_pm 0 volume ls -q
	is "$output" "mine" "no anonymous volume left"
	run_pm 125 run --rm --image-volume bogus localhost/withvol:latest true
	assert_contains "$output" "bogus"
	run_pm 0 volume rm mine
}

@test "tmpcopyup: --tmpfs and --mount type=tmpfs get the image's content, unless notmpcopyup" {
	build_cu
	run_pm 0 run --rm --tmpfs /e $CU sh -c "ls /e; stat -c '%u:%g' /e/f; awk '\$2 == \"/e\" { print \$3 }' /proc/mounts"
	is "$output" "$(printf 'f\nl\nsub\n1000:1001\ntmpfs')" "--tmpfs: copied in, owners kept"
	run_pm 0 run --rm --tmpfs /e:notmpcopyup $CU ls -A /e
	is "$output" "" "--tmpfs ...:notmpcopyup"
	run_pm 0 run --rm --mount type=tmpfs,dst=/e $CU ls /e
	is "$output" "$(printf 'f\nl\nsub')" "--mount type=tmpfs"
	run_pm 0 run --rm --mount type=tmpfs,dst=/e,notmpcopyup $CU ls -A /e
	is "$output" "" "--mount ...,notmpcopyup"
	run_pm 0 run --rm --tmpfs /nonexist $CU ls -A /nonexist
	is "$output" "" "a path the image lacks"
}
