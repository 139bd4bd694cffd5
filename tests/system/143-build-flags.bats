#!/usr/bin/env bats
# 143-build-flags: the flags of pm build beyond the basics, each by its effect on the image it
# makes or on what its RUN steps see: the flags RUN's containers share with pm run (--add-host,
# --dns*, --no-hosts, --cap-add/--cap-drop, --ulimit, --shm-size, -v, --device,
# --security-opt, --uts/--ipc/--pid, --userns, --http-proxy, --stdin), the image's config
# (--env, --unsetenv, --omit-history, --timestamp, --from, --ignorefile), --logfile, the
# flags accepted for scripts, those refused (with the reason), limits this cgroup-less host
# cannot enforce, bad values: 125, one line, nothing tagged, no container left.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # Containerfile and container commands are single-quoted on purpose

load helpers
load build

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	echo hello >"$CTX/f"
}

teardown() {
	basic_teardown
}

@test "build flags: --add-host, --dns, --dns-search, --dns-option, --no-hosts reach RUN" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
RUN grep myhost /etc/hosts >/hosts.txt; cat /etc/resolv.conf >/resolv.txt
EOF
	run_pm 0 build -t netflags --add-host myhost:10.1.2.3 --dns 10.9.8.7 \
		--dns-search example.test --dns-option ndots:3 "$CTX"
	run_pm 0 run --rm netflags cat /hosts.txt /resolv.txt
	assert_contains "$output" "10.1.2.3"
	assert_contains "$output" "myhost"
	assert_contains "$output" "nameserver 10.9.8.7"
	assert_contains "$output" "search example.test"
	assert_contains "$output" "options ndots:3"

	# --no-hosts: RUN sees the image's own /etc/hosts, no line for the host name
	printf 'FROM localhost/busybox:latest\nRUN cat /etc/hosts >/hosts.txt || true\n' \
		>"$CTX/Containerfile"
	run_pm 0 build -t nohosts --no-hosts "$CTX"
	run_pm 0 run --rm --no-hosts --entrypoint cat localhost/busybox:latest /etc/hosts
	local own=$output
	run_pm 0 run --rm nohosts cat /hosts.txt
	is "$output" "$own" "RUN saw the image's own /etc/hosts"
	assert_clean_after_build "localhost/netflags:latest
localhost/nohosts:latest"
}

@test "build flags: --cap-add, --cap-drop, --security-opt, --ulimit, --shm-size in RUN" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
RUN grep -E '^(CapEff|NoNewPrivs)' /proc/self/status >/status; ulimit -n >/nofile; df -k /dev/shm | tail -1 >/shm
EOF
	# podman 4.3's buildah refuses no-new-privileges ("is not supported"); pm's RUN has it
	local nnp=(--security-opt no-new-privileges)
	is_podman && nnp=()
	run_pm 0 build -t caps --cap-drop all --cap-add CAP_CHOWN,CAP_DAC_OVERRIDE "${nnp[@]}" \
		--ulimit nofile=512:512 --shm-size 3m "$CTX"
	run_pm 0 run --rm caps cat /status /nofile /shm
	assert_contains "$output" "CapEff:	0000000000000003"
	is_podman || assert_contains "$output" "NoNewPrivs:	1"
	assert_contains "$output" "
512
"
	assert_contains "$output" " 3072 "

	# without them: the default set, buildah's nofile 1024 (the cache does not know RUN's
	# flags, as podman's)
	run_pm 0 build -t caps2 "$CTX"
	assert_contains "$output" "Using cache"
	run_pm 0 build --no-cache -t caps2 "$CTX"
	run_pm 0 run --rm caps2 cat /status /nofile
	assert_not_contains "$output" "CapEff:	0000000000000003"
	assert_contains "$output" "NoNewPrivs:	0"
	assert_contains "$output" "
1024"
	assert_clean_after_build "localhost/caps2:latest
localhost/caps:latest"
}

