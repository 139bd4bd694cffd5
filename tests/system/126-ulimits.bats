#!/usr/bin/env bats
# 126-ulimits: the resource limits a rootless container gets without --ulimit, as podman 4.3
# gives them (pkg/specgen/generate/oci.go addRlimits and containers.conf's default nproc):
# nofile soft = hard = the user's hard limit, nproc = kernel.pid_max where the user's hard
# nproc allows it (each capped at 1048576), fixed at create and shown by inspect's
# HostConfig.Ulimits; an explicit --ulimit replaces its own name only; --ulimit host anywhere
# sets none (inspect []). The expected figures come from the test user's own limits. Runs as
# the unprivileged test user, against podman 4.3 too.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest
LIMITS='ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu'

# podman 4.3's rootless defaults from the limits of this shell:
#   NOFILE     soft = hard nofile (the user's hard one, at most 1048576)
#   DEF_NPROC  the default nproc without --ulimit: pid_max when the user's hard nproc allows
#              it, else 1048576 when that does, else none (no limits set at all)
#   NPROC_S/H  the nproc added when other --ulimit values are given (at most 1048576)
ulimit_defaults() {
	local max=1048576 big=$((1 << 62)) hn hu su pid_max
	hn=$(ulimit -Hn)
	hu=$(ulimit -Hu)
	su=$(ulimit -Su)
	pid_max=$(cat /proc/sys/kernel/pid_max)
	[ "$hn" = unlimited ] && hn=$big
	[ "$hu" = unlimited ] && hu=$big
	[ "$su" = unlimited ] && su=$big
	NOFILE=$((hn < max ? hn : max))
	if [ "$pid_max" -le "$hu" ]; then
		DEF_NPROC=$pid_max NPROC_S=$pid_max NPROC_H=$pid_max
	elif [ "$max" -le "$hu" ]; then
		DEF_NPROC=$max NPROC_S=$max NPROC_H=$max
	else
		DEF_NPROC='' NPROC_S=$su NPROC_H=$hu
	fi
	NPROC_S=$((NPROC_S < max ? NPROC_S : max))
	NPROC_H=$((NPROC_H < max ? NPROC_H : max))
}

# the 'ulimit' word for a figure
as_ulimit() {
	if [ "$1" -ge $((1 << 62)) ]; then echo unlimited; else echo "$1"; fi
}

@test "run: nofile raised to the hard limit and nproc set by default; inspect shows both" {
	pm_load_test_image
	ulimit_defaults
	run_pm 0 create --name c1 "$IMG" sh -c "$LIMITS"
	if [ -z "$DEF_NPROC" ]; then
		# podman 4.3 sets none then: the soft nofile is still its raised one
		run_pm 0 start -a c1
		is "$output" "$NOFILE
$NOFILE
$(as_ulimit "$(ulimit -Su)")
$(as_ulimit "$(ulimit -Hu)")" "the user's nproc"
		run_pm 0 inspect --format '{{.HostConfig.Ulimits}}' c1
		is "$output" "\[\]"
		return
	fi
	run_pm 0 start -a c1
	is "$output" "$NOFILE
$NOFILE
$DEF_NPROC
$DEF_NPROC" "nofile soft = hard = the user's hard; nproc = pid_max"
	run_pm 0 inspect --format '{{.HostConfig.Ulimits}}' c1
	is "$output" "\[\{RLIMIT_NOFILE $NOFILE $NOFILE\} \{RLIMIT_NPROC $DEF_NPROC $DEF_NPROC\}\]" \
		"template form"
	run_pm 0 inspect --format '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}} {{end}}' c1
	is "$output" "RLIMIT_NOFILE=$NOFILE:$NOFILE RLIMIT_NPROC=$DEF_NPROC:$DEF_NPROC "
	run_pm 0 inspect c1
	is "$(jq -c '.[0].HostConfig.Ulimits' <<<"$output")" \
		"\[\{\"Name\":\"RLIMIT_NOFILE\",\"Soft\":$NOFILE,\"Hard\":$NOFILE\},\{\"Name\":\"RLIMIT_NPROC\",\"Soft\":$DEF_NPROC,\"Hard\":$DEF_NPROC\}\]" \
		"json form"
	run_pm 0 rm c1
	# the caller's soft nofile does not matter; exec'd processes get the same
	(
		ulimit -Sn 512
		"${PM_CMD[@]}" run --rm "$IMG" sh -c 'ulimit -Sn; ulimit -Hn' >"$BATS_TEST_TMPDIR/out" 2>&1
	)
	is "$(cat "$BATS_TEST_TMPDIR/out")" "$NOFILE
$NOFILE" "a lowered soft nofile of the caller"
	run_pm 0 run -d --name e1 "$IMG" sleep 100
	run_pm 0 exec e1 sh -c "$LIMITS"
	is "$output" "$NOFILE
$NOFILE
$DEF_NPROC
$DEF_NPROC" "exec's limits"
	run_pm 0 rm -f -t 0 e1
}

