#!/usr/bin/env bash
# Connection reuse: a deploy's many calls travel over few connections (the
# fault proxy speaks HTTP/1.1 keep-alive, which moto itself does not), and
# -v prints one line per call with no header or body in it.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
. "$ROOT/tests/lib/project.sh"
moto_start
proxy_start ""
project_new "$TMP/app" --service reuse --region us-east-1
cz deploy dev -v
t_eq "deploy through the proxy: exit 0" "$RC" 0
read -r calls conns <<<"$(proxy_log | python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin]
print(len(es), len({e["conn"] for e in es}))')"
t_match "deploy made its calls ($calls)" "$calls" '^[1-9][0-9]+$'
# A deploy runs up to a few calls in parallel, each thread on its own
# connection; without reuse every call would open one.
if [ "$conns" -le $((calls / 2)) ]; then
	t_ok "connections are reused: $calls calls over $conns connections"
else
	t_fail "connections are reused" "$calls calls over $conns connections"
fi
vlines=$(printf '%s\n' "$ERR" | grep -c '^aws: ')
t_eq "-v prints one line per call" "$vlines" "$calls"
t_nomatch "-v shows no header or signature" "$ERR" 'Authorization|Credential=|X-Amz-Date|testing'
cz undeploy dev --yes --purge
t_eq "undeploy: exit 0" "$RC" 0
t_done
