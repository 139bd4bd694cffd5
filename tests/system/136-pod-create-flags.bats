#!/usr/bin/env bats
# 136-pod-create-flags: podman 4.3's `pod create` flags that are run's too (issue 18):
# -v, --volumes-from, --device, --security-opt, --sysctl, --shm-size reach every member
# (shown by their effect in a member), the pod-level limits and static network flags are
# refused where pm cannot enforce them, with run's one-line message, and bad values fail
# with exit 125 naming the value, leaving no pod and no infra container.
# Runs as the unprivileged test user; also against podman (PM="podman --runtime runc").

# shellcheck disable=SC2016 # container commands are single-quoted on purpose
# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	# podman's own infra image (vfs, catatonit) has read-only directories owned by the user,
	# which the helpers' plain rm cannot remove
	if is_podman; then chmod -R u+w "$XDG_DATA_HOME" 2>/dev/null || true; fi
	basic_teardown
}

IMG=localhost/busybox:latest

# nothing_made: no pod, no container (an infra) left behind. podman 4.3 leaves the pod of
# some failed creates (--volumes-from, --ip6, ...: "adding pod to state" at the next try):
# its leftovers are removed, not counted.
nothing_made() {
	if is_podman; then
		run_pm 0 pod rm -fa -t 0
		return 0
	fi
	run_pm 0 pod ps -q
	is "$output" "" "no pod left"
	run_pm 0 ps -aq
	is "$output" "" "no container left"
}

# ---- flags every member gets ------------------------------------------------------------------

@test "pod create -v, --device, --sysctl, --shm-size, --security-opt: seen in a member" {
	pm_load_test_image
	local dir=$BATS_TEST_TMPDIR/vol
	mkdir -p "$dir"
	echo from-the-pod >"$dir/f"
	run_pm 0 pod create --name pf -v "$dir:/mnt/v" --device /dev/null:/dev/mynull \
		--sysctl net.ipv4.ip_unprivileged_port_start=100 --shm-size 2m \
		--security-opt label=disable
	run_pm 0 run --rm --pod pf $IMG sh -c \
		'cat /mnt/v/f; cat /proc/sys/net/ipv4/ip_unprivileged_port_start; df -k /dev/shm | tail -1; ls -l /dev/mynull'
	is "${lines[0]}" "from-the-pod" "the pod's -v in a member"
	is "${lines[1]}" "100" "the pod's --sysctl in a member"
	is "$(echo "${lines[2]}" | awk '{print $2}')" "2048" "the pod's --shm-size: /dev/shm of 2048 KiB"
	[[ "${lines[3]}" == c*" 1,"*" 3 "*/dev/mynull ]] || die "the pod's --device: ${lines[3]}"
	# the member writes to the pod's volume
	run_pm 0 run --rm --pod pf $IMG sh -c 'echo back >/mnt/v/g'
	is "$(cat "$dir/g")" "back" "written through the pod's -v"
	run_pm 0 pod inspect pf
	is "$(jq -r '.security_opt[0]' <<<"$output")" "label=disable" "pod inspect security_opt"
	is "$(jq -r '.mounts[0] | "\(.Type) \(.Source) \(.Destination) \(.RW)"' <<<"$output")" \
		"bind $dir /mnt/v true" "pod inspect mounts"
	# podman 4.3 leaves the pod's devices out of pod inspect (its "devices" stays empty)
	if ! is_podman; then
		is "$(jq -r '.devices[0] | "\(.PathOnHost) \(.PathInContainer)"' <<<"$output")" \
			"/dev/null /dev/mynull" "pod inspect devices"
	fi
	run_pm 0 pod rm -f -t 0 pf
}

@test "pod create --volumes-from: a member has the other container's volumes" {
	skip_if_podman "podman 4.3: the infra of a --volumes-from pod exits at once, no member can join it"
	pm_load_test_image
	local dir=$BATS_TEST_TMPDIR/src
	mkdir -p "$dir"
	echo src-file >"$dir/f"
	run_pm 0 create --name vsrc -v "$dir:/src" $IMG true
	run_pm 0 pod create --name pvf --volumes-from vsrc
	run_pm 0 run --rm --pod pvf $IMG cat /src/f
	is "$output" "src-file" "the pod's --volumes-from in a member"
	run_pm 0 pod inspect pvf
	is "$(jq -r '.volumes_from[0]' <<<"$output")" "vsrc" "pod inspect volumes_from"
	run_pm 0 pod rm -f -t 0 pvf
	run_pm 0 rm vsrc
}

