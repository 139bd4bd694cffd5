# shellcheck shell=bash
# test-user.sh: make sure a local user exists with (or without) its own subordinate id
# ranges. Sourced by tests/run-system.sh and tools/demo.sh; the functions run as root.
#
#   pm_has_subids USER FILE        USER has a range in FILE (/etc/subuid or /etc/subgid)
#   pm_free_subid_start FILE       first multiple of 65536 from 262144 on whose 65536 ids
#                                  overlap no range in FILE
#   pm_ensure_user USER [nosub]    create USER (useradd -m) if missing; give it a 65536-id
#                                  range in /etc/subuid and /etc/subgid unless it has one,
#                                  or with "nosub" remove any range it has. Idempotent;
#                                  serialised with other runs by a lock.

pm_has_subids() {
	local uid
	uid=$(id -u "$1" 2>/dev/null) || return 1
	grep -Eq "^($1|$uid):[0-9]+:[0-9]+" "$2" 2>/dev/null
}

pm_free_subid_start() {
	local start=262144 moved=1 s n
	while [ $moved -eq 1 ]; do
		moved=0
		while IFS=: read -r _ s n; do
			[[ "$s" =~ ^[0-9]+$ && "$n" =~ ^[0-9]+$ ]] || continue
			if [ "$start" -lt $((s + n)) ] && [ "$s" -lt $((start + 65536)) ]; then
				start=$(((s + n + 65535) / 65536 * 65536))
				moved=1
			fi
		done <"$1"
	done
	echo "$start"
}

pm_ensure_user() {
	local user=$1 mode=${2:-} f uid
	(
		flock 9
		if ! id "$user" >/dev/null 2>&1; then
			useradd -m -s /bin/bash "$user" || exit 1
		fi
		uid=$(id -u "$user")
		for f in /etc/subuid /etc/subgid; do
			touch "$f"
			if [ "$mode" = nosub ]; then
				# useradd may have given the user a range: take it away
				if pm_has_subids "$user" "$f"; then
					sed -i -E "/^($user|$uid):/d" "$f"
				fi
			elif ! pm_has_subids "$user" "$f"; then
				echo "$user:$(pm_free_subid_start "$f"):65536" >>"$f"
				echo "added '$(tail -n1 "$f")' to $f" >&2
			fi
		done
	) 9>/run/pm-test-user.lock
}
