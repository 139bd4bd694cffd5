#!/usr/bin/env bats
# 122-userns-auto-more: --userns=auto as containers-storage allocates it. The range keeps
# clear of every container's maps (--uidmap/--gidmap ones too, running --rm ones; keep-id
# and nomap hold all the subordinate ids, so no auto container fits beside one); the default size comes from
# storage.conf auto-userns-min-size (or the image's highest id: files, /etc/passwd,
# /etc/group) and is refused above auto-userns-max-size; size=0 is the default size;
# --pod with --userns is refused. Every refusal: exit 125, one line, nothing made.
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

# the container's uid_map and gid_map as "CTR NS LEN" lines
maps_cmd='cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | sed "s/^ //"'

# storage_conf LINE...: [storage.options] holding LINE... for pm
# ($XDG_CONFIG_HOME/pm/storage.conf) and for podman ($XDG_CONFIG_HOME/containers/, which
# replaces the whole configuration: its driver is given, vfs as podman picks here)
storage_conf() {
	mkdir -p "$XDG_CONFIG_HOME/pm" "$XDG_CONFIG_HOME/containers"
	{
		printf '[storage.options]\n'
		printf '%s\n' "$@"
	} >"$XDG_CONFIG_HOME/pm/storage.conf"
	{
		printf '[storage]\ndriver = "vfs"\n\n[storage.options]\n'
		printf '%s\n' "$@"
	} >"$XDG_CONFIG_HOME/containers/storage.conf"
}

# nothing_made: no container record, and (pm) the allocation lock is free
nothing_made() {
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "${1:-}" "no container made"
	if ! is_podman; then
		flock -n "$XDG_DATA_HOME/pm/storage/userns-auto.lock" true ||
			die "userns-auto.lock still held"
	fi
}

@test "userns auto: keeps clear of --uidmap/--gidmap containers' ids, not of plain ones" {
	pm_load_test_image
	run_pm 0 create --name plain "$IMG" true
	run_pm 0 create --name x --uidmap 0:1:2000 --gidmap 0:1:3000 "$IMG" true
	run_pm 0 run --name a --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 2001 1024\n0 3001 1024')" "past x's uids and x's gids"
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}}' a
	assert_contains "$output" '{"UidMap":["0:2001:1024"],"GidMap":["0:3001:1024"]}'
	# --uidmap alone: the gids are the same map
	run_pm 0 create --name y --uidmap 0:3025:1000 "$IMG" true
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 4025 1024\n0 4025 1024')" "past a and y, both ways"
	run_pm 0 rm x y
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 1024\n0 1 1024')" "x's ids are free again"
	run_pm 0 rm a plain
}

@test "userns auto: a running --rm container holds its range until it is gone" {
	pm_load_test_image
	run_pm 0 run -d --rm --name r --userns=auto "$IMG" sleep 100
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1025 1024\n0 1025 1024')" "past r's range"
	run_pm 0 stop -t 0 r
	# --rm: the record goes once the cleanup has run (wait then finds none: any status)
	"${PM_CMD[@]}" wait r >/dev/null 2>&1 || true
	pm_store_settled
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 1024\n0 1 1024')" "r's range is free again"
}

@test "userns auto: no room beside a keep-id or nomap container, exit 125, nothing made" {
	pm_load_test_image
	local mode
	for mode in keep-id nomap; do
		run_pm 0 create --name k --userns=$mode "$IMG" true
		run_pm 125 run --name a --userns=auto -v autovol:/data "$IMG" true
		assert_contains "$output" "could not find enough available IDs"
		is "${#lines[@]}" 1 "one line"
		nothing_made k
		run_pm 0 volume ls -q
		is "$output" "" "no volume made"
		run_pm 0 rm k
	done
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 1024\n0 1 1024')" "room again once they are gone"
	pm_store_settled
	assert_storage_clean
}

@test "userns auto: size=0 is the default size" {
	pm_load_test_image
	run_pm 0 run --rm --userns=auto:size=0 "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 1024\n0 1 1024')"
}

