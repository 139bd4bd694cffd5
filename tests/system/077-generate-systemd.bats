#!/usr/bin/env bats
# 077-generate-systemd: `run/create --sdnotify` (the monitor tells $NOTIFY_SOCKET
# MAINPID and READY=1 once the container runs; container mode passes the socket in; ignore
# sends nothing), `.Config.SdNotifyMode`/`.Config.CreateCommand`, the id-file fixes units
# rely on (rm --cidfile and pod rm --pod-id-file delete the file, stop --cidfile, --ignore),
# and `generate systemd`: the unit text, each flag's effect, --files, bad input -> 125 and no
# file. The units are started for real in the VM tier (tests/vm/040-systemd.bats).
# Compatible with PM="podman --runtime runc" where marked; pm's own parts say so.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

teardown() {
	[ -z "${NOTIFY_PID:-}" ] || notify_stop
	basic_teardown
}

# notify_listen: a datagram socket at $NOTIFY (python3), what it receives appended to
# $NOTIFY.log, one datagram a line ('\n' in them as '|'); NOTIFY_PID is the listener.
notify_listen() {
	skip_if_missing python3
	NOTIFY=$BATS_TEST_TMPDIR/notify.sock
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[1] + ".ready", "w").close()
while True:
    d = s.recv(4096)
    with open(sys.argv[1] + ".log", "a") as f:
        f.write(d.decode().replace("\n", "|") + "\n")
' "$NOTIFY" &
	NOTIFY_PID=$!
	local i
	for i in $(seq 1 100); do
		[ -e "$NOTIFY.ready" ] && return 0
		sleep 0.05
	done
	die "the notify listener did not start"
}

notify_stop() {
	kill "$NOTIFY_PID" 2>/dev/null || true
	wait "$NOTIFY_PID" 2>/dev/null || true
}

# wait_notify TEXT: wait until the listener got TEXT
wait_notify() {
	local i
	for i in $(seq 1 100); do
		grep -q -- "$1" "$NOTIFY.log" 2>/dev/null && return 0
		sleep 0.1
	done
	die "no '$1' on the notify socket: $(cat "$NOTIFY.log" 2>/dev/null)"
}

# ---- --sdnotify --------------------------------------------------------------------------------

@test "run -d --sdnotify=conmon: the monitor sends MAINPID and READY=1" {
	skip_if_podman "podman 4.3 sends READY only from conmon under systemd (checked in the VM)"
	notify_listen
	NOTIFY_SOCKET=$NOTIFY run_pm 0 run -d --name n1 $IMG sleep 1000
	wait_notify "READY=1"
	run_pm 0 inspect --format '{{.State.ConmonPid}}' n1
	local mon=$output
	run cat "$NOTIFY.log"
	is "$output" "MAINPID=$mon\|READY=1\|" "one datagram: the monitor's pid, then READY"
	run_pm 0 inspect --format '{{.Config.SdNotifyMode}}' n1
	is "$output" "conmon" "the default mode"
	run_pm 0 rm -f -t 0 n1
	notify_stop
}

@test "run --sdnotify=conmon in the foreground: READY=1 from pm itself" {
	skip_if_podman "pm's own: podman's foreground run notifies from conmon"
	notify_listen
	NOTIFY_SOCKET=$NOTIFY run_pm 0 run --rm $IMG true
	wait_notify "READY=1"
	notify_stop
}

@test "--sdnotify=ignore sends nothing; container mode passes the socket in" {
	skip_if_podman "pm's own: the datagrams pm's monitor sends"
	notify_listen
	NOTIFY_SOCKET=$NOTIFY run_pm 0 run --rm --sdnotify=ignore $IMG sh -c 'echo "[$NOTIFY_SOCKET]"'
	is "$output" "\[\]" "ignore: no socket in the container"
	NOTIFY_SOCKET=$NOTIFY run_pm 0 run --rm --sdnotify=container $IMG \
		sh -c 'echo "$NOTIFY_SOCKET"; test -S "$NOTIFY_SOCKET" && echo socket'
	is "$output" "/run/notify/notify.sock
socket" "container: podman's path, a socket"
	wait_notify "MAINPID="
	run cat "$NOTIFY.log"
	is "$output" "MAINPID=[0-9]+\|" "container mode: only MAINPID from pm, nothing from ignore"
	notify_stop
}

