#!/usr/bin/env bats
# 135-tail-audit2: the gaps a second audit of issue #18 against podman 4.3.1 found in the
# commands the first one (124) left out: pod start/stop/restart/kill/pause/unpause/rm
# --latest and podman's words for a selection that does not add up, ... Runs against
# podman too.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

@test "pod start/stop/kill/rm --latest act on the newest pod; podman's words for bad selections" {
	run_pm 0 pod create --name q1
	run_pm 0 pod create --name q2
	local id2=$output
	run_pm 0 pod start -l
	is "$output" "$id2"
	run_pm 0 pod inspect --format '{{.Name}} {{.State}}' q1 q2
	is "$output" "q1 Created
q2 Running"
	run_pm 0 pod stop -t 0 --latest
	is "$output" "$id2"
	run_pm 125 pod stop -l q1
	is "$output" "Error: --latest and containers cannot be used together"
	run_pm 125 pod kill -a -l
	is "$output" "Error: --all and --latest cannot be used together"
	run_pm 125 pod start -a q1
	is "$output" "Error: no arguments are needed with --all"
	run_pm 125 pod stop -l --pod-id-file "$BATS_TEST_TMPDIR/nonexist"
	is "$output" "Error: --all, --latest, and --pod-id-file cannot be used together"
	run_pm 125 pod rm --pod-id-file "$BATS_TEST_TMPDIR/nonexist" q1
	is "$output" "Error: no arguments are needed with --latest or --pod-id-file"
	run_pm 0 pod rm -l
	is "$output" "$id2"
	run_pm 1 pod exists q2
	run_pm 0 pod rm --latest
	run_pm 125 pod restart -l
	is "$output" "Error: no such pod"
	run_pm 1 pod rm -l
	is "$output" "Error: no such pod"
	run_pm 0 pod rm -l -i
	is "$output" ""
}

@test "generate systemd --start-timeout: TimeoutStartSec= in a container's unit, not a pod's" {
	run_pm 0 create --name g1 $IMG sleep 1000
	run_pm 0 generate systemd --start-timeout 5 g1
	assert_contains "$output" "TimeoutStartSec=5
TimeoutStopSec=70"
	run_pm 0 generate systemd --new --start-timeout=9 g1
	assert_contains "$output" "TimeoutStartSec=9"
	run_pm 0 generate systemd g1
	assert_not_contains "$output" "TimeoutStartSec"
	run_pm 0 generate systemd --start-timeout 0 g1
	assert_not_contains "$output" "TimeoutStartSec"
	run_pm 0 pod create --name gp
	run_pm 0 generate systemd --start-timeout 7 gp
	assert_not_contains "$output" "TimeoutStartSec"
	run_pm 125 generate systemd --start-timeout=x g1
	assert_contains "$output" 'Error: invalid argument "x" for "--start-timeout" flag: strconv.ParseUint: parsing "x": invalid syntax'
	run_pm 0 rm g1
	run_pm 0 pod rm gp
}

@test "top with ps(1) options runs ps in the container (podman's fallback); pod top does not" {
	run_pm 0 run -d --name t1 $IMG sleep 1000
	run_pm 0 top t1 -ef
	is "${lines[0]}" "PID +USER +COMMAND"
	is "${lines[1]}" " +1 root +sleep 1000"
	is "${#lines[@]}" 2 "the ps of the fallback is not listed"
	run_pm 0 top t1 -o pid,comm
	is "${lines[0]}" "PID +COMMAND"
	is "${lines[1]}" " +1 sleep"
	run_pm 125 top t1 --bogus
	assert_contains "$output" "Error: executing ps(1) in the container: runtime failed with exit status: 1 and output: ps: unrecognized option"
	run_pm 0 top t1 pid comm
	is "$output" "PID +COMMAND
1 +sleep"
	run_pm 0 create --name t2 $IMG true
	run_pm 125 top t2 -ef
	is "$output" "Error: top can only be used on running containers"
	run_pm 0 rm -f -t 0 t1 t2
	run_pm 0 pod create --name tp
	run_pm 0 run -d --pod tp $IMG sleep 1000
	run_pm 125 pod top tp -ef
	assert_contains "$output" "unknown descriptor"
	assert_contains "$output" "-ef"
	run_pm 0 pod rm -f -t 0 tp
}

