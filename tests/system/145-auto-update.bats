#!/usr/bin/env bats
# 145-auto-update: pm auto-update (engine/auto-update.c) against Debian's docker-registry on
# loopback (tests/system/registry.bash). Which containers are candidates (running, labelled
# io.containers.autoupdate, with the PODMAN_SYSTEMD_UNIT label run/create take from the
# environment) and podman's errors for the others; --dry-run's "false"/"pending" for the
# registry policy (a new image pushed to the same tag) and the local policy (a re-tag);
# --format's fields and json; --authfile and the io.containers.autoupdate.authfile label
# against a registry with basic auth; the update itself with a fake systemctl on $PATH (the
# pull, the restart, the rollback to the old image when the restart fails). The restart of
# a real unit is tests/vm/060-auto-update.bats's.
#
# Podman 4.3 connects to systemd over D-Bus before it checks any container, even with
# --dry-run, and has no --tls-verify here: the tests that get as far as a check are pm's
# (skip_if_podman); the candidate selection and the errors run against podman too.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers
load registry

setup() {
	basic_setup
	_pm_has_command auto-update || skip "$PM has no auto-update command"
}

teardown() {
	registry_stop
	basic_teardown
}

# assert_equal ACTUAL EXPECTED: plain string equality, both shown on failure
assert_equal() {
	[ "$1" = "$2" ] || die "expected:
$2
actual:
$1"
}

# assert_line_count N: $output has N lines
assert_line_count() {
	assert_equal "${#lines[@]}" "$1"
}

# pm_ctr_id NAME: the container's full id
pm_ctr_id() {
	"${PM_CMD[@]}" inspect --format '{{.Id}}' "$1"
}

# run_unit UNIT NAME POLICY IMAGE: a container as a unit would run it (the unit's
# PODMAN_SYSTEMD_UNIT in the environment), labelled with the policy, sleeping
run_unit() {
	PODMAN_SYSTEMD_UNIT=$1 run_pm 0 run -d --name "$2" \
		--label "io.containers.autoupdate=$3" "$4" sleep 600
}

# image_id REF: the image's id (no log lines: for $(...))
image_id() {
	"${PM_CMD[@]}" image inspect --format '{{.Id}}' "$1"
}

# fake_systemctl [FAILS]: a systemctl on $PATH that logs its arguments to $SYSTEMCTL_LOG and
# fails its first FAILS calls (default 0) as systemctl does when a unit's job fails
fake_systemctl() {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	SYSTEMCTL_LOG=$BATS_TEST_TMPDIR/systemctl.log
	: >"$SYSTEMCTL_LOG"
	cat >"$bin/systemctl" <<-EOS
		#!/bin/sh
		echo "\$*" >>"$SYSTEMCTL_LOG"
		n=\$(wc -l <"$SYSTEMCTL_LOG")
		if [ "\$n" -le ${1:-0} ]; then
			echo "Job for \$4 failed because the control process exited with error code." >&2
			echo "See \"systemctl --user status \$4\" and \"journalctl --user -xeu \$4\" for details." >&2
			exit 1
		fi
		exit 0
	EOS
	chmod +x "$bin/systemctl"
	export PATH="$bin:$PATH"
}

# seeded_busybox: $REG/busybox:latest in the registry and pulled (the same digest here and
# there); BUSYBOX_ID its id
seeded_busybox() {
	registry_start
	registry_seed busybox busybox:latest >/dev/null
	run_pm 0 pull -q --tls-verify=false "$REG/busybox:latest"
	BUSYBOX_ID=$output
}

@test "auto-update: no candidate prints nothing; stopped and disabled containers are skipped" {
	run_pm_split 0 auto-update
	assert_equal "$output$stderr" ""
	run_pm 0 load -q -i "$(pm_test_image docker)"
	# not running: not looked at, whatever its labels say
	PODMAN_SYSTEMD_UNIT=a.service run_pm 0 create --name stopped \
		--label io.containers.autoupdate=bogus localhost/busybox true
	run_unit b.service off disabled localhost/busybox
	run_pm 0 run -d --name plain localhost/busybox sleep 600
	run_pm_split 0 auto-update --dry-run
	assert_equal "$output$stderr" ""
	run_pm 0 rm -f -t0 stopped off plain
}

