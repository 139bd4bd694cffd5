#!/usr/bin/env bats
# 139-network: `pm network create|ls|inspect|exists|rm|prune|reload|connect|disconnect`:
# netavark's JSON in inspect and in the stored file, podman's columns, filters and exit codes,
# subnet allocation from podman's default pools, the error paths (bad subnet, gateway outside
# the subnet, duplicate name, unknown driver, rm of a network in use, unknown network on run)
# leaving no file behind. Runs as the unprivileged test user. Also runs against podman
# (PM="podman --runtime runc"); pm-only tests (--ignore, which podman 4.3 lacks; pm's own
# words for macvlan) skip there.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers
load network

setup() {
	net_setup
}

teardown() {
	net_teardown
}

@test "network create NAME: netavark's JSON in inspect and in NAME.json" {
	skip_if_missing jq
	run_pm_split 0 network create n1
	is "$output" "n1" "create prints the name"
	is "$stderr" "" "stderr"
	is "$(netfiles)" "n1.json" "one file per network"

	run_pm 0 network inspect n1
	local j=$output
	is "$(jq -r '.[0].name' <<<"$j")" n1
	is "$(jq -r '.[0].id' <<<"$j")" '[0-9a-f]{64}' "id"
	is "$(jq -r '.[0].driver' <<<"$j")" bridge
	is "$(jq -r '.[0].network_interface' <<<"$j")" 'podman[1-9][0-9]*'
	is "$(jq -r '.[0].created' <<<"$j")" '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)'
	is "$(jq -c '.[0].subnets' <<<"$j")" '\[\{"subnet":"10\.(89|9[0-9]|1[0-9][0-9])\.[0-9]+\.0/24","gateway":"10\.[0-9.]+\.1"\}\]'
	is "$(jq -c '[.[0].ipv6_enabled, .[0].internal, .[0].dns_enabled]' <<<"$j")" '\[false,false,true\]'
	is "$(jq -c '.[0].ipam_options' <<<"$j")" '\{"driver":"host-local"\}'
	is "$(jq -r '.[0] | has("labels"), has("options")' <<<"$j" | tr '\n' ' ')" "false false " "no empty labels/options"
	is "$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$j")" \
		"name,id,driver,network_interface,created,subnets,ipv6_enabled,internal,dns_enabled,ipam_options" "key order"
	# inspect is indented with 5 spaces, as podman prints it
	is "${lines[1]}" '     \{' "5-space indent"

	# the stored file holds the same object
	same "$(jq -c . "$(netdir)/n1.json")" "$(jq -c '.[0]' <<<"$j")" "the file is what inspect shows"
	run_pm 0 network inspect --format '{{.Name}} {{.Driver}} {{.DNSEnabled}} {{.Internal}} {{.IPv6Enabled}}' n1
	is "$output" "n1 bridge true false false"
	run_pm 0 network rm n1
	is "$output" "n1"
	is "$(netfiles)" "" "no file left"
}

@test "network create without NAME: podman1, podman2 from the default pool, distinct subnets" {
	skip_if_missing jq
	run_pm 0 network create
	is "$output" "podman1"
	run_pm 0 network create
	is "$output" "podman2"
	local s1 s2
	s1=$("${PM_CMD[@]}" network inspect podman1 | jq -r '.[0].subnets[0].subnet')
	s2=$("${PM_CMD[@]}" network inspect podman2 | jq -r '.[0].subnets[0].subnet')
	is "$s1" '10\.[0-9]+\.[0-9]+\.0/24' "podman1's subnet from the pools"
	[ "$s1" != "$s2" ] || die "both networks got $s1"
	run_pm 0 network rm podman1 podman2
	is "$output" "podman1
podman2"
}