@test "secret inspect --pretty: podman's human-readable lines, labels sorted" {
	printf 'x' >"$BATS_TEST_TMPDIR/sec"
	run_pm 0 secret create s1 "$BATS_TEST_TMPDIR/sec"
	local id1=$output
	run_pm 0 secret create -l b=2 -l a=1 s2 "$BATS_TEST_TMPDIR/sec"
	local id2=$output
	local t='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ \+0000 UTC'
	run_pm 0 secret inspect --pretty s1 s2
	is "$output" "ID:              $id1
Name:              s1
Driver:            file
Created at:        $t
Updated at:        $t
ID:              $id2
Name:              s2
Labels:
 - a=1
 - b=2
Driver:            file
Created at:        $t
Updated at:        $t"
	run_pm 0 secret inspect --pretty --format '{{.ID}}' s1
	assert_contains "${lines[0]}" "ID:              $id1" "--pretty wins over --format"
	run_pm 125 secret inspect --pretty s1 nosuch
	assert_contains "$output" "Name:              s1"
	assert_contains "$output" 'Error: inspecting secret: no secret with name or id "nosuch": no such secret'
	run_pm 0 secret rm s1 s2
}

@test "pod create --infra-name names the infra; --label-file labels, --label wins" {
	run_pm 0 pod create --infra-name myinfra --name ip1
	run_pm 0 ps -a --format '{{.Names}} {{.IsInfra}}'
	is "$output" "myinfra true"
	run_pm 125 pod create --infra-name myinfra --name ip2
	assert_contains "$output" 'the container name "myinfra" is already in use'
	# podman 4.3 leaves the pod ip2 behind, infra-less; pm makes nothing
	is_podman || run_pm 1 pod exists ip2
	run_pm 0 pod create --infra=false --infra-name x --name ip3
	printf 'a=1\n  # a comment\n\nnokey\n  b=2\nc=x=y\n' >"$BATS_TEST_TMPDIR/labels"
	run_pm 0 pod create --label-file "$BATS_TEST_TMPDIR/labels" -l b=3 --name ip4
	run_pm 0 pod inspect --format '{{.Labels}}' ip4
	is "$output" "map\[a:1 b:3 c:x=y\]"
	run_pm 125 pod create --label-file "$BATS_TEST_TMPDIR/nonexist" --name ip5
	is "$output" "Error: unable to process labels: open $BATS_TEST_TMPDIR/nonexist: no such file or directory"
	run_pm 1 pod exists ip5
	run_pm 0 pod rm -f -a
}

@test "pod ps --ns adds the CGROUP and NAMESPACES columns" {
	run_pm 0 pod create --name nsp
	run_pm 0 pod ps --ns
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +CGROUP +NAMESPACES +# OF CONTAINERS"
	is "${lines[1]}" "[0-9a-f]{12} +nsp +Created +.* +[0-9a-f]{12} +.* 1"
	run_pm 0 pod ps --ns --ctr-names
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +NAMES +CGROUP +NAMESPACES"
	run_pm 0 pod ps --ns --format 'table {{.Name}} {{.Namespace}}|'
	is "$output" "NAME +NAMESPACES\|
nsp +\|"
	run_pm 0 pod rm nsp
}

@test "ps --sync, container exists --external, system migrate --new-runtime are accepted" {
	run_pm 0 create --name x1 $IMG true
	run_pm 0 ps -a --sync --format '{{.Names}}'
	is "$output" "x1"
	run_pm 0 container exists --external x1
	run_pm 1 container exists --external nosuch
	is "$output" ""
	run_pm 0 rm x1
	# podman 4.3 would switch its containers to another OCI runtime: there are none here
	run_pm 0 system migrate --new-runtime runc
}

