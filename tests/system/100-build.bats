#!/usr/bin/env bats
# 100-build: pm build turns a Containerfile into an image step by step on pm's own engine:
# each instruction checked by the image it makes (run it, its config, its history), the
# progress lines as podman prints them, the layer cache (hits, a changed file rebuilds from
# its step on, --no-cache), multi-stage builds with --target and COPY --from, build args,
# -q, --iidfile, -f -, and the bad inputs (nothing tagged, no build container left).

# shellcheck disable=SC2154 # $stderr is set by run_pm_split
# shellcheck disable=SC2016 # Containerfile and container commands are single-quoted on purpose

load helpers
load build

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	CTX=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$CTX/dir/sub"
	echo hello >"$CTX/f"
	echo in-dir >"$CTX/dir/a"
	echo deeper >"$CTX/dir/sub/b"
}

teardown() {
	basic_teardown
}

@test "build: each instruction by the image it makes; podman's progress lines" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox:latest
ARG GREETING=hi
COPY f /f
COPY dir /opt/d/
RUN echo "$GREETING from run" >/run.txt; cat /f
ENV A=b C="two words"
WORKDIR /w/x
USER 1:2
EXPOSE 8080 53/udp
LABEL l1=v1 "l 2"=v2
VOLUME /data
STOPSIGNAL SIGUSR1
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo $A"]
EOF
	run_pm_split 0 build -t t1 -t t2 "$CTX"
	is "${lines[0]}" "STEP 1/14: FROM localhost/busybox:latest"
	is "${lines[1]}" "STEP 2/14: ARG GREETING=hi"
	is "${lines[2]}" "--> [0-9a-f]{11}"
	assert_contains "$output" "STEP 5/14: RUN echo \"\$GREETING from run\" >/run.txt; cat /f
hello
--> "
	is "${lines[-6]}" "STEP 14/14: CMD \[\"echo \\\$A\"\]"
	is "${lines[-5]}" "COMMIT t1"
	is "${lines[-4]}" "--> [0-9a-f]{11}"
	is "${lines[-3]}" "Successfully tagged localhost/t1:latest"
	is "${lines[-2]}" "Successfully tagged localhost/t2:latest"
	is "${lines[-1]}" "[0-9a-f]{64}" "the final id on the last line"
	id=${lines[-1]}
	assert_not_contains "$output" "Using cache"

	run_pm 0 image inspect --format '{{.Id}}' t2
	is "$output" "$id"
	run_pm 0 image inspect --format '{{.Config.WorkingDir}};{{.Config.User}};{{.Config.StopSignal}};{{.Config.Entrypoint}};{{.Config.Cmd}}' t1
	is "$output" '/w/x;1:2;SIGUSR1;\[/bin/sh -c\];\[echo \$A\]'
	run_pm 0 image inspect --format '{{range .Config.Env}}{{.}};{{end}}' t1
	assert_contains "$output" "A=b;C=two words;"
	assert_not_contains "$output" "GREETING" "an ARG is not kept in the image"
	run_pm 0 image inspect --format '{{index .Config.Labels "l1"}};{{index .Config.Labels "l 2"}}' t1
	is "$output" "v1;v2"
	run_pm 0 image inspect --format '{{range $k, $v := .Config.ExposedPorts}}{{$k}} {{end}};{{range $k, $v := .Config.Volumes}}{{$k}}{{end}}' t1
	is "$output" "53/udp 8080/tcp ;/data"

	# the files: COPY of a file, of a directory's contents; RUN saw the ARG
	run_pm 0 run --rm --user 0 --entrypoint cat t1 /f /opt/d/a /opt/d/sub/b /run.txt
	is "$output" "hello
in-dir
deeper
hi from run"
	run_pm 0 run --rm --user 0 --entrypoint stat t1 -c '%u:%g %a' /f
	is "$output" "0:0 6[0-9][0-9]" "COPY makes root the owner"
	run_pm 0 run --rm --user 0 t1 'pwd; echo $A'
	is "$output" "/w/x
b" "WORKDIR (created) and ENTRYPOINT + CMD"

	# history: one entry per step after FROM, newest first
	run_pm 0 history --no-trunc --format '{{.CreatedBy}}' t1
	is "${lines[0]}" '/bin/sh -c #\(nop\) CMD \["echo \$A"\]'
	assert_contains "$output" "|1 GREETING=hi /bin/sh -c echo \"\$GREETING from run\" >/run.txt; cat /f"
	assert_contains "$output" "/bin/sh -c #(nop) ENV A=b C=\"two words\""
	is "${#lines[@]}" "14" "13 steps + the base's layer"
	run_pm 0 history --format '{{.Comment}}' t1
	is "${lines[-1]}" "FROM localhost/busybox:latest" "the first step names the base"

	# the steps' images are intermediate: only images -a shows them
	run_pm 0 images --format '{{.ID}}' --filter dangling=true
	is "$output" ""
	run_pm 0 images -a --format '{{.ID}}'
	is "$(sort -u <<<"$output" | wc -l)" "14" "13 step images + busybox (t1 and t2 are one)"
	assert_clean_after_build "localhost/t1:latest
