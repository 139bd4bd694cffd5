#!/usr/bin/env bats
# 129-rm-settled: `rm -f` of a running container (issue #20) ends every process of it before
# it returns, though its removal goes on while the init ends; a pm killed between the kill
# and the record's removal leaves a container the next command lists as exited (137).

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	STORE=$XDG_DATA_HOME/pm/storage
}

# gone PID: PID has ended (no such process, or a zombie nobody reaped yet)
gone() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ] || [ -z "$st" ]
}

@test "rm -f: every process of the container has ended when it returns" {
	run_pm 0 run -d --network none --name rs "$IMG" sh -c 'sleep 1001 & sleep 1002 & wait'
	run_pm 0 inspect --format '{{.State.Pid}}' rs
	local init=$output kids="" i
	[ "$init" -gt 0 ] || die "no pid for rs: '$init'"
	# the shell's two children, seen from the host
	for i in $(seq 1 100); do
		kids=$(cat "/proc/$init/task/$init/children" 2>/dev/null || true)
		[ "$(wc -w <<<"$kids")" -ge 2 ] && break
		sleep 0.05
	done
	[ "$(wc -w <<<"$kids")" -ge 2 ] || die "the container's children did not start: '$kids'"
	run_pm 0 rm -f -t0 rs
	is "$output" "rs" "rm -f prints the name it was given"
	local p
	for p in $init $kids; do
		gone "$p" || die "process $p of rs still runs after rm -f: $(cat "/proc/$p/stat")"
	done
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
}

@test "rm -f with a stop timeout: the same, after the stop signal" {
	run_pm 0 run -d --network none --name rs "$IMG" sleep 1000
	run_pm 0 inspect --format '{{.State.Pid}}' rs
	local init=$output
	# busybox sleep as PID 1 has no SIGTERM handler: SIGKILL at once, no 10 s wait
	run_pm 0 rm -f rs
	gone "$init" || die "the init $init still runs after rm -f"
	run_pm 0 run -d --network none --name rs "$IMG" sleep 1000
	run_pm 0 rm -f rs
	run_pm 0 ps -aq
	is "$output" ""
}

@test "crash after rm -f's kill: the next command lists the container exited (137)" {
	skip_if_podman "pm's crash points"
	run_pm 0 run -d --network none --name rs "$IMG" sleep 1000
	local id=$output
	run_pm 0 inspect --format '{{.State.Pid}}' rs
	local init=$output
	PM_CRASH_POINT=rm-after-kill run_pm 137 rm -f -t0 rs
	run_pm 0 ps -a --format '{{.Names}} {{.Status}}'
	assert_contains "$output" "rs Exited (137)" "the killed container, exited"
	run_pm 0 inspect --format '{{.State.ExitCode}} {{.State.Status}}' rs
	is "$output" "137 exited" "its exit code is the kill's"
	gone "$init" || die "the init $init still runs"
	run_pm 0 rm rs
	is "$output" "rs"
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
	run_pm 0 unshare cat /proc/self/mountinfo
	assert_not_contains "$output" "$id" "no mount of rs left"
	pm_store_settled
	is "$(find "$STORE/containers" "$STORE/db/containers" "$STORE/tmp" -mindepth 1 | wc -l)" "0" \
		"nothing left in the store"
}

@test "rm -f: the next command sees the container gone and its name free" {
	local i id
	for i in 1 2 3; do
		run_pm 0 run -d --network none --name rs "$IMG" sleep 1000
		id=$output
		run_pm 0 rm -f -t0 rs
		run_pm 0 ps -a --format '{{.ID}}'
		assert_not_contains "$output" "${id:0:12}" "round $i: not listed"
		run_pm 125 inspect "$id"
	done
	run_pm 0 ps -aq
	is "$output" ""
}
