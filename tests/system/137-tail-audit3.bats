#!/usr/bin/env bats
# 137-tail-audit3: the differences a third audit of issue #18 against podman 4.3.1 left open:
# error words and exit codes of save, tag, export, volume export, pull, commit, run, create
# and pod rm; inspect's IDMappings for keep-id/nomap; pod inspect's CreateCommand and
# CgroupPath; hard links through cp; pflag's -X=VALUE short flags and its "See 'CMD --help'"
# line. Runs against podman too.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

@test "podman's words: save --format, tag, export -o, volume export -o, argument counts" {
	run_pm 125 save --format bogus $IMG
	is "$output" "Error: format value must be one of oci-dir oci-archive docker-dir docker-archive"
	run_pm 125 save --format bogus
	is "$output" "Error: need at least 1 argument"
	run_pm 125 tag $IMG 'Bad:Name!'
	is "$output" 'Error: normalizing name "Bad:Name!": normalizing name "Bad:Name!": invalid reference format'
	run_pm 0 create --name e1 $IMG true
	run_pm 125 export -o /missing/dir/x.tar e1
	is "$output" 'Error: creating file "/missing/dir/x.tar": open /missing/dir/x.tar: no such file or directory'
	run_pm 0 volume create v1
	run_pm 125 volume export -o /missing/dir/x.tar v1
	is "$output" "Error: could not create tarball file '/missing/dir/x.tar': open /missing/dir/x.tar: no such file or directory"
	run_pm 125 pull
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
	run_pm 125 commit
	is "$output" "Error: accepts between 1 and 2 arg\(s\), received 0"
	run_pm 125 commit e1 a b
	is "$output" "Error: accepts between 1 and 2 arg\(s\), received 3"
	run_pm 125 run
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
	run_pm 125 create
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
	run_pm 0 rm e1
	run_pm 0 volume rm v1
}

@test "pod rm of a running pod without -f: podman's list of errors, the members, then the infra" {
	run_pm 0 pod create --name pr
	local pod=$output
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' pr
	local infra=$output
	run_pm 0 run -d --pod pr --name pr1 $IMG sleep 1000
	local m1=$output
	local e_m1="	\* removing container $m1 from pod $pod: cannot remove container $m1 as it is running - running or paused containers cannot be removed without force: container state improper"
	local e_in="	\* removing container $infra from pod $pod: a container that depends on container $infra still exists: dependency exists"
	run_pm 125 pod rm pr
	is "$output" "Error: 2 errors occurred:
$e_m1
$e_in"
	run_pm 0 pod rm -f -t 0 pr
	is "$output" "$pod"
}

