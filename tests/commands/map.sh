#!/usr/bin/env bash
# czappa map: 1,000 Black-Scholes prices on local bootstraps checked against
# a reference computed here, order, --unordered, function errors with and
# without --keep-going, and Lambda calls through a fault proxy in front of
# moto that throttles, fails and drops some of them: nothing lost, nothing
# invoked twice, order kept, all from one thread.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
moto_start
proxy_start
cd "$TMP"
cat >serverless.yaml <<'EOY'
service: bs
provider:
  region: us-east-1
  timeout: 10
build:
  sources: [bs.c]
  libs: [m]
stages:
  dev: {}
EOY
cat >bs.c <<'EOC'
#include <math.h>
#include <czappa.h>

/* European call, Black-Scholes. */
static void
bs(const cz_request *req, cz_response *res)
{
	json_t	*in = cz_input(req);
	double	 S = json_number_value(json_object_get(in, "S"));
	double	 K = json_number_value(json_object_get(in, "K"));
	double	 T = json_number_value(json_object_get(in, "T"));
	double	 r = json_number_value(json_object_get(in, "r"));
	double	 v = json_number_value(json_object_get(in, "v"));
	double	 d1, d2;

	if (S <= 0) {
		cz_error(res, "Function.BadInput", "S must be positive");
		return;
	}
	d1 = (log(S / K) + (r + v * v / 2) * T) / (v * sqrt(T));
	d2 = d1 - v * sqrt(T);
	cz_result(res, json_pack("{s:f}", "call", S * 0.5 * erfc(-d1 / sqrt(2))
	    - K * exp(-r * T) * 0.5 * erfc(-d2 / sqrt(2))));
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_function(app, "bs", bs);
	return cz_run(app);
}
EOC
python3 - <<'EOP'
import json, random
random.seed(5)
with open("in.jsonl", "w") as f:
    for i in range(1000):
        f.write(json.dumps({"id": i, "S": random.uniform(50, 150),
            "K": random.uniform(50, 150), "T": random.uniform(0.1, 2),
            "r": 0.01, "v": random.uniform(0.1, 0.5)}) + "\n")
EOP
# verify IN OUT MODE: the reference price of every input, compared line by
# line (ordered) or by index (unordered).
verify() {
	python3 - "$@" <<'EOP'
import json, math, sys
def bs(S, K, T, r, v, **_):
    d1 = (math.log(S / K) + (r + v * v / 2) * T) / (v * math.sqrt(T))
    d2 = d1 - v * math.sqrt(T)
    return S * 0.5 * math.erfc(-d1 / math.sqrt(2)) - K * math.exp(-r * T) * 0.5 * math.erfc(-d2 / math.sqrt(2))
ins = [json.loads(l) for l in open(sys.argv[1])]
outs = [json.loads(l) for l in open(sys.argv[2])]
if len(outs) != len(ins):
    print("got %d lines for %d inputs" % (len(outs), len(ins))); sys.exit()
if sys.argv[3] == "unordered":
    idx = sorted(o["index"] for o in outs)
    if idx != list(range(len(ins))):
        print("indices are not each input once"); sys.exit()
    outs = [o["result"] for o in sorted(outs, key=lambda o: o["index"])]
bad = [i for i, (a, b) in enumerate(zip(ins, outs))
       if abs(b["call"] - bs(**a)) > 1e-9 * max(1, abs(bs(**a)))]
print("ok" if not bad else "%d wrong, first at %d: %r" % (len(bad), bad[0], outs[bad[0]]))
EOP
}

# 1. --local, in order, 8 bootstraps.
t_run "$CZAPPA" map dev in.jsonl -j 8 --local
printf '%s\n' "$OUT" >out.jsonl
t_eq "local: exit 0" "$RC" 0
t_eq "local: 1000 prices match the reference, in input order" \
    "$(verify in.jsonl out.jsonl ordered)" ok
t_match "local: summary on stderr" "$ERR" \
    'map: 1000 invocations, 0 failed, [0-9.]+ s, [0-9.]+/s'

# 2. --unordered from stdin: each line says its index.
t_run "$CZAPPA" map dev - -j 8 --local --unordered <in.jsonl
printf '%s\n' "$OUT" >outu.jsonl
t_eq "local --unordered: every index once, every price right" \
    "$(verify in.jsonl outu.jsonl unordered)" ok

# 3. Function errors: stop at the first, or go on with -k.
python3 - <<'EOP'
import json
lines = open("in.jsonl").read().splitlines()[:200]
bad = json.loads(lines[120]); bad["S"] = -1; lines[120] = json.dumps(bad)
lines[150] = "not json"
lines.insert(60, "")
open("bad.jsonl", "w").write("\n".join(lines) + "\n")
EOP
t_run "$CZAPPA" map dev bad.jsonl -j 4 --local --keep-going
t_eq "-k: exit 1" "$RC" 1
t_eq "-k: one line per non-blank input" "$(printf '%s\n' "$OUT" | wc -l)" 200
t_eq "-k: the function's error at its index" \
    "$(printf '%s\n' "$OUT" | sed -n 121p)" \
    '{"index":120,"error":{"type":"Function.BadInput","message":"S must be positive"}}'
