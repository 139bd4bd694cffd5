#!/usr/bin/env bats
# 147-tail-more: build --manifest (the built image added to a list, created when missing);
# kube play's io.containers.autoupdate annotations become the containers' label, and
# Quadlet .kube files' AutoUpdate= becomes kube play's --annotation; concurrent manifest
# adds to one list keep every entry (the list's lock); OCI hooks from several
# --hooks-dir ordered by file name, a later directory's file replacing an earlier one's;
# --log-opt max-size in go-units' decimal units.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # hook scripts and container commands are single-quoted on purpose

load helpers

setup() {
	basic_setup
}

teardown() {
	basic_teardown
}

# pmq EXPECTED_RC ARGS...: run_pm without podman's "not a shared mount" warning in $output
pmq() {
	run_pm "$@"
	output=$(grep -v 'is not a shared mount, this could cause issues' <<<"$output" || true)
	mapfile -t lines <<<"$output"
}

# jq_o EXPR: EXPR (python, on m = the JSON in $output) printed
jq_o() {
	python3 -c 'import json, sys
m = json.loads(sys.argv[1])
r = eval(sys.argv[2], {"m": m})
print(r if isinstance(r, str) else json.dumps(r))' "$output" "$1"
}

# build_ctx: a context whose image differs from busybox by one RUN step, in $CTX
build_ctx() {
	pmq 0 load -q -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	printf 'FROM localhost/busybox\nRUN echo %s > /x\n' "${1:-hi}" >"$CTX/Containerfile"
}

# ---- 1. build --manifest -------------------------------------------------------------------

@test "build --manifest: creates the list with the built image, a rebuild replaces it" {
	build_ctx
	pmq 0 build -q --manifest ml "$CTX"
	local id=${lines[-1]}
	pmq 0 image inspect --format '{{.Digest}}' "$id"
	local digest=$output
	pmq 0 manifest inspect ml
	same "$(jq_o 'm["mediaType"]')" "application/vnd.docker.distribution.manifest.list.v2+json"
	is "$(jq_o 'len(m["manifests"])')" 1 "one instance"
	is "$(jq_o 'm["manifests"][0]["digest"]')" "$digest" "the built image's digest"
	same "$(jq_o 'm["manifests"][0]["mediaType"]')" "application/vnd.oci.image.manifest.v1+json"
	is "$(jq_o 'm["manifests"][0]["platform"]["os"]')" linux
	pmq 0 manifest exists ml

	# the same build again: the same digest, still one entry
	pmq 0 build -q --manifest ml "$CTX"
	pmq 0 manifest inspect ml
	is "$(jq_o 'len(m["manifests"])')" 1 "a rebuild replaces its entry"

	# another image into the existing list, with -t: tagged and listed
	printf 'FROM localhost/busybox\nRUN echo other > /y\n' >"$CTX/Containerfile"
	pmq 0 build -q -t other --manifest ml "$CTX"
	pmq 0 image inspect --format '{{.Digest}}' localhost/other
	local digest2=$output
	pmq 0 manifest inspect ml
	is "$(jq_o 'len(m["manifests"])')" 2 "the second image added"
	is "$(jq_o 'm["manifests"][1]["digest"]')" "$digest2" "added last"
	is "$(jq_o 'm["manifests"][0]["digest"]')" "$digest" "the first one kept"
}

@test "build --manifest: a name that is no list, or no reference, exits 125" {
	build_ctx
	pmq 125 build -q --manifest localhost/busybox "$CTX"
	assert_contains "$output" "Error: localhost/busybox:latest: image is not a manifest list"
	pmq 125 build -q --manifest 'Bad!' "$CTX"
	assert_contains "$output" "Error: "
	assert_contains "$output" "invalid reference format"
	run_pm 1 manifest exists 'bad'
	if ! is_podman; then
		# pm checks the name first: nothing was built (podman builds, then fails)
		pmq 0 images -a -q
		is "${#lines[@]}" 1 "only busybox: nothing built"
	fi
}

