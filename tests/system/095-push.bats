#!/usr/bin/env bats
# 095-push: pm push to Debian's docker-registry on loopback (tests/system/registry.bash):
# podman 4.3's progress lines, the manifest the registry then serves (--format v2s2 and oci,
# an OCI image's own format by default, --compression-format zstd), --digestfile, blobs the
# registry has not sent again, htpasswd auth with --creds, HTTPS with --cert-dir, a
# push -> rmi -> pull -> run round trip, and the bad inputs (unknown image, bad flag
# values, unreachable registry, wrong credentials, unknown CA): each 125 with one line,
# the digest file not written.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers
load registry

setup() {
	basic_setup
	_pm_has_command push || skip "$PM has no push command"
}

teardown() {
	registry_stop
	basic_teardown
}

# load_busybox [KIND]: the busybox test image as localhost/busybox:latest; sets DIFFID (its
# one layer's diff id) and IMAGE_ID
load_busybox() {
	run_pm 0 load -q -i "$(pm_test_image "${1:-docker}")"
	run_pm 0 image inspect --format '{{index .RootFS.Layers 0}}' localhost/busybox
	DIFFID=$output
	run_pm 0 image inspect --format '{{.Id}}' localhost/busybox
	IMAGE_ID=$output
}

# manifest REPO:TAG: the manifest the registry serves, in $manifest, its digest in $mdigest
manifest() {
	local repo=${1%%:*} tag=${1#*:} hdr=$BATS_TEST_TMPDIR/manifest.hdr
	local -a curl_args=(-sf -D "$hdr" -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json')
	[ -n "${REG_USER:-}" ] && curl_args+=(-u "$REG_USER:$REG_PASS")
	[ -n "${REG_TLS:-}" ] && curl_args+=(--cacert "$REG_CERTS/ca.crt")
	manifest=$(curl "${curl_args[@]}" "$REG_URL/v2/$repo/manifests/$tag") ||
		die "the registry has no manifest for $1"
	mdigest=$(sed -n 's/^Docker-Content-Digest: *\([^[:space:]]*\).*/\1/Ip' "$hdr")
}

# jq_m FILTER: FILTER applied to $manifest
jq_m() {
	python3 -c 'import json, sys
m = json.loads(sys.argv[1])
print(eval(sys.argv[2], {"m": m}))' "$manifest" "$1"
}

# uploads: how many blob uploads the registry completed so far (a cross-repository mount is
# a POST alone)
uploads() {
	grep -c '"PUT /v2/[^ ]*/blobs/uploads/' "$REG_LOG" || true
}

# uploads_of DIGEST: how many of them were of that blob
uploads_of() {
	grep -cE "\"PUT /v2/[^ ]*/blobs/uploads/[^ ]*digest=sha256(:|%3A)${1#sha256:}" "$REG_LOG" ||
		true
}

@test "push: podman's lines, a v2s2 manifest, --digestfile" {
	registry_start
	load_busybox
	run_pm_split 0 push --tls-verify=false --format v2s2 --digestfile "$BATS_TEST_TMPDIR/digest" \
		localhost/busybox "$REG/bb:1"
	is "$output" "" "nothing on stdout"
	is "$stderr" "Getting image source signatures
Copying blob $DIFFID
Copying config sha256:$IMAGE_ID
Writing manifest to image destination
Storing signatures" "progress lines"

	manifest bb:1
	same "$(jq_m 'm["mediaType"]')" "application/vnd.docker.distribution.manifest.v2+json"
	same "$(jq_m 'm["config"]["mediaType"]')" "application/vnd.docker.container.image.v1+json"
	is "$(jq_m 'm["config"]["digest"]')" "sha256:$IMAGE_ID"
	is "$(jq_m 'len(m["layers"])')" 1
	same "$(jq_m 'm["layers"][0]["mediaType"]')" "application/vnd.docker.image.rootfs.diff.tar.gzip"
	# the layer the registry has is gzip and unpacks to the layer pushed
	local layer=$BATS_TEST_TMPDIR/layer.gz
	curl -sf -o "$layer" "$REG_URL/v2/bb/blobs/$(jq_m 'm["layers"][0]["digest"]')"
	is "sha256:$(gzip -dc "$layer" | sha256sum | cut -d' ' -f1)" "$DIFFID" "uncompressed layer"
	is "$(stat -c %s "$layer")" "$(jq_m 'm["layers"][0]["size"]')" "layer size"

	# --digestfile: the manifest's digest, no newline
	is "$(cat "$BATS_TEST_TMPDIR/digest")" "$mdigest" "digest file"
	is "$(stat -c %s "$BATS_TEST_TMPDIR/digest")" 71 "digest file size (no newline)"

	# docker:// is the same destination; -q prints nothing
	run_pm_split 0 push -q --tls-verify=false --format v2s2 localhost/busybox "docker://$REG/bb:2"
	is "$output$stderr" "" "-q prints nothing"
	manifest bb:2
	is "$mdigest" "$(cat "$BATS_TEST_TMPDIR/digest")" "the same image, the same manifest"
}

@test "push IMAGE alone: pushed to the image's own name" {
	registry_start
	load_busybox
	run_pm 0 tag localhost/busybox "$REG/own:1"
	run_pm 0 push -q --tls-verify=false "$REG/own:1"
	manifest own:1
	is "$(jq_m 'm["config"]["digest"]')" "sha256:$IMAGE_ID"
}

@test "push: registries.conf insecure = true allows plain HTTP; a location is not a rewrite" {
	registry_start
	load_busybox
	run_pm_split 125 push -q localhost/busybox "$REG/alias:1"
	assert_contains "$stderr" "HTTP response to HTTPS client"
	cat >"$BATS_TEST_TMPDIR/registries.conf" <<EOF
[[registry]]
prefix = "$REG/alias"
location = "$REG/real"
insecure = true
EOF
	CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf \
		run_pm 0 push -q localhost/busybox "$REG/alias:1"
	manifest alias:1
	! registry_has real:1 || die "the push went to the location"
}

@test "push: blobs the registry has are not sent again" {
	registry_start
	load_busybox
	run_pm 0 push -q --tls-verify=false localhost/busybox "$REG/bb:1"
	local before
	before=$(uploads)
	[ "$before" -ge 2 ] || die "expected uploads of the layer and the config, saw $before"
	run_pm 0 push -q --tls-verify=false localhost/busybox "$REG/bb:again"
	is "$(uploads)" "$before" "no blob uploaded by the second push"
	manifest bb:again

	# another repository of the registry: the layer is mounted from the first, not uploaded
	local layer_digest
	layer_digest=$(jq_m 'm["layers"][0]["digest"]')
	is "$(uploads_of "$layer_digest")" 1 "the layer uploaded once"
	run_pm 0 push -q --tls-verify=false localhost/busybox "$REG/other/bb:1"
	is "$(uploads_of "$layer_digest")" 1 "the layer not uploaded to another repository"
	manifest other/bb:1
	curl -sf -o /dev/null "$REG_URL/v2/other/bb/blobs/$(jq_m 'm["layers"][0]["digest"]')" ||
		die "the registry does not serve the layer in other/bb"
	manifest bb:again

	# what the registry had is gone: the layer is uploaded again (a cache is only a hint)
	local layer
	layer=$(jq_m 'm["layers"][0]["digest"]')
	curl -sf -X DELETE "$REG_URL/v2/bb/blobs/$layer" || die "could not delete $layer"
	curl -sf -X DELETE "$REG_URL/v2/other/bb/blobs/$layer" || die "could not delete $layer"
	run_pm 0 push -q --tls-verify=false localhost/busybox "$REG/bb:third"
	is "$(uploads_of "$layer")" 2 "the layer uploaded again"
	manifest bb:third
	curl -sf -o /dev/null "$REG_URL/v2/bb/blobs/$(jq_m 'm["layers"][0]["digest"]')" ||
		die "the registry does not serve the layer"
}

@test "push --format oci: OCI media types" {
	registry_start
	load_busybox
	run_pm 0 push --tls-verify=false --format oci localhost/busybox "$REG/bb:oci"
	manifest bb:oci
	same "$(jq_m 'm["mediaType"]')" "application/vnd.oci.image.manifest.v1+json"
	same "$(jq_m 'm["config"]["mediaType"]')" "application/vnd.oci.image.config.v1+json"
	same "$(jq_m 'm["layers"][0]["mediaType"]')" "application/vnd.oci.image.layer.v1.tar+gzip"

	# an OCI image keeps OCI by default; --format v2s2 converts it
	run_pm 0 rmi localhost/busybox
	load_busybox oci
	run_pm 0 push --tls-verify=false localhost/busybox "$REG/bbo:1"
	manifest bbo:1
	same "$(jq_m 'm["mediaType"]')" "application/vnd.oci.image.manifest.v1+json"
	run_pm 0 push --tls-verify=false --format v2s2 localhost/busybox "$REG/bbo:2"
	manifest bbo:2
	same "$(jq_m 'm["mediaType"]')" "application/vnd.docker.distribution.manifest.v2+json"
	same "$(jq_m 'm["layers"][0]["mediaType"]')" "application/vnd.docker.image.rootfs.diff.tar.gzip"
}

@test "push --compression-format zstd: a zstd layer in an OCI manifest" {
	registry_start
	load_busybox
	run_pm 0 push --tls-verify=false --compression-format zstd localhost/busybox "$REG/bbz:1"
	manifest bbz:1
	same "$(jq_m 'm["mediaType"]')" "application/vnd.oci.image.manifest.v1+json"
	same "$(jq_m 'm["layers"][0]["mediaType"]')" "application/vnd.oci.image.layer.v1.tar+zstd"
	local layer=$BATS_TEST_TMPDIR/layer.zst
	curl -sf -o "$layer" "$REG_URL/v2/bbz/blobs/$(jq_m 'm["layers"][0]["digest"]')"
	is "$(od -An -tx1 -N4 "$layer" | tr -d ' ')" "28b52ffd" "zstd magic"
	is "$(stat -c %s "$layer")" "$(jq_m 'm["layers"][0]["size"]')" "layer size"
}

@test "push --format v2s2 --compression-format zstd: refused, no manifest written" {
	registry_start
	load_busybox
	run_pm_split 125 push --tls-verify=false --format v2s2 --compression-format zstd \
		--digestfile "$BATS_TEST_TMPDIR/digest" localhost/busybox "$REG/bbz:v2"
	assert_contains "$stderr" "zstd compression is not supported"
	[ ! -e "$BATS_TEST_TMPDIR/digest" ] || die "the digest file was written"
	! registry_has bbz:v2 || die "a manifest was written"
}

@test "push: htpasswd auth with --creds; without or with wrong ones: unauthorized" {
	registry_start --htpasswd pmuser:pmpass
	load_busybox
	run_pm_split 125 push --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/digest" \
		localhost/busybox "$REG/auth:1"
	assert_contains "$stderr" "unauthorized"
	is "$(grep -c '^Error: ' <<<"$stderr")" 1 "one error line"
	[ ! -e "$BATS_TEST_TMPDIR/digest" ] || die "the digest file was written"
	run_pm_split 125 push --tls-verify=false --creds pmuser:wrong localhost/busybox "$REG/auth:1"
	assert_contains "$stderr" "unauthorized"
	run_pm 0 push -q --tls-verify=false --creds pmuser:pmpass localhost/busybox "$REG/auth:1"
	manifest auth:1
	is "$(jq_m 'm["config"]["digest"]')" "sha256:$IMAGE_ID"
}

@test "push: bearer tokens with push scope; anonymous (pull only) is unauthorized" {
	registry_start --token pmuser:pmpass
	load_busybox
	run_pm_split 125 push --tls-verify=false localhost/busybox "$REG/tok:1"
	assert_contains "$stderr" "unauthorized"
	is "$(grep -c '^Error: ' <<<"$stderr")" 1 "one error line"
	run_pm 0 push -q --tls-verify=false --creds pmuser:pmpass localhost/busybox "$REG/tok:1"
	grep -q 'user=pmuser scope=repository:tok:.*push.* granted=.*push' "$REG_TOKEN_LOG" ||
		die "no push token was asked for: $(cat "$REG_TOKEN_LOG")"
	registry_has tok:1 || die "the registry has no tok:1"
}

@test "push: HTTPS with the CA in --cert-dir; an unknown CA is refused" {
	registry_start --tls
	load_busybox
	run_pm_split 125 push localhost/busybox "$REG/tls:1"
	assert_contains "$stderr" "certificate"
	is "$(grep -c '^Error: ' <<<"$stderr")" 1 "one error line"
	! registry_has tls:1 || die "a manifest was written"
	run_pm 0 push -q --cert-dir "$REG_CERTS" localhost/busybox "$REG/tls:1"
	manifest tls:1
	is "$(jq_m 'm["config"]["digest"]')" "sha256:$IMAGE_ID"
}

@test "push -> rmi -> pull -> run round trip" {
	_pm_has_command pull || skip "$PM has no pull command"
	registry_start
	load_busybox
	run_pm 0 push -q --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/digest" \
		localhost/busybox "$REG/round:trip"
	run_pm 0 rmi localhost/busybox
	run_pm 0 pull -q --tls-verify=false "$REG/round:trip"
	is "$output" "$IMAGE_ID" "the pulled image is the pushed one"
	run_pm 0 image inspect --format '{{.Digest}}' "$REG/round:trip"
	is "$output" "$(cat "$BATS_TEST_TMPDIR/digest")" "digest"
	run_pm 0 run --rm "$REG/round:trip" cat /etc/motd
	run_pm 0 rmi "$REG/round:trip"
}

@test "push: bad input exits 125 with one line naming it" {
	run_pm_split 125 push --tls-verify=false nosuch 127.0.0.1:1/x
	is "$stderr" "Error: nosuch: image not known"
	load_busybox
	run_pm_split 125 push --tls-verify=false --format foo localhost/busybox 127.0.0.1:1/x
	is "$stderr" "Error: unknown format \"foo\".*" "bad --format"
	run_pm_split 125 push --tls-verify=false --compression-format foo localhost/busybox 127.0.0.1:1/x
	is "$stderr" "Error: cannot find compressor for \"foo\"" "bad --compression-format"
	run_pm_split 125 push --tls-verify=notabool localhost/busybox 127.0.0.1:1/x
	assert_contains "$stderr" "notabool"
	run_pm_split 125 push
	is "$stderr" "Error: accepts between 1 and 2 arg\\(s\\), received 0"
	run_pm_split 125 push a b c
	is "$stderr" "Error: accepts between 1 and 2 arg\\(s\\), received 3"
}

@test "push: unreachable registry names it; nothing written" {
	load_busybox
	local port
	port=$(free_port)
	run_pm_split 125 push --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/digest" \
		localhost/busybox "127.0.0.1:$port/x:1"
	err=$(grep '^Error: ' <<<"$stderr")
	assert_contains "$err" "127.0.0.1:$port"
	assert_contains "$err" "connection refused"
	[ ! -e "$BATS_TEST_TMPDIR/digest" ] || die "the digest file was written"
	# nothing half-written in the store
	run_pm 0 images -q --no-trunc
	is "$output" "(sha256:)?$IMAGE_ID" "the store still has just the image"
}
