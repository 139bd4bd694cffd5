#!/usr/bin/env bats
# 062-pasta: `--network pasta` published ports as a loopback client sees them: the
# connection takes pasta's spliced path (splice(2) between the host socket and a socket
# pasta opens on the container's loopback, the fast path tests/bench/net.sh measures), a
# bulk transfer arrives whole (and the answer comes back), a port published on 127.0.0.1
# only. Traffic only to 127.0.0.1 and inside the container. podman 4.3 has no pasta.

load helpers

setup() {
	skip_if_podman "podman 4.3 has no --network pasta"
	skip_if_missing pasta curl python3
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	WWW=$BATS_TEST_TMPDIR/www
	mkdir -p "$WWW"
	echo "hello from pm" >"$WWW/index.html"
}

# wait_listen CTR: until something listens on port 80 inside CTR (pasta binds the host
# port before the container's server runs; a client too early would be closed at once)
wait_listen() {
	local _
	for _ in $(seq 1 100); do
		"${PM_CMD[@]}" exec "$1" grep -qE ':0050 [0:]+ 0A' /proc/net/tcp /proc/net/tcp6 \
			2>/dev/null && return 0
		sleep 0.05
	done
	die "nothing listens on port 80 in '$1'"
}

@test "--network pasta: a loopback client takes the spliced path (peer 127.0.0.1 inside)" {
	local port
	port=$(free_port)
	run_pm 0 run -d --name sp --network pasta -v "$WWW:/www" -w /www -p "$port:80" "$IMG" \
		httpd -f -vv -p 80
	wait_listen sp
	# pasta's AVX2 build at once where the CPU has AVX2 (pm asks glibc, not cpuid)
	local pasta
	pasta=$(command -v pasta)
	if [ -x "$pasta.avx2" ] && grep -qw avx2 /proc/cpuinfo; then
		pgrep -u "$(id -u)" -x pasta.avx2 >/dev/null || die "no pasta.avx2 running"
	else
		pgrep -u "$(id -u)" -x pasta >/dev/null || die "no pasta running"
	fi
	run curl -sS -m 5 "http://127.0.0.1:$port/index.html"
	is "$output" "hello from pm"
	run_pm 0 logs sp
	# busybox httpd -vv logs "[::ffff:PEER]:PORT: url:/index.html". pasta's tap path
	# would show the host's or the gateway's address; the spliced one connects from the
	# container's own loopback.
	assert_contains "$output" "127.0.0.1]:" "spliced: pasta connects on the container's lo"
	assert_contains "$output" "url:/index.html"
	run_pm 0 rm -f sp
}

@test "--network pasta: 64 MiB through a published port arrive whole" {
	# The server is `wc -c` on the connection (busybox nc -e): it answers the byte count
	# when the client's FIN reaches it, on the same connection. (Not `nc -l | wc -c`:
	# with stdin at EOF busybox nc half-closes at once, and passt 2023_02 then drops the
	# tail of the client's data on its spliced path; slirp4netns and rootlessport do not.)
	local port
	port=$(free_port)
	run_pm 0 run -d --name bulk --network pasta -p "$port:80" "$IMG" nc -l -p 80 -e wc -c
	wait_listen bulk
	run python3 - "$port" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
buf = b"x" * (1 << 20)
for _ in range(64):
    s.sendall(buf)
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    got += d
print(got.decode().strip())
EOF
	is "$output" "67108864" "every byte reached the container, and its answer came back"
	run_pm 0 wait bulk
	is "$output" "0"
	run_pm 0 rm -f bulk
}

@test "--network pasta: -p 127.0.0.1:PORT:80 publishes on loopback only" {
	local port
	port=$(free_port)
	run_pm 0 run -d --name lo --network pasta -v "$WWW:/www" -w /www \
		-p "127.0.0.1:$port:80" "$IMG" httpd -f -p 80
	wait_listen lo
	run curl -sS -m 5 "http://127.0.0.1:$port/index.html"
	is "$output" "hello from pm"
	run_pm 0 port lo
	is "$output" "80/tcp -> 127.0.0.1:$port"
	# pasta's listening socket is bound to 127.0.0.1, not to every address
	local hex
	hex=$(printf '%04X' "$port")
	grep -qE "^ *[0-9]+: 0100007F:$hex [0:]+ 0A" /proc/net/tcp ||
		die "no listener on 127.0.0.1:$port"
	! grep -qE "^ *[0-9]+: 00000000:$hex [0:]+ 0A" /proc/net/tcp ||
		die "a listener on 0.0.0.0:$port"
	run_pm 0 rm -f lo
}
