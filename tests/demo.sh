#!/usr/bin/env bash
# The demo `./dev demo` runs: a user's first hour with czappa, against a
# private moto on loopback instead of an AWS account.
#
#   tests/demo.sh CZAPPA_BINARY
#
# init an example project -> serve it with `czappa local` and call it ->
# package it -> deploy it to moto -> status -> invoke -> update (no changes)
# -> undeploy.  Everything runs in a scratch folder; the servers it starts
# listen on 127.0.0.1 and are stopped by PID at exit.
set -euo pipefail
CZ=${1:?usage: tests/demo.sh CZAPPA_BINARY}
CZ=$(cd "$(dirname "$CZ")" && pwd)/$(basename "$CZ")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/czappa-demo.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
wait_http() {
	local i
	for ((i = 0; i < 300; i++)); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "demo: $1 did not answer" >&2
	return 1
}

# Never touch a developer's real AWS account or profiles.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo-secret
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
cd "$WORK"

step czappa init --yes --service demo --region us-east-1
"$CZ" init --yes --service demo --region us-east-1
sed -n '1,12p' serverless.yaml

PORT=$(free_port)
step czappa local -p "$PORT" '&'
"$CZ" local -p "$PORT" 2>local.log &
PIDS+=($!)
wait_http "http://127.0.0.1:$PORT/"
step curl "http://127.0.0.1:$PORT/time"
curl -s "http://127.0.0.1:$PORT/time"; echo
step curl -i "http://127.0.0.1:$PORT/nope"
curl -s -i "http://127.0.0.1:$PORT/nope"; echo
kill -INT "${PIDS[0]}"; wait "${PIDS[0]}" || true
echo "(czappa local stopped; its log:)"
sed 's/^/  /' local.log | tail -n 6

step czappa package dev
"$CZ" package dev

MOTO_PORT=$(free_port)
step "moto_server -H 127.0.0.1 -p $MOTO_PORT &   # our stand-in for AWS"
MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$MOTO_PORT" \
    >moto.log 2>&1 &
PIDS+=($!)
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
wait_http "$AWS_ENDPOINT_URL/moto-api/config"
curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"lambda":{"use_docker":false}}' "$AWS_ENDPOINT_URL/moto-api/config" >/dev/null

step czappa whoami
"$CZ" whoami
step czappa deploy dev
"$CZ" deploy dev
step czappa status dev
"$CZ" status dev
step czappa invoke dev "'{\"czappa\":\"keep-warm\"}'"
"$CZ" invoke dev '{"czappa":"keep-warm"}'
step czappa update dev
"$CZ" update dev
step czappa undeploy dev --yes
"$CZ" undeploy dev --yes
step czappa undeploy dev --yes
"$CZ" undeploy dev --yes
printf '\n\033[1mdemo finished\033[0m\n'
