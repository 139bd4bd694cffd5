# shellcheck shell=bash
# registry.bash: local registries for the registry tests (pull, push, login, 093). Loaded by
# bats after helpers.bash:   load helpers; load registry
# Nothing here uses pm, so the same files also run against podman.
#
#   registry_start [--tls] [--htpasswd USER:PASS] [--token USER:PASS]
#       Debian's docker-registry (2.8) on 127.0.0.1 and a free port, as the test user,
#       storage under $REG_DIR (default $BATS_TEST_TMPDIR/registry); returns when it answers.
#       --tls        HTTPS with a server certificate (127.0.0.1, localhost) signed by a
#                    self-signed CA made with openssl
#       --htpasswd   basic auth (bcrypt htpasswd file) for USER:PASS
#       --token      bearer tokens from tests/lib/token-server.py (plain HTTP on 127.0.0.1):
#                    USER:PASS gets pull and push; wrong credentials get 401; anonymous gets
#                    pull only (REG_TOKEN_ANON=none before registry_start: nothing)
#     exports REG (127.0.0.1:PORT), REG_URL (http[s]://$REG), REG_CERTS (a directory
#     holding ca.crt, for --cert-dir; also set without --tls), REG_TLS (1 or empty),
#     REG_USER/REG_PASS (empty without auth), REG_LOG (the registry's log, with its access
#     log: one line per request), REG_TOKEN_LOG (with --token: one line per token asked:
#     "user=U scope=S granted=ACTIONS"), REG_DATA (the registry's storage).
#   registry_stop
#       stops every server registry_start and fake_registry_start started (call it from
#       teardown, before basic_teardown: the leak check fails on servers left running).
#   One registry for a whole file: in setup_file `export REG_DIR=$BATS_FILE_TMPDIR/registry`,
#   then registry_start (and registry_seed); registry_stop in teardown_file. The exported
#   variables reach every test.
#   registry_seed KIND REPO[:TAG]
#       puts an image into $REG/REPO:TAG (default tag latest) with tests/lib/registry-seed.py
#       (the distribution API directly, with the registry's auth and CA) and prints the
#       digest of the manifest (of the index for index kinds). KIND:
#         busybox         docker v2s2 manifest, the busybox test image (one gzip layer)
#         busybox-oci     the same as an OCI manifest
#         busybox2        v2s2, two layers (busybox + layer2: /hello, no /etc/motd); shares
#                         its first layer with busybox
#         index           OCI index: the host's platform (linux/amd64 on x86_64) with the
#                         busybox image, plus linux/arm64 and linux/s390x (a small layer
#                         holding /platform)
#         other-platform  OCI index with only linux/arm64 and linux/s390x (for amd64 hosts;
#                         on other hosts the two platforms that are not the host's)
#         zstd            OCI manifest, the busybox layer compressed with zstd
#                         (application/vnd.oci.image.layer.v1.tar+zstd)
#   fake_registry_start
#       tests/lib/fake-registry.py on 127.0.0.1 and a free port (plain HTTP): canned bad
#       answers selected by the repository name (see that file). Exports FAKE_REG
#       (127.0.0.1:PORT), FAKE_DIGEST (digest of the good manifest every repository serves
#       unless broken), FAKE_LOG (one line per request).
#   registry_has REPO:TAG     true when the registry serves that manifest (no pm; with the
#                             registry's auth and CA)
#   registry_requests METHOD REGEX
#       how many requests of $REG's access log (REG_LOG) had METHOD and a path matching the
#       extended REGEX, e.g. `registry_requests GET '^/v2/busybox/blobs/sha256:'` (blob
#       downloads; HEAD is counted apart from GET)

REG_LIB=${PM_SRCDIR:?registry.bash needs helpers.bash}/tests/lib

# _reg_spawn LOG CMD...: start CMD in the background, its output in LOG, its pid recorded
# for registry_stop; sets _REG_PID. (fd 3 is bats' own: a child holding it keeps bats
# waiting at the end.)
_reg_spawn() {
	local log=$1
	shift
	"$@" </dev/null >>"$log" 2>&1 3>&- &
	_REG_PID=$!
	echo "$_REG_PID" >>"$_REG_STATE/pids"
}

