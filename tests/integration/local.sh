#!/usr/bin/env bash
# local.sh: czappa local's engine (src/local/) end to end.  tests/tools/
# local_serve starts the pool and the HTTP front through their public API
# with tests/lib/local_bootstrap.py as the bootstrap (a Python custom
# runtime), and curl checks what a browser would get: bytes, headers,
# Set-Cookie, binary bodies, passthrough statuses, 500/502/503/504, crash
# recovery, concurrency; then invoke, schedules, init errors and give-up.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/t.sh"

BUILD=${CZ_BUILDDIR:-$ROOT/build}
SERVE=$BUILD/tests/local_serve
BS=$ROOT/tests/lib/local_bootstrap.py

# start_front NAME ARGS...: runs local_serve in the background; sets PORT,
# SPID and LOG (its stderr: every log record).
start_front() {
	local name=$1 i
	shift
	LOG=$TMP/$name.log
	# Python starts slowly on a busy machine: a generous init timeout.
	"$SERVE" -b "$BS" -T 60000 "$@" >"$TMP/$name.out" 2>"$LOG" &
	SPID=$!
	t_cleanup "kill $SPID"
	PORT=
	for ((i = 0; i < 600; i++)); do
		PORT=$(awk '/^port /{print $2}' "$TMP/$name.out")
		[ -n "$PORT" ] && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$PORT" ] || { t_fail "$name: front starts" "$(cat "$TMP/$name.out" "$LOG")"; return 1; }
}

# get NAME PATH [curl args]: leaves status in $ST, headers in $TMP/NAME.h,
# body in $TMP/NAME.b.
get() {
	local name=$1 path=$2
	shift 2
	ST=$(curl -s -o "$TMP/$name.b" -D "$TMP/$name.h" -w '%{http_code}' \
	    --max-time 30 "$@" "http://127.0.0.1:$PORT$path")
}
header() { grep -i "^$2:" "$TMP/$1.h" | sed 's/^[^:]*: //; s/\r$//'; }

if [ ! -x "$SERVE" ]; then
	t_fail "local_serve is built" "$SERVE missing"
	t_done
	exit
fi

start_front main -w 4 -t 3000 -e GREETING=hello || { t_done; exit; }

# --- what a client sees ----------------------------------------------------
get cookies /cookies
t_eq "cookies: status" "$ST" 201
t_eq "cookies: body bytes" "$(cat "$TMP/cookies.b")" "cookies set"
t_eq "cookies: custom header" "$(header cookies My-Custom-Header)" "Custom Value"
t_eq "cookies: content-type" "$(header cookies Content-Type)" "text/plain"
t_eq "cookies: one Set-Cookie per cookie" "$(header cookies Set-Cookie)" \
    "Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT
Cookie_2=Value2; Max-Age=78000"
t_match "cookies: apigw-requestid" "$(header cookies apigw-requestid)" '^[0-9a-f-]{36}$'

get binary /binary
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))' >"$TMP/want.bin"
t_eq "binary: status" "$ST" 200
if cmp -s "$TMP/binary.b" "$TMP/want.bin"; then t_ok "binary: the 256 decoded bytes"
else t_fail "binary: the 256 decoded bytes" "$(od -An -tx1 "$TMP/binary.b" | head -2)"; fi
t_eq "binary: content-length" "$(header binary Content-Length)" 256

get missing /missing
t_eq "404 passthrough: status" "$ST" 404
t_eq "404 passthrough: body" "$(cat "$TMP/missing.b")" "no such page: /missing"

get inferred /inferred
t_eq "inferred: status" "$ST" 200
t_eq "inferred: content-type" "$(header inferred Content-Type)" "application/json"
t_eq "inferred: body is the answer" "$(cat "$TMP/inferred.b")" '{"message": "Hello from Lambda!"}'
get string /string
t_eq "inferred string: HTTP API sends the text" "$(cat "$TMP/string.b")" "Hello from Lambda!"

get malformed /malformed
t_eq "malformed answer: 500" "$ST" 500
t_eq "malformed answer: body" "$(cat "$TMP/malformed.b")" '{"message":"Internal Server Error"}'
t_match "malformed answer: logged" "$(cat "$LOG")" 'malformed answer to request .*not JSON'

get error /error
t_eq "function error: 502" "$ST" 502
t_match "function error: logged with its type" "$(cat "$LOG")" 'failed: Function.Boom'

# --- the event the function got --------------------------------------------
printf 'bin\000\377ary' >"$TMP/upload.bin"
get echo '/echo?a=1&a=2&sp=%20x' -H 'Cookie: c1=v1; c2=v2' -H 'X-Rep: one' \
    -H 'X-Rep: two' -H 'Content-Type: application/octet-stream' \
    --data-binary @"$TMP/upload.bin"