@test "build flags: -v and --volume bind host directories into RUN, not into the image" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$vol"
	echo from-host >"$vol/in"
	chmod -R a+rwX "$vol"
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
RUN cat /mnt/v/in >/copied; echo from-run >/mnt/v/out; cat /ro/in >>/copied
EOF
	run_pm 0 build -t vols -v "$vol:/mnt/v" --volume "$vol:/ro:ro" "$CTX"
	run_pm 0 run --rm vols sh -c 'cat /copied; ls /mnt/v | wc -l'
	is "$output" "from-host
from-host
0" "the volume's files were read; the mount point is empty in the image"
	run cat "$vol/out"
	is "$output" "from-run" "RUN wrote to the host directory"
	assert_clean_after_build "localhost/vols:latest"
}

@test "build flags: --device, --uts=host, --ipc and --pid reach RUN" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
RUN test -c /dev/mynull && echo dev-ok >/dev.txt; hostname >/host.txt
EOF
	run_pm 0 build -t devs --device /dev/null:/dev/mynull --uts host --ipc private \
		--pid private "$CTX"
	run_pm 0 run --rm devs cat /dev.txt /host.txt
	is "$output" "dev-ok
$(hostname)"
	assert_clean_after_build "localhost/devs:latest"
}

@test "build flags: --http-proxy passes the host's proxy variables to RUN; =false does not" {
	printf 'FROM localhost/busybox:latest\nRUN echo "p=$http_proxy" >/p\n' >"$CTX/Containerfile"
	http_proxy=http://proxy.test:3128 run_pm 0 build -t proxy "$CTX"
	run_pm 0 run --rm proxy cat /p
	is "$output" "p=http://proxy.test:3128"
	http_proxy=http://proxy.test:3128 run_pm 0 build --no-cache -t proxy --http-proxy=false "$CTX"
	run_pm 0 run --rm proxy cat /p
	is "$output" "p="
	run_pm 0 image inspect proxy --format '{{.Config.Env}}'
	assert_not_contains "$output" "proxy.test" "the proxy is not in the image"
}

@test "build flags: --stdin gives RUN the build's stdin" {
	printf 'FROM localhost/busybox:latest\nRUN cat >/in.txt\n' >"$CTX/Containerfile"
	run_pm 0 build -t stdin --stdin "$CTX" <<<"typed-in"
	run_pm 0 run --rm stdin cat /in.txt
	is "$output" "typed-in"
}

@test "build flags: --env sets the image's environment (RUN sees it); --unsetenv removes" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
ENV KEEP=1 DROP=2
RUN echo "foo=$FOO" >/seen
EOF
	HOSTVAR=from-host run_pm 0 build -t envs --env FOO=bar --env HOSTVAR --unsetenv DROP "$CTX"
	run_pm 0 run --rm envs sh -c 'cat /seen; echo "$FOO $HOSTVAR $KEEP drop=$DROP"'
	is "$output" "foo=bar
bar from-host 1 drop="
	run_pm 0 image inspect envs --format '{{.Config.Env}}'
	assert_contains "$output" "FOO=bar"
	assert_not_contains "$output" "DROP="

	# the cache knows --env: another value runs the RUN again (podman 4.3 reuses the RUN
	# made with FOO=bar)
	is_podman && return
	run_pm 0 build -t envs2 --env FOO=other "$CTX"
	assert_not_contains "$output" "Using cache"
	run_pm 0 run --rm envs2 cat /seen
	is "$output" "foo=other"
	assert_clean_after_build "localhost/envs2:latest
localhost/envs:latest"
}

@test "build flags: --annotation sets the built image's manifest annotations" {
	printf 'FROM localhost/busybox:latest\nRUN echo x >/x\n' >"$CTX/Containerfile"
	run_pm 0 build -t annotated --annotation org.example.a=1 --annotation b=two=2 \
		--annotation novalue "$CTX"
	run_pm 0 image inspect annotated --format '{{index .Annotations "org.example.a"}} {{index .Annotations "b"}}'
	is "$output" "1 two=2"
	run_pm 0 image inspect annotated --format '{{json .Annotations}}'
	assert_contains "$output" '"novalue":""' "a key alone: an empty value, as buildah's"
	assert_clean_after_build "localhost/annotated:latest"
}

