#!/usr/bin/env bash
# deploy_faults.sh: what real AWS does and moto does not, injected by the
# fault proxy between czappa and moto: a new role not yet assumable by
# Lambda (CreateFunction retried on that error only), Pending and
# InProgress states (waited for), ResourceConflictException (waited for,
# then retried), throttling and 5xx (retried by the client), a Failed
# function (a clear error); and deploys killed with SIGKILL at several
# points (inside a given call, and at random times) that a second deploy
# completes and undeploy removes entirely.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
. "$ROOT/tests/lib/project.sh"

moto_start
proxy_start "" || { t_fail "proxy starts" "$(cat "$TMP/proxy.err")"; t_done; exit 1; }
project_new "$TMP/app" --service flt
sed -i 's/^  dev: {}/  dev: {}\n  qa: {}\n  k: {}/' "$TMP/app/serverless.yaml"
export CZAPPA_WAIT_SECONDS=30

rules() { printf '%s' "$1" | proxy_rules - >/dev/null; }

# The whole stage is there and correct (one python process).
check_stage() {
	STG=$1 LABEL=$2 py_check <<'PY'
st, label = os.environ["STG"], os.environ["LABEL"]
fn = "flt-" + st
lam, ev, api, iam = c("lambda"), c("events"), c("apigatewayv2"), c("iam")
alias = "arn:aws:lambda:us-east-1:123456789012:function:%s:live" % fn
v = lam.get_alias(FunctionName=fn, Name="live")["FunctionVersion"]
ok("%s: alias live on a published version" % label, v.isdigit(), v)
eq("%s: role attached" % label, [p["PolicyArn"].split("/")[-1] for p in iam.list_attached_role_policies(RoleName=fn + "-czappa")["AttachedPolicies"]], ["AWSLambdaBasicExecutionRole"])
apis = [a for a in api.get_apis()["Items"] if a["Name"] == fn]
eq("%s: one api" % label, len(apis), 1)
if apis:
    ints = api.get_integrations(ApiId=apis[0]["ApiId"])["Items"]
    eq("%s: integration on live" % label, [i["IntegrationUri"] for i in ints], [alias])
    eq("%s: $default route" % label, [r["RouteKey"] for r in api.get_routes(ApiId=apis[0]["ApiId"])["Items"]], ["$default"])
    eq("%s: $default stage" % label, [s["StageName"] for s in api.get_stages(ApiId=apis[0]["ApiId"])["Items"]], ["$default"])
tg = ev.list_targets_by_rule(Rule=fn + "-keep-warm")["Targets"]
eq("%s: keep-warm target on live" % label, [t["Arn"] for t in tg], [alias])
pol = json.loads(lam.get_policy(FunctionName=fn, Qualifier="live")["Policy"])
eq("%s: two permissions" % label, sorted(s["Principal"]["Service"] for s in pol["Statement"]), ["apigateway.amazonaws.com", "events.amazonaws.com"])
PY
}

# Nothing of the stage is left.
check_gone() {
	STG=$1 LABEL=$2 py_check <<'PY'
st, label = os.environ["STG"], os.environ["LABEL"]
fn = "flt-" + st
eq("%s: no function" % label, [f["FunctionName"] for f in c("lambda").list_functions()["Functions"] if f["FunctionName"] == fn], [])
eq("%s: no role" % label, code(c("iam").get_role, RoleName=fn + "-czappa"), "NoSuchEntity")
eq("%s: no rules" % label, c("events").list_rules(NamePrefix=fn + "-")["Rules"], [])
eq("%s: no api" % label, [a["Name"] for a in c("apigatewayv2").get_apis()["Items"] if a["Name"] == fn], [])
eq("%s: no log group" % label, c("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/" + fn)["logGroups"], [])
PY
}

# --- IAM propagation: CreateFunction refused twice with AWS's message ----
rules '[{"service":"lambda","operation":"CreateFunction","action":"error","status":400,"code":"InvalidParameterValueException","message":"The role defined for the function cannot be assumed by Lambda.","times":2}]'
proxy_log_reset
cz deploy dev
t_eq "role not yet assumable: deploy succeeds" "$RC" 0
t_eq "role not yet assumable: CreateFunction tried 3 times" "$(proxy_count lambda CreateFunction)" 3
t_match "role not yet assumable: says it waits" "$ERR" 'waiting for IAM role to reach Lambda'

# Any other InvalidParameterValueException is not retried.
rules '[{"service":"lambda","operation":"CreateFunction","action":"error","status":400,"code":"InvalidParameterValueException","message":"Unzipped size must be smaller than 262144000 bytes","times":5}]'
proxy_log_reset
cz deploy qa
t_eq "other CreateFunction error: deploy fails" "$RC" 1
t_eq "other CreateFunction error: tried once" "$(proxy_count lambda CreateFunction)" 1
t_match "other CreateFunction error: one line with service, op, code" "$ERR" \
    'lambda CreateFunction: InvalidParameterValueException: .*Unzipped size'

# --- Pending after create, then ResourceConflict + InProgress on update --
rules '[{"service":"lambda","operation":"GetFunctionConfiguration","action":"patch_json","patch":{"State":"Pending","LastUpdateStatus":null},"times":3}]'
proxy_log_reset
cz deploy qa
t_eq "Pending: deploy succeeds" "$RC" 0
t_match "Pending: says it waits" "$ERR" 'waiting for function Pending'
N=$(proxy_count lambda GetFunctionConfiguration)
if [ "$N" -ge 4 ]; then t_ok "Pending: polled until Active ($N polls)"
else t_fail "Pending: polled until Active" "$N polls"; fi
check_stage qa "after Pending"

