#!/usr/bin/env bats
# 000-cli: the command-line frame: version, help, unknown commands and flags, global
# options. Needs no user namespace and no image.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

# pm_commands [SUBCOMMAND...]: the command names listed under "Available Commands:" by
# `$PM SUBCOMMAND... --help`.
pm_commands() {
	timeout "$PM_TIMEOUT" "${PM_CMD[@]}" "$@" --help |
		awk '/^Available Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

@test "pm version" {
	run_pm_split 0 version
	is "${lines[0]}" "(Client: .*|Version: +[0-9]+\.[0-9]+\.[0-9]+.*)" "first line"
	assert_contains "$output" "API Version:"
	assert_contains "$output" "OS/Arch:"
}

@test "pm version --format json parses" {
	skip_if_missing jq
	run_pm_split 0 version --format json
	is "$stderr" "" "stderr"
	version=$(jq -er '.Client.Version' <"$PM_STDOUT") || die "no .Client.Version in: $output"
	is "$version" "[0-9]+\.[0-9]+\.[0-9]+.*" ".Client.Version"
	jq -er '.Client.APIVersion, .Client.OsArch' <"$PM_STDOUT" >/dev/null ||
		die "missing APIVersion/OsArch in: $output"

	# the plain output shows the same version
	run_pm 0 version
	assert_contains "$output" "$version"
}

@test "pm --version and -v" {
	run_pm_split 0 --version
	is "$output" "[a-z]+ version [0-9]+\.[0-9]+\.[0-9]+.*" "--version"
	is "$stderr" "" "stderr"
	run_pm 0 -v
	is "$output" "[a-z]+ version [0-9]+\.[0-9]+\.[0-9]+.*" "-v"
}

@test "pm help, pm --help and pm -h list the commands" {
	for args in help --help -h; do
		run_pm_split 0 $args
		assert_contains "$output" "Usage:" "pm $args"
		assert_contains "$output" "Available Commands:" "pm $args"
		assert_contains "$output" "version" "pm $args"
		assert_contains "$output" "--log-level" "pm $args"
		is "$stderr" "" "pm $args: stderr"
	done
}

@test "pm without a command: usage on stderr, exit 125" {
	run_pm_split 125
	assert_contains "$output$stderr" "Usage:"
	assert_contains "$stderr" "Error: missing command"
}

@test "pm COMMAND --help exits 0 for every listed command" {
	cmds=$(pm_commands)
	[ -n "$cmds" ] || die "no commands listed by '$PM --help'"
	for cmd in $cmds; do
		run_pm_split 0 "$cmd" --help
		assert_contains "$output" "Usage:" "$cmd --help"
		is "$stderr" "" "$cmd --help: stderr"
		# one level of subcommands (pm system migrate, pm image ls ...)
		for sub in $(pm_commands "$cmd"); do
			[ "$sub" = help ] && continue
			run_pm_split 0 "$cmd" "$sub" --help
			assert_contains "$output" "Usage:" "$cmd $sub --help"
		done
	done
}

@test "create --help lists run's options but those of a run alone" {
	run_pm 0 create --help
	local f
	for f in --env --volume --rm --network --name --publish --help; do
		grep -qE -- "^ *(-[a-zA-Z], )?$f( |\$)" <<<"$output" || die "create --help lacks $f"
	done
	for f in --detach --detach-keys --sig-proxy --preserve-fds --rmi; do
		! grep -qE -- "^ *(-[a-zA-Z], )?$f( |\$)" <<<"$output" || die "create --help lists $f"
	done
	run_pm 0 run --help
	grep -qE -- "^ *-d, --detach " <<<"$output" || die "run --help lacks --detach"
}

@test "pm COMMAND -h works like --help" {
	run_pm_split 0 version -h
	assert_contains "$output" "Usage:"
	assert_contains "$output" "version"
}

@test "unknown command: exit 125, unrecognized command" {
	run_pm_split 125 bogus
	is "$output" "" "stdout"
	assert_contains "$stderr" "Error: unrecognized command"
	assert_contains "$stderr" "bogus"

	run_pm 125 bogus-with-args bar
	assert_contains "$output" "unrecognized command"
}

@test "unknown subcommand: exit 125, unrecognized command" {
	run_pm 125 system bogus
	assert_contains "$output" "unrecognized command"
	assert_contains "$output" "system bogus"
}

@test "unknown global flag: exit 125, unknown flag: --bogus" {
	run_pm_split 125 --bogus version
	is "$output" "" "stdout"
	assert_contains "$stderr" "Error: unknown flag: --bogus"
}

@test "unknown command flag: exit 125, unknown flag: --bogus" {
	run_pm 125 version --bogus
	assert_contains "$output" "Error: unknown flag: --bogus"
	assert_contains "$output" "version --help"
}

@test "unknown shorthand flag: exit 125" {
	run_pm 125 version -Z
	assert_contains "$output" "unknown shorthand flag: 'Z'"
}

@test "flag without its argument: exit 125" {
	run_pm 125 version --format
	assert_contains "$output" "flag needs an argument: --format"
}

@test "bad --log-level: exit 1 naming the value, as podman" {
	run_pm_split 1 --log-level=bogus-level version
	is "$output" "" "stdout"
	is "$stderr" 'Log Level "bogus-level" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic'
	run_pm 1 --log-level bogus2 version
	assert_contains "$output" "bogus2"
}

@test "good --log-level values are accepted" {
	for level in trace debug info warn warning error fatal panic; do
		run_pm 0 --log-level "$level" version
	done
}

@test "version takes no arguments" {
	run_pm 125 version extra
	assert_contains "$output" "Error: "
}

@test "error messages escape control characters from user input (ESC, newline, tab); UTF-8 stays" {
	run_pm_split 1 rm $'bad\x1b[31mname'
	assert_not_contains "$stderr" $'\x1b' "stderr"
	is "$stderr" 'Error: no container with name or ID "bad\\x1b\[31mname" found: no such container'
	run_pm_split 1 --log-level $'de\nbug' version
	is "$stderr" 'Log Level "de\\nbug" is not supported, .*' "a newline is escaped"
	[ "$(wc -l <"$PM_STDERR")" -eq 1 ] || die "error on more than one line: $stderr"
	run_pm_split 1 rm $'t\tab\x7f\x01'
	assert_contains "$stderr" '"t\tab\x7f\x01"'
	run_pm_split 1 rm 'héllo'
	assert_contains "$stderr" '"héllo"' "valid UTF-8 as is"
	run_pm_split 125 image inspect $'a\nb'
	is "$stderr" 'Error: inspecting object: a\\nb: image not known'
	pm_load_test_image docker
	run_pm_split 125 run --name $'bad\x1b[31mname' busybox true
	assert_not_contains "$stderr" $'\x1b' "stderr of run --name"
	assert_contains "$stderr" 'bad\x1b[31mname'
	run_pm 0 ps -aq
	is "$output" "" "nothing created"
}