@test "pod create: bad -v, --volumes-from, --device, --sysctl, --shm-size, --security-opt" {
	run_pm_split 125 pod create --name bad1 --sysctl foo=bar
	is "$stderr" "Error: sysctl 'foo' is not allowed"
	run_pm_split 125 pod create --name bad2 --shm-size abc
	is "$stderr" "Error: unable to translate --shm-size: invalid size: 'abc'"
	# (the wording is run's: podman's numbers the option, "invalid --security-opt 1: ...")
	run_pm_split 125 pod create --name bad3 --security-opt bogus
	[[ "$stderr" == "Error: invalid --security-opt "*bogus* ]] || die "security-opt: $stderr"
	run_pm_split 125 pod create --name bad4 --volumes-from nonexist
	is "$stderr" 'Error: looking up container "nonexist" for volumes-from: no container with name or ID "nonexist" found: no such container'
	run_pm_split 125 pod create --name bad5 --device /nonexist
	is "$stderr" "Error: stat /nonexist: no such file or directory"
	run_pm_split 125 pod create --name bad6 -v /nonexist:/x
	is "$stderr" "Error: statfs /nonexist: no such file or directory"
	nothing_made
}

# ---- pod-level limits and static network flags ---------------------------------------------------

# pm-only: podman 4.3 rootless accepts pod limits where cgroups cannot enforce them (a
# hybrid host) and enforces nothing; pm refuses them with run's message, as it does run's.
@test "pod create limits: refused with run's message where cgroups cannot enforce them" {
	skip_if_podman "podman 4.3 accepts pod limits it cannot enforce on this host"
	pm_load_test_image
	local f want
	for f in "--cpuset-cpus 0" "--cpuset-mems 0" "--cpu-shares 2" "-c 2" "--memory-swap 20m" \
		"--blkio-weight 100" "--blkio-weight-device /dev/null:100"; do
		# run's own refusal on this host, word for word (nothing is made by create)
		# shellcheck disable=SC2086 # the flag and its value
		run_pm "?" create --name lim $f $IMG true
		if [ "$status" -eq 0 ]; then
			run_pm 0 rm lim
			# shellcheck disable=SC2086
			run_pm 0 pod create --name plim $f
			run_pm 0 pod rm -f plim
			continue
		fi
		is "$status" 125 "run's refusal of $f"
		want=$output
		# shellcheck disable=SC2086
		run_pm_split 125 pod create --name plim $f
		is "$stderr" "$want" "pod create $f: run's message"
		is "$(wc -l <<<"$stderr")" 1 "one line"
	done
	nothing_made
}

@test "pod create limits: bad values name the value" {
	run_pm_split 125 pod create --name bl7 --cpu-shares abc
	[[ "$stderr" == Error:*abc* ]] || die "cpu-shares: $stderr"
	run_pm_split 125 pod create --name bl8 --memory-swap zz
	[[ "$stderr" == Error:*zz* ]] || die "memory-swap: $stderr"
	run_pm_split 125 pod create --name bl9 --device-read-bps /dev/nonexist:1mb
	is "$stderr" "Error: could not parse throttle device at /dev/nonexist: no such file or directory"
	nothing_made
}

@test "pod create --ip, --ip6, --mac-address, --network-alias: refused, no bridge network" {
	local f i=0
	for f in "--ip 10.88.0.5" "--ip6 fd00::5" "--mac-address 92:d0:c6:0a:29:33" "--network-alias a"; do
		i=$((i + 1))
		# shellcheck disable=SC2086 # the flag and its value
		run_pm_split 125 pod create --name "pip$i" $f
		is "$stderr" "Error: invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking" "$f"
	done
	run_pm_split 125 pod create --name pip11 --ip 10.88.0.500
	[[ "$stderr" == Error:*10.88.0.500* ]] || die "a bad address is named: $stderr"
	nothing_made
}

# ---- the infra: image, command, monitor pid file, namespaces, cgroup parent ----------------------

@test "pod create --infra-image, --infra-command: the infra runs it (PID 1 of a member)" {
	pm_load_test_image
	run_pm 0 pod create --name pic --infra-image $IMG --infra-command "sleep 1000" --share +pid
	run_pm 0 run --rm --pod pic $IMG ps -o pid,args
	assert_contains "$output" "1 sleep 1000" "the infra's command is PID 1 of the pod"
	run_pm 0 pod rm -f -t 0 pic
}

@test "pod create --infra-conmon-pidfile: the infra's monitor pid (pm's conmon)" {
	pm_load_test_image
	local pf=$BATS_TEST_TMPDIR/infra-conmon.pid
	run_pm 0 pod create --name pcp --infra-conmon-pidfile "$pf"
	[ ! -e "$pf" ] || die "written before the infra started"
	run_pm 0 pod start pcp
	[ -s "$pf" ] || die "no pid in $pf"
	local pid
	pid=$(cat "$pf")
	kill -0 "$pid" || die "pid $pid from $pf is not running"
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' pcp
	run_pm 0 inspect --format '{{.ConmonPidFile}}' "$output"
	is "$output" "$pf" "the infra's ConmonPidFile"
	# the monitor is the parent of the infra's process
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' pcp
	run_pm 0 inspect --format '{{.State.Pid}}' "$output"
	local ppid
	ppid=$(awk '/^PPid:/ {print $2}' "/proc/$output/status")
	is "$ppid" "$pid" "the infra's parent is the pid in the file"
	run_pm 0 pod rm -f -t 0 pcp
}

