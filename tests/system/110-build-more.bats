#!/usr/bin/env bats
# 110-build-more: the rest of pm build, each proven by the image it makes: ADD unpacking
# local tars (plain, gzip, bzip2, xz, zstd), HEALTHCHECK and ONBUILD in OCI format (a warning
# as podman's, not in the config), COPY --chown with names from the image's /etc/passwd and
# /etc/group, COPY heredocs, COPY onto FROM scratch, --build-context, --pull, --platform, two
# builds of one file at once sharing the cache; the bad inputs: 125, one line, nothing tagged, no container left.

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # Containerfile and container commands are single-quoted on purpose

load helpers
load build

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX/t/sub"
	echo in-tar >"$CTX/t/sub/f"
	ln -s sub/f "$CTX/t/link"
	echo plain >"$CTX/b.txt"
}

teardown() {
	basic_teardown
}

@test "build: ADD unpacks local tars (plain, gzip, bzip2, xz, zstd); other files are copied" {
	tar -C "$CTX/t" -cf "$CTX/a.tar" .
	tar -C "$CTX/t" -czf "$CTX/a.tar.gz" .
	tar -C "$CTX/t" -cjf "$CTX/a.tar.bz2" .
	tar -C "$CTX/t" -cJf "$CTX/a.tar.xz" .
	tar -C "$CTX/t" --zstd -cf "$CTX/a.tar.zst" .
	echo 'not a tar' >"$CTX/fake.tar.gz"
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
ADD a.tar /plain
ADD a.tar.gz /gz/
ADD a.tar.bz2 /bz2
ADD a.tar.xz /xz
ADD a.tar.zst /zst
ADD a.tar.gz b.txt /mixed/
ADD fake.tar.gz /fake.tar.gz
COPY a.tar /copied.tar
EOF
	run_pm 0 build -t addtar "$CTX"
	run_pm 0 run --rm addtar sh -c \
		'for d in plain gz bz2 xz zst mixed; do echo "$d:$(cat /$d/sub/f):$(readlink /$d/link)"; done
		 cat /mixed/b.txt /fake.tar.gz; test -f /copied.tar && echo copied-as-file'
	is "$output" "plain:in-tar:sub/f
gz:in-tar:sub/f
bz2:in-tar:sub/f
xz:in-tar:sub/f
zst:in-tar:sub/f
mixed:in-tar:sub/f
plain
not a tar
copied-as-file"
	# the cache: the same tar is a hit, a changed one unpacks again
	run_pm 0 build -t addtar "$CTX"
	assert_contains "$output" "STEP 3/9: ADD a.tar.gz /gz/
--> Using cache"
	echo changed >"$CTX/t/sub/f"
	tar -C "$CTX/t" -czf "$CTX/a.tar.gz" .
	run_pm 0 build -t addtar "$CTX"
	assert_contains "$output" "STEP 2/9: ADD a.tar /plain
--> Using cache"
	assert_not_contains "$output" "STEP 3/9: ADD a.tar.gz /gz/
--> Using cache"
	run_pm 0 run --rm addtar cat /gz/sub/f /plain/sub/f
	is "$output" "changed
in-tar"
	assert_clean_after_build "localhost/addtar:latest"
}

@test "build: FROM scratch with COPY makes a one-layer image that runs" {
	cp /bin/busybox "$CTX/busybox"
	cat >"$CTX/Containerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
CMD ["/bin/busybox", "echo", "from-scratch"]
EOF
	run_pm 0 build -t fromscratch "$CTX"
	run_pm 0 run --rm fromscratch
	is "$output" "from-scratch"
	run_pm 0 image inspect fromscratch --format '{{len .RootFS.Layers}}'
	is "$output" "1" "one layer: the COPY's"
	assert_clean_after_build localhost/fromscratch:latest
}