@test "network create --subnet --gateway --ip-range --internal --opt --label --disable-dns" {
	skip_if_missing jq
	run_pm 0 network create --subnet 10.211.3.4/16 --gateway 10.211.0.9 --ip-range 10.211.1.0/24 \
		--internal --opt mtu=1400 --opt vlan=5 --label a=b --label c --label 'd=1,2' --disable-dns full
	run_pm 0 network inspect full
	local j=$output
	same "$(jq -c '.[0].subnets' <<<"$j")" \
		'[{"subnet":"10.211.0.0/16","gateway":"10.211.0.9","lease_range":{"start_ip":"10.211.1.1","end_ip":"10.211.1.255"}}]'
	is "$(jq -c '[.[0].internal, .[0].dns_enabled]' <<<"$j")" '\[true,false\]'
	is "$(jq -c '.[0].options' <<<"$j")" '\{"mtu":"1400","vlan":"5"\}'
	is "$(jq -c '.[0].labels' <<<"$j")" '\{"a":"b","c":"","d":"1,2"\}'
	run_pm 0 network inspect --format '{{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}}' full
	is "$output" "10.211.0.0/16 10.211.0.9"
	run_pm 0 network rm full
}

@test "network create --ipv6 adds a unique-local /64; an IPv6 --subnet alone enables it" {
	skip_if_missing jq
	run_pm 0 network create --ipv6 v6
	run_pm 0 network inspect v6
	is "$(jq -r '.[0].ipv6_enabled' <<<"$output")" true
	is "$(jq -r '.[0].subnets | length' <<<"$output")" 2
	is "$(jq -r '.[0].subnets[1].subnet' <<<"$output")" 'fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64'
	run_pm 0 network create --subnet fd00:1::/64 v6b
	run_pm 0 network inspect v6b
	same "$(jq -c '[.[0].ipv6_enabled, .[0].subnets]' <<<"$output")" '[true,[{"subnet":"fd00:1::/64","gateway":"fd00:1::1"}]]'
	run_pm 0 network rm v6 v6b
}

@test "network create errors: podman's messages, exit 125, no file left" {
	run_pm 0 network create dup
	run_pm 125 network create dup
	is "$output" "Error: network name dup already used: network already exists"
	run_pm 125 network create --subnet 10.1.2.3 bad
	is "$output" "Error: invalid CIDR address: 10.1.2.3"
	run_pm 125 network create --subnet 10.1.2.0/24 --gateway 10.9.9.9 bad
	is "$output" "Error: gateway 10.9.9.9 not in subnet 10.1.2.0/24"
	run_pm 125 network create --subnet 10.2.0.0/24 --ip-range 10.3.0.0/24 bad
	is "$output" "Error: lease range start ip 10.3.0.1 not in subnet 10.2.0.0/24"
	run_pm 125 network create --gateway 10.1.1.1 bad
	is "$output" "Error: cannot set gateway or range without subnet"
	run_pm 125 network create --subnet 10.4.0.0/24 --gateway 10.4.0.1 --gateway 10.4.0.2 bad
	is "$output" "Error: cannot set more gateways than subnets"
	run_pm 125 network create --driver foo bad
	is "$output" "Error: unsupported driver foo: invalid argument"
	run_pm 125 network create --opt foo=bar bad
	is "$output" "Error: unsupported bridge network option foo"
	run_pm 125 network create --opt mtu=abc bad
	is "$output" 'Error: strconv.Atoi: parsing "abc": invalid syntax'
	run_pm 125 network create --ipam-driver dhcp bad
	is "$output" "Error: dhcp ipam driver is not yet supported with netavark"
	run_pm 125 network create 'b@d'
	is "$output" "Error: network name b@d invalid: names must match \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]\*: invalid argument"
	# a subnet in use by another network
	run_pm 0 network create --subnet 10.212.0.0/24 first
	run_pm 125 network create --subnet 10.212.0.0/25 bad
	is "$output" "Error: subnet 10.212.0.0/25 is already used on the host or by another config"
	run_pm 125 network create a b
	is "$output" "Error: accepts at most 1 arg\(s\), received 2"
	is "$(netfiles)" "dup.json
first.json" "the failed creates left no file"
	run_pm 0 network rm dup first
}

@test "network create --driver macvlan: pm says bridge only (pm)" {
	skip_if_podman "podman creates macvlan networks (with a subnet)"
	run_pm 125 network create --driver macvlan mv
	is "$output" "Error: driver macvlan is not supported by pm: rootless pm networks use the bridge driver"
	is "$(netfiles)" ""
}

