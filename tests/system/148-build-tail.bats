#!/usr/bin/env bats
# 148-build-tail: the last of pm build's podman flags: --os-version and --os-feature (the
# image config's os.version and os.features, read back from `save --format oci-dir` as both
# tools write it, and from pm's image inspect), --runtime (accepted, RUN uses pm's own
# runtime), --logsplit (the log of the one platform in LOGFILE_os_arch), --decryption-key
# (refused), --cpp-flag and Containerfile.in (run through cpp, #include from the file's and
# the context's directory). Bad values: 125, one line naming them, nothing made or left.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers
load build

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX"
	echo hello >"$CTX/f"
}

teardown() {
	basic_teardown
}

# os_of IMAGE: the image config's os.version and os.features ("v=1 f=a,b"; null and - when
# absent), read from an oci-dir save (podman 4.3's image inspect shows neither)
os_of() {
	local d=$BATS_TEST_TMPDIR/save.$1
	rm -rf "$d"
	"${PM_CMD[@]}" save --format oci-dir -o "$d" "$1" >/dev/null 2>&1 || die "save $1 failed"
	local m c
	m=$(jq -r '.manifests[0].digest' "$d/index.json")
	c=$(jq -r '.config.digest' "$d/blobs/sha256/${m#sha256:}")
	jq -r '"v=\(.["os.version"]) f=\(.["os.features"] // ["-"] | join(","))"' \
		"$d/blobs/sha256/${c#sha256:}"
}

@test "build tail: --os-version and --os-feature set the config's os.version and os.features" {
	printf 'FROM localhost/busybox:latest\nRUN echo one >/one\n' >"$CTX/Containerfile"
	run_pm 0 build -t osv --os-version 10.0.1 --os-feature win32k --os-feature foo "$CTX"
	run os_of osv
	is "$output" 'v=10.0.1 f=win32k,foo'
	if ! is_podman; then # podman 4.3's image inspect has neither field
		run_pm 0 image inspect osv --format '{{.OsVersion}} {{json .OsFeatures}}'
		is "$output" '10.0.1 \["win32k","foo"\]'
	fi

	# on an image that has them: kept by default, FEATURE- removes one, a new version wins
	printf 'FROM localhost/osv:latest\nLABEL x=y\n' >"$CTX/Containerfile"
	run_pm 0 build -t kept "$CTX"
	run os_of kept
	is "$output" 'v=10.0.1 f=win32k,foo' "the base's kept"
	# --no-cache: podman 4.3's cache would give the step made without the flags
	run_pm 0 build --no-cache -t dropped --os-feature foo- --os-feature new --os-version 11 "$CTX"
	run os_of dropped
	is "$output" 'v=11 f=win32k,new'
	run_pm 0 build --no-cache -t none --os-feature win32k- --os-feature foo- --os-version '' "$CTX"
	run os_of none
	is "$output" 'v=10.0.1 f=-' "all removed: no os.features; '' keeps the version"

	# FROM alone: the flags still reach the image (podman 4.3 tags the base unchanged)
	local fromonly=
	if ! is_podman; then
		printf 'FROM localhost/busybox:latest\n' >"$CTX/Containerfile"
		run_pm 0 build -t fromonly --os-version 3 "$CTX"
		run os_of fromonly
		is "$output" 'v=3 f=-'
		fromonly=localhost/fromonly:latest
	fi
	assert_clean_after_build "localhost/dropped:latest
$fromonly
localhost/kept:latest
localhost/none:latest
localhost/osv:latest"
}

@test "build tail: the cache knows --os-version and --os-feature (pm)" {
	skip_if_podman "podman 4.3 reuses a cached step made with other --os-* values"
	printf 'FROM localhost/busybox:latest\nRUN echo one >/one\n' >"$CTX/Containerfile"
	run_pm 0 build -t a --os-version 1 "$CTX"
	run_pm 0 build -t b "$CTX"
	assert_not_contains "$output" "Using cache" "the step made with --os-version is not reused"
	run os_of b
	is "$output" 'v=null f=-'
	run_pm 0 build -t c --os-version 1 "$CTX"
	assert_contains "$output" "Using cache"
	run os_of c
	is "$output" 'v=1 f=-'
	assert_clean_after_build "localhost/a:latest
localhost/b:latest
localhost/c:latest"
}