@test "build: ADD of a URL: fetched, kept as a file (not unpacked); a failing fetch is an error" {
	local www=$BATS_TEST_TMPDIR/www port
	mkdir -p "$www/d"
	tar -C "$CTX/t" -czf "$www/d/a.tar.gz" .
	echo served >"$www/d/plain.txt"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 -m http.server --bind 127.0.0.1 --directory "$www" "$port" >"$BATS_TEST_TMPDIR/http.log" 2>&1 &
	local srv=$! i
	for ((i = 0; i < 100; i++)); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
		sleep 0.1
	done
	cat >"$CTX/Containerfile" <<CF
FROM localhost/busybox:latest
ADD http://127.0.0.1:$port/d/a.tar.gz /x.tar.gz
ADD http://127.0.0.1:$port/d/plain.txt?v=1 /dst/
CF
	run_pm 0 build -t url "$CTX"
	run_pm 0 run --rm url sh -c 'tar -tzf /x.tar.gz | sort | head -3; cat /dst/plain.txt; stat -c %a /dst/plain.txt'
	is "$output" "./
./link
./sub/
served
600"
	# the same content is a cache hit
	run_pm 0 build -t url "$CTX"
	assert_contains "$output" "STEP 2/3: ADD http://127.0.0.1:$port/d/a.tar.gz /x.tar.gz
--> Using cache"
	printf 'FROM localhost/busybox:latest\nADD http://127.0.0.1:%s/nosuch /x\n' "$port" >"$CTX/C2"
	run_pm_split 125 build -f "$CTX/C2" -t bad "$CTX"
	if ! is_podman; then
		is "$stderr" "Error: C2:2: building at STEP \"ADD http://127.0.0.1:$port/nosuch /x\": fetching 'http://127.0.0.1:$port/nosuch': HTTP status 404"
	fi
	kill "$srv"
	wait "$srv" || true
	assert_clean_after_build "localhost/url:latest"
}

@test "build: HEALTHCHECK and ONBUILD in OCI format: podman's warnings, history only" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
HEALTHCHECK --interval=5s CMD true
ONBUILD RUN echo triggered >/trig
EOF
	run_pm_split 0 build -t hc "$CTX"
	assert_contains "$stderr" 'HEALTHCHECK is not supported for OCI image format and will be ignored. Must use `docker` format'
	assert_contains "$stderr" 'ONBUILD is not supported for OCI image format, RUN echo triggered >/trig will be ignored. Must use `docker` format'
	is "$(grep -c HEALTHCHECK <<<"$stderr")" 2 "warned at both commits, as buildah"
	run_pm 0 history --no-trunc --format '{{.CreatedBy}}' hc
	assert_contains "$output" "HEALTHCHECK --interval=5s CMD true"
	assert_contains "$output" "ONBUILD RUN echo triggered >/trig"
	# an image built FROM it runs no trigger (OCI has no OnBuild)
	printf 'FROM hc\nRUN test ! -e /trig && echo no-trigger\n' >"$CTX/C2"
	run_pm_split 0 build -f "$CTX/C2" -t hc2 "$CTX"
	assert_contains "$output" "no-trigger"
	# HEALTHCHECK NONE warns too, once (one commit)
	printf 'FROM localhost/busybox:latest\nHEALTHCHECK NONE\n' >"$CTX/C3"
	run_pm_split 0 build -q -f "$CTX/C3" "$CTX"
	is "$(grep -c 'HEALTHCHECK is not supported for OCI image format' <<<"$stderr")" 1
	assert_clean_after_build "localhost/hc2:latest
localhost/hc:latest"
}

@test "build: COPY/ADD --chown with names from the image's /etc/passwd and /etc/group" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
COPY --chown=pmuser:wheel b.txt /a
COPY --chown=pmuser b.txt /b
COPY --chown=1234:nogroup b.txt /c
ADD --chown=nobody:users t /d/
COPY --chown=root:1 b.txt /e
EOF
	run_pm 0 build -t own "$CTX"
	run_pm 0 run --rm own sh -c 'stat -c "%n %u:%g" /a /b /c /d/sub/f /e'
	is "$output" "/a 1000:10
/b 1000:1000
/c 1234:65534
/d/sub/f 65534:100
/e 0:1"
	printf 'FROM localhost/busybox:latest\nCOPY --chown=nosuch b.txt /x\n' >"$CTX/C2"
	run_pm_split 125 build -f "$CTX/C2" -t bad "$CTX"
	assert_contains "$stderr" 'building at STEP "COPY --chown=nosuch b.txt /x": looking up UID/GID for "nosuch"'
	printf 'FROM localhost/busybox:latest\nCOPY --chown=pmuser:nosuchgroup b.txt /x\n' >"$CTX/C3"
	run_pm_split 125 build -f "$CTX/C3" -t bad "$CTX"
	assert_contains "$stderr" 'looking up UID/GID for "pmuser:nosuchgroup"'
	assert_clean_after_build "localhost/own:latest"
}

