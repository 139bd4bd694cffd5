#!/usr/bin/env bats
# 073-secret: `pm secret create|ls|inspect|rm` (file driver) and `run/create --secret`:
# podman's output, JSON shape, messages and exit codes; every bad input (bad name,
# duplicate, missing file, size limit, unknown secret, bad --secret option) fails with 125
# and leaves nothing behind; a secret's value never shows in inspect or in a record.
# Runs as the unprivileged test user. Also runs against podman (PM="podman --runtime runc");
# what podman 4.3 lacks (ls --format json, env secrets surviving the secret's removal,
# pm's storage layout) skips there.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

# no_secrets: `secret ls -q` lists nothing.
no_secrets() {
	run_pm 0 secret ls -q
	is "$output" "" "no secret left"
}

VALUE=hunter2-$RANDOM

@test "secret create prints an id; ls, inspect show podman's columns and JSON" {
	skip_if_missing jq
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm_split 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	is "$output" "[0-9a-f]{25}" "create prints a 25-hex id"
	is "$stderr" "" "stderr"
	local id=$output

	run_pm 0 secret ls
	is "${lines[0]}" "ID +NAME +DRIVER +CREATED +UPDATED" "header"
	is "${lines[1]}" "$id +mysec +file +.* ago +.* ago" "row"
	is "${#lines[@]}" 2 "one secret"

	run_pm 0 secret ls --noheading
	is "${#lines[@]}" 1 "--noheading: no header"
	run_pm 0 secret ls -q
	is "$output" "$id" "-q prints ids"
	run_pm 0 secret ls --format '{{.ID}}|{{.Name}}|{{.Driver}}'
	is "$output" "$id\|mysec\|file" "ls template"

	run_pm_split 0 secret inspect mysec
	jq -e 'length == 1' <"$PM_STDOUT" >/dev/null || die "inspect: one element"
	same "$(jq -r '.[0].ID' <"$PM_STDOUT")" "$id" "ID"
	same "$(jq -r '.[0].Spec.Name' <"$PM_STDOUT")" "mysec" "Spec.Name"
	same "$(jq -r '.[0].Spec.Driver.Name' <"$PM_STDOUT")" "file" "Spec.Driver.Name"
	same "$(jq -r '.[0].Spec.Labels | length' <"$PM_STDOUT")" "0" "no labels"
	same "$(jq -r '.[0] | keys | join(",")' <"$PM_STDOUT")" "CreatedAt,ID,Spec,UpdatedAt" "keys"
	is "$(jq -r '.[0].CreatedAt' <"$PM_STDOUT")" "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)" \
		"CreatedAt RFC 3339"
	assert_not_contains "$output" "$VALUE" "inspect never shows the value"

	# by id and by an id prefix too
	run_pm 0 secret inspect --format '{{.Spec.Name}}' "$id"
	is "$output" "mysec" "inspect by id"
	run_pm 0 secret inspect --format '{{.Spec.Name}}' "${id:0:8}"
	is "$output" "mysec" "inspect by id prefix"
}

@test "secret create: labels, driver options, stdin, --env; inspect templates" {
	printf '%s' "$VALUE" | run_pm 0 secret create --driver file --driver-opts a=b -l x=y -l z s1 -
	run_pm 0 secret inspect --format '{{.Spec.Driver.Name}} {{.Spec.Labels}}' s1
	is "$output" "file map\[x:y z:\]" "labels"
	run_pm 0 secret inspect --format '{{index .Spec.Driver.Options "a"}}' s1
	is "$output" "b" "driver option"

	MYSECRET=$VALUE run_pm 0 secret create --env s2 MYSECRET
	run_pm_split 0 secret ls --format '{{.Name}}' --filter name=s
	is "$(sort <<<"$output")" "s1
s2" "both listed"
	run_pm 125 secret create --env s3 PM_TEST_NO_SUCH_VAR
	is "$output" "Error: cannot create store secret data: environment variable PM_TEST_NO_SUCH_VAR is not set" \
		"--env of an unset variable"

	# the value from stdin and from --env reaches a container
	pm_load_test_image >/dev/null
	run_pm 0 run --rm --secret s1 --secret s2,target=other "$(pm_test_image name)" \
		cat /run/secrets/s1 /run/secrets/other
	is "$output" "$VALUE$VALUE" "values from stdin and --env"
}

