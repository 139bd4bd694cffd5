#!/usr/bin/env bats
# 092-state: pm's picture of what runs stays true when pm is killed at a named step of a
# start (PM_CRASH_POINT, lib/crashpoint.h), when state.json or config.json is damaged, when
# a monitor dies without an exit status, and when $XDG_RUNTIME_DIR is wiped while
# containers run: the next command repairs it, `ps` shows what runs, `rm -f` ends every
# process of the container (monitor, init, network helper, port relay) and frees its ports.
# pm's own (crash points, damaged records): podman has neither; exit code -1 and
# State.Error for an unknown exit are podman's.

load helpers

setup() {
	basic_setup
	skip_if_podman "pm's crash points and record files"
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	CDIR=$XDG_DATA_HOME/pm/storage/db/containers
}

# port_free PORT: nothing listens on 127.0.0.1:PORT
port_free() {
	python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1"
}

ctr_id() { "${PM_CMD[@]}" inspect --format '{{.Id}}' "$1"; }

# procs_of ID: pids of this test's processes that belong to container ID: its pm-monitor
# (named by --id), and every process whose parent is one of those (the container init, a
# network helper, the port relay)
procs_of() {
	local id=$1 pid mons=()
	for pid in $(pgrep -f "pm-monitor --id $id" || true); do
		mons+=("$pid")
		echo "$pid"
	done
	for pid in "${mons[@]}"; do
		pgrep -P "$pid" || true
	done
}

# ps_line NAME: "STATUS" of NAME in ps -a
ps_status() {
	"${PM_CMD[@]}" ps -a --filter "name=^$1\$" --format '{{.Status}}'
}

# pm_crash STEP ARGS...: run pm with PM_CRASH_POINT=STEP; it must die by SIGKILL there
pm_crash() {
	local step=$1
	shift
	PM_CRASH_POINT=$step run timeout 60 "${PM_CMD[@]}" "$@"
	is "$status" "137" "pm killed itself at $step (output: $output)"
}

@test "crash after the record: the container is Created, starts, and rm leaves nothing" {
	pm_crash after-record run -d --name c1 $IMG sleep 1000
	is "$(ps_status c1)" "Created"
	run_pm 0 start c1
	is "$(ps_status c1)" "Up.*"
	run_pm 0 rm -f c1
	run_pm 0 ps -aq
	is "$output" ""
}

@test "crash after 'starting' is written: the next command undoes the start, no mount left" {
	pm_crash after-starting run -d --name c2 $IMG sleep 1000
	run_pm 0 inspect --format '{{.State.Status}}' c2
	is "$output" "created" "the start never happened"
	run cat "$CDIR/$(ctr_id c2)/state.json"
	assert_not_contains "$output" '"Starting"' "the record was repaired"
	run_pm 0 start c2
	is "$(ps_status c2)" "Up.*"
	run_pm 0 rm -f c2
}

@test "crash after the monitor spawn (run -d -p): ps shows it Up, rm -f ends it and frees the port" {
	skip_if_missing slirp4netns python3
	local port
	port=$(free_port)
	pm_crash after-monitor-spawn run -d --name c3 -p "$port:80" $IMG httpd -f -p 80
	is "$(ps_status c3)" "Up.*" "what runs is shown as running"
	local id
	id=$(ctr_id c3)
	[ -n "$(procs_of "$id")" ] || die "no monitor of c3"
	port_free "$port" && die "nothing serves port $port"
	run_pm 0 rm -f c3
	is "$(procs_of "$id")" "" "no process of c3 left"
	port_free "$port" || die "port $port still held after rm -f"
}

@test "crash after the network helper in the monitor (run -d -p): exit 125, nothing left" {
	skip_if_missing slirp4netns python3
	local port
	port=$(free_port)
	# the step is in the forked monitor: it dies, the cli reports it
	PM_CRASH_POINT=after-net run timeout 60 "${PM_CMD[@]}" run -d --name c4 -p "$port:80" \
		$IMG httpd -f -p 80
	is "$status" "125" "the start failed ($output)"
	assert_contains "$output" "container monitor"
	run_pm 0 ps -aq
	is "$output" "" "a run whose start failed removes its container"
	# this test's monitors: their run dir is under this test's XDG_RUNTIME_DIR
	is "$(pgrep -fc "pm-monitor --id [0-9a-f]* --rundir $XDG_RUNTIME_DIR/" || true)" "0" \
		"no monitor"
	sleep 0.2
	port_free "$port" || die "port $port held"
}