@test "network create --ignore: an existing network is kept (pm; podman 4.4+)" {
	skip_if_podman "podman 4.3 has no network create --ignore"
	skip_if_missing jq
	run_pm 0 network create --label x=1 keep
	local id
	id=$("${PM_CMD[@]}" network inspect keep | jq -r '.[0].id')
	run_pm 0 network create --ignore --label x=2 keep
	is "$output" "keep"
	run_pm 0 network inspect --format '{{.ID}} {{.Labels}}' keep
	is "$output" "$id map\[x:1\]"
	run_pm 0 network rm keep
}

@test "network ls: the default network always listed, columns, -q, --no-trunc, --noheading, --format" {
	skip_if_missing jq
	run_pm 0 network ls
	is "${lines[0]}" "NETWORK ID    NAME        DRIVER"
	is "${lines[1]}" "2f259bab93aa  podman      bridge" "the default network, id sha256(podman)"
	is "${#lines[@]}" 2
	run_pm 0 network create bbb
	run_pm 0 network create aaa
	run_pm 0 network ls -q
	is "$output" "aaa
bbb
podman" "sorted by name"
	run_pm 0 network ls --noheading --no-trunc
	is "${lines[2]}" "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9  podman      bridge"
	run_pm 0 network ls --format '{{.Name}} {{.Driver}} {{.NetworkInterface}} {{.DNSEnabled}}'
	is "${lines[2]}" "podman bridge podman0 false"
	run_pm 0 network ls --format 'table {{.Name}} {{.ID}}'
	is "${lines[0]}" "NAME        NETWORK ID"
	run_pm 0 network ls --format json
	is "$(jq -r '.[].name' <<<"$output" | tr '\n' ' ')" "aaa bbb podman "
	is "${lines[1]}" '  \{' "ls --format json: 2-space indent"
	run_pm 0 network inspect podman
	same "$(jq -c '.[0] | [.subnets, .network_interface, .dns_enabled]' <<<"$output")" \
		'[[{"subnet":"10.88.0.0/16","gateway":"10.88.0.1"}],"podman0",false]'
	run_pm 0 network rm aaa bbb
}

@test "network ls --filter name= id= driver= label= dangling=; bad key" {
	run_pm 0 network create --label a=b --label c a1
	run_pm 0 network create a12
	run_pm 0 network create b1
	run_pm 0 network ls -q --filter name=a1
	is "$output" "a1
a12" "name is a regex"
	run_pm 0 network ls -q --filter 'name=^a1$' --filter name=b
	is "$output" "a1
b1" "the same key ORed"
	run_pm 0 network ls -q --filter label=a=b
	is "$output" "a1"
	run_pm 0 network ls -q --filter label=c
	is "$output" "a1"
	run_pm 0 network ls -q --filter driver=bridge --filter name=b1
	is "$output" "b1"
	local id
	id=$("${PM_CMD[@]}" network inspect --format '{{.ID}}' b1)
	run_pm 0 network ls -q --filter "id=${id:0:6}"
	is "$output" "b1"
	run_pm 0 network ls -q --filter dangling=true
	is "$output" "a1
a12
b1" "unused networks (never the default)"
	run_pm 0 network ls -q --filter dangling=false
	is "$output" "podman"
	run_pm 0 network ls --format '{{.Name}} {{.Labels}}' --filter name=a1
	is "${lines[0]}" "a1 (a=b,c=|c=,a=b)" "labels key=value joined (podman: in map order)"
	run_pm 125 network ls --filter foo=bar
	is "$output" 'Error: invalid filter "foo"'
	run_pm 0 network rm a1 a12 b1
}

@test "network inspect: by id prefix, several, a missing one after the output, --format" {
	run_pm 0 network create i1
	local id
	id=$("${PM_CMD[@]}" network inspect --format '{{.ID}}' i1)
	run_pm 0 network inspect --format '{{.Name}}' "${id:0:10}"
	is "$output" "i1"
	run_pm 0 network inspect --format '{{.Name}}' i1 podman
	is "$output" "i1
podman"
	run_pm_split 125 network inspect --format '{{.Name}}' i1 nope
	is "$output" "i1"
	is "$stderr" "Error: inspecting object: network nope: unable to find network with name or ID nope: network not found"
	run_pm 125 network inspect
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
	run_pm_split 0 inspect --type network --format '{{.Name}}' i1
	is "$output" "i1" "pm inspect --type network"
	run_pm 0 network rm i1
}

