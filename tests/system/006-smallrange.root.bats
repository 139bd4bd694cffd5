#!/usr/bin/env bats
# 006-smallrange (run as root by tests/run-system.sh): a user whose subordinate range is
# smaller than 65536 gets one warning naming /etc/subuid and the size, and pm still works
# with the ids it has.

load helpers

setup() {
	skip_if_not_root "creates a user and edits /etc/subuid"
	skip_if_podman "pm's message"
	SMALL=pmsmall
	if ! id "$SMALL" >/dev/null 2>&1; then
		useradd -m -s /bin/bash "$SMALL" || skip "cannot create user '$SMALL'"
	fi
	# a 1000-id range far from everyone else's
	START=900000000
	for f in /etc/subuid /etc/subgid; do
		sed -i -E "/^($SMALL|$(id -u "$SMALL")):/d" "$f"
		echo "$SMALL:$START:1000" >>"$f"
	done
	SMALL_RUN=$(mktemp -d /tmp/pmrt.XXXXXX)
	SMALL_HOME=$(mktemp -d /tmp/pmsmall.XXXXXX)
	chown "$SMALL:" "$SMALL_RUN" "$SMALL_HOME"
	chmod 0700 "$SMALL_RUN"
	PM_TEST_MARK="pmsmall-$$-$RANDOM$RANDOM"
	# for _pm_leaked_pids (helpers.bash): our marker and dirs
	export XDG_RUNTIME_DIR=$SMALL_RUN
}

teardown() {
	as_small system migrate
	local pids
	pids=$(_pm_leaked_pids)
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
	rm -rf "$SMALL_RUN" "$SMALL_HOME"
	for f in /etc/subuid /etc/subgid; do
		sed -i -E "/^($SMALL|$(id -u "$SMALL")):/d" "$f"
	done
}

# as_small ARGS...: run $PM_BINARY as the user with the small range.
as_small() {
	status=0
	output=$(cd / && timeout "$PM_TIMEOUT" runuser -u "$SMALL" -- env -i \
		PATH=/usr/local/bin:/usr/bin:/bin HOME="$SMALL_HOME" USER="$SMALL" PM_TEST_MARK="$PM_TEST_MARK" \
		XDG_RUNTIME_DIR="$SMALL_RUN" XDG_DATA_HOME="$SMALL_HOME/data" \
		XDG_CONFIG_HOME="$SMALL_HOME/config" "$PM_BINARY" "$@" 2>&1) || status=$?
	echo "$ runuser -u $SMALL -- pm $*"
	echo "$output"
	echo "[ rc=$status ]"
}

@test "a subordinate range smaller than 65536: one warning per file, and it works" {
	as_small unshare cat /proc/self/uid_map
	[ "$status" -eq 0 ] || die "exit code is $status; expected 0"
	is "$(grep -c 'WARN.*/etc/subuid.*1000' <<<"$output")" "1" "warnings naming /etc/subuid"
	is "$(grep -c 'WARN.*/etc/subgid.*1000' <<<"$output")" "1" "warnings naming /etc/subgid"
	is "$(grep -c 'WARN' <<<"$output")" "2" "number of warnings"
	# the map: 0 -> the user, 1.. -> the 1000 ids it has
	grep -Eq "^ +1 +$START +1000$" <<<"$output" || die "no '1 $START 1000' line in the uid map"
	# said once, when the namespace is made; joining it later is quiet
	as_small unshare true
	[ "$status" -eq 0 ] || die "exit code is $status; expected 0"
	is "$output" "" "second command's output"
}
