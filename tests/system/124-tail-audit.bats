#!/usr/bin/env bats
# 124-tail-audit: the gaps an audit of issue #18 against podman 4.3.1 found: flags podman's
# lifecycle commands share (restart/pause/unpause --filter/--latest/--cidfile, init/wait
# --latest, wait -i as --interval), ps --filter status=stopped, kill's message for a number
# past the last signal, images --filter until=/readonly=/intermediate=/containers=, the
# template fields of images, history and version podman has ({{.VirtualSize}}, {{.RepoTags}},
# {{.Tags}}, {{.Server.Version}}, ...), a field of a missing map key, info's
# ServiceIsRemote. Runs against podman too.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

status_of() {
	"${PM_CMD[@]}" inspect --format '{{.State.Status}}' "$1"
}

@test "restart --latest / --filter / --cidfile restart what they select, printed by id" {
	run_pm 0 create --name r1 $IMG sleep 1000
	local id1=$output
	run_pm 0 create --name r2 --cidfile "$BATS_TEST_TMPDIR/cid" $IMG sleep 1000
	local id2=$output
	run_pm 0 restart -t 0 --latest
	is "$output" "$id2"
	is "$(status_of r2)" "running"
	is "$(status_of r1)" "created"
	run_pm 0 restart -t 0 --filter name=r1
	is "$output" "$id1"
	is "$(status_of r1)" "running"
	run_pm 0 restart -t 0 --cidfile "$BATS_TEST_TMPDIR/cid"
	is "$output" "$id2"
	run_pm 125 restart --latest r1
	is "$output" "Error: --latest and containers cannot be used together"
	run_pm 125 restart --filter bogus=1
	is "$output" "Error: bogus is an invalid filter"
	run_pm 0 rm -f -t 0 r1 r2
}

@test "pause / unpause --latest / --filter / --cidfile: the selection is made before pausing" {
	run_pm 0 create --name p1 --cidfile "$BATS_TEST_TMPDIR/cid" $IMG sleep 1000
	local id=$output
	run_pm 125 pause --latest p1
	is "$output" "Error: --latest and containers cannot be used together"
	run_pm 125 pause --filter bogus=1
	is "$output" "Error: bogus is an invalid filter"
	# a created container cannot be paused (pm: nor anything on a cgroup v1 host): a
	# selection that names it fails, one that names nothing succeeds
	run_pm 0 pause --filter name=nomatch
	is "$output" ""
	run_pm 125 pause --filter name=p1
	run_pm 125 pause --latest
	run_pm 125 pause --cidfile "$BATS_TEST_TMPDIR/cid"
	is_podman || assert_contains "$output" "$id"
	# podman 4.3 refuses any unpause on a cgroup v1 rootless host before it selects
	if ! is_podman; then
		run_pm 0 unpause --filter name=nomatch
		run_pm 125 unpause --cidfile "$BATS_TEST_TMPDIR/cid"
		assert_contains "$output" "$id"
	fi
	run_pm 0 rm p1
	run_pm 125 pause --latest
	is "$output" "Error: no such container"
}

@test "init --latest, wait --latest; wait -i is --interval" {
	run_pm 0 create --name i1 $IMG true
	local id=$output
	run_pm 0 init --latest
	is "$output" "$id"
	run_pm 0 start i1
	run_pm 0 wait --latest
	is "$output" "0"
	run_pm 0 wait -i 100ms i1
	is "$output" "0" "-i takes the interval, not the container"
	run_pm 0 wait --interval=50ms i1
	is "$output" "0"
	run_pm 125 wait --latest i1
	is "$output" "Error: --latest and containers cannot be used together"
	run_pm 0 rm i1
	run_pm 125 wait --latest
	is "$output" "Error: no such container"
	run_pm 125 init --latest
	is "$output" "Error: no such container"
}

@test "ps --filter status=stopped lists the exited containers, as podman" {
	run_pm 0 run --name e1 $IMG true
	run_pm 0 create --name c1 $IMG true
	run_pm 0 ps -a --filter status=stopped --format '{{.Names}}'
	is "$output" "e1"
	run_pm 0 ps -a --filter status=exited --format '{{.Names}}'
	is "$output" "e1"
	run_pm 0 rm e1 c1
}

