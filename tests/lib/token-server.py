#!/usr/bin/env python3
"""token-server.py: a bearer token server for docker-registry's `auth: token` (tests only).

  token-server.py --port-file F --key KEY --cert CERT --users FILE --issuer I --service S
                  [--anonymous pull|none] [--log FILE]

Listens on 127.0.0.1 and a port the kernel picks (written to --port-file once listening),
plain HTTP. GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] answers
{"token", "access_token", "expires_in", "issued_at"}: a JWT signed RS256 with KEY (openssl
dgst), its header carrying CERT in x5c (docker-registry 2.8 checks that chain against
auth.token.rootcertbundle = CERT, and iss/aud against issuer/service).

Who gets what:
  Basic credentials in the users file (lines USER:PASS)  every action asked (pull, push)
  Basic credentials not in the file                      401 (the client says unauthorized)
  no credentials                                         pull only (--anonymous pull, the
                                                         default), or 401 (--anonymous none)
A wrong service also gets 401. Each request adds a line to --log:
  user=USER|anonymous scope=SCOPE granted=ACTIONS|denied
"""

import argparse
import base64
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    args = None
    users = {}
    x5c = None
    lock = threading.Lock()


def load_cert_der(path):
    with open(path) as f:
        pem = f.read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return "".join(body.split())  # base64 DER, as x5c wants it


def sign(data):
    r = subprocess.run(["openssl", "dgst", "-sha256", "-sign", State.args.key], input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return r.stdout


def make_token(user, access):
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [State.x5c]}
    claims = {
        "iss": State.args.issuer, "sub": user, "aud": State.args.service,
        "exp": now + 600, "nbf": now - 10, "iat": now,
        "jti": b64url(os.urandom(12)), "access": access,
    }
    signing_input = (b64url(json.dumps(header).encode()) + "." +
                     b64url(json.dumps(claims).encode()))
    return signing_input + "." + b64url(sign(signing_input.encode()))


def log(line):
    if State.args.log:
        with State.lock, open(State.args.log, "a") as f:
            f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def reply(self, code, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def deny(self, user, scopes, why):
        log(f"user={user} scope={' '.join(scopes) or '-'} granted=denied ({why})")
        self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": why}]},
                   {"WWW-Authenticate": 'Basic realm="pm-test-token"'})

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        if u.path != "/token":
            self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": u.path}]})
            return
        q = urllib.parse.parse_qs(u.query)
        scopes = q.get("scope", [])
        user = "anonymous"
        authz = self.headers.get("Authorization", "")
        if authz.lower().startswith("basic "):
            try:
                user, _, pw = base64.b64decode(authz[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                self.deny("?", scopes, "malformed credentials")
                return
            if State.users.get(user) != pw:
                self.deny(user, scopes, "wrong credentials")
                return
        elif State.args.anonymous == "none":
            self.deny(user, scopes, "credentials required")
            return
        if q.get("service", [""])[0] != State.args.service:
            self.deny(user, scopes, "unknown service")
            return
        access = []
        granted = []
        for s in scopes:
            for one in s.split(" "):
                parts = one.split(":")
                if len(parts) < 3:
                    continue
                typ, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1].split(",")
                if user == "anonymous":
                    actions = [a for a in actions if a == "pull"]
                access.append({"type": typ, "name": name, "actions": actions})
                granted.append(f"{typ}:{name}:{','.join(actions) or 'nothing'}")
        log(f"user={user} scope={' '.join(scopes) or '-'} granted={' '.join(granted) or '-'}")
        tok = make_token("" if user == "anonymous" else user, access)
        self.reply(200, {"token": tok, "access_token": tok, "expires_in": 600,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--users", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--anonymous", choices=["pull", "none"], default="pull")
    ap.add_argument("--log")
    State.args = ap.parse_args()
    with open(State.args.users) as f:
        for line in f:
            line = line.rstrip("\n")
            if ":" in line:
                user, _, pw = line.partition(":")
                State.users[user] = pw
    State.x5c = load_cert_der(State.args.cert)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = State.args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{srv.server_address[1]}\n")
    os.rename(tmp, State.args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
