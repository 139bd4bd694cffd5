#!/usr/bin/env bats
# 061-udp (run as root by tests/run-system.sh): a UDP echo and a TCP server behind ports
# published with the default slirp4netns network, end to end. pm runs rootless as the test
# user; the client sits in a network namespace this test makes, behind a veth pair with private
# addresses (10.250.N.0/30), because slirp4netns drops UDP from a 127.0.0.1 client. The
# server in the container (tests/lib/udpecho.c, built here with cc -static: busybox has
# no UDP server) logs the peer address it saw: the client's own address, which podman's
# rootlessport would replace. Traffic only on that veth pair and to 127.0.0.1.

load helpers

setup() {
	skip_if_not_root "makes a network namespace and switches users with runuser"
	skip_if_podman "pm's slirp4netns port forwarding (podman's rootlessport hides the peer)"
	skip_if_missing ip cc slirp4netns runuser ss
	TU=${PM_TEST_USER:-pmtest}
	id "$TU" >/dev/null 2>&1 || skip "no user '$TU' (tests/run-system.sh creates it)"

	# the program, where the test user (and the container) can read it
	UDP_DIR=$(mktemp -d /tmp/pmudp.XXXXXX)
	chmod 0755 "$UDP_DIR"
	echo 'int main(void) { return 0; }' >"$UDP_DIR/t.c"
	if ! cc -static -o "$UDP_DIR/t" "$UDP_DIR/t.c" 2>"$UDP_DIR/cc.err"; then
		skip "cc -static cannot link (no static libc?): $(head -n1 "$UDP_DIR/cc.err")"
	fi
	cc -static -O2 -Wall -Werror -o "$UDP_DIR/udpecho" "$PM_SRCDIR/tests/lib/udpecho.c" ||
		die "cannot build tests/lib/udpecho.c"

	TU_RUN=$(mktemp -d /tmp/pmrt.XXXXXX)
	TU_HOME=$(mktemp -d /tmp/pmudphome.XXXXXX)
	chown "$TU:" "$TU_RUN" "$TU_HOME"
	chmod 0700 "$TU_RUN"
	# for _pm_leaked_pids (helpers.bash): our marker and dirs
	PM_TEST_MARK="pmudp-$$-$RANDOM$RANDOM"
	export XDG_RUNTIME_DIR=$TU_RUN

	# the client's namespace: NS_IP in NS, HOST_IP on the host side of the veth pair
	NS=pmudp-$$
	VETH=pmu$$h
	local n
	for n in $(shuf -i 1-254); do
		ip -4 -o addr show | grep -q " 10\.250\.$n\." || break
	done
	HOST_IP=10.250.$n.1
	NS_IP=10.250.$n.2
	ip netns add "$NS" || die "ip netns add $NS"
	ip link add "$VETH" type veth peer name pmu$$n netns "$NS" || die "ip link add $VETH"
	ip addr add "$HOST_IP/30" dev "$VETH"
	ip link set "$VETH" up
	ip -n "$NS" addr add "$NS_IP/30" dev pmu$$n
	ip -n "$NS" link set pmu$$n up
	ip -n "$NS" link set lo up
}

teardown() {
	if [ -n "${TU_RUN:-}" ]; then
		as_tu rm -a -f
		as_tu system migrate
		local pids
		pids=$(_pm_leaked_pids)
		# shellcheck disable=SC2086 # a list of pids
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
		rm -rf "$TU_RUN" "$TU_HOME"
	fi
	if [ -n "${NS:-}" ]; then
		ip link del "$VETH" 2>/dev/null || true
		ip netns del "$NS" 2>/dev/null || true
	fi
	[ -z "${UDP_DIR:-}" ] || rm -rf "$UDP_DIR"
}

# as_tu ARGS...: run $PM_BINARY as the test user with this test's dirs.
as_tu() {
	status=0
	output=$(cd / && timeout "$PM_TIMEOUT" runuser -u "$TU" -- env -i \
		PATH=/usr/local/bin:/usr/bin:/bin HOME="$TU_HOME" USER="$TU" PM_TEST_MARK="$PM_TEST_MARK" \
		XDG_RUNTIME_DIR="$TU_RUN" XDG_DATA_HOME="$TU_HOME/data" \
		XDG_CONFIG_HOME="$TU_HOME/config" "$PM_BINARY" "$@" 2>&1) || status=$?
	echo "# runuser -u $TU -- pm $*"
	echo "$output"
	echo "[ rc=$status ]"
}

# free_udp_port: a UDP port nobody has bound on the host right now
free_udp_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		[ -z "$(ss -Hlun "sport = :$p")" ] && break
	done
	echo "$p"
}

# slirp_of_test: pids of the slirp4netns processes started for this test
slirp_of_test() {
	local pid
	for pid in $(pgrep -x slirp4netns || true); do
		grep -qsFxz "PM_TEST_MARK=$PM_TEST_MARK" "/proc/$pid/environ" && echo "$pid"
	done
	return 0
}

