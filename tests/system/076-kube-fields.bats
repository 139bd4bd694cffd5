#!/usr/bin/env bats
# 076-kube-fields: the fields of a Pod's containers and volumes that 075-kube does not show,
# each by its effect inside the containers: securityContext (capabilities, privileged,
# allowPrivilegeEscalation, runAsNonRoot), shareProcessNamespace,
# terminationGracePeriodSeconds, stdin and tty, volumeMounts subPath and readOnly, hostPath
# DirectoryOrCreate and FileOrCreate, configMap defaultMode and an item's mode, envFrom's
# prefix, emptyDir sizeLimit, hostNetwork, a port's hostIP and protocol, imagePullPolicy.
# Written against `PM="podman --runtime runc"` too; the tests podman 4.3 fails say why.

# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers
load kube

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	Y=$BATS_TEST_TMPDIR
}

@test "play kube: capabilities add and drop, privileged, allowPrivilegeEscalation" {
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: caps}
spec:
  containers:
  - name: some
    image: $IMG
    command: ["sleep", "1000"]
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {add: [NET_ADMIN], drop: [CHOWN]}
  - name: all
    image: $IMG
    command: ["sleep", "1000"]
    securityContext: {privileged: true}
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	# CAP_CHOWN is bit 0, CAP_NET_ADMIN bit 12, CAP_SYS_ADMIN bit 21
	local bits='c=$(awk "/^CapEff/ {print \$2}" /proc/self/status)
echo $(( 0x$c & 1 )) $(( 0x$c >> 12 & 1 )) $(( 0x$c >> 21 & 1 ))
awk "/^NoNewPrivs/ {print \$2}" /proc/self/status'
	run_pm 0 exec caps-some sh -c "$bits"
	is "$output" "0 1 0
1" "CHOWN dropped, NET_ADMIN added, no SYS_ADMIN; no new privileges"
	run_pm 0 exec caps-all sh -c "$bits"
	is "$output" "1 1 1
0" "privileged: every capability"
	run_pm 0 pod rm -f -t 0 caps
	nothing_left
}

@test "play kube: runAsNonRoot refuses an image that runs as root, naming it; a runAsUser passes" {
	skip_if_podman "pm does better: podman 4.3 ignores runAsNonRoot and runs the image as root"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: nonroot}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    securityContext: {runAsNonRoot: true}
EOF
	run_pm 125 play kube "$Y/pod.yaml"
	is "$output" "Error: .*spec.containers\[0\].securityContext.runAsNonRoot: the image .*busybox.* runs as root .*: set runAsUser"
	nothing_left
	sed -i 's/{runAsNonRoot: true}/{runAsNonRoot: true, runAsUser: 4242}/' "$Y/pod.yaml"
	run_pm 0 play kube "$Y/pod.yaml"
	run_pm 0 exec nonroot-c id -u
	is "$output" "4242"
	run_pm 0 pod rm -f -t 0 nonroot
	nothing_left
}

@test "play kube: shareProcessNamespace, terminationGracePeriodSeconds, stdin and tty" {
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: share}
spec:
  shareProcessNamespace: true
  terminationGracePeriodSeconds: 7
  containers:
  - name: a
    image: $IMG
    command: ["sleep", "1001"]
  - name: b
    image: $IMG
    command: ["sleep", "1002"]
    stdin: true
    tty: true
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	run_pm 0 exec share-b sh -c 'ps -o args | grep -c "^sleep 100[12]"'
	is "$output" "2" "b sees a's process and its own"
	run_pm 0 inspect share-a share-b --format '{{.Config.StopTimeout}} {{.Config.Tty}} {{.Config.OpenStdin}}'
	if is_podman; then
		# podman 4.3 ignores terminationGracePeriodSeconds and stdin (pm does better)
		is "$output" "10 false false
10 true false"
	else
		is "$output" "7 false false
7 true true"
	fi
	if ! is_podman; then
		# generate kube writes it back (podman 4.3 drops it)
		run_pm 0 generate kube share
		assert_contains "$output" "shareProcessNamespace: true"
	fi
	run_pm 0 pod rm -f -t 0 share
	nothing_left
}

@test "play kube: subPath and readOnly mounts; hostPath DirectoryOrCreate and FileOrCreate" {
	mkdir -p "$Y/hp/inner"
	echo deep >"$Y/hp/inner/file"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: mnt}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    volumeMounts:
    - {name: hp, mountPath: /in, subPath: inner}
    - {name: hp, mountPath: /ro, readOnly: true}
    - {name: newdir, mountPath: /newdir}
    - {name: newfile, mountPath: /newfile}
  volumes:
  - name: hp
    hostPath: {path: $Y/hp, type: Directory}
  - name: newdir
    hostPath: {path: $Y/made/dir, type: DirectoryOrCreate}
  - name: newfile
    hostPath: {path: $Y/made-file, type: FileOrCreate}
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	run_pm 0 exec mnt-c sh -c 'cat /in/file 2>/dev/null || echo no-subpath; cat /ro/inner/file; touch /ro/x 2>/dev/null || echo ro
echo to-host >/newdir/f; test -f /newfile && echo file'
	# podman 4.3 ignores a hostPath's subPath (the whole directory at /in): pm does better
	is "$output" "$(is_podman && echo no-subpath || echo deep)