# _reg_alive PID: the process is there and not a zombie
_reg_alive() {
	[ -r "/proc/$1/stat" ] || return 1
	local st
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# _reg_state: the directory registry_start and fake_registry_start keep their pids in
_reg_state() {
	_REG_STATE=${REG_DIR:-${BATS_TEST_TMPDIR:?}/registry}
	mkdir -p "$_REG_STATE"
}

# _reg_pki DIR: a CA (ca.crt, ca.key) and a server certificate for 127.0.0.1 and localhost
# (server.crt, server.key) signed by it, made once per bats run and copied to DIR.
_reg_pki() {
	local dest=$1 cache=${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/pm-registry-pki
	if [ ! -f "$cache/server.crt" ]; then
		local t
		t=$(mktemp -d "${cache}.XXXXXX")
		(
			cd "$t" || exit 1
			openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
				-keyout ca.key -out ca.crt -days 3650 -subj "/CN=pm test registry CA" \
				-addext basicConstraints=critical,CA:TRUE \
				-addext keyUsage=critical,keyCertSign,cRLSign &&
				openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
					-keyout server.key -out server.csr -subj "/CN=127.0.0.1" &&
				printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
					"basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
					"extendedKeyUsage=serverAuth" >server.ext &&
				openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
					-days 3650 -extfile server.ext -out server.crt
		) >"$t/openssl.log" 2>&1 || {
			cat "$t/openssl.log" >&2
			die "registry: openssl could not make the test certificates"
		}
		# (a concurrent maker may have won: either result is good)
		mv -T "$t" "$cache" 2>/dev/null || rm -rf "$t"
	fi
	mkdir -p "$dest"
	cp "$cache"/{ca.crt,server.crt,server.key} "$dest/"
}

# _reg_htpasswd USER PASS FILE: a bcrypt htpasswd line (htpasswd when installed, else
# python's crypt, which glibc's libxcrypt gives bcrypt)
_reg_htpasswd() {
	if command -v htpasswd >/dev/null; then
		htpasswd -nbB "$1" "$2" | sed '/^$/d' >"$3"
	else
		python3 -W ignore -c 'import crypt, sys
print(sys.argv[1] + ":" + crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**5)))' \
			"$1" "$2" >"$3"
	fi
}

# _reg_wait_http URL PID WHAT LOG: wait (10 s) until URL answers with any HTTP status
_reg_wait_http() {
	local url=$1 pid=$2 what=$3 log=$4 code
	for _ in $(seq 200); do
		_reg_alive "$pid" || {
			cat "$log" >&2
			return 1
		}
		code=$(curl -sk -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null) || true
		[ -n "$code" ] && [ "$code" != 000 ] && return 0
		sleep 0.05
	done
	cat "$log" >&2
	die "registry: $what did not answer at $url within 10 s"
}

# _reg_wait_portfile FILE PID WHAT LOG: wait (10 s) for a server to write its port to FILE
_reg_wait_portfile() {
	local f=$1 pid=$2 what=$3 log=$4
	for _ in $(seq 200); do
		[ -s "$f" ] && return 0
		_reg_alive "$pid" || break
		sleep 0.05
	done
	cat "$log" >&2
	die "registry: $what did not start"
}

registry_start() {
	local tls='' htpasswd='' token=''
	while [ $# -gt 0 ]; do
		case "$1" in
		--tls) tls=1 ;;
		--htpasswd)
			htpasswd=$2
			shift
			;;
		--token)
			token=$2
			shift
			;;
		*) die "registry_start: unknown option '$1'" ;;
		esac
		shift
	done
	[ -z "$htpasswd" ] || [ -z "$token" ] || die "registry_start: --htpasswd or --token, not both"
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	_reg_state
	local dir=$_REG_STATE
	mkdir -p "$dir/data" "$dir/certs"
	REG_DATA=$dir/data
	REG_LOG=$dir/registry.log
	REG_CERTS=$dir/certs
	REG_TLS=$tls
	REG_USER=
	REG_PASS=
	REG_TOKEN_LOG=
	_reg_pki "$dir/pki"
	cp "$dir/pki/ca.crt" "$REG_CERTS/ca.crt"

	local cred=${htpasswd:-$token}
	if [ -n "$cred" ]; then
		REG_USER=${cred%%:*}
		REG_PASS=${cred#*:}
		[ "$REG_USER" != "$cred" ] || die "registry_start: credentials must be USER:PASS"
	fi

	local auth=""
	if [ -n "$htpasswd" ]; then
		_reg_htpasswd "$REG_USER" "$REG_PASS" "$dir/htpasswd"
		auth="auth:
  htpasswd:
    realm: pm-test-registry
    path: $dir/htpasswd"
	elif [ -n "$token" ]; then
		printf '%s:%s\n' "$REG_USER" "$REG_PASS" >"$dir/token-users"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/token.key" \
			-out "$dir/token.crt" -days 3650 -subj "/CN=pm test token issuer" \
			>"$dir/token-openssl.log" 2>&1 || {
			cat "$dir/token-openssl.log" >&2
			die "registry: openssl could not make the token signing key"
		}
		REG_TOKEN_LOG=$dir/token.log
		rm -f "$dir/token.port"
		_reg_spawn "$dir/token-server.out" python3 "$REG_LIB/token-server.py" \
			--port-file "$dir/token.port" --key "$dir/token.key" --cert "$dir/token.crt" \
			--users "$dir/token-users" --issuer pm-test-issuer --service pm-test-registry \
			--anonymous "${REG_TOKEN_ANON:-pull}" --log "$REG_TOKEN_LOG"
		_reg_wait_portfile "$dir/token.port" "$_REG_PID" "the token server" \
			"$dir/token-server.out"
		auth="auth:
  token:
    realm: http://127.0.0.1:$(cat "$dir/token.port")/token
    service: pm-test-registry
    issuer: pm-test-issuer
    rootcertbundle: $dir/token.crt"
	fi

	local tlscfg="" scheme=http
	if [ -n "$tls" ]; then
		scheme=https
		tlscfg="  tls:
    certificate: $dir/pki/server.crt
    key: $dir/pki/server.key"
	fi

	# a free port can be taken between the probe and the bind: try a few
	local port
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: pm-test-secret
  headers:
    X-Content-Type-Options: [nosniff]