t_eq "-k: a line that is not JSON is reported, not sent" \
    "$(printf '%s\n' "$OUT" | sed -n 151p)" \
    '{"index":150,"error":{"type":"InvalidInput","message":"input line is not JSON"}}'
t_match "-k: summary counts the failures" "$ERR" 'map: 200 invocations, 2 failed'
t_match "-k: error line" "$ERR" 'czappa: 2 of 200 invocations failed$'
t_run "$CZAPPA" map dev bad.jsonl -j 4 --local
n=$(printf '%s\n' "$OUT" | wc -l)
t_eq "no -k: exit 1" "$RC" 1
t_match "no -k: stops soon after the failure (read-ahead only)" "$n" \
    '^1(2[1-9]|[3-4][0-9])$'
t_match "no -k: says how to run them all" "$ERR" '--keep-going runs them all'

# 4. Lambda (moto echoes each event) through a proxy that throttles every
# 3rd Invoke, answers 503 to every 7th and drops the connection of every
# 11th.  The stage is made by hand with boto3.
python3 - <<'EOP'
import boto3, io, zipfile
iam = boto3.client("iam"); lam = boto3.client("lambda")
role = iam.create_role(RoleName="bs-dev-czappa", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}')["Role"]["Arn"]
b = io.BytesIO(); z = zipfile.ZipFile(b, "w"); z.writestr("bootstrap", "#!/bin/sh\n"); z.close()
lam.create_function(FunctionName="bs-dev", Runtime="provided.al2023", Role=role, Handler="bootstrap", Code={"ZipFile": b.getvalue()})
lam.create_alias(FunctionName="bs-dev", Name="live", FunctionVersion=lam.publish_version(FunctionName="bs-dev")["Version"])
EOP
head -300 in.jsonl >in300.jsonl
printf '%s' '[{"service":"lambda","operation":"Invoke","action":"throttle","every":3},
 {"service":"lambda","operation":"Invoke","action":"status","status":503,"every":7},
 {"service":"lambda","operation":"Invoke","action":"close_before","every":11}]' |
    proxy_rules -
proxy_log_reset
t_run "$CZAPPA" map dev in300.jsonl -j 16
printf '%s\n' "$OUT" >outm.jsonl
t_eq "faults: exit 0" "$RC" 0
t_eq "faults: every input back once, in order" "$(python3 -c '
import json, sys
a = [json.loads(l) for l in open("in300.jsonl")]
b = [json.loads(l) for l in open("outm.jsonl")]
print(a == b)')" True
proxy_log lambda Invoke >plog.jsonl
t_eq "faults: exactly 300 invocations reached Lambda (none twice)" \
    "$(python3 -c '
import json
print(sum(1 for l in open("plog.jsonl") if json.loads(l)["action"] is None))')" 300
t_match "faults: retries were needed and counted" "$ERR" \
    'map: 300 invocations, 0 failed, .* [0-9]+ retried'
t_eq "faults: all on Qualifier=live" "$(grep -c '"query": "Qualifier=live"' plog.jsonl)" \
    "$(wc -l <plog.jsonl)"

# 5. One input throttled for good: reported on its line, the others fine.
printf '%s' '[{"service":"lambda","operation":"Invoke","action":"throttle","body_regex":"\"id\": 7,"}]' |
    proxy_rules -
head -20 in.jsonl >in20.jsonl
AWS_MAX_ATTEMPTS=3 t_run "$CZAPPA" map dev in20.jsonl -j 4 -k
t_eq "throttled for good: exit 1" "$RC" 1
t_match "throttled for good: its line says so" \
    "$(printf '%s\n' "$OUT" | sed -n 8p)" \
    '^\{"index":7,"error":\{"type":"TooManyRequestsException","message":"after 3 attempts: '
t_eq "throttled for good: the 19 others answered" \
    "$(printf '%s\n' "$OUT" | grep -c '"S"')" 19

# 6. N in flight from one thread: 48 calls each delayed 400 ms.
printf '%s' '[{"service":"lambda","operation":"Invoke","action":"delay","ms":400}]' |
    proxy_rules -
head -48 in.jsonl >in48.jsonl
proxy_log_reset
t_run "$CZAPPA" map dev in48.jsonl -j 16
t_eq "concurrent: exit 0" "$RC" 0
# How many Invoke calls were open at the same moment, from the proxy's log
# (arrival time and duration of each): proof of concurrency, not a timing.
most=$(proxy_log lambda Invoke | python3 -c '
import json, sys
ev = []
for line in sys.stdin:
    e = json.loads(line)
    ev += [(e["time"], 1), (e["time"] + e["ms"] / 1000.0, -1)]
cur = most = 0
for _, d in sorted(ev, key=lambda x: (x[0], x[1])):
    cur += d
    most = max(most, cur)
print(most)')
t_match "concurrent: -j 16 keeps at least 8 Invokes open at once (saw $most)" \
    "$most" '^([89]|1[0-6])$'
printf '[]' | proxy_rules -
t_run "$CZAPPA" map dev in.jsonl -j 0
t_eq "-j 0 is refused" "$RC" 1
t_done
