#!/usr/bin/env bats
# 025-volume: named volumes: `pm volume create|ls|inspect|rm|prune|exists`, every flag by its
# effect, podman's output and exit codes, error paths (bad name, duplicate, missing volume),
# ownership of the data in the rootless user namespace, and racing creates of one name.
# Runs as the unprivileged test user. Also runs against podman (PM="podman --runtime runc");
# tests of pm-only behaviour (--ignore on podman 4.3, AND of filter keys, o=size= rootless)
# skip there.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

# mountpoint NAME: the volume's _data directory.
mountpoint() {
	timeout "$PM_TIMEOUT" "${PM_CMD[@]}" volume inspect --format json "$1" | jq -er '.[0].Mountpoint'
}

@test "volume create NAME, inspect shows podman's fields" {
	skip_if_missing jq
	run_pm_split 0 volume create myvol
	is "$output" "myvol" "create prints the name"
	is "$stderr" "" "stderr"

	run_pm_split 0 volume inspect myvol
	is "$(jq -r 'length' <"$PM_STDOUT")" "1" "inspect prints a JSON array"
	is "$(jq -r '.[0].Name' <"$PM_STDOUT")" "myvol" ".Name"
	is "$(jq -r '.[0].Driver' <"$PM_STDOUT")" "local" ".Driver"
	is "$(jq -r '.[0].Scope' <"$PM_STDOUT")" "local" ".Scope"
	is "$(jq -r '.[0].MountCount' <"$PM_STDOUT")" "0" ".MountCount"
	same "$(jq -c '.[0].Labels' <"$PM_STDOUT")" "{}" ".Labels"
	same "$(jq -c '.[0].Options' <"$PM_STDOUT")" "{}" ".Options"
	is "$(jq -r '.[0].Mountpoint' <"$PM_STDOUT")" "/.*/volumes/myvol/_data" ".Mountpoint"
	is "$(jq -r '.[0].CreatedAt' <"$PM_STDOUT")" \
		"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})" \
		".CreatedAt is RFC 3339 with a zone"
	mp=$(jq -r '.[0].Mountpoint' <"$PM_STDOUT")
	[ -d "$mp" ] || die "mountpoint $mp is not a directory"
}

@test "volume create without a name makes a 64-hex name" {
	run_pm 0 volume create
	is "$output" "[0-9a-f]{64}" "generated name"
	name=$output
	run_pm 0 volume exists "$name"
	run_pm 0 volume ls -q
	is "$output" "$name" "ls -q"
}

@test "volume create of an existing name fails; --ignore accepts it" {
	run_pm 0 volume create dup
	run_pm 125 volume create dup
	same "$output" "Error: volume with name dup already exists: volume already exists"
	skip_if_podman "podman 4.3 has no --ignore"
	run_pm 0 volume create --ignore -l new=1 dup
	is "$output" "dup" "--ignore prints the name"
	run_pm 0 volume inspect --format json dup
	assert_not_contains "$output" '"new"' "--ignore leaves the existing volume as it was"
}

@test "volume create: bad names fail with 125 naming the name" {
	for name in "bad name" "_x" ".x" "a/b" "-x"; do
		run_pm 125 volume create -- "$name"
		assert_contains "$output" "[a-zA-Z0-9][a-zA-Z0-9_.-]*" "error for '$name'"
	done
	skip_if_podman "podman's message does not quote the name"
	run_pm 125 volume create "bad name"
	assert_contains "$output" "'bad name'"
	run_pm 0 volume ls -q
	is "$output" "" "nothing was created"
}

@test "volume create --label and --opt" {
	skip_if_missing jq
	run_pm 0 volume create -l a=b -l c --label d=e,f=g -o o=nodev,noexec lab
	run_pm_split 0 volume inspect lab
	same "$(jq -c '.[0].Labels' <"$PM_STDOUT")" '{"a":"b","c":"","d":"e","f":"g"}' ".Labels"
	same "$(jq -c '.[0].Options' <"$PM_STDOUT")" '{"o":"nodev,noexec"}' ".Options"

	run_pm 0 volume create -o type=tmpfs -o device=tmpfs -o o=nr_inodes=100 tmp
	run_pm_split 0 volume inspect tmp
	is "$(jq -r '.[0].Options.type' <"$PM_STDOUT")" "tmpfs" ".Options.type"
}

