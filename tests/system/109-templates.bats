#!/usr/bin/env bats
# 109-templates: --format templates as podman's scripts use them: the fields of info,
# version, images, image inspect, inspect and ps that a template can name (Go's field names,
# even where the JSON's differ), map keys ({{.Labels.key}}: exact, "<no value>" when
# missing), and Go's error text with NAME:LINE:COL for a bad template. Runs as the
# unprivileged test user; the same file runs against podman 4.3 (PM="podman --runtime runc").
# Also cp into and out of a running container's mounts, and a noexec volume's refusal.
# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

@test "templates: ps fields by name, map keys exact, table headers" {
	pm_load_test_image
	run_pm 0 create --name t1 -l k=v -l Dotted.key=d "$IMG" echo hello world
	run_pm 0 ps -a --format '{{.Names}};{{.Image}};{{.State}};{{.Labels.k}};{{index .Labels "Dotted.key"}}'
	is "$output" "t1;$IMG;Created;v;d"
	# a map's keys are data: exact, and a missing one is Go's <no value>, not an error
	run_pm 0 ps -a --format '{{.Labels.nope}};{{.Labels.K}}'
	is "$output" "<no value>;<no value>"
	run_pm 0 ps -a --format '{{.ID}} {{.Command}} {{.Pod}};{{.IsInfra}} {{.AutoRemove}} {{.ExitCode}}'
	is "$output" "[0-9a-f]{12} echo hello world ;false false 0"
	run_pm 0 ps -a --no-trunc --format '{{.ID}}'
	is "$output" "[0-9a-f]{64}"
	# fields the template does not name are not needed: any mix still works
	run_pm 0 ps -a --format '{{if .Labels.k}}{{.Names}}{{else}}none{{end}} {{with .Namespaces}}{{end}}{{len .Labels}}'
	is "$output" "t1 3" "two labels and the image's"
	run_pm 0 ps -a --format 'table {{.ID}} {{.Names}} {{.State}}'
	is "${lines[0]}" "CONTAINER ID  NAMES       STATE"
	is "${lines[1]}" "[0-9a-f]{12}  t1          Created"
	run_pm 0 ps -a --format '{{json .}}'
	is "$(jq -r '.[0].Names[0]' <<<"$output")" "t1" "{{json .}} is the JSON"
	run_pm 0 rm t1
}

@test "templates: Go's error text with NAME:LINE:COL, exit 125" {
	pm_load_test_image
	run_pm 0 create --name e1 "$IMG" true
	run_pm_split 125 info --format '{{.Foo}}'
	is "$stderr" "Error: template: info:1:2: executing \"info\" at <.Foo>: can't evaluate field Foo( in type .*)?"
	run_pm_split 125 info --format '{{.Host.Foo}}'
	is "$stderr" "Error: template: info:1:7: executing \"info\" at <.Host.Foo>: can't evaluate field Foo( in type .*)?"
	run_pm_split 125 version --format '{{.Foo}}'
	is "$stderr" "Error: template: version:1:2: executing \"version\" at <.Foo>: can't evaluate field Foo( in type .*)?"
	# lists run the format inside {{range .}}: the column counts from there
	run_pm_split 125 ps -a --format '{{.Foo}}'
	is "$stderr" "Error: template: ps:1:13: executing \"ps\" at <.Foo>: can't evaluate field Foo( in type .*)?"
	run_pm_split 125 images --format '{{.Repository}} {{.Foo}}'
	is "$stderr" "Error: template: images:1:29: executing \"images\" at <.Foo>: can't evaluate field Foo( in type .*)?"
	run_pm_split 125 inspect --format '{{.State.Foo}}' e1
	is "$stderr" "Error: inspecting object: printing inspect output: template: inspect:1:19: executing \"inspect\" at <.State.Foo>: can't evaluate field Foo( in type .*)?"
	run_pm_split 125 image inspect --format '{{.Config.Foo}}' "$IMG"
	is "$stderr" "Error: inspecting object: printing inspect output: template: inspect:1:20: executing \"inspect\" at <.Config.Foo>: can't evaluate field Foo( in type .*)?"
	run_pm_split 125 info --format '{{index .Host 1}}'
	is "$stderr" "Error: template: info:1:2: executing \"info\" at <index .Host 1>: error calling index: .*"
	run_pm_split 125 events --stream=false --format '{{.Foo}}'
	is "$stderr" "Error: template: events:1:2: executing \"events\" at <.Foo>: can't evaluate field Foo( in type .*)?"
	# parse errors: NAME:LINE
	run_pm_split 125 info --format '{{.Foo'
	is "$stderr" "Error: template: info:1: unclosed action"
	run_pm_split 125 info --format '{{if}}'
	is "$stderr" "Error: template: info:1: missing value for if"
	run_pm_split 125 info --format 'x{{end}}'
	is "$stderr" "Error: template: info:1: unexpected \{\{end\}\}"
	run_pm_split 125 info --format 'ab{{.Host.Kernel}'
	is "$stderr" "Error: template: info:1: bad character U\+007D '\}'"
	run_pm_split 125 info --format '{{.Host.Kernel | nosuch}}'
	is "$stderr" "Error: template: info:1: function \"nosuch\" not defined"
	run_pm 0 rm e1
}

