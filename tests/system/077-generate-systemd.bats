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

# ---- generate systemd ----------------------------------------------------------------------------

# gen ARGS...: `generate systemd ARGS` with podman's continuation lines (" \\\n\t") joined, so
# pm's one-line Exec commands and podman's compare; the text in $output
gen() {
	run_pm 0 generate systemd "$@"
	output=$(printf '%s\n' "$output" | sed -e ':a' -e '/\\$/{N;s/ *\\\n\t*/ /;ba}')
}

@test "generate systemd CTR: a Type=forking unit around the existing container" {
	run_pm 0 create --name web $IMG sleep 1000
	local id=$output
	gen --name web
	assert_contains "$output" "# container-web.service
# autogenerated by "
	assert_contains "$output" "[Unit]
Description="
	assert_contains "$output" "Wants=network-online.target
After=network-online.target
RequiresMountsFor="
	assert_contains "$output" "[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n
Restart=on-failure
TimeoutStopSec=70
ExecStart="
	assert_contains "$output" " start web
ExecStop="
	assert_contains "$output" " stop -t 10 web
ExecStopPost="
	assert_contains "$output" "/$id/"
	is "$(grep '^PIDFile=' <<<"$output")" "PIDFile=/.*/$id/.*conmon.pid"
	assert_contains "$output" "Type=forking

[Install]
WantedBy=default.target"
	# without --name: the id
	gen web
	assert_contains "$output" "# container-$id.service"
	assert_contains "$output" " start $id"
	run_pm 0 rm web
}

@test "generate systemd --new: a Type=notify unit that runs a fresh container" {
	run_pm 0 create --name web -e A=1 --rm $IMG sleep 1000
	gen --new --name web
	local start
	start=$(grep '^ExecStart=' <<<"$output")
	assert_contains "$start" " run "
	assert_contains "$start" " --cidfile=%t/%n.ctr-id "
	assert_contains "$start" " --sdnotify=conmon "
	assert_contains "$start" " -d "
	assert_contains "$start" " --replace "
	assert_contains "$start" " --rm "
	assert_contains "$start" " --name web "
	assert_contains "$start" " -e A=1 "
	is "$start" "ExecStart=.* $IMG sleep 1000" "the image and command last"
	is "$(grep -o -- ' --rm' <<<"$start" | wc -l)" "1" "--rm once"
	is "$(grep -o -- ' --name' <<<"$start" | wc -l)" "1" "--name once"
	assert_contains "$output" "RequiresMountsFor=%t/containers"
	is "$(grep '^ExecStop=' <<<"$output")" "ExecStop=.* stop --ignore -t 10 --cidfile=%t/%n.ctr-id"
	is "$(grep '^ExecStopPost=' <<<"$output")" "ExecStopPost=.* rm -f --ignore -t 10 --cidfile=%t/%n.ctr-id"
	assert_contains "$output" "Type=notify
NotifyAccess=all"
	assert_not_contains "$output" "PIDFile="
	if ! is_podman; then # the contract's shape (podman 4.3: --cgroups=no-conmon, no Delegate)
		assert_contains "$start" " run --cidfile=%t/%n.ctr-id --cgroups=split --sdnotify=conmon -d --replace --rm --name web "
		assert_contains "$output" "Delegate=yes
Type=notify"
	fi
	run_pm 0 rm web
}

@test "generate systemd --new: -d, --detach and a run's own flags are not doubled" {
	skip_if_podman "pm's own: podman 4.3 keeps a -d given in a cluster"
	run_pm 0 run -d --name web2 --cidfile "$BATS_TEST_TMPDIR/x" --sdnotify ignore $IMG sleep 1000
	gen --new --name web2
	local start
	start=$(grep '^ExecStart=' <<<"$output")
	is "$(grep -o -- ' -d' <<<"$start" | wc -l)" "1" "-d once"
	assert_not_contains "$start" "$BATS_TEST_TMPDIR/x"
	assert_not_contains "$start" "ignore"
	is "$start" "ExecStart=.* --name web2 $IMG sleep 1000"
	run_pm 0 rm -f -t 0 web2
}

