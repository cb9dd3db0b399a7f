#!/usr/bin/env python3
"""A static HTTP/1.1 server on 127.0.0.1 that waits DELAY_MS before answering each request
(keep-alive honoured), to measure fetching from a remote repository without a network.
Usage: slow_http.py DIR PORT_FILE [DELAY_MS]   (port 0 = any; the port is written to PORT_FILE)"""
import functools
import http.server
import sys
import time


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.05

    def log_message(self, *args):
        pass

    def do_GET(self):
        time.sleep(self.delay)
        super().do_GET()

    def do_HEAD(self):
        time.sleep(self.delay)
        super().do_HEAD()


def main():
    directory, port_file = sys.argv[1], sys.argv[2]
    Handler.delay = (float(sys.argv[3]) if len(sys.argv) > 3 else 50.0) / 1000.0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=directory))
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
