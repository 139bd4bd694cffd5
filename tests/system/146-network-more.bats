#!/usr/bin/env bats
# 146-network-more: more of user-defined networks (139 has the basics): -p/--publish with
# --network NAME (the host port reaches the container; `port` shows it; a busy port fails
# leaving nothing), --network-alias and connect --alias, several networks at run, connect
# kept across stop/start and on created containers, disconnect of the own network, pods and
# kube play on a network with --ip/--mac-address, unshare --rootless-netns. Runs as the
# unprivileged test user; also against podman (PM="podman --runtime runc"); pm-only tests
# skip there.

load helpers
load network

setup() {
	net_setup
}

teardown() {
	net_teardown
}

# fetch PORT: one line from 127.0.0.1:PORT (retried while the server comes up).
fetch() {
	local _i out
	for _i in $(seq 1 50); do
		# shellcheck disable=SC2016 # $1 is the inner shell's
		out=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -1 <&3' _ "$1" 2>/dev/null) &&
			[ -n "$out" ] && {
			echo "$out"
			return 0
		}
		sleep 0.1
	done
	return 1
}

@test "run --network NAME -p: the host port reaches the container; port shows it" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.221.0.0/24 p1
	run_pm 0 run -d --network p1 -p 18461:8080 -p 127.0.0.1:18462:8080 --name web "$img" \
		sh -c 'while true; do echo pong | nc -l -p 8080; done'
	run_pm 0 port web
	assert_contains "$output" "8080/tcp -> 0.0.0.0:18461"
	assert_contains "$output" "8080/tcp -> 127.0.0.1:18462"
	run fetch 18461
	is "$output" "pong" "through the port on all addresses"
	run fetch 18462
	is "$output" "pong" "through the port on 127.0.0.1"
	# peers still reach it on the network
	run_pm 0 run --rm --network p1 "$img" sh -c "$(ask web)"
	is "$output" "pong"
	run_pm 0 stop -t0 web
	! timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/18461' 2>/dev/null || die "the port stays published after stop"
	# a restart publishes again
	run_pm 0 start web
	run fetch 18461
	is "$output" "pong" "after a restart"
	# a random host port
	run_pm 0 run -d --network p1 -p 8080 --name rnd "$img" \
		sh -c 'while true; do echo pong | nc -l -p 8080; done'
	run_pm 0 port rnd 8080/tcp
	local hp=${output##*:}
	[ "$hp" -gt 0 ] || die "no host port: $output"
	run fetch "$hp"
	is "$output" "pong" "through a random host port"
	run_pm 0 rm -f -t0 web rnd
	run_pm 0 network rm p1
}

@test "run --network NAME -p on a busy port: exit 125-ish, nothing left behind" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.222.0.0/24 p2
	run_pm 0 run -d --network p2 -p 18463:8080 --name first "$img" sleep 100
	run_pm '?' run -d --network p2 -p 18463:8080 --name second "$img" sleep 100
	[ "$status" -eq 125 ] || [ "$status" -eq 126 ] || die "exit $status"
	assert_contains "$output" "18463"
	run_pm 0 exec first cat /etc/hosts
	assert_not_contains "$output" "second" "no hosts line for the failed one"
	run_pm 0 rm -f -t0 second
	run_pm 0 rm -f -t0 first
	pm_store_settled
	if ! is_podman; then
		[ ! -e "$XDG_RUNTIME_DIR/pm/networks/rootless-netns" ] || die "the namespace stays"
		[ -z "$(ls "$XDG_RUNTIME_DIR/pm/networks/p2" 2>/dev/null)" ] || die "an address record stays"
	fi
	run_pm 0 network rm p2
}

