#!/usr/bin/env bats
# 111-startup-net: the network helper started in parallel with the container's preparation
# (issue #20): a foreground `run` launches slirp4netns/pasta before the rootfs is mounted,
# for a network namespace made beforehand, and waits for it only before the command runs.
# What must hold: the command's first act reaches the network (also when the helper is slow
# to come up: it never runs before the helper is ready), loopback is up, published ports
# serve a foreground container, a user namespace of the container's own (keep-id) still
# gets its network, a helper that fails gives one clean error and leaves nothing, and
# `run --rm --network pasta` without published ports does not wait for pasta's exit. A
# foreground run's slirp4netns (no ports) starts before the container is created, without
# an API socket, and pm does not wait for its namespace's maker to run (strace order, pm's
# own); a run whose create fails then leaves no helper.
# Traffic only to 127.0.0.1 (through slirp4netns' 10.0.2.2 or pasta's mapped gateway) and
# inside the container. podman 4.3 has no pasta: those tests are pm's only.

load helpers

setup() {
	basic_setup
	skip_if_missing python3 curl
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	WWW=$BATS_TEST_TMPDIR/www
	mkdir -p "$WWW"
	echo "hello from pm" >"$WWW/index.html"
	WRAP=$BATS_TEST_TMPDIR/wrap
	mkdir -p "$WRAP"
}

teardown() {
	[ -n "${HTTPD_PID:-}" ] && kill "$HTTPD_PID" 2>/dev/null && wait "$HTTPD_PID" 2>/dev/null
	basic_teardown
}

# host_httpd: busybox httpd serving $WWW on 127.0.0.1:$PORT, answering before we go on
host_httpd() {
	PORT=$(free_port)
	/bin/busybox httpd -f -p "127.0.0.1:$PORT" -h "$WWW" &
	HTTPD_PID=$!
	for _ in $(seq 50); do
		/bin/busybox wget -qO- "http://127.0.0.1:$PORT/index.html" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "the host's httpd did not answer"
}

# slow_helper NAME SECONDS: a NAME in $WRAP that waits, then is the real one (its fds, the
# namespace and the ready pipe, go through the exec)
slow_helper() {
	local real
	real=$(command -v "$1") || skip "$1 not installed"
	printf '#!/bin/sh\nsleep %s\nexec %s "$@"\n' "$2" "$real" >"$WRAP/$1"
	chmod 755 "$WRAP/$1"
}

# failing_helper NAME MESSAGE: a NAME in $WRAP that says MESSAGE and exits 1
failing_helper() {
	printf '#!/bin/sh\necho "%s" >&2\nexit 1\n' "$2" >"$WRAP/$1"
	chmod 755 "$WRAP/$1"
}

# fetch PORT: GET http://127.0.0.1:PORT/index.html, retrying while the server in the
# container starts (the helper may accept and reset before it listens; bounded: 10 s)
fetch() {
	local out
	for _ in $(seq 100); do
		out=$(curl -s -m 5 "http://127.0.0.1:$1/index.html" 2>/dev/null) &&
			[ -n "$out" ] && break
		sleep 0.1
	done
	echo "$out"
}

# helpers_of_test: pids of the slirp4netns/pasta processes of this test (they inherit the
# test's XDG_RUNTIME_DIR)
helpers_of_test() {
	local pid
	for pid in $(pgrep -f '^[^ ]*/(slirp4netns|pasta|passt)[^ ]* ' || true); do
		if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
			grep -qx "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"; then
			echo "$pid"
		fi
	done
}

# nothing_left: no container, no helper, no storage of one, no network run dir
nothing_left() {
	pm_store_settled
	run_pm 0 ps -a -q
	is "$output" "" "no container left"
	is "$(helpers_of_test)" "" "no network helper left"
	is_podman || assert_storage_clean
}

@test "slirp4netns: the command's first act reaches the host; lo is up" {
	skip_if_missing slirp4netns
	host_httpd
	run_pm 0 run --rm --network slirp4netns:allow_host_loopback=true "$IMG" \
		sh -c "wget -qO- http://10.0.2.2:$PORT/index.html && ip link show lo && ip route"
	assert_contains "$output" "hello from pm" "the host's server, first thing"
	assert_contains "$output" "LOOPBACK,UP" "the container's lo is up"
	assert_contains "$output" "default via 10.0.2.2 dev tap0"
	nothing_left
}