@test "diff IMAGE / image diff: the top layer against its parents; podman's messages" {
	run_pm 0 load -i "$(pm_test_image docker2)"
	run_pm 0 diff localhost/busybox2
	is "$(sort <<<"$output")" "A /hello
C /etc
D /etc/motd"
	run_pm 0 image diff --format json localhost/busybox2
	is "$(tr -d ' \n' <<<"$output")" '\{"changed":\["/etc"\],"added":\["/hello"\],"deleted":\["/etc/motd"\]\}'
	# one layer: everything is added, less the paths the runtime provides
	run_pm 0 diff $IMG
	assert_contains "$output" "A /bin/busybox"
	assert_not_contains "$output" "A /etc/hosts"
	assert_not_contains "$output" "A /proc"
	assert_not_contains "$output" "A /dev"
	run_pm 0 create --name d1 $IMG true
	run_pm 0 diff d1
	is "$output" "" "the container diff leaves out the files the runtime provides too"
	run_pm 125 diff nosuch
	is "$output" "Error: nosuch not found: layer not known"
	run_pm 125 container diff $IMG
	is "$output" "Error: $IMG not found: container not known"
	run_pm 125 image diff nosuch
	is "$output" "Error: nosuch not found: nosuch: image not known"
	run_pm 125 image diff d1
	is "$output" "Error: d1 not found: d1: image not known"
	run_pm 125 image diff
	is "$output" "Error: accepts between 1 and 2 arg\\(s\\), received 0"
	run_pm 125 diff --format yaml d1
	is "$output" "Error: only supported value for '--format' is 'json'"
	run_pm 0 rm d1
}

@test "kube play --annotation / --no-hosts / --seccomp-profile-root" {
	cat >"$BATS_TEST_TMPDIR/k.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: kp
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
YAML
	run_pm 0 kube play --annotation a=1,b=2 --annotation c=3 --no-hosts \
		--seccomp-profile-root "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/k.yaml"
	run_pm 0 inspect --format '{{index .Config.Annotations "a"}}|{{index .Config.Annotations "b"}}|{{index .Config.Annotations "c"}}' kp-c
	is "$output" "1\|2\|3"
	run_pm 0 pod inspect --format '{{.InfraConfig.NoManageHosts}}' kp
	is "$output" "true"
	run_pm 0 exec kp-c cat /etc/hosts
	is "$output" "$(cat "$(pm_test_image rootfs)/etc/hosts")" "the image's /etc/hosts"
	run_pm 0 kube down "$BATS_TEST_TMPDIR/k.yaml"
	if ! is_podman; then # podman 4.3 panics (index out of range)
		run_pm 125 kube play --annotation nokey "$BATS_TEST_TMPDIR/k.yaml"
		is "$output" "Error: annotation 'nokey': must be formatted KEY=VALUE"
		run_pm 1 pod exists kp
	fi
}

@test "image prune --filter: images' filters select what is pruned" {
	run_pm 0 load -i "$(pm_test_image docker2)"
	local id2
	id2=$("${PM_CMD[@]}" image inspect --format '{{.Id}}' localhost/busybox2)
	run_pm 0 image prune -a -f --filter label=org.pm.test=nomatch
	is "$output" ""
	run_pm 0 image prune -a -f --filter reference=localhost/busybox2
	is "$output" "$id2"
	run_pm 0 image exists $IMG
	run_pm 1 image exists localhost/busybox2
	# (podman 4.3 checks a filter's key and value only when there is an image)
	run_pm 125 image prune -f --filter label
	is "$output" "Error: filter input must be in the form of filter=value: label is invalid"
	run_pm 125 image prune -f --filter bogus=1
	is "$output" 'Error: unsupported image filter "bogus"'
	run_pm 125 image prune -f --filter until=x
	is "$output" 'Error: failed to parse value as time or duration: "x"'
	# the test images are dated 1970
	run_pm 0 image prune -a -f --filter until=2000-01-01T00:00:00Z
	run_pm 1 image exists $IMG
}