@test "run --network-alias, network connect --alias: peers reach it by those names" {
	skip_if_missing jq
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.223.0.0/24 a1
	run_pm 0 network create --subnet 10.224.0.0/24 a2
	run_pm 0 run -d --network a1 --network-alias web --network-alias www --name srv "$img" \
		sh -c 'while true; do echo pong | nc -l -p 8080; done'
	run_pm 0 run --rm --network a1 "$img" sh -c "$(ask web www)"
	is "$output" "pong
pong" "by its aliases"
	run_pm 0 inspect srv --format '{{json .NetworkSettings.Networks.a1.Aliases}}'
	[ "$(jq -r 'index("web") != null and index("www") != null' <<<"$output")" = true ] ||
		die "aliases not in inspect: $output"
	run_pm 0 network connect --alias other a2 srv
	run_pm 0 run --rm --network a2 "$img" sh -c "$(ask other)"
	is "$output" "pong" "by its alias on the connected network"
	run_pm 0 rm -f -t0 srv
	run_pm 0 network rm a1 a2
}

@test "run --network A --network B, --network A,B: one ethN per network, peers on each" {
	skip_if_missing jq
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.225.0.0/24 m1
	run_pm 0 network create --subnet 10.226.0.0/24 m2
	run_pm 0 run -d --network m1 --network m2 --name multi "$img" \
		sh -c 'while true; do echo pong | nc -l -p 8080; done'
	run_pm 0 exec multi ip -4 -o addr show
	assert_contains "$output" "inet 10.225.0."
	assert_contains "$output" "inet 10.226.0."
	run_pm 0 inspect multi --format '{{json .NetworkSettings.Networks}}'
	is "$(jq -r 'keys | join(" ")' <<<"$output")" "m1 m2"
	run_pm 0 run --rm --network m2 "$img" sh -c "$(ask multi)"
	is "$output" "pong" "from m2"
	run_pm 0 run --rm --network m1 "$img" sh -c "$(ask multi)"
	is "$output" "pong" "from m1"
	run_pm 2 network rm m2
	run_pm 0 run --rm --network m1,m2 "$img" sh -c 'ip -4 -o addr show | grep -c "inet 10.22[56]"'
	is "$output" "2" "--network m1,m2"
	run_pm 0 rm -f -t0 multi
	run_pm 0 network rm m1 m2
}

@test "run --network host --network NAME: refused, nothing made" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create m3
	run_pm 125 run --rm --network host --network m3 "$img" true
	assert_contains "$output" "cannot set multiple networks without bridge network mode, selected mode host"
	run_pm 125 run --rm --network m3 --network nope "$img" true
	assert_contains "$output" "nope"
	run_pm 0 ps -a -q
	is "$output" ""
	run_pm 0 network rm m3
}

@test "network connect persists across stop/start and works on a created container; disconnect of its own network" {
	skip_if_missing jq
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.227.0.0/24 c1
	run_pm 0 network create --subnet 10.228.0.0/24 c2
	run_pm 0 network create --subnet 10.229.0.0/24 c3
	run_pm 0 run -d --network c1 --name p "$img" sleep 1000
	run_pm 0 network connect c2 p
	run_pm 0 restart -t0 p
	run_pm 0 exec p ip -4 -o addr show
	assert_contains "$output" "inet 10.228.0." "c2 kept across the restart"
	# a created container: connected at its start
	run_pm 0 create --network c1 --name q "$img" sleep 1000
	run_pm 0 network connect --ip 10.229.0.7 c3 q
	run_pm 0 inspect q --format '{{json .NetworkSettings.Networks}}'
	is "$(jq -r 'keys | join(" ")' <<<"$output")" "c1 c3"
	run_pm 0 start q
	run_pm 0 exec q ip -4 -o addr show
	assert_contains "$output" "inet 10.229.0.7/24"
	# a stopped one leaves a network
	run_pm 0 stop -t0 q
	run_pm 0 network disconnect c3 q
	run_pm 0 inspect q --format '{{json .NetworkSettings.Networks}}'
	is "$(jq -r 'keys | join(" ")' <<<"$output")" "c1"
	run_pm 125 network disconnect c3 q
	assert_contains "$output" "is not connected to network c3"
	# the running one leaves its own network: its interface goes, c2 stays
	run_pm 0 run -d --network c1 --name r "$img" sleep 1000
	# names on c1 (DNS on) come from aardvark-dns (151 has more)
	run_pm 0 exec r nslookup p
	assert_contains "$output" "Address: 10.227.0."
	run_pm 0 network disconnect c1 p
	local _i
	for _i in $(seq 1 20); do
		run "${PM_CMD[@]}" exec r nslookup p
		[[ "$output" == *NXDOMAIN* ]] && break
		sleep 0.2
	done
	assert_contains "$output" "NXDOMAIN" "its peers still know p"
	run_pm 0 exec r cat /etc/hosts
	! grep -Eq '^10\.227\.0\.[0-9]+[[:space:]]+p$' <<<"$output" || die "its peers still know p"
	run_pm 0 exec p ip -4 -o addr show
	assert_not_contains "$output" "inet 10.227.0."
	assert_contains "$output" "inet 10.228.0."
	run_pm 0 inspect p --format '{{json .NetworkSettings.Networks}}'
	is "$(jq -r 'keys | join(" ")' <<<"$output")" "c2"
	run_pm 0 rm -f -t0 p q r
	run_pm 0 network rm c1 c2 c3
}

