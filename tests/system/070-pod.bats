#!/usr/bin/env bats
# 070-pod: pods as podman 4.3 has them: pod create (its flags, the id it prints, the infra
# container <podid12>-infra), pod inspect and pod ps (columns, --format, filters, sorting,
# the states), members (run/create --pod, --pod new:NAME) sharing net/ipc/uts (pid with
# --share +pid) and the pod's hostname, the pod's published ports, DNS and hosts, the pod
# verbs (start, stop, restart, kill, pause, rm, prune, exists, top, logs), --exit-policy,
# bad input (exit code, message, nothing left), a killed infra and concurrent joins.
# Written against `PM="podman --runtime runc"`; podman 4.3's own defects are skipped with
# skip_if_podman and say so. Members get --stop-signal KILL or pods are stopped with -t 0:
# podman waits 10 s on a PID 1 without a TERM handler.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	WWW=$BATS_TEST_TMPDIR/www
	mkdir -p "$WWW"
	echo "hello from pm" >"$WWW/index.html"
}

# q ARGS...: the command under test, stdout only (for values in helpers)
q() {
	"${PM_CMD[@]}" "$@" 2>/dev/null
}

pod_state() { q pod inspect --format '{{.State}}' "$1"; }
infra_of() { q pod inspect --format '{{.InfraContainerID}}' "$1"; }
ctr_state() { q inspect --format '{{.State.Status}}' "$1"; }
ctr_id() { q inspect --format '{{.Id}}' "$1"; }

# ns_of CTR KIND: the inode link of namespace KIND (net, ipc, uts, pid) of running CTR
ns_of() {
	q exec "$1" readlink "/proc/self/ns/$2"
}

# wait_pod_state POD STATE: poll (bounded: 10 s) until the pod's State is STATE
wait_pod_state() {
	local _
	for _ in $(seq 100); do
		[ "$(pod_state "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	die "pod $1 is '$(pod_state "$1")', not '$2', after 10 s"
}

# wait_ctr_state CTR STATE: poll (bounded: 10 s) until the container's State.Status is STATE
wait_ctr_state() {
	local _
	for _ in $(seq 100); do
		[ "$(ctr_state "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	die "container $1 is '$(ctr_state "$1")', not '$2', after 10 s"
}

# wait_log CTR TEXT: poll (bounded: 10 s) until CTR's log (stdout and stderr) holds TEXT
wait_log() {
	local _
	for _ in $(seq 100); do
		[[ "$("${PM_CMD[@]}" logs "$1" 2>&1)" == *"$2"* ]] && return 0
		sleep 0.1
	done
	die "container $1 did not log '$2' in 10 s"
}

# sleeper POD NAME [RUN OPTIONS...]: a running member that stops at once
sleeper() {
	local pod=$1 name=$2
	shift 2
	run_pm 0 run -d --pod "$pod" --name "$name" --stop-signal KILL "$@" "$IMG" sleep 1000
}

# sorted_csv "a,c,b": "a,b,c"
sorted_csv() {
	tr ',' '\n' <<<"$1" | sort | paste -sd, -
}

# sorted_words "c a b": "a b c" (also a list on lines)
sorted_words() {
	tr ' ' '\n' <<<"$1" | grep . | sort | paste -sd' ' -
}

# nothing_left: no pod and no container exists
nothing_left() {
	run_pm 0 pod ps -q
	is "$output" "" "no pod left"
	run_pm 0 ps -aq
	is "$output" "" "no container left"
}

# fetch PORT: GET http://127.0.0.1:PORT/index.html, retrying briefly while the server starts
fetch() {
	curl -sS --retry 10 --retry-delay 0 --retry-connrefused --retry-max-time 5 -m 5 \
		"http://127.0.0.1:$1/index.html"
}

# helpers_of_test: the slirp4netns/pasta processes of this test
helpers_of_test() {
	local pid
	for pid in $(pgrep -f '^[^ ]*/(slirp4netns|pasta|passt)[^ ]* ' || true); do
		if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
			grep -qx "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"; then
			echo "$pid"
		fi
	done
}

# ---- pod create, inspect, exists --------------------------------------------------------

@test "pod create: prints the full id; exists; inspect fields; the infra container <id12>-infra" {
	skip_if_missing jq
	run_pm_split 0 pod create --name p1 --label app=web --label tier=1 --hostname ph \
		--exit-policy stop
	is "$output" "[0-9a-f]{64}" "pod create prints the full id"
	local id=$output
	run_pm 0 pod exists p1
	is "$output" "" "pod exists prints nothing"
	run_pm 0 pod exists "${id:0:12}"
	run_pm 1 pod exists nope
	is "$output" "" "pod exists nope: silent"

	run_pm_split 0 pod inspect p1
	local j=$output infra
	is "$(jq -r type <<<"$j")" "object" "one pod: one object"
	is "$(jq -r .Id <<<"$j")" "$id"
	is "$(jq -r .Name <<<"$j")" "p1"
	is "$(jq -r .Created <<<"$j")" "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)" "Created"
	is "$(jq -r .State <<<"$j")" "Created"
	is "$(jq -r .Hostname <<<"$j")" "ph"
	is "$(jq -c .Labels <<<"$j")" '\{"app":"web","tier":"1"\}'
	is "$(jq -r .ExitPolicy <<<"$j")" "stop"
	infra=$(jq -r .InfraContainerID <<<"$j")
	is "$infra" "[0-9a-f]{64}" "InfraContainerID"
	is "$(jq -c '.SharedNamespaces | sort' <<<"$j")" '\["ipc","net","uts"\]' "SharedNamespaces"
	is "$(jq -r .NumContainers <<<"$j")" "1"
	is "$(jq -c '[.Containers[] | [.Id, .Name, .State]]' <<<"$j")" \
		"\[\[\"$infra\",\"${id:0:12}-infra\",\"created\"\]\]" "Containers[]"

	run_pm 0 pod inspect --format '{{.Name}} {{.State}} {{.NumContainers}} {{.ExitPolicy}} {{.Hostname}}' p1
	is "$output" "p1 Created 1 stop ph"

	# the infra container: a container of its own, listed by ps -a, in the pod
	run_pm 0 ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.IsInfra}}'
	is "$output" "$infra ${id:0:12}-infra true" "ps -a shows the infra container"
	run_pm 0 inspect --format '{{.Pod}} {{.IsInfra}}' "${id:0:12}-infra"
	is "$output" "$id true"
	run_pm 0 ps -q
	is "$output" "" "a created pod runs nothing"

	# the defaults
	run_pm_split 0 pod create --name p2
	run_pm_split 0 pod inspect p2
	is "$(jq -r .ExitPolicy <<<"$output")" "continue" "default exit policy"
	is "$(jq -r .Hostname <<<"$output")" "" "no --hostname: Hostname is empty"
	is "$(jq -c '.Labels // {}' <<<"$output")" "\{\}" "no labels"
	# two pods: an array
	run_pm_split 0 pod inspect p1 p2
	is "$(jq -r 'type, length, .[0].Name, .[1].Name' <<<"$output" | paste -sd' ' -)" \
		"array 2 p1 p2" "pod inspect of two pods"

	run_pm 0 pod rm p1
	is "$output" "$id" "pod rm prints the id"
	run_pm 0 pod rm p2
	nothing_left
}