@test "auto-update: a container without the unit label and a bad policy are podman's errors" {
	run_pm 0 load -q -i "$(pm_test_image docker)"
	run_pm 0 run -d --name nounit --label io.containers.autoupdate=local localhost/busybox sleep 600
	local cid
	cid=$(pm_ctr_id nounit)
	run_pm_split 125 auto-update
	assert_equal "$stderr" "Error: auto-updating container \"$cid\": no PODMAN_SYSTEMD_UNIT label found"
	run_unit bad.service badpol Registry localhost/busybox
	run_pm 125 auto-update --dry-run
	assert_contains "$output" "Error: 2 errors occurred:"
	assert_contains "$output" "	* auto-updating container \"$cid\": no PODMAN_SYSTEMD_UNIT label found"
	assert_contains "$output" '	* invalid auto-update policy "Registry": valid policies are ["disabled" "image" "local" "registry"]'
	run_pm 0 rm -f -t0 nounit badpol
}

@test "auto-update: run takes PODMAN_SYSTEMD_UNIT from the environment as a label" {
	run_pm 0 load -q -i "$(pm_test_image docker)"
	PODMAN_SYSTEMD_UNIT=web.service run_pm 0 create --name c1 localhost/busybox true
	run_pm 0 inspect --format '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}' c1
	assert_equal "$output" "web.service"
	# the environment's value wins over a --label of the same key, as podman's
	PODMAN_SYSTEMD_UNIT=unit@x.service run_pm 0 create --name c2 \
		--label PODMAN_SYSTEMD_UNIT=mine localhost/busybox true
	run_pm 0 inspect --format '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}' c2
	assert_equal "$output" "unit@x.service"
	run_pm 0 rm c1 c2
}

@test "auto-update: the registry policy needs a fully qualified image name" {
	run_pm 0 load -q -i "$(pm_test_image docker)"
	run_pm 0 tag localhost/busybox shortbox
	run_pm 125 run -d --name short --label io.containers.autoupdate=registry shortbox sleep 600
	assert_equal "$output" 'Error: short name: auto updates require fully-qualified image reference: "shortbox"'
	run_pm 125 create --label io.containers.autoupdate=image shortbox
	assert_equal "$output" 'Error: short name: auto updates require fully-qualified image reference: "shortbox"'
	run_pm 0 ps -a --format '{{.Names}}'
	assert_equal "$output" ""
	# local needs no registry; localhost/ is a domain
	run_pm 0 create --name l1 --label io.containers.autoupdate=local shortbox true
	run_pm 0 create --name l2 --label io.containers.autoupdate=registry localhost/shortbox true
	run_pm 0 rm l1 l2
}

@test "auto-update: bad command lines exit 125" {
	run_pm_split 125 auto-update foo
	assert_equal "$stderr" 'Error: `'"$(basename "${PM_CMD[0]}")"' auto-update` takes no arguments'
	run_pm 125 auto-update --rollback=maybe
	assert_contains "$output" 'Error: invalid argument "maybe" for "--rollback" flag: strconv.ParseBool: parsing "maybe": invalid syntax'
	run_pm 125 auto-update --format
	assert_contains "$output" "Error: flag needs an argument: --format"
	run_pm 125 auto-update --bogus
	assert_contains "$output" "Error: unknown flag: --bogus"
}

@test "auto-update --dry-run: registry policy, a new image pushed to the same tag is pending" {
	skip_if_podman "podman 4.3 asks systemd over D-Bus first and has no --tls-verify here"
	seeded_busybox
	run_unit web.service web registry "$REG/busybox:latest"
	local cid
	cid=$(pm_ctr_id web)
	run_pm 0 auto-update --dry-run --tls-verify=false
	assert_equal "${lines[0]}" "UNIT         CONTAINER           IMAGE                           POLICY      UPDATED"
	assert_line_count 2
	assert_equal "$(echo "${lines[1]}" | tr -s ' ')" "web.service ${cid:0:12} (web) $REG/busybox:latest registry false"
	# another image under the same tag: pending; nothing pulled, no blob fetched
	registry_seed busybox2 busybox:latest >/dev/null
	local blobs
	blobs=$(registry_requests GET '^/v2/busybox/blobs/')
	run_pm 0 auto-update --dry-run --tls-verify=false --format '{{.Unit}} {{.Updated}}'
	assert_equal "$output" "web.service pending"
	assert_equal "$(registry_requests GET '^/v2/busybox/blobs/')" "$blobs"
	assert_equal "$(image_id "$REG/busybox:latest")" "$BUSYBOX_ID"
	# the registry's http is refused without --tls-verify=false
	run_pm 125 auto-update --dry-run --format '{{.Updated}}'
	assert_contains "$output" "failed"
	assert_contains "$output" "Error: registry auto-updating container \"$cid\": image check for \"$REG/busybox:latest\" failed: "
	run_pm 0 rm -f -t0 web
}

