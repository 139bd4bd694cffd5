#!/usr/bin/env bats
# 154-build-ssh: build --ssh and RUN --mount=type=ssh (builder/ssh.c): the caller's agent
# ($SSH_AUTH_SOCK, "default") or one started for key files reached from a RUN through
# /run/buildkit/ssh_agent.N and SSH_AUTH_SOCK, asked by tests/lib/agentcount.c (built with
# cc -static: the test image has no ssh-add); the mount point out of the layer; the agent
# started for keys gone after the build. Bad values: 125, one line naming them, nothing
# made or left.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers
load build

setup() {
	basic_setup
	skip_if_missing ssh-agent ssh-add ssh-keygen cc
	run_pm 0 load -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	cc -static -O2 -Wall -Werror -o "$CTX/agentcount" "$PM_SRCDIR/tests/lib/agentcount.c" ||
		die "cannot build tests/lib/agentcount.c"
	KEYS=$BATS_TEST_TMPDIR/keys
	mkdir -m 700 "$KEYS"
	ssh-keygen -q -t ed25519 -N '' -C one -f "$KEYS/one" </dev/null >/dev/null || die "ssh-keygen"
	ssh-keygen -q -t ed25519 -N '' -C two -f "$KEYS/two" </dev/null >/dev/null || die "ssh-keygen"
	unset SSH_AUTH_SOCK SSH_AGENT_PID
}

teardown() {
	[ -z "${SSH_AGENT_PID:-}" ] || kill "$SSH_AGENT_PID" 2>/dev/null || true
	basic_teardown
}

# agents_of_builds: ssh-agents pm started for a build (their sockets under pm-ssh-*)
agents_of_builds() {
	pgrep -u "$(id -u)" -f -- 'ssh-agent.*pm-ssh-' || true
}

@test "build --ssh default: the caller's agent in RUN --mount=type=ssh, nothing of it in the image" {
	eval "$(ssh-agent -s)" >/dev/null
	ssh-add -q "$KEYS/one" </dev/null || die "ssh-add"
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
COPY agentcount /agentcount
RUN --mount=type=ssh /agentcount >/out && echo "sock=$SSH_AUTH_SOCK" >>/out
RUN echo "later=${SSH_AUTH_SOCK:-unset}" >>/out
EOF
	run_pm 0 build -q --ssh default -t localhost/sshok "$CTX"
	run_pm 0 run --rm localhost/sshok sh -c 'cat /out; test -e /run/buildkit/ssh_agent.0 || echo nostub'
	assert_contains "$output" "identities: 1"
	assert_contains "$output" "sock=/run/buildkit/ssh_agent.0"
	assert_contains "$output" "later=unset"
	assert_contains "$output" "nostub" "no socket's mount point in the image"
	assert_clean_after_build "localhost/sshok:latest"
}

@test "build --ssh ID=KEY,KEY: an agent started for the keys, gone after the build" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
COPY agentcount /agentcount
RUN --mount=type=ssh,id=deploy,target=/tmp/agent.sock SSH_AUTH_SOCK=/tmp/agent.sock /agentcount >/out
EOF
	run_pm 0 build -q --ssh "deploy=$KEYS/one,$KEYS/two" -t localhost/sshkeys "$CTX"
	run_pm 0 run --rm localhost/sshkeys cat /out
	is "$output" "identities: 2"
	if ! is_podman; then
		is "$(agents_of_builds)" "" "no ssh-agent left by the build (pm)"
		is "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'pm-ssh-*' 2>/dev/null)" "" \
			"no agent directory left (pm)"
	fi
}

@test "build --ssh: bad values and a RUN naming an agent not given are 125, one line, nothing made (pm)" {
	skip_if_podman "pm's own messages"
	printf 'FROM localhost/busybox:latest\nRUN --mount=type=ssh,id=other true\n' >"$CTX/Containerfile"
	local before
	before=$(n_images)
	run_pm 125 build --ssh default "$CTX"
	same "$output" "Error: --ssh 'default': no socket or key given and \$SSH_AUTH_SOCK is not set"
	run_pm 125 build --ssh "x=$BATS_TEST_TMPDIR/nosuch" "$CTX"
	same "$output" "Error: --ssh 'x=$BATS_TEST_TMPDIR/nosuch': '$BATS_TEST_TMPDIR/nosuch': No such file or directory"
	run_pm 125 build --ssh "x=$KEYS" "$CTX"
	same "$output" "Error: --ssh 'x=$KEYS': '$KEYS' is neither an agent's socket nor a key file"
	run_pm 125 build --ssh "a=$KEYS/one" --ssh "a=$KEYS/two" "$CTX"
	same "$output" "Error: --ssh 'a=$KEYS/two': the id 'a' is given twice"
	echo "not a key" >"$BATS_TEST_TMPDIR/bad"
	run_pm 125 build --ssh "k=$BATS_TEST_TMPDIR/bad" "$CTX"
	assert_contains "$output" "Error: --ssh 'k=$BATS_TEST_TMPDIR/bad': ssh-add failed"
	run_pm 125 build --ssh "default=$KEYS/one" "$CTX"
	assert_contains "${lines[-1]}" "no SSH agent 'other' was given: pass --ssh other[=SOCKET|KEY]"
	is "$(n_images)" "$before" "no image made"
	is "$(agents_of_builds)" "" "no ssh-agent left"
	assert_clean_after_build
}
