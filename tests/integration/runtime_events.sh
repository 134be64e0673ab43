#!/usr/bin/env bash
# runtime_events.sh: runs the real runtime (libczappa-runtime.a linked
# statically into handlers/echo and handlers/time, as a user's bootstrap)
# under tests/lib/fakeruntime.py.  Every file of tests/data/events goes
# through it and the request fields the handler saw and the answer's shape
# are checked against the table below; then malformed events, crashing
# handlers, keep-warm, envelopes, 404/405, a past deadline, JSON logs and
# dropped keep-alive connections.
. "$(dirname "$0")/../lib/t.sh"
B=${CZ_BUILDDIR:-$ROOT/build}
RT=$B/src/runtime
EVENTS=$ROOT/tests/data/events

build() {	# build NAME SOURCE
	gcc -O2 -static -I"$RT" -o "$TMP/$1" "$2" "$RT/libczappa-runtime.a" \
	    -ljansson -lm -lpthread 2>"$TMP/$1.cc" ||
	    { t_fail "build $1" "$(head -c 600 "$TMP/$1.cc")"; return 1; }
	t_ok "build $1 (static)"
}

# serve OUT BOOTSTRAP [fakeruntime options...] -- EVENT...: runs one
# bootstrap process against the fake Runtime API until every event is
# answered; the bootstrap's stdout/stderr go to OUT.stdout/OUT.stderr.
serve() {
	local out=$1 bs=$2 port i
	shift 2
	port=$(t_free_port)
	python3 "$ROOT/tests/lib/fakeruntime.py" --port "$port" \
	    --out "$out" --timeout 20 "$@" >"$out.fr" 2>&1 &
	local fr=$!
	for i in $(seq 100); do grep -q ready "$out.fr" && break; sleep 0.1; done
	AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port timeout 30 "$bs" \
	    >"$out.stdout" 2>"$out.stderr" &
	local bp=$!
	wait "$fr"
	# Let a crashing bootstrap finish dying before it is stopped.
	for i in $(seq 30); do kill -0 "$bp" 2>/dev/null || break; sleep 0.1; done
	kill "$bp" 2>/dev/null
	wait "$bp" 2>/dev/null
	BS_STATUS=$?
}

build echo "$ROOT/handlers/echo/echo.c" || { t_done; exit 1; }
build time "$ROOT/handlers/time/time.c" || { t_done; exit 1; }

