#!/usr/bin/env bats
# 141-small-commands: podman 4.3's small commands: pod clone, container runlabel, volume
# mount/unmount, generate spec, image tree, image trust show/set, and the one-line refusals
# of what pm deliberately does not do (machine, system connection, system service,
# container checkpoint/restore, image scp), each with podman's flags and --help; image sign's
# flags and first checks (its signing: 149-image-sign.bats).
# Runs as the unprivileged test user; also against podman (PM="podman --runtime runc"):
# pm's own refusal words are marked skip_if_podman.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

# ---- refusals ------------------------------------------------------------------------------

@test "machine: list prints podman's empty table; --help lists podman's flags" {
	run_pm 0 machine list
	is "$output" "NAME +VM TYPE +CREATED +LAST UP +CPUS +MEMORY +DISK SIZE" "empty table"
	run_pm 0 machine ls -q
	is "$output" "" "quiet: no names"
	run_pm 0 machine list --noheading
	is "$output" "" "noheading"
	run_pm 0 machine list --format json
	is "$output" "\[\]" "json"
	run_pm 0 machine init --help
	local f
	for f in --cpus --disk-size --ignition-path --image-path --memory --now --rootful \
		--timezone --username --volume --volume-driver; do
		assert_contains "$output" "$f" "machine init --help"
	done
	run_pm 125 machine init --bogus
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 125 machine frobnicate
	assert_contains "$output" "unrecognized command"
}

@test "machine: every subcommand but list is refused in one line, exit 125" {
	skip_if_podman "pm's own refusal (podman manages a VM)"
	local c
	for c in info init inspect rm set ssh start stop; do
		run_pm 125 machine $c
		same "${lines[-1]}" "Error: \`pm machine $c\` is not supported: pm runs containers on this host, it has no virtual machine" "machine $c"
	done
	run_pm 125 machine init --cpus 2 -m 1024 --now vm1
	assert_contains "$output" "no virtual machine"
	run_pm 125 machine start a b
	assert_contains "$output" "accepts at most 1 arg(s), received 2"
}

@test "system connection: list is empty as podman's; add/default/remove/rename refused" {
	run_pm 0 system connection list
	is "$output" "Name +URI +Identity +Default" "empty table"
	run_pm 0 system connection ls -q
	is "$output" "" "quiet"
	run_pm 0 system connection ls --format json
	is "$output" "\[\]" "json"
	run_pm 0 system connection add --help
	assert_contains "$output" "--socket-path"
	assert_contains "$output" "--identity"
	run_pm 125 system connection add onlyname
	assert_contains "$output" "accepts 2 arg(s), received 1"
	run_pm 125 system connection rename a
	assert_contains "$output" "accepts 2 arg(s), received 1"
	if ! is_podman; then
		run_pm 125 system connection add --default -p 22 --identity /x c1 ssh://u@h
		same "${lines[-1]}" "Error: \`pm system connection add\` is not supported: pm has no remote API service to connect to"
		run_pm 125 system connection default c1
		assert_contains "$output" "no remote API service"
		run_pm 125 system connection rm -a
		assert_contains "$output" "no remote API service"
		run_pm 125 system connection mv a b
		assert_contains "$output" "no remote API service"
	fi
}

@test "system service: podman's flags, refused: pm is daemonless" {
	run_pm 0 system service --help
	assert_contains "$output" "--cors"
	assert_contains "$output" "--time"
	run_pm 125 system service --bogus
	assert_contains "$output" "unknown flag: --bogus"
	skip_if_podman "pm's own refusal (podman serves its API)"
	run_pm 125 system service --time=0 unix:///tmp/x.sock
	same "${lines[-1]}" "Error: \`pm system service\` is not supported: pm is daemonless, it has no API service"
	[ ! -e /tmp/x.sock ] || die "a socket was made"
}