@test "system prune --filter applies to the images too; a bad filter stops it with no total" {
	run_pm 0 system prune -a -f --filter label=org.pm.test=nomatch
	is "$output" "Total reclaimed space: .*"
	run_pm 0 image exists $IMG
	run_pm 125 system prune -f --filter bogus=1
	is "$output" "Error: bogus is an invalid filter"
	run_pm 0 system prune -a -f --filter until=2000-01-01T00:00:00Z
	assert_contains "$output" "Deleted Images"
	run_pm 1 image exists $IMG
}

@test "load: a missing input file and an argument get podman's messages, before any progress line" {
	run_pm 125 load -i "$BATS_TEST_TMPDIR/nonexist"
	is "$output" "Error: stat $BATS_TEST_TMPDIR/nonexist: no such file or directory"
	run_pm 125 load -i "$(pm_test_image)" extra
	is "$output" 'Error: `[a-z]+ load` takes no arguments'
}

@test "attach --latest / -l attaches to the newest container; podman's words without one" {
	run_pm 125 attach -l
	is "$output" "Error: no such container"
	run_pm 0 run -d --name at1 $IMG sh -c 'sleep 2; echo out; exit 3'
	# pm returns the container's status, as docker; podman 4.3 returns 0 here
	run_pm '?' attach -l
	is "$output" "out"
	is_podman || is "$status" 3
	run_pm 125 attach -l at1
	is "$output" "Error: --latest and containers cannot be used together"
	run_pm 125 attach
	is "$output" 'Error: "[a-z]+ attach" requires a name, id, or the "--latest" flag'
	run_pm 0 rm at1
}

@test "start --sig-proxy needs --attach" {
	run_pm 0 create --name sp1 $IMG echo hi
	run_pm 125 start --sig-proxy sp1
	is "$output" "Error: you cannot use sig-proxy without --attach: invalid argument"
	run_pm 0 start -a --sig-proxy=false sp1
	is "$output" "hi"
	run_pm 0 rm sp1
}

@test "logs without a container: podman's message" {
	run_pm 125 logs
	is "$output" "Error: specify at least one container name or ID to log"
}

@test "argument-count mistakes get cobra's and podman's words" {
	run_pm 125 history
	is "$output" "Error: accepts 1 arg\(s\), received 0"
	run_pm 125 tag $IMG
	is "$output" "Error: requires at least 2 arg\(s\), only received 1"
	run_pm 125 pod create a b
	is "$output" "Error: accepts at most 1 arg\(s\), received 2"
	run_pm 125 images a b
	is "$output" "Error: accepts at most 1 arg\(s\), received 2"
	run_pm 125 info extra
	is "$output" 'Error: `[a-z]+ info` takes no arguments'
	for c in inspect "image inspect" "pod inspect"; do
		run_pm 125 $c
		is "$output" "Error: no names or ids specified" "$c"
	done
	run_pm 125 pod inspect -l p
	is "$output" "Error: --latest and arguments cannot be used together"
	for c in rm stop kill restart pause unpause; do
		run_pm 125 $c
		is "$output" "Error: you must provide at least one name or id" "$c"
	done
	run_pm 125 wait
	is "$output" 'Error: "[a-z]+ wait" requires a name, id, or the "--latest" flag'
	run_pm 125 top
	is "$output" "Error: you must provide the name or id of a running container"
}

@test "secret create NAME - reads stdin itself (a socket or another user's pipe cannot be reopened)" {
	skip_if_missing python3
	# podman 4.3 takes only a pipe or a file as stdin here
	skip_if_podman "a socket as stdin: podman says 'data must be passed into stdin'"
	# a socket as stdin: /dev/stdin cannot be opened, fd 0 can be read
	python3 -c 'import socket, subprocess, sys
a, b = socket.socketpair(); b.sendall(b"sock-secret"); b.close()
sys.exit(subprocess.call(sys.argv[1:], stdin=a))' "${PM_CMD[@]}" secret create s1 - ||
		die "secret create from a socket failed"
	run_pm 0 run --rm --secret s1 $IMG cat /run/secrets/s1
	is "$output" "sock-secret"
	run_pm 0 secret rm s1
}