sed -i 's/memory: 128 /memory: 256 /' "$TMP/app/serverless.yaml"
rules '[{"service":"lambda","operation":"UpdateFunctionConfiguration","action":"error","status":409,"code":"ResourceConflictException","message":"The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:flt-qa","times":1},
 {"service":"lambda","operation":"GetFunctionConfiguration","action":"patch_json","patch":{"LastUpdateStatus":"InProgress"},"skip":1,"times":2}]'
proxy_log_reset
cz update qa
t_eq "conflict + InProgress: update succeeds" "$RC" 0
t_eq "conflict: UpdateFunctionConfiguration retried once" "$(proxy_count lambda UpdateFunctionConfiguration)" 2
t_match "InProgress: says it waits" "$ERR" 'waiting for (function update InProgress|another update)'
py_check <<'PY'
eq("conflict: live serves the new memory", c("lambda").get_function_configuration(FunctionName="flt-qa", Qualifier="live")["MemorySize"], 256)
PY
sed -i 's/memory: 256 /memory: 128 /' "$TMP/app/serverless.yaml"

# --- throttling and 5xx on several services ------------------------------
rules '[{"service":"lambda","operation":"GetFunction","action":"throttle","times":2},
 {"service":"events","operation":"PutRule","action":"throttle","times":1},
 {"service":"s3","operation":"PutObject","action":"status","status":503,"times":1},
 {"service":"iam","operation":"GetRole","action":"status","status":500,"times":1}]'
cz undeploy qa --yes --purge
proxy_log_reset
cz deploy qa
t_eq "throttling and 5xx: deploy succeeds" "$RC" 0
check_stage qa "after throttling"

# --- a function that fails to become Active ------------------------------
rules '[{"service":"lambda","operation":"GetFunctionConfiguration","action":"patch_json","patch":{"State":"Failed","StateReason":"injected: bootstrap not executable"}}]'
sed -i 's/memory: 128 /memory: 192 /' "$TMP/app/serverless.yaml"
cz update qa
t_eq "Failed state: update fails" "$RC" 1
t_match "Failed state: names the reason" "$ERR" 'failed: injected: bootstrap not executable'
sed -i 's/memory: 192 /memory: 128 /' "$TMP/app/serverless.yaml"
rules '[]'
cz undeploy qa --yes --purge
cz undeploy dev --yes --purge

# --- SIGKILL inside a given call, then deploy again, then undeploy ------
# The proxy holds the call (before forwarding, or after moto did the work
# but before czappa sees the answer); we kill czappa while it waits.
kill_in() {	# OP WHEN
	local op=$1 when=$2 pid i fired=0
	rules "[{\"operation\":\"$op\",\"action\":\"delay\",\"ms\":8000,\"when\":\"$when\",\"times\":1}]"
	(cd "$PROJ" && exec "$CZAPPA" deploy k >"$TMP/k.out" 2>&1) &
	pid=$!
	for ((i = 0; i < 150; i++)); do
		fired=$(curl -s "$PROXY_URL/__proxy/rules" | python3 -c \
		    'import json,sys; print(json.load(sys.stdin)["rules"][0]["fired"])')
		[ "$fired" = 1 ] && break
		sleep 0.2
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rules '[]'
	[ "$fired" = 1 ] && t_ok "killed inside $op ($when)" ||
	    t_fail "killed inside $op ($when)" "the call was never made: $(tail -3 "$TMP/k.out")"
}
for point in CreateRole:after PutObject:before CreateFunction:after \
    PublishVersion:after CreateAlias:before CreateApi:after \
    CreateIntegration:after PutTargets:before AddPermission:after; do
	kill_in "${point%%:*}" "${point#*:}"
	cz deploy k
	t_eq "deploy after kill in ${point%%:*} completes" "$RC" 0
	check_stage k "after kill in ${point%%:*}"
	cz undeploy k --yes --purge
	t_eq "undeploy after kill in ${point%%:*}" "$RC" 0
	check_gone k "after kill in ${point%%:*}"
done

# --- SIGKILL at random times, then undeploy straight away ----------------
for delay in 0.3 0.9 1.7 2.6; do
	(cd "$PROJ" && exec "$CZAPPA" deploy k >"$TMP/k.out" 2>&1) &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cz undeploy k --yes --purge
	t_eq "undeploy after kill at ${delay}s" "$RC" 0
	check_gone k "after kill at ${delay}s"
	cz undeploy k --yes --purge
	t_match "undeploy again after kill at ${delay}s: nothing" "$OUT" '^nothing to remove'
done

# --- SIGKILL inside undeploy, then undeploy again ------------------------
cz deploy k
rules '[{"operation":"DeleteFunction","action":"delay","ms":8000,"when":"after","times":1}]'
(cd "$PROJ" && exec "$CZAPPA" undeploy k --yes --purge >"$TMP/k.out" 2>&1) &
pid=$!
for ((i = 0; i < 150; i++)); do
	[ "$(curl -s "$PROXY_URL/__proxy/rules" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rules"][0]["fired"])')" = 1 ] && break
	sleep 0.2
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rules '[]'
cz undeploy k --yes --purge
t_eq "undeploy after a killed undeploy" "$RC" 0
t_match "undeploy after a killed undeploy removes the role" "$ERR" 'removed +role'
check_gone k "after killed undeploy"
t_done
