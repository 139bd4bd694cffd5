#!/usr/bin/env bats
# 142-flag-tail: the tail of podman 4.3.1's flags and behaviours for commands pm has: rmi of a
# mounted image, kube play's --log-opt/--ip/--mac-address/--build, container cleanup, mount
# --format, update's flags, pod create --cgroupns, clone --pod, push's signing flags,
# containers.conf's cgroupns, the createContainer/startContainer hook stages. Each flag by
# its effect, error paths by podman's messages. Runs as the unprivileged test user; also
# against podman (PM="podman --runtime runc"); pm-only tests say so.

load helpers
load registry

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	registry_stop
	basic_teardown
}

IMG=localhost/busybox:latest

@test "rmi: a mounted image (image mount) is unmounted and deleted, as podman's" {
	pm_load_test_image
	run_pm 0 unshare sh -c "${PM_CMD[*]} image mount $IMG && ${PM_CMD[*]} image mount $IMG >/dev/null &&
		${PM_CMD[*]} rmi $IMG && ${PM_CMD[*]} image mount | wc -l &&
		grep -cF '$XDG_DATA_HOME' /proc/self/mountinfo; true"
	assert_contains "$output" "Untagged: $IMG" "rmi untagged it"
	assert_contains "$output" "Deleted: " "rmi deleted it"
	is "${lines[-2]}" "0" "image mount lists nothing after rmi"
	is "${lines[-1]}" "0" "no mount left under the storage"
	run_pm 0 images -q
	is "$output" "" "the image is gone"
}

# kyaml FILE IMAGE [NAME]: a one-container pod NAME (default kp) running `cat /built` once
kyaml() {
	cat >"$1" <<EOY
apiVersion: v1
kind: Pod
metadata:
  name: ${3:-kp}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $2
    command: ["sh", "-c", "cat /built 2>/dev/null || echo none"]
EOY
}

# kbuild_dir DIR NAME WORD: DIR/NAME/Containerfile, an image whose /built says WORD
kbuild_dir() {
	mkdir -p "$1/$2"
	printf 'FROM %s\nRUN echo %s > /built\n' "$IMG" "$3" >"$1/$2/Containerfile"
}

@test "kube play --build: the image built from ./NAME/Containerfile when missing, always with --build" {
	pm_load_test_image
	local d=$BATS_TEST_TMPDIR/k
	kbuild_dir "$d" kbimg one
	kyaml "$d/k.yaml" kbimg
	cd "$d"
	run_pm 0 kube play k.yaml
	assert_contains "$output" "STEP 2/2: RUN echo one > /built" "built without --build: not stored"
	assert_contains "$output" "COMMIT kbimg" "tagged with the image's name"
	run_pm 0 wait kp-c
	run_pm 0 logs kp-c
	is "$output" "one" "the container runs the built image"
	run_pm 0 image inspect --format '{{.Id}}' localhost/kbimg:latest
	local id1=$output
	run_pm 0 kube down k.yaml
	# stored: no build without --build, a new one with --build
	kbuild_dir "$d" kbimg two
	run_pm 0 kube play k.yaml
	assert_not_contains "$output" "STEP" "a stored image is not rebuilt"
	run_pm 0 kube down k.yaml
	run_pm 0 kube play --build=false k.yaml
	assert_not_contains "$output" "STEP" "--build=false builds nothing"
	run_pm 0 kube down k.yaml
	run_pm 0 kube play --build k.yaml
	assert_contains "$output" "STEP 2/2: RUN echo two > /built" "--build rebuilds"
	run_pm 0 wait kp-c
	run_pm 0 logs kp-c
	is "$output" "two" "the rebuilt image runs"
	run_pm 0 image inspect --format '{{.Id}}' localhost/kbimg:latest
	[ "$output" != "$id1" ] || die "--build made no new image"
	run_pm 0 kube down k.yaml
	run_pm 0 rmi -a -f
}

