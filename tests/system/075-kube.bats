#!/usr/bin/env bats
# 075-kube: `play kube` / `kube play` and `kube down` / `play kube --down` as podman 4.3 has
# them: a Pod and a Deployment (pods named NAME-pod, containers POD-CONTAINER), command and
# args over the image's entrypoint and cmd, env (values, configMapKeyRef, fieldRef), envFrom,
# workingDir, hostPort served from the host, volumes (hostPath, emptyDir shared between
# containers and as a tmpfs, configMap with items), init containers run first, hostname and
# hostAliases, securityContext, --start=false, --replace, --configmap, the report's lines,
# and bad input (exit 125, the bad value named, nothing left). pm's own: every field pm does
# not apply is named on stderr, --strict, a Secret kind, DaemonSet and Job kinds (podman 5's
# NAME-pod), PersistentVolumeClaims (reused, kept by kube down unless --force), --publish,
# --log-driver, generate kube of a volume.
# Written against `PM="podman --runtime runc"` too.

# shellcheck disable=SC2016 # container commands are single-quoted on purpose

load helpers
load kube

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
	Y=$BATS_TEST_TMPDIR
}

@test "play kube: a pod with two containers; the report; env, command, args, hostname; kube down" {
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: srv
    image: $IMG
    command: ["sh", "-c"]
    args: ["echo started \$FOO; sleep 1000"]
    workingDir: /tmp
    env:
    - name: FOO
      value: bar
  - name: side
    image: $IMG
    args: ["sleep", "1000"]
EOF
	run_pm_split 0 play kube "$Y/pod.yaml"
	is "${lines[0]}" "Pod:"
	pod=${lines[1]}
	is "${lines[2]}" "Containers:"
	is "${#lines[@]}" 5 "pod, its id, Containers:, two ids"
	run_pm 0 pod inspect --format '{{.Name}} {{.Id}} {{.NumContainers}}' web
	is "$output" "web $pod 3"
	run_pm 0 ps --filter pod=web --format '{{.Names}}' --sort names
	assert_contains "$output" "web-side"
	assert_contains "$output" "web-srv"
	run_pm 0 exec web-srv sh -c 'echo $FOO; pwd; hostname'
	is "$output" "bar
/tmp
web"
	run_pm 0 logs web-srv
	is "$output" "started bar"
	# args without command: the image's entrypoint (none) with the args
	run_pm 0 inspect --format '{{.Config.Cmd}}' web-side
	assert_contains "$output" "sleep 1000"
	run_pm 0 inspect --format '{{.HostConfig.RestartPolicy.Name}}' web-srv
	is "$output" always "Kubernetes' default restartPolicy"
	run_pm_split 0 kube down "$Y/pod.yaml"
	is "$output" "Pods stopped:
$pod
Pods removed:
$pod"
	nothing_left
	run_pm 125 kube down "$Y/pod.yaml"
	assert_contains "$output" "no pod with name or ID web found"
}

@test "kube play / play kube --down; a single container says Container:" {
	cat >"$Y/one.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: one
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
EOF
	run_pm_split 0 kube play "$Y/one.yaml"
	is "${lines[2]}" "Container:"
	run_pm 0 inspect --format '{{.HostConfig.RestartPolicy.Name}}' one-c
	is "$output" no
	run_pm 0 play kube --down "$Y/one.yaml"
	assert_contains "$output" "Pods removed:"
	nothing_left
}

@test "play kube: a Deployment is one pod NAME-pod-0; hostPort served from the host; configMap volume; emptyDir shared and as a tmpfs" {
	skip_if_missing curl python3
	local port
	port=$(free_port)
	cat >"$Y/web.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: page
data:
  index.html: |
    hello from a configmap
  greeting: hi there
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: srv
        image: $IMG
        command: ["httpd", "-f", "-p", "80", "-h", "/www"]
        ports:
        - containerPort: 80
          hostPort: $port
        volumeMounts:
        - name: page
          mountPath: /www
        - name: shared
          mountPath: /shared
      - name: side
        image: $IMG
        command: ["sh", "-c", "echo \$GREETING from \$POD; sleep 1000"]
        env:
        - name: GREETING
          valueFrom:
            configMapKeyRef:
              name: page
              key: greeting
        - name: POD
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        volumeMounts:
        - name: shared
          mountPath: /shared
        - name: mem
          mountPath: /mem
      volumes:
      - name: page
        configMap:
          name: page
          items:
          - key: index.html
            path: index.html
      - name: shared
        emptyDir: {}
      - name: mem
        emptyDir:
          medium: Memory
EOF
	run_pm 0 play kube "$Y/web.yaml"
	run_pm 0 pod ps --format '{{.Name}}'
	is "$output" web-pod-0 "a Deployment's pod, named as podman 4 names it"
	run fetch "$port" index.html
	is "$output" "hello from a configmap" "the page, from the host through the hostPort"
	run_pm 0 exec web-pod-0-srv sh -c 'echo from-srv > /shared/f'
	run_pm 0 exec web-pod-0-side sh -c 'cat /shared/f; wget -qO- http://127.0.0.1/index.html'
	is "$output" "from-srv
hello from a configmap" "an emptyDir is shared; the server is reached over 127.0.0.1"
	if ! is_podman; then
		# pm does better: podman 4.3 ignores medium Memory (an ext4 volume)
		run_pm 0 exec web-pod-0-side sh -c 'grep " /mem " /proc/mounts | cut -d" " -f3'
		is "$output" tmpfs "emptyDir medium Memory"
	fi
	run_pm 0 logs web-pod-0-side
	is "$output" "hi there from web-pod-0"
	run_pm 0 kube down "$Y/web.yaml"
	nothing_left
	port_is_free "$port" || die "port $port still held"
}

