#!/usr/bin/env bats
# 098-kube-pull: play kube pulls what the YAML's images need from a registry (Debian's
# docker-registry on loopback, tests/system/registry.bash), as imagePullPolicy says:
# Always pulls, Never uses the local image only, IfNotPresent (and no policy) pulls a missing
# one; a failed pull leaves no pod. Runs against podman too (PM="podman --runtime runc").

# shellcheck disable=SC2154 # $stderr and $output are set by run_pm_split (helpers.bash)

load helpers
load registry

setup() {
	basic_setup
	_pm_has_command pull || skip "$PM has no pull command"
	Y=$BATS_TEST_TMPDIR
}

teardown() {
	registry_stop
	basic_teardown
}

# pod_yaml NAME IMAGE [POLICY]: a pod of one sleeping container
pod_yaml() {
	cat >"$Y/$1.yaml" <<EOF2
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  containers:
  - name: c
    image: $2
    command: ["sleep", "1000"]
${3:+    imagePullPolicy: $3}
EOF2
}

# no_pod_left NAME: a failed play left neither the pod nor a container (pm's own: podman 4.3
# leaves the pod and its infra container behind, removed here so its run goes on)
no_pod_left() {
	if is_podman; then
		run_pm 0 pod rm -f -t 0 "$1"
		return
	fi
	run_pm 1 pod exists "$1"
	run_pm 0 ps -a -q
	is "$output" "" "no container left"
}

@test "play kube: a missing image is pulled (no policy, IfNotPresent), progress on stderr" {
	registry_start
	registry_seed busybox "pm/kb:v1" >/dev/null
	pod_yaml p1 "$REG/pm/kb:v1"
	run_pm_split 0 play kube --tls-verify=false "$Y/p1.yaml"
	assert_contains "$stderr" "Trying to pull $REG/pm/kb:v1..."
	assert_contains "$stderr" "Writing manifest to image destination"
	run_pm 0 image exists "$REG/pm/kb:v1"
	run_pm 0 ps --filter name=p1-c --filter status=running --format '{{.Image}}'
	is "$output" "$REG/pm/kb:v1" "the running container's image"
	run_pm 0 pod rm -f -t 0 p1
	# stored now: IfNotPresent does not ask the registry again, -q is quiet either way
	local before
	before=$(registry_requests GET '^/v2/pm/kb/manifests/')
	pod_yaml p2 "$REG/pm/kb:v1" IfNotPresent
	run_pm_split 0 play kube -q --tls-verify=false "$Y/p2.yaml"
	assert_not_contains "$stderr" "Trying to pull" "stderr with -q"
	is "$(registry_requests GET '^/v2/pm/kb/manifests/')" "$before" "manifest GETs"
	run_pm 0 pod rm -f -t 0 p2
}

@test "play kube: imagePullPolicy Always pulls a stored image again, Never refuses a missing one" {
	registry_start
	registry_seed busybox "pm/kb:v1" >/dev/null
	run_pm 0 pull -q --tls-verify=false "$REG/pm/kb:v1"
	local before
	before=$(registry_requests GET '^/v2/pm/kb/manifests/')
	pod_yaml p1 "$REG/pm/kb:v1" Always
	run_pm 0 play kube --tls-verify=false "$Y/p1.yaml"
	[ "$(registry_requests GET '^/v2/pm/kb/manifests/')" -gt "$before" ] ||
		die "Always did not ask the registry"
	run_pm 0 pod rm -f -t 0 p1
	pod_yaml p2 "$REG/pm/absent:v1" Never
	run_pm 125 play kube --tls-verify=false "$Y/p2.yaml"
	assert_contains "$output" "$REG/pm/absent:v1"
	no_pod_left p2
}

@test "play kube: an image no registry has fails with the pull's error and leaves no pod" {
	registry_start
	pod_yaml p1 "$REG/pm/nosuch:v1"
	run_pm 125 play kube --tls-verify=false "$Y/p1.yaml"
	assert_contains "$output" "$REG/pm/nosuch"
	no_pod_left p1
	# an unreachable registry: named, quickly
	pod_yaml p2 "127.0.0.1:9/pm/x:v1"
	run_pm 125 play kube --tls-verify=false "$Y/p2.yaml"
	assert_contains "$output" "127.0.0.1:9"
	no_pod_left p2
	assert_storage_clean
}