@test "build flags: --omit-history, --timestamp" {
	printf 'FROM localhost/busybox:latest\nRUN echo x >/x\nLABEL a=b\n' >"$CTX/Containerfile"
	run_pm 0 build -t nohist --omit-history "$CTX"
	run_pm 0 image inspect nohist --format '{{len .History}}'
	is "$output" "0" "no history"
	run_pm 0 run --rm nohist cat /x
	is "$output" "x"

	run_pm 0 build -t stamped --timestamp 1000000000 "$CTX"
	run_pm 0 image inspect stamped --format '{{.Created}}'
	assert_contains "$output" "2001-09-09"
	assert_contains "$output" "01:46:40"
	run_pm 0 history --format '{{.CreatedAt}}' stamped
	assert_contains "${lines[0]}" "01:46:40"
	assert_contains "${lines[1]}" "01:46:40"
	# the files the steps wrote carry the stamp too
	run_pm 0 run --rm stamped stat -c %Y /x
	is "$output" "1000000000"
	# a second build with the same stamp, the steps run again: the same image
	run_pm 0 image inspect stamped --format '{{.Id}}'
	local id=$output
	run_pm 0 build -q --no-cache --timestamp 1000000000 "$CTX"
	is "$output" "$id" "rebuilt byte for byte"
	assert_clean_after_build "localhost/nohist:latest
localhost/stamped:latest"
}

@test "build flags: --from replaces the first FROM; --ignorefile; --logfile" {
	run_pm 0 tag localhost/busybox:latest localhost/otherbase:latest
	printf 'FROM localhost/nosuch:latest\nCOPY . /ctx/\n' >"$CTX/Containerfile"
	echo secret >"$CTX/skipme"
	printf 'skipme\n' >"$BATS_TEST_TMPDIR/myignore"
	run_pm 0 build -t fromflag --from localhost/otherbase:latest \
		--ignorefile "$BATS_TEST_TMPDIR/myignore" "$CTX"
	run_pm 0 run --rm fromflag ls /ctx
	assert_contains "$output" "f"
	assert_not_contains "$output" "skipme"

	printf 'FROM localhost/busybox:latest\nRUN echo run-output\n' >"$CTX/Containerfile"
	run_pm 0 build -t logged --logfile "$BATS_TEST_TMPDIR/build.log" "$CTX"
	assert_not_contains "$output" "run-output" "not on stdout"
	run cat "$BATS_TEST_TMPDIR/build.log"
	assert_contains "$output" "STEP 2/2: RUN echo run-output"
	assert_contains "$output" "run-output"
	run_pm 0 untag localhost/busybox:latest localhost/otherbase:latest
	assert_clean_after_build "localhost/fromflag:latest
localhost/logged:latest"
}

@test "build flags: accepted for scripts: --rm, --force-rm, --jobs, --isolation, --retry, -D, ..." {
	printf 'FROM localhost/busybox:latest\nRUN echo ok >/ok\n' >"$CTX/Containerfile"
	run_pm 0 build -t accepted --rm --force-rm --jobs 2 --isolation rootless --retry 2 \
		--retry-delay 1s -D --compress --disable-content-trust --skip-unused-stages=true \
		--layers=true --identity-label=false --format oci --tls-verify=false --authfile /dev/null \
		--runtime-flag debug "$CTX"
	run_pm 0 run --rm accepted cat /ok
	is "$output" "ok"
	run_pm 0 buildx build -q -t accepted2 "$CTX"
	run_pm 0 run --rm accepted2 cat /ok
	is "$output" "ok"
	assert_clean_after_build "localhost/accepted2:latest
localhost/accepted:latest"
}

