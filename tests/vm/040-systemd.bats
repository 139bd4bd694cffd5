#!/usr/bin/env bats
# 040-systemd: units from `pm generate systemd --new`, run for real by the user's systemd
# (the VM tier, tests/vm/run.sh): Type=notify, so `systemctl --user start` returns once the
# container runs (its monitor sent MAINPID and READY=1) and the monitor is the unit's main
# process in the unit's cgroup; a killed container fails the unit's main process and
# Restart=on-failure runs a new container; `systemctl --user stop` leaves the unit inactive
# (not failed), no container and no cidfile; the user manager runs it with no login session
# (linger); a pod unit brings its members up and down. Prints the start/stop times as TAP
# comments (measurements, not assertions).
#
# The units run pm with the user manager's environment: they get this test's XDG dirs with
# -e (generate systemd's Environment=), so they see the test's store and pause process.

load ../system/helpers

setup() {
	basic_setup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs cgroup v2 (run with make vm)"
	[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || skip "needs a systemd user session"
	skip_if_podman "pm's units (tests/bench/systemd.sh runs podman's side by side)"
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

# gen REF: generate --new units for REF into $UNITDIR (added to UNITS), with this test's
# XDG dirs; --cgroups=split is left out only when this pm refuses it (before the limits
# work is merged: then the container has its own scope, a sibling of the unit)
gen() {
	local out
	out=$(cd "$UNITDIR" && timeout 60 "${PM_CMD[@]}" generate systemd --new --name --files \
		-e "XDG_DATA_HOME=$XDG_DATA_HOME" -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
		-e "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" "$@") || die "generate systemd $*: $out"
	local f
	for f in $out; do
		UNITS+=("$(basename "$f")")
		if [ -z "${SPLIT:-}" ]; then
			SPLIT=yes
			timeout 30 "${PM_CMD[@]}" create --name splitprobe --cgroups=split "$IMG" true \
				>/dev/null 2>&1 || SPLIT=no
			timeout 30 "${PM_CMD[@]}" rm -f splitprobe >/dev/null 2>&1 || true
		fi
		if [ "$SPLIT" = no ]; then
			sed -i 's/ --cgroups=split / /' "$f"
		fi
	done
	sc daemon-reload
}

# sc ARGS...: systemctl --user, reaching the manager at its runtime dir (the tests' own
# XDG_RUNTIME_DIR is a fresh one)
sc() {
	XDG_RUNTIME_DIR=/run/user/$(id -u) systemctl --user "$@"
}

# ms_since START_NS
ms_since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# wait_for DESC COMMAND...: up to 60 s
wait_for() {
	local desc=$1 _
	shift
	for _ in $(seq 300); do
		"$@" && return 0
		sleep 0.2
	done
	die "timed out waiting for $desc"
}

ctr_state() {
	timeout 30 "${PM_CMD[@]}" inspect --format "$2" "$1" 2>/dev/null
}

@test "a --new unit: ready once the container runs, the monitor is its main process" {
	run_pm 0 create --name web "$IMG" sleep 1000
	gen web
	run_pm 0 rm web
	grep -q '^Type=notify$' "$UNITDIR/container-web.service" || die "not Type=notify"
	local t0
	t0=$(date +%s%N)
	sc start container-web.service
	echo "# systemctl --user start (until READY): $(ms_since "$t0") ms" >&3
	# start returned: the container runs already (no waiting here)
	run sc is-active container-web.service
	is "$output" "active"
	is "$(ctr_state web '{{.State.Status}}')" "running" "the container once start returned"
	local mainpid mon pid
	mainpid=$(sc show -p MainPID --value container-web.service)
	mon=$(ctr_state web '{{.State.ConmonPid}}')
	is "$mainpid" "$mon" "the unit's MainPID is the container's monitor"
	is "$(sed -n 's/^0:://p' "/proc/$mon/cgroup")" ".*/container-web.service(/supervisor)?" \
		"the monitor's cgroup"
	pid=$(ctr_state web '{{.State.Pid}}')
	local cg
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	if [ "$SPLIT" = yes ]; then
		is "$cg" ".*/container-web.service/container" "the container's cgroup (--cgroups=split)"
		run sc status container-web.service
		assert_contains "$output" "sleep 1000"
	else
		echo "# pm has no --cgroups=split yet: the container is in its own scope ($cg)" >&3
		is "$cg" ".*/pm-[0-9a-f]{64}.scope" "the container's cgroup (its own scope)"
	fi
	[ -s "/run/user/$(id -u)/container-web.service.ctr-id" ] || die "no cidfile in %t"
	t0=$(date +%s%N)
	sc stop container-web.service
	echo "# systemctl --user stop: $(ms_since "$t0") ms" >&3
	run sc is-active container-web.service
	is "$output" "inactive" "stopped cleanly (not failed)"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
	[ ! -e "/run/user/$(id -u)/container-web.service.ctr-id" ] || die "the cidfile is left"
}

@test "a --new unit restarts on failure with a new container" {
	run_pm 0 create --name crash "$IMG" sleep 1000
	gen crash
	run_pm 0 rm crash
	sc start container-crash.service
	local id1 pid
	id1=$(ctr_state crash '{{.Id}}')
	pid=$(ctr_state crash '{{.State.Pid}}')
	[ -n "$id1" ] && [ "$pid" -gt 0 ] || die "no running container"
	kill -9 "$pid"
	new_ctr() {
		local id
		id=$(ctr_state crash '{{.Id}}') && [ -n "$id" ] && [ "$id" != "$id1" ] &&
			[ "$(ctr_state crash '{{.State.Status}}')" = running ] &&
			sc -q is-active container-crash.service
	}
	wait_for "a restarted container" new_ctr
	run sc show -p NRestarts --value container-crash.service
	is "$output" "[1-9][0-9]*" "systemd restarted it"
	sc stop container-crash.service
	run sc is-active container-crash.service
	is "$output" "inactive"
}

@test "the unit runs in the user manager without a login session (linger)" {
	run loginctl show-user "$(id -un)" -p Linger --value
	is "$output" "yes" "the VM's test user lingers"
	run_pm 0 create --name linger "$IMG" sleep 1000
	gen linger
	run_pm 0 rm linger
	sc enable container-linger.service
	sc start container-linger.service
	# this test has no login session (runuser + systemd-run --user): what keeps the unit
	# is the lingering user manager, as after a logout
	run loginctl list-sessions --no-legend
	assert_not_contains "$output" " $(id -un) " "a login session of the test user"
	is "$(ctr_state linger '{{.State.Status}}')" "running"
	[ -e "$UNITDIR/default.target.wants/container-linger.service" ] || die "not enabled"
	sc disable container-linger.service
	sc stop container-linger.service
}

@test "a pod unit brings its members up and down" {
	run_pm 0 pod create --name p1
	run_pm 0 create --pod p1 --name m1 "$IMG" sleep 1000
	run_pm 0 create --pod p1 --name m2 "$IMG" sleep 1000
	gen p1
	run_pm 0 pod rm -f p1
	local t0
	t0=$(date +%s%N)
	sc start pod-p1.service
	members_up() {
		sc -q is-active container-m1.service && sc -q is-active container-m2.service
	}
	wait_for "the members" members_up
	echo "# pod unit with 2 members: start until both ready: $(ms_since "$t0") ms" >&3
	is "$(ctr_state m1 '{{.State.Status}}')" "running"
	is "$(ctr_state m2 '{{.State.Status}}')" "running"
	run_pm 0 pod inspect --format '{{.Name}} {{.State}}' p1
	is "$output" "p1 Running"
	sc stop pod-p1.service
	run sc is-active container-m1.service container-m2.service pod-p1.service
	is "$output" "inactive
inactive
inactive" "all down"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
	run_pm 0 pod ps --format '{{.Name}}'
	is "$output" "" "no pod left"
}

# A measurement, not a test of podman: the same --new unit from podman (crun, conmon) and
# from pm, each started and stopped three times; the times are printed as TAP comments.
# podman's unit failing to start is reported, not asserted (it is not under test here).
@test "measure: systemctl --user start/stop of pm's and podman's --new units" {
	skip_if_missing podman
	run_pm 0 create --name bench "$IMG" sleep 1000
	gen bench
	run_pm 0 rm bench
	local p=(podman) t0 i out ok=1
	timeout 120 "${p[@]}" load -i "$(pm_test_image)" >/dev/null 2>&1 || ok=0
	timeout 60 "${p[@]}" create --name pbench "$IMG" sleep 1000 >/dev/null 2>&1 || ok=0
	if [ $ok = 1 ]; then
		out=$(cd "$UNITDIR" && timeout 60 "${p[@]}" generate systemd --new --name --files \
			--container-prefix podman \
			-e "XDG_DATA_HOME=$XDG_DATA_HOME" -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
			-e "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" pbench) || ok=0
		UNITS+=(podman-pbench.service)
		timeout 60 "${p[@]}" rm -f pbench >/dev/null 2>&1 || true
		sc daemon-reload
	fi
	for i in 1 2 3; do
		t0=$(date +%s%N)
		sc start container-bench.service
		local s=$(ms_since "$t0")
		is "$(ctr_state bench '{{.State.Status}}')" "running"
		t0=$(date +%s%N)
		sc stop container-bench.service
		echo "# run $i: pm start $s ms, stop $(ms_since "$t0") ms" >&3
		[ $ok = 1 ] || continue
		t0=$(date +%s%N)
		if ! sc start podman-pbench.service; then
			echo "# podman's unit did not start" >&3
			ok=0
			continue
		fi
		s=$(ms_since "$t0")
		t0=$(date +%s%N)
		sc stop podman-pbench.service
		echo "# run $i: podman start $s ms, stop $(ms_since "$t0") ms" >&3
	done
	[ $ok = 1 ] || echo "# podman's side was not measured" >&3
	timeout 60 "${p[@]}" rm -af >/dev/null 2>&1 || true
	timeout 60 "${p[@]}" rmi -af >/dev/null 2>&1 || true
	timeout 60 "${p[@]}" system migrate >/dev/null 2>&1 || true # its pause process
}
