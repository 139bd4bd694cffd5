#!/bin/bash
# drill.sh: the random-kill drill (`make check-crash`, issue #13 item 7). Starts pm
# operations in the background and kills the pm process with SIGKILL after a random delay,
# CRASH_KILLS times (default 300): `run --rm IMG true`, `run -d IMG sleep 1000`,
# `run -d -p PORT:80 IMG httpd` (PORT in 19400-19419), `rm -f` and `commit` of a random
# container, `load -i` of a saved archive, `import` of an exported tarball, `rmi -f` of an
# image the drill made. Only the pm process is killed: the monitor pm forks detaches into
# its own session and must live on. Every CRASH_CHECK_EVERY kills (default 25) it does
# what the user's next command would (`ps -a`, `rm -af`) and checks that no container runs
# that `ps -a` does not show as running. At the end: `rm -af`, `rmi -af`, then counts what
# pm cannot account for and prints one figures line:
#   drill: N kills (run K, ...), leaked: P processes, Q ports, M mounts, R records,
#   B blobs; running but not shown: S
# and exits 1 when any figure but the kills is not 0.
#
# Environment: PM_BINARY (pm; pm-monitor beside it), PM_TEST_IMAGES (tests/lib/mkimage.sh's
# images), CRASH_KILLS, CRASH_SEED (bash RANDOM seed, printed; the same seed replays the
# same sequence of operations and delays, timing aside), CRASH_CHECK_EVERY, CRASH_MAX_SECS
# (default 600: the loop stops there, and the drill fails), CRASH_LOG (copy the log of every
# command there), TMPDIR. A repair command (ps -a, rm -af, rmi -af) slower than 5 s is said.
# Runs as an unprivileged user with subordinate ids (tests/run-system.sh --script runs it
# as the test user when started as root). Uses its own fresh XDG dirs.
set -uo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PM_BINARY=${PM_BINARY:-$srcdir/pm}
kills_wanted=${CRASH_KILLS:-300}
seed=${CRASH_SEED:-$(((RANDOM << 15) | RANDOM))}
check_every=${CRASH_CHECK_EVERY:-25}
max_secs=${CRASH_MAX_SECS:-600}
port_lo=19400
port_n=20

die() {
	echo "drill: $*" >&2
	exit 2
}

[ -x "$PM_BINARY" ] || die "PM_BINARY '$PM_BINARY' is not executable"
[ "$(id -u)" -ne 0 ] || die "run me as an unprivileged user (tests/run-system.sh --script)"
images=${PM_TEST_IMAGES:-${TMPDIR:-/tmp}/pm-test-images}
"$srcdir/tests/lib/mkimage.sh" "$images" >&2 || die "mkimage.sh failed"

base=$(mktemp -d "${TMPDIR:-/tmp}/pm-drill.XXXXXX")
export XDG_DATA_HOME=$base/data XDG_CONFIG_HOME=$base/config XDG_CACHE_HOME=$base/cache
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
XDG_RUNTIME_DIR=$(mktemp -d /tmp/pmdr.XXXXXX)
chmod 0700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
root=$XDG_DATA_HOME/pm/storage
img=localhost/busybox:latest
log=$base/drill.log

pm() {
	timeout --kill-after=10 120 "$PM_BINARY" "$@"
}

# timed WHAT CMD...: run CMD, say so when it took more than 5 s (a slow repair is a finding)
timed() {
	local what=$1 t0=$SECONDS rc=0
	shift
	"$@" || rc=$?
	if [ $((SECONDS - t0)) -gt 5 ]; then
		echo "drill: $what took $((SECONDS - t0))s" >&2
		slow=$((slow + 1))
	fi
	return $rc
}
slow=0

finish() {
	[ -z "${CRASH_LOG:-}" ] || cp "$log" "$CRASH_LOG" 2>/dev/null
	# what pm could not remove (the figures are out): kill it, the drill leaves nothing
	# running; the mounts go with the pause process's namespace
	local left
	left=$(drill_pids)
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$left" ] || kill -9 $left 2>/dev/null
	pm unshare rm -rf "$XDG_DATA_HOME" >/dev/null 2>&1
	pm system migrate >/dev/null 2>&1
	rm -rf "$base" "$XDG_RUNTIME_DIR" 2>/dev/null
}
trap finish EXIT

