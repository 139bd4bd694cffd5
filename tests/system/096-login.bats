#!/usr/bin/env bats
# 096-login: pm login / pm logout against registries the test starts on loopback
# (tests/system/registry.bash): htpasswd (Basic) over http and https, bearer tokens. The
# round trip and the auth file's content, --get-login, --authfile and REGISTRY_AUTH_FILE,
# --password-stdin, stored credentials reused, and the failures (wrong password, an
# unreachable registry, an https registry whose CA is unknown, http without
# --tls-verify=false, the prompts on a non-terminal), each one "Error:" line and exit 125.
# The messages are podman 4.3's.

# shellcheck disable=SC2154 # $stderr and $output are set by run_pm_split (helpers.bash)

load helpers
load registry

setup() {
	basic_setup
	AUTH=$XDG_RUNTIME_DIR/containers/auth.json
	unset REGISTRY_AUTH_FILE
}

teardown() {
	registry_stop
	basic_teardown
}

# fails_with_one_line CMD ARGS...: exit 125 and exactly one "Error:" line on stderr, in $err
fails_with_one_line() {
	run_pm_split 125 "$@"
	local n
	n=$(grep -c '^Error: ' <<<"$stderr" || true)
	[ "$n" -eq 1 ] || die "expected one 'Error:' line on stderr, got $n: $stderr"
	err=$(grep '^Error: ' <<<"$stderr")
}

# auth_of FILE KEY: the "auth" value of KEY in FILE, decoded
auth_of() {
	jq -r --arg k "$2" '.auths[$k].auth // empty' "$1" | base64 -d
}

@test "login, --get-login, logout: the round trip and the auth file" {
	registry_start --htpasswd alice:s3cret
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	is "$output" "Login Succeeded!"
	[ -f "$AUTH" ] || die "login did not write $AUTH"
	is "$(stat -c %a "$AUTH")" 600 "mode of the auth file"
	is "$(stat -c %a "$(dirname "$AUTH")")" 700 "mode of its directory"
	is "$(auth_of "$AUTH" "$REG")" "alice:s3cret" "the stored credentials"

	run_pm_split 0 login --get-login "$REG"
	is "$output" alice
	# a repository under the registry is covered by the registry's entry
	run_pm_split 0 login --get-login "$REG/some/repo"
	is "$output" alice

	run_pm_split 0 logout "$REG"
	is "$output" "Removed login credentials for $REG"
	is "$(jq -c .auths "$AUTH")" '\{\}' "auths after logout"

	fails_with_one_line login --get-login "$REG"
	is "$err" "Error: not logged into $REG"
	fails_with_one_line logout "$REG"
	is "$err" "Error: not logged into $REG"
}

@test "login: wrong credentials exit 125 and store nothing" {
	registry_start --htpasswd alice:s3cret
	fails_with_one_line login --tls-verify=false -u alice -p wrong "$REG"
	is "$err" "Error: logging into \"$REG\": invalid username/password"
	[ ! -e "$AUTH" ] || is "$(jq -c .auths "$AUTH")" '\{\}' "auths after a failed login"
	fails_with_one_line login --tls-verify=false -u mallory -p s3cret "$REG"
	is "$err" "Error: logging into \"$REG\": invalid username/password"

	# a good login is not replaced by a failed one
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	fails_with_one_line login --tls-verify=false -u alice -p wrong "$REG"
	is "$(auth_of "$AUTH" "$REG")" "alice:s3cret" "the stored credentials"
}

@test "login: an unreachable registry fails at once, naming host:port and the cause" {
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	local t0=$SECONDS
	fails_with_one_line login --tls-verify=false -u a -p b "127.0.0.1:$port"
	is "$err" "Error: authenticating creds for \"127.0.0.1:$port\": pinging container registry 127.0.0.1:$port: Get \"https?://127.0.0.1:$port/v2/\": dial tcp 127.0.0.1:$port: connect: connection refused"
	[ $((SECONDS - t0)) -lt 10 ] || die "took $((SECONDS - t0))s"
	[ ! -e "$AUTH" ] || die "a failed login wrote $AUTH"
}

