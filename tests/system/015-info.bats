#!/usr/bin/env bats
# 015-info: pm info reports the host truthfully (kernel, cgroups, subordinate ranges,
# overlay in a user namespace, helper binaries), as JSON and through Go templates.

load helpers

@test "info --format json parses and names the kernel, arch and cgroup version" {
	skip_if_podman "pm's extra fields"
	run_pm 0 info --format json
	echo "$output" | jq -e . >/dev/null || die "not JSON: $output"
	is "$(echo "$output" | jq -r .host.kernel)" "$(uname -r)" "kernel"
	is "$(echo "$output" | jq -r .host.os)" "linux" "os"
	local want=v1
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = "cgroup2fs" ]; then want=v2; fi
	is "$(echo "$output" | jq -r .host.cgroupVersion)" "$want" "cgroup version"
	is "$(echo "$output" | jq -r .host.security.rootless)" "true" "rootless"
	is "$(echo "$output" | jq -r .store.graphRoot)" "$XDG_DATA_HOME/pm/storage" "graphRoot"
	is "$(echo "$output" | jq -r .store.runRoot)" "$XDG_RUNTIME_DIR/pm" "runRoot"
}

@test "info reports the cgroup controllers the host has, and none delegated on v1" {
	skip_if_podman "pm's extra fields"
	run_pm 0 info --format json
	if [ "$(stat -f -c %T /sys/fs/cgroup)" != "cgroup2fs" ]; then
		# v1: every enabled, mounted controller from /proc/cgroups
		local want
		want=$(awk '!/^#/ && $2 != 0 && $4 == 1 {print $1}' /proc/cgroups | sort | tr '\n' ' ')
		is "$(echo "$output" | jq -r '.host.cgroupControllers[]' | sort | tr '\n' ' ')" "$want" "controllers"
		is "$(echo "$output" | jq -r '.host.cgroupDelegatedControllers | length')" "0" "delegated"
	fi
}

@test "info shows the subordinate id mappings from /etc/subuid and /etc/subgid" {
	skip_if_podman "podman omits idMappings for some setups"
	local user start size gstart gsize
	user=$(id -un)
	read -r start size < <(awk -F: -v u="$user" -v i="$(id -u)" '$1==u || $1==i {print $2, $3; exit}' /etc/subuid)
	read -r gstart gsize < <(awk -F: -v u="$user" -v i="$(id -u)" '$1==u || $1==i {print $2, $3; exit}' /etc/subgid)
	[ -n "$start" ] || skip "no /etc/subuid range for $user"
	run_pm 0 info --format json
	is "$(echo "$output" | jq -c '.host.idMappings.uidmap')" \
		"\\[\\{\"container_id\":0,\"host_id\":$(id -u),\"size\":1\\},\\{\"container_id\":1,\"host_id\":$start,\"size\":$size\\}\\]" "uidmap"
	is "$(echo "$output" | jq -c '.host.idMappings.gidmap[1]')" \
		"\\{\"container_id\":1,\"host_id\":$gstart,\"size\":$gsize\\}" "gidmap"
}

@test "info says which helper binaries are installed" {
	skip_if_podman "pm's extra fields"
	run_pm 0 info --format json
	local tool key
	for tool in slirp4netns pasta fuse-overlayfs newuidmap newgidmap; do
		case $tool in
		fuse-overlayfs) key=fuseOverlayfs ;;
		*) key=$tool ;;
		esac
		is "$(echo "$output" | jq -r ".host.$key.executable")" "$(command -v "$tool" || true)" "$tool path"
	done
	# a version string for a present tool
	if command -v slirp4netns >/dev/null; then
		assert_contains "$(echo "$output" | jq -r .host.slirp4netns.version)" "slirp4netns version"
	fi
}

@test "info tells whether overlay mounts in a user namespace, and the answer is true" {
	skip_if_podman "pm's extra fields"
	skip_if_missing unshare
	# The truth, asked directly of the kernel.
	local d want=false
	d=$(mktemp -d)
	mkdir "$d/l" "$d/u" "$d/w" "$d/m"
	if unshare -rm sh -c "mount -t overlay overlay -o lowerdir=$d/l,upperdir=$d/u,workdir=$d/w,userxattr $d/m" 2>/dev/null; then
		want=true
	fi
	rm -rf "$d"
	run_pm 0 info --format json
	is "$(echo "$output" | jq -r .store.overlayInUserNamespace.native)" "$want" "overlay in userns"
}

@test "info Go templates: {{.Host.Kernel}} and {{.Store.GraphRoot}}" {
	run_pm 0 info --format '{{.Host.Kernel}}'
	is "$output" "$(uname -r)"
	run_pm 0 info --format '{{.Store.GraphRoot}}|{{.Host.Os}}'
	is "$output" ".+\\|linux"
}

@test "info: a bad template is exit 125 with the template's error" {
	run_pm 125 info --format '{{.Host.NoSuchField}}'
	assert_contains "$output" "NoSuchField"
	run_pm 125 info --format '{{.Host.Kernel'
	assert_contains "$output" "Error:"
}

@test "info default output is YAML-like and names the kernel" {
	run_pm 0 info
	assert_contains "$output" "kernel: $(uname -r)"
	assert_contains "$output" "graphRoot:"
}

@test "info takes no arguments" {
	run_pm 125 info extra
	assert_contains "$output" "Error:"
}

@test "info gives newuidmap's version, never its usage line" {
	skip_if_podman "pm's extra fields"
	command -v newuidmap >/dev/null || skip "no newuidmap"
	run_pm 0 info --format json
	local v
	v=$(echo "$output" | jq -r .host.newuidmap.version)
	assert_not_contains "$v" "usage"
	[ -n "$v" ] || die "no version for newuidmap"
	if command -v dpkg-query >/dev/null && dpkg-query -S "$(command -v newuidmap)" >/dev/null 2>&1; then
		local pkg
		pkg=$(dpkg-query -S "$(command -v newuidmap)" | cut -d: -f1)
		local want
		want="$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
		[ "$v" = "$want" ] || die "newuidmap version '$v', expected '$want'"
	fi
	# fuse-overlayfs' own version line, not fusermount3's nor the option noise before it
	if command -v fuse-overlayfs >/dev/null; then
		assert_contains "$(echo "$output" | jq -r .host.fuseOverlayfs.version)" "fuse-overlayfs"
	fi
}