localhost/t2:latest"
}

@test "build: the cache: all hits, a changed file rebuilds from its step on, --no-cache" {
	cat >"$CTX/Containerfile" <<'EOF'
FROM localhost/busybox
RUN echo one >/one
COPY f /f
RUN cat /f >/copy
ENV E=1
EOF
	run_pm_split 0 build -t c "$CTX"
	first=${lines[-1]}
	assert_not_contains "$output" "Using cache"

	run_pm_split 0 build -t c "$CTX"
	is "${lines[-1]}" "$first" "a rebuild from cache gives the same image"
	run grep -c '^--> Using cache [0-9a-f]\{64\}$' <<<"$output"
	is "$output" "4" "every step from the cache"

	echo changed >"$CTX/f"
	run_pm_split 0 build -t c "$CTX"
	is "${lines[1]}" "STEP 2/5: RUN echo one >/one"
	is "${lines[2]}" "--> Using cache [0-9a-f]{64}" "the step before the change is cached"
	is "${lines[4]}" "STEP 3/5: COPY f /f"
	is "${lines[5]}" "--> [0-9a-f]{11}" "the COPY of the changed file runs"
	run grep -c 'Using cache' <<<"$output"
	is "$output" "1" "and every step after it runs too"
	run_pm 0 run --rm c cat /copy
	is "$output" "changed"

	# the same content again: cached again
	run_pm_split 0 build -t c "$CTX"
	run grep -c 'Using cache' <<<"$output"
	is "$output" "4"

	run_pm_split 0 build --no-cache -t c "$CTX"
	assert_not_contains "$output" "Using cache"
	run_pm 0 run --rm c cat /copy
	is "$output" "changed"
	assert_clean_after_build "localhost/c:latest"
}

@test "build: -q, --iidfile, -f -, -f FILE, Dockerfile, --label, pm image build" {
	printf 'FROM localhost/busybox\nRUN echo quiet-run >/q\n' >"$CTX/Dockerfile"
	run_pm_split 0 build -q --iidfile "$BATS_TEST_TMPDIR/iid" "$CTX"
	is "$output" "[0-9a-f]{64}" "-q: only the id"
	id=$output
	is "$(cat "$BATS_TEST_TMPDIR/iid")" "sha256:$id" "--iidfile"

	printf 'FROM localhost/busybox\nCMD ["echo", "from-stdin"]\n' >"$BATS_TEST_TMPDIR/other"
	run_pm_split 0 build -t fromstdin -f - "$CTX" <"$BATS_TEST_TMPDIR/other"
	run_pm 0 run --rm fromstdin
	is "$output" "from-stdin"

	printf 'FROM localhost/busybox\nCMD ["echo", "from-file"]\n' >"$BATS_TEST_TMPDIR/named"
	run_pm_split 0 image build -t fromfile -f "$BATS_TEST_TMPDIR/named" --label x=y "$CTX"
	is "${lines[3]}" 'STEP 3/3: LABEL "x"="y"' "--label is a last step"
	run_pm 0 run --rm fromfile
	is "$output" "from-file"
	run_pm 0 image inspect --format '{{index .Labels "x"}}' fromfile
	is "$output" "y"
	assert_clean_after_build "localhost/fromfile:latest
localhost/fromstdin:latest"
}

@test "build: multi-stage, --target, COPY --from, ARG before FROM, --build-arg" {
	cat >"$CTX/Containerfile" <<'EOF'
ARG BASE=localhost/busybox
FROM $BASE AS builder
ARG BASE
RUN echo "built from $BASE" >/artifact
FROM localhost/busybox AS second
ARG WHO=default
ENV W=$WHO
COPY --from=builder /artifact /got
RUN echo "$WHO" >/who
EOF
	run_pm_split 0 build -t ms --build-arg WHO=given "$CTX"
	is "${lines[0]}" "\[1/2\] STEP 1/3: FROM localhost/busybox AS builder"
	assert_contains "$output" "[2/2] STEP 4/5: COPY --from=builder /artifact /got"
	is "${lines[-4]}" "\[2/2\] COMMIT ms"
	run_pm 0 run --rm ms sh -c 'cat /got /who; echo $W'
	is "$output" "built from localhost/busybox
given
given"

	run_pm_split 0 build -t first --target builder "$CTX"
	is "${lines[0]}" "STEP 1/3: FROM localhost/busybox AS builder" "one stage: no prefix"
	run_pm 0 run --rm first cat /artifact
	is "$output" "built from localhost/busybox"
	run_pm 1 run --rm first test -e /who
	assert_clean_after_build "localhost/first:latest
localhost/ms:latest"
}

@test "build: a failing RUN exits with its code, names the step and its line, tags nothing" {
	printf 'FROM localhost/busybox\nRUN echo before\nRUN exit 3\nRUN echo never\n' \
		>"$CTX/Containerfile"
	run_pm_split 3 build -t bad "$CTX"
	is "$stderr" "Error: $(build_step_at Containerfile:3)building at STEP \"RUN exit 3\": while running runtime: exit status 3"
	assert_contains "$output" "before"
	assert_not_contains "$output" "never"
	assert_clean_after_build
}

