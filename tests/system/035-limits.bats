#!/usr/bin/env bats
# 035-limits: resource limits on a host that cannot enforce them (the build hosts: hybrid
# cgroups, no delegation): every limit flag is one clear line naming the flag, exit 125,
# nothing created; bad values are refused before anything is looked at; --cgroups and
# --cgroup-manager (flag and containers.conf) are recorded and shown by inspect. The
# enforcement itself is proven in the VM tier (tests/vm/020-limits.bats).
#
# Compatibility: the bad-value tests and the inspect fields also pass with
# PM="podman --runtime runc" where podman agrees; the tests marked pm's own skip there.

load helpers

setup() {
	basic_setup
	pm_load_test_image >/dev/null
	IMG=$(pm_test_image name)
}

# nothing_created: no container (and no pod) left behind
nothing_created() {
	run_pm 0 ps -a -q
	is "$output" "" "no container was created"
}

hybrid_only() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "this host has cgroup v2: the VM tier tests enforcement"
}

@test "every limit flag on a hybrid host: one line naming the flag, 125, nothing created (pm's own)" {
	skip_if_podman "podman only warns and drops limits here"
	hybrid_only
	local args
	for args in "--memory 64m" "--memory 64m --memory-swap 128m" "--memory-reservation 32m" \
		"--cpus 0.5" "--cpu-quota 50000" "--cpu-period 100000" "--cpu-shares 512" \
		"--cpuset-cpus 0" "--cpuset-mems 0" "--pids-limit 16" "--blkio-weight 500"; do
		# shellcheck disable=SC2086 # the flag and its value are two words
		run_pm 125 run --rm $args "$IMG" true
		is "${#lines[@]}" 1 "one line for $args"
		assert_contains "$output" "${args%% *}: cannot enforce" "$args"
		# shellcheck disable=SC2086
		run_pm 125 create $args "$IMG" true
		assert_contains "$output" "cannot enforce" "create $args"
	done
	nothing_created
	# no state either: no container records
	[ -z "$(ls -A "$XDG_DATA_HOME/pm/storage/db/containers" 2>/dev/null)" ] ||
		die "container records were left"
}

@test "pod create --memory/--cpus on a hybrid host: refused, no pod (pm's own)" {
	skip_if_podman "podman only warns here"
	hybrid_only
	run_pm 125 pod create --memory 64m
	assert_contains "$output" "--memory: cannot enforce"
	run_pm 125 pod create --cpus 1
	assert_contains "$output" "--cpus: cannot enforce"
	run_pm 0 pod ps -q
	is "$output" "" "no pod"
}

@test "bad sizes, cpusets, swap and CFS values: 125 naming the value, nothing created" {
	run_pm 125 create --memory 12q "$IMG" true
	assert_contains "$output" "12q"
	run_pm 125 create --memory-reservation 12q "$IMG" true
	assert_contains "$output" "12q"
	run_pm 125 create --memory-swap 1x "$IMG" true
	assert_contains "$output" "1x"
	run_pm 125 create --cpu-shares -1 "$IMG" true
	assert_contains "$output" 'invalid argument "-1" for "-c, --cpu-shares" flag'
	run_pm 125 create --pids-limit x "$IMG" true
	is "$output" ".*[\"']x[\"'].*" "the bad value named"
	run_pm 125 create --cpus 0.5 --cpu-quota 1000 "$IMG" true
	assert_contains "$output" "--cpu-quota and --cpus cannot be set together"
	nothing_created
}

@test "refused by pm where podman creates: --memory below 6m, negative or too many CPUs, bad cpusets and swap, --blkio-weight out of range (pm's own)" {
	skip_if_podman "podman 4.3 creates these (rootless, on cgroup v1)"
	# podman's words, which it says only where it checks (as root)
	run_pm 125 create --cpu-quota 100 "$IMG" true
	assert_contains "$output" "CPU cfs quota cannot be less than 1ms (i.e. 1000)"
	run_pm 125 create --cpu-period 100 "$IMG" true
	assert_contains "$output" "CPU cfs period cannot be less than 1ms (i.e. 1000) or larger than 1s"
	run_pm 125 create --memory 64m --memory-swap 32m "$IMG" true
	assert_contains "$output" "minimum memoryswap limit should be larger than memory limit"
	run_pm 125 create --memory-swap 64m "$IMG" true
	assert_contains "$output" "you should always set a memory limit when using a memoryswap limit"
	run_pm 125 create --cpuset-cpus 0- "$IMG" true
	is "$output" "Error: invalid value 0- for cpuset cpus"
	run_pm 125 create --cpuset-cpus a "$IMG" true
	is "$output" "Error: invalid value a for cpuset cpus"
	run_pm 125 create --cpuset-mems a "$IMG" true
	is "$output" "Error: invalid value a for cpuset mems"
	run_pm 125 create --memory 4m "$IMG" true
	is "$output" "Error: invalid --memory '4m': minimum memory limit allowed is 6MB"
	run_pm 125 create --cpus -1 "$IMG" true
	assert_contains "$output" "'-1'"
	run_pm 125 create --cpus 100000 "$IMG" true
	assert_contains "$output" "invalid --cpus '100000': range of CPUs is from 0.01 to"
	run_pm 125 create --blkio-weight 5 "$IMG" true
	is "$output" "Error: invalid --blkio-weight '5': must be between 10 and 1000"
	run_pm 125 create --blkio-weight 1001 "$IMG" true
	assert_contains "$output" "'1001'"
	nothing_created
}

