#!/usr/bin/env bash
# faultproxy.sh: tests of tests/lib/faultproxy.py itself, the proxy every
# fault test puts between czappa and moto.  Real clients (boto3 with retries
# off, curl --aws-sigv4) talk to a private moto through it; we check that it
# is transparent when no rule applies, that each action gives exactly the
# status, code and body the service would, that rule counters work, that
# patch_json fakes Lambda's Pending state, and that the log counts calls and
# bytes.  Most checks run in one Python process (boto3 is slow to import);
# its "ok"/"not ok" lines are relayed through t_ok/t_fail.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"

moto_start S3_UPLOAD_PART_MIN_SIZE=1024
RULES=$TMP/rules.json
echo '[]' >"$RULES"
if ! proxy_start "$RULES"; then
	t_fail "proxy starts" "$(cat "$TMP/proxy.err")"
	t_done
	exit 1
fi
t_match "proxy listens on a loopback port" "$PROXY_URL" \
    '^http://127\.0\.0\.1:[0-9]+$'
t_eq "health endpoint" "$(curl -sf "$PROXY_URL/__proxy/health")" ok

# --- curl as the client -------------------------------------------------

# Two requests in one curl run: the proxy keeps the connection (moto itself
# answers Connection: close) and logs both on one connection.
proxy_log_reset
curl -s -D "$TMP/h" -o /dev/null -o /dev/null "$PROXY_URL/moto-api/config" \
    "$PROXY_URL/moto-api/config"
t_nomatch "no Connection: close passed on from moto" \
    "$(tr -d '\r' <"$TMP/h" | tr A-Z a-z)" '^connection: *close'
t_eq "keep-alive: two requests on one client connection" \
    "$(proxy_log | python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin]
print([(e["conn"] == es[0]["conn"], e["conn_req"]) for e in es])')" \
    "[(True, 1), (True, 2)]"

sigv4() {	# sigv4 SERVICE CURL-ARGS...: a SigV4-signed curl to the proxy
	local svc=$1
	shift
	curl -s --aws-sigv4 "aws:amz:us-east-1:$svc" \
	    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$@"
}
proxy_rules - <<'EOF'
[{"service": "sts", "operation": "GetCallerIdentity", "times": 1,
  "action": "throttle"}]
EOF
form=(-H 'Content-Type: application/x-www-form-urlencoded'
    -d 'Action=GetCallerIdentity&Version=2011-06-15')
OUT=$(sigv4 sts -w '\n%{http_code}' "${form[@]}" "$PROXY_URL/")
t_match "curl: sts throttled with query XML Throttling 400" "$OUT" \
    '<ErrorResponse xmlns="https://sts\.amazonaws\.com/doc/2011-06-15/">'
t_match "curl: sts throttle code and status" "$(echo "$OUT" | tr -d '\n ')" \
    '<Type>Sender</Type><Code>Throttling</Code><Message>Rateexceeded</Message>'\
'.*</ErrorResponse>400$'
OUT=$(sigv4 sts -w '\n%{http_code}' "${form[@]}" "$PROXY_URL/")
t_match "curl: times 1 spent, the next call reaches moto" \
    "$(echo "$OUT" | tr -d '\n')" \
    '<Arn>arn:aws:sts::123456789012:user/moto</Arn>.*200$'
t_eq "proxy_count counts by service and operation" \
    "$(proxy_count sts GetCallerIdentity)" 2
t_eq "proxy_log filters by operation" \
    "$(proxy_log sts GetCallerIdentity | grep -c '"action": "throttle"')" 1
OUT=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '[{"action":"nope"}]' \
    "$PROXY_URL/__proxy/rules")
t_eq "an invalid rule set is refused" "$OUT" 400
# the recipes in docs/testing.md must be a valid rule set
sed -n '/^### 3.4/,/^### 3.5/p' "$ROOT/docs/testing.md" |
    sed -n '/^```json$/,/^```$/p' | sed '1d;$d' >"$TMP/recipes.json"
OUT=$(proxy_rules "$TMP/recipes.json" 2>&1)
t_eq "the recipes in docs/testing.md are accepted" "$?:$OUT" "0:"
t_eq "the recipes hold 9 rules" "$(curl -s "$PROXY_URL/__proxy/rules" |
    python3 -c 'import json,sys;print(len(json.load(sys.stdin)["rules"]))')" 9
proxy_rules /dev/null
t_eq "proxy_rules with an empty file clears the rules" "$?" 0

# --- boto3 as the client ------------------------------------------------

cat >"$TMP/driver.py" <<'PY'
import hashlib, http.client, io, json, os, socket, subprocess, sys, threading
import time, urllib.request, zipfile
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3, botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests", "lib"))
import faultproxy

PROXY = os.environ["PROXY_URL"]
MOTO = os.environ["PROXY_UPSTREAM"]
RULES = os.environ["RULES"]
ACC = "123456789012"
failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("ok - %s" % name, flush=True)
    else:
        failed += 1
        print("not ok - %s: %s" % (name, why), flush=True)


def eq(name, got, want):
    check(name, got == want, "got %r want %r" % (got, want))


def ctl(path, data=None):
    r = urllib.request.urlopen(urllib.request.Request(
        PROXY + "/__proxy/" + path, data=data,
        method="POST" if data is not None else "GET"), timeout=10)
    return r.read().decode()


def rules(doc):
    ctl("rules", json.dumps(doc).encode())


def log():
    return [json.loads(l) for l in ctl("log").splitlines()]


