#!/usr/bin/env bats
# 093-registry-errors: pull's bad inputs, each against a server the test starts on
# loopback (tests/system/registry.bash): an unreachable registry, wrong credentials, an
# unknown repository or tag, a manifest or a blob (config, layer) whose digest does not
# match, a truncated blob, a manifest list for other platforms only, an HTTPS registry
# whose CA is unknown. Each exits 125 with one "Error:" line naming what was wrong and
# stores nothing. The expected text is podman 4.3's where it says what matters; the regexes
# also take pm's one-line wording. Controls first: the fake registry's good image and the
# seeded fixtures pull, so the failures below fail for the reason they name.

# shellcheck disable=SC2154 # $stderr and $output are set by run_pm_split (helpers.bash)

load helpers
load registry

setup() {
	basic_setup
	_pm_has_command pull || skip "$PM has no pull command"
}

teardown() {
	registry_stop
	basic_teardown
}

# pull_fails ARGS...: `pull ARGS` exits 125 with exactly one "Error:" line on stderr, in
# $err; nothing is stored
pull_fails() {
	fails_with_one_line pull "$@"
	nothing_stored
}

# fails_with_one_line CMD ARGS...: exit 125 and exactly one "Error:" line on stderr, in $err
fails_with_one_line() {
	run_pm_split 125 "$@"
	local n
	n=$(grep -c '^Error: ' <<<"$stderr" || true)
	[ "$n" -eq 1 ] || die "expected one 'Error:' line on stderr, got $n: $stderr"
	err=$(grep '^Error: ' <<<"$stderr")
	[ "$(wc -l <<<"$err")" -eq 1 ] || die "the error is not one line: $err"
}

# nothing_stored: no image, no layer, no blob, no temp entry left
nothing_stored() {
	run_pm 0 images -a -q
	is "$output" "" "no image stored"
	assert_storage_clean
}

# the host's architecture as image platforms name it
host_arch() {
	case "$(uname -m)" in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}

@test "controls: the fake registry's good image and every seeded fixture pull" {
	fake_registry_start
	run_pm 0 pull -q --tls-verify=false "$FAKE_REG/good:latest"
	run_pm 0 pull -q --tls-verify=false "$FAKE_REG/good@$FAKE_DIGEST"
	run_pm 0 images -a -q
	is "$output" "[0-9a-f]{12}" "one image"
	run_pm 0 rmi -af

	registry_start
	local k d
	for k in busybox busybox-oci busybox2 index zstd; do
		d=$(registry_seed "$k" "fixtures/$k:v1")
		run_pm 0 pull -q --tls-verify=false "$REG/fixtures/$k:v1"
		run_pm 0 pull -q --tls-verify=false "$REG/fixtures/$k@$d"
		run_pm_split 0 run --rm "$REG/fixtures/$k:v1" sh -c 'echo ran; cat /etc/passwd | head -1'
		is "$output" "ran.root:x:0:0:root:/root:/bin/sh" "a container of fixture $k runs"
	done
	run_pm 0 rmi -af
	assert_storage_clean
}

@test "controls: bearer tokens: anonymous pull; push needs credentials" {
	_pm_has_command push || skip "$PM has no push command"
	registry_start --tls --token bob:pw
	registry_seed busybox-oci tok/busybox:latest >/dev/null
	run_pm 0 pull -q --cert-dir "$REG_CERTS" "$REG/tok/busybox:latest"
	grep -q 'user=anonymous scope=repository:tok/busybox:pull granted=repository:tok/busybox:pull' \
		"$REG_TOKEN_LOG" || die "no anonymous token was asked for: $(cat "$REG_TOKEN_LOG")"
	# anonymous gets no push: refused, nothing there
	fails_with_one_line push --cert-dir "$REG_CERTS" "$REG/tok/busybox:latest" "$REG/tok/copy:latest"
	# podman: Error: writing blob: initiating layer upload to /v2/tok/copy/blobs/uploads/
	# in R: errors:\n denied: requested access to the resource is denied\n unauthorized: ...
	# (the cause on the lines after: pm says it on the one line)
	if is_podman; then
		assert_contains "$stderr" "denied: requested access to the resource is denied"
	else
		is "$err" "Error: .*$REG.*(unauthorized|authentication required|denied).*"
	fi
	! registry_has tok/copy:latest || die "the registry has the image"
	run_pm 0 push -q --cert-dir "$REG_CERTS" --creds bob:pw "$REG/tok/busybox:latest" \
		"$REG/tok/copy:latest"
	registry_has tok/copy:latest || die "the push with credentials did not arrive"
	grep -q 'user=bob scope=repository:tok/copy:pull,push granted=repository:tok/copy:pull,push' \
		"$REG_TOKEN_LOG" || die "no push token for bob: $(cat "$REG_TOKEN_LOG")"
}

