#!/usr/bin/env bats
# 134-harden: risks mended after a review. Copy-up (a volume's first mount, --tmpfs
# tmpcopyup) keeps hard links as links, and a built layer keeps them too; tmpcopyup fails,
# naming the path, when the path it copies from cannot be read (runc and crun do; pm
# skipped it silently). An image VOLUME path with ':' or ',' is a volume at that path (it
# went through the -v parser and failed). The netns holder leaves no zombie or lock. A
# passthrough container restarted by its policy gets /dev/null, as podman's. --userns=auto
# sizes by the merged image's /etc/passwd and /etc/group (a whiteout hides lower copies).
# (pm_copy_tree's holes and depth: tests/unit/test-fileutil.c; state.json's torn reads:
# tests/unit/test-container.c.)
# Runs as the unprivileged test user; also against podman (PM="podman --runtime runc").

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

HL=localhost/harden:latest

# build_hl: localhost/harden, imported from a tarball of the test rootfs plus /e/a and
# /e/sub/b one file (hard links), /e/c another, /locked a directory of uid 5000, mode 0700
# (import: the owner 5000 and the mode come from the tarball as they are)
build_hl() {
	local root=$BATS_TEST_TMPDIR/root
	cp -a "$(pm_test_image rootfs)" "$root"
	mkdir -p "$root/e/sub" "$root/locked"
	echo x >"$root/e/a"
	ln "$root/e/a" "$root/e/sub/b"
	echo y >"$root/e/c"
	echo s >"$root/locked/f"
	chmod 0700 "$root/locked"
	tar -C "$root" --numeric-owner --owner=0 --group=0 --exclude=./locked -cf "$BATS_TEST_TMPDIR/root.tar" .
	tar -C "$root" --numeric-owner --owner=5000 --group=5000 -rf "$BATS_TEST_TMPDIR/root.tar" ./locked
	run_pm 0 import "$BATS_TEST_TMPDIR/root.tar" $HL
}

@test "copy-up: hard links stay links in a volume's copy and in a tmpcopyup tmpfs" {
	build_hl
	local show='stat -c "%h %i" /e/a /e/sub/b /e/c | { read -r n1 i1; read -r n2 i2; read -r n3 i3; echo "$n1 $n2 $n3 $([ "$i1" = "$i2" ] && echo same) $([ "$i1" != "$i3" ] && echo other)"; }'
	run_pm 0 run --rm $HL sh -c "$show"
	is "$output" "2 2 1 same other" "the image: a and sub/b one inode"
	run_pm 0 run --rm -v v1:/e $HL sh -c "$show"
	is "$output" "2 2 1 same other" "a volume's copy-up"
	# pm-only: runc's (and crun's) tmpcopyup copies each name apart (podman: "1 1 1  other")
	if ! is_podman; then
		run_pm 0 run --rm --tmpfs /e $HL sh -c "$show; stat -f -c %T /e"
		is "$output" "$(printf '2 2 1 same other\ntmpfs')" "tmpcopyup"
	fi
	run_pm 0 volume rm v1
}

@test "build: a layer keeps hard links (its tar names the other names as links), and copy-up then keeps them" {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM localhost/busybox:latest\nRUN mkdir -p /e/sub && echo x > /e/a && ln /e/a /e/sub/b\n' >"$ctx/Containerfile"
	run_pm 0 build -q -t localhost/hlbuild "$ctx"
	local show='stat -c "%h %i" /e/a /e/sub/b | { read -r n1 i1; read -r n2 i2; echo "$n1 $n2 $([ "$i1" = "$i2" ] && echo same)"; }'
	run_pm 0 run --rm localhost/hlbuild sh -c "$show"
	is "$output" "2 2 same" "the built image"
	run_pm 0 run --rm -v v1:/e localhost/hlbuild sh -c "$show"
	is "$output" "2 2 same" "a volume's copy-up of it"
	run_pm 0 volume rm v1
}