@test "container checkpoint/restore: rootless refused in podman's words" {
	run_pm 125 container checkpoint nosuch
	same "${lines[-1]}" "Error: checkpointing a container requires root"
	run_pm 125 container checkpoint -a --leave-running --tcp-established
	same "${lines[-1]}" "Error: checkpointing a container requires root"
	run_pm 125 container restore nosuch
	same "${lines[-1]}" "Error: restoring a container requires root"
	run_pm 125 container restore -a --keep --tcp-established --ignore-rootfs
	same "${lines[-1]}" "Error: restoring a container requires root"
	run_pm 0 container checkpoint --help
	local f
	for f in --all --compress --create-image --export --file-locks --ignore-rootfs \
		--ignore-volumes --keep --latest --leave-running --pre-checkpoint --print-stats \
		--tcp-established --with-previous; do
		assert_contains "$output" "$f" "checkpoint --help"
	done
	run_pm 0 container restore --help
	for f in --ignore-static-ip --ignore-static-mac --import --import-previous --name --pod \
		--publish; do
		assert_contains "$output" "$f" "restore --help"
	done
	run_pm 125 container checkpoint --bogus
	assert_contains "$output" "unknown flag: --bogus"
}

@test "image sign: flags; no identity and a missing --directory in podman's words" {
	run_pm 0 image sign --help
	local f
	for f in --all --authfile --cert-dir --directory --sign-by; do
		assert_contains "$output" "$f" "sign --help"
	done
	run_pm 125 image sign
	assert_contains "$output" "requires at least 1 arg(s), only received 0"
	# podman's order: the identity, then --directory, then the image's transport
	run_pm 125 image sign $IMG
	same "${lines[-1]}" "Error: please provide an identity"
	# signing itself: 149-image-sign.bats
	run_pm 125 image sign --sign-by me@example.com -d "$BATS_TEST_TMPDIR/sigs" $IMG
	same "${lines[-1]}" "Error: stat $BATS_TEST_TMPDIR/sigs: no such file or directory"
	[ ! -e "$BATS_TEST_TMPDIR/sigs" ] || die "a signature dir was made"
}

@test "image scp: podman's argument checks, then refused" {
	run_pm 0 image scp --help
	assert_contains "$output" "--quiet"
	run_pm 125 image scp
	same "${lines[-1]}" "Error: accepts between 1 and 2 arg(s), received 0"
	run_pm 125 image scp a b c
	same "${lines[-1]}" "Error: accepts between 1 and 2 arg(s), received 3"
	run_pm 125 image scp $IMG
	same "${lines[-1]}" "Error: must specify a destination: invalid argument"
	skip_if_podman "pm's own refusal (podman copies through ssh or sudo)"
	run_pm 125 image scp -q $IMG root@localhost::
	same "${lines[-1]}" "Error: \`pm image scp\` is not supported: pm has no connections to copy '$IMG' to 'root@localhost::' (use pm save and pm load)"
}

# ---- volume mount / unmount ----------------------------------------------------------------

@test "volume mount: rootless outside unshare refused; inside prints the mountpoint" {
	run_pm 0 volume create v1
	run_pm 125 volume mount v1
	assert_contains "$output" "in rootless mode, must execute \`"
	assert_contains "$output" "unshare\` first"
	run_pm 125 volume mount nosuch
	assert_contains "$output" "in rootless mode"
	run_pm 0 volume inspect --format '{{.Mountpoint}}' v1
	local mp=$output
	run_pm 0 unshare "${PM_CMD[@]}" volume mount v1
	is "${lines[-1]}" "$mp" "mount prints the mountpoint"
	run_pm 125 unshare "${PM_CMD[@]}" volume mount nosuch
	same "${lines[-1]}" 'Error: no volume with name "nosuch" found: no such volume'
	run_pm 125 unshare "${PM_CMD[@]}" volume mount v1 v1
	assert_contains "$output" "accepts 1 arg(s), received 2"
	run_pm 0 volume unmount v1
	is "${lines[-1]}" "v1" "unmount prints the name"
	run_pm 0 volume unmount v1
	is "${lines[-1]}" "v1" "unmount of an unmounted volume"
	run_pm 125 volume unmount nosuch
	same "${lines[-1]}" 'Error: no volume with name "nosuch" found: no such volume'
	run_pm 125 volume unmount
	assert_contains "$output" "accepts 1 arg(s), received 0"
	run_pm 125 volume mount --bogus v1
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 0 volume rm v1
}