@test "build: COPY heredocs" {
	skip_if_podman "podman 4.3's buildah reads <<EOF as a file name"
	cat >"$CTX/Containerfile" <<'CF'
FROM localhost/busybox:latest
COPY <<EOF /etc/greeting
hello $USER
EOF
COPY --chmod=755 <<run.sh <<notes /opt/
#!/bin/sh
echo from-script
run.sh
a note
notes
COPY --chown=pmuser <<EOF /owned
x
EOF
CF
	run_pm 0 build -t hd "$CTX"
	run_pm 0 run --rm hd sh -c 'cat /etc/greeting; /opt/run.sh; cat /opt/notes; stat -c "%a %u" /opt/run.sh /etc/greeting /owned'
	is "$output" 'hello \$USER
from-script
a note
755 0
644 0
644 1000'
	# the cache: the same body is a hit, a changed one is not
	run_pm 0 build -t hd "$CTX"
	assert_contains "$output" "STEP 2/4: COPY <<EOF /etc/greeting
--> Using cache"
	sed -i 's/hello/bye/' "$CTX/Containerfile"
	run_pm 0 build -t hd "$CTX"
	assert_not_contains "$output" "STEP 2/4: COPY <<EOF /etc/greeting
--> Using cache"
	run_pm 0 run --rm hd cat /etc/greeting
	is "$output" 'bye \$USER'
	# a heredoc mixed with a file source is refused
	printf 'FROM localhost/busybox:latest\nCOPY b.txt <<EOF /x/\nbody\nEOF\n' >"$CTX/C2"
	run_pm_split 125 build -f "$CTX/C2" -t bad "$CTX"
	is "$stderr" "Error: $(build_step_at C2:2)building at STEP \"COPY b.txt <<EOF /x/\": heredoc and file sources in one COPY are not supported"
	assert_clean_after_build "localhost/hd:latest"
}

@test "build: --build-context name=path is a source for COPY --from=name" {
	mkdir -p "$BATS_TEST_TMPDIR/other/d"
	echo from-other >"$BATS_TEST_TMPDIR/other/d/o"
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
COPY --from=extra d/o /o
COPY --from=extra d /dd
EOF
	run_pm 0 build --build-context "extra=$BATS_TEST_TMPDIR/other" -t bc "$CTX"
	run_pm 0 run --rm bc cat /o /dd/o
	is "$output" "from-other
from-other"
	assert_clean_after_build "localhost/bc:latest"
}

@test "build: --pull=never finds local images only; --pull=missing is the default" {
	printf 'FROM localhost/busybox:latest\nRUN echo ok\n' >"$CTX/Containerfile"
	run_pm 0 build --pull=never -t pn "$CTX"
	assert_contains "$output" "ok"
	run_pm 0 build --pull=missing -t pn "$CTX"
	printf 'FROM localhost/nosuch:latest\nRUN true\n' >"$CTX/C2"
	run_pm_split 125 build --pull=never -f "$CTX/C2" -t bad "$CTX"
	assert_contains "$stderr" "nosuch"
	assert_clean_after_build "localhost/pn:latest"
}

@test "build: --pull's bad value and a foreign --platform are one-line errors" {
	skip_if_podman "podman 4.3 takes any --pull word and pulls other platforms"
	printf 'FROM localhost/busybox:latest\nRUN true\n' >"$CTX/Containerfile"
	run_pm_split 125 build --pull=sometimes -t bad "$CTX"
	is "$stderr" 'Error: unsupported pull policy "sometimes"'
	run_pm_split 125 build --platform linux/arm64 -t bad "$CTX"
	is "$stderr" "Error: 'linux/arm64': only the host platform \\(linux/amd64\\) can be built"
	run_pm_split 125 build --arch s390x -t bad "$CTX"
	is "$stderr" "Error: 's390x': only the host platform \\(linux/amd64\\) can be built"
	run_pm 0 build --platform linux/amd64 -q -t good "$CTX"
	assert_clean_after_build "localhost/good:latest"
}