@test "build tail: an empty --os-feature is refused (pm)" {
	skip_if_podman "podman 4.3 adds an empty feature and takes '-' as removing it"
	printf 'FROM localhost/busybox:latest\nRUN echo one\n' >"$CTX/Containerfile"
	local before
	before=$(n_images)
	run_pm_split 125 build -t bad --os-feature '' "$CTX"
	is "$stderr" "Error: --os-feature '': an empty feature name"
	run_pm_split 125 build -t bad --os-feature - "$CTX"
	is "$stderr" "Error: --os-feature '-': an empty feature name"
	is "$output" "" "nothing built"
	is "$(n_images)" "$before" "no image made"
	assert_clean_after_build
}

@test "build tail: --runtime is accepted (RUN uses pm's own runtime), the build as without it" {
	printf 'FROM localhost/busybox:latest\nRUN echo ran >/ran\n' >"$CTX/Containerfile"
	run_pm 0 build -t rt --runtime runc "$CTX"
	assert_contains "$output" "STEP 2/2: RUN echo ran"
	run_pm 0 run --rm rt cat /ran
	is "$output" "ran"
	assert_clean_after_build "localhost/rt:latest"
}

@test "build tail: --runtime is ignored with a debug line, whatever its value (pm)" {
	skip_if_podman "podman 4.3 runs RUN with the runtime named, and refuses one it cannot find"
	printf 'FROM localhost/busybox:latest\nRUN echo ran >/ran\n' >"$CTX/Containerfile"
	run_pm_split 0 --log-level debug build -t rt --runtime /no/such/runtime "$CTX"
	assert_contains "$stderr" "--runtime '/no/such/runtime' ignored: RUN steps use pm's own runtime"
	run_pm 0 run --rm rt cat /ran
	is "$output" "ran"
	assert_clean_after_build "localhost/rt:latest"
}

@test "build tail: --logsplit writes the log to LOGFILE_os_arch, LOGFILE stays empty" {
	printf 'FROM localhost/busybox:latest\nRUN echo run-output\n' >"$CTX/Containerfile"
	run_pm 0 info --format '{{.Host.OS}}/{{.Host.Arch}}'
	local platform=$output log=$BATS_TEST_TMPDIR/build.log
	# with --platform (the host's): podman 4.3 names the file without it LOGFILE__
	run_pm 0 build -t split --logfile "$log" --logsplit --platform "$platform" "$CTX"
	assert_not_contains "$output" "run-output" "not on stdout"
	run cat "${log}_${platform%/*}_${platform#*/}"
	assert_contains "$output" "STEP 2/2: RUN echo run-output"
	assert_contains "$output" "run-output"
	run cat "$log"
	is "$output" "" "LOGFILE made, empty"

	# without --logfile: no effect
	run_pm 0 build -t split --logsplit "$CTX"
	assert_contains "$output" "Successfully tagged localhost/split:latest"
	run_pm_split 125 build --logsplit=maybe "$CTX"
	assert_contains "$stderr" 'Error: invalid argument "maybe" for "--logsplit" flag: strconv.ParseBool: parsing "maybe": invalid syntax'
	assert_clean_after_build "localhost/split:latest"
}

@test "build tail: --logsplit without --platform names the host's platform (pm)" {
	skip_if_podman "podman 4.3 writes LOGFILE__ (no os, no arch) without --platform"
	printf 'FROM localhost/busybox:latest\nRUN echo run-output\n' >"$CTX/Containerfile"
	run_pm 0 info --format '{{.Host.OS}}_{{.Host.Arch}}'
	local suffix=$output log=$BATS_TEST_TMPDIR/build.log
	run_pm 0 build -t split --logfile "$log" --logsplit "$CTX"
	run cat "${log}_$suffix"
	assert_contains "$output" "run-output"
	assert_clean_after_build "localhost/split:latest"
}

@test "build tail: --decryption-key is refused, naming the flag, nothing made (pm)" {
	skip_if_podman "podman 4.3 decrypts encrypted layers with it"
	printf 'FROM localhost/busybox:latest\nRUN echo ok\n' >"$CTX/Containerfile"
	local before
	before=$(n_images)
	run_pm_split 125 build -t enc --decryption-key "$BATS_TEST_TMPDIR/key.pem:secret" "$CTX"
	is "$stderr" "Error: --decryption-key: not supported: pm has no encrypted-image support"
	is "$output" "" "nothing built"
	is "$(n_images)" "$before" "no image made"
	assert_clean_after_build
}