@test "build flags: refused with the reason (pm): platforms, signing, ..." {
	skip_if_podman "pm's own refusals: podman 4.3 has these"
	printf 'FROM localhost/busybox:latest\nRUN echo ok\n' >"$CTX/Containerfile"
	local before
	before=$(n_images)
	run_pm_split 125 build --all-platforms "$CTX"
	is "$stderr" "Error: --all-platforms: not supported: only the host platform can be built"
	run_pm_split 125 build --sign-by ABCD "$CTX"
	is "$stderr" "Error: --sign-by 'ABCD': not supported: pm signs images in a registry only, with push --sign-by or image sign"
	run_pm_split 125 build --identity-label "$CTX"
	assert_contains "$stderr" "Error: --identity-label 'true': not supported"
	run_pm_split 125 build --isolation chroot "$CTX"
	assert_contains "$stderr" "Error: --isolation 'chroot': not supported"
	run_pm_split 125 build --rm=false "$CTX"
	assert_contains "$stderr" "Error: --rm 'false': not supported"
	is "$(n_images)" "$before" "no image made"
	assert_clean_after_build
}

@test "build flags: limits this host cannot enforce are refused before anything is made (pm)" {
	skip_if_podman "pm refuses limits without cgroups; podman 4.3 (runc, cgroupfs) tries"
	[[ -e /sys/fs/cgroup/cgroup.subtree_control ]] &&
		grep -q memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
		skip "this host has cgroup v2 memory delegation"
	printf 'FROM localhost/busybox:latest\nENV A=1\nRUN echo ok\n' >"$CTX/Containerfile"
	local before
	before=$(n_images)
	local flag
	for flag in "--memory=64m" "-m 64m" "--memory-swap=128m" "--cpu-shares=512" \
		"--cpu-quota=50000" "--cpu-period=100000" "--cpuset-cpus=0" "--cgroup-parent=x.slice"; do
		# shellcheck disable=SC2086 # the flag and its value split on purpose
		run_pm_split 125 build -t limited $flag "$CTX"
		assert_contains "$stderr" "Error: " "$flag refused"
		assert_not_contains "$output" "STEP 1/3" "$flag: refused before the build starts"
		is "${#lines[@]}" "0" "$flag: nothing built"
	done
	is "$(n_images)" "$before" "no image made"
	assert_clean_after_build
}

@test "build flags: bad values: run's parsers and podman's messages, exit 125, nothing made" {
	printf 'FROM localhost/busybox:latest\nRUN echo ok\n' >"$CTX/Containerfile"
	local before
	before=$(n_images)
	run_pm_split 125 build --ulimit nofile=abc "$CTX"
	assert_contains "$stderr" "nofile=abc"
	run_pm_split 125 build --cap-add NOSUCHCAP "$CTX"
	assert_contains "$stderr" "NOSUCHCAP"
	run_pm_split 125 build --shm-size lots "$CTX"
	assert_contains "$stderr" "lots"
	run_pm_split 125 build --jobs many "$CTX"
	assert_contains "$stderr" 'Error: invalid argument "many" for "--jobs" flag: strconv.ParseInt: parsing "many": invalid syntax'
	run_pm_split 125 build --timestamp yesterday "$CTX"
	assert_contains "$stderr" 'Error: invalid argument "yesterday" for "--timestamp" flag: strconv.ParseInt: parsing "yesterday": invalid syntax'
	run_pm_split 125 build --omit-history=maybe "$CTX"
	assert_contains "$stderr" 'Error: invalid argument "maybe" for "--omit-history" flag: strconv.ParseBool: parsing "maybe": invalid syntax'
	run_pm_split 125 build --layers=maybe "$CTX"
	assert_contains "$stderr" 'Error: invalid argument "maybe" for "--layers" flag: strconv.ParseBool: parsing "maybe": invalid syntax'
	run_pm_split 125 build --device /dev/nosuchdev "$CTX"
	assert_contains "$stderr" "/dev/nosuchdev"
	run_pm_split 125 build --format xml "$CTX"
	assert_contains "$stderr" 'unrecognized image type "xml"'
	run_pm_split 125 build --ignorefile "$BATS_TEST_TMPDIR/nosuch" "$CTX"
	assert_contains "$stderr" "nosuch: no such file or directory"
	is "$(n_images)" "$before" "no image made"
	assert_clean_after_build
}

