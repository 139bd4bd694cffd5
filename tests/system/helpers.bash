# shellcheck shell=bash
# helpers.bash: the harness every tests/system/*.bats file loads (`load helpers`).
# Modelled on podman's test/system/helpers.bash.
#
#   run_pm EXPECTED_RC ARGS...   run "$PM ARGS..." under timeout; sets $output (stdout and
#                                stderr merged), $lines and $status; fails the test when the
#                                exit code differs ('?' accepts any)
#   run_pm_split EXPECTED_RC ARGS...
#                                same, streams apart: $output = stdout, $stderr = stderr,
#                                files $PM_STDOUT / $PM_STDERR
#   is ACTUAL EXPECTED [WHAT]    ACTUAL matches the extended regex EXPECTED (anchored)
#   assert_contains HAYSTACK NEEDLE [WHAT] / assert_not_contains ...   plain substrings
#   die MESSAGE                  fail the test with a visible message
#   pm_test_image [KIND]         path of a busybox test image (see below)
#   skip_if_missing CMD...       skip unless every CMD is on PATH (git t/ prerequisites)
#   skip_if_root, skip_if_not_root, skip_if_podman, skip_if_pm, is_podman
#   assert_storage_clean         rm -af, rmi -af, volume prune -f; then nothing may be left in
#                                the storage root (pm_storage_leftovers lists it)
#
# The command under test is $PM, a command line split on blanks, so the compatibility
# tests can run the same file against podman:  PM="podman --runtime runc" bats ...
# Default: $PM_BINARY (set by tests/run-system.sh), else ./pm of the source tree.
#
# setup (basic_setup): fresh XDG_DATA_HOME and XDG_CONFIG_HOME under $BATS_TEST_TMPDIR and
# a fresh 0700 XDG_RUNTIME_DIR (short path, /tmp/pmrt.XXXXXX: unix socket paths are
# limited to 108 bytes), so every test has its own storage and its own pause process.
# teardown (basic_teardown): containers/pods left (once `pm ps` exists), `$PM system
# migrate` to end the pause process, then a leak check: processes carrying this test's
# marker or dirs, and mounts under this test's dirs, fail the test (and are killed/unmounted).
# A test file that needs more defines its own setup()/teardown() and calls these.

_HELPERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PM_SRCDIR=${PM_SRCDIR:-$(cd "$_HELPERS_DIR/../.." && pwd)}
PM_BINARY=${PM_BINARY:-$PM_SRCDIR/pm}
PM=${PM:-$PM_BINARY}
PM_TIMEOUT=${PM_TIMEOUT:-60}
PM_TEST_RUNDIR_BASE=${PM_TEST_RUNDIR_BASE:-/tmp}
export PM PM_BINARY PM_TIMEOUT PM_SRCDIR

# The command under test as an array (PM may hold several words).
read -r -a PM_CMD <<<"$PM"

_LOG_PROMPT='$'
[ "$(id -u)" -eq 0 ] && _LOG_PROMPT='#'

# ---- assertions -------------------------------------------------------------------------

die() {
	echo "#/vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv" >&2
	echo "#| FAIL: $*" >&2
	echo "#\\^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^" >&2
	false
}

# is ACTUAL EXPECTED [WHAT]: ACTUAL matches EXPECTED, an extended regex anchored at both ends
# ('.' also matches newlines).
is() {
	local actual=$1 expect=$2 what=${3:-value}
	if [[ "$actual" =~ ^($expect)$ ]]; then
		return 0
	fi
	printf '#| %s\n#| expected: %q\n#|   actual: %q\n' "$what" "$expect" "$actual" >&2
	die "$what does not match"
}

assert_contains() {
	local haystack=$1 needle=$2 what=${3:-output}
	[[ "$haystack" == *"$needle"* ]] && return 0
	printf '#| %s\n#| expected to contain: %q\n#|               actual: %q\n' \
		"$what" "$needle" "$haystack" >&2
	die "$what does not contain '$needle'"
}