@test "volume create -o o=uid=N,gid=N: the data belongs to that container user" {
	skip_if_missing jq
	run_pm 0 volume create -o o=uid=1000,gid=1000 owned
	run_pm_split 0 volume inspect owned
	is "$(jq -r '.[0].UID' <"$PM_STDOUT")" "1000" ".UID"
	is "$(jq -r '.[0].GID' <"$PM_STDOUT")" "1000" ".GID"
	is "$(jq -r '.[0].Options.UID' <"$PM_STDOUT")" "1000" ".Options.UID"
	mp=$(jq -r '.[0].Mountpoint' <"$PM_STDOUT")
	# uid 1000 in the namespace is a subordinate uid on the host, not the user
	owner=$(stat -c %u "$mp")
	[ "$owner" != "$(id -u)" ] || die "_data of a uid=1000 volume belongs to the user"
	run_pm 0 unshare stat -c %u:%g "$mp"
	is "$output" "1000:1000" "owner seen inside the user namespace"

	# a plain volume belongs to the container's root = the user on the host
	run_pm 0 volume create plain
	mp=$(mountpoint plain)
	is "$(stat -c %u "$mp")" "$(id -u)" "owner of a plain volume's data"
}

@test "volume create: unsupported driver and options fail with 125" {
	run_pm 125 volume create --driver foo x
	assert_contains "$output" "foo"
	run_pm 125 volume create -o foo=bar x
	same "$output" "Error: invalid mount option foo for driver 'local': invalid argument"
	skip_if_podman "podman defers these checks or words them differently"
	run_pm 125 volume create -o type=ext4 -o device=/dev/sda x
	assert_contains "$output" "'type=ext4'"
	run_pm 125 volume create -o o=size=1m x
	assert_contains "$output" "'size=1m' needs type=tmpfs"
	run_pm 125 volume create -o o=uid=abc x
	assert_contains "$output" "'uid=abc'"
	run_pm 125 volume create -o o=bind x
	assert_contains "$output" "device="
	run_pm 0 volume ls -q
	is "$output" "" "nothing was created"
}

@test "volume create: too many arguments, unknown flag" {
	run_pm 125 volume create a b
	assert_contains "$output" "accepts at most 1 arg"
	run_pm 125 volume create --bogus
	assert_contains "$output" "unknown flag: --bogus"
}

@test "volume ls: columns, -q, --noheading, --format" {
	skip_if_missing jq
	run_pm 0 volume ls
	is "$output" "" "no volumes: not even a header"
	run_pm 0 volume create bvol
	run_pm 0 volume create avol
	run_pm 0 volume ls
	is "${lines[0]}" "DRIVER +VOLUME NAME" "header"
	is "${lines[1]}" "local +avol"
	is "${lines[2]}" "local +bvol"
	is "${#lines[@]}" "3" "lines"
	run_pm 0 volume ls --noheading
	is "${lines[0]}" "local +avol"
	run_pm 0 volume ls -q
	is "$output" "avol
bvol"
	run_pm 0 volume ls --format '{{.Name}}:{{.Driver}}:{{.Scope}}'
	is "$output" "avol:local:local
bvol:local:local"
	run_pm_split 0 volume ls --format json
	is "$(jq -r '.[].Name' <"$PM_STDOUT")" "avol
bvol" "json names"
	run_pm 0 volume list -q
	is "${#lines[@]}" "2" "alias list"
}

@test "volume ls --filter name, label, dangling, driver, opt" {
	run_pm 0 volume create -l a=b -l c lab
	run_pm 0 volume create -o o=nodev myvol
	run_pm 0 volume ls -q --filter name=la
	is "$output" "lab" "name is a regex match"
	run_pm 0 volume ls -q --filter name=^m
	is "$output" "myvol"
	run_pm 0 volume ls -q --filter name=lab --filter name=myvol
	is "$output" "lab
myvol" "one key twice: or"
	run_pm 0 volume ls -q --filter label=a
	is "$output" "lab"
	run_pm 0 volume ls -q --filter label=a=b
	is "$output" "lab"
	run_pm 0 volume ls -q --filter label=a=x
	is "$output" ""
	run_pm 0 volume ls -q --filter dangling=true
	is "$output" "lab
myvol" "unused volumes are dangling"
	run_pm 0 volume ls -q --filter dangling=false
	is "$output" ""
	run_pm 0 volume ls -q --filter opt=o=nodev
	is "$output" "myvol"
	skip_if_podman "podman 4.3 ORs filters of different keys"
	run_pm 0 volume ls -q --filter driver=local --filter opt=o=nodev
	is "$output" "myvol"
	run_pm 0 volume ls -q --filter name=my --filter label=a
	is "$output" "" "different keys: and"
	run_pm 0 volume ls -q --filter label!=a
	is "$output" "myvol"
	run_pm 0 volume ls -q --filter until=2000-01-01
	is "$output" "" "until a date before the volumes"
	run_pm 0 volume ls -q --filter until=2999-01-01
	is "$output" "lab
myvol"
}

