#!/usr/bin/env bats
# 153-build-remote-cache: pm build --cache-to and --cache-from (builder/remote-cache.c), a
# layer cache in a registry repository, against Debian's docker-registry on loopback
# (tests/system/registry.bash): --cache-to pushes each step's image tagged with its cache
# key; after `rmi -a`, --cache-from pulls them ("--> Using cache") instead of running the
# steps (the same random value in the image, the steps' echo absent; a multi-stage build
# too); a step the repository lacks runs, silently; an unreachable --cache-from registry
# is a warning and a normal build; an unreachable --cache-to registry fails the build;
# --cache-ttl applies to pulled steps; --layers=false and --no-cache leave the registry
# alone; --creds reaches the pushes and pulls; a tag, a digest or a bad name is refused
# before anything is built.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # Containerfiles are single-quoted on purpose

load helpers
load build
load registry

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	echo copied >"$CTX/f"
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
COPY f /f
RUN echo step-one-"ran"; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >/rand
RUN echo step-two-"ran"; date +%s%N >/t
LABEL cached=yes
EOF
}

teardown() {
	registry_stop
	basic_teardown
}

# tags REPO: the registry's tags of REPO, one a line, sorted (nothing when it has none)
tags() {
	curl -sf "$REG_URL/v2/$1/tags/list" |
		python3 -c 'import json, sys; [print(t) for t in sorted(json.load(sys.stdin).get("tags") or [])]' \
			2>/dev/null || true
}

# fresh_store: every image gone (rmi -a), the busybox test image loaded again (same id)
fresh_store() {
	run_pm 0 rmi -a -f
	run_pm 0 images -a -q
	is "$output" "" "no image left"
	run_pm 0 load -i "$(pm_test_image)"
}

@test "build --cache-to pushes the steps, --cache-from after rmi -a uses them" {
	registry_start
	run_pm 0 build -t cached --layers --cache-to "$REG/cache" --tls-verify=false "$CTX"
	assert_contains "$output" "step-one-ran"
	assert_contains "$output" "step-two-ran"
	run_pm 0 run --rm cached cat /rand /t
	local first=$output
	local pushed
	pushed=$(tags cache)
	[ -n "$pushed" ] || die "nothing pushed to $REG/cache"
	if ! is_podman; then
		# one tag per step that makes an image: COPY, two RUN and the LABEL, 64 hex each
		is "$(grep -cE '^[0-9a-f]{64}$' <<<"$pushed")" 4 "four cache tags: $pushed"
	fi

	fresh_store
	run_pm 0 build -t cached --cache-from "$REG/cache" --tls-verify=false "$CTX"
	assert_contains "$output" "--> Using cache"
	assert_not_contains "$output" "step-one-ran" "the first RUN came from the cache"
	assert_not_contains "$output" "step-two-ran" "the second RUN came from the cache"
	run_pm 0 run --rm cached cat /rand /t
	is "$output" "$first" "the same random value and date as the first build"
	run_pm 0 run --rm cached cat /f
	is "$output" "copied"
	run_pm 0 image inspect --format '{{index .Labels "cached"}}' cached
	is "$output" "yes"

	# the pulled steps are in the local cache now: a build without the flag hits too
	run_pm 0 build -t cached "$CTX"
	assert_not_contains "$output" "step-one-ran"
	run_pm 0 ps -a -q
	is "$output" "" "no build container left"
}

@test "build --cache-from: a step the repository lacks runs, silently" {
	registry_start
	run_pm 0 build -t partial --cache-to "$REG/cache" --tls-verify=false "$CTX"
	fresh_store
	# the second RUN changed (the quotes keep the STEP line apart from the echo's output): the first comes from the registry, the rest run
	sed -i 's/step-two-"ran"/step-two-"changed"/' "$CTX/Containerfile"
	run_pm_split 0 build -t partial --cache-from "$REG/cache" --tls-verify=false "$CTX"
	assert_not_contains "$output" "step-one-ran" "the first RUN came from the cache"
	assert_contains "$output" "step-two-changed" "the changed RUN ran"
	assert_not_contains "$stderr" "level=warning" "a miss is no warning"
	assert_not_contains "$stderr" "WARN" "a miss is no warning"
	assert_not_contains "$stderr" "rror" "a miss is no error"
	run_pm 0 run --rm partial cat /t
	[ -n "$output" ] || die "no /t in the image"
}

@test "build --cache-from: an unreachable registry is a warning, the steps run" {
	local port
	port=$(free_port)
	printf 'FROM localhost/busybox:latest\nRUN echo lone-step-ran >/x\nRUN echo second-"step"\n' \
		>"$CTX/Containerfile"
	run_pm_split 0 build -t unreach --cache-from "127.0.0.1:$port/cache" --tls-verify=false "$CTX"
	assert_contains "$output" "lone-step-ran"
	assert_contains "$output" "second-step"
	assert_contains "$stderr" "127.0.0.1:$port"
	assert_contains "$stderr" "connection refused"
	if ! is_podman; then
		# said once: the registry is not asked again for the next step (podman retries
		# every step's pull three times)
		is "$(grep -c "127.0.0.1:$port" <<<"$stderr")" 1 "one warning: $stderr"
	fi
	run_pm 0 run --rm unreach cat /x
	is "$output" "lone-step-ran"
}