t_eq "echo: status" "$ST" 200
ev() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/echo.b" "$1"; }
t_eq "event: version" "$(ev 'd["event"]["version"]')" 2.0
t_eq "event: method" "$(ev 'd["event"]["requestContext"]["http"]["method"]')" POST
t_eq "event: rawQueryString" "$(ev 'd["event"]["rawQueryString"]')" 'a=1&a=2&sp=%20x'
t_eq "event: query joined" "$(ev 'd["event"]["queryStringParameters"]')" "{'a': '1,2', 'sp': ' x'}"
t_eq "event: cookies" "$(ev 'd["event"]["cookies"]')" "['c1=v1', 'c2=v2']"
t_eq "event: repeated header" "$(ev 'd["event"]["headers"]["x-rep"]')" "one,two"
t_eq "event: binary body is base64" "$(ev 'd["event"]["body"]')" "$(base64 <"$TMP/upload.bin")"
t_eq "event: isBase64Encoded" "$(ev 'd["event"]["isBase64Encoded"]')" True
t_eq "event: no pathParameters" "$(ev '"pathParameters" in d["event"]')" False
t_eq "env: _HANDLER" "$(ev 'd["env"]["_HANDLER"]')" bootstrap
t_eq "env: function name" "$(ev 'd["env"]["AWS_LAMBDA_FUNCTION_NAME"]')" local-test
t_eq "env: version" "$(ev 'd["env"]["AWS_LAMBDA_FUNCTION_VERSION"]')" '$LATEST'
t_eq "env: memory" "$(ev 'd["env"]["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]')" 128
t_eq "env: region" "$(ev 'd["env"]["AWS_REGION"]')" us-east-1
t_eq "env: log group" "$(ev 'd["env"]["AWS_LAMBDA_LOG_GROUP_NAME"]')" /aws/lambda/local-test
t_match "env: log stream" "$(ev 'd["env"]["AWS_LAMBDA_LOG_STREAM_NAME"]')" '^[0-9]{4}/[0-9]{2}/[0-9]{2}/\[\$LATEST\][0-9a-f]{32}$'
t_match "env: runtime API on loopback" "$(ev 'd["env"]["AWS_LAMBDA_RUNTIME_API"]')" '^127\.0\.0\.1:[0-9]+$'
t_eq "env: task root and cwd" "$(ev 'd["env"]["LAMBDA_TASK_ROOT"] + " " + d["cwd"]')" "$ROOT/tests/lib $ROOT/tests/lib"
t_eq "env: config environment" "$(ev 'd["env"]["GREETING"]')" hello

# --- crashes, exits, timeouts ------------------------------------------------
get crash /crash
t_eq "crash: 502" "$ST" 502
t_match "crash: cause logged" "$(cat "$LOG")" 'bootstrap exited with signal 11 during request [0-9a-f-]{36}'
get after_crash /inferred
t_eq "crash: the next request works" "$ST" 200
get exit /exit
t_eq "exit mid-request: 502" "$ST" 502
t_match "exit mid-request: cause logged" "$(cat "$LOG")" 'bootstrap exited with status 3 during request'
start=$(date +%s%N)
get hang /hang
ms=$((($(date +%s%N) - start) / 1000000))
t_eq "hang: 504" "$ST" 504
if [ "$ms" -ge 2900 ] && [ "$ms" -lt 10000 ]; then t_ok "hang: answered after the 3 s timeout ($ms ms)"
else t_fail "hang: answered after the 3 s timeout" "$ms ms"; fi
t_match "hang: logged" "$(cat "$LOG")" 'timed out after 3000 ms; killing the bootstrap'
get after_hang /inferred
t_eq "hang: the next request works" "$ST" 200

# --- 20 at once on 4 workers -------------------------------------------------
# Wait until the processes restarted above are ready again (bounded).
for ((i = 0; i < 1200; i++)); do
	[ "$(grep -c 'bootstrap ready' "$LOG")" -ge "$(grep -c 'bootstrap started' "$LOG")" ] && break
	sleep 0.05
done
start=$(date +%s%N)
for i in $(seq 1 20); do
	curl -s -o "$TMP/par.$i" -w '%{http_code}' --max-time 60 \
	    "http://127.0.0.1:$PORT/slow?ms=500&n=$i" >"$TMP/par.$i.st" &
done
wait_pids=$(jobs -p | grep -vx "$SPID")
for p in $wait_pids; do wait "$p"; done
ms=$((($(date +%s%N) - start) / 1000000))
bad=
for i in $(seq 1 20); do
	[ "$(cat "$TMP/par.$i.st")" = 200 ] && grep -q "n=$i\$" "$TMP/par.$i" || bad="$bad $i"
done
t_eq "concurrent: 20 requests all answered with their own body" "$bad" ""
pids=$(for i in $(seq 1 20); do cat "$TMP/par.$i"; echo; done |
    sed -n 's/^pid=\([0-9]*\) .*/\1/p' | sort -u | wc -l)
