#!/usr/bin/env bats
# 150-network-ipv6: IPv6 on user-defined networks: network create --ipv6 (a unique-local /64
# beside the IPv4 subnet) and an IPv6 --subnet (alone: IPv6 only), inspect's subnets and
# ipv6_enabled; run --network NAME gives eth0 an IPv6 address of the subnet (the next free
# one, or --ip6 / NAME:ip6=) and the default IPv6 route through the gateway; inspect's
# Networks.NAME.GlobalIPv6Address/IPv6Gateway/GlobalIPv6PrefixLen; peers reach each other
# over IPv6; network connect --ip6; the errors (a bad --ip6, one outside the subnet, one on
# a network without IPv6, a bad IPv6 --subnet) leave nothing behind. Runs as the
# unprivileged test user; also against podman (PM="podman --runtime runc"); pm-only tests
# say why they skip there.

load helpers
load network

setup() {
	net_setup
}

teardown() {
	net_teardown
}

# serve: a shell line for a container answering "pong" on port 8080, over and over.
serve='while true; do echo pong | nc -l -p 8080; done'

@test "network create --ipv6 and IPv6 --subnet: inspect shows the subnets and ipv6_enabled" {
	skip_if_missing jq
	# --ipv6 alone: an IPv4 subnet from the pools and a unique-local /64 with gateway ::1
	run_pm 0 network create --ipv6 d6
	run_pm 0 network inspect d6
	is "$(jq -r '.[0].ipv6_enabled' <<<"$output")" true
	is "$(jq -r '.[0].subnets | length' <<<"$output")" 2
	is "$(jq -r '.[0].subnets[0].subnet' <<<"$output")" '10\.[0-9]+\.[0-9]+\.0/24'
	local sub6 gw6
	sub6=$(jq -r '.[0].subnets[1].subnet' <<<"$output")
	gw6=$(jq -r '.[0].subnets[1].gateway' <<<"$output")
	is "$sub6" 'fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64'
	same "$gw6" "${sub6%/64}1"
	run_pm 0 network inspect --format '{{.IPv6Enabled}}' d6
	is "$output" true
	# an IPv6 subnet with --ipv6: an IPv4 one is added after it
	run_pm 0 network create --ipv6 --subnet fd00:150:1::/64 --gateway fd00:150:1::fe d6b
	run_pm 0 network inspect d6b
	same "$(jq -c '.[0].subnets[0]' <<<"$output")" '{"subnet":"fd00:150:1::/64","gateway":"fd00:150:1::fe"}'
	is "$(jq -r '.[0].subnets[1].subnet' <<<"$output")" '10\.[0-9]+\.[0-9]+\.0/24'
	# an IPv6 subnet alone: IPv6 only, host bits cleared
	run_pm 0 network create --subnet fd00:150:2::9/64 o6
	run_pm 0 network inspect o6
	same "$(jq -c '[.[0].ipv6_enabled, .[0].subnets]' <<<"$output")" '[true,[{"subnet":"fd00:150:2::/64","gateway":"fd00:150:2::1"}]]'
	run_pm 0 network rm d6 d6b o6
}

@test "network create with a bad IPv6 subnet or gateway: podman's message, exit 125, no file" {
	run_pm 125 network create --subnet fd00::zz/64 bad
	is "$output" "Error: invalid CIDR address: fd00::zz/64"
	run_pm 125 network create --subnet fd00:150:3::/129 bad
	is "$output" "Error: invalid CIDR address: fd00:150:3::/129"
	run_pm 125 network create --subnet fd00:150:3:: bad
	is "$output" "Error: invalid CIDR address: fd00:150:3::"
	run_pm 125 network create --subnet fd00:150:3::/64 --gateway fd00:150:4::1 bad
	is "$output" "Error: gateway fd00:150:4::1 not in subnet fd00:150:3::/64"
	run_pm 0 network create --subnet fd00:150:5::/64 first
	run_pm 125 network create --subnet fd00:150:5::/80 bad
	is "$output" "Error: subnet fd00:150:5::/80 is already used on the host or by another config"
	is "$(netfiles)" "first.json" "the failed creates left no file"
	run_pm 0 network rm first
}

