#!/usr/bin/env bats
# 060-network: rootless networking in `pm run`: the default slirp4netns network (podman 4's
# addresses, resolv.conf and /etc/hosts), --network none|host|pasta|container:, --dns*,
# --add-host, --no-hosts, -p/-P served to a client on the host, `pm port`, ps PORTS,
# inspect .NetworkSettings.Ports, a busy port (125, nothing left), no helper left after
# many runs. Traffic only to 127.0.0.1 and inside namespaces the tests made.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	WWW=$BATS_TEST_TMPDIR/www
	mkdir -p "$WWW"
	echo "hello from pm" >"$WWW/index.html"
}

# helpers_of_test: pids of the slirp4netns/pasta processes of this test (they inherit the
# test's XDG_RUNTIME_DIR; pasta's arguments do not name it)
helpers_of_test() {
	local pid
	for pid in $(pgrep -f '^[^ ]*/(slirp4netns|pasta|passt)[^ ]* ' || true); do
		if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
			grep -qx "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"; then
			echo "$pid"
		fi
	done
}

# relays_of_test: pids of pm's loopback port relays (pm-monitor port-relay) of this test
relays_of_test() {
	local pid
	for pid in $(pgrep -f '^[^ ]*/pm-monitor port-relay ' || true); do
		if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
			grep -qx "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"; then
			echo "$pid"
		fi
	done
}

# expect_relays N MESSAGE: this test has N port relays (pm only: podman has rootlessport)
expect_relays() {
	is_podman || is "$(relays_of_test | wc -l)" "$1" "$2"
}

# fetch PORT [PATH]: GET http://127.0.0.1:PORT/PATH, retrying briefly while the server in the
# container starts (bounded: 5 s)
fetch() {
	curl -sS --retry 10 --retry-delay 0 --retry-connrefused --retry-max-time 5 -m 5 \
		"http://127.0.0.1:$1/${2:-index.html}"
}

# httpd_ctr NAME HOSTPORT [EXTRA ARGS...]: busybox httpd serving $WWW, published on HOSTPORT
httpd_ctr() {
	local name=$1 port=$2
	shift 2
	run_pm 0 run -d --name "$name" -v "$WWW:/www" -w /www -p "$port:80" "$@" "$IMG" \
		httpd -f -vv -p 80
}

