#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Local receivers that record what falcosidekick sends, for the tests.

    recv.py http   PORTFILE LOG [--status CODE] [--fail N] [--delay S]
    recv.py syslog PORTFILE LOG --proto udp|tcp|unix [--path SOCK]
    recv.py smtp   PORTFILE LOG
    recv.py docker SOCKPATH LOG [--missing ID]

Each binds 127.0.0.1 on a free port (written to PORTFILE once listening)
or the given unix socket, and appends one JSON object per request or
message to LOG.  They run until killed.
"""
import argparse
import asyncore  # noqa: F401  (smtpd needs it; still in Python 3.11)
import http.server
import json
import os
import socket
import socketserver
import sys
import threading
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import smtpd  # noqa: E402

LOCK = threading.Lock()


def record(log, obj):
    with LOCK:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(obj) + "\n")


def write_port(portfile, port):
    tmp = portfile + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(port))
    os.rename(tmp, portfile)


def run_http(args):
    state = {"fail": args.fail}

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n).decode("utf-8", "replace")
            if args.delay:
                time.sleep(args.delay)
            code = args.status
            with LOCK:
                if state["fail"] > 0:
                    state["fail"] -= 1
                    code = 500
            record(args.log, {"method": self.command, "path": self.path,
                              "headers": {k.lower(): v for k, v in
                                          self.headers.items()},
                              "body": body, "status": code})
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_PUT = do_GET = handle_any

    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    srv = S(("127.0.0.1", args.port), H)
    write_port(args.portfile, srv.server_address[1])
    srv.serve_forever()


def run_syslog(args):
    if args.proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        write_port(args.portfile, s.getsockname()[1])
        while True:
            data = s.recv(65536)
            record(args.log, {"msg": data.decode("utf-8", "replace")})
    elif args.proto == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(args.path)
        write_port(args.portfile, 0)
        while True:
            data = s.recv(65536)
            record(args.log, {"msg": data.decode("utf-8", "replace")})
    else:
        class T(socketserver.StreamRequestHandler):
            def handle(self):
                for line in self.rfile:
                    record(args.log, {"msg": line.decode("utf-8",
                                                         "replace")})

        class S(socketserver.ThreadingMixIn, socketserver.TCPServer):
            daemon_threads = True
            allow_reuse_address = True

        srv = S(("127.0.0.1", 0), T)
        write_port(args.portfile, srv.server_address[1])
        srv.serve_forever()


def run_smtp(args):
    class Srv(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kw):
            if isinstance(data, bytes):
                data = data.decode("utf-8", "replace")
            record(args.log, {"from": mailfrom, "to": rcpttos,
                              "data": data})

    srv = Srv(("127.0.0.1", 0), None, decode_data=True)
    write_port(args.portfile, srv.socket.getsockname()[1])
    asyncore.loop()


def run_docker(args):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def address_string(self):
            return "unix"

        def reply(self, code, body=b""):
            self.send_response(code)
            if body:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)
            record(args.log, {"method": self.command, "path": self.path})
            parts = self.path.split("?")[0].strip("/").split("/")
            if len(parts) < 3 or parts[0] != "containers":
                return self.reply(404, b'{"message":"page not found"}')
            cid = parts[1]
            if cid == args.missing:
                return self.reply(404, b'{"message":"No such container"}')
            if self.command == "GET" and parts[2] == "json":
                body = json.dumps({"Id": cid, "Name": "/test-" + cid,
                                   "State": {"Status": "running",
                                             "Running": True},
                                   "Config": {"Image": "alpine:3"}})
                return self.reply(200, body.encode())
            if self.command == "POST" and parts[2] in ("pause", "stop",
                                                       "kill"):
                return self.reply(204)
            return self.reply(404, b'{"message":"page not found"}')

        do_GET = do_POST = handle_any

    class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
        daemon_threads = True

    srv = S(args.portfile, H)
    srv.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["http", "syslog", "smtp", "docker"])
    ap.add_argument("portfile")
    ap.add_argument("log")
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--proto", default="udp")
    ap.add_argument("--path")
    ap.add_argument("--missing", default="")
    args = ap.parse_args()
    {"http": run_http, "syslog": run_syslog, "smtp": run_smtp,
     "docker": run_docker}[args.kind](args)


if __name__ == "__main__":
    sys.exit(main())
