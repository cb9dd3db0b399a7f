#!/usr/bin/env python3
"""An HTTP server on 127.0.0.1 that misbehaves on purpose (tests/e2e/fetch_faults.sh).

Usage: fault_server.py PORT ROOT REQUEST_LOG

Files under ROOT are served below a first path segment that picks the fault:
  /ok/...         served as is
  /auth/...       needs HTTP basic auth alice:$FAULT_PASSWORD, else 401
  /flaky/...      503 for the first two requests of each path, then served
  /down/...       always 500
  /missing/...    always 404
  /truncated/...  .apk files: the full Content-Length, half the body, then the connection closes
  /wrong/...      .apk files: the bytes of another .apk of the same directory (same length or not)
  /loop/...       302 to itself, forever
  /slow/...       served in 4 KiB pieces 20 ms apart

/v2/... and /token are a registry that takes pushes: every /v2/ request needs
`Authorization: Bearer $FAULT_TOKEN`, else 401 with a Bearer challenge whose realm is /token;
/token hands out $FAULT_TOKEN for basic auth alice:$FAULT_PASSWORD.

Each request is appended to REQUEST_LOG as "METHOD PATH" (no header, so no secret).
"""
import base64
import hashlib
import http.server
import json
import os
import sys
import threading
import time
import uuid

PORT, ROOT, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
PASSWORD = os.environ["FAULT_PASSWORD"]
TOKEN = os.environ["FAULT_TOKEN"]
BASIC = "Basic " + base64.b64encode(("alice:" + PASSWORD).encode()).decode()

lock = threading.Lock()
counts = {}
blobs, manifests, uploads = {}, {}, {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None, close=False):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def record(self):
        with lock, open(LOG, "a") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.record()
        if self.path.startswith("/v2/") or self.path.startswith("/token"):
            return self.registry()
        mode, _, rest = self.path.lstrip("/").partition("/")
        path = os.path.normpath(os.path.join(ROOT, rest.split("?")[0]))
        if not path.startswith(os.path.abspath(ROOT)):
            return self.send(403)
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            n = counts[self.path]
        if mode == "auth" and self.headers.get("Authorization") != BASIC:
            return self.send(401, b"", {"WWW-Authenticate": 'Basic realm="faults"'})
        if mode == "flaky" and n <= 2:
            return self.send(503)
        if mode == "down":
            return self.send(500)
        if mode == "missing":
            return self.send(404)
        if mode == "loop":
            return self.send(302, b"", {"Location": self.path})
        if not os.path.isfile(path):
            return self.send(404)
        data = open(path, "rb").read()
        if mode == "wrong" and path.endswith(".apk"):
            others = sorted(p for p in os.listdir(os.path.dirname(path))
                            if p.endswith(".apk") and p != os.path.basename(path))
            data = open(os.path.join(os.path.dirname(path), others[0]), "rb").read()
        if mode == "truncated" and path.endswith(".apk"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "slow":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for i in range(0, len(data), 4096):
                self.wfile.write(data[i:i + 4096])
                self.wfile.flush()
                time.sleep(0.02)
            return
        if mode not in ("ok", "auth", "flaky", "wrong", "truncated"):
            return self.send(404)
        self.send(200, data)

    # --- the registry -------------------------------------------------------------------
    def do_POST(self):
        self.record()
        self.registry()

    def do_PUT(self):
        self.record()
        self.registry()

    def registry(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/token"):
            if self.headers.get("Authorization") != BASIC:
                return self.send(401)
            return self.send(200, json.dumps({"token": TOKEN}).encode(), {"Content-Type": "application/json"})
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="faults"' % PORT
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": challenge})
        path, _, query = self.path.partition("?")
        parts = path.split("/")
        if path == "/v2/":
            return self.send(200, b"{}")
        if "blobs" in parts and parts[-2] == "uploads" and self.command == "POST":
            u = str(uuid.uuid4())
            uploads[u] = b""
            return self.send(202, b"", {"Location": "%s%s" % (path, u)})
        if "uploads" in parts and self.command == "PUT":
            digest = dict(kv.split("=", 1) for kv in query.split("&") if "=" in kv).get("digest", "").replace("%3A", ":")
            if digest != "sha256:" + hashlib.sha256(body).hexdigest():
                return self.send(400, b'{"errors":[{"code":"DIGEST_INVALID"}]}')
            blobs[digest] = body
            return self.send(201, b"", {"Docker-Content-Digest": digest})
        if "blobs" in parts:
            d = parts[-1]
            return self.send(200, blobs[d]) if d in blobs else self.send(404)
        if "manifests" in parts:
            name = "/".join(parts[2:parts.index("manifests")])
            ref = parts[-1]
            if self.command == "PUT":
                digest = "sha256:" + hashlib.sha256(body).hexdigest()
                manifests[(name, ref)] = (body, self.headers.get("Content-Type", ""))
                return self.send(201, b"", {"Docker-Content-Digest": digest})
            if (name, ref) in manifests:
                data, ctype = manifests[(name, ref)]
                return self.send(200, data, {"Content-Type": ctype})
            return self.send(404)
        self.send(404)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