@test "kill -s with a number past the last signal: podman's message, 125" {
	run_pm 0 run -d --name k1 $IMG sleep 1000
	run_pm 125 kill -s 65 k1
	is "$output" "Error: valid signals are 1 through 64"
	run_pm 125 kill -s 99 k1
	is "$output" "Error: valid signals are 1 through 64"
	is "$(status_of k1)" "running"
	run_pm 0 rm -f -t 0 k1
}

@test "images --filter until= / readonly= / intermediate= / containers=" {
	run_pm 0 images --format '{{.Repository}}' --filter until=1h
	is "$output" "$IMG" "created at the epoch: before an hour ago"
	run_pm 0 import "$(pm_test_image rootfs-tar)" localhost/newer
	run_pm 0 images --format '{{.Repository}}' --filter until=1000
	is "$output" "$IMG" "the imported image is not before 1970-01-01T00:16:40Z"
	run_pm 0 images --format '{{.Repository}}' --filter until=2000-01-01
	is "$output" "$IMG"
	run_pm 0 rmi localhost/newer
	run_pm 0 images --format '{{.Repository}}' --filter readonly=false
	is "$output" "$IMG"
	run_pm 0 images --format '{{.Repository}}' --filter readonly=true
	is "$output" ""
	run_pm 0 images --format '{{.Repository}}' --filter intermediate=false
	is "$output" "$IMG"
	run_pm 125 images --filter readonly=maybe
	is "$output" 'Error: non-boolean value "readonly" for maybe filter: strconv.ParseBool: parsing "maybe": invalid syntax'
	run_pm 125 images --filter containers=maybe
	is "$output" 'Error: unsupported value "maybe" for containers filter'
	run_pm 125 images --filter until=maybe
	is "$output" 'Error: failed to parse value as time or duration: "maybe"'
	run_pm 0 images --format '{{.Repository}}' --filter containers=true
	is "$output" ""
	run_pm 0 images --format '{{.Repository}}' --filter containers=false
	is "$output" "$IMG"
	run_pm 0 create --name u1 $IMG true
	run_pm 0 images --format '{{.Repository}}' --filter containers=true
	is "$output" "$IMG"
	run_pm 0 images --format '{{.Repository}}' --filter containers=false
	is "$output" ""
	run_pm 0 rm u1
}

@test "images template fields: VirtualSize in bytes, CreatedAt as Go prints a time, RepoTags" {
	run_pm 0 images --format '{{.VirtualSize}}'
	is "$output" "[0-9]+"
	run_pm 0 image inspect --format '{{.VirtualSize}}' $IMG
	local vsize=$output
	run_pm 0 images --format '{{.VirtualSize}}'
	is "$output" "$vsize"
	run_pm 0 images --format '{{.CreatedAt}}'
	is "$output" "1970-01-01 00:00:00 \+0000 UTC"
	run_pm 0 images --format '{{.RepoTags}}'
	is "$output" "\[localhost/busybox:latest\]"
}

@test "templates: a field of a missing map key is <no value>, as Go's" {
	run_pm 0 images --format '{{.Labels.org.pm.test}}'
	is "$output" "<no value>"
	run_pm 0 image inspect --format '{{.Labels.no.such}}' $IMG
	is "$output" "<no value>"
	run_pm 0 create --name m1 -l a=b $IMG true
	run_pm 0 inspect --format '{{.Config.Labels.x.y}}|{{.Config.Labels.a}}' m1
	is "$output" "<no value>\|b"
	run_pm 0 rm m1
}

@test "history: {{.Tags}}, {{.CreatedAt}}; --format json is podman's raw layers" {
	run_pm 0 history --format '{{.Tags}}|{{.CreatedAt}}|{{.Created}}' $IMG
	is "$output" "\[\]\|1970-01-01 00:00:00 \+0000 UTC\|.* ago"
	run_pm 0 history --format json $IMG
	run_pm 0 image inspect --format '{{.Id}}' $IMG
	local id=$output
	run_pm 0 history --format json $IMG
	local keys
	keys=$(echo "$output" | jq -r '.[0] | keys_unsorted | join(",")')
	is "$keys" "id,created,CreatedBy,size,Created"
	is "$(echo "$output" | jq -r '.[0].id')" "$id"
	is "$(echo "$output" | jq -r '.[0].created')" "1970-01-01T00:00:00Z"
	is "$(echo "$output" | jq -r '.[0].size | type')" "number"
}

