#!/usr/bin/env bats
# 079-quadlet: pm-user-generator, the systemd user generator for Quadlet files
# (podman-systemd.unit(5)): $XDG_CONFIG_HOME/containers/systemd/*.container, *.pod,
# *.volume and *.kube become units, printed with -dryrun or written to the output directory
# with the [Install] links systemd wants from a generator; a bad key or value is reported as
# "pm-quadlet: FILE:LINE: ..." and that unit alone is left out (exit 1); missing or
# unreadable directories are no failure. The commands of the generated units then run
# through pm here (specifiers filled in, without --cgroups=split: this host has no
# delegated cgroup; the VM tier runs them under systemd, tests/vm/050-quadlet.bats).
# All pm's own (podman 4.3 has no Quadlet). Runs as the unprivileged test user.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	skip_if_podman "pm's own generator (podman 4.3 has no Quadlet)"
	GEN=$(dirname "$PM_BINARY")/pm-user-generator
	[ -x "$GEN" ] || skip "no pm-user-generator beside $PM_BINARY"
	basic_setup
	QDIR=$XDG_CONFIG_HOME/containers/systemd
	mkdir -p "$QDIR"
	export PM_QUADLET_PM=$PM_BINARY
	unset QUADLET_UNIT_DIRS
}

teardown() {
	basic_teardown
}

# run_gen EXPECTED_RC ARGS...: the generator; $output = stdout, $stderr = stderr
run_gen() {
	local expected=$1
	shift
	echo "\$ pm-user-generator $*"
	status=0
	"$GEN" "$@" >"$BATS_TEST_TMPDIR/gen.out" 2>"$BATS_TEST_TMPDIR/gen.err" || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/gen.out")
	stderr=$(cat "$BATS_TEST_TMPDIR/gen.err")
	[ -z "$output" ] || echo "[stdout] $output"
	[ -z "$stderr" ] || echo "[stderr] $stderr"
	[ "$status" -eq "$expected" ] || die "pm-user-generator exited $status, expected $expected"
}

# unit_line FILE KEY: the value of the first KEY= line of a unit file
unit_line() {
	local l
	l=$(grep -m1 "^$2=" "$1") || die "no $2= in $1"
	echo "${l#"$2"=}"
}

