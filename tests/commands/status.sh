#!/usr/bin/env bash
# status.sh: `czappa status` reads back what is deployed (text and --json),
# reports drift (resources missing or different from the config), and
# exits non-zero with a clear message for a stage that does not exist.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/project.sh"

moto_start
project_new "$TMP/app" --service st

cz status dev
t_eq "status of nothing exits 1" "$RC" 1
t_match "status of nothing says so" "$ERR" 'stage dev is not deployed: no function st-dev'

cz deploy dev
URL=$OUT
cz status dev
t_eq "status exits 0" "$RC" 0
t_match "status: function ARN" "$OUT" 'function +arn:aws:lambda:us-east-1:123456789012:function:st-dev'
t_match "status: live version" "$OUT" 'live version +1'
t_match "status: code" "$OUT" 'code +[0-9]+ bytes, sha256 [A-Za-z0-9+/=]{44}'
t_match "status: memory" "$OUT" 'memory +128 MB'
t_match "status: timeout" "$OUT" 'timeout +10 s'
t_match "status: architecture" "$OUT" 'architecture +x86_64'
t_match "status: last modified" "$OUT" 'last modified +20[0-9-]+T'
t_match "status: url" "$OUT" "url +$URL"
t_match "status: schedule" "$OUT" 'schedule +st-dev-keep-warm rate\(4 minutes\)'
t_match "status: no drift" "$OUT" 'drift +none'

cz status dev --json
t_eq "status --json" "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["live_version"], d["memory"], d["architecture"], d["url"] != "", d["schedules"][0]["expression"], d["drift"])')" \
    "1 128 x86_64 True rate(4 minutes) []"

# drift: the log group goes away and the config asks for more memory
py_check <<'PY'
c("logs").delete_log_group(logGroupName="/aws/lambda/st-dev")
ok("log group deleted behind czappa's back", True)
PY
sed -i 's/memory: 128 /memory: 1024 /' "$TMP/app/serverless.yaml"
cz status dev
t_match "drift: missing log group" "$OUT" 'drift +log group /aws/lambda/st-dev is missing'
t_match "drift: memory" "$OUT" 'drift +memory is 128 MB, config says 1024'
cz deploy dev
cz status dev
t_match "deploy repairs the drift" "$OUT" 'drift +none'
t_done
