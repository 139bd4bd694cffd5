#!/bin/bash
# guest.sh: runs INSIDE the VM guest, as root, from pm-vm-test.service (tests/vm/mkimage.sh),
# with the host's share at /mnt/pm (see tests/vm/run.sh for what it holds). Copies pm, the
# tests and the test images to the guest's disk, waits for pmtest's systemd user manager,
# then runs bats as pmtest inside that user manager (systemd-run --user: the tests' processes
# are in the user's delegated cgroup tree, as in a real login), with the user's bus in
# DBUS_SESSION_BUS_ADDRESS. Writes results/tap, results/rc, results/boot and results/facts
# to the share; its stdout is the guest's console. The caller powers the guest off.
# PM_VM_MODE=bench (run.sh --bench): runs tests/bench/NAME.sh for each name of
# PM_VM_BENCHES instead of bats, the same way (podman's runtime crun), into results/bench.
set -u
share=/mnt/pm
res=$share/results
user=pmtest
rc=1
trap 'echo "$rc" >"$res/rc"; sync' EXIT

echo "guest up after $(cut -d' ' -f1 /proc/uptime) s" >"$res/boot"
# shellcheck source=/dev/null
. "$share/env"

uid=$(id -u "$user")
work=/var/tmp/pm-vm-work
rm -rf "$work"
mkdir -p "$work"
tar -C "$work" -xf "$share/payload.tar"
# the test images at the host's path (images.env names absolute paths)
rm -rf "$PM_VM_IMAGES"
mkdir -p "$(dirname "$PM_VM_IMAGES")"
mv "$work/images" "$PM_VM_IMAGES"
chmod -R a+rX "$work" "$PM_VM_IMAGES"
chown -R "$user:" "$work"
echo "copied the share after $(cut -d' ' -f1 /proc/uptime) s" >>"$res/boot"
# pm as `make install` puts it: the Quadlet generator in the user generator directory, its
# units run the pm beside it (/usr/local/bin/pm, a link to the one under test)
if [ -x "$work/bin/pm-user-generator" ]; then
	install -D -m 0755 "$work/bin/pm-user-generator" \
		/usr/local/lib/systemd/user-generators/pm-user-generator
	ln -sfn "$work/bin/pm" /usr/local/bin/pm
fi

for _ in $(seq 120); do
	systemctl is-active -q "user@$uid.service" && [ -S "/run/user/$uid/bus" ] && break
	sleep 0.5
done
{
	echo "kernel $(uname -r), systemd $(systemctl --version | head -n1 | cut -d' ' -f2)"
	echo "user@$uid.service: $(systemctl is-active "user@$uid.service")"
	echo "/sys/fs/cgroup: $(stat -f -c %T /sys/fs/cgroup)"
} >"$res/facts"

# pids above 65535 from here on, as on a long-running systemd host (pid_max 4194304): pm
# and pm-monitor must take any pid, not just the small ones of a fresh boot
if [ "$(cat /proc/sys/kernel/pid_max)" -gt 200000 ]; then
	echo 100000 >/proc/sys/kernel/ns_last_pid
fi
echo "pid_max $(cat /proc/sys/kernel/pid_max), pids from $(sh -c 'echo $$')" >>"$res/facts"

files=()
for f in $PM_VM_FILES; do
	files+=("$work/tests/vm/$f")
done
echo "ready to test after $(cut -d' ' -f1 /proc/uptime) s" >>"$res/boot"
# as_user CMD...: CMD as pmtest inside its systemd user manager, with the tests' environment
as_user() {
	runuser -u "$user" -- env XDG_RUNTIME_DIR="/run/user/$uid" \
		DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" \
		systemd-run --user --wait --pipe --quiet --collect \
		--working-directory="$work" \
		--setenv=HOME="/home/$user" --setenv=USER="$user" --setenv=LANG=C.UTF-8 \
		--setenv=PATH=/usr/local/bin:/usr/bin:/bin \
		--setenv=XDG_RUNTIME_DIR="/run/user/$uid" \
		--setenv=DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" \
		--setenv=PM_BINARY="$work/bin/pm" --setenv=PM_SRCDIR="$work" \
		--setenv=PM_TEST_IMAGES="$PM_VM_IMAGES" --setenv=PM_TIMEOUT=120 \
		--setenv=PM_BENCH_RUNTIME=crun \
		"$@" </dev/null
}
if [ "${PM_VM_MODE:-test}" = bench ]; then
	rc=0
	for b in ${PM_VM_BENCHES:-}; do
		echo "# bench: tests/bench/$b.sh" >>"$work/bench"
		as_user bash "$work/tests/bench/$b.sh" "$work/bin/pm" >>"$work/bench" 2>&1 ||
			{ rc=$?; echo "# bench: $b.sh exit $rc" >>"$work/bench"; }
	done
	cp "$work/bench" "$res/bench"
	cat "$work/bench"
	echo "benchmarks done after $(cut -d' ' -f1 /proc/uptime) s" >>"$res/boot"
	exit
fi
# shellcheck disable=SC2016 # expanded by the inner shell
as_user bash -c 'exec bats --tap --timing "$@" 2>&1' bats "${files[@]}" >"$work/tap" 2>&1
rc=$?
cp "$work/tap" "$res/tap"
cat "$work/tap"
echo "tests done after $(cut -d' ' -f1 /proc/uptime) s" >>"$res/boot"
