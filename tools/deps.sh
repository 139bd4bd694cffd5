#!/bin/bash
# deps.sh: install the Debian packages listed in tools/packages.txt that are missing.
# As root: apt-get install them (apt-get update once first when a package is unknown
# to apt). As a normal user: print the sudo command to run and exit 1 if anything is
# missing. Exit 0 when everything is installed. Called by `make deps`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
list=${PM_PACKAGES:-$here/packages.txt}

[ -r "$list" ] || { echo "deps: cannot read $list" >&2; exit 1; }
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')
[ ${#wanted[@]} -gt 0 ] || { echo "deps: no packages listed in $list" >&2; exit 1; }

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${wanted[@]}"; do
	installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#wanted[@]} packages are installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root:" >&2
	echo "sudo apt-get install -y ${missing[*]}"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists once when apt does not know a package (fresh machine,
# empty lists) or has no candidate for it.
need_update=false
for p in "${missing[@]}"; do
	cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
		need_update=true
		break
	fi
done
if $need_update; then
	echo "deps: apt-get update"
	apt-get update -q
fi
echo "deps: installing ${missing[*]}"
apt-get install -y -q "${missing[@]}" </dev/null
