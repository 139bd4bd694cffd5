#!/usr/bin/env bats
# 118-fixed-cost: what makes list commands cheap must not change what they print. pod ps
# reads only the records of pods' members (engine/ctr-pods.h: a cache of container -> pod,
# checked against the containers directory on every listing): the counts stay exact after
# creates, removals, a create killed after its record, a kill inside the cache's own write
# and a damaged cache. pod ps takes rows from pods/ and renders them in the cli (json with
# the streaming writer, templates over a view of the fields they name): --sort orders every
# output, a template sees every reporter field. images --format builds podman's summary fields only when the
# template names one: they are still there when it does. `pm version` maps no library
# only some commands need. Runs as the unprivileged test user; the tests that do not look
# at pm's own files or crash points run against podman 4.3 too.

load helpers

setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
}

teardown() {
	basic_teardown
}

IMG=localhost/busybox:latest

cache() {
	echo "$XDG_DATA_HOME/pm/storage/db/ctr-pods.cache"
}

@test "pod ps: member counts exact across creates and removals, outside containers not counted" {
	pm_load_test_image
	run_pm 0 pod create --infra=false --name p1
	run_pm 0 pod create --infra=false --name p2
	run_pm 0 create --name out1 "$IMG" true
	run_pm 0 create --name a1 --pod p1 "$IMG" true
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}' --sort name
	is "$output" "p1 1
p2 0"
	run_pm 0 create --name a2 --pod p1 "$IMG" true
	run_pm 0 create --name b1 --pod p2 "$IMG" true
	run_pm 0 create --name out2 "$IMG" true
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}} {{.Status}}' --sort name
	is "$output" "p1 2 Created
p2 1 Created"
	run_pm 0 pod ps --ctr-names --format '{{.Name}} {{.ContainerNames}}' --sort name
	# (podman lists a pod's containers in no fixed order)
	is "$(tr ' ,' '\n\n' <<<"${lines[0]}" | sort | xargs)" "a1 a2 p1"
	is "${lines[1]}" "p2 b1"
	run_pm 0 rm a1
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}' --sort name
	is "$output" "p1 1
p2 1"
	run_pm 0 pod rm -f p2
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 1"
	run_pm 0 pod rm -f p1
	run_pm 0 ps -a --format '{{.Names}}' --sort names
	is "$output" "out1
out2" "the containers outside pods are untouched"
}

