#!/bin/bash
# mkimage.sh OUTDIR: build pm's test images from the host's static busybox
# (busybox-static), with plain tools only (tar, gzip -n, sha256sum, jq), reproducibly:
# the same busybox and the same script give byte-identical files, and a second run with
# an unchanged key returns at once (cache key: sha256 of busybox + this script + arch).
#
# OUTDIR gets:
#   rootfs/               the base root filesystem (directory)
#   rootfs.tar            the same as a tarball (also the first layer of both images)
#   layer2.tar            second layer: adds /hello, deletes /etc/motd (etc/.wh.motd)
#   busybox-docker.tar    docker-archive (docker save format)  localhost/busybox:latest
#   busybox-oci.tar       oci-archive                          localhost/busybox:latest
#   busybox-oci/          the same OCI image layout, unpacked
#   busybox2-docker.tar   docker-archive, 2 layers             localhost/busybox2:latest
#   busybox2-oci.tar      oci-archive, 2 layers                localhost/busybox2:latest
#   busybox2-oci/         the same OCI image layout, unpacked
#   images.env            shell variables naming all of the above (sourced by helpers.bash)
#
# Image contents: /bin/busybox plus a symlink per applet (busybox --list-full), /etc/passwd
# (root 0, daemon 1, bin 2, pmuser 1000, nobody 65534), /etc/group, /etc/hostname,
# /etc/hosts, /etc/resolv.conf, /etc/motd, /tmp (1777), /root (0700), /home/pmuser (owned
# by 1000:1000). Config: Cmd ["sh"], PATH set, WorkingDir "/".
#
# Used by tests/run-system.sh, tests/system/helpers.bash and tools/demo.sh.
set -euo pipefail
umask 022
export LC_ALL=C

BUSYBOX=${BUSYBOX:-/bin/busybox}
EPOCH=1970-01-01T00:00:00Z

die() {
	echo "mkimage: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: mkimage.sh OUTDIR"
out=$1
for t in tar gzip sha256sum jq; do
	command -v "$t" >/dev/null || die "'$t' not found (make deps)"
done
[ -x "$BUSYBOX" ] || die "'$BUSYBOX' not found (install busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "'$BUSYBOX' is dynamically linked; the test images need busybox-static"
fi

case "$(uname -m)" in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
armv7l | armv6l) arch=arm ;;
i?86) arch=386 ;;
*) arch=$(uname -m) ;;
esac

self=${BASH_SOURCE[0]}
key=$(cat "$BUSYBOX" "$self" <(echo "$arch") | sha256sum | cut -d' ' -f1)
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ] && [ -f "$out/images.env" ]; then
	exit 0
fi

