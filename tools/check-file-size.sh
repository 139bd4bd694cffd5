#!/bin/bash
# check-file-size.sh [MAX]: no .c or .h file over MAX lines (default 1500), outside tests/
# and build/: past that a file holds a second concern that wants its own file (STYLE.md,
# "god files"). Prints each offender as "file: N lines (max MAX)" and exits 1 when there is
# one. Called by `make lint`.
set -euo pipefail

max=${1:-1500}
case $max in
'' | *[!0-9]*)
	echo "usage: check-file-size.sh [MAX]" >&2
	exit 2
	;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bad=0
checked=0
while IFS= read -r -d '' f; do
	checked=$((checked + 1))
	n=$(wc -l <"$f")
	if [ "$n" -gt "$max" ]; then
		echo "${f#./}: $n lines (max $max)"
		bad=1
	fi
done < <(find . \( -path ./tests -o -path ./build -o -path ./.git \) -prune -o \
	-type f \( -name '*.c' -o -name '*.h' \) -print0)
[ "$checked" -gt 0 ] || {
	echo "check-file-size: no .c or .h file found" >&2
	exit 2
}
exit $bad