echo "drill: seed $seed (replay: CRASH_SEED=$seed CRASH_KILLS=$kills_wanted make check-crash)"
RANDOM=$seed

# ---- the images and archives the operations use -------------------------------------------
pm load -i "$images/busybox-docker.tar" >/dev/null || die "loading the test image failed"
pm save -o "$base/saved.tar" "$img" >/dev/null || die "pm save failed"
pm create --name drill-export "$img" true >/dev/null || die "pm create failed"
pm export -o "$base/exported.tar" drill-export || die "pm export failed"
pm rm drill-export >/dev/null || die "pm rm failed"
archives=("$base/saved.tar" "$images/busybox2-docker.tar" "$images/busybox2-oci.tar")

# ---- what belongs to the drill -------------------------------------------------------------
pause_pid() {
	local p
	read -r p _ <"$XDG_RUNTIME_DIR/pm/pause.pid" 2>/dev/null && echo "$p"
}

# drill_pids: processes of this user in the drill's rootless user namespace (pm, monitors,
# slirp4netns, containers), the pause process excepted, plus anything whose command line
# names the drill's dirs.
drill_pids() {
	local pause userns pid
	pause=$(pause_pid)
	userns=$(readlink "/proc/$pause/ns/user" 2>/dev/null)
	for pid in $(pgrep -u "$(id -u)"); do
		[ "$pid" = "$pause" ] && continue
		[ "$pid" = "$$" ] && continue
		# gone meanwhile, or a zombie (not running; its parent reaps it)
		grep -q '^State:[[:space:]]*[^Z]' 2>/dev/null "/proc/$pid/status" || continue
		if [ -n "$userns" ] && [ "$(readlink "/proc/$pid/ns/user" 2>/dev/null)" = "$userns" ]; then
			echo "$pid"
		elif tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -e "$base" -e "$XDG_RUNTIME_DIR"; then
			# (our own pipeline: grep, tr, the subshell)
			case "$(cat "/proc/$pid/comm" 2>/dev/null)" in grep | tr | drill.sh | bash) ;; *) echo "$pid" ;; esac
		fi
	done
}

# container_pids: drill processes in a pid namespace of their own (container processes).
container_pids() {
	local pause pidns pid
	pause=$(pause_pid)
	pidns=$(readlink "/proc/$pause/ns/pid" 2>/dev/null) || return 0
	for pid in $(drill_pids); do
		local ns
		ns=$(readlink "/proc/$pid/ns/pid" 2>/dev/null) || continue
		[ "$ns" != "$pidns" ] && echo "$pid"
	done
}

# container_of PID: the container id of a container process: from its parent monitor's
# command line (... container cleanup --exited ID), else from its mounts.
container_of() {
	local pid=$1 p comm id
	p=$pid
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		comm=$(cat "/proc/$p/comm" 2>/dev/null) || break
		if [ "$comm" = pm-monitor ]; then
			id=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline" | tail -n1)
			[ -n "$id" ] && echo "$id" && return 0
		fi
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
	done
	grep -o 'containers/[0-9a-f]\{64\}' "/proc/$pid/mountinfo" 2>/dev/null | head -n1 | cut -d/ -f2
}

