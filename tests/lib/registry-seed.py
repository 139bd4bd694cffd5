#!/usr/bin/env python3
"""registry-seed.py [OPTIONS] KIND REPO[:TAG]: put a test image into a registry without pm.

Talks the OCI distribution API directly (HEAD/POST/PUT blobs, PUT manifests) with the
python standard library, builds the images from the busybox test root filesystem
(tests/lib/mkimage.sh's rootfs.tar and layer2.tar) and prints the digest of the manifest
it pushed by tag (of the index for the index kinds). Used by tests/system/registry.bash
(registry_seed, registry_has), so the registry tests also run against podman.

Options: --registry HOST:PORT (required), --plain-http or --ca FILE (HTTPS, that CA),
--user USER:PASS (basic auth, or the credentials a bearer token server is asked with),
--rootfs TAR, --layer2 TAR.

KIND: busybox (docker v2s2), busybox-oci (OCI manifest), busybox2 (v2s2, two layers),
index (OCI index: the host's platform with busybox, plus two other platforms with a small
layer), other-platform (OCI index with only platforms that are not the host's), zstd (OCI
manifest, the layer compressed with zstd), has (exit 0 when REPO:TAG exists, 1 if not;
prints nothing).
"""

import argparse
import base64
import gzip
import hashlib
import http.client
import json
import platform
import re
import ssl
import subprocess
import sys
import urllib.parse

V2S2 = "application/vnd.docker.distribution.manifest.v2+json"
V2S2_CONFIG = "application/vnd.docker.container.image.v1+json"
V2S2_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
ACCEPT = ", ".join([OCI_INDEX, OCI_MANIFEST, V2S2,
                    "application/vnd.docker.distribution.manifest.list.v2+json"])
EPOCH = "1970-01-01T00:00:00Z"


def die(msg):
    print(f"registry-seed: {msg}", file=sys.stderr)
    sys.exit(2)


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def host_arch():
    m = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "armv6l": "arm",
            "i686": "386", "i386": "386"}.get(m, m)


class Registry:
    """A distribution API client: one connection per request, basic or bearer auth."""

    def __init__(self, host, plain, cafile, user):
        self.host = host
        self.plain = plain
        self.ctx = None if plain else ssl.create_default_context(cafile=cafile)
        self.user = user
        self.auth = None  # the Authorization header that worked

    def _conn(self, host=None, scheme=None):
        host = host or self.host
        if (scheme or ("http" if self.plain else "https")) == "http":
            return http.client.HTTPConnection(host, timeout=60)
        return http.client.HTTPSConnection(host, timeout=60, context=self.ctx)

    def _basic(self):
        return "Basic " + base64.b64encode(self.user.encode()).decode()

    def _login(self, challenge):
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "basic":
            if not self.user:
                die(f"{self.host} wants credentials (--user)")
            self.auth = self._basic()
            return
        if scheme.lower() != "bearer":
            die(f"{self.host}: unknown challenge '{challenge}'")
        p = dict(re.findall(r'(\w+)="([^"]*)"', params))
        realm = urllib.parse.urlsplit(p["realm"])
        q = {"service": p.get("service", "")}
        if p.get("scope"):
            q["scope"] = p["scope"]
        path = realm.path + "?" + urllib.parse.urlencode(q)
        c = self._conn(realm.netloc, realm.scheme)
        headers = {"Authorization": self._basic()} if self.user else {}
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            die(f"token server {realm.netloc}: {r.status} {body[:200]!r}")
        tok = json.loads(body)
        self.auth = "Bearer " + (tok.get("token") or tok["access_token"])

    def request(self, method, path, body=None, headers=None, ok=(200,)):
        for _ in range(3):
            h = dict(headers or {})
            if self.auth:
                h["Authorization"] = self.auth
            c = self._conn()
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            if r.status == 401:
                self._login(r.getheader("WWW-Authenticate", ""))
                continue
            if r.status not in ok:
                if method == "HEAD" or (method == "GET" and r.status == 404):
                    return r, data
                die(f"{method} {path}: {r.status} {data[:300]!r}")
            return r, data
        die(f"{method} {path}: still unauthorized")

    def scope(self, repo):
        # a token with push for repo before the first request (bearer registries scope
        # tokens per repository; the challenge of /v2/ names none)
        r, _ = self.request("GET", f"/v2/{repo}/tags/list", ok=(200, 404))
        return r

    def put_blob(self, repo, data):
        d = sha256(data)
        r, _ = self.request("HEAD", f"/v2/{repo}/blobs/{d}", ok=(200,))
        if r.status == 200:
            return d
        r, _ = self.request("POST", f"/v2/{repo}/blobs/uploads/", body=b"",
                            headers={"Content-Length": "0"}, ok=(202,))
        loc = urllib.parse.urlsplit(r.getheader("Location"))
        q = loc.query + ("&" if loc.query else "") + urllib.parse.urlencode({"digest": d})
        self.request("PUT", f"{loc.path}?{q}", body=data,
                     headers={"Content-Type": "application/octet-stream",
                              "Content-Length": str(len(data))}, ok=(201,))
        return d

    def put_manifest(self, repo, ref, media_type, data):
        self.request("PUT", f"/v2/{repo}/manifests/{ref}", body=data,
                     headers={"Content-Type": media_type}, ok=(201,))
        return sha256(data)

    def has(self, repo, ref):
        r, _ = self.request("HEAD", f"/v2/{repo}/manifests/{ref}",
                            headers={"Accept": ACCEPT}, ok=(200,))
        return r.status == 200