@test "secret ls --filter name= and id=, and a bad filter" {
	printf x >"$BATS_TEST_TMPDIR/s"
	run_pm_split 0 secret create alpha "$BATS_TEST_TMPDIR/s"
	local ida=$output
	run_pm 0 secret create beta "$BATS_TEST_TMPDIR/s"
	run_pm 0 secret ls --format '{{.Name}}' --filter name=alp
	is "$output" "alpha" "name filter"
	run_pm 0 secret ls --format '{{.Name}}' --filter "id=${ida:0:6}"
	is "$output" "alpha" "id prefix filter"
	run_pm 0 secret ls -q --filter name=nomatch
	is "$output" "" "no match"
	run_pm 125 secret ls --filter bogus=1
	is "$output" 'Error: invalid filter "bogus"' "bad filter"
	run_pm 125 secret ls extra
	is "$output" "Error: \`.* secret ls\` takes no arguments" "no arguments"
}

@test "secret ls --format json prints the inspect array" {
	skip_if_podman "podman 4.3 prints the word json"
	skip_if_missing jq
	printf x >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create j1 "$BATS_TEST_TMPDIR/s"
	run_pm_split 0 secret ls --format json
	same "$(jq -r '.[0].Spec.Name' <"$PM_STDOUT")" "j1" "Spec.Name"
}

@test "secret create: bad name, duplicate, missing file, size limit, bad driver: 125, nothing left" {
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm_split 0 secret create dup "$BATS_TEST_TMPDIR/s"
	local id=$output
	run_pm 125 secret create dup "$BATS_TEST_TMPDIR/s"
	is "$output" "Error: dup: secret name in use" "duplicate"
	run_pm 0 secret ls -q
	is "$output" "$id" "still the first secret only"

	run_pm 125 secret create bad- "$BATS_TEST_TMPDIR/s"
	same "$output" "Error: only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]: bad-: invalid secret name" "bad name"
	local long
	long=$(printf 'a%.0s' $(seq 65))
	run_pm 125 secret create "$long" "$BATS_TEST_TMPDIR/s"
	assert_contains "$output" ": $long: invalid secret name" "65 characters"

	run_pm 125 secret create nofile "$BATS_TEST_TMPDIR/nosuch"
	is "$output" "Error: open $BATS_TEST_TMPDIR/nosuch: no such file or directory" "missing file"

	head -c 512000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	run_pm 125 secret create big "$BATS_TEST_TMPDIR/big"
	is "$output" "Error: secret data must be larger than 0 and less than 512000 bytes" "too big"
	head -c 511999 /dev/zero >"$BATS_TEST_TMPDIR/big"
	run_pm 0 secret create big "$BATS_TEST_TMPDIR/big"
	run_pm 0 secret rm big
	: >"$BATS_TEST_TMPDIR/empty"
	run_pm 125 secret create empty "$BATS_TEST_TMPDIR/empty"
	is "$output" "Error: secret data must be larger than 0 and less than 512000 bytes" "empty"

	run_pm 125 secret create --driver nosuch d "$BATS_TEST_TMPDIR/s"
	is "$output" "Error: invalid driver" "bad driver"
	run_pm 125 secret create onlyname
	is "$output" "Error: accepts 2 arg\(s\), received 1" "one argument"

	run_pm 0 secret ls -q
	is "$output" "$id" "no failed create left a secret"
	run_pm 0 secret rm dup
	no_secrets
}

