#!/usr/bin/env bats
# 147-tail-more: build --manifest (the built image added to a list, created when missing);
# kube play's io.containers.autoupdate annotations become the containers' label, and
# Quadlet .kube files' AutoUpdate= becomes kube play's --annotation; concurrent manifest
# adds to one list keep every entry (the list's lock); OCI hooks from several
# --hooks-dir ordered by file name, a later directory's file replacing an earlier one's;
# --log-opt max-size in go-units' decimal units.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	basic_setup
}

teardown() {
	basic_teardown
}

# pmq EXPECTED_RC ARGS...: run_pm without podman's "not a shared mount" warning in $output
pmq() {
	run_pm "$@"
	output=$(grep -v 'is not a shared mount, this could cause issues' <<<"$output" || true)
	mapfile -t lines <<<"$output"
}

# eq ACTUAL EXPECTED [WHAT]: exact equality (is() takes a regex)
eq() {
	[ "$1" = "$2" ] && return 0
	printf '#| %s\n#| expected: %q\n#|   actual: %q\n' "${3:-value}" "$2" "$1" >&2
	die "${3:-value} differs"
}

# jq_o EXPR: EXPR (python, on m = the JSON in $output) printed
jq_o() {
	python3 -c 'import json, sys
m = json.loads(sys.argv[1])
r = eval(sys.argv[2], {"m": m})
print(r if isinstance(r, str) else json.dumps(r))' "$output" "$1"
}

# build_ctx: a context whose image differs from busybox by one RUN step, in $CTX
build_ctx() {
	pmq 0 load -q -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	printf 'FROM localhost/busybox\nRUN echo %s > /x\n' "${1:-hi}" >"$CTX/Containerfile"
}

# ---- 1. build --manifest -------------------------------------------------------------------

@test "build --manifest: creates the list with the built image, a rebuild replaces it" {
	build_ctx
	pmq 0 build -q --manifest ml "$CTX"
	local id=${lines[-1]}
	pmq 0 image inspect --format '{{.Digest}}' "$id"
	local digest=$output
	pmq 0 manifest inspect ml
	eq "$(jq_o 'm["mediaType"]')" "application/vnd.docker.distribution.manifest.list.v2+json"
	is "$(jq_o 'len(m["manifests"])')" 1 "one instance"
	is "$(jq_o 'm["manifests"][0]["digest"]')" "$digest" "the built image's digest"
	eq "$(jq_o 'm["manifests"][0]["mediaType"]')" "application/vnd.oci.image.manifest.v1+json"
	is "$(jq_o 'm["manifests"][0]["platform"]["os"]')" linux
	pmq 0 manifest exists ml

	# the same build again: the same digest, still one entry
	pmq 0 build -q --manifest ml "$CTX"
	pmq 0 manifest inspect ml
	is "$(jq_o 'len(m["manifests"])')" 1 "a rebuild replaces its entry"

	# another image into the existing list, with -t: tagged and listed
	printf 'FROM localhost/busybox\nRUN echo other > /y\n' >"$CTX/Containerfile"
	pmq 0 build -q -t other --manifest ml "$CTX"
	pmq 0 image inspect --format '{{.Digest}}' localhost/other
	local digest2=$output
	pmq 0 manifest inspect ml
	is "$(jq_o 'len(m["manifests"])')" 2 "the second image added"
	is "$(jq_o 'm["manifests"][1]["digest"]')" "$digest2" "added last"
	is "$(jq_o 'm["manifests"][0]["digest"]')" "$digest" "the first one kept"
}

@test "build --manifest: a name that is no list, or no reference, exits 125" {
	build_ctx
	pmq 125 build -q --manifest localhost/busybox "$CTX"
	assert_contains "$output" "Error: localhost/busybox:latest: image is not a manifest list"
	pmq 125 build -q --manifest 'Bad!' "$CTX"
	assert_contains "$output" "Error: "
	assert_contains "$output" "invalid reference format"
	run_pm 1 manifest exists 'bad'
	if ! is_podman; then
		# pm checks the name first: nothing was built (podman builds, then fails)
		pmq 0 images -a -q
		is "${#lines[@]}" 1 "only busybox: nothing built"
	fi
}
