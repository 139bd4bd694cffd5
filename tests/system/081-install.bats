#!/usr/bin/env bats
# 081-install: `make install` into a temporary PREFIX (the build's compile-time LIBEXECDIR
# is /usr/local/libexec/pm): the installed pm finds the installed pm-monitor through its own
# location and runs a detached container (pm-pause, the pod infra's program, is installed
# beside it); every command `pm --help` lists has an installed man page, and so has every
# `pm pod` subcommand (listed in pm-pod(1)); pm(1) lists exactly those commands, and
# `man -l` renders every page without a warning; the three completion scripts are
# installed; the Quadlet generator is installed in lib/systemd/user-generators and its units
# run the installed pm; `make uninstall` removes the programs. Runs as the test user.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	skip_if_podman "pm's install rule"
	skip_if_missing make install
	[ -f "$PM_SRCDIR/Makefile" ] || skip "no Makefile in $PM_SRCDIR"
	basic_setup
}

teardown() {
	basic_teardown
}

# pm_install: `make install` of the pm under test into $BATS_TEST_TMPDIR/opt (once per test).
# The binaries are the ones under test (-o: make must not rebuild them from sources it may
# not have); the man pages and completions are built into a build dir of our own.
pm_install() {
	PREFIX_DIR=$BATS_TEST_TMPDIR/opt
	local mon pause gen
	mon=$(dirname "$PM_BINARY")/pm-monitor
	pause=$(dirname "$PM_BINARY")/pm-pause
	gen=$(dirname "$PM_BINARY")/pm-user-generator
	[ -x "$mon" ] || skip "no pm-monitor beside $PM_BINARY"
	[ -x "$pause" ] || skip "no pm-pause beside $PM_BINARY"
	[ -x "$gen" ] || skip "no pm-user-generator beside $PM_BINARY"
	run make -s -C "$PM_SRCDIR" -o "$PM_BINARY" -o "$mon" -o "$pause" -o "$gen" \
		PM_BIN="$PM_BINARY" PM_MONITOR="$mon" PM_PAUSE="$pause" PM_GENERATOR="$gen" \
		BUILDDIR="$BATS_TEST_TMPDIR/build" \
		PREFIX="$PREFIX_DIR" DESTDIR= install
	echo "$output"
	[ "$status" -eq 0 ] || die "make install failed ($status)"
}

# run_installed EXPECTED_RC ARGS...: run_pm with the installed pm
run_installed() {
	local PM=$PREFIX_DIR/bin/pm
	# shellcheck disable=SC2034 # read by run_pm
	local -a PM_CMD=("$PM")
	run_pm "$@"
}

@test "install into a temporary PREFIX: run -d finds the installed pm-monitor" {
	pm_install
	local ipm=$PREFIX_DIR/bin/pm
	[ -x "$ipm" ] || die "no $ipm"
	[ -x "$PREFIX_DIR/libexec/pm/pm-monitor" ] || die "no pm-monitor in $PREFIX_DIR/libexec/pm"
	cmp "$(dirname "$PM_BINARY")/pm-pause" "$PREFIX_DIR/libexec/pm/pm-pause" ||
		die "pm-pause not installed in $PREFIX_DIR/libexec/pm"
	[ -x "$PREFIX_DIR/libexec/pm/pm-pause" ] || die "pm-pause in $PREFIX_DIR/libexec/pm is not executable"
	[ ! -e /usr/local/libexec/pm/pm-monitor ] ||
		echo "# note: /usr/local/libexec/pm/pm-monitor exists; the exe check below decides"

	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_installed 0 run -d --name inst1 "$img" sleep 1000
	local id=$output
	# the monitor of the container is the installed one
	local pid exe
	pid=$(pgrep -f -- "--id $id" | head -1)
	[ -n "$pid" ] || die "no monitor process for $id"
	exe=$(readlink "/proc/$pid/exe")
	is "$exe" "$PREFIX_DIR/libexec/pm/pm-monitor" "the monitor's program"
	run_installed 0 rm -f inst1

	# without the libexec dir, the error names every place looked at
	mv "$PREFIX_DIR/libexec" "$PREFIX_DIR/libexec.away"
	run_installed 125 run -d --name inst2 "$img" sleep 1000
	assert_contains "$output" "cannot find pm's helper program 'pm-monitor' (looked for '$PREFIX_DIR/bin/pm-monitor', '$PREFIX_DIR/libexec/pm/pm-monitor' and '/usr/local/libexec/pm/pm-monitor')"
	run_pm 1 container exists inst2
}

