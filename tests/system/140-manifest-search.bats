#!/usr/bin/env bats
# 140-manifest-search: pm manifest (create, add, annotate, inspect, exists, remove, rm, push)
# and pm search, against Debian's docker-registry on loopback (tests/system/registry.bash):
# the list as podman 4.3 prints it, what each flag changes in it, the list and its images in
# the registry after a push (--all, --format, --digestfile, --rm, --creds, --authfile), a
# pull of the pushed list taking the host's image; search's table, --format fields, --limit,
# --filter, --list-tags, --no-trunc, auth; the bad inputs (unknown list, not a list, bad
# digest, bad flag values, unreachable registry), each with podman's words and exit code,
# and nothing half-made.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split

load helpers
load registry

ZERO=sha256:0000000000000000000000000000000000000000000000000000000000000000

setup_file() {
	export REG_DIR=$BATS_FILE_TMPDIR/registry
	registry_start
	registry_seed busybox bb:1 >/dev/null
	registry_seed index idx:1 >/dev/null
	registry_seed busybox srch/alpha:1 >/dev/null
	registry_seed busybox srch/beta:1 >/dev/null
	registry_seed busybox srch/beta:2 >/dev/null
}

teardown_file() {
	registry_stop
}

setup() {
	basic_setup
	_pm_has_command manifest || skip "$PM has no manifest command"
}

teardown() {
	REG_DIR=$BATS_TEST_TMPDIR/reg2 registry_stop
	basic_teardown
}

# pmq EXPECTED_RC ARGS...: run_pm without podman's "not a shared mount" warning in $output
pmq() {
	run_pm "$@"
	output=$(grep -v 'is not a shared mount, this could cause issues' <<<"$output" || true)
	mapfile -t lines <<<"$output"
}

# host_arch: GOARCH of this machine
host_arch() {
	case "$(uname -m)" in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}

# pm_image_id: localhost/busybox's id
pm_image_id() {
	"${PM_CMD[@]}" image inspect --format '{{.Id}}' localhost/busybox 2>/dev/null
}

load_busybox() {
	pmq 0 load -q -i "$(pm_test_image docker)"
	pmq 0 image inspect --format '{{.Digest}}' localhost/busybox
	BB_DIGEST=$output
}

# jq_o EXPR: EXPR (python, on m = the JSON in $output) printed
jq_o() {
	python3 -c 'import json, sys
m = json.loads(sys.argv[1])
r = eval(sys.argv[2], {"m": m})
print(json.dumps(r) if isinstance(r, (dict, list)) else r)' "$output" "$1"
}

# served REPO REF: the list the registry serves, in $output; its digest in $served_digest
served() {
	local hdr=$BATS_TEST_TMPDIR/served.hdr
	output=$(curl -sf -D "$hdr" \
		-H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' \
		"$REG_URL/v2/$1/manifests/$2") || die "the registry has no $1:$2"
	served_digest=$(sed -n 's/^Docker-Content-Digest: *\([^[:space:]]*\).*/\1/Ip' "$hdr")
}

# reg_has_manifest REPO DIGEST: the registry serves that manifest
reg_has_manifest() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -I \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
		"$REG_URL/v2/$1/manifests/$2")
	[ "$code" = 200 ] || die "the registry has no manifest $2 in $1 (HTTP $code)"
}

@test "manifest create: an empty list, inspect, exists, images, rmi" {
	pmq 0 manifest create mylist
	is "$output" "[0-9a-f]{64}" "the list's id"
	local id=$output
	pmq 0 manifest inspect mylist
	same "$output" '{
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": null
}'
	pmq 0 manifest exists mylist
	pmq 0 manifest exists localhost/mylist:latest
	pmq 1 manifest exists nolist
	same "$output" ""
	pmq 0 images --format '{{.ID}} {{.Repository}} {{.Tag}}'
	same "$output" "${id:0:12} localhost/mylist latest"
	pmq 125 manifest create mylist
	same "$output" "Error: creating image to hold manifest list: image name \"localhost/mylist:latest\" is already associated with image \"$id\": that name is already in use"
	pmq 0 rmi mylist
	same "$output" "Untagged: localhost/mylist:latest