@test "volume mount: a tmpfs volume is mounted in the rootless namespace, unmount undoes it" {
	run_pm 0 volume create -o type=tmpfs -o device=tmpfs v2
	run_pm 0 volume inspect --format '{{.Mountpoint}}' v2
	local mp=$output
	run_pm 0 unshare sh -c "${PM_CMD[*]} volume mount v2 && grep -c ' $mp ' /proc/self/mountinfo"
	is "${lines[-2]}" "$mp" "the mountpoint"
	is "${lines[-1]}" "1" "mounted (in the rootless mount namespace)"
	run_pm 0 volume unmount v2
	run_pm 1 unshare grep -c " $mp " /proc/self/mountinfo
	is "${lines[-1]}" "0" "unmounted"
	run_pm 0 volume rm v2
}

# ---- container runlabel --------------------------------------------------------------------

# build_labelled: localhost/rl:1, localhost/busybox with RUN, INSTALL and an empty label
build_labelled() {
	pm_load_test_image
	local d=$BATS_TEST_TMPDIR/rl
	mkdir -p "$d"
	cat >"$d/Containerfile" <<'CF'
FROM localhost/busybox:latest
LABEL RUN="podman run --name NAME -e X=\$PWD IMAGE echo hi" INSTALL="echo IMAGE \$IMAGE NAME \$NAME IMAGE=IMAGE NAME=\$NAME \${IMAGE} =IMAGE a\$OPT1" EMPTY="" FAIL=false
CF
	run_pm 0 build -q -t localhost/rl:1 "$d"
}

@test "runlabel: --display substitutes IMAGE, NAME, \$PWD; podman becomes pm itself" {
	build_labelled
	run_pm 0 container runlabel --display RUN localhost/rl:1
	same "${lines[-1]}" "command: ${PM_CMD[0]} run --name rl -e X=$PWD localhost/rl:1 echo hi"
	run_pm 0 container runlabel --display -n my RUN rl:1
	same "${lines[-1]}" "command: ${PM_CMD[0]} run --name my -e X=$PWD localhost/rl:1 echo hi"
	# by id: the image's first name, and its base name
	run_pm 0 images -q localhost/rl:1
	run_pm 0 container runlabel --display RUN "$output"
	same "${lines[-1]}" "command: ${PM_CMD[0]} run --name rl -e X=$PWD localhost/rl:1 echo hi"
}

@test "runlabel: runs the label with ARGs appended; every substitution form" {
	build_labelled
	run_pm 0 container runlabel INSTALL rl:1 "x y" z
	same "${lines[-1]}" "localhost/rl:1 localhost/rl:1 rl rl IMAGE=localhost/rl:1 NAME=rl localhost/rl:1 =localhost/rl:1 a x y z"
	run_pm 0 container runlabel RUN rl:1
	same "${lines[-1]}" "hi"
	run_pm 0 inspect --format '{{.Config.Env}}' rl
	assert_contains "$output" "X=$PWD"
	# the name is taken: the nested run fails, as podman says
	run_pm 125 container runlabel RUN rl:1
	assert_contains "$output" "the container name \"rl\" is already in use"
	assert_contains "$output" "run --name rl -e X=$PWD localhost/rl:1 echo hi\` failed: exit status 125"
	# --replace removes it first
	run_pm 0 inspect --format '{{.Id}}' rl
	local old=$output
	run_pm 0 container runlabel --replace RUN rl:1
	same "${lines[-1]}" "hi"
	run_pm 0 inspect --format '{{.Id}}' rl
	[ "$output" != "$old" ] || die "--replace kept the old container"
	run_pm 0 rm -f rl
}

