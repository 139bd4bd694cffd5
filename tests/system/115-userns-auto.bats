#!/usr/bin/env bats
# 115-userns-auto: --userns=auto[:size=N,uidmapping=..,gidmapping=..] gives each container a
# range of the user's subordinate ids (ids 1.. of the rootless namespace) that no other
# container's maps use (more in 122), its root filesystem owned by its root; a fresh named
# or anonymous volume is chowned to the container's user at its first mount, so nomap/auto
# roots can write it.
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

# the container's uid_map as "CTR NS LEN" lines
uid_map_cmd='tr -s " " </proc/self/uid_map | sed "s/^ //"'

@test "userns auto: two containers get disjoint ranges, size= honoured, inspect shows them" {
	pm_load_test_image
	run_pm 0 create --name a --userns=auto "$IMG" sh -c "$uid_map_cmd"
	run_pm 0 create --name b --userns=auto:size=2000 "$IMG" sh -c "$uid_map_cmd"
	run_pm 0 start -a a
	is "$output" "0 1 1024" "the first 1024 subordinate ids (the image needs fewer: the minimum)"
	run_pm 0 start -a b
	is "$output" "0 1025 2000" "the next 2000, none of a's"
	run_pm 0 inspect --format '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}' a b
	assert_contains "${lines[0]}" 'private {"UidMap":["0:1:1024"],"GidMap":["0:1:1024"]}'
	assert_contains "${lines[1]}" 'private {"UidMap":["0:1025:2000"],"GidMap":["0:1025:2000"]}'
	run_pm 0 rm a b
}

@test "userns auto: ids are released at rm and reused" {
	pm_load_test_image
	run_pm 0 create --name a --userns=auto "$IMG" true
	run_pm 0 create --name b --userns=auto "$IMG" true
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}}' b
	assert_contains "$output" '"UidMap":["0:1025:1024"]'
	run_pm 0 rm a
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$uid_map_cmd"
	is "$output" "0 1 1024" "a's range is free again"
	run_pm 0 rm b
	run_pm 0 run --rm --userns=auto:size=65536 "$IMG" sh -c "$uid_map_cmd"
	is "$output" "0 1 65536" "all of them once no auto container is left"
}

@test "userns auto: racing creates get distinct ranges" {
	skip_if_podman "podman 4.3 hangs in parallel --userns=auto creates here (3 of 6 still waiting after 60 s)"
	pm_load_test_image
	local i
	for i in 1 2 3 4 5 6; do
		(
			rc=0
			timeout --kill-after=10 60 "${PM_CMD[@]}" create --name "r$i" --userns=auto "$IMG" true \
				>"$BATS_TEST_TMPDIR/c$i.out" 2>&1 || rc=$?
			echo "rc=$rc" >>"$BATS_TEST_TMPDIR/c$i.out"
		) &
	done
	wait
	for i in 1 2 3 4 5 6; do
		cat "$BATS_TEST_TMPDIR/c$i.out"
		is "$(tail -n1 "$BATS_TEST_TMPDIR/c$i.out")" "rc=0" "create r$i"
	done
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}}' r1 r2 r3 r4 r5 r6
	is "${#lines[@]}" 6 "six containers"
	mapfile -t lines < <(printf '%s\n' "${lines[@]}" | sed 's/.*"UidMap":\["\([0-9:]*\)".*/\1/')
	is "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" 6 "six different ranges"
	# each 1024 long, and together exactly 1..6144: no overlap
	is "$(printf '%s\n' "${lines[@]}" | cut -d: -f2 | sort -n | tr '\n' ' ')" \
		"1 1025 2049 3073 4097 5121 " "back to back, no overlap"
	run_pm 0 rm r1 r2 r3 r4 r5 r6
}

@test "userns auto: a size larger than the free ids fails, exit 125, nothing left" {
	pm_load_test_image
	run_pm 0 create --name a --userns=auto "$IMG" true
	run_pm 125 run --name big --userns=auto:size=70000 -v bigvol:/data "$IMG" true
	assert_contains "$output" "could not find enough available IDs"
	is "${#lines[@]}" 1 "one line"
	if ! is_podman; then
		assert_contains "$output" "70000"
	fi
	run_pm 125 create --name big --userns=auto:size=65000 "$IMG" true
	assert_contains "$output" "could not find enough available IDs"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "a" "no container made"
	run_pm 0 volume ls -q
	is "$output" "" "no volume made"
	run_pm 0 rm a
	pm_store_settled
	assert_storage_clean
}

