#!/usr/bin/env bash
# czappa local, end to end: the real runtime and handlers built by the
# command, served on a free loopback port and checked with curl; the time
# app (handlers/time), a test-only app written here (echo of every request
# part, binary bodies, a crashing route, its environment, a slow route),
# the cleanup schedule (handlers/cleanup) and a keep-warm ping fired once;
# then SIGINT, after which neither czappa nor any bootstrap may be left.
# Only PIDs started here are signalled.
. "$(dirname "$0")/../lib/t.sh"

case $(uname -m) in
aarch64 | arm64) ARCH=arm64 ;;
*) ARCH=x86_64 ;;
esac
CZPID=

# serve DIR ARGS...: starts czappa local in DIR; URL in $URL, pid in CZPID.
serve() {
	local dir=$1 i
	shift
	: >"$TMP/serve.out"
	: >"$TMP/serve.err"
	(cd "$dir" && exec "$CZAPPA" local "$@") >"$TMP/serve.out" \
	    2>"$TMP/serve.err" &
	CZPID=$!
	t_cleanup "kill -KILL $CZPID"
	URL=
	for ((i = 0; i < 300; i++)); do
		URL=$(grep -m1 '^http://' "$TMP/serve.out")
		[ -n "$URL" ] && return 0
		kill -0 "$CZPID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# czappa local did not start:" >&2
	cat "$TMP/serve.err" >&2
	return 1
}

# stop NAME: SIGINT, then the process must end at once and take every
# bootstrap with it.
stop() {
	local name=$1 bs=$2 i rc
	kill -INT "$CZPID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$CZPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$CZPID" 2>/dev/null; then
		t_fail "$name: SIGINT stops czappa" "still running after 10 s"
		kill -KILL "$CZPID"
	else
		wait "$CZPID"
		rc=$?
		t_eq "$name: SIGINT stops czappa, exit 0" "$rc" 0
	fi
	t_eq "$name: no bootstrap left" "$(pgrep -f "$bs" | tr '\n' ' ')" ""
	t_match "$name: says it stopped" "$(cat "$TMP/serve.err")" \
	    'stopping \(SIGINT\)'
}

# ---------------------------------------------------------------- time app
A=$TMP/time
mkdir -p "$A/handlers"
cp "$ROOT/handlers/time/time.c" "$A/handlers/"
cat >"$A/serverless.yaml" <<'EOY'
service: timeapp
provider:
  architecture: arm64          # local builds for this machine regardless
  environment: {TZ: UTC}
build:
  sources: [handlers/time.c]
stages:
  dev:
    environment: {TZ: Asia/Kolkata}
EOY
PORT=$(t_free_port)
if serve "$A" dev -p "$PORT"; then
	t_eq "time: URL printed on stdout" "$URL" "http://127.0.0.1:$PORT"
	t_match "time: built for this machine, not the config's arm64" \
	    "$(cat "$TMP/serve.err")" "building timeapp for this machine \($ARCH\)"
	t_eq "time: bootstrap is for this CPU" \
	    "$(test -x "$A/.czappa/build/$ARCH/bootstrap" && echo y)" y
	body=$(curl -s -o "$TMP/b" -w '%{http_code} %{content_type}' \
	    "$URL/time?tz=Asia/Tokyo")
	t_eq "time: GET /time?tz=Asia/Tokyo status and type" "$body" \
	    "200 application/json"
	t_eq "time: Tokyo answer" "$(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
print(o["tz"], o["time"][-5:], o["abbrev"])' "$TMP/b")" "Asia/Tokyo +0900 JST"
	curl -s -o "$TMP/b" "$URL/time"
	t_eq "time: stage's TZ reaches the bootstrap" "$(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
print(o["tz"], o["time"][-5:])' "$TMP/b")" "Asia/Kolkata +0530"
	t_eq "time: unknown zone is 400" "$(curl -s -o /dev/null \
	    -w '%{http_code}' "$URL/time?tz=Nowhere/Land")" 400
	t_eq "time: two bootstraps by default" "$(pgrep -P "$CZPID" -f \
	    "$A/.czappa/build/$ARCH/bootstrap" | wc -l)" 2
	# The port is taken now: a second server says which and how to fix.
	t_run env -C "$A" "$CZAPPA" local dev -p "$PORT"
	t_eq "busy port: exit 1" "$RC" 1
	t_match "busy port: names it and -p" "$ERR" \
	    "127.0.0.1:$PORT.*-p"
	t_eq "busy port: its bootstraps are gone" "$(pgrep -f \
	    "$A/.czappa/build/$ARCH/bootstrap" | wc -l)" 2
	stop time "$A/.czappa/build/$ARCH/bootstrap"