Deleted: $id"
	pmq 1 manifest exists mylist
	pmq 0 images -q
	same "$output" ""
}

@test "manifest: a list is no image to inspect or run" {
	pmq 0 manifest create mylist
	pmq 125 image inspect mylist
	pmq 125 run --rm mylist true
	pmq 0 manifest rm mylist
}

@test "manifest create IMAGE, add docker:// with platform flags, annotate, remove" {
	load_busybox
	pmq 0 manifest create mylist containers-storage:localhost/busybox
	local id=$output
	pmq 0 manifest inspect mylist
	same "$(jq_o 'len(m["manifests"])')" 1
	same "$(jq_o 'm["manifests"][0]["digest"]')" "$BB_DIGEST"
	same "$(jq_o 'm["manifests"][0]["platform"]')" "{\"architecture\": \"$(host_arch)\", \"os\": \"linux\"}"

	# the registry's default is https: refused, the list unchanged
	pmq 125 manifest add mylist "docker://$REG/bb:1"
	same "$output" "Error: setting up to read manifest and configuration from \"docker://$REG/bb:1\": pinging container registry $REG: Get \"https://$REG/v2/\": http: server gave HTTP response to HTTPS client"
	pmq 0 manifest inspect mylist
	same "$(jq_o 'len(m["manifests"])')" 1 "nothing added by a failed add"

	local bb
	bb=$(curl -sf -o /dev/null -D - -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
		"$REG_URL/v2/bb/manifests/1" | sed -n 's/^Docker-Content-Digest: *\([^[:space:]]*\).*/\1/Ip')
	pmq 0 manifest add --tls-verify=false --arch arm --variant v7 --os linux2 --os-version 1.2 \
		--annotation a=b --annotation k=v mylist "docker://$REG/bb:1"
	same "$output" "$id" "add prints the list's id"
	pmq 0 manifest inspect mylist
	same "$(jq_o 'len(m["manifests"])')" 2
	same "$(jq_o 'm["manifests"][1]["digest"]')" "$bb"
	same "$(jq_o 'm["manifests"][1]["mediaType"]')" "application/vnd.docker.distribution.manifest.v2+json"
	same "$(jq_o '[m["manifests"][1]["platform"][k] for k in ("architecture", "os", "os.version", "variant")]')" \
		'["arm", "linux2", "1.2", "v7"]'
	same "$(jq_o 'm["manifests"][1]["annotations"]')" '{"a": "b", "k": "v"}'

	pmq 0 manifest annotate --arch ppc64le --os-features x1 --annotation c=d mylist "$bb"
	same "$output" "$id"
	pmq 0 manifest inspect mylist
	same "$(jq_o 'm["manifests"][1]["platform"]["architecture"]')" ppc64le
	same "$(jq_o 'm["manifests"][1]["platform"]["variant"]')" v7 "what annotate was not told stays"
	same "$(jq_o 'm["manifests"][1]["annotations"]')" '{"c": "d"}' "annotations are replaced"

	pmq 0 manifest remove mylist "$bb"
	same "$output" "$id"
	pmq 0 manifest inspect mylist
	same "$(jq_o '[e["digest"] for e in m["manifests"]]')" "[\"$BB_DIGEST\"]"
	pmq 125 manifest remove mylist "$bb"
	same "$output" "Error: removing from manifest list mylist: no instance matching digest \"$bb\" found in manifest list: file does not exist"
	pmq 125 manifest remove mylist bad
	same "$output" "Error: removing from manifest list mylist: invalid image digest \"bad\": invalid checksum digest format"
	pmq 0 manifest rm mylist
}

