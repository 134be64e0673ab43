#!/usr/bin/env bash
# The client's retry policy through the fault proxy in front of moto:
# throttling in each service's own protocol, 5xx, connections reset before
# and in the middle of an answer and answers slower than the timeout are
# survived; exhausted retries fail with the last AWS error; errors that are
# not transient are not retried.  The proxy's log counts the attempts.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
CALL=$CZ_BUILDDIR/tests/aws_call
moto_start
proxy_start ""

# rules JSON -> in force; then the command; then the attempt count.
scenario() {
	local name=$1 rules=$2 svc=$3 op=$4 want_attempts=$5; shift 5
	proxy_rules - <<<"$rules"
	proxy_log_reset
	t_run "$@"
	t_eq "$name: attempts" "$(proxy_count "$svc" "$op")" "$want_attempts"
}

scenario "sts throttled 3 times" \
    '[{"service":"sts","action":"throttle","times":3}]' sts GetCallerIdentity 4 \
    "$CZAPPA" whoami -v
t_eq "sts throttled 3 times: succeeds" "$RC" 0
t_match "sts throttled 3 times: -v shows the retries" "$ERR" \
    'aws: sts GetCallerIdentity: Throttling, retrying in [0-9]+ ms'
t_match "sts throttled 3 times: -v shows the attempts" "$ERR" \
    'aws: sts GetCallerIdentity POST 200 4 attempts'

scenario "iam 500 then 503" \
    '[{"service":"iam","action":"status","status":500,"times":1},
      {"service":"iam","action":"status","status":503,"times":1}]' iam ListRoles 3 \
    "$CALL" iam ListRoles POST / 'Action=ListRoles&Version=2010-05-08'
t_match "iam 500 then 503: succeeds" "$OUT" '^status 200'

scenario "events ThrottlingException (json 1.1)" \
    '[{"service":"events","action":"throttle","times":2}]' events ListRules 3 \
    "$CALL" -H 'X-Amz-Target: AWSEvents.ListRules' events ListRules POST / '{}' \
    application/x-amz-json-1.1
t_match "events throttled: succeeds" "$OUT" '"Rules"'

scenario "s3 SlowDown" \
    '[{"service":"s3","action":"throttle","times":2}]' s3 CreateBucket 3 \
    "$CALL" s3 CreateBucket PUT /retry-bucket
t_match "s3 SlowDown: succeeds" "$OUT" '^status 200'

scenario "connection reset before the answer" \
    '[{"service":"s3","operation":"PutObject","action":"reset_before","times":2}]' \
    s3 PutObject 3 "$CALL" s3 PutObject PUT /retry-bucket/k1 'payload-1' \
    application/octet-stream
t_match "reset before: succeeds" "$OUT" '^status 200'

scenario "connection reset in the middle of the answer" \
    '[{"service":"s3","operation":"GetObject","action":"reset_mid","times":1}]' \
    s3 GetObject 2 "$CALL" s3 GetObject GET /retry-bucket/k1
t_eq "reset mid: whole body on the retry" "$OUT" "status 200
payload-1"

# (The abandoned first attempt reaches the log only when its delay ends.)
proxy_rules - <<<'[{"service":"sts","action":"delay","ms":2500,"times":1}]'
CZAPPA_HTTP_TIMEOUT=1 t_run "$CZAPPA" whoami -v
t_eq "slow answer: retried and succeeds" "$RC" 0
t_match "slow answer: second attempt answered" "$ERR" \
    'aws: sts GetCallerIdentity POST 200 2 attempts'
t_match "slow answer: the timeout is the cause" "$ERR" \
    'aws: sts GetCallerIdentity: Timeout was reached, retrying in'


AWS_MAX_ATTEMPTS=3 scenario "throttled past AWS_MAX_ATTEMPTS" \
    '[{"service":"lambda","action":"throttle","times":50}]' lambda ListFunctions 3 \
    "$CALL" lambda ListFunctions GET /2015-03-31/functions/
t_eq "exhausted: last AWS error" "$OUT" \
    "error lambda ListFunctions: TooManyRequestsException: Rate exceeded (after 3 attempts)"

scenario "access denied is not retried" \
    '[{"service":"lambda","action":"error","status":403,"code":"AccessDeniedException","message":"User is not authorized","times":1}]' \
    lambda ListFunctions 1 "$CALL" lambda ListFunctions GET /2015-03-31/functions/
t_eq "not retryable: error as AWS said it" "$OUT" \
    "error lambda ListFunctions: AccessDeniedException: User is not authorized"

scenario "a 404 is an answer, not a fault" '[]' lambda GetFunction 1 \
    "$CALL" lambda GetFunction GET /2015-03-31/functions/nope
t_match "404: ResourceNotFoundException once" "$OUT" \
    '^error lambda GetFunction: ResourceNotFoundException: '

# Mixed faults at a random rate: every call still ends well, in bounded time.
proxy_rules - <<<'{"seed": 7, "rules": [
  {"service":"sts","action":"throttle","probability":0.3},
  {"service":"sts","action":"reset_before","probability":0.15},
  {"service":"sts","action":"status","status":503,"probability":0.15}]}'
ok=0
for i in $(seq 1 15); do
	AWS_MAX_ATTEMPTS=10 "$CZAPPA" whoami >/dev/null 2>&1 && ok=$((ok + 1))
done
t_eq "15 calls through 60% random faults all succeed" "$ok" 15
t_done