@test "runlabel: a failing command, a missing or empty label, unknown image, bad flags" {
	build_labelled
	run_pm 125 container runlabel FAIL rl:1
	same "${lines[-1]}" "Error: \`false \` failed: exit status 1"
	run_pm 125 container runlabel NOPE rl:1
	same "${lines[-1]}" "Error: cannot find the value of label: NOPE in image: rl:1"
	run_pm 125 container runlabel EMPTY rl:1
	same "${lines[-1]}" "Error: cannot find the value of label: EMPTY in image: rl:1"
	run_pm 125 container runlabel --pull=false RUN nosuch
	same "${lines[-1]}" "Error: nosuch: image not known"
	run_pm 125 container runlabel RUN nosuch
	assert_contains "${lines[-1]}" 'short-name "nosuch" did not resolve to an alias'
	run_pm 125 container runlabel RUN
	same "${lines[-1]}" "Error: requires at least 2 arg(s), only received 1"
	run_pm 125 container runlabel --authfile /nonexistent RUN rl:1
	same "${lines[-1]}" "Error: stat /nonexistent: no such file or directory"
	run_pm 125 container runlabel --bogus RUN rl:1
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 0 container runlabel --help
	local f
	for f in --authfile --cert-dir --creds --display --name --quiet --replace --tls-verify; do
		assert_contains "$output" "$f" "runlabel --help"
	done
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "nothing made"
}

@test "runlabel: --quiet silences the command (pm)" {
	skip_if_podman "podman 4.3's --quiet gives the command no stdout (echo fails)"
	build_labelled
	run_pm 0 container runlabel -q INSTALL rl:1
	is "$output" "" "quiet"
}

# ---- pod clone -----------------------------------------------------------------------------

@test "pod clone: a copy of the pod and its containers, POD-clone and CTR-clone names" {
	pm_load_test_image
	run_pm 0 pod create --name p1 --label a=b
	local p1=$output
	run_pm 0 create --pod p1 --name c1 $IMG sleep 100
	run_pm 0 pod clone p1
	local id=$output
	[ "$id" != "$p1" ] || die "the clone has the original's id"
	run_pm 0 pod inspect --format '{{.Name}} {{.NumContainers}} {{.State}}' "$id"
	is "$output" "p1-clone 2 Created" "name, containers (infra + c1), state"
	run_pm 0 pod inspect --format '{{.Labels.a}}' p1-clone
	is "$output" "b" "labels kept"
	run_pm 0 container inspect --format '{{.Pod}} {{.Config.Cmd}}' c1-clone
	is "$output" "$id \[sleep 100\]" "c1's copy is in the clone"
	# the original is untouched
	run_pm 0 pod inspect --format '{{.NumContainers}}' p1
	is "$output" "2" "the original keeps its containers"
	run_pm 0 container inspect --format '{{.Pod}}' c1
	is "$output" "$p1" "c1 stays in p1"
	# NAME wins over --name; a second clone of c1 is c1-clone1
	run_pm 0 pod clone --name nope p1 p3
	run_pm 1 pod exists nope
	run_pm 0 pod exists p3
	run_pm 0 container inspect --format '{{.Name}}' c1-clone1
	run_pm 0 pod rm -fa
}

@test "pod clone: --hostname, --label, --start, --destroy" {
	pm_load_test_image
	run_pm 0 pod create --name p1 --hostname h1
	run_pm 0 create --pod p1 --name c1 $IMG sleep 100
	run_pm 0 pod clone --hostname h2 -l x=y --start p1 p2
	run_pm 0 pod inspect --format '{{.State}}' p2
	is "$output" "Running" "started"
	if ! is_podman; then # podman 4.3 drops pod clone's --label (its man page documents it)
		run_pm 0 pod inspect --format '{{.Labels.x}}' p2
		is "$output" "y" "the added label"
	fi
	run_pm 0 exec c1-clone hostname
	is "$output" "h2" "the clone's hostname"
	run_pm 0 pod inspect --format '{{.State}}' p1
	is "$output" "Created" "the original is not started"
	run_pm 0 pod clone --destroy p2 p3
	run_pm 1 pod exists p2
	run_pm 1 container exists c1-clone
	run_pm 0 pod inspect --format '{{.NumContainers}}' p3
	is "$output" "2" "p3's containers"
	run_pm 0 pod start p3
	run_pm 0 exec c1-clone1 true # c1-clone's copy: c1-clone1, as podman names it
	if ! is_podman; then # podman 4.3 does not keep the cloned pod's hostname
		run_pm 0 exec c1-clone1 hostname
		is "$output" "h2" "the clone of the clone keeps h2"
	fi
	run_pm 0 pod rm -fa
}

