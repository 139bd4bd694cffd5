#!/usr/bin/env bats
# 144-rmperf: what the lean `rm -f` (issue #20) leaves to its one detached child must still be
# true of the container it removed: the root's overlay moved aside still mounted is unmounted
# there (none left in pm's namespace once settled, also after a remover killed in between),
# the name link that went with the record is free at once, the events of one process go to
# one log in order (the log is kept open), labels included.

load helpers

setup() {
	basic_setup
	if is_podman; then
		mkdir -p "$XDG_CONFIG_HOME/containers"
		printf '[engine]\nevents_logger = "file"\n' >"$XDG_CONFIG_HOME/containers/containers.conf"
	fi
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

teardown() {
	basic_teardown
}

# mounts_of ID: the lines of pm's namespace's mount table that name ID
mounts_of() {
	"${PM_CMD[@]}" unshare cat /proc/self/mountinfo 2>/dev/null | grep -F "$1" || true
}

@test "rm -f of running containers: no root mount left once settled, names free at once" {
	run_pm 0 run -d --network none --name r1 "$IMG" sleep 1000
	local id1=$output
	run_pm 0 run -d --network none --name r2 "$IMG" sleep 1000
	local id2=$output
	is_podman || [ -n "$(mounts_of "$id1")" ] || die "r1's root is not mounted"
	run_pm 0 rm -f -t0 r1 r2
	# the names go with the records: taken again at once, before the background settles
	run_pm 0 create --name r1 "$IMG" true
	run_pm 0 create --name r2 "$IMG" true
	run_pm 0 rm r1 r2
	pm_store_settled
	is "$(mounts_of "$id1")$(mounts_of "$id2")" "" "no mount of r1 or r2 left"
	assert_storage_clean
}

@test "rm -f: one process's events in order, each once, with the labels" {
	run_pm 0 run -d --network none --name e1 --label team=blue "$IMG" sleep 1000
	run_pm 0 run -d --network none --name e2 "$IMG" sleep 1000
	run_pm 0 rm -f -t0 e1 e2
	local s
	s=$(timeout "$PM_TIMEOUT" "${PM_CMD[@]}" events --stream=false --filter container=e1 \
		--format '{{.Status}}' 2>/dev/null | tr '\n' ' ')
	is "$s" "create init start .*died .*remove " "e1: died before remove"
	[ "$(grep -o 'remove' <<<"$s" | wc -l)" = 1 ] || die "e1's remove not once: $s"
	s=$(timeout "$PM_TIMEOUT" "${PM_CMD[@]}" events --stream=false --filter container=e2 \
		--format '{{.Status}}' 2>/dev/null | tr '\n' ' ')
	is "$s" "create init start .*died .*remove " "e2: its own events too"
	run_pm 0 events --stream=false --filter container=e1 --filter event=remove \
		--format '{{.Name}} {{index .Attributes "team"}}'
	is "$output" "e1 blue" "the remove event carries the label"
}

@test "crash after rm -f moved the mounted root aside: nothing left once collected" {
	skip_if_podman "pm's crash points"
	run_pm 0 run -d --network none --name mv "$IMG" sleep 1000
	local id=$output
	PM_CRASH_POINT=mid-rm run_pm 137 rm -f -t0 mv
	# the record stays (the crash came before it went); rm -f finishes it
	run_pm 0 rm -f -t0 mv
	run_pm 0 ps -aq
	is "$output" "" "nothing listed"
	# the next collect (rmi) unmounts the root the dead remover moved aside, then removes it
	assert_storage_clean
	is "$(mounts_of "$id")" "" "no mount of mv left"
}