def reset_log():
    ctl("reset-log", b"")


def wait_log(pred, limit=5.0):
    """The first log entry for which pred is true, waiting at most limit
    seconds (a delayed request is logged when its answer goes out)."""
    end = time.monotonic() + limit
    for _ in range(int(limit * 20)):
        for e in log():
            if pred(e):
                return e
        if time.monotonic() > end:
            break
        time.sleep(0.05)
    return None


def client(svc, endpoint=PROXY, **cfg):
    # total_max_attempts 1: no retry at all ("max_attempts": 1 means one retry)
    c = dict(retries={"total_max_attempts": 1, "mode": "standard"},
             connect_timeout=5, read_timeout=20,
             s3={"addressing_style": "path"})
    c.update(cfg)
    return boto3.client(svc, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(**c))


C = {s: client(s) for s in ("lambda", "s3", "iam", "sts", "events", "logs",
                            "apigatewayv2", "apigateway")}


def call(svc, method, **kw):
    """(ok, result or ClientError/other exception)"""
    try:
        return True, getattr(C[svc], method)(**kw)
    except Exception as e:       # the exception is the result under test
        return False, e


def err(e):
    if isinstance(e, ClientError):
        return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                e.response["Error"]["Code"])
    return type(e).__name__


def raw(svc, method, path, body=b"", headers=None):
    """A SigV4-signed request to the proxy: (status, headers, body)."""
    url = PROXY + path
    req = AWSRequest(method=method, url=url, data=body,
                     headers=dict(headers or {}))
    SigV4Auth(Credentials("testing", "testing"), svc,
              "us-east-1").add_auth(req)
    c = http.client.HTTPConnection("127.0.0.1", int(PROXY.rsplit(":", 1)[1]),
                                   timeout=20)
    c.request(method, path, body=body or None, headers=dict(req.headers))
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


# ---- set up a small stage through the proxy, no rules -----------------------
rules([])
reset_log()
ZIPBUF = io.BytesIO()
with zipfile.ZipFile(ZIPBUF, "w") as z:
    z.writestr("bootstrap", "#!/bin/sh\nexit 0\n")
ZIP = ZIPBUF.getvalue()
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
ROLE = "arn:aws:iam::%s:role/fp-role" % ACC
OBJ = bytes(range(256)) * 391 + b"tail"        # 100100 bytes
setup = [
    ("sts", "get_caller_identity", {}),
    ("s3", "create_bucket", {"Bucket": "fp-bkt"}),
    ("s3", "put_object", {"Bucket": "fp-bkt", "Key": "a/b.zip", "Body": OBJ}),
    ("iam", "create_role", {"RoleName": "fp-role",
                            "AssumeRolePolicyDocument": TRUST}),
    ("iam", "attach_role_policy", {
        "RoleName": "fp-role", "PolicyArn": "arn:aws:iam::aws:policy/"
        "service-role/AWSLambdaBasicExecutionRole"}),
    ("lambda", "create_function", {
        "FunctionName": "fp-fn", "Runtime": "provided.al2023",
        "Handler": "bootstrap", "Role": ROLE, "Code": {"ZipFile": ZIP}}),
    ("events", "put_rule", {"Name": "fp-rule",
                            "ScheduleExpression": "rate(4 minutes)"}),
    ("logs", "create_log_group", {"logGroupName": "/aws/lambda/fp-fn"}),
    ("apigatewayv2", "create_api", {"Name": "fp-api",
                                    "ProtocolType": "HTTP"}),
    ("apigateway", "create_rest_api", {"name": "fp-rest"}),
]
out = {}
for svc, m, kw in setup:
    ok, r = call(svc, m, **kw)
    check("transparent: %s %s" % (svc, m), ok, repr(r))
    out[m] = r
API = out["create_api"]["ApiId"]
REST = out["create_rest_api"]["id"]
got = [(e["service"], e["operation"]) for e in log()]
want = [(s, C[s].meta.method_to_api_mapping[m]) for s, m, _ in setup]
eq("log names the service and operation of each setup call", got, want)

