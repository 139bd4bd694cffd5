#!/usr/bin/env bats
# 083-progress: load, import, commit and save print podman 4.3's progress lines on stderr
# ("Getting image source signatures", "Copying blob sha256:...", "Copying config sha256:ID",
# "Writing manifest to image destination", "Storing signatures"), stdout keeps only the
# result, -q silences them, save to stdout prints none; on a terminal a bar with bytes
# done/total is drawn while a layer is copied. Runs as the test user; the lines are podman's
# own, so the file also runs against podman (except the terminal test).

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

# lines_for ID: the lines podman prints after copying the image ID (layers from inspect)
lines_for() {
	local id=$1 l
	echo "Getting image source signatures"
	for l in $(timeout "$PM_TIMEOUT" "${PM_CMD[@]}" image inspect --format '{{range .RootFS.Layers}}{{.}} {{end}}' "$id"); do
		echo "Copying blob $l"
	done
	echo "Copying config sha256:${id#sha256:}"
	echo "Writing manifest to image destination"
	echo "Storing signatures"
}

@test "load, import, commit, save: podman's progress lines on stderr; -q silences them" {
	local img id
	img=$(pm_test_image name)
	run_pm_split 0 load -i "$(pm_test_image)"
	is "$output" "Loaded image: $img" "load's stdout"
	id=$(timeout "$PM_TIMEOUT" "${PM_CMD[@]}" image inspect --format '{{.Id}}' "$img")
	is "$stderr" "$(lines_for "$id")" "load's stderr"

	run_pm_split 0 import "$(pm_test_image rootfs-tar)" imp1
	is "$output" "sha256:[0-9a-f]{64}" "import's stdout"
	is "$stderr" "$(lines_for "$output")" "import's stderr"

	run_pm 0 create --name prog1 "$img" true
	run_pm_split 0 commit prog1 com1
	is "$output" "[0-9a-f]{64}" "commit's stdout"
	is "$stderr" "$(lines_for "$output")" "commit's stderr"
	assert_contains "$stderr" "Copying blob sha256:" "commit's stderr"

	# save: the same without the signatures line; to stdout nothing
	run_pm_split 0 save -o "$BATS_TEST_TMPDIR/s.tar" "$img"
	is "$output" "" "save's stdout"
	is "$stderr" "$(lines_for "$id" | tail -n +2)" "save's stderr"
	timeout "$PM_TIMEOUT" "${PM_CMD[@]}" save "$img" >"$BATS_TEST_TMPDIR/s2.tar" 2>"$BATS_TEST_TMPDIR/s2.err"
	is "$(cat "$BATS_TEST_TMPDIR/s2.err")" "" "save to stdout: stderr"

	# -q: nothing on stderr
	run_pm_split 0 load -q -i "$BATS_TEST_TMPDIR/s.tar"
	is "$stderr" "" "load -q's stderr"
	run_pm_split 0 import -q "$(pm_test_image rootfs-tar)" imp2
	is "$stderr" "" "import -q's stderr"
	run_pm_split 0 commit -q prog1 com2
	is "$stderr" "" "commit -q's stderr"
	is "$output" "[0-9a-f]{64}" "commit -q's stdout"
	run_pm_split 0 save -q -o "$BATS_TEST_TMPDIR/s3.tar" "$img"
	is "$stderr" "" "save -q's stderr"
	run_pm 0 rm prog1
}

@test "on a terminal: a bar with bytes done/total while a layer is copied" {
	skip_if_podman "pm's bar"
	skip_if_missing script
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 save -o "$BATS_TEST_TMPDIR/s.tar" "$img"
	run_pm 0 rmi "$img"
	# script(1) gives pm a terminal; the bar is drawn with \r and erased before the lines
	local out
	out=$(script -qec "$(printf '%q ' "${PM_CMD[@]}") load -i $BATS_TEST_TMPDIR/s.tar" /dev/null) ||
		die "load on a terminal failed: $out"
	echo "$out" | od -c | head -20
	[[ "$out" =~ Copying\ blob\ [0-9a-f]{12}\ \[[=\>\ ]+\]\ [0-9.]+[kMG]?B\ /\ [0-9.]+[kMG]?B ]] ||
		die "no progress bar with done/total"
	assert_contains "$out" $'\r\e[KCopying blob sha256:' "the bar erased before the lines"
	assert_contains "$out" "Loaded image: $img"
}
