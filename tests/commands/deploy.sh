#!/usr/bin/env bash
# deploy.sh: `czappa deploy` against a private moto: every resource of
# DESIGN.md section 3 with its settings and tags (checked with boto3), a
# second deploy that changes nothing, --dry-run that changes nothing, the
# function-url mode with schedules, policies and a multipart upload, a deploy
# killed inside a multipart upload whose parts the next deploy aborts (and
# undeploy --purge), and a configuration error that names file:line:col.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/project.sh"

moto_start S3_UPLOAD_PART_MIN_SIZE=1024
project_new "$TMP/web" --service web --region us-east-1

cz deploy dev
t_eq "deploy exits 0" "$RC" 0
t_match "deploy prints the URL on stdout" "$OUT" \
    '^https://[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com$'
t_match "deploy prints per-phase times" "$ERR" \
    'phases: .*role [0-9]+ ms.*build [0-9]+ ms|phases: .*build [0-9]+ ms.*role [0-9]+ ms'
t_match "deploy says what it created" "$ERR" 'create +function +web-dev'
URL=$OUT
SHA=$(cd "$TMP/web" && sha256sum .czappa/build/*/web-dev.zip | cut -d' ' -f1)

URL=$URL SHA=$SHA py_check <<'PY'
s3, iam, lam, api, ev, logs = (c(n) for n in
    ("s3", "iam", "lambda", "apigatewayv2", "events", "logs"))
acct, fn, b = "123456789012", "web-dev", "czappa-123456789012-us-east-1"
want_tags = {"czappa:service": "web", "czappa:stage": "dev"}
# bucket: private, encrypted, tagged
pab = s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"]
ok("bucket blocks public access", all(pab.values()) and len(pab) == 4, pab)
enc = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]
eq("bucket encryption", enc["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")
bt = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=b)["TagSet"]}
ok("bucket tagged", all(bt.get(k) == v for k, v in want_tags.items()), bt)
key = "czappa/web/dev/%s.zip" % os.environ["SHA"]
h = s3.head_object(Bucket=b, Key=key)
ok("zip at its content address", h["ContentLength"] > 100000, h["ContentLength"])
# role
r = iam.get_role(RoleName="web-dev-czappa")["Role"]
doc = r["AssumeRolePolicyDocument"]
doc = json.loads(doc) if isinstance(doc, str) else doc
eq("role trusts lambda", doc["Statement"][0]["Principal"]["Service"], "lambda.amazonaws.com")
att = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="web-dev-czappa")["AttachedPolicies"]]
eq("role has AWSLambdaBasicExecutionRole", att, ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])
rt = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName="web-dev-czappa")["Tags"]}
ok("role tagged", all(rt.get(k) == v for k, v in want_tags.items()), rt)
# function
f = lam.get_function(FunctionName=fn)
cf = f["Configuration"]
eq("runtime", cf["Runtime"], "provided.al2023")
eq("handler", cf["Handler"], "bootstrap")
eq("architecture", cf["Architectures"], ["x86_64"])
eq("memory", cf["MemorySize"], 128)
eq("timeout", cf["Timeout"], 10)
eq("environment", cf["Environment"]["Variables"], {"TZ": "UTC"})
eq("role", cf["Role"], "arn:aws:iam::%s:role/web-dev-czappa" % acct)
ok("description names czappa", cf["Description"].startswith("czappa "), cf["Description"])
import base64, hashlib
eq("code is the zip", cf["CodeSha256"], base64.b64encode(bytes.fromhex(os.environ["SHA"])).decode())
ok("function tagged", all(f["Tags"].get(k) == v for k, v in want_tags.items()), f["Tags"])
al = lam.get_alias(FunctionName=fn, Name="live")
eq("alias live -> version 1", al["FunctionVersion"], "1")
# http api
apis = [a for a in api.get_apis()["Items"] if a["Name"] == fn]
eq("one http api", len(apis), 1)
a = apis[0]
eq("api endpoint is the URL", a["ApiEndpoint"], os.environ["URL"])
ok("api tagged", all(a.get("Tags", {}).get(k) == v for k, v in want_tags.items()), a.get("Tags"))
ints = api.get_integrations(ApiId=a["ApiId"])["Items"]
eq("integration", [(i["IntegrationType"], i["IntegrationUri"], i["PayloadFormatVersion"]) for i in ints],
   [("AWS_PROXY", "arn:aws:lambda:us-east-1:%s:function:%s:live" % (acct, fn), "2.0")])
routes = api.get_routes(ApiId=a["ApiId"])["Items"]
eq("$default route", [(r["RouteKey"], r["Target"]) for r in routes], [("$default", "integrations/" + ints[0]["IntegrationId"])])
st = api.get_stages(ApiId=a["ApiId"])["Items"]
eq("$default stage auto-deploys", [(s["StageName"], s.get("AutoDeploy")) for s in st], [("$default", True)])
pol = json.loads(lam.get_policy(FunctionName=fn, Qualifier="live")["Policy"])
srcs = {s["Principal"]["Service"]: s.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn") for s in pol["Statement"]}
eq("apigateway may invoke live", srcs.get("apigateway.amazonaws.com"), "arn:aws:execute-api:us-east-1:%s:%s/*" % (acct, a["ApiId"]))
eq("events may invoke live", srcs.get("events.amazonaws.com"), "arn:aws:events:us-east-1:%s:rule/web-dev-keep-warm" % acct)
# keep-warm rule
rules = ev.list_rules(NamePrefix="web-dev-")["Rules"]
eq("keep-warm rule", [(r["Name"], r["ScheduleExpression"], r["State"]) for r in rules], [("web-dev-keep-warm", "rate(4 minutes)", "ENABLED")])
tg = ev.list_targets_by_rule(Rule="web-dev-keep-warm")["Targets"]
eq("keep-warm target on live", [(t["Arn"], json.loads(t["Input"])) for t in tg],
   [("arn:aws:lambda:us-east-1:%s:function:%s:live" % (acct, fn), {"czappa": "keep-warm"})])
# log group
lg = [g for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/web-dev")["logGroups"]]
eq("log group with retention", [(g["logGroupName"], g.get("retentionInDays")) for g in lg], [("/aws/lambda/web-dev", 14)])
lt = logs.list_tags_log_group(logGroupName="/aws/lambda/web-dev")["tags"]
ok("log group tagged", all(lt.get(k) == v for k, v in want_tags.items()), lt)
PY

cz deploy dev
t_eq "second deploy exits 0" "$RC" 0
t_match "second deploy changes nothing" "$ERR" 'deployed in .*: 0 changes, live -> version 1'
t_eq "second deploy prints the same URL" "$OUT" "$URL"

cz deploy prod --dry-run
t_eq "dry-run exits 0" "$RC" 0
t_match "dry-run plans the function" "$ERR" 'would create +function +web-prod'
t_match "dry-run plans the api" "$ERR" 'would create +http api +web-prod'
t_match "dry-run says nothing changed" "$ERR" 'nothing was changed'
py_check <<'PY'
eq("dry-run created no function", [f["FunctionName"] for f in c("lambda").list_functions()["Functions"]], ["web-dev"])
eq("dry-run created no role", code(c("iam").get_role, RoleName="web-prod-czappa"), "NoSuchEntity")
eq("dry-run created no rule", c("events").list_rules(NamePrefix="web-prod-")["Rules"], [])
PY

# A second service: function URL, arm64 config, schedules, policies, user
# tags, multipart upload in parts of 200000 bytes.
project_new "$TMP/jobs" --service jobs --http function-url --keep-warm false
cat >>"$TMP/jobs/serverless.yaml" <<'YAML'
schedules:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    input: {full: true}
YAML
sed -i -e 's/^  tags: {}/  tags: {team: data}\n  policies:\n    - arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess\n    - {Effect: Allow, Action: "sqs:SendMessage", Resource: "*"}/' \
    -e 's/memory: 128 /memory: 512 /' "$TMP/jobs/serverless.yaml"
CZAPPA_MULTIPART_THRESHOLD=100000 CZAPPA_PART_SIZE=200000 cz deploy dev
t_eq "function-url deploy exits 0" "$RC" 0
t_match "function-url deploy prints the URL" "$OUT" '^https://[a-z0-9]+\.lambda-url\.us-east-1\.on\.aws/?$'
t_match "upload was multipart" "$ERR" 'multipart'
FURL=$OUT py_check <<'PY'
lam, iam, ev, s3 = c("lambda"), c("iam"), c("events"), c("s3")
u = lam.get_function_url_config(FunctionName="jobs-dev", Qualifier="live")
eq("function url on live", u["FunctionUrl"], os.environ["FURL"])
eq("function url is public", u["AuthType"], "NONE")
pol = json.loads(lam.get_policy(FunctionName="jobs-dev", Qualifier="live")["Policy"])
acts = sorted((s["Action"], s["Principal"] if isinstance(s["Principal"], str) else s["Principal"].get("Service")) for s in pol["Statement"])
eq("permissions: url and nightly rule", acts, [("lambda:InvokeFunction", "events.amazonaws.com"), ("lambda:InvokeFunctionUrl", "*")])
eq("no api in function-url mode", [a["Name"] for a in c("apigatewayv2").get_apis()["Items"] if a["Name"] == "jobs-dev"], [])
eq("memory from config", lam.get_function_configuration(FunctionName="jobs-dev")["MemorySize"], 512)
tags = lam.get_function(FunctionName="jobs-dev")["Tags"]
eq("user tag on function", tags.get("team"), "data")
rules = ev.list_rules(NamePrefix="jobs-dev-")["Rules"]
eq("only the nightly rule (keep_warm false)", [(r["Name"], r["ScheduleExpression"]) for r in rules], [("jobs-dev-nightly", "cron(0 3 * * ? *)")])
tg = ev.list_targets_by_rule(Rule="jobs-dev-nightly")["Targets"]
eq("schedule target input", json.loads(tg[0]["Input"]), {"czappa": "schedule", "name": "nightly", "input": {"full": True}})
att = sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="jobs-dev-czappa")["AttachedPolicies"])
eq("managed policies attached", att, ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])
inl = iam.get_role_policy(RoleName="jobs-dev-czappa", PolicyName="czappa-inline")["PolicyDocument"]
inl = json.loads(inl) if isinstance(inl, str) else inl
eq("inline statement", inl["Statement"], [{"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": "*"}])
objs = s3.list_objects_v2(Bucket="czappa-123456789012-us-east-1", Prefix="czappa/jobs/dev/")["Contents"]
etag = s3.head_object(Bucket="czappa-123456789012-us-east-1", Key=objs[0]["Key"])["ETag"]
ok("multipart ETag has its part count", etag.strip('"').endswith("-3"), etag)
PY

# A deploy killed during a multipart upload leaves an open upload whose parts
# S3 keeps; the next deploy aborts it before uploading, and undeploy --purge
# aborts one too.  The proxy holds the second UploadPart until the kill.
. "$ROOT/tests/lib/faultproxy.sh"
uploads() {	# the open multipart uploads of jobs-dev: "key id" lines
	python3 -c "$PY_PRELUDE"'
r = c("s3").list_multipart_uploads(Bucket="czappa-123456789012-us-east-1", Prefix="czappa/jobs/dev/")
print("\n".join(u["Key"] + " " + u["UploadId"] for u in r.get("Uploads", []) if u["Key"].startswith("czappa/jobs/dev/")))'
}
proxy_start "" >/dev/null || t_fail "proxy starts" "$(cat "$TMP/proxy.err")"
PROJ=$TMP/jobs
echo 'const char czappa_test_marker[] = "killed during upload";' \
    >>"$TMP/jobs/handlers/app.c"
echo '{"rules": [{"service": "s3", "operation": "UploadPart", "skip": 1,
    "times": 1, "action": "delay", "ms": 15000}]}' | proxy_rules - >/dev/null
(cd "$PROJ" && CZAPPA_MULTIPART_THRESHOLD=100000 CZAPPA_PART_SIZE=200000 \
    exec "$CZAPPA" deploy dev >"$TMP/kill.out" 2>&1) &
pid=$!
fired=0
for ((i = 0; i < 150; i++)); do
	fired=$(curl -s "$PROXY_URL/__proxy/rules" | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["rules"][0]["fired"])')
	[ "$fired" = 1 ] && break
	sleep 0.2
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
t_eq "killed inside the second UploadPart" "$fired" 1
echo '{"rules": []}' | proxy_rules - >/dev/null
left=$(uploads)
t_eq "the killed deploy left one open upload" \
    "$(printf '%s' "$left" | grep -c .)" 1
proxy_log_reset
CZAPPA_MULTIPART_THRESHOLD=100000 CZAPPA_PART_SIZE=200000 cz deploy dev
t_eq "deploy after the kill completes" "$RC" 0
t_match "deploy reports the aborted upload" "$ERR" \
    'remove +upload +1 unfinished multipart upload in s3://czappa-123456789012-us-east-1/czappa/jobs/dev/'
t_eq "deploy listed the stage's uploads once" \
    "$(proxy_count s3 ListMultipartUploads)" 1
t_eq "deploy aborted the killed upload" \
    "$(proxy_count s3 AbortMultipartUpload)" 1
t_match "the aborted upload is the killed one" \
    "$(proxy_log s3 AbortMultipartUpload)" "${left#* }"
t_eq "no open upload after the redeploy" "$(uploads)" ""
t_eq "the new zip was uploaded in parts" \
    "$(proxy_count s3 CompleteMultipartUpload)" 1
# An unchanged deploy sweeps again but finds nothing to abort.
proxy_log_reset
cz deploy dev
t_eq "unchanged deploy: exit 0" "$RC" 0
t_eq "unchanged deploy: no abort" "$(proxy_count s3 AbortMultipartUpload)" 0
# undeploy --purge aborts an upload left behind (made here with boto3).
python3 -c "$PY_PRELUDE"'
s3 = c("s3")
b, k = "czappa-123456789012-us-east-1", "czappa/jobs/dev/left.zip"
u = s3.create_multipart_upload(Bucket=b, Key=k)["UploadId"]
s3.upload_part(Bucket=b, Key=k, UploadId=u, PartNumber=1, Body=b"x" * 2048)'
t_eq "an upload is open before undeploy" "$(uploads | grep -c left.zip)" 1
proxy_log_reset
cz undeploy dev --yes --purge
t_eq "undeploy --purge exits 0" "$RC" 0
t_eq "undeploy --purge aborted the upload" \
    "$(proxy_count s3 AbortMultipartUpload)" 1
t_eq "no open upload after undeploy --purge" "$(uploads)" ""
AWS_ENDPOINT_URL=$PROXY_UPSTREAM

# Configuration errors name file:line:col before anything is called.
PROJ=$TMP/web
cp "$TMP/web/serverless.yaml" "$TMP/web/good.yaml"
sed -i 's/memory: 128 /memory: 64 /' "$TMP/web/serverless.yaml"
cz deploy dev
t_eq "bad memory: exit 1" "$RC" 1
t_match "bad memory: file:line:col" "$ERR" 'serverless\.yaml:[0-9]+:[0-9]+: .*memory.*128'
cp "$TMP/web/good.yaml" "$TMP/web/serverless.yaml"
echo "unknown_key: 1" >>"$TMP/web/serverless.yaml"
cz deploy dev
t_match "unknown key: file:line:col" "$ERR" 'serverless\.yaml:[0-9]+:[0-9]+: .*unknown_key'
cp "$TMP/web/good.yaml" "$TMP/web/serverless.yaml"
cz deploy nosuch
t_match "missing stage lists the stages" "$ERR" 'dev.*prod|prod.*dev'
t_done
