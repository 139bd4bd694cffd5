#!/bin/bash
# test-layering.sh: tools/check-layering.py on small fake trees: exit 1 with the right
# message for a forbidden module edge and for files that include each other in a circle,
# exit 0 for a clean tree. Run by `make lint-test` (part of `make check`).
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
check=$srcdir/tools/check-layering.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# put FILE [INCLUDED...]: a source file in the fake tree that includes the given headers
put() {
	local f=$tmp/tree/$1 inc
	shift
	mkdir -p "$(dirname "$f")"
	: >"$f"
	for inc in "$@"; do printf '#include "%s"\n' "$inc" >>"$f"; done
}

# expect NAME RC [TEXT...]: run the checker on the fake tree, then remove the tree; the
# exit code must be RC and the output (stdout and stderr) must hold each TEXT line.
expect() {
	local name=$1 want=$2 rc=0 out t ok=1
	shift 2
	out=$("$check" "$tmp/tree" 2>&1) || rc=$?
	[ "$rc" -eq "$want" ] || ok=0
	for t in "$@"; do
		grep -qxF -- "$t" <<<"$out" || ok=0
	done
	if [ $ok -eq 1 ]; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name: exit $rc (want $want), output:"
		while IFS= read -r t; do echo "    $t"; done <<<"$out"
		printf '  expected line: %s\n' "$@"
		fail=$((fail + 1))
	fi
	rm -rf "$tmp/tree"
}

# a clean tree: every edge points down the table, siblings included by bare name
put cli/main.c cli/cmd.h engine/run.h storage/image.h lib/error.h
put cli/cmd.h lib/error.h
put engine/run.c engine/run.h monitor/mon.h runtime/runtime.h
put engine/run.h lib/error.h
put monitor/mon.c monitor/mon.h netslirp/net.h
put monitor/mon.h
put runtime/runtime.c runtime/runtime.h systemd/scope.h storage/volume.h
put runtime/runtime.h lib/error.h
put storage/volume.c storage/volume.h rootless/userns.h
put storage/volume.h
put storage/image.c image.h volume.h
put storage/image.h
put netslirp/net.h lib/error.h
put systemd/scope.h
put rootless/userns.h
put lib/error.c lib/error.h
put lib/error.h
put tests/unit/test-x.c cli/cmd.h engine/run.h
expect "clean tree" 0 "check-layering: 17 files, module edges allowed, no include cycle"

# (a) a lower module includes a higher one
put cli/y.h
put engine/x.c lib/error.h cli/y.h
put lib/error.h
expect "engine includes cli" 1 \
	'engine/x.c:2: includes "cli/y.h": engine may include only engine, monitor, runtime, storage, registry, netslirp, rootless, systemd, lib'

# (a') the modules of the middle row use each other only along the table's edges
put engine/container.h
put monitor/pm-monitor.c engine/container.h
put netslirp/net.c runtime/init.h
put runtime/init.h
put lib/x.c storage/layer.h
put storage/layer.h
expect "monitor includes engine, netslirp includes runtime, lib includes storage" 1 \
	'monitor/pm-monitor.c:1: includes "engine/container.h": monitor may include only monitor, netslirp, lib' \
	'netslirp/net.c:1: includes "runtime/init.h": netslirp may include only netslirp, lib' \
	'lib/x.c:1: includes "storage/layer.h": lib may include only lib'

# (b) two files include each other: a.h <-> b.h
put lib/a.h lib/b.h
put lib/b.h lib/a.h
expect "two headers include each other" 1 \
	"include cycle between 2 files: lib/a lib/b" \
	'  lib/a.h:1: includes "lib/b.h"' \
	'  lib/b.h:1: includes "lib/a.h"'

# (b') a file unit is X.c + X.h: a.c uses b.h and b.c uses a.h is a cycle too
put engine/a.c engine/a.h engine/b.h
put engine/a.h
put engine/b.c engine/b.h a.h
put engine/b.h
put engine/c.c engine/c.h engine/a.h
put engine/c.h
expect "two units use each other through their .c files" 1 \
	"include cycle between 2 files: engine/a engine/b" \
	'  engine/a.c:2: includes "engine/b.h"' \
	'  engine/b.c:2: includes "engine/a.h"'

# (b'') a longer circle across modules' own files, reported once as one component
put runtime/init.c runtime/init.h runtime/mounts.h
put runtime/init.h
put runtime/mounts.c runtime/mounts.h
put runtime/mounts.h runtime/tty.h
put runtime/tty.h runtime/init.h
put runtime/tty.c runtime/tty.h
expect "three units in a circle" 1 "include cycle between 3 files: runtime/init runtime/mounts runtime/tty"

# a folder of C files that the table does not know
put frobs/x.c lib/error.h
put lib/error.h
expect "unknown module" 1 \
	"frobs/: not a module of the table in tools/check-layering.py (known: cli, api, kube, builder, pods, engine, monitor, runtime, storage, registry, netslirp, rootless, systemd, quadlet, lib); add it where it belongs"

echo "test-layering: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
