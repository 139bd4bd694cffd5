#!/bin/bash
# network.bash: what the user-defined network tests (139, 146, 150) share. Loaded by bats
# after helpers.bash. Rootless only: net_setup skips as root.

# net_setup / net_teardown: setup() and teardown() of a network test file
net_setup() {
	skip_if_root "rootless: runs as the unprivileged test user"
	basic_setup
	# podman warns about "/" not being a shared mount when it makes its user namespace:
	# make it now, so that run_pm's merged output holds only the command's own
	if is_podman; then
		"${PM_CMD[@]}" unshare true >/dev/null 2>&1 || true
	fi
}

net_teardown() {
	if is_podman; then
		# podman 4.3 leaves its aardvark-dns running after a failed start or a
		# connect/disconnect, and the slirp4netns of an `unshare --rootless-netns`: not
		# what these tests are about (the leak check would fail)
		local p
		for p in $(pgrep -u "$(id -u)" -f "aardvark-dns --config $XDG_RUNTIME_DIR/" || true) \
			$(pgrep -u "$(id -u)" -f "slirp4netns.*$XDG_RUNTIME_DIR/netns/rootless-netns" || true); do
			kill "$p" 2>/dev/null || true
		done
	fi
	basic_teardown
}

# start_rc: the exit code of a run whose network setup fails at the start (podman: the OCI
# runtime's 126; pm: its own 125).
start_rc() {
	if is_podman; then echo 126; else echo 125; fi
}

# netdir: the tool's network directory (one NAME.json a network)
netdir() {
	if is_podman; then
		echo "$XDG_DATA_HOME/containers/storage/networks"
	else
		echo "$XDG_DATA_HOME/pm/storage/networks"
	fi
}

# netfiles: the *.json files of netdir, sorted, one per line.
netfiles() {
	local d
	d=$(netdir)
	[ -d "$d" ] || return 0
	find "$d" -maxdepth 1 -name '*.json' -printf '%f\n' | sort
}

# ask HOST...: a shell line for a container: one "pong" from HOST:8080 for each HOST, retried
# while the server's nc loop is between two connections (a connection the loop accepts as
# it restarts can end with no line: asked again too).
ask() {
	local h out=""
	for h in "$@"; do
		# shellcheck disable=SC2016 # $r is the container shell's
		out+='for i in 1 2 3 4 5 6 7 8 9 10; do r=$(nc -w 5 '"$h"' 8080 </dev/null 2>/dev/null); [ -n "$r" ] && { echo "$r"; break; }; sleep 0.3; done; '
	done
	echo "$out"
}
