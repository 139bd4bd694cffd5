#!/usr/bin/env bats
# 133-pod-userns-wording: `pod create --userns` (the infra holds the user namespace, every
# member joins it, pod inspect shows it as podman 4.3 does) and podman 4.3's behaviour where
# pm differed: bad -v/--mount/--tmpfs option wording, cp of a missing container, the
# SIGKILL warning of every stopper, images --filter id= (whole ids only), a tmpfs's root
# mode (runc: the covered directory's), inspect .Mounts (named volumes first), volume
# inspect leaving out a false NeedsCopyUp.
# Runs as the unprivileged test user; also against podman (PM="podman --runtime runc").

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# ---- pod create --userns -----------------------------------------------------------------

@test "pod --userns=keep-id: members join the infra's namespace, as the caller's uid" {
	pm_load_test_image
	run_pm 0 pod create --name pk --userns=keep-id
	run_pm 0 pod inspect --format '{{.InfraConfig.UserNS}}' pk
	is "$output" "private" "InfraConfig.userns"
	run_pm 0 pod inspect --format '{{range .SharedNamespaces}}{{.}}
{{end}}' pk
	is "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" "ipc net user uts " "shared"
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' pk
	local infra=$output
	run_pm 0 run -d --pod pk --name m1 $IMG sleep 1000
	run_pm 0 run --rm --pod pk $IMG sh -c 'id -u; readlink /proc/self/ns/user'
	is "${lines[0]}" "$(id -u)" "keep-id: the caller's uid"
	local ns2=${lines[1]}
	run_pm 0 exec m1 readlink /proc/self/ns/user
	[ "$output" = "$ns2" ] || die "two members, two user namespaces: $output, $ns2"
	run_pm 0 inspect --format '{{.HostConfig.UsernsMode}}' m1
	is "$output" "container:$infra" "a member's UsernsMode"
	# the infra's own namespace is the one the members have
	run_pm 0 inspect --format '{{.State.Pid}}' "$infra"
	run_pm 0 unshare readlink "/proc/$output/ns/user"
	[ "$output" = "$ns2" ] || die "the infra's user namespace is $output, the members' $ns2"
	run_pm 0 unshare readlink /proc/self/ns/user
	[ "$output" != "$ns2" ] || die "the members are in the rootless namespace itself"
	run_pm 0 pod rm -f -t 0 pk
}

@test "pod --userns=nomap: root of the members is not the caller" {
	pm_load_test_image
	run_pm 0 pod create --name pn --userns=nomap
	run_pm 0 pod inspect --format '{{.InfraConfig.UserNS}}' pn
	is "$output" "private"
	run_pm 0 run --rm --pod pn $IMG sh -c 'id -u; cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
	is "${lines[0]}" "0" "root in the container"
	is "${lines[1]}" "0 1 65536" "nomap: the caller left out"
	run_pm 0 pod rm -f -t 0 pn
}