@test "storage.conf: auto-userns-min-size sets the default size, the image's ids raise it" {
	pm_load_test_image
	storage_conf "auto-userns-min-size = 2048"
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 2048\n0 1 2048')" "the minimum"
	# the image's /etc/passwd has pmuser 1000 (nobody 65534 does not count): 1001 ids
	storage_conf "auto-userns-min-size=100"
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 1001\n0 1 1001')" "the image needs more than the minimum"
	# size= wins over both
	run_pm 0 run --rm --userns=auto:size=50 "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 50\n0 1 50')" "size="
	# 0 is the default
	storage_conf "auto-userns-min-size=0"
	run_pm 0 run --rm --userns=auto "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 1024\n0 1 1024')" "0: the default 1024"
}

@test "storage.conf: --rootfs containers get auto-userns-min-size too" {
	skip_if_podman "podman 4.3 makes /etc/mtab in the --rootfs directory, which the auto root (not its owner) cannot write: exit 126"
	storage_conf "auto-userns-min-size=300"
	run_pm 0 run --rm --userns=auto --rootfs "$(pm_test_image rootfs)" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 300\n0 1 300')"
}

@test "storage.conf: a default size above auto-userns-max-size is refused, size= is not" {
	pm_load_test_image
	storage_conf "auto-userns-max-size=500"
	run_pm 125 run --name a --userns=auto "$IMG" true
	assert_contains "$output" "the container needs a user namespace with size"
	assert_contains "$output" "that is bigger than the maximum value allowed with userns=auto"
	is "${#lines[@]}" 1 "one line"
	if ! is_podman; then # podman 4.3 prints both numbers as runes ('Ѐ', 'Ǵ')
		assert_contains "$output" "size 1024 that"
		assert_contains "$output" "userns=auto 500"
	fi
	nothing_made
	run_pm 0 run --rm --userns=auto:size=800 "$IMG" sh -c "$maps_cmd"
	is "$output" "$(printf '0 1 800\n0 1 800')" "an explicit size is not held to the maximum"
	# a minimum above the maximum: nothing fits
	storage_conf "auto-userns-min-size=4096" "auto-userns-max-size=2048"
	run_pm 125 create --name a --userns=auto "$IMG" true
	assert_contains "$output" "bigger than the maximum value allowed with userns=auto"
	nothing_made
	# the image's own need counts against the maximum too
	storage_conf "auto-userns-min-size=100" "auto-userns-max-size=1000"
	run_pm 125 create --name a --userns=auto "$IMG" true
	assert_contains "$output" "bigger than the maximum value allowed with userns=auto"
	if ! is_podman; then
		assert_contains "$output" "size 1001 that"
	fi
	nothing_made
}

@test "storage.conf: a bad auto-userns size is one line naming it, exit 125" {
	skip_if_podman "podman 4.3 exits 1 with two lines (its TOML decoder's message and a log line)"
	pm_load_test_image
	local v key
	for key in auto-userns-min-size auto-userns-max-size; do
		for v in abc -5 99999999999 1.5; do
			storage_conf "$key = $v"
			run_pm 125 create --name a --userns=auto "$IMG" true
			is "$output" "Error: $XDG_CONFIG_HOME/pm/storage.conf: $key '$v' is not a number from 0 to 4294967295"
		done
	done
	# not only auto containers: every command that opens the store
	run_pm 125 create --name b "$IMG" true
	assert_contains "$output" "$key '1.5'"
	rm "$XDG_CONFIG_HOME/pm/storage.conf"
	nothing_made
}

@test "userns auto: --pod with --userns is refused, nothing made" {
	pm_load_test_image
	run_pm 0 pod create --name p
	local mode
	for mode in auto auto:size=2000 keep-id host; do
		run_pm 125 create --pod p --name m --userns=$mode "$IMG" true
		is "$output" "Error: --userns and --pod cannot be set together" "--userns=$mode"
	done
	run_pm 0 ps -a --format '{{.Names}}'
	is "$(printf '%s\n' "${lines[@]}" | grep -cx m)" 0 "no container m"
	# and beside --uidmap/--gidmap (podman's message)
	run_pm 125 create --name u --userns=auto --gidmap 0:1:10 "$IMG" true
	is "$output" "Error: --userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive"
	run_pm 0 pod rm -f p
	nothing_made
}