@test "pod ps: the cache is used (a record outside pods is not read again) and verified" {
	skip_if_podman "pm's own cache file"
	pm_load_test_image
	run_pm 0 pod create --infra=false --name p1
	run_pm 0 create --name out "$IMG" true
	out=$output
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 0"
	grep -q "^$out [0-9]* -\$" "$(cache)" || die "no cache line for $out: $(cat "$(cache)")"
	tail -n 1 "$(cache)" | grep -qx 'end 1' || die "cache trailer: $(cat "$(cache)")"
	# the record outside pods is not read again: made to claim p1 behind pm's back, it is
	# still not counted (while its cache line stands)
	local pod rec=$XDG_DATA_HOME/pm/storage/db/containers/$out/config.json
	pod=$(readlink "$XDG_DATA_HOME/pm/storage/db/pod-names/p1")
	[ ${#pod} = 64 ] || die "pod id of p1: '$pod'"
	cp "$rec" "$BATS_TEST_TMPDIR/rec"
	sed -i "1s/}\$/,\"Pod\":\"$pod\"}/" "$rec"
	grep -q "\"Pod\":\"$pod\"" "$rec" || die "record not edited: $(head -n 1 "$rec")"
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 0" "the cached fact is used, the record not read"
	cp "$BATS_TEST_TMPDIR/rec" "$rec"
	# a damaged cache is ignored and written again
	echo garbage >"$(cache)"
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 0"
	grep -q "^$out [0-9]* -\$" "$(cache)" || die "cache not rewritten: $(cat "$(cache)")"
	# a cache line whose directory inode differs is not believed: the record is read
	run_pm 0 create --name m1 --pod p1 "$IMG" true
	local m1=$output ino
	ino=$(stat -c %i "$XDG_DATA_HOME/pm/storage/db/containers/$m1")
	printf 'pm-ctr-pods 1\n%s %s -\nend 1\n' "$m1" $((ino + 1)) >"$(cache)"
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 1" "a cache line of another inode is not believed"
	grep -q "^$m1 $ino $pod\$" "$(cache)" || die "cache not corrected: $(cat "$(cache)")"
	run_pm 0 rm m1 out
	run_pm 0 pod rm p1
	run_pm 0 pod ps -q
	is "$output" ""
	grep -qx 'end 0' "$(cache)" || die "removed records stay cached: $(cat "$(cache)")"
}

@test "pod ps: exact after a member create killed after its record, and a kill in the cache write" {
	skip_if_podman "pm's crash points"
	pm_load_test_image
	run_pm 0 pod create --infra=false --name p1
	run_pm 0 create --name out "$IMG" true
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 0" "the cache is written"
	# the record is made, the create killed before anything else: the member is counted
	PM_CRASH_POINT=after-record run_pm 137 create --name m1 --pod p1 "$IMG" true
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 1" "a member whose create was killed after its record"
	run_pm 0 ps -a --filter pod=p1 --format '{{.Names}}'
	is "$output" "m1" "ps agrees"
	# killed between the cache's temp file and its rename: the next listing is exact
	run_pm 0 create --name m2 --pod p1 "$IMG" true
	PM_CRASH_POINT=mid-ctr-pods-cache run_pm 137 pod ps
	run_pm 0 pod ps --format '{{.Name}} {{.NumberOfContainers}}'
	is "$output" "p1 2" "after a kill inside the cache write"
	grep -qx 'end 3' "$(cache)" || die "cache after the kill: $(cat "$(cache)")"
	run_pm 0 pod rm -f p1
	run_pm 0 rm out
	run_pm 0 pod ps -q
	is "$output" ""
	assert_storage_clean
}

@test "pod ps: rows rendered in the cli: --sort orders -q and json too, templates see the fields" {
	skip_if_missing jq
	pm_load_test_image
	run_pm_split 0 pod create --infra=false --name p1 --label app=web --label tier=1
	local p1=$output
	run_pm 0 create --pod p1 --name a1 "$IMG" true
	run_pm 0 create --pod p1 --name a2 "$IMG" true
	run_pm_split 0 pod create --infra=false --name p2
	local p2=$output
	run_pm 0 create --pod p2 --name b1 "$IMG" true
	run_pm_split 0 pod create --infra=false --name p3
	local p3=$output

	run_pm 0 pod ps --sort number -q
	is "$output" "$p3
$p2
$p1" "--sort number orders -q"
	run_pm_split 0 pod ps --sort number --format json
	is "$(jq -r '.[].Name' <<<"$output" | paste -sd' ' -)" "p3 p2 p1" "--sort number: json"
	run_pm_split 0 pod ps --sort name --format json
	is "$(jq -r '.[].Name' <<<"$output" | paste -sd' ' -)" "p1 p2 p3" "--sort name: json"
	is "$(jq -r '.[0].Containers | length' <<<"$output")" "2"
	is "$(jq -r '.[0].Labels.tier' <<<"$output")" "1"
	run_pm_split 0 pod ps -l --format json
	is "$(jq -r '[length, .[0].Id] | join(" ")' <<<"$output")" "1 $p3" "--latest: the newest"
	run_pm 0 pod ps --filter name=nomatch --format json
	is "$output" "\[\]"

	run_pm 0 pod ps --sort name --format '{{.Name}}:{{.NumberOfContainers}}:{{len .Containers}}'
	is "$output" "p1:2:2
p2:1:1
p3:0:0"
	run_pm 0 pod ps --no-trunc --sort name --format '{{.ID}}'
	is "$output" "$p1
$p2
$p3"
	run_pm 0 pod ps --filter name=p1 --format '{{.ID}} {{.Labels.app}} {{.ContainerStatuses}}'
	is "$output" "${p1:0:12} web created,created"
	run_pm 0 pod ps --filter name=p2 --format '{{range .Containers}}{{.Names}}/{{.Status}}{{end}}'
	is "$output" "b1/created"
	run_pm 0 pod ps --filter name=p2 --format 'table {{.Name}} {{.ContainerNames}}'
	is "${lines[0]}" "NAME +NAMES"
	is "${lines[1]}" "p2 +b1"
	run_pm 0 pod ps --filter name=p3
	is "${#lines[@]}" "2"
	is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +# OF CONTAINERS"
	is "${lines[1]}" "${p3:0:12} +p3 +Created +.* ago +0"
	run_pm 0 pod ps --filter name=p3 --ctr-names --ctr-status --noheading
	is "$output" "${p3:0:12} +p3 +Created +.* ago +"
	run_pm 125 pod ps --format '{{.Name}} {{.Nope}}'
	assert_contains "$output" "can't evaluate field Nope"
	run_pm 0 pod rm -f p1 p2 p3
}

@test "pod ps: a template's {{json .}} holds every field of pm's reporter, in order" {
	skip_if_podman "pm's own reporter (podman's has more fields)"
	skip_if_missing jq
	run_pm_split 0 pod create --infra=false --name p1 --label app=web
	local p1=$output
	run_pm 0 pod ps --format '{{json .}}|'
	is "$(jq -r 'keys_unsorted | join(",")' <<<"${output%|}")" \
		"Cgroup,Containers,Created,Id,InfraId,InfraID,NumberOfContainers,ContainerNames,ContainerIds,ContainerStatuses,Name,Namespace,Networks,Status,Labels"
	is "$(jq -r '[.Id, .Created, .NumberOfContainers, .Labels.app] | join(" ")' <<<"${output%|}")" \
		"${p1:0:12} .* ago 0 web"
	run_pm 0 pod ps --format '{{.name}} {{.numberofcontainers}}'
	is "$output" "p1 0" "fields found without regard to case"
	run_pm 0 pod rm p1
}

@test "images --format: summary fields still there when the template names them" {
	pm_load_test_image
	run_pm 0 tag "$IMG" localhost/other:v1
	run_pm 0 create --name c1 "$IMG" true
	run_pm 0 create --name c2 "$IMG" true
	run_pm 0 images --format '{{.Repository}}:{{.Tag}} {{.Containers}}' --sort repository
	is "$output" "localhost/busybox:latest 2
localhost/other:v1 2"
	run_pm 0 images --format '{{.Repository}} {{len .Names}} {{.Labels}}' --sort repository
	assert_contains "${lines[0]}" "localhost/busybox 2 "
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}' --sort repository
	is "$output" "localhost/busybox:latest
localhost/other:v1"
	run_pm 0 rm c1 c2
	run_pm 0 rmi localhost/other:v1
}

@test "pm version and images map none of the libraries only some commands need" {
	skip_if_podman "pm's own linking"
	local lib out
	run_pm 0 images -q # the user namespace made (that may need libsubid), then joined
	for args in "version" "images -q" "volume ls" "pod ps"; do
		# shellcheck disable=SC2086 # the words of args
		out=$(LD_DEBUG=libs "${PM_CMD[@]}" $args 2>&1 >/dev/null)
		for lib in libcurl libarchive libcrypto libssl libyaml libseccomp libsubid libsystemd \
			libzstd libz.so; do
			if grep -qE "calling init: [^ ]*/$lib" <<<"$out"; then
				die "pm $args loads $lib"
			fi
		done
		# the check sees what it looks for (libc: jansson may be linked in statically)
		grep -qE 'calling init: [^ ]*/libc\.so' <<<"$out" ||
			die "LD_DEBUG shows no library: $out"
	done
}