@test "inspect: IDMappings of --userns=keep-id and nomap, and of such a pod's members, as podman shows them" {
	local uid gid n
	uid=$(id -u)
	gid=$(id -g)
	# the rootless user namespace: the user and its subordinate ids
	n=$(awk -F: -v u="$(id -un)" -v i="$uid" '$1 == u || $1 == i { s += $3 } END { print s }' /etc/subuid)
	local ng
	ng=$(awk -F: -v u="$(id -un)" -v i="$uid" '$1 == u || $1 == i { s += $3 } END { print s }' /etc/subgid)
	local um="\[\"0:1:$uid\",\"$uid:0:1\",\"$((uid + 1)):$((uid + 1)):$((n - uid))\"\]"
	local gm="\[\"0:1:$gid\",\"$gid:0:1\",\"$((gid + 1)):$((gid + 1)):$((ng - gid))\"\]"
	run_pm 0 create --name k1 --userns=keep-id $IMG true
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}} <{{.HostConfig.UsernsMode}}>' k1
	is "$output" "\{\"UidMap\":$um,\"GidMap\":$gm\} <private>"
	run_pm 0 create --name k2 --userns=keep-id:uid=5,gid=7 $IMG true
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}}' k2
	is "$output" "\{\"UidMap\":\[\"0:1:5\",\"5:0:1\",\"6:6:$((n + 1 - 6))\"\],\"GidMap\":\[\"0:1:7\",\"7:0:1\",\"8:8:$((ng + 1 - 8))\"\]\}"
	run_pm 0 create --name k3 --userns=nomap $IMG true
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}} <{{.HostConfig.UsernsMode}}>' k3
	is "$output" "\{\"UidMap\":\[\"0:1:$n\"\],\"GidMap\":\[\"0:1:$ng\"\]\} <private>"
	run_pm 0 inspect k1
	assert_contains "$(tr -d ' \n' <<<"$output")" '"IDMappings":{"UidMap":["0:1:'"$uid"'",'

	run_pm 0 pod create --name kp --userns=keep-id
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' kp
	local infra=$output
	run_pm 0 create --pod kp --name kpm $IMG true
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}} <{{.HostConfig.UsernsMode}}>' kpm
	is "$output" "\{\"UidMap\":$um,\"GidMap\":$gm\} <container:$infra>"
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}} <{{.HostConfig.UsernsMode}}>' "$infra"
	is "$output" "\{\"UidMap\":$um,\"GidMap\":$gm\} <private>"
	run_pm 0 pod create --name np --userns=nomap
	run_pm 0 create --pod np --name npm $IMG true
	run_pm 0 inspect --format '{{json .HostConfig.IDMappings}}' npm
	is "$output" "\{\"UidMap\":\[\"0:1:$n\"\],\"GidMap\":\[\"0:1:$ng\"\]\}"
	run_pm 0 rm k1 k2 k3
	run_pm 0 pod rm kp np
}

@test "pod inspect: CreateCommand is pod create's argv; CgroupPath as podman names it" {
	run_pm 0 pod create --name cc --label a=b
	local pod=$output
	run_pm 0 pod inspect --format '{{.CreateCommand}}' cc
	is "$output" "\[.*(pm|podman)( --runtime runc)? pod create --name cc --label a=b\]"
	run_pm 0 pod inspect cc
	assert_contains "$(tr -d ' \n' <<<"$output")" '"CreateCommand":["'
	run_pm 0 info --format '{{.Host.CgroupManager}}'
	if [ "$output" = cgroupfs ]; then
		run_pm 0 pod inspect --format '{{.CgroupParent}} {{.CgroupPath}}' cc
		is "$output" "/libpod_parent /libpod_parent/$pod"
	else
		run_pm 0 pod inspect --format '{{.CgroupPath}}' cc
		is "$output" ".*\.slice" "systemd: the pod's slice"
	fi
	# a pod made by create --pod new: has create's
	run_pm 0 create --pod new:cn --name cnm $IMG true
	run_pm 0 pod inspect --format '{{.CreateCommand}}' cn
	is "$output" "\[.*(pm|podman)( --runtime runc)? create --pod new:cn --name cnm $IMG true\]"
	run_pm 0 pod rm cc
	run_pm 0 pod rm -f cn
}