@test "build flags: --format docker keeps HEALTHCHECK, SHELL and ONBUILD in a Docker v2s2 image" {
	cat >"$CTX/Containerfile" <<'EOF2'
FROM localhost/busybox:latest
SHELL ["/bin/sh", "-ec"]
HEALTHCHECK --interval=5s --timeout=3s --retries=2 CMD test -e /ok
ONBUILD RUN echo child
RUN touch /ok
EOF2
	run_pm_split 0 build -t dockerfmt --format docker "$CTX"
	assert_not_contains "$stderr" "not supported for OCI image format" "no OCI warning"
	run_pm 0 image inspect dockerfmt --format '{{.ManifestType}}'
	is "$output" "application/vnd.docker.distribution.manifest.v2\\+json"
	run_pm 0 image inspect dockerfmt --format '{{json .Config.Healthcheck}}'
	assert_contains "$output" '{"Test":["CMD-SHELL","test -e /ok"],"Interval":5000000000,"Timeout":3000000000,"Retries":2}'
	if ! is_podman; then # podman 4.3's image inspect has no Shell or OnBuild
		run_pm 0 image inspect dockerfmt --format '{{json .Config.Shell}} {{json .Config.OnBuild}}'
		assert_contains "$output" '["/bin/sh","-ec"] ["RUN echo child"]'
	fi
	run_pm 0 run --rm --no-healthcheck dockerfmt ls /ok
	is "$output" "/ok"

	# the same file in OCI format (the default): warned, and none of them in the config
	run_pm_split 0 build -t ocifmt --format oci "$CTX"
	assert_contains "$stderr" "HEALTHCHECK is not supported for OCI image format"
	run_pm 0 image inspect ocifmt --format '{{.ManifestType}}'
	is "$output" "application/vnd.oci.image.manifest.v1\\+json"
	run_pm 0 image inspect ocifmt --format '{{json .Config}}'
	assert_not_contains "$output" "Healthcheck"
	assert_not_contains "$output" "CMD-SHELL"
	assert_clean_after_build "localhost/dockerfmt:latest
localhost/ocifmt:latest"
}

@test "build flags: -o/--output writes the image's files to a directory or a tar, and builds the image" {
	printf 'FROM localhost/busybox:latest\nRUN echo built >/made.txt\n' >"$CTX/Containerfile"
	local out=$BATS_TEST_TMPDIR/out
	run_pm 0 build -t outimg -o "$out" "$CTX"
	run cat "$out/made.txt"
	is "$output" "built"
	test -x "$out/bin/busybox" || die "the base's files are there too"
	run_pm 0 run --rm outimg cat /made.txt
	is "$output" "built" "the image is built as well"

	run_pm 0 build -q --no-cache --output "type=tar,dest=$BATS_TEST_TMPDIR/out.tar" "$CTX"
	run tar -tf "$BATS_TEST_TMPDIR/out.tar"
	assert_contains "$output" "made.txt"

	run_pm 0 build -q --no-cache --output type=local,dest="$BATS_TEST_TMPDIR/out2" "$CTX"
	run cat "$BATS_TEST_TMPDIR/out2/made.txt"
	is "$output" "built"

	# -o -: the tar alone on stdout
	"${PM_CMD[@]}" build -q --no-cache -o - "$CTX" 2>/dev/null >"$BATS_TEST_TMPDIR/stdout.tar"
	run tar -tf "$BATS_TEST_TMPDIR/stdout.tar"
	assert_contains "$output" "made.txt"

	run_pm_split 125 build -o type=zip,dest=x "$CTX"
	assert_contains "$stderr" 'failed to parse build output: invalid type "zip" selected for build output options "type=zip,dest=x"'
	assert_clean_after_build "localhost/outimg:latest"
}

