#!/usr/bin/env bats
# 149-image-sign: GPG simple signing (registry/sign.c) against Debian's docker-registry on
# loopback (tests/system/registry.bash), with a throwaway key in a per-test GNUPGHOME:
# image sign of a docker:// image writes <dir>/<repo>@sha256=<hex>/signature-1, then -2,
# a gpg-signed payload naming the registry's manifest digest and the reference; --all signs
# each instance of an index; registries.d's lookaside-staging (file://) and the rootless
# default store; push --sign-by signs the pushed digest, with podman's progress line; the
# bad inputs (no identity, no --directory, a bad transport, --all on one image, an unknown
# key) are 125 in podman's words with no signature file left; an unknown key or a sigstore
# key on push is refused before anything is sent (pm only: podman pushes, then fails).

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

IMG=localhost/busybox:latest

load helpers
load registry

setup() {
	basic_setup
	_pm_has_command push || skip "$PM has no push command"
	command -v gpg >/dev/null || skip "gpg is not installed"
	export GNUPGHOME=$BATS_TEST_TMPDIR/gnupg
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --passphrase '' --quick-gen-key 'pm test <signer@example.com>' ed25519 sign \
		never >/dev/null 2>&1 || die "gpg could not make a key"
	SIGS=$BATS_TEST_TMPDIR/sigs
	mkdir "$SIGS"
}

teardown() {
	registry_stop
	# the gpg-agents gpg started for this GNUPGHOME (one outside, one in pm's user namespace)
	gpgconf --kill gpg-agent >/dev/null 2>&1 || true
	local pid
	for pid in $(pgrep -u "$(id -u)" -f -- "gpg-agent.*$GNUPGHOME" || true); do
		kill "$pid" 2>/dev/null || true
	done
	basic_teardown
}

# insecure: a registries.conf that lets the plain-HTTP registry be read (podman's image
# sign has no --tls-verify)
insecure() {
	cat >"$BATS_TEST_TMPDIR/registries.conf" <<EOF
[[registry]]
location = "$REG"
insecure = true
EOF
	export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
}

# digest_of REPO:TAG: the manifest digest the registry serves
digest_of() {
	curl -sf -o /dev/null -D - -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' \
		"$REG_URL/v2/${1%%:*}/manifests/${1#*:}" |
		sed -n 's/^Docker-Content-Digest: *\([^[:space:]]*\).*/\1/Ip'
}

# index_digests REPO TAG: the digests of the instances of the index the registry serves
index_digests() {
	curl -sf -H 'Accept: application/vnd.oci.image.index.v1+json' "$REG_URL/v2/$1/manifests/$2" |
		python3 -c 'import json, sys
for m in json.load(sys.stdin)["manifests"]: print(m["digest"])'
}

# check_sig FILE DIGEST REFERENCE: FILE is a good signature by the test key whose payload
# names DIGEST and REFERENCE
check_sig() {
	[ -f "$1" ] || die "no signature $1"
	gpg --batch --verify "$1" 2>"$BATS_TEST_TMPDIR/verify" ||
		die "gpg --verify failed: $(cat "$BATS_TEST_TMPDIR/verify")"
	local payload
	payload=$(gpg --batch --decrypt "$1" 2>/dev/null)
	python3 - "$payload" "$2" "$3" <<'EOF' || die "payload: $payload"
import json, sys
p = json.loads(sys.argv[1])
c = p["critical"]
assert c["type"] == "atomic container signature", c
assert c["image"]["docker-manifest-digest"] == sys.argv[2], c
assert c["identity"]["docker-reference"] == sys.argv[3], c
assert isinstance(p["optional"]["timestamp"], int), p
assert p["optional"]["creator"], p
EOF
}

@test "image sign: a signature per call (signature-1, -2) naming the registry's digest" {
	registry_start
	registry_seed busybox bb:1 >/dev/null
	insecure
	local d
	d=$(digest_of bb:1)
	[ -n "$d" ] || die "no digest for bb:1"
	run_pm_split 0 image sign --sign-by signer@example.com -d "$SIGS" "docker://$REG/bb:1"
	is "$output$stderr" "" "image sign prints nothing"
	check_sig "$SIGS/bb@sha256=${d#sha256:}/signature-1" "$d" "$REG/bb:1"
	run_pm 0 image sign --sign-by signer@example.com --directory "$SIGS" "docker://$REG/bb:1"
	check_sig "$SIGS/bb@sha256=${d#sha256:}/signature-2" "$d" "$REG/bb:1"
	is "$(find "$SIGS" -type f | wc -l)" 2 "two signature files, nothing else"
	# a missing tag is latest, a nested repository keeps its path
	registry_seed busybox ns/sub/app >/dev/null
	d=$(digest_of ns/sub/app:latest)
	run_pm 0 image sign --sign-by signer@example.com -d "$SIGS" "docker://$REG/ns/sub/app"
	check_sig "$SIGS/ns/sub/app@sha256=${d#sha256:}/signature-1" "$d" "$REG/ns/sub/app:latest"
}