@test "generate systemd: each flag's effect" {
	run_pm 0 create --name web $IMG sleep 1000
	gen --name --restart-policy always -t 3 web
	assert_contains "$output" "Restart=always
TimeoutStopSec=63"
	assert_contains "$output" " stop -t 3 web"
	if ! is_podman; then # podman 4.3 drops --restart-sec from the unit
		gen --name --restart-sec 5 web
		assert_contains "$output" "Restart=on-failure
RestartSec=5
TimeoutStopSec=70"
	fi
	gen --name --container-prefix ctr --separator _ web
	assert_contains "$output" "# ctr_web.service"
	gen --name --after a.service --after b.service --wants w.service --requires r.service web
	assert_contains "$output" "# User-defined dependencies
Wants=w.service
After=a.service b.service
Requires=r.service"
	gen --name -e FOO=bar -e X=1 web
	assert_contains "$output" "Environment=PODMAN_SYSTEMD_UNIT=%n
Environment=FOO=bar
Environment=X=1"
	gen --name --no-header web
	assert_contains "$output" "# container-web.service

[Unit]"
	assert_not_contains "$output" "autogenerated"
	gen --name --new --template web
	assert_contains "$output" "# container-web@.service"
	assert_contains "$output" "Environment=PODMAN_SYSTEMD_UNIT=%n-%i"
	assert_contains "$output" " --name web-%i "
	run_pm 0 rm web
}

@test "generate systemd --files writes the units in the cwd and prints their paths" {
	run_pm 0 create --name web $IMG sleep 1000
	mkdir "$BATS_TEST_TMPDIR/units"
	cd "$BATS_TEST_TMPDIR/units"
	run_pm 0 generate systemd --name --files web
	is "$output" "$BATS_TEST_TMPDIR/units/container-web.service"
	grep -q '^ExecStart=.* start web$' container-web.service || die "no ExecStart in the file"
	run_pm 0 generate systemd --name --new --files web
	grep -q '^Type=notify$' container-web.service || die "--new did not rewrite the file"
	run_pm 0 rm web
}

@test "generate systemd: bad restart policy, unknown container -> 125, no file" {
	run_pm 0 create --name web $IMG sleep 1000
	mkdir "$BATS_TEST_TMPDIR/units"
	cd "$BATS_TEST_TMPDIR/units"
	run_pm 125 generate systemd --files --restart-policy bogus web
	is "$output" "Error: bogus is not a valid restart policy"
	run_pm 125 generate systemd --files nosuch
	is "$output" "Error: nosuch does not refer to a container or pod: no pod with name or ID nosuch found: no such pod: no container with name or ID \"nosuch\" found: no such container"
	run_pm 125 generate systemd --files
	is "$(ls)" "" "no unit file written"
	run_pm 0 rm web
}

@test "generate systemd --format json: a map of unit name to unit" {
	run_pm 0 create --name web $IMG sleep 1000
	run_pm 0 generate systemd --name --format json web
	run jq -r 'keys[]' <<<"$output"
	is "$output" "container-web"
	run_pm 0 generate systemd --name --format json web
	run jq -r '."container-web"' <<<"$output"
	assert_contains "$output" "# container-web.service"
	run_pm 0 rm web
}

@test "generate systemd POD: pod-NAME.service plus one unit per member, bound together" {
	run_pm 0 pod create --name p1
	run_pm 0 create --pod p1 --name m1 $IMG sleep 1000
	run_pm 0 create --pod p1 --name m2 $IMG sleep 1000
	mkdir "$BATS_TEST_TMPDIR/units"
	cd "$BATS_TEST_TMPDIR/units"
	run_pm 0 generate systemd --name --files p1
	is "$(ls | sort | tr '\n' ' ')" "container-m1.service container-m2.service pod-p1.service "
	local f
	for f in container-m1 container-m2; do
		grep -qx 'BindsTo=pod-p1.service' $f.service || die "$f: no BindsTo"
		grep -qx 'After=pod-p1.service' $f.service || die "$f: no After"
	done
	grep -q '^Wants=.*container-m1.service' pod-p1.service || die "pod: no Wants"
	grep -q '^Before=.*container-m2.service' pod-p1.service || die "pod: no Before"
	grep -qx 'Type=forking' pod-p1.service || die "pod: not forking"
	rm -f ./*.service
	if is_podman; then # podman's --new pod unit is Type=forking with --infra-conmon-pidfile
		run_pm 0 pod rm -f p1
		return
	fi
	run_pm 0 generate systemd --name --new --files p1
	grep -q '^ExecStartPre=.* pod create .*--pod-id-file %t/pod-p1.pod-id.* --name p1 .*--replace' \
		pod-p1.service || die "pod --new: no pod create"
	grep -q '^ExecStart=.* pod start --pod-id-file %t/pod-p1.pod-id' pod-p1.service ||
		die "pod --new: no pod start"
	grep -q '^ExecStopPost=.* pod rm --ignore -f --pod-id-file %t/pod-p1.pod-id' \
		pod-p1.service || die "pod --new: no pod rm"
	grep -q '^ExecStart=.* run .*--name m1 ' container-m1.service || die "member: no run"
	run_pm 0 pod rm -f p1
}