@test "auto-update --format: every field, json, and a table of my own" {
	skip_if_podman "podman 4.3 asks systemd over D-Bus first"
	run_pm 0 load -q -i "$(pm_test_image docker)"
	run_unit app.service app local localhost/busybox:latest
	local cid
	cid=$(pm_ctr_id app)
	run_pm 0 auto-update --dry-run --format '{{.Unit}}|{{.Container}}|{{.ContainerName}}|{{.ContainerID}}|{{.Image}}|{{.Policy}}|{{.Updated}}'
	assert_equal "$output" "app.service|${cid:0:12} (app)|app|$cid|localhost/busybox:latest|local|false"
	run_pm 0 auto-update --dry-run --format json
	assert_equal "$(echo "$output" | jq -r '.[0] | [.Unit, .Container, .ContainerName, .ContainerID, .Image, .Policy, .Updated] | join("|")')" \
		"app.service|${cid:0:12} (app)|app|$cid|localhost/busybox:latest|local|false"
	run_pm 0 auto-update --dry-run --format 'table {{.ContainerName}} {{.Updated}}'
	assert_equal "${lines[0]}" "CONTAINER NAME  UPDATED"
	assert_equal "${lines[1]}" "app             false"
	run_pm 125 auto-update --dry-run --format '{{.Nope}}'
	assert_contains "$output" "can't evaluate field Nope"
	run_pm 0 rm -f -t0 app
}

@test "auto-update --dry-run: local policy, a re-tagged name is pending" {
	skip_if_podman "podman 4.3 asks systemd over D-Bus first"
	run_pm 0 load -q -i "$(pm_test_image docker)"
	run_pm 0 load -q -i "$(pm_test_image docker2)"
	run_unit b.service b local localhost/busybox
	run_unit a.service a local localhost/busybox2
	run_pm 0 auto-update --dry-run --format '{{.Unit}} {{.Image}} {{.Policy}} {{.Updated}}'
	assert_equal "$output" "a.service localhost/busybox2 local false
b.service localhost/busybox local false"
	run_pm 0 tag localhost/busybox2 localhost/busybox
	run_pm 0 auto-update --dry-run --format '{{.Unit}} {{.Updated}}'
	assert_equal "$output" "a.service false
b.service pending"
	# the name gone: the check fails, the others go on
	run_pm 0 rmi -f localhost/busybox2
	run_pm 125 auto-update --dry-run --format '{{.Unit}} {{.Updated}}'
	assert_contains "$output" "a.service failed"
	assert_contains "$output" "b.service pending"
	assert_contains "$output" "Error: locally auto-updating container \"$(pm_ctr_id a)\": image check for \"localhost/busybox2\" failed: "
	run_pm 0 rm -f -t0 a b
}

@test "auto-update: a pull and the unit's restart; a failed restart rolls back" {
	skip_if_podman "a fake systemctl; podman 4.3 restarts over D-Bus"
	seeded_busybox
	fake_systemctl 0
	run_unit web.service web registry "$REG/busybox:latest"
	# nothing new: no restart
	run_pm 0 auto-update --tls-verify=false --format '{{.Unit}} {{.Updated}}'
	assert_equal "$output" "web.service false"
	assert_equal "$(cat "$SYSTEMCTL_LOG")" ""
	registry_seed busybox2 busybox:latest >/dev/null
	run_pm 0 auto-update --tls-verify=false --format '{{.Unit}} {{.Updated}}'
	assert_equal "$output" "web.service true"
	assert_equal "$(cat "$SYSTEMCTL_LOG")" "--user restart -- web.service"
	local new
	new=$(image_id "$REG/busybox:latest")
	[ "$new" != "$BUSYBOX_ID" ] || die "the new image was not pulled"

	# the container still runs the old image (the fake unit made none): the check says
	# "newer" again, the pull is a no-op; the restart fails, the old image gets the name
	# back and the unit restarts again
	fake_systemctl 1
	run_pm 0 auto-update --tls-verify=false --format '{{.Unit}} {{.Updated}}'
	assert_equal "$output" "web.service rolled back"
	assert_equal "$(cat "$SYSTEMCTL_LOG")" "--user restart -- web.service
--user restart -- web.service"
	assert_equal "$(image_id "$REG/busybox:latest")" "$BUSYBOX_ID"
	run_pm 0 rm -f -t0 web
}