deep
ro
file"
	[ -d "$Y/made/dir" ] || die "DirectoryOrCreate did not make the directory"
	[ -f "$Y/made-file" ] || die "FileOrCreate did not make the file"
	is "$(cat "$Y/made/dir/f")" "to-host" "written through the made directory"
	run_pm 0 pod rm -f -t 0 mnt
	nothing_left
}

@test "play kube: configMap defaultMode and an item's mode; envFrom prefix" {
	skip_if_podman "pm does better: podman 4.3 ignores envFrom's prefix, defaultMode and an item's mode and path, and cannot make an item's directory"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data:
  a: one
  b: two
---
apiVersion: v1
kind: Pod
metadata: {name: cm}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    envFrom:
    - prefix: CM_
      configMapRef: {name: cfg}
    volumeMounts:
    - {name: all, mountPath: /all}
    - {name: some, mountPath: /some}
  volumes:
  - name: all
    configMap: {name: cfg, defaultMode: 0400}
  - name: some
    configMap:
      name: cfg
      items: [{key: b, path: sub/bee, mode: 0600}]
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	run_pm 0 exec cm-c sh -c 'echo $CM_a $CM_b; stat -c "%a %n" /all/a /all/b /some/sub/bee; cat /some/sub/bee; echo; ls /some'
	is "$output" "one two
400 /all/a
400 /all/b
600 /some/sub/bee
two
sub"
	run_pm 0 pod rm -f -t 0 cm
	nothing_left
}

@test "play kube: an emptyDir of medium Memory with a sizeLimit is a tmpfs of that size" {
	skip_if_podman "pm does better: podman 4.3 ignores medium Memory and sizeLimit (an ext4 volume)"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: mem}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  volumes:
  - name: scratch
    emptyDir: {medium: Memory, sizeLimit: 2Mi}
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	run_pm 0 exec mem-c sh -c 'df -k /scratch | awk "NR == 2 {print \$2}"; grep " /scratch " /proc/mounts | cut -d" " -f3'
	is "$output" "2048
tmpfs"
	run_pm 0 generate kube mem
	assert_contains "$output" "sizeLimit: \"2097152\""
	run_pm 0 pod rm -f -t 0 mem
	# a --tmpfs size in tmpfs's units becomes a quantity in Kubernetes' (2m is 2Mi, not 2
	# thousandths)
	run_pm 0 create --name tm --tmpfs /t:size=2m "$IMG" true
	run_pm 0 generate kube tm
	assert_contains "$output" 'sizeLimit: "2Mi"'
	assert_contains "$output" "name: t-tmpfs-0"
	run_pm 0 rm tm
	sed -i 's/sizeLimit: 2Mi/sizeLimit: lots/' "$Y/pod.yaml"
	run_pm 125 play kube "$Y/pod.yaml"
	is "$output" 'Error: .*spec.volumes\[0\].emptyDir.sizeLimit: "lots" is not a quantity'
	nothing_left
}

@test "play kube: hostNetwork serves on the host's own port; hostIP and protocol publish as asked" {
	skip_if_missing curl python3 slirp4netns
	local port hport
	port=$(free_port)
	hport=$(free_port)
	mkdir -p "$Y/www"
	echo "host net" >"$Y/www/index.html"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: hnet}
spec:
  hostNetwork: true
  containers:
  - name: web
    image: $IMG
    command: ["httpd", "-f", "-p", "127.0.0.1:$port", "-h", "/www"]
    volumeMounts: [{name: www, mountPath: /www}]
  volumes:
  - {name: www, hostPath: {path: $Y/www}}
---
apiVersion: v1
kind: Pod
metadata: {name: pub}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    ports:
    - {containerPort: 80, hostPort: $hport, hostIP: 127.0.0.1}
    - {containerPort: 53, hostPort: $hport, protocol: UDP}
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	run fetch "$port"
	is "$output" "host net" "served on the host's 127.0.0.1 without publishing"
	run_pm 0 generate kube hnet
	assert_contains "$output" "hostNetwork: true"
	assert_not_contains "$output" "ports: []"
	run_pm 0 ps --filter name=pub-c --format '{{.Ports}}'
	assert_contains "$output" "127.0.0.1:$hport->80/tcp"
	assert_contains "$output" "$hport->53/udp"
	run_pm 0 pod rm -f -t 0 hnet pub
	nothing_left
}