@test "--cgroups: enabled, split and no-conmon are accepted, a bad mode is refused" {
	local m
	for m in enabled split no-conmon; do
		run_pm 0 create --cgroups="$m" "$IMG" true
		run_pm 0 inspect --format '{{.HostConfig.Cgroups}}' "$output"
		is "$output" default "inspect of --cgroups=$m (podman's value)"
	done
	run_pm 125 create --cgroups=foo "$IMG" true
	assert_contains "$output" 'invalid cgroup mode "foo"'
	run_pm 0 rm -a -f
}

@test "--cgroups=disabled: no cgroup, inspect says so; with a limit it is refused (pm's own)" {
	skip_if_podman "podman refuses --cgroups=disabled with runc"
	run_pm 0 run --rm --cgroups=disabled "$IMG" echo hi
	is "$output" hi
	run_pm 0 create --cgroups=disabled "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.Cgroups}}' "$output"
	is "$output" disabled
	run_pm 0 rm -a -f
	run_pm 125 create --cgroups=disabled --memory 64m "$IMG" true
	is "$output" "Error: --memory: cannot enforce a limit with --cgroups=disabled: drop one of them"
	run_pm 125 create --cgroups=disabled --pids-limit 10 "$IMG" true
	assert_contains "$output" "--pids-limit"
	nothing_created
}

@test "--cgroups=split runs a container on a host without cgroup v2 (pm's own)" {
	skip_if_podman "podman with runc on v1 has no split"
	hybrid_only
	run_pm 0 run --rm --cgroups=split "$IMG" echo split
	is "$output" split
}

@test "--cgroup-manager: the flag and containers.conf, shown by inspect" {
	run_pm 125 --cgroup-manager=bogus ps
	assert_contains "$output" "cgroup manager must be one of cgroupfs and systemd"
	run_pm 0 --cgroup-manager=cgroupfs create "$IMG" true
	cid=$output
	run_pm 0 inspect --format '{{.HostConfig.CgroupManager}}' "$cid"
	is "$output" cgroupfs
	printf '[engine]\ncgroup_manager = "cgroupfs"\n' >"$BATS_TEST_TMPDIR/c.conf"
	CONTAINERS_CONF="$BATS_TEST_TMPDIR/c.conf" run_pm 0 create "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.CgroupManager}}' "$output"
	is "$output" cgroupfs "containers.conf's manager"
	run_pm 0 rm -a -f
}

@test "--cgroup-manager=systemd from containers.conf in XDG_CONFIG_HOME; a bad value names the file (pm's own)" {
	skip_if_podman "podman falls back to cgroupfs without a systemd session"
	mkdir -p "$XDG_CONFIG_HOME/containers"
	printf '# mine\n[engine]\n  cgroup_manager = "systemd" # yes\n' \
		>"$XDG_CONFIG_HOME/containers/containers.conf"
	run_pm 0 create "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.CgroupManager}}' "$output"
	is "$output" systemd
	run_pm 0 --cgroup-manager cgroupfs create "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.CgroupManager}}' "$output"
	is "$output" cgroupfs "the flag wins over the file"
	run_pm 0 rm -a -f
	printf '[engine]\ncgroup_manager = "upstart"\n' >"$XDG_CONFIG_HOME/containers/containers.conf"
	run_pm 125 create "$IMG" true
	assert_contains "$output" "containers.conf: cgroup_manager 'upstart'"
	nothing_created
}

@test "inspect: limit fields default as podman's (no pids limit where pids is not delegated)" {
	hybrid_only
	run_pm 0 create "$IMG" true
	cid=$output
	run_pm 0 inspect --format '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.CpuShares}} [{{.HostConfig.CpusetCpus}}] [{{.HostConfig.CpusetMems}}] {{.HostConfig.PidsLimit}} {{.HostConfig.BlkioWeight}} {{.State.OOMKilled}}' "$cid"
	is "$output" "0 0 0 0 0 0 0 \[\] \[\] 0 0 false"
	run_pm 0 rm -f "$cid"
}

@test "update: a limit this host cannot enforce is refused, a bad value is named (pm's own)" {
	skip_if_podman "podman 4.3 on cgroup v1 differs"
	hybrid_only
	run_pm 0 create --name u1 "$IMG" true
	cid=$output
	run_pm 125 update --memory 64m u1
	assert_contains "$output" "--memory: cannot enforce"
	run_pm 125 update --memory 12q u1
	assert_contains "$output" "12q"
	run_pm 125 update --cpuset-cpus a u1
	is "$output" "Error: invalid value a for cpuset cpus"
	run_pm 125 update --memory 64m nosuch
	assert_contains "$output" "nosuch"
	run_pm 0 inspect --format '{{.HostConfig.Memory}}' "$cid"
	is "$output" 0 "the record is unchanged"
	run_pm 0 container update u1
	is "$output" "$cid" "nothing to change: the ID, as podman prints"
	run_pm 0 rm -f u1
}