@test "pod create: --replace, --pod-id-file, a duplicate name" {
	local idfile=$BATS_TEST_TMPDIR/pod.id
	run_pm_split 0 pod create --name r --pod-id-file "$idfile"
	local id=$output
	is "$(cat "$idfile")" "$id" "the id file holds the id"
	run_pm 125 pod create --name other --pod-id-file "$idfile"
	assert_contains "$output" "pod id file exists"
	assert_contains "$output" "$idfile"
	run_pm 125 pod create --name r
	assert_contains "$output" 'name "r" is in use: pod already exists'
	run_pm 0 pod ps --format '{{.Name}}'
	is "$output" "r" "neither failure made a pod"

	# --replace: the old pod, its members and its infra go; a new one with the name comes
	run_pm 0 create --pod r --name member "$IMG" true
	run_pm_split 0 pod create --name r --replace
	local id2=$output
	is "$id2" "[0-9a-f]{64}"
	[ "$id2" != "$id" ] || die "--replace kept the old id"
	run_pm 0 pod ps --no-trunc --format '{{.ID}} {{.Name}} {{.NumberOfContainers}}'
	is "$output" "$id2 r 1" "one pod r, new, with its infra only"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "${id2:0:12}-infra" "the old member and infra are gone"
	run_pm 0 pod rm r
	nothing_left
}

# ---- members ----------------------------------------------------------------------------

@test "pod members: run -d/create --pod share net, ipc and uts (not pid); hostname; ps --pod" {
	run_pm_split 0 pod create --name pn
	local pod=$output
	sleeper pn m1
	run_pm 0 create --pod pn --name m2 --stop-signal KILL "$IMG" sleep 1000
	run_pm 0 start m2
	run_pm 0 run -d --name solo --stop-signal KILL "$IMG" sleep 4242

	local k
	for k in net ipc uts; do
		same "$(ns_of m1 $k)" "$(ns_of m2 $k)" "$k namespace of the two members"
		[ "$(ns_of m1 $k)" != "$(ns_of solo $k)" ] || die "$k namespace shared with a non-member"
	done
	[ "$(ns_of m1 pid)" != "$(ns_of m2 pid)" ] || die "pid namespace shared without --share pid"
	run_pm 0 exec m2 ps -o args
	assert_not_contains "$output" "sleep 4242" "a member does not see other processes"

	run_pm 0 exec m1 hostname
	is "$output" "pn" "a member's hostname is the pod's name"
	run_pm 0 exec m2 cat /etc/hostname
	is "$output" "pn" "a member's /etc/hostname"
	run_pm 0 inspect --format '{{.Pod}}' m1
	is "$output" "$pod" "the member's Pod"
	run_pm 0 inspect --format '{{.Pod}}' solo
	is "$output" "" "a non-member has no Pod"

	run_pm 0 pod inspect --format '{{.NumContainers}} {{.State}}' pn
	is "$output" "3 Running"
	run_pm 0 pod inspect --format '{{range .Containers}}{{.Name}}={{.State}},{{end}}' pn
	is "$(sorted_csv "${output%,}")" "$(sorted_csv "${pod:0:12}-infra=running,m1=running,m2=running")"

	# ps --pod: POD ID and PODNAME columns
	run_pm 0 ps --pod
	is "${lines[0]}" "CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES +POD ID +PODNAME"
	is "${#lines[@]}" 5 "infra, two members, solo"
	is "$(grep -cE " m1 +${pod:0:12} +pn$" <<<"$output")" 1 "m1's row ends with POD ID and PODNAME"
	is "$(grep -cE " ${pod:0:12}-infra +${pod:0:12} +pn$" <<<"$output")" 1 "the infra's row"
	is "$(grep -cE ' solo *$' <<<"$output")" 1 "solo: no pod columns"
	run_pm 0 ps -a --filter pod=pn --format '{{.Names}}'
	is "$(sorted_words "$output")" "$(sorted_words "${pod:0:12}-infra m1 m2")" "ps --filter pod=NAME"
	run_pm 0 ps -a --filter "pod=$pod" --format '{{.Names}}'
	is "$(sorted_words "$output")" "$(sorted_words "${pod:0:12}-infra m1 m2")" "ps --filter pod=ID"
	run_pm 0 ps -a --filter pod=nope --format '{{.Names}}'
	is "$output" "" "ps --filter pod=nope"

	run_pm 0 pod rm -f -t 0 pn
	is "$output" "$pod"
	run_pm 0 rm -f -t 0 solo
	nothing_left
}

@test "pod members: a server on 127.0.0.1 in one member answers another, not a non-member" {
	run_pm 0 pod create --name lo
	run_pm 0 run -d --pod lo --name srv --stop-signal KILL "$IMG" sh -c \
		'mkdir -p /www && echo from-srv >/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www'
	run_pm 0 run --rm --pod lo "$IMG" sh -c \
		'for i in $(seq 50); do wget -qO- http://127.0.0.1:8080/index.html && exit 0; sleep 0.1; done; exit 1'
	is "$output" "from-srv" "the other member's server on the pod's loopback"
	run_pm 1 run --rm "$IMG" wget -qO- http://127.0.0.1:8080/index.html
	assert_contains "$output" "can't connect" "a non-member has its own loopback"
	run_pm 0 pod rm -f -t 0 lo
	nothing_left
}

