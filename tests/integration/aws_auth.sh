#!/usr/bin/env bash
# czappa's own client (whoami and tests/tools/aws_call) against a moto that
# checks SigV4 signatures (EMULATORS.md section 3): correctly signed STS, IAM
# and S3 calls are accepted, with and without a session token; a wrong secret
# is refused with SignatureDoesNotMatch, which the one-line error shows.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
CALL=$CZ_BUILDDIR/tests/aws_call
# The first 3 actions are unchecked: create the user, its key, its policy.
moto_start INITIAL_NO_AUTH_ACTION_COUNT=3
boot() { AWS_ACCESS_KEY_ID=boot AWS_SECRET_ACCESS_KEY=boot aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }
boot iam create-user --user-name czappa-ci >/dev/null
read -r AK SK <<<"$(boot iam create-access-key --user-name czappa-ci \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)"
boot iam put-user-policy --user-name czappa-ci --policy-name all --policy-document \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK

t_run "$CZAPPA" whoami
t_match "sts: signed GetCallerIdentity accepted" "$OUT" '^identity +arn:aws:iam::123456789012:user/czappa-ci$'
t_run "$CALL" iam ListRoles POST / 'Action=ListRoles&Version=2010-05-08'
t_match "iam: signed ListRoles accepted" "$OUT" '^status 200'
t_run "$CALL" s3 CreateBucket PUT /czappa-auth-test
t_match "s3: signed CreateBucket accepted" "$OUT" '^status 200'
t_run "$CALL" s3 PutObject PUT '/czappa-auth-test/dir/a b~c_d-e.txt' 'hello, signed world' application/octet-stream
t_match "s3: signed PutObject of a key with a space and unreserved marks" "$OUT" '^status 200'
t_run "$CALL" s3 GetObject GET '/czappa-auth-test/dir/a b~c_d-e.txt'
t_eq "s3: signed GetObject returns the bytes" "$OUT" "status 200
hello, signed world"
# (moto refuses even botocore when a query value holds '/', so no '/' here;
# %72 is an escaped unreserved 'r', which must be signed as 'r'.)
t_run "$CALL" s3 ListObjectsV2 GET '/czappa-auth-test?prefix=di%72&list-type=2'
t_match "s3: signed, re-encoded query string accepted" "$OUT" '<Key>dir/a b~c_d-e.txt</Key>'

# Session-token signing with assumed-role keys.
read -r TAK TSK TTK <<<"$(aws --endpoint-url "$AWS_ENDPOINT_URL" sts assume-role \
    --role-arn arn:aws:iam::123456789012:role/x --role-session-name s1 \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)"
AWS_ACCESS_KEY_ID=$TAK AWS_SECRET_ACCESS_KEY=$TSK AWS_SESSION_TOKEN=$TTK t_run "$CZAPPA" whoami
t_match "sts: session-token signing accepted" "$OUT" '^identity +arn:aws:sts::123456789012:assumed-role/x/s1$'
# (moto answers 500 to S3 and IAM calls made with keys of a role it cannot
# evaluate, botocore's too, so the session token is proven on STS.)

# A wrong secret is refused, by each service in its own words.
export AWS_SECRET_ACCESS_KEY=${SK}wrong AWS_MAX_ATTEMPTS=1
t_run "$CZAPPA" whoami
t_eq "sts: wrong secret exits 1" "$RC" 1
t_match "sts: wrong secret is SignatureDoesNotMatch" "$ERR" \
    '^czappa: sts GetCallerIdentity: SignatureDoesNotMatch: '
t_nomatch "sts: the secret is not printed" "$OUT$ERR" "$AWS_SECRET_ACCESS_KEY"
t_run "$CALL" iam ListRoles POST / 'Action=ListRoles&Version=2010-05-08'
t_match "iam: wrong secret is SignatureDoesNotMatch" "$OUT" '^error iam ListRoles: SignatureDoesNotMatch: '
t_run "$CALL" s3 GetObject GET '/czappa-auth-test/dir/a b~c_d-e.txt'
t_match "s3: wrong secret is SignatureDoesNotMatch" "$OUT" '^error s3 GetObject: SignatureDoesNotMatch: '
AWS_ACCESS_KEY_ID=AKIDNOSUCHKEY00000 t_run "$CZAPPA" whoami
t_match "sts: unknown key is InvalidClientTokenId" "$ERR" \
    '^czappa: sts GetCallerIdentity: InvalidClientTokenId: '
t_done
