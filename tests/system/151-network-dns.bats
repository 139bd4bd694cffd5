#!/usr/bin/env bats
# 151-network-dns: names on user-defined networks served by aardvark-dns, as podman with
# netavark gives them: the gateway as the first nameserver and "search dns.podman" in
# resolv.conf, a peer's name, aliases and short id resolved by a peer (a later container
# too), a stopped one forgotten, --disable-dns networks without, several networks, --dns
# and --dns-search, a dual-stack network, network connect, the aardvark-dns process and
# its files gone with the last container, pm without aardvark-dns falling back to
# /etc/hosts lines. Runs as the unprivileged test user; also against podman
# (PM="podman --runtime runc"); pm-only tests skip there.

load helpers
load network

setup() {
	net_setup
	[ -x /usr/lib/podman/aardvark-dns ] || [ -x /usr/libexec/podman/aardvark-dns ] ||
		skip "aardvark-dns is not installed"
}

teardown() {
	net_teardown
}

# aardvark_pids: the aardvark-dns processes serving this test's run directory.
aardvark_pids() {
	pgrep -u "$(id -u)" -f "aardvark-dns --config $XDG_RUNTIME_DIR/" || true
}

# forgotten CTR NAME: CTR's nslookup of NAME says NXDOMAIN (asked again while aardvark-dns
# reloads: between its servers it answers nothing).
forgotten() {
	local _i
	for _i in $(seq 1 20); do
		run "${PM_CMD[@]}" exec "$1" nslookup "$2"
		[ "$status" -eq 1 ] && [[ "$output" == *NXDOMAIN* ]] && return 0
		sleep 0.2
	done
	printf '#| %s\n' "$output" >&2
	die "$2 still resolves (or no answer): rc $status"
}

# ctr_ip NAME NET: the container's IPv4 address on NET.
ctr_ip() {
	"${PM_CMD[@]}" inspect "$1" --format "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}"
}

@test "network with DNS: the gateway is the nameserver; peers resolve names, aliases, a later container; a stopped one is forgotten" {
	pm_load_test_image
	local img ip id
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.231.0.0/24 d1
	run_pm 0 run -d --network d1 --name asker "$img" sleep 1000
	run_pm 0 exec asker cat /etc/resolv.conf
	is "$(grep -m1 '^search' <<<"$output")" "search dns.podman" "search line"
	is "$(grep -m1 '^nameserver' <<<"$output")" "nameserver 10.231.0.1" "first nameserver"
	# started after the asking one: known to it all the same
	run_pm 0 run -d --network d1 --network-alias al1 --network-alias al2 --name tgt "$img" sleep 1000
	id=${output:0:12}
	ip=$(ctr_ip tgt d1)
	[[ "$ip" == 10.231.0.* ]] || die "tgt's address: '$ip'"
	local n
	for n in tgt al1 al2 "$id" tgt.dns.podman; do
		run_pm 0 exec asker nslookup "$n"
		assert_contains "$output" "Server:		10.231.0.1" "$n asked of the gateway"
		assert_contains "$output" "Address: $ip" "$n resolved"
	done
	# the resolver (not /etc/hosts: podman has no line for a peer there) serves ping's lookup
	run_pm 0 exec asker cat /etc/hosts
	assert_not_contains "$output" "tgt" "no /etc/hosts line for the peer"
	run_pm 0 exec asker sh -c 'ping -c1 -W1 tgt 2>&1 || true'
	assert_contains "$output" "PING tgt ($ip)"
	# and the other way round
	run_pm 0 exec tgt nslookup asker
	assert_contains "$output" "Address: $(ctr_ip asker d1)"
	# a stopped one is forgotten
	run_pm 0 stop -t0 tgt
	forgotten asker tgt
	forgotten asker al1
	# started again: known again
	run_pm 0 start tgt
	ip=$(ctr_ip tgt d1)
	run_pm 0 exec asker nslookup tgt
	assert_contains "$output" "Address: $ip"
	# removed: forgotten
	run_pm 0 rm -f -t0 tgt
	forgotten asker tgt
	run_pm 0 rm -f -t0 asker
	run_pm 0 network rm d1
}