@test "secret create NAME - from a pipe; empty stdin is podman's size error" {
	printf 'piped' | "${PM_CMD[@]}" secret create s1 - || die "secret create from a pipe failed"
	run_pm 0 run --rm --secret s1 $IMG cat /run/secrets/s1
	is "$output" "piped"
	local out
	out=$(printf '' | "${PM_CMD[@]}" secret create s2 - 2>&1) && die "an empty pipe was taken"
	is "$out" "Error: secret data must be larger than 0 and less than 512000 bytes"
	run_pm 0 secret rm s1
}

@test "generate kube / kube generate of an unknown name: podman's message" {
	run_pm 125 generate kube nosuch
	is "$output" 'Error: name or ID "nosuch" not found'
	run_pm 125 kube generate nosuch
	is "$output" 'Error: name or ID "nosuch" not found'
}

@test "volume import of a missing file: Go's words" {
	run_pm 0 volume create vi
	run_pm 125 volume import vi "$BATS_TEST_TMPDIR/nonexist"
	is "$output" "Error: open $BATS_TEST_TMPDIR/nonexist: no such file or directory"
	run_pm 0 volume rm vi
}

@test "exec / run --env-file of a missing file: podman's words, nothing made" {
	run_pm 0 run -d --name ef $IMG sleep 1000
	run_pm 125 exec --env-file "$BATS_TEST_TMPDIR/nonexist" ef true
	is "$output" "Error: parsing env file \"$BATS_TEST_TMPDIR/nonexist\": open $BATS_TEST_TMPDIR/nonexist: no such file or directory"
	run_pm 125 run --name ef2 --env-file "$BATS_TEST_TMPDIR/nonexist" $IMG true
	is "$output" "Error: parsing env file \"$BATS_TEST_TMPDIR/nonexist\": open $BATS_TEST_TMPDIR/nonexist: no such file or directory"
	run_pm 1 container exists ef2
	run_pm 0 rm -f -t 0 ef
}

@test "volume reload and system renumber: nothing to do, exit 0, no output" {
	run_pm 0 volume reload
	is "$output" ""
	run_pm 0 system renumber
	is "$output" ""
	run_pm 125 system renumber extra
	is "$output" 'Error: `[a-z]+ system renumber` takes no arguments'
}

@test "cp: a missing path or parent is named as podman names it, Go's lowercase reason" {
	local H=$BATS_TEST_TMPDIR
	echo x >"$H/file"
	run_pm 0 create --name c5 $IMG true
	run_pm 125 cp c5:/no/such/file "$H/x"
	is "$output" 'Error: "/no/such/file" could not be found on container c5: no such file or directory'
	run_pm 125 cp "$H/nosuch" c5:/tmp
	is "$output" "Error: \"$H/nosuch\" could not be found on the host: no such file or directory"
	run_pm 125 cp "$H/file" c5:/missing/parent/f
	is "$output" 'Error: "/missing/parent/f" could not be found on container c5: no such file or directory'
	run_pm 125 cp c5:/etc/passwd "$H/missing/f"
	is "$output" "Error: \"$H/missing/f\" could not be found on the host: no such file or directory"
	run_pm 0 rm c5
}

@test "pod ps --filter until= selects the pods created before it" {
	run_pm 0 pod create --name pu
	local id=$output
	run_pm 0 pod ps -q --no-trunc --filter until=2099-01-01T00:00:00Z
	is "$output" "$id"
	run_pm 0 pod ps -q --filter until=2000-01-01T00:00:00Z
	is "$output" ""
	# podman: a value that is neither a time nor a duration matches nothing
	run_pm 0 pod ps -q --filter until=bogus
	is "$output" ""
	run_pm 0 pod rm pu
}

@test "info --format {{.Host.RemoteSocket.Exists}}: false, no API socket" {
	run_pm 0 info --format '{{.Host.RemoteSocket.Exists}}'
	is "$output" "false"
}

@test "images --filter without '=': podman's words" {
	run_pm 125 images --filter label
	is "$output" 'Error: invalid image filter "label": must be in the format "filter=value or filter!=value"'
}
