#!/usr/bin/env bash
# fun.sh: the runtime under a Runtime API server we did not write.  A static
# bootstrap (handlers/echo + libczappa-runtime.a) runs under @vercel/fun
# 1.3.6 (tests/lib/fun_invoke.js) for every sample event and a few crafted
# ones, and must give the same answers as under tests/lib/fakeruntime.py,
# apart from what fun fixes itself (request id, a hard-coded ARN, a constant
# Lambda-Runtime-Deadline-Ms of 5000, no trace id).
. "$(dirname "$0")/../lib/t.sh"
B=${CZ_BUILDDIR:-$ROOT/build}
RT=$B/src/runtime
EVENTS=$ROOT/tests/data/events

if [ ! -d "$ROOT/node_modules/@vercel/fun" ]; then
	(cd "$ROOT" && timeout 300 npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
	    { t_fail "npm ci" "$(tail -c 600 "$TMP/npm.log")"; t_done; exit 1; }
fi
t_eq "@vercel/fun is 1.3.6" \
    "$(node -p 'require(process.argv[1]).version' "$ROOT/node_modules/@vercel/fun/package.json")" "1.3.6"

mkdir -p "$TMP/fn"
if gcc -O2 -static -I"$RT" -o "$TMP/fn/bootstrap" "$ROOT/handlers/echo/echo.c" \
    "$RT/libczappa-runtime.a" -ljansson -lm 2>"$TMP/cc.log"; then
	t_ok "static bootstrap built"
else
	t_fail "static bootstrap built" "$(head -c 600 "$TMP/cc.log")"; t_done; exit 1
fi

# Crafted events: envelopes, keep-warm, malformed, and a crash followed by
# an event that needs a fresh process.
mkdir -p "$TMP/ev"
cp "$EVENTS"/*.json "$TMP/ev/"
printf '{"czappa":"keep-warm"}' >"$TMP/ev/x1-keep-warm.json"
printf '{"czappa":"function","name":"echo","input":[1,"two"]}' >"$TMP/ev/x2-function.json"
printf '{"version":"2.0","rawPath":5}' >"$TMP/ev/x3-malformed.json"
printf 'not json at all' >"$TMP/ev/x4-not-json.json"
printf '{"version":"2.0","rawPath":"/crash","requestContext":{"http":{"method":"GET"}}}' >"$TMP/ev/x5-crash.json"
printf '{"version":"2.0","rawPath":"/after/crash","requestContext":{"http":{"method":"GET"}}}' >"$TMP/ev/x6-after-crash.json"
printf '{"version":"2.0","rawPath":"/bin","requestContext":{"http":{"method":"GET"}}}' >"$TMP/ev/x7-binary.json"
ALL=$(ls "$TMP"/ev/*.json | sort)

# Under fun.
(cd "$ROOT" && timeout 300 node tests/lib/fun_invoke.js "$TMP/fn" "$TMP/fun.jsonl" 10000 $ALL \
    >"$TMP/fun.log" 2>&1)
rc=$?
t_eq "fun_invoke finished" "$rc" "0"
[ "$rc" = 0 ] || tail -n 20 "$TMP/fun.log" | sed 's/^/# /'

# Under our fake Runtime API: one process, which restarts itself in place
# after the crash, as it did under fun.
port=$(t_free_port)
python3 "$ROOT/tests/lib/fakeruntime.py" --port "$port" --out "$TMP/fake.jsonl" \
    --timeout 30 $ALL >"$TMP/fake.fr" 2>&1 &
fr=$!
for i in $(seq 100); do grep -q ready "$TMP/fake.fr" && break; sleep 0.1; done
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port timeout 40 "$TMP/fn/bootstrap" \
    >"$TMP/fake.stdout" 2>"$TMP/fake.stderr" &
bp=$!
wait "$fr"
kill "$bp" 2>/dev/null
wait "$bp" 2>/dev/null

python3 - "$TMP/fun.jsonl" "$TMP/fake.jsonl" "$TMP/ev" <<'PY'
import json, os, sys
fun = {}
for l in open(sys.argv[1]):
    r = json.loads(l); fun[r["file"]] = r
fake = {}
for l in open(sys.argv[2]):
    r = json.loads(l); fake[r["file"]] = r
FUN_ARN = "arn:aws:lambda:us-west-1:977805900156:function:nate-dump"
def norm(r, under_fun):
    """The answer without what each server decides for itself."""
    b = r.get("body")
    if r["kind"] == "error" and isinstance(b, dict):
        msg = b.get("errorMessage", "")
        if msg.startswith("RequestId: "):
            msg = "RequestId: <id>" + msg[msg.index(" ", 11):]
        return {"kind": "error", "type": b.get("errorType"), "message": msg}
    if isinstance(b, dict) and "statusCode" in b and not b.get("isBase64Encoded"):
        b = dict(b)
        inner = json.loads(b["body"])
        if isinstance(inner, dict) and "request_id" in inner:
            extra = {k: inner.pop(k) for k in ("request_id", "arn", "trace_env", "deadline_past")}
            if under_fun:
                norm.fun_extra.append((r["file"], extra))
        b["body"] = inner
    return {"kind": r["kind"], "body": b}
norm.fun_extra = []
n = 0
for f in sorted(os.listdir(sys.argv[3])):
    a, b = fun.get(f), fake.get(f)
    if a is None or b is None:
        print("not ok - %s: answered under fun: %s, under fake: %s" % (f, a is not None, b is not None)); continue
    na, nb = norm(a, True), norm(b, False)
    if na == nb:
        print("ok - %s: same answer under fun and fakeruntime" % f)
    else:
        print("not ok - %s: fun %s != fake %s" % (f, json.dumps(na)[:300], json.dumps(nb)[:300]))
# What fun itself imposes, seen by the handler.
ok = all(e["arn"] == FUN_ARN and e["deadline_past"] is True and e["trace_env"] is None
         for _, e in norm.fun_extra) and len(norm.fun_extra) >= 20
print(("ok - " if ok else "not ok - ") + "under fun: fun's ARN, Deadline-Ms 5000 in the past (not fatal), no trace id" +
      ("" if ok else ": %s" % json.dumps(norm.fun_extra[:2])))
r = fun.get("x5-crash.json")
ok = r and r["kind"] == "error" and r["body"].get("errorType") == "Runtime.HandlerCrash"
print(("ok - " if ok else "not ok - ") + "crash reported to fun as Runtime.HandlerCrash, not a lost process" + ("" if ok else ": %s" % json.dumps(r)))
PY
t_done
