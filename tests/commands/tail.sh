#!/usr/bin/env bash
# czappa tail against moto while tests/lib/logwriter.py writes with boto3:
# a group that appears only after tail starts, several streams with
# interleaved timestamps and shared milliseconds, late arrivals in a stream
# written earlier, more than one page, --filter, --since, --no-follow,
# Ctrl-C, and the condensed terminal rendering of Lambda's platform lines.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
moto_start
cd "$TMP"
cat >serverless.yaml <<'EOY'
service: tl
provider:
  region: us-east-1
build:
  sources: [app.c]
stages:
  dev: {}
  bulk: {}
  plat: {}
  none: {}
EOY
W="python3 $ROOT/tests/lib/logwriter.py"

# check RECORD TAIL_JSON NAME: every recorded event once, nothing else, in
# timestamp order.
check() {
	python3 - "$1" "$2" <<'EOP'
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
wm = {}
for e in want:
    wm[e["message"]] = e
problems = []
seen = {}
for g in got:
    seen[g["message"]] = seen.get(g["message"], 0) + 1
dups = [m for m, n in seen.items() if n > 1]
missing = [m for m in wm if m not in seen]
extra = [m for m in seen if m not in wm]
if dups: problems.append("%d duplicated, e.g. %s" % (len(dups), dups[:3]))
if missing: problems.append("%d missing, e.g. %s" % (len(missing), missing[:3]))
if extra: problems.append("%d unexpected, e.g. %s" % (len(extra), extra[:3]))
bad = [i for i in range(1, len(got)) if got[i]["timestamp"] < got[i-1]["timestamp"]]
if bad: problems.append("%d out of order, first at line %d: %s after %s" % (
    len(bad), bad[0], got[bad[0]]["message"], got[bad[0]-1]["message"]))
wrong = [g for g in got if g["message"] in wm and (wm[g["message"]]["ts"] != g["timestamp"] or wm[g["message"]]["stream"] != g["stream"])]
if wrong: problems.append("%d with wrong timestamp or stream" % len(wrong))
print("; ".join(problems) if problems else "ok %d" % len(got))
EOP
}

# 1. Live: tail starts before the group exists, the writer creates it 2 s
# later and writes 25 rounds x 3 streams x 20 events plus late ones.
"$CZAPPA" tail dev --json >"$TMP/live.out" 2>"$TMP/live.err" &
TAIL=$!
t_cleanup "kill $TAIL"
$W live /aws/lambda/tl-dev --record "$TMP/live.rec" --create-after 2 \
    --rounds 25 --per-round 20 --late-ms 1200 --gap-ms 250
# Everything written is older than hold + poll after this.
sleep 4.5
kill -INT $TAIL
wait $TAIL
t_eq "live: Ctrl-C exits 0" "$?" 0
t_match "live: a missing group is waited for, with a message" \
    "$(cat "$TMP/live.err")" 'waiting for log group /aws/lambda/tl-dev to appear'
t_eq "live: written count" "$(wc -l <"$TMP/live.rec")" 1615
t_eq "live: each event once, in timestamp order, late ones included" \
    "$(check "$TMP/live.rec" "$TMP/live.out")" "ok 1615"
t_eq "live: late arrivals were not flagged late (held long enough)" \
    "$(grep -c '"late":true' "$TMP/live.out")" 0

# 2. Late events beyond the hold are still printed once, marked late.
"$CZAPPA" tail dev --json --hold 200 --since 1m >"$TMP/late.out" 2>/dev/null &
TAIL=$!
t_cleanup "kill $TAIL"
$W live /aws/lambda/tl-dev --record "$TMP/late.rec" --rounds 6 --tag late- \
    --per-round 5 --late-ms 1500 --gap-ms 400
sleep 2.5
kill -INT $TAIL
wait $TAIL
python3 - "$TMP/late.rec" "$TMP/late.out" >"$TMP/late.res" <<'EOP'
import json, sys
want = {json.loads(l)["message"] for l in open(sys.argv[1])}
got = [json.loads(l) for l in open(sys.argv[2])]
msgs = [g["message"] for g in got if g["message"] in want]
late = [g for g in got if g["late"]]
print(len(msgs) == len(want) and len(set(msgs)) == len(msgs), len(late) > 0)
EOP
t_eq "--hold 200: every event once even past the hold, some marked late" \
    "$(cat "$TMP/late.res")" "True True"

