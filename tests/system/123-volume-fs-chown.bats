#!/usr/bin/env bats
# 123-volume-fs-chown: a fresh volume with a filesystem of its own (-o type=tmpfs, or
# -o o=bind with a device) gets podman's NeedsChown at its first mount, as a plain one does:
# the filesystem's root (the tmpfs, the bound host directory) takes the owner and mode of the
# image's directory at the target, or the container's user (-u); once only.
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

# build_owned: localhost/owned, with /d owned by 1000:1001, mode 0750
build_owned() {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM %s\nRUN mkdir /d && chown 1000:1001 /d && chmod 0750 /d\n' "$IMG" \
		>"$ctx/Containerfile"
	run_pm 0 build -q -t localhost/owned:latest "$ctx"
}

@test "volume -o type=tmpfs: the first mount takes the image directory's owner and mode, or the user's" {
	skip_if_missing jq
	build_owned
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs tv
	run_pm 0 run --rm -v tv:/d localhost/owned:latest \
		sh -c "stat -c '%a %u:%g' /d; awk '\$2 == \"/d\" { print \$3 }' /proc/mounts"
	is "$output" "$(printf '750 1000:1001\ntmpfs')" "the tmpfs root as the image's /d"
	run_pm_split 0 volume inspect tv
	is "$(jq -r '.[0].NeedsChown // false' <"$PM_STDOUT")" "false" "NeedsChown cleared"
	# the next mount is a fresh tmpfs, left as the filesystem makes it
	run_pm 0 run --rm -u 2000 -v tv:/d localhost/owned:latest stat -c '%a %u:%g' /d
	is "$output" "1777 0:0" "chowned at the first mount only"

	# a target the image lacks: the container's user, the tmpfs's mode (default, mode=)
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs tu
	run_pm 0 run --rm -u 1000:1001 -v tu:/new localhost/owned:latest stat -c '%a %u:%g' /new
	is "$output" "1777 1000:1001" "-u 1000:1001 owns the fresh tmpfs"
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs -o o=mode=0700 tm
	run_pm 0 run --rm -u 1000:1002 --mount type=volume,src=tm,dst=/new localhost/owned:latest \
		sh -c "stat -c '%a %u:%g' /new; touch /new/f && echo ok"
	is "$output" "$(printf '700 1000:1002\nok')" "--mount: mode=0700 kept, -u owns it and writes"
	# o=uid=,gid=: the tmpfs is that owner's, never chowned (podman: no NeedsChown)
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs -o o=uid=1000,gid=1002 to
	run_pm 0 run --rm -v to:/d localhost/owned:latest stat -c '%a %u:%g' /d
	is "$output" "1777 1000:1002" "o=uid=,gid=: not the image's /d"
	run_pm 0 volume rm tv tu tm to
	run_pm 0 rmi localhost/owned:latest
}

@test "volume -o o=bind: the first mount chowns the bound host directory" {
	build_owned
	local src=$BATS_TEST_TMPDIR/bsrc
	mkdir -p "$src"
	chmod 0755 "$src"
	run_pm 0 volume create -o o=bind -o device="$src" bv
	run_pm 0 run --rm -u 1000:1001 -v bv:/new localhost/owned:latest stat -c '%a %u:%g' /new
	is "$output" "755 1000:1001" "the container's user owns it"
	local first
	first=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
	is "$(stat -c %u "$src")" "$((first + 999))" "on the host: the subordinate id of uid 1000"
	run_pm 0 volume create -o o=bind -o device="$src" bv2
	run_pm 0 run --rm --mount type=volume,src=bv2,dst=/d localhost/owned:latest stat -c '%a %u:%g' /d
	is "$output" "750 1000:1001" "another volume on it: the image's /d"
	is "$(stat -c %a "$src")" "750" "its mode on the host"
	run_pm 0 volume rm bv bv2
	run_pm 0 rmi localhost/owned:latest
}