@test "tmpcopyup: a directory the container's root cannot read fails the run, named" {
	build_hl
	# uid 5000 unmapped in the container: its 0700 directory is closed to the container's root
	run_pm 0 run --rm --uidmap 0:0:1000 --gidmap 0:0:1000 $HL sh -c 'ls /locked 2>&1; true'
	assert_contains "$output" "Permission denied" "the directory is closed to the container's root"
	run_pm 126 run --rm --uidmap 0:0:1000 --gidmap 0:0:1000 --tmpfs /locked $HL true
	assert_contains "$output" "/locked" "the error names the path"
	assert_contains "$output" "ermission denied" "and the cause"
}

@test "image VOLUME: a path with ':' or ',' is a volume there (bind and tmpfs)" {
	run_pm 0 import --change 'VOLUME ["/v:a", "/v,b"]' "$(pm_test_image rootfs-tar)" localhost/vcolon
	run_pm 0 run --rm localhost/vcolon sh -c 'echo in > "/v:a/f"; echo in > "/v,b/f"; awk "\$5 ~ /^\/v/ {print \$5}" /proc/self/mountinfo | sort; cat "/v:a/f" "/v,b/f"'
	is "$output" "$(printf '/v,b\n/v:a\nin\nin')" "an anonymous volume at each path"
	run_pm 0 volume ls -q
	is "$output" "" "removed with --rm"
	run_pm 0 run --rm --image-volume tmpfs localhost/vcolon sh -c 'awk "\$5 ~ /^\/v/ {print \$5, \$9}" /proc/self/mountinfo | sort'
	is "$output" "$(printf '/v,b tmpfs\n/v:a tmpfs')" "--image-volume tmpfs"
	# --mount reads a quoted field as one (CSV, as podman's)
	run_pm 0 run --rm --mount 'type=tmpfs,"dst=/x,y"' localhost/vcolon sh -c 'awk "\$5 ~ /^\/x/ {print \$5, \$9}" /proc/self/mountinfo'
	is "$output" "/x,y tmpfs" "--mount type=tmpfs,\"dst=/x,y\""
}

# The holder of a new network namespace (netslirp's pm_net_netns_new) is reaped by the
# command that made it, and closes its copies of pm's fds first. The race this guards (a
# holder not yet scheduled when pm exits: a zombie left to init, a copy of the container
# lock held until it runs) needs a loaded machine, so this passes before the fix too; it
# checks that nothing but the live helpers is left behind.
@test "slirp4netns: the network namespace's holder leaves no zombie and no lock behind" {
	skip_if_missing slirp4netns python3
	pm_load_test_image
	# pm under a subreaper: what it leaves behind comes to the subreaper, which never reaps
	local sr=$PM_SRCDIR/tests/lib/subreaper.py
	run_pm 0 run -d --name h1 --network slirp4netns localhost/busybox:latest sleep 100
	run timeout 60 "$sr" $PM run -d --name h2 --network slirp4netns localhost/busybox:latest sleep 100
	is "$status" 0 "run -d"
	assert_not_contains "$(echo "$output" | awk 'NR > 1 && $2 == "Z"')" "Z" "no zombie left to the subreaper"
	assert_not_contains "$output" " lock" "no process left holding a lock"
	# run --rm: its detached remover (a pm zombie here) as with --network none, no more
	local zn zs
	run timeout 60 "$sr" $PM run --rm --network none localhost/busybox:latest true
	is "$status" 0 "run --rm --network none"
	zn=$(echo "$output" | awk '$2 == "Z" && $3 == "pm"' | wc -l)
	run timeout 60 "$sr" $PM run --rm --network slirp4netns localhost/busybox:latest true
	is "$status" 0 "run --rm --network slirp4netns"
	zs=$(echo "$output" | awk '$2 == "Z" && $3 == "pm"' | wc -l)
	is "$zs" "$zn" "no pm zombie but the remover's"
	assert_not_contains "$output" " lock" "no process left holding a lock"
	# the container lock is free: commands that take it do not block
	run_pm 0 stop -t0 h1
	run_pm 0 rm -f -t0 h1 h2
}