# 3. Paging: 12,000 events (more than one 10,000-event page) across 3
# streams, many sharing a millisecond; --no-follow prints them and exits.
$W bulk /aws/lambda/tl-bulk --record "$TMP/bulk.rec" --count 12000
t_run "$CZAPPA" tail bulk --json --no-follow --since 10m
printf '%s\n' "$OUT" >"$TMP/bulk.out"
t_eq "--no-follow exits 0" "$RC" 0
t_eq "--no-follow: 12000 events over two pages, once each, in order" \
    "$(check "$TMP/bulk.rec" "$TMP/bulk.out")" "ok 12000"

# 4. --since and --filter narrow the same data.
t_run "$CZAPPA" tail bulk --json --no-follow --since 1m
n=$(printf '%s\n' "$OUT" | grep -c '"bulk ')
t_match "--since 1m: only the last minute (about 2900 of 12000)" "$n" '^(2[5-9][0-9]{2}|30[0-9]{2})$'
t_run "$CZAPPA" tail bulk --json --no-follow --since 10m --filter '"bulk 1199"'
t_eq "--filter: quoted term" "$(printf '%s\n' "$OUT" | python3 -c '
import json,sys; print(sorted(json.loads(l)["message"] for l in sys.stdin))')" \
    "['bulk 1199', 'bulk 11990', 'bulk 11991', 'bulk 11992', 'bulk 11993', 'bulk 11994', 'bulk 11995', 'bulk 11996', 'bulk 11997', 'bulk 11998', 'bulk 11999']"
since=$(date -u -d '-2 min' +%Y-%m-%dT%H:%M:%SZ)
want=$(python3 -c '
import json, sys, datetime
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ").replace(
    tzinfo=datetime.timezone.utc).timestamp() * 1000
print(sum(1 for l in open(sys.argv[2]) if json.loads(l)["ts"] >= t))' \
    "$since" "$TMP/bulk.rec")
t_run "$CZAPPA" tail bulk --json --no-follow --since "$since"
t_eq "--since ISO time: exactly the events from then on" \
    "$(printf '%s\n' "$OUT" | grep -c '"bulk ')" "$want"
t_run "$CZAPPA" tail bulk --no-follow --since yesterday
t_eq "--since garbage: exit 1" "$RC" 1
t_match "--since garbage: says why" "$ERR" 'since: "yesterday" is not a duration'

# 5. No group and --no-follow: a message, exit 0, nothing printed.
t_run "$CZAPPA" tail none --no-follow
t_eq "missing group, --no-follow: exit 0" "$RC" 0
t_match "missing group, --no-follow: message" "$ERR" 'does not exist yet'

# 6. Plain (pipe) lines and the terminal rendering of platform lines.
python3 - <<'EOP'
import boto3, time
l = boto3.client("logs"); g = "/aws/lambda/tl-plat"
l.create_log_group(logGroupName=g); l.create_log_stream(logGroupName=g, logStreamName="s")
t = int(time.time() * 1000) - 5000
msgs = ["START RequestId: 0123456789abcdef Version: 7\n",
        "2026-11-24T05:39:25.513Z\t0123456789abcdef\tINFO\thello from C\n",
        "END RequestId: 0123456789abcdef\n",
        "REPORT RequestId: 0123456789abcdef\tDuration: 1.52 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 31 MB\tInit Duration: 12.40 ms\t\n",
        "2026-11-24T05:39:26.000Z\t0123456789abcdef\tERROR\tTask timed out after 3.00 seconds\n"]
l.put_log_events(logGroupName=g, logStreamName="s", logEvents=[{"timestamp": t + i, "message": m} for i, m in enumerate(msgs)])
EOP
t_run "$CZAPPA" tail plat --no-follow
t_match "pipe: ISO time, stream and message as written" "$OUT" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z s START RequestId: 0123456789abcdef Version: 7'
t_eq "pipe: every line" "$(printf '%s\n' "$OUT" | wc -l)" 5
# A terminal: script(1) gives tail a pty for stdout.
script -qec "NO_COLOR= TERM=xterm $CZAPPA tail plat --no-follow" /dev/null \
    >"$TMP/tty.out" 2>&1
tty=$(sed 's/\x1b\[[0-9;]*m//g; s/\r//g' "$TMP/tty.out")
t_match "terminal: START condensed" "$tty" '> 01234567 version 7'
t_nomatch "terminal: END dropped" "$tty" 'END RequestId'
t_match "terminal: REPORT condensed with cold start" "$tty" \
    '< 01234567 1.52 ms \(billed 2 ms\) mem 31 MB/128 MB cold start 12.40 ms'
t_match "terminal: errors in red" "$(cat "$TMP/tty.out")" \
    $'\x1b\\[31mERROR.*Task timed out|\x1b\\[1m\x1b\\[31m.*Task timed out'
t_done