assert_not_contains() {
	local haystack=$1 needle=$2 what=${3:-output}
	[[ "$haystack" != *"$needle"* ]] && return 0
	printf '#| %s\n#| expected NOT to contain: %q\n#|                   actual: %q\n' \
		"$what" "$needle" "$haystack" >&2
	die "$what contains '$needle'"
}

# ---- running the command under test ----------------------------------------------------

# _pm_check_status EXPECTED: compare $status, explain a timeout.
_pm_check_status() {
	local expected=$1
	if [ "$status" -eq 124 ] && [ "$expected" != 124 ]; then
		die "command timed out after ${PM_TIMEOUT}s: $PM ${_PM_LAST_ARGS}"
	fi
	if [ "$expected" != "?" ] && [ "$status" -ne "$expected" ]; then
		die "exit code is $status; expected $expected: $PM ${_PM_LAST_ARGS}"
	fi
	return 0
}

# run_pm EXPECTED_RC ARGS...: like bats' `run`, plus the exit-code check. Stdin is the
# caller's (run_pm 0 load <file works).
run_pm() {
	local expected=$1
	shift
	_PM_LAST_ARGS="$*"
	echo "$_LOG_PROMPT $PM $*"
	status=0
	output=$(timeout --kill-after=10 "$PM_TIMEOUT" "${PM_CMD[@]}" "$@" 2>&1) || status=$?
	[ -n "$output" ] && echo "$output"
	if [ "$status" -ne 0 ]; then
		echo "[ rc=$status ]"
	fi
	# shellcheck disable=SC2034 # for the test
	if [ -n "$output" ]; then mapfile -t lines <<<"$output"; else lines=(); fi
	_pm_check_status "$expected"
}

# run_pm_split EXPECTED_RC ARGS...: streams kept apart. $output = stdout, $stderr = stderr;
# the raw streams (trailing newlines kept) are in the files $PM_STDOUT and $PM_STDERR.
run_pm_split() {
	local expected=$1
	shift
	_PM_LAST_ARGS="$*"
	PM_STDOUT=$BATS_TEST_TMPDIR/pm.stdout
	PM_STDERR=$BATS_TEST_TMPDIR/pm.stderr
	echo "$_LOG_PROMPT $PM $*"
	status=0
	timeout --kill-after=10 "$PM_TIMEOUT" "${PM_CMD[@]}" "$@" >"$PM_STDOUT" 2>"$PM_STDERR" ||
		status=$?
	output=$(cat "$PM_STDOUT")
	stderr=$(cat "$PM_STDERR")
	if is_podman; then
		# machine noise, not behaviour: podman warns on every call where / is private
		stderr=$(grep -v 'is not a shared mount, this could cause issues' <<<"$stderr" || true)
	fi
	[ -n "$output" ] && echo "[stdout] $output"
	[ -n "$stderr" ] && echo "[stderr] $stderr"
	[ "$status" -ne 0 ] && echo "[ rc=$status ]"
	# shellcheck disable=SC2034 # for the test
	if [ -n "$output" ]; then mapfile -t lines <<<"$output"; else lines=(); fi
	_pm_check_status "$expected"
}

# same ACTUAL EXPECTED [WHAT]: exact string equality (is takes a regex)
same() {
	[ "$1" = "$2" ] && return 0
	printf '#| %s\n#| expected: %q\n#|   actual: %q\n' "${3:-value}" "$2" "$1" >&2
	die "${3:-value} differs"
}

# ---- prerequisites -------------------------------------------------------------------------

skip_if_missing() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "'$c' is not installed"
	done
}

skip_if_root() {
	[ "$(id -u)" -ne 0 ] || skip "${1:-does not work as root}"
}

skip_if_not_root() {
	[ "$(id -u)" -eq 0 ] || skip "${1:-needs root}"
}

# is_podman: true when the command under test is podman (compatibility run).
is_podman() {
	[[ "$(basename "${PM_CMD[0]}")" == podman* ]]
}