@test "pull: unreachable registry names host:port and the cause, quickly" {
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	local t0=$SECONDS
	pull_fails --tls-verify=false "127.0.0.1:$port/busybox:latest"
	[ $((SECONDS - t0)) -le 10 ] || die "took $((SECONDS - t0)) s"
	# podman: Error: initializing source docker://127.0.0.1:P/busybox:latest: pinging
	# container registry 127.0.0.1:P: Get "http://127.0.0.1:P/v2/": dial tcp
	# 127.0.0.1:P: connect: connection refused
	is "$err" "Error: .*127\.0\.0\.1:$port.*([Cc]onnection refused|[Cc]ould ?n.t connect).*"
}

@test "pull: wrong credentials name the registry and 'unauthorized'" {
	registry_start --htpasswd alice:secret
	registry_seed busybox busybox:latest >/dev/null
	pull_fails --tls-verify=false --creds alice:wrong "$REG/busybox:latest"
	# podman: Error: initializing source docker://R/busybox:latest: reading manifest
	# latest in R/busybox: unauthorized: authentication required
	is "$err" "Error: .*$REG.*unauthorized.*"
	# no credentials at all: the same
	pull_fails --tls-verify=false "$REG/busybox:latest"
	is "$err" "Error: .*$REG.*unauthorized.*"
	# the right ones work (the failures above are the credentials')
	run_pm 0 pull -q --tls-verify=false --creds alice:secret "$REG/busybox:latest"
}

@test "pull: bearer token server refuses wrong credentials: 'unauthorized'" {
	REG_TOKEN_ANON=none registry_start --token bob:pw
	registry_seed busybox busybox:latest >/dev/null
	pull_fails --tls-verify=false --creds bob:wrong "$REG/busybox:latest"
	# podman: Error: initializing source docker://R/busybox:latest: unable to retrieve
	# auth token: invalid username/password: unauthorized: wrong credentials
	is "$err" "Error: .*$REG.*unauthorized.*"
	grep -q 'user=bob .*granted=denied (wrong credentials)' "$REG_TOKEN_LOG" ||
		die "the token server was not asked: $(cat "$REG_TOKEN_LOG")"
	run_pm 0 pull -q --tls-verify=false --creds bob:pw "$REG/busybox:latest"
}

@test "pull: unknown repository and unknown tag are named" {
	registry_start
	registry_seed busybox busybox:latest >/dev/null
	pull_fails --tls-verify=false "$REG/nosuchrepo:latest"
	# podman: Error: initializing source docker://R/nosuchrepo:latest: reading manifest
	# latest in R/nosuchrepo: manifest unknown: manifest unknown
	is "$err" "Error: .*$REG/nosuchrepo.*(manifest unknown|name unknown|not found).*"
	pull_fails --tls-verify=false "$REG/busybox:nosuchtag"
	# podman: ... reading manifest nosuchtag in R/busybox: manifest unknown: manifest unknown
	is "$err" "Error: .*nosuchtag.*(manifest unknown|not found).*"
	assert_contains "$err" "$REG/busybox"
	# an unknown digest
	local d=sha256:0000000000000000000000000000000000000000000000000000000000000001
	pull_fails --tls-verify=false "$REG/busybox@$d"
	is "$err" "Error: .*$d.*(manifest unknown|not found).*"
}

@test "pull: a manifest whose bytes do not match the digest asked for" {
	fake_registry_start
	pull_fails --tls-verify=false "$FAKE_REG/badmanifest@$FAKE_DIGEST"
	# podman: Error: determining manifest MIME type for docker://F/badmanifest@D:
	# Manifest does not match provided manifest digest D
	is "$err" "Error: .*([Mm]anifest.*(does not match|mismatch)|(digest|[Dd]igest).*(does not match|mismatch)).*"
	assert_contains "$err" "$FAKE_DIGEST"
}

@test "pull: a layer whose bytes do not match its digest stores nothing" {
	fake_registry_start
	pull_fails --tls-verify=false "$FAKE_REG/badblob:latest"
	# podman: Error: writing blob: storing blob to file "/var/tmp/storage.../1": happened
	# during read: Digest did not match, expected sha256:L, got sha256:X
	is "$err" "Error: .*([Dd]igest.*(did not|does not|doesn.t) match|mismatch).*"
	local layer
	layer=$(grep -o 'GET /v2/badblob/blobs/sha256:[0-9a-f]*' "$FAKE_LOG" | tail -1 | cut -d/ -f5)
	[ -n "$layer" ] || die "the layer was not asked for: $(cat "$FAKE_LOG")"
	assert_contains "$err" "$layer" "the error names the expected digest"
}