@test "kube play --context-dir: the Containerfiles under that directory; needs --build" {
	pm_load_test_image
	local d=$BATS_TEST_TMPDIR/k ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$d"
	kbuild_dir "$ctx" kbctx fromctx
	kyaml "$d/k.yaml" kbctx
	run_pm 125 kube play --context-dir "$ctx" "$d/k.yaml"
	is "$output" "Error: --build must be specified when using --context-dir option"
	run_pm 0 pod ps -q
	is "$output" "" "no pod made"
	run_pm 0 kube play --build --context-dir "$ctx" "$d/k.yaml"
	assert_contains "$output" "COMMIT kbctx"
	run_pm 0 wait kp-c
	run_pm 0 logs kp-c
	is "$output" "fromctx" "built from --context-dir"
	run_pm 0 kube down "$d/k.yaml"
	run_pm 0 rmi -a -f
}

@test "kube play --log-opt: every container's, checked as podman's" {
	pm_load_test_image
	local y=$BATS_TEST_TMPDIR/k.yaml
	kyaml "$y" "$IMG"
	run_pm 125 kube play --log-opt bad "$y"
	is "$output" 'Error: invalid log option "bad"'
	if ! is_podman; then # (podman 4.3 leaves the pod it made before the check)
		run_pm 0 pod ps -q
		is "$output" "" "no pod made"
	else
		run_pm 0 pod rm -a -f
	fi
	run_pm 0 kube play --start=false --log-opt max-size=1000 "$y"
	run_pm 0 inspect --format '{{.HostConfig.LogConfig.Size}}' kp-c
	is "$output" "1kB" "max-size on the container"
	run_pm 0 kube down "$y"
}

@test "kube play --ip, --mac-address: parsed as podman's" {
	pm_load_test_image
	local y=$BATS_TEST_TMPDIR/k.yaml
	kyaml "$y" "$IMG"
	run_pm 125 kube play --ip bad "$y"
	is "${lines[0]}" 'Error: invalid argument "bad" for "--ip" flag: invalid string being converted to IP address: bad'
	run_pm 125 kube play --ip 10.0.2.100,nope "$y"
	assert_contains "${lines[0]}" 'invalid string being converted to IP address: nope'
	run_pm 0 pod ps -q
	is "$output" "" "no pod made"
}

@test "kube play --ip, --mac-address: refused without a bridge network, nothing made (pm)" {
	skip_if_podman "podman's kube pods join its rootless bridge network"
	pm_load_test_image
	local y=$BATS_TEST_TMPDIR/k.yaml
	kyaml "$y" "$IMG"
	run_pm 125 kube play --ip 10.0.2.100 "$y"
	is "$output" "Error: invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking"
	run_pm 125 kube play --mac-address 02:42:ac:11:00:02 "$y"
	is "$output" "Error: invalid config provided: networks and static ip/mac address can only be used with Bridge mode networking"
	run_pm 125 kube play --mac-address bad "$y"
	is "$output" "Error: address bad: invalid MAC address"
	run_pm 0 pod ps -q
	is "$output" "" "no pod made"
	run_pm 0 ps -aq
	is "$output" "" "no container made"
}

@test "kube play --userns: the pod's user namespace" {
	pm_load_test_image
	local y=$BATS_TEST_TMPDIR/k.yaml
	cat >"$y" <<EOY
apiVersion: v1
kind: Pod
metadata:
  name: kp
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    command: ["cat", "/proc/self/uid_map"]
EOY
	run_pm 125 kube play --userns=bad "$y"
	is "$output" "Error: unrecognized namespace mode bad passed"
	run_pm 0 pod ps -q
	is "$output" "" "no pod made"
	run_pm 0 kube play --userns=auto "$y"
	run_pm 0 wait kp-c
	run_pm 0 logs kp-c
	# auto: one range of the subordinate ids, not the whole default map
	is "${#lines[@]}" 1 "one range"
	local size
	size=$(awk '{ print $3 }' <<<"${lines[0]}")
	[ "$size" -lt 65536 ] || die "--userns=auto gave the whole map: ${lines[0]}"
	run_pm 0 kube down "$y"
}

