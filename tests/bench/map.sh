#!/usr/bin/env bash
# bench/map: `czappa map --local` throughput with -j 64 against -j 1, side
# by side in one run, for a function that waits like a typical Lambda call
# (5 ms of I/O, then a Black-Scholes price) and for a pure-CPU one; then the
# same ratio against moto's Lambda through curl multi from one thread.
# Figures, not assertions.  usage: tests/bench/map.sh [BUILDDIR]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
CZAPPA=${CZAPPA:-$BUILD/czappa}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
. "$ROOT/tests/lib/faultproxy.sh"
cd "$TMP"
cat >bs.c <<'EOC'
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <czappa.h>

static void
bs(const cz_request *req, cz_response *res)
{
	json_t	*in = cz_input(req);
	double	 S = json_number_value(json_object_get(in, "S"));
	double	 K = json_number_value(json_object_get(in, "K"));
	double	 T = 1, r = 0.01, v = 0.2, d1, d2;
	const char *io = getenv("BENCH_IO_US");

	if (io)
		usleep((useconds_t)atoi(io));
	d1 = (log(S / K) + (r + v * v / 2) * T) / (v * sqrt(T));
	d2 = d1 - v * sqrt(T);
	cz_result(res, json_pack("{s:f}", "call", S * 0.5 * erfc(-d1 / sqrt(2))
	    - K * exp(-r * T) * 0.5 * erfc(-d2 / sqrt(2))));
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_function(app, "bs", bs);
	return cz_run(app);
}
EOC
for v in io cpu; do
	mkdir -p "$v"
	cp bs.c "$v/"
	env=""
	[ "$v" = io ] && env='  environment: {BENCH_IO_US: "5000"}'
	printf 'service: bench\nprovider:\n  region: us-east-1\n%s\nbuild:\n  sources: [bs.c]\n  libs: [m]\nstages:\n  dev: {}\n' \
	    "$env" >"$v/serverless.yaml"
done
python3 -c '
import json, random
random.seed(1)
for i in range(2000):
    print(json.dumps({"S": random.uniform(50, 150), "K": random.uniform(50, 150)}))' >in.jsonl
head -400 in.jsonl >in400.jsonl

# rate DIR INPUT J [--local]: invocations per second from map's summary.
rate() {
	local dir=$1 in=$2 j=$3
	shift 3
	(cd "$dir" && "$CZAPPA" map dev "$TMP/$in" -j "$j" "$@" \
	    >/dev/null 2>"$TMP/err") || { cat "$TMP/err" >&2; exit 1; }
	sed -n 's/^map: .* \([0-9.]*\)\/s.*/\1/p' "$TMP/err"
}
row() {
	printf '%-44s %10s %10s %7.1fx\n' "$1" "$2" "$3" \
	    "$(python3 -c "print($3 / $2)")"
}
printf '%-44s %10s %10s %8s\n' "map throughput (invocations/s)" "-j 1" "-j 64" ratio
# Warm the build cache so compiling is not measured.
(cd io && "$CZAPPA" map dev "$TMP/in400.jsonl" -j 1 --local >/dev/null 2>&1)
(cd cpu && "$CZAPPA" map dev "$TMP/in400.jsonl" -j 1 --local >/dev/null 2>&1)
row "local pool, 5 ms I/O per call (400 / 2000)" \
    "$(rate io in400.jsonl 1 --local)" "$(rate io in.jsonl 64 --local)"
row "local pool, pure CPU, 2 cores (2000)" \
    "$(rate cpu in.jsonl 1 --local)" "$(rate cpu in.jsonl 64 --local)"
moto_start >/dev/null
python3 - <<'EOP'
import boto3, io, zipfile
iam = boto3.client("iam"); lam = boto3.client("lambda")
role = iam.create_role(RoleName="bench-dev-czappa", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
b = io.BytesIO(); z = zipfile.ZipFile(b, "w"); z.writestr("bootstrap", "x"); z.close()
lam.create_function(FunctionName="bench-dev", Runtime="provided.al2023", Role=role, Handler="bootstrap", Code={"ZipFile": b.getvalue()})
lam.create_alias(FunctionName="bench-dev", Name="live", FunctionVersion=lam.publish_version(FunctionName="bench-dev")["Version"])
EOP
row "moto Lambda, one thread, curl multi (400)" \
    "$(rate cpu in400.jsonl 1)" "$(rate cpu in400.jsonl 64)"
# A network round trip like a region's: 50 ms added to every Invoke.
echo '[{"service":"lambda","operation":"Invoke","action":"delay","ms":50}]' \
    >rules.json
proxy_start rules.json >/dev/null
row "moto Lambda + 50 ms round trip (400)" \
    "$(rate cpu in400.jsonl 1)" "$(rate cpu in400.jsonl 64)"
echo "(moto answers about 130 Invokes/s on this machine: the ceiling above)"
