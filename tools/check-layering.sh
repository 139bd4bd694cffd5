#!/bin/bash
# check-layering.sh MODULE...: keep the include arrows pointing down.
# MODULES are listed top to bottom (cli first, lib last). Every .c and .h in module M may
# include "X/..." only for X = M or a module listed after M. Prints each violation as
# file:line: and exits 1 when there is one. Includes of "X/..." where X is not a module
# (system headers, <...>) are not checked. Called by `make lint`.
set -euo pipefail

[ $# -gt 0 ] || {
	echo "usage: check-layering.sh MODULE..." >&2
	exit 2
}
cd "$(dirname "${BASH_SOURCE[0]}")/.."

declare -A rank=()
i=0
for m in "$@"; do
	rank[$m]=$i
	i=$((i + 1))
done

bad=0
checked=0
for m in "$@"; do
	[ -d "$m" ] || continue
	for f in "$m"/*.c "$m"/*.h; do
		[ -f "$f" ] || continue
		checked=$((checked + 1))
		while IFS=: read -r line inc; do
			target=${inc%%/*}
			[ -n "${rank[$target]+x}" ] || continue
			if [ "${rank[$target]}" -lt "${rank[$m]}" ]; then
				below=$(echo "${@:$((rank[$m] + 2))}" | tr ' ' ',')
				echo "$f:$line: includes \"$inc\": $m may include only $m/ and" \
					"modules below it (${below:-none})" >&2
				bad=$((bad + 1))
			fi
		done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]+"' "$f" |
			sed -E 's/^([0-9]+):[^"]*"([^"]+)".*/\1:\2/')
	done
done

if [ "$bad" -gt 0 ]; then
	echo "check-layering: $bad include(s) point up (order: $*)" >&2
	exit 1
fi
echo "check-layering: $checked files, includes point down"