# ---- 3. manifest add under the list's lock ---------------------------------------------------

@test "manifest add: concurrent adds to one list keep every entry (pm)" {
	skip_if_podman "podman 4.3 takes no lock: one of three concurrent adds is lost now and then"
	build_ctx one
	pmq 0 build -q -t one "$CTX"
	build_ctx two
	pmq 0 build -q -t two "$CTX"
	build_ctx three
	pmq 0 build -q -t three "$CTX"
	local d1 d2 d3
	d1=$("${PM_CMD[@]}" image inspect --format '{{.Digest}}' localhost/one)
	d2=$("${PM_CMD[@]}" image inspect --format '{{.Digest}}' localhost/two)
	d3=$("${PM_CMD[@]}" image inspect --format '{{.Digest}}' localhost/three)
	local i
	for i in 1 2 3 4; do
		pmq 0 manifest create "race$i"
		"${PM_CMD[@]}" manifest add "race$i" containers-storage:localhost/one >"$BATS_TEST_TMPDIR/a1" 2>&1 &
		local p1=$!
		"${PM_CMD[@]}" manifest add "race$i" containers-storage:localhost/two >"$BATS_TEST_TMPDIR/a2" 2>&1 &
		local p2=$!
		"${PM_CMD[@]}" manifest add "race$i" containers-storage:localhost/three >"$BATS_TEST_TMPDIR/a3" 2>&1 &
		local p3=$!
		wait $p1 || die "add one failed: $(cat "$BATS_TEST_TMPDIR/a1")"
		wait $p2 || die "add two failed: $(cat "$BATS_TEST_TMPDIR/a2")"
		wait $p3 || die "add three failed: $(cat "$BATS_TEST_TMPDIR/a3")"
		pmq 0 manifest inspect "race$i"
		is "$(jq_o 'len(m["manifests"])')" 3 "round $i: three entries"
		is "$(jq_o '" ".join(sorted(e["digest"] for e in m["manifests"]))')" \
			"$(printf '%s\n' "$d1" "$d2" "$d3" | sort | tr '\n' ' ' | sed 's/ $//')" \
			"round $i: the three digests"
		# and a concurrent annotate and remove each keep the other's change
		"${PM_CMD[@]}" manifest annotate --annotation k=v "race$i" "$d1" >/dev/null 2>&1 &
		p1=$!
		"${PM_CMD[@]}" manifest remove "race$i" "$d2" >/dev/null 2>&1 &
		p2=$!
		wait $p1 || die "annotate failed"
		wait $p2 || die "remove failed"
		pmq 0 manifest inspect "race$i"
		is "$(jq_o 'len(m["manifests"])')" 2 "round $i: one removed"
		same "$(jq_o '[e.get("annotations") for e in m["manifests"] if e["digest"] == "'"$d1"'"][0]')" \
			'{"k": "v"}' "round $i: the annotation kept"
	done
}

# ---- 2. kube play's auto-update annotations ------------------------------------------------

# kube_yaml FILE: a pod "au" with containers "web" and "db" (busybox, sleeping), its
# annotations: the pod-wide policy local, db's own registry, and an authfile for web
kube_yaml() {
	cat >"$1" <<EOF2
apiVersion: v1
kind: Pod
metadata:
  name: au
  annotations:
    io.containers.autoupdate: local
    io.containers.autoupdate/db: registry
    io.containers.autoupdate.authfile/web: /etc/auth.json
    note: kept
spec:
  containers:
  - name: web
    image: localhost/busybox:latest
    command: ["sleep", "600"]
  - name: db
    image: localhost/busybox:latest
    command: ["sleep", "600"]
EOF2
}

