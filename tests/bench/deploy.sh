#!/usr/bin/env bash
# deploy.sh: benchmark of `czappa deploy` against a boto3 script that makes
# the same calls one after another in one process (what Zappa does), both
# against the same private moto in the same run, alternating, 5 rounds,
# czappa with and without its build cache;
# then the calls and bytes of an unchanged `czappa update`, from the fault
# proxy's request log.  Prints figures and ratios; asserts nothing.
#
#   tests/bench/deploy.sh [BUILDDIR]      (default: build)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
CZAPPA=$BUILD/czappa
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
. "$ROOT/tests/lib/project.sh"

moto_start
MOTO_URL=$AWS_ENDPOINT_URL
project_new "$TMP/app" --service bench
cat >>"$TMP/app/serverless.yaml" <<'YAML'
schedules:
  - name: nightly
    schedule: cron(0 3 * * ? *)
YAML
cd "$TMP/app" || exit 1
# Warm moto's lazily loaded backends so neither side pays for them.
"$CZAPPA" deploy dev >/dev/null 2>&1
"$CZAPPA" undeploy dev --yes --purge >/dev/null 2>&1
ZIP=$(ls "$TMP"/app/.czappa/build/*/bench-dev.zip)

cat >"$TMP/zappa_like.py" <<'PY'
# The same resources as `czappa deploy`, one call after another, as Zappa
# makes them (boto3, one process).  Stage "prod", the zip already built.
import base64, hashlib, json, os, sys, time
t0 = time.monotonic()
import boto3
ep, zip_path = os.environ["AWS_ENDPOINT_URL"], sys.argv[1]
c = lambda n: boto3.client(n, endpoint_url=ep, region_name="us-east-1")
sts, s3, iam, lam, api, ev, logs = (c(n) for n in ("sts", "s3", "iam", "lambda", "apigatewayv2", "events", "logs"))
t1 = time.monotonic()
acct = sts.get_caller_identity()["Account"]
fn, role, b = "bench-prod", "bench-prod-czappa", "czappa-%s-us-east-1" % acct
tags = {"czappa:service": "bench", "czappa:stage": "prod"}
tl = [{"Key": k, "Value": v} for k, v in tags.items()]
try:
    s3.head_bucket(Bucket=b)
except Exception:
    s3.create_bucket(Bucket=b)
    s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")})
    s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": tl})
try:
    iam.get_role(RoleName=role)
except Exception:
    iam.create_role(RoleName=role, Tags=tl, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
if not logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/" + fn)["logGroups"]:
    logs.create_log_group(logGroupName="/aws/lambda/" + fn, tags=tags)
    logs.put_retention_policy(logGroupName="/aws/lambda/" + fn, retentionInDays=14)
data = open(zip_path, "rb").read()
key = "czappa/bench/prod/%s.zip" % hashlib.sha256(data).hexdigest()
try:
    s3.head_object(Bucket=b, Key=key)
except Exception:
    s3.put_object(Bucket=b, Key=key, Body=data)
lam.create_function(FunctionName=fn, Runtime="provided.al2023", Handler="bootstrap", Role="arn:aws:iam::%s:role/%s" % (acct, role),
    Code={"S3Bucket": b, "S3Key": key}, Architectures=["x86_64"], MemorySize=128, Timeout=10,
    Environment={"Variables": {"TZ": "UTC"}}, Tags=tags, Description="zappa-like")
lam.get_waiter("function_active_v2").wait(FunctionName=fn)
v = lam.publish_version(FunctionName=fn)["Version"]
lam.create_alias(FunctionName=fn, Name="live", FunctionVersion=v)
alias = "arn:aws:lambda:us-east-1:%s:function:%s:live" % (acct, fn)
a = api.create_api(Name=fn, ProtocolType="HTTP", Tags=tags)
i = api.create_integration(ApiId=a["ApiId"], IntegrationType="AWS_PROXY", IntegrationUri=alias, PayloadFormatVersion="2.0", IntegrationMethod="POST")
api.create_route(ApiId=a["ApiId"], RouteKey="$default", Target="integrations/" + i["IntegrationId"])
api.create_stage(ApiId=a["ApiId"], StageName="$default", AutoDeploy=True, Tags=tags)
lam.add_permission(FunctionName=fn, Qualifier="live", StatementId="apigw", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com", SourceArn="arn:aws:execute-api:us-east-1:%s:%s/*" % (acct, a["ApiId"]))
for name, expr, inp in (("keep-warm", "rate(4 minutes)", {"czappa": "keep-warm"}), ("nightly", "cron(0 3 * * ? *)", {"czappa": "schedule", "name": "nightly"})):
    r = ev.put_rule(Name="%s-%s" % (fn, name), ScheduleExpression=expr, State="ENABLED", Tags=tl)
    ev.put_targets(Rule="%s-%s" % (fn, name), Targets=[{"Id": "czappa", "Arn": alias, "Input": json.dumps(inp)}])
    lam.add_permission(FunctionName=fn, Qualifier="live", StatementId="events-" + name, Action="lambda:InvokeFunction", Principal="events.amazonaws.com", SourceArn=r["RuleArn"])
t2 = time.monotonic()
print("%d %d" % ((t2 - t0) * 1000, (t2 - t1) * 1000))
PY

cleanup_prod() {
	python3 - <<'PY'
import boto3, os
c = lambda n: boto3.client(n, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
lam, iam, api, ev, logs = (c(n) for n in ("lambda", "iam", "apigatewayv2", "events", "logs"))
for r in ev.list_rules(NamePrefix="bench-prod-")["Rules"]:
    ev.remove_targets(Rule=r["Name"], Ids=["czappa"]); ev.delete_rule(Name=r["Name"])
for a in api.get_apis()["Items"]:
    if a["Name"] == "bench-prod": api.delete_api(ApiId=a["ApiId"])
lam.delete_function(FunctionName="bench-prod")
iam.detach_role_policy(RoleName="bench-prod-czappa", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
iam.delete_role(RoleName="bench-prod-czappa")
logs.delete_log_group(logGroupName="/aws/lambda/bench-prod")
PY
}

ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
# One czappa deploy of a fresh stage; appends wall ms and build-phase ms.
cz_deploy() {
	local t0
	t0=$(ms)
	"$CZAPPA" deploy dev >"$TMP/cz.out" 2>"$TMP/cz.err" || { cat "$TMP/cz.err"; exit 1; }
	eval "$1+=($(($(ms) - t0)))"
	grep phases "$TMP/cz.err" >&2
	eval "$2+=(\"$(sed -n 's/.*build \([0-9]*\) ms.*/\1/p' "$TMP/cz.err" | head -1)\")"
	"$CZAPPA" undeploy dev --yes --purge >/dev/null 2>&1
}
CZ=() CZB=() COLD=() COLDB=() BOTO=() BOTO_CALLS=() COLD_BUILD=()
for round in 1 2 3 4 5; do
	# The build cache holds the bootstrap since the warm-up deploy.
	cz_deploy CZ CZB
	CZAPPA_NO_BUILD_CACHE=1 cz_deploy COLD COLDB
	# What the build alone costs when gcc runs (zappa packages first).
	t0=$(ms)
	CZAPPA_NO_BUILD_CACHE=1 "$CZAPPA" package dev >/dev/null 2>&1
	COLD_BUILD+=($(($(ms) - t0)))
	read -r whole calls < <(python3 "$TMP/zappa_like.py" "$ZIP")
	BOTO+=("$whole")
	BOTO_CALLS+=("$calls")
	cleanup_prod >/dev/null 2>&1
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
cz=$(median "${CZ[@]}") czb=$(median "${CZB[@]}")
cold=$(median "${COLD[@]}") coldb=$(median "${COLDB[@]}")
bo=$(median "${BOTO[@]}") bc=$(median "${BOTO_CALLS[@]}")
pk=$(median "${COLD_BUILD[@]}")
ratio() { python3 -c "print('%.2fx' % ($1 / max(1, $2)))"; }
echo "deploy of a fresh stage, median of 5 rounds, same moto, alternating (ms):"
printf '  %-58s %7s  %s\n' "what" "median" "runs"
printf '  %-58s %7d  %s\n' "czappa deploy, bootstrap from the build cache" "$cz" "${CZ[*]}"
printf '  %-58s %7d  %s\n' "  its build phase (hash inputs, ELF check, zip)" "$czb" "${CZB[*]}"
printf '  %-58s %7d  %s\n' "czappa deploy, CZAPPA_NO_BUILD_CACHE=1 (gcc runs)" "$cold" "${COLD[*]}"
printf '  %-58s %7d  %s\n' "  its build phase (overlapped with IAM/S3/logs)" "$coldb" "${COLDB[*]}"
printf '  %-58s %7d  %s\n' "czappa package with gcc (what a build costs alone)" "$pk" "${COLD_BUILD[*]}"
printf '  %-58s %7d  %s\n' "boto3 script, same calls in sequence, zip prebuilt" "$bo" "${BOTO[*]}"
printf '  %-58s %7d  %s\n' "  its calls only (after imports and clients)" "$bc" "${BOTO_CALLS[*]}"
echo "ratios (boto3 / czappa, higher is better for czappa; target >= 2x):"
printf '  %-58s %7s\n' "boto3, zip prebuilt  /  czappa, cached build" "$(ratio "$bo" "$cz")"
printf '  %-58s %7s\n' "boto3 + gcc package  /  czappa, gcc build (both compile)" "$(ratio "$((bo + pk))" "$cold")"
printf '  %-58s %7s\n' "boto3, zip prebuilt  /  czappa, gcc build" "$(ratio "$bo" "$cold")"

# Unchanged update through the proxy: calls and bytes.
"$CZAPPA" deploy dev >/dev/null 2>&1
proxy_start "" >/dev/null || exit 1
proxy_log_reset
t0=$(ms)
"$CZAPPA" update dev >"$TMP/up.out" 2>&1
up=$(($(ms) - t0))
echo "unchanged update: $(proxy_count) calls ($(proxy_log | python3 -c '
import json, sys
print(", ".join(json.loads(l)["service"] + " " + json.loads(l)["operation"] for l in sys.stdin))')),"
echo "  $(proxy_stat bytes_in) bytes sent, $(proxy_stat bytes_out) bytes received, PutObject $(proxy_count s3 PutObject), PublishVersion $(proxy_count lambda PublishVersion), ${up} ms (build included): $(head -1 "$TMP/up.out")"
AWS_ENDPOINT_URL=$MOTO_URL "$CZAPPA" undeploy dev --yes --purge >/dev/null 2>&1