@test "cp keeps hard links: out of a container as tar hard links, into one as links" {
	run_pm 0 run --name h1 $IMG sh -c 'mkdir -p /d/s; echo hi >/d/a; ln /d/a /d/b; ln /d/a /d/s/c'
	$PM cp h1:/d - >"$BATS_TEST_TMPDIR/d.tar" || die "cp h1:/d - failed"
	run tar tvf "$BATS_TEST_TMPDIR/d.tar"
	is "$(grep -E ' d/a/?$' <<<"$output" | grep -v ' link to ' | cut -c1)" "-" "the first name is the file"
	assert_contains "$output" "d/b link to d/a"
	assert_contains "$output" "d/s/c link to d/a"
	# to a host directory: one file, three names
	run_pm 0 cp h1:/d "$BATS_TEST_TMPDIR/out"
	is "$(stat -c %h "$BATS_TEST_TMPDIR/out/a") $(stat -c %i "$BATS_TEST_TMPDIR/out/a")" \
		"3 $(stat -c %i "$BATS_TEST_TMPDIR/out/s/c")"
	# into a container from a tar with a hard link
	mkdir -p "$BATS_TEST_TMPDIR/in/x"
	echo yo >"$BATS_TEST_TMPDIR/in/x/f"
	ln "$BATS_TEST_TMPDIR/in/x/f" "$BATS_TEST_TMPDIR/in/x/g"
	tar -C "$BATS_TEST_TMPDIR/in" -cf "$BATS_TEST_TMPDIR/x.tar" x
	$PM cp - h1:/ <"$BATS_TEST_TMPDIR/x.tar" || die "cp - h1:/ failed"
	run_pm 0 commit -q h1 localhost/hl
	run_pm 0 run --rm localhost/hl stat -c '%h %i' /x/f /x/g
	is "${lines[0]}" "2 [0-9]+"
	is "${lines[1]}" "${lines[0]}" "/x/g is /x/f"
	run_pm 0 rm h1
	run_pm 0 rmi localhost/hl
}

@test "short flags take -X=VALUE as pflag does; a flag error is followed by See 'CMD --help'" {
	run_pm 0 run -d=false --rm $IMG echo hi
	is "$output" "hi"
	run_pm 0 run --rm -e=A=b -i=true -t=false $IMG sh -c 'echo $A'
	is "$output" "b"
	run_pm 0 create --name s1 $IMG true
	run_pm 0 ps -a=false --format '{{.Names}}'
	is "$output" ""
	run_pm 0 ps -a=true --format '{{.Names}}'
	is "$output" "s1"
	run_pm 0 ps --all=false --format '{{.Names}}'
	is "$output" ""
	run_pm 0 ps --all=1 --format '{{.Names}}'
	is "$output" "s1"
	run_pm 125 ps --no-trunc=maybe
	is "$output" "Error: invalid argument \"maybe\" for \"--no-trunc\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax
See '.*ps --help'"
	run_pm 0 commit -q=true -s=false s1 localhost/s1img
	is "$output" "[0-9a-f]{64}"
	run_pm 125 run -d=bogus $IMG true
	is "$output" "Error: invalid argument \"bogus\" for \"-d, --detach\" flag: strconv.ParseBool: parsing \"bogus\": invalid syntax
See '[a-z/. -]*(pm|podman) run --help'"
	run_pm 125 run --rm=bogus $IMG true
	is "$output" "Error: invalid argument \"bogus\" for \"--rm\" flag: strconv.ParseBool: parsing \"bogus\": invalid syntax
See '.*run --help'"
	run_pm 125 commit -s=bogus s1
	is "$output" "Error: invalid argument \"bogus\" for \"-s, --squash\" flag: strconv.ParseBool: parsing \"bogus\": invalid syntax
See '.*commit --help'"
	run_pm 125 rm -f=bogus s1
	is "$output" "Error: invalid argument \"bogus\" for \"-f, --force\" flag: strconv.ParseBool: parsing \"bogus\": invalid syntax
See '.*rm --help'"
	run_pm 125 ps -n=x
	is "$output" "Error: invalid argument \"x\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"x\": invalid syntax
See '.*ps --help'"
	run_pm 125 ps --format
	is "$output" "Error: flag needs an argument: --format
See '.*ps --help'"
	run_pm 125 ps -n
	is "$output" "Error: flag needs an argument: 'n' in -n
See '.*ps --help'"
	run_pm 125 run -dbogus $IMG true
	is "$output" "Error: unknown shorthand flag: 'b' in -bogus
See '.*run --help'"
	run_pm 125 pod rm --bogus
	is "$output" "Error: unknown flag: --bogus
See '.*pod rm --help'"
	# an error that is not the flag parser's has no such line
	run_pm 125 images --filter=a=b
	is "$output" "Error: unsupported image filter \"a\""
	run_pm 0 rm s1
	run_pm 0 rmi localhost/s1img
}