work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# tar_dir DIR OUT [TAR_OPTION...]: a deterministic tarball of DIR's contents (entries without "./").
tar_dir() {
	local dir=$1 dest=$2
	shift 2
	local -a top
	mapfile -t top < <(find "$dir" -mindepth 1 -maxdepth 1 -printf '%P\n' | sort)
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		"$@" -C "$dir" -cf "$dest" "${top[@]}"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# ---- the base rootfs ---------------------------------------------------------------
r=$work/rootfs
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,run,mnt,var/tmp,tmp,root,home/pmuser}
install -m 0755 "$BUSYBOX" "$r/bin/busybox"
while read -r applet; do
	case "$applet" in
	*/*) ;;
	*) continue ;; # linuxrc
	esac
	[ "$applet" = bin/busybox ] && continue
	[ -e "$r/$applet" ] || ln -s /bin/busybox "$r/$applet"
done < <("$BUSYBOX" --list-full)
[ -L "$r/bin/sh" ] || die "busybox has no 'sh' applet"

cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
pmuser:x:1000:1000:pm test user:/home/pmuser:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
tty:x:5:
wheel:x:10:
users:x:100:pmuser
pmuser:x:1000:
nogroup:x:65534:
EOF
cat >"$r/etc/shadow" <<'EOF'
root:*:0:0:99999:7:::
daemon:*:0:0:99999:7:::
bin:*:0:0:99999:7:::
pmuser:*:0:0:99999:7:::
nobody:*:0:0:99999:7:::
EOF
echo busybox >"$r/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
: >"$r/etc/resolv.conf"
echo "pm busybox test image" >"$r/etc/motd"
chmod 0640 "$r/etc/shadow"
chmod 1777 "$r/tmp" "$r/var/tmp"
chmod 0700 "$r/root"

# home/pmuser belongs to pmuser: leave it out of the root-owned pass, append it after.
tar_dir "$r" "$work/rootfs.tar" --exclude=home/pmuser
tar --mtime=@0 --owner=1000 --group=1000 --numeric-owner --format=posix \
	--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
	--no-recursion -C "$r" -rf "$work/rootfs.tar" home/pmuser

# ---- the second layer ----------------------------------------------------------------
l2=$work/layer2
mkdir -p "$l2/etc"
echo "hello from layer 2" >"$l2/hello"
: >"$l2/etc/.wh.motd"
tar_dir "$l2" "$work/layer2.tar"

# ---- image builders --------------------------------------------------------------------
# make_images NAME LAYER_TAR...: write NAME-docker.tar, NAME-oci/ and NAME-oci.tar for
# localhost/NAME:latest.
make_images() {
	local name=$1
	shift
	local ref="localhost/$name:latest"
	local d=$work/$name-docker o=$work/$name-oci
	mkdir -p "$d" "$o/blobs/sha256"

	local diff_ids='[]' history='[]' docker_layers='[]' oci_layers='[]' l id gz gzid
	for l in "$@"; do
		id=$(sha "$l")
		diff_ids=$(jq -c --arg d "sha256:$id" '. + [$d]' <<<"$diff_ids")
		history=$(jq -c --arg e "$EPOCH" --arg b "tests/lib/mkimage.sh: $(basename "$l")" \
			'. + [{created: $e, created_by: $b}]' <<<"$history")
		mkdir -p "$d/$id"
		cp "$l" "$d/$id/layer.tar"
		echo "1.0" >"$d/$id/VERSION"
		docker_layers=$(jq -c --arg p "$id/layer.tar" '. + [$p]' <<<"$docker_layers")
		gz=$work/$name-layer.gz
		gzip -n -9 -c "$l" >"$gz"
		gzid=$(sha "$gz")
		mv "$gz" "$o/blobs/sha256/$gzid"
		oci_layers=$(jq -c --arg d "sha256:$gzid" --argjson s "$(size "$o/blobs/sha256/$gzid")" \
			'. + [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
			       digest: $d, size: $s}]' <<<"$oci_layers")
	done

	local cfg=$work/$name-config.json
	jq -cn --arg arch "$arch" --arg e "$EPOCH" --argjson diff "$diff_ids" \
		--argjson hist "$history" '{
		created: $e, architecture: $arch, os: "linux",
		config: {
			Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
			Cmd: ["sh"], WorkingDir: "/",
			Labels: {"org.pm.test": "busybox"}
		},
		rootfs: {type: "layers", diff_ids: $diff},
		history: $hist
	}' >"$cfg"
	local cfgid
	cfgid=$(sha "$cfg")

	# docker-archive
	cp "$cfg" "$d/$cfgid.json"
	jq -cn --arg c "$cfgid.json" --arg t "$ref" --argjson l "$docker_layers" \
		'[{Config: $c, RepoTags: [$t], Layers: $l}]' >"$d/manifest.json"
	local top
	top=$(jq -r '.[-1] | split("/")[0]' <<<"$docker_layers")
	jq -cn --arg r "localhost/$name" --arg id "$top" '{($r): {latest: $id}}' \
		>"$d/repositories"
	tar_dir "$d" "$work/$name-docker.tar"

	# oci-archive
	cp "$cfg" "$o/blobs/sha256/$cfgid"
	local man=$work/$name-manifest.json manid
	jq -cn --arg c "sha256:$cfgid" --argjson cs "$(size "$cfg")" --argjson l "$oci_layers" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c,
			 size: $cs},
		layers: $l
	}' >"$man"
	manid=$(sha "$man")
	mv "$man" "$o/blobs/sha256/$manid"
	jq -cn '{imageLayoutVersion: "1.0.0"}' >"$o/oci-layout"
	jq -cn --arg m "sha256:$manid" --argjson s "$(size "$o/blobs/sha256/$manid")" \
		--arg t "$ref" '{
		schemaVersion: 2,
		manifests: [{
			mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: $m, size: $s,
			annotations: {"org.opencontainers.image.ref.name": $t}
		}]
	}' >"$o/index.json"
	tar_dir "$o" "$work/$name-oci.tar"
	rm -f "$cfg"
}

make_images busybox "$work/rootfs.tar"
make_images busybox2 "$work/rootfs.tar" "$work/layer2.tar"
rm -rf "$work/busybox-docker" "$work/busybox2-docker" "$work/layer2"

cat >"$work/images.env" <<EOF
# Written by tests/lib/mkimage.sh; paths of the test images.
PM_IMAGE_DIR='$out'
PM_IMAGE_ROOTFS='$out/rootfs'
PM_IMAGE_ROOTFS_TAR='$out/rootfs.tar'
PM_IMAGE_LAYER2_TAR='$out/layer2.tar'
PM_IMAGE_DOCKER='$out/busybox-docker.tar'
PM_IMAGE_OCI='$out/busybox-oci.tar'
PM_IMAGE_OCI_DIR='$out/busybox-oci'
PM_IMAGE_NAME='localhost/busybox:latest'
PM_IMAGE2_DOCKER='$out/busybox2-docker.tar'
PM_IMAGE2_OCI='$out/busybox2-oci.tar'
PM_IMAGE2_OCI_DIR='$out/busybox2-oci'
PM_IMAGE2_NAME='localhost/busybox2:latest'
EOF

# Move into place (directories replaced whole), key last.
rm -f "$out/.key"
for f in rootfs rootfs.tar layer2.tar busybox-docker.tar busybox-oci.tar busybox-oci \
	busybox2-docker.tar busybox2-oci.tar busybox2-oci images.env; do
	rm -rf "${out:?}/$f"
	mv "$work/$f" "$out/$f"
done
echo "$key" >"$out/.key"