@test "crash of a foreground run --rm -p after the network helper: no process, port or mount left" {
	skip_if_missing slirp4netns python3
	local port
	port=$(free_port)
	pm_crash after-net run --rm --name c5 -p "$port:80" $IMG httpd -f -p 80
	run_pm 0 ps -a --format '{{.Names}} {{.Status}}'
	is "$output" "c5 Created" "the start that died half-way is undone"
	sleep 0.2
	port_free "$port" || die "port $port held"
	run_pm 0 rm -af
	run_pm 0 ps -aq
	is "$output" ""
}

@test "an empty state.json of a running container: shown running, start does not copy it, rm -f ends it" {
	run_pm 0 run -d --name d1 $IMG sleep 1000
	local id
	id=$(ctr_id d1)
	: >"$CDIR/$id/state.json"
	is "$(ps_status d1)" "Up.*" "the live processes win over the damaged record"
	run_pm 0 start d1
	run_pm 0 start d1
	is "$(pgrep -fc "pm-monitor --id $id")" "1" "one monitor after two starts"
	run_pm 0 rm -f d1
	is "$(procs_of "$id")" "" "no process of d1 left"
}

@test "a garbage config.json: ps -a lists it with a warning naming the file, rm -f removes it and its processes" {
	run_pm 0 run -d --name d2 $IMG sleep 1000
	local id
	id=$(ctr_id d2)
	echo 'garbage{' >"$CDIR/$id/config.json"
	run_pm_split 0 ps -a --format '{{.ID}} {{.Names}} {{.Status}}'
	is "$output" "${id:0:12} d2 Up.*"
	assert_contains "$stderr" "$CDIR/$id/config.json" "the warning names the file"
	run_pm 0 rm -f d2
	is "$(procs_of "$id")" "" "no process of d2 left"
	[ ! -e "$CDIR/$id" ] || die "record of d2 left"
	run_pm 0 create --name d2 $IMG true
}

@test "the monitor killed: Exited (-1) with State.Error, not Exited (0)" {
	run_pm 0 run -d --name m1 $IMG sleep 1000
	local id mon
	id=$(ctr_id m1)
	mon=$(pgrep -f "pm-monitor --id $id")
	kill -9 "$mon"
	local i
	for i in $(seq 1 50); do [ -d "/proc/$mon" ] || break; sleep 0.05; done
	# the init ends with its monitor (its parent-death signal) before pm looks
	sleep 0.2
	is "$(ps_status m1)" "Exited \(-1\).*"
	run_pm 0 inspect --format '{{.State.ExitCode}}|{{.State.Error}}' m1
	is "$output" "-1\|.*exit code unknown.*"
	run_pm 0 wait m1
	is "$output" "-1"
}

@test "XDG_RUNTIME_DIR wiped while a container serves a port: ps shows it Up, rm -f ends it and frees the port" {
	skip_if_missing slirp4netns python3 curl
	local port
	port=$(free_port)
	run_pm 0 run -d --name w1 -p "$port:80" $IMG httpd -f -p 80
	local id
	id=$(ctr_id w1)
	rm -rf "${XDG_RUNTIME_DIR:?}"/*
	is "$(ps_status w1)" "Up.*" "the record still names what runs"
	run_pm 0 inspect --format '{{.State.Status}}' w1
	is "$output" "running"
	run_pm 0 rm -f w1
	is "$(procs_of "$id")" "" "no process of w1 left"
	sleep 0.2
	port_free "$port" || die "port $port still held after rm -f"
}

@test "XDG_RUNTIME_DIR wiped: stop of a --restart=always container stops it for good, its exit code is kept" {
	run_pm 0 run -d --name w2 --restart=always $IMG sleep 1000
	rm -rf "${XDG_RUNTIME_DIR:?}"/*
	run_pm 0 stop -t 0 w2
	sleep 1
	run_pm 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' w2
	is "$output" "exited 137" "stopped, not restarted, and its exit code recorded"
	run_pm 0 rm -f w2
}
