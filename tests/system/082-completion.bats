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
	is "$output" "Error: accepts 1 arg\\(s\\), received 0" "cobra's words, as podman"
}

# pm_on_path: a directory holding "pm" that runs this test's pm, for the zsh and fish
# scripts (they run the command line's first word)
pm_on_path() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexec %s "$@"\n' "$(printf '%q ' "${PM_CMD[@]}")" >"$BATS_TEST_TMPDIR/bin/pm"
	chmod +x "$BATS_TEST_TMPDIR/bin/pm"
}

@test "zsh and fish completion: the scripts parse and complete a command line" {
	command -v zsh >/dev/null || die "zsh is not installed (tools/packages.txt)"
	command -v fish >/dev/null || die "fish is not installed (tools/packages.txt)"
	pm_on_path
	"${PM_CMD[@]}" completion zsh >"$BATS_TEST_TMPDIR/_pm" || die "pm completion zsh failed"
	"${PM_CMD[@]}" completion fish >"$BATS_TEST_TMPDIR/pm.fish" || die "pm completion fish failed"
	zsh -n "$BATS_TEST_TMPDIR/_pm" || die "zsh -n refuses the zsh script"
	fish -n "$BATS_TEST_TMPDIR/pm.fish" || die "fish -n refuses the fish script"

	# zsh: load compsys, source the script (it registers _pm with compdef), then call _pm
	# as a completion widget would, with words/CURRENT set and compadd recording what it is
	# given
	local out
	out=$(PATH="$BATS_TEST_TMPDIR/bin:$PATH" HOME="$BATS_TEST_TMPDIR" zsh -f -c '
		autoload -Uz compinit && compinit -u -D || exit 3
		source "$1" || exit 4
		[[ $_comps[pm] == _pm ]] || { print "not registered: $_comps[pm]"; exit 5; }
		compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }
		_files() { print "(files)"; }
		words=(pm volume cr); CURRENT=3
		_pm
		print SEP
		words=(pm run --name ""); CURRENT=4
		_pm' zsh "$BATS_TEST_TMPDIR/_pm") || die "zsh completion failed ($?): $out"
	echo "zsh: $out"
	# the candidates for 'volume cr', then nothing from pm for a flag value: files
	[[ "$out" == *create*SEP*"(files)"* ]] || die "zsh candidates: $out"
	[[ "$out" == *rm* ]] || die "zsh candidates for 'volume ': $out"

	# fish: complete -C runs the completions for a command line
	out=$(PATH="$BATS_TEST_TMPDIR/bin:$PATH" HOME="$BATS_TEST_TMPDIR" \
		fish --no-config -c 'source $argv[1]; complete -C"pm volume cr"; echo SEP; complete -C"pm ru"' \
		"$BATS_TEST_TMPDIR/pm.fish") || die "fish completion failed: $out"
	echo "fish: $out"
	[[ "$out" == create*SEP* ]] || die "fish candidates for 'pm volume cr': $out"
	[[ "$out" == *SEP*run* ]] || die "fish candidates for 'pm ru': $out"
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
	complete_bash pm secret ""
	has create
	has inspect
	has ls
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
	# a dangling image (commit without a name) has no name to offer: no "<none>:<none>"
	run_pm 0 commit -q compctr1
	local dangling=$output
	run_pm 0 images -q --filter dangling=true --no-trunc
	assert_contains "$output" "$dangling"
	complete_bash pm rmi ""
	has "$img"
	[[ "$reply" != *"<none>"* ]] || die "a dangling image offered: $reply"
	run_pm 0 rmi "$dangling"
	complete_bash pm volume rm ""
	has compvol1
	complete_bash pm inspect ""
	has compctr1
	has "$img"
	has compvol1
	# exec names a container first, then the command
	complete_bash pm exec -i compctr1 ""
	is "$reply" "" "candidates after exec's container"

	printf x >"$BATS_TEST_TMPDIR/sec"
	run_pm 0 secret create compsec1 "$BATS_TEST_TMPDIR/sec"
	complete_bash pm secret rm ""
	is "$reply" "compsec1" "secrets for 'secret rm'"
	complete_bash pm secret inspect comp
	has compsec1
	run_pm 0 secret rm compsec1

	run_pm 0 rm compctr1
	run_pm 0 volume rm compvol1
	complete_bash pm rm ""
	is "$reply" "" "containers after rm"
}