@test "run --network NAME with IPv6: address, gateway and route; inspect; peers over IPv6" {
	skip_if_missing jq
	pm_load_test_image
	local img ip6
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.215.0.0/24 --subnet fd00:150:10::/64 s6
	run_pm 0 run -d --network s6 --name srv "$img" sh -c "$serve"
	run_pm 0 inspect srv --format '{{json .NetworkSettings.Networks}}'
	local j=$output
	ip6=$(jq -r '.s6.GlobalIPv6Address' <<<"$j")
	is "$ip6" 'fd00:150:10::[0-9a-f]+' "an IPv6 address of the subnet"
	is "$(jq -r '.s6 | [.IPv6Gateway, .GlobalIPv6PrefixLen] | map(tostring) | join(" ")' <<<"$j")" "fd00:150:10::1 64"
	is "$(jq -r '.s6.IPAddress' <<<"$j")" '10\.215\.0\.[0-9]+' "and its IPv4 address"
	run_pm 0 exec srv ip -6 addr show eth0
	assert_contains "$output" "inet6 $ip6/64 scope global"
	run_pm 0 exec srv ip -6 route
	assert_contains "$output" "default via fd00:150:10::1 dev eth0"
	# a peer reaches it over IPv6
	run_pm 0 run --rm --network s6 "$img" sh -c "$(ask "$ip6")"
	is "$output" "pong" "over IPv6"
	run_pm 0 rm -f -t0 srv
	run_pm 0 network rm s6
}

@test "run --ip6, NAME:ip6=, network connect --ip6: static IPv6 addresses" {
	skip_if_missing jq
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet fd00:150:20::/64 --subnet 10.216.0.0/24 t6
	run_pm 0 network create --subnet fd00:150:21::/64 --subnet 10.219.0.0/24 u6
	run_pm 0 run -d --network t6 --ip6 fd00:150:20::50 --name st "$img" sh -c "$serve"
	run_pm 0 exec st ip -6 addr show eth0
	assert_contains "$output" "inet6 fd00:150:20::50/64 scope global"
	run_pm 0 inspect st --format '{{.NetworkSettings.Networks.t6.GlobalIPv6Address}}'
	is "$output" "fd00:150:20::50"
	run_pm 0 run --rm --network t6:ip6=fd00:150:20::60 "$img" ip -6 addr show eth0
	assert_contains "$output" "inet6 fd00:150:20::60/64 scope global"
	# connected to a second network with a static IPv6 address there: eth1
	run_pm 0 network connect --ip6 fd00:150:21::9 u6 st
	run_pm 0 exec st ip -6 addr show eth1
	assert_contains "$output" "inet6 fd00:150:21::9/64 scope global"
	run_pm 0 inspect st --format '{{.NetworkSettings.Networks.u6.GlobalIPv6Address}}'
	is "$output" "fd00:150:21::9"
	run_pm 0 run --rm --network u6 "$img" sh -c "$(ask fd00:150:21::9)"
	is "$output" "pong" "over IPv6 on the connected network"
	# the connection and its address are kept across a restart
	run_pm 0 stop -t0 st
	run_pm 0 start st
	run_pm 0 exec st ip -6 addr show eth1
	assert_contains "$output" "inet6 fd00:150:21::9/64 scope global"
	run_pm 0 rm -f -t0 st
	run_pm 0 network rm t6 u6
}

@test "an IPv6-only network: eth0 has only the IPv6 address, peers reach it by address and name" {
	skip_if_missing jq
	pm_load_test_image
	local img ip6
	img=$(pm_test_image name)
	run_pm 0 network create --subnet fd00:150:30::/64 only6
	run_pm 0 run -d --network only6 --name srv6 "$img" sh -c "$serve"
	run_pm 0 inspect srv6 --format '{{json .NetworkSettings.Networks.only6}}'
	ip6=$(jq -r '.GlobalIPv6Address' <<<"$output")
	is "$ip6" 'fd00:150:30::[0-9a-f]+'
	is "$(jq -r '.IPAddress' <<<"$output")" "" "no IPv4 address"
	run_pm 0 exec srv6 ip -4 addr show eth0
	assert_not_contains "$output" "inet "
	run_pm 0 exec srv6 ip -6 route
	assert_contains "$output" "default via fd00:150:30::1 dev eth0"
	run_pm 0 run --rm --network only6 "$img" sh -c "$(ask "$ip6")"
	is "$output" "pong" "by address"
	run_pm 0 run --rm --network only6 "$img" sh -c "$(ask srv6)"
	is "$output" "pong" "by name"
	run_pm 0 rm -f -t0 srv6
	run_pm 0 network rm only6
}