@test "play kube: init containers run to completion in order before the others, then go" {
	skip_if_podman "podman 4.3 with runc here fails to remove a once init container it thinks runs"
	cat >"$Y/init.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: ini}
spec:
  initContainers:
  - name: first
    image: $IMG
    command: ["sh", "-c", "echo one > /shared/log"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: second
    image: $IMG
    command: ["sh", "-c", "echo two >> /shared/log"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: main
    image: $IMG
    command: ["sleep", "1000"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    emptyDir: {}
EOF
	run_pm 0 play kube "$Y/init.yaml"
	run_pm 0 exec ini-main cat /shared/log
	is "$output" "one
two"
	run_pm 0 ps -a --format '{{.Names}}' --filter pod=ini
	[[ "$output" != *ini-first* && "$output" != *ini-second* ]] ||
		die "an init container is left: $output"
	run_pm 0 pod rm -f -t 0 ini
	# a failing init container: the pod is not started, nothing is left
	sed -i 's/echo two >> \/shared\/log/exit 3/' "$Y/init.yaml"
	run_pm 125 play kube "$Y/init.yaml"
	assert_contains "$output" "ini-second exited with 3"
	nothing_left
}

@test "play kube: --start=false creates, --replace recreates, --configmap gives values" {
	cat >"$Y/cm.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
EOF
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sh", "-c", "echo \$COLOR; sleep 1000"]
    envFrom:
    - configMapRef:
        name: settings
EOF
	run_pm_split 0 play kube --start=false --configmap "$Y/cm.yaml" "$Y/pod.yaml"
	old=${lines[1]}
	run_pm 0 ps -a --format '{{.Names}} {{.State}}' --filter name=p-c
	is "$output" "p-c Created"
	run_pm 125 play kube --configmap "$Y/cm.yaml" "$Y/pod.yaml"
	run_pm_split 0 play kube --replace --configmap "$Y/cm.yaml" "$Y/pod.yaml"
	is "${lines[0]}" "Pods stopped:"
	is "${lines[1]}" "$old"
	run_pm 0 exec p-c sh -c 'echo $color'
	is "$output" blue
	run_pm 0 pod rm -f -t 0 p
	nothing_left
}

@test "play kube: hostAliases, hostname, securityContext runAsUser and readOnlyRootFilesystem" {
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: sec
spec:
  hostname: myhost
  hostAliases:
  - ip: 10.1.2.3
    hostnames: ["db.example", "db"]
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    securityContext:
      runAsUser: 1000
      runAsGroup: 1000
      readOnlyRootFilesystem: true
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	run_pm 0 exec sec-c sh -c 'hostname; id -u; id -g; grep -c "10.1.2.3.*db" /etc/hosts; touch /x 2>/dev/null || echo ro'
	is "$output" "myhost
1000
1000
2
ro"
	run_pm 0 pod rm -f -t 0 sec
	nothing_left
}

@test "play kube: bad input is 125 naming it, nothing left" {
	run_pm 125 play kube "$Y/nope.yaml"
	assert_contains "$output" "nope.yaml"
	printf 'kind: Pod\nmetadata: {name: x\n' >"$Y/bad.yaml"
	run_pm 125 play kube "$Y/bad.yaml"
	assert_contains "$output" "line"
	printf 'kind: Foo\nmetadata: {name: x}\n' >"$Y/foo.yaml"
	run_pm 125 play kube "$Y/foo.yaml"
	cat >"$Y/type.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  containers:
  - name: a
    image: $IMG
    ports:
    - containerPort: abc
EOF
	run_pm 125 play kube "$Y/type.yaml"
	assert_contains "$output" "containerPort"
	nothing_left
}

@test "play kube: a missing image or ConfigMap key is 125 naming it; the pod made goes" {
	skip_if_podman "pm does better: podman 4.3 leaves the pod and its containers behind"
	cat >"$Y/img.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: noimg}
spec:
  containers:
  - name: a
    image: $IMG
    command: ["sleep", "1000"]
  - name: b
    image: localhost/no-such-image
EOF
	run_pm 125 play kube "$Y/img.yaml"
	assert_contains "$output" "no-such-image"
	cat >"$Y/key.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {a: b}
---
apiVersion: v1
kind: Pod
metadata: {name: nokey}
spec:
  containers:
  - name: a
    image: $IMG
    env:
    - name: X
      valueFrom:
        configMapKeyRef: {name: cm, key: missing}
EOF
	run_pm 125 play kube "$Y/key.yaml"
	assert_contains "$output" "missing"
	nothing_left
}

@test "play kube: a hostPort in use is 125 naming it, nothing left" {
	skip_if_missing python3
	skip_if_podman "pm's own: podman 4.3 leaves the pod behind"
	hold_port
	local port=$HELD_PORT
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: busy}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    ports:
    - containerPort: 80
      hostPort: $port
EOF
	run_pm 125 play kube "$Y/pod.yaml"
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	assert_contains "$output" "$port"
	nothing_left
}

@test "play kube: every field pm does not apply is named; --strict refuses it, nothing made" {
	skip_if_podman "pm's own: podman ignores such fields without a word and has no --strict"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: w
spec:
  dnsPolicy: ClusterFirst
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    lifecycle:
      preStop:
        exec:
          command: ["true"]
EOF
	run_pm_split 0 play kube "$Y/pod.yaml"
	assert_contains "$stderr" "spec.dnsPolicy: not supported, ignored"
	assert_contains "$stderr" "spec.containers[0].lifecycle: not supported, ignored"
	run_pm 0 pod rm -f -t 0 w
	run_pm 125 play kube --strict "$Y/pod.yaml"
	assert_contains "$output" "not supported"
	assert_contains "$output" "--strict"
	nothing_left
}

@test "play kube: a Secret of the file or of the secret store gives env (never in inspect) and a secret volume" {
	skip_if_podman "pm's own: podman 4.3 has no Secret kind in play kube"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata: {name: creds}
data:
  password: $(printf 's3cret' | base64)
stringData:
  user: admin
---
apiVersion: v1
kind: Pod
metadata: {name: s}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    env:
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: creds, key: password}
    volumeMounts:
    - name: credvol
      mountPath: /creds
  volumes:
  - name: credvol
    secret:
      secretName: creds
EOF
	run_pm 0 play kube "$Y/pod.yaml"
	run_pm 0 exec s-c sh -c 'echo $PASSWORD; cat /creds/user; echo; cat /creds/password'
	is "$output" "s3cret
admin
s3cret"
	# the value is handed over as a secret: never in the container's config
	run_pm 0 inspect s-c
	[[ "$output" != *s3cret* ]] || die "the Secret's value shows in inspect"
	run_pm 0 secret ls --format '{{.Name}}'
	is "$output" "" "no store secret is left from handing values over"
	if ! is_podman; then
		# generate kube names the Secret the volume came from, never its values
		run_pm 0 generate kube s
		assert_contains "$output" "secretName: creds"
		[[ "$output" != *s3cret* ]] || die "the Secret's value shows in generate kube"
	fi
	run_pm 0 pod rm -f -t 0 s
	# a Secret kept in pm's secret store (as podman reads one): secretKeyRef finds it there
	cat >"$Y/stored.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata: {name: dbcreds}
data:
  password: $(printf 'st0red' | base64)
EOF
	run_pm 0 secret create dbcreds "$Y/stored.yaml"
	cat >"$Y/pod2.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: s2}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    env:
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: dbcreds, key: password}
EOF
	run_pm 0 play kube "$Y/pod2.yaml"
	run_pm 0 exec s2-c sh -c 'echo $PASSWORD'
	is "$output" st0red
	run_pm 0 pod rm -f -t 0 s2
	run_pm 0 secret rm dbcreds
	nothing_left
}