@test "default network: slirp4netns with podman's addresses, resolv.conf and hosts" {
	skip_if_missing slirp4netns
	run_pm 0 run --rm --name n1 --hostname hn1 "$IMG" sh -c \
		'ip -o -4 addr show tap0; ip route; echo ===; cat /etc/resolv.conf; echo ===; cat /etc/hosts'
	assert_contains "$output" "inet 10.0.2.100/24"
	assert_contains "$output" "default via 10.0.2.2 dev tap0"
	local resolv=${output#*===$'\n'}
	resolv=${resolv%%===*}
	is "$(head -1 <<<"$resolv")" "nameserver 10.0.2.3" "slirp's DNS comes first"
	assert_contains "$output" $'10.0.2.100\thn1 n1' "the container's own entry"
	assert_contains "$output" "host.containers.internal"
}

@test "--dns, --dns-search, --dns-option, --add-host, --no-hosts" {
	run_pm 0 run --rm --dns 192.0.2.53 --dns-search example.com --dns-option ndots:3 \
		--add-host foo.test:192.0.2.7 "$IMG" sh -c 'cat /etc/resolv.conf; echo ===; cat /etc/hosts'
	local resolv=${output%%===*}
	assert_contains "$resolv" "nameserver 192.0.2.53"
	assert_not_contains "$resolv" "10.0.2.3" "--dns replaces every server"
	assert_contains "$resolv" "search example.com"
	assert_contains "$resolv" "options ndots:3"
	is "$(sed -n 2p <<<"${output#*===}")" $'192.0.2.7\tfoo.test' "--add-host comes first"

	# --no-hosts: the image's own /etc/hosts stays
	local image_hosts
	image_hosts=$("${PM_CMD[@]}" run --rm --no-hosts --entrypoint cat "$IMG" /etc/hosts)
	assert_not_contains "$image_hosts" "host.containers.internal"
	assert_not_contains "$image_hosts" "10.0.2.100"

	run_pm 125 run --rm --dns 1.2.3.999 "$IMG" true
	assert_contains "$output" "1.2.3.999"
	run_pm 125 run --rm --network none --dns 192.0.2.1 "$IMG" true
	assert_contains "$output" "conflicting options: dns and the network mode: none"
	run_pm 125 run --rm --no-hosts --add-host a:192.0.2.1 "$IMG" true
	assert_contains "$output" "Error: --no-hosts and --add-host cannot be set together"
	run_pm 125 run --rm --network bogus "$IMG" true
	assert_contains "$output" "bogus"
}

@test "--network none: only lo" {
	run_pm 0 run --rm --network none "$IMG" sh -c 'ls /proc/sys/net/ipv4/conf; ip -o link'
	is "$(grep -c ': <' <<<"$output")" "1" "one link"
	assert_contains "$output" "1: lo:"
	assert_not_contains "$output" "tap0"
	[ -z "$(helpers_of_test)" ] || die "a helper runs for --network none"
}

@test "--network host: the host's interfaces" {
	local host_ifs ctr_ifs
	host_ifs=$(awk -F: 'NR>2 {gsub(/ /, "", $1); print $1}' /proc/net/dev | sort)
	ctr_ifs=$("${PM_CMD[@]}" run --rm --network host "$IMG" cat /proc/net/dev |
		awk -F: 'NR>2 {gsub(/ /, "", $1); print $1}' | sort)
	is "$ctr_ifs" "$host_ifs" "interfaces seen with --network host"
	# -p is dropped with a warning, as podman
	run_pm 0 run --rm --network host -p 1234:80 "$IMG" true
	assert_contains "$output" "Port mappings have been discarded"
}

@test "the host's loopback (10.0.2.2) is reachable only with allow_host_loopback=true" {
	skip_if_missing slirp4netns
	local port pid
	port=$(free_port)
	/bin/busybox httpd -f -p "127.0.0.1:$port" -h "$WWW" &
	pid=$!
	# the server answers before the containers ask (bounded: 5 s)
	for _ in $(seq 50); do
		/bin/busybox wget -qO- "http://127.0.0.1:$port/index.html" >/dev/null 2>&1 && break
		sleep 0.1
	done
	# (no wget -T: busybox 1.35's wget crashes with it when the connect fails)
	run_pm 1 run --rm "$IMG" wget -qO- "http://10.0.2.2:$port/index.html"
	assert_contains "$output" "can't connect" "refused without the option"
	run_pm 0 run --rm --network slirp4netns:allow_host_loopback=true "$IMG" \
		wget -qO- "http://10.0.2.2:$port/index.html"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	is "$output" "hello from pm" "the host's 127.0.0.1 server through 10.0.2.2"
}

@test "-p: busybox httpd in a container served to curl on the host; port, ps, inspect" {
	skip_if_missing slirp4netns curl python3
	local port
	port=$(free_port)
	httpd_ctr web "$port"
	run fetch "$port"
	is "$output" "hello from pm" "the page through the published port"

	run_pm 0 port web
	is "$output" "80/tcp -> 0.0.0.0:$port"
	run_pm 0 port web 80
	is "$output" "0.0.0.0:$port"
	run_pm 125 port web 81
	is "$output" 'Error: failed to find published port "81"'
	run_pm 0 ps --format '{{.Names}} {{.Ports}}'
	is "$output" "web 0.0.0.0:$port->80/tcp"
	run_pm 0 inspect --format '{{json .NetworkSettings.Ports}}' web
	is "$output" "\{\"80/tcp\":\[\{\"HostIp\":\"\",\"HostPort\":\"$port\"\}\]\}"

	# stop ends slirp4netns and the relay; start brings both back with the same port
	[ -n "$(helpers_of_test)" ] || die "no slirp4netns for the running container"
	expect_relays 1 "one port relay for the running container"
	run_pm 0 stop -t 0 web
	[ -z "$(helpers_of_test)" ] || die "slirp4netns left after stop: $(helpers_of_test)"
	expect_relays 0 "port relays left after stop"
	run_pm 0 start web
	run fetch "$port"
	is "$output" "hello from pm" "served again after a restart"
	expect_relays 1 "the relay is back after start"
	run_pm 0 rm -f web
	[ -z "$(helpers_of_test)" ] || die "slirp4netns left after rm"
	expect_relays 0 "port relays left after rm"
}

@test "-p: random host ports, IP:, ranges, udp; -P publishes the image's EXPOSE" {
	skip_if_missing slirp4netns python3
	run_pm 0 run -d --name r1 -p 127.0.0.1::80 -p 8000-8001/udp "$IMG" sleep 1000
	run_pm 0 port r1
	local maps=$output
	is "$(grep -c . <<<"$maps")" "3" "three mappings: $maps"
	assert_contains "$maps" "80/tcp -> 127.0.0.1:"
	assert_contains "$maps" "8000/udp -> 0.0.0.0:"
	assert_contains "$maps" "8001/udp -> 0.0.0.0:"
	# the random port is a real port: something listens there
	local hp=${maps#*80/tcp -> 127.0.0.1:}
	hp=${hp%%$'\n'*}
	[ "$hp" -gt 0 ] || die "no host port in '$maps'"
	if python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' \
		"$hp" 2>/dev/null; then
		die "random host port $hp is not bound"
	fi
	run_pm 0 rm -f r1
	# -P with an image that exposes nothing publishes nothing
	run_pm 0 run -d --name r2 -P "$IMG" sleep 1000
	run_pm 0 port r2
	is "$output" "" "no EXPOSE in the test image"
	run_pm 0 rm -f r2
	# an image with EXPOSE: -P adds a random port for each entry -p did not publish
	run_pm 0 create --name base "$IMG" true
	run_pm 0 commit -q --change "EXPOSE 80" --change "EXPOSE 53/udp" base localhost/exposed
	run_pm 0 rm base
	run_pm 0 run -d --name r3 -P -p 9999:53/udp localhost/exposed sleep 1000
	run_pm 0 port r3
	is "$output" "53/udp -> 0.0.0.0:9999
80/tcp -> 0.0.0.0:[0-9]+" "-P with EXPOSE 80 and 53/udp"
	run_pm 0 rm -f r3
}

@test "two containers with different published ports at once" {
	skip_if_missing slirp4netns curl python3
	local p1 p2
	p1=$(free_port)
	p2=$(free_port)
	[ "$p1" != "$p2" ] || p2=$((p1 + 1))
	mkdir -p "$BATS_TEST_TMPDIR/www2"
	echo "second" >"$BATS_TEST_TMPDIR/www2/index.html"
	httpd_ctr w1 "$p1"
	run_pm 0 run -d --name w2 -v "$BATS_TEST_TMPDIR/www2:/www" -w /www -p "$p2:80" "$IMG" \
		httpd -f -p 80
	run fetch "$p1"
	is "$output" "hello from pm" "first container"
	run fetch "$p2"
	is "$output" "second" "second container"
	is "$(helpers_of_test | wc -l)" "2" "one slirp4netns per container"
	run_pm 0 rm -f w1 w2
}

@test "a busy port or a malformed -p: exit 125 naming it, nothing left" {
	skip_if_podman "pm does better here: podman 4.3 exits 126 for a busy port"
	skip_if_missing slirp4netns python3
	local port
	port=$(free_port)
	run_pm 0 run -d --name holder -p "$port:80" "$IMG" sleep 1000
	run_pm 125 run -d --name taker -p "$port:80" "$IMG" sleep 1000
	assert_contains "$output" "Error: "
	assert_contains "$output" "0.0.0.0:$port"
	assert_contains "$output" "Address already in use"
	run_pm 125 run --rm --name taker2 -p "$port:80" "$IMG" true
	assert_contains "$output" "Address already in use"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "holder" "only the first container exists"
	is "$(helpers_of_test | wc -l)" "1" "only the first container's slirp4netns"
	expect_relays 1 "only the first container's port relay"
	# the port is busy on 127.0.0.1 (the relay) and on the other addresses (slirp4netns)
	if python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' \
		"$port" 2>/dev/null; then
		die "port $port is free on 127.0.0.1 while published"
	fi

	run_pm 125 run --rm -p 80x "$IMG" true
	assert_contains "$output" "'80x'"
	run_pm 125 run --rm -p 1-3:80-81 "$IMG" true
	assert_contains "$output" "Error: host and container port ranges have different lengths: 3 vs 2"
	run_pm 125 run --rm -p 70000:80 "$IMG" true
	assert_contains "$output" "70000"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "holder"
	run_pm 0 rm -f holder
	[ -z "$(helpers_of_test)" ] || die "a helper left behind"
}

@test "a setup failure in the container while slirp4netns comes up: its own error, nothing left" {
	skip_if_podman "pm's own: the network helper starts beside the container's mounts"
	skip_if_missing slirp4netns python3
	# the mounts fail while slirp4netns starts: the error is the mount's, not the helper's
	echo x >"$BATS_TEST_TMPDIR/f"
	local port
	port=$(free_port)
	run_pm 125 run --rm -p "$port:80" -v "$BATS_TEST_TMPDIR/f:/proc/pm-test" "$IMG" true
	assert_contains "$output" "'/proc/pm-test'"
	run_pm 125 run -d --name bad -v "$BATS_TEST_TMPDIR/f:/proc/pm-test" "$IMG" sleep 1000
	assert_contains "$output" "'/proc/pm-test'"
	run_pm 0 ps -aq
	is "$output" "" "no container left"
	[ -z "$(helpers_of_test)" ] || die "a helper left behind"
	expect_relays 0 "no port relay left"
	python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' \
		"$port" || die "port $port still held"
}

@test "source address seen inside: a loopback client is 127.0.0.1, as it is (relay); slirp4netns' own handler shows 10.0.2.2" {
	skip_if_podman "pm's port relay (podman's rootlessport hides every client)"
	skip_if_missing slirp4netns curl python3
	local port
	port=$(free_port)
	httpd_ctr src "$port"
	run fetch "$port"
	is "$output" "hello from pm"
	run_pm 0 logs src
	# busybox httpd -vv logs "[::ffff:PEER]:PORT: url:/index.html"
	assert_contains "$output" "127.0.0.1]:" "the client's own address"
	assert_not_contains "$output" "10.0.2.2]:" "not slirp's gateway"
	# "localhost" may be ::1 first: the relay listens there too, and the container sees
	# its own loopback (it has no other way to reach the client)
	if [ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
		run curl -sS -g -m 5 "http://[::1]:$port/index.html"
		is "$output" "hello from pm" "an IPv6 loopback client"
	fi
	run_pm 0 rm -f src

	# port_handler=slirp4netns: every port through slirp4netns' add_hostfwd, no relay
	port=$(free_port)
	httpd_ctr src2 "$port" --network slirp4netns:port_handler=slirp4netns
	run fetch "$port"
	is "$output" "hello from pm"
	[ -z "$(relays_of_test)" ] || die "a relay with port_handler=slirp4netns"
	run_pm 0 logs src2
	assert_contains "$output" "10.0.2.2]:" "slirp's gateway for a loopback client"
	run_pm 0 rm -f src2
	# non-loopback clients keep their address either way: tests/system/061-udp.root.bats
}

@test "--network container:NAME joins the other container's namespace and files" {
	skip_if_missing slirp4netns
	run_pm 0 run -d --name netowner -v "$WWW:/www" -w /www --dns-search example.org "$IMG" \
		httpd -f -p 80
	run_pm 0 run --rm --network container:netowner "$IMG" sh -c \
		'ip -o -4 addr show tap0; wget -qO- http://127.0.0.1:80/index.html; cat /etc/resolv.conf'
	assert_contains "$output" "10.0.2.100/24"
	assert_contains "$output" "hello from pm" "the owner's server on the shared loopback"
	assert_contains "$output" "search example.org" "the owner's resolv.conf"
	is "$(helpers_of_test | wc -l)" "1" "no helper for the joining container"
	run_pm 125 run --rm --network container:nosuch "$IMG" true
	assert_contains "$output" "nosuch"
	run_pm 0 stop -t 0 netowner
	if ! is_podman; then
		# podman starts the owner as a dependency; pm refuses, naming it
		run_pm 125 run --rm --network container:netowner "$IMG" true
		assert_contains "$output" "not running"
	fi
	run_pm 0 rm -f netowner
}

@test "--network pasta: served to curl on the host" {
	skip_if_podman "podman 4.3 has no pasta network mode"
	skip_if_missing pasta curl python3
	local port
	port=$(free_port)
	httpd_ctr pw "$port" --network pasta
	run fetch "$port"
	is "$output" "hello from pm" "through pasta"
	is "$(helpers_of_test | wc -l)" "1" "one pasta for the container"
	run_pm 0 port pw
	is "$output" "80/tcp -> 0.0.0.0:$port"
	run_pm 0 rm -f pw
	[ -z "$(helpers_of_test)" ] || die "pasta left behind: $(helpers_of_test)"
}

@test "no slirp4netns left after 20 run/rm cycles" {
	skip_if_missing slirp4netns python3
	local port
	port=$(free_port)
	for _ in $(seq 1 10); do
		run_pm 0 run --rm -p "$port:80" "$IMG" true
	done
	for _ in $(seq 1 10); do
		run_pm 0 run -d --name cyc -p "$port:80" "$IMG" sleep 1000
		run_pm 0 rm -f cyc
	done
	[ -z "$(helpers_of_test)" ] || die "helpers left: $(helpers_of_test)"
	expect_relays 0 "port relays left"
	local left
	left=$(find "$XDG_RUNTIME_DIR" -name 'slirp.sock' 2>/dev/null)
	[ -z "$left" ] || die "sockets left: $left"
}

# UDP echo through a published port: tests/system/061-udp.root.bats. A loopback client
# cannot do it (slirp4netns, libslirp 4.7, drops UDP from 127.0.0.1; pasta, passt 2023-03,
# loses the reply), so that test runs as root to put the client in a network namespace
# behind a veth pair, with a static echo program (tests/lib/udpecho.c) in the container.