@test "manifest add --all: every image of an index; without it the host's, moved last" {
	pmq 0 manifest create l4
	pmq 0 manifest add --tls-verify=false --all l4 "docker://$REG/idx:1"
	pmq 0 manifest inspect l4
	same "$(jq_o '[e["platform"]["architecture"] for e in m["manifests"]]')" \
		"[\"$(host_arch)\", \"arm64\", \"s390x\"]"
	same "$(jq_o 'm["manifests"][0]["mediaType"]')" "application/vnd.oci.image.manifest.v1+json"
	pmq 0 manifest add --tls-verify=false l4 "docker://$REG/idx:1"
	pmq 0 manifest inspect l4
	same "$(jq_o '[e["platform"]["architecture"] for e in m["manifests"]]')" \
		"[\"arm64\", \"s390x\", \"$(host_arch)\"]"
	pmq 0 manifest rm l4
	same "${lines[0]}" "Untagged: localhost/l4:latest"
}

@test "manifest create --amend adds to the list that is there" {
	load_busybox
	pmq 0 manifest create mylist
	local id=$output
	pmq 0 manifest create --amend mylist containers-storage:localhost/busybox
	same "$output" "$id" "the same list"
	pmq 0 manifest create -a mylist
	same "$output" "$id"
	pmq 0 manifest inspect mylist
	same "$(jq_o '[e["digest"] for e in m["manifests"]]')" "[\"$BB_DIGEST\"]"
	pmq 125 manifest create --amend localhost/busybox
	same "$output" "Error: creating image to hold manifest list: image name \"localhost/busybox:latest\" is already associated with image \"$(pm_image_id)\": that name is already in use"
	pmq 0 manifest rm mylist
}

@test "manifest push: the images, then the list; --digestfile, --format v2s2, --rm; pull takes the host's" {
	load_busybox
	pmq 0 manifest create mylist containers-storage:localhost/busybox
	pmq 0 manifest add --tls-verify=false --all mylist "docker://$REG/idx:1"
	run_pm_split 0 manifest push --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/d" \
		mylist "$REG/pushed:1"
	same "$output" "" "nothing on stdout"
	same "${stderr%%$'\n'*}" "Getting image list signatures"
	assert_contains "$stderr" $'\nCopying 4 of 4 images in list\nCopying image '"$BB_DIGEST (1/4)"
	assert_contains "$stderr" "Writing manifest list to image destination
Storing list signatures"
	served pushed 1
	same "$(jq_o 'm["mediaType"]')" "application/vnd.oci.image.index.v1+json" "an OCI index by default"
	same "$(jq_o 'len(m["manifests"])')" 4
	same "$(cat "$BATS_TEST_TMPDIR/d")" "$served_digest" "--digestfile: the list's digest"
	local d
	for d in $(jq_o '" ".join(e["digest"] for e in m["manifests"])'); do
		reg_has_manifest pushed "$d"
	done

	pmq 0 manifest push --tls-verify=false -q --format v2s2 --rm mylist "docker://$REG/pushed:2"
	same "$output" "" "-q: nothing"
	served pushed 2
	same "$(jq_o 'm["mediaType"]')" "application/vnd.docker.distribution.manifest.list.v2+json"
	same "$(jq_o 'm["manifests"][0]["mediaType"]')" "application/vnd.docker.distribution.manifest.v2+json" \
		"the local image went as v2s2"
	local first
	first=$(jq_o 'm["manifests"][0]["digest"]')
	pmq 1 manifest exists mylist
	pmq 0 image exists localhost/busybox

	# the pushed list pulled back: the host's image
	pmq 0 rmi -a
	pmq 0 pull -q --tls-verify=false "$REG/pushed:2"
	pmq 0 image inspect --format '{{.Architecture}}' "$REG/pushed:2"
	same "$output" "$(host_arch)"
	pmq 0 image inspect --format '{{range .RepoDigests}}{{.}} {{end}}' "$REG/pushed:2"
	assert_contains "$output" "$REG/pushed@$first" "the list's first image for this platform"
}