@test "network --disable-dns: no nameserver of its own, no aardvark-dns; pm's names are /etc/hosts lines" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --disable-dns --subnet 10.232.0.0/24 nd
	run_pm 0 network inspect nd --format '{{.DNSEnabled}}'
	is "$output" "false"
	run_pm 0 run -d --network nd --name first "$img" sleep 1000
	run_pm 0 run -d --network nd --name second "$img" sleep 1000
	run_pm 0 exec first cat /etc/resolv.conf
	assert_not_contains "$output" "10.232.0.1" "the gateway is no nameserver"
	assert_not_contains "$output" "dns.podman"
	is "$(aardvark_pids)" "" "no aardvark-dns for a network without DNS"
	if ! is_podman; then
		# pm (as before; podman 4.3 has no line for a peer)
		run_pm 0 exec first cat /etc/hosts
		grep -Eq '^10\.232\.0\.[0-9]+[[:space:]]+second$' <<<"$output" || die "no line for second"
	fi
	run_pm 0 rm -f -t0 first second
	run_pm 0 network rm nd
}

@test "several networks: the gateways of those with DNS are the nameservers; names resolve on each" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.233.0.0/24 m1
	run_pm 0 network create --subnet 10.234.0.0/24 m2
	run_pm 0 network create --disable-dns --subnet 10.235.0.0/24 m3
	run_pm 0 run -d --network m2 --name only2 "$img" sleep 1000
	run_pm 0 run -d --network m1,m2,m3 --name multi "$img" sleep 1000
	run_pm 0 exec multi cat /etc/resolv.conf
	assert_contains "$output" "nameserver 10.233.0.1"
	assert_contains "$output" "nameserver 10.234.0.1"
	assert_not_contains "$output" "10.235.0.1" "m3 has DNS off"
	assert_contains "$(grep '^search' <<<"$output")" "dns.podman"
	# only2 (m2 alone) is found through m2's server
	run_pm 0 exec multi nslookup only2 10.234.0.1
	assert_contains "$output" "Address: $(ctr_ip only2 m2)"
	# and only2 finds multi on m2 by its m2 address
	run_pm 0 exec only2 nslookup multi
	assert_contains "$output" "Address: $(ctr_ip multi m2)"
	run_pm 0 rm -f -t0 only2 multi
	run_pm 0 network rm m1 m2 m3
}

@test "network with DNS: --dns replaces the nameservers, --dns-search the search line" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.236.0.0/24 d2
	run_pm 0 run --rm --network d2 --dns 192.0.2.53 "$img" cat /etc/resolv.conf
	is "$(grep '^nameserver' <<<"$output")" "nameserver 192.0.2.53" "--dns alone"
	assert_not_contains "$output" "dns.podman"
	run_pm 0 run --rm --network d2 --dns-search example.org "$img" cat /etc/resolv.conf
	is "$(grep '^search' <<<"$output")" "search example.org" "--dns-search alone"
	is "$(grep -m1 '^nameserver' <<<"$output")" "nameserver 10.236.0.1"
	run_pm 0 network rm d2
}

@test "aardvark-dns: forwards by the namespace's resolvers; gone with the last container, nothing left" {
	pm_load_test_image
	local img pid
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.237.0.0/24 d3
	run_pm 0 run -d --network d3 --name one "$img" sleep 1000
	pid=$(aardvark_pids)
	[ -n "$pid" ] || die "no aardvark-dns runs: $(pgrep -a aardvark-dns)"
	is "$(wc -w <<<"$pid")" 1 "one aardvark-dns"
	# upstream: slirp4netns' resolver first, then the host's (the namespace's resolv.conf)
	run cat "/proc/$pid/root/etc/resolv.conf"
	is "$(head -1 <<<"$output")" "nameserver 10.0.2.3" "its resolv.conf"
	if ! is_podman; then
		# pm's holds no container's root filesystem, nor the namespace's mount
		run grep -E ' - (overlay|fuse[.a-z-]*|nsfs) ' "/proc/$pid/mountinfo"
		is "$output" "" "aardvark-dns' mounts"
	fi
	# a second container and network: the same process serves both
	run_pm 0 network create --subnet 10.238.0.0/24 d4
	run_pm 0 run -d --network d4 --name two "$img" sleep 1000
	is "$(aardvark_pids)" "$pid" "the same aardvark-dns"
	run_pm 0 run --rm --network d4 "$img" nslookup two
	assert_contains "$output" "Address: $(ctr_ip two d4)"
	run_pm 0 rm -f -t0 one two
	local _i
	for _i in $(seq 1 50); do
		[ -z "$(aardvark_pids)" ] && break
		sleep 0.1
	done
	is "$(aardvark_pids)" "" "no aardvark-dns after the last container"
	if ! is_podman; then
		# podman keeps an empty aardvark-dns directory
		run find "$XDG_RUNTIME_DIR/pm/networks" -name '*aardvark*'
		is "$output" "" "nothing of aardvark-dns left in the run directory"
	fi
	run_pm 0 network rm d3 d4
}