# build_step_at FILE:LINE: what pm puts before a build step's error ("Containerfile:3: ", as
# before a parse error); podman names no line.
build_step_at() {
	is_podman || printf '%s: ' "$1"
}

skip_if_podman() {
	! is_podman || skip "${1:-pm only}"
}

skip_if_pm() {
	is_podman || skip "${1:-podman only}"
}

# ---- test images -----------------------------------------------------------------------------

# pm_test_image [KIND]: print the path (or name) of a busybox test image, built on first use
# by tests/lib/mkimage.sh (run-system.sh builds them once and sets PM_TEST_IMAGES).
#   docker (default)  docker-archive of localhost/busybox:latest (for `load -i`)
#   oci               oci-archive of localhost/busybox:latest
#   oci-dir           the same as an OCI layout directory
#   rootfs            the root filesystem as a directory
#   rootfs-tar        the root filesystem as a tarball (for `import`)
#   docker2, oci2, oci2-dir   localhost/busybox2:latest: 2 layers, adds /hello, deletes
#                     /etc/motd with a whiteout
#   layer2-tar        that second layer alone
#   name, name2       localhost/busybox:latest, localhost/busybox2:latest
pm_test_image() {
	local kind=${1:-docker}
	if [ -z "${PM_TEST_IMAGES:-}" ] || [ ! -f "$PM_TEST_IMAGES/images.env" ]; then
		PM_TEST_IMAGES=${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/pm-test-images
		"$PM_SRCDIR/tests/lib/mkimage.sh" "$PM_TEST_IMAGES" >&2 || die "mkimage.sh failed"
		export PM_TEST_IMAGES
	fi
	case "$kind" in
	docker) echo "$PM_TEST_IMAGES/busybox-docker.tar" ;;
	oci) echo "$PM_TEST_IMAGES/busybox-oci.tar" ;;
	oci-dir) echo "$PM_TEST_IMAGES/busybox-oci" ;;
	rootfs) echo "$PM_TEST_IMAGES/rootfs" ;;
	rootfs-tar) echo "$PM_TEST_IMAGES/rootfs.tar" ;;
	docker2) echo "$PM_TEST_IMAGES/busybox2-docker.tar" ;;
	oci2) echo "$PM_TEST_IMAGES/busybox2-oci.tar" ;;
	oci2-dir) echo "$PM_TEST_IMAGES/busybox2-oci" ;;
	layer2-tar) echo "$PM_TEST_IMAGES/layer2.tar" ;;
	name) echo "localhost/busybox:latest" ;;
	name2) echo "localhost/busybox2:latest" ;;
	*) die "pm_test_image: unknown kind '$kind'" ;;
	esac
}

# pm_load_test_image [KIND]: load a test image into this test's storage (`$PM load -i`).
pm_load_test_image() {
	local f
	f=$(pm_test_image "${1:-docker}")
	run_pm 0 load -i "$f"
}

# ---- storage -------------------------------------------------------------------------------

# pm_store_settled: wait (up to 30 s, returning as soon as it holds) for the deletes that rm
# and run --rm leave to a detached process: no record moved aside (<id>.rm) and nothing
# under the store's tmp/. Commands never see those; tests that look at the disk wait.
pm_store_settled() {
	local root=$XDG_DATA_HOME/pm/storage _i
	for _i in $(seq 1 150); do
		[ -z "$(find "$root/tmp" "$XDG_RUNTIME_DIR/pm/ephemeral/tmp" -mindepth 1 -maxdepth 1 2>/dev/null)" ] &&
			[ -z "$(find "$root/db/containers" "$XDG_RUNTIME_DIR/pm/ephemeral/records" -mindepth 1 -maxdepth 1 -name '*.rm' 2>/dev/null)" ] &&
			return 0
		sleep 0.2
	done
}