@test "pod --userns=auto: the infra holds the range, auto containers keep clear of it" {
	pm_load_test_image
	run_pm 0 pod create --name pa --userns=auto
	run_pm 0 pod inspect --format '{{.InfraConfig.UserNS}}' pa
	is "$output" "host" "podman 4.3 says host for auto"
	run_pm 0 pod inspect --format '{{range .SharedNamespaces}}{{.}} {{end}}' pa
	assert_contains "$output" "user"
	run_pm 0 run --rm --pod pa $IMG sh -c 'cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
	is "$output" "0 1 1024" "the pod's range"
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' pa
	local infra=$output
	# (podman 4.3 says <> before the infra first started)
	run_pm 0 inspect --format '<{{.HostConfig.UsernsMode}}> {{.HostConfig.IDMappings}}' "$infra"
	is "$output" "<private> \{\[0:1:1024\] \[0:1:1024\]\}" "the started infra's"
	run_pm 0 create --pod pa --name m $IMG true
	run_pm 0 inspect --format '<{{.HostConfig.UsernsMode}}> {{.HostConfig.IDMappings}}' m
	is "$output" "<container:$infra> \{\[0:1:1024\] \[0:1:1024\]\}" "a member's"
	run_pm 0 run --rm --userns=auto $IMG sh -c 'cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
	local start=${output#0 }
	start=${start%% *}
	[ "$start" -ge 1025 ] || die "an auto container inside the pod's range: $output"
	run_pm 0 pod rm -f -t 0 pa
	# the range is free again once the pod is gone
	run_pm 0 run --rm --userns=auto $IMG sh -c 'cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
	is "$output" "0 1 1024"
}

@test "pod --userns=ns:PATH and run --userns=container:X / ns:PATH join that namespace" {
	pm_load_test_image
	run_pm 0 run -d --name k --userns=keep-id $IMG sleep 1000
	run_pm 0 exec k sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map | tr -s " " | sed "s/^ //" | tr "\n" ,'
	local kns=${lines[0]} kmap=${lines[1]}
	run_pm 0 inspect --format '{{.State.Pid}}' k
	local kpid=$output
	run_pm 0 pod create --name pns --userns=ns:/proc/$kpid/ns/user
	run_pm 0 pod inspect --format '{{.InfraConfig.UserNS}}' pns
	is "$output" "ns:/proc/$kpid/ns/user" "InfraConfig.userns"
	local cmd='id -u; readlink /proc/self/ns/user; cat /proc/self/uid_map | tr -s " " | sed "s/^ //" | tr "\n" ,'
	local ref
	for ref in "--pod pns" "--userns=container:k" "--userns=ns:/proc/$kpid/ns/user"; do
		# shellcheck disable=SC2086 # two words
		run_pm 0 run --rm $ref $IMG sh -c "$cmd"
		is "${lines[0]}" "0" "$ref: root there (not keep-id's user)"
		[ "${lines[1]}" = "$kns" ] || die "$ref: ${lines[1]}, not k's $kns"
		is "${lines[2]}" "$kmap" "$ref: k's maps"
	done
	run_pm 0 pod rm -f -t 0 pns
	run_pm 0 rm -f -t 0 k
}

@test "pod --userns=host and refusals: --userns beside --pod, a bad mode" {
	pm_load_test_image
	run_pm 0 pod create --name ph --userns=host
	run_pm 0 pod inspect --format '{{.InfraConfig.UserNS}} {{range .SharedNamespaces}}{{.}} {{end}}' ph
	is "$output" "host .*" "host"
	assert_not_contains "$output" "user"
	run_pm 0 create --pod ph --name m $IMG true
	run_pm 0 inspect --format '{{.HostConfig.UsernsMode}}' m
	is "$output" "" "no namespace to join"
	run_pm 0 rm m
	run_pm 0 pod create --name pk --userns=keep-id
	run_pm 125 create --pod pk --name m2 --userns=keep-id $IMG true
	is "$output" "Error: --userns and --pod cannot be set together"
	run_pm 125 pod create --name pb --userns=bogus
	is "$output" "Error: unrecognized namespace mode bogus passed"
	run_pm 0 pod ps --format '{{.Name}}' --sort name
	is "$output" "ph
pk" "no pod pb"
	run_pm 0 pod rm -f ph pk
}

# ---- podman's words ----------------------------------------------------------------------

@test "-v / --mount / --tmpfs: a bad option is podman's one line, exit 125, nothing made" {
	pm_load_test_image
	mkdir -p "$BATS_TEST_TMPDIR/a"
	run_pm 125 create --name b1 -v "$BATS_TEST_TMPDIR/a:/b:bogus" $IMG true
	is "$output" 'Error: invalid option type "bogus"'
	run_pm 125 run --rm -v "$BATS_TEST_TMPDIR/a:/b:ro,bogus" $IMG true
	is "$output" 'Error: invalid option type "bogus"'
	run_pm 125 create --name b2 -v vol:/b:bogus $IMG true
	is "$output" 'Error: invalid option type "bogus"'
	run_pm 125 create --name b3 --mount "type=bind,src=$BATS_TEST_TMPDIR/a,dst=/b,bogus=1" $IMG true
	is "$output" 'Error: bogus: invalid mount option'
	run_pm 125 create --name b4 --mount type=volume,src=v,dst=/b,bogus $IMG true
	is "$output" 'Error: bogus: invalid mount option'
	run_pm 125 create --name b5 --mount type=tmpfs,dst=/t,uid=5 $IMG true
	is "$output" 'Error: uid: invalid mount option'
	run_pm 125 create --name b6 --tmpfs /b:bogus $IMG true
	is "$output" 'Error: unknown mount option "bogus": invalid mount option'
	run_pm 0 ps -a -q
	is "$output" "" "no container made"
	run_pm 0 volume ls -q
	is "$output" "" "no volume made"
}

@test "cp: a missing container in either place is podman's 'does not exist'" {
	echo hi >"$BATS_TEST_TMPDIR/f"
	run_pm_split 125 cp nosuch:/etc/passwd "$BATS_TEST_TMPDIR/x"
	is "$stderr" 'Error: container "nosuch" does not exist'
	run_pm_split 125 cp "$BATS_TEST_TMPDIR/f" nosuch:/tmp
	is "$stderr" 'Error: container "nosuch" does not exist'
	[ ! -e "$BATS_TEST_TMPDIR/x" ] || die "file made"
}

@test "restart, rm -f, pod stop: SIGKILL of a PID 1 that ignores SIGTERM is a warning on stderr" {
	pm_load_test_image
	run_pm 0 run -d --name s1 $IMG sleep 1000
	run_pm_split 0 restart -t 1 s1
	is "$output" "s1"
	is "$stderr" '.*(level=warning msg="|WARN\[[0-9]+\] )StopSignal SIGTERM .*container s1.* resorting to SIGKILL.*' "restart"
	run_pm_split 0 rm -f -t 1 s1
	is "$output" "s1"
	is "$stderr" '.*(level=warning msg="|WARN\[[0-9]+\] )StopSignal SIGTERM .*container s1.* resorting to SIGKILL.*' "rm -f"
	run_pm 0 pod create --name p1
	run_pm 0 run -d --pod p1 --name s3 $IMG sleep 1000
	run_pm_split 0 pod stop -t 1 p1
	is "$stderr" '.*(level=warning msg="|WARN\[[0-9]+\] )StopSignal SIGTERM .*container s3.* resorting to SIGKILL.*' "pod stop"
	run_pm 0 pod rm -f p1
}

@test "images --filter id=: the whole id only, as podman 4.3 (no prefix, no sha256:)" {
	pm_load_test_image
	run_pm 0 images -q --no-trunc $IMG
	local full=${output#sha256:}
	run_pm 0 images -q --filter id="$full"
	is "$output" "${full:0:12}" "the whole id"
	run_pm 0 images -q --filter id="${full:0:12}"
	is "$output" "" "a prefix matches nothing"
	run_pm 0 images -q --filter id="sha256:$full"
	is "$output" "" "sha256: matches nothing"
}

@test "tmpfs: its root takes the mode of the directory it covers (runc), else mode= or 1777" {
	pm_load_test_image
	run_pm 0 run --rm --tmpfs /etc $IMG stat -c %a /etc
	is "$output" "755" "over /etc"
	run_pm 0 run --rm --tmpfs /etc:mode=0700 $IMG stat -c %a /etc
	is "$output" "755" "over /etc, mode= too"
	run_pm 0 run --rm --tmpfs /etc:notmpcopyup $IMG stat -c %a /etc
	is "$output" "755" "notmpcopyup"
	run_pm 0 run --rm --mount type=tmpfs,dst=/etc $IMG stat -c %a /etc
	is "$output" "755" "--mount type=tmpfs"
	run_pm 0 run --rm --tmpfs /x $IMG stat -c %a /x
	is "$output" "1777" "a new path"
	run_pm 0 run --rm --tmpfs /x:mode=0700 $IMG stat -c %a /x
	is "$output" "700" "a new path with mode="
	run_pm 0 run --rm --mount type=tmpfs,dst=/x,tmpfs-mode=0750 $IMG stat -c %a /x
	is "$output" "750" "tmpfs-mode="
}

@test "inspect .Mounts: named volumes before host directories, from -v and --mount alike" {
	pm_load_test_image
	mkdir -p "$BATS_TEST_TMPDIR/a"
	run_pm 0 create --name mo -v "$BATS_TEST_TMPDIR/a:/z/deep" -v "$BATS_TEST_TMPDIR/a:/a" \
		--mount "type=bind,src=$BATS_TEST_TMPDIR/a,dst=/c" -v vol1:/b \
		--mount type=volume,src=vol2,dst=/d --mount type=tmpfs,dst=/t $IMG true
	run_pm 0 inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}}
{{end}}' mo
	# podman's order inside each kind comes from a Go map: compared as sets
	is "$(printf '%s\n' "${lines[@]:0:2}" | sort | tr '\n' ' ')" "volume /b volume /d " "volumes first"
	is "$(printf '%s\n' "${lines[@]:2}" | sort | tr '\n' ' ')" "bind /a bind /c bind /z/deep " "then binds, no tmpfs"
	run_pm 0 rm mo
	run_pm 0 volume rm vol1 vol2
}

@test "volume inspect: NeedsCopyUp is left out once false (podman's omitempty)" {
	pm_load_test_image
	run_pm 0 volume create vv
	run_pm 0 volume inspect vv
	assert_contains "$output" '"NeedsCopyUp": true'
	run_pm 0 run --rm -v vv:/etc $IMG true
	run_pm 0 volume inspect vv
	assert_not_contains "$output" "NeedsCopyUp"
	assert_not_contains "$output" "NeedsChown"
	run_pm 0 volume inspect --format json vv
	assert_not_contains "$output" "NeedsCopyUp"
	run_pm 0 volume inspect --format '{{.NeedsCopyUp}}' vv
	is "$output" "false" "a template still sees the field"
	# a path the image lacks: nothing copied, the flag stays
	run_pm 0 volume create v2
	run_pm 0 run --rm -v v2:/nonexist $IMG true
	run_pm 0 volume inspect v2
	assert_contains "$output" '"NeedsCopyUp": true'
	run_pm 0 volume rm vv v2
}
