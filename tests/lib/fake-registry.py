#!/usr/bin/env python3
"""fake-registry.py: a registry that answers badly on purpose, for the bad-input tests.

  fake-registry.py --port-file F --rootfs TAR [--digest-file F] [--log F]

Plain HTTP on 127.0.0.1 and a port the kernel picks (written to --port-file once
listening). GET /v2/ answers 200. Every repository serves the same image, the busybox
test image (rootfs.tar, one gzip layer, docker v2s2 manifest, digest written to
--digest-file), by any tag and by its digest, except where its name says otherwise:

  good          the image as it should be (the control: pulling it works)
  badmanifest   by digest: a manifest whose bytes do not match the digest asked for (the
                same JSON re-indented); by tag: those bytes with a Docker-Content-Digest
                header naming the good digest
  badblob       the layer's bytes do not match its digest: same size, still a valid gzip
                of the same tar (only the gzip header's MTIME differs), so only a digest
                check finds it
  badconfig     the config blob does not match its digest
  truncated     the layer: Content-Length of the whole blob, half of it sent, connection
                closed
  unauthorized  401 with a Basic challenge, whatever the credentials
  slow          the manifest answers after 30 s
  notag         404 MANIFEST_UNKNOWN for any tag (the repository exists)
  anything else 404 NAME_UNKNOWN (repository name not known to registry)

The mode is the repository's last path component (so both `badblob` and `x/badblob` work).
Each request adds "METHOD PATH STATUS" to --log.
"""

import argparse
import gzip
import hashlib
import http.server
import json
import os
import re
import sys
import threading
import time

V2S2 = "application/vnd.docker.distribution.manifest.v2+json"


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Image:
    manifest = b""
    digest = ""
    config = b""
    config_digest = ""
    layer = b""
    layer_digest = ""


def build(rootfs):
    with open(rootfs, "rb") as f:
        tar = f.read()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    layer = gzip.compress(tar, compresslevel=6, mtime=0)
    cfg = json.dumps({
        "created": "1970-01-01T00:00:00Z", "architecture": arch, "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["sh"], "WorkingDir": "/", "Labels": {"org.pm.test": "fake"}},
        "rootfs": {"type": "layers", "diff_ids": [sha256(tar)]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "fake-registry.py"}],
    }, separators=(",", ":")).encode()
    man = json.dumps({
        "schemaVersion": 2, "mediaType": V2S2,
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "digest": sha256(cfg), "size": len(cfg)},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "digest": sha256(layer), "size": len(layer)}],
    }, indent=3).encode()
    Image.manifest, Image.digest = man, sha256(man)
    Image.config, Image.config_digest = cfg, sha256(cfg)
    Image.layer, Image.layer_digest = layer, sha256(layer)


def error_body(code, message, detail=None):
    e = {"code": code, "message": message}
    if detail is not None:
        e["detail"] = detail
    return json.dumps({"errors": [e]}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_file = None
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        if Handler.log_file:
            with Handler.lock, open(Handler.log_file, "a") as f:
                f.write(f"{self.command} {self.path} {status}\n")

    def send(self, status, body=b"", ctype="application/json", extra=None, length=None):
        self.note(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in ("/v2", "/v2/"):
            self.send(200, b"{}")
            return
        m = re.fullmatch(r"/v2/(.+)/(manifests|blobs)/([^/]+)", path)
        if not m:
            self.send(404, error_body("NOT_FOUND", "not found"))
            return
        repo, kind, ref = m.groups()
        mode = repo.rsplit("/", 1)[-1]
        if mode == "unauthorized":
            self.send(401, error_body("UNAUTHORIZED", "authentication required"),
                      extra={"WWW-Authenticate": 'Basic realm="pm-fake-registry"'})
            return
        if mode not in ("good", "badmanifest", "badblob", "badconfig", "truncated", "slow",
                        "notag"):
            self.send(404, error_body("NAME_UNKNOWN", "repository name not known to registry",
                                      {"name": repo}))
            return
        if kind == "manifests":
            self.manifest(mode, ref)
        else:
            self.blob(mode, ref)

    def manifest(self, mode, ref):
        by_digest = ref.startswith("sha256:")
        if mode == "notag" and not by_digest:
            self.send(404, error_body("MANIFEST_UNKNOWN", "manifest unknown",
                                      {"Tag": ref}))
            return
        if by_digest and ref != Image.digest:
            self.send(404, error_body("MANIFEST_UNKNOWN", "manifest unknown",
                                      {"Digest": ref}))
            return
        if mode == "slow":
            time.sleep(30)
        body = Image.manifest
        if mode == "badmanifest":
            body = json.dumps(json.loads(Image.manifest), indent=1).encode()
        self.send(200, body, V2S2, {"Docker-Content-Digest": Image.digest})

    def blob(self, mode, ref):
        if ref == Image.config_digest:
            body = Image.config
            if mode == "badconfig":
                body = body.replace(b'"fake"', b'"FAKE"')
            self.send(200, body, "application/octet-stream",
                      {"Docker-Content-Digest": ref})
            return
        if ref != Image.layer_digest:
            self.send(404, error_body("BLOB_UNKNOWN", "blob unknown to registry", ref))
            return
        body = Image.layer
        if mode == "badblob":
            # the gzip header's MTIME (bytes 4-7): ignored by every decompressor
            body = body[:4] + b"\x01\x02\x03\x04" + body[8:]
        if mode == "truncated" and self.command == "GET":
            self.note("200-truncated")
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Docker-Content-Digest", ref)
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(200, body, "application/octet-stream", {"Docker-Content-Digest": ref})

    def do_POST(self):
        self.send(405, error_body("UNSUPPORTED", "the fake registry takes no uploads"))

    do_PUT = do_POST
    do_PATCH = do_POST
    do_DELETE = do_POST


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--rootfs", required=True)
    ap.add_argument("--digest-file")
    ap.add_argument("--log")
    a = ap.parse_args()
    build(a.rootfs)
    Handler.log_file = a.log
    if a.digest_file:
        with open(a.digest_file, "w") as f:
            f.write(Image.digest + "\n")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{srv.server_address[1]}\n")
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
