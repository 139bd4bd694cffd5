#!/usr/bin/env bats
# 020-images: the image store and image commands: import, images (columns, -q, --no-trunc,
# --format, --filter reference=), image inspect (podman's JSON shape), tag/untag/rmi,
# save/load in docker-archive, oci-archive and oci-dir (multi-layer, several tags), history,
# prune, exists; corrupt/truncated archives, digest mismatch, unknown references and
# escaping layers refused with 125 leaving nothing in the store; concurrent imports/loads
# and shared base layers stored once.

load helpers

setup() {
	basic_setup
	STORE=$("${PM_CMD[@]}" info --format json 2>/dev/null | jq -r '.store.graphRoot // empty')
	[ -n "$STORE" ] || STORE=$XDG_DATA_HOME/pm/storage
}

teardown() {
	basic_teardown
}

# nothing half-made: no temp dirs, and (optionally) no layers or images at all
assert_store_clean() {
	local n
	pm_store_settled # what rm and run --rm leave to a detached process
	n=$(find "$STORE/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || die "temp entries left in $STORE/tmp: $(ls "$STORE/tmp")"
	if [ "${1:-}" = empty ]; then
		n=$(find "$STORE/layers" "$STORE/images" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		[ "$n" -eq 0 ] || die "store not empty: $(ls "$STORE/layers" "$STORE/images")"
	fi
}

@test "import: rootfs tarball -> localhost image, --change, --message, stdin" {
	run_pm_split 0 import --change 'CMD ["sh"]' --change 'ENV FOO=bar' -m "my message" \
		"$(pm_test_image rootfs-tar)" busyimp
	is "$output" "sha256:[0-9a-f]{64}" "import prints the id"
	id=${output#sha256:}
	run_pm 0 image inspect busyimp --format '{{.Id}}|{{index .RepoTags 0}}|{{.Comment}}'
	is "$output" "$id\|localhost/busyimp:latest\|my message"
	run_pm 0 image inspect busyimp
	[ "$(jq -r '.[0].Config.Cmd[0]' <<<"$output")" = sh ] || die "Cmd not set: $output"
	[ "$(jq -r '.[0].Config.Env[0]' <<<"$output")" = FOO=bar ] || die "Env not set"
	run_pm 0 import - fromstdin <"$(pm_test_image rootfs-tar)"
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}' --filter reference=fromstdin
	is "$output" "localhost/fromstdin:latest"
	run_pm 125 import --change 'RUN make' "$(pm_test_image rootfs-tar)" x
	assert_contains "$output" "unsupported instruction 'RUN'"
	run_pm 125 import /nonexistent.tar x
	assert_contains "$output" "/nonexistent.tar"
	run_pm 125 import "$(pm_test_image rootfs-tar)" BadName
	assert_contains "$output" "must be lowercase"
}

@test "images: columns, -q, --no-trunc, --noheading, --format json, reference filter" {
	pm_load_test_image docker
	pm_load_test_image docker2
	run_pm 0 images
	is "${lines[0]}" "REPOSITORY +TAG +IMAGE ID +CREATED +SIZE" "header"
	is "${lines[1]}" "localhost/busybox2? +latest +[0-9a-f]{12} +56 years ago +2\.1[0-9] MB"
	[ "${#lines[@]}" -eq 3 ] || die "expected 2 images: $output"
	run_pm 0 images -q
	is "$output" "[0-9a-f]{12}.[0-9a-f]{12}" "two short ids"
	run_pm 0 images -q --no-trunc
	is "${lines[0]}" "sha256:[0-9a-f]{64}"
	run_pm 0 images --noheading
	[ "${#lines[@]}" -eq 2 ] || die "noheading: $output"
	run_pm 0 images --format json
	[ "$(jq length <<<"$output")" -eq 2 ] || die "json: $output"
	[ "$(jq -r '.[0] | has("Id") and has("Names") and has("Size") and has("Created") and has("RepoDigests")' <<<"$output")" = true ] ||
		die "json shape: $output"
	run_pm 0 images --filter reference=busybox2 --format '{{.Repository}}'
	is "$output" "localhost/busybox2"
	run_pm 0 images --filter 'reference=localhost/busy*:latest' -q
	[ "${#lines[@]}" -eq 2 ] || die "glob filter: $output"
	run_pm 0 image ls --filter reference=nothing-here
	[ "${#lines[@]}" -eq 1 ] || die "no rows expected: $output"
	run_pm 125 images --filter bogus=1
	assert_contains "$output" "bogus"
}

# rows IMAGES-ARGS...: `images --format {{.Repository}}:{{.Tag}}` as one line
rows() {
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}' "$@" >/dev/null
	echo "$output" | tr '\n' ' '
}

@test "images --sort created|id|repository|size|tag, -a; a bad key is 125" {
	# three images whose orders differ by every key: busybox2 (1970, biggest, two tags),
	# aimp (small, imported first), zimp (middle size, imported last: the newest)
	pm_load_test_image docker2
	run_pm 0 tag busybox2 localhost/busybox2:aaa
	# (import takes the file's mtime as the creation time, as podman's does; fixed dates
	# keep CREATED's "... ago" from changing between two listings)
	cp "$(pm_test_image layer2-tar)" "$BATS_TEST_TMPDIR/aimp.tar"
	touch -d '2020-01-01 00:00:00' "$BATS_TEST_TMPDIR/aimp.tar"
	run_pm 0 import "$BATS_TEST_TMPDIR/aimp.tar" aimp
	cp "$(pm_test_image rootfs-tar)" "$BATS_TEST_TMPDIR/zimp.tar"
	touch -d '2021-01-01 00:00:00' "$BATS_TEST_TMPDIR/zimp.tar"
	run_pm 0 import "$BATS_TEST_TMPDIR/zimp.tar" zimp
	# busybox2's two rows tie on every key but tag: they keep the store's order of its names
	run_pm 0 image inspect busybox2 --format '{{range .RepoTags}}{{.}} {{end}}'
	local b2=$output
	assert_contains "$b2" "localhost/busybox2:aaa"
	assert_contains "$b2" "localhost/busybox2:latest"
	local by_created="localhost/zimp:latest localhost/aimp:latest $b2"
	is "$(rows)" "$by_created" "default: created, newest first"
	is "$(rows --sort created)" "$by_created" "--sort created"
	is "$(rows --sort repository)" "localhost/aimp:latest ${b2}localhost/zimp:latest " \
		"--sort repository"
	is "$(rows --sort size)" "localhost/aimp:latest localhost/zimp:latest $b2" \
		"--sort size: smallest first"
	# (the three :latest rows tie: their order is the store's, podman's differs)
	local by_tag
	by_tag=$(rows --sort tag)
	is "$by_tag" "localhost/busybox2:aaa localhost/[a-z0-9]+:latest localhost/[a-z0-9]+:latest localhost/[a-z0-9]+:latest " \
		"--sort tag: aaa before latest"
	run_pm 0 images --sort id --format '{{.ID}}'
	[ "${#lines[@]}" -eq 4 ] || die "--sort id: 4 rows expected: $output"
	is "$output" "$(sort <<<"$output")" "--sort id: ascending ids"
	run_pm 0 images --sort id --format '{{.ID}}' -q
	is "$output" "$(sort -u <<<"$output")" "-q --sort id: each id once, ascending"
	[ "${#lines[@]}" -eq 3 ] || die "-q: 3 ids expected: $output"
	run_pm 0 image inspect busybox2 --format '{{.Id}}'
	local big=${output:0:12}
	run_pm 0 images --sort size -q
	is "${lines[2]}" "$big" "-q --sort size: the biggest last"
	run_pm 0 images -q
	is "${lines[2]}" "$big" "-q: the oldest last"
	run_pm 0 images --sort repository -q
	is "${lines[1]}" "$big" "-q --sort repository"

	# -a: no image here is intermediate (an untagged parent), so the same rows
	run_pm 0 images
	local plain=$output
	run_pm 0 images -a
	[ "$output" = "$plain" ] || die "-a differs: $output"
	run_pm 0 images --all --sort repository --noheading
	is "${#lines[@]}" 4 "--all --sort repository"

	run_pm 125 images --sort bogus
	is "$output" 'Error: "bogus" is not a valid field for sorting. Choose from: .*' "bad --sort"
	local k
	for k in created id repository size tag; do
		assert_contains "$output" "$k"
	done
	run_pm 125 images --sort ID
	assert_contains "$output" '"ID" is not a valid field for sorting'
	run_pm 125 images --sort=
	assert_contains "$output" '"" is not a valid field for sorting'
}

@test "images -a: an untagged parent of a commit is intermediate: hidden without -a, not dangling" {
	run_pm 0 import "$(pm_test_image rootfs-tar)" base
	run_pm 0 image inspect base --format '{{.Id}}'
	local base=$output
	run_pm 0 run --name mk base sh -c 'echo x >/newfile'
	run_pm 0 commit mk child
	run_pm 0 rm mk
	run_pm 0 images --format '{{.Repository}}'
	is "$output" "localhost/child.localhost/base" "both tagged: both listed"
	run_pm 0 untag base
	run_pm 0 images --format '{{.Repository}}'
	is "$output" "localhost/child" "without -a: the intermediate parent is hidden"
	run_pm 0 images --format json
	is "$(jq length <<<"$output")" 1 "--format json: hidden too"
	run_pm 0 images -a --format '{{.Repository}} {{.ID}} {{.Dangling}}'
	is "$output" "localhost/child [0-9a-f]{12} false.<none> ${base:0:12} false" "-a shows it, not dangling"
	run_pm 0 images -a -q
	is "${#lines[@]}" 2 "-a -q"
	run_pm 0 images --all --format json
	is "$(jq length <<<"$output")" 2 "--all --format json"
	run_pm 0 images -a --filter dangling=true -q
	is "$output" "" "an intermediate image is not dangling"
	run_pm 0 images --filter dangling=false -a --format '{{.Repository}}'
	is "$output" "localhost/child.<none>" "dangling=false -a: both"
}

@test "image inspect: podman's JSON shape; unknown image is 125" {
	pm_load_test_image docker2
	run_pm 0 image inspect busybox2
	local keys
	keys=$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$output")
	for k in Id Digest RepoTags RepoDigests Created Config Architecture Os Size RootFS History Labels; do
		[[ ",$keys," == *",$k,"* ]] || die "inspect lacks $k: $keys"
	done
	[ "$(jq -r '.[0].RootFS.Type' <<<"$output")" = layers ] || die "RootFS.Type"
	[ "$(jq -r '.[0].RootFS.Layers | length' <<<"$output")" -eq 2 ] || die "2 layers"
	[ "$(jq -r '.[0].Labels["org.pm.test"]' <<<"$output")" = busybox ] || die "labels"
	[ "$(jq -r '.[0].Config.Cmd[0]' <<<"$output")" = sh ] || die "Cmd"
	run_pm 125 image inspect nosuchimage
	assert_contains "$output" "nosuchimage: image not known"
}

@test "tag, untag, rmi by name/id prefix/digest; exists" {
	pm_load_test_image docker
	run_pm 0 tag busybox mytag:v1 other
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}'
	assert_contains "$output" "localhost/mytag:v1"
	assert_contains "$output" "localhost/other:latest"
	run_pm 0 image exists localhost/mytag:v1
	run_pm 1 image exists nosuch
	run_pm 0 untag busybox localhost/other:latest
	run_pm 1 image exists other
	run_pm 0 rmi mytag:v1
	is "$output" "Untagged: localhost/mytag:v1" "rmi of one of several names untags"
	run_pm 0 image inspect busybox --format '{{.Id}} {{.Digest}}'
	id=${output%% *}
	digest=${output##* }
	run_pm 0 image exists "busybox@$digest"
	run_pm 0 image exists "${id:0:6}"
	run_pm 1 rmi nosuch
	assert_contains "$output" "nosuch: image not known"
	run_pm 0 rmi "${id:0:8}"
	assert_contains "$output" "Deleted: $id"
	run_pm 1 image exists busybox
	assert_store_clean empty
}

@test "import + rmi leaves no blob behind (config and manifest)" {
	# the first import creates the store; count its blobs after one import+rmi round
	run_pm 0 import "$(pm_test_image rootfs-tar)" warm
	run_pm 0 rmi warm
	local before after
	before=$(find "$STORE/blobs" -type f 2>/dev/null | wc -l)
	run_pm 0 import "$(pm_test_image rootfs-tar)" blobcount
	[ "$(find "$STORE/blobs" -type f | wc -l)" -gt "$before" ] || die "import stored no blob"
	run_pm 0 rmi blobcount
	after=$(find "$STORE/blobs" -type f 2>/dev/null | wc -l)
	[ "$after" -eq "$before" ] ||
		die "blobs before import: $before, after import+rmi: $after: $(ls "$STORE/blobs/sha256")"
	assert_store_clean empty
}

@test "tag: a name longer than a reference may be is refused when tagged, storing nothing" {
	run_pm 0 import "$(pm_test_image rootfs-tar)" base
	local a445 b250 e245 t129
	a445=$(printf 'a%.0s' $(seq 445))
	b250=$(printf 'b%.0s' $(seq 250))
	e245=$(printf 'e%.0s' $(seq 245))
	t129=$(printf 't%.0s' $(seq 129))
	run_pm 125 tag base "$a445"
	assert_contains "$output" "normalizing name \"$a445\""
	assert_contains "$output" "repository name must not be more than 255 characters"
	# 250 characters, but localhost/ makes 260
	run_pm 125 tag base "$b250"
	is "$output" "Error: normalizing name \"$b250\": repository name must not be more than 255 characters"
	run_pm 125 tag base "quay.io/$b250"
	assert_contains "$output" "repository name must not be more than 255 characters"
	run_pm 125 tag base "x:$t129"
	assert_contains "$output" "invalid reference format"
	run_pm 0 images --format '{{.Repository}}:{{.Tag}}'
	is "$output" "localhost/base:latest" "nothing stored by the refused tags"
	# 245 + localhost/ is 255: allowed, and rmi and save/load can parse it
	run_pm 0 tag base "$e245:v1"
	run_pm 0 image exists "localhost/$e245:v1"
	run_pm 0 rmi "$e245:v1"
	assert_contains "$output" "Untagged: localhost/$e245:v1"
}

@test "ambiguous id prefix is an error" {
	# 17 images: two of them share their first hex digit (pigeonhole)
	for i in $(seq 17); do
		run_pm 0 import -m "m$i" "$(pm_test_image rootfs-tar)"
	done
	run_pm 0 images -q
	p=$(cut -c1 <<<"$output" | sort | uniq -d | head -1)
	[ -n "$p" ] || die "no shared prefix among: $output"
	run_pm 125 image inspect "$p"
	assert_contains "$output" "ambiguous"
}

@test "save/load: docker-archive, oci-archive and oci-dir round trip, multi-layer, several tags" {
	pm_load_test_image docker2
	run_pm 0 tag busybox2 extra:one
	for fmt in docker-archive oci-archive oci-dir; do
		out=$BATS_TEST_TMPDIR/save-$fmt
		run_pm 0 save --format $fmt -o "$out" busybox2 extra:one
		run_pm 0 rmi -f busybox2
		run_pm 1 image exists busybox2
		run_pm 0 load -i "$out"
		assert_contains "$output" "Loaded image: localhost/busybox2:latest"
		assert_contains "$output" "Loaded image: localhost/extra:one"
		run_pm 0 image inspect busybox2 --format '{{len .RootFS.Layers}}'
		is "$output" "2" "$fmt keeps both layers"
		assert_store_clean
	done
	# stdin
	run_pm 0 rmi -f busybox2
	run_pm 0 load <"$(pm_test_image oci2)"
	assert_contains "$output" "Loaded image: localhost/busybox2:latest"
	run_pm 125 save --format tar -o "$BATS_TEST_TMPDIR/x" busybox2
	is "$output" "Error: format value must be one of oci-dir oci-archive docker-dir docker-archive"
	run_pm 125 save -o "$BATS_TEST_TMPDIR/x" nosuch
	assert_contains "$output" "nosuch: image not known"
}

@test "whiteout of the second layer is an overlay whiteout in the store" {
	pm_load_test_image oci2
	run_pm 0 image inspect busybox2 --format '{{index .RootFS.Layers 1}}'
	top=${output#sha256:}
	run_pm 0 unshare stat -c %F:%t:%T "$STORE/layers/$top/diff/etc/motd"
	is "$output" "character special file:0:0"
	run_pm 0 unshare cat "$STORE/layers/$top/diff/hello"
	is "$output" "hello from layer 2"
}

@test "history" {
	pm_load_test_image docker2
	run_pm 0 history busybox2
	is "${lines[0]}" "ID +CREATED +CREATED BY +SIZE +COMMENT"
	is "${lines[1]}" "[0-9a-f]{12} +56 years ago +tests/lib/mkimage.sh: layer2.tar +10.2 kB *"
	is "${lines[2]}" "<missing> +56 years ago +tests/lib/mkimage.sh: rootfs.tar +2.1[0-9] MB *"
	run_pm 0 image history -q busybox2
	[ "${#lines[@]}" -eq 2 ] || die "history -q: $output"
	run_pm 125 history nosuch
	assert_contains "$output" "Error: nosuch: image not known"
}

@test "image prune removes dangling images only (-a: all unused)" {
	pm_load_test_image docker
	run_pm_split 0 import "$(pm_test_image rootfs-tar)"
	dangling=${output#sha256:}
	run_pm 0 image prune -f
	is "$output" "$dangling"
	run_pm 0 image exists busybox
	run_pm 0 image prune -a -f
	run_pm 1 image exists busybox
	assert_store_clean empty
}

@test "corrupt, truncated, digest-mismatch archives and unknown files: 125, nothing stored" {
	head -c 100000 "$(pm_test_image docker2)" >"$BATS_TEST_TMPDIR/trunc.tar"
	run_pm 125 load -i "$BATS_TEST_TMPDIR/trunc.tar"
	assert_contains "$output" "runcated"
	assert_store_clean empty
	echo garbage >"$BATS_TEST_TMPDIR/garbage.tar"
	run_pm 125 load -i "$BATS_TEST_TMPDIR/garbage.tar"
	assert_contains "$output" "Error: payload does not match any of the supported image formats"
	run_pm 125 import "$BATS_TEST_TMPDIR/garbage.tar" g
	assert_contains "$output" "Error: "
	is_podman || assert_contains "$output" "importing '$BATS_TEST_TMPDIR/garbage.tar': reading layer: Unrecognized archive format"
	assert_store_clean empty
	# flip the second layer of an OCI layout: its digest no longer matches the manifest
	cp -r "$(pm_test_image oci2-dir)" "$BATS_TEST_TMPDIR/bad"
	man=$(jq -r '.manifests[0].digest' "$BATS_TEST_TMPDIR/bad/index.json")
	l2=$(jq -r '.layers[1].digest' "$BATS_TEST_TMPDIR/bad/blobs/sha256/${man#sha256:}")
	f=$BATS_TEST_TMPDIR/bad/blobs/sha256/${l2#sha256:}
	mkdir "$BATS_TEST_TMPDIR/other"
	echo other >"$BATS_TEST_TMPDIR/other/file"
	tar -C "$BATS_TEST_TMPDIR/other" -cf - file | gzip -n >"$f"
	run_pm 125 load -i "$BATS_TEST_TMPDIR/bad"
	assert_contains "$output" "digest mismatch"
	run_pm 1 image exists busybox2
	assert_store_clean
	[ "$(find "$STORE/layers" -mindepth 1 -maxdepth 1 | wc -l)" -le 1 ] || die "bad layer stored"
	run_pm 125 load -i /nonexistent
	assert_contains "$output" "/nonexistent"
	assert_contains "$output" "o such file or directory" # podman: "no such", pm: strerror's "No such"
}

@test "escaping layers refused: ../escape and the absolute-symlink trick" {
	local w=$BATS_TEST_TMPDIR
	mkdir -p "$w/src" "$w/outside"
	echo x >"$w/src/f"
	tar -C "$w/src" --transform 's|^f$|../escape|' -cf "$w/dotdot.tar" f
	run_pm 125 import "$w/dotdot.tar" dd
	assert_contains "$output" "'../escape'"
	ln -s "$w/outside" "$w/src/evil"
	tar -C "$w/src" -cf "$w/sym.tar" evil
	tar -C "$w/src" --transform 's|^f$|evil/pwned|' -rf "$w/sym.tar" f
	run_pm 125 import "$w/sym.tar" sy
	assert_contains "$output" "evil/pwned"
	[ ! -e "$w/outside/pwned" ] || die "wrote outside the store"
	[ ! -e "$w/escape" ] || die "wrote outside the store"
	assert_store_clean empty
}

@test "concurrent loads of the same image store it once; shared base layer stored once" {
	local f
	f=$(pm_test_image docker)
	"${PM_CMD[@]}" load -i "$f" >"$BATS_TEST_TMPDIR/a.out" 2>&1 &
	pa=$!
	"${PM_CMD[@]}" load -i "$f" >"$BATS_TEST_TMPDIR/b.out" 2>&1 &
	pb=$!
	wait $pa || die "first load failed: $(cat "$BATS_TEST_TMPDIR/a.out")"
	wait $pb || die "second load failed: $(cat "$BATS_TEST_TMPDIR/b.out")"
	run_pm 0 images -q
	[ "${#lines[@]}" -eq 1 ] || die "one image expected: $output"
	[ "$(find "$STORE/layers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ] || die "one layer expected"
	# busybox2 shares busybox's base layer: only its top layer is added
	pm_load_test_image oci2
	[ "$(find "$STORE/layers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 2 ] || die "base layer stored twice"
	# concurrent imports of one tarball: both succeed, the layer is stored once
	"${PM_CMD[@]}" import "$(pm_test_image rootfs-tar)" imp1 >/dev/null 2>&1 &
	pa=$!
	"${PM_CMD[@]}" import "$(pm_test_image rootfs-tar)" imp2 >/dev/null 2>&1 &
	pb=$!
	wait $pa && wait $pb || die "concurrent import failed"
	[ "$(find "$STORE/layers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 2 ] || die "import stored the layer again"
	assert_store_clean
}

@test "podman interop: pm save loads in podman, podman save loads in pm" {
	skip_if_missing podman
	skip_if_podman "compares pm with podman"
	local proot=$BATS_TEST_TMPDIR/podman prun
	# podman refuses a runroot longer than 50 characters
	prun=$(mktemp -d /tmp/pmp.XXXXXX)
	local P=(podman --root "$proot/root" --runroot "$prun" --runtime runc --storage-driver vfs)
	local perr
	perr=$("${P[@]}" info 2>&1 >/dev/null) || skip "podman does not work here: $(tail -n 1 <<<"$perr")"
	pm_load_test_image docker2
	run_pm 0 save -o "$BATS_TEST_TMPDIR/pm-d.tar" busybox2
	run_pm 0 save --format oci-archive -o "$BATS_TEST_TMPDIR/pm-o.tar" busybox2
	"${P[@]}" load -i "$BATS_TEST_TMPDIR/pm-d.tar" >/dev/null 2>&1 || die "podman cannot load pm docker-archive"
	"${P[@]}" load -i "$BATS_TEST_TMPDIR/pm-o.tar" >/dev/null 2>&1 || die "podman cannot load pm oci-archive"
	"${P[@]}" tag localhost/busybox2:latest localhost/frompodman:latest >/dev/null
	"${P[@]}" save -o "$BATS_TEST_TMPDIR/p-d.tar" localhost/frompodman:latest >/dev/null 2>&1
	"${P[@]}" save --format oci-archive -o "$BATS_TEST_TMPDIR/p-o.tar" localhost/frompodman:latest >/dev/null 2>&1
	"${P[@]}" rmi -a -f >/dev/null 2>&1 || true
	run_pm 0 rmi -a -f
	run_pm 0 load -i "$BATS_TEST_TMPDIR/p-d.tar"
	assert_contains "$output" "localhost/frompodman:latest"
	run_pm 0 run --rm frompodman sh -c 'cat /hello; test ! -e /etc/motd'
	is "$output" "hello from layer 2" "podman's docker-archive runs in pm"
	run_pm 0 rmi -a -f
	run_pm 0 load -i "$BATS_TEST_TMPDIR/p-o.tar"
	run_pm 0 image inspect frompodman --format '{{len .RootFS.Layers}}'
	is "$output" "2"
	run_pm 0 run --rm frompodman sh -c 'cat /hello; test ! -e /etc/motd'
	is "$output" "hello from layer 2" "podman's oci-archive runs in pm"
	# podman's files belong to subordinate ids: remove them from its namespace, then end
	# the pause process rootless podman leaves, for the leak check
	"${P[@]}" unshare rm -rf "$prun" "$proot" >/dev/null 2>&1 || true
	"${P[@]}" system migrate >/dev/null 2>&1 || true
	local p
	for p in $(pgrep -u "$(id -u)" -x catatonit); do
		if grep -qz "^PM_TEST_MARK=$PM_TEST_MARK\$" "/proc/$p/environ" 2>/dev/null; then
			kill "$p" 2>/dev/null || true
		fi
	done
}