# pm_storage_leftovers: after everything was removed, what the storage root still holds
# (one "what: path" per line): records, names, container root filesystems, images, layers,
# blobs, temp entries, volumes, and mounts under the data dir seen from pm's namespace.
pm_storage_leftovers() {
	local root=$XDG_DATA_HOME/pm/storage d f
	for d in db/containers db/names db/pods db/pod-names db/secrets db/secret-names containers images layers blobs/sha256 tmp volumes; do
		[ -d "$root/$d" ] || continue
		for f in "$root/$d"/* "$root/$d"/.[!.]*; do
			[ "${f##*/}" != .lock ] || continue # the names lock stays
			[ -e "$f" ] || [ -L "$f" ] || continue
			echo "$d: ${f#"$root"/}"
		done
	done
	"${PM_CMD[@]}" unshare cat /proc/self/mountinfo 2>/dev/null | awk '{ print $5 }' |
		grep -F "$XDG_DATA_HOME" | sed 's/^/mount: /' || true
}

# assert_storage_clean: `rm -af`, `rmi -af`, `volume prune -f`, then the storage root must
# hold no record, name, rootfs, image, layer, blob, temp entry, volume or mount.
assert_storage_clean() {
	run_pm 0 rm -af
	run_pm 0 rmi -af
	run_pm 0 volume prune -f
	pm_store_settled
	local left
	left=$(pm_storage_leftovers)
	[ -z "$left" ] || die "storage not clean after rm -af, rmi -af, volume prune -f:
$left"
}

# ---- setup / teardown -------------------------------------------------------------------------

basic_setup() {
	# A marker in the environment of everything this test starts: the leak check finds
	# processes by it (other runs of the suite may share this user).
	PM_TEST_MARK="pmtest-$$-${BATS_TEST_NUMBER:-0}-$RANDOM$RANDOM"
	export PM_TEST_MARK
	export XDG_DATA_HOME=$BATS_TEST_TMPDIR/data
	export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
	export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
	XDG_RUNTIME_DIR=$(mktemp -d "$PM_TEST_RUNDIR_BASE/pmrt.XXXXXX")
	chmod 0700 "$XDG_RUNTIME_DIR"
	export XDG_RUNTIME_DIR
}