@test "play kube: a DaemonSet is one pod NAME-pod whose container runs; kube down removes it" {
	skip_if_podman "pm's own: podman 4.3 has no DaemonSet kind in play kube"
	cat >"$Y/ds.yaml" <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: a
        image: $IMG
        command: ["sh", "-c", "echo agent runs in \$(hostname); sleep 1000"]
EOF
	run_pm_split 0 play kube "$Y/ds.yaml"
	is "${lines[0]}" "Pod:"
	run_pm 0 pod ps --format '{{.Name}} {{.Labels}}'
	assert_contains "$output" "agent-pod " "a DaemonSet's pod, named as podman 5 names it"
	assert_contains "$output" "app:agent" "the template's labels"
	run_pm 0 exec agent-pod-a cat /proc/1/cmdline
	assert_contains "$output" "sleep" "the container runs"
	run_pm_split 0 kube down "$Y/ds.yaml"
	is "${lines[0]}" "Pods stopped:"
	nothing_left
}

@test "play kube: a Job's containers run to completion, none restarted; restartPolicy Always or none is refused" {
	skip_if_podman "pm's own: podman 4.3 has no Job kind in play kube"
	cat >"$Y/job.yaml" <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: batch
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: ok
        image: $IMG
        command: ["sh", "-c", "echo job done"]
EOF
	run_pm 0 play kube "$Y/job.yaml"
	assert_contains "$output" "Pod:"
	assert_contains "$output" "spec.backoffLimit: not supported, ignored" "what pm does not apply is named"
	run_pm 0 wait batch-pod-ok
	is "$output" 0 "the Job's container ran to completion"
	run_pm 0 logs batch-pod-ok
	is "$output" "job done"
	run_pm 0 inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}}' batch-pod-ok
	is "$output" "exited 0 0 on-failure" "exit 0 is not restarted under OnFailure"
	run_pm_split 0 kube down "$Y/job.yaml"
	is "${lines[0]}" "Pods stopped:"
	nothing_left

	sed -i 's/restartPolicy: OnFailure/restartPolicy: Never/; s/echo job done/exit 3/' "$Y/job.yaml"
	run_pm 0 play kube "$Y/job.yaml"
	run_pm 0 wait batch-pod-ok
	is "$output" 3 "wait gives the Job container's exit code"
	run_pm 0 inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' batch-pod-ok
	is "$output" "exited 3 0" "its exit code in inspect; Never: not restarted"
	run_pm 0 kube down "$Y/job.yaml"
	nothing_left

	sed -i 's/restartPolicy: Never/restartPolicy: Always/' "$Y/job.yaml"
	run_pm 125 play kube "$Y/job.yaml"
	is "$output" 'Error: spec.template.spec.restartPolicy: "Always": a Job runs to completion: OnFailure or Never'
	nothing_left
	sed -i '/restartPolicy: Always/d' "$Y/job.yaml"
	run_pm 125 play kube "$Y/job.yaml"
	is "$output" "Error: spec.template.spec.restartPolicy: required for a Job: OnFailure or Never"
	nothing_left
}

