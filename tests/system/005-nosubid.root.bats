#!/usr/bin/env bats
# 005-nosubid (run as root by tests/run-system.sh): a user without a range in /etc/subuid
# gets exit 125 and a message naming /etc/subuid, and pm leaves nothing behind.

load helpers

setup() {
	skip_if_not_root "switches users with runuser"
	skip_if_podman "pm's message"
	NOSUB=${PM_NOSUB_USER:-pmnosub}
	id "$NOSUB" >/dev/null 2>&1 || skip "no user '$NOSUB' (tests/run-system.sh creates it)"
	if grep -Eq "^($NOSUB|$(id -u "$NOSUB")):" /etc/subuid; then
		skip "'$NOSUB' has a range in /etc/subuid"
	fi
	NOSUB_RUN=$(mktemp -d /tmp/pmrt.XXXXXX)
	NOSUB_HOME=$(mktemp -d /tmp/pmnosub.XXXXXX)
	chown "$NOSUB:" "$NOSUB_RUN" "$NOSUB_HOME"
	chmod 0700 "$NOSUB_RUN"
	# for _pm_leaked_pids (helpers.bash): our marker and dirs
	PM_TEST_MARK="pmnosub-$$-$RANDOM$RANDOM"
	export XDG_RUNTIME_DIR=$NOSUB_RUN
}

teardown() {
	if [ -n "${NOSUB_RUN:-}" ]; then
		local pids
		pids=$(_pm_leaked_pids)
		# shellcheck disable=SC2086 # a list of pids
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
		rm -rf "$NOSUB_RUN" "$NOSUB_HOME"
	fi
}

# as_nosub ARGS...: run $PM_BINARY as the user without subordinate ids.
as_nosub() {
	status=0
	output=$(cd / && timeout "$PM_TIMEOUT" runuser -u "$NOSUB" -- env -i \
		PATH=/usr/local/bin:/usr/bin:/bin HOME="$NOSUB_HOME" USER="$NOSUB" PM_TEST_MARK="$PM_TEST_MARK" \
		XDG_RUNTIME_DIR="$NOSUB_RUN" XDG_DATA_HOME="$NOSUB_HOME/data" \
		XDG_CONFIG_HOME="$NOSUB_HOME/config" "$PM_BINARY" "$@" 2>&1) || status=$?
	echo "$ runuser -u $NOSUB -- pm $*"
	echo "$output"
	echo "[ rc=$status ]"
}

@test "user without /etc/subuid entry: exit 125 naming /etc/subuid" {
	as_nosub unshare true
	[ "$status" -eq 125 ] || die "exit code is $status; expected 125"
	assert_contains "$output" "/etc/subuid"
	assert_contains "$output" "$NOSUB"
	is "$(grep -c '^Error: ' <<<"$output")" "1" "number of Error: lines"

	# nothing left: no process of the user, no pause pid, nothing but locks in the runroot
	pids=$(_pm_leaked_pids)
	[ -z "$pids" ] || die "processes of $NOSUB left: $pids"
	left=$(find "$NOSUB_RUN" -mindepth 1 -type f ! -name '*.lock' ! -name 'lock')
	is "$left" "" "files left in $NOSUB's runtime dir"
	[ ! -e "$NOSUB_RUN/pm/pause.pid" ] || die "pause.pid left in $NOSUB_RUN/pm"
}

@test "user without /etc/subuid entry: commands that need no namespace still work" {
	as_nosub version
	[ "$status" -eq 0 ] || die "exit code is $status; expected 0"
	assert_contains "$output" "Version:"
	as_nosub unshare --help
	[ "$status" -eq 0 ] || die "unshare --help: exit code is $status; expected 0"
}

@test "info works for a user without /etc/subuid and says what is missing" {
	as_nosub info --format json
	[ "$status" -eq 0 ] || die "info failed ($status): $output"
	echo "$output" | jq -e . >/dev/null || die "not JSON: $output"
	assert_contains "$(echo "$output" | jq -r .host.idMappings.uidmapError)" "/etc/subuid"
	assert_contains "$(echo "$output" | jq -r .host.idMappings.gidmapError)" "/etc/subgid"
}