@test "pm without aardvark-dns: names are /etc/hosts lines, no error" {
	skip_if_podman "pm's own: _PM_AARDVARK_DNS names the aardvark-dns binary"
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.239.0.0/24 d5
	export _PM_AARDVARK_DNS=/nonexistent/aardvark-dns
	run_pm 0 run -d --network d5 --name first "$img" sleep 1000
	run_pm 0 run -d --network d5 --name second "$img" sleep 1000
	is "$output" "$(sed -n '$p' <<<"$output")" "no warning"
	run_pm 0 exec first cat /etc/resolv.conf
	assert_not_contains "$output" "10.239.0.1"
	assert_not_contains "$output" "dns.podman"
	run_pm 0 exec first cat /etc/hosts
	grep -Eq '^10\.239\.0\.[0-9]+[[:space:]]+second$' <<<"$output" || die "no line for second"
	is "$(aardvark_pids)" "" "no aardvark-dns"
	run_pm 0 rm -f -t0 first second
	unset _PM_AARDVARK_DNS
	run_pm 0 network rm d5
}

@test "aardvark-dns failing to start: the run fails naming it, nothing left" {
	skip_if_podman "pm's own: _PM_AARDVARK_DNS names the aardvark-dns binary"
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.240.0.0/24 d6
	_PM_AARDVARK_DNS=/bin/false run_pm 125 run -d --network d6 --name bad "$img" sleep 1000
	assert_contains "$output" "Error: starting aardvark-dns ('/bin/false --config "
	assert_contains "$output" "failed (exit 1)"
	run_pm 0 ps -a -q
	is "$output" "" "no container left"
	local _i
	for _i in $(seq 1 50); do
		[ -z "$(find "$XDG_RUNTIME_DIR/pm/networks" -mindepth 1 -not -name '*lock')" ] && break
		sleep 0.1
	done
	run find "$XDG_RUNTIME_DIR/pm/networks" -mindepth 1 -not -name '*lock'
	is "$output" "" "no record, namespace or aardvark-dns file left"
	# the real one then serves
	run_pm 0 run -d --network d6 --name good "$img" sleep 1000
	run_pm 0 exec good nslookup good
	assert_contains "$output" "Address: 10.240.0."
	run_pm 0 rm -f -t0 good
	run_pm 0 network rm d6
}

@test "network connect of a running container: its name is served on the new network; disconnect forgets it" {
	pm_load_test_image
	local img ip
	img=$(pm_test_image name)
	run_pm 0 network create --subnet 10.242.0.0/24 e1
	run_pm 0 network create --subnet 10.243.0.0/24 e2
	run_pm 0 run -d --network e1 --name mover "$img" sleep 1000
	run_pm 0 run -d --network e2 --name watcher "$img" sleep 1000
	forgotten watcher mover
	run_pm 0 network connect --alias mv e2 mover
	ip=$(ctr_ip mover e2)
	[[ "$ip" == 10.243.0.* ]] || die "mover's address on e2: '$ip'"
	run_pm 0 exec watcher nslookup mover
	assert_contains "$output" "Address: $ip"
	run_pm 0 exec watcher nslookup mv
	assert_contains "$output" "Address: $ip"
	run_pm 0 network disconnect e2 mover
	forgotten watcher mover
	forgotten watcher mv
	run_pm 0 rm -f -t0 mover watcher
	run_pm 0 network rm e1 e2
}

@test "dual-stack network with DNS: both gateways are nameservers, names have both addresses" {
	pm_load_test_image
	local img ip6
	img=$(pm_test_image name)
	run_pm 0 network create --ipv6 --subnet 10.244.0.0/24 --subnet fd00:151::/64 ds
	run_pm 0 run -d --network ds --name v6a "$img" sleep 1000
	run_pm 0 run -d --network ds --name v6b "$img" sleep 1000
	run_pm 0 exec v6a cat /etc/resolv.conf
	assert_contains "$output" "nameserver 10.244.0.1"
	assert_contains "$output" "nameserver fd00:151::1"
	run "${PM_CMD[@]}" inspect v6b --format '{{(index .NetworkSettings.Networks "ds").GlobalIPv6Address}}'
	ip6=$output
	[[ "$ip6" == fd00:151::* ]] || die "v6b's IPv6 address: '$ip6'"
	run_pm 0 exec v6a nslookup v6b
	assert_contains "$output" "Address: $(ctr_ip v6b ds)"
	assert_contains "$output" "Address: $ip6"
	run_pm 0 rm -f -t0 v6a v6b
	run_pm 0 network rm ds
}
