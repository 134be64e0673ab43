#!/usr/bin/env bash
# czappa invoke against moto (whose Lambda, without Docker, echoes the
# payload or returns queued results), through the fault proxy for what moto
# never answers (a function error with a log tail, a missing function,
# throttling), and with --local against a real bootstrap built from C.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
moto_start
MOTO_URL=$AWS_ENDPOINT_URL
proxy_start
cd "$TMP"
cat >serverless.yaml <<'EOY'
service: sq
provider:
  region: us-east-1
  timeout: 5
build:
  sources: [app.c]
stages:
  dev: {}
EOY
cat >app.c <<'EOC'
#include <stdio.h>
#include <czappa.h>

static void
square(const cz_request *req, cz_response *res)
{
	double	x = json_number_value(json_object_get(cz_input(req), "x"));

	printf("squaring %g\n", x);
	cz_result(res, json_pack("{s:f}", "square", x * x));
}

static void
fail(const cz_request *req, cz_response *res)
{
	(void)req;
	fprintf(stderr, "about to fail\n");
	cz_error(res, "Function.BadInput", "x must be positive");
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_function(app, "square", square);
	cz_function(app, "fail", fail);
	return cz_run(app);
}
EOC
# The deployed stage, made by hand with boto3 (function + version + alias).
python3 - <<'EOP'
import boto3, io, zipfile
iam = boto3.client("iam"); lam = boto3.client("lambda")
role = iam.create_role(RoleName="sq-dev-czappa", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}')["Role"]["Arn"]
b = io.BytesIO(); z = zipfile.ZipFile(b, "w"); z.writestr("bootstrap", "#!/bin/sh\n"); z.close()
lam.create_function(FunctionName="sq-dev", Runtime="provided.al2023", Role=role, Handler="bootstrap", Code={"ZipFile": b.getvalue()})
v = lam.publish_version(FunctionName="sq-dev")["Version"]
lam.create_alias(FunctionName="sq-dev", Name="live", FunctionVersion=v)
EOP
rules() { printf '%s' "$1" | proxy_rules -; }

# 1. Synchronous: moto echoes; the call names the live alias.
proxy_log_reset
t_run "$CZAPPA" invoke dev '{"x": 2}'
t_eq "echo: exit 0" "$RC" 0
t_eq "echo: payload on stdout" "$OUT" '{"x": 2}'
log=$(proxy_log lambda Invoke)
t_match "calls function sq-dev" "$log" '"path": "/2015-03-31/functions/sq-dev/invocations'
t_match "qualifier live" "$log" '"query": "Qualifier=live"'
echo '{"from": "stdin"}' >"$TMP/payload.json"
t_run "$CZAPPA" invoke dev - <"$TMP/payload.json"
t_eq "payload from stdin" "$OUT" '{"from": "stdin"}'
t_run "$CZAPPA" invoke dev
t_eq "no payload sends {}" "$OUT" '{}'
t_run "$CZAPPA" invoke dev --function square '{"x": 2}'
t_eq "--function wraps the input for a cz_function" "$OUT" \
    '{"czappa":"function","name":"square","input":{"x": 2}}'
t_run "$CZAPPA" invoke dev '{"x": '
t_eq "bad JSON: exit 1" "$RC" 1
t_match "bad JSON: says so" "$ERR" 'payload is not JSON'

# 2. Queued results come back in order, as the function's answer.
curl -sf -X POST -H 'Content-Type: application/json' \
    -d '{"results":["{\"square\":4}","{\"square\":9}"],"region":"us-east-1"}' \
    "$MOTO_URL/moto-api/static/lambda-simple/response" >/dev/null
t_run "$CZAPPA" invoke dev '{"x": 2}'
t_eq "queued result 1" "$OUT" '{"square":4}'
t_run "$CZAPPA" invoke dev '{"x": 3}'
t_eq "queued result 2" "$OUT" '{"square":9}'

# 3. --async: an Event invocation, 202, nothing on stdout.
proxy_log_reset
t_run "$CZAPPA" invoke dev --async '{"x": 2}'
t_eq "--async: exit 0" "$RC" 0
t_eq "--async: no stdout" "$OUT" ""
t_match "--async: says it was queued" "$ERR" 'queued an Event invocation of sq-dev:live \(HTTP 202\)'
t_run "$CZAPPA" invoke dev --async --json '{"x": 2}'
t_eq "--async --json" "$OUT" '{"status":202,"queued":true}'

# 4. A function error as Lambda answers it (moto never sets the header):
# exit 1 with type and message, the decoded log tail on stderr.
logb64=$(printf 'START RequestId: r1 Version: 3\nabout to fail\nEND RequestId: r1\n' | base64 -w0)
rules '[{"service":"lambda","operation":"Invoke","action":"respond","status":200,
  "headers":{"X-Amz-Function-Error":"Unhandled","X-Amz-Log-Result":"'"$logb64"'","X-Amz-Executed-Version":"3"},
  "body":{"errorType":"Function.BadInput","errorMessage":"x must be positive"}}]'
t_run "$CZAPPA" invoke dev '{"x": -1}'
t_eq "function error: exit 1" "$RC" 1
t_eq "function error: nothing on stdout" "$OUT" ""
t_match "function error: type and message" "$ERR" \
    '^czappa: function error: Function.BadInput: x must be positive$'
t_match "function error: decoded log tail on stderr" "$ERR" \
    '^START RequestId: r1 Version: 3$'
t_match "function error: every line of the tail" "$ERR" '^about to fail$'
rules '[{"service":"lambda","operation":"Invoke","action":"respond","status":200,
  "headers":{"X-Amz-Log-Result":"'"$logb64"'"},"body":{"square":1}}]'
t_run "$CZAPPA" invoke dev '{"x": 1}'
t_eq "success with log tail: stdout" "$OUT" '{"square": 1}'
t_match "success with log tail: stderr" "$ERR" 'about to fail'

# 5. No such function (moto would echo; AWS says 404).
rules '[{"service":"lambda","operation":"Invoke","action":"error","status":404,
  "code":"ResourceNotFoundException","message":"Function not found: sq-dev:live"}]'
t_run "$CZAPPA" invoke dev '{}'
t_eq "not deployed: exit 1" "$RC" 1
t_match "not deployed: says what to do" "$ERR" 'stage dev is not deployed.*czappa deploy dev'

# 6. Throttling is retried by the client.
rules '[{"service":"lambda","operation":"Invoke","action":"throttle","times":2}]'
proxy_log_reset
t_run "$CZAPPA" invoke dev '{"x": 5}'
t_eq "throttled twice, then answered" "$OUT" '{"x": 5}'
t_eq "three calls made" "$(proxy_count lambda Invoke)" 3
rules '[]'

# 7. --local: the handler built from C, under czappa's Runtime API.
t_run "$CZAPPA" invoke dev --local --function square '{"x": 3}'
t_eq "--local: exit 0" "$RC" 0
t_eq "--local: the function's answer" "$OUT" '{"square":9.0}'
t_match "--local: its log on stderr" "$ERR" 'squaring 3'
t_run "$CZAPPA" invoke dev --local --function fail '{"x": 3}'
t_eq "--local function error: exit 1" "$RC" 1
t_match "--local function error: type and message" "$ERR" \
    'function error: Function.BadInput: x must be positive'
t_match "--local function error: log" "$ERR" 'about to fail'
t_run "$CZAPPA" invoke dev --local --function nosuch '{}'
t_eq "--local unknown cz_function: exit 1" "$RC" 1
t_done
