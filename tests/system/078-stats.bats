#!/usr/bin/env bats
# 078-stats: `stats` / `container stats` as podman 4.3 has them, where this build host lets
# them be tried: the flags' validation (which comes first, the exact messages, 125) and,
# on a host without cgroup v2 (hybrid, as here), podman's refusal before any lookup. The
# figures themselves (CPU %, memory, pids, the JSON keys, -a's rows of zeros, templates)
# need a container cgroup of its own: tests/vm/030-stats.bats.
# Written against `PM="podman --runtime runc"` too; pm's own tests say so.

load helpers

setup() {
	basic_setup
}

not_v2() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "a cgroup v2 host: tests/vm/030-stats.bats tests stats there"
}

@test "stats: flags are checked before anything else, with podman's messages" {
	run_pm 125 stats -a somename
	is "${lines[-1]}" "Error: --all, --latest and containers cannot be used together"
	run_pm 125 stats --latest --all
	is "${lines[-1]}" "Error: --all, --latest and containers cannot be used together"
	run_pm 125 container stats -l somename
	is "${lines[-1]}" "Error: --all, --latest and containers cannot be used together"
	run_pm 125 stats --no-stream --interval 0
	is "${lines[-1]}" "Error: invalid interval, must be a positive number greater zero"
	run_pm 125 stats --no-stream -i -3
	is "${lines[-1]}" "Error: invalid interval, must be a positive number greater zero"
	run_pm 125 stats --no-stream -i soon
	is "${lines[-1]}" "See '[a-z]+ stats --help'"
	is "${lines[-2]}" 'Error: invalid argument "soon" for "-i, --interval" flag: strconv.ParseInt: parsing "soon": invalid syntax'
	run_pm 125 stats --bogus
	assert_contains "$output" "Error: unknown flag: --bogus"
}

@test "stats: --help lists podman's flags" {
	run_pm 0 stats --help
	for f in -a,\ --all --format -i,\ --interval -l,\ --latest --no-reset --no-stream \
		--no-trunc; do
		assert_contains "$output" "$f"
	done
	run_pm 0 container stats --help
	assert_contains "$output" "--no-stream"
}

@test "stats: rootless without cgroup v2 is refused with podman's message, before any lookup" {
	not_v2
	skip_if_root
	run_pm 0 load -i "$(pm_test_image)"
	run_pm 0 create --name st localhost/busybox true
	for args in "--no-stream" "--no-stream st" "--no-stream -a" "--no-stream -l" \
		"--no-stream --format json" "--no-stream nosuch"; do
		# shellcheck disable=SC2086 # the words of args
		run_pm 125 stats $args
		is "${lines[-1]}" "Error: stats is not supported in rootless mode without cgroups v2" \
			"stats $args"
	done
	run_pm 125 container stats --no-stream st
	is "${lines[-1]}" "Error: stats is not supported in rootless mode without cgroups v2"
	run_pm 0 rm st
}