def config_json(arch, diff_ids, label):
    return json.dumps({
        "created": EPOCH, "architecture": arch, "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": ["sh"], "WorkingDir": "/",
            "Labels": {"org.pm.test": label},
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": EPOCH, "created_by": f"registry-seed.py: layer {i}"}
                    for i in range(len(diff_ids))],
    }, separators=(",", ":")).encode()


def push_image(reg, repo, ref, tars, arch, label, oci, compress="gzip"):
    """push one image manifest (layers compressed from TARS); returns (digest, size,
    media type)"""
    layers = []
    diff_ids = []
    for t in tars:
        diff_ids.append(sha256(t))
        if compress == "zstd":
            blob = subprocess.run(["zstd", "-q", "-c", "-3"], input=t, check=True,
                                  stdout=subprocess.PIPE).stdout
            mt = OCI_ZSTD
        else:
            blob = gzip.compress(t, compresslevel=6, mtime=0)
            mt = OCI_GZIP if oci else V2S2_LAYER
        layers.append({"mediaType": mt, "digest": reg.put_blob(repo, blob),
                       "size": len(blob)})
    cfg = config_json(arch, diff_ids, label)
    man = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST if oci else V2S2,
        "config": {"mediaType": OCI_CONFIG if oci else V2S2_CONFIG,
                   "digest": reg.put_blob(repo, cfg), "size": len(cfg)},
        "layers": layers,
    }
    data = json.dumps(man, indent=3).encode()
    mt = man["mediaType"]
    d = reg.put_manifest(repo, ref or sha256(data), mt, data)
    return d, len(data), mt


def small_layer(arch):
    """a tarball holding /platform (the platform's name), for the non-host platforms"""
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        content = f"linux/{arch}\n".encode()
        ti = tarfile.TarInfo("platform")
        ti.size = len(content)
        ti.mode = 0o644
        ti.mtime = 0
        tf.addfile(ti, io.BytesIO(content))
    return buf.getvalue()


def push_index(reg, repo, tag, rootfs, with_host):
    host = host_arch()
    others = [a for a in ("arm64", "s390x", "ppc64le") if a != host][:2]
    entries = []
    if with_host:
        d, size, mt = push_image(reg, repo, None, [rootfs], host, "busybox", True)
        entries.append((d, size, mt, host))
    for a in others:
        d, size, mt = push_image(reg, repo, None, [small_layer(a)], a, f"linux/{a}", True)
        entries.append((d, size, mt, a))
    idx = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [{"mediaType": mt, "digest": d, "size": size,
                       "platform": {"architecture": a, "os": "linux"}}
                      for d, size, mt, a in entries],
    }
    data = json.dumps(idx, indent=3).encode()
    return reg.put_manifest(repo, tag, OCI_INDEX, data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", required=True)
    ap.add_argument("--plain-http", action="store_true")
    ap.add_argument("--ca")
    ap.add_argument("--user", default="")
    ap.add_argument("--rootfs")
    ap.add_argument("--layer2")
    ap.add_argument("kind")
    ap.add_argument("ref")
    a = ap.parse_args()

    repo, _, tag = a.ref.partition(":")
    tag = tag or "latest"
    reg = Registry(a.registry, a.plain_http, a.ca, a.user)

    if a.kind == "has":
        sys.exit(0 if reg.has(repo, tag) else 1)

    def read(path, what):
        if not path:
            die(f"--{what} is needed for '{a.kind}'")
        with open(path, "rb") as f:
            return f.read()

    reg.scope(repo)
    rootfs = read(a.rootfs, "rootfs")
    host = host_arch()
    if a.kind == "busybox":
        d = push_image(reg, repo, tag, [rootfs], host, "busybox", False)[0]
    elif a.kind == "busybox-oci":
        d = push_image(reg, repo, tag, [rootfs], host, "busybox", True)[0]
    elif a.kind == "busybox2":
        d = push_image(reg, repo, tag, [rootfs, read(a.layer2, "layer2")], host, "busybox2",
                       False)[0]
    elif a.kind == "index":
        d = push_index(reg, repo, tag, rootfs, True)
    elif a.kind == "other-platform":
        d = push_index(reg, repo, tag, rootfs, False)
    elif a.kind == "zstd":
        d = push_image(reg, repo, tag, [rootfs], host, "busybox", True, "zstd")[0]
    else:
        die(f"unknown kind '{a.kind}'")
    print(d)


if __name__ == "__main__":
    main()
