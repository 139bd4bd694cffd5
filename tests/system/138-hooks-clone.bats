#!/usr/bin/env bats
# 138-hooks-clone: podman users' scripts run unchanged (issue 18): OCI hooks as podman's
# hooks.d (the when matchers always/annotations/commands/hasBindMounts combined with AND,
# the prestart/createRuntime/poststart/poststop stages, timeout, podman's errors for a bad
# hook file). Each hook writes a marker line. Runs as the unprivileged test user; also
# against podman (PM="podman --runtime runc").

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# hk NAME WHEN STAGES [HOOKJSON-EXTRA]: $H/NAME.json, a hook logging "NAME STATE" to $HLOG
hk() {
	printf '{"version":"1.0.0","hook":{"path":"%s","args":["log.sh","%s"]%s},"when":%s,"stages":%s}\n' \
		"$H/log.sh" "$1" "${4:-}" "$2" "$3" >"$H/$1.json"
}

hk_setup() {
	H=$BATS_TEST_TMPDIR/hooks HLOG=$BATS_TEST_TMPDIR/hooks.log
	mkdir -p "$H"
	# shellcheck disable=SC2016 # the hook script expands them
	printf '#!/bin/sh\necho "$1 $(cat)" >> %s\n' "$HLOG" >"$H/log.sh"
	chmod 755 "$H/log.sh"
}

# hk_names: the hooks that ran, one a line, in order
hk_names() {
	[ -e "$HLOG" ] && cut -d' ' -f1 "$HLOG" | tr '\n' ' ' | sed 's/ $//'
	rm -f "$HLOG"
}

@test "hooks: the stages in order, each with its state" {
	pm_load_test_image
	hk_setup
	local s
	for s in prestart createRuntime poststart poststop; do
		hk "$s" '{"always":true}' "[\"$s\"]"
	done
	run_pm 0 --hooks-dir "$H" run --name hk --annotation foo=bar $IMG echo hi
	is "$output" "hi" "the container ran"
	run_pm 0 inspect --format '{{.Id}}' hk
	local id=$output
	run cat "$HLOG"
	is "$(cut -d' ' -f1 "$HLOG" | tr '\n' ' ')" "prestart createRuntime poststart poststop " "the stages in order"
	assert_contains "${lines[0]}" "\"id\":\"$id\",\"status\":\"creating\",\"pid\":" "prestart: creating"
	assert_contains "${lines[0]}" '"foo":"bar"' "the annotations in the state"
	assert_contains "${lines[2]}" '"status":"created","pid":' "poststart: created"
	assert_contains "${lines[3]}" '"status":"stopped","bundle":' "poststop: stopped, no pid"
	run_pm 0 rm hk
}

@test "hooks: when: always, annotations, commands, hasBindMounts, combined with AND" {
	pm_load_test_image
	hk_setup
	hk a-ann '{"annotations":{"^foo$":"^ba"}}' '["prestart"]'
	hk b-ann-echo '{"annotations":{"^foo$":"^ba"},"commands":["echo$"]}' '["prestart"]'
	hk c-bind '{"hasBindMounts":true}' '["prestart"]'
	hk d-false '{"always":false,"commands":["echo"]}' '["prestart"]'
	hk e-empty '{}' '["prestart"]'
	hk f-cmd '{"commands":["^nomatch$","^(.*/)?echo$"]}' '["prestart"]'
	run_pm 0 --hooks-dir "$H" run --rm --annotation foo=bar $IMG echo hi
	is "$(hk_names)" "a-ann b-ann-echo f-cmd" "annotation, annotation AND command, a command"
	run_pm 0 --hooks-dir "$H" run --rm --annotation foo=xbar $IMG true
	is "$(hk_names)" "" "the value does not match: none"
	run_pm 0 --hooks-dir "$H" run --rm --annotation foo=baz -v "$BATS_TEST_TMPDIR:/mnt" $IMG true
	is "$(hk_names)" "a-ann c-bind" "a bind mount; the command does not match b"
	run_pm 0 --hooks-dir "$H" run --rm --tmpfs /x $IMG true
	is "$(hk_names)" "c-bind" "--tmpfs counts as podman's"
	run_pm 0 --hooks-dir "$H" run --rm -v hkvol:/mnt $IMG true
	is "$(hk_names)" "c-bind" "a named volume counts too"
	run_pm 0 volume rm hkvol
}

