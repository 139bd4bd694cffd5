#!/usr/bin/env bats
# 016-doctor: `pm doctor` checks the host for rootless pm: a table with a line per check and
# the fix under problems, --format json / Go templates, exit 1 only for errors, nothing
# written. The cases with broken devices are in 016-doctor.root.bats; each check's logic is
# unit tested against a fake /proc and /sys (tests/unit/test-doctor.c).

load helpers

CHECKS="subuid subgid newuidmap newgidmap userns overlay /dev/fuse /dev/net/tun slirp4netns pasta cgroups systemd XDG_RUNTIME_DIR unprivileged-ports storage"

setup() {
	skip_if_podman "pm only"
	basic_setup
}

@test "doctor: a table with every check; exit 1 exactly when a check is an error" {
	local rc=0
	output=$($PM doctor 2>&1) || rc=$?
	echo "$output"
	is "$(echo "$output" | head -1)" "CHECK +STATUS +DETAIL" "header"
	local c
	for c in $CHECKS; do
		echo "$output" | grep -Eq "^$c +(ok|warning|error) " || die "no line for check '$c'"
	done
	if echo "$output" | grep -Eq '^[^ ]+ +error '; then
		is "$rc" 1 "exit status with an error"
		assert_contains "$output" "rootless pm will fail until the errors are fixed"
	else
		is "$rc" 0 "exit status without errors"
	fi
	# every warning and error has its fix on the next line
	local n_bad n_fix
	n_bad=$(echo "$output" | grep -Ec '^[^ ]+ +(warning|error) ' || true)
	n_fix=$(echo "$output" | grep -Ec '^ +fix: ' || true)
	is "$n_fix" "$n_bad" "one fix per warning or error"
}

@test "doctor tells the truth about /dev/net/tun and the subordinate ranges" {
	local rc=0 want=ok
	output=$($PM doctor --format json) || rc=$?
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || want=error
	is "$(echo "$output" | jq -r '.[] | select(.Name == "/dev/net/tun") | .Status')" "$want" "tun"
	local user
	user=$(id -un)
	if grep -Eq "^($user|$(id -u)):[0-9]+:[0-9]+$" /etc/subuid; then
		is "$(echo "$output" | jq -r '.[] | select(.Name == "subuid") | .Status')" "ok|warning" "subuid"
		assert_contains "$(echo "$output" | jq -r '.[] | select(.Name == "subuid") | .Detail')" \
			"'$user' has $(awk -F: -v u="$user" '$1==u {print $2 ":" $3; exit}' /etc/subuid)"
	fi
	if command -v slirp4netns >/dev/null; then
		assert_contains "$(echo "$output" | jq -r '.[] | select(.Name == "slirp4netns") | .Detail')" \
			"$(slirp4netns --version | head -1)"
	fi
}

@test "doctor --format json: an array of {Name, Status, Detail, Fix}" {
	local rc=0
	output=$($PM doctor --format json) || rc=$?
	echo "$output" | jq -e 'type == "array" and length >= 15' >/dev/null || die "not an array: $output"
	is "$(echo "$output" | jq -r '[.[] | keys | join(",")] | unique | join(" ")')" "Detail,Fix,Name,Status" "keys"
	is "$(echo "$output" | jq -r '[.[].Status] | unique | map(select(. != "ok" and . != "warning" and . != "error")) | length')" "0" "statuses"
	is "$(echo "$output" | jq -r '[.[] | select(.Status == "ok" and .Fix != "")] | length')" "0" "no fix on ok"
	is "$(echo "$output" | jq -r '[.[] | select(.Status != "ok" and .Fix == "")] | length')" "0" "a fix on each problem"
	# same exit rule as the table
	if echo "$output" | jq -e 'any(.[]; .Status == "error")' >/dev/null; then
		is "$rc" 1 "exit"
	else
		is "$rc" 0 "exit"
	fi
}

@test "doctor --format with a Go template" {
	local rc=0
	output=$($PM doctor --format '{{.Name}}={{.Status}}') || rc=$?
	echo "$output" | grep -Eq '^/dev/net/tun=(ok|error)$' || die "no tun line: $output"
	echo "$output" | grep -Eq '^subuid=(ok|warning|error)$' || die "no subuid line: $output"
	run_pm 125 doctor --format '{{.NoSuchField}}'
	assert_contains "$output" "NoSuchField"
}

@test "doctor: bad flags and arguments are exit 125" {
	run_pm 125 doctor --bogus
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 125 doctor extra
	assert_contains "$output" "Error:"
	run_pm 0 doctor --help
	assert_contains "$output" "pm doctor [options]"
}

@test "doctor changes nothing" {
	# (its speed is no test's business: tests/bench measures commands)
	$PM doctor >/dev/null || true
	[ ! -e "$XDG_DATA_HOME/pm" ] || die "doctor created $XDG_DATA_HOME/pm"
	[ ! -e "$XDG_RUNTIME_DIR/pm" ] || die "doctor created $XDG_RUNTIME_DIR/pm"
	[ -z "$(marked_pause_pids)" ] || die "doctor started a pause process"
}