@test "pod clone: unknown pod, taken name, bad flags: podman's words, nothing made" {
	pm_load_test_image
	run_pm 0 pod create --name p1
	run_pm 0 create --pod p1 --name c1 $IMG true
	run_pm 0 pod create --name taken
	run_pm 125 pod clone nosuch
	same "${lines[-1]}" "Error: no pod with name or ID nosuch found: no such pod"
	run_pm 125 pod clone p1 taken
	same "${lines[-1]}" 'Error: adding pod to state: name "taken" is in use: pod already exists'
	run_pm 125 pod clone
	same "${lines[-1]}" "Error: accepts between 1 and 2 arg(s), received 0"
	run_pm 125 pod clone p1 a b
	same "${lines[-1]}" "Error: accepts between 1 and 2 arg(s), received 3"
	run_pm 125 pod clone --bogus p1
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 125 pod clone --publish 80 p1
	assert_contains "$output" "unknown flag: --publish"
	run_pm 0 ps -a --format '{{.Names}}'
	assert_not_contains "$output" "clone" "no container made"
	run_pm 0 pod ps --format '{{.Name}}'
	is "$(sort <<<"$output" | tr '\n' ' ')" "p1 taken " "no pod made"
	run_pm 0 pod clone --help
	local f
	for f in --blkio-weight --cgroup-parent --cpu-shares --cpus --cpuset-cpus --cpuset-mems \
		--destroy --device --device-read-bps --device-write-bps --gidmap --hostname \
		--infra-command --infra-conmon-pidfile --infra-name --label --label-file --memory \
		--memory-swap --name --pid --security-opt --shm-size --start --subgidname \
		--subuidname --sysctl --uidmap --userns --uts --volume --volumes-from; do
		assert_contains "$output" "$f" "pod clone --help"
	done
	run_pm 0 pod rm -fa
}

# ---- image tree ----------------------------------------------------------------------------

@test "image tree: podman's header and layer tree, ids and sizes as containers/storage's" {
	pm_load_test_image
	pm_load_test_image docker2
	run_pm 0 image tree localhost/busybox2:latest
	local -a want=(
		"Image ID: 1ed5e30331fa"
		"Tags:     [localhost/busybox2:latest]"
		"Size:     2.152MB"
		"Image Layers"
		"├── ID: 5939de203b5d Size:  2.14MB Top Layer of: [localhost/busybox:latest]"
		"└── ID: 28eecdfa1279 Size: 10.24kB Top Layer of: [localhost/busybox2:latest]"
	)
	same "$(printf '%s\n' "${lines[@]: -6}")" "$(printf '%s\n' "${want[@]}")" "tree of busybox2"
	run_pm 0 image tree 3793aa7a2660
	same "${lines[-1]}" "└── ID: 5939de203b5d Size:  2.14MB Top Layer of: [localhost/busybox:latest]"
	same "${lines[-4]}" "Tags:     [localhost/busybox:latest]"
	# --whatrequires: the top layer and what is stored on it
	run_pm 0 image tree --whatrequires localhost/busybox:latest
	same "${lines[-2]}" "├── ID: 5939de203b5d Size:  2.14MB Top Layer of: [localhost/busybox:latest]"
	same "${lines[-1]}" "└── ID: 28eecdfa1279 Size: 10.24kB Top Layer of: [localhost/busybox2:latest]"
	run_pm 0 image tree --whatrequires localhost/busybox2:latest
	same "${lines[-1]}" "└── ID: 28eecdfa1279 Size: 10.24kB Top Layer of: [localhost/busybox2:latest]"
}