@test "slirp4netns slow to come up: the command runs only once it is ready" {
	skip_if_missing slirp4netns
	host_httpd
	slow_helper slirp4netns 1
	PATH="$WRAP:$PATH" run_pm 0 run --rm --network slirp4netns:allow_host_loopback=true \
		"$IMG" sh -c "ip route; wget -qO- http://10.0.2.2:$PORT/index.html"
	assert_contains "$output" "default via 10.0.2.2 dev tap0" "configured before the command"
	assert_contains "$output" "hello from pm"
	nothing_left
}

@test "slirp4netns: a port published by a foreground run --rm serves the host" {
	skip_if_missing slirp4netns
	local port
	port=$(free_port)
	"${PM_CMD[@]}" run --rm --name fg -v "$WWW:/www" -p "$port:80" "$IMG" \
		httpd -f -p 80 -h /www >/dev/null 2>&1 &
	local pid=$!
	run fetch "$port"
	is "$output" "hello from pm" "through the published port"
	run_pm 0 stop -t 0 fg
	wait "$pid" || true
	nothing_left
}

@test "--userns keep-id: the clone's own namespace still gets the default network" {
	skip_if_missing slirp4netns
	host_httpd
	run_pm 0 run --rm --userns keep-id --network slirp4netns:allow_host_loopback=true \
		"$IMG" wget -qO- "http://10.0.2.2:$PORT/index.html"
	is "$output" "hello from pm"
	nothing_left
}

@test "a failing slirp4netns: one clean error (125), nothing left" {
	failing_helper slirp4netns 'open(\"/dev/net/tun\"): No such device'
	# (podman 4.3 runs the helper with --help first and fails 126 there: the status and
	# message are pm's; nothing left holds for both)
	local rc=125
	is_podman && rc='?'
	PATH="$WRAP:$PATH" run_pm "$rc" run --rm "$IMG" true
	is_podman || assert_contains "$output" \
		'Error: slirp4netns exited before it was ready: open("/dev/net/tun"): No such device'
	[ "$status" -ne 0 ] || die "a failing slirp4netns did not fail the run"
	PATH="$WRAP:$PATH" run_pm "$rc" run --name kept "$IMG" true
	run_pm 0 rm -f -i kept
	nothing_left
}

@test "pasta: the command's first act reaches the host (mapped gateway); lo is up" {
	skip_if_podman "podman 4.3 has no --network pasta"
	skip_if_missing pasta
	host_httpd
	run_pm 0 run --rm --network pasta:--map-gw "$IMG" sh -c \
		"wget -qO- http://\$(ip route | awk '/^default/ { print \$3 }'):$PORT/index.html && ip link show lo"
	assert_contains "$output" "hello from pm" "the host's server, first thing"
	assert_contains "$output" "LOOPBACK,UP"
	nothing_left
}

@test "pasta slow to come up: the command runs only once it configured the network" {
	skip_if_podman "podman 4.3 has no --network pasta"
	skip_if_missing pasta
	host_httpd
	slow_helper pasta 1
	PATH="$WRAP:$PATH" run_pm 0 run --rm --network pasta:--map-gw "$IMG" sh -c \
		"ip route; wget -qO- http://\$(ip route | awk '/^default/ { print \$3 }'):$PORT/index.html"
	assert_contains "$output" "default via" "configured before the command"
	assert_contains "$output" "hello from pm"
	nothing_left
}

@test "pasta: a port published by a foreground run --rm serves the host" {
	skip_if_podman "podman 4.3 has no --network pasta"
	skip_if_missing pasta
	local port
	port=$(free_port)
	"${PM_CMD[@]}" run --rm --name fgp --network pasta -v "$WWW:/www" -p "$port:80" "$IMG" \
		httpd -f -p 80 -h /www >/dev/null 2>&1 &
	local pid=$!
	run fetch "$port"
	is "$output" "hello from pm" "through the published port"
	run_pm 0 stop -t 0 fgp
	wait "$pid" || true
	nothing_left
}

@test "a failing pasta: one clean error (125), nothing left" {
	skip_if_podman "podman 4.3 has no --network pasta"
	failing_helper pasta 'Failed to open tun socket in namespace'
	PATH="$WRAP:$PATH" run_pm 125 run --rm --network pasta "$IMG" true
	assert_contains "$output" \
		"Error: pasta failed (exit status 1): Failed to open tun socket in namespace"
	nothing_left
}