@test "pod members: run --pod new:NAME makes the pod; a second new:NAME is refused" {
	skip_if_missing jq
	sleeper new:pnew n1
	run_pm 0 pod exists pnew
	run_pm_split 0 pod inspect pnew
	local pod
	pod=$(jq -r .Id <<<"$output")
	is "$(jq -r .NumContainers <<<"$output")" "2" "infra and the member"
	is "$(jq -c '.SharedNamespaces | sort' <<<"$output")" '\["ipc","net","uts"\]'
	run_pm 0 ps -a --format '{{.Names}}'
	is "$(sorted_words "$output")" "$(sorted_words "${pod:0:12}-infra n1")"
	run_pm 0 exec n1 hostname
	is "$output" "pnew"
	run_pm 0 run --rm --pod pnew "$IMG" readlink /proc/self/ns/net
	same "$output" "$(ns_of n1 net)" "a member joined by name shares n1's network"
	run_pm 125 run --rm --pod new:pnew "$IMG" true
	assert_contains "$output" 'name "pnew" is in use'
	run_pm 0 pod inspect --format '{{.NumContainers}}' pnew
	is "$output" "2" "the refused run left nothing in the pod"
	run_pm 0 pod rm -f -t 0 pnew
	nothing_left
}

@test "pod create --share: +pid adds pid, pid alone shares only pid, none has no infra" {
	skip_if_missing jq
	# --share +pid: the default namespaces and pid
	run_pm 0 pod create --name pp --share +pid
	run_pm 0 pod inspect --format '{{range .SharedNamespaces}}{{.}} {{end}}' pp
	is "$(tr ' ' '\n' <<<"$output" | grep . | sort | paste -sd' ' -)" "ipc net pid uts"
	run_pm 0 run -d --pod pp --name a --stop-signal KILL "$IMG" sleep 4242
	sleeper pp b
	local k
	for k in net ipc uts pid; do
		same "$(ns_of a $k)" "$(ns_of b $k)" "$k namespace with --share +pid"
	done
	run_pm 0 exec b ps -o args
	assert_contains "$output" "sleep 4242" "a member sees the other member's process"
	run_pm 0 pod rm -f -t 0 pp

	# --share pid: only pid; each member its own network and hostname (its id)
	run_pm 0 pod create --name po --share pid
	run_pm 0 pod inspect --format '{{range .SharedNamespaces}}{{.}} {{end}}' po
	is "$output" "pid "
	sleeper po c
	sleeper po d
	same "$(ns_of c pid)" "$(ns_of d pid)" "pid namespace with --share pid"
	[ "$(ns_of c net)" != "$(ns_of d net)" ] || die "net shared with --share pid"
	[ "$(ns_of c uts)" != "$(ns_of d uts)" ] || die "uts shared with --share pid"
	run_pm 0 exec c hostname
	is "$output" "$(ctr_id c | cut -c1-12)" "without a shared uts: the container's own hostname"
	run_pm 0 pod rm -f -t 0 po

	# --share none: no infra container at all, nothing shared
	run_pm 0 pod create --name pz --share none
	run_pm_split 0 pod inspect pz
	is "$(jq -r '.InfraContainerID // ""' <<<"$output")" "" "no infra with --share none"
	is "$(jq -r '.SharedNamespaces // [] | length' <<<"$output")" "0"
	is "$(jq -r .NumContainers <<<"$output")" "0"
	run_pm 0 ps -aq
	is "$output" "" "no infra container"
	sleeper pz e
	sleeper pz f
	[ "$(ns_of e net)" != "$(ns_of f net)" ] || die "net shared with --share none"
	run_pm 0 pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}} [{{.InfraID}}]'
	is "$output" "pz Running 2 \[\]"
	run_pm 0 pod rm -f -t 0 pz

	# --infra=false: the same
	run_pm 0 pod create --name pf --infra=false
	run_pm 0 pod inspect --format '{{.NumContainers}} [{{.InfraContainerID}}]' pf
	is "$output" "0 \[\]"
	run_pm 0 pod rm pf
	nothing_left
}

@test "pod members: --hostname on the pod; a member's hostname, /etc/hosts; refused member options" {
	run_pm_split 0 pod create --name hp --hostname myhost
	local pod=$output
	sleeper hp h1
	sleeper hp h2
	run_pm 0 exec h1 hostname
	is "$output" "myhost" "the pod's --hostname"
	run_pm 0 exec h2 cat /etc/hosts
	assert_contains "$output" "myhost" "the pod's hostname in /etc/hosts"
	assert_contains "$output" "${pod:0:12}-infra" "the infra's name in /etc/hosts"
	assert_contains "$output" $'127.0.0.1\th1' "another member's name"
	assert_contains "$output" $'127.0.0.1\th2' "the member's own name"
	assert_contains "$output" "host.containers.internal"

	# what belongs to the pod is refused on a member, naming why; nothing is made
	run_pm 125 run --rm --pod hp --hostname x "$IMG" true
	assert_contains "$output" "cannot set hostname when joining the pod UTS namespace"
	run_pm 125 run -d --pod hp -p 8080:80 "$IMG" true
	assert_contains "$output" "published or exposed ports must be defined when the pod is created"
	run_pm 125 run --rm --pod hp --add-host a.test:192.0.2.1 "$IMG" true
	assert_contains "$output" "extra host entries must be specified on the pod"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$(sorted_words "$output")" "$(sorted_words "${pod:0:12}-infra h1 h2")" "no container made"
	run_pm 0 pod rm -f -t 0 hp
	nothing_left
}

