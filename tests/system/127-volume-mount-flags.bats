#!/usr/bin/env bats
# 127-volume-mount-flags: a named volume's mount in the container, as podman 4.3 makes it:
# nosuid,nodev (not noexec) unless -v's or --mount's options say suid / dev, whatever the
# volume's kind (plain, -o type=tmpfs, -o o=bind, anonymous); a host directory's bind keeps its
# own flags. At a volume's first mount its root also takes the image directory's mtime (with
# the owner and mode, 123); inspect's .Mounts shows the options as podman does. Runs as the
# unprivileged test user; also against podman (PM="podman --runtime runc").

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# build_dated: localhost/dated, with an empty /d (mtime 2001-02-03 04:05:06, owner 1000:1001,
# mode 0750) and /e holding a file (mtime 2002-03-04 05:06:07)
build_dated() {
	pm_load_test_image
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf '%s\n' "FROM $IMG" \
		'RUN mkdir /d /e && chown 1000:1001 /d && chmod 0750 /d && echo x >/e/f && touch -d "2001-02-03 04:05:06" /d && touch -d "2002-03-04 05:06:07" /e' \
		>"$ctx/Containerfile"
	run_pm 0 build -q -t localhost/dated:latest "$ctx"
}

# flags_at PATH...: a container script printing, per PATH, "PATH: " and the nosuid / nodev /
# noexec flags of its mount in /proc/mounts (in the kernel's order)
flags_at() {
	local p prog=''
	for p in "$@"; do
		# shellcheck disable=SC2016 # awk's own $2, $4
		prog+="awk -v d=$p '\$2 == d { n = split(\$4, o, \",\"); s = d \":\"
			for (i = 1; i <= n; i++) if (o[i] ~ /^no(suid|dev|exec)\$/) s = s \" \" o[i]
			print s }' /proc/mounts;"
	done
	printf '%s' "$prog"
}

@test "named volumes are mounted nosuid,nodev (not noexec), as podman's; suid, dev, noexec change that" {
	pm_load_test_image
	local src=$BATS_TEST_TMPDIR/bsrc
	mkdir -p "$src"
	run_pm 0 volume create plain
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs -o o=mode=0755 tv
	run_pm 0 volume create -o o=bind -o device="$src" bv
	run_pm 0 run --rm -v plain:/p -v tv:/t -v bv:/b -v /anon "$IMG" \
		sh -c "$(flags_at /p /t /b /anon)"
	is "$output" "$(printf '%s\n' '/p: nosuid nodev' '/t: nosuid nodev' '/b: nosuid nodev' \
		'/anon: nosuid nodev')" "-v NAME:/dst, tmpfs, bind, anonymous"
	run_pm 0 run --rm --mount type=volume,src=plain,dst=/p \
		--mount type=volume,src=tv,dst=/t --mount type=volume,dst=/anon "$IMG" \
		sh -c "$(flags_at /p /t /anon)"
	is "$output" "$(printf '%s\n' '/p: nosuid nodev' '/t: nosuid nodev' '/anon: nosuid nodev')" \
		"--mount type=volume"

	# the options given win over the defaults
	run_pm 0 run --rm -v plain:/p:suid -v tv:/t:dev,noexec -v bv:/b:nosuid,dev "$IMG" \
		sh -c "$(flags_at /p /t /b)"
	is "$output" "$(printf '%s\n' '/p: nodev' '/t: nosuid noexec' '/b: nosuid')" "-v options"
	run_pm 0 run --rm --mount type=volume,src=plain,dst=/p,suid \
		--mount type=volume,src=tv,dst=/t,dev,noexec "$IMG" sh -c "$(flags_at /p /t)"
	is "$output" "$(printf '%s\n' '/p: nodev' '/t: nosuid noexec')" "--mount options"
	run_pm 0 run --rm -v tv:/t:ro "$IMG" sh -c \
		"awk '\$2 == \"/t\" { print \$4 }' /proc/mounts; touch /t/x 2>/dev/null || echo refused"
	is "${lines[0]}" "ro,nosuid,nodev,.*" "ro keeps the defaults"
	is "${lines[1]}" "refused" "ro: no write"

	# a host directory's bind: its own flags, none added
	local want="$src:" f
	for f in nosuid nodev noexec; do
		if findmnt -no OPTIONS -T "$src" | tr ',' '\n' | grep -qx "$f"; then
			want+=" $f"
		fi
	done
	run_pm 0 run --rm -v "$src:$src" "$IMG" sh -c "$(flags_at "$src")"
	is "$output" "$want" "-v HOSTDIR:/dst: the flags of the host's mount"
	run_pm 0 volume rm plain tv bv
}