@test "build: two builds of one file at once share the cache safely" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
COPY b.txt /b
RUN echo one >/one
RUN echo two >/two
ENV X=y
EOF
	local pm_cmd
	read -r -a pm_cmd <<<"$PM"
	"${pm_cmd[@]}" build -t c1 "$CTX" >"$BATS_TEST_TMPDIR/o1" 2>&1 &
	local p1=$!
	"${pm_cmd[@]}" build -t c2 "$CTX" >"$BATS_TEST_TMPDIR/o2" 2>&1 &
	local p2=$!
	local rc1=0 rc2=0
	wait $p1 || rc1=$?
	wait $p2 || rc2=$?
	is "$rc1:$rc2" "0:0" "both builds succeed: $(cat "$BATS_TEST_TMPDIR/o1" "$BATS_TEST_TMPDIR/o2")"
	run_pm 0 run --rm c1 cat /b /one /two
	is "$output" "plain
one
two"
	run_pm 0 run --rm c2 sh -c 'cat /b /one /two; echo $X'
	is "$output" "plain
one
two
y"
	# a third build is all cache hits
	run_pm 0 build -t c3 "$CTX"
	is "$(grep -c -- '--> Using cache' <<<"$output")" 4 "every step from the cache"
	assert_clean_after_build "localhost/c1:latest
localhost/c2:latest
localhost/c3:latest"
}

@test "build: a build killed mid-RUN leaves no container the next commands do not clean" {
	printf 'FROM localhost/busybox:latest\nRUN echo started; sleep 1000\n' >"$CTX/Containerfile"
	local pm_cmd
	read -r -a pm_cmd <<<"$PM"
	"${pm_cmd[@]}" build -t killed "$CTX" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$! i
	for ((i = 0; i < 300; i++)); do
		grep -q '^started' "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	grep -q '^started' "$BATS_TEST_TMPDIR/out" || die "the RUN did not start: $(cat "$BATS_TEST_TMPDIR/out")"
	kill -KILL "$pid"
	wait "$pid" || true
	run_pm 0 ps -a --format '{{.Names}}'
	is "$output" "" "no build container listed"
	printf 'FROM localhost/busybox:latest\nRUN echo again\n' >"$CTX/C2"
	run_pm 0 build -f "$CTX/C2" -t after "$CTX"
	assert_contains "$output" "again"
	assert_clean_after_build "localhost/after:latest"
}

@test "build: RUN --mount=type=cache|bind|tmpfs|secret; --secret" {
	echo -n s3cret >"$BATS_TEST_TMPDIR/secret.txt"
	mkdir -p "$CTX/src"
	echo ctx-file >"$CTX/src/in"
	# a cache id of this test only (podman keeps its cache mounts outside the storage root)
	local cid=c$$-$RANDOM
	cat >"$CTX/Containerfile" <<CF
FROM localhost/busybox:latest
RUN --mount=type=cache,target=/cache,id=$cid echo x >>/cache/log; wc -l </cache/log >/count1
RUN --mount=type=bind,source=src,target=/mnt cat /mnt/in >/copied; (touch /mnt/new 2>/dev/null && echo rw || echo ro) >/bind-mode
RUN --mount=type=tmpfs,target=/scratch grep -c ' /scratch tmpfs ' /proc/mounts >/was-tmpfs
RUN --mount=type=secret,id=tok wc -c </run/secrets/tok >/secret-len
CF
	run_pm 0 build --secret "id=tok,src=$BATS_TEST_TMPDIR/secret.txt" -t mnt "$CTX"
	run_pm 0 run --rm mnt sh -c 'cat /count1 /copied /bind-mode /was-tmpfs /secret-len
		test -e /cache/log || echo no-cache-in-image
		grep -rs s3cret /run /etc || echo no-secret-in-image'
	is "$output" "1
ctx-file
ro
1
6
no-cache-in-image
no-secret-in-image"
	test ! -e "$CTX/src/new" || die "the bind mount wrote into the context"
	# another build with the same cache id sees what the first left
	printf 'FROM localhost/busybox:latest\nRUN --mount=type=cache,target=/c,id=%s echo y >>/c/log; wc -l </c/log >/count2\n' "$cid" >"$CTX/C2"
	run_pm 0 build -f "$CTX/C2" -t mnt2 "$CTX"
	run_pm 0 run --rm mnt2 cat /count2
	is "$output" "2" "the cache mount is shared across builds"
	assert_clean_after_build "localhost/mnt2:latest
localhost/mnt:latest"
}