@test "kube play: the pod's io.containers.autoupdate annotations become the containers' labels" {
	pmq 0 load -q -i "$(pm_test_image)"
	kube_yaml "$BATS_TEST_TMPDIR/au.yaml"
	PODMAN_SYSTEMD_UNIT=au.service pmq 0 kube play "$BATS_TEST_TMPDIR/au.yaml"
	pmq 0 inspect --format '{{index .Config.Labels "io.containers.autoupdate"}}' au-web
	is "$output" local "web: the pod-wide policy"
	pmq 0 inspect --format '{{index .Config.Labels "io.containers.autoupdate"}}' au-db
	is "$output" registry "db: its own annotation wins"
	pmq 0 inspect --format '{{index .Config.Labels "io.containers.autoupdate.authfile"}}' au-web
	is "$output" /etc/auth.json "web's authfile"
	pmq 0 inspect --format '{{index .Config.Labels "io.containers.autoupdate.authfile"}}' au-db
	is "$output" "" "db has none"
	pmq 0 inspect --format '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}' au-web
	is "$output" au.service "the unit from the environment"
	# the pod's annotations are the containers' annotations too
	pmq 0 inspect --format '{{index .Config.Annotations "note"}}' au-web
	is "$output" kept

	# --annotation goes over the pod's: every container's policy, unless its own says else
	pmq 0 kube play --replace --annotation io.containers.autoupdate=disabled \
		"$BATS_TEST_TMPDIR/au.yaml"
	pmq 0 inspect --format '{{index .Config.Labels "io.containers.autoupdate"}}' au-web
	is "$output" disabled "web: --annotation's"
	pmq 0 inspect --format '{{index .Config.Labels "io.containers.autoupdate"}}' au-db
	is "$output" registry "db: still its own"
	pmq 0 kube down "$BATS_TEST_TMPDIR/au.yaml"
}

@test "auto-update --dry-run lists a kube-played container by its pod's annotation (pm)" {
	skip_if_podman "podman 4.3 asks systemd over D-Bus first"
	pmq 0 load -q -i "$(pm_test_image)"
	cat >"$BATS_TEST_TMPDIR/one.yaml" <<EOF2
apiVersion: v1
kind: Pod
metadata:
  name: one
  annotations:
    io.containers.autoupdate/app: local
spec:
  containers:
  - name: app
    image: localhost/busybox:latest
    command: ["sleep", "600"]
  - name: other
    image: localhost/busybox:latest
    command: ["sleep", "600"]
EOF2
	PODMAN_SYSTEMD_UNIT=one.service pmq 0 kube play "$BATS_TEST_TMPDIR/one.yaml"
	pmq 0 auto-update --dry-run --format '{{.Unit}} {{.ContainerName}} {{.Image}} {{.Policy}} {{.Updated}}'
	is "$output" "one.service one-app localhost/busybox:latest local false" "app only"
	pmq 0 kube down "$BATS_TEST_TMPDIR/one.yaml"
}

@test "quadlet: a .kube file's AutoUpdate= becomes kube play's --annotation (pm)" {
	skip_if_podman "pm's own generator (podman 4.3 has no Quadlet)"
	local gen
	gen=$(dirname "$PM_BINARY")/pm-user-generator
	[ -x "$gen" ] || skip "no pm-user-generator beside $PM_BINARY"
	local qd=$XDG_CONFIG_HOME/containers/systemd out=$BATS_TEST_TMPDIR/out
	mkdir -p "$qd" "$out"
	printf '[Kube]\nYaml=/srv/app.yaml\nAutoUpdate=registry\nAutoUpdate=db/local\n' >"$qd/app.kube"
	PM_QUADLET_PM=$PM_BINARY run env -u QUADLET_UNIT_DIRS "$gen" "$out" "$out" "$out"
	[ "$status" -eq 0 ] || die "generator failed: $output"
	run grep '^ExecStart=' "$out/app.service"
	assert_contains "$output" "kube play --replace --annotation=io.containers.autoupdate=registry --annotation=io.containers.autoupdate/db=local /srv/app.yaml"
}