@test "build tail: a Containerfile.in goes through cpp: #include, --cpp-flag, BUILDAH_CPPFLAGS" {
	skip_if_missing cpp
	printf 'FROM localhost/busybox:latest\n' >"$CTX/base.h"
	cat >"$CTX/Containerfile.in" <<'EOF2'
#include "base.h"
RUN echo GREETING >/greeting
#ifdef EXTRA
RUN echo extra >/extra
#endif
EOF2
	# -f names it (the default names are Containerfile and Dockerfile only)
	run_pm 0 build -t cpp1 --cpp-flag=-DEXTRA --cpp-flag -DGREETING=hi \
		-f "$CTX/Containerfile.in" "$CTX"
	assert_contains "$output" "STEP 1/3: FROM localhost/busybox:latest"
	assert_contains "$output" "STEP 2/3: RUN echo hi >/greeting"
	run_pm 0 run --rm cpp1 cat /greeting /extra
	is "$output" "hi
extra"

	# without the flags: #ifdef leaves the step out; BUILDAH_CPPFLAGS come before --cpp-flag
	BUILDAH_CPPFLAGS="-DGREETING=from-env '-DEXTRA=1'" run_pm 0 build -t cpp2 \
		-f "$CTX/Containerfile.in" "$CTX"
	run_pm 0 run --rm cpp2 cat /greeting /extra
	is "$output" "from-env
extra"
	run_pm 0 build -t cpp3 -f "$CTX/Containerfile.in" "$CTX"
	assert_contains "$output" "STEP 2/2: RUN echo GREETING >/greeting"
	assert_clean_after_build "localhost/cpp1:latest
localhost/cpp2:latest
localhost/cpp3:latest"
}

@test "build tail: a '#' comment in a Containerfile.in is cpp's complaint, a warning, as podman's" {
	skip_if_missing cpp
	cat >"$CTX/Containerfile.in" <<'EOF2'
FROM localhost/busybox:latest
# a comment cpp calls an invalid directive
RUN echo ok >/ok
EOF2
	run_pm_split 0 build -t commented -f "$CTX/Containerfile.in" "$CTX"
	assert_contains "$stderr" "Ignoring <stdin>:2: error: invalid preprocessing directive #a"
	run_pm 0 run --rm commented cat /ok
	is "$output" "ok"
	assert_clean_after_build "localhost/commented:latest"
}

@test "build tail: #include finds a file beside a Containerfile.in outside the context's top (pm)" {
	skip_if_podman "podman 4.3 looks for #include files in the context directory only"
	skip_if_missing cpp
	mkdir -p "$CTX/sub"
	printf 'FROM localhost/busybox:latest\n' >"$CTX/sub/base.h"
	printf '#include "base.h"\nRUN echo sub >/sub\n' >"$CTX/sub/Containerfile.in"
	run_pm 0 build -t sub -f "$CTX/sub/Containerfile.in" "$CTX"
	run_pm 0 run --rm sub cat /sub
	is "$output" "sub"
	assert_clean_after_build "localhost/sub:latest"
}

@test "build tail: cpp failing with no output: one line naming the file, nothing made" {
	skip_if_missing cpp
	printf 'FROM localhost/busybox:latest\nRUN echo ok\n' >"$CTX/Containerfile.in"
	local before
	before=$(n_images)
	# podman 4.3 exits 1 here, not 125 (its own error: a bug)
	local rc=125
	is_podman && rc=1
	run_pm_split $rc build -t bad --cpp-flag=-Wbogus-cpp-flag -f "$CTX/Containerfile.in" "$CTX"
	assert_contains "$stderr" "Error: preprocessing $CTX/Containerfile.in: preprocessor produced no output: exit status 1"
	assert_contains "$stderr" "-Wbogus-cpp-flag"
	is_podman || is "$(wc -l <<<"$stderr")" "1" "one line (podman warns cpp's message first)"
	is "$output" "" "nothing built"
	is "$(n_images)" "$before" "no image made"
	assert_clean_after_build
}