@test "pod create --network NAME --ip --mac-address --network-alias: the infra holds the network, members share it" {
	skip_if_missing jq
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.230.0.0/24 pn
	run_pm 0 pod create --network pn --ip 10.230.0.9 --mac-address 02:aa:bb:cc:dd:ee \
		--network-alias pa --name pp
	run_pm 0 run -d --pod pp --name pm1 "$img" sh -c 'while true; do echo pong | nc -l -p 8080; done'
	run_pm 0 exec pm1 ip addr show eth0
	assert_contains "$output" "inet 10.230.0.9/24"
	assert_contains "$output" "link/ether 02:aa:bb:cc:dd:ee"
	run_pm 0 run --rm --network pn "$img" sh -c "$(ask 10.230.0.9)"
	is "$output" "pong" "a peer on the network reaches the pod's member"
	run_pm 0 run --rm --network pn "$img" sh -c "$(ask pa)"
	is "$output" "pong" "by the pod's --network-alias"
	run_pm 0 pod rm -f -t0 pp
	run_pm 0 network rm pn
}

@test "kube play --network NAME --ip: the pod gets that address" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.231.0.0/24 kn
	cat >"$BATS_TEST_TMPDIR/k.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: kp
spec:
  containers:
  - name: c
    image: $img
    command: ["sleep", "1000"]
YAML
	run_pm 0 kube play --network kn --ip 10.231.0.5 "$BATS_TEST_TMPDIR/k.yaml"
	run_pm 0 exec kp-c ip -4 addr show eth0
	assert_contains "$output" "inet 10.231.0.5/24"
	run_pm 0 kube down "$BATS_TEST_TMPDIR/k.yaml"
	run_pm 0 network rm kn
}

@test "unshare --rootless-netns: the shared namespace of the networks, with their bridges" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.232.0.0/24 un
	run_pm 0 run -d --network un --name u1 "$img" sh -c 'while true; do echo pong | nc -l -p 8080; done'
	local br
	br=$("${PM_CMD[@]}" network inspect un --format '{{.NetworkInterface}}')
	run_pm 0 unshare --rootless-netns ip -4 -o addr show "$br"
	assert_contains "$output" "inet 10.232.0.1/24" "the bridge with the gateway's address"
	run_pm 0 rm -f -t0 u1
	pm_store_settled
	# without a container: made for the command (and gone after it in pm)
	run_pm 0 unshare --rootless-netns ip -o link show
	assert_contains "$output" "lo"
	if ! is_podman; then
		[ ! -e "$XDG_RUNTIME_DIR/pm/networks/rootless-netns" ] || die "the namespace stays after the command"
		! pgrep -u "$(id -u)" -f "slirp4netns.*rootless-netns" >/dev/null || die "its slirp4netns stays"
	fi
	run_pm 0 network rm un
}
