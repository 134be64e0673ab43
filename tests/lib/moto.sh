# moto.sh: start and stop a private moto_server on a free loopback port.
# moto_start [ENV=VAL ...] exports AWS_ENDPOINT_URL, MOTO_PORT and MOTO_PID
# with dummy credentials that can never reach a real account, and registers
# the stop with t_cleanup (we end only the PID we started).

moto_env() {
	export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
	export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
}

moto_start() {
	local i
	moto_env
	MOTO_PORT=$(t_free_port)
	env MOTO_IAM_LOAD_MANAGED_POLICIES=true "$@" \
	    moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$TMP/moto.log" 2>&1 &
	MOTO_PID=$!
	t_cleanup "kill $MOTO_PID"
	export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
	for ((i = 0; i < 300; i++)); do
		curl -sf -o /dev/null "$AWS_ENDPOINT_URL/moto-api/config" && break
		sleep 0.1
	done
	curl -sf -X POST -H 'Content-Type: application/json' \
	    -d '{"lambda":{"use_docker":false}}' \
	    "$AWS_ENDPOINT_URL/moto-api/config" >/dev/null
}

moto_stop() {
	kill "$MOTO_PID" 2>/dev/null
	wait "$MOTO_PID" 2>/dev/null
	return 0
}
