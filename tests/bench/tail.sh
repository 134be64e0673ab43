#!/usr/bin/env bash
# bench/tail: latency from a log event being written (boto3 put_log_events
# returned) to `czappa tail` printing its line, against moto, with the
# default hold (2 s, to order late events) and with --hold 0, side by side,
# each as a ratio to the 0.5 s poll interval.  Figures, not assertions.
# usage: tests/bench/tail.sh [BUILDDIR]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
CZAPPA=${CZAPPA:-$BUILD/czappa}
. "$ROOT/tests/lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
moto_start >/dev/null
cd "$TMP"
printf 'service: lat\nprovider:\n  region: us-east-1\nbuild:\n  sources: [a.c]\nstages:\n  a: {}\n  b: {}\n' \
    >serverless.yaml

# measure STAGE [tail options]: median and p90 ms over 30 events written
# 300 ms apart (the writer stamps each message with its write time).
measure() {
	local stage=$1
	shift
	python3 - "$CZAPPA" "$stage" "$ROOT/tests/lib/logwriter.py" "$@" <<'EOP'
import json, subprocess, sys, threading, time
cz, stage, writer, opts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
tail = subprocess.Popen([cz, "tail", stage, "--json", "--since", "1m"] + opts,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
lat = []
def read():
    for line in tail.stdout:
        now = time.time() * 1e6
        m = json.loads(line)["message"].split()
        if m[0] == "latency":
            lat.append((now - int(m[2])) / 1000)
t = threading.Thread(target=read); t.start()
time.sleep(1)
subprocess.run(["python3", writer, "latency", "/aws/lambda/lat-" + stage,
                "--count", "30", "--gap-ms", "300"], check=True)
time.sleep(4)
tail.send_signal(2); tail.wait(); t.join()
lat.sort()
print("%d %.0f %.0f" % (len(lat), lat[len(lat) // 2], lat[int(len(lat) * 0.9)]))
EOP
}
read -r n1 med1 p901 <<<"$(measure a)"
read -r n2 med2 p902 <<<"$(measure b --hold 0)"
printf '%-40s %8s %8s %8s %14s\n' "tail latency, write -> line printed" events "median" p90 "median/poll"
printf '%-40s %8s %6s ms %5s ms %13.1fx\n' "default (hold 2000 ms, poll 500 ms)" "$n1" "$med1" "$p901" \
    "$(python3 -c "print($med1 / 500)")"
printf '%-40s %8s %6s ms %5s ms %13.1fx\n' "--hold 0 (no ordering of late events)" "$n2" "$med2" "$p902" \
    "$(python3 -c "print($med2 / 500)")"