@test "play kube: a PersistentVolumeClaim is a named volume its pod claims; it survives kube down, is reused, goes with --force" {
	skip_if_podman "pm's own: podman 4.3 fails to play a claim whose volume exists, and has no kube down --force"
	cat >"$Y/pvc.yaml" <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: store
  labels:
    app: keep
  annotations:
    volume.podman.io/driver: local
    volume.podman.io/uid: "1000"
    volume.podman.io/import-source: /nonexistent.tar
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: use
spec:
  restartPolicy: Never
  containers:
  - name: w
    image: $IMG
    command: ["sh", "-c", "cat /data/f 2>/dev/null; echo run >> /data/f; stat -c %u /data"]
    volumeMounts:
    - name: d
      mountPath: /data
  volumes:
  - name: d
    persistentVolumeClaim:
      claimName: store
EOF
	run_pm_split 0 play kube "$Y/pvc.yaml"
	is "${lines[0]}" "Volumes:"
	is "${lines[1]}" "store"
	is "${lines[2]}" "Pod:"
	run_pm 0 play kube "$Y/pvc.yaml" --replace
	assert_contains "$output" "metadata.annotations.volume.podman.io/import-source: not supported, ignored"
	assert_contains "$output" "spec.storageClassName: not supported, ignored"
	assert_contains "$output" "spec.resources.requests.storage: 1Gi: a pm volume has no size, not applied"
	run_pm 0 volume inspect --format '{{.Name}} {{.Labels}} {{.UID}}' store
	is "$output" 'store map\[app:keep\] 1000' "the claim's name, labels and uid annotation"
	run_pm 0 wait use-w
	run_pm 0 kube down "$Y/pvc.yaml"
	run_pm 0 volume exists store
	run_pm 0 play kube "$Y/pvc.yaml"
	run_pm 0 wait use-w
	run_pm 0 logs use-w
	is "$output" "run
run
1000" "the file written by the earlier plays is seen by the next; the volume is reused"
	run_pm_split 0 kube down --force "$Y/pvc.yaml"
	is "${lines[0]}" "Pods stopped:"
	is "${lines[4]}" "Volumes removed:"
	is "${lines[5]}" "store"
	run_pm 1 volume exists store
	nothing_left
	# a claim whose annotation pm cannot apply: 125 naming it, nothing made
	sed -i 's|volume.podman.io/uid: "1000"|volume.podman.io/gid: "x1"|' "$Y/pvc.yaml"
	run_pm 125 play kube "$Y/pvc.yaml"
	is "$output" 'Error: document 1: metadata.annotations.volume.podman.io/gid: "x1" is not a number'
	run_pm 1 volume exists store
	nothing_left
	# a pod that fails after the claim's volume was made: the volume goes too
	sed -i 's|volume.podman.io/gid: "x1"|volume.podman.io/gid: "1"|; s|image: .*|image: nosuchimage|' "$Y/pvc.yaml"
	run_pm 125 play kube "$Y/pvc.yaml"
	assert_contains "$output" "nosuchimage"
	run_pm 1 volume exists store
	nothing_left
}

@test "play kube: --log-driver none: the containers keep no log, logs says so as podman's" {
	skip_if_podman "podman 4.3's kube play ignores --log-driver none (its containers log)"
	cat >"$Y/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: quiet}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sh", "-c", "echo said; sleep 1000"]
EOF
	run_pm 0 play kube --log-driver none "$Y/pod.yaml"
	run_pm 0 inspect --format '{{.HostConfig.LogConfig.Type}} [{{.HostConfig.LogConfig.Path}}]' quiet-c
	is "$output" "none \[\]"
	run_pm 125 logs quiet-c
	is "$output" "Error: this container is using the 'none' log driver, cannot read logs: this container is not logging output"
	run_pm 0 pod rm -f -t 0 quiet
	nothing_left
}

@test "play kube: --publish overrides a hostPort (reached from the host) or adds one; --log-driver k8s-file; bad values are 125" {
	skip_if_podman "pm's own: podman 4.3 has no --publish for kube play and leaves the pod of a bad --log-driver"
	skip_if_missing curl python3
	local yport port
	yport=$(free_port)
	port=$(free_port)
	cat >"$Y/web.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: pub
spec:
  containers:
  - name: srv
    image: $IMG
    command: ["sh", "-c", "echo served > /tmp/index.html; httpd -f -p 80 -h /tmp"]
    ports:
    - containerPort: 80
      hostPort: $yport
EOF
	run_pm 0 play kube --publish "127.0.0.1:$port:80" --log-driver k8s-file -q "$Y/web.yaml"
	assert_contains "$output" "Pod:" "-q: the report still prints, as podman's"
	run fetch "$port" index.html
	is "$output" "served" "the --publish port serves from the host"
	port_is_free "$yport" || die "the overridden hostPort $yport is held"
	run_pm 0 pod inspect --format '{{.InfraConfig.PortBindings}}' pub
	assert_contains "$output" "$port"
	run_pm 0 kube down "$Y/web.yaml"
	nothing_left

	run_pm 125 play kube --publish "8o:80" "$Y/web.yaml"
	assert_contains "$output" "--publish '8o:80'"
	nothing_left
	run_pm 125 play kube --log-driver bogus "$Y/web.yaml"
	is "$output" "Error: --log-driver 'bogus': invalid log driver: invalid argument"
	run_pm 125 play kube --log-driver journald "$Y/web.yaml"
	is "$output" "Error: --log-driver 'journald': not supported: .*"
	run_pm 125 play kube --force "$Y/web.yaml"
	is "$output" "Error: --force needs --down"
	nothing_left
}