@test "run --rm --network pasta without ports does not wait for pasta's exit" {
	skip_if_podman "podman 4.3 has no --network pasta"
	skip_if_missing pasta
	# a pasta that outlives SIGTERM: pm's SIGTERM goes to this shell, which ignores it
	# and stays while its pasta runs
	printf '#!/bin/sh\necho $$ >%s/pid\ntrap "" TERM\n%s "$@"\n' "$WRAP" \
		"$(command -v pasta)" >"$WRAP/pasta"
	chmod 755 "$WRAP/pasta"
	PATH="$WRAP:$PATH" run_pm 0 run --rm --network pasta "$IMG" echo finished
	is "$output" "finished"
	local wpid
	wpid=$(cat "$WRAP/pid")
	# pm is back while the helper still runs: it did not wait for its exit
	kill -0 "$wpid" || die "pm waited for the helper's exit"
	pkill -KILL -P "$wpid" || true
	kill -KILL "$wpid" || true
	for _ in $(seq 50); do
		[ -n "$(helpers_of_test)" ] || break
		sleep 0.1
	done
	nothing_left
}

# trace_run OUT ARGS...: pm ARGS under strace -f (execve, symlink), the trace in OUT
trace_run() {
	local out=$1
	shift
	# a sanitized build: LeakSanitizer cannot work under ptrace
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$out" \
		-e trace=execve,symlink "${PM_CMD[@]}" "$@"
	is "$status" "0" "pm $* under strace (output: $output)"
}

@test "slirp4netns: a foreground run starts it before the container is even created" {
	skip_if_podman "pm's start order"
	skip_if_missing slirp4netns strace
	local t=$BATS_TEST_TMPDIR/trace
	trace_run "$t" run --rm --name early "$IMG" true
	# the order in the trace: slirp4netns' exec, then the name's link (the create), then
	# the command
	local order
	order=$(grep -nE 'execve\("[^"]*/slirp4netns"|symlink\(.*names/early"|execve\("/bin/true"' \
		"$t" | grep -v ENOENT | sed -E 's/:.*(slirp4netns|names|true).*/ \1/' | awk '{ print $2 }' |
		tr '\n' ' ')
	is "$order" "slirp4netns names true " "slirp4netns first, then the create, then the command"
	# no published port: no API socket (podman's arguments)
	local args
	args=$(grep -E 'execve\("[^"]*/slirp4netns"' "$t" | grep -v ENOENT)
	assert_not_contains "$args" "--api-socket" "no API socket without ports"
	assert_not_contains "$args" '"-a"' "no API socket without ports"
	nothing_left
}

@test "slirp4netns launched early: a run whose create fails leaves no helper behind" {
	skip_if_missing slirp4netns
	run_pm 0 create --name dup "$IMG" true
	# the name is taken: the create fails after the helper was launched
	run_pm 125 run --rm --name dup "$IMG" true
	assert_contains "$output" "dup"
	is "$(helpers_of_test)" "" "no network helper left"
	run_pm 0 rm dup
	run_pm 125 run --rm --pull never localhost/no-such-image true
	nothing_left
}

@test "slirp4netns: pm does not wait for its network namespace's maker before the launch" {
	skip_if_podman "pm's start order"
	skip_if_missing slirp4netns strace
	local t=$BATS_TEST_TMPDIR/trace
	ASAN_OPTIONS=detect_leaks=0 run timeout 60 strace -f -qq -o "$t" \
		-e trace=execve,clone,wait4 "${PM_CMD[@]}" run --rm "$IMG" true
	is "$status" "0" "pm run under strace (output: $output)"
	# the child made in the new namespace (clone ... CLONE_NEWNET) is reaped only after
	# slirp4netns was started: pm went on as soon as its clone call returned
	local maker
	maker=$(grep -E '^[0-9]+ +clone\(.*CLONE_NEWNET' "$t" | sed -E 's/.*= ([0-9]+)$/\1/')
	[ -n "$maker" ] || die "no namespace maker in the trace: $(cat "$t")"
	local exec_line wait_line
	exec_line=$(grep -nE 'execve\("[^"]*/slirp4netns"' "$t" | grep -v ENOENT | head -1 | cut -d: -f1)
	wait_line=$(grep -nE "wait4\($maker," "$t" | head -1 | cut -d: -f1)
	[ -n "$exec_line" ] && [ -n "$wait_line" ] || die "no exec or reap: $(cat "$t")"
	[ "$wait_line" -gt "$exec_line" ] ||
		die "the maker ($maker) was waited for before slirp4netns started: $(cat "$t")"
	nothing_left
}