# not_shown: container processes whose container `ps` does not show as running (Up), seen
# twice a second apart (a container starting or stopping right now is not counted).
not_shown_once() {
	local pids up pid id
	pids=$(container_pids)
	[ -n "$pids" ] || return 0
	up=$(pm ps --no-trunc --format '{{.ID}} {{.Status}}' 2>/dev/null | awk '$2 == "Up" { print $1 }')
	for pid in $pids; do
		[ -d "/proc/$pid" ] || continue
		grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && continue
		id=$(container_of "$pid")
		if [ -z "$id" ] || ! grep -qx "$id" <<<"$up"; then
			echo "$pid:${id:-unknown}"
		fi
	done
}
not_shown=0
not_shown_seen=""
check_shown() {
	local first second x
	first=$(not_shown_once)
	[ -n "$first" ] || return 0
	sleep 1
	second=$(not_shown_once)
	for x in $first; do
		if grep -qxF "$x" <<<"$second" && ! grep -qxF "$x" <<<"$not_shown_seen"; then
			not_shown=$((not_shown + 1))
			not_shown_seen+="$x"$'\n'
			echo "drill: running but not shown by ps -a: pid ${x%%:*} of container ${x#*:}" \
				"($(tr '\0' ' ' 2>/dev/null <"/proc/${x%%:*}/cmdline"))" >&2
		fi
	done
}

# ---- the operations ------------------------------------------------------------------------
kinds=(run run-d run-p rm commit load import rmi)
declare -A killed=() started=()
for k in "${kinds[@]}"; do
	killed[$k]=0
	started[$k]=0
done

random_ctr() {
	local ids
	mapfile -t ids < <(pm ps -a -q --no-trunc 2>/dev/null)
	[ ${#ids[@]} -gt 0 ] && echo "${ids[RANDOM % ${#ids[@]}]}"
}

random_drill_image() {
	local ids
	mapfile -t ids < <(pm images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null |
		grep -E '^localhost/(drill-|busybox2)')
	[ ${#ids[@]} -gt 0 ] && echo "${ids[RANDOM % ${#ids[@]}]}"
}

# op_args KIND: the pm arguments of one operation of KIND (nothing: skip it)
op_args() {
	local c i
	case $1 in
	run) echo "run --rm $img true" ;;
	run-d) echo "run -d $img sleep 1000" ;;
	run-p) echo "run -d -p $((port_lo + RANDOM % port_n)):80 $img httpd -f -p 80" ;;
	rm)
		c=$(random_ctr) && echo "rm -f -t 0 $c"
		;;
	commit)
		c=$(random_ctr) && echo "commit -q $c localhost/drill-commit:$((RANDOM % 4))"
		;;
	load) echo "load -q -i ${archives[RANDOM % ${#archives[@]}]}" ;;
	import) echo "import -q $base/exported.tar localhost/drill-import:$((RANDOM % 4))" ;;
	rmi)
		i=$(random_drill_image) && echo "rmi -f $i"
		;;
	esac
}

# delay: 0-300 ms, two thirds of them under 50 ms (most operations take 20-200 ms)
delay() {
	if ((RANDOM % 3)); then
		printf '0.%03d' $((RANDOM % 50))
	else
		printf '0.%03d' $((RANDOM % 300))
	fi
}