@test "pod members: starting a member of a created or stopped pod starts the infra" {
	run_pm 0 pod create --name sp
	run_pm 0 create --pod sp --name sm --stop-signal KILL "$IMG" sleep 1000
	local infra
	infra=$(infra_of sp)
	is "$(ctr_state "$infra")" "created"
	run_pm 0 start sm
	is "$output" "sm"
	is "$(ctr_state "$infra")" "running" "start of a member started the infra"
	is "$(pod_state sp)" "Running"
	run_pm 0 pod stop -t 0 sp
	is "$(ctr_state "$infra") $(ctr_state sm)" "exited exited"
	is "$(pod_state sp)" "Exited"
	run_pm 0 start sm
	is "$(ctr_state "$infra") $(ctr_state sm)" "running running" "the infra started again"
	run_pm 0 pod rm -f -t 0 sp
	nothing_left
}

# ---- the pod's network --------------------------------------------------------------------

@test "pod create -p: a member's server on the pod's port; free at once after pod stop, pod rm -f" {
	skip_if_missing slirp4netns curl python3
	local port
	port=$(free_port)
	run_pm_split 0 pod create --name web -p "$port:80"
	local pod=$output
	run_pm 0 ps -a --format '{{.Names}} {{.Ports}}'
	is "$output" "${pod:0:12}-infra 0.0.0.0:$port->80/tcp" "the infra holds the pod's port"
	run_pm 0 run -d --pod web --name srv --stop-signal KILL -v "$WWW:/www" -w /www "$IMG" \
		httpd -f -p 80
	run fetch "$port"
	is "$output" "hello from pm" "the member's server through the pod's port"
	run_pm 0 ps --format '{{.Names}} {{.Ports}}' --filter name=srv
	is "$output" "srv 0.0.0.0:$port->80/tcp" "a member shows the pod's ports, as podman's ps"

	run_pm 0 pod stop -t 0 web
	is "$output" "$pod" "pod stop prints the id"
	port_is_free "$port" || die "port $port still taken after pod stop"
	[ -z "$(helpers_of_test)" ] || die "slirp4netns left after pod stop"

	run_pm 0 pod start web
	is "$output" "$pod" "pod start prints the id"
	run fetch "$port"
	is "$output" "hello from pm" "served again after pod start"

	run_pm 0 pod rm -f -t 0 web
	is "$output" "$pod"
	port_is_free "$port" || die "port $port still taken after pod rm -f"
	[ -z "$(helpers_of_test)" ] || die "slirp4netns left after pod rm -f"
	nothing_left
}

@test "pod start: a busy pod port fails with 125 naming it; the pod stays created" {
	skip_if_missing slirp4netns python3
	hold_port
	local port=$HELD_PORT
	run_pm 0 pod create --name busy -p "$port:80"
	run_pm 125 pod start busy
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	assert_contains "$output" "0.0.0.0:$port"
	assert_contains "${output,,}" "address already in use"
	is "$(pod_state busy)" "Created" "the pod did not start"
	is "$(ctr_state "$(infra_of busy)")" "created" "the infra did not start"
	[ -z "$(helpers_of_test)" ] || die "slirp4netns left after the failed start"
	run_pm 0 pod rm busy
	nothing_left
}

@test "pod create --network none, --dns*, --add-host, --no-hosts: what a member sees" {
	run_pm 0 pod create --name nn --network none
	run_pm 0 run --rm --pod nn "$IMG" ip -o link
	is "$(grep -c ': <' <<<"$output")" "1" "one link"
	assert_contains "$output" "1: lo:"
	run_pm 0 pod rm nn

	run_pm 0 pod create --name dh --dns 192.0.2.53 --dns-search example.com \
		--dns-option ndots:3 --add-host foo.test:192.0.2.7
	run_pm 0 run --rm --pod dh "$IMG" sh -c 'cat /etc/resolv.conf; echo ===; cat /etc/hosts'
	local resolv=${output%%===*}
	assert_contains "$resolv" "nameserver 192.0.2.53"
	assert_not_contains "$resolv" "10.0.2.3" "--dns replaces every server"
	assert_contains "$resolv" "search example.com"
	assert_contains "$resolv" "options ndots:3"
	assert_contains "${output#*===}" $'192.0.2.7\tfoo.test' "--add-host of the pod"
	run_pm 0 pod rm dh

	run_pm 0 pod create --name nh --no-hosts
	run_pm 0 run --rm --pod nh "$IMG" cat /etc/hosts
	assert_not_contains "$output" "host.containers.internal" "--no-hosts: the image's file"
	assert_not_contains "$output" "nh" "--no-hosts: no entry for the pod"
	run_pm 0 pod rm nh

	run_pm 125 pod create --name bad1 --no-hosts --add-host a:192.0.2.1
	assert_contains "$output" "--no-hosts and --add-host cannot be set together"
	run_pm 125 pod create --name bad2 --network none --dns 192.0.2.1
	assert_contains "$output" "conflicting options: dns and the network mode: none"
	run_pm 125 pod create --name bad3 --network none -p 8080:80
	assert_contains "$output" "PortMappings can only be used with Bridge or slirp4netns networking"
	nothing_left
}

# ---- the verbs ----------------------------------------------------------------------------

@test "pod ps: the states Created, Running, Degraded, Exited, Stopped and the number of containers" {
	run_pm 0 pod create --name st
	run_pm 0 create --pod st --name s1 --stop-signal KILL "$IMG" sleep 1000
	run_pm 0 create --pod st --name s2 --stop-signal KILL "$IMG" sleep 1000
	run_pm 0 pod ps --format '{{.Status}} {{.NumberOfContainers}}'
	is "$output" "Created 3" "nothing started"
	run_pm 0 pod start st
	run_pm 0 pod ps --format '{{.Status}} {{.NumberOfContainers}}'
	is "$output" "Running 3" "all running"
	run_pm 0 stop -t 0 s2
	run_pm 0 pod ps --format '{{.Status}} {{.NumberOfContainers}}'
	is "$output" "Degraded 3" "some running"
	run_pm 0 pod stop -t 0 st
	run_pm 0 pod ps --format '{{.Status}} {{.NumberOfContainers}}'
	is "$output" "Exited 3" "all exited"
	run_pm 0 create --pod st --name s3 --stop-signal KILL "$IMG" sleep 1000
	run_pm 0 pod ps --format '{{.Status}} {{.NumberOfContainers}}'
	is "$output" "Stopped 4" "exited and created, none running"
	run_pm 0 pod start st
	run_pm 0 pod ps --format '{{.Status}} {{.NumberOfContainers}} {{.ContainerStatuses}}'
	is "$output" "Running 4 running,running,running,running"
	run_pm 0 pod kill st
	wait_pod_state st Exited
	run_pm 0 wait s1
	is "$output" "137" "pod kill: SIGKILL by default"
	run_pm 0 pod rm st
	nothing_left
}