@test "volume ls --filter errors" {
	run_pm 125 volume ls --filter bogus=1
	same "$output" 'Error: "bogus" is an invalid volume filter'
	run_pm 125 volume ls --filter name
	same "$output" "Error: filter input must be in the form of filter=value: name is invalid"
	run_pm 125 volume ls --filter name=a,b
	assert_contains "$output" "b is invalid" "--filter splits on commas"
	run_pm 125 volume ls --filter dangling=maybe
	same "$output" 'Error: "maybe" is not a valid value for the "dangling" filter - must be true or false'
}

@test "volume inspect: --format, --all, missing volumes" {
	skip_if_missing jq
	run_pm 0 volume create -l k=v one
	run_pm 0 volume create two
	run_pm 0 volume inspect --format '{{.Name}} {{.Driver}} {{.Scope}}' one
	is "$output" "one local local"
	run_pm 0 volume inspect --format '{{index .Labels "k"}}' one
	is "$output" "v"
	run_pm 0 volume inspect --format '{{.CreatedAt}}' one
	is "$output" "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [+-][0-9]{4} [A-Z]+" "Go time format"
	run_pm_split 0 volume inspect --all
	is "$(jq -r '.[].Name' <"$PM_STDOUT")" "one
two" "--all"
	run_pm_split 0 volume inspect -a --format json
	is "$(jq -r 'length' <"$PM_STDOUT")" "2" "-a --format json"

	run_pm_split 125 volume inspect nope
	same "$stderr" "Error: inspecting object: no such volume nope"
	is "$(jq -r 'length' <"$PM_STDOUT")" "0" "empty array"
	run_pm_split 125 volume inspect one nope
	same "$stderr" "Error: inspecting object: no such volume nope"
	is "$(jq -r '.[0].Name' <"$PM_STDOUT")" "one" "the found volume is still printed"
	run_pm 125 volume inspect
	same "$output" "Error: provide one or more volume names or use --all"
	run_pm 125 volume inspect -a one
	same "$output" "Error: provide one or more volume names or use --all"
}

@test "volume rm: names, missing, -f, -a" {
	run_pm 0 volume create r1
	run_pm 0 volume create r2
	run_pm 0 volume create r3
	mp=$(mountpoint r1)
	echo data >"$mp/file"
	run_pm 0 volume rm r1 r2
	is "$output" "r1
r2" "rm prints the names"
	[ ! -e "$mp" ] || die "the data of r1 is still there"
	run_pm 1 volume rm nope
	same "$output" 'Error: no volume with name "nope" found: no such volume'
	run_pm 0 volume rm -f nope
	is "$output" "" "-f ignores a missing volume"
	run_pm 125 volume rm
	same "$output" "Error: choose either one or more volumes or all"
	run_pm 125 volume rm -a r3
	same "$output" "Error: choose either one or more volumes or all"
	run_pm 0 volume create r4
	run_pm 0 volume rm --all
	is "$output" "r3
r4"
	run_pm 0 volume ls -q
	is "$output" ""
	run_pm 0 volume create r5
	run_pm 0 volume remove r5
	is "$output" "r5" "alias remove"
}

@test "volume rm: data written by container uids is removed too" {
	run_pm 0 volume create deep
	mp=$(mountpoint deep)
	run_pm 0 unshare sh -c "mkdir -p $mp/a/b && echo x >$mp/a/b/f && chown -R 1000:1000 $mp/a && chmod 0700 $mp/a"
	run_pm 0 volume rm deep
	[ ! -e "$mp" ] || die "$mp is still there"
}