start=$SECONDS
check_secs=0
kills=0
attempts=0
next_check=$check_every
stopped=""
while [ "$kills" -lt "$kills_wanted" ]; do
	if [ $((SECONDS - start)) -ge "$max_secs" ]; then
		stopped=" (stopped by the ${max_secs}s limit: $kills of $kills_wanted kills)"
		echo "drill: time limit reached after $kills kills" >&2
		break
	fi
	attempts=$((attempts + 1))
	[ "$attempts" -le $((kills_wanted * 5)) ] || die "too many attempts ($attempts) for $kills kills"
	kind=${kinds[RANDOM % ${#kinds[@]}]}
	args=$(op_args "$kind") || continue
	[ -n "$args" ] || continue
	d=$(delay)
	started[$kind]=$((started[$kind] + 1))
	# shellcheck disable=SC2086 # args is a word list made above
	"$PM_BINARY" $args >>"$log" 2>&1 </dev/null &
	pid=$!
	sleep "$d"
	kill -9 "$pid" 2>/dev/null
	rc=0
	{ wait "$pid"; } 2>/dev/null || rc=$?
	if [ "$rc" -eq 137 ]; then
		kills=$((kills + 1))
		killed[$kind]=$((killed[$kind] + 1))
		echo "kill $kills: $kind after ${d}s: pm $args" >>"$log"
	fi
	if [ "$kills" -ge "$next_check" ]; then
		t0=$SECONDS
		next_check=$((next_check + check_every))
		# what the user's next commands would be
		timed "ps -a after kill $kills" pm ps -a >>"$log" 2>&1 ||
			echo "drill: ps -a failed after kill $kills" >&2
		check_shown
		timed "rm -af after kill $kills" pm rm -af -t 0 >>"$log" 2>&1 ||
			echo "drill: rm -af failed after kill $kills" >&2
		check_secs=$((check_secs + SECONDS - t0))
	fi
done
drill_secs=$((SECONDS - start))

# ---- the end: remove everything, then count what is left -----------------------------------
sleep 1
check_shown
timed "final ps -a" pm ps -a >>"$log" 2>&1 || echo "drill: final ps -a failed" >&2
timed "final rm -af" pm rm -af -t 0 >>"$log" 2>&1 || echo "drill: final rm -af failed" >&2
timed "final rmi -af" pm rmi -af >>"$log" 2>&1 || echo "drill: final rmi -af failed" >&2
sleep 1

procs=$(drill_pids)
# a leak stays: up to 2 s for what is finishing (a removal's detached deletes and overlay
# sync on a busy disk)
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -n "$procs" ] || break
	sleep 0.2
	procs=$(drill_pids)
done
n_procs=$(grep -c . <<<"$procs")
for p in $procs; do
	echo "drill: process left: $p [$(cat "/proc/$p/comm" 2>/dev/null)," \
		"ppid $(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)]" \
		"$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-160)" >&2
done
ports=$(ss -Hltn 2>/dev/null | awk -v lo=$port_lo -v n=$port_n '{ p = $4; sub(/.*:/, "", p); if (p >= lo && p < lo + n) print p }' | sort -un)
n_ports=$(grep -c . <<<"$ports")
[ -z "$ports" ] || echo "drill: ports left: $(echo "$ports" | tr '\n' ' ')" >&2
mounts=$({
	pm unshare cat /proc/self/mountinfo 2>/dev/null
	cat /proc/self/mountinfo
} | awk '{ print $5 }' | grep -F -e "$base" -e "$XDG_RUNTIME_DIR" | sort -u)
n_mounts=$(grep -c . <<<"$mounts")
[ -z "$mounts" ] || echo "drill: mounts left: $(echo "$mounts" | tr '\n' ' ')" >&2
eph=$XDG_RUNTIME_DIR/pm/ephemeral # run --rm containers: record and root under the runroot
records=$(for f in "$root"/db/containers/* "$root"/db/names/* "$eph"/records/*; do
	[ -e "$f" ] || [ -L "$f" ] && echo "${f#"$root"/}"
done)
n_records=$(grep -c . <<<"$records")
[ -z "$records" ] || echo "drill: records left: $(echo "$records" | tr '\n' ' ')" >&2
blobs=$(for d in blobs/sha256 layers images containers tmp; do
	for f in "$root/$d"/* "$root/$d"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		echo "${f#"$root"/}"
	done
done
for f in "$eph"/containers/* "$eph"/tmp/*; do
	[ -e "$f" ] && echo "$f"
done)
n_blobs=$(grep -c . <<<"$blobs")
[ -z "$blobs" ] || echo "drill: storage left: $(echo "$blobs" | tr '\n' ' ')" >&2

per_kind=""
for k in "${kinds[@]}"; do
	per_kind+="${per_kind:+, }$k ${killed[$k]}/${started[$k]}"
done
echo "drill: $kills kills in ${drill_secs}s$stopped (${check_secs}s in checks) (killed/started: $per_kind), leaked:" \
	"$n_procs processes, $n_ports ports, $n_mounts mounts, $n_records records," \
	"$n_blobs blobs/layers/rootfs; running but not shown: $not_shown; repairs over 5s: $slow" \
	"(seed $seed)"
[ $((n_procs + n_ports + n_mounts + n_records + n_blobs + not_shown)) -eq 0 ] && [ -z "$stopped" ]