@test "pod create --uts host, --pid host: the infra's namespaces, shown by pod inspect" {
	pm_load_test_image
	run_pm 0 pod create --name pns --uts host --pid host
	run_pm_split 0 pod inspect pns
	is "$(jq -r '"\(.InfraConfig.pid_ns) \(.InfraConfig.uts_ns)"' <<<"$output")" "host host" \
		"InfraConfig pid_ns, uts_ns"
	run_pm 0 run --rm --pod pns $IMG hostname
	is "$output" "$(hostname)" "a member shares the host's uts namespace through the pod"
	run_pm 0 pod rm -f -t 0 pns
	run_pm_split 125 pod create --name pns2 --pid bogus
	[[ "$stderr" == Error:*bogus* ]] || die "--pid bogus: $stderr"
	run_pm_split 125 pod create --name pns3 --uts bogus
	[[ "$stderr" == Error:*bogus* ]] || die "--uts bogus: $stderr"
	nothing_made
}

@test "pod create --cgroup-parent, --share-parent=false: pod inspect" {
	# each with its cgroup manager's kind of parent: pm's is systemd's, which wants a slice
	# (as podman's with systemd); podman 4.3 here runs with cgroupfs, which wants a path
	local parent=mygrp.slice
	if is_podman; then parent=/mygrp; fi
	run_pm 0 pod create --name pcg --cgroup-parent $parent
	run_pm 0 pod inspect --format '{{.CgroupParent}} {{.CreateCgroup}}' pcg
	is "$output" "$parent true"
	run_pm 0 pod create --name pcg2 --share-parent=false
	run_pm 0 pod inspect --format '{{.CreateCgroup}}' pcg2
	is "$output" "false"
	run_pm 0 pod rm pcg pcg2
}

# ---- the pod's user namespace from maps ----------------------------------------------------------

@test "pod create --uidmap/--gidmap: the infra's user namespace, every member's" {
	pm_load_test_image
	run_pm 0 pod create --name pum --uidmap 0:1:1000 --gidmap 0:1:1000
	run_pm 0 pod inspect --format '{{range .SharedNamespaces}}{{.}}
{{end}}' pum
	is "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" "ipc net user uts " "shared"
	run_pm 0 run --rm --pod pum $IMG sh -c 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | sed "s/^ //"'
	is "${lines[0]}" "0 1 1000" "a member's uid_map"
	is "${lines[1]}" "0 1 1000" "a member's gid_map"
	# two members, one namespace
	run_pm 0 run -d --pod pum --name um1 $IMG sleep 1000
	run_pm 0 exec um1 readlink /proc/self/ns/user
	local ns1=$output
	run_pm 0 run --rm --pod pum $IMG readlink /proc/self/ns/user
	[ "$output" = "$ns1" ] || die "two members, two user namespaces: $output, $ns1"
	run_pm_split 125 run --rm --pod pum --uidmap 0:1:10 $IMG true
	run_pm 0 pod rm -f -t 0 pum
}

@test "pod create --subuidname: run's refusal of a range beyond the rootless namespace" {
	# the test user's only range is the one its rootless namespace maps: ids a pod's own
	# namespace cannot map again (run --subuidname fails the same; so does podman 4.3,
	# "potentially insufficient UIDs or GIDs"), and nothing is left
	run_pm_split 125 pod create --name psu --subuidname "$(id -un)"
	if ! is_podman; then
		[[ "$stderr" == "Error: --subuidname $(id -un): ids "*" are beyond the rootless user namespace" ]] ||
			die "--subuidname: $stderr"
	fi
	nothing_made
}

@test "pod create --uidmap, --subuidname: bad input, and with --userns" {
	run_pm_split 125 pod create --name pb1 --uidmap bogus
	[[ "$stderr" == Error:*bogus* ]] || die "--uidmap bogus: $stderr"
	run_pm_split 125 pod create --name pb2 --subuidname nosuchuser
	[[ "$stderr" == Error:*nosuchuser* ]] || die "--subuidname nosuchuser: $stderr"
	nothing_made
}

@test "pod create --uidmap with --userns: run's mutually exclusive error" {
	run_pm_split 125 pod create --name pb3 --userns keep-id --uidmap 0:1:1000
	is "$stderr" "Error: --userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive"
	nothing_made
}