@test "volume prune: -f, the prompt, --filter" {
	run_pm 0 volume create -l keep=1 p1
	run_pm 0 volume create p2
	run_pm 125 volume prune </dev/null
	assert_contains "$output" "The following volumes will be removed:"
	assert_contains "$output" "Error: EOF"
	run_pm 0 volume prune <<<"n"
	run_pm 0 volume ls -q
	is "$output" "p1
p2" "answering n removes nothing"
	run_pm 0 volume prune -f --filter label=keep=1
	is "$output" "p1"
	run_pm 0 volume ls -q
	is "$output" "p2"
	run_pm 0 volume prune <<<"y"
	assert_contains "$output" "p2"
	run_pm 0 volume ls -q
	is "$output" ""
	run_pm 0 volume prune -f
	is "$output" "" "nothing to prune"
	skip_if_podman "podman 4.3 takes any filter name for prune"
	run_pm 125 volume prune --filter name=x
	same "$output" 'Error: "name" is an invalid volume filter'
}

@test "volume exists" {
	run_pm 0 volume create ex
	run_pm 0 volume exists ex
	is "$output" ""
	run_pm 1 volume exists nope
	is "$output" ""
	run_pm 1 volume exists "bad name"
	run_pm 125 volume exists
	same "$output" "Error: accepts 1 arg(s), received 0"
	run_pm 125 volume exists a b
	same "$output" "Error: accepts 1 arg(s), received 2"
}

@test "volume: racing creates of one name, exactly one wins" {
	# make sure the user namespace exists, so the racers only race for the name
	run_pm 0 volume ls
	local i pids=()
	for i in $(seq 1 8); do
		(
			rc=0
			timeout "$PM_TIMEOUT" "${PM_CMD[@]}" volume create race >"$BATS_TEST_TMPDIR/out.$i" 2>&1 || rc=$?
			echo "$rc" >"$BATS_TEST_TMPDIR/rc.$i"
		) &
		pids+=($!)
	done
	wait "${pids[@]}"
	wins=$(grep -lx 0 "$BATS_TEST_TMPDIR"/rc.* | wc -l)
	lost=$(grep -lx 125 "$BATS_TEST_TMPDIR"/rc.* | wc -l)
	is "$wins" "1" "winners"
	is "$lost" "7" "losers"
	for i in $(seq 1 8); do
		if [ "$(cat "$BATS_TEST_TMPDIR/rc.$i")" = 125 ]; then
			is "$(cat "$BATS_TEST_TMPDIR/out.$i")" \
				"Error: volume with name race already exists: volume already exists" "loser $i"
		fi
	done
	run_pm 0 volume ls -q
	is "$output" "race" "one volume"
}

@test "volume: help lists the subcommands" {
	run_pm 0 volume --help
	for c in create exists inspect ls prune rm; do
		assert_contains "$output" "  $c " "volume --help lists $c"
	done
	run_pm 0 volume create --help
	assert_contains "$output" "--label"
	run_pm 125 volume
	assert_contains "$output" "missing command"
}

# mounts_of NAME: the mounts on volume NAME's _data in the rootless mount namespace.
mounts_of() {
	# shellcheck disable=SC2016 # awk's own $5
	timeout "$PM_TIMEOUT" "${PM_CMD[@]}" unshare awk -v n="/volumes/$1/_data" \
		'index($5, n) == length($5) - length(n) + 1 { print $5 }' /proc/self/mountinfo
}

@test "volume -o type=tmpfs: containers see one tmpfs, shared while they run, unmounted after" {
	skip_if_missing jq
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs -o o=nr_inodes=1000 tv
	is "$(mounts_of tv)" "" "nothing mounted before a container uses it"

	run_pm 0 run -d --name c1 -v tv:/data "$IMG" sh -c 'echo from-c1 >/data/f; sleep 100'
	# the second container sees the first one's tmpfs (podman: one mount per volume)
	# shellcheck disable=SC2016 # the container's shell and awk expand these
	run_pm 0 run --rm -v tv:/data "$IMG" sh -c \
		'for i in $(seq 100); do [ -f /data/f ] && break; sleep 0.1; done
		 awk '\''$2=="/data" { print $1, $3, $4 }'\'' /proc/mounts; cat /data/f'
	is "${lines[0]}" "tmpfs tmpfs .*nr_inodes=1000.*" "a tmpfs with nr_inodes=1000 at /data"
	is "${lines[1]}" "from-c1" "data of the first container"
	run_pm_split 0 volume inspect tv
	is "$(jq -r '.[0].MountCount' <"$PM_STDOUT")" "1" "MountCount while c1 runs"
	[ -n "$(mounts_of tv)" ] || die "tmpfs not mounted while c1 runs"

	run_pm 0 rm -f -t 0 c1
	is "$(mounts_of tv)" "" "unmounted after the last user"
	run_pm_split 0 volume inspect tv
	is "$(jq -r '.[0].MountCount' <"$PM_STDOUT")" "0" "MountCount after the last user"
	# a new start gets a fresh tmpfs
	run_pm 0 run --rm -v tv:/data "$IMG" sh -c 'ls /data | wc -l'
	is "$output" "0" "tmpfs content is gone with the mount"

	# volume rm of a mounted volume (-f: in use) leaves nothing mounted
	skip_if_podman "podman 4.3's volume rm -f of a volume a running container uses hangs"
	run_pm 0 run -d --name c2 -v tv:/data "$IMG" sleep 100
	[ -n "$(mounts_of tv)" ] || die "tmpfs not mounted while c2 runs"
	run_pm 0 volume rm -f tv
	is "$(mounts_of tv)" "" "nothing mounted after volume rm"
	run_pm 0 rm -f -t 0 c2
}