# ---- 4. OCI hooks from several directories -------------------------------------------------

# hook DIR NAME: DIR/NAME.json, a prestart hook logging "DIR's base name/NAME"
hook() {
	printf '{"version":"1.0.0","hook":{"path":"%s","args":["log.sh","%s"]},"when":{"always":true},"stages":["prestart"]}\n' \
		"$HK/log.sh" "$(basename "$1")/$2" >"$1/$2.json"
}

@test "hooks: several --hooks-dir run by file name across them; a later dir's file replaces" {
	pmq 0 load -q -i "$(pm_test_image)"
	HK=$BATS_TEST_TMPDIR/hk
	local log=$BATS_TEST_TMPDIR/hooks.log d1=$BATS_TEST_TMPDIR/one d2=$BATS_TEST_TMPDIR/two
	mkdir -p "$HK" "$d1" "$d2"
	printf '#!/bin/sh\necho "$1" >> %s\n' "$log" >"$HK/log.sh"
	chmod 755 "$HK/log.sh"
	# interleaved names, one name in both, case mixed (podman ignores case)
	hook "$d1" 10-a
	hook "$d1" 30-c
	hook "$d1" 50-same
	hook "$d1" B-upper
	hook "$d2" 20-b
	hook "$d2" 50-same
	hook "$d2" a-lower
	hook "$d2" c-lower
	pmq 0 --hooks-dir "$d1" --hooks-dir "$d2" run --rm localhost/busybox true
	run cat "$log"
	is "$(tr '\n' ' ' <"$log")" \
		"one/10-a two/20-b one/30-c two/50-same two/a-lower one/B-upper two/c-lower " \
		"by name across the directories, two's 50-same in place of one's"
	rm -f "$log"
	# the other order of the directories: one's 50-same wins
	pmq 0 --hooks-dir "$d2" --hooks-dir "$d1" run --rm localhost/busybox true
	is "$(tr '\n' ' ' <"$log")" \
		"one/10-a two/20-b one/30-c one/50-same two/a-lower one/B-upper two/c-lower "
}

# ---- 5. --log-opt max-size in decimal units --------------------------------------------------

@test "--log-opt max-size: go-units' decimal units (10mb is 10000000), inspect's LogConfig.Size" {
	pmq 0 load -q -i "$(pm_test_image)"
	local v want
	# podman 4.3 parses it with go-units FromHumanSize: k, m, g are powers of 1000, KiB too
	for v in 2k:2kB 2kb:2kB 10mb:10MB 10m:10MB 1KiB:1kB 1.5k:1.5kB 1024:1.024kB 3g:3GB 100:100B; do
		want=${v#*:}
		pmq 0 create --name "ls" --log-opt "max-size=${v%%:*}" localhost/busybox true
		pmq 0 inspect --format '{{.HostConfig.LogConfig.Size}}' ls
		is "$output" "$want" "max-size=${v%%:*}"
		pmq 0 rm ls
	done
	pmq 125 create --log-opt max-size=12q localhost/busybox true
	assert_contains "$output" "Error: "
	assert_contains "$output" "12q"
	pmq 0 ps -aq
	is "$output" "" "nothing made"
}

@test "--log-opt max-size=2k: the log is rotated at 2000 bytes (pm)" {
	skip_if_podman "pm's log file path"
	pmq 0 load -q -i "$(pm_test_image)"
	pmq 0 run --name l1 --log-opt max-size=2k localhost/busybox sh -c 'i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done'
	local id size
	id=$("${PM_CMD[@]}" inspect --format '{{.Id}}' l1)
	size=$(stat -c %s "$XDG_DATA_HOME/pm/storage/db/containers/$id/ctr.log")
	[ "$size" -le 2000 ] || die "log is $size bytes with max-size=2k (2000 bytes)"
	pmq 0 logs l1
	assert_contains "$output" "line-299"
	pmq 0 rm l1
}