@test "hooks: a detached container's poststop and poststart" {
	pm_load_test_image
	hk_setup
	hk post '{"annotations":{"^k$":"v"}}' '["poststart","poststop"]'
	run_pm 0 --hooks-dir "$H" run -d --name hkd --annotation k=v $IMG true
	run_pm 0 wait hkd
	local _
	for _ in $(seq 1 50); do
		[ "$(wc -l <"$HLOG")" -ge 2 ] && break
		sleep 0.1
	done
	run cat "$HLOG"
	is "${#lines[@]}" "2" "poststart and poststop"
	assert_contains "${lines[1]}" '"status":"stopped"' "poststop last"
	assert_contains "${lines[1]}" '"k":"v"' "its annotations"
	run_pm 0 rm hkd
}

@test "hooks: timeout; a failing prestart or poststart hook fails the start (126)" {
	pm_load_test_image
	hk_setup
	printf '{"version":"1.0.0","hook":{"path":"/bin/sleep","args":["sleep","10"],"timeout":1},"when":{"always":true},"stages":["prestart"]}\n' >"$H/t.json"
	run_pm 126 --hooks-dir "$H" run --rm $IMG true
	assert_contains "$output" "error running hook #0: " "the hook named"
	assert_contains "$output" "hook ran past specified timeout of 1.0s" "its timeout"
	rm "$H/t.json"
	printf '{"version":"1.0.0","hook":{"path":"/bin/false"},"when":{"always":true},"stages":["poststart"]}\n' >"$H/f.json"
	run_pm 126 --hooks-dir "$H" run --rm $IMG echo ok
	assert_contains "$output" "error running hook #0" "a failing poststart hook (runc's)"
	assert_contains "$output" "exit status 1" "its exit status"
	pm_store_settled
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

@test "hooks: a bad hook file gives podman's error, exit 126, nothing left" {
	pm_load_test_image
	hk_setup
	local f=$H/x.json
	check() {
		printf '%s\n' "$1" >"$f"
		run_pm 126 --hooks-dir "$H" run --rm $IMG true
		assert_contains "$output" "Error: setting up OCI Hooks: $2" "$3"
	}
	check '{"version":"2.0.0","hook":{"path":"/bin/true"},"when":{"always":true},"stages":["prestart"]}' \
		"parsing hook \"$f\": unrecognized hook version: \"2.0.0\"" "a bad version"
	check '{"version":"1.0.0",' "parsing hook \"$f\": version check: " "bad JSON"
	check '{"version":"1.0.0","when":{"always":true},"stages":["prestart"]}' \
		"missing required property: hook.path" "no hook.path"
	check '{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"always":true},"stages":["bogus"]}' \
		'unknown stage "bogus"' "an unknown stage"
	check '{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"always":true}}' \
		"missing required property: stages" "no stages"
	check '{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"commands":["("]},"stages":["prestart"]}' \
		'invalid command "(": error parsing regexp: ' "a bad regex"
	# a hook whose path does not exist: that file skipped, the others run
	printf '{"version":"1.0.0","hook":{"path":"/nonexistent"},"when":{"always":true},"stages":["prestart"]}\n' >"$f"
	hk y-log '{"always":true}' '["prestart"]'
	run_pm 0 --hooks-dir "$H" run --rm $IMG true
	is "$(hk_names)" "y-log" "the other hook ran"
	rm "$H/y-log.json"
	# a file not named .json is not read
	printf 'garbage\n' >"$f"
	mv "$f" "$H/x.txt"
	run_pm 0 --hooks-dir "$H" run --rm $IMG true
	pm_store_settled
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no container left"
}

# ---- pm container clone ------------------------------------------------------------------------

@test "container clone: same config, new id, CTR-clone names, NAME and IMAGE arguments" {
	pm_load_test_image
	# shellcheck disable=SC2016 # expanded in the container
	run_pm 0 create --name c1 -e A=1 --label l=v $IMG sh -c 'echo "A=$A"'
	local id1=$output
	run_pm 0 container clone c1
	local id2=$output
	[ "$id2" != "$id1" ] || die "the same id"
	run_pm 0 container clone c1
	run_pm 0 ps -a --format '{{.Names}}'
	is "$(sort <<<"$output" | tr '\n' ' ')" "c1 c1-clone c1-clone1 " "CTR-clone, then CTR-clone1"
	run_pm 0 inspect --format '{{.State.Status}}' c1-clone1
	is "$output" "created" "created"
	run_pm 0 inspect --format '{{.Id}} {{.Config.Labels.l}} {{.ImageName}}' c1-clone
	is "$output" "$id2 v $IMG" "the label and image kept"
	run_pm 0 start -a c1-clone
	is "$output" "A=1" "the command and environment kept"
	run_pm 0 container clone c1 named
	run_pm 0 container clone --name x c1 y
	run_pm 0 container exists y
	run_pm 1 container exists x
	run_pm 0 container clone --name byflag c1
	run_pm 0 container exists byflag
	run_pm 0 container clone c1 other $IMG
	run_pm 0 inspect --format '{{.ImageName}}' other
	is "$output" "$IMG" "IMAGE given"
	run_pm 0 rm -a
}

@test "container clone: --run, --destroy (a running one only with --force)" {
	pm_load_test_image
	run_pm 0 create --name c1 $IMG echo out
	run_pm 0 container clone --run c1 c1run
	run_pm 0 wait c1run
	run_pm 0 logs c1run
	is "$output" "out" "--run started it"
	run_pm 0 container clone --destroy c1 c2
	run_pm 1 container exists c1
	run_pm 0 container exists c2
	run_pm 0 run -d --name r1 $IMG sleep 100
	run_pm 125 container clone --destroy r1 r2
	assert_contains "$output" "as it is running - running or paused containers cannot be removed without force: container state improper" "podman's words"
	run_pm 0 container exists r1
	# pm-only: podman 4.3 makes r2 before it fails to remove r1; pm refuses first
	is_podman || run_pm 1 container exists r2
	is_podman && run_pm 0 rm r2
	run_pm 0 container clone --destroy -f r1 r3
	run_pm 1 container exists r1
	run_pm 0 inspect --format '{{.State.Status}}' r3
	is "$output" "created" "the clone is created"
	run_pm 0 rm -af -t 0
}

@test "container clone: a pod member's clone joins the same pod" {
	pm_load_test_image
	run_pm 0 pod create --name p1
	run_pm 0 create --pod p1 --name pc $IMG echo in-pod
	run_pm 0 container clone pc
	run_pm 0 pod inspect --format '{{.Id}}' p1
	local pod=$output
	run_pm 0 inspect --format '{{.Pod}}' pc-clone
	is "$output" "$pod" "in the pod"
	run_pm 0 start -a pc-clone
	is "$output" "in-pod" "it runs"
	run_pm 0 pod rm -f p1
}

@test "container clone: bad input, one line, exit 125" {
	pm_load_test_image
	run_pm 0 create --name c1 $IMG true
	run_pm 125 container clone nosuch
	is "$output" 'Error: no container with name or ID "nosuch" found: no such container' "no such container"
	run_pm 125 container clone
	is "${#lines[@]}" "1" "one line"
	assert_contains "$output" "Error: accepts between 1 and 3 arg(s), received 0" "no argument"
	run_pm 125 container clone c1 a b c
	assert_contains "$output" "Error: accepts between 1 and 3 arg(s), received 4" "four"
	run_pm 0 container clone c1 taken
	run_pm 125 container clone c1 taken
	assert_contains "$output" 'the container name "taken" is already in use by' "a name in use"
	run_pm 125 container clone --cpus abc c1 x
	assert_contains "$output" "abc" "a bad --cpus named"
	run_pm 0 ps -a --format '{{.Names}}'
	is "$(sort <<<"$output" | tr '\n' ' ')" "c1 taken " "nothing half-made"
	run_pm 0 rm -a
}

# ---- pm image mount / unmount ------------------------------------------------------------------

@test "image mount: rootless it must run in unshare; there it mounts read-only, lists, counts" {
	pm_load_test_image
	run_pm 125 image mount $IMG
	local self=pm
	! is_podman || self=podman
	is "$output" "Error: cannot run command \"$self image mount\" in rootless mode, must execute \`$self unshare\` first" "podman's refusal"
	run_pm 125 image mount
	is "${#lines[@]}" "1" "the listing too, one line"
	run_pm 0 unshare "${PM_CMD[@]}" image mount $IMG
	local mp=$output
	[ -n "$mp" ] || die "no mountpoint"
	run_pm 0 unshare sh -c "test -x '$mp/bin/sh' && echo ok"
	is "$output" "ok" "the image's files there"
	# pm-only: podman's vfs driver (this test's) hands out the layer directory itself,
	# writable; pm mounts the layers read-only
	if ! is_podman; then
		run_pm 0 unshare sh -c "touch '$mp/x' 2>&1 || echo read-only"
		assert_contains "$output" "read-only" "read-only"
	fi
	run_pm 0 unshare "${PM_CMD[@]}" image mount
	is "$output" "$IMG  $mp" "listed: name and mountpoint"
	run_pm 0 unshare "${PM_CMD[@]}" image mount --format json
	assert_contains "$output" "\"mountpoint\": \"$mp\"" "json"
	# mounted twice: the first unmount keeps it
	run_pm 0 unshare "${PM_CMD[@]}" image mount $IMG
	run_pm 0 inspect --format '{{.Id}}' $IMG
	local id=$output
	run_pm 0 image unmount $IMG
	is "$output" "$id" "the id printed"
	run_pm 0 unshare "${PM_CMD[@]}" image mount
	is "$output" "$IMG  $mp" "still mounted once"
	run_pm 0 image unmount $IMG
	run_pm 0 unshare "${PM_CMD[@]}" image mount
	is "$output" "" "unmounted"
	run_pm 0 image unmount $IMG
	is "$output" "" "not mounted: nothing said"
	# --all
	run_pm 0 unshare "${PM_CMD[@]}" image mount $IMG
	run_pm 0 unshare "${PM_CMD[@]}" image mount $IMG
	run_pm 0 image unmount --all
	is "$output" "$id" "--all: one count off each mounted image"
	run_pm 0 unshare "${PM_CMD[@]}" image mount
	is "$output" "$IMG  $mp" "still mounted once"
	run_pm 0 image unmount -a
	run_pm 0 unshare "${PM_CMD[@]}" image mount
	is "$output" "" "none left"
	run_pm 0 image unmount -a
	is "$output" "" "nothing mounted: nothing said"
	# --force: whatever the count
	run_pm 0 unshare "${PM_CMD[@]}" image mount $IMG
	run_pm 0 unshare "${PM_CMD[@]}" image mount $IMG
	run_pm 0 image unmount -f $IMG
	run_pm 0 unshare "${PM_CMD[@]}" image mount
	is "$output" "" "--force: unmounted"
}

@test "image mount/unmount: bad input, one line, exit 125" {
	pm_load_test_image
	run_pm 125 unshare "${PM_CMD[@]}" image mount nosuch
	is "$output" "Error: nosuch: image not known" "an unknown image"
	run_pm 125 image unmount nosuch
	is "$output" "Error: nosuch: image not known" "unmount: an unknown image"
	run_pm 125 image unmount
	is "$output" "Error: image name or ID must be specified" "no image"
}