# _pm_has_command CMD...: true when `$PM CMD... --help` works (cached per run).
_pm_has_command() {
	local key cache
	key=$(echo "$PM $*" | tr -c 'a-zA-Z0-9\n' '_')
	cache=${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/.pm-has-$key
	if [ ! -f "$cache" ]; then
		if timeout 20 "${PM_CMD[@]}" "$@" --help >/dev/null 2>&1; then
			echo yes >"$cache"
		else
			echo no >"$cache"
		fi
	fi
	[ "$(cat "$cache")" = yes ]
}

# _pm_leaked_pids: pids of processes (any user we can see) whose environment carries this
# test's marker or whose command line names this test's dirs; the test's own shell, its
# ancestors and its children excluded.
_pm_leaked_pids() {
	local self=$BASHPID p pid ppid pat
	local -A skip=()
	p=$self
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		skip[$p]=1
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || break
	done
	# patterns from a file, so that grep's own command line does not match
	pat=$(mktemp "${TMPDIR:-/tmp}/pm-leak.XXXXXX")
	# (never an empty pattern: it would match every process)
	local d
	for d in "${BATS_TEST_TMPDIR:-}" "${XDG_RUNTIME_DIR:-}"; do
		[ -n "$d" ] && printf '%s\n' "$d"
	done >"$pat"
	{
		grep -lsFxz "PM_TEST_MARK=$PM_TEST_MARK" /proc/[0-9]*/environ
		[ -s "$pat" ] && grep -lsFz -f "$pat" /proc/[0-9]*/cmdline
	} | cut -d/ -f3 | sort -un >"$pat.pids"
	while read -r pid; do
		[ -n "${skip[$pid]:-}" ] && continue
		[ -d "/proc/$pid" ] || continue # gone (grep itself, the pipeline)
		ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
		[ "$ppid" = "$self" ] && continue
		# bats' own helper shells (children of the test's ancestors)
		if [ -n "${skip[$ppid]:-}" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = bash ]; then
			continue
		fi
		echo "$pid"
	done <"$pat.pids" >"$pat.found"
	# a leak stays: drop what was only passing by (up to 10 s: a detached process of a
	# removal may be finishing its deletes or its overlay's sync on a busy disk, slower
	# under the sanitizers)
	for _ in $(seq 1 50); do
		[ -s "$pat.found" ] || break
		sleep 0.2
		while read -r pid; do
			[ -d "/proc/$pid" ] && echo "$pid"
		done <"$pat.found" >"$pat.left"
		mv "$pat.left" "$pat.found"
	done
	cat "$pat.found"
	rm -f "$pat" "$pat.pids" "$pat.found"
}

# marked_pause_pids [USER]: live (not zombie) pause processes of USER (default: us) whose
# environment carries this test's marker, one pid per line.
marked_pause_pids() {
	local pid
	for pid in $(pgrep -u "${1:-$(id -u)}" -x -r S,R,D pm-pause); do
		if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" |
			grep -qx "PM_TEST_MARK=$PM_TEST_MARK"; then
			echo "$pid"
		fi
	done
}

# _pm_leaked_mounts: mount points under this test's dirs, deepest first.
_pm_leaked_mounts() {
	awk '{ print $5 }' /proc/self/mountinfo | sed 's/\\040/ /g' |
		grep -F -e "$BATS_TEST_TMPDIR" -e "$XDG_RUNTIME_DIR" | sort -r || true
}

basic_teardown() {
	local problems=() pids mounts m

	if [ -n "${PM_TEST_MARK:-}" ] && [ -d "${XDG_RUNTIME_DIR:-}" ]; then
		# Containers and pods left behind (once pm has these commands).
		local left
		if _pm_has_command pod ps; then
			left=$(timeout 30 "${PM_CMD[@]}" pod ps -q 2>/dev/null) || true
			if [ -n "$left" ]; then
				problems+=("pods left: $(echo "$left" | tr '\n' ' ')")
				timeout 60 "${PM_CMD[@]}" pod rm -a -f >/dev/null 2>&1 || true
			fi
		fi
		# Containers a test leaves are removed (rm -af); any still listed after that
		# is a leak of rm itself.
		if _pm_has_command rm; then
			timeout 60 "${PM_CMD[@]}" rm -a -f >/dev/null 2>&1 || true
		fi
		if _pm_has_command ps; then
			left=$(timeout 30 "${PM_CMD[@]}" ps -a -q 2>/dev/null) || true
			if [ -n "$left" ]; then
				problems+=("containers left: $(echo "$left" | tr '\n' ' ')")
				timeout 60 "${PM_CMD[@]}" rm -a -f >/dev/null 2>&1 || true
			fi
		fi
		# Storage may hold files owned by container uids: remove it while the namespace
		# is still there, then end the pause process.
		if [ -n "$(find "$XDG_DATA_HOME" -mindepth 1 ! -user "$(id -u)" -print -quit 2>/dev/null)" ]; then
			timeout 30 "${PM_CMD[@]}" unshare rm -rf "$XDG_DATA_HOME" >/dev/null 2>&1 || true
		fi
		timeout 30 "${PM_CMD[@]}" system migrate >/dev/null 2>&1 || true

		pids=$(_pm_leaked_pids)
		if [ -n "$pids" ]; then
			local pid desc=""
			for pid in $pids; do
				desc+=" $pid($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80))"
			done
			problems+=("processes left:$desc")
			# shellcheck disable=SC2086 # a list of pids
			kill -9 $pids 2>/dev/null || true
		fi
		mounts=$(_pm_leaked_mounts)
		if [ -n "$mounts" ]; then
			problems+=("mounts left: $(echo "$mounts" | tr '\n' ' ')")
			while read -r m; do
				umount -l "$m" 2>/dev/null || fusermount3 -u -z "$m" 2>/dev/null ||
					fusermount -u -z "$m" 2>/dev/null || true
			done <<<"$mounts"
		fi
		# (plain rm: `pm unshare rm` here would start a new pause process)
		rm -rf "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME" 2>/dev/null || true
	fi

	if [ ${#problems[@]} -gt 0 ]; then
		local pr
		for pr in "${problems[@]}"; do
			echo "# leak check: $pr" >&2
		done
		# (bats runs teardown with errexit off: return the failure explicitly)
		die "leak check failed: ${problems[*]}"
		return 1
	fi
	return 0
}

setup() {
	basic_setup
}

teardown() {
	basic_teardown
}

# pty_drive STEP... -- COMMAND...: run COMMAND on a new pty; each STEP is "expect:TEXT"
# (wait up to 20 s for TEXT in the output so far), "send:TEXT" (type TEXT; \r, \x10 ...
# escapes), "sleep:SECONDS" or "kill:SIGNAL" (to COMMAND, e.g. kill:TERM). Detach keys are typed one by one, as a user does (podman
# 4.3 misses a sequence that arrives in one read; pm takes both). Then wait up to 20 s for COMMAND to end. Sets $output (all
# it printed, then a TIMEOUT line on failure) and $status (its exit code; 98/99: timeout).
pty_drive() {
	run python3 -c '
import os, pty, select, signal, sys, time
args = sys.argv[1:]
sep = args.index("--")
steps, cmd = args[:sep], args[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf = b""
def pump(t):
    global buf
    if select.select([fd], [], [], t)[0]:
        try:
            d = os.read(fd, 4096)
        except OSError:
            d = b""
        buf += d
        return d
    return None
def fail(msg, rc):
    sys.stdout.write(buf.decode(errors="replace") + "\nTIMEOUT: " + msg + "\n")
    os.kill(pid, 9)
    sys.exit(rc)
for s in steps:
    kind, _, arg = s.partition(":")
    if kind == "expect":
        end = time.time() + 20
        while arg.encode() not in buf:
            if time.time() > end or pump(0.2) == b"":
                fail("no %r" % arg, 99)
    elif kind == "send":
        os.write(fd, arg.encode().decode("unicode_escape").encode("latin1"))
    elif kind == "sleep":
        time.sleep(float(arg))
    elif kind == "kill":
        os.kill(pid, getattr(signal, "SIG" + arg))
end = time.time() + 20
while True:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        break
    if time.time() > end:
        fail("still running", 98)
    pump(0.1)
while pump(0.05):
    pass
sys.stdout.write(buf.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
' "$@"
	echo "$output"
}

# ---- host ports ------------------------------------------------------------------------------

# free_port: a loopback port nobody listens on (the kernel's choice, released at once; a
# test that needs the port to stay taken uses hold_port)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# port_is_free PORT: true when PORT can be listened on, on every address and on loopback
port_is_free() {
	python3 - "$1" <<'PY'
import socket, sys
for addr in ("0.0.0.0", "127.0.0.1"):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(sys.argv[1])))
    s.listen(1)
    s.close()
PY
}

# hold_port: listen on 0.0.0.0 on a port the kernel picks, in the background for two
# minutes; sets HELD_PORT and HOLDER (kill "$HOLDER" frees it). A port found free first
# and bound afterwards may be taken in between by another test.
hold_port() {
	local pf=$BATS_TEST_TMPDIR/held-port.$$ _
	rm -f "$pf"
	python3 -c 'import os, socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 0)); s.listen(1)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1]); time.sleep(120)' "$pf" </dev/null >/dev/null 3>&- &
	# shellcheck disable=SC2034 # for the test
	HOLDER=$!
	for _ in $(seq 100); do
		[ -s "$pf" ] && break
		sleep 0.1
	done
	# shellcheck disable=SC2034 # for the test
	HELD_PORT=$(cat "$pf" 2>/dev/null)
	[ -n "$HELD_PORT" ] || die "the port holder did not start"
}
