#!/usr/bin/env bats
# 152-network-udp: published UDP ports on user-defined networks (-p HOST:CTR/udp with
# --network NAME): a datagram to the host port reaches the container's port and the reply
# comes back to its sender, several clients at once each get their own; ranges and random
# host ports; `port`, inspect and ps show the mapping; a busy port fails before anything
# runs; the relay (pm's port relay, podman's rootlessport) and its socket end with the
# container (stop, rm -f, its own exit, a pod's rm -f); a pod's ports; sctp is refused.
# The server in the container is tests/lib/udpecho.c, built with cc -static (busybox's nc
# has no UDP); the clients are python3 on the host. Runs as the unprivileged test user;
# also against podman (PM="podman --runtime runc"); pm-only tests skip there.

load helpers
load network

setup() {
	net_setup
	skip_if_missing cc python3
	UDP_DIR=$BATS_TEST_TMPDIR/udp
	mkdir -p "$UDP_DIR"
	echo 'int main(void) { return 0; }' >"$UDP_DIR/t.c"
	if ! cc -static -o "$UDP_DIR/t" "$UDP_DIR/t.c" 2>"$UDP_DIR/cc.err"; then
		skip "cc -static cannot link (no static libc?): $(head -n1 "$UDP_DIR/cc.err")"
	fi
	mkdir -p "$UDP_DIR/bin"
	cc -static -O2 -Wall -Werror -o "$UDP_DIR/bin/udpecho" "$PM_SRCDIR/tests/lib/udpecho.c" ||
		die "cannot build tests/lib/udpecho.c"
}

teardown() {
	net_teardown
}

# free_udp_port: a UDP port the kernel picks, released at once
free_udp_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'
}

# udp_is_free PORT: true when PORT can be bound for UDP on all addresses
udp_is_free() {
	python3 -c 'import socket, sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1])))' "$1" 2>/dev/null
}

# udp_ask PORT MSG...: one client socket per MSG on 127.0.0.1, all sending at once (again
# every second while some got no reply, 10 tries); prints each client's reply (or "none")
# in order, and fails unless every one came back.
udp_ask() {
	python3 - "$@" <<'PY'
import socket, sys
port, msgs = int(sys.argv[1]), sys.argv[2:]
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in msgs]
got = {}
for _ in range(10):
    for i, s in enumerate(socks):
        if i not in got:
            s.sendto(msgs[i].encode(), ("127.0.0.1", port))
    for i, s in enumerate(socks):
        if i in got:
            continue
        s.settimeout(1 if len(got) == 0 else 0.2)
        try:
            got[i] = s.recvfrom(65536)[0].decode()
        except socket.timeout:
            pass
    if len(got) == len(msgs):
        break
for i in range(len(msgs)):
    print(got.get(i, "none"))
sys.exit(0 if len(got) == len(msgs) else 1)
PY
}

# wait_listening CTR PORT: until the container's udpecho says it listens on PORT (5 s)
wait_listening() {
	local _i
	for _i in $(seq 50); do
		run_pm 0 logs "$1"
		[[ "$output" == *"listening on 0.0.0.0:$2"* ]] && return 0
		sleep 0.1
	done
	die "udpecho in $1 did not start on $2: $output"
}

# relays: pids of this test's port relays (pm's pm-port-relay, podman's rootlessport)
relays() {
	local pid
	for pid in $(pgrep -u "$(id -u)" -f 'port-relay|rootlessport' || true); do
		grep -qsFxz "PM_TEST_MARK=$PM_TEST_MARK" "/proc/$pid/environ" && echo "$pid"
	done
	return 0
}