@test "generate kube: a volume is a PersistentVolumeClaim (with a pod: two documents); play of it makes the volume again" {
	run_pm 0 volume create --label app=db -o type=tmpfs -o device=tmpfs -o o=uid=1000 dbvol
	run_pm_split 0 generate kube dbvol
	echo "$output" >"$Y/vol.yaml"
	assert_contains "$output" "kind: PersistentVolumeClaim"
	assert_contains "$output" "volume.podman.io/driver: local"
	assert_contains "$output" "volume.podman.io/type: tmpfs"
	assert_contains "$output" "volume.podman.io/mount-options: uid=1000"
	assert_contains "$output" "name: dbvol"
	assert_contains "$output" "- ReadWriteOnce"
	assert_contains "$output" "storage: 1Gi"
	run_pm 0 volume rm dbvol
	run_pm 0 play kube "$Y/vol.yaml"
	assert_contains "$output" "dbvol"
	run_pm 0 volume inspect --format '{{.Labels}} {{.Options.type}} {{.Options.o}}' dbvol
	is "$output" 'map\[app:db\] tmpfs uid=1000' "the volume made again from its claim"
	if ! is_podman; then
		# podman 4.3 fails on a claim whose volume exists; pm reuses it as podman 5
		run_pm 0 play kube "$Y/vol.yaml"
		assert_contains "$output" "dbvol"
		# with a pod: the claim first, then the pod, separated by ---
		run_pm 0 pod create --name withvol
		run_pm 0 create --pod withvol --name withvol-c -v dbvol:/data "$IMG" true
		run_pm 0 generate kube withvol dbvol
		assert_contains "$output" "---"
		assert_contains "$output" "claimName: dbvol"
		local first
		first=$(echo "$output" | grep -m1 '^kind:')
		is "$first" "kind: PersistentVolumeClaim" "the claim comes first"
		run_pm 0 pod rm -f withvol
	fi
	run_pm 0 volume rm dbvol
	nothing_left
}

@test "generate kube: podman's header, a Pod of the pod's containers, -s a Service, -f a file; unknown names are 125" {
	skip_if_missing python3
	local port
	port=$(free_port)
	run_pm 0 pod create --name gp -p "$port:80"
	run_pm 0 run -d --pod gp --name gp-web -e GREETING=hi -w /tmp "$IMG" sleep 1000
	run_pm_split 0 generate kube gp
	is "${lines[0]}" "# Save the output of this file and use kubectl create -f to import"
	assert_contains "$output" "kind: Pod"
	assert_contains "$output" "name: gp"
	assert_contains "$output" "hostPort: $port"
	assert_contains "$output" "value: hi"
	assert_contains "$output" "workingDir: /tmp"
	[[ "$output" != *"kind: Service"* ]] || die "a Service without -s"
	run_pm_split 0 kube generate -s gp
	assert_contains "$output" "kind: Service"
	assert_contains "$output" "nodePort: "
	run_pm 0 generate kube -f "$Y/out.yaml" gp
	grep -q "kind: Pod" "$Y/out.yaml" || die "no Pod in the file"
	run_pm 125 generate kube -f "$Y/out.yaml" gp
	run_pm 125 generate kube nope
	assert_contains "$output" "nope"
	run_pm 0 pod rm -f -t 0 gp
	nothing_left
}

@test "generate kube round trip: play, generate, down, play the generated YAML: the same pod" {
	skip_if_podman "pm's own: podman 4.3 names the containers POD-CTR in the YAML and turns configMap volumes into claims"
	skip_if_missing curl python3
	local port
	port=$(free_port)
	cat >"$Y/web.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: page}
data:
  index.html: |
    round trip
---
apiVersion: v1
kind: Pod
metadata:
  name: rt
  labels: {app: rt}
spec:
  restartPolicy: OnFailure
  containers:
  - name: srv
    image: $IMG
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    ports: [{containerPort: 80, hostPort: $port}]
    volumeMounts: [{name: page, mountPath: /www}, {name: shared, mountPath: /shared}]
  - name: side
    image: $IMG
    command: ["sh", "-c"]
    args: ["echo \$A; sleep 1000"]
    env: [{name: A, value: "1"}]
    workingDir: /shared
    securityContext: {runAsUser: 1000, runAsGroup: 1000}
    volumeMounts: [{name: shared, mountPath: /shared}, {name: mem, mountPath: /mem}]
  volumes:
  - {name: page, configMap: {name: page}}
  - {name: shared, emptyDir: {}}
  - {name: mem, emptyDir: {medium: Memory}}
EOF
	run_pm 0 play kube "$Y/web.yaml"
	run_pm_split 0 generate kube rt
	echo "$output" >"$Y/gen.yaml"
	run_pm 0 kube down "$Y/web.yaml"
	run_pm 0 play kube "$Y/gen.yaml"
	run_pm 0 ps -a --format '{{.Names}}' --filter pod=rt --sort names
	assert_contains "$output" "rt-side"
	assert_contains "$output" "rt-srv"
	run fetch "$port" index.html
	is "$output" "round trip" "the ConfigMap's page, served again"
	run_pm 0 exec rt-side sh -c 'echo $A; pwd; id -u; grep " /mem " /proc/mounts | cut -d" " -f3'
	is "$output" "1
/shared
1000
tmpfs"
	run_pm 0 inspect --format '{{.HostConfig.RestartPolicy.Name}}' rt-srv
	is "$output" on-failure
	# generated again: the same YAML but for the times
	run_pm_split 0 generate kube rt
	diff <(grep -v creationTimestamp "$Y/gen.yaml") <(grep -v creationTimestamp <<<"$output") ||
		die "the regenerated YAML differs"
	run_pm 0 kube down "$Y/gen.yaml"
	nothing_left
}

