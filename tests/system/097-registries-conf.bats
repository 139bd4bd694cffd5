#!/usr/bin/env bats
# 097-registries-conf: containers-registries.conf(5) v2 as pull reads it, end to end with a
# docker-registry on loopback (tests/system/registry.bash): an alias, the
# unqualified-search registries, a mirror tried before the location, a blocked registry, an
# insecure registry pulled without --tls-verify=false, $CONTAINERS_REGISTRIES_CONF, and the
# short-name errors (no search registries; several in enforcing mode without a terminal).
# Each test writes the user's file ($HOME/.config/containers/registries.conf, which podman
# and pm read instead of the system's, and then only the user's drop-ins; $HOME is the
# test's own) so the machine's files do not matter. The messages are podman 4.3's.

load helpers
load registry

setup() {
	basic_setup
	_pm_has_command pull || skip "$PM has no pull command"
	# podman 4.3 reads the user's file below $HOME/.config, not $XDG_CONFIG_HOME: a home of
	# this test's own, so that no other test (or run) sees the files written here
	export HOME=$BATS_TEST_TMPDIR/home
	CONF_DIR=$HOME/.config/containers
	mkdir -p "$CONF_DIR"
}

teardown() {
	registry_stop
	basic_teardown
}

# user_conf TEXT: the user's registries.conf
user_conf() {
	printf '%s\n' "$1" >"$CONF_DIR/registries.conf"
}

# error_line: the "Error:" line of $output (podman may print warnings before it)
error_line() {
	grep '^Error: ' <<<"$output" || die "no Error: line in: $output"
}

# image_names: the names of the stored images, one a line
image_names() {
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}'
}

@test "an alias resolves to the local registry" {
	registry_start
	registry_seed busybox pmtest/pmbox:1.0 >/dev/null
	user_conf "[aliases]
\"pmalias\" = \"$REG/pmtest/pmbox\""
	run_pm 0 pull --tls-verify=false pmalias:1.0
	assert_contains "$output" "Resolved \"pmalias\" as an alias ($CONF_DIR/registries.conf)"
	assert_contains "$output" "Trying to pull $REG/pmtest/pmbox:1.0..."
	image_names
	is "$output" "$REG/pmtest/pmbox:1.0" "stored under the alias' name"
}

@test "unqualified-search-registries: a short name is pulled from the search registry" {
	registry_start
	registry_seed busybox pmbox:latest >/dev/null
	user_conf "unqualified-search-registries = [\"$REG\"]"
	run_pm 0 pull --tls-verify=false pmbox
	assert_contains "$output" "Trying to pull $REG/pmbox:latest..."
	image_names
	is "$output" "$REG/pmbox:latest" "stored under the search registry's name"
	run_pm 0 run --rm pmbox echo from-search
	is "$output" "from-search"
}

@test "the mirror is tried before the location" {
	registry_start
	registry_seed busybox pmteam/pmbox:latest >/dev/null
	# the location refuses connections: the pull only works from the mirror
	user_conf "[[registry]]
prefix = \"pm-mirrored.test/pmteam\"
location = \"127.0.0.1:1/pmteam\"
[[registry.mirror]]
location = \"$REG/pmteam\"
insecure = true"
	run_pm 0 pull pm-mirrored.test/pmteam/pmbox
	image_names
	is "$output" "pm-mirrored.test/pmteam/pmbox:latest" "stored under the name pulled"
	grep -q 'GET /v2/pmteam/pmbox/manifests/latest' "$REG_LOG" ||
		die "the mirror was not asked for the manifest: $(cat "$REG_LOG")"
}

@test "the mirror is asked first even when the location would answer" {
	registry_start
	registry_seed busybox pmloc/pmbox:latest >/dev/null
	registry_seed busybox pmmirror/pmbox:latest >/dev/null
	user_conf "[[registry]]
location = \"$REG/pmloc\"
insecure = true
[[registry.mirror]]
location = \"$REG/pmmirror\"
insecure = true"
	local before
	before=$(wc -l <"$REG_LOG")
	run_pm 0 pull "$REG/pmloc/pmbox"
	image_names
	is "$output" "$REG/pmloc/pmbox:latest" "stored under the name pulled"
	local log
	log=$(tail -n +"$((before + 1))" "$REG_LOG")
	grep -q 'GET /v2/pmmirror/pmbox/manifests/latest' <<<"$log" ||
		die "the mirror was not asked: $log"
	if grep -q 'GET /v2/pmloc/pmbox/manifests' <<<"$log"; then
		die "the location was asked though the mirror had the image: $log"
	fi
}