@test "version: templates name .Server too, and fall back to the client ({{.Version}})" {
	run_pm 0 version --format '{{.Client.Version}}'
	local v=$output
	run_pm 0 version --format '{{.Server.Version}}'
	is "$output" "$v"
	run_pm 0 version --format '{{.Version}}/{{.OsArch}}'
	is "$output" "$v/linux/amd64"
	run_pm 125 version --format '{{.Nope}}'
	assert_contains "$output" "can't evaluate field Nope"
	run_pm 0 version --format json
	is "$(echo "$output" | jq -r 'keys | join(",")')" "Client"
}

@test "info: Host.ServiceIsRemote is false" {
	run_pm 0 info --format '{{.Host.ServiceIsRemote}}'
	is "$output" "false"
	run_pm 0 info --format json
	is "$(echo "$output" | jq -r '.host.serviceIsRemote')" "false"
}

@test "ps: Mounts are the destinations the user asked for (--mount, --tmpfs, -v)" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	run_pm 0 create --name v1 -v "$BATS_TEST_TMPDIR/src:/bind" --tmpfs /tmp2 \
		--mount type=tmpfs,destination=/tmp3 $IMG true
	run_pm 0 create --name v0 $IMG true
	run_pm 0 ps -a --filter name=v1 --format '{{.Mounts}}'
	# podman lists them in an order of its own: compare sorted
	is "$(echo "$output" | tr -d '[]' | tr ' ' '\n' | sort | tr '\n' ' ')" "/bind /tmp2 /tmp3 "
	run_pm 0 ps -a --filter name=v1 --format json
	is "$(echo "$output" | jq -r '.[0].Mounts | sort | join(",")')" "/bind,/tmp2,/tmp3"
	run_pm 0 ps -a --filter name=v0 --format '{{.Mounts}}'
	is "$output" "\[\]"
	run_pm 0 rm v0 v1
}

@test "inspect: --type pod and network; a pod by name; {{.SizeRw}} without --size" {
	run_pm 0 pod create --name pp
	run_pm 0 inspect --type pod --format '{{.Name}}' pp
	is "$output" "pp"
	run_pm 0 inspect --format '{{.Name}}' pp
	is "$output" "pp" "all: a pod after containers, images and volumes"
	run_pm_split 125 inspect --type network pp
	is "$stderr" "Error: inspecting object: network pp: unable to find network with name or ID pp: network not found"
	run_pm_split 125 inspect --type pod nosuch
	is "$stderr" "Error: inspecting object: no such pod nosuch"
	run_pm 125 inspect --type bogus pp
	is "$output" 'Error: invalid type "bogus": must be "image", "container", "pod", "network", "volume", or "all"'
	run_pm 0 pod rm pp
	run_pm 0 create --name s1 $IMG true
	run_pm 0 inspect --format '{{.SizeRw}} {{.SizeRootFs}}' s1
	is "$output" "<nil> 0"
	run_pm 0 inspect s1
	is "$(echo "$output" | jq -c '.[0].HostConfig | [.CgroupConf, .BlkioWeightDevice, .BlkioDeviceReadBps, .BlkioDeviceWriteBps, .BlkioDeviceReadIOps, .BlkioDeviceWriteIOps]')" \
		"\[null,null,null,null,null,null\]"
	is "$(echo "$output" | jq -r '.[0].HostConfig | has("CgroupConf")')" "true"
	run_pm 0 inspect --format '{{.HostConfig.CgroupConf}} {{.HostConfig.BlkioWeightDevice}} {{.HostConfig.BlkioDeviceReadBps}}' s1
	is "$output" "map\[\] \[\] \[\]" "Go's nil map and slices"
	run_pm 0 rm s1
}

@test "run --annotation and --label-file: inspect shows them; bad values are refused" {
	printf 'a=1\n# a comment\n\n  b=two words  \nc\n' >"$BATS_TEST_TMPDIR/labels"
	run_pm 0 create --name a1 --annotation io.x=y --annotation z=1=2 \
		--label-file "$BATS_TEST_TMPDIR/labels" -l a=over $IMG true
	run_pm 0 inspect --format '{{index .Config.Annotations "io.x"}} {{index .Config.Annotations "z"}}' a1
	is "$output" "y 1=2"
	run_pm 0 inspect --format '{{.Config.Labels.a}}|{{.Config.Labels.b}}|{{.Config.Labels.c}}|' a1
	is "$output" "over\|two words  \|<no value>\|" "leading blanks go, trailing ones stay; c= is no label"
	run_pm 0 rm a1
	run_pm 125 create --label-file "$BATS_TEST_TMPDIR/nosuch" $IMG true
	assert_contains "$output" "nosuch: no such file or directory"
	run_pm 0 ps -a -q
	is "$output" "" "nothing made"
}