@test "run --ip6 errors: bad value, outside the subnet, no IPv6 on the network, in use; nothing left" {
	skip_if_missing jq
	pm_load_test_image
	local img id
	img=$(pm_test_image name)
	run_pm 0 network create --subnet fd00:150:40::/64 --subnet 10.220.0.0/24 e6
	run_pm 0 network create --subnet 10.221.0.0/24 four
	run_pm 125 run --rm --network e6 --ip6 zz "$img" true
	is "$output" 'Error: "zz" is not an ip address'
	run_pm 125 run --rm --network e6:ip6=zz "$img" true
	is "$output" 'Error: invalid option for network e6: invalid ip address "zz"'
	run_pm "$(start_rc)" run --rm --network e6 --ip6 fd00:9::5 "$img" true
	is "$output" "Error: requested static ip fd00:9::5 not in any subnet on network e6"
	run_pm "$(start_rc)" run --rm --network four --ip6 fd00:150:40::5 "$img" true
	is "$output" "Error: requested static ip fd00:150:40::5 not in any subnet on network four"
	run_pm 0 run -d --network e6 --ip6 fd00:150:40::7 --name held "$img" sleep 100
	id=$("${PM_CMD[@]}" inspect --format '{{.ID}}' held)
	run_pm "$(start_rc)" run --rm --network e6 --ip6 fd00:150:40::7 "$img" true
	is "$output" "Error: IPAM error: requested ip address fd00:150:40::7 is already allocated to container ID $id"
	run_pm 0 rm -f -t0 held
	run_pm 0 ps -a -q
	is "$output" "" "the failed runs left no container"
	run_pm 0 network rm e6 four
}

@test "network connect --ip6 errors: bad value (podman's flag message); outside the subnet (pm)" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet fd00:150:50::/64 c6
	run_pm 0 network create --subnet fd00:150:51::/64 c7
	run_pm 0 run -d --network c6 --name a "$img" sleep 100
	run_pm 125 network connect --ip6 zz c7 a
	assert_contains "$output" 'Error: invalid argument "zz" for "--ip6" flag: failed to parse IP: "zz"'
	if ! is_podman; then
		# podman 4.3 takes an address outside the subnet and ignores it
		run_pm 125 network connect --ip6 fd00:150:52::9 c7 a
		is "$output" "Error: requested static ip fd00:150:52::9 not in any subnet on network c7"
		run_pm 1 exec a ip addr show eth1
	fi
	run_pm 0 rm -f -t0 a
	run_pm 0 network rm c6 c7
}

@test "IPv6 out of the rootless network namespace: forwarding and an ip6tables MASQUERADE rule (pm)" {
	skip_if_podman "netavark keeps its NAT rules in its own NETAVARK-* chains, not this POSTROUTING rule"
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet fd00:150:60::/64 --subnet 10.222.0.0/24 out6
	run_pm 0 run -d --network out6 --name o "$img" sleep 100
	run_pm 0 unshare --rootless-netns cat /proc/sys/net/ipv6/conf/all/forwarding
	is "$output" "1"
	# slirp4netns with --enable-ipv6: tap0 gets the route out from its router
	# advertisement (a second or two after the namespace is made: link-local DAD first)
	local _i
	for _i in $(seq 1 50); do
		"${PM_CMD[@]}" unshare --rootless-netns ip -6 route show default 2>/dev/null | grep -q 'dev tap0' && break
		sleep 0.2
	done
	run_pm 0 unshare --rootless-netns ip -6 route show default
	assert_contains "$output" "dev tap0"
	# the container's default IPv6 route goes to the bridge's gateway address
	run_pm 0 exec o ip -6 route show default
	assert_contains "$output" "default via fd00:150:60::1 dev eth0"
	if command -v ip6tables >/dev/null &&
		"${PM_CMD[@]}" unshare --rootless-netns ip6tables -t nat -S POSTROUTING >/dev/null 2>&1; then
		run_pm 0 unshare --rootless-netns ip6tables -t nat -S POSTROUTING
		assert_contains "$output" "-s fd00:150:60::/64 ! -d fd00:150:60::/64 -j MASQUERADE"
	fi
	run_pm 0 rm -f -t0 o
	run_pm 0 network rm out6
}

@test "pod create --network NAME --ip6: the infra's IPv6 address, members share it" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet fd00:150:70::/64 --subnet 10.223.0.0/24 p6
	run_pm 0 pod create --network p6 --ip6 fd00:150:70::44 --name pp
	run_pm 0 run --rm --pod pp "$img" ip -6 addr show eth0
	assert_contains "$output" "inet6 fd00:150:70::44/64 scope global"
	run_pm 0 pod rm -f -t0 pp
	run_pm 0 network rm p6
}