@test "container cleanup: --latest, --rmi, --exec and podman's conflicts" {
	pm_load_test_image
	run_pm 0 run --name cl1 $IMG true
	run_pm 0 container cleanup cl1
	is "$output" "cl1" "the name as given"
	run_pm 0 container cleanup --latest
	is "$output" "[0-9a-f]{64}" "--latest: the id"
	run_pm 125 container cleanup -l cl1
	is "$output" "Error: --latest and containers cannot be used together"
	run_pm 125 container cleanup -l -a
	is "$output" "Error: --all and --latest cannot be used together"
	run_pm 125 container cleanup --exec x -a
	is "$output" "Error: exec and all options conflict"
	run_pm 125 container cleanup --exec x --rmi cl1
	is "$output" "Error: exec and rmi options conflict"
	run_pm 125 container cleanup --exec x cl1 cl1
	is "$output" "Error: cannot use exec option when more than one container is given"
	run_pm 0 inspect --format '{{.Id}}' cl1
	local id=$output
	run_pm 125 container cleanup --exec nosuch cl1
	# (podman logs it at level=error first)
	is "${lines[-1]}" "Error: container $id has no exec session with ID nosuch: no such exec session"
	# --rmi: the image is in use by the container (not removed), then with --rm it goes
	run_pm 125 container cleanup --rmi cl1
	assert_contains "$output" "image is in use by a container"
	run_pm 0 container cleanup --rm --rmi cl1
	is "$output" "cl1"
	run_pm 0 ps -aq
	is "$output" "" "--rm removed the container"
	run_pm 0 images -q --filter reference=$IMG
	is "$output" "" "--rmi removed the image"
}

@test "container cleanup --exec: an ended exec session; a running container is refused" {
	pm_load_test_image
	run_pm 0 run -d --name cl2 $IMG sleep 100
	run_pm 0 inspect --format '{{.Id}}' cl2
	local id=$output
	run_pm 125 container cleanup cl2
	is "${lines[-1]}" "Error: failed to clean up container $id: container $id is running or paused, refusing to clean up: container state improper"
	run_pm 0 exec -d cl2 true
	local sid
	sid=$("${PM_CMD[@]}" inspect --format '{{index .ExecIDs 0}}' cl2)
	sleep 1
	run_pm 0 container cleanup --exec "$sid" cl2
	is "$output" "" "podman prints nothing"
	run_pm 0 rm -f -t 0 cl2
}

@test "mount --format json: podman's keys; another format is refused" {
	pm_load_test_image
	run_pm 0 create --name mj $IMG true
	run_pm 0 inspect --format '{{.Id}}' mj
	local id=$output
	run_pm 0 unshare sh -c "${PM_CMD[*]} mount --format json; ${PM_CMD[*]} mount mj >/dev/null && ${PM_CMD[*]} mount --format json"
	is "${lines[0]}" "\[\]" "nothing mounted: an empty list"
	local js
	js=$(printf '%s\n' "${lines[@]:1}")
	is "$(jq -r '.[0].id' <<<"$js")" "$id" "id"
	is "$(jq -r '.[0].Names[0]' <<<"$js")" "mj" "Names"
	is "$(jq -r '.[0].mountpoint | length > 0' <<<"$js")" "true" "mountpoint"
	[ "${lines[2]}" = " {" ] || die "one blank per level, as podman's: '${lines[2]}'"
	run_pm 125 unshare "${PM_CMD[@]}" mount --format table
	is "$output" 'Error: unknown --format argument: "table"'
	run_pm 0 unshare "${PM_CMD[@]}" umount mj
	run_pm 0 rm mj
}