@test "generate kube: the YAML is valid for the Kubernetes API (Pod, Service, ConfigMap, PersistentVolumeClaim; a lone container)" {
	skip_if_podman "pm's own check of its output"
	[ -f "${PM_KUBE_MODELS:-}/kube-validate.mjs" ] ||
		skip "no Kubernetes schema here (tests/lib/kube-models.sh needs node and npm)"
	skip_if_missing node
	cat >"$Y/web.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: page}
data: {index.html: hi}
---
apiVersion: v1
kind: Pod
metadata: {name: val}
spec:
  containers:
  - name: srv
    image: $IMG
    command: ["httpd", "-f", "-p", "80"]
    ports: [{containerPort: 80, hostPort: 18080, protocol: TCP}]
    securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [NET_RAW]}}
    resources: {limits: {memory: 64Mi}}
    volumeMounts: [{name: page, mountPath: /www}, {name: host, mountPath: /host, readOnly: true}]
  volumes:
  - {name: page, configMap: {name: page}}
  - {name: host, hostPath: {path: $Y, type: Directory}}
EOF
	run_pm 0 play kube --start=false "$Y/web.yaml"
	run_pm 0 create --name lone -p 18081:80 -e X=1 "$IMG" sleep 1000
	run_pm 0 volume create --label app=val -o o=uid=1000,gid=1000 valvol
	run_pm_split 0 generate kube -s val lone valvol
	echo "$output" >"$Y/gen.yaml"
	run node "$PM_KUBE_MODELS/kube-validate.mjs" "$Y/gen.yaml"
	echo "$output"
	[ "$status" -eq 0 ] || die "the generated YAML is not valid"
	assert_contains "$output" "v1/Pod val: valid"
	assert_contains "$output" "v1/Pod lone-pod: valid"
	assert_contains "$output" "v1/Service val: valid"
	assert_contains "$output" "v1/ConfigMap val-page: valid"
	assert_contains "$output" "v1/PersistentVolumeClaim valvol: valid"
	# the validator does catch a bad document
	sed -i 's/containerPort: 80$/containerPort: "80"/' "$Y/gen.yaml"
	run node "$PM_KUBE_MODELS/kube-validate.mjs" "$Y/gen.yaml"
	[ "$status" -ne 0 ] || die "the validator accepted a string containerPort"
	run_pm 0 rm lone
	run_pm 0 pod rm val
	run_pm 0 volume rm valvol
	nothing_left
}

@test "play kube: an exec livenessProbe is the container's health check and restarts it; a readinessProbe only marks it; a startupProbe runs first" {
	skip_if_podman "pm's own: podman 4.3 runs probes with systemd timers, absent here"
	cat >"$Y/probe.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: pr}
spec:
  containers:
  - name: live
    image: $IMG
    command: ["sh", "-c", "touch /tmp/ok; sleep 1000"]
    livenessProbe:
      exec: {command: ["test", "-f", "/tmp/ok"]}
      periodSeconds: 1
      failureThreshold: 1
  - name: ready
    image: $IMG
    command: ["sleep", "1000"]
    readinessProbe:
      exec: {command: ["true"]}
      periodSeconds: 1
      timeoutSeconds: 5
    startupProbe:
      exec: {command: ["true"]}
      periodSeconds: 1
      failureThreshold: 30
EOF
	run_pm_split 0 play kube "$Y/probe.yaml"
	[[ "$stderr" != *Probe* ]] || die "a probe was reported as not applied: $stderr"
	# the startupProbe is the startup check run before the readiness probe
	run_pm 0 inspect --format '{{.Config.StartupHealthCheck.Test}} {{.Config.StartupHealthCheck.Interval}} {{.Config.StartupHealthCheck.Retries}}' pr-ready
	is "$output" "\[CMD true\] 1000000000 30"
	run_pm 0 inspect --format '{{.Config.Healthcheck.Test}} {{.Config.HealthcheckOnFailureAction}}' pr-live
	is "$output" "\[CMD test -f /tmp/ok\] restart"
	run_pm 0 inspect --format '{{.Config.Healthcheck.Timeout}} {{.Config.Healthcheck.Retries}}' pr-ready
	is "$output" "5000000000 3"
	local _ started
	for _ in $(seq 100); do
		[[ "$(q ps --filter name=pr-ready --format '{{.Status}}')" == *"(healthy)"* ]] && break
		sleep 0.1
	done
	[[ "$(q ps --filter name=pr-ready --format '{{.Status}}')" == *"(healthy)"* ]] ||
		die "the readiness probe never ran"
	# the liveness probe fails: the container is restarted (its StartedAt moves)
	started=$(q inspect --format '{{.State.StartedAt}}' pr-live)
	run_pm 0 exec pr-live rm /tmp/ok
	for _ in $(seq 150); do
		[ "$(q inspect --format '{{.State.StartedAt}}' pr-live)" != "$started" ] && break
		sleep 0.1
	done
	[ "$(q inspect --format '{{.State.StartedAt}}' pr-live)" != "$started" ] ||
		die "the failing liveness probe did not restart the container"
	run_pm 0 pod rm -f -t 0 pr
	nothing_left
}

