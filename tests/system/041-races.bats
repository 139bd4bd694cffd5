#!/usr/bin/env bats
# 041-races: state you can trust: concurrent creates, a name race, a killed monitor, a
# "reboot" (runtime dir wiped, processes gone), and rm -af leaving nothing behind.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

state() {
	"${PM_CMD[@]}" inspect --format '{{.State.Status}}' "$1"
}

# pids_of NAME: "MONITOR INIT" from the container's runtime pids file
pids_of() {
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' "$1")
	awk '{print $1, $3}' "$XDG_RUNTIME_DIR/pm/containers/$id/pids"
}

# alive PID: running and not a zombie (PID 1 here may not reap orphans)
alive() {
	[ -d "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

@test "20 concurrent run -d with distinct names all succeed" {
	local i pids=() rc=0
	for i in $(seq 1 20); do
		timeout 60 "${PM_CMD[@]}" run -d --name "c$i" $IMG sleep 1000 \
			>"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { rc=$?; cat "$BATS_TEST_TMPDIR/out.$((i + 1))"; }
	done
	is "$rc" "0" "every run -d succeeded"
	run_pm 0 ps -q
	is "${#lines[@]}" "20" "20 running containers"
	for i in $(seq 1 20); do
		is "$(state "c$i")" "running"
	done
}

@test "two run -d racing for one --name: exactly one wins, the other exits 125 naming it" {
	local round
	for round in 1 2 3; do
		timeout 60 "${PM_CMD[@]}" run -d --name "same$round" $IMG sleep 1000 \
			>"$BATS_TEST_TMPDIR/a" 2>&1 &
		local a=$!
		timeout 60 "${PM_CMD[@]}" run -d --name "same$round" $IMG sleep 1000 \
			>"$BATS_TEST_TMPDIR/b" 2>&1 &
		local b=$! ra=0 rb=0
		wait $a || ra=$?
		wait $b || rb=$?
		local codes
		codes=$(printf '%s\n' "$ra" "$rb" | sort -n | tr '\n' ' ')
		is "$codes" "0 125 " "one winner, one 125"
		local loser=$BATS_TEST_TMPDIR/a
		[ "$ra" -eq 125 ] || loser=$BATS_TEST_TMPDIR/b
		assert_contains "$(cat "$loser")" "the container name \"same$round\" is already in use"
	done
	run_pm 0 ps -a -q
	is "${#lines[@]}" "3" "three containers, no half-made loser"
}

@test "kill -9 of the monitor: the container shows as exited, its init is gone, rm works" {
	run_pm 0 run -d --name km $IMG sleep 1000
	local mon init
	read -r mon init < <(pids_of km)
	kill -9 "$mon"
	local i
	for i in $(seq 1 50); do alive "$mon" || break; sleep 0.05; done
	is "$(state km)" "exited"
	alive "$init" && die "the container init $init outlived its monitor"
	run_pm 0 ps -a --format '{{.Names}} {{.Status}}'
	assert_contains "$output" "km Exited"
	run_pm 0 rm km
	is "$output" "km"
	run_pm 0 ps -a -q
	is "$output" ""
}

@test "after a reboot (runtime dir wiped, processes gone) the next command repairs the state" {
	run_pm 0 run -d --name rb1 $IMG sh -c 'echo before; sleep 1000'
	run_pm 0 create --name rb2 $IMG true
	local mon init pause
	read -r mon init < <(pids_of rb1)
	pause=$(cut -d' ' -f1 "$XDG_RUNTIME_DIR/pm/pause.pid")
	# the "reboot": every process of ours gone (mounts go with the namespace), tmpfs wiped
	kill -9 "$mon" "$init" "$pause" 2>/dev/null || true
	local i
	for i in $(seq 1 50); do alive "$pause" || break; sleep 0.05; done
	rm -rf "${XDG_RUNTIME_DIR:?}"/*
	is "$(state rb1)" "exited"
	is "$(state rb2)" "created"
	# it starts again (the rootfs is mounted afresh) and its log kept the first run
	run_pm 0 start rb1
	is "$(state rb1)" "running"
	run_pm 0 logs rb1
	is "$output" "before
before"
	run_pm 0 rm -f rb1 rb2
	run_pm 0 ps -a -q
	is "$output" ""
}

@test "rm -af leaves no mount, process, socket or directory" {
	run_pm 0 run -d --name l1 $IMG sleep 1000
	run_pm 0 run -d -i --name l2 $IMG sh -c 'while read l; do :; done'
	run_pm 0 run -d --name l3 --restart always $IMG sleep 1000
	run_pm 0 create --name l4 $IMG true
	run_pm 0 run --name l5 $IMG true
	local procs=() n
	for n in l1 l2 l3; do
		local mon init
		read -r mon init < <(pids_of $n)
		procs+=("$mon" "$init")
	done
	local pause
	pause=$(cut -d' ' -f1 "$XDG_RUNTIME_DIR/pm/pause.pid")
	run_pm_split 0 rm -af # (stderr: the SIGKILL warnings, as podman's)
	is "${#lines[@]}" "5" "five removed"
	local p
	for p in "${procs[@]}"; do
		alive "$p" && die "process $p left after rm -af"
	done
	run_pm 0 ps -a -q
	is "$output" ""
	local left
	pm_store_settled # the deletes (run dirs too) go on in a detached process
	left=$(ls -A "$XDG_RUNTIME_DIR/pm/containers" 2>/dev/null || true)
	is "$left" "" "runtime dirs (attach sockets, pids) left"
	left=$(ls -A "$XDG_DATA_HOME/pm/storage/db/containers" 2>/dev/null || true)
	is "$left" "" "records left"
	left=$(ls -A "$XDG_DATA_HOME/pm/storage/containers" 2>/dev/null || true)
	is "$left" "" "storage dirs left"
	if [ -r "/proc/$pause/mountinfo" ]; then
		left=$(grep -c -F "$XDG_DATA_HOME/pm/storage/containers/" "/proc/$pause/mountinfo" || true)
		is "$left" "0" "container mounts left in the rootless namespace"
	fi
}

@test "20 concurrent rm -f of one container: exactly one says it removed it, all exit 0" {
	local kind
	for kind in created running; do
		if [ $kind = created ]; then
			run_pm 0 create --name same "$IMG" true
		else
			run_pm 0 run -d --name same "$IMG" sleep 1000
		fi
		local i pids=() rc=0
		for i in $(seq 1 20); do
			timeout 60 "${PM_CMD[@]}" rm -f -t 0 same \
				>"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i" &
			pids+=($!)
		done
		for i in "${!pids[@]}"; do
			wait "${pids[$i]}" || { rc=$?; cat "$BATS_TEST_TMPDIR/err.$((i + 1))"; }
		done
		is "$rc" "0" "$kind: every rm -f exits 0 (podman: rm -f of a missing one is silent)"
		is "$(cat "$BATS_TEST_TMPDIR"/out.* | grep -c '^same$')" "1" \
			"$kind: one rm -f reports the removal"
		is "$(cat "$BATS_TEST_TMPDIR"/out.* "$BATS_TEST_TMPDIR"/err.* | grep -vc '^same$')" "0" \
			"$kind: nothing else printed"
		rm -f "$BATS_TEST_TMPDIR"/out.* "$BATS_TEST_TMPDIR"/err.*
		run_pm 0 ps -a -q
		is "$output" ""
	done
}

@test "rm -f of a missing container exits 0 and prints nothing, rm without -f exits 1" {
	run_pm 0 rm -f nosuch
	is "$output" ""
	run_pm 1 rm nosuch
	is "$output" "Error: no container with name or ID \"nosuch\" found: no such container"
}