@test "image sign --all: each instance of an index; --all on one image is refused" {
	registry_start
	registry_seed index idx:1 >/dev/null
	registry_seed busybox one:1 >/dev/null
	insecure
	run_pm 0 image sign --all --sign-by signer@example.com -d "$SIGS" "docker://$REG/idx:1"
	local n=0 digest
	for digest in $(index_digests idx 1); do
		check_sig "$SIGS/idx@sha256=${digest#sha256:}/signature-1" "$digest" "$REG/idx:1"
		n=$((n + 1))
	done
	is "$n" 3 "instances in the index"
	is "$(find "$SIGS" -type f | wc -l)" 3 "one signature per instance, none for the index"

	run_pm 125 image sign --all --sign-by signer@example.com -d "$SIGS" "docker://$REG/one:1"
	same "${lines[-1]}" "Error: docker://$REG/one:1 is not a multi-architecture image (manifest type application/vnd.docker.distribution.manifest.v2+json)"
}

@test "image sign: registries.d lookaside-staging (file://), else the rootless default store" {
	registry_start
	registry_seed busybox bb:1 >/dev/null
	insecure
	local d home=$BATS_TEST_TMPDIR/home
	d=$(digest_of bb:1)
	mkdir -p "$home/.config/containers/registries.d"
	cat >"$home/.config/containers/registries.d/test.yaml" <<EOF
docker:
  $REG:
    lookaside: https://lookaside.example.com/sigs
    lookaside-staging: file://$BATS_TEST_TMPDIR/staging
EOF
	HOME=$home run_pm 0 image sign --sign-by signer@example.com "docker://$REG/bb:1"
	check_sig "$BATS_TEST_TMPDIR/staging/bb@sha256=${d#sha256:}/signature-1" "$d" "$REG/bb:1"

	# a store that is not file:// cannot be written
	cat >"$home/.config/containers/registries.d/test.yaml" <<EOF
docker:
  $REG:
    lookaside: https://lookaside.example.com/sigs
EOF
	HOME=$home run_pm 125 image sign --sign-by signer@example.com "docker://$REG/bb:1"
	same "${lines[-1]}" "Error: writing to https://lookaside.example.com/sigs/bb is not supported. Use a supported scheme"

	# no entry: the rootless default, $HOME/.local/share/containers/sigstore
	rm "$home/.config/containers/registries.d/test.yaml"
	HOME=$home run_pm 0 image sign --sign-by signer@example.com "docker://$REG/bb:1"
	check_sig "$home/.local/share/containers/sigstore/bb@sha256=${d#sha256:}/signature-1" \
		"$d" "$REG/bb:1"
}

@test "image sign: bad inputs in podman's words, exit 125, no signature left" {
	registry_start
	registry_seed busybox bb:1 >/dev/null
	insecure
	run_pm 125 image sign "docker://$REG/bb:1"
	same "${lines[-1]}" "Error: please provide an identity"
	run_pm 125 image sign --sign-by signer@example.com -d "$BATS_TEST_TMPDIR/nosuch" \
		"docker://$REG/bb:1"
	same "${lines[-1]}" "Error: stat $BATS_TEST_TMPDIR/nosuch: no such file or directory"
	run_pm 125 image sign --sign-by signer@example.com -d "$SIGS" busybox
	same "${lines[-1]}" "Error: parsing image name: Invalid image name \"busybox\", expected colon-separated transport:reference"
	run_pm 125 image sign --sign-by signer@example.com -d "$SIGS" foo:bar
	same "${lines[-1]}" "Error: parsing image name: Invalid image name \"foo:bar\", unknown transport \"foo\""
	run_pm 125 image sign --sign-by signer@example.com -d "$SIGS" "docker://$REG/nope:1"
	same "${lines[-1]}" "Error: getting image source: reading manifest 1 in $REG/nope: manifest unknown: manifest unknown"

	local d
	d=$(digest_of bb:1)
	run_pm 125 image sign --sign-by nobody@example.com -d "$SIGS" "docker://$REG/bb:1"
	same "${lines[-1]}" "Error: storing signature for $REG/bb:1, $d: key \"nobody@example.com\" not found"
	is "$(find "$SIGS" -type f | wc -l)" 0 "no signature file left"
	if ! is_podman; then
		# pm removes the digest's directory it made (podman leaves it, empty)
		is "$(find "$SIGS" -mindepth 1 | wc -l)" 0 "nothing left in the directory (pm)"
		# another transport names the reason (podman tries to open the image)
		run_pm 125 image sign --sign-by signer@example.com -d "$SIGS" oci:/nonexistent
		same "${lines[-1]}" "Error: getting image source: cannot sign \"oci:/nonexistent\": only docker:// images (in a registry) can be signed"
	fi
}