@test "--sdnotify: stored with the command line; a bad mode is 125, nothing created" {
	run_pm 0 create --name s1 --sdnotify=ignore $IMG true
	run_pm 0 inspect --format '{{.Config.SdNotifyMode}}' s1
	is "$output" "ignore"
	run_pm 0 inspect --format '{{json .Config.CreateCommand}}' s1
	assert_contains "$output" '"create","--name","s1","--sdnotify=ignore","localhost/busybox","true"]'
	run_pm 0 rm s1
	run_pm 125 run --sdnotify=bogus --name s2 $IMG true
	assert_contains "$output" "bogus"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "nothing created"
}

@test "pm-monitor exits with the container's status (a unit's main process)" {
	skip_if_podman "pm's own: pm-monitor's exit status"
	notify_listen
	NOTIFY_SOCKET=$NOTIFY run_pm 0 run -d --name e1 $IMG sleep 1000
	wait_notify "READY=1"
	run_pm 0 inspect --format '{{.State.ConmonPid}}' e1
	local mon=$output
	# the monitor is not our child: its status shows in the record; its own exit status is
	# proven in the VM (Restart=on-failure). Here: it is gone once the container is.
	run_pm 0 kill e1
	run_pm 0 wait e1
	is "$output" "137"
	local i
	for i in $(seq 1 100); do kill -0 "$mon" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$mon" 2>/dev/null || die "monitor $mon still there"
	run_pm 0 rm e1
	notify_stop
}

# ---- id files, --ignore ------------------------------------------------------------------------

@test "rm --cidfile deletes the id file; --ignore: a missing container or file is no error" {
	local cid=$BATS_TEST_TMPDIR/cid
	run_pm 0 create --cidfile "$cid" --name c1 $IMG true
	local id=$output
	run_pm 0 rm --cidfile "$cid"
	is "$output" "$id"
	if ! is_podman; then # podman 4.3 leaves it (later podmans delete it)
		[ ! -e "$cid" ] || die "rm --cidfile left $cid"
	fi
	rm -f "$cid"
	run_pm 125 rm --cidfile "$cid"
	assert_contains "$output" "$cid"
	if ! is_podman; then # podman 4.3's --ignore fails on a missing file (5.x does not)
		run_pm 0 rm --ignore --cidfile "$cid"
		is "$output" ""
		run_pm 0 stop --ignore --cidfile "$cid"
		is "$output" ""
	fi
	run_pm 125 stop --cidfile "$cid"
	assert_contains "$output" "$cid"
	echo nosuchcontainer >"$cid"
	run_pm 0 stop --ignore --cidfile "$cid"
	run_pm 0 rm -f --ignore -t 0 --cidfile "$cid"
	is "$output" ""
	run_pm 125 stop nosuchcontainer
	run_pm 0 stop --ignore nosuchcontainer
	run_pm 0 rm --ignore nosuchcontainer
}

@test "stop --cidfile stops the container it names" {
	local cid=$BATS_TEST_TMPDIR/cid
	run_pm 0 run -d --cidfile "$cid" --name c2 $IMG sleep 1000
	local id=$output
	run_pm 0 stop -t 0 --cidfile "$cid"
	is "$output" "$id"
	run_pm 0 inspect --format '{{.State.Status}}' c2
	is "$output" "exited"
	[ -e "$cid" ] || die "stop removed the id file"
	run_pm 0 rm -f --cidfile "$cid"
}

@test "pod rm --pod-id-file deletes the file; pod stop/rm --ignore with a missing file" {
	local pf=$BATS_TEST_TMPDIR/podid
	run_pm 0 pod create --pod-id-file "$pf" --name p1
	local id=$output
	run_pm 0 pod stop --pod-id-file "$pf"
	run_pm 0 pod rm --pod-id-file "$pf"
	is "$output" "$id"
	if ! is_podman; then # podman 4.3 leaves it
		[ ! -e "$pf" ] || die "pod rm --pod-id-file left $pf"
		run_pm 0 pod rm --ignore --pod-id-file "$pf"
		run_pm 0 pod stop --ignore --pod-id-file "$pf"
	fi
	rm -f "$pf"
	run_pm 125 pod rm --pod-id-file "$pf"
	assert_contains "$output" "$pf"
}
