#!/bin/bash
# run-system.sh [FILE|NNN|FILTER...]: run pm's bats system tests (tests/system/*.bats).
#
# Arguments (default: every tests/system/*.bats): a .bats file path, a file name prefix
# ("000", "010-rootless") or else a regex passed to `bats --filter`.
# Environment: PM_BINARY (the pm binary, required unless ./pm exists), PM (command under
# test, default $PM_BINARY; e.g. PM="podman --runtime runc"), PM_TIMEOUT (per command,
# default 60 s), PM_TEST_USER (default pmtest), PM_TEST_IMAGES (image cache directory),
# PM_KUBE_MODELS (the Kubernetes schema for 075, tests/lib/kube-models.sh).
#
# As root: makes sure the test users exist (pmtest with its own 65536 subordinate uids and
# gids, pmnosub without any), opens /dev/fuse and /dev/net/tun to pmtest when it cannot open
# them (made 0666, and says so), copies pm and the tests to a
# fresh directory pmtest can read, builds the test images, runs the
# *.root.bats files as root, then every other file as pmtest with a fresh XDG_RUNTIME_DIR.
# As a normal user with subordinate ids: runs the suite as that user (root files skipped).
# Prints "N passed, N failed, N skipped" and exits non-zero when a test failed.
# Called by `make system` / `make check`.
#
# run-system.sh --script FILE [ARGS...]: the same setup, then FILE (under tests/, e.g.
# tests/crash/drill.sh for `make check-crash`) instead of bats, as the test user with the
# same environment (plus CRASH_*); exits with its status.
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
test_user=${PM_TEST_USER:-pmtest}
nosub_user=pmnosub

die() {
	echo "run-system: $*" >&2
	exit 1
}

command -v bats >/dev/null || die "bats not found (make deps)"
PM_BINARY=${PM_BINARY:-$srcdir/pm}
[ -x "$PM_BINARY" ] || die "PM_BINARY '$PM_BINARY' is not an executable (run make first)"