@test "templates: info's fields by Go name (CgroupsVersion, Conmon, stores, plugins)" {
	pm_load_test_image
	run_pm 0 create --name i1 "$IMG" true
	run_pm 0 info --format '{{.Host.CgroupsVersion}}|{{.Store.ContainerStore.Number}}|{{.Store.ContainerStore.Running}}|{{.Store.ContainerStore.Stopped}}|{{.Store.ImageStore.Number}}'
	is "$output" "v[12]\|1\|0\|1\|1" "a created container counts as stopped"
	run_pm 0 info --format '{{.Plugins.Volume}}|{{.Registries}}|{{.Host.NetworkBackend}}'
	is "$output" "\[local\]\|map\[.*\]\|.+"
	run_pm 0 info --format '{{.Host.Security.DefaultCapabilities}}|{{(index .Host.IDMappings.UIDMap 0).ContainerID}}|{{(index .Host.IDMappings.UIDMap 0).HostID}}'
	is "$output" ".*CAP_CHOWN.*\|0\|$(id -u)"
	run_pm 0 info --format '{{.Host.Conmon.Path}}|{{.Host.CPUUtilization.IdlePercent}}|{{.Store.ImageCopyTmpDir}}|{{.Host.Slirp4NetNS.Executable}}'
	is "$output" "/.+\|[0-9.]+\|/.*\|.*"
	run_pm 0 info --format '{{.Store.GraphOptions}}|{{.Host.RemoteSocket.Path}}|{{.Host.OCIRuntime.Name}}'
	is "$output" "map\[.*\]\|.*\|.+"
	run_pm 0 version --format '{{.Client.Os}}|{{.Client.OsArch}}'
	is "$output" "linux\|linux/.+"
	run_pm 0 rm i1
}

@test "templates: inspect's fields (CgroupPath, CreateCommand, PortBindings, Annotations, ...)" {
	pm_load_test_image
	run_pm 0 run -d --name c1 -p 127.0.0.1:18123:80 -l app=web "$IMG" sleep 100
	run_pm 0 inspect --format '{{.State.CgroupPath}}' c1
	is "$output" "/.*" "a running container's cgroup"
	run_pm 0 inspect --format '{{index .Config.CreateCommand 0}} {{len .Config.CreateCommand}}' c1
	is "$output" ".*(pm|podman) [0-9]+"
	assert_contains "$(${PM} inspect --format '{{.Config.CreateCommand}}' c1)" "run -d --name c1"
	# shellcheck disable=SC2016 # a template's variables
	run_pm 0 inspect --format '{{range $k, $v := .HostConfig.PortBindings}}{{$k}}{{end}}' c1
	is "$output" "80/tcp"
	run_pm 0 inspect --format '{{(index (index .HostConfig.PortBindings "80/tcp") 0).HostPort}}' c1
	is "$output" "18123"
	run_pm 0 inspect --format '{{index .Config.Annotations "io.container.manager"}}|{{.Config.Annotations.nope}}' c1
	is "$output" "libpod\|<no value>"
	run_pm 0 inspect --format '{{.Config.Labels.app}}|{{.Config.Labels.App}}|{{.Config.Passwd}}|{{.Config.SdNotifyMode}}' c1
	is "$output" "web\|<no value>\|true\|.+"
	run_pm 0 inspect --format '{{.HostConfig.CpuCount}} {{.HostConfig.CpuPercent}} {{.HostConfig.IOMaximumIOps}} {{.HostConfig.KernelMemory}} {{.HostConfig.DiskQuota}} {{len .HostConfig.Ulimits}}' c1
	is "$output" "0 0 0 0 0 [0-9]+"
	# the monitor's pid file holds a live pid
	run_pm 0 inspect --format '{{.ConmonPidFile}}' c1
	local pidfile=$output
	[ -s "$pidfile" ] || die "ConmonPidFile '$pidfile' is not there"
	kill -0 "$(cat "$pidfile")" || die "the pid in $pidfile is not alive"
	run_pm 0 inspect --format '{{.OCIConfigPath}}' c1
	[ -s "$output" ] || die "OCIConfigPath '$output' is not there"
	run_pm 0 rm -f -t 0 c1

	# created, never started: no cgroup
	run_pm 0 create --name c2 "$IMG" true
	run_pm 0 inspect --format '[{{.State.CgroupPath}}]' c2
	is "$output" "\[\]"
	run_pm 0 rm c2
}

