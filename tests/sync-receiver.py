#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""sync-receiver.py: a head office for tests, speaking Foyer's http-json v1 (docs/sync-protocol.md).

Python 3 standard library only. Listens on 127.0.0.1 (port 0 = any free port), prints the port on
stdout when ready, and exits when its standard input closes (so a crashed test leaves nothing
behind). It stores accepted records keyed by id, answers a record it already has as
"duplicate", and counts everything so tests can assert exactly-once delivery.

Control (tests only):
  POST /_control {"mode": M, ...}   switch behaviour; "count": N reverts to "ok" after N faults
  POST /_control {"reset": true}     forget records and counters
  GET  /_stats                       counters (requests, stored, deliveries, by_status, ...)
  GET  /_ids                         {"counts": {id: times accepted}, "deliveries": {id: n}}

Modes: ok | close (drop the connection unanswered) | reset (store, then reset mid-answer) |
  stall {"seconds"} (store, answer too late) | status {"code", "retry_after"} |
  too-large {"max_records"} (413 above N records) | reject {"ids", "how": "422"|"record"} |
  garbage {"body"} | partial {"fraction"} (leave some ids out of the results) |
  down {"seconds"} (stop listening, then come back on the same port) |
  random {"seed", "rate", "stall"} (a seeded mix of the faults above) |
  fault {"kind", "code"} (a broken answer on /v1/records and /v1/health alike; kind is one of
  FAULT_KINDS: empty = no body at all (Content-Length: 0), not-json = plain text, html = an
  HTML error page, gzip-truncated = Content-Encoding: gzip cut off mid-stream).