script=
if [ "${1:-}" = --script ]; then
	[ $# -ge 2 ] || die "--script needs a file"
	script=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	case "$script" in "$srcdir"/tests/*) ;; *) die "--script: '$2' is not under tests/" ;; esac
	shift 2
fi

# ---- select the files ---------------------------------------------------------------------
files=()
filters=()
add_file() {
	local f
	for f in "$@"; do
		case " ${files[*]} " in *" $f "*) ;; *) files+=("$f") ;; esac
	done
}
for a in "$@"; do
	if [ -f "$a" ]; then
		add_file "$(cd "$(dirname "$a")" && pwd)/$(basename "$a")"
	elif compgen -G "$srcdir/tests/system/$a*.bats" >/dev/null; then
		for f in "$srcdir"/tests/system/"$a"*.bats; do add_file "$f"; done
	else
		filters+=("$a")
	fi
done
if [ -n "$script" ]; then
	: # no bats files
elif [ ${#files[@]} -eq 0 ]; then
	for f in "$srcdir"/tests/system/*.bats; do
		[ -e "$f" ] && add_file "$f"
	done
fi
[ ${#files[@]} -gt 0 ] || [ -n "$script" ] || die "no test files in $srcdir/tests/system"
root_files=()
user_files=()
for f in "${files[@]}"; do
	case "$f" in
	*.root.bats) root_files+=("$(basename "$f")") ;;
	*) user_files+=("$(basename "$f")") ;;
	esac
done
# --timing: "ok N NAME in MSms", so a slow file shows in any run's log (CI has 90 minutes)
bats_args=(--tap --timing)
if [ ${#filters[@]} -gt 0 ]; then
	bats_args+=(--filter "$(
		IFS='|'
		echo "${filters[*]}"
	)")
fi

# shellcheck source=tests/lib/test-user.sh
. "$srcdir/tests/lib/test-user.sh"
# shellcheck source=tests/lib/host-devices.sh
. "$srcdir/tests/lib/host-devices.sh"

# ---- run and count ------------------------------------------------------------------------
passed=0
failed=0
skipped=0
rc=0

# count LOG: add the TAP results in LOG to the totals.
count() {
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$1" || true)
	s=$(grep -cE '^ok [0-9]+ .*# ?skip' "$1" || true)
	f=$(grep -cE '^not ok [0-9]+' "$1" || true)
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
}

# run_bats LOG CMD...: run bats, tee its TAP to LOG, note a failure.
run_bats() {
	local log=$1 r=0
	shift
	"$@" 2>&1 | tee "$log" || r=$?
	count "$log"
	if [ "$r" -ne 0 ]; then
		# bats fails without a 'not ok' line on a syntax error or a missing file
		if ! grep -qE '^not ok [0-9]+' "$log"; then
			failed=$((failed + 1))
			echo "run-system: bats exited $r without a failing test (see above)" >&2
		fi
		rc=1
	fi
}

# pass through what the caller set for the tests (and the benchmarks' PM_BENCH_* knobs)
pass_env=()
for v in PM PM_TIMEOUT CI PM_LOG_LEVEL CRASH_KILLS CRASH_SEED CRASH_CHECK_EVERY CRASH_MAX_SECS CRASH_LOG BATS_NO_PARALLELIZE_ACROSS_FILES ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS $(compgen -v PM_BENCH_ || true); do
	[ -n "${!v+x}" ] && pass_env+=("$v=${!v}")
done

if [ "$(id -u)" -eq 0 ]; then
	pm_ensure_user "$test_user" || die "cannot set up user '$test_user'"
	pm_ensure_user "$nosub_user" nosub || die "cannot set up user '$nosub_user'"
	# said, not done silently: a fresh Debian ships both 0600 (tests/lib/host-devices.sh)
	pm_open_device run-system "$test_user" /dev/net/tun \
		"slirp4netns and pasta can give the containers of user $test_user a network"
	pm_open_device run-system "$test_user" /dev/fuse \
		"the fuse-overlayfs tests can run as user $test_user"

	work=$(mktemp -d /tmp/pm-system.XXXXXX)
	chmod 0755 "$work"
	cleanup() {
		# processes of the test user still using our copy would keep it busy: report them
		if pgrep -u "$test_user" -f "$work" >/dev/null 2>&1; then
			echo "run-system: processes of $test_user left behind:" >&2
			pgrep -a -u "$test_user" -f "$work" >&2 || true
		fi
		rm -rf "$work"
	}
	trap cleanup EXIT
	mkdir -p "$work/bin" "$work/tests"
	install -m 0755 "$PM_BINARY" "$work/bin/pm"
	# pm's helper programs, beside pm as make builds them: the monitor detached containers
	# exec, the pause program of a pod's infra container; the Quadlet generator (079)
	for helper in pm-monitor pm-pause pm-user-generator; do
		h=$(dirname "$PM_BINARY")/$helper
		[ ! -x "$h" ] || install -m 0755 "$h" "$work/bin/$helper"
	done
	cp -r "$srcdir/tests/system" "$srcdir/tests/lib" "$srcdir/tests/crash" "$srcdir/tests/bench" \
		"$work/tests/"
	# for the demo and install tests (080, 081): the demo, the install rule and its inputs
	mkdir -p "$work/tools"
	cp "$srcdir/tools/demo.sh" "$work/tools/"
	cp -r "$srcdir/Makefile" "$srcdir/docs" "$work/"
	mkdir -p "$work/systemd" # the pm-auto-update units make install installs
	cp "$srcdir"/systemd/pm-auto-update.* "$work/systemd/"
	chmod -R a+rX "$work/tests" "$work/tools" "$work/docs" "$work/Makefile" "$work/systemd"
	images=${PM_TEST_IMAGES:-/var/tmp/pm-test-images}
	"$srcdir/tests/lib/mkimage.sh" "$images"
	chmod -R a+rX "$images"
	# the Kubernetes API schema for generate kube's tests (075), when node and npm exist
	models=${PM_KUBE_MODELS:-/var/tmp/pm-kube-models}
	if "$srcdir/tests/lib/kube-models.sh" "$models"; then
		chmod -R a+rX "$models"
	fi

	common_env=(PM_BINARY="$work/bin/pm" PM_SRCDIR="$work" PM_TEST_IMAGES="$images"
		PM_KUBE_MODELS="$models"
		PM_NOSUB_USER="$nosub_user" PM_TEST_USER="$test_user" "${pass_env[@]}")

	if [ -n "$script" ]; then
		uid=$(id -u "$test_user")
		home=$(getent passwd "$test_user" | cut -d: -f6)
		mkdir -p "$work/run" "$work/tmp"
		chown "$test_user:" "$work/run" "$work/tmp"
		chmod 0700 "$work/run"
		echo "# as $test_user (uid $uid): ${script#"$srcdir"/} $*"
		runuser -u "$test_user" -- env -i HOME="$home" USER="$test_user" \
			LOGNAME="$test_user" SHELL=/bin/bash LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			TMPDIR="$work/tmp" XDG_RUNTIME_DIR="$work/run" "${common_env[@]}" \
			"$work/${script#"$srcdir"/}" "$@" </dev/null
		exit
	fi

	if [ ${#root_files[@]} -gt 0 ]; then
		echo "# as root: ${root_files[*]}"
		mkdir -p "$work/root-tmp"
		run_bats "$work/root.tap" env "${common_env[@]}" TMPDIR="$work/root-tmp" \
			bats "${bats_args[@]}" "${root_files[@]/#/$work/tests/system/}"
	fi

	if [ ${#user_files[@]} -gt 0 ]; then
		uid=$(id -u "$test_user")
		home=$(getent passwd "$test_user" | cut -d: -f6)
		rundir="$work/run"
		mkdir -p "$rundir" "$work/tmp"
		chown "$test_user:" "$rundir" "$work/tmp"
		chmod 0700 "$rundir"
		echo "# as $test_user (uid $uid): ${user_files[*]}"
		# shellcheck disable=SC2016 # expanded by the inner shell
		run_bats "$work/user.tap" runuser -u "$test_user" -- env -i \
			HOME="$home" USER="$test_user" LOGNAME="$test_user" SHELL=/bin/bash \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			LANG=C.UTF-8 TMPDIR="$work/tmp" XDG_RUNTIME_DIR="$rundir" "${common_env[@]}" \
			bash -c 'cd "$PM_SRCDIR" && exec bats "$@"' bats "${bats_args[@]}" \
			"${user_files[@]/#/$work/tests/system/}" </dev/null
	fi
else
	me=$(id -un)
	if ! pm_has_subids "$me" /etc/subuid || ! pm_has_subids "$me" /etc/subgid; then
		cat >&2 <<EOF
run-system: user '$me' has no subordinate id range in /etc/subuid and /etc/subgid.
The system tests run pm rootless and need one. Either run them as root (sudo make system:
they then run as the test user '$test_user', created on the fly), or add a range for
yourself, e.g.:
  sudo usermod --add-subuids 300000-365535 --add-subgids 300000-365535 $me
EOF
		exit 1
	fi
	images=${PM_TEST_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/pm-test-images}
	"$srcdir/tests/lib/mkimage.sh" "$images"
	models=${PM_KUBE_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/pm-kube-models}
	"$srcdir/tests/lib/kube-models.sh" "$models" || true
	export PM_KUBE_MODELS=$models
	if [ -n "$script" ]; then
		PM_BINARY="$PM_BINARY" PM_SRCDIR="$srcdir" PM_TEST_IMAGES="$images" "$script" "$@"
		exit
	fi
	for f in "${root_files[@]}"; do
		echo "# skipped (needs root): $f"
	done
	if [ ${#user_files[@]} -gt 0 ]; then
		tapdir=$(mktemp -d "${TMPDIR:-/tmp}/pm-system.XXXXXX")
		trap 'rm -rf "$tapdir"' EXIT
		run_bats "$tapdir/user.tap" \
			env PM_BINARY="$PM_BINARY" PM_SRCDIR="$srcdir" PM_TEST_IMAGES="$images" \
			bats "${bats_args[@]}" "${user_files[@]/#/$srcdir/tests/system/}"
	fi
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