$tlscfg
$auth
EOF
		: >"$REG_LOG"
		_reg_spawn "$REG_LOG" docker-registry serve "$dir/config.yml"
		if _reg_wait_http "$scheme://127.0.0.1:$port/v2/" "$_REG_PID" docker-registry "$REG_LOG"; then
			REG=127.0.0.1:$port
			REG_URL=$scheme://$REG
			export REG REG_URL REG_CERTS REG_TLS REG_USER REG_PASS REG_LOG REG_TOKEN_LOG REG_DATA
			return 0
		fi
		grep -q 'address already in use' "$REG_LOG" || break
	done
	die "registry: docker-registry did not start (log above)"
}

fake_registry_start() {
	_reg_state
	local dir=$_REG_STATE
	rm -f "$dir/fake.port"
	FAKE_LOG=$dir/fake.log
	_reg_spawn "$dir/fake.out" python3 "$REG_LIB/fake-registry.py" \
		--port-file "$dir/fake.port" --rootfs "$(pm_test_image rootfs-tar)" \
		--digest-file "$dir/fake.digest" --log "$FAKE_LOG"
	_reg_wait_portfile "$dir/fake.port" "$_REG_PID" "the fake registry" "$dir/fake.out"
	FAKE_REG=127.0.0.1:$(cat "$dir/fake.port")
	FAKE_DIGEST=$(cat "$dir/fake.digest")
	export FAKE_REG FAKE_DIGEST FAKE_LOG
}

registry_stop() {
	local state=${REG_DIR:-${BATS_TEST_TMPDIR:-}/registry} pid pids
	[ -f "$state/pids" ] || return 0
	pids=$(cat "$state/pids")
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	local left
	for _ in $(seq 100); do
		left=
		for pid in $pids; do
			_reg_alive "$pid" && left=1
		done
		[ -z "$left" ] && break
		sleep 0.05
	done
	for pid in $pids; do
		if _reg_alive "$pid"; then
			kill -9 "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	rm -f "$state/pids"
	return 0
}

# _reg_seed_args: the options telling registry-seed.py how to reach $REG
_reg_seed_args() {
	local a=(--registry "${REG:?registry_start first}")
	if [ -n "${REG_TLS:-}" ]; then
		a+=(--ca "$REG_CERTS/ca.crt")
	else
		a+=(--plain-http)
	fi
	[ -z "${REG_USER:-}" ] || a+=(--user "$REG_USER:$REG_PASS")
	printf '%s\n' "${a[@]}"
}

registry_seed() {
	[ $# -eq 2 ] || die "usage: registry_seed KIND REPO[:TAG]"
	local args
	mapfile -t args < <(_reg_seed_args)
	python3 "$REG_LIB/registry-seed.py" "${args[@]}" --rootfs "$(pm_test_image rootfs-tar)" \
		--layer2 "$(pm_test_image layer2-tar)" "$1" "$2" ||
		die "registry_seed $1 $2 failed"
}

registry_has() {
	local args
	mapfile -t args < <(_reg_seed_args)
	python3 "$REG_LIB/registry-seed.py" "${args[@]}" has "$1"
}

registry_requests() {
	local method=$1 re=$2
	# access log lines: 127.0.0.1 - - [date] "GET /v2/x/blobs/sha256:... HTTP/1.1" 200 ...
	grep -oE '"[A-Z]+ [^ ]+ HTTP/[0-9.]+"' "${REG_LOG:?registry_start first}" |
		awk -v m="$method" -v re="$re" '{ p = $2; if (substr($1, 2) == m && p ~ re) n++ } END { print n + 0 }'
}