@test "network exists: 0 and 1" {
	run_pm 1 network exists nope
	is "$output" ""
	run_pm 0 network exists podman
	run_pm 0 network create e1
	run_pm 0 network exists e1
	run_pm 125 network exists
	is "$output" "Error: accepts 1 arg\(s\), received 0"
	run_pm 0 network rm e1
	run_pm 1 network exists e1
}

@test "network rm: missing (1), the default network (125), several with one missing" {
	run_pm 1 network rm nope
	is "$output" "Error: unable to find network with name or ID nope: network not found"
	run_pm 125 network rm podman
	is "$output" "Error: default network podman cannot be removed"
	run_pm 0 network create r1
	run_pm 0 network create r2
	run_pm_split 1 network rm r1 nope r2
	is "$output" "r1
r2"
	is "$stderr" "Error: unable to find network with name or ID nope: network not found"
	is "$(netfiles)" ""
	run_pm 125 network rm
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
}

@test "network prune: -f removes unused networks, --filter label, never the default" {
	run_pm 0 network create --label keep=1 p1
	run_pm 0 network create p2
	run_pm 0 network prune -f --filter label=keep=1
	is "$output" "p1"
	run_pm 0 network ls -q
	is "$output" "p2
podman"
	run_pm 125 network prune -f --filter name=x
	is "$output" 'Error: invalid filter "name"'
	run_pm 0 network prune -f
	is "$output" "p2"
	run_pm 0 network ls -q
	is "$output" "podman"
	run_pm 125 network prune </dev/null
	assert_contains "$output" "WARNING! This will remove all networks not used by at least one container."
	assert_contains "$output" "Error: EOF"
}

@test "run --network UNKNOWN: podman's message, exit 125, no container" {
	pm_load_test_image
	run_pm 125 run --network nope --name x "$(pm_test_image name)" true
	is "$output" "Error: unable to find network with name or ID nope: network not found"
	run_pm 0 ps -a -q
	is "$output" ""
}

@test "network rm of a network in use: refused (2), -f removes its containers" {
	pm_load_test_image
	run_pm 0 network create used
	run_pm 0 create --network used --name c1 "$(pm_test_image name)" true
	run_pm 2 network rm used
	is "$output" 'Error: "used" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used'
	run_pm 0 network ls -q --filter dangling=true
	is "$output" ""
	run_pm 0 network prune -f
	is "$output" "" "prune keeps a network in use"
	run_pm 0 network rm -f used
	is "$output" "used"
	run_pm 0 ps -a -q
	is "$output" "" "rm -f removed the container"
	run_pm 1 network exists used
}

@test "network reload, connect, disconnect: argument errors with podman's messages" {
	run_pm 125 network reload
	is "$output" "Error: you must provide at least one name or id"
	run_pm 0 network reload --all
	run_pm 125 network connect podman
	is "$output" "Error: accepts 2 arg\(s\), received 1"
	run_pm 125 network connect nope x
	is "$output" 'Error: no container with name or ID "x" found: no such container' "the container first"
	run_pm 0 network create cn
	run_pm 125 network connect cn nope
	is "$output" 'Error: no container with name or ID "nope" found: no such container'
	run_pm 125 network disconnect cn nope
	is "$output" 'Error: no container with name or ID "nope" found: no such container'
	run_pm 0 network rm cn
}

