#!/usr/bin/env bash
# runtime.sh: benchmark (figures, no assertions) of the czappa runtime.  The
# time app (handlers/time, statically linked with libczappa-runtime.a) and
# tests/bench/bare_loop.c (a raw-socket loop with no JSON) each run under a
# tight Runtime API server written in C below, side by side in one run:
#   invocations/s, p50/p99 latency per invocation (event sent to answer
#   received), init (exec to the first GET /next), peak RSS (VmHWM), and the
#   size of the deployment zip (stripped bootstrap, deflated), and, when
#   valgrind is installed, instructions per invocation counted by callgrind
#   (the difference between a short and a long run, so init drops out):
#   unlike times, that count does not move with the machine's load.
# Each figure is the median of ROUNDS runs, with the ratio czappa / bare.
#
#   tests/bench/runtime.sh [-b BUILDDIR] [-n INVOCATIONS] [-r ROUNDS]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${CZ_BUILDDIR:-$ROOT/build}
N=20000
ROUNDS=5
while getopts b:n:r: o; do
	case $o in
	b) B=$(cd "$OPTARG" && pwd) ;;
	n) N=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	*) echo "usage: $0 [-b BUILDDIR] [-n INVOCATIONS] [-r ROUNDS]" >&2; exit 2 ;;
	esac
done
RT=$B/src/runtime
[ -f "$RT/libczappa-runtime.a" ] || ninja -C "$B" src/runtime/libczappa-runtime.a >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/czappa-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/driver.c" <<'EOF'
/* A tight Runtime API server: serves one event N times to one bootstrap
 * over keep-alive HTTP/1.1 and times it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static int lfd, cfd = -1;
static char buf[1 << 20];
static size_t have;

static double now_us(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
/* One request (headers + Content-Length body) into buf; reconnects. */
static void request(void) {
	char *end, *cl;
	size_t need = 0, hl;
	ssize_t r;
	have = 0;
	for (;;) {
		if (cfd == -1) {
			cfd = accept(lfd, NULL, NULL);
			int one = 1;
			setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		}
		r = read(cfd, buf + have, sizeof buf - 1 - have);
		if (r <= 0) { close(cfd); cfd = -1; have = 0; continue; }
		have += (size_t)r;
		buf[have] = 0;
		if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			hl = (size_t)(end - buf) + 4;
			cl = strcasestr(buf, "\ncontent-length:");
			need = hl + (cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0);
			if (have >= need) return;
		}
	}
}
static void put(const char *p, size_t n) {
	while (n > 0) { ssize_t w = write(cfd, p, n); if (w <= 0) exit(3); p += w; n -= (size_t)w; }
}
static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}
int main(int argc, char **argv) {
	/* A 5th argument: end by closing the socket and waiting, so that a
	 * bootstrap run under callgrind exits and writes its counts. */
	if (argc != 4 && argc != 5) return 2;
	int n = atoi(argv[1]), warm = n / 10;
	FILE *f = fopen(argv[2], "r");
	static char ev[1 << 16];
	size_t evn = fread(ev, 1, sizeof ev, f);
	fclose(f);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 4)) return 2;
	getsockname(lfd, (struct sockaddr *)&a, &al);
	char api[64];
	snprintf(api, sizeof api, "127.0.0.1:%d", ntohs(a.sin_port));
	setenv("AWS_LAMBDA_RUNTIME_API", api, 1);
	char *args[] = { argv[3], NULL };
	pid_t pid;
	double t0 = now_us();
	if (posix_spawn(&pid, argv[3], NULL, NULL, args, environ) != 0) return 2;
	request();
	double init = now_us() - t0;
	double *lat = calloc((size_t)n, sizeof *lat), tstart = 0;
	char head[512];
	for (int i = 0; i < n + warm; i++) {
		if (i == warm) tstart = now_us();
		int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\n"
		    "Content-Type: application/json\r\n"
		    "Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-%012d\r\n"
		    "Lambda-Runtime-Deadline-Ms: 99999999999999\r\n"
		    "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:timeapp-dev\r\n"
		    "Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1\r\n"
		    "Content-Length: %zu\r\n\r\n", i, evn);
		struct iovec iov[2] = { { head, (size_t)hn }, { ev, evn } };
		double ts = now_us();
		if (writev(cfd, iov, 2) != (ssize_t)(hn + evn)) return 3;
		request();
		if (i >= warm) lat[i - warm] = now_us() - ts;
		if (i == 0 && strstr(buf, "\"statusCode\":200") == NULL) {
			fprintf(stderr, "driver: unexpected answer: %.300s\n", buf);
			return 4;
		}
		static const char ok[] = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}";
		put(ok, sizeof ok - 1);
		request();	/* the next GET /next */
	}
	double total = now_us() - tstart;
	char path[64], line[256];
	long hwm = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f))
			if (strncmp(line, "VmHWM:", 6) == 0) hwm = strtol(line + 6, NULL, 10);
		fclose(f);
	}
	if (argc == 5) {
		close(cfd);
		close(lfd);
	} else
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	qsort(lat, (size_t)n, sizeof *lat, cmp);
	printf("%.1f %.0f %.1f %.1f %ld\n", init, n / (total / 1e6),
	    lat[n / 2], lat[(size_t)(n * 0.99)], hwm);
	return 0;
}
EOF
gcc -O2 -o "$TMP/driver" "$TMP/driver.c"
mkdir -p "$TMP/bare" "$TMP/time"
gcc -O2 -static -s -o "$TMP/bare/bootstrap" "$ROOT/tests/bench/bare_loop.c"
gcc -O2 -static -s -I"$RT" -o "$TMP/time/bootstrap" "$ROOT/handlers/time/time.c" \
    "$RT/libczappa-runtime.a" -ljansson -lm
