#!/usr/bin/env bash
# update.sh: `czappa update` against moto behind the fault proxy (for its
# request log): an unchanged update makes a handful of read calls, uploads
# nothing and publishes nothing; a configuration change publishes a new
# version without uploading; a code change uploads and publishes; schedules
# added and removed are applied; updating a stage that does not exist
# names `czappa deploy`.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
. "$ROOT/tests/lib/project.sh"

moto_start
proxy_start "" || { t_fail "proxy starts" "$(cat "$TMP/proxy.err")"; t_done; exit 1; }
project_new "$TMP/app" --service upd

cz update dev
t_eq "update before deploy fails" "$RC" 1
t_match "update before deploy names deploy" "$ERR" 'not deployed.*czappa deploy dev'

cz deploy dev
t_eq "deploy exits 0" "$RC" 0

proxy_log_reset
cz update dev
t_eq "unchanged update exits 0" "$RC" 0
t_match "unchanged update says no changes" "$OUT" '^no changes: live is version 1'
CALLS=$(proxy_count)
t_eq "unchanged update: no PutObject" "$(proxy_count s3 PutObject)" 0
t_eq "unchanged update: no PublishVersion" "$(proxy_count lambda PublishVersion)" 0
if [ "$CALLS" -le 6 ]; then t_ok "unchanged update: $CALLS calls (at most 6)"
else t_fail "unchanged update: at most 6 calls" "$CALLS: $(proxy_log | cut -c1-200)"; fi
t_eq "unchanged update: only reads" "$(proxy_log | python3 -c '
import json, sys
ops = [json.loads(l)["operation"] for l in sys.stdin]
print(all(o.startswith(("Get", "List", "Describe", "Head")) for o in ops))')" True

# configuration change: new version, no upload
sed -i 's/memory: 128 /memory: 256 /' "$TMP/app/serverless.yaml"
proxy_log_reset
cz update dev
t_eq "config update exits 0" "$RC" 0
t_match "config update moves live" "$OUT" 'live moved from version 1 to 2'
t_eq "config update: no upload" "$(proxy_count s3 PutObject)" 0
t_eq "config update: one PublishVersion" "$(proxy_count lambda PublishVersion)" 1
t_eq "config update: no code update" "$(proxy_count lambda UpdateFunctionCode)" 0

# code change: upload and new version
sed -i 's/"epoch"/"seconds"/' "$TMP/app/handlers/app.c"
proxy_log_reset
cz update dev
t_eq "code update exits 0" "$RC" 0
t_match "code update moves live" "$OUT" 'live moved from version 2 to 3'
t_eq "code update: one upload" "$(proxy_count s3 PutObject)" 1
t_eq "code update: one code update" "$(proxy_count lambda UpdateFunctionCode)" 1
t_eq "code update: no config update" "$(proxy_count lambda UpdateFunctionConfiguration)" 0
SHA=$(cd "$TMP/app" && sha256sum .czappa/build/*/upd-dev.zip | cut -d' ' -f1)

# schedules: add one and drop keep-warm
sed -i 's/^keep_warm: .*/keep_warm: false/' "$TMP/app/serverless.yaml"
cat >>"$TMP/app/serverless.yaml" <<'YAML'
schedules:
  - name: nightly
    schedule: rate(1 day)
YAML
proxy_log_reset
cz update dev
t_eq "schedule update exits 0" "$RC" 0
t_eq "schedule update: no new version" "$(proxy_count lambda PublishVersion)" 0
t_match "schedule update reports the removed rule" "$ERR" 'remove +rule +upd-dev-keep-warm'

SHA=$SHA py_check <<'PY'
import base64
lam, ev = c("lambda"), c("events")
eq("live -> 3", lam.get_alias(FunctionName="upd-dev", Name="live")["FunctionVersion"], "3")
v2 = lam.get_function_configuration(FunctionName="upd-dev", Qualifier="2")
v3 = lam.get_function_configuration(FunctionName="upd-dev", Qualifier="3")
v1 = lam.get_function_configuration(FunctionName="upd-dev", Qualifier="1")
eq("version 1 memory", v1["MemorySize"], 128)
eq("version 2 memory", v2["MemorySize"], 256)
eq("version 2 kept version 1's code", v2["CodeSha256"], v1["CodeSha256"])
eq("version 3 has the new code", v3["CodeSha256"], base64.b64encode(bytes.fromhex(os.environ["SHA"])).decode())
rules = ev.list_rules(NamePrefix="upd-dev-")["Rules"]
eq("rules after schedule change", [(r["Name"], r["ScheduleExpression"]) for r in rules], [("upd-dev-nightly", "rate(1 day)")])
pol = json.loads(lam.get_policy(FunctionName="upd-dev", Qualifier="live")["Policy"])
sids = sorted(s["Sid"] for s in pol["Statement"] if s["Sid"].startswith("czappa-events"))
eq("events permissions follow the rules", sids, ["czappa-events-upd-dev-nightly"])
PY

proxy_log_reset
cz update dev --json
t_eq "unchanged update --json exits 0" "$RC" 0
t_eq "unchanged update --json says unchanged" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["changed"], d["version"])')" "False 3"
t_eq "unchanged update --json: no PublishVersion" "$(proxy_count lambda PublishVersion)" 0
t_done