@test "create: the default limits are the creator's, fixed at create" {
	pm_load_test_image
	ulimit_defaults
	[ -n "$DEF_NPROC" ] || skip "no default nproc here: podman sets no limits"
	local low=$((NOFILE / 2))
	(
		ulimit -n "$low"
		"${PM_CMD[@]}" create --name c1 "$IMG" sh -c 'ulimit -Sn; ulimit -Hn' >/dev/null
	)
	run_pm 0 inspect --format '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}} {{end}}' c1
	is "$output" "RLIMIT_NOFILE=$low:$low RLIMIT_NPROC=$DEF_NPROC:$DEF_NPROC " "the creator's hard nofile"
	run_pm 0 start -a c1
	is "$output" "$low
$low" "started later, by a caller with a higher limit"
	run_pm 0 rm c1
}

@test "run --ulimit: a given name replaces its default only, in the same place" {
	pm_load_test_image
	ulimit_defaults
	run_pm 0 run --rm --ulimit nofile=100:200 "$IMG" sh -c "$LIMITS"
	is "$output" "100
200
$(as_ulimit "$NPROC_S")
$(as_ulimit "$NPROC_H")" "nofile given, nproc the default"
	run_pm 0 create --name c1 --ulimit nofile=100:200 "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.Ulimits}}' c1
	is "$output" "\[\{RLIMIT_NOFILE 100 200\} \{RLIMIT_NPROC $NPROC_S $NPROC_H\}\]"
	run_pm 0 run --rm --ulimit nproc=500:600 --ulimit core=0 "$IMG" sh -c "$LIMITS; ulimit -c"
	is "$output" "$NOFILE
$NOFILE
500
600
0" "nproc given, nofile the default"
	run_pm 0 create --name c2 --ulimit nproc=500:600 --ulimit core=0 "$IMG" true
	run_pm 0 inspect c2
	is "$(jq -c '.[0].HostConfig.Ulimits' <<<"$output")" \
		"\[\{\"Name\":\"RLIMIT_NOFILE\",\"Soft\":$NOFILE,\"Hard\":$NOFILE\},\{\"Name\":\"RLIMIT_NPROC\",\"Soft\":500,\"Hard\":600\},\{\"Name\":\"RLIMIT_CORE\",\"Soft\":0,\"Hard\":0\}\]" \
		"nofile first, then the given ones in order"
	# a repeated name: the last value, in the first one's place
	run_pm 0 create --name c3 --ulimit core=0 --ulimit nofile=50 --ulimit core=1:2 --ulimit nofile=70:80 "$IMG" sh -c "ulimit -Sn; ulimit -Hn; awk '/core file/ {print \$5, \$6}' /proc/self/limits"
	run_pm 0 inspect --format '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}} {{end}}' c3
	is "$output" "RLIMIT_NOFILE=70:80 RLIMIT_CORE=1:2 RLIMIT_NPROC=$NPROC_S:$NPROC_H "
	run_pm 0 start -a c3
	is "$output" "70
80
1 2" "the last values"
	run_pm 0 rm c1 c2 c3
}