@test "a blocked registry is refused, naming it" {
	registry_start
	registry_seed busybox pmblocked/pmbox:latest >/dev/null
	user_conf "[[registry]]
location = \"$REG/pmblocked\"
blocked = true"
	local before
	before=$(wc -l <"$REG_LOG")
	run_pm 125 pull --tls-verify=false "$REG/pmblocked/pmbox"
	assert_contains "$(error_line)" \
		"registry $REG/pmblocked is blocked in $CONF_DIR/registries.conf or $CONF_DIR/registries.conf.d"
	run_pm 0 images -q
	is "$output" "" "nothing stored"
	if tail -n +"$((before + 1))" "$REG_LOG" | grep -q 'GET /v2/pmblocked'; then
		die "the blocked registry was asked: $(tail -n +"$((before + 1))" "$REG_LOG")"
	fi
	# another repository of the same registry is not blocked
	registry_seed busybox pmopen/pmbox:latest >/dev/null
	run_pm 0 pull --tls-verify=false "$REG/pmopen/pmbox"
}

@test "insecure = true: a plain-HTTP registry pulls without --tls-verify=false" {
	registry_start
	registry_seed busybox pmbox:latest >/dev/null
	# control: without the setting, TLS is required and the plain-HTTP registry fails
	run_pm 125 pull "$REG/pmbox"
	user_conf "[[registry]]
location = \"$REG\"
insecure = true"
	run_pm 0 pull "$REG/pmbox"
	image_names
	is "$output" "$REG/pmbox:latest"
}

@test "CONTAINERS_REGISTRIES_CONF names the file read instead of the user's" {
	registry_start
	registry_seed busybox pmenv/pmbox:latest >/dev/null
	user_conf "[aliases]
\"pmenvalias\" = \"127.0.0.1:1/pmwrong/pmbox\""
	local f=$BATS_TEST_TMPDIR/env-registries.conf
	printf '%s\n' "[aliases]" "\"pmenvalias\" = \"$REG/pmenv/pmbox\"" >"$f"
	CONTAINERS_REGISTRIES_CONF=$f run_pm 0 pull --tls-verify=false pmenvalias
	assert_contains "$output" "Resolved \"pmenvalias\" as an alias ($f)"
	image_names
	is "$output" "$REG/pmenv/pmbox:latest"

	# a file named there that does not exist is an error
	CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/nonexistent.conf \
		run_pm 125 pull --tls-verify=false pmenvalias
	assert_contains "$output" \
		"Error: loading registries configuration \"$BATS_TEST_TMPDIR/nonexistent.conf\""
}

@test "a short name without an alias or search registries is an error naming the file" {
	user_conf "unqualified-search-registries = []"
	run_pm 125 pull pmnoalias
	is "$(error_line)" \
		"Error: short-name \"pmnoalias\" did not resolve to an alias and no unqualified-search registries are defined in \"$CONF_DIR/registries.conf\""
}

@test "enforcing mode, several search registries, no terminal: the pull is refused" {
	registry_start
	registry_seed busybox pmbox:latest >/dev/null
	user_conf "unqualified-search-registries = [\"$REG\", \"127.0.0.1:1\"]
short-name-mode = \"enforcing\""
	run_pm 125 pull --tls-verify=false pmbox </dev/null
	is "$(error_line)" "Error: short-name resolution enforced but cannot prompt without a TTY"
	run_pm 0 images -q
	is "$output" "" "nothing stored"

	# permissive (the default) tries them in order
	user_conf "unqualified-search-registries = [\"$REG\", \"127.0.0.1:1\"]"
	run_pm 0 pull --tls-verify=false pmbox </dev/null
	image_names
	is "$output" "$REG/pmbox:latest"
}

@test "a registries.conf that does not parse is an error naming its file and line" {
	user_conf "unqualified-search-registries = [\"a.io\"]
[aliases]
\"x\" = \"quay.io/x"
	run_pm 125 pull pmbadconf
	# podman: 'loading registries configuration "FILE": toml: line 3 (last key
	# "aliases.x"): strings cannot contain newlines'; pm: 'FILE:3: newline in a string ...'
	local e
	e=$(error_line)
	[[ $e == *"$CONF_DIR/registries.conf"*3* ]] || die "the error names no file and line: $e"
	run_pm 0 images -q
	is "$output" "" "nothing stored"
}
