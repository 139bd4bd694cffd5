#!/usr/bin/env bats
# 094-pull: `pull` and run/create --pull against Debian's docker-registry on loopback
# (tests/system/registry.bash seeds it without pm): plain HTTP with --tls-verify=false,
# HTTPS with --cert-dir, by tag and by digest, an OCI index resolved to the host's platform
# (and --arch/--platform), a zstd layer, podman's progress lines and -q, images --digests
# and inspect's RepoDigests, layers already stored not fetched again, two pulls at once,
# --all-tags, run/create --pull never|missing|always|newer. The bad inputs are
# 093-registry-errors.bats's. Runs against podman too (PM="podman --runtime runc").

# shellcheck disable=SC2154 # $stderr and $output are set by run_pm_split (helpers.bash)

load helpers
load registry

setup() {
	basic_setup
	_pm_has_command pull || skip "$PM has no pull command"
}

teardown() {
	registry_stop
	basic_teardown
}

# the host's architecture as image platforms name it
host_arch() {
	case "$(uname -m)" in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}

# blob_gets DIGEST: how many times the registry was asked for that blob (its access log)
blob_gets() {
	grep -c "\"GET /v2/[^ ]*/blobs/$1 " "$REG_LOG" || true
}

@test "pull: plain HTTP with --tls-verify=false prints podman's lines, the id on stdout" {
	registry_start
	local d
	d=$(registry_seed busybox2 "pm/busybox2:v1")
	run_pm_split 0 pull --tls-verify=false "$REG/pm/busybox2:v1"
	is "$output" "[0-9a-f]{64}" "stdout is the image id"
	local id=$output
	is "$(sed -n 1p <<<"$stderr")" "Trying to pull $REG/pm/busybox2:v1\.\.\." "first line"
	is "$(sed -n 2p <<<"$stderr")" "Getting image source signatures"
	is "$(grep -c '^Copying blob sha256:[0-9a-f]\{64\}$' <<<"$stderr")" "2" "a line per layer"
	assert_contains "$stderr" "Copying config sha256:$id"
	is "$(tail -2 <<<"$stderr")" "Writing manifest to image destination.Storing signatures"
	# the registry's digest is the stored one; the name is HOST/REPO:TAG
	run_pm 0 images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}} {{.ID}}'
	is "$output" "$REG/pm/busybox2 v1 $d ${id:0:12}"
	run_pm 0 image inspect "$REG/pm/busybox2:v1" --format '{{.Digest}} {{.RepoTags}} {{.RepoDigests}}'
	is "$output" "$d \[$REG/pm/busybox2:v1\] \[$REG/pm/busybox2@$d\]"
	run_pm 0 run --rm "$REG/pm/busybox2:v1" cat /hello
	is "$output" "hello from layer 2"
	# -q: the id only
	run_pm_split 0 pull -q --tls-verify=false "$REG/pm/busybox2:v1"
	is "$output" "$id"
	is "$stderr" "" "nothing on stderr with -q"
}

@test "pull: by digest gives no tag; RepoDigests and NAME@DIGEST find the image" {
	registry_start
	local d
	d=$(registry_seed busybox "pm/bb:v1")
	run_pm_split 0 pull --tls-verify=false "$REG/pm/bb@$d"
	local id=$output
	assert_contains "$stderr" "Trying to pull $REG/pm/bb@$d..."
	run_pm 0 images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}'
	is "$output" "$REG/pm/bb <none> $d"
	run_pm 0 image inspect "$id" --format '{{.Digest}} {{len .RepoTags}} {{.RepoDigests}}'
	is "$output" "$d 0 \[$REG/pm/bb@$d\]"
	run_pm 0 run --rm --pull=never "$REG/pm/bb@$d" echo by-digest
	is "$output" "by-digest"
}

@test "pull: HTTPS with the registry's CA through --cert-dir" {
	registry_start --tls
	registry_seed busybox-oci "pm/tls:v1" >/dev/null
	run_pm_split 0 pull -q --cert-dir "$REG_CERTS" "$REG/pm/tls:v1"
	is "$output" "[0-9a-f]{64}"
	run_pm 0 run --rm "$REG/pm/tls:v1" echo over-tls
	is "$output" "over-tls"
}

