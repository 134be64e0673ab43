#!/usr/bin/env bash
# init.sh: `czappa init` writes serverless.yaml and handlers/app.c from the
# templates compiled into czappa: unattended with --yes and flags, never
# prompting off a terminal (the error names --yes), refusing to overwrite
# without --force, rejecting bad answers; the project it writes loads and
# builds (checked by a dry-run deploy against moto, which compiles it).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/project.sh"

PROJ=$TMP/p1
mkdir -p "$PROJ"
cz init </dev/null
t_eq "init off a terminal without --yes fails" "$RC" 1
t_match "init names --yes" "$ERR" 'stdin is not a terminal; pass --yes'
t_eq "nothing written without an answer" "$(ls -A "$PROJ")" ""

cz init --yes --service timeapp --region eu-west-1 --architecture arm64 \
    --http function-url --keep-warm false
t_eq "init --yes exits 0" "$RC" 0
Y=$(cat "$PROJ/serverless.yaml")
t_match "service written" "$Y" '^service: timeapp$'
t_match "region written" "$Y" 'region: eu-west-1'
t_match "architecture written" "$Y" 'architecture: arm64'
t_match "http written" "$Y" 'http: function-url'
t_match "keep_warm written" "$Y" 'keep_warm: false'
t_match "handler written" "$(cat "$PROJ/handlers/app.c")" 'cz_route\(app, "GET", "/time", get_time\)'

cz init --yes --service other
t_eq "second init refuses" "$RC" 1
t_match "second init names --force" "$ERR" 'serverless\.yaml exists; pass --force'
t_match "first answers kept" "$(cat "$PROJ/serverless.yaml")" '^service: timeapp$'
cz init --yes --service other --force
t_eq "init --force overwrites" "$RC" 0
t_match "overwritten" "$(cat "$PROJ/serverless.yaml")" '^service: other$'

for bad in "--architecture sparc:architecture" "--http rest:http" \
    "--service Bad_Name:service name" "--keep-warm often:keep-warm"; do
	mkdir -p "$TMP/bad"
	PROJ=$TMP/bad
	# shellcheck disable=SC2086
	cz init --yes ${bad%%:*}
	t_eq "bad ${bad%%:*} refused" "$RC" 1
	t_match "bad ${bad%%:*} named" "$ERR" "${bad#*:}"
done

# defaults: the directory's name, x86_64, httpapi, keep-warm every 4 minutes
mkdir -p "$TMP/My App"
PROJ="$TMP/My App"
cz init --yes
t_match "default service from the directory" "$(cat "$PROJ/serverless.yaml")" '^service: my-app$'
t_match "default http" "$(cat "$PROJ/serverless.yaml")" 'http: httpapi'
t_match "default keep-warm" "$(cat "$PROJ/serverless.yaml")" 'keep_warm: rate\(4 minutes\)'

# The generated project loads and compiles: a dry run builds it.
moto_start
cz deploy dev --dry-run
t_eq "generated project deploys (dry-run)" "$RC" 0
t_match "generated project compiled" "$ERR" 'build [0-9]+ ms'
t_done
