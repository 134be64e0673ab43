#!/usr/bin/env bash
# czappa whoami against moto's STS, once per credential source of the SDKs'
# chain: which identity, region and source czappa reports, and the exact
# errors when nothing or something broken is configured.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
moto_start
cd "$TMP"

# Subshells (for environment changes) print their own ok/not ok lines,
# which tests/run counts.
# Runs whoami --json and extracts one field.
who() { "$CZAPPA" whoami --json "$@" 2>"$TMP/who.err"; }
field() { python3 -c 'import json,sys;print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# 1. environment
out=$(who)
t_eq "environment: account" "$(echo "$out" | field account)" 123456789012
t_eq "environment: source" "$(echo "$out" | field credential_source)" environment
t_eq "environment: key is masked" "$(echo "$out" | field access_key_id)" "****************ting"
t_eq "environment: region" "$(echo "$out" | field region)" us-east-1
t_run "$CZAPPA" whoami
t_match "text output names the account" "$OUT" '^account +123456789012$'
t_match "text output names the source" "$OUT" '^credentials +environment$'

# 2. a profile with static keys (AWS_PROFILE), and --profile beating env keys
cat >"$TMP/credentials" <<EOC
[dev]
aws_access_key_id = AKIDDEVPROFILE01
aws_secret_access_key = devsecret
EOC
cat >"$TMP/config" <<EOC
[profile dev]
region = eu-west-1
[profile proc]
region = us-east-1
credential_process = python3 $TMP/proc.py --flag "two words"
[profile admin]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = dev
role_session_name = czappa-test
[profile webid]
role_arn = arn:aws:iam::123456789012:role/ci
web_identity_token_file = $TMP/token
EOC
export AWS_CONFIG_FILE=$TMP/config AWS_SHARED_CREDENTIALS_FILE=$TMP/credentials
out=$(who --profile dev)
t_eq "--profile beats environment keys" "$(echo "$out" | field credential_source)" \
    "profile dev ($TMP/credentials)"
t_eq "AWS_DEFAULT_REGION beats the profile's region" "$(echo "$out" | field region)" us-east-1
out=$(env -u AWS_REGION -u AWS_DEFAULT_REGION "$CZAPPA" whoami --json --profile dev)
t_eq "profile region" "$(echo "$out" | field region)" eu-west-1
out=$(who --profile dev --region ap-south-1)
t_eq "--region beats the profile's" "$(echo "$out" | field region)" ap-south-1
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION AWS_REGION
	export AWS_PROFILE=dev
	out=$(who)
	t_eq "AWS_PROFILE: source" "$(echo "$out" | field credential_source)" \
	    "profile dev ($TMP/credentials)"
	t_eq "AWS_PROFILE: key" "$(echo "$out" | field access_key_id)" "****************LE01"
)

# 3. credential_process (arguments with quotes, no shell involved)
cat >"$TMP/proc.py" <<'EOC'
import json, sys
assert sys.argv[1:] == ["--flag", "two words"], sys.argv
print(json.dumps({"Version": 1, "AccessKeyId": "AKIDPROCESS0001",
                  "SecretAccessKey": "procsecret", "Expiration": "2100-01-01T00:00:00Z"}))
EOC
out=$(who --profile proc)
t_eq "credential_process: source" "$(echo "$out" | field credential_source)" \
    "credential_process (profile proc)"
t_eq "credential_process: key" "$(echo "$out" | field access_key_id)" "****************0001"

# 4. assume role through source_profile (moto's STS AssumeRole)
out=$(who --profile admin)
t_eq "assume role: identity" "$(echo "$out" | field arn)" \
    "arn:aws:sts::123456789012:assumed-role/admin/czappa-test"
t_eq "assume role: source" "$(echo "$out" | field credential_source)" \
    "assumed role arn:aws:iam::123456789012:role/admin (profile admin)"

# 5. web identity from a profile and from the environment (as CI sets it)
printf 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ\n' >"$TMP/token"
out=$(who --profile webid)
t_match "profile web identity: identity" "$(echo "$out" | field arn)" \
    '^arn:aws:sts::123456789012:assumed-role/ci/czappa-[0-9]+$'
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_ROLE_ARN=arn:aws:iam::123456789012:role/gha AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/token
	export AWS_ROLE_SESSION_NAME=run-77 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	out=$(who)
	t_eq "environment web identity: identity" "$(echo "$out" | field arn)" \
	    "arn:aws:sts::123456789012:assumed-role/gha/run-77"
	t_eq "environment web identity: source" "$(echo "$out" | field credential_source)" \
	    "web identity (arn:aws:iam::123456789012:role/gha)"
)