@test "auto-update --rollback=false: a failed restart is reported and exits 125" {
	skip_if_podman "a fake systemctl; podman 4.3 restarts over D-Bus"
	run_pm 0 load -q -i "$(pm_test_image docker)"
	run_pm 0 load -q -i "$(pm_test_image docker2)"
	run_unit loc.service loc local localhost/busybox
	local cid old
	cid=$(pm_ctr_id loc)
	old=$(image_id localhost/busybox)
	run_pm 0 tag localhost/busybox2 localhost/busybox
	fake_systemctl 5
	run_pm 125 auto-update --rollback=false --format '{{.Unit}} {{.Updated}}'
	assert_contains "$output" "loc.service failed"
	assert_contains "$output" "Error: auto-updating container \"$cid\": restarting systemd unit \"loc.service\" failed: Job for loc.service failed because the control process exited with error code."
	assert_equal "$(cat "$SYSTEMCTL_LOG")" "--user restart -- loc.service"
	[ "$(image_id localhost/busybox)" != "$old" ] || die "no rollback was asked for"
	# with rollback, both restarts failing: podman's fallback error
	run_pm 125 auto-update --format '{{.Unit}} {{.Updated}}'
	assert_contains "$output" "loc.service failed"
	assert_contains "$output" "Error: restarting unit with old image during fallback: "
	assert_equal "$(image_id localhost/busybox)" "$old"
	run_pm 0 rm -f -t0 loc
}

@test "auto-update --authfile and the io.containers.autoupdate.authfile label" {
	skip_if_podman "podman 4.3 asks systemd over D-Bus first and has no --tls-verify here"
	registry_start --htpasswd alice:s3cret
	registry_seed busybox busybox:latest >/dev/null
	local auth=$BATS_TEST_TMPDIR/auth.json
	run_pm 0 login --tls-verify=false --authfile "$auth" -u alice -p s3cret "$REG"
	run_pm 0 pull -q --tls-verify=false --authfile "$auth" "$REG/busybox:latest"
	PODMAN_SYSTEMD_UNIT=a.service run_pm 0 run -d --name a \
		--label io.containers.autoupdate=registry \
		--label "io.containers.autoupdate.authfile=$auth" "$REG/busybox:latest" sleep 600
	run_unit b.service b registry "$REG/busybox:latest"
	# b has no credentials: its check fails, a's goes on with its label's file
	run_pm 125 auto-update --dry-run --tls-verify=false --format '{{.Unit}} {{.Updated}}'
	assert_contains "$output" "a.service false
b.service failed"
	assert_contains "$output" "Error: registry auto-updating container \"$(pm_ctr_id b)\": image check for \"$REG/busybox:latest\" failed: "
	assert_contains "$output" "unauthorized"
	run_pm 0 auto-update --dry-run --tls-verify=false --authfile "$auth" \
		--format '{{.Unit}} {{.Updated}}'
	assert_equal "$output" "a.service false
b.service false"
	run_pm 0 rm -f -t0 a b
}

@test "auto-update: a Quadlet AutoUpdate= key is the policy label of a unit that names itself" {
	skip_if_podman "pm's own generator (podman 4.3 has no Quadlet)"
	local gen
	gen=$(dirname "$PM_BINARY")/pm-user-generator
	[ -x "$gen" ] || skip "no pm-user-generator beside $PM_BINARY"
	mkdir -p "$XDG_CONFIG_HOME/containers/systemd"
	printf '[Container]\nImage=localhost/busybox:latest\nExec=sleep 600\nAutoUpdate=local\n' \
		>"$XDG_CONFIG_HOME/containers/systemd/q.container"
	local out
	out=$(PM_QUADLET_PM=$PM_BINARY QUADLET_UNIT_DIRS= "$gen" -dryrun) ||
		die "the generator failed: $out"
	echo "$out"
	assert_contains "$out" "Environment=PODMAN_SYSTEMD_UNIT=%n"
	assert_contains "$out" " --label=io.containers.autoupdate=local "
}