@test "update: the per-device, swappiness and real-time flags are checked as podman's (pm)" {
	skip_if_podman "podman 4.3's update fails in runc on this host"
	pm_load_test_image
	run_pm 0 create --name up $IMG true
	run_pm 125 update --device-read-bps bad up
	is "$output" "Error: bad format: bad"
	run_pm 125 update --device-read-bps /dev/nosuch:1mb up
	is "$output" "Error: could not parse throttle device at /dev/nosuch: no such file or directory"
	run_pm 125 update --blkio-weight-device bad up
	is "$output" "Error: bad format: bad"
	run_pm 125 update --cpu-rt-period x up
	is "${lines[0]}" 'Error: invalid argument "x" for "--cpu-rt-period" flag: strconv.ParseUint: parsing "x": invalid syntax'
	run_pm 125 update --cpu-rt-runtime 1000 up
	is "$output" "Error: --cpu-rt-runtime: cannot enforce the limit: Realtime runtime not supported on cgroups V2 systems \(pm's limits need cgroup v2\): drop --cpu-rt-runtime"
	run_pm 125 update --memory-swappiness 10 up
	assert_contains "$output" "--memory-swappiness: cannot enforce the limit"
	local dev
	dev=$(lsblk -dnpo NAME,TYPE 2>/dev/null | awk '$2 == "disk" { print $1; exit }')
	[ -n "$dev" ] || dev=/dev/loop0
	run_pm '?' update --device-write-iops "$dev:100" up
	if [ "$status" -ne 0 ]; then # a host without the io controller delegated: refused
		is "$status" 125
		assert_contains "$output" "--device-write-iops: cannot enforce the limit"
		run_pm 0 inspect --format '{{.HostConfig.BlkioDeviceWriteIOps}}' up
		is "$output" "\[\]" "nothing recorded"
	fi
	run_pm 0 rm up
}

@test "push --remove-signatures, --disable-content-trust, --compress: accepted, the image pushed" {
	pm_load_test_image
	registry_start
	run_pm 0 push -q --tls-verify=false --remove-signatures --disable-content-trust --compress \
		$IMG "$REG/sig/x:1"
	registry_has sig/x:1 || die "not pushed"
	run_pm 125 push -q --tls-verify=false --sign-passphrase-file "$BATS_TEST_TMPDIR/nosuch" \
		$IMG "$REG/sig/y:1"
	is "$output" "Error: open $BATS_TEST_TMPDIR/nosuch: no such file or directory"
}

@test "push --sign-by-sigstore-private-key: refused before anything is sent (pm)" {
	skip_if_podman "podman signs with a sigstore key after the upload"
	pm_load_test_image
	registry_start
	echo secret >"$BATS_TEST_TMPDIR/pw"
	# --sign-by (gpg) signs: 149-image-sign.bats
	run_pm 125 push -q --tls-verify=false --sign-by-sigstore-private-key "$BATS_TEST_TMPDIR/pw" \
		$IMG "$REG/sig/z:1"
	is "$output" "Error: --sign-by-sigstore-private-key: pm does not make sigstore signatures: sign with --sign-by \\(gpg\\) or with cosign"
	is "$(registry_requests PUT 'sig/z')$(registry_requests POST 'sig/z')" "00" "nothing sent"
}