# The event: an HTTP API 2.0 GET /time, from a reference sample.
python3 - "$ROOT/tests/data/events/apigw-v2-no-authorizer-mtls.json" "$TMP/event.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["rawPath"] = e["requestContext"]["http"]["path"] = "/time"
e["routeKey"] = "$default"
json.dump(e, open(sys.argv[2], "w"))
PY
zipsize() {
	python3 - "$1" <<'PY'
import sys, zipfile, io, os
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    i = zipfile.ZipInfo("bootstrap", (1980, 1, 1, 0, 0, 0))
    i.external_attr = 0o100755 << 16
    i.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(i, open(sys.argv[1], "rb").read())
print(len(b.getvalue()))
PY
}

echo "czappa runtime benchmark: $N invocations x $ROUNDS rounds, $(nproc) CPUs, event $(wc -c <"$TMP/event.json") bytes"
for r in $(seq "$ROUNDS"); do
	for app in bare time; do
		TZ=UTC LAMBDA_TASK_ROOT=$TMP/$app "$TMP/driver" "$N" "$TMP/event.json" \
		    "$TMP/$app/bootstrap" >>"$TMP/$app.runs"
	done
done
# Instructions per invocation: callgrind counts of runs of M1 and M2
# invocations (each plus a tenth for warm-up); their difference divided by
# the extra invocations.  The driver closes the socket at the end, so the
# bootstrap exits and callgrind writes its counts.
M1=200
M2=1200
irs() {	# app invocations -> instructions executed by the bootstrap
	printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s "%s"\n' \
	    "$TMP/cg.$1.$2" "$TMP/$1/bootstrap" >"$TMP/vg.$1.sh"
	chmod +x "$TMP/vg.$1.sh"
	TZ=UTC LAMBDA_TASK_ROOT=$TMP/$1 "$TMP/driver" "$2" "$TMP/event.json" \
	    "$TMP/vg.$1.sh" close >/dev/null 2>&1 || true
	sed -n 's/^totals: *//p; s/^summary: *//p' "$TMP/cg.$1.$2" | head -1
}
IR_BARE=- IR_TIME=-
if command -v valgrind >/dev/null; then
	for app in bare time; do
		a=$(irs "$app" "$M1")
		b=$(irs "$app" "$M2")
		if [ -n "$a" ] && [ -n "$b" ]; then
			v=$(( (b - a) * 10 / ((M2 - M1) * 11) ))
			[ "$app" = bare ] && IR_BARE=$v || IR_TIME=$v
		fi
	done
fi
python3 - "$TMP/bare.runs" "$TMP/time.runs" "$(zipsize "$TMP/bare/bootstrap")" \
    "$(zipsize "$TMP/time/bootstrap")" "$(stat -c %s "$TMP/bare/bootstrap")" \
    "$(stat -c %s "$TMP/time/bootstrap")" "$IR_BARE" "$IR_TIME" <<'PY'
import sys, statistics
def med(path):
    rows = [list(map(float, l.split())) for l in open(path)]
    return [statistics.median(c) for c in zip(*rows)]
bare, cz = med(sys.argv[1]), med(sys.argv[2])
zb, zc, sb, sc = map(int, sys.argv[3:7])
rows = [
    ("invocations/s", cz[1], bare[1], "%.0f", ">= 0.8x bare", cz[1] / bare[1] >= 0.8),
    ("p50 latency (us)", cz[2], bare[2], "%.1f", "<= 1.3x bare", cz[2] / bare[2] <= 1.3),
    ("p99 latency (us)", cz[3], bare[3], "%.1f", "", None),
    ("init, exec to 1st /next (us)", cz[0], bare[0], "%.0f", "<= 1.5x bare", cz[0] / bare[0] <= 1.5),
    ("peak RSS (KB)", cz[4], bare[4], "%.0f", "< 2560 KB", cz[4] < 2560),
    ("bootstrap (bytes, stripped)", sc, sb, "%.0f", "", None),
    ("zip (bytes)", zc, zb, "%.0f", "< 500 KB", zc < 500 * 1024),
]
if sys.argv[7] != "-" and sys.argv[8] != "-":
    rows.append(("instructions/invocation", int(sys.argv[8]),
                 int(sys.argv[7]), "%.0f", "callgrind, load-independent", None))
print("%-30s %12s %12s %8s  %s" % ("figure", "czappa", "bare loop", "ratio", "target"))
for name, c, b, fmt, target, met in rows:
    print("%-30s %12s %12s %7.2fx  %s%s" % (name, fmt % c, fmt % b, c / b, target,
          "" if met is None else (" (met)" if met else " (MISSED)")))
PY