@test "a volume's first mount takes the mtime of the image's directory, as podman's Chtimes" {
	build_dated
	local src=$BATS_TEST_TMPDIR/bsrc src2=$BATS_TEST_TMPDIR/bsrc2
	mkdir -p "$src" "$src2"
	run_pm 0 volume create pd
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs td
	run_pm 0 volume create -o o=bind -o device="$src" bd
	run_pm 0 volume create pe
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs te
	run_pm 0 volume create -o o=bind -o device="$src2" be
	local v
	for v in pd td bd; do
		run_pm 0 run --rm -v "$v:/d" localhost/dated:latest stat -c '%y %u:%g %a' /d
		is "$output" "2001-02-03 04:05:06.000000000 [+]0000 1000:1001 750" "volume $v on /d"
	done
	for v in pe te be; do
		run_pm 0 run --rm --mount "type=volume,src=$v,dst=/e" localhost/dated:latest \
			stat -c '%y %u:%g %a' /e
		is "$output" "2002-03-04 05:06:07.000000000 [+]0000 0:0 755" "volume $v on /e"
	done
	is "$(stat -c %Y "$src")" "$(date -d '2001-02-03 04:05:06 UTC' +%s)" \
		"the bound host directory's mtime"

	# once: a tmpfs volume's next mount is a fresh tmpfs with its own times
	run_pm 0 run --rm -v td:/d localhost/dated:latest stat -c '%Y' /d
	[ "$output" -gt "$(date -d '2020-01-01 UTC' +%s)" ] || die "second mount: mtime $output"
	# a target the image lacks: the volume's times are its own
	run_pm 0 volume create fresh
	run_pm 0 run --rm -v fresh:/new localhost/dated:latest stat -c '%Y' /new
	[ "$output" -gt "$(date -d '2020-01-01 UTC' +%s)" ] || die "a new target: mtime $output"
	run_pm 0 volume rm pd td bd pe te be fresh
	run_pm 0 rmi localhost/dated:latest
}

@test "inspect .Mounts: a named volume's Options and Propagation, as podman's" {
	pm_load_test_image
	run_pm 0 create --name ci -v v:/a -v v:/b:ro -v v:/c:z,U -v v:/d:noexec,bind,nodev \
		-v v:/g:rslave,exec --mount type=volume,src=v,dst=/e,ro,suid -v /f "$IMG"
	run_pm 0 inspect --format \
		'{{range .Mounts}}{{.Destination}} {{.Options}} {{.RW}} {{.Propagation}}{{println}}{{end}}' ci
	local want got
	got=$(sort <<<"$output" | grep .)
	want=$(printf '%s\n' \
		'/a [nosuid nodev rbind] true rprivate' \
		'/b [nosuid nodev rbind] false rprivate' \
		'/c [U nosuid nodev rbind] true rprivate' \
		'/d [noexec bind nodev nosuid] true rprivate' \
		'/e [suid nodev rbind] false rprivate' \
		'/f [nosuid nodev rbind] true rprivate' \
		'/g [exec nosuid nodev rbind] true rslave')
	[ "$got" = "$want" ] || die "Options: given, then the defaults: $(printf '\n%s\n' "$got")"
	run_pm 0 rm -v ci
	run_pm 0 volume rm -a
}