@test "containers.conf [containers]: cgroupns, utsns, tz, umask, shm_size, pids_limit as defaults; flags win" {
	pm_load_test_image
	mkdir -p "$XDG_CONFIG_HOME/containers"
	cat >"$XDG_CONFIG_HOME/containers/containers.conf" <<'EOC'
[containers]
cgroupns = "host"
utsns = "host"
tz = "UTC"
umask = "0077"
shm_size = "1048576"
pids_limit = 0
EOC
	run_pm 0 create --name cc $IMG sh -c 'umask; df -k /dev/shm | tail -1'
	run_pm 0 inspect --format '{{.HostConfig.CgroupMode}} {{.HostConfig.UTSMode}} {{.HostConfig.ShmSize}} {{.HostConfig.PidsLimit}} {{.Config.Timezone}} {{.Config.Umask}}' cc
	is "$output" "host host 1048576 0 UTC 0077" "the defaults recorded"
	run_pm 0 start -a cc
	is "${lines[0]}" "0077" "umask in the container"
	is "$(awk '{ print $2 }' <<<"${lines[1]}")" "(1024|1000)" "/dev/shm of 1 MiB"
	run_pm 0 rm cc
	run_pm 0 create --name cf --cgroupns private --uts private --umask 0022 --shm-size 2m --tz local $IMG true
	run_pm 0 inspect --format '{{.HostConfig.CgroupMode}} {{.HostConfig.UTSMode}} {{.HostConfig.ShmSize}} {{.Config.Timezone}} {{.Config.Umask}}' cf
	is "$output" "private private 2097152 local 0022" "the flags win"
	run_pm 0 rm cf
}

@test "containers.conf [containers]: a bad value is refused naming the key (pm)" {
	skip_if_podman "podman 4.3 names the flag"
	pm_load_test_image
	mkdir -p "$XDG_CONFIG_HOME/containers"
	printf '[containers]\numask = "abc"\n' >"$XDG_CONFIG_HOME/containers/containers.conf"
	run_pm 125 create --name bad $IMG true
	is "$output" 'Error: containers.conf: \[containers\] umask "abc": invalid umask string abc: invalid argument'
	printf '[containers]\nshm_size = "lots"\n' >"$XDG_CONFIG_HOME/containers/containers.conf"
	run_pm 125 create --name bad $IMG true
	assert_contains "$output" 'containers.conf: [containers] shm_size "lots"'
	run_pm 0 ps -aq
	is "$output" "" "nothing made"
}

# hooks_in_ctr_setup: $H (a hooks dir, also bind-mounted at the same path into the
# containers), $H/log.sh logging "NAME MNTNS STATE" to $HLOG (in $H)
hooks_in_ctr_setup() {
	H=$BATS_TEST_TMPDIR/hooks HLOG=$BATS_TEST_TMPDIR/hooks/hooks.log
	mkdir -p "$H/d"
	# shellcheck disable=SC2016 # the hook script expands them
	printf '#!/bin/sh\necho "$1 $(readlink /proc/self/ns/mnt) $(cat)" >> %s\n' "$HLOG" >"$H/log.sh"
	chmod 755 "$H/log.sh"
}

# hk_in NAME STAGE [HOOKJSON-EXTRA]: $H/d/NAME.json, always, running log.sh NAME at STAGE
hk_in() {
	printf '{"version":"1.0.0","hook":{"path":"%s","args":["log.sh","%s"]%s},"when":{"always":true},"stages":["%s"]}\n' \
		"$H/log.sh" "$1" "${3:-}" "$2" >"$H/d/$1.json"
}

