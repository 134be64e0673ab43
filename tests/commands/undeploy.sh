#!/usr/bin/env bash
# undeploy.sh: `czappa undeploy` removes everything the stage created in
# reverse order, keeps logs and artifacts unless --purge, needs --yes off a
# terminal, is idempotent, and leaves nothing that each service's list
# calls (or the tagging API, after --purge) would find.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/project.sh"

moto_start
project_new "$TMP/app" --service gone
cat >>"$TMP/app/serverless.yaml" <<'YAML'
schedules:
  - name: nightly
    schedule: cron(0 3 * * ? *)
YAML
sed -i 's/^  tags: {}/  policies: [{Effect: Allow, Action: "sqs:SendMessage", Resource: "*"}]/' "$TMP/app/serverless.yaml"
cz deploy dev
t_eq "deploy exits 0" "$RC" 0
# another stage of the same service must survive
cz deploy prod
t_eq "deploy prod exits 0" "$RC" 0

cz undeploy dev </dev/null
t_eq "undeploy off a terminal without --yes fails" "$RC" 1
t_match "undeploy names --yes" "$ERR" 'pass --yes'

cz undeploy dev --yes
t_eq "undeploy exits 0" "$RC" 0
t_match "undeploy says what it removed" "$OUT" 'undeployed gone/dev: [0-9]+ resources removed'
t_match "undeploy removed the role" "$ERR" 'removed +role +gone-dev-czappa'
t_match "undeploy kept the log group on purpose" "$ERR" 'kept +log group +/aws/lambda/gone-dev \(--purge'
t_match "undeploy kept the artifacts on purpose" "$ERR" 'kept +artifacts'
py_check <<'PY'
lam, iam, ev, api, logs, s3 = (c(n) for n in ("lambda", "iam", "events", "apigatewayv2", "logs", "s3"))
eq("no dev function", sorted(f["FunctionName"] for f in lam.list_functions()["Functions"]), ["gone-prod"])
eq("no dev role", code(iam.get_role, RoleName="gone-dev-czappa"), "NoSuchEntity")
eq("no dev rules", ev.list_rules(NamePrefix="gone-dev-")["Rules"], [])
eq("no dev api", [a["Name"] for a in api.get_apis()["Items"]], ["gone-prod"])
eq("log group kept", [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/gone-dev")["logGroups"]], ["/aws/lambda/gone-dev"])
eq("artifact kept", len(s3.list_objects_v2(Bucket="czappa-123456789012-us-east-1", Prefix="czappa/gone/dev/").get("Contents", [])), 1)
eq("prod untouched", lam.get_alias(FunctionName="gone-prod", Name="live")["FunctionVersion"], "1")
eq("prod rules untouched", len(ev.list_rules(NamePrefix="gone-prod-")["Rules"]), 2)
PY

cz undeploy dev --yes
t_eq "second undeploy exits 0" "$RC" 0
t_match "second undeploy: nothing to remove" "$OUT" '^nothing to remove'

cz undeploy dev --yes --purge
t_eq "purge exits 0" "$RC" 0
t_match "purge removes the log group" "$ERR" 'removed +log group'
t_match "purge keeps the shared bucket" "$ERR" 'kept +bucket .*other objects remain'
cz undeploy prod --yes --purge
t_eq "purge prod exits 0" "$RC" 0
t_match "last purge removes the bucket" "$ERR" 'removed +bucket +czappa-123456789012-us-east-1'
py_check <<'PY'
lam, iam, ev, api, logs, s3, tg = (c(n) for n in ("lambda", "iam", "events", "apigatewayv2", "logs", "s3", "resourcegroupstaggingapi"))
eq("no functions", lam.list_functions()["Functions"], [])
eq("no roles", [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("gone-")], [])
eq("no rules", ev.list_rules(NamePrefix="gone-")["Rules"], [])
eq("no apis", api.get_apis()["Items"], [])
eq("no log groups", logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/gone-")["logGroups"], [])
eq("no bucket", [b["Name"] for b in s3.list_buckets()["Buckets"]], [])
for st in ("dev", "prod"):
    res = tg.get_resources(TagFilters=[{"Key": "czappa:stage", "Values": [st]}])["ResourceTagMappingList"]
    eq("tagging API finds nothing of %s" % st, [r["ResourceARN"] for r in res], [])
PY
cz undeploy prod --yes --purge
t_match "undeploy after purge: nothing to remove" "$OUT" '^nothing to remove'
t_done