@test "build: bad input: unknown instruction, missing COPY source, missing base, --target" {
	printf 'FROM localhost/busybox\nFORM x\n' >"$CTX/Containerfile"
	run_pm_split 125 build -t bad "$CTX"
	assert_contains "$stderr" "Error: "
	assert_contains "$stderr" "FORM"
	if ! is_podman; then # podman 4.3 adds a log line with a Go struct dump
		is "$stderr" "Error: Containerfile:2: unknown instruction: FORM" "one line, file:line"
	fi

	printf 'FROM localhost/busybox\nCOPY nosuch /x\n' >"$CTX/Containerfile"
	run_pm_split 125 build -t bad "$CTX"
	is "$stderr" "Error: $(build_step_at Containerfile:2)building at STEP \"COPY nosuch /x\": checking on sources under \"$CTX\": copier: stat: \"/nosuch\": no such file or directory"

	printf 'FROM localhost/busybox\nRUN true\n' >"$CTX/Containerfile"
	run_pm_split 125 build --target nosuch "$CTX"
	is "$stderr" 'Error: The target "nosuch" was not found in the provided Dockerfile'

	run_pm_split 125 build -f "$BATS_TEST_TMPDIR/nofile" "$CTX"
	assert_contains "$stderr" "nofile: no such file or directory"
	assert_clean_after_build
}

@test "build: a missing base image" {
	skip_if_podman "podman retries the pull for seconds"
	printf 'FROM localhost/nosuch\nRUN true\n' >"$CTX/Containerfile"
	run_pm_split 125 build -t bad "$CTX"
	# --pull=missing (the default): not stored, so the registry is asked, as podman's
	is "$stderr" "Trying to pull localhost/nosuch:latest...
Error: creating build container: .*nosuch.*"
	run_pm_split 125 build --pull=never -t bad "$CTX"
	is "$stderr" "Error: creating build container: .*nosuch.*"
	assert_clean_after_build
}

@test "build: .containerignore leaves files out of COPY" {
	echo secret >"$CTX/dir/secret.key"
	printf 'dir/*.key\ndir/sub\n' >"$CTX/.containerignore"
	printf 'FROM localhost/busybox\nCOPY dir /d\nRUN ls -R /d | sort | tr "\\n" " "\n' \
		>"$CTX/Containerfile"
	run_pm_split 0 build -t ign "$CTX"
	run_pm 0 run --rm ign sh -c 'ls /d | sort | tr "\n" " "'
	is "$output" "a " "secret.key and sub/ are ignored"
	assert_clean_after_build "localhost/ign:latest"
}

@test "build: RUN exec form, SHELL, USER for RUN, COPY --chown/--chmod and globs" {
	echo x >"$CTX/g1.txt"
	echo y >"$CTX/g2.txt"
	cat >"$CTX/Containerfile" <<'EOF2'
FROM localhost/busybox
RUN ["/bin/sh", "-c", "echo exec-form >/exec"]
SHELL ["/bin/sh", "-ec"]
RUN echo "shell $0" >/shell
COPY --chown=7:8 --chmod=640 f /owned
COPY g*.txt /globbed/
USER 5
RUN id -u >/tmp/uid
EOF2
	run_pm_split 0 build -t forms "$CTX"
	run_pm 0 run --rm forms sh -c 'cat /exec /shell /tmp/uid; stat -c "%u:%g %a" /owned; ls /globbed | tr "\n" " "'
	is "$output" "exec-form
shell /bin/sh
5
7:8 640
g1.txt g2.txt " "exec form, SHELL, USER, --chown/--chmod, a glob into a directory"
	assert_clean_after_build "localhost/forms:latest"
}

@test "build: RUN with a heredoc" {
	skip_if_podman "podman 4.3's buildah has no heredocs"
	cat >"$CTX/Containerfile" <<'CF'
FROM localhost/busybox
RUN <<EOF
echo first >/h1
echo second >>/h1
EOF
RUN cat <<EOF >/h2
inline $HOME
EOF
CF
	run_pm_split 0 build -t here "$CTX"
	run_pm 0 run --rm here cat /h1 /h2
	is "$output" "first
second
inline /root"
	assert_clean_after_build "localhost/here:latest"
}

@test "build: --layers=false keeps no step images and uses no cache" {
	printf 'FROM localhost/busybox\nRUN echo a >/a\nENV X=1\nRUN cat /a >/b\n' >"$CTX/Containerfile"
	run_pm_split 0 build --layers=false -t nl "$CTX"
	run_pm 0 images -a --format '{{.ID}}'
	is "$(sort -u <<<"$output" | wc -l)" "2" "busybox and the result only"
	run_pm 0 run --rm nl sh -c 'cat /b; echo $X'
	is "$output" "a
1"
	run_pm_split 0 build --layers=false -t nl "$CTX"
	assert_not_contains "$output" "Using cache"
	assert_clean_after_build "localhost/nl:latest"
}