@test "hooks: createContainer and startContainer run inside the container's mount namespace, in order" {
	pm_load_test_image
	hooks_in_ctr_setup
	hk_in a-prestart prestart
	hk_in b-create createContainer
	hk_in c-start startContainer
	hk_in d-poststart poststart
	run_pm 0 --hooks-dir "$H/d" run --name hin -v "$H:$H" $IMG readlink /proc/self/ns/mnt
	local mnt=$output
	run cat "$HLOG"
	# (runc runs startContainer in its init while podman runs poststart: their order races
	# there; the runtime spec has poststart after the process started, as pm)
	if is_podman; then
		is "$(cut -d' ' -f1 <<<"$output" | sort | tr '\n' ' ')" "a-prestart b-create c-start d-poststart " "every stage"
		is "$(cut -d' ' -f1 <<<"$output" | head -2 | tr '\n' ' ')" "a-prestart b-create " "prestart, then createContainer"
	else
		is "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" "a-prestart b-create c-start d-poststart " "the stages in order"
	fi
	local got
	got=$(awk '$1 == "b-create" { print $2 }' "$HLOG")
	[ "$got" = "$mnt" ] || die "createContainer ran in $got, not the container's $mnt"
	got=$(awk '$1 == "c-start" { print $2 }' "$HLOG")
	[ "$got" = "$mnt" ] || die "startContainer ran in $got, not the container's $mnt"
	assert_contains "$(grep '^b-create' "$HLOG")" '"status":"creating"' "createContainer's state"
	assert_contains "$(grep '^c-start' "$HLOG")" '"status":"created"' "startContainer's state"
	assert_contains "$(grep '^c-start' "$HLOG")" '"bundle":' "the bundle in the state"
	local host_mnt
	host_mnt=$(readlink /proc/self/ns/mnt)
	[ "$mnt" != "$host_mnt" ] || die "the container shares the host's mount namespace"
	run_pm 0 rm hin
}