@test "install: a man page for every command, pm(1) lists exactly them, man -l renders all" {
	skip_if_missing pandoc man
	pm_install
	local man1=$PREFIX_DIR/share/man/man1 cmds c missing=() e
	cmds=$("$PREFIX_DIR/bin/pm" --help | sed -n '/^Available Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
	[ "$(wc -l <<<"$cmds")" -gt 30 ] || die "too few commands in pm --help: $cmds"
	for c in $cmds; do
		[ -f "$man1/pm-$c.1" ] || missing+=("pm-$c.1")
	done
	[ ${#missing[@]} -eq 0 ] || die "no installed man page: ${missing[*]}"
	# and a page for every subcommand of pm pod, each listed in pm-pod(1)
	local podcmds pod_page
	podcmds=$("$PREFIX_DIR/bin/pm" pod --help | sed -n '/^Available Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
	[ "$(wc -l <<<"$podcmds")" -gt 10 ] || die "too few commands in pm pod --help: $podcmds"
	pod_page=$(MANWIDTH=200 man -l "$man1/pm-pod.1" 2>/dev/null)
	for c in $podcmds; do
		[ -f "$man1/pm-pod-$c.1" ] || missing+=("pm-pod-$c.1")
		grep -qE "^ +pm-pod-$c\(1\)" <<<"$pod_page" || missing+=("pm-pod-$c(1) in pm-pod(1)")
	done
	[ ${#missing[@]} -eq 0 ] || die "no installed man page: ${missing[*]}"

	# pm(1)'s COMMANDS section names exactly the commands of pm --help
	local listed
	listed=$(MANWIDTH=200 man -l "$man1/pm.1" 2>/dev/null | sed -n '/^COMMANDS/,/^EXIT STATUS/p' |
		grep -oE '^ +pm-[a-z-]+\(1\)' | sed -E 's/^ +pm-//; s/\(1\)//')
	is "$(sort <<<"$listed")" "$(sort <<<"$cmds")" "commands listed in pm(1)"

	# every installed page renders without a warning
	local n=0
	for p in "$PREFIX_DIR"/share/man/man*/*; do
		e=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		[ -z "$e" ] || die "man -l $p: $e"
		n=$((n + 1))
	done
	[ "$n" -ge "$(wc -l <<<"$cmds")" ] || die "only $n pages installed"
	# and pm-run(1) documents every flag of pm run --help
	local f run_page
	run_page=$(MANWIDTH=200 man -l "$man1/pm-run.1" 2>/dev/null)
	for f in $("$PREFIX_DIR/bin/pm" run --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qE -- "(^|[ ,])$f([=, ]|$)" <<<"$run_page" || missing+=("$f")
	done
	[ ${#missing[@]} -eq 0 ] || die "pm-run(1) does not document: ${missing[*]}"
}

@test "install: the bash, zsh and fish completions" {
	pm_install
	local share=$PREFIX_DIR/share
	grep -q "complete -o default -F _pm_complete pm" "$share/bash-completion/completions/pm" ||
		die "bash completion not installed"
	grep -q "^#compdef pm" "$share/zsh/site-functions/_pm" || die "zsh completion not installed"
	grep -q "__pm_complete" "$share/fish/vendor_completions.d/pm.fish" ||
		die "fish completion not installed"
	bash -n "$share/bash-completion/completions/pm" || die "bash completion does not parse"
}

@test "install: the Quadlet generator in lib/systemd/user-generators runs the installed pm" {
	pm_install
	local g=$PREFIX_DIR/lib/systemd/user-generators/pm-user-generator
	[ -x "$g" ] || die "no $g"
	mkdir -p "$XDG_CONFIG_HOME/containers/systemd"
	printf '[Container]\nImage=localhost/busybox:latest\nExec=true\n' \
		>"$XDG_CONFIG_HOME/containers/systemd/q.container"
	local out
	out=$(env -u PM_QUADLET_PM -u QUADLET_UNIT_DIRS "$g" -dryrun) || die "the generator failed"
	echo "$out"
	assert_contains "$out" "ExecStart=$PREFIX_DIR/bin/pm run --cidfile=%t/%N.cid "
	assert_contains "$out" "ExecStop=$PREFIX_DIR/bin/pm rm -v -f --ignore -t 10 --cidfile=%t/%N.cid"
	# systemd calls it with three directories and reads the first
	env -u PM_QUADLET_PM -u QUADLET_UNIT_DIRS "$g" "$BATS_TEST_TMPDIR/n" "$BATS_TEST_TMPDIR/e" \
		"$BATS_TEST_TMPDIR/l" || die "the generator failed"
	grep -q "^ExecStart=$PREFIX_DIR/bin/pm run " "$BATS_TEST_TMPDIR/n/q.service" ||
		die "no unit in the normal directory"
}

@test "install: pm-auto-update.service and .timer for the user's and the system's manager" {
	pm_install
	local d
	for d in user system; do
		grep -qx "ExecStart=$PREFIX_DIR/bin/pm auto-update" \
			"$PREFIX_DIR/lib/systemd/$d/pm-auto-update.service" ||
			die "no $d pm-auto-update.service running the installed pm"
		grep -qx "OnCalendar=daily" "$PREFIX_DIR/lib/systemd/$d/pm-auto-update.timer" ||
			die "no $d pm-auto-update.timer"
	done
}

@test "uninstall: pm, pm-monitor and pm-pause removed, and the libexec dir" {
	pm_install
	[ -x "$PREFIX_DIR/libexec/pm/pm-pause" ] || die "pm-pause not installed"
	run make -s -C "$PM_SRCDIR" PREFIX="$PREFIX_DIR" DESTDIR= BUILDDIR="$BATS_TEST_TMPDIR/build" \
		uninstall
	echo "$output"
	[ "$status" -eq 0 ] || die "make uninstall failed ($status)"
	local f
	for f in bin/pm libexec/pm/pm-monitor libexec/pm/pm-pause libexec/pm \
		lib/systemd/user-generators/pm-user-generator \
		lib/systemd/{user,system}/pm-auto-update.{service,timer}; do
		[ ! -e "$PREFIX_DIR/$f" ] || die "left after uninstall: $PREFIX_DIR/$f"
	done
}