else
	t_fail "time: czappa local starts" "$(tail -3 "$TMP/serve.err")"
fi

# ---------------------------------------------------- a test-only app
B=$TMP/app
mkdir -p "$B/data"
echo "shipped" >"$B/data/note.txt"
cat >"$B/serverless.yaml" <<'EOY'
service: app
provider:
  memory: 256
  timeout: 5
  environment: {GREETING: top, TZ: UTC}
build:
  sources: [app.c]
  files: [data]
schedules:
  - name: report
    handler: env
    schedule: rate(1 hour)
    input: {who: scheduler}
stages:
  dev:
    environment: {GREETING: dev}
EOY
cat >"$B/app.c" <<'EOC'
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <czappa.h>

static json_t *
pairs(const cz_request *req, int (*at)(const cz_request *, size_t,
    const char **, const char **))
{
	json_t		*a = json_array();
	const char	*n, *v;
	size_t		 i;

	for (i = 0; at(req, i, &n, &v) == 0; i++)
		json_array_append_new(a, json_pack("[s,s]", n, v));
	return a;
}

static void
echo(const cz_request *req, cz_response *res)
{
	size_t		 len;
	const char	*body = cz_body(req, &len);

	printf("echo line %s\n", cz_path(req));
	cz_header_set(res, "X-Test", "yes");
	cz_set_cookie(res, "a=1; Path=/");
	cz_set_cookie(res, "b=2; Max-Age=60");
	cz_json(res, 200, json_pack("{s:s,s:s,s:o,s:o,s:o,s:s%,s:s?}",
	    "method", cz_method(req), "path", cz_path(req),
	    "query", pairs(req, cz_query_at),
	    "headers", pairs(req, cz_header_at),
	    "cookies", pairs(req, cz_cookie_at),
	    "body", body, len, "custom", cz_header(req, "x-CUSTOM")));
}

static void
raw(const cz_request *req, cz_response *res)
{
	size_t		 len;
	const void	*body = cz_body(req, &len);

	cz_binary(res, 200, "application/octet-stream", body, len);
}

static void
crash(const cz_request *req, cz_response *res)
{
	volatile int	*p = NULL;

	(void)res;
	printf("about to crash on %s\n", cz_path(req));
	fflush(stdout);
	*p = 1;
}

static void
die(const cz_request *req, cz_response *res)
{
	(void)req;
	(void)res;
	kill(getpid(), SIGKILL);
}

static void
env(const cz_request *req, cz_response *res)
{
	char	buf[256];
	FILE	*f = fopen("data/note.txt", "r");

	buf[0] = '\0';
	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	cz_json(res, 200, json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:O?}",
	    "GREETING", getenv("GREETING"), "TZ", getenv("TZ"),
	    "root", getenv("LAMBDA_TASK_ROOT"),
	    "name", getenv("AWS_LAMBDA_FUNCTION_NAME"),
	    "memory", getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
	    "note", buf, "input", cz_input(req)));
}

static void
slow(const cz_request *req, cz_response *res)
{
	const char	*ms = cz_query(req, "ms");

	usleep((useconds_t)(ms ? atoi(ms) : 100) * 1000);
	cz_json(res, 200, json_pack("{s:i}", "pid", (int)getpid()));
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_route(app, "ANY", "/echo", echo);
	cz_route(app, "POST", "/raw", raw);
	cz_route(app, "GET", "/crash", crash);
	cz_route(app, "GET", "/die", die);
	cz_route(app, "GET", "/env", env);
	cz_route(app, "GET", "/slow", slow);
	cz_schedule(app, "env", env);
	return cz_run(app);
}
EOC
BS=$B/.czappa/build/$ARCH/bootstrap
# -p 0: any free port, printed.
if serve "$B" dev -p 0 -n 2; then
	t_match "app: -p 0 picks a port and prints it" "$URL" \
	    '^http://127\.0\.0\.1:[1-9][0-9]*$'

	# Query, headers, cookies and a text body, as the handler saw them.
	curl -s -D "$TMP/h" -o "$TMP/b" -X POST \
	    -H 'Content-Type: text/plain' -H 'X-Custom: Value 1' \
	    -b 'c1=v1; c2=v 2' --data-binary 'hello body' \
	    "$URL/echo?a=1&b=two%20words&a=2"
	t_eq "echo: handler saw method, path, query, header, cookies, body" \
	    "$(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