@test "manifest push and add --creds and --authfile with a registry with htpasswd auth" {
	load_busybox
	pmq 0 manifest create mylist containers-storage:localhost/busybox
	REG_DIR=$BATS_TEST_TMPDIR/reg2 registry_start --htpasswd pmuser:pmpass
	pmq 125 manifest push --tls-verify=false mylist "$REG/auth:1"
	assert_contains "$output" "unauthorized" "no credentials"
	pmq 0 manifest push -q --tls-verify=false --creds pmuser:pmpass mylist "$REG/auth:1"
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REG" "$(printf pmuser:pmpass | base64)" \
		>"$BATS_TEST_TMPDIR/auth.json"
	pmq 0 manifest push -q --tls-verify=false --authfile "$BATS_TEST_TMPDIR/auth.json" \
		mylist "$REG/auth:2"
	registry_seed busybox src:1 >/dev/null
	pmq 125 manifest add --tls-verify=false mylist "docker://$REG/src:1"
	assert_contains "$output" "unauthorized"
	pmq 0 manifest add --tls-verify=false --creds pmuser:pmpass mylist "docker://$REG/src:1"
	pmq 0 manifest add --tls-verify=false --authfile "$BATS_TEST_TMPDIR/auth.json" mylist \
		"docker://$REG/src:1"
	pmq 0 manifest inspect mylist
	same "$(jq_o 'len(m["manifests"])')" 2 "the registry's image added once"
	run curl -sf -u pmuser:pmpass -o /dev/null \
		-H 'Accept: application/vnd.oci.image.index.v1+json' "$REG_URL/v2/auth/manifests/2"
	same "$status" 0 "the registry has the list"
	pmq 0 manifest rm mylist
}

@test "manifest inspect of a name that is not a local list: its registry's" {
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$BATS_TEST_TMPDIR/registries.conf"
	served idx 1
	local digests
	digests=$(jq_o '[e["digest"] for e in m["manifests"]]')
	CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf pmq 0 manifest inspect "$REG/idx:1"
	# podman 4.3 shows the OCI index as the Docker list it would store
	same "$(jq_o 'm["mediaType"]')" "application/vnd.docker.distribution.manifest.list.v2+json"
	same "$(jq_o '[e["digest"] for e in m["manifests"]]')" "$digests"
	same "$(jq_o 'list(m["manifests"][0].keys())')" '["mediaType", "size", "digest", "platform"]'
	same "${lines[1]}" '    "schemaVersion": 2,' "four-space indent"
	CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf pmq 125 manifest inspect "$REG/nosuch:1"
	assert_contains "$output" "Error: reading image \"docker://$REG/nosuch:1\": "
	pmq 125 manifest inspect "$REG/idx:1"
	assert_contains "$output" "http: server gave HTTP response to HTTPS client"
	CONTAINERS_REGISTRIES_CONF=/dev/null pmq 125 manifest inspect nolist
	assert_contains "$output" 'short-name "nolist" did not resolve to an alias and no unqualified-search registries are defined'
}