@test "pod kill -s, pod stop -t: the signals reach the members; the pod's state after" {
	run_pm_split 0 pod create --name k
	local pod=$output
	run_pm 0 run -d --pod k --name term "$IMG" sh -c \
		'trap "exit 143" TERM; echo ready; while :; do sleep 0.1; done'
	run_pm 0 run -d --pod k --name deaf "$IMG" sh -c \
		'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	run_pm 0 run -d --pod k --name usr1 "$IMG" sh -c \
		'trap "exit 10" USR1; echo ready; while :; do sleep 0.1; done'
	wait_log term ready
	wait_log deaf ready
	wait_log usr1 ready

	run_pm 0 pod kill -s USR1 k
	is "$output" "$pod" "pod kill prints the id"
	run_pm 0 wait usr1
	is "$output" "10" "USR1 reached the member"
	is "$(ctr_state term) $(ctr_state deaf) $(ctr_state "$(infra_of k)")" \
		"running running running" "the others ignore USR1"
	is "$(pod_state k)" "Degraded"

	run_pm_split 0 pod stop -t 1 k
	is "$output" "$pod" "pod stop prints the id"
	run_pm 0 inspect --format '{{.Name}}={{.State.ExitCode}}' term deaf
	is "$output" "term=143
deaf=137" "TERM for the one with a handler, KILL after -t for the deaf one"
	is "$(pod_state k)" "Exited"

	run_pm 125 pod kill -s BOGUS k
	assert_contains "$output" "invalid signal: BOGUS"
	run_pm 0 pod rm k
	nothing_left
}

@test "pod restart: every member runs again, with new processes" {
	run_pm_split 0 pod create --name rs
	local pod=$output p1 p2
	sleeper rs r1
	sleeper rs r2
	p1=$(q inspect --format '{{.State.Pid}}' r1)
	p2=$(q inspect --format '{{.State.Pid}}' r2)
	run_pm 0 pod restart rs
	is "$output" "$pod" "pod restart prints the id"
	is "$(pod_state rs)" "Running"
	[ "$(q inspect --format '{{.State.Pid}}' r1)" != "$p1" ] || die "r1 was not restarted"
	[ "$(q inspect --format '{{.State.Pid}}' r2)" != "$p2" ] || die "r2 was not restarted"
	same "$(ns_of r1 net)" "$(ns_of r2 net)" "still one network after the restart"
	# restart of a stopped pod starts it
	run_pm 0 pod stop -t 0 rs
	run_pm 0 pod restart rs
	is "$(pod_state rs)" "Running"
	run_pm 0 pod rm -f -t 0 rs
	nothing_left
}