@test "userns auto: root inside, the image's files root's, writes root's" {
	pm_load_test_image
	run_pm 0 run --name au --userns=auto "$IMG" \
		sh -c 'id -u; id -g; stat -c %u:%g /bin/busybox /etc/passwd; echo x >/new; stat -c %u:%g /new'
	is "$output" "$(printf '0\n0\n0:0\n0:0\n0:0')"
	run_pm 0 start -a au
	is "$output" "$(printf '0\n0\n0:0\n0:0\n0:0')" "started again"
	run_pm 0 rm au
	pm_store_settled
	assert_storage_clean
}

@test "userns auto: uidmapping= forces an extent, the rest allocated around it" {
	pm_load_test_image
	run_pm 0 create --name a --userns=auto "$IMG" true
	run_pm 0 run --rm --userns=auto:uidmapping=0:1:500 "$IMG" \
		sh -c "$uid_map_cmd; tr -s ' ' </proc/self/gid_map | sed 's/^ //'"
	# uid: 0..499 as forced, 500..1023 from the free ids; gid: a free range of its own
	is "$output" "$(printf '500 1025 524\n0 1 500\n0 1025 1024')"
	run_pm 0 rm a
}

@test "userns auto: bad options are one-line errors, exit 125, nothing made" {
	pm_load_test_image
	run_pm 125 create --name bad --userns=auto:foo=1 "$IMG" true
	is "$output" 'Error: unknown option specified: "foo"'
	run_pm 125 create --name bad --userns=auto:size=abc "$IMG" true
	is "$output" 'Error: strconv.ParseUint: parsing "abc": invalid syntax'
	run_pm 125 create --name bad --userns=auto --uidmap 0:1:10 "$IMG" true
	is "$output" "Error: --userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive"
	run_pm 0 ps -a -q
	is "$output" "" "nothing made"
}

@test "volumes: a fresh named or anonymous volume is writable by a nomap or auto root" {
	pm_load_test_image
	local mode
	for mode in nomap auto; do
		run_pm 0 run --rm --userns=$mode -v "v$mode:/vol" -v /anon "$IMG" \
			sh -c 'stat -c %u:%g /vol /anon; touch /vol/x /anon/y && echo ok; stat -c %u /vol/x'
		is "$output" "$(printf '0:0\n0:0\nok\n0')" "--userns=$mode: the volumes are root's"
	done
	# still writable by the next container of the same kind
	run_pm 0 run --rm --userns=nomap -v vnomap:/vol "$IMG" sh -c 'ls /vol; echo y >/vol/z && echo ok'
	is "$output" "$(printf 'x\nok')"
	# the image's directory at the target gives its owner to the fresh volume
	run_pm 0 run --rm --userns=auto --mount type=volume,src=vtmp,dst=/tmp "$IMG" \
		sh -c 'stat -c %a /tmp; touch /tmp/f && echo ok'
	is "$output" "$(printf '1777\nok')" "/tmp's mode"
	# any container: a fresh volume goes to its user (-u), once; the next user finds it so
	run_pm 0 run --rm -u 1000:1001 -v vuser:/vol "$IMG" sh -c 'stat -c %u:%g /vol; touch /vol/u && echo ok'
	is "$output" "$(printf '1000:1001\nok')" "-u 1000:1001 owns the fresh volume"
	run_pm 0 run --rm -u 2000 -v vuser:/vol "$IMG" stat -c %u:%g /vol
	is "$output" "1000:1001" "chowned at the first mount only"
	run_pm 0 volume rm vnomap vauto vtmp vuser
}

@test "userns auto: the default size covers the highest owner id of the image's files" {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM %s\nRUN touch /big && chown 3000:3500 /big\n' "$IMG" >"$ctx/Containerfile"
	run_pm 0 build -q -t localhost/bigid:latest "$ctx"
	run_pm 0 run --rm --userns=auto localhost/bigid:latest sh -c "stat -c %u:%g /big; $uid_map_cmd"
	is "$output" "$(printf '3000:3500\n0 1 3501')" "gid 3500 is the highest: 3501 ids"
	run_pm 0 rmi localhost/bigid:latest
}