# run_unit_cmd EXPECTED_RC FILE KEY: run the unit's command line through pm as systemd
# would (%t %N %n filled in, a leading '-' dropped), without --cgroups=split
run_unit_cmd() {
	local expected=$1 file=$2 key=$3 cmd name a
	cmd=$(unit_line "$file" "$key")
	cmd=${cmd#-}
	name=$(basename "$file" .service)
	cmd=${cmd//%t/$XDG_RUNTIME_DIR}
	cmd=${cmd//%N/$name}
	cmd=${cmd//%n/$name.service}
	eval "set -- $cmd"
	[ "$1" = "$PM_BINARY" ] || die "the unit runs '$1', not $PM_BINARY"
	shift
	local -a args=()
	for a in "$@"; do
		[ "$a" = --cgroups=split ] && continue
		if [[ "$a" == --sdnotify=* ]] && ! "$PM_BINARY" run --help | grep -q -- --sdnotify; then
			continue
		fi
		args+=("$a")
	done
	run_pm "$expected" "${args[@]}"
}

@test "quadlet: -dryrun prints the unit of a .container file" {
	cat >"$QDIR/web.container" <<'EOF'
# the web server
[Unit]
Description=web \
  server

[Container]
Image=localhost/busybox:latest
Exec=sh -c "echo hi; sleep 1000"
PublishPort=8080:80
Environment=A=1 "B=two words"

[Service]
Restart=always

[Install]
WantedBy=default.target
EOF
	run_gen 0 -dryrun
	same "$stderr" ""
	same "$output" "---web.service---
# Made by pm-user-generator from $QDIR/web.container
# Do not edit: edit the source file.
[Unit]
Description=web    server
SourcePath=$QDIR/web.container

[X-Container]
Image=localhost/busybox:latest
Exec=sh -c \"echo hi; sleep 1000\"
PublishPort=8080:80
Environment=A=1 \"B=two words\"

[Service]
Restart=always
Environment=PODMAN_SYSTEMD_UNIT=%n
KillMode=mixed
Delegate=yes
Type=notify
NotifyAccess=all
SyslogIdentifier=%N
TimeoutStopSec=70
ExecStart=$PM_BINARY run --cidfile=%t/%N.cid --cgroups=split --sdnotify=conmon -d --replace --rm --name systemd-%N --env A=1 --env \"B=two words\" --publish 8080:80 localhost/busybox:latest sh -c \"echo hi; sleep 1000\"
ExecStop=$PM_BINARY rm -v -f --ignore -t 10 --cidfile=%t/%N.cid
ExecStopPost=-$PM_BINARY rm -v -f --ignore -t 10 --cidfile=%t/%N.cid

[Install]
WantedBy=default.target" "the dry run"
	# two dashes work as one (Go's flag package)
	run_gen 0 --dryrun
	assert_contains "$output" "---web.service---"
}

@test "quadlet: units and install links in the output dir; a bad file is reported with its line, the others made" {
	cat >"$QDIR/good.container" <<'EOF'
[Container]
Image=localhost/busybox:latest
Pod=app.pod
Volume=data.volume:/data

[Install]
WantedBy=default.target
EOF
	printf '[Pod]\nPublishPort=9090:90\n' >"$QDIR/app.pod"
	printf '[Volume]\nLabel=a=b\n' >"$QDIR/data.volume"
	printf '[Kube]\nYaml=app.yaml\n' >"$QDIR/app.kube"
	printf '[Container]\nImage=x\n\n# comment\nFrobnicate=yes\n' >"$QDIR/bad.container"
	printf '[Container]\nImage=x\nPublishPort=80:70000\n' >"$QDIR/badport.container"
	printf '[Volume]\nthis is not a key\n' >"$QDIR/syntax.volume"
	echo "not a quadlet file" >"$QDIR/README"
	local out=$BATS_TEST_TMPDIR/gen
	run_gen 1 -no-kmsg-log "$out" "$out.early" "$out.late"
	same "$stderr" "pm-quadlet: $QDIR/syntax.volume:2: missing '=' in 'this is not a key'
pm-quadlet: $QDIR/bad.container:5: unsupported key 'Frobnicate' in group 'Container'
pm-quadlet: $QDIR/badport.container:3: invalid value '80:70000' for key 'PublishPort': not a port or range of ports (1-65535)" "the errors"
	same "$(cd "$out" && find . | LC_ALL=C sort | tr '\n' ' ')" \
		". ./app-pod.service ./app.service ./data-volume.service ./default.target.wants ./default.target.wants/good.service ./good.service " \
		"the generated files"
	same "$(readlink "$out/default.target.wants/good.service")" "../good.service"
	[ ! -e "$out.early" ] || die "the early dir was written"
	local good pod
	good=$(cat "$out/good.service")
	assert_contains "$good" "BindsTo=app-pod.service"
	assert_contains "$good" "Requires=data-volume.service"
	assert_contains "$good" " --pod systemd-app --volume systemd-data:/data localhost/busybox:latest
"
	pod=$(cat "$out/app-pod.service")
	assert_contains "$pod" "Wants=good.service"
	assert_contains "$pod" "ExecStartPre=$PM_BINARY pod create --pod-id-file=%t/%N.pod-id --replace --name systemd-app --publish 9090:90"
	assert_contains "$(cat "$out/app.service")" "ExecStart=$PM_BINARY kube play --replace $QDIR/app.yaml"
	assert_contains "$(cat "$out/data-volume.service")" "ExecStart=$PM_BINARY volume create --ignore --label a=b systemd-data"

	# fixed: all made, exit 0, the same output dir again
	rm "$QDIR/bad.container" "$QDIR/badport.container" "$QDIR/syntax.volume"
	run_gen 0 "$out"
	same "$stderr" ""
	[ -L "$out/default.target.wants/good.service" ] || die "the link is gone"
}

@test "quadlet: usage, -version, -v, a missing or unreadable directory" {
	run_gen 1
	assert_contains "$stderr" "pm-quadlet: missing output directory argument"
	run_gen 1 -bogus
	assert_contains "$stderr" "pm-quadlet: flag provided but not defined: -bogus"
	run_gen 0 -version
	same "$output" "pm-user-generator version $("$PM_BINARY" --version | awk '{print $3}')"

	# no Quadlet directory at all: nothing to do
	rm -rf "$QDIR"
	run_gen 0 -dryrun
	same "$output" ""
	same "$stderr" ""
	run_gen 0 -dryrun -v
	assert_contains "$stderr" "pm-quadlet: search directory $QDIR"
	assert_contains "$stderr" "pm-quadlet: no directory $QDIR"

	# an unreadable directory is reported, the next one still read ($QUADLET_UNIT_DIRS, as
	# podman's, replaces the search path)
	mkdir -p "$BATS_TEST_TMPDIR/locked" "$BATS_TEST_TMPDIR/open"
	printf '[Container]\nImage=i\n' >"$BATS_TEST_TMPDIR/open/c.container"
	chmod 000 "$BATS_TEST_TMPDIR/locked"
	QUADLET_UNIT_DIRS=$BATS_TEST_TMPDIR/locked:$BATS_TEST_TMPDIR/open run_gen 0 -dryrun
	chmod 755 "$BATS_TEST_TMPDIR/locked"
	assert_contains "$stderr" "pm-quadlet: $BATS_TEST_TMPDIR/locked: cannot read the directory: Permission denied"
	assert_contains "$output" "---c.service---"

	# an unreadable file is an error of that file
	printf '[Container]\nImage=i\n' >"$BATS_TEST_TMPDIR/open/secret.container"
	chmod 000 "$BATS_TEST_TMPDIR/open/secret.container"
	QUADLET_UNIT_DIRS=$BATS_TEST_TMPDIR/open run_gen 1 -dryrun
	assert_contains "$stderr" "pm-quadlet: "
	assert_contains "$stderr" "$BATS_TEST_TMPDIR/open/secret.container"
	assert_contains "$output" "---c.service---"
}

@test "quadlet: the generated commands run a container, a volume and a pod through pm" {
	pm_load_test_image
	cat >"$QDIR/web.container" <<'EOF'
[Container]
Image=localhost/busybox:latest
Exec=sh -c "echo started; exec sleep 1000"
Environment="GREETING=hello there"
Label=app=web
Volume=data.volume:/data
EOF
	printf '[Volume]\nVolumeName=qvol\n' >"$QDIR/data.volume"
	cat >"$QDIR/member.container" <<'EOF'
[Container]
Image=localhost/busybox:latest
Exec=sleep 1000
Pod=app.pod
EOF
	printf '[Pod]\nPodName=qpod\n' >"$QDIR/app.pod"
	local out=$BATS_TEST_TMPDIR/gen
	run_gen 0 -no-kmsg-log "$out"

	# the volume unit, twice (--ignore)
	run_unit_cmd 0 "$out/data-volume.service" ExecStart
	run_unit_cmd 0 "$out/data-volume.service" ExecStart
	run_pm 0 volume inspect --format '{{.Name}}' qvol
	same "$output" "qvol"

	run_unit_cmd 0 "$out/web.service" ExecStart
	local id
	id=$(cat "$XDG_RUNTIME_DIR/web.cid")
	run_pm 0 inspect --format '{{.Name}} {{.State.Status}} {{index .Config.Labels "app"}}' systemd-web
	same "$output" "systemd-web running web"
	run_pm 0 inspect --format '{{.Id}}' systemd-web
	same "$output" "$id" "the cidfile's id"
	# shellcheck disable=SC2016 # expanded in the container
	run_pm 0 exec systemd-web sh -c 'echo "$GREETING"; ls -d /data'
	same "$output" "hello there
/data"
	run_unit_cmd 0 "$out/web.service" ExecStop
	run_pm 1 container exists systemd-web
	run_unit_cmd 0 "$out/web.service" ExecStopPost

	# the pod, then its member
	run_unit_cmd 0 "$out/app-pod.service" ExecStartPre
	run_unit_cmd 0 "$out/app-pod.service" ExecStart
	run_unit_cmd 0 "$out/member.service" ExecStart
	run_pm 0 inspect --format '{{.State.Status}}' systemd-member
	same "$output" "running"
	run_pm 0 pod inspect --format '{{.Name}}' qpod
	same "$output" "qpod"
	run_unit_cmd 0 "$out/member.service" ExecStop
	run_unit_cmd 0 "$out/app-pod.service" ExecStop
	run_unit_cmd 0 "$out/app-pod.service" ExecStopPost
	run_pm 1 pod exists qpod
	run_pm 0 volume rm qvol
}