@test "templates: images and image inspect fields" {
	pm_load_test_image
	run_pm 0 images --format '{{.Repository}}|{{.Tag}}|{{index .Labels "org.pm.test"}}|{{.Labels.nope}}|{{.ReadOnly}}|{{.Names}}|{{.SharedSize}}|{{.Dangling}}'
	is "$output" "localhost/busybox\|latest\|busybox\|<no value>\|false\|\[$IMG\]\|0\|false"
	run_pm 0 image inspect --format '{{.ID}}|{{.Os}}|{{.RootFS.Type}}|{{index .Config.Labels "org.pm.test"}}|{{.Config.Labels.nope}}' "$IMG"
	is "$output" "[0-9a-f]{64}\|linux\|layers\|busybox\|<no value>"
}

@test "cp: into and out of a running container's volume, bind and tmpfs mounts" {
	pm_load_test_image
	local bind=$BATS_TEST_TMPDIR/bind
	mkdir -p "$bind"
	echo host-data >"$BATS_TEST_TMPDIR/in.txt"
	run_pm 0 volume create cpvol
	run_pm 0 run -d --name cp1 -v cpvol:/vol -v "$bind":/bind --tmpfs /tmpfs "$IMG" sleep 100
	local d
	for d in /vol /bind /tmpfs; do
		run_pm 0 cp "$BATS_TEST_TMPDIR/in.txt" "cp1:$d/in.txt"
		run_pm 0 exec cp1 cat "$d/in.txt"
		is "$output" "host-data" "the copy in $d, seen from inside"
		run_pm 0 exec cp1 sh -c "echo from-$d > $d/out.txt"
		run_pm 0 cp "cp1:$d/out.txt" "$BATS_TEST_TMPDIR/out.txt"
		is "$(cat "$BATS_TEST_TMPDIR/out.txt")" "from-$d" "the copy out of $d"
	done
	# the bind mount is the host's directory
	is "$(cat "$bind/in.txt")" "host-data"
	# a directory copied out of the tmpfs keeps its contents
	run_pm 0 exec cp1 sh -c 'mkdir /tmpfs/dir && echo x > /tmpfs/dir/f'
	run_pm 0 cp cp1:/tmpfs/dir "$BATS_TEST_TMPDIR/dir"
	is "$(cat "$BATS_TEST_TMPDIR/dir/f")" "x"
	# a symlink inside cannot lead out of the container's root (to a host directory the
	# user can write)
	run_pm 0 exec cp1 ln -s "/../../../../../..$BATS_TEST_TMPDIR" /vol/esc
	run_pm '?' cp "$BATS_TEST_TMPDIR/in.txt" cp1:/vol/esc/pm-escape.txt
	[ ! -e "$BATS_TEST_TMPDIR/pm-escape.txt" ] || die "cp wrote through a symlink to the host"
	run_pm 0 rm -f -t 0 cp1
	# stopped: the volume's data stays (the rootfs path is the storage mount)
	run_pm 0 run --rm -v cpvol:/vol "$IMG" cat /vol/in.txt
	is "$output" "host-data"
	run_pm 0 volume rm cpvol
}

@test "noexec volume: running a program from it is permission denied, 126 (run and exec)" {
	pm_load_test_image
	run_pm 0 volume create nx
	run_pm 0 run --rm -v nx:/data "$IMG" sh -c 'printf "#!/bin/sh\necho hi\n" >/data/x; chmod +x /data/x'
	run_pm 0 run --rm -v nx:/data "$IMG" /data/x
	is "$output" "hi" "exec is allowed without noexec"
	run_pm_split 126 run --rm -v nx:/data:noexec "$IMG" /data/x
	# podman (runc): "...exec /data/x: permission denied: OCI permission denied"
	is "$stderr" "Error: .*/data/x.*ermission denied.*"
	is "$(grep -c . <<<"$stderr")" "1" "one error line"
	run_pm_split 126 run --rm -v nx:/data:noexec "$IMG" sh -c /data/x
	is "$stderr" "sh: /data/x: Permission denied"
	run_pm 0 run -d --name nx1 -v nx:/data:noexec "$IMG" sleep 100
	run_pm_split 126 exec nx1 /data/x
	is "$stderr" "Error: .*/data/x.*ermission denied.*"
	run_pm 0 rm -f -t 0 nx1
	# a bind mount and --mount alike
	mkdir -p "$BATS_TEST_TMPDIR/b"
	printf '#!/bin/sh\necho hi\n' >"$BATS_TEST_TMPDIR/b/x"
	chmod +x "$BATS_TEST_TMPDIR/b/x"
	run_pm_split 126 run --rm -v "$BATS_TEST_TMPDIR/b:/b:noexec" "$IMG" /b/x
	is "$stderr" "Error: .*/b/x.*ermission denied.*"
	run_pm_split 126 run --rm --mount type=volume,src=nx,dst=/data,noexec "$IMG" /data/x
	is "$stderr" "Error: .*/data/x.*ermission denied.*"
	run_pm 0 volume rm nx
}