print(o["method"], o["path"], o["query"], o["custom"], o["cookies"],
      repr(o["body"]), ["x-custom", "Value 1"] in o["headers"])' "$TMP/b")" \
	    "POST /echo [['a', '1'], ['b', 'two words'], ['a', '2']] Value 1 [['c1', 'v1'], ['c2', 'v 2']] 'hello body' True"
	t_eq "echo: two Set-Cookie headers" "$(grep -i '^set-cookie:' \
	    "$TMP/h" | tr -d '\r' | sort)" "$(printf '%s\n' \
	    'Set-Cookie: a=1; Path=/' 'Set-Cookie: b=2; Max-Age=60')"
	t_match "echo: extra header" "$(tr -d '\r' <"$TMP/h")" \
	    '^[Xx]-[Tt]est: yes$'
	rid=$(tr -d '\r' <"$TMP/h" | sed -n 's/^apigw-requestid: //Ip')
	t_match "echo: apigw-requestid header" "$rid" '^[0-9a-f-]{36}$'
	sleep 0.3
	log=$(cat "$TMP/serve.err")
	t_match "log: bootstrap's line carries the request id" "$log" \
	    "$rid.*echo line /echo"
	t_match "log: access line (method path status ms)" "$log" \
	    "POST /echo\?a=1&b=two%20words&a=2 200 [0-9]+ ms"

	# Binary bodies both ways, every byte value.
	python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 64 + b"\x00\xff")' \
	    >"$TMP/bin"
	code=$(curl -s -o "$TMP/got" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/octet-stream' \
	    --data-binary @"$TMP/bin" "$URL/raw")
	t_eq "binary: 200" "$code" 200
	t_eq "binary: body round-trips byte for byte" \
	    "$(cmp "$TMP/bin" "$TMP/got" && echo same)" same

	# Routes that do not exist, or not for this method.
	while IFS='|' read -r name method path want; do
		t_eq "$name" "$(curl -s -o /dev/null -w '%{http_code}' \
		    -X "$method" "$URL$path")" "$want"
	done <<'EOC'
unknown path is 404|GET|/nope|404
wrong method is 405|DELETE|/env|405
wrong method on a POST route is 405|GET|/raw|405
EOC
	t_match "405 says which methods" "$(curl -s -D - -o /dev/null \
	    -X DELETE "$URL/env" | tr -d '\r')" '[Aa]llow: GET'

	# The environment: config (stage merged), Lambda's variables, and
	# build.files found through LAMBDA_TASK_ROOT.
	curl -s -o "$TMP/b" "$URL/env"
	t_eq "env: config, stage, memory, name, task root, build.files" \
	    "$(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
print(o["GREETING"], o["TZ"], o["memory"], o["name"], o["root"], o["note"])' \
	    "$TMP/b")" "dev UTC 256 app-dev $(cd "$B" && pwd -P) shipped"

	# A crash: the runtime reports it for its request and starts over;
	# the caller gets 502 and the cause is logged.
	t_eq "crash: 502" "$(curl -s -o "$TMP/b" -w '%{http_code}' \
	    "$URL/crash")" 502
	t_match "crash: API Gateway's body" "$(cat "$TMP/b")" \
	    'Internal Server Error'
	t_eq "crash: the next request works" "$(curl -s -o /dev/null \
	    -w '%{http_code}' "$URL/env")" 200
	log=$(cat "$TMP/serve.err")
	t_match "crash: the handler's last line logged" "$log" \
	    'about to crash on /crash'
	t_match "crash: cause logged" "$log" \
	    'error: .*Runtime.HandlerCrash.*SIGSEGV'
	t_match "crash: access line 502" "$log" 'GET /crash 502 [0-9]+ ms'

	# A process killed outright: 502, logged, a new process started.
	before=$(pgrep -P "$CZPID" -f "$BS" | sort | tr '\n' ' ')
	t_eq "killed: 502" "$(curl -s -o /dev/null -w '%{http_code}' \
	    "$URL/die")" 502
	for ((i = 0; i < 50; i++)); do
		after=$(pgrep -P "$CZPID" -f "$BS" | sort | tr '\n' ' ')
		[ "$(echo $after | wc -w)" = 2 ] && [ "$after" != "$before" ] &&
		    break
		sleep 0.1
	done
	t_eq "killed: still two bootstraps" "$(echo $after | wc -w)" 2
	t_eq "killed: one was replaced" "$([ "$after" != "$before" ] &&
	    echo y)" y
	t_eq "killed: the next request works" "$(curl -s -o /dev/null \
	    -w '%{http_code}' "$URL/env")" 200
	t_match "killed: cause logged" "$(cat "$TMP/serve.err")" \
	    'error: .*signal 9'

	# 20 at once over 2 processes: all answered, both processes used.
	mkdir -p "$TMP/conc"
	pids=()
	for ((i = 0; i < 20; i++)); do
		curl -s -m 20 -o "$TMP/conc/body$i" -w '%{http_code}\n' \
		    "$URL/slow?ms=100" >"$TMP/conc/code$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	codes=$(cat "$TMP"/conc/code* | sort | uniq -c | tr -s ' ')
	t_eq "concurrency: 20 requests all 200" "$codes" " 20 200"
	t_eq "concurrency: served by both bootstraps" "$(cat "$TMP"/conc/body* |
	    python3 -c 'import sys, json