# 6. container credentials (CodeBuild/ECS) from a loopback endpoint
CPORT=$(t_free_port)
cat >"$TMP/container.py" <<'EOC'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/creds" and self.headers.get("Authorization") == "tok-123"
        body = json.dumps({"AccessKeyId": "AKIDCONTAINER01", "SecretAccessKey": "cs",
                           "Token": "ct", "Expiration": "2100-01-01T00:00:00Z"}).encode()
        self.send_response(200 if ok else 403)
        self.end_headers()
        self.wfile.write(body if ok else b"{}")
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOC
python3 "$TMP/container.py" "$CPORT" & CPID=$!
t_cleanup "kill $CPID"
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$CPORT/" && break; sleep 0.1; done
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$CPORT/creds
	export AWS_CONTAINER_AUTHORIZATION_TOKEN=tok-123
	out=$(who)
	t_eq "container credentials: source" "$(echo "$out" | field credential_source)" \
	    "container credentials"
	t_eq "container credentials: key" "$(echo "$out" | field access_key_id)" \
	    "****************ER01"
)

# 7. nothing configured, an unknown profile, no region, a broken process
(
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_CONFIG_FILE=$TMP/none AWS_SHARED_CREDENTIALS_FILE=$TMP/none2
	t_run "$CZAPPA" whoami
	t_eq "no credentials: exit 1" "$RC" 1
	t_eq "no credentials: names every source" "$ERR" \
	    "czappa: no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID), profile \"default\" ($TMP/none, $TMP/none2), web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), container (AWS_CONTAINER_CREDENTIALS_*_URI)"
)
t_run "$CZAPPA" whoami --profile nosuch
t_eq "unknown profile" "$ERR" "czappa: profile \"nosuch\" is not in $TMP/config or $TMP/credentials"
(
	unset AWS_REGION AWS_DEFAULT_REGION
	export AWS_CONFIG_FILE=/dev/null
	t_run "$CZAPPA" whoami
	t_eq "no region" "$ERR" "czappa: no AWS region: pass --region, set provider.region in serverless.yaml, AWS_REGION or the profile's region"
)
t_run "$CZAPPA" whoami --region 'us-east-1/../x'
t_eq "malformed region" "$ERR" 'czappa: "us-east-1/../x" is not an AWS region (e.g. us-east-1)'

# 8. the region of serverless.yaml is used when present
printf 'service: whoapp\nprovider:\n  region: eu-central-1\n' >serverless.yaml
out=$(who)
t_eq "serverless.yaml region" "$(echo "$out" | field region)" eu-central-1
rm serverless.yaml

# 9. -v shows each call and never a secret, even when the answer echoes it
SECRET=Sup3rSecretKeyValue0123456789abcdefghij
TOKEN=FwoGZXIvYXdzEXAMPLESESSIONTOKENxyz0123456789
proxy_start ""
cat >"$TMP/rules.json" <<EOR
[{"service": "sts", "action": "error", "status": 403, "code": "InvalidClientTokenId",
  "message": "The security token $TOKEN with secret $SECRET is invalid", "times": 1}]
EOR
proxy_rules "$TMP/rules.json"
AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN t_run "$CZAPPA" whoami -v
t_eq "failing call: exit 1" "$RC" 1
t_match "failing call: one-line error" "$ERR" \
    'czappa: sts GetCallerIdentity: InvalidClientTokenId: The security token \[redacted\] with secret \[redacted\] is invalid'
t_match "-v prints the call" "$ERR" 'aws: sts GetCallerIdentity POST 403 InvalidClientTokenId 1 attempt [0-9]+ ms'
t_nomatch "secret key never printed" "$OUT$ERR" "$SECRET"
t_nomatch "session token never printed" "$OUT$ERR" "$TOKEN"
AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN AWS_ENDPOINT_URL=http://127.0.0.1:1 \
    AWS_MAX_ATTEMPTS=2 t_run "$CZAPPA" whoami -v
t_match "unreachable endpoint: cause" "$ERR" \
    'czappa: sts GetCallerIdentity: 127.0.0.1:1: .*(refused|connect).* \(after 2 attempts\)$'
t_nomatch "unreachable: no secret" "$OUT$ERR" "$SECRET|$TOKEN"

# 10. help and usage
t_run "$CZAPPA" whoami --help
t_match "whoami --help" "$OUT" '^usage: czappa whoami'
t_run "$CZAPPA" whoami extra
t_eq "extra argument: exit 2" "$RC" 2
t_done