@test "run --env-host: the caller's environment, -e wins; --sig-proxy is accepted" {
	PM_AUDIT_A=from-host PM_AUDIT_B=host run_pm 0 run --rm --env-host -e PM_AUDIT_B=flag $IMG \
		sh -c 'echo "$PM_AUDIT_A $PM_AUDIT_B"'
	is "$output" "from-host flag"
	PM_AUDIT_A=from-host run_pm 0 run --rm --env-host=false $IMG sh -c 'echo "[$PM_AUDIT_A]"'
	is "$output" "\[\]"
	run_pm 0 run --rm --sig-proxy $IMG echo ok
	is "$output" "ok"
	run_pm 0 run --rm --sig-proxy=true $IMG echo ok
	is "$output" "ok"
}

@test "ps --filter since= / before=: created after / before the container named" {
	run_pm 0 create --name t1 $IMG true
	sleep 0.05
	run_pm 0 create --name t2 $IMG true
	local id2=$output
	sleep 0.05
	run_pm 0 create --name t3 $IMG true
	run_pm 0 ps -a --filter since=t1 --format '{{.Names}}' --sort names
	is "$output" "t2
t3"
	run_pm 0 ps -a --filter before=t3 --format '{{.Names}}' --sort names
	is "$output" "t1
t2"
	run_pm 0 ps -a --filter since=t1 --filter before=${id2:0:12} --format '{{.Names}}'
	is "$output" ""
	run_pm 0 ps -a --filter since=t1 --filter before=t3 --format '{{.Names}}'
	is "$output" "t2"
	run_pm 125 ps -a --filter since=nosuch
	is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
	run_pm 0 rm t1 t2 t3
}

@test "mount / unmount --latest; commit --iidfile; rmi --no-prune" {
	run_pm 0 create --name m1 $IMG true
	local id=$output
	run_pm 0 commit -q --iidfile "$BATS_TEST_TMPDIR/iid" m1 localhost/committed
	local iid=$output
	is "$(cat "$BATS_TEST_TMPDIR/iid")" "$iid"
	run_pm 0 rmi --no-prune localhost/committed
	assert_contains "$output" "Deleted: $iid"
	run_pm 0 unshare "${PM_CMD[@]}" mount --latest
	[ -n "$output" ] || die "mount --latest printed no mount point"
	run_pm 0 unshare "${PM_CMD[@]}" unmount --latest
	is "$output" "$id"
	run_pm 125 unmount --latest m1
	run_pm 0 rm m1
	run_pm 125 unshare "${PM_CMD[@]}" mount --latest
	assert_contains "$output" "Error: no such container"
}

@test "stop: SIGKILL at once for a PID 1 without a handler says so on stderr (pm's own)" {
	# podman waits the timeout, then warns "... failed to stop container ... resorting to
	# SIGKILL" (101); pm sees the signal is not handled and says that instead
	skip_if_podman "pm's own: podman waits for the timeout first"
	run_pm 0 run -d --name s1 $IMG sleep 1000
	run_pm_split 0 stop s1
	is "$output" "s1"
	is "$stderr" ".*StopSignal SIGTERM is not handled by PID 1 of container s1, resorting to SIGKILL at once"
	run_pm_split 0 stop s1
	is "$stderr" "" "a stopped container: nothing to say"
	run_pm 0 rm s1
}

@test "ps --filter volume=NAME[:DEST] / a bind's source; network= matches no slirp4netns container" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	run_pm 0 create --name f1 -v vv:/data $IMG true
	run_pm 0 create --name f2 -v "$BATS_TEST_TMPDIR/src:/bind" $IMG true
	run_pm 0 create --name f3 $IMG true
	run_pm 0 ps -a --filter volume=vv --format '{{.Names}}'
	is "$output" "f1"
	run_pm 0 ps -a --filter volume=vv:/data --format '{{.Names}}'
	is "$output" "f1"
	run_pm 0 ps -a --filter volume=vv:/other --format '{{.Names}}'
	is "$output" ""
	run_pm 0 ps -a --filter volume="$BATS_TEST_TMPDIR/src" --format '{{.Names}}'
	is "$output" "f2"
	run_pm 0 ps -a --filter volume=vv --filter volume="$BATS_TEST_TMPDIR/src" --format '{{.Names}}' --sort names
	is "$output" "f1
