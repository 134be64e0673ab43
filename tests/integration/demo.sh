#!/usr/bin/env bash
# The README's demo (./dev demo runs tests/demo.sh) still runs end to end:
# init, local, package, deploy to moto, status, invoke, update, undeploy.
. "$(dirname "$0")/../lib/t.sh"
t_run bash "$ROOT/tests/demo.sh" "$CZAPPA"
t_eq "demo: exit 0" "$RC" 0
t_match "demo: czappa local answered /time" "$OUT" '"time":"[0-9]{4}-'
t_match "demo: deploy printed the URL" "$OUT" '^https://[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com$'
t_match "demo: status shows no drift" "$OUT" '^drift +none$'
t_match "demo: update found nothing to do" "$OUT$ERR" 'no changes: live is version 1'
t_match "demo: second undeploy had nothing left" "$OUT$ERR" 'nothing to remove'
t_match "demo: finished" "$OUT" 'demo finished'
t_done
