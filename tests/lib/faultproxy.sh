# faultproxy.sh: shell helpers that put tests/lib/faultproxy.py between the
# code under test and moto.  Source after t.sh and moto.sh, then:
#
#   moto_start
#   proxy_start RULES_FILE        # "" or a missing file: no rules yet
#   ... run czappa / boto3 against $AWS_ENDPOINT_URL (now the proxy) ...
#   proxy_rules FILE|-            # replace the rules (counters restart)
#   proxy_log                     # the request log, one JSON object a line
#   proxy_count lambda GetFunction   # how many such calls were made
#   proxy_stat bytes_in s3 PutObject # bytes_in/bytes_out summed over them
#   proxy_log_reset
#
# proxy_start exports PROXY_URL, PROXY_PORT, PROXY_PID, PROXY_UPSTREAM (the
# endpoint it forwards to), PROXY_LOG (the log file) and points
# AWS_ENDPOINT_URL at the proxy.  The kill is registered with t_cleanup; we
# end only the PID we started.

FAULTPROXY_PY=${FAULTPROXY_PY:-$ROOT/tests/lib/faultproxy.py}

proxy_start() {
	local rules=${1:-} ready i
	shift || true
	: "${AWS_ENDPOINT_URL:?proxy_start: start moto first (AWS_ENDPOINT_URL)}"
	PROXY_UPSTREAM=$AWS_ENDPOINT_URL
	ready=$(mktemp -u "$TMP/proxy-port.XXXXXX")
	PROXY_LOG=$(mktemp "$TMP/proxy-log.XXXXXX")
	python3 "$FAULTPROXY_PY" --upstream "$PROXY_UPSTREAM" --port 0 \
	    --ready-file "$ready" ${rules:+--rules "$rules"} \
	    --log "$PROXY_LOG" "$@" 2>>"$TMP/proxy.err" &
	PROXY_PID=$!
	t_cleanup "kill $PROXY_PID"
	for ((i = 0; i < 100; i++)); do
		[ -s "$ready" ] && break
		kill -0 "$PROXY_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -s "$ready" ]; then
		echo "proxy_start: proxy did not start:" >&2
		cat "$TMP/proxy.err" >&2
		return 1
	fi
	PROXY_PORT=$(cat "$ready")
	PROXY_URL=http://127.0.0.1:$PROXY_PORT
	export PROXY_URL PROXY_PORT PROXY_PID PROXY_UPSTREAM PROXY_LOG
	export AWS_ENDPOINT_URL=$PROXY_URL
}

# proxy_rules FILE (or - for stdin): replace the rules now, through the
# control endpoint, so the change is in force when this returns.
proxy_rules() {
	local code
	code=$(curl -s -o "$TMP/.proxy-rules" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' --data-binary @"${1:--}" \
	    "$PROXY_URL/__proxy/rules")
	if [ "$code" != 200 ]; then
		echo "proxy_rules: $code $(cat "$TMP/.proxy-rules")" >&2
		return 1
	fi
}

# proxy_log [service [operation]]: the logged requests, JSON lines.
proxy_log() {
	curl -sf -G ${1:+--data-urlencode "service=$1"} \
	    ${2:+--data-urlencode "operation=$2"} "$PROXY_URL/__proxy/log"
}

proxy_log_reset() {
	curl -sf -o /dev/null -X POST "$PROXY_URL/__proxy/reset-log"
}

# proxy_stat FIELD [service [operation]]: count, bytes_in or bytes_out.
proxy_stat() {
	curl -sf -G ${2:+--data-urlencode "service=$2"} \
	    ${3:+--data-urlencode "operation=$3"} "$PROXY_URL/__proxy/stats" |
	    python3 -c 'import json,sys;print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# proxy_count [service [operation]]: how many such requests were made.
proxy_count() {
	proxy_stat count "$@"
}