@test "image tree --whatrequires: a layer with two children branches" {
	pm_load_test_image
	pm_load_test_image docker2
	local d=$BATS_TEST_TMPDIR/child
	mkdir -p "$d"
	printf 'FROM localhost/busybox:latest\nRUN echo x >/x\n' >"$d/Containerfile"
	run_pm 0 build -q -t localhost/child:1 "$d"
	run_pm 0 image tree --whatrequires localhost/busybox:latest
	# siblings each start a branch (of no depth here), in the order they were made
	same "${lines[-3]}" "├── ID: 5939de203b5d Size:  2.14MB Top Layer of: [localhost/busybox:latest]"
	same "${lines[-2]}" "├── ID: 28eecdfa1279 Size: 10.24kB Top Layer of: [localhost/busybox2:latest]"
	is "${lines[-1]}" "└── ID: [0-9a-f]{12} Size: .* Top Layer of: \[localhost/child:1\]" "second child"
}

@test "image tree: unknown image, arguments, flags" {
	run_pm 125 image tree nosuch
	same "${lines[-1]}" "Error: nosuch: image not known"
	run_pm 125 image tree
	same "${lines[-1]}" "Error: accepts 1 arg(s), received 0"
	run_pm 125 image tree a b
	same "${lines[-1]}" "Error: accepts 1 arg(s), received 2"
	run_pm 125 image tree --bogus x
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 0 image tree --help
	assert_contains "$output" "--whatrequires"
}

# ---- image trust ---------------------------------------------------------------------------

# a policy to work on: the default accepts anything
trust_policy() {
	POL=$BATS_TEST_TMPDIR/policy.json
	printf '{\n    "default": [\n        {\n            "type": "insecureAcceptAnything"\n        }\n    ]\n}\n' >"$POL"
}

@test "image trust set: writes policy.json as podman does" {
	trust_policy
	echo KEY >"$BATS_TEST_TMPDIR/k.gpg"
	run_pm 0 image trust set --policypath "$POL" -t reject docker.io
	run_pm 0 image trust set --policypath "$POL" --type accept quay.io/foo
	run_pm 0 image trust set --policypath "$POL" -f "$BATS_TEST_TMPDIR/k.gpg" --pubkeysfile "$BATS_TEST_TMPDIR/k.gpg" registry.example.com
	run_pm 0 image trust set --policypath "$POL" -t sigstoreSigned -f "$BATS_TEST_TMPDIR/k.gpg" b.io
	run_pm 0 image trust set --policypath "$POL" -t reject default
	local k=$BATS_TEST_TMPDIR/k.gpg
	local want='{
    "default": [
        {
            "type": "reject"
        }
    ],
    "transports": {
        "docker": {
            "b.io": [
                {
                    "type": "sigstoreSigned",
                    "keyPath": "'$k'"
                }
            ],
            "docker.io": [
                {
                    "type": "reject"
                }
            ],
            "quay.io/foo": [
                {
                    "type": "insecureAcceptAnything"
                }
            ],
            "registry.example.com": [
                {
                    "type": "signedBy",
                    "keyType": "GPGKeys",
                    "keyPath": "'$k'"
                },
                {
                    "type": "signedBy",
                    "keyType": "GPGKeys",
                    "keyPath": "'$k'"
                }
            ]
        }
    }
}'
	same "$(cat "$POL")" "$want" "policy.json"
	# a scope set again is replaced
	run_pm 0 image trust set --policypath "$POL" -t accept docker.io
	run python3 -c "import json,sys; print(json.load(open('$POL'))['transports']['docker']['docker.io'])"
	same "$output" "[{'type': 'insecureAcceptAnything'}]" "docker.io replaced"
}