@test "pull: a config blob whose bytes do not match its digest stores nothing" {
	fake_registry_start
	pull_fails --tls-verify=false "$FAKE_REG/badconfig:latest"
	# podman: Error: parsing image configuration: Download config.json digest sha256:X
	# does not match expected sha256:C
	is "$err" "Error: .*([Dd]igest.*(did not|does not|doesn.t) match|mismatch).*"
}

@test "pull: a truncated layer stores nothing" {
	fake_registry_start
	pull_fails --tls-verify=false "$FAKE_REG/truncated:latest"
	# podman: Error: writing blob: storing blob to file "...": happened during read:
	# unexpected EOF   (libcurl: "transfer closed with N bytes remaining to read")
	is "$err" "Error: .*([Uu]nexpected EOF|truncated|[Pp]artial|short|[Tt]ransferred a partial|remaining|[Ii]ncomplete).*"
}

@test "pull: a registry answering 401 to everything" {
	fake_registry_start
	pull_fails --tls-verify=false --creds a:b "$FAKE_REG/unauthorized:latest"
	# podman: Error: initializing source docker://F/unauthorized:latest: reading manifest
	# latest in F/unauthorized: unauthorized
	is "$err" "Error: .*$FAKE_REG.*unauthorized.*"
}

@test "pull: a manifest list for other platforms only names the platform" {
	registry_start
	registry_seed other-platform foreign:latest >/dev/null
	pull_fails --tls-verify=false "$REG/foreign:latest"
	# podman: Error: choosing an image from manifest list docker://R/foreign:latest: no
	# image found in manifest list for architecture amd64, variant "", OS linux
	is "$err" "Error: .*$(host_arch).*"
	assert_contains "$err" "foreign"
}

@test "pull: HTTPS with an unknown CA fails; --cert-dir or --tls-verify=false make it work" {
	registry_start --tls
	registry_seed busybox busybox:latest >/dev/null
	pull_fails "$REG/busybox:latest"
	# podman: Error: initializing source docker://R/busybox:latest: pinging container
	# registry R: Get "https://R/v2/": x509: certificate signed by unknown authority
	is "$err" "Error: .*$REG.*(certificate|x509|SSL).*"
	# explicitly verified: the same
	pull_fails --tls-verify=true "$REG/busybox:latest"
	is "$err" "Error: .*$REG.*(certificate|x509|SSL).*"
	# a cert dir without the CA: the same
	mkdir -p "$BATS_TEST_TMPDIR/empty-certs"
	pull_fails --cert-dir "$BATS_TEST_TMPDIR/empty-certs" "$REG/busybox:latest"
	is "$err" "Error: .*$REG.*(certificate|x509|SSL).*"

	run_pm 0 pull -q --cert-dir "$REG_CERTS" "$REG/busybox:latest"
	run_pm 0 rmi -af
	run_pm 0 pull -q --tls-verify=false "$REG/busybox:latest"
}

@test "pull: an HTTP registry without --tls-verify=false is refused" {
	registry_start
	registry_seed busybox busybox:latest >/dev/null
	pull_fails "$REG/busybox:latest"
	# podman: Error: initializing source docker://R/busybox:latest: pinging container
	# registry R: Get "https://R/v2/": http: server gave HTTP response to HTTPS client
	is "$err" "Error: .*$REG.*"
}

@test "push: wrong credentials, an unreachable registry, a registry refusing uploads" {
	_pm_has_command push || skip "$PM has no push command"
	registry_start --htpasswd alice:secret
	pm_load_test_image docker
	local img
	img=$(pm_test_image name)
	fails_with_one_line push --tls-verify=false --creds alice:wrong "$img" "$REG/pushed:latest"
	# podman: Error: trying to reuse blob sha256:L at destination: checking whether a
	# blob sha256:L exists in R/pushed: unauthorized: authentication required
	is "$err" "Error: .*$REG.*(unauthorized|authentication required).*"
	! registry_has pushed:latest || die "the registry has the image"

	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	local t0=$SECONDS
	fails_with_one_line push --tls-verify=false "$img" "127.0.0.1:$port/pushed:latest"
	[ $((SECONDS - t0)) -le 10 ] || die "took $((SECONDS - t0)) s"
	is "$err" "Error: .*127\.0\.0\.1:$port.*([Cc]onnection refused|[Cc]ould ?n.t connect).*"

	fake_registry_start
	fails_with_one_line push --tls-verify=false "$img" "$FAKE_REG/good:pushed"
	# podman (after 3 retries): Error: writing blob: initiating layer upload to
	# /v2/good/blobs/uploads/ in F: unsupported: the fake registry takes no uploads
	is "$err" "Error: .*$FAKE_REG.*"

	# the right credentials work, and the image is still there after the failures
	run_pm 0 push -q --tls-verify=false --creds alice:secret "$img" "$REG/pushed:latest"
	registry_has pushed:latest || die "the registry lacks the pushed image"
}