@test "pull: an OCI index resolves to the host's platform; --arch and --platform pick others" {
	registry_start
	local d
	d=$(registry_seed index "pm/multi:v1")
	run_pm_split 0 pull --tls-verify=false "$REG/pm/multi:v1"
	local id=$output
	run_pm 0 image inspect "$id" --format '{{.Architecture}} {{.Os}}'
	is "$output" "$(host_arch) linux"
	# the index's digest is among RepoDigests (podman lists the instance's as well)
	run_pm 0 image inspect "$id" --format '{{.RepoDigests}}'
	assert_contains "$output" "$REG/pm/multi@$d"
	run_pm 0 run --rm "$REG/pm/multi:v1" echo native
	is "$output" "native"
	run_pm_split 0 pull -q --tls-verify=false --arch s390x "$REG/pm/multi:v1"
	run_pm 0 image inspect "$output" --format '{{.Architecture}}'
	is "$output" "s390x"
	run_pm_split 0 pull -q --tls-verify=false --platform linux/arm64 "$REG/pm/multi:v1"
	run_pm 0 image inspect "$output" --format '{{.Architecture}}'
	is "$output" "arm64"
	# by the index's digest
	run_pm_split 0 pull -q --tls-verify=false "$REG/pm/multi@$d"
	is "$output" "$id"
}

@test "pull: a zstd layer" {
	registry_start
	registry_seed zstd "pm/zstd:v1" >/dev/null
	run_pm_split 0 pull -q --tls-verify=false "$REG/pm/zstd:v1"
	run_pm 0 run --rm "$REG/pm/zstd:v1" sh -c 'echo zstd; head -1 /etc/passwd'
	is "$output" "zstd.root:x:0:0:root:/root:/bin/sh"
}

@test "pull: a layer already stored is not fetched again; a second pull fetches nothing" {
	registry_start
	registry_seed busybox "pm/base:v1" >/dev/null
	registry_seed busybox2 "pm/two:v1" >/dev/null
	run_pm 0 pull -q --tls-verify=false "$REG/pm/base:v1"
	local layer
	layer=$(grep -o '"GET /v2/pm/base/blobs/sha256:[0-9a-f]*' "$REG_LOG" | sed 's/.*blobs\///' |
		sort -u | head -50)
	run_pm_split 0 pull --tls-verify=false "$REG/pm/two:v1"
	run_pm 0 run --rm "$REG/pm/two:v1" cat /hello
	is "$output" "hello from layer 2"
	# busybox2's first layer is busybox's: fetched once, by the first pull only
	local l shared=0
	for l in $layer; do
		[ "$(grep -c "\"GET /v2/pm/two/blobs/$l " "$REG_LOG" || true)" -eq 0 ] && shared=$((shared + 1))
	done
	[ "$shared" -ge 1 ] || die "every blob of pm/base was fetched again for pm/two"
	# the same image again: no layer fetched (the config may be read again)
	local id
	id=$(grep -o 'Copying config sha256:[0-9a-f]*' <<<"$stderr" | sed 's/.*sha256://')
	local before after
	before=$(grep '"GET /v2/[^ ]*/blobs/' "$REG_LOG" | grep -vc "$id" || true)
	run_pm 0 pull -q --tls-verify=false "$REG/pm/two:v1"
	after=$(grep '"GET /v2/[^ ]*/blobs/' "$REG_LOG" | grep -vc "$id" || true)
	is "$after" "$before" "layer fetches after a second pull"
}

@test "pull: two pulls of the same image at once both succeed, one copy stored" {
	registry_start
	registry_seed busybox2 "pm/race:v1" >/dev/null
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	"${PM_CMD[@]}" pull -q --tls-verify=false "$REG/pm/race:v1" >"$a.out" 2>"$a.err" &
	local p1=$!
	"${PM_CMD[@]}" pull -q --tls-verify=false "$REG/pm/race:v1" >"$b.out" 2>"$b.err" &
	local p2=$!
	local r1=0 r2=0
	wait $p1 || r1=$?
	wait $p2 || r2=$?
	[ $r1 -eq 0 ] && [ $r2 -eq 0 ] || die "pulls failed: $r1 $(cat "$a.err") / $r2 $(cat "$b.err")"
	is "$(cat "$a.out")" "$(cat "$b.out")" "the same id"
	run_pm 0 images -q
	is "$output" "[0-9a-f]{12}" "one image"
	if ! is_podman; then
		local n
		n=$(find "$XDG_DATA_HOME/pm/storage/layers" -mindepth 1 -maxdepth 1 | wc -l)
		is "$n" "2" "two layers stored"
		run_pm 0 unshare ls "$XDG_DATA_HOME/pm/storage/tmp"
		is "$output" "" "no temporary entry left"
	fi
	run_pm 0 run --rm "$REG/pm/race:v1" cat /hello
	is "$output" "hello from layer 2"
}

@test "pull --all-tags: every tag of the repository" {
	skip_if_podman "podman 4.3 lists the tags over https despite --tls-verify=false"
	registry_start
	registry_seed busybox "pm/tags:a" >/dev/null
	registry_seed busybox2 "pm/tags:b" >/dev/null
	run_pm_split 0 pull -q -a --tls-verify=false "$REG/pm/tags"
	is "${#lines[@]}" "2" "two ids"
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}' --sort tag
	is "$output" "$REG/pm/tags:a.$REG/pm/tags:b"
}

