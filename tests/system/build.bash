#!/bin/bash
# build.bash: what the pm build tests (100, 110, 143, 148) share. Loaded by bats after
# helpers.bash.
# shellcheck disable=SC2154 # $output is set by run_pm (helpers.bash)

# assert_clean_after_build [TAGS]: no container may be left by a build, and nothing tagged
# but busybox and TAGS (one a line); the images of the steps stay, untagged, as podman's do
assert_clean_after_build() {
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no build container left"
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}'
	local tagged
	tagged=$(grep -v '^<none>' <<<"$output" | sort)
	is "$tagged" "$(printf 'localhost/busybox:latest\n%s' "${1:-}" | sed '/^$/d' | sort)" \
		"the images tagged"
}

# n_images: the number of images (all, untagged steps too)
n_images() {
	"${PM_CMD[@]}" images -a -q | wc -l
}