@test "login: an http registry needs --tls-verify=false" {
	registry_start --htpasswd alice:s3cret
	fails_with_one_line login -u alice -p s3cret "$REG"
	is "$err" "Error: authenticating creds for \"$REG\": pinging container registry $REG: Get \"https://$REG/v2/\": http: server gave HTTP response to HTTPS client"
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	is "$output" "Login Succeeded!"
}

@test "login: https with --cert-dir, an unknown CA, --tls-verify=false" {
	registry_start --tls --htpasswd alice:s3cret
	fails_with_one_line login -u alice -p s3cret "$REG"
	assert_contains "$err" "Error: authenticating creds for \"$REG\": pinging container registry $REG: Get \"https://$REG/v2/\": "
	assert_contains "$err" "x509: certificate signed by unknown authority"

	run_pm_split 0 login --cert-dir "$REG_CERTS" -u alice -p s3cret "$REG"
	is "$output" "Login Succeeded!"
	run_pm_split 0 logout "$REG"
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	is "$output" "Login Succeeded!"
	fails_with_one_line login --cert-dir "$REG_CERTS" -u alice -p nope "$REG"
	is "$err" "Error: logging into \"$REG\": invalid username/password"
}

@test "login: the CA from the user's certs.d directory" {
	skip_if_podman "podman's rootless certs.d is \$HOME/.config/containers/certs.d, not \$XDG_CONFIG_HOME's"
	registry_start --tls --htpasswd alice:s3cret
	mkdir -p "$XDG_CONFIG_HOME/containers/certs.d/$REG"
	cp "$REG_CERTS/ca.crt" "$XDG_CONFIG_HOME/containers/certs.d/$REG/"
	run_pm_split 0 login -u alice -p s3cret "$REG"
	is "$output" "Login Succeeded!"
}

@test "login: bearer tokens from the registry's token server" {
	registry_start --token alice:s3cret
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	is "$output" "Login Succeeded!"
	is "$(auth_of "$AUTH" "$REG")" "alice:s3cret" "the stored credentials"
	fails_with_one_line login --tls-verify=false -u alice -p wrong "$REG"
	is "$err" "Error: logging into \"$REG\": invalid username/password"
}

@test "login --authfile, REGISTRY_AUTH_FILE" {
	registry_start --htpasswd alice:s3cret
	local f=$BATS_TEST_TMPDIR/dir/my-auth.json
	run_pm_split 0 login --tls-verify=false --authfile "$f" -u alice -p s3cret "$REG"
	is "$(auth_of "$f" "$REG")" "alice:s3cret" "--authfile's content"
	[ ! -e "$AUTH" ] || die "--authfile also wrote $AUTH"
	run_pm_split 0 login --authfile "$f" --get-login "$REG"
	is "$output" alice
	fails_with_one_line login --get-login "$REG"

	local e=$BATS_TEST_TMPDIR/env-auth.json
	REGISTRY_AUTH_FILE=$e run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	is "$(auth_of "$e" "$REG")" "alice:s3cret" "REGISTRY_AUTH_FILE's content"
	[ ! -e "$AUTH" ] || die "REGISTRY_AUTH_FILE login also wrote $AUTH"
	REGISTRY_AUTH_FILE=$e run_pm_split 0 login --get-login "$REG"
	is "$output" alice
	# --authfile wins over the environment
	REGISTRY_AUTH_FILE=$e run_pm_split 0 logout --authfile "$f" "$REG"
	is "$(jq -c .auths "$f")" '\{\}' "--authfile after logout"
	is "$(auth_of "$e" "$REG")" "alice:s3cret" "REGISTRY_AUTH_FILE untouched"
	REGISTRY_AUTH_FILE=$e run_pm_split 0 logout "$REG"
	is "$(jq -c .auths "$e")" '\{\}' "REGISTRY_AUTH_FILE after logout"
}

@test "login keeps the auth file's other entries; logout --all empties auths" {
	registry_start --htpasswd alice:s3cret
	mkdir -p "$(dirname "$AUTH")"
	cat >"$AUTH" <<EOF
{"auths": {"other.example:5000": {"auth": "$(printf 'bob:pw' | base64)"}}}
EOF
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	is "$(auth_of "$AUTH" "$REG")" "alice:s3cret" "the new entry"
	is "$(auth_of "$AUTH" other.example:5000)" "bob:pw" "the other entry"

	run_pm_split 0 logout "$REG"
	is "$(auth_of "$AUTH" other.example:5000)" "bob:pw" "the other entry after logout"
	run_pm_split 0 logout --all
	is "$output" "Removed login credentials for all registries"
	is "$(jq -c .auths "$AUTH")" '\{\}' "auths after logout --all"
}