# hc_until TRIES CTR: `healthcheck run CTR` until it passes, at most TRIES times, 0.1 s apart
hc_until() {
	local _
	for _ in $(seq "$1"); do
		"${PM_CMD[@]}" healthcheck run "$2" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

@test "play kube: httpGet and tcpSocket probes are done by pm from the pod's network, the image needs no wget or nc (pm only)" {
	skip_if_podman "pm's own: podman 4.3 runs probes with systemd timers and curl/nc in the image"
	# an interval no test outlives: only the `healthcheck run`s below check
	cat >"$Y/http.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: hp}
spec:
  containers:
  - name: web
    image: $IMG
    command: ["sh", "-c", "rm -f /bin/wget /usr/bin/wget /bin/nc /usr/bin/nc; mkdir /www; echo ok >/www/healthz; exec httpd -f -p 8080 -h /www"]
    ports: [{containerPort: 8080, name: http}]
    livenessProbe:
      httpGet:
        path: /healthz
        port: http
        httpHeaders: [{name: X-Probe, value: pm}]
      periodSeconds: 3600
      failureThreshold: 2
  - name: miss
    image: $IMG
    command: ["sleep", "1000"]
    readinessProbe:
      httpGet: {path: nope, port: 8080}
      periodSeconds: 3600
  - name: tcp
    image: $IMG
    command: ["sleep", "1000"]
    readinessProbe:
      tcpSocket: {port: 8080}
      periodSeconds: 3600
  - name: closed
    image: $IMG
    command: ["sleep", "1000"]
    readinessProbe:
      tcpSocket: {port: 9, host: 127.0.0.1}
      periodSeconds: 3600
EOF
	run_pm_split 0 play kube "$Y/http.yaml"
	[[ "$stderr" != *Probe* ]] || die "a probe was reported as not applied: $stderr"
	run_pm 0 inspect --format '{{.Config.Healthcheck.Test}} {{.Config.HealthcheckOnFailureAction}}' hp-web
	is "$output" "\[HTTP-GET http://localhost:8080/healthz X-Probe: pm\] restart"
	run_pm 0 inspect --format '{{.Config.Healthcheck.Test}}' hp-tcp
	is "$output" "\[TCP-SOCKET localhost:8080\]"
	hc_until 100 hp-web || die "the httpGet probe never passed"
	# the image has no wget any more: pm itself asked httpd
	run_pm 127 exec hp-web wget -q -O - http://localhost:8080/healthz
	run_pm 0 inspect --format '{{.State.Health.Status}} {{(index .State.Health.Log 0).Output}}' hp-web
	is "$output" "healthy HTTP 200"
	# a path that 404s fails (readinessProbe: marked, no restart)
	run_pm 1 healthcheck run hp-miss
	is "$output" "unhealthy"
	run_pm 0 inspect --format '{{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}' hp-miss
	is "$output" "1 HTTP 404"
	# tcpSocket: a listening port passes, a closed one fails naming the address
	run_pm 0 healthcheck run hp-tcp
	run_pm 0 inspect --format '{{.State.Health.Status}} {{(index .State.Health.Log 0).Output}}' hp-tcp
	is "$output" "healthy connected to 127.0.0.1:8080"
	run_pm 1 healthcheck run hp-closed
	run_pm 0 inspect --format '{{(index .State.Health.Log 0).Output}}' hp-closed
	is "$output" "connect 127.0.0.1:9: Connection refused"

	# generate kube writes the probes back; playing that gives the same checks
	run_pm_split 0 generate kube hp
	echo "$output" >"$Y/gen.yaml"
	assert_contains "$output" "livenessProbe:"
	assert_contains "$output" "path: /healthz"
	assert_contains "$output" "name: X-Probe"
	assert_contains "$output" "tcpSocket:"
	assert_contains "$output" 'host: "127.0.0.1"'
	run_pm 0 pod rm -f -t 0 hp
	run_pm_split 0 play kube --start=false "$Y/gen.yaml"
	run_pm 0 inspect --format '{{.Config.Healthcheck.Test}} {{.Config.HealthcheckOnFailureAction}} {{.Config.Healthcheck.Retries}}' hp-web
	is "$output" "\[HTTP-GET http://localhost:8080/healthz X-Probe: pm\] restart 2"
	run_pm 0 inspect --format '{{.Config.Healthcheck.Test}} {{.Config.HealthcheckOnFailureAction}}' hp-miss
	is "$output" "\[HTTP-GET http://localhost:8080/nope\] none"
	run_pm 0 inspect --format '{{.Config.Healthcheck.Test}}' hp-closed
	is "$output" "\[TCP-SOCKET 127.0.0.1:9\]"
	run_pm 0 pod rm -f -t 0 hp
	nothing_left
}

@test "play kube: a failing httpGet livenessProbe restarts the container (pm only)" {
	skip_if_podman "pm's own: podman 4.3 runs probes with systemd timers"
	cat >"$Y/live.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: hl}
spec:
  containers:
  - name: web
    image: $IMG
    command: ["sh", "-c", "mkdir -p /www; echo ok >/www/healthz; exec httpd -f -p 8080 -h /www"]
    livenessProbe:
      httpGet: {path: /healthz, port: 8080}
      periodSeconds: 3600
      failureThreshold: 1
EOF
	run_pm_split 0 play kube "$Y/live.yaml"
	hc_until 100 hl-web || die "the httpGet probe never passed"
	local started
	started=$(q inspect --format '{{.State.StartedAt}}' hl-web)
	run_pm 0 exec hl-web rm /www/healthz
	# failureThreshold 1: this failure makes it unhealthy and `healthcheck run` restarts it
	run_pm 1 healthcheck run hl-web
	[ "$(q inspect --format '{{.State.StartedAt}}' hl-web)" != "$started" ] ||
		die "the failing liveness probe did not restart the container"
	run_pm 0 pod rm -f -t 0 hl
	nothing_left
}

@test "play kube: a tcpSocket startupProbe that keeps failing restarts the container; generate kube writes it back (pm only)" {
	skip_if_podman "pm's own: podman 4.3 has no startup checks"
	cat >"$Y/startup.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: sp}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    readinessProbe:
      exec: {command: ["true"]}
      periodSeconds: 3600
    startupProbe:
      tcpSocket: {port: 9}
      periodSeconds: 3600
      failureThreshold: 2
EOF
	run_pm_split 0 play kube "$Y/startup.yaml"
	run_pm 0 inspect --format '{{.Config.StartupHealthCheck.Test}} {{.Config.StartupHealthCheck.Retries}}' sp-c
	is "$output" "\[TCP-SOCKET localhost:9\] 2"
	local started
	started=$(q inspect --format '{{.State.StartedAt}}' sp-c)
	# nothing listens on port 9: the startup check fails, the second time restarts it
	run_pm 1 healthcheck run sp-c
	run_pm 0 inspect --format '{{(index .State.Health.Log 0).Output}}' sp-c
	is "$output" "connect 127.0.0.1:9: Connection refused"
	run_pm_split 0 generate kube sp
	assert_contains "$output" "startupProbe:"
	assert_contains "$output" "failureThreshold: 2"
	run_pm 1 healthcheck run sp-c
	[ "$(q inspect --format '{{.State.StartedAt}}' sp-c)" != "$started" ] ||
		die "the failing startupProbe did not restart the container"
	run_pm 0 pod rm -f -t 0 sp
	nothing_left
	# a startupProbe alone has no health check to gate: named, not run
	cat >"$Y/alone.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: sa}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    startupProbe:
      tcpSocket: {port: 9}
EOF
	run_pm_split 0 play kube --start=false "$Y/alone.yaml"
	assert_contains "$stderr" "spec.containers[0].startupProbe: runs only before a livenessProbe or readinessProbe, ignored"
	run_pm 0 inspect --format '{{json .Config}}' sa-c
	assert_not_contains "$output" "StartupHealthCheck"
	run_pm 0 pod rm -f -t 0 sa
	nothing_left
}

@test "play kube: bad probes are refused naming the value, nothing made (pm only)" {
	skip_if_podman "pm's own messages"
	local bad
	for bad in "tcpSocket: {port: 70000}|livenessProbe.tcpSocket.port: 70000 is not a port (1-65535)" \
		"httpGet: {port: web}|livenessProbe.httpGet.port: the container has no port named \"web\"" \
		"httpGet: {path: /}|livenessProbe.httpGet.port: required"; do
		cat >"$Y/bad.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: bp}
spec:
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    ports: [{containerPort: 80, name: http}]
    livenessProbe: {${bad%%|*}}
EOF
		run_pm_split 125 play kube "$Y/bad.yaml"
		assert_contains "$stderr" "${bad#*|}"
		is "$(echo "$stderr" | wc -l)" "1" "one line"
		nothing_left
	done
}

@test "play kube: an HTTPS httpGet probe speaks TLS itself (the certificate not checked), on a hostNetwork pod too (pm only)" {
	skip_if_podman "pm's own: podman 4.3 runs probes with systemd timers, absent here"
	skip_if_missing openssl python3
	local port plain
	port=$(free_port)
	plain=$(free_port)
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
		-keyout "$Y/key.pem" -out "$Y/cert.pem" 2>/dev/null
	# a TLS server on the host's 127.0.0.1 that answers every GET with 200 (-www)
	openssl s_server -quiet -accept "127.0.0.1:$port" -www -cert "$Y/cert.pem" \
		-key "$Y/key.pem" </dev/null >/dev/null 2>&1 3>&- &
	local server=$!
	python3 -m http.server --bind 127.0.0.1 "$plain" --directory "$Y" >/dev/null 2>&1 3>&- &
	local server2=$!
	cat >"$Y/https.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: hs}
spec:
  hostNetwork: true
  containers:
  - name: c
    image: $IMG
    command: ["sleep", "1000"]
    livenessProbe: {httpGet: {port: $port, scheme: HTTPS}, periodSeconds: 600}
  - name: p
    image: $IMG
    command: ["sleep", "1000"]
    readinessProbe: {httpGet: {port: $plain, scheme: HTTPS}, periodSeconds: 600}
EOF
	run_pm 0 play kube "$Y/https.yaml"
	run_pm 0 inspect --format '{{index .Config.Healthcheck.Test 1}}' hs-c
	is "$output" "https://localhost:$port/"
	local i
	for i in $(seq 50); do
		"${PM_CMD[@]}" healthcheck run hs-c >/dev/null 2>&1 && break
		sleep 0.1
	done
	run_pm 0 healthcheck run hs-c
	run_pm 0 inspect --format '{{range .State.Health.Log}}{{.Output}}
{{end}}' hs-c
	is "$(echo "$output" | grep . | tail -n 1)" "HTTP 200" "the last check's output"
	# HTTPS to a plain HTTP server: the handshake fails, named
	run_pm 1 healthcheck run hs-p
	run_pm 0 inspect --format '{{range .State.Health.Log}}{{.Output}}{{end}}' hs-p
	assert_contains "$output" "TLS handshake with 127.0.0.1:$plain failed"
	run_pm 0 generate kube hs
	assert_contains "$output" "scheme: HTTPS"
	kill "$server" "$server2"
	run_pm 0 pod rm -f -t 0 hs
	nothing_left
}