@test "build: steps that change nothing stack (one layer twice), RUN --mount points stay out" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
RUN true
RUN true
RUN --mount=type=tmpfs,target=/newdir/tmp true
RUN --mount=type=cache,target=/var/cache/pmx touch /var/cache/pmx/f
RUN echo built >/built
EOF
	run_pm 0 build -t nochange "$CTX"
	run_pm 0 run --rm nochange sh -c 'cat /built; ls -d /newdir /var/cache/pmx 2>&1 || true'
	assert_contains "$output" "built"
	assert_contains "$output" "/var/cache/pmx: No such file or directory"
	if ! is_podman; then # buildah 1.28 keeps a tmpfs mount's point (/newdir); pm, none
		assert_contains "$output" "/newdir: No such file or directory"
	fi
	assert_clean_after_build localhost/nochange:latest
}

@test "build: RUN --mount bad input" {
	skip_if_podman "podman's messages differ"
	printf 'FROM localhost/busybox:latest\nRUN --mount=type=secret,id=nosuch,required cat /run/secrets/nosuch\n' >"$CTX/Containerfile"
	run_pm_split 125 build -t bad "$CTX"
	is "$stderr" "Error: Containerfile:2: building at STEP \"RUN --mount=type=secret,id=nosuch,required cat /run/secrets/nosuch\": secret 'nosuch' is required: pass --secret id=nosuch,src=FILE"
	printf 'FROM localhost/busybox:latest\nRUN --mount=type=nfs,target=/x true\n' >"$CTX/Containerfile"
	run_pm_split 125 build -t bad "$CTX"
	is "$stderr" "Error: Containerfile:2: building at STEP \"RUN --mount=type=nfs,target=/x true\": --mount=type=nfs,target=/x: unsupported mount type 'nfs'"
	printf 'FROM localhost/busybox:latest\nRUN --mount=type=bind,source=../..,target=/x true\n' >"$CTX/Containerfile"
	run_pm_split 125 build -t bad "$CTX"
	assert_contains "$stderr" "source '../..' not found in the context"
	run_pm_split 125 build --secret id=x -t bad "$CTX"
	is "$stderr" "Error: --secret: 'id=x': expected id=ID,src=FILE \\(an existing file\\)"
	assert_clean_after_build
}

@test "build: --squash and --squash-all: one new layer, the files as built, deletions kept" {
	printf 'FROM localhost/busybox:latest\nRUN echo a >/a\nRUN rm /bin/ls; echo b >/b\nENV X=1\n' >"$CTX/Containerfile"
	run_pm 0 image inspect --format '{{len .RootFS.Layers}} {{len .History}}' localhost/busybox:latest
	local base_layers=${output% *} base_hist=${output#* }
	run_pm_split 0 build --squash-all -t sqa "$CTX"
	is "${lines[-1]}" "[0-9a-f]{64}"
	is "${lines[-3]}" "--> ${lines[-1]:0:11}" "the last --> is the squashed image"
	run_pm 0 image inspect --format '{{len .RootFS.Layers}} {{len .History}}' sqa
	is "$output" "1 3" "one layer; the steps' history only"
	run_pm 0 history --format '{{.CreatedBy}}' sqa
	assert_contains "$output" "rm /bin/ls"
	run_pm 0 run --rm sqa sh -c 'cat /a /b; test -e /bin/ls || echo no-ls; echo $X'
	is "$output" "a
b
no-ls
1"
	run_pm_split 0 build --squash -t sq "$CTX"
	run_pm 0 image inspect --format '{{len .RootFS.Layers}} {{len .History}}' sq
	is "$output" "$((base_layers + 1)) $((base_hist + 3))" "the base's layers and one more"
	run_pm 0 run --rm sq sh -c 'cat /a /b; test -e /bin/ls || echo no-ls; echo $X'
	is "$output" "a
b
no-ls
1"
	# no intermediate image is kept, as podman's
	run_pm 0 images -a --format '{{.Repository}}'
	is "$(grep -c '<none>' <<<"$output")" 0 "no intermediate images"
	assert_clean_after_build "localhost/sq:latest
localhost/sqa:latest"
}
