#!/usr/bin/env bash
# rollback.sh: `czappa rollback` moves alias live back N published versions
# (code and configuration together, nothing re-published), says from which
# to which, and refuses clearly when there is no such older version.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/project.sh"

moto_start
project_new "$TMP/app" --service rb

cz rollback dev
t_eq "rollback of nothing fails" "$RC" 1
t_match "rollback of nothing says not deployed" "$ERR" 'not deployed'

cz deploy dev
sed -i 's/memory: 128 /memory: 256 /' "$TMP/app/serverless.yaml"
cz update dev
sed -i 's/memory: 256 /memory: 512 /' "$TMP/app/serverless.yaml"
cz update dev
t_match "three versions published" "$OUT" 'from version 2 to 3'

cz rollback dev
t_eq "rollback exits 0" "$RC" 0
t_eq "rollback says from and to" "$OUT" "rolled back dev: live moved from version 3 to 2"
py_check <<'PY'
lam = c("lambda")
eq("live -> 2", lam.get_alias(FunctionName="rb-dev", Name="live")["FunctionVersion"], "2")
eq("live serves version 2's memory", lam.get_function_configuration(FunctionName="rb-dev", Qualifier="live")["MemorySize"], 256)
eq("nothing re-published", [v["Version"] for v in lam.list_versions_by_function(FunctionName="rb-dev")["Versions"]], ["$LATEST", "1", "2", "3"])
PY

cz rollback dev -n 5
t_eq "rollback too far fails" "$RC" 1
t_match "rollback too far says why" "$ERR" 'cannot go back 5 versions from version 2: the oldest is 1'

cz rollback dev -n 1 --json
t_eq "rollback --json" "$OUT" '{"stage":"dev","from":"2","to":"1"}'
cz rollback dev
t_match "rollback from the oldest refuses" "$ERR" 'it is the oldest published version'

# update after a rollback rolls forward to what the config says
cz update dev
t_eq "update after rollback exits 0" "$RC" 0
py_check <<'PY'
lam = c("lambda")
eq("update after rollback serves the config's memory", lam.get_function_configuration(FunctionName="rb-dev", Qualifier="live")["MemorySize"], 512)
PY
t_done