@test "UDP echo through a published port; the container sees the client's address" {
	as_tu load -i "$(pm_test_image)"
	[ "$status" -eq 0 ] || die "load failed ($status)"
	local hp
	hp=$(free_udp_port)
	as_tu run -d --name udpecho -v "$UDP_DIR:/t:ro" -p "$hp:5300/udp" localhost/busybox \
		/t/udpecho -l 5300
	[ "$status" -eq 0 ] || die "run -d failed ($status)"
	[ -n "$(slirp_of_test)" ] || die "no slirp4netns for the container"
	as_tu port udpecho
	is "$output" "5300/udp -> 0.0.0.0:$hp" "pm port"
	# the server is up once it says so (bounded: 5 s)
	local i
	for i in $(seq 50); do
		as_tu logs udpecho
		[[ "$output" == *"listening on 0.0.0.0:5300"* ]] && break
		sleep 0.1
	done
	assert_contains "$output" "listening on 0.0.0.0:5300" "server log after ${i} tries"

	# a client in the namespace, through the veth pair to the published port
	run ip netns exec "$NS" "$UDP_DIR/udpecho" "$HOST_IP" "$hp" hello
	echo "$output"
	[ "$status" -eq 0 ] || die "no echo from $HOST_IP:$hp to a client at $NS_IP (rc $status)"
	is "$output" "echo hello from $HOST_IP:$hp" "the client's echo"
	# the container saw the real client address, not slirp4netns's gateway 10.0.2.2
	as_tu logs udpecho
	[ "$status" -eq 0 ] || die "logs failed ($status)"
	grep -Eq "^peer $NS_IP:[0-9]+$" <<<"$output" || die "no 'peer $NS_IP:PORT' in the log"
	assert_not_contains "$output" "peer 10.0.2.2:" "server log"

	# a client on 127.0.0.1: recorded, not asserted (libslirp 4.7 drops UDP from loopback)
	run "$UDP_DIR/udpecho" 127.0.0.1 "$hp" loop
	echo "# loopback client: rc=$status: $output" >&3
	as_tu logs udpecho
	echo "# server log after it: $(tr '\n' ' ' <<<"$output")" >&3

	as_tu rm -f udpecho
	[ "$status" -eq 0 ] || die "rm -f failed ($status)"
	[ -z "$(slirp_of_test)" ] || die "slirp4netns left after rm -f: $(slirp_of_test)"
	as_tu ps -a -q
	is "$output" "" "containers after rm -f"
}

@test "TCP from a non-loopback client keeps its address, also on a host address added after the start" {
	skip_if_missing curl
	as_tu load -i "$(pm_test_image)"
	[ "$status" -eq 0 ] || die "load failed ($status)"
	mkdir -p "$UDP_DIR/www"
	echo "hello over veth" >"$UDP_DIR/www/index.html"
	chmod -R a+rX "$UDP_DIR/www"
	local hp
	hp=$(free_udp_port)
	as_tu run -d --name web -v "$UDP_DIR/www:/www:ro" -w /www -p "$hp:80" localhost/busybox \
		httpd -f -vv -p 80
	[ "$status" -eq 0 ] || die "run -d failed ($status)"

	# an address the host had at the start: slirp4netns forwards it (add_hostfwd per address)
	run ip netns exec "$NS" curl -sS -m 5 --retry 10 --retry-delay 0 --retry-connrefused \
		--retry-max-time 5 "http://$HOST_IP:$hp/index.html"
	is "$output" "hello over veth" "through $HOST_IP:$hp"
	# an address that appears while the container runs: the port relay sees it on
	# rtnetlink and has slirp4netns forward it too (0.0.0.0 means every address, later
	# ones included)
	local n=${HOST_IP#10.250.}
	n=${n%%.*}
	local late_host=10.251.$n.1 late_ns=10.251.$n.2
	ip addr add "$late_host/30" dev "$VETH"
	ip -n "$NS" addr add "$late_ns/30" dev "pmu$$n"
	run ip netns exec "$NS" curl -sS -m 5 --retry 20 --retry-delay 0 --retry-connrefused \
		--retry-max-time 5 "http://$late_host:$hp/index.html"
	is "$output" "hello over veth" "through $late_host:$hp, added after the start"

	as_tu logs web
	# busybox httpd -vv logs "[::ffff:PEER]:PORT: url:/index.html"
	assert_contains "$output" "$NS_IP]:" "the first client's own address"
	assert_contains "$output" "$late_ns]:" "the second client's own address"
	assert_not_contains "$output" "10.0.2.2]:" "slirp's gateway"
	as_tu rm -f web
	[ "$status" -eq 0 ] || die "rm -f failed ($status)"
	[ -z "$(slirp_of_test)" ] || die "slirp4netns left after rm -f: $(slirp_of_test)"
}