@test "run --network NAME: an address from the subnet, peers reach each other by IP and name" {
	skip_if_missing jq
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.213.0.0/24 n1
	run_pm 0 run -d --network n1 --name srv "$img" sh -c 'while true; do echo pong | nc -l -p 8080; done'
	run_pm 0 inspect srv --format '{{.HostConfig.NetworkMode}}'
	is "$output" "bridge"
	run_pm 0 inspect srv --format '{{json .NetworkSettings.Networks}}'
	local j=$output ip
	ip=$(jq -r '.n1.IPAddress' <<<"$j")
	is "$ip" '10\.213\.0\.[0-9]+' "an address of the subnet"
	is "$(jq -r '.n1 | [.Gateway, .IPPrefixLen, .NetworkID] | map(tostring) | join(" ")' <<<"$j")" "10.213.0.1 24 n1"
	is "$(jq -r '.n1.MacAddress' <<<"$j")" '([0-9a-f]{2}:){5}[0-9a-f]{2}'
	# its eth0 has that address, its default route goes through the gateway
	run_pm 0 exec srv ip -4 addr show eth0
	assert_contains "$output" "inet $ip/24"
	run_pm 0 exec srv ip route
	assert_contains "$output" "default via 10.213.0.1"
	# a peer reaches it by address and by name
	run_pm 0 run --rm --network n1 "$img" sh -c "nc -w 5 $ip 8080 </dev/null"
	is "$output" "pong" "by address"
	run_pm 0 run --rm --network n1 "$img" sh -c "nc -w 5 srv 8080 </dev/null"
	is "$output" "pong" "by name"
	run_pm 0 rm -f -t0 srv
}

@test "run --network NAME:ip=,mac= and --ip: static address and MAC; errors" {
	skip_if_missing jq
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.214.0.0/24 n2
	run_pm 0 run -d --network n2:ip=10.214.0.50,mac=02:11:22:33:44:55 --name st "$img" sleep 100
	run_pm 0 exec st ip addr show eth0
	assert_contains "$output" "inet 10.214.0.50/24"
	assert_contains "$output" "link/ether 02:11:22:33:44:55"
	run_pm 0 inspect st --format '{{json .NetworkSettings.Networks}}'
	is "$(jq -r '.n2 | .IPAddress + " " + .MacAddress' <<<"$output")" "10.214.0.50 02:11:22:33:44:55"
	run_pm 0 run --rm --network n2 --ip 10.214.0.60 "$img" ip -4 addr show eth0
	assert_contains "$output" "inet 10.214.0.60/24"
	local id
	id=$("${PM_CMD[@]}" inspect --format '{{.ID}}' st)
	run_pm "$(start_rc)" run --rm --network n2 --ip 10.214.0.50 "$img" true
	assert_contains "$output" "Error: IPAM error: requested ip address 10.214.0.50 is already allocated to container ID $id"
	run_pm '?' run --rm --network n2 --ip 10.0.0.1 "$img" true
	assert_contains "$output" "Error: requested static ip 10.0.0.1 not in any subnet on network n2"
	[ "$status" -eq 125 ] || [ "$status" -eq 126 ] || die "exit $status"
	run_pm 0 rm -f -t0 st
	run_pm 0 ps -a -q
	is "$output" "" "the failed runs left no container"
}