# podman 4.3 (conmon) too: the caller's streams are the first start's; a restart by the
# policy (conmon's exit command, pm's monitor) gives the container /dev/null
@test "log-driver passthrough: a container restarted by its policy gets /dev/null, as podman's" {
	pm_load_test_image
	local d=$BATS_TEST_TMPDIR/fds i
	mkdir -p "$d"
	$PM run -d --name pr --restart on-failure:2 --log-driver passthrough -v "$d:/fds" \
		localhost/busybox:latest sh -c 'n=$(ls /fds | wc -l); for f in 1 2; do readlink /proc/self/fd/$f; done > /fds/run$n; echo "run $n"; exit 1' \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	for i in $(seq 1 150); do
		[ -s "$d/run2" ] && break
		sleep 0.1
	done
	is "$(tr '\n' ' ' <"$d/run0")" "/fds/run0 $BATS_TEST_TMPDIR/err " "the first start: the caller's stderr"
	is "$(tr '\n' ' ' <"$d/run1")" "/fds/run1 /dev/null " "a restart: /dev/null"
	is "$(tr '\n' ' ' <"$d/run2")" "/fds/run2 /dev/null " "the next one too"
	is "$(cat "$BATS_TEST_TMPDIR/out")" "run 0" "only the first start wrote to the caller's stdout"
	run_pm 0 rm -f -t0 pr
}

# userns_storage_conf LINE...: [storage.options] holding LINE... for pm and for podman
# (whose file replaces its whole configuration: vfs, as podman picks here)
userns_storage_conf() {
	mkdir -p "$XDG_CONFIG_HOME/pm" "$XDG_CONFIG_HOME/containers"
	printf '[storage.options]\n%s\n' "$@" >"$XDG_CONFIG_HOME/pm/storage.conf"
	printf '[storage]\ndriver = "vfs"\n\n[storage.options]\n%s\n' "$@" \
		>"$XDG_CONFIG_HOME/containers/storage.conf"
}

@test "userns auto: the size reads /etc/passwd and /etc/group as the merged image has them" {
	userns_storage_conf "auto-userns-min-size=100"
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx maps='cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
	mkdir -p "$ctx"
	# the base's /etc/passwd has pmuser 1000 (and a file of 1000's): 1001 ids
	run_pm 0 run --rm --userns=auto localhost/busybox:latest sh -c "$maps"
	is "$output" "0 1 1001" "the base image"
	# a layer adds user 5000 to /etc/passwd and group 6000 to /etc/group: 6001 ids
	printf 'FROM localhost/busybox:latest\nRUN echo big:x:5000:5000::/:/bin/sh >> /etc/passwd && echo big:x:6000: >> /etc/group\n' >"$ctx/Containerfile"
	run_pm 0 build -q -t localhost/bigpasswd "$ctx"
	# pm-only: podman 4.3 makes it 5000 (the passwd's highest uid itself, not + 1, and not
	# /etc/group's: its uid 5000 is then left unmapped); pm's count, not changed here
	if ! is_podman; then
		run_pm 0 run --rm --userns=auto localhost/bigpasswd sh -c "$maps"
		is "$output" "0 1 6001" "a user and a group added"
	fi
	# a layer above deletes both (whiteouts): that layer's copies do not count any more
	printf 'FROM localhost/bigpasswd\nRUN rm /etc/passwd /etc/group\n' >"$ctx/Containerfile"
	run_pm 0 build -q -t localhost/nopasswd "$ctx"
	run_pm 0 run --rm --userns=auto localhost/nopasswd cat /proc/self/uid_map
	is "$(echo "$output" | tr -s ' ' | sed 's/^ //')" "0 1 1001" "deleted above: the files' ids only"
}