@test "run --network NAME -p H:C/udp: echoes come back to each of several clients; port, inspect, ps" {
	skip_if_missing jq
	pm_load_test_image
	local img hp
	img=$(pm_test_image name)
	hp=$(free_udp_port)
	run_pm 0 network create --subnet 10.231.0.0/24 u1
	run_pm 0 run -d --network u1 -v "$UDP_DIR/bin:/t:ro" -p "$hp:5300/udp" --name echo "$img" \
		/t/udpecho -l 5300
	wait_listening echo 5300
	[ -n "$(relays)" ] || die "no port relay found for the container (the leak checks below would see nothing)"
	run udp_ask "$hp" one
	is "$output" "one" "one client"
	# three clients at once: each gets its own datagram back, not another's
	run udp_ask "$hp" alpha beta gamma
	[ "$status" -eq 0 ] || die "not every client got its echo: $output"
	is "$output" "alpha
beta
gamma" "three clients"
	run_pm 0 logs echo
	[ "$(grep -c '^peer ' <<<"$output")" -ge 4 ] || die "the server saw fewer than 4 datagrams: $output"
	# and a client that keeps its socket gets every reply (the flow is kept)
	run python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
for i in range(20):
    s.sendto(b"n%d" % i, ("127.0.0.1", int(sys.argv[1])))
    assert s.recvfrom(100)[0] == b"n%d" % i
print("ok")' "$hp"
	is "$output" "ok" "20 datagrams in turn on one socket"

	run_pm 0 port echo
	is "$output" "5300/udp -> 0.0.0.0:$hp" "port"
	run_pm 0 port echo 5300/udp
	is "$output" "0.0.0.0:$hp" "port CTR 5300/udp"
	run_pm 0 inspect echo --format '{{json .NetworkSettings.Ports}}'
	same "$(jq -c . <<<"$output")" "{\"5300/udp\":[{\"HostIp\":\"\",\"HostPort\":\"$hp\"}]}" \
		"inspect .NetworkSettings.Ports"
	run_pm 0 ps --format '{{.Ports}}'
	same "$output" "0.0.0.0:$hp->5300/udp" "ps PORTS"

	run_pm 0 rm -f -t0 echo
	[ -z "$(relays)" ] || die "a relay stays after rm -f: $(relays)"
	udp_is_free "$hp" || die "UDP port $hp is still bound after rm -f"
	run_pm 0 network rm u1
}

@test "run --network NAME -p udp and tcp, a udp range, random host ports, 127.0.0.1; stop frees, start serves again" {
	pm_load_test_image
	local img hp lp tp
	img=$(pm_test_image name)
	hp=$(free_udp_port)
	lp=$(free_udp_port)
	tp=$(free_port)
	run_pm 0 network create --subnet 10.232.0.0/24 u2
	run_pm 0 run -d --network u2 -v "$UDP_DIR/bin:/t:ro" -p "$hp:5300/udp" -p 5301-5302/udp \
		-p 5303/udp -p "127.0.0.1:$lp:5300/udp" -p "$tp:8080" --name multi "$img" \
		sh -c '/t/udpecho -l 5301 & /t/udpecho -l 5302 & /t/udpecho -l 5303 &
			while true; do echo pong | nc -l -p 8080; done & exec /t/udpecho -l 5300'
	local p
	for p in 5300 5301 5302 5303; do
		wait_listening multi $p
	done
	run udp_ask "$hp" fixed
	is "$output" "fixed" "the fixed host port"
	run udp_ask "$lp" local
	is "$output" "local" "a host port on 127.0.0.1"
	run_pm 0 port multi
	assert_contains "$output" "5300/udp -> 127.0.0.1:$lp"
	local ctr hports=()
	for ctr in 5301 5302 5303; do
		run_pm 0 port multi "$ctr/udp"
		p=${output##*:}
		[ "$p" -gt 0 ] 2>/dev/null || die "no host port for $ctr/udp: $output"
		hports+=("$p")
		run udp_ask "$p" "to-$ctr"
		is "$output" "to-$ctr" "through the random host port of $ctr/udp"
	done
	# the TCP port beside them
	local out=""
	for _ in $(seq 50); do
		# shellcheck disable=SC2016 # $1 is the inner shell's
		out=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -1 <&3' _ "$tp" 2>/dev/null) &&
			[ -n "$out" ] && break
		sleep 0.1
	done
	is "$out" "pong" "the TCP port beside the UDP ones"

	run_pm 0 stop -t0 multi
	[ -z "$(relays)" ] || die "a relay stays after stop: $(relays)"
	udp_is_free "$hp" || die "UDP port $hp is still bound after stop"
	run_pm 0 start multi
	wait_listening multi 5300
	run udp_ask "$hp" again
	is "$output" "again" "after a restart"
	run_pm 0 rm -f -t0 multi
	[ -z "$(relays)" ] || die "a relay stays after rm -f: $(relays)"
	run_pm 0 network rm u2
}

@test "run --network NAME -p on a busy UDP port: fails naming it, nothing left behind" {
	pm_load_test_image
	local img pf=$BATS_TEST_TMPDIR/held-udp holder
	img=$(pm_test_image name)
	python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1]); time.sleep(120)' "$pf" </dev/null >/dev/null 3>&- &
	holder=$!
	local _i
	for _i in $(seq 100); do
		[ -s "$pf" ] && break
		sleep 0.1
	done
	local held
	held=$(cat "$pf")
	[ -n "$held" ] || die "the port holder did not start"
	run_pm 0 network create --subnet 10.233.0.0/24 u3
	run_pm '?' run -d --network u3 -p "$held:5300/udp" --name busy "$img" sleep 100
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	[ "$status" -eq "$(start_rc)" ] || die "exit $status, expected $(start_rc)"
	assert_contains "$output" "$held" "the error names the port"
	[ -z "$(relays)" ] || die "a relay stays: $(relays)"
	if ! is_podman; then
		same "$output" "Error: cannot publish port 5300/udp on '0.0.0.0:$held': Address already in use" "the error"
		run_pm 0 ps -a -q
		is "$output" "" "no container left"
		pm_store_settled
		[ ! -e "$XDG_RUNTIME_DIR/pm/networks/rootless-netns" ] || die "the namespace stays"
		[ -z "$(ls "$XDG_RUNTIME_DIR/pm/networks/u3" 2>/dev/null)" ] || die "an address record stays"
	fi
	run_pm 0 rm -f -t0 busy
	run_pm 0 network rm u3
}