@test "login and logout keep the auth file's other keys" {
	skip_if_podman "podman rewrites only auths and credHelpers, and runs the helpers on logout"
	registry_start --htpasswd alice:s3cret
	mkdir -p "$(dirname "$AUTH")"
	echo '{"auths": {}, "credHelpers": {"helper.example": "none"}, "x-other": [1]}' >"$AUTH"
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	is "$(jq -c '[.credHelpers, ."x-other"]' "$AUTH")" '\[\{"helper.example":"none"\},\[1\]\]'
	run_pm_split 0 logout --all
	is "$(jq -c '[.auths, .credHelpers, ."x-other"]' "$AUTH")" '\[\{\},\{"helper.example":"none"\},\[1\]\]'
	# a credential helper named for a registry is not run: said, not ignored
	fails_with_one_line login --get-login helper.example
	assert_contains "$err" "credential helper 'none' for helper.example"
}

@test "login to a repository path stores that key" {
	registry_start --htpasswd alice:s3cret
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG/team/app"
	is "$(jq -r '.auths | keys[]' "$AUTH")" "$REG/team/app" "the key"
	run_pm_split 0 login --get-login "$REG/team/app/sub"
	is "$output" alice
	fails_with_one_line login --get-login "$REG"
	is "$err" "Error: not logged into $REG"
	run_pm_split 0 logout "$REG/team/app"
	is "$output" "Removed login credentials for $REG/team/app"
}

@test "login --password-stdin, and stored credentials reused" {
	registry_start --htpasswd alice:s3cret
	run_pm_split 0 login --tls-verify=false -u alice --password-stdin "$REG" <<<"s3cret"
	is "$output" "Login Succeeded!"
	is "$(auth_of "$AUTH" "$REG")" "alice:s3cret" "the stored password has no newline"

	run_pm_split 0 login --tls-verify=false "$REG" </dev/null
	is "$output" "Authenticating with existing credentials for $REG
Existing credentials are valid. Already logged in to $REG"

	# stored credentials the registry refuses: said, then the prompts (the stored user name
	# offered)
	run_pm_split 0 login --tls-verify=false -u alice -p s3cret "$REG"
	printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$REG" "$(printf alice:old | base64)" >"$AUTH"
	fails_with_one_line login --tls-verify=false "$REG" <<<""
	is "$output" "Authenticating with existing credentials for $REG
Existing credentials are invalid, please enter valid username and password
Username \\(alice\\): Password: "
	is "$err" "Error: getting username and password: reading password: inappropriate ioctl for device"

	run_pm_split 0 login --tls-verify=false -v -u alice -p s3cret "$REG"
	is "$output" "Used:  $AUTH
Login Succeeded!"
}

@test "login: flag and prompt errors" {
	fails_with_one_line login -u a -p b
	is "$err" "Error: no registries found in registries.conf, a registry must be provided"
	fails_with_one_line login -u a -p b x.example y.example
	is "$err" "Error: accepts at most 1 arg\\(s\\), received 2"
	fails_with_one_line login -u a -p b --password-stdin x.example </dev/null
	is "$err" "Error: Can't specify both --password-stdin and --password"
	fails_with_one_line login --password-stdin x.example </dev/null
	is "$err" "Error: Must provide --username with --password-stdin"
	# not a terminal: the user name is read from stdin, the password is not
	fails_with_one_line login --tls-verify=false x.example </dev/null
	is "$output" "Username: "
	is "$err" "Error: getting username and password: reading username: EOF"
	fails_with_one_line login --tls-verify=false -u a x.example </dev/null
	is "$output" "Password: "
	is "$err" "Error: getting username and password: reading password: inappropriate ioctl for device"
	fails_with_one_line logout
	is "$err" "Error: no registries found in registries.conf, a registry must be provided"
	fails_with_one_line logout --all x.example
	is "$err" "Error: --all takes no arguments"
	fails_with_one_line login --tls-verify=maybe -u a -p b x.example
	assert_contains "$err" 'invalid argument "maybe" for "--tls-verify" flag'
}