@test "image trust show: table, --noheading, --json, --raw, registries.d stores" {
	trust_policy
	echo KEY >"$BATS_TEST_TMPDIR/k.gpg"
	run_pm 0 image trust set --policypath "$POL" -t reject docker.io
	run_pm 0 image trust set --policypath "$POL" -t sigstoreSigned -f "$BATS_TEST_TMPDIR/k.gpg" b.io
	local rd=$BATS_TEST_TMPDIR/registries.d
	mkdir -p "$rd"
	printf 'docker:\n  b.io:\n    lookaside: https://sig.example.com/b\ndefault-docker:\n  sigstore: file:///var/default\n' >"$rd/x.yaml"
	run_pm_split 0 image trust show --policypath "$POL" --registrypath "$rd"
	local want="TRANSPORT   NAME        TYPE            ID          STORE
all         default     accept                      file:///var/default
repository  b.io        sigstoreSigned  N/A         https://sig.example.com/b
repository  docker.io   reject                      file:///var/default"
	same "$output" "$want" "show"
	run_pm_split 0 image trust show -n --policypath "$POL" docker.io
	is "${lines[0]}" "all +default +accept *" "no heading; REGISTRY is not a filter (as podman)"
	run_pm_split 0 image trust show -j --policypath "$POL" --registrypath "$rd"
	run python3 -c "import json,sys; d=json.load(open('$PM_STDOUT')); print(d[1])"
	same "$output" "{'transport': 'repository', 'name': 'b.io', 'repo_name': 'b.io', 'sigstore': 'https://sig.example.com/b', 'type': 'sigstoreSigned', 'gpg_id': 'N/A'}" "json"
	run_pm_split 0 image trust show --raw --policypath "$POL"
	same "$output" "$(cat "$POL")" "raw"
	# the system's policy by default
	if [ -r /etc/containers/policy.json ]; then
		run_pm_split 0 image trust show --raw
		same "$output" "$(cat /etc/containers/policy.json)" "raw of /etc/containers/policy.json"
	fi
}

@test "image trust: bad type, keys, missing policy, unwritable policy, arguments" {
	trust_policy
	local before
	before=$(cat "$POL")
	run_pm 125 image trust set --policypath "$POL" -t bogus x.io
	same "${lines[-1]}" "Error: invalid choice: bogus (choose from 'accept', 'reject', 'signedBy', 'sigstoreSigned')"
	run_pm 125 image trust set --policypath "$POL" x.io
	same "${lines[-1]}" "Error: at least one public key must be defined for type 'signedBy'"
	run_pm 125 image trust set --policypath "$POL" -t sigstoreSigned x.io
	same "${lines[-1]}" "Error: at least one public key must be defined for type 'sigstoreSigned'"
	run_pm 125 image trust set --policypath "$POL" -t accept -f /k x.io
	same "${lines[-1]}" "Error: 1 public keys unexpectedly provided for trust type accept"
	same "$(cat "$POL")" "$before" "policy unchanged"
	run_pm 125 image trust set --policypath "$BATS_TEST_TMPDIR/none.json" -t reject x.io
	same "${lines[-1]}" "Error: default trust policy must be set"
	[ ! -e "$BATS_TEST_TMPDIR/none.json" ] || die "a policy was made"
	run_pm 125 image trust show --policypath "$BATS_TEST_TMPDIR/none.json"
	same "${lines[-1]}" "Error: open $BATS_TEST_TMPDIR/none.json: no such file or directory"
	if [ -e /etc/containers/policy.json ] && [ ! -w /etc/containers/policy.json ]; then
		run_pm 125 image trust set -t reject x.io
		same "${lines[-1]}" "Error: open /etc/containers/policy.json: permission denied"
	fi
	run_pm 125 image trust set
	same "${lines[-1]}" "Error: accepts 1 arg(s), received 0"
	run_pm 125 image trust show a b
	same "${lines[-1]}" "Error: accepts at most 1 arg(s), received 2"
	run_pm 125 image trust show --bogus
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 0 image trust set --help
	assert_contains "$output" "--pubkeysfile"
	assert_contains "$output" "--type"
	run_pm 0 image trust show --help
	assert_contains "$output" "--json"
	assert_contains "$output" "--noheading"
	assert_contains "$output" "--raw"
}