@test "build --cache-to: an unreachable registry fails the build, nothing tagged" {
	local port
	port=$(free_port)
	run_pm_split 125 build -t noreach --cache-to "127.0.0.1:$port/cache" --tls-verify=false "$CTX"
	assert_contains "$stderr" "failed pushing cache to"
	assert_contains "$stderr" "127.0.0.1:$port"
	run_pm 1 image exists noreach
	run_pm 0 ps -a -q
	is "$output" "" "no build container left"
}

@test "build --cache-ttl applies to the steps pulled with --cache-from" {
	registry_start
	run_pm 0 build -t ttl --cache-to "$REG/cache" --tls-verify=false "$CTX"
	fresh_store
	run_pm 0 build -t ttl --cache-from "$REG/cache" --cache-ttl 1h --tls-verify=false "$CTX"
	assert_not_contains "$output" "step-one-ran" "young enough: pulled and used"
	assert_contains "$output" "--> Using cache"
	sleep 2
	fresh_store
	run_pm 0 build -t ttl --cache-from "$REG/cache" --cache-ttl 1s --tls-verify=false "$CTX"
	assert_contains "$output" "step-one-ran" "older than 1s: the step ran"
	assert_not_contains "$output" "Using cache"
}

@test "build: --layers=false and --no-cache leave the registry alone" {
	registry_start
	run_pm 0 build -t nolayers --layers=false --cache-to "$REG/cache" --tls-verify=false "$CTX"
	is "$(tags cache)" "" "--layers=false: nothing pushed, as buildah's"
	run_pm 0 build -t seed --cache-to "$REG/cache" --tls-verify=false "$CTX"
	fresh_store
	local before
	before=$(registry_requests GET '^/v2/cache/manifests/')
	run_pm 0 build -t nocache --no-cache --cache-from "$REG/cache" --tls-verify=false "$CTX"
	assert_contains "$output" "step-one-ran" "--no-cache: every step ran"
	is "$(registry_requests GET '^/v2/cache/manifests/')" "$before" "--no-cache: nothing pulled"
}

@test "build --cache-to/--cache-from: --creds reaches the registry" {
	registry_start --htpasswd alice:secret
	run_pm_split 125 build -t creds --cache-to "$REG/cache" --tls-verify=false "$CTX"
	assert_contains "$stderr" "failed pushing cache to"
	run_pm 0 build -t creds --cache-to "$REG/cache" --tls-verify=false --creds alice:secret "$CTX"
	fresh_store
	run_pm 0 build -t creds --cache-from "$REG/cache" --tls-verify=false --creds alice:secret "$CTX"
	assert_not_contains "$output" "step-one-ran" "pulled with the credentials"
}

@test "build --cache-to/--cache-from: a tag, a digest or a bad name: 125 before any step" {
	local before
	before=$(n_images)
	local d=sha256:0000000000000000000000000000000000000000000000000000000000000000
	for flag in cache-to cache-from; do
		run_pm_split 125 build --$flag localhost:5000/x:tag "$CTX"
		assert_contains "$stderr" "repository must contain neither a tag nor digest: localhost:5000/x:tag"
		is "$(grep -c . <<<"$stderr")" 1 "one line"
		run_pm_split 125 build --$flag "localhost:5000/x@$d" "$CTX"
		assert_contains "$stderr" "repository must contain neither a tag nor digest: localhost:5000/x@$d"
		run_pm_split 125 build --$flag BAD "$CTX"
		assert_contains "$stderr" 'invalid repo "BAD": must contain registry and repository'
		run_pm_split 125 build --$flag "" "$CTX"
		assert_contains "$stderr" 'invalid repo "": must contain registry and repository'
		assert_not_contains "$output" "STEP" "nothing built"
	done
	if ! is_podman; then
		# podman 4.3 names --cache-to's value in --cache-from's message
		run_pm_split 125 build --cache-from localhost:5000/x:tag "$CTX"
		is "$stderr" 'Error: unable to parse value provided `localhost:5000/x:tag` to --cache-from: repository must contain neither a tag nor digest: localhost:5000/x:tag'
	fi
	is "$(n_images)" "$before" "no image made"
	assert_clean_after_build
}

@test "build --cache-from: a multi-stage build comes back whole from the registry" {
	registry_start
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest AS gen
RUN echo gen-"ran"; head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n' >/r
FROM localhost/busybox:latest
COPY --from=gen /r /r
RUN echo final-"ran"; cat /r >/r2
EOF
	run_pm 0 build -t multi --cache-to "$REG/cache" --tls-verify=false "$CTX"
	assert_contains "$output" "gen-ran"
	run_pm 0 run --rm multi cat /r /r2
	local first=$output
	fresh_store
	run_pm 0 build -t multi --cache-from "$REG/cache" --tls-verify=false "$CTX"
	assert_not_contains "$output" "gen-ran" "the first stage's RUN came from the cache"
	assert_not_contains "$output" "final-ran" "the final stage's RUN came from the cache"
	run_pm 0 run --rm multi cat /r /r2
	is "$output" "$first" "the same bytes in both stages' files"
}
