#!/usr/bin/env bats
# 060-auto-update: pm auto-update restarting a real unit (the VM tier, tests/vm/run.sh): a
# container of a `pm generate systemd --new` unit, labelled io.containers.autoupdate=local,
# carries the unit's name (PODMAN_SYSTEMD_UNIT); once another image has its image's name
# (pm commit), `pm auto-update` restarts the unit through the user's manager and the unit's
# new container runs the new image; an image whose container cannot start fails the
# restart, and the previous image gets the name back and runs again ("rolled back"). The
# registry policy's check and pull are tests/system/145-auto-update.bats's (the guest has
# no registry); the restart is the same code.

load ../system/helpers

setup() {
	basic_setup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs cgroup v2 (run with make vm)"
	[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || skip "needs a systemd user session"
	skip_if_podman "pm's units"
	IMG=$(pm_test_image name)
	pm_load_test_image >/dev/null
	UNITDIR=$HOME/.config/systemd/user
	mkdir -p "$UNITDIR"
	UNITS=()
}

teardown() {
	local u
	for u in "${UNITS[@]}"; do
		sc stop "$u" 2>/dev/null || true
		rm -f "$UNITDIR/$u"
	done
	sc daemon-reload || true
	sc reset-failed 2>/dev/null || true
	basic_teardown
}

# sc ARGS...: systemctl --user, reaching the manager at its runtime dir (the tests' own
# XDG_RUNTIME_DIR is a fresh one)
sc() {
	XDG_RUNTIME_DIR=/run/user/$(id -u) systemctl --user "$@"
}

# gen NAME: a --new unit for the container NAME into $UNITDIR, with this test's XDG dirs
gen() {
	local out f
	out=$(cd "$UNITDIR" && timeout 60 "${PM_CMD[@]}" generate systemd --new --name --files \
		-e "XDG_DATA_HOME=$XDG_DATA_HOME" -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
		-e "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" "$@") || die "generate systemd $*: $out"
	for f in $out; do
		UNITS+=("$(basename "$f")")
	done
	sc daemon-reload
}

ctr_state() {
	timeout 30 "${PM_CMD[@]}" inspect --format "$2" "$1" 2>/dev/null
}

image_id() {
	timeout 30 "${PM_CMD[@]}" image inspect --format '{{.Id}}' "$1"
}

@test "auto-update restarts the unit with the new image; a failing image rolls back" {
	run_pm 0 create --name web --label io.containers.autoupdate=local "$IMG" sleep 1000
	gen web
	run_pm 0 rm web
	sc start container-web.service
	is "$(ctr_state web '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}')" \
		"container-web.service" "the unit's name as the container's label"
	local old id1
	old=$(image_id "$IMG")
	id1=$(ctr_state web '{{.Id}}')
	run_pm 0 auto-update --format '{{.Unit}} {{.Policy}} {{.Updated}}'
	is "$output" "container-web.service local false"

	# another image named $IMG: a file /v2 more
	run_pm 0 run --name mk "$IMG" sh -c 'echo v2 >/v2'
	run_pm 0 commit -q mk "$IMG"
	run_pm 0 rm mk
	local v2
	v2=$(image_id "$IMG")
	[ "$v2" != "$old" ] || die "commit made no new image"
	run_pm 0 auto-update --dry-run --format '{{.Updated}}'
	is "$output" "pending"
	local t0
	t0=$(date +%s%N)
	run_pm 0 auto-update --format '{{.Unit}} {{.Updated}}'
	echo "# pm auto-update with a restart: $((($(date +%s%N) - t0) / 1000000)) ms" >&3
	is "$output" "container-web.service true"
	run sc is-active container-web.service
	is "$output" "active"
	[ "$(ctr_state web '{{.Id}}')" != "$id1" ] || die "the unit made no new container"
	is "$(ctr_state web '{{.Image}}')" "$v2" "the new container's image"
	run_pm 0 exec web cat /v2
	is "$output" "v2"

	# an image whose container cannot start (no sleep): the restart fails, v2 gets the
	# name back and the unit runs it again
	run_pm 0 run --name br "$IMG" rm /bin/sleep
	run_pm 0 commit -q br "$IMG"
	run_pm 0 rm br
	local broken
	broken=$(image_id "$IMG")
	run_pm 0 auto-update --format '{{.Unit}} {{.Updated}}'
	is "$output" "container-web.service rolled back"
	is "$(image_id "$IMG")" "$v2" "the name is back on the previous image"
	run sc is-active container-web.service
	is "$output" "active"
	is "$(ctr_state web '{{.Image}}')" "$v2" "the container runs the previous image"
	run_pm 0 rmi "$broken"
	sc stop container-web.service
}