@test "volume -o type=tmpfs -o o=size=,noexec: the tmpfs has that size and flag" {
	# podman 4.3 rootless takes size= as a project quota on the volume directory and
	# refuses the volume: "Filesystem does not support Project Quota"; and its runc's bind
	# remount of the volume into the container (rw,nosuid,nodev) drops the volume's noexec
	skip_if_podman "podman 4.3 refuses o=size= rootless (no project quota here)"
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs -o o=size=2m,noexec tv
	run_pm 0 run --rm -v tv:/data "$IMG" awk '$2=="/data" { print $1, $3, $4 }' /proc/mounts
	is "$output" "tmpfs tmpfs .*size=2048k.*" "a tmpfs with size=2m at /data"
	assert_contains "$output" "noexec"
	# size= is enforced
	run_pm 1 run --rm -v tv:/data "$IMG" sh -c 'dd if=/dev/zero of=/data/big bs=1k count=4096 2>&1'
	assert_contains "$output" "No space left on device"
	run_pm 0 volume rm tv
}

@test "volume -o o=bind -o device=DIR: containers see the host directory" {
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
	src=$BATS_TEST_TMPDIR/bindsrc
	mkdir -p "$src"
	echo from-host >"$src/f"
	run_pm 0 volume create -o o=bind -o device="$src" bv
	run_pm 0 run --rm -v bv:/data "$IMG" sh -c 'cat /data/f; echo from-ctr >/data/g'
	is "$output" "from-host" "the host file through the volume"
	is "$(cat "$src/g")" "from-ctr" "the container's file on the host"
	is "$(mounts_of bv)" "" "unmounted after the container"
	run_pm 0 volume rm bv
	[ -f "$src/f" ] || die "volume rm removed the bound host directory's content"
	skip_if_podman "podman 4.3 takes a relative device= at create"
	run_pm 125 volume create -o o=bind -o device=relative bv2
	assert_contains "$output" "'relative'"
}

@test "a failed run leaves no named volume it would have created; an existing one stays" {
	run_pm 0 load -i "$(pm_test_image)"
	IMG=$(pm_test_image name)
	run_pm 125 run -v vol1:/dst -v /nonexistent-src:/y "$IMG" true
	assert_contains "$output" "/nonexistent-src"
	run_pm 0 volume ls -q
	is "$output" "" "a bind source that does not exist: no vol1"
	run_pm 0 volume create keep
	run_pm 125 run -v keep:/dst -v /nonexistent-src:/y "$IMG" true
	run_pm 0 volume ls -q
	is "$output" "keep" "the volume that existed before stays"
	run_pm 0 volume rm keep
	# podman 4.3 keeps vol1 after a bad second volume name, and keeps the container
	# (and vol1) when the start fails: pm's failed run leaves nothing behind
	skip_if_podman "podman creates vol1 before it checks the rest"
	run_pm 125 run -v vol1:/dst -v bad@name:/z "$IMG" true
	assert_contains "$output" "bad@name"
	run_pm 0 volume ls -q
	is "$output" "" "a bad second volume name: no vol1"
	run_pm 125 run -v vol1:/etc/passwd/x "$IMG" true
	assert_contains "$output" "/etc/passwd/x"
	run_pm 0 volume ls -q
	is "$output" "" "a destination that cannot be made: no vol1"
	run_pm 0 ps -a -q
	is "$output" "" "and no container"
}