@test "secret create: a failed create leaves no file in pm's storage" {
	skip_if_podman "pm's storage layout"
	printf x >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create keep "$BATS_TEST_TMPDIR/s"
	run_pm 125 secret create keep "$BATS_TEST_TMPDIR/s"
	run_pm 125 secret create bad- "$BATS_TEST_TMPDIR/s"
	head -c 600000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	run_pm 125 secret create big "$BATS_TEST_TMPDIR/big"
	local root=$XDG_DATA_HOME/pm/storage/db
	is "$(find "$root/secrets" -mindepth 1 -maxdepth 1 | wc -l)" 1 "one record dir"
	is "$(find "$root/secret-names" -mindepth 1 -maxdepth 1 ! -name .lock | wc -l)" 1 "one name"
	is "$(stat -c %a "$root/secrets"/*/data)" 600 "the value file is 0600"
	if grep -rl keep "$root/secrets"/*/data >/dev/null; then die "name in the data file"; fi
	run_pm 0 secret rm keep
	is "$(find "$root/secrets" "$root/secret-names" -mindepth 1 ! -name .lock | wc -l)" 0 \
		"rm leaves nothing"
}

@test "secret inspect and rm: missing secrets, several names, --all" {
	printf x >"$BATS_TEST_TMPDIR/s"
	run_pm_split 0 secret create a1 "$BATS_TEST_TMPDIR/s"
	local id1=$output
	run_pm_split 0 secret create a2 "$BATS_TEST_TMPDIR/s"
	local id2=$output

	run_pm 125 secret inspect nosuch
	is "$output" '\[\]
Error: inspecting secret: no secret with name or id "nosuch": no such secret' "inspect missing"
	run_pm_split 125 secret inspect --format '{{.Spec.Name}}' a1 nosuch a2
	is "$output" "a1
a2" "the found ones are printed"
	is "$stderr" 'Error: inspecting secret: no secret with name or id "nosuch": no such secret' \
		"then the error"
	run_pm 125 secret inspect
	is "$output" "Error: requires at least 1 arg\(s\), only received 0" "no argument"

	run_pm 125 secret rm nosuch
	is "$output" 'Error: no secret with name or id "nosuch": no such secret' "rm missing"
	run_pm 125 secret rm
	is "$output" "Error: \`.* secret rm\` requires one argument, or the --all flag" "rm nothing"
	run_pm 125 secret rm -a a1
	is "$output" "Error: \`.* secret rm\` requires one argument, or the --all flag" "rm -a NAME"

	run_pm 0 secret rm a1
	is "$output" "$id1" "rm prints the id"
	run_pm_split 0 secret create a3 "$BATS_TEST_TMPDIR/s"
	local id3=$output
	run_pm 0 secret rm --all
	assert_contains "$output" "$id2" "rm --all: a2"
	assert_contains "$output" "$id3" "rm --all: a3"
	no_secrets
	# a removed name can be used again
	run_pm 0 secret create a1 "$BATS_TEST_TMPDIR/s"
	run_pm 0 secret rm -a
}

@test "run --secret: mounted at /run/secrets/NAME, a target, uid/gid/mode; env secrets" {
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	pm_load_test_image >/dev/null
	local img
	img=$(pm_test_image name)

	run_pm 0 run --rm --secret mysec "$img" sh -c 'cat /run/secrets/mysec; echo; stat -c "%a %u %g" /run/secrets/mysec'
	is "$output" "$VALUE
444 0 0" "default: /run/secrets/NAME, 0444, root"
	if ! is_podman; then # podman 4.3 mounts it read-write
		# read-only: the write fails inside
		run_pm 1 run --rm --secret mysec "$img" sh -c 'echo x >/run/secrets/mysec 2>/dev/null || exit 1'
	fi
	run_pm 0 run --rm --secret mysec,target=sub/t "$img" cat /run/secrets/sub/t
	is "$output" "$VALUE" "relative target under /run/secrets"
	run_pm 0 run --rm --secret mysec,target=/etc/abs,uid=5,gid=6,mode=0400 "$img" \
		sh -c 'cat /etc/abs; echo; stat -c "%a %u %g" /etc/abs'
	is "$output" "$VALUE
400 5 6" "absolute target with uid, gid, mode"

	if ! is_podman; then # podman 4.3 fails: runc cannot make the mount point read-only
		run_pm 0 run --rm --read-only --secret mysec "$img" cat /run/secrets/mysec
		is "$output" "$VALUE" "--read-only: /run is a tmpfs, the secret on it"
	fi

	run_pm 0 run --rm --secret mysec,type=env "$img" sh -c 'echo "$mysec"'
	is "$output" "$VALUE" "env secret named as the secret"
	run_pm 0 run --rm --secret mysec,type=env,target=FOO "$img" sh -c 'echo "$FOO"'
	is "$output" "$VALUE" "env secret named by target"
	run_pm 0 run --rm --secret source=mysec,type=env,target=BAR "$img" sh -c 'echo "$BAR"'
	is "$output" "$VALUE" "source= form"
}

@test "create --secret: the value is not in inspect; Config.Secrets lists the mount secret" {
	skip_if_missing jq
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm_split 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	local sid=$output
	pm_load_test_image >/dev/null
	run_pm 0 create --name c1 --secret mysec --secret mysec,type=env,target=FOO \
		"$(pm_test_image name)" sh -c 'cat /run/secrets/mysec; echo " $FOO"'
	run_pm_split 0 inspect c1
	assert_not_contains "$output" "$VALUE" "inspect never shows the value"
	same "$(jq -r '.[0].Config.Secrets[0].Name' <"$PM_STDOUT")" "mysec" "Config.Secrets Name"
	same "$(jq -r '.[0].Config.Secrets[0].ID' <"$PM_STDOUT")" "$sid" "Config.Secrets ID"
	same "$(jq -r '.[0].Config.Secrets[0].Mode' <"$PM_STDOUT")" "292" "Config.Secrets Mode"
	run_pm 0 start -a c1
	is "$output" "$VALUE $VALUE" "both secrets at start"
	run_pm 0 rm c1
}

@test "create --secret: the value is only in 0600 files, never in a record" {
	skip_if_podman "pm's storage layout"
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	pm_load_test_image >/dev/null
	run_pm 0 create --name c1 --secret mysec --secret mysec,type=env "$(pm_test_image name)" true
	local f
	while read -r f; do
		case "$f" in
		*/db/secrets/*/data | */db/containers/*/secrets/1) ;;
		*/db/containers/*/secrets/0) is "$(stat -c %a "$f")" 444 "mount copy: its mode" ;;
		*) die "the value is in $f" ;;
		esac
	done < <(grep -rlF "$VALUE" "$XDG_DATA_HOME" || true)
	is "$(grep -rlF "$VALUE" "$XDG_DATA_HOME/pm/storage/db/containers" | wc -l)" 2 "two copies"
	run_pm 0 rm c1
}

@test "secret rm after create: the container keeps its copy" {
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	pm_load_test_image >/dev/null
	run_pm 0 create --name c1 --secret mysec "$(pm_test_image name)" cat /run/secrets/mysec
	run_pm 0 secret rm mysec
	run_pm 0 start -a c1
	is "$output" "$VALUE" "the copy made at create"
	run_pm 0 rm c1
}

@test "secret rm after create: env secrets too" {
	skip_if_podman "podman 4.3 looks env secrets up at start"
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	pm_load_test_image >/dev/null
	run_pm 0 create --name c1 --secret mysec,type=env "$(pm_test_image name)" sh -c 'echo "$mysec"'
	run_pm 0 secret rm mysec
	run_pm 0 start -a c1
	is "$output" "$VALUE" "the copy made at create"
	run_pm 0 rm c1
}

@test "run/create --secret: unknown secret and bad options: 125, no container" {
	printf x >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	pm_load_test_image >/dev/null
	local img
	img=$(pm_test_image name)
	run_pm 125 run --rm --secret nosuch "$img" true
	is "$output" 'Error: no secret with name or id "nosuch": no such secret' "unknown secret"
	run_pm 125 create --name c1 --secret mysec --secret nosuch "$img" true
	is "$output" 'Error: no secret with name or id "nosuch": no such secret' "create: unknown"
	run_pm 125 run --rm --secret mysec,type=bogus "$img" true
	is "$output" "Error: type bogus is invalid: parsing secret" "bad type"
	run_pm 125 run --rm --secret mysec,foo=bar "$img" true
	is "$output" "Error: option foo=bar invalid: parsing secret" "bad option"
	run_pm 125 run --rm --secret mysec,type "$img" true
	is "$output" "Error: option type must be in form option=value: parsing secret" "no value"
	run_pm 125 run --rm --secret mysec,mode=abc "$img" true
	is "$output" "Error: mode abc invalid: parsing secret" "bad mode"
	run_pm 125 run --rm --secret mysec,uid=x "$img" true
	is "$output" "Error: UID x invalid: parsing secret" "bad uid"
	run_pm 125 create --secret mysec,type=env,uid=3 "$img" true
	is "$output" "Error: UID, GID, Mode options cannot be set with secret type env: parsing secret" \
		"uid on env"
	run_pm 0 ps -a -q
	is "$output" "" "no container was made"
	run_pm 0 secret ls --format '{{.Name}}'
	is "$output" "mysec" "the secret is untouched"
	run_pm 0 secret rm mysec
	assert_storage_clean
}

@test "exec sees the env secrets of the container" {
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm 0 secret create mysec "$BATS_TEST_TMPDIR/s"
	pm_load_test_image >/dev/null
	run_pm 0 run -d --name c1 --secret mysec,type=env,target=FOO "$(pm_test_image name)" sleep 100
	run_pm 0 exec c1 sh -c 'echo "$FOO"'
	is "$output" "$VALUE" "exec's environment"
	if ! is_podman; then # podman 4.3 keeps the secret's value over exec -e
		run_pm 0 exec -e FOO=mine c1 sh -c 'echo "$FOO"'
		is "$output" "mine" "exec -e overrides it"
	fi
	run_pm 0 rm -f -t 0 c1
}

@test "the value is not in pm's debug log" {
	skip_if_podman "pm's log"
	printf '%s' "$VALUE" >"$BATS_TEST_TMPDIR/s"
	run_pm 0 --log-level debug secret create mysec "$BATS_TEST_TMPDIR/s"
	assert_not_contains "$output" "$VALUE" "secret create's log"
	pm_load_test_image >/dev/null
	run_pm 0 --log-level debug run --rm --secret mysec --secret mysec,type=env,target=FOO \
		"$(pm_test_image name)" true
	assert_not_contains "$output" "$VALUE" "run's log"
	run_pm 0 --log-level debug secret inspect mysec
	assert_not_contains "$output" "$VALUE" "inspect's log"
}