print(len({json.loads(l)["pid"] for l in sys.stdin.read().replace("}{", "}\n{").split()}))')" 2
	stop app "$BS"
else
	t_fail "app: czappa local starts" "$(tail -3 "$TMP/serve.err")"
fi

# ------------------------------------------ one-shot: schedules, keep-warm
# Without a stage: the top-level settings (as `sam local` has no stage).
t_run env -C "$B" "$CZAPPA" local --schedule report
t_eq "schedule, no stage: exit 0" "$RC" 0
t_eq "schedule, no stage: top-level env, its input, name <service>" \
    "$(printf '%s' "$OUT" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["GREETING"], o["name"], o["input"])')" "top app {'who': 'scheduler'}"
t_match "schedule, no stage: says which settings" "$ERR" \
    'no stage given: using the top-level settings'
t_eq "schedule, no stage: no bootstrap left" "$(pgrep -f "$BS" | wc -l)" 0
t_run env -C "$B" "$CZAPPA" local dev --schedule env
t_eq "schedule by handler name, stage dev: env and name" "$(printf '%s' \
    "$OUT" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["GREETING"], o["name"])')" "dev app-dev"
t_run env -C "$B" "$CZAPPA" local dev --schedule nightly
t_eq "unknown schedule: exit 1" "$RC" 1
t_match "unknown schedule: lists the schedules" "$ERR" \
    'no schedule named nightly \(schedules: report\)'
t_run env -C "$B" "$CZAPPA" local dev --keep-warm
t_eq "keep-warm: exit 0" "$RC" 0
t_eq "keep-warm: the runtime's answer" "$(printf '%s' "$OUT" |
    python3 -c 'import json, sys; print(json.load(sys.stdin))')" \
    "{'czappa': 'keep-warm', 'warm': True}"

# The cleanup app's schedule, with its input from the config.
C=$TMP/cleanup
mkdir -p "$C/handlers" "$TMP/cache"
cp "$ROOT/handlers/cleanup/cleanup.c" "$C/handlers/"
cat >"$C/serverless.yaml" <<EOY
service: janitor
build:
  sources: [handlers/cleanup.c]
http: none
schedules:
  - name: cleanup
    handler: cleanup
    schedule: cron(0 3 * * ? *)
    input: {dir: $TMP/cache, max_age_seconds: 3600}
stages:
  dev: {}
EOY
touch -d '2 hours ago' "$TMP/cache/old1" "$TMP/cache/old2"
touch "$TMP/cache/new"
t_run env -C "$C" "$CZAPPA" local dev --schedule cleanup
t_eq "cleanup: exit 0" "$RC" 0
t_eq "cleanup: answer names what it removed" "$(printf '%s' "$OUT" |
    python3 -c 'import json, sys
o = json.load(sys.stdin); print(o["dir"] == sys.argv[1], sorted(o["removed"]))' \
    "$TMP/cache")" "True ['old1', 'old2']"
t_eq "cleanup: old files gone, new kept" "$(ls "$TMP/cache")" new
t_match "cleanup: its log line on stderr" "$ERR" \
    'cleanup: 2 file\(s\) removed in'

# A function error from a one-shot exits 1 with its type and message.
C2=$TMP/failing
mkdir -p "$C2"
cat >"$C2/app.c" <<'EOC'
#include <czappa.h>

static void
boom(const cz_request *req, cz_response *res)
{
	(void)req;
	cz_error(res, "Function.Boom", "nothing to clean");
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_schedule(app, "boom", boom);
	return cz_run(app);
}
EOC
printf '%s\n' 'service: failing' 'build:' '  sources: [app.c]' \
    'schedules:' '  - name: boom' '    schedule: rate(1 day)' \
    'stages:' '  dev: {}' >"$C2/serverless.yaml"
t_run env -C "$C2" "$CZAPPA" local dev --schedule boom
t_eq "function error: exit 1" "$RC" 1
t_match "function error: type and message" "$ERR" \
    'czappa: function error: Function.Boom: nothing to clean'

# A compile error shows gcc's words and starts nothing.
echo 'int main(void) { return nope; }' >"$C2/app.c"
t_run env -C "$C2" "$CZAPPA" local dev -p 0
t_eq "compile error: exit 1" "$RC" 1
t_match "compile error: gcc's message" "$ERR" "app.c:1:[0-9]+: error: .nope."

t_done