Two-way sync (GET /v1/registrations, /v1/check-ins, /v1/leads, their controls and /_pulls):
see tests/sync_receiver_pull.py.
"""

import argparse
import gzip
import json
import os
import random
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sync_receiver_pull as pull   # two-way sync: the pulls (tests/sync_receiver_pull.py)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.mode = {"mode": "ok"}
        self.faults = 0
        self.rng = random.Random(0)
        self.token_file = None
        self.quit = False
        self.down_seconds = 0.0
        self.server = None
        self.connections = set()
        self.reset()

    def reset(self):
        self.counts = {}        # id -> times accepted (head office dedupes: 1 at most)
        self.deliveries = {}    # id -> times the id arrived in a batch
        self.requests = 0
        self.health = 0
        self.records_seen = 0
        self.by_status = {}
        self.last_headers = {}
        self.idempotency = {}   # Idempotency-Key -> (status, body)
        self.connections_opened = 0

    def token(self):
        if not self.token_file:
            return None
        try:
            with open(self.token_file, encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return None


STATE = State()

FAULTS = ["close", "reset", "500", "503", "429", "garbage", "partial"]
FAULT_KINDS = ["empty", "not-json", "html", "gzip-truncated"]


def fault_body(kind, code):
    """(body, content type, extra headers) of a broken answer."""
    if kind == "empty":
        return b"", "application/json", {}
    if kind == "not-json":
        return b"Service temporarily unavailable, try again later\n", "text/plain", {}
    if kind == "html":
        page = ("<!DOCTYPE html><html><head><title>%d Error</title></head><body><h1>%d</h1>"
                "<p>The server encountered an error.</p><hr><address>nginx</address>"
                "</body></html>\n" % (code, code))
        return page.encode(), "text/html", {}
    if kind == "gzip-truncated":
        packed = gzip.compress(json.dumps({"results": []}).encode() * 50)
        return packed[: len(packed) // 2], "application/json", {"Content-Encoding": "gzip"}
    raise ValueError("unknown fault kind %r" % kind)


def pick_behaviour():
    """The behaviour for one POST /v1/records, under STATE.lock."""
    mode = dict(STATE.mode)
    name = mode.get("mode", "ok")
    if name == "random":
        if STATE.rng.random() >= float(mode.get("rate", 0.3)):
            return {"mode": "ok"}
        faults = FAULTS + (["stall"] if mode.get("stall") else [])
        fault = STATE.rng.choice(faults)
        if fault in ("500", "503", "429"):
            return {"mode": "status", "code": int(fault),
                    "retry_after": "0" if fault != "500" else None}
        if fault == "stall":
            return {"mode": "stall", "seconds": float(mode.get("stall"))}
        if fault == "partial":
            return {"mode": "partial", "fraction": 0.5}
        return {"mode": fault}
    if name not in ("ok", "too-large", "reject") and "count" in mode:
        STATE.faults += 1
        if STATE.faults >= int(mode["count"]):
            STATE.mode = {"mode": "ok"}
            STATE.faults = 0
    return mode


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FoyerTestReceiver/1"
    # Headers and body leave in separate writes: without TCP_NODELAY every answer waits for
    # the client's delayed ACK (40 ms), which would make the receiver the benchmark.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):   # quiet: tests read stdout for the port only
        pass

    def setup(self):
        super().setup()
        with STATE.lock:
            STATE.connections.add(self.connection)
            STATE.connections_opened += 1

    def finish(self):
        try:
            super().finish()
        finally:
            with STATE.lock:
                STATE.connections.discard(self.connection)

    # -- helpers --

    def send_json(self, code, obj, extra=None):
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.send_raw(code, body, "application/json", extra)

    def send_raw(self, code, body, ctype="application/json", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        with STATE.lock:
            STATE.by_status[str(code)] = STATE.by_status.get(str(code), 0) + 1

    def send_fault(self, behaviour):
        code = int(behaviour.get("code", 200))
        body, ctype, extra = fault_body(behaviour.get("kind", "empty"), code)
        self.send_raw(code, body, ctype, extra)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        if (self.headers.get("Content-Encoding") or "").lower() == "gzip":
            data = gzip.decompress(data)
        return data

    def authorized(self):
        token = STATE.token()
        if token is None:
            return True
        return self.headers.get("Authorization") == "Bearer " + token

    # -- routes --

    def do_GET(self):
        if pull.is_pull_path(self.path):
            # not counted in STATE.requests: the upload tests count their POSTs
            if not self.authorized():
                self.send_json(401, {"error": "bad token"})
                return
            pull.handle(self, self.send_json, self.send_raw)
        elif self.path == "/_pulls":
            self.send_json(200, pull.stats())
        elif self.path == "/v1/health":
            with STATE.lock:
                STATE.health += 1
                mode = dict(STATE.mode)
            if mode.get("mode") == "close":
                self.close_connection = True
                return
            if mode.get("mode") == "fault":
                self.send_fault(mode)
                return
            if mode.get("mode") == "status" and int(mode.get("code", 500)) >= 500:
                self.send_json(int(mode["code"]), {"status": "unavailable"})
                return
            self.send_json(200, pull.health_body())
        elif self.path == "/_stats":
            with STATE.lock:
                stats = {
                    "requests": STATE.requests,
                    "health": STATE.health,
                    "stored": len(STATE.counts),
                    "records_seen": STATE.records_seen,
                    "deliveries": sum(STATE.deliveries.values()),
                    "max_count": max(STATE.counts.values(), default=0),
                    "by_status": dict(STATE.by_status),
                    "connections": STATE.connections_opened,
                    "headers": dict(STATE.last_headers),
                    "mode": STATE.mode.get("mode"),
                }
            self.send_json(200, stats)
        elif self.path == "/_ids":
            with STATE.lock:
                obj = {"counts": dict(STATE.counts), "deliveries": dict(STATE.deliveries)}
            self.send_json(200, obj)
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        if self.path == "/_control":
            self.control()
        elif self.path == "/v1/records":
            self.records()
        else:
            self.read_body()
            self.send_json(404, {"error": "not found"})

    def control(self):
        cmd = json.loads(self.read_body() or b"{}")
        down = False
        with STATE.lock:
            if cmd.get("reset"):
                STATE.reset()
            if "mode" in cmd:
                STATE.faults = 0
                if cmd["mode"] == "down":
                    STATE.down_seconds = float(cmd.get("seconds", 1))
                    STATE.mode = {"mode": "ok"}
                    down = True
                else:
                    STATE.mode = cmd
                if cmd["mode"] == "random":
                    STATE.rng = random.Random(int(cmd.get("seed", 0)))
        pull.control(cmd)
        # A "down" answer closes its own connection (send_header() sees "Connection: close");
        # go_down() drops every other one. Dropped with the rest, the answer could reach the
        # test as a reset (curl error 56).
        self.send_json(200, {"ok": True}, {"Connection": "close"} if down else None)
        if down:
            threading.Thread(target=go_down, args=(self.connection,), daemon=True).start()

    def records(self):
        try:
            raw = self.read_body()
        except (OSError, EOFError, ValueError):
            self.send_json(400, {"error": "unreadable body"})
            return
        with STATE.lock:
            STATE.requests += 1
            STATE.last_headers = {k: self.headers.get(k) for k in (
                "User-Agent", "Idempotency-Key", "Content-Encoding", "Content-Type",
                "Authorization")}
        if not self.authorized():
            self.send_json(401, {"error": "bad token"})
            return
        with STATE.lock:
            behaviour = pick_behaviour()
        mode = behaviour.get("mode", "ok")

        if mode == "close":
            self.close_connection = True
            return
        if mode == "status":
            extra = {}
            if behaviour.get("retry_after") is not None:
                extra["Retry-After"] = str(behaviour["retry_after"])
            self.send_json(int(behaviour.get("code", 500)), {"error": "fault injected"}, extra)
            return
        if mode == "fault":
            self.send_fault(behaviour)
            return
        if mode == "garbage":
            body = behaviour.get("body", "<html><body>502 Bad Gateway</body></html>")
            self.send_raw(200, body.encode(), "text/html")
            return

        try:
            doc = json.loads(raw)
        except ValueError:
            self.send_json(400, {"error": "body is not JSON"})
            return
        if (not isinstance(doc, dict) or doc.get("protocol") != 1 or
                not isinstance(doc.get("records"), list) or
                not self.headers.get("Idempotency-Key")):
            self.send_json(400, {"error": "not an http-json v1 batch"})
            return
        records = doc["records"]

        if mode == "too-large" and len(records) > int(behaviour.get("max_records", 10)):
            self.send_json(413, {"error": "too many records"})
            return
        bad = set(behaviour.get("ids", [])) if mode == "reject" else set()
        how = behaviour.get("how", "422")
        if bad and how == "422" and any(isinstance(r, dict) and r.get("id") in bad
                                        for r in records):
            self.send_json(422, {"error": "batch contains an invalid record"})
            return

        key = self.headers.get("Idempotency-Key")
        with STATE.lock:
            cached = STATE.idempotency.get(key)
        if cached is not None:
            self.send_raw(cached[0], cached[1])
            return

        results = []
        accepted = []
        with STATE.lock:
            for r in records:
                rid = r.get("id") if isinstance(r, dict) else None
                if not isinstance(rid, str) or not rid:
                    continue
                STATE.records_seen += 1
                STATE.deliveries[rid] = STATE.deliveries.get(rid, 0) + 1
                if rid in bad:
                    results.append({"id": rid, "status": "rejected",
                                    "reason": "record refused by test receiver"})
                elif r.get("type") not in ("registration", "check_in", "lead", "annulment"):
                    results.append({"id": rid, "status": "rejected", "reason": "unknown type"})
                elif rid in STATE.counts:
                    results.append({"id": rid, "status": "duplicate"})
                else:
                    STATE.counts[rid] = 1
                    results.append({"id": rid, "status": "accepted"})
                    accepted.append(r)
            if mode == "partial":
                keep = 1.0 - float(behaviour.get("fraction", 0.5))
                results = [x for x in results if STATE.rng.random() < keep]
        body = json.dumps({"results": results}, separators=(",", ":")).encode()
        with STATE.lock:
            STATE.idempotency[key] = (200, body)
        for r in accepted:
            pull.ingest(r, doc.get("kiosk"))

        if mode == "stall":
            time.sleep(float(behaviour.get("seconds", 5)))
        if mode == "reset":
            # Headers and half the answer, then a TCP reset: the records are stored but the
            # kiosk never learns it.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.send_raw(200, body)


class Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # A client that gave up (timeout, cancel, kill -9) is part of the tests, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def go_down(keep):
    """Stop listening and drop every open connection but keep (the control request's, which
    closes by itself once answered); main() comes back after a while."""
    server = STATE.server
    server.shutdown()
    with STATE.lock:
        conns = [c for c in STATE.connections if c is not keep]
    for c in conns:
        try:
            c.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def watch_stdin():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token-file", help="require Authorization: Bearer <its content>")
    parser.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate chain")
    parser.add_argument("--tls-key", help="the certificate's PEM private key")
    parser.add_argument("--no-stdin-watch", action="store_true",
                        help="keep running when standard input closes")
    args = parser.parse_args()
    STATE.token_file = args.token_file

    if not args.no_stdin_watch:
        threading.Thread(target=watch_stdin, daemon=True).start()

    port = args.port
    first = True
    while not STATE.quit:
        server = Server(("127.0.0.1", port), Handler)
        port = server.server_address[1]
        if args.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(args.tls_cert, args.tls_key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        STATE.server = server
        if first:
            print(port, flush=True)
            first = False
        server.serve_forever(poll_interval=0.05)
        server.server_close()
        time.sleep(STATE.down_seconds)


if __name__ == "__main__":
    main()