f2"
	run_pm 0 ps -a --filter network=nosuch --format '{{.Names}}'
	is "$output" ""
	run_pm 0 rm f1 f2 f3
	run_pm 0 volume rm vv
}

@test "inspect: HostConfig.CapAdd / CapDrop against the OCI default set, sorted, as podman" {
	run_pm 0 create --name c0 $IMG true
	run_pm 0 create --name c1 --cap-drop chown --cap-add net_raw,sys_admin $IMG true
	run_pm 0 create --name c2 --privileged $IMG true
	run_pm 0 create --name c3 --cap-drop all $IMG true
	local fmt='{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}}'
	run_pm 0 inspect --format "$fmt" c0
	is "$output" '\[\] \["CAP_AUDIT_WRITE","CAP_MKNOD","CAP_NET_RAW"\]'
	run_pm 0 inspect --format "$fmt" c1
	is "$output" '\["CAP_SYS_ADMIN"\] \["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_MKNOD"\]'
	run_pm 0 inspect --format "$fmt" c2
	is "$output" '\[\] \[\]'
	run_pm 0 inspect --format "$fmt" c3
	is "$output" '\[\] \["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_MKNOD","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"\]'
	run_pm 0 rm c0 c1 c2 c3
}

@test "global --runtime and --syslog are accepted (pm runs containers itself)" {
	run_pm 0 --runtime runc run --rm $IMG echo ran
	is "$output" "ran"
	run_pm 0 --runtime=runc ps -a -q
	is "$output" ""
	# podman 4.3 fails (exit 1) on a host without a syslog socket; pm's is a no-op
	is_podman || run_pm 0 --syslog ps -a -q
}

@test "run --unsetenv / --unsetenv-all: the defaults and the image's go, -e stays" {
	run_pm 0 run --rm --unsetenv TERM $IMG env
	assert_not_contains "$output" "TERM="
	assert_contains "$output" "PATH="
	run_pm 0 run --rm --unsetenv TERM -e TERM=mine $IMG sh -c 'echo $TERM'
	is "$output" "mine"
	run_pm 0 run --rm --unsetenv-all -e A=1 $IMG /usr/bin/env
	is "$(echo "$output" | sort | tr '\n' ' ')" "A=1 HOME=/root HOSTNAME=[0-9a-f]{12} "
}

@test "run --pod-id-file: the pod whose id the file holds; --disable-content-trust is a no-op" {
	run_pm 0 pod create --pod-id-file "$BATS_TEST_TMPDIR/pod.id" --name pp
	local pod=$output
	run_pm 0 create --pod-id-file "$BATS_TEST_TMPDIR/pod.id" --name m1 $IMG true
	run_pm 0 inspect --format '{{.Pod}}' m1
	is "$output" "$pod"
	run_pm 125 create --pod pp --pod-id-file "$BATS_TEST_TMPDIR/pod.id" $IMG true
	is "$output" "Error: cannot specify both --pod and --pod-id-file"
	run_pm 0 rm m1
	run_pm 0 pod rm pp
	run_pm 0 run --rm --disable-content-trust $IMG echo ok
	is "$output" "ok"
}

@test "events: an exec that cannot start (126, 127) records no exec event, as podman" {
	run_pm 0 run -d --name x1 $IMG sleep 1000
	run_pm 126 exec x1 /etc
	run_pm 127 exec x1 /nonexist
	run_pm 0 exec x1 true
	# podman may record exec_died a moment after exec returns: wait for it
	local i
	for i in $(seq 1 50); do
		run_pm 0 events --stream=false --filter container=x1 --filter event=exec \
			--filter event=exec_died --format '{{.Status}}'
		[[ "$output" == *exec_died* ]] && break
		sleep 0.1
	done
	is "$output" "exec
exec_died"
	run_pm 0 rm -f -t 0 x1
}

@test "import: a file's mtime is the image's created time, as podman" {
	local f=$BATS_TEST_TMPDIR/rootfs.tar
	cp "$(pm_test_image rootfs-tar)" "$f"
	touch -d '2021-03-04 05:06:07' "$f"
	run_pm 0 import -q "$f" localhost/imported
	run_pm 0 images --format '{{.CreatedAt}}' localhost/imported
	local want
	want=$(date -r "$f" '+%Y-%m-%d %H:%M:%S %z %Z')
	[ "$output" = "$want" ] || die "created '$output', the file's mtime '$want'"
	run_pm 0 rmi localhost/imported
}
