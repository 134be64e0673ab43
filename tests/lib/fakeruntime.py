#!/usr/bin/env python3
"""fakeruntime.py: a tiny Lambda Runtime API server for the runtime's tests.

Serves the given event files, one per GET /2018-06-01/runtime/invocation/next,
and writes one JSON line per invocation to --out:
  {"file", "request_id", "kind": "response"|"error"|"exit"|"timeout",
   "error_type", "body" (parsed JSON, or the text if it is not JSON),
   "next_headers"}
It exits once every event is answered (or the process died in one, or
--timeout seconds passed).  To exercise the runtime's HTTP client, every
second /next answer is sent chunked with lower-case header names, and
--close-after N makes the server drop the keep-alive connection after N
requests.  An --init-error POST is recorded as kind "init-error".
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--deadline-ms", default=None,
                    help="Lambda-Runtime-Deadline-Ms (default now+60s)")
    ap.add_argument("--trace-id", default="Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
    ap.add_argument("--arn", default="arn:aws:lambda:us-east-1:123456789012:function:echo-dev:live")
    ap.add_argument("--close-after", type=int, default=0)
    ap.add_argument("events", nargs="*")
    a = ap.parse_args()

    events = []
    for f in a.events:
        with open(f, "rb") as fh:
            events.append((os.path.basename(f), fh.read()))
    lock = threading.Lock()
    state = {"next": 0, "inflight": None, "done": 0, "requests": 0}
    finished = threading.Event()
    out = open(a.out, "w")

    def record(rec):
        out.write(json.dumps(rec) + "\n")
        out.flush()
        state["done"] += 1
        if state["done"] >= len(events):
            finished.set()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            # Headers and body go out in separate writes: without this,
            # Nagle's algorithm and delayed ACKs add 40 ms to each answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _reply(self, code, body=b"", chunked=False, headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            if chunked:
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                half = len(body) // 2
                for part in (body[:half], body[half:]):
                    if part:
                        self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            self.wfile.flush()
            with lock:
                state["requests"] += 1
                if a.close_after and state["requests"] % a.close_after == 0:
                    self.close_connection = True

        def do_GET(self):
            if self.path != "/2018-06-01/runtime/invocation/next":
                return self._reply(404)
            with lock:
                i = state["next"]
                if i >= len(events):
                    i = None
                else:
                    state["next"] += 1
            if i is None:
                finished.wait(a.timeout)
                self.close_connection = True
                return
            name, body = events[i]
            rid = str(uuid.uuid4())
            with lock:
                state["inflight"] = (name, rid)
            dl = a.deadline_ms or str(int(time.time() * 1000) + 60000)
            odd = i % 2 == 1
            hdrs = [
                ("lambda-runtime-aws-request-id" if odd else "Lambda-Runtime-Aws-Request-Id", rid),
                ("Lambda-Runtime-Deadline-Ms", dl),
                ("Lambda-Runtime-Invoked-Function-Arn", a.arn),
                ("Content-Type", "application/json"),
            ]
            if a.trace_id:
                hdrs.append(("Lambda-Runtime-Trace-Id", a.trace_id))
            self._reply(200, body, chunked=odd, headers=hdrs)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            parts = self.path.split("/")
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = body.decode("utf-8", "replace")
            if self.path == "/2018-06-01/runtime/init/error":
                self._reply(202, b'{"status":"OK"}')
                with lock:
                    record({"file": None, "kind": "init-error", "body": parsed,
                            "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type")})
                    finished.set()
                return
            if len(parts) != 6 or parts[4] == "" or parts[5] not in ("response", "error"):
                return self._reply(404)
            with lock:
                cur = state["inflight"]
                state["inflight"] = None
            if cur is None or cur[1] != parts[4]:
                return self._reply(400, b'{"errorType":"InvalidRequestID"}')
            self._reply(202, b'{"status":"OK"}')
            with lock:
                record({"file": cur[0], "request_id": cur[1], "kind": parts[5],
                        "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                        "body": parsed})

        def finish(self):
            super().finish()
            # The connection is gone: if an invocation was open, the
            # process died in it (unless it reconnects and answers).
            def check(cur):
                time.sleep(1.0)
                with lock:
                    if state["inflight"] == cur and cur is not None:
                        state["inflight"] = None
                        record({"file": cur[0], "request_id": cur[1], "kind": "exit"})
            with lock:
                cur = state["inflight"]
            if cur is not None:
                threading.Thread(target=check, args=(cur,), daemon=True).start()

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("ready", flush=True)
    if not finished.wait(a.timeout):
        with lock:
            cur = state["inflight"]
            if cur is not None:
                out.write(json.dumps({"file": cur[0], "request_id": cur[1],
                                      "kind": "timeout"}) + "\n")
        out.close()
        sys.exit(2)
    out.close()
    srv.shutdown()


if __name__ == "__main__":
    main()