t_eq "concurrent: served by the 4 workers" "$pids" 4
# Serially that is 10 s; four at a time about 2.5 s plus overhead.
if [ "$ms" -lt 8000 ]; then t_ok "concurrent: in parallel ($ms ms for 20 x 500 ms)"
else t_fail "concurrent: in parallel" "$ms ms"; fi

# --- stop: no process left behind ---------------------------------------------
kids=$(sed -n 's/.*bootstrap started (pid \([0-9]*\)).*/\1/p' "$LOG")
kill "$SPID"
for ((i = 0; i < 100; i++)); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
left=
for k in $kids; do kill -0 "$k" 2>/dev/null && left="$left $k"; done
t_eq "stop: every bootstrap is gone" "$left" ""

# --- a full queue is 503 ----------------------------------------------------
start_front queue -w 1 -q 2 -t 10000 || { t_done; exit; }
for i in 1 2 3 4 5; do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 \
	    "http://127.0.0.1:$PORT/slow?ms=1500&n=$i" >"$TMP/q.$i" &
	sleep 0.1
done
wait_pids=$(jobs -p | grep -vx "$SPID")
for p in $wait_pids; do wait "$p"; done
t_eq "queue full: 1 running + 2 waiting answered, 2 refused" \
    "$(cat "$TMP"/q.[1-5] | sort | uniq -c | awk '{print $1 "x" $2}' | tr '\n' ' ')" "3x200 2x503 "
kill "$SPID"

# --- function URL flavour -----------------------------------------------------
start_front furl -w 1 -f -t 30000 || { t_done; exit; }
get big /big
t_eq "answer above 6 MiB: 502" "$ST" 502
t_match "answer above 6 MiB: logged" "$(cat "$LOG")" 'Function.ResponseSizeTooLarge'
get fstring /string
t_eq "function URL: bare string is sent as JSON" "$(cat "$TMP/fstring.b")" '"Hello from Lambda!"'
t_match "function URL: x-amzn-RequestId" "$(header fstring x-amzn-RequestId)" '^[0-9a-f-]{36}$'
get fecho '/echo/a%20b'
t_eq "function URL: rawPath keeps its encoding" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["event"]["rawPath"])' "$TMP/fecho.b")" "/echo/a%20b"
kill "$SPID"

# --- invoke, schedules, keep-warm ---------------------------------------------
t_run "$SERVE" -b "$BS" -T 60000 -w 2 -i '{"x":2}' -n 3
t_eq "invoke: exit status" "$RC" 0
t_eq "invoke: three answers" "$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l); print(r["outcome"], json.loads(r["payload"])["echo"])')" "ok {'x': 2}
ok {'x': 2}
ok {'x': 2}"
t_match "invoke: log tail carries the request id" "$OUT" '"logs":"\[[0-9a-f-]{36}\] event deadline=[0-9]{13} arn=arn:aws:lambda:us-east-1:123456789012:function:local-test trace=Root=1-'
t_run "$SERVE" -b "$BS" -T 60000 -w 1 -s nightly -I '{"full":true}'
t_eq "schedule: the deployed target input" "$(printf '%s' "$OUT" | python3 -c '
import json, sys; print(json.dumps(json.loads(json.loads(sys.stdin.read())["payload"])["echo"], sort_keys=True))')" \
    '{"czappa": "schedule", "input": {"full": true}, "name": "nightly"}'
t_run "$SERVE" -b "$BS" -T 60000 -w 1 -k
t_match "keep-warm: the ping" "$OUT" 'echo\\": \{\\"czappa\\": \\"keep-warm\\"\}'

# --- init errors and giving up ------------------------------------------------
start=$(date +%s%N)
t_run "$SERVE" -b "$BS" -T 60000 -w 1 -m 3 -e BOOTSTRAP_MODE=init-error -i '{}'
ms=$((($(date +%s%N) - start) / 1000000))
t_eq "init error: start fails" "$RC" 1
t_match "init error: cause names the reported error" "$OUT" 'start failed: bootstrap failed to initialize 3 times in a row before answering any request; gave up: last reported an init error \(Runtime.ConfigInvalid: config file missing\)'
t_eq "init error: logged each time" "$(grep -c 'init error: Runtime.ConfigInvalid: config file missing' <<<"$ERR")" 3
if [ "$ms" -lt 30000 ]; then t_ok "init error: gives up in bounded time ($ms ms)"
else t_fail "init error: gives up in bounded time" "$ms ms"; fi
t_run "$SERVE" -b "$BS" -T 60000 -w 2 -m 2 -e BOOTSTRAP_MODE=exit-at-start -i '{}'
t_match "exit at start: gives up naming the status" "$OUT" 'died 2 times in a row .*exited with status 2 during init'
t_run "$SERVE" -b "$TMP/no-such-bootstrap" -i '{}'
t_match "missing bootstrap: named" "$OUT" "start failed: $TMP/no-such-bootstrap: No such file or directory"

t_done