@test "run --ulimit host: no limits set, wherever it is among the flags; inspect []" {
	pm_load_test_image
	ulimit_defaults
	local hn
	hn=$(as_ulimit "$(ulimit -Hn)")
	for flags in "--ulimit host" "--ulimit nofile=100:200 --ulimit host" "--ulimit host --ulimit nofile=100:200"; do
		# shellcheck disable=SC2086 # the flags are words
		run_pm 0 create --name h $flags "$IMG" sh -c 'ulimit -Sn; ulimit -Hn'
		run_pm 0 inspect --format '{{.HostConfig.Ulimits}}' h
		is "$output" "\[\]" "$flags: template form"
		run_pm 0 inspect h
		is "$(jq -c '.[0].HostConfig.Ulimits' <<<"$output")" "\[\]" "$flags: json form"
		# the soft nofile: the hard one (podman raises its own, the container inherits it)
		run_pm 0 start -a h
		is "$output" "$hn
$hn" "$flags: the caller's hard nofile"
		run_pm 0 rm h
	done
}

@test "pod infra containers get the defaults; kube play's containers none (inspect [])" {
	pm_load_test_image
	ulimit_defaults
	[ -n "$DEF_NPROC" ] || skip "no default nproc here: podman sets no limits"
	run_pm 0 pod create --name p1
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' p1
	run_pm 0 inspect --format '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}} {{end}}' "$output"
	is "$output" "RLIMIT_NOFILE=$NOFILE:$NOFILE RLIMIT_NPROC=$DEF_NPROC:$DEF_NPROC " "the infra container's"
	run_pm 0 pod rm -f -t 0 p1
	cat >"$BATS_TEST_TMPDIR/k.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: kp
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMG
    command: ["sh", "-c", "ulimit -Sn; ulimit -Hn"]
YAML
	run_pm 0 kube play "$BATS_TEST_TMPDIR/k.yaml"
	run_pm 0 wait kp-c
	run_pm 0 inspect --format '{{.HostConfig.Ulimits}}' kp-c
	is "$output" "\[\]" "kube play: no limits set"
	run_pm 0 logs kp-c
	local hn
	hn=$(as_ulimit "$(ulimit -Hn)")
	is "$output" "$hn
$hn" "kube play: the soft nofile raised to the hard one"
	run_pm 0 kube down "$BATS_TEST_TMPDIR/k.yaml"
}

@test "build: a RUN step gets the OCI default nofile 1024:1024 and the default nproc (buildah's)" {
	pm_load_test_image
	ulimit_defaults
	[ -n "$DEF_NPROC" ] || skip "no default nproc here"
	mkdir -p "$BATS_TEST_TMPDIR/ctx"
	# shellcheck disable=SC2016 # expanded by the RUN step's shell
	printf 'FROM %s\nRUN echo "limits: $(ulimit -Sn) $(ulimit -Hn) $(ulimit -Su) $(ulimit -Hu)"\n' \
		"$IMG" >"$BATS_TEST_TMPDIR/ctx/Containerfile"
	run_pm 0 build -t ulx "$BATS_TEST_TMPDIR/ctx"
	assert_contains "$output" "limits: 1024 1024 $DEF_NPROC $DEF_NPROC"
	run_pm 0 rmi ulx
}

@test "containers.conf default_ulimits: stands for --ulimit when none is given" {
	pm_load_test_image
	ulimit_defaults
	mkdir -p "$XDG_CONFIG_HOME/containers"
	local conf=$XDG_CONFIG_HOME/containers/containers.conf
	printf '[containers]\ndefault_ulimits = [\n  # over lines\n  "nofile=300:400",\n]\n' >"$conf"
	run_pm 0 run --rm "$IMG" sh -c "$LIMITS"
	is "$output" "300
400
$(as_ulimit "$NPROC_S")
$(as_ulimit "$NPROC_H")" "the file's nofile, the default nproc"
	run_pm 0 create --name c1 "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.Ulimits}}' c1
	is "$output" "\[\{RLIMIT_NOFILE 300 400\} \{RLIMIT_NPROC $NPROC_S $NPROC_H\}\]"
	# a --ulimit replaces the file's list
	run_pm 0 run --rm --ulimit core=0 "$IMG" sh -c 'ulimit -Sn; ulimit -Hn'
	is "$output" "$NOFILE
$NOFILE" "--ulimit given: the file's nofile is not used"
	# an empty list: no limits set at all
	printf '[containers]\ndefault_ulimits = []\n' >"$conf"
	run_pm 0 create --name c2 "$IMG" true
	run_pm 0 inspect --format '{{.HostConfig.Ulimits}}' c2
	is "$output" "\[\]" "an empty default_ulimits"
	run_pm 0 rm c1 c2
}
