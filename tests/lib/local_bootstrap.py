#!/usr/bin/env python3
# local_bootstrap.py: a tiny Lambda custom runtime in Python (http.client
# only) that the local pool's tests run as their bootstrap, so they test
# czappa's Runtime API server and HTTP front against a client that no C
# code of ours wrote.  It speaks the 2018-06-01 Runtime API and answers by
# the event's rawPath:
#   /echo[/...]  200, JSON body: the event and the environment it saw
#   /cookies     201, a custom header and two cookies
#   /binary      bytes 0..255, isBase64Encoded
#   /missing     404 passthrough
#   /inferred    {"message": ...} without statusCode
#   /string      a bare JSON string
#   /malformed   an answer that is not JSON
#   /error       POST /error with Lambda-Runtime-Function-Error-Type
#   /crash       SIGSEGV in the middle of the request
#   /exit        exit status 3 in the middle of the request
#   /hang        never answers
#   /slow?ms=N   sleeps N ms, then answers with its pid
#   /big         a 7 MiB answer (above the 6 MiB limit)
# Other events: {"czappa":...} and direct payloads are echoed back as
# {"echo": event, "pid": pid}.  BOOTSTRAP_MODE=init-error reports an init
# error and exits 1; BOOTSTRAP_MODE=exit-at-start exits 2 at once.
import base64
import http.client
import json
import os
import signal
import sys
import time
import urllib.parse

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"
MODE = os.environ.get("BOOTSTRAP_MODE", "")


def call(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(API)
    conn.request(method, BASE + path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, hdrs, data


def answer(rid, obj):
    body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    st, _, data = call("POST", "/invocation/%s/response" % rid, body)
    print("[%s] response -> %d %s" % (rid, st, data.decode()), flush=True)


def http_answer(rid, ev):
    path = ev.get("rawPath", "")
    q = urllib.parse.parse_qs(ev.get("rawQueryString", ""))
    if path == "/echo" or path.startswith("/echo/"):
        env = {k: os.environ.get(k) for k in (
            "AWS_LAMBDA_RUNTIME_API", "_HANDLER", "LAMBDA_TASK_ROOT",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "GREETING", "TZ")}
        return {"statusCode": 200,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"event": ev, "env": env,
                                    "cwd": os.getcwd()})}
    if path == "/cookies":
        return {"statusCode": 201,
                "headers": {"Content-Type": "text/plain",
                            "My-Custom-Header": "Custom Value"},
                "cookies": ["Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT",
                            "Cookie_2=Value2; Max-Age=78000"],
                "body": "cookies set"}
    if path == "/binary":
        return {"statusCode": 200,
                "headers": {"content-type": "application/octet-stream"},
                "isBase64Encoded": True,
                "body": base64.b64encode(bytes(range(256))).decode()}
    if path == "/missing":
        return {"statusCode": 404, "headers": {"content-type": "text/plain"},
                "body": "no such page: " + path}
    if path == "/inferred":
        return {"message": "Hello from Lambda!"}
    if path == "/string":
        return "Hello from Lambda!"
    if path == "/malformed":
        return b"this is not json"
    if path == "/crash":
        print("[%s] about to crash" % rid, flush=True)
        os.kill(os.getpid(), signal.SIGSEGV)
    if path == "/exit":
        os._exit(3)
    if path == "/hang":
        time.sleep(3600)
    if path == "/slow":
        time.sleep(int(q.get("ms", ["100"])[0]) / 1000.0)
        return {"statusCode": 200, "headers": {"content-type": "text/plain"},
                "body": "pid=%d n=%s" % (os.getpid(), q.get("n", [""])[0])}
    if path == "/big":
        return {"statusCode": 200, "body": "x" * (7 * 1024 * 1024)}
    return {"statusCode": 404, "body": "unknown test path " + path}


def main():
    if MODE == "exit-at-start":
        sys.exit(2)
    if MODE == "init-error":
        st, _, _ = call("POST", "/init/error", json.dumps({
            "errorMessage": "config file missing",
            "errorType": "Runtime.ConfigInvalid"}).encode(),
            {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigInvalid"})
        print("init error posted -> %d" % st, flush=True)
        sys.exit(1)
    while True:
        st, h, data = call("GET", "/invocation/next")
        if st != 200:
            print("next -> %d" % st, flush=True)
            sys.exit(1)
        rid = h["lambda-runtime-aws-request-id"]
        ev = json.loads(data)
        print("[%s] event deadline=%s arn=%s trace=%s" % (
            rid, h.get("lambda-runtime-deadline-ms"),
            h.get("lambda-runtime-invoked-function-arn"),
            h.get("lambda-runtime-trace-id")), flush=True)
        if isinstance(ev, dict) and ev.get("version") == "2.0":
            if ev.get("rawPath") == "/error":
                st, _, _ = call("POST", "/invocation/%s/error" % rid,
                                json.dumps({"errorMessage": "boom",
                                            "errorType": "Function.Boom"}),
                                {"Lambda-Runtime-Function-Error-Type":
                                 "Function.Boom"})
                continue
            answer(rid, http_answer(rid, ev))
        else:
            answer(rid, {"echo": ev, "pid": os.getpid(),
                         "deadline": h.get("lambda-runtime-deadline-ms")})


main()
