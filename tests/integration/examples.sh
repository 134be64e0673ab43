#!/usr/bin/env bash
# Every example in handlers/ packages from its own folder with its own
# serverless.yaml, and answers through the locally built bootstrap
# (invoke --local, local --schedule) as a user would try it.
. "$(dirname "$0")/../lib/t.sh"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
field() { python3 -c 'import json,sys;d=json.load(sys.stdin)
for k in sys.argv[1:]:
    d = json.loads(d) if isinstance(d, str) else d
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d)' "$@"; }
v2() {	# v2 METHOD PATH QUERY: a minimal HTTP API event
	printf '{"version":"2.0","routeKey":"$default","rawPath":"%s","rawQueryString":"%s","headers":{"host":"x"},"requestContext":{"http":{"method":"%s","path":"%s"}},"isBase64Encoded":false}' \
	    "$2" "$3" "$1" "$2"
}

for app in time echo knn blackscholes cleanup; do
	cp -r "$ROOT/handlers/$app" "$TMP/$app"
	rm -rf "$TMP/$app/.czappa"
	(cd "$TMP/$app" && t_run "$CZAPPA" package dev --json
	 t_eq "$app: packages from its folder" "$RC" 0
	 [ "$RC" = 0 ] || echo "# $ERR")
done

cd "$TMP/time"
out=$("$CZAPPA" invoke dev --local "$(v2 GET /time 'tz=Asia/Tokyo')" 2>/dev/null)
t_eq "time: 200" "$(echo "$out" | field statusCode)" 200
t_match "time: Tokyo is +0900 from the zoneinfo in the zip" \
    "$(echo "$out" | field body time)" '\+0900$'
out=$("$CZAPPA" invoke dev --local "$(v2 GET /time 'tz=Mars/Olympus')" 2>/dev/null)
t_eq "time: unknown zone is a 400" "$(echo "$out" | field statusCode)" 400
unzip -l .czappa/build/x86_64/*.zip >"$TMP/list"
t_match "time: zoneinfo ships in the zip" "$(cat "$TMP/list")" 'zoneinfo/Asia/Tokyo'

cd "$TMP/echo"
out=$("$CZAPPA" invoke dev --local "$(v2 GET /users/42 'a=1&a=2')" 2>/dev/null)
t_eq "echo: path parameter" "$(echo "$out" | field body)" "user 42"
out=$("$CZAPPA" invoke dev --local "$(v2 PUT /a/b 'q=%C3%A9')" 2>/dev/null)
t_eq "echo: {proxy+} takes the rest of the path" \
    "$(echo "$out" | field body params 0 1)" "a/b"
t_eq "echo: query decoded" "$(echo "$out" | field body query 0 1)" "é"

cd "$TMP/knn"
out=$("$CZAPPA" invoke dev --local "$(v2 GET /predict 'feature_1=1&feature_2=2')" 2>/dev/null)
t_eq "knn: the model file in the zip classifies" "$(echo "$out" | field body blob)" a
out=$("$CZAPPA" invoke dev --local "$(v2 POST /predict '')" 2>/dev/null)
t_eq "knn: POST on a GET route is 405" "$(echo "$out" | field statusCode)" 405

cd "$TMP/blackscholes"
out=$("$CZAPPA" invoke dev --local --function price \
    '{"S":100,"K":100,"r":0.05,"sigma":0.2,"T":1}' 2>/dev/null)
t_match "blackscholes: call price 10.45 (Hull's textbook value)" \
    "$(echo "$out" | python3 -c 'import json,sys;d=json.load(sys.stdin);print(round(d["price"],2))')" '^10\.45$'

cd "$TMP/cleanup"
mkdir -p "$TMP/cache"
t_run "$CZAPPA" local dev --schedule cleanup
t_eq "cleanup: the schedule fires locally" "$RC" 0
t_done
