#!/bin/bash
# mkimage.sh [CACHEDIR]: build (once) the Debian 12 guest of pm's VM test tier and print the
# directory that holds it: root.img (ext4, the whole root file system), vmlinuz and
# initrd.img (the guest's own kernel, booted directly by qemu).
#
# The guest: systemd as PID 1 on cgroup v2, dbus with a user bus (dbus-user-session), the
# user `pmtest` (uid 1000, subordinate ids 100000:65536) whose systemd user manager starts at
# boot (lingering), so its user@1000.service holds the delegated cgroup subtree pm works in;
# the run-time libraries and helpers pm uses (uidmap, slirp4netns, fuse-overlayfs, the
# dlopen'd SONAMEs), bats, jq and busybox-static for the tests. serial-getty@ttyS0 is masked:
# the console is the test log. A unit, pm-vm-test.service, mounts the 9p share tagged
# "pm" at /mnt/pm, runs /mnt/pm/guest.sh (tests/vm/guest.sh, shipped by run.sh with every run
# so that tests change without a rebuild) and powers the machine off.
#
# Cache: CACHEDIR (default /var/tmp/pm-vm) / <sha256 of this script>; a second run with the
# same script prints the directory at once. Needs root (mmdebstrap's root mode: the guest's
# files must belong to the guest's users), mmdebstrap and e2fsprogs (installed with apt-get
# when missing) and Debian's mirror: MIRROR (default http://deb.debian.org/debian, the one
# this machine's apt uses) and SECURITY_MIRROR.
# Called by tests/vm/run.sh.
set -euo pipefail
umask 022
export LC_ALL=C

cache=${1:-/var/tmp/pm-vm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SUITE=bookworm
TEST_USER=pmtest
TEST_UID=1000
IMAGE_SIZE=3G

# the guest's packages: boot, session, pm's run-time needs (ldd of pm and the SONAMEs pm
# dlopens: libarchive13 libssl3 libsubid4 libsystemd0 ...), test tools, profiling tools
# (strace, /usr/bin/time: tests/bench/stats-profile.sh), and podman with crun for the
# side-by-side benchmarks of the VM tier (tests/bench, make vm-bench)
PACKAGES=(
	systemd systemd-sysv udev dbus dbus-user-session libpam-systemd systemd-container
	linux-image-amd64 initramfs-tools kmod
	passwd login util-linux procps iproute2 psmisc less
	uidmap slirp4netns fuse-overlayfs fuse3 passt
	libarchive13 libssl3 libsubid4 libjansson4 libseccomp2 libcap2 libyaml-0-2 libsystemd0
	libcurl4
	bats jq busybox-static tar gzip bc strace time
	podman crun conmon catatonit golang-github-containers-common netavark
)

die() {
	echo "vm/mkimage: $*" >&2
	exit 1
}

self=$(readlink -f "${BASH_SOURCE[0]}")
key=$(sha256sum "$self" | cut -c1-16)
dir=$cache/$key
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "building the guest image needs root (mmdebstrap, guest file owners)"
need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v mke2fs >/dev/null || need+=(e2fsprogs)
if [ ${#need[@]} -gt 0 ]; then
	echo "vm/mkimage: installing ${need[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
		die "apt-get install ${need[*]} failed"
fi

mkdir -p "$cache"
# one builder at a time; a second waits and then finds the image made
exec 9>"$cache/.lock"
flock 9
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi
# images of older versions of this script
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +

tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
start=$SECONDS
echo "vm/mkimage: building the $SUITE guest in $tmp (about a minute)" >&2

incl=$(
	IFS=,
	echo "${PACKAGES[*]}"
)
mmdebstrap --mode=root --variant=apt --include="$incl" \
	--aptopt='Acquire::Retries "3"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	"$SUITE" "$root" \
	"deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" \
	"deb $SECURITY_MIRROR $SUITE-security main" >&2 ||
	die "mmdebstrap failed"

# ---- configure the guest ---------------------------------------------------------------------
echo pm-vm >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tpm-vm\n::1\tlocalhost ip6-localhost\n' >"$root/etc/hosts"
printf '/dev/vda\t/\text4\trw,errors=remount-ro\t0\t1\n' >"$root/etc/fstab"
: >"$root/etc/machine-id"
chroot "$root" passwd -d root >/dev/null
# the console is ours: no login prompt on it
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
# nothing periodic competing with the tests (TCG is slow)
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
	man-db.timer dpkg-db-backup.timer systemd-tmpfiles-clean.timer; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done

chroot "$root" useradd -m -u "$TEST_UID" -s /bin/bash "$TEST_USER"
sed -i "/^$TEST_USER:/d" "$root/etc/subuid" "$root/etc/subgid" 2>/dev/null || true
echo "$TEST_USER:100000:65536" >>"$root/etc/subuid"
echo "$TEST_USER:100000:65536" >>"$root/etc/subgid"
# lingering: logind starts user@1000.service (and its delegated cgroup tree) at boot
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/$TEST_USER"

cat >"$root/usr/local/sbin/pm-vm-boot" <<'EOF'
#!/bin/sh
# pm-vm-boot: mount the host's share and run its guest.sh, then power off (pm-vm-test.service)
mkdir -p /mnt/pm
if mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576 pm /mnt/pm; then
	/bin/bash /mnt/pm/guest.sh
else
	echo "pm-vm-boot: cannot mount the 9p share 'pm'"
fi
sync
systemctl poweroff --no-block
EOF
chmod 0755 "$root/usr/local/sbin/pm-vm-boot"
cat >"$root/etc/systemd/system/pm-vm-test.service" <<EOF
[Unit]
Description=pm VM tests
Wants=user@$TEST_UID.service
After=user@$TEST_UID.service systemd-user-sessions.service systemd-logind.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/pm-vm-boot
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/pm-vm-test.service \
	"$root/etc/systemd/system/multi-user.target.wants/pm-vm-test.service"

# ---- kernel, initrd, disk ------------------------------------------------------------------------
vmlinuz=$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -n1)
initrd=$(find "$root/boot" -maxdepth 1 -name 'initrd.img-*' | sort | tail -n1)
if [ -z "$vmlinuz" ] || [ -z "$initrd" ]; then
	die "no kernel or initrd in the guest's /boot"
fi
install -m 0644 "$vmlinuz" "$tmp/vmlinuz"
install -m 0644 "$initrd" "$tmp/initrd.img"
rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*_Packages
truncate -s "$IMAGE_SIZE" "$tmp/root.img"
mke2fs -q -F -t ext4 -L pmroot -d "$root" "$tmp/root.img" >&2 || die "mke2fs -d failed"
rm -rf "$root"

mkdir -p "$dir"
mv "$tmp/root.img" "$tmp/vmlinuz" "$tmp/initrd.img" "$dir/"
echo "$key" >"$dir/done"
echo "vm/mkimage: guest image ready in $dir ($((SECONDS - start)) s)" >&2
echo "$dir"