@test "push --sign-by: the pushed digest signed, podman's progress line" {
	registry_start
	pm_load_test_image
	# push has no --directory: registries.d (under a test HOME) names the store
	local home=$BATS_TEST_TMPDIR/home d
	mkdir -p "$home/.config/containers/registries.d"
	cat >"$home/.config/containers/registries.d/test.yaml" <<EOF
default-docker:
  sigstore-staging: file://$SIGS
EOF
	HOME=$home run_pm_split 0 push --tls-verify=false --sign-by signer@example.com \
		--digestfile "$BATS_TEST_TMPDIR/digest" $IMG "$REG/signed:1"
	is "$stderr" ".*Writing manifest to image destination
Signing manifest using simple signing
Storing signatures" "progress lines"
	d=$(digest_of signed:1)
	same "$(cat "$BATS_TEST_TMPDIR/digest")" "$d" "digest file"
	check_sig "$SIGS/signed@sha256=${d#sha256:}/signature-1" "$d" "$REG/signed:1"
	# pushed again: the signature is replaced, not added (c/image writes the destination's
	# list of signatures whole); image sign adds one
	local dir=$SIGS/signed@sha256=${d#sha256:}
	insecure
	run_pm 0 image sign --sign-by signer@example.com -d "$SIGS" "docker://$REG/signed:1"
	[ -f "$dir/signature-2" ] || die "image sign did not add signature-2"
	HOME=$home run_pm 0 push -q --tls-verify=false --sign-by signer@example.com $IMG \
		"$REG/signed:1"
	check_sig "$dir/signature-1" "$d" "$REG/signed:1"
	is "$(find "$dir" -type f | wc -l)" 1 "one signature after the second push"
}

@test "push --sign-by an unknown key, --sign-by-sigstore-private-key: refused before anything is sent (pm)" {
	skip_if_podman "podman pushes, then fails to sign (the image stays in the registry)"
	registry_start
	pm_load_test_image
	run_pm 125 push -q --tls-verify=false --sign-by nobody@example.com $IMG "$REG/sig/z:1"
	same "${lines[-1]}" "Error: creating signature: key \"nobody@example.com\" not found"
	echo key >"$BATS_TEST_TMPDIR/key"
	run_pm 125 push -q --tls-verify=false --sign-by-sigstore-private-key "$BATS_TEST_TMPDIR/key" \
		$IMG "$REG/sig/z:1"
	same "${lines[-1]}" "Error: --sign-by-sigstore-private-key: pm does not make sigstore signatures: sign with --sign-by (gpg) or with cosign"
	is "$(registry_requests PUT 'sig/z')$(registry_requests POST 'sig/z')" "00" "nothing sent"
}

@test "manifest push --sign-by: each instance pushed and the list signed" {
	registry_start
	pm_load_test_image
	registry_seed index idx:1 >/dev/null
	local home=$BATS_TEST_TMPDIR/home d n=0
	mkdir -p "$home/.config/containers/registries.d"
	cat >"$home/.config/containers/registries.d/test.yaml" <<EOF
default-docker:
  sigstore-staging: file://$SIGS
EOF
	run_pm 0 manifest create mylist
	run_pm 0 manifest add mylist containers-storage:$IMG
	run_pm 0 manifest add --tls-verify=false --all mylist "docker://$REG/idx:1"
	HOME=$home run_pm_split 0 manifest push --tls-verify=false --sign-by signer@example.com \
		--digestfile "$BATS_TEST_TMPDIR/digest" mylist "docker://$REG/slist:1"
	assert_contains "$stderr" "Writing manifest list to image destination
Signing manifest using simple signing
Storing list signatures"
	d=$(cat "$BATS_TEST_TMPDIR/digest")
	check_sig "$SIGS/slist@sha256=${d#sha256:}/signature-1" "$d" "$REG/slist:1"
	for d in $(index_digests slist 1); do
		check_sig "$SIGS/slist@sha256=${d#sha256:}/signature-1" "$d" "$REG/slist:1"
		n=$((n + 1))
	done
	is "$n" 4 "instances in the list"
	is "$(find "$SIGS" -type f | wc -l)" 5 "a signature per instance and one for the list"
	run_pm 0 manifest rm mylist
}

@test "manifest push --sign-by an unknown key: refused before anything is sent (pm)" {
	skip_if_podman "podman pushes, then fails to sign (the images stay in the registry)"
	registry_start
	pm_load_test_image
	run_pm 0 manifest create mylist
	run_pm 0 manifest add mylist containers-storage:$IMG
	run_pm 125 manifest push --tls-verify=false --sign-by nobody@example.com mylist \
		"docker://$REG/sig/l:1"
	same "${lines[-1]}" "Error: creating signature: key \"nobody@example.com\" not found"
	run_pm 125 manifest push --tls-verify=false --sign-passphrase-file "$BATS_TEST_TMPDIR/none" \
		--sign-by signer@example.com mylist "docker://$REG/sig/l:1"
	same "${lines[-1]}" "Error: open $BATS_TEST_TMPDIR/none: no such file or directory"
	is "$(registry_requests PUT 'sig/l')$(registry_requests POST 'sig/l')" "00" "nothing sent"
	run_pm 0 manifest rm mylist
}