@test "run --network NAME -p PORT/sctp: one line, exit 125, nothing made (pm)" {
	skip_if_podman "pm's own: podman 4.3's rootlessport fails at the start with 126 (\"rootlessport spec was not validated?\")"
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create u4
	run_pm 125 run -d --network u4 -p 18464:53/sctp --name s "$img" true
	same "$output" "Error: publishing port 53/sctp: sctp is not supported by rootless networking (u4)"
	run_pm 0 ps -a -q
	is "$output" ""
	run_pm 0 network rm u4
}

@test "run --network NAME -p udp: the relay ends when the container exits by itself" {
	pm_load_test_image
	local img hp
	img=$(pm_test_image name)
	hp=$(free_udp_port)
	run_pm 0 network create --subnet 10.234.0.0/24 u5
	# the container answers for a while, then exits
	run_pm 0 run -d --network u5 -v "$UDP_DIR/bin:/t:ro" -p "$hp:5300/udp" --name fg "$img" \
		sh -c '/t/udpecho -l 5300 & sleep 4; exit 0'
	wait_listening fg 5300
	run udp_ask "$hp" bye
	is "$output" "bye"
	run_pm 0 wait fg
	local _i
	for _i in $(seq 50); do
		[ -z "$(relays)" ] && break
		sleep 0.1
	done
	[ -z "$(relays)" ] || die "a relay stays after the container exited: $(relays)"
	udp_is_free "$hp" || die "UDP port $hp is still bound after the container exited"
	run_pm 0 rm fg
	run_pm 0 network rm u5
}

@test "pod create --network NAME -p H:C/udp: a member's server answers; pod rm -f ends the relay" {
	pm_load_test_image
	local img hp
	img=$(pm_test_image name)
	hp=$(free_udp_port)
	run_pm 0 network create --subnet 10.235.0.0/24 u6
	run_pm 0 pod create --name pu --network u6 -p "$hp:5300/udp"
	run_pm 0 run -d --pod pu -v "$UDP_DIR/bin:/t:ro" --name member "$img" /t/udpecho -l 5300
	wait_listening member 5300
	run udp_ask "$hp" a b
	is "$output" "a
b" "two clients through the pod's port"
	run_pm 0 pod rm -f -t0 pu
	[ -z "$(relays)" ] || die "a relay stays after pod rm -f: $(relays)"
	udp_is_free "$hp" || die "UDP port $hp is still bound after pod rm -f"
	run_pm 0 network rm u6
}