# ---- identification of every call czappa makes ------------------------------
ok, mpu = call("s3", "create_multipart_upload", Bucket="fp-bkt", Key="mp")
UPLOAD = mpu["UploadId"]
VER = None
cases = [
    ("lambda", "get_function", {"FunctionName": "fp-fn"}),
    ("lambda", "get_function_configuration", {"FunctionName": "fp-fn"}),
    ("lambda", "update_function_code", {"FunctionName": "fp-fn",
                                        "ZipFile": ZIP}),
    ("lambda", "update_function_configuration", {"FunctionName": "fp-fn",
                                                 "MemorySize": 256}),
    ("lambda", "publish_version", {"FunctionName": "fp-fn"}),
    ("lambda", "list_versions_by_function", {"FunctionName": "fp-fn"}),
    ("lambda", "create_alias", {"FunctionName": "fp-fn", "Name": "live",
                                "FunctionVersion": "1"}),
    ("lambda", "update_alias", {"FunctionName": "fp-fn", "Name": "live",
                                "FunctionVersion": "1"}),
    ("lambda", "get_alias", {"FunctionName": "fp-fn", "Name": "live"}),
    ("lambda", "add_permission", {
        "FunctionName": "fp-fn", "StatementId": "apigw",
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com"}),
    ("lambda", "get_policy", {"FunctionName": "fp-fn"}),
    ("lambda", "remove_permission", {"FunctionName": "fp-fn",
                                     "StatementId": "apigw"}),
    ("lambda", "invoke", {"FunctionName": "fp-fn", "Payload": b'{"x":2}'}),
    ("lambda", "tag_resource", {
        "Resource": "arn:aws:lambda:us-east-1:%s:function:fp-fn" % ACC,
        "Tags": {"czappa:stage": "dev"}}),
    ("lambda", "list_tags", {
        "Resource": "arn:aws:lambda:us-east-1:%s:function:fp-fn" % ACC}),
    ("lambda", "list_functions", {}),
    ("s3", "head_object", {"Bucket": "fp-bkt", "Key": "a/b.zip"}),
    ("s3", "get_object", {"Bucket": "fp-bkt", "Key": "a/b.zip"}),
    ("s3", "head_bucket", {"Bucket": "fp-bkt"}),
    ("s3", "list_objects_v2", {"Bucket": "fp-bkt", "Prefix": "a/"}),
    ("s3", "put_bucket_tagging", {"Bucket": "fp-bkt", "Tagging": {
        "TagSet": [{"Key": "czappa", "Value": "1"}]}}),
    ("s3", "get_bucket_tagging", {"Bucket": "fp-bkt"}),
    ("s3", "upload_part", {"Bucket": "fp-bkt", "Key": "mp", "PartNumber": 1,
                           "UploadId": UPLOAD, "Body": b"p" * 1100}),
    ("s3", "list_multipart_uploads", {"Bucket": "fp-bkt"}),
    ("s3", "abort_multipart_upload", {"Bucket": "fp-bkt", "Key": "mp",
                                      "UploadId": UPLOAD}),
    ("iam", "get_role", {"RoleName": "fp-role"}),
    ("events", "put_targets", {"Rule": "fp-rule", "Targets": [
        {"Id": "czappa", "Arn": "arn:aws:lambda:us-east-1:%s:function:fp-fn"
         % ACC, "Input": "{}"}]}),
    ("events", "list_targets_by_rule", {"Rule": "fp-rule"}),
    ("logs", "put_retention_policy", {"logGroupName": "/aws/lambda/fp-fn",
                                      "retentionInDays": 14}),
    ("logs", "describe_log_groups", {"logGroupNamePrefix": "/aws/lambda/"}),
    ("apigatewayv2", "get_apis", {}),
    ("apigatewayv2", "get_api", {"ApiId": API}),
    ("apigatewayv2", "create_stage", {"ApiId": API,
                                      "StageName": "$default"}),
    ("apigatewayv2", "get_stages", {"ApiId": API}),
    ("apigateway", "get_resources", {"restApiId": REST}),
    ("apigateway", "get_rest_apis", {}),
]
for svc, m, kw in cases:
    reset_log()
    ok, r = call(svc, m, **kw)
    op = C[svc].meta.method_to_api_mapping[m]
    es = log()
    got = [(e["service"], e["operation"], e["status"]) for e in es]
    want = [(svc, op, r["ResponseMetadata"]["HTTPStatusCode"] if ok
             else None)]
    check("identify %s.%s as %s" % (svc, m, op), ok and got == want,
          "call ok=%s %r; log %r" % (ok, r if not ok else "", got))

# the built-in table agrees with botocore's models wherever both exist
with_models = faultproxy.Catalog(faultproxy.botocore_data_dir())
without = faultproxy.Catalog(None)
n = bad = 0
for svc, ops in without.fallback.items():
    byname = {o.name: o for o in with_models._load(svc)[1]}
    for o in ops:
        n += 1
        m = byname.get(o.name)
        if m is None or (m.method, m.uri, sorted(m.req_query),
                         sorted(m.req_headers)) != (
                o.method, o.uri, sorted(o.req_query), sorted(o.req_headers)):
            bad += 1
            print("# fallback differs: %s %s" % (svc, o.name))
check("built-in operation table matches botocore's models (%d ops)" % n,
      bad == 0 and n > 80, "%d differ" % bad)
samples = [
    ("lambda", "GET", "/2015-03-31/functions/f/configuration?Qualifier=live",
     "GetFunctionConfiguration"),
    ("lambda", "PUT", "/2015-03-31/functions/f/code", "UpdateFunctionCode"),
    ("lambda", "DELETE", "/2015-03-31/functions/f/policy/sid",
     "RemovePermission"),
    ("lambda", "GET", "/2015-03-31/functions/", "ListFunctions"),
    ("s3", "PUT", "/b/k/x.zip?partNumber=2&uploadId=u", "UploadPart"),
    ("s3", "PUT", "/b/k/x.zip", "PutObject"),
    ("s3", "POST", "/b/k?uploads", "CreateMultipartUpload"),
    ("s3", "POST", "/b/k?uploadId=u", "CompleteMultipartUpload"),
    ("s3", "GET", "/b?list-type=2", "ListObjectsV2"),
    ("s3", "GET", "/b", "ListObjects"),
    ("s3", "POST", "/b?delete", "DeleteObjects"),
    ("s3", "GET", "/", "ListBuckets"),
    ("apigateway", "PATCH", "/v2/apis/a/integrations/i", "UpdateIntegration"),
    ("apigateway", "PUT", "/restapis/r/resources/x/methods/ANY",
     "PutMethod"),
]
for svc, method, target, op in samples:
    for name, cat in (("models", with_models), ("built-in", without)):
        req = faultproxy.Request(method, target, {
            "authorization": "AWS4-HMAC-SHA256 Credential=AK/20260101/"
            "us-east-1/%s/aws4_request, SignedHeaders=host" % svc}, b"")
        faultproxy.identify(cat, req)
        eq("classify %s %s (%s)" % (method, target, name), req.operation, op)

# ---- throttle: the service's own error, in its own protocol -----------------
throttles = [
    ("lambda", "get_function", {"FunctionName": "fp-fn"}, 429,
     "TooManyRequestsException"),
    ("lambda", "update_function_code", {"FunctionName": "fp-fn",
                                        "ZipFile": ZIP}, 429,
     "TooManyRequestsException"),
    ("apigatewayv2", "get_apis", {}, 429, "TooManyRequestsException"),
    ("apigateway", "get_rest_apis", {}, 429, "TooManyRequestsException"),
    ("events", "list_rules", {}, 400, "ThrottlingException"),
    ("logs", "describe_log_groups", {}, 400, "ThrottlingException"),
    ("iam", "list_roles", {}, 400, "Throttling"),
    ("sts", "get_caller_identity", {}, 400, "Throttling"),
    ("s3", "put_object", {"Bucket": "fp-bkt", "Key": "t", "Body": b"x"},
     503, "SlowDown"),
    ("s3", "list_objects_v2", {"Bucket": "fp-bkt"}, 503, "SlowDown"),
    ("s3", "head_object", {"Bucket": "fp-bkt", "Key": "a/b.zip"}, 503,
     "503"),          # a HEAD answer has no body, so botocore sees the status
]
for svc, m, kw, st, code in throttles:
    op = C[svc].meta.method_to_api_mapping[m]
    rules([{"service": svc, "operation": op, "times": 1,
            "action": "throttle"}])
    ok, r = call(svc, m, **kw)
    eq("throttle %s %s -> %d %s" % (svc, op, st, code), err(r), (st, code))
    ok, r = call(svc, m, **kw)
    check("throttle %s %s: times 1, then through" % (svc, op), ok, repr(r))

# the exact bytes, per protocol
rules([{"action": "throttle"}])
st, h, b = raw("lambda", "GET", "/2015-03-31/functions/fp-fn")
eq("lambda throttle: status and X-Amzn-ErrorType",
   (st, h.get("x-amzn-errortype"), h.get("content-type")),
   (429, "TooManyRequestsException", "application/json"))
eq("lambda throttle: body", json.loads(b), {
    "Type": "User", "message": "Rate exceeded",
    "Reason": "CallerRateLimitExceeded"})
st, h, b = raw("events", "POST", "/", b"{}", {
    "X-Amz-Target": "AWSEvents.ListRules",
    "Content-Type": "application/x-amz-json-1.1"})
eq("events throttle: json 1.1 __type body", (st, h.get("content-type"),
   json.loads(b)), (400, "application/x-amz-json-1.1",
                    {"__type": "ThrottlingException",
                     "message": "Rate exceeded"}))
st, h, b = raw("iam", "POST", "/", b"Action=ListRoles&Version=2010-05-08", {
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
x = ET.fromstring(b)
ns = "{https://iam.amazonaws.com/doc/2010-05-08/}"
eq("iam throttle: ErrorResponse XML", (st, x.tag, x.findtext(
    ns + "Error/" + ns + "Type"), x.findtext(ns + "Error/" + ns + "Code"),
    bool(x.findtext(ns + "RequestId"))),
   (400, ns + "ErrorResponse", "Sender", "Throttling", True))
st, h, b = raw("s3", "PUT", "/fp-bkt/x", b"data", {
    "Content-Type": "application/octet-stream"})
x = ET.fromstring(b)
eq("s3 throttle: Error XML and request id headers", (
    st, x.tag, x.findtext("Code"), x.findtext("Message"),
    bool(h.get("x-amz-request-id")), h.get("content-type")),
   (503, "Error", "SlowDown", "Please reduce your request rate.", True,
    "application/xml"))

# ---- status: 5xx in the service's protocol ----------------------------------
statuses = [
    ("lambda", "get_function", {"FunctionName": "fp-fn"}, 500,
     "ServiceException"),
    ("lambda", "get_function", {"FunctionName": "fp-fn"}, 502,
     "BadGateway"),
    ("lambda", "get_function", {"FunctionName": "fp-fn"}, 503,
     "ServiceUnavailable"),
    ("events", "list_rules", {}, 500, "InternalFailure"),
    ("logs", "describe_log_groups", {}, 503, "ServiceUnavailable"),
    ("iam", "get_role", {"RoleName": "fp-role"}, 500, "ServiceFailure"),
    ("sts", "get_caller_identity", {}, 503, "ServiceUnavailable"),
    ("s3", "get_object", {"Bucket": "fp-bkt", "Key": "a/b.zip"}, 500,
     "InternalError"),
    ("s3", "put_object", {"Bucket": "fp-bkt", "Key": "y", "Body": b"y"},
     503, "ServiceUnavailable"),
    ("apigatewayv2", "get_apis", {}, 502, "BadGateway"),
]
for svc, m, kw, st, code in statuses:
    op = C[svc].meta.method_to_api_mapping[m]
    rules([{"service": svc, "times": 1, "action": "status", "status": st}])
    ok, r = call(svc, m, **kw)
    eq("status %d on %s %s -> %s" % (st, svc, op, code), err(r), (st, code))
rules([{"service": "lambda", "action": "status", "status": 503,
        "code": "ServiceUnavailableException",
        "message": "try ${FunctionName}"}])
ok, r = call("lambda", "get_function", FunctionName="fp-fn")
eq("status with its own code and templated message",
   (err(r), r.response["Error"]["Message"] if not ok else None),
   ((503, "ServiceUnavailableException"), "try fp-fn"))

# ---- reset_before / close_before: never reaches moto ------------------------
for action in ("reset_before", "close_before"):
    grp = "/fp/%s" % action
    rules([{"service": "logs", "operation": "CreateLogGroup", "times": 1,
            "action": action}])
    reset_log()
    ok, r = call("logs", "create_log_group", logGroupName=grp)
    eq("%s: botocore sees the connection end" % action, err(r),
       "ConnectionClosedError")
    e = log()[-1]
    eq("%s: logged with no status and no upstream call" % action,
       (e["action"], e["status"], e["upstream_status"]),
       (action, None, None))
    ok, r = call("logs", "describe_log_groups", logGroupNamePrefix=grp)
    eq("%s: moto never saw the request" % action,
       [g["logGroupName"] for g in r["logGroups"]], [])

# ---- reset_mid: moto did it, the client got half an answer ------------------
rules([{"service": "logs", "operation": "CreateLogGroup", "times": 1,
        "action": "reset_mid"}])
ok, r = call("logs", "create_log_group", logGroupName="/fp/mid")
check("reset_mid: botocore fails the call", not ok, repr(r))
ok, r = call("logs", "describe_log_groups", logGroupNamePrefix="/fp/mid")
eq("reset_mid: the request did reach moto",
   [g["logGroupName"] for g in r["logGroups"]], ["/fp/mid"])
rules([{"service": "lambda", "operation": "GetFunction",
        "action": "reset_mid"}])
req = AWSRequest(method="GET", url=PROXY + "/2015-03-31/functions/fp-fn")
SigV4Auth(Credentials("testing", "testing"), "lambda",
          "us-east-1").add_auth(req)
s = socket.create_connection(("127.0.0.1", int(PROXY.rsplit(":", 1)[1])),
                             timeout=10)
s.sendall(("GET /2015-03-31/functions/fp-fn HTTP/1.1\r\nHost: %s\r\n" %
           PROXY.split("//")[1] + "".join(
    "%s: %s\r\n" % kv for kv in req.headers.items()) + "\r\n").encode())
data, why = b"", None
for _ in range(1000):
    try:
        chunk = s.recv(65536)
    except OSError as e:
        why = type(e).__name__
        break
    if not chunk:
        why = "EOF"
        break
    data += chunk
s.close()
head, _, body = data.partition(b"\r\n\r\n")
clen = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
        if l.lower().startswith(b"content-length:")]
eq("reset_mid: full head, half the body, then RST",
   (head.split(b"\r\n")[0], len(clen) == 1 and len(body) == clen[0] // 2,
    why), (b"HTTP/1.1 200 OK", True, "ConnectionResetError"))
e = log()[-1]
eq("reset_mid: log has the bytes really sent",
   (e["action"], e["bytes_out"]), ("reset_mid", len(body)))

# ---- delay ------------------------------------------------------------------
rules([{"service": "lambda", "operation": "GetFunction", "times": 1,
        "action": "delay", "ms": 1500}])
impatient = client("lambda", read_timeout=0.5)
t0 = time.monotonic()
try:
    impatient.get_function(FunctionName="fp-fn")
    r = None
except Exception as e:
    r = e
dt = time.monotonic() - t0
eq("delay 1500 ms beats a 0.5 s read timeout", type(r).__name__,
   "ReadTimeoutError")
check("delay: the client gave up after about 0.5 s", 0.4 < dt < 1.4,
      "%.2f s" % dt)
e = wait_log(lambda e: e["action"] == "delay" and
             e["operation"] == "GetFunction")
check("delay: the late request is logged once its (unread) answer is sent",
      e is not None and e["ms"] >= 1500 and e["upstream_status"] == 200,
      repr(e))
reset_log()
rules([{"service": "lambda", "operation": "GetFunction", "times": 1,
        "action": "delay", "ms": 400}])
t0 = time.monotonic()
ok, r = call("lambda", "get_function", FunctionName="fp-fn")
dt = time.monotonic() - t0
check("delay 400 ms: a patient client succeeds after >= 0.4 s",
      ok and dt >= 0.4, "ok=%s %.2f s" % (ok, dt))
rules([{"service": "logs", "operation": "CreateLogGroup", "times": 1,
        "action": "delay", "ms": 1500, "when": "after"}])
try:
    client("logs", read_timeout=0.5).create_log_group(
        logGroupName="/fp/late")
    r = None
except Exception as e:
    r = e
eq("delay when=after: the client times out", type(r).__name__,
   "ReadTimeoutError")
ok, r = call("logs", "describe_log_groups", logGroupNamePrefix="/fp/late")
eq("delay when=after: but moto did the work",
   [g["logGroupName"] for g in r["logGroups"]], ["/fp/late"])
check("delay when=after: logged when the late answer went out",
      wait_log(lambda e: e["action"] == "delay" and
               e["operation"] == "CreateLogGroup") is not None, "no entry")
reset_log()

# ---- respond / error: what moto lacks ---------------------------------------
IAM_MSG = "The role defined for the function cannot be assumed by Lambda."
rules([{"service": "lambda", "operation": "CreateFunction", "times": 2,
        "action": "respond", "status": 400,
        "headers": {"X-Amzn-ErrorType": "InvalidParameterValueException"},
        "body": {"Type": "User", "message": IAM_MSG}}])
fn2 = {"FunctionName": "fp-fn2", "Runtime": "provided.al2023",
       "Handler": "bootstrap", "Role": ROLE, "Code": {"ZipFile": ZIP}}
for i in (1, 2):
    ok, r = call("lambda", "create_function", **fn2)
    eq("IAM propagation error, create %d" % i,
       (err(r), r.response["Error"]["Message"] if not ok else None),
       ((400, "InvalidParameterValueException"), IAM_MSG))
ok, r = call("lambda", "get_function", FunctionName="fp-fn2")
eq("scripted answers never reached moto", err(r),
   (404, "ResourceNotFoundException"))
ok, r = call("lambda", "create_function", **fn2)
check("the third create goes through", ok and r["FunctionName"] == "fp-fn2",
      repr(r))
rules([{"service": "lambda", "operation": "UpdateFunctionConfiguration",
        "times": 1, "action": "error", "status": 409,
        "code": "ResourceConflictException",
        "message": "The operation cannot be performed at this time. An "
        "update is in progress for resource: arn:aws:lambda:${region}:"
        "123456789012:function:${FunctionName}"}])
ok, r = call("lambda", "update_function_configuration", FunctionName="fp-fn",
             Timeout=20)
eq("ResourceConflictException 409 during an update",
   (err(r), r.response["Error"]["Message"] if not ok else None),
   ((409, "ResourceConflictException"), "The operation cannot be performed"
    " at this time. An update is in progress for resource: arn:aws:lambda:"
    "us-east-1:123456789012:function:fp-fn"))
ok, r = call("lambda", "update_function_configuration", FunctionName="fp-fn",
             Timeout=20)
check("the retried update goes through", ok, repr(r))

# ---- patch_json: Lambda's Pending / InProgress ------------------------------
rules([])
plain = C["lambda"].get_function_configuration(FunctionName="fp-fn")
rules([{"service": "lambda", "operation": "GetFunctionConfiguration",
        "times": 2, "action": "patch_json",
        "patch": {"State": "Pending", "StateReason": "Creating",
                  "LastUpdateStatus": "InProgress", "Description": None}}])
seen = []
for i in range(3):
    r = C["lambda"].get_function_configuration(FunctionName="fp-fn")
    seen.append((r["State"], r["LastUpdateStatus"], "Description" in r))
eq("patch_json: Pending/InProgress twice, then moto's own answer", seen,
   [("Pending", "InProgress", False)] * 2 + [("Active", "Successful",
                                              True)])
rules([{"service": "lambda", "operation": "GetFunctionConfiguration",
        "times": 1, "action": "patch_json", "patch": {"State": "Pending"}}])
r = C["lambda"].get_function_configuration(FunctionName="fp-fn")
strip = lambda d: {k: v for k, v in d.items()
                   if k not in ("State", "ResponseMetadata")}
eq("patch_json keeps every other field", strip(r), strip(plain))
rules([{"service": "lambda", "operation": "GetFunctionConfiguration",
        "times": 2, "action": "patch_json",
        "patch": {"Description": "poll ${n} of ${FunctionName}"}}])
eq("patch_json templates: ${n} counts the firings",
   [C["lambda"].get_function_configuration(FunctionName="fp-fn").get(
       "Description") for _ in range(2)],
   ["poll 1 of fp-fn", "poll 2 of fp-fn"])
rules([{"service": "lambda", "operation": "GetFunction", "times": 3,
        "action": "patch_json",
        "patch": {"Configuration": {"State": "Pending"}}}])
reset_log()
t0 = time.monotonic()
C["lambda"].get_waiter("function_active_v2").wait(
    FunctionName="fp-fn", WaiterConfig={"Delay": 0.1, "MaxAttempts": 10})
eq("boto3's function_active_v2 waiter polls until the 4th GetFunction",
   [(e["operation"], e["action"]) for e in log()],
   [("GetFunction", "patch_json")] * 3 + [("GetFunction", None)])
rules([{"service": "lambda", "operation": "GetFunction",
        "action": "patch_json", "patch": {"State": "Pending"}}])
ok, r = call("lambda", "get_function", FunctionName="nope")
eq("patch_json leaves errors alone", err(r),
   (404, "ResourceNotFoundException"))
eq("patch_json on an error is logged as skipped", log()[-1]["action"],
   "patch_json:not_2xx")

# ---- counters ---------------------------------------------------------------
def pattern(doc, n):
    rules(doc)
    p = ""
    for _ in range(n):
        ok, r = call("sts", "get_caller_identity")
        p += "o" if ok else {(400, "Throttling"): "T",
                             (503, "ServiceUnavailable"): "U"}.get(err(r), "?")
    return p


T = {"service": "sts", "action": "throttle"}
eq("times 2", pattern([dict(T, times=2)], 4), "TToo")
eq("skip 1, times 1", pattern([dict(T, skip=1, times=1)], 4), "oToo")
eq("every 3", pattern([dict(T, every=3)], 7), "ooTooTo")
eq("every 2, times 2", pattern([dict(T, every=2, times=2)], 7), "oToTooo")
eq("first rule spent, the next applies",
   pattern([dict(T, times=1), {"service": "sts", "times": 1,
                               "action": "status", "status": 503}], 3),
   "TUo")
eq("other operations and services are not touched",
   pattern([{"service": "sts", "operation": "AssumeRole",
             "action": "throttle"}, {"service": "iam",
                                     "action": "throttle"}], 2), "oo")
eq("pass shields later rules", pattern([{"service": "sts", "times": 1,
                                         "action": "pass"}, T], 2), "oT")
p1 = pattern({"seed": 7, "rules": [dict(T, probability=0.5)]}, 24)
p2 = pattern({"seed": 7, "rules": [dict(T, probability=0.5)]}, 24)
p3 = pattern({"seed": 8, "rules": [dict(T, probability=0.5)]}, 24)
check("probability 0.5 with a seed repeats exactly", p1 == p2 and
      "T" in p1 and "o" in p1, "%s vs %s" % (p1, p2))
check("another seed gives another pattern", p1 != p3, p3)
eq("probability 0 never, 1 always",
   pattern([dict(T, probability=0)], 3) + pattern(
       [dict(T, probability=1)], 3), "oooTTT")
rules([{"service": "lambda", "path": "/functions/other$",
        "action": "throttle"}, {"method": "DELETE", "action": "throttle"}])
ok, r = call("lambda", "get_function", FunctionName="fp-fn")
check("path regex and method filter: no match, no fault", ok, repr(r))
ok, r = call("lambda", "get_function", FunctionName="other")
eq("path regex matches", err(r), (429, "TooManyRequestsException"))
rules([{"service": "events", "body_regex": "\"Name\": *\"fp-other\"",
        "action": "throttle"}])
ok, r = call("events", "describe_rule", Name="fp-rule")
check("body_regex: other names untouched", ok, repr(r))
ok, r = call("events", "describe_rule", Name="fp-other")
eq("body_regex matches", err(r), (400, "ThrottlingException"))
st = json.loads(ctl("rules"))
eq("GET /__proxy/rules shows the counters",
   [(x["matched"], x["fired"]) for x in st["rules"]], [(1, 1)])

# ---- the rules file is reread when it changes -------------------------------
def write_rules(doc, inplace=False):
    text = json.dumps(doc)
    if inplace:
        with open(RULES, "w") as f:
            f.write(text)
    else:
        with open(RULES + ".tmp", "w") as f:
            f.write(text)
        os.replace(RULES + ".tmp", RULES)


write_rules([dict(T, times=1)])
eq("rules file replaced: in force at the next request",
   "".join("o" if call("sts", "get_caller_identity")[0]
                           else "T" for _ in range(2)), "To")
write_rules([dict(T, times=2)], inplace=True)
eq("rules file rewritten in place: reread, counters restart",
   "".join("o" if call("sts", "get_caller_identity")[0] else "T"
           for _ in range(3)), "TTo")
eq("GET /__proxy/rules names the file", json.loads(ctl("rules"))["source"],
   RULES)
with open(RULES, "w") as f:
    f.write("[{broken")
ok, r = call("sts", "get_caller_identity")
st = json.loads(ctl("rules"))
check("a broken rules file keeps the old rules and says why",
      ok and st["error"] and len(st["rules"]) == 1, repr(st))
try:
    ctl("rules", b'[{"action": "throttle", "tims": 2}]')
    r = None
except urllib.error.HTTPError as e:
    r = (e.code, json.loads(e.read())["error"])
eq("a typo in a rule key is refused", r,
   (400, "rule 0: unknown key(s) tims"))

# ---- the log: calls and bytes -----------------------------------------------
rules([])
reset_log()
C["s3"].put_object(Bucket="fp-bkt", Key="big", Body=OBJ)
got = C["s3"].get_object(Bucket="fp-bkt", Key="big")["Body"].read()
h = C["s3"].head_object(Bucket="fp-bkt", Key="big")
mp = C["s3"].create_multipart_upload(Bucket="fp-bkt", Key="mp2")
parts = []
for i in (1, 2, 3):
    r = C["s3"].upload_part(Bucket="fp-bkt", Key="mp2", PartNumber=i,
                            UploadId=mp["UploadId"], Body=bytes([i]) * 1100)
    parts.append({"ETag": r["ETag"], "PartNumber": i})
C["s3"].complete_multipart_upload(Bucket="fp-bkt", Key="mp2",
                                  UploadId=mp["UploadId"],
                                  MultipartUpload={"Parts": parts})
es = log()
by = lambda op: [e for e in es if e["operation"] == op]
eq("log: PutObject bytes_in is the object size",
   [e["bytes_in"] for e in by("PutObject")], [len(OBJ)])
eq("log: GetObject bytes_out is the object size, body intact",
   ([e["bytes_out"] for e in by("GetObject")], got == OBJ),
   ([len(OBJ)], True))
eq("HEAD keeps the object's Content-Length", h["ContentLength"], len(OBJ))
eq("log: three UploadPart calls of 1100 bytes",
   [e["bytes_in"] for e in by("UploadPart")], [1100] * 3)
st = json.loads(ctl("stats?service=s3&operation=UploadPart"))
eq("stats endpoint sums calls and bytes", (st["count"], st["bytes_in"]),
   (3, 3300))
eq("multipart object intact through the proxy",
   C["s3"].get_object(Bucket="fp-bkt", Key="mp2")["Body"].read(),
   b"\x01" * 1100 + b"\x02" * 1100 + b"\x03" * 1100)
eq("one boto3 client keeps one connection",
   len({e["conn"] for e in es}), 1)
with open(os.environ["PROXY_LOG"]) as f:
    lines = [json.loads(l) for l in f]
eq("the log file holds the same entries", [l["seq"] for l in lines][:len(es)],
   [e["seq"] for e in es])
reset_log()
eq("reset-log empties the log", log(), [])

BIG = os.urandom(8 << 20)
C["s3"].put_object(Bucket="fp-bkt", Key="8m", Body=BIG)
got = C["s3"].get_object(Bucket="fp-bkt", Key="8m")["Body"].read()
eq("8 MiB up and down, byte-identical",
   hashlib.sha256(got).hexdigest(), hashlib.sha256(BIG).hexdigest())

# a chunked request body (unsigned: moto files it under S3)
c = http.client.HTTPConnection("127.0.0.1", int(PROXY.rsplit(":", 1)[1]),
                               timeout=20)
c.request("PUT", "/fp-bkt/chunked", body=iter([b"abc" * 1000, b"xyz" * 7]),
          headers={"Content-Type": "application/octet-stream"},
          encode_chunked=True)
r = c.getresponse()
r.read()
eq("chunked request body accepted", r.status, 200)
c.request("GET", "/__proxy/health")
r = c.getresponse()
eq("the connection stays usable after a chunked body", r.read(), b"ok\n")
c.close()
eq("chunked request body stored whole",
   C["s3"].get_object(Bucket="fp-bkt", Key="chunked")["Body"].read(),
   b"abc" * 1000 + b"xyz" * 7)
eq("unsigned chunked request logged as S3 with its decoded size",
   [(e["service"], e["operation"], e["bytes_in"]) for e in log()][-2],
   ("s3", "PutObject", 3021))

# ---- framing of answers that moto never sends: a tiny upstream --------------
class Up(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        parts = [b"part-%d;" % i * 50 for i in range(20)]
        if self.path == "/chunked":
            self.protocol_version = "HTTP/1.1"
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for p in parts:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p))
            self.wfile.write(b"0\r\n\r\n")
        else:                    # HTTP/1.0 style: length by close
            self.send_response(200)
            self.end_headers()
            for p in parts:
                self.wfile.write(p)


up = ThreadingHTTPServer(("127.0.0.1", 0), Up)
threading.Thread(target=up.serve_forever, daemon=True).start()
ready = os.path.join(os.environ["TMP"], "proxy2.port")
p2 = subprocess.Popen([sys.executable, faultproxy.__file__, "--upstream",
                       "http://127.0.0.1:%d" % up.server_address[1],
                       "--ready-file", ready])
try:
    for _ in range(100):
        if os.path.exists(ready):
            break
        time.sleep(0.1)
    port2 = int(open(ready).read())
    want = b"".join(b"part-%d;" % i * 50 for i in range(20))
    c = http.client.HTTPConnection("127.0.0.1", port2, timeout=10)
    got = []
    for path in ("/chunked", "/close", "/chunked"):
        c.request("GET", path)
        r = c.getresponse()
        got.append((r.read() == want, r.getheader("Transfer-Encoding")))
    c.close()
    eq("chunked and close-delimited answers relayed chunked on one "
       "keep-alive connection", got, [(True, "chunked")] * 3)
finally:
    p2.terminate()
    p2.wait(10)
    up.shutdown()

# ---- upstream down: a 502 in the service's protocol -------------------------
s = socket.socket()
s.bind(("127.0.0.1", 0))
dead = s.getsockname()[1]
s.close()
ready3 = ready + "3"
p3 = subprocess.Popen([sys.executable, faultproxy.__file__, "--upstream",
                       "http://127.0.0.1:%d" % dead, "--ready-file", ready3])
try:
    for _ in range(100):
        if os.path.exists(ready3):
            break
        time.sleep(0.1)
    port3 = int(open(ready3).read())
    try:
        client("sts", endpoint="http://127.0.0.1:%d" % port3
               ).get_caller_identity()
        r = None
    except ClientError as e:
        r = e
    eq("upstream down: 502 BadGateway as query XML", err(r),
       (502, "BadGateway"))
finally:
    p3.terminate()
    p3.wait(10)

# ---- what the proxy costs (printed only) -----------------------------------
rules([])
def median_ms(cl, n=60):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        cl.get_caller_identity()
        ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[n // 2]


direct = median_ms(client("sts", endpoint=MOTO))
proxied = median_ms(C["sts"])
print("#   sts GetCallerIdentity median: direct %.1f ms, via proxy %.1f ms"
      % (direct, proxied))
# A figure, not an assertion: timings belong to benchmarks.
print("# driver finished, %d failed" % failed)
PY

export RULES TMP ROOT
python3 "$TMP/driver.py" >"$TMP/driver.out" 2>"$TMP/driver.err"
rc=$?
nfail=0
while IFS= read -r line; do
	case $line in
	"ok - "*) t_ok "${line#ok - }" ;;
	"not ok - "*)
		rest=${line#not ok - }
		t_fail "${rest%%: *}" "${rest#*: }"
		nfail=$((nfail + 1)) ;;
	*) echo "$line" ;;
	esac
done <"$TMP/driver.out"
# the driver reports its own failures; a non-zero exit means it crashed
if [ "$rc" != 0 ]; then
	t_fail "boto3 driver ran to the end" \
	    "exit $rc after $nfail failures: $(tail -n 20 "$TMP/driver.err")"
fi
grep -v 'rules.json: Expecting' "$TMP/proxy.err" >&2
t_nomatch "proxy wrote nothing unexpected to stderr" \
    "$(grep -v 'rules.json: Expecting' "$TMP/proxy.err")" '.'
t_done