# 1. Every sample event, with the server dropping the keep-alive
# connection every 7 requests (the runtime must reconnect).
serve "$TMP/all" "$TMP/echo" --close-after 7 "$EVENTS"/*.json

python3 - "$TMP/all" "$EVENTS" <<'PY'
import json, os, sys, base64
out, evdir = sys.argv[1], sys.argv[2]
V2Q = [["parameter1", "value1"], ["parameter1", "value2"], ["parameter2", "value"]]
# file: (kind, source, method, path, query, cookies, body, shape)
#   body: text the handler saw, or ("len", n); shape: response key set
V1 = ["body", "headers", "isBase64Encoded", "multiValueHeaders", "statusCode"]
V2 = ["body", "cookies", "headers", "isBase64Encoded", "statusCode"]
ALB = ["body", "headers", "isBase64Encoded", "statusCode", "statusDescription"]
ALBM = ["body", "isBase64Encoded", "multiValueHeaders", "statusCode", "statusDescription"]
T = {
 "alb-get-multi-value-headers.json": ("alb-multi-value", "GET", "/", [["key", "hello"]], [], "", ALBM),
 "alb-get-multi-value-query.json": ("alb-multi-value", "GET", "/todos", V2Q, [], "", ALBM),
 "alb-get-single-value.json": ("alb", "GET", "/lambda", [["query", "1234ABCD"]], [], "", ALB),
 "alb-get-unicode-encoded-single-value.json": ("alb", "GET", "/pp\u00a5pp",
     [["multi\u00a5Value", "red, green"], ["test\u00a5Param", "Hello World: \u00a5"]], [], "", ALB),
 "alb-post-base64-body.json": ("alb", "POST", "/path/to/resource", [["query", "1234ABCD"]], [], '{"test":"body"}', ALB),
 "alb-post-multipart-base64-multi-value.json": ("alb-multi-value", "POST", "/pp\u00a5pp", [], [], ("len", 425), ALBM),
 "apigw-v1-httpapi-payload-1.0-get.json": ("rest-api", "GET", "/my/path", V2Q, [], "Hello from Lambda!", V1),
 "apigw-v1-post-base64-body.json": ("rest-api", "POST", "/path/to/resource", [["foo", "bar"]], [], '{"test":"body"}', V1),
 "apigw-v1-post-proxy-plus.json": ("rest-api", "POST", "/hello/world", [["name", "me"]], [], '{\r\n\t"a": 1\r\n}', V1),
 "apigw-v1-rest-get-multivalue.json": ("rest-api", "GET", "/my/path", V2Q, [], "Hello from Lambda!", V1),
 "apigw-v2-get-query-cookies.json": ("http-api", "GET", "/my/path", V2Q, [["cookie1", ""], ["cookie2", ""]], "", V2),
 "apigw-v2-get-root-minimal.json": ("http-api", "GET", "/", [], [], "", V2),
 "apigw-v2-lambda-authorizer-proxy-path.json": ("http-api", "GET", "/my/path", V2Q, [["cookie1", ""], ["cookie2", ""]], '{\r\n\t"a": 1\r\n}', V2),
 "apigw-v2-no-authorizer-mtls.json": ("http-api", "GET", "/", [], [], "", V2),
 "apigw-v2-post-base64-body.json": ("http-api", "POST", "/path/to/resource", V2Q, [["cookie1", ""], ["cookie2", ""]], '{"test":"body"}', V2),
 "apigw-v2-post-jwt-cookies-query-pathparams.json": ("http-api", "POST", "/my/path", V2Q, [["cookie1", ""], ["cookie2", ""]], "Hello from Lambda", V2),
 "apigw-v2-post-path-with-space.json": ("http-api", "POST", "/my/path-with space", V2Q, [["cookie1", "value1"], ["cookie2", "value2"]], "Hello from Lambda", V2),
 "apigw-v2-post-stage-in-rawpath.json": ("http-api", "POST", "/my/path", V2Q, [["cookie1", "value1"], ["cookie2", "value2"]], "Hello from Lambda", V2),
 "apigw-v2-sam-local-route-key.json": ("http-api", "GET", "/hello", [], [], "", V2),
 "function-url-get-browser.json": ("function-url", "GET", "/", [], [], "", V2),
 "function-url-post-iam.json": ("function-url", "POST", "/my/path", V2Q, [["cookie1", ""], ["cookie2", ""]], "Hello from client!", V2),
 # non-HTTP: (kind, error type or result check)
 "eventbridge-scheduled.json": ("result", {"source": "schedule", "name": "schedule"}),
 "eventbridge-scheduled-no-version.json": ("error", "Function.NotFound"),
 "eventbridge-ec2-state-change.json": ("error", "Runtime.UnknownEvent"),
 "s3-put.json": ("error", "Runtime.UnknownEvent"),
}
got = {}
for line in open(out):
    r = json.loads(line)
    got[r["file"]] = r
stdout = open(out + ".stdout", encoding="utf-8", errors="replace").read()
n_ok = n_bad = 0
def check(name, cond, why=""):
    global n_ok, n_bad
    if cond:
        print("ok - " + name); n_ok += 1
    else:
        print("not ok - %s: %s" % (name, why)); n_bad += 1
for f in sorted(os.listdir(evdir)):
    if not f.endswith(".json"):
        continue
    want = T.get(f)
    r = got.get(f)
    if want is None:
        check(f, False, "no expectation in the table for this event file"); continue
    if r is None:
        check(f, False, "no answer recorded"); continue
    b = r["body"]
    if want[0] == "error":
        check(f + ": Lambda error " + want[1],
              r["kind"] == "error" and r["error_type"] == want[1] and
              isinstance(b, dict) and b.get("errorType") == want[1] and
              isinstance(b.get("errorMessage"), str) and b.get("stackTrace") == [],
              json.dumps(r)[:300])
        continue
    if want[0] == "result":
        ok = r["kind"] == "response" and isinstance(b, dict) and all(b.get(k) == v for k, v in want[1].items())
        ok = ok and b.get("input") == json.load(open(os.path.join(evdir, f)))
        check(f + ": schedule result", ok, json.dumps(r)[:300])
        continue
    src, method, path, query, cookies, body, shape = want
    if r["kind"] != "response" or not isinstance(b, dict):
        check(f, False, json.dumps(r)[:300]); continue
    check(f + ": answer keys " + ",".join(shape), sorted(b.keys()) == sorted(shape), sorted(b.keys()))
    check(f + ": status 200", b.get("statusCode") == 200, b.get("statusCode"))
    if "statusDescription" in shape:
        check(f + ": statusDescription", b.get("statusDescription") == "200 OK", b.get("statusDescription"))
    # Cookies and repeated headers in the event's own shape.
    if "cookies" in shape:
        check(f + ": v2 cookies", b["cookies"] == ["echo=1; Path=/", "seen=yes; Max-Age=60"], b.get("cookies"))
        check(f + ": v2 joined header", b["headers"].get("X-Multi") == "a, b", b["headers"])
    elif "multiValueHeaders" in shape:
        mh = b["multiValueHeaders"]
        check(f + ": Set-Cookie in multiValueHeaders", mh.get("Set-Cookie") == ["echo=1; Path=/", "seen=yes; Max-Age=60"], mh)
        check(f + ": repeated header in multiValueHeaders", mh.get("X-Multi") == ["a", "b"], mh)
    else:
        check(f + ": single-value ALB headers", b["headers"].get("Set-Cookie") == "echo=1; Path=/" and
              b["headers"].get("Content-Type") == "application/json", b["headers"])
    e = json.loads(b["body"])
    check(f + ": source " + src, e["source"] == src, e["source"])
    check(f + ": method " + method, e["method"] == method, e["method"])
    check(f + ": path " + path, e["path"] == path, repr(e["path"]))
    check(f + ": query", e["query"] == query, e["query"])
    check(f + ": cookies", e["cookies"] == cookies, e["cookies"])
    if isinstance(body, tuple):
        check(f + ": body length", e["body_len"] == body[1], e["body_len"])
    else:
        check(f + ": body", e.get("body") == body and e["body_len"] == len(body.encode()), repr(e.get("body")))
    check(f + ": request id", e["request_id"] == r["request_id"], e["request_id"])
    check(f + ": trace id in _X_AMZN_TRACE_ID", e["trace_env"] == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", e["trace_env"])
    check(f + ": invoked ARN", e["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:echo-dev:live", e["arn"])
    check(f + ": deadline ahead", e["deadline_past"] is False, e["deadline_past"])
    ua = None
    ev = json.load(open(os.path.join(evdir, f)))
    for k, v in (ev.get("headers") or {}).items():
        if k.lower() == "user-agent": ua = v
    for k, v in (ev.get("multiValueHeaders") or {}).items():
        if k.lower() == "user-agent": ua = ", ".join(v)
    check(f + ": header lookup ignores case", e["user_agent"] == ua, (e["user_agent"], ua))
    check(f + ": log line tagged with request id",
          ("\t%s\tINFO\techo: %s %s" % (r["request_id"], method, path)) in stdout, "not in stdout")
    want_params = [["proxy", path.lstrip("/")]] if path != "/" else []
    check(f + ": {proxy+} parameter", e["params"] == want_params, e["params"])
# The answers against the reference response documents: same keys (ours
# may leave out what the reference shows as optional) and same JSON types.
refdir = os.path.join(os.path.dirname(evdir), "responses")
# reference file: (our answer to this event, keys we may leave out, keys
# we may add: isBase64Encoded is part of the documented REST shape)
REF = {
 "v2-response-cookies.json": ("apigw-v2-get-query-cookies.json", [], []),
 "apigw-v1-response-multivalue-headers.json": ("apigw-v1-rest-get-multivalue.json", [], ["isBase64Encoded"]),
 "alb-response-html.json": ("alb-get-single-value.json", [], []),
 "alb-response-multivalue-set-cookie.json": ("alb-get-multi-value-headers.json", ["headers"], []),
}
for ref, (ev, may_omit, may_add) in sorted(REF.items()):
    want = json.load(open(os.path.join(refdir, ref)))
    ours = got[ev]["body"]
    extra = set(ours) - set(want) - set(may_add)
    missing = set(want) - set(ours) - set(may_omit)
    check("shape of %s like %s" % (ev, ref), not extra and not missing,
          "extra %s, missing %s" % (sorted(extra), sorted(missing)))
    bad = [k for k in set(want) & set(ours) if type(want[k]) != type(ours[k])]
    check("types of %s like %s" % (ev, ref), not bad, bad)
    for k in ("headers", "multiValueHeaders"):
        if k in ours and k in want:
            vt = {type(v) for v in ours[k].values()} | {type(v) for v in want[k].values()}
            check("%s values of %s like %s" % (k, ev, ref), len(vt) == 1, vt)
print("# %d passed, %d failed" % (n_ok, n_bad))
PY
# It ends when the fake API goes away (1) or is stopped (143), not a crash.
t_match "bootstrap survived every sample event" "$BS_STATUS" '^(1|143)$'
t_eq "runtime reconnected after dropped keep-alive connections" \
    "$(wc -l <"$TMP/all")" "$(ls "$EVENTS"/*.json | wc -l)"

# 2. Malformed events: a Lambda error for that request, never a crash or a
# hang; the event after them is still answered.
mk() { printf '%s' "$2" >"$TMP/bad-$1.json"; }
mk 01-not-json 'this is not JSON'
mk 02-truncated '{"version":"2.0","rawPath":"/'
mk 03-rawpath-number '{"version":"2.0","rawPath":5,"requestContext":{"http":{"method":"GET"}}}'
mk 04-method-object '{"version":"2.0","rawPath":"/","requestContext":{"http":{"method":{}}}}'
mk 05-path-null '{"httpMethod":"GET","path":null}'
mk 06-alb-header-number '{"requestContext":{"elb":{}},"httpMethod":"GET","path":"/","headers":{"a":1}}'
mk 07-bad-base64 '{"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"POST"}},"body":"!!*","isBase64Encoded":true}'
mk 08-mv-query-not-array '{"httpMethod":"GET","path":"/","multiValueQueryStringParameters":{"a":"b"}}'
mk 09-cookies-not-array '{"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"}},"cookies":"a=b"}'
mk 10-envelope-no-name '{"czappa":"function"}'
mk 11-envelope-bogus '{"czappa":"bogus"}'
mk 12-resources-empty '{"source":"aws.events","detail-type":"Scheduled Event","resources":[]}'
mk 13-string '"just a string"'
mk 14-null 'null'
mk 15-b64-not-bool '{"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"}},"isBase64Encoded":"yes"}'
mk 16-headers-array '{"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"}},"headers":[]}'
mk 99-valid '{"version":"2.0","rawPath":"/after","requestContext":{"http":{"method":"GET"}}}'
serve "$TMP/bad" "$TMP/echo" -- "$TMP"/bad-*.json
python3 - "$TMP/bad" <<'PY'
import json, sys
want = {
 "bad-01-not-json.json": "Runtime.InvalidEvent", "bad-02-truncated.json": "Runtime.InvalidEvent",
 "bad-03-rawpath-number.json": "Runtime.InvalidEvent", "bad-04-method-object.json": "Runtime.InvalidEvent",
 "bad-05-path-null.json": "Runtime.InvalidEvent", "bad-06-alb-header-number.json": "Runtime.InvalidEvent",
 "bad-07-bad-base64.json": "Runtime.InvalidEvent", "bad-08-mv-query-not-array.json": "Runtime.InvalidEvent",
 "bad-09-cookies-not-array.json": "Runtime.InvalidEvent", "bad-10-envelope-no-name.json": "Runtime.InvalidEvent",
 "bad-11-envelope-bogus.json": "Runtime.InvalidEvent", "bad-12-resources-empty.json": "Runtime.InvalidEvent",
 "bad-13-string.json": "Runtime.UnknownEvent", "bad-14-null.json": "Runtime.UnknownEvent",
 "bad-15-b64-not-bool.json": "Runtime.InvalidEvent", "bad-16-headers-array.json": "Runtime.InvalidEvent",
}
got = {}
for l in open(sys.argv[1]):
    r = json.loads(l); got[r["file"]] = r
for f, t in sorted(want.items()):
    r = got.get(f)
    ok = r is not None and r["kind"] == "error" and r["error_type"] == t and r["body"].get("errorType") == t
    print(("ok - malformed %s: %s" % (f, t)) if ok else ("not ok - malformed %s: %s" % (f, json.dumps(r)[:300])))
r = got.get("bad-99-valid.json")
ok = r is not None and r["kind"] == "response" and json.loads(r["body"]["body"])["path"] == "/after"
print("ok - event after malformed ones answered" if ok else "not ok - event after malformed ones: %s" % json.dumps(r)[:300])
PY

# 3. Crashing handlers: the error is posted for the request before the
# process dies (CZAPPA_NO_RESTART=1), and the crash is logged with the
# request id.  By default the runtime then restarts in place and serves the
# next event.
v2() { printf '{"version":"2.0","rawPath":"%s","rawQueryString":"%s","requestContext":{"http":{"method":"%s"}}}' "$2" "${3:-}" "$1"; }
v2 GET /after/crash >"$TMP/zz-after.json"
for c in "crash Runtime.HandlerCrash SIGSEGV 139" "abort Runtime.HandlerCrash SIGABRT 134" "exit Runtime.ExitError exit() 3"; do
	set -- $c
	v2 GET "/$1" >"$TMP/$1.json"
	CZAPPA_NO_RESTART=1 serve "$TMP/$1" "$TMP/echo" -- "$TMP/$1.json"
	r=$(cat "$TMP/$1")
	t_match "/$1: error $2 posted" "$r" "\"kind\": \"error\", \"error_type\": \"$2\""
	t_match "/$1: message names $3" "$r" "\"errorMessage\": \"RequestId: [0-9a-f-]+ Error: [^\"]*$3"
	t_eq "/$1: with CZAPPA_NO_RESTART the process ends with status $4" "$BS_STATUS" "$4"
	serve "$TMP/$1-restart" "$TMP/echo" -- "$TMP/$1.json" "$TMP/zz-after.json"
	t_match "/$1: restart on: error posted" \
	    "$(sed -n 1p "$TMP/$1-restart")" "\"kind\": \"error\", \"error_type\": \"$2\""
	t_match "/$1: restart on: the restarted runtime answers the next event" \
	    "$(sed -n 2p "$TMP/$1-restart")" "\"kind\": \"response\".*after/crash"
done
t_match "/crash: handler's last line tagged before the crash" \
    "$(cat "$TMP/crash.stdout")" $'^[^\t]+\t[0-9a-f-]+\tINFO\tabout to crash on /crash'
t_match "/crash: crash logged with the request id" \
    "$(cat "$TMP/crash.stderr")" $'\t[0-9a-f-]+\tERROR\tRequestId: [0-9a-f-]+ Error: handler crashed with SIGSEGV'

# 4. Routing, envelopes, keep-warm, binary bodies, a fun-style deadline.
v2 GET /users/42 >"$TMP/r1.json"
v2 GET /bin >"$TMP/r2.json"
printf '{"czappa":"keep-warm"}' >"$TMP/r3.json"
printf '{"czappa":"function","name":"echo","input":{"x":[1,2]}}' >"$TMP/r4.json"
printf '{"czappa":"function","name":"fail","input":1}' >"$TMP/r5.json"
printf '{"czappa":"function","name":"nosuch","input":1}' >"$TMP/r6.json"
printf '{"czappa":"schedule","name":"schedule","input":{"full":true}}' >"$TMP/r7.json"
printf '{"source":"aws.events","detail-type":"Scheduled Event","resources":["arn:aws:events:us-east-1:1:rule/svc-dev-keep-warm"]}' >"$TMP/r8.json"
v2 GET /fail >"$TMP/r9.json"
serve "$TMP/misc" "$TMP/echo" --deadline-ms 5000 -- "$TMP"/r?.json
python3 - "$TMP/misc" <<'PY'
import json, sys, base64
got = {}
for l in open(sys.argv[1]):
    r = json.loads(l); got[r["file"]] = r
def ck(name, cond, r):
    print(("ok - " + name) if cond else ("not ok - %s: %s" % (name, json.dumps(r)[:300])))
r = got.get("r1.json"); b = r and r["body"]
ck("GET /users/{id}: literal route beats {proxy+}, parameter 42", r and b["body"] == "user 42" and b["headers"]["Content-Type"].startswith("text/plain"), r)
r = got.get("r2.json"); b = r and r["body"]
ck("GET /bin: binary body base64 in the answer", r and b["isBase64Encoded"] is True and base64.b64decode(b["body"]) == bytes(range(256)) and b["headers"]["Content-Type"] == "application/octet-stream", r)
r = got.get("r3.json")
ck("keep-warm answered by the runtime", r and r["kind"] == "response" and r["body"] == {"czappa": "keep-warm", "warm": True}, r)
r = got.get("r4.json")
ck("function envelope: named function gets input", r and r["body"] == {"source": "function", "name": "echo", "input": {"x": [1, 2]}}, r)
r = got.get("r5.json")
ck("cz_error: Lambda error with the handler's type", r and r["kind"] == "error" and r["error_type"] == "Function.Failed" and r["body"]["errorMessage"] == "asked to fail (function)", r)
r = got.get("r6.json")
ck("unknown function: Function.NotFound", r and r["error_type"] == "Function.NotFound", r)
r = got.get("r7.json")
ck("schedule envelope: input passed", r and r["body"] == {"source": "schedule", "name": "schedule", "input": {"full": True}}, r)
r = got.get("r8.json")
ck("raw scheduled event of the keep-warm rule answered by the runtime", r and r["body"] == {"czappa": "keep-warm", "warm": True}, r)
r = got.get("r9.json")
ck("cz_error from an HTTP route: Lambda error", r and r["kind"] == "error" and r["error_type"] == "Function.Failed", r)
out = open(sys.argv[1] + ".stdout").read()
ck("keep-warm ran no user code", out.count("echo:") == 0, out[:300])
PY

# 5. The time app: 404, 405 with Allow, tz, unknown tz.
v2 GET /time >"$TMP/t1.json"
v2 GET /nope >"$TMP/t2.json"
v2 POST /time >"$TMP/t3.json"
v2 GET /time tz=Asia/Tokyo >"$TMP/t4.json"
v2 GET /time 'tz=..%2Fetc%2Fpasswd' >"$TMP/t5.json"
v2 HEAD /time >"$TMP/t6.json"
serve "$TMP/out-time" "$TMP/time" -- "$TMP"/t?.json
python3 - "$TMP/out-time" <<'PY'
import json, sys, time
got = {}
for l in open(sys.argv[1]):
    r = json.loads(l); got[r["file"]] = r
def ck(name, cond, r):
    print(("ok - " + name) if cond else ("not ok - %s: %s" % (name, json.dumps(r)[:300])))
b = got["t1.json"]["body"]; e = json.loads(b["body"])
ck("time: GET /time answers the time", b["statusCode"] == 200 and abs(e["epoch"] - time.time()) < 60, b)
b = got["t2.json"]["body"]
ck("time: unknown path is 404", b["statusCode"] == 404 and json.loads(b["body"]) == {"message": "Not Found"}, b)
b = got["t3.json"]["body"]
ck("time: POST /time is 405 with Allow: GET", b["statusCode"] == 405 and b["headers"].get("Allow") == "GET", b)
b = got["t4.json"]["body"]; e = json.loads(b["body"])
ck("time: tz=Asia/Tokyo is +0900 JST", b["statusCode"] == 200 and e["time"].endswith("+0900") and e["abbrev"] == "JST", b)
b = got["t5.json"]["body"]
ck("time: a path as tz is 400", b["statusCode"] == 400, b)
b = got["t6.json"]["body"]
ck("time: HEAD served by the GET route", b["statusCode"] == 200, b)
PY

# 6. JSON logs (AWS_LAMBDA_LOG_FORMAT=JSON).
v2 GET /json-logs >"$TMP/j1.json"
AWS_LAMBDA_LOG_FORMAT=JSON serve "$TMP/jl" "$TMP/echo" -- "$TMP/j1.json"
rid=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["request_id"])' "$TMP/jl")
line=$(grep 'echo: GET' "$TMP/jl.stdout")
t_match "JSON log line with requestId" "$line" "^\{\"timestamp\":\"[0-9T:.-]+Z\",\"level\":\"INFO\",\"requestId\":\"$rid\",\"message\":\"echo: GET /json-logs\"\}$"
t_match "JSON log line on stderr is ERROR" "$(cat "$TMP/jl.stderr")" "\"level\":\"ERROR\",\"requestId\":\"$rid\",\"message\":\"echo: to stderr\""

# 7. Without a Runtime API the bootstrap says so and exits non-zero.
t_run env -u AWS_LAMBDA_RUNTIME_API "$TMP/echo"
t_eq "no AWS_LAMBDA_RUNTIME_API: exit 1" "$RC" "1"
t_match "no AWS_LAMBDA_RUNTIME_API: says why" "$ERR" "AWS_LAMBDA_RUNTIME_API is not set"
port=$(t_free_port)
t_run env AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port timeout 10 "$TMP/echo"
t_eq "Runtime API unreachable: exit 1, no hang" "$RC" "1"

# 8. The other example handlers.
build knn "$ROOT/handlers/knn/knn.c" && build bs "$ROOT/handlers/blackscholes/blackscholes.c" &&
    build cleanup "$ROOT/handlers/cleanup/cleanup.c" || { t_done; exit 1; }
v2 GET /predict 'feature_1=5.2&feature_2=4.9' >"$TMP/k1.json"
v2 GET /predict 'feature_1=0.8&feature_2=6.3' >"$TMP/k2.json"
v2 GET /predict 'feature_1=abc' >"$TMP/k3.json"
LAMBDA_TASK_ROOT=$ROOT/handlers/knn serve "$TMP/out-knn" "$TMP/knn" -- "$TMP"/k?.json
LAMBDA_TASK_ROOT=$TMP/nowhere serve "$TMP/out-knn-init" "$TMP/knn" -- "$TMP/k1.json"
printf '{"czappa":"function","name":"price","input":{"S":100,"K":100,"T":1,"r":0.05,"sigma":0.2}}' >"$TMP/b1.json"
printf '{"S":100,"K":100,"T":1,"r":0.05,"sigma":0.2,"type":"put"}' >"$TMP/b2.json"
printf '{"S":"x"}' >"$TMP/b3.json"
serve "$TMP/out-bs" "$TMP/bs" -- "$TMP"/b?.json
mkdir -p "$TMP/cache"
touch -d '2 days ago' "$TMP/cache/old.bin"
touch "$TMP/cache/new.bin"
printf '{"czappa":"schedule","name":"cleanup","input":{"dir":"%s","max_age_seconds":3600}}' "$TMP/cache" >"$TMP/c1.json"
serve "$TMP/out-cleanup" "$TMP/cleanup" -- "$TMP/c1.json"
python3 - "$TMP" <<'PY'
import json, sys, os
d = sys.argv[1]
def load(n):
    got = {}
    for l in open(os.path.join(d, n)):
        r = json.loads(l); got[r["file"]] = r
    return got
def ck(name, cond, r):
    print(("ok - " + name) if cond else ("not ok - %s: %s" % (name, json.dumps(r)[:300])))
g = load("out-knn")
e = json.loads(g["k1.json"]["body"]["body"])
ck("knn: (5.2, 4.9) is blob b by 5 votes", e["blob"] == "b" and e["k"] == 5 and len(e["neighbours"]) == 5, e)
e = json.loads(g["k2.json"]["body"]["body"])
ck("knn: (0.8, 6.3) is blob c", e["blob"] == "c", e)
ck("knn: bad feature is 400", g["k3.json"]["body"]["statusCode"] == 400, g["k3.json"])
g = load("out-knn-init")
r = g.get(None)
ck("knn: missing model posts /init/error Runtime.ModelMissing", r and r["kind"] == "init-error" and r["error_type"] == "Runtime.ModelMissing" and "model.csv" in r["body"]["errorMessage"], r)
g = load("out-bs")
b = g["b1.json"]["body"]
ck("blackscholes: call S=K=100 T=1 r=5% sigma=20% is 10.4506", g["b1.json"]["kind"] == "response" and abs(b["price"] - 10.4506) < 1e-3 and abs(b["delta"] - 0.6368) < 1e-3, b)
b = g["b2.json"]["body"]
ck("blackscholes: raw event to the only function, put is 5.5735", b.get("type") == "put" and abs(b["price"] - 5.5735) < 1e-3, b)
r = g["b3.json"]
ck("blackscholes: bad input is Function.BadInput", r["kind"] == "error" and r["error_type"] == "Function.BadInput", r)
g = load("out-cleanup")
b = g["c1.json"]["body"]
ck("cleanup: removes only the old file", b["removed"] == ["old.bin"] and not os.path.exists(os.path.join(d, "cache/old.bin")) and os.path.exists(os.path.join(d, "cache/new.bin")), b)
PY

t_done