@test "run --network NAME reaches the outside; --internal does not" {
	skip_if_missing python3 ip
	pm_load_test_image
	local img host port=18391 pid
	img=$(pm_test_image name)
	host=$(ip -4 -o addr show scope global | awk '{ sub("/.*", "", $4); print $4; exit }')
	[ -n "$host" ] || skip "no global IPv4 address on this host"
	python3 -m http.server "$port" --bind "$host" >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	run_pm 0 network create out
	run_pm 0 network create --internal in
	run_pm 0 run --rm --network out "$img" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 $host $port | head -1"
	assert_contains "$output" "HTTP/1.0 200 OK" "through the rootless network namespace"
	run_pm 1 run --rm --network in "$img" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 $host $port"
	assert_not_contains "$output" "200 OK" "an internal network has no way out"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

@test "the shared rootless network namespace goes with the last container on a network (pm)" {
	skip_if_podman "podman keeps its rootless-netns until system migrate/reset"
	pm_load_test_image
	local img ns=$XDG_RUNTIME_DIR/pm/networks/rootless-netns
	img=$(pm_test_image name)
	run_pm 0 network create gone
	run_pm 0 run -d --network gone --name g1 "$img" sleep 100
	run_pm 0 run -d --network gone --name g2 "$img" sleep 100
	[ -e "$ns" ] || die "no $ns while containers run"
	pgrep -u "$(id -u)" -f "slirp4netns.*$ns" >/dev/null || die "no slirp4netns for $ns"
	# its slirp4netns killed: the next start gives the namespace a new one
	local pid
	pid=$(cat "$XDG_RUNTIME_DIR/pm/networks/slirp4netns.pid")
	kill -9 "$pid"
	local st _i
	for _i in $(seq 1 100); do # until it is gone (or a zombie)
		st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1) || st=
		[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ] && break
		sleep 0.1
	done
	run_pm 0 run --rm --network gone "$img" true
	local pid2
	pid2=$(cat "$XDG_RUNTIME_DIR/pm/networks/slirp4netns.pid")
	[ "$pid2" != "$pid" ] && kill -0 "$pid2" || die "no new slirp4netns after the old one was killed"
	run_pm 0 rm -f -t0 g1
	pm_store_settled
	[ -e "$ns" ] || die "$ns went with a container still on the network"
	run_pm 0 rm -f -t0 g2
	pm_store_settled
	[ ! -e "$ns" ] || die "$ns is still there after the last container"
	! pgrep -u "$(id -u)" -f "slirp4netns.*$ns" >/dev/null || die "slirp4netns still runs"
	# runs back to back: each start makes the namespace while the last one's detached
	# removal may be tearing it down (the address record's dir is made under the lock)
	local i
	for i in 1 2 3 4 5 6; do
		run_pm 0 run --rm --network gone "$img" true
	done
	pm_store_settled
	[ ! -e "$ns" ] || die "$ns is still there after the last --rm run"
	run_pm 0 network rm gone
}

@test "network connect/disconnect a running container: ethN on the other network, inspect, errors" {
	skip_if_missing jq
	pm_load_test_image
	local img id
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.217.0.0/24 k1
	run_pm 0 network create --subnet 10.218.0.0/24 k2
	run_pm 0 run -d --network k1 --name a "$img" sh -c 'while true; do echo pong | nc -l -p 8080; done'
	id=$("${PM_CMD[@]}" inspect --format '{{.ID}}' a)
	run_pm 0 network connect --ip 10.218.0.9 k2 a
	is "$output" ""
	run_pm 0 exec a ip -4 addr show eth1
	assert_contains "$output" "inet 10.218.0.9/24"
	run_pm 0 inspect a --format '{{json .NetworkSettings.Networks}}'
	is "$(jq -r 'keys | join(" ")' <<<"$output")" "k1 k2"
	is "$(jq -r '.k2.IPAddress' <<<"$output")" "10.218.0.9"
	# a container on k2 reaches it there
	run_pm 0 run --rm --network k2 "$img" sh -c 'nc -w 5 10.218.0.9 8080 </dev/null'
	is "$output" "pong"
	run_pm 125 network connect k2 a
	is "$output" "Error: container $id is already connected to network \"k2\": network is already connected"
	run_pm 2 network rm k2
	assert_contains "$output" "has associated containers with it"
	run_pm 0 network disconnect k2 a
	run_pm 1 exec a ip addr show eth1
	run_pm 0 inspect a --format '{{json .NetworkSettings.Networks}}'
	is "$(jq -r 'keys | join(" ")' <<<"$output")" "k1"
	run_pm 125 network disconnect k2 a
	is "$output" "Error: container a is not connected to network k2"
	# a container on slirp4netns cannot be connected
	run_pm 0 run -d --name s "$img" sleep 100
	run_pm 125 network connect k2 s
	is "$output" 'Error: "slirp4netns" is not supported: invalid network mode'
	run_pm 0 rm -f -t0 a s
	run_pm 0 network rm k1 k2
	if is_podman; then
		# podman 4.3 leaves its aardvark-dns running after connect/disconnect: not what
		# this test is about (the leak check would fail on it)
		local p
		for p in $(pgrep -u "$(id -u)" -f "aardvark-dns --config $XDG_RUNTIME_DIR/" || true); do
			kill "$p" 2>/dev/null || true
		done
	fi
}
