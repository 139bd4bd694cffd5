#!/usr/bin/env bats
# 117-push-more: how pm push sends layers (registry/compress.c, registry/push.c), against
# Debian's docker-registry on loopback (tests/system/registry.bash): a layer of random and
# compressible data unpacks to itself (random runs stored, the rest compressed); a layer
# whose re-encoding the blob-info cache knows goes to a repository that lacks it in one PUT
# with its length and the same digest (pm only); a cache entry of another length, another
# digest or another encoder does not break a push: the layer is sent the usual way (pm
# only).

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

# load_busybox: the busybox test image as localhost/busybox:latest; IMAGE_ID its id
load_busybox() {
	run_pm 0 load -q -i "$(pm_test_image docker)"
	run_pm 0 image inspect --format '{{.Id}}' localhost/busybox
	IMAGE_ID=$output
}

# layer_of REPO:TAG: digest and size of the first layer of the manifest the registry serves
layer_of() {
	curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
		"$REG_URL/v2/${1%%:*}/manifests/${1#*:}" |
		python3 -c 'import json, sys; l = json.load(sys.stdin)["layers"][0]; print(l["digest"], l["size"])'
}

# cache_file: pm's blob-info cache entry of the busybox layer (gzip)
cache_file() {
	local f
	f=$(ls "$XDG_DATA_HOME"/pm/storage/blob-info-cache/*.gzip)
	[ "$(echo "$f" | wc -l)" -eq 1 ] || die "expected one cache entry, saw: $f"
	echo "$f"
}

# patches REPO: how many PATCH requests went to REPO's uploads (a streamed upload)
patches() {
	registry_requests PATCH "^/v2/$1/blobs/uploads/"
}

# layer_puts REPO DIGEST: how many upload-closing PUTs named DIGEST in REPO
layer_puts() {
	registry_requests PUT "^/v2/$1/blobs/uploads/.*digest=sha256(:|%3A)${2#sha256:}"
}

@test "push: a layer of random and compressible data unpacks to itself" {
	registry_start
	local d=$BATS_TEST_TMPDIR/rootfs
	mkdir -p "$d/data"
	for i in $(seq 1 30); do echo "small file $i" >"$d/data/small$i"; done
	head -c $((3 * 1024 * 1024 + 1234)) /dev/urandom >"$d/data/random"
	seq 1 200000 >"$d/data/text" # 1.2 MB of digits and newlines
	tar -C "$d" -cf "$BATS_TEST_TMPDIR/layer.tar" .
	local diffid
	diffid=sha256:$(sha256sum "$BATS_TEST_TMPDIR/layer.tar" | cut -d' ' -f1)
	run_pm 0 import -q "$BATS_TEST_TMPDIR/layer.tar" localhost/mixed:1
	run_pm 0 push -q --tls-verify=false localhost/mixed:1 "$REG/mixed:1"
	local digest size
	read -r digest size < <(layer_of mixed:1)
	local blob=$BATS_TEST_TMPDIR/blob
	curl -sf -o "$blob" "$REG_URL/v2/mixed/blobs/$digest" || die "no blob $digest"
	is "sha256:$(sha256sum "$blob" | cut -d' ' -f1)" "$digest" "the blob is its digest"
	is "$(stat -c %s "$blob")" "$size" "the blob's size"
	is "sha256:$(gzip -dc "$blob" | sha256sum | cut -d' ' -f1)" "$diffid" "the layer unpacked"
	# the random MiBs cannot shrink; the text does
	local rnd=$((3 * 1024 * 1024 + 1234)) text
	text=$(stat -c %s "$d/data/text")
	[ "$size" -gt "$rnd" ] || die "blob of $size bytes: smaller than its random data"
	[ "$size" -lt $((rnd + text / 2)) ] || die "blob of $size bytes: the text not compressed"
}

@test "push: a layer the cache knows goes to a new repository in one PUT, same digest" {
	skip_if_podman "pm's blob-info cache and requests"
	_pm_has_command pull || skip "$PM has no pull command"
	registry_start
	load_busybox
	run_pm 0 push -q --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/d1" \
		localhost/busybox "$REG/a/x:1"
	local digest size
	read -r digest size < <(layer_of a/x:1)
	is "$(patches a/x)" 1 "the layer streamed (its digest unknown before the end)"
	grep -q "^$digest $size pm-gzip-" "$(cache_file)" || die "cache: $(cat "$(cache_file)")"

	# repository a/x no longer has it, so there is nothing to mount from: uploaded to b/y,
	# in one PUT
	curl -sf -X DELETE "$REG_URL/v2/a/x/blobs/$digest" || die "could not delete $digest"
	run_pm 0 push -q --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/d2" \
		localhost/busybox "$REG/b/y:1"
	is "$(layer_of b/y:1)" "$digest $size" "the same layer"
	is "$(cat "$BATS_TEST_TMPDIR/d2")" "$(cat "$BATS_TEST_TMPDIR/d1")" "the same manifest digest"
	is "$(patches b/y)" 0 "no PATCH stream"
	is "$(layer_puts b/y "$digest")" 1 "one PUT of the layer"
	grep -q "^127.0.0.1:[0-9]*/b/y$" "$(cache_file)" || die "cache: $(cat "$(cache_file)")"

	# and it is the image
	run_pm 0 rmi localhost/busybox
	run_pm 0 pull -q --tls-verify=false "$REG/b/y:1"
	is "$output" "$IMAGE_ID" "the pulled image is the pushed one"
	run_pm 0 run --rm "$REG/b/y:1" cat /etc/motd
}

@test "push: a cache entry of another length, digest or encoder: the layer sent as usual" {
	skip_if_podman "pm's blob-info cache"
	registry_start
	load_busybox
	run_pm 0 push -q --tls-verify=false localhost/busybox "$REG/a/x:1"
	local digest size f
	read -r digest size < <(layer_of a/x:1)
	curl -sf -X DELETE "$REG_URL/v2/a/x/blobs/$digest" || die "could not delete $digest"
	f=$(cache_file)
	local good enc
	good=$(cat "$f")
	enc=$(head -1 "$f" | cut -d' ' -f3)
	[ -n "$enc" ] || die "no encoder in the cache entry: $good"
	local bogus=sha256:0000000000000000000000000000000000000000000000000000000000000000
	local -a entries=("$digest $((size + 1)) $enc" "$bogus $size $enc" "$digest $size")
	local -a names=(length digest encoder)
	local i repo
	for i in 0 1 2; do
		repo=r$i/${names[$i]}
		printf '%s\n127.0.0.1:1/gone\n' "${entries[$i]}" >"$f"
		run_pm 0 push -q --tls-verify=false localhost/busybox "$REG/$repo:1"
		is "$(layer_of "$repo:1")" "$digest $size" "${names[$i]}: the layer's real digest"
		is "$(patches "$repo")" 1 "${names[$i]}: streamed as usual"
		head -1 "$f" | grep -q "^$digest $size pm-gzip-" ||
			die "${names[$i]}: cache not corrected: $(cat "$f")"
		curl -sf -X DELETE "$REG_URL/v2/$repo/blobs/$digest" || die "could not delete $digest"
	done
	# the refused digest: its PUT answered 400, nothing stored under it
	is "$(layer_puts r1/digest "$bogus")" 1 "the PUT under the cache's digest"
	curl -sf -o /dev/null -I "$REG_URL/v2/r1/digest/blobs/$bogus" && die "$bogus is in the registry"
	true
}