@test "build flags: --skip-unused-stages (default true) skips stages the target does not need" {
	cat >"$CTX/Containerfile" <<'EOF2'
FROM localhost/busybox:latest AS unused
RUN echo unused-ran && exit 7
FROM localhost/busybox:latest AS dep
RUN echo dep-ran >/dep
FROM localhost/busybox:latest
COPY --from=dep /dep /dep
RUN cat /dep
EOF2
	run_pm 0 build -t skipped "$CTX"
	assert_not_contains "$output" "unused-ran" "the unused stage did not run"
	assert_contains "$output" "dep-ran"
	run_pm 0 run --rm skipped cat /dep
	is "$output" "dep-ran"
	run_pm 0 build -t skipped --skip-unused-stages=true --no-cache "$CTX"
	assert_not_contains "$output" "unused-ran"
	# =false builds every stage: the failing one fails the build
	run_pm 7 build -t skipped2 --skip-unused-stages=false "$CTX"
	assert_contains "$output" "unused-ran"
	assert_clean_after_build "localhost/skipped:latest"
}

@test "build flags: --cache-ttl uses only cached steps younger than the ttl (0: no limit)" {
	printf 'FROM localhost/busybox:latest\nRUN date +%%s%%N >/t\n' >"$CTX/Containerfile"
	run_pm 0 build -t ttl "$CTX"
	run_pm 0 build -t ttl --cache-ttl 1h "$CTX"
	assert_contains "$output" "Using cache" "young enough"
	sleep 2
	run_pm 0 build -t ttl --cache-ttl 1s "$CTX"
	assert_not_contains "$output" "Using cache" "older than 1s"
	run_pm 0 build -t ttl --cache-ttl 0 "$CTX"
	assert_contains "$output" "Using cache" "0: no limit, as podman 4.3's"
	run_pm_split 125 build --cache-ttl soon "$CTX"
	assert_contains "$stderr" 'Error: unable to parse value provided "soon" as --cache-ttl: time: invalid duration "soon"'
	assert_clean_after_build "localhost/ttl:latest"
}

@test "build flags: --hooks-dir runs the OCI hooks for RUN's containers" {
	local h=$BATS_TEST_TMPDIR/hooks log=$BATS_TEST_TMPDIR/hooks.log
	mkdir -p "$h"
	printf '#!/bin/sh\necho "$1" >> %s\n' "$log" >"$h/log.sh"
	chmod 755 "$h/log.sh"
	printf '{"version":"1.0.0","hook":{"path":"%s","args":["log.sh","prestart-ran"]},"when":{"always":true},"stages":["prestart"]}\n' \
		"$h/log.sh" >"$h/pre.json"
	printf 'FROM localhost/busybox:latest\nRUN echo ok\n' >"$CTX/Containerfile"
	run_pm 0 build -t hooked --hooks-dir "$h" "$CTX"
	run cat "$log"
	is "$output" "prestart-ran" "the hook ran once, for the one RUN"
	assert_clean_after_build "localhost/hooked:latest"
}

@test "build flags: --userns host and --userns-uid-map/--userns-gid-map set RUN's user namespace" {
	printf 'FROM localhost/busybox:latest\nRUN cat /proc/self/uid_map | tr -s " " >/map\n' >"$CTX/Containerfile"
	run_pm 0 unshare sh -c 'cat /proc/self/uid_map | tr -s " "'
	local ns_map=$output
	run_pm 0 build -t userns-host --userns host "$CTX"
	run_pm 0 run --rm userns-host cat /map
	is "$output" "$ns_map" "RUN in the rootless namespace itself"

	# podman 4.3's rootless build fails its RUN with a map of its own (permission denied on
	# the root filesystem); pm's maps it as run's --uidmap does (split at the namespace's edges)
	if is_podman; then
		assert_clean_after_build "localhost/userns-host:latest"
		return
	fi
	run_pm 0 build --no-cache -t userns-map --userns-uid-map 0:0:500 --userns-gid-map 0:0:500 "$CTX"
	run_pm 0 run --rm userns-map cat /map
	is "$output" " 0 0 1
 1 1 499" "RUN's map as given"
	assert_clean_after_build "localhost/userns-host:latest
localhost/userns-map:latest"
}