# ---- generate spec -------------------------------------------------------------------------

# spec_get JSONFILE PYEXPR: print the expression over the parsed spec `s` (from the line
# that opens it: podman 4.3 prints "Could not properly complete the spec" before a pod's)
spec_get() {
	python3 -c "import json,sys; t=open(sys.argv[1]).read(); s=json.loads(t[t.index('{'):]); print($2)" "$1"
}

@test "generate spec: a container's spec as podman's SpecGenerator JSON" {
	pm_load_test_image
	run_pm 0 create --name g1 -e A=b -p 8080:80 --label l=v -w /tmp $IMG sleep 100
	run_pm 0 inspect --format '{{.Image}}' g1
	local img=$output
	run_pm_split 0 generate spec g1
	local f=$PM_STDOUT
	same "$(spec_get "$f" 's["name"]')" "g1-clone" "name"
	same "$(spec_get "$f" 's["command"]')" "['sleep', '100']" "command"
	same "$(spec_get "$f" 's["env"]["A"]')" "b" "env"
	same "$(spec_get "$f" 's["labels"]["l"]')" "v" "labels"
	if ! is_podman; then # podman 4.3 leaves -w out of the spec
		same "$(spec_get "$f" 's["work_dir"]')" "/tmp" "work_dir"
	fi
	same "$(spec_get "$f" 's["image"]')" "$img" "image id"
	same "$(spec_get "$f" 's["portmappings"]')" "[{'host_ip': '', 'container_port': 80, 'host_port': 8080, 'range': 1, 'protocol': 'tcp'}]" "ports"
	same "$(spec_get "$f" 's["netns"]')" "{'nsmode': 'slirp4netns'}" "netns"
	same "$(spec_get "$f" 's["utsns"]')" "{'nsmode': 'private'}" "utsns"
	same "$(spec_get "$f" 's["shm_size"]')" "65536000" "shm_size"
	assert_contains "$(spec_get "$f" 's["containerCreateCommand"]')" "'--name', 'g1', '-e', 'A=b'"
	same "$(head -2 "$f" | tail -1)" ' "name": "g1-clone",' "indented by one blank"
	# --compact: one line; --name=false: the container's own name
	run_pm_split 0 generate spec --compact --name=false g1
	is "$output" '\{"name":"g1",.*\}' "compact"
	# -f: the file, its path printed
	run_pm_split 0 generate spec -f "$BATS_TEST_TMPDIR/spec.json" g1
	same "$output" "$BATS_TEST_TMPDIR/spec.json" "the path"
	same "$(spec_get "$BATS_TEST_TMPDIR/spec.json" 's["name"]')" "g1-clone" "written"
	run_pm 0 rm -f g1
}

@test "generate spec: a pod's spec; unknown name, arguments, flags" {
	run_pm 0 pod create --name gp1 --label x=y
	run_pm_split 0 generate spec gp1
	same "$(spec_get "$PM_STDOUT" 's["name"]')" "gp1-clone" "name"
	same "$(spec_get "$PM_STDOUT" 's["labels"]["x"]')" "y" "labels"
	same "$(spec_get "$PM_STDOUT" 's["netns"]')" "{'nsmode': 'slirp4netns'}" "netns"
	run_pm 125 generate spec nosuch
	same "${lines[-1]}" "Error: could not find a pod or container with the id nosuch"
	run_pm 125 generate spec
	same "${lines[-1]}" "Error: accepts 1 arg(s), received 0"
	run_pm 125 generate spec --bogus gp1
	assert_contains "$output" "unknown flag: --bogus"
	run_pm 0 generate spec --help
	assert_contains "$output" "--compact"
	assert_contains "$output" "--filename"
	assert_contains "$output" "--name"
	run_pm 0 pod rm -f gp1
}
