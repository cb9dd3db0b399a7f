#!/usr/bin/env python3
"""A fake Docker Engine API on a unix socket, for the docker runner's rlimit tests.

Usage: fake_docker_api.py SOCKET LOG [--refuse-rlimits N]

Answers just enough of the API for DockerRunner::start/stop: /_ping, an image import,
container create/start/delete and image delete. Every request is appended to LOG as one JSON
line {"method", "path", "body"} (body parsed as JSON when it is JSON). With --refuse-rlimits N
the first N container starts fail the way runc does on hosts with low hard limits.
"""
import json
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler

SOCK, LOG = sys.argv[1], sys.argv[2]
REFUSE = int(sys.argv[sys.argv.index("--refuse-rlimits") + 1]) if "--refuse-rlimits" in sys.argv else 0
state = {"starts": 0, "next": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def answer(self, status, obj=None):
        payload = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def record(self, raw):
        try:
            body = json.loads(raw) if raw and not self.path.startswith("/images/create") else None
        except ValueError:
            body = None
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "body": body}) + "\n")

    def handle_any(self):
        raw = self.body()
        self.record(raw)
        p = self.path.split("?")[0]
        if p == "/_ping":
            return self.answer(200)
        if p == "/images/create":
            return self.answer(200, {"status": "sha256:" + "ab" * 32})
        if p == "/containers/create":
            state["next"] += 1
            return self.answer(201, {"Id": "c%d" % state["next"]})
        if p.startswith("/containers/") and p.endswith("/start"):
            state["starts"] += 1
            if state["starts"] <= REFUSE:
                return self.answer(500, {"message": "runc: runc create failed: unable to start container process: "
                                         "error during container init: error setting rlimits for ready process: "
                                         "error setting rlimit type 7: operation not permitted: OCI permission denied"})
            return self.answer(204)
        if self.command == "DELETE" and p.startswith("/containers/"):
            return self.answer(204)
        if self.command == "DELETE" and p.startswith("/images/"):
            return self.answer(200, [])
        return self.answer(404, {"message": "fake engine: no route for " + p})

    do_GET = do_POST = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up early is not the test's concern

    def get_request(self):
        conn, _ = super().get_request()
        return conn, ("local", 0)


if os.path.exists(SOCK):
    os.unlink(SOCK)
Server(SOCK, Handler).serve_forever()
