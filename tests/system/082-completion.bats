#!/usr/bin/env bats
# 082-completion: `pm completion bash|zsh|fish` and the bash completion at work: sourced,
# with COMP_WORDS/COMP_CWORD set as bash sets them, _pm_complete fills COMPREPLY with
# commands, subcommands, the command's own flags and the names of containers, images and
# volumes from the store (through the hidden `pm __complete`). Runs as the test user.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	skip_if_podman "pm's completion protocol (pm __complete)"
	basic_setup
}

teardown() {
	basic_teardown
}

# complete WORD...: run the bash completion for the command line "WORD..." with the cursor at
# the end of the last word; the candidates are in $reply, one a line.
complete_bash() {
	local script
	script=$("${PM_CMD[@]}" completion bash) || die "pm completion bash failed"
	# the script calls "${COMP_WORDS[0]}": make "pm" this test's pm
	pm() { "${PM_CMD[@]}" "$@"; }
	eval "$script"
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_pm_complete
	reply=$(printf '%s\n' "${COMPREPLY[@]}")
	echo "completing '$*': $(echo "$reply" | tr '\n' ' ')"
}

# has CANDIDATE: $reply holds CANDIDATE as one line
has() {
	grep -qxF -- "$1" <<<"$reply" || die "'$1' is not among the candidates: $(echo "$reply" | tr '\n' ' ')"
}

@test "completion: the scripts, and an unknown shell" {
	run_pm 0 completion bash
	assert_contains "$output" "complete -o default -F _pm_complete pm"
	bash -n <<<"$output" || die "the bash script does not parse"
	run_pm 0 completion zsh
	assert_contains "$output" "#compdef pm"
	assert_contains "$output" "__complete"
	run_pm 0 completion fish
	assert_contains "$output" "complete -c pm -a '(__pm_complete)'"
	run_pm 0 completion --file "$BATS_TEST_TMPDIR/pm.bash" bash
	is "$output" "" "output with --file"
	grep -q "_pm_complete()" "$BATS_TEST_TMPDIR/pm.bash" || die "--file did not get the script"
	run_pm 125 completion tcsh
	is "$output" "Error: unsupported shell 'tcsh': use bash, zsh or fish"
	run_pm 125 completion
	assert_contains "$output" "requires exactly 1 arg"
}

@test "bash completion: commands, subcommands, flags" {
	complete_bash pm ru
	is "$reply" "run" "candidates for 'ru'"
	complete_bash pm ""
	has attach
	has volume
	has completion
	# hidden commands are not offered
	[[ "$reply" != *__complete* ]] || die "__complete offered"
	complete_bash pm volume ""
	has create
	has rm
	complete_bash pm run --rm --na
	is "$reply" "--name" "candidates for 'run --rm --na'"
	complete_bash pm run -
	has --detach
	has --restart
	complete_bash pm --root /x --log-level debug ima
	has image
	has images
	complete_bash pm --ro
	has --root
	complete_bash pm ps --
	has --all
	has --format
	# a flag's value: nothing from pm (bash then completes file names)
	complete_bash pm run --name ""
	is "$reply" "" "candidates for the value of --name"
}

@test "bash completion: container, image and volume names from the store" {
	pm_load_test_image
	local img
	img=$(pm_test_image name)
	run_pm 0 create --name compctr1 "$img" true
	run_pm 0 volume create compvol1

	complete_bash pm rm comp
	is "$reply" "compctr1" "containers for 'rm comp'"
	complete_bash pm container inspect ""
	has compctr1
	complete_bash pm run --rm loc
	has "$img"
	# after the image, run's arguments are the container's command: no names
	complete_bash pm run --rm "$img" ""
	is "$reply" "" "candidates after the image"
	complete_bash pm rmi ""
	has "$img"
	complete_bash pm volume rm ""
	has compvol1
	complete_bash pm inspect ""
	has compctr1
	has "$img"
	has compvol1
	# exec names a container first, then the command
	complete_bash pm exec -i compctr1 ""
	is "$reply" "" "candidates after exec's container"

	run_pm 0 rm compctr1
	run_pm 0 volume rm compvol1
	complete_bash pm rm ""
	is "$reply" "" "containers after rm"
}