@test "pod pause/unpause: Paused with a cgroup freezer; refused and nothing changed without one" {
	run_pm_split 0 pod create --name pz
	local pod=$output
	sleeper pz z1
	run_pm '?' pod pause pz
	if [ "$status" -eq 0 ]; then
		[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || die "pod pause worked on cgroups v1"
		is "$output" "$pod" "pod pause prints the id"
		is "$(pod_state pz)" "Paused"
		is "$(ctr_state z1) $(ctr_state "$(infra_of pz)")" "paused paused"
		run_pm 0 pod unpause pz
		is "$output" "$pod" "pod unpause prints the id"
		is "$(pod_state pz)" "Running"
	elif [ "$status" -eq 125 ]; then
		assert_contains "$output" "cgroup" "the refusal says why"
		is "$(pod_state pz)" "Running" "a refused pause changed nothing"
		is "$(ctr_state z1) $(ctr_state "$(infra_of pz)")" "running running"
	else
		die "pod pause: exit code $status"
	fi
	run_pm 0 pod rm -f -t 0 pz
	nothing_left
}

@test "pod rm: a running pod needs -f; -t needs -f; nope is 1; --ignore; -a; what is printed" {
	run_pm_split 0 pod create --name a
	local ida=$output
	run_pm_split 0 pod create --name b
	local idb=$output
	run_pm_split 0 pod create --name c
	local idc=$output
	sleeper c c1

	run_pm 125 pod rm c
	assert_contains "$output" "running or paused containers cannot be removed without force"
	is "$(pod_state c)" "Running" "the refused pod rm left the pod running"
	is "$(ctr_state c1) $(ctr_state "$(infra_of c)")" "running running"
	run_pm 125 pod rm -t 0 c
	assert_contains "$output" "--force option must be specified to use the --time option"

	run_pm 1 pod rm nope
	is "$output" "Error: no pod with name or ID nope found: no such pod"
	run_pm 1 pod rm nope a
	assert_contains "$output" "nope"
	run_pm 0 pod exists a
	run_pm 0 pod rm --ignore nope
	is "$output" "" "--ignore: a missing pod is fine and silent"

	# the infra container goes only with its pod
	run_pm 125 rm -f "$(infra_of c)"
	assert_contains "$output" "is the infra container of pod"
	assert_contains "$output" "cannot be removed without removing the pod"

	run_pm 0 pod rm -f -t 0 c
	is "$output" "$idc"
	run_pm 0 pod rm -a
	is "$(sort <<<"$output" | paste -sd' ' -)" "$(printf '%s\n' "$ida" "$idb" | sort | paste -sd' ' -)" \
		"pod rm -a prints every id"
	nothing_left
}

@test "pod prune -f: removes the exited and stopped pods, keeps created and running ones" {
	run_pm 0 pod create --name pc
	run_pm 0 pod create --name pr
	sleeper pr pr1
	run_pm_split 0 pod create --name pe
	local ide=$output
	run_pm 0 pod start pe
	run_pm 0 pod stop -t 0 pe
	run_pm_split 0 pod create --name ps
	local ids=$output
	run_pm 0 pod start ps
	run_pm 0 pod stop -t 0 ps
	run_pm 0 create --pod ps "$IMG" true
	run_pm 0 pod ps --sort name --format '{{.Name}}={{.Status}}'
	is "$(paste -sd' ' - <<<"$output")" "pc=Created pe=Exited pr=Running ps=Stopped"
	run_pm 0 pod prune -f
	is "$(sort <<<"$output" | paste -sd' ' -)" "$(printf '%s\n' "$ide" "$ids" | sort | paste -sd' ' -)" \
		"pod prune prints the removed ids"
	run_pm 0 pod ps --sort name --format '{{.Name}}'
	is "$(paste -sd' ' - <<<"$output")" "pc pr"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$(grep -vc -- '-infra$' <<<"$output")" "1" "only pr1 besides the infra containers"
	run_pm 0 pod rm -f -t 0 pc pr
	nothing_left
}

@test "pod top, pod logs (-c, --tail)" {
	run_pm 0 pod create --name lg
	run_pm 0 run -d --pod lg --name l1 --stop-signal KILL "$IMG" sh -c \
		'for i in 1 2 3 4 5; do echo line$i; done; exec sleep 4242'
	run_pm 0 run -d --pod lg --name l2 --stop-signal KILL "$IMG" sh -c \
		'echo other; echo err >&2; exec sleep 4343'
	wait_log l1 line5
	wait_log l2 err
	local id1 id2
	id1=$(ctr_id l1)
	id2=$(ctr_id l2)

	run_pm 0 pod logs -c l1 lg
	is "$output" "line1
line2
line3
line4
line5" "pod logs -c: one container, no prefix"
	run_pm 0 pod logs --tail 2 -c l1 lg
	is "$output" "line4
line5" "--tail 2"
	run_pm 0 pod logs lg
	assert_contains "$output" "${id1:0:12} line1"
	assert_contains "$output" "${id1:0:12} line5"
	assert_contains "$output" "${id2:0:12} other"
	assert_contains "$output" "${id2:0:12} err"
	is "${#lines[@]}" "7" "every line of both members, prefixed with the id"
	run_pm 125 pod logs -c nope lg
	assert_contains "$output" "nope"
	run_pm 125 pod logs nope
	assert_contains "$output" "no pod with name or ID nope found"

	run_pm 0 pod top lg
	is "${lines[0]}" "USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND" "pod top header"
	assert_contains "$output" "sleep 4242"
	assert_contains "$output" "sleep 4343"
	is "${#lines[@]}" "4" "the header, the infra and two members"
	run_pm 0 pod top lg pid args
	is "${lines[0]}" "PID +COMMAND"
	run_pm 125 pod top lg bogus
	assert_contains "$output" "unknown descriptor"
	assert_contains "$output" "bogus"
	run_pm 125 pod top nope
	assert_contains "$output" "no pod with name or ID nope found"
	run_pm 0 pod rm -f -t 0 lg
	nothing_left
}

@test "pod ps: columns, pod ls, -q, --no-trunc, --ctr-names/--ctr-ids/--ctr-status, --sort" {
	run_pm_split 0 pod create --name pa --label app=web --label tier=1
	local pa=$output infra
	infra=$(infra_of pa)
	sleeper pa a1
	run_pm 0 create --pod pa --name a2 "$IMG" true
	run_pm_split 0 pod create --name pb --infra=false
	local pb=$output
	run_pm 0 create --pod pb --name b1 "$IMG" true
	local a1 a2 b1
	a1=$(ctr_id a1)
	a2=$(ctr_id a2)
	b1=$(ctr_id b1)

	run_pm 0 pod ps
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +# OF CONTAINERS" "header"
	is "${#lines[@]}" "3"
	is "${lines[1]}" "${pb:0:12} +pb +Created +.* ago +1" "newest first; no infra id"
	is "${lines[2]}" "${pa:0:12} +pa +Degraded +.* ago +${infra:0:12} +3"
	run_pm 0 pod ls
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +# OF CONTAINERS" "pod ls"
	is "${#lines[@]}" "3"
	run_pm 0 pod ps -q
	is "$output" "$pb
$pa" "-q: the full ids"
	run_pm 0 pod ps --no-trunc
	is "${lines[2]}" "$pa +pa +Degraded +.* ago +$infra +3" "--no-trunc"

	run_pm 0 pod ps --ctr-names --sort name
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +NAMES"
	is "$(sorted_csv "$(awk '{print $NF}' <<<"${lines[1]}")")" "$(sorted_csv "${pa:0:12}-infra,a1,a2")"
	is "${lines[2]}" "${pb:0:12} +pb +Created +.* +b1"
	run_pm 0 pod ps --ctr-ids --sort name
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +IDS"
	is "$(sorted_csv "$(awk '{print $NF}' <<<"${lines[1]}")")" \
		"$(sorted_csv "${infra:0:12},${a1:0:12},${a2:0:12}")"
	run_pm 0 pod ps --ctr-status --sort name
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +STATUS"
	is "$(sorted_csv "$(awk '{print $NF}' <<<"${lines[1]}")")" "created,running,running"
	run_pm 0 pod ps --ctr-names --ctr-ids --ctr-status --sort name
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +IDS +NAMES +STATUS"
	is "${lines[2]}" "${pb:0:12} +pb +Created +.* +${b1:0:12} +b1 +created"
	run_pm 0 pod ps --no-trunc --ctr-ids --sort name
	is "${lines[2]}" "$pb +pb +Created +.* +$b1"

	run_pm 0 pod ps --sort name --format '{{.Name}}'
	is "$(paste -sd' ' - <<<"$output")" "pa pb"
	run_pm 0 pod ps --sort number --format '{{.Name}}'
	is "$(paste -sd' ' - <<<"$output")" "pb pa" "--sort number: fewest containers first"
	run_pm 0 pod ps --sort status --format '{{.Name}}'
	is "$(paste -sd' ' - <<<"$output")" "pb pa" "--sort status: Created before Degraded"
	run_pm 0 pod ps --sort id --format '{{.ID}}'
	is "$(paste -sd' ' - <<<"$output")" "$(printf '%s\n' "${pa:0:12}" "${pb:0:12}" | sort | paste -sd' ' -)"
	run_pm 0 pod ps --sort created --format '{{.Name}}'
	is "$(paste -sd' ' - <<<"$output")" "pb pa" "--sort created: newest first"
	run_pm 125 pod ps --sort bogus
	assert_contains "$output" "invalid option for --sort"
	run_pm 0 pod rm -f -t 0 pa pb
	nothing_left
}

@test "pod ps --format: Go templates, table, json" {
	skip_if_missing jq
	run_pm_split 0 pod create --name pa --label app=web --label tier=1
	local pa=$output infra
	infra=$(infra_of pa)
	sleeper pa a1
	run_pm 0 create --pod pa --name a2 "$IMG" true
	run_pm_split 0 pod create --name pb --infra=false
	local pb=$output
	run_pm 0 create --pod pb --name b1 "$IMG" true

	run_pm 0 pod ps --sort name --format \
		'{{.ID}}|{{.Name}}|{{.Status}}|{{.NumberOfContainers}}|{{.InfraID}}|{{.Labels}}'
	is "$output" "${pa:0:12}\|pa\|Degraded\|3\|${infra:0:12}\|map\[app:web tier:1\]
${pb:0:12}\|pb\|Created\|1\|\|map\[\]"
	run_pm 0 pod ps --filter name=pb --format '{{.ContainerNames}} {{.ContainerStatuses}}'
	is "$output" "b1 created"
	run_pm 0 pod ps --filter name=pa --format '{{.Labels.app}}'
	is "$output" "web"
	run_pm 0 pod ps --sort name --format 'table {{.Name}}\t{{.Status}}'
	is "${lines[0]}" "NAME +STATUS" "table: a header"
	is "${lines[1]}" "pa +Degraded"
	is "${lines[2]}" "pb +Created"
	run_pm 125 pod ps --format '{{.Bogus}}'
	assert_contains "$output" "Bogus"

	run_pm_split 0 pod ps --format json
	local j=$output
	is "$(jq -r 'type, length' <<<"$j" | paste -sd' ' -)" "array 2"
	local a='.[] | select(.Name == "pa")'
	is "$(jq -r "$a | .Id" <<<"$j")" "$pa"
	is "$(jq -r "$a | .Status" <<<"$j")" "Degraded"
	is "$(jq -r "$a | .InfraId" <<<"$j")" "$infra"
	is "$(jq -r "$a | .Labels.app" <<<"$j")" "web"
	is "$(jq -r "$a | .Created" <<<"$j")" "[0-9]{4}-[0-9]{2}-[0-9]{2}T.*"
	is "$(jq -r "[$a | .Containers[] | .Names + \"=\" + .Status] | sort | join(\",\")" <<<"$j")" \
		"$(sorted_csv "${pa:0:12}-infra=running,a1=running,a2=created")"
	is "$(jq -r "[$a | .Containers[].Id | length] | unique | join(\",\")" <<<"$j")" "64" \
		"full container ids"
	is "$(jq -r '.[] | select(.Name == "pb") | .InfraId' <<<"$j")" "" "no infra: InfraId empty"
	run_pm 0 pod rm -f -t 0 pa pb
	nothing_left
}

@test "pod ps --filter: name, id, label, status, ctr-names; bad filters are 125" {
	run_pm_split 0 pod create --name pa --label app=web --label tier=1
	local pa=$output
	sleeper pa a1
	run_pm 0 create --pod pa --name a2 "$IMG" true
	run_pm_split 0 pod create --name pb --infra=false
	local pb=$output
	run_pm 0 create --pod pb --name b1 "$IMG" true

	# filter VALUE... -> the names listed (sorted)
	names_for() {
		local args=() f
		for f in "$@"; do args+=(--filter "$f"); done
		run_pm 0 pod ps "${args[@]}" --format '{{.Name}}' >&2
		sort <<<"$output" | paste -sd' ' -
	}
	is "$(names_for name=pa)" "pa"
	is "$(names_for 'name=^p')" "pa pb" "name= is a regex"
	is "$(names_for name=nope)" ""
	is "$(names_for "id=^${pa:0:8}")" "pa" "id= prefix"
	is "$(names_for "id=$pb")" "pb" "id= full"
	is "$(names_for label=app=web)" "pa"
	is "$(names_for label=app)" "pa"
	is "$(names_for label=app=db)" ""
	is "$(names_for status=created)" "pb"
	is "$(names_for status=degraded)" "pa"
	is "$(names_for status=running)" ""
	is "$(names_for 'ctr-names=^b1$')" "pb"
	is "$(names_for name=pa status=created)" "" "two keys: both must match"
	is "$(names_for name=pa name=pb)" "pa pb" "one key twice: either"
	run_pm 0 pod ps -q --filter name=pb
	is "$output" "$pb"

	run_pm 125 pod ps --filter status=bogus
	assert_contains "$output" "bogus is not a valid pod status"
	run_pm 125 pod ps --filter bogus=1
	assert_contains "$output" "bogus is an invalid filter"
	run_pm 0 pod rm -f -t 0 pa pb
	nothing_left
}

@test "pod ps --filter ctr-names= matches any member, not only the first" {
	skip_if_podman "podman 4.3 compares only the first container of each pod (a return in the loop)"
	run_pm 0 pod create --name pa
	run_pm 0 create --pod pa --name a1 "$IMG" true
	run_pm 0 create --pod pa --name a2 "$IMG" true
	run_pm 0 pod create --name pb
	run_pm 0 pod ps --filter 'ctr-names=^a1$' --format '{{.Name}}'
	is "$output" "pa"
	run_pm 0 pod ps --filter 'ctr-names=^a2$' --format '{{.Name}}'
	is "$output" "pa"
	run_pm 0 pod ps --filter 'ctr-names=-infra$' --format '{{.Name}}'
	is "$(sort <<<"$output" | paste -sd' ' -)" "pa pb"
	run_pm 0 pod rm pa pb
	nothing_left
}

@test "pod create --exit-policy: stop ends the infra when the last member exits; continue keeps it" {
	run_pm 0 pod create --name ep --exit-policy stop
	sleeper ep long
	run_pm 0 run -d --pod ep --name short "$IMG" true
	run_pm 0 wait short
	is "$(ctr_state "$(infra_of ep)")" "running" "a member still runs: the infra stays"
	is "$(pod_state ep)" "Degraded"
	run_pm 0 stop -t 0 long
	wait_pod_state ep Exited
	is "$(ctr_state "$(infra_of ep)")" "exited" "the last member exited: the infra stopped"

	run_pm 0 pod create --name ec
	run_pm 0 run -d --pod ec --name once "$IMG" true
	run_pm 0 wait once
	is "$(ctr_state "$(infra_of ec)")" "running" "--exit-policy continue: the infra runs on"
	is "$(pod_state ec)" "Degraded"
	run_pm 0 pod rm -f -t 0 ep ec
	nothing_left
}

# ---- bad input ------------------------------------------------------------------------------

@test "pod: a missing pod is 125 naming it (rm: 1, exists: 1), nothing made" {
	local verb
	for verb in start stop restart kill; do
		run_pm 125 pod "$verb" nope
		is "$output" "Error: no pod with name or ID nope found: no such pod" "pod $verb nope"
	done
	run_pm 1 pod rm nope
	is "$output" "Error: no pod with name or ID nope found: no such pod"
	run_pm 1 pod exists nope
	run_pm 125 pod inspect nope
	assert_contains "$output" "no such pod nope"
	run_pm 125 run --rm --pod nope "$IMG" true
	is "$output" "Error: no pod with name or ID nope found: no such pod" "run --pod nope"
	run_pm 125 create --pod nope "$IMG" true
	is "$output" "Error: no pod with name or ID nope found: no such pod" "create --pod nope"
	nothing_left
}

@test "pod create: bad input is 125 naming it, nothing made" {
	run_pm 125 pod create --share bogus
	is "$output" "Error: invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none"
	run_pm 125 pod create --share net,bogus
	assert_contains "$output" "invalid kernel namespace to share: bogus"
	run_pm 125 pod create --exit-policy bogus
	assert_contains "$output" 'invalid pod exit policy: "bogus"'
	run_pm 125 pod create --infra=false -p 8080:80
	assert_contains "$output" "you must have an infra container to publish port bindings to the host"
	run_pm 125 pod create --infra=false --share net
	assert_contains "$output" "cannot set share(net) namespaces without an infra container"
	run_pm 125 pod create --name bad/name
	assert_contains "$output" "names must match"
	run_pm 125 pod create -p 80x
	assert_contains "$output" "80x"
	run_pm 125 pod create -p 70000:80
	assert_contains "$output" "70000"
	run_pm 125 run --rm --pod new: "$IMG" true
	is "$output" "Error: new pod name must be at least one character"
	nothing_left

	run_pm_split 0 pod create --name dup
	local id=$output
	run_pm 125 pod create --name dup
	is "$output" 'Error: adding pod to state: name "dup" is in use: pod already exists'
	run_pm 0 pod ps -q
	is "$output" "$id" "only the first pod"
	run_pm 0 ps -aq
	is "$(wc -l <<<"$output")" "1" "only its infra"
	run_pm 0 pod rm dup
	nothing_left
}

@test "pod stats: without cgroup v2, 125 saying so; --all with a pod is 125" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "a cgroup v2 host: the VM tier tests pod stats' figures"
	run_pm 0 pod create --name st
	run_pm 125 pod stats --no-stream st
	assert_contains "$output" "cgroups v2"
	run_pm 125 pod stats --no-stream -a st
	assert_contains "$output" "--all, --latest and arguments cannot be used together"
	run_pm 0 pod rm st
	nothing_left
}