@test "manifest: unknown list, not a list, bad flags, unreachable registry" {
	load_busybox
	pmq 125 manifest add nolist containers-storage:localhost/busybox
	same "$output" "Error: nolist: image not known"
	pmq 125 manifest add localhost/busybox containers-storage:localhost/busybox
	same "$output" "Error: localhost/busybox:latest: image is not a manifest list"
	pmq 125 manifest exists localhost/busybox
	same "$output" "Error: localhost/busybox:latest: image is not a manifest list"
	pmq 125 manifest remove localhost/busybox "$ZERO"
	same "$output" "Error: removing from manifest list localhost/busybox: localhost/busybox:latest: image is not a manifest list"
	pmq 125 manifest rm localhost/busybox
	same "$output" "Error: localhost/busybox:latest: image is not a manifest list"
	pmq 1 manifest rm nolist
	same "$output" "Error: nolist: image not known"
	pmq 125 manifest push nolist "$REG/x:1"
	same "$output" "Error: retrieving local image from image name nolist: nolist: image not known"
	pmq 125 manifest push localhost/busybox "$REG/x:1"
	same "$output" "Error: retrieving local image from image name localhost/busybox: localhost/busybox:latest: image is not a manifest list"
	pmq 125 manifest inspect nolist
	pmq 125 manifest create
	same "$output" "Error: requires at least 1 arg(s), only received 0"
	pmq 125 manifest add mylist
	same "$output" "Error: requires at least 2 arg(s), only received 1"

	pmq 0 manifest create mylist containers-storage:localhost/busybox
	pmq 0 manifest inspect mylist
	local before=$output
	pmq 125 manifest add --annotation bad mylist containers-storage:localhost/busybox
	same "$output" "Error: no value given for annotation \"bad\""
	pmq 125 manifest annotate --annotation bad mylist "$BB_DIGEST"
	same "$output" "Error: no value given for annotation \"bad\""
	pmq 125 manifest push --tls-verify=false --format bad mylist "$REG/x:1"
	same "$output" "Error: unknown format \"bad\". Choose one of the supported formats: 'oci' or 'v2s2'"
	pmq 125 manifest push --tls-verify=false mylist
	same "$output" "Error: accepts 2 arg(s), received 1"
	pmq 125 manifest add --tls-verify=false mylist docker://127.0.0.1:1/x:1
	assert_contains "$output" "Error: setting up to read manifest and configuration from \"docker://127.0.0.1:1/x:1\": pinging container registry 127.0.0.1:1"
	pmq 125 manifest push --tls-verify=false mylist 127.0.0.1:1/x:1
	assert_contains "$output" "pinging container registry 127.0.0.1:1"
	pmq 0 manifest inspect mylist
	same "$output" "$before" "the list is unchanged"
	pmq 0 manifest rm mylist
}

@test "manifest: pm refuses what podman 4.3 half-does" {
	skip_if_podman "podman 4.3 keeps a list whose create failed, annotates a missing digest, ignores create's --tls-verify and reads bare names from a registry, drops --features and --os-features"
	load_busybox
	pmq 125 manifest create mylist containers-storage:nosuch
	same "$output" "Error: setting up to read manifest and configuration from \"containers-storage:nosuch\": nosuch: image not known"
	pmq 1 manifest exists mylist
	pmq 0 manifest create --tls-verify=false --all mylist "docker://$REG/idx:1" localhost/busybox
	pmq 0 manifest inspect mylist
	same "$(jq_o 'len(m["manifests"])')" 4 "three from the index, the local one by its bare name"
	pmq 125 manifest annotate --arch x mylist "$ZERO"
	same "$output" "Error: no instance matching digest \"$ZERO\" found in manifest list: file does not exist"
	pmq 125 manifest annotate mylist bad
	same "$output" "Error: invalid image digest \"bad\": invalid checksum digest format"
	pmq 125 image inspect mylist
	assert_contains "$output" "Error: localhost/mylist:latest: image is a manifest list, not an image"
	pmq 0 manifest add --features f1,f2 mylist localhost/busybox
	pmq 0 manifest annotate --os-features x1 mylist "$BB_DIGEST"
	pmq 0 manifest inspect mylist
	same "$(jq_o 'm["manifests"][-1]["platform"]["features"]')" '["f1", "f2"]'
	same "$(jq_o 'm["manifests"][-1]["platform"]["os.features"]')" '["x1"]'
	pmq 0 manifest rm mylist
}