@test "run/create --pull: missing pulls, never refuses, always pulls again, newer asks" {
	registry_start
	registry_seed busybox "pm/run:v1" >/dev/null
	# never: not stored -> podman's "image not known", nothing pulled
	run_pm_split 125 run --rm --pull=never "$REG/pm/run:v1" true
	is "$stderr" "Error: $REG/pm/run:v1: image not known"
	run_pm_split 125 create --pull=never "$REG/pm/run:v1"
	is "$stderr" "Error: $REG/pm/run:v1: image not known"
	# missing (the default): pulled, the lines on stderr, the container's output on stdout
	run_pm_split 0 run --rm --tls-verify=false "$REG/pm/run:v1" echo pulled-and-ran
	is "$output" "pulled-and-ran"
	assert_contains "$stderr" "Trying to pull $REG/pm/run:v1..."
	assert_contains "$stderr" "Writing manifest to image destination"
	# stored now: no pull
	run_pm_split 0 run --rm "$REG/pm/run:v1" echo local
	is "$stderr" "" "no pull lines"
	# always: pulls although stored; -q silences it
	run_pm_split 0 run --rm --pull=always --tls-verify=false "$REG/pm/run:v1" true
	assert_contains "$stderr" "Trying to pull $REG/pm/run:v1..."
	run_pm_split 0 run --rm --pull=always -q --tls-verify=false "$REG/pm/run:v1" true
	is "$stderr" "" "-q: no pull lines"
	# newer: the registry has the same digest: no pull; another image under the tag: pulled
	run_pm_split 0 run --rm --pull=newer --tls-verify=false "$REG/pm/run:v1" true
	is "$stderr" "" "the same digest: no pull"
	registry_seed busybox2 "pm/run:v1" >/dev/null
	run_pm_split 0 run --rm --pull=newer --tls-verify=false "$REG/pm/run:v1" cat /hello
	is "$output" "hello from layer 2"
	assert_contains "$stderr" "Trying to pull $REG/pm/run:v1..."
	# create pulls too
	run_pm 0 rmi -af
	run_pm_split 0 create -q --tls-verify=false "$REG/pm/run:v1"
	is "$output" "[0-9a-f]{64}" "create prints the container id only"
	run_pm 0 rm -a
	# an unknown policy
	run_pm_split 125 run --rm --pull=sometimes "$REG/pm/run:v1" true
	is "$stderr" "Error: unsupported pull policy \"sometimes\""
}

@test "pull: a short name through registries.conf's unqualified-search-registries" {
	registry_start
	registry_seed busybox "shorty:v1" >/dev/null
	local conf=$BATS_TEST_TMPDIR/registries.conf
	printf 'unqualified-search-registries = ["%s"]\n[[registry]]\nlocation = "%s"\ninsecure = true\n' \
		"$REG" "$REG" >"$conf"
	CONTAINERS_REGISTRIES_CONF=$conf run_pm_split 0 pull shorty:v1
	assert_contains "$stderr" "Trying to pull $REG/shorty:v1..."
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}'
	is "$output" "$REG/shorty:v1"
	# two search registries on a non-terminal: enforcing mode refuses to guess
	printf 'unqualified-search-registries = ["%s", "quay.io"]\nshort-name-mode = "enforcing"\n' \
		"$REG" >"$conf"
	CONTAINERS_REGISTRIES_CONF=$conf run_pm_split 125 pull other:v1 </dev/null
	assert_contains "$stderr" "short-name resolution enforced but cannot prompt without a TTY"
}

@test "pull on a terminal: a line per layer with a bar, then done; stored layers skipped" {
	skip_if_podman "pm's bars"
	skip_if_missing script
	registry_start
	registry_seed busybox "pm/tty:base" >/dev/null
	registry_seed busybox2 "pm/tty:v1" >/dev/null
	run_pm 0 pull -q --tls-verify=false "$REG/pm/tty:base"
	# script(1) gives pm a terminal: the layers' lines are redrawn in place
	local out
	out=$(script -qec "$(printf '%q ' "${PM_CMD[@]}") pull --tls-verify=false $REG/pm/tty:v1" /dev/null) ||
		die "pull on a terminal failed: $out"
	echo "$out" | od -c | head -30
	[[ "$out" =~ Copying\ blob\ [0-9a-f]{12}\ skipped:\ already\ exists ]] ||
		die "no 'skipped: already exists' line for the stored layer"
	[[ "$out" =~ Copying\ blob\ [0-9a-f]{12}\ done ]] || die "no 'done' line"
	[[ "$out" =~ Copying\ config\ [0-9a-f]{10}\ done ]] || die "no config line"
	assert_contains "$out" "Writing manifest to image destination"
}