@test "hooks: a failing createContainer or startContainer hook fails the start (126), the command never runs" {
	pm_load_test_image
	hooks_in_ctr_setup
	printf '#!/bin/sh\nexit 3\n' >"$H/fail.sh"
	chmod 755 "$H/fail.sh"
	local st
	for st in createContainer startContainer; do
		rm -f "$H"/d/*.json "$HLOG"
		printf '{"version":"1.0.0","hook":{"path":"%s"},"when":{"always":true},"stages":["%s"]}\n' \
			"$H/fail.sh" "$st" >"$H/d/fail.json"
		run_pm '?' --hooks-dir "$H/d" run --name hf -v "$H:$H" $IMG sh -c "echo ran >> $HLOG"
		if is_podman && [ "$st" = startContainer ]; then
			is "$status" 1 "podman 4.3 with runc: the start's error comes late"
		else
			is "$status" 126 "$st: podman's runtime error"
		fi
		assert_contains "$output" "error running hook #0" "$st: the hook's failure"
		assert_contains "$output" "exit status 3" "$st: its exit status"
		[ ! -e "$HLOG" ] || die "$st: the command ran: $(cat "$HLOG")"
		run_pm 0 rm -f hf
	done
}

@test "run --env-merge: \$NAME and \${NAME} from the image's env; -e wins" {
	pm_load_test_image
	run_pm 0 run --rm --env-merge 'PATH=${PATH}:/x' $IMG sh -c 'echo $PATH'
	is "$output" "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/x" "\${PATH} merged"
	run_pm 0 run --rm --env-merge 'PATH=/y:$PATH' -e PATH=/bin:/z $IMG sh -c 'echo $PATH'
	is "$output" "/bin:/z" "-e wins over --env-merge (podman's)"
	run_pm 0 run --rm --env-merge 'PATH=/y:$PATH' $IMG sh -c 'echo $PATH'
	is "$output" "/y:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "\$PATH merged"
}

@test "run --env-merge without '=', --cpu-rt-*, --oom-kill-disable: refused, nothing made (pm)" {
	skip_if_podman "podman 4.3 accepts them and ignores the limits on this host"
	pm_load_test_image
	run_pm 125 run --name r1 --env-merge NOEQ $IMG true
	is "$output" 'Error: missing `=` for --env-merge substitution NOEQ'
	run_pm 125 run --name r1 --cpu-rt-period 1000 $IMG true
	is "$output" "Error: --cpu-rt-period: cannot enforce the limit: Realtime period not supported on cgroups V2 systems \(pm's limits need cgroup v2\): drop --cpu-rt-period"
	run_pm 125 create --name r1 --cpu-rt-runtime x $IMG true
	is "${lines[0]}" 'Error: invalid argument "x" for "--cpu-rt-runtime" flag: strconv.ParseInt: parsing "x": invalid syntax'
	run_pm 125 run --name r1 --oom-kill-disable $IMG true
	assert_contains "$output" "--oom-kill-disable: cannot enforce it"
	run_pm 0 run --rm --oom-kill-disable=false $IMG true
	run_pm 0 ps -aq
	is "$output" "" "nothing made"
}

@test "run --conmon-pidfile: the monitor's pid, a live process" {
	pm_load_test_image
	local f=$BATS_TEST_TMPDIR/conmon.pid
	run_pm 0 run -d --name cpf --conmon-pidfile "$f" $IMG sleep 100
	[ -s "$f" ] || die "no pid file"
	local pid
	pid=$(cat "$f")
	[ -d "/proc/$pid" ] || die "pid $pid is not running"
	run_pm 0 inspect --format '{{.State.Pid}}' cpf
	[ "$output" != "$pid" ] || die "the pid file holds the container's pid, not its monitor's"
	run_pm 0 rm -f -t 0 cpf
}

@test "pull --disable-content-trust: accepted" {
	pm_load_test_image
	run_pm 125 pull --disable-content-trust --tls-verify=false 127.0.0.1:1/nosuch:1
	assert_not_contains "$output" "unknown flag" "the flag is known"
}

@test "build --compress, --disable-content-trust, --force-rm, --rm, --format oci: accepted; --format checked" {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM %s\nRUN echo hi > /f\n' "$IMG" >"$ctx/Containerfile"
	run_pm 0 build -q --compress --disable-content-trust --force-rm --rm --format oci -t bflags "$ctx"
	is "$output" "[0-9a-f]{64}" "built"
	run_pm 0 run --rm bflags cat /f
	is "$output" "hi"
	run_pm 125 build --format bad "$ctx"
	is "$output" 'Error: unrecognized image type "bad"'
	run_pm 0 rmi bflags
}

@test "global --network-config-dir: the networks' files in that directory, only there" {
	local dir=$BATS_TEST_TMPDIR/netconf
	run_pm 0 --network-config-dir "$dir" network create confnet
	[ -f "$dir/confnet.json" ] || die "no $dir/confnet.json"
	run_pm 0 --network-config-dir "$dir" network ls --format '{{.Name}}'
	assert_contains "$output" "confnet"
	run_pm 0 network ls --format '{{.Name}}'
	[[ "$output" != *confnet* ]] || die "the network is in the default directory too"
	run_pm 125 network inspect confnet
	run_pm 0 --network-config-dir "$dir" network rm confnet
	[ ! -e "$dir/confnet.json" ] || die "network rm left $dir/confnet.json"
}

@test "global --runtime-flag: accepted; --remote=false is local" {
	pm_load_test_image
	run_pm 0 --runtime-flag debug run --rm $IMG echo ran
	is "$output" "ran"
	run_pm 0 --remote=false ps -a --format '{{.Names}}'
	run_pm 125 --remote=maybe ps
	is "${lines[0]}" 'Error: invalid argument "maybe" for "-r, --remote" flag: strconv.ParseBool: parsing "maybe": invalid syntax'
}

@test "global --remote, --url, --connection, --identity, --ssh, --namespace: refused in one line (pm)" {
	skip_if_podman "podman has a remote mode and libpod namespaces"
	local f
	for f in "--remote" "-r"; do
		run_pm 125 $f ps
		is "$output" "Error: --remote: pm is daemonless: it has no remote mode and no service to connect to"
	done
	for f in url connection identity ssh; do
		run_pm 125 --$f x ps
		is "$output" "Error: --$f x: pm is daemonless: it has no remote mode and no service to connect to"
	done
	run_pm 125 -c x ps
	is "$output" "Error: --connection x: pm is daemonless: it has no remote mode and no service to connect to"
	run_pm 125 --namespace ns ps
	is "$output" "Error: --namespace ns: pm has no libpod namespaces: use another --root and --runroot for a separate view"
}