@test "pod create --network bogus: 125 naming it, nothing made" {
	skip_if_podman "podman 4.3 leaves the pod behind (without its infra) when the network is unknown"
	run_pm 125 pod create --name nb --network bogus
	assert_contains "$output" "bogus"
	nothing_left
}

# ---- crash and truth -------------------------------------------------------------------------

@test "pod: kill -9 of the infra process: pod ps says so; pod rm -f cleans everything" {
	run_pm 0 pod create --name cr
	sleeper cr cm
	local infra pid
	infra=$(infra_of cr)
	pid=$(q inspect --format '{{.State.Pid}}' "$infra")
	[ "$pid" -gt 0 ] || die "no pid for the infra"
	kill -9 "$pid"
	wait_pod_state cr Degraded
	wait_ctr_state "$infra" exited
	is "$(ctr_state cm)" "running" "the member runs on"
	run_pm 0 pod ps --format '{{.Name}} {{.Status}}'
	is "$output" "cr Degraded"
	run_pm 0 pod rm -f -t 0 cr
	nothing_left

	# a pod with only its infra: Exited
	run_pm 0 pod create --name solo
	run_pm 0 pod start solo
	pid=$(q inspect --format '{{.State.Pid}}' "$(infra_of solo)")
	kill -9 "$pid"
	wait_pod_state solo Exited
	run_pm 0 pod rm solo
	nothing_left
}

@test "pod: 10 concurrent run -d --pod all join" {
	run_pm 0 pod create --name cc
	local i pids=() failed=0
	for i in $(seq 1 10); do
		timeout 120 "${PM_CMD[@]}" run -d --pod cc --name "c$i" --stop-signal KILL "$IMG" \
			sleep 1000 >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		if ! wait "${pids[$i]}"; then
			echo "run c$((i + 1)) failed: $(cat "$BATS_TEST_TMPDIR/run.$((i + 1))")"
			failed=1
		fi
	done
	[ "$failed" -eq 0 ] || die "a concurrent run failed"
	run_pm 0 pod inspect --format '{{.NumContainers}} {{.State}}' cc
	is "$output" "11 Running" "ten members and the infra, all running"
	run_pm 0 ps --filter pod=cc --format '{{.Names}}'
	is "$(grep -c '^c[0-9]*$' <<<"$output")" "10"
	local net
	net=$(ns_of c1 net)
	for i in $(seq 2 10); do
		same "$(ns_of "c$i" net)" "$net" "c$i in the pod's network"
	done
	run_pm 0 pod rm -f -t 0 cc
	nothing_left
}