@test "search (and image search): a registry's catalog, --format, --limit, --filter, --no-trunc" {
	pmq 0 search --tls-verify=false "$REG/srch"
	is "$output" "NAME +DESCRIPTION
$REG/srch/alpha +
$REG/srch/beta +"
	pmq 0 search --tls-verify=false --no-trunc "$REG/srch/al"
	is "$output" "NAME +DESCRIPTION
$REG/srch/alpha +"
	pmq 0 image search --tls-verify=false --no-trunc "$REG/srch/al"
	is "$output" "NAME +DESCRIPTION
$REG/srch/alpha +" "image search is search"
	pmq 0 search --tls-verify=false \
		--format '{{.Index}}|{{.Name}}|{{.Description}}|{{.Stars}}|{{.Official}}|{{.Automated}}|{{.Tag}}' \
		"$REG/srch/alpha"
	same "$output" "$REG|$REG/srch/alpha||0|||"
	pmq 0 search --tls-verify=false --format json "$REG/srch/alpha"
	same "$(jq_o 'm')" "[{\"Index\": \"$REG\", \"Name\": \"$REG/srch/alpha\", \"Description\": \"\", \"Stars\": 0, \"Official\": \"\", \"Automated\": \"\", \"Tag\": \"\"}]"
	pmq 0 search --tls-verify=false --limit 1 --format '{{.Name}}' "$REG/srch"
	same "$output" "$REG/srch/alpha"
	pmq 0 search --tls-verify=false --limit -1 "$REG/srch"
	same "$output" ""
	pmq 0 search --tls-verify=false "$REG/srch/nomatch"
	same "$output" ""
	pmq 0 search --tls-verify=false --filter stars=1 "$REG/srch"
	same "$output" ""
	pmq 0 search --tls-verify=false --filter stars=0 --format '{{.Name}}' "$REG/srch"
	same "$output" "$REG/srch/alpha
$REG/srch/beta"
	pmq 0 search --tls-verify=false --filter is-official=true "$REG/srch"
	same "$output" ""
	pmq 0 search --tls-verify=false --filter is-automated=false --format '{{.Name}}' "$REG/srch/beta"
	same "$output" "$REG/srch/beta"
}

@test "search --list-tags" {
	pmq 0 search --tls-verify=false --list-tags "$REG/srch/beta"
	is "${lines[0]}" "NAME +TAG"
	is "$(printf '%s\n' "${lines[@]:1}" | sort)" "$REG/srch/beta +1
$REG/srch/beta +2" "the tags, in the registry's order"
	pmq 125 search --tls-verify=false --list-tags "$REG/"
	assert_contains "$output" 'reference "" must be a docker reference'
	pmq 125 search --tls-verify=false --list-tags "$REG/srch/nosuch"
	assert_contains "$output" "getting repository tags"
}

@test "search: bad flags, unreachable registry, https refused" {
	pmq 125 search
	same "$output" "Error: accepts 1 arg(s), received 0"
	pmq 125 search --tls-verify=false --limit x "$REG/"
	same "${lines[0]}" "Error: invalid argument \"x\" for \"--limit\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"
	pmq 125 search --tls-verify=false --filter bad=1 "$REG/"
	same "$output" "Error: invalid filter type \"bad=1\""
	pmq 125 search --tls-verify=false --filter stars=x "$REG/"
	same "$output" "Error: incorrect value type for stars filter: strconv.Atoi: parsing \"x\": invalid syntax"
	pmq 125 search 127.0.0.1:1/x
	assert_contains "$output" "couldn't search registry \"127.0.0.1:1\": pinging container registry 127.0.0.1:1"
	pmq 125 search "$REG/srch"
	assert_contains "$output" "http: server gave HTTP response to HTTPS client"
}

@test "search --creds, --authfile" {
	skip_if_podman "podman 4.3's search has no --creds"
	REG_DIR=$BATS_TEST_TMPDIR/reg2 registry_start --htpasswd pmuser:pmpass
	registry_seed busybox secret/img:1 >/dev/null
	pmq 125 search --tls-verify=false "$REG/secret"
	pmq 0 search --tls-verify=false --creds pmuser:pmpass --format '{{.Name}}' "$REG/secret"
	same "$output" "$REG/secret/img"
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REG" "$(printf pmuser:pmpass | base64)" \
		>"$BATS_TEST_TMPDIR/auth.json"
	pmq 0 search --tls-verify=false --authfile "$BATS_TEST_TMPDIR/auth.json" \
		--format '{{.Name}}' "$REG/secret"
	same "$output" "$REG/secret/img"
}
