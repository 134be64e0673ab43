/*
 * time: the demo app.  GET /time answers the current time as JSON, in the
 * zone named by the optional `tz` query (an IANA name such as Asia/Tokyo).
 * Lambda's image may have no /usr/share/zoneinfo, so the zip ships one and
 * TZDIR points at $LAMBDA_TASK_ROOT/zoneinfo when it is there (glibc reads
 * TZDIR).  An unknown zone is a 400, not a silent UTC.
 */
#define _DEFAULT_SOURCE	/* tm_zone, setenv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <czappa.h>

static char	zonedir[4096] = "/usr/share/zoneinfo";

/*
 * Appends s to the JSON text at b[*n] as a string.  The answer is written
 * as text: building and dumping a jansson object took a fifth of an
 * invocation.  Returns -1 if it does not fit.
 */
static int
json_str(char *b, size_t cap, size_t *n, const char *s)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		c;

	if (*n + 1 >= cap)
		return -1;
	b[(*n)++] = '"';
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (*n + 8 >= cap)
			return -1;
		if (c == '"' || c == '\\') {
			b[(*n)++] = '\\';
			b[(*n)++] = (char)c;
		} else if (c < 0x20) {
			memcpy(b + *n, "\\u00", 4);
			*n += 4;
			b[(*n)++] = hex[c >> 4];
			b[(*n)++] = hex[c & 15];
		} else
			b[(*n)++] = (char)c;
	}
	b[(*n)++] = '"';
	b[*n] = '\0';
	return 0;
}

static int
json_add(char *b, size_t cap, size_t *n, const char *raw)
{
	size_t	k = strlen(raw);

	if (*n + k >= cap)
		return -1;
	memcpy(b + *n, raw, k + 1);
	*n += k;
	return 0;
}

/* A zone name is a relative path under zonedir, without "..". */
static int
zone_exists(const char *tz)
{
	char	path[4200];

	if (tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL ||
	    strlen(tz) > 64)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", zonedir, tz);
	return access(path, R_OK) == 0;
}

static void
get_time(const cz_request *req, cz_response *res)
{
	const char	*tz = cz_query(req, "tz");
	const char	*old = NULL;
	char		 when[64], saved[128], out[512], epoch[32];
	size_t		 n = 0;
	const char	*zone;
	struct timespec	 ts;
	struct tm	 tm;

	if (tz != NULL && !zone_exists(tz)) {
		cz_json(res, 400, json_pack("{s:s,s:s}", "error",
		    "unknown time zone", "tz", tz));
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (tz != NULL) {
		/* TZ is process-wide: set it for this call, then put it back. */
		if ((old = getenv("TZ")) != NULL)
			snprintf(saved, sizeof(saved), "%s", old);
		setenv("TZ", tz, 1);
		tzset();
	}
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	zone = tz != NULL ? tz : (getenv("TZ") ? getenv("TZ") : "UTC");
	snprintf(epoch, sizeof(epoch), "%lld", (long long)ts.tv_sec);
	/* Keys in the order json_pack gave them. */
	if (json_add(out, sizeof(out), &n, "{\"time\":") == 0 &&
	    json_str(out, sizeof(out), &n, when) == 0 &&
	    json_add(out, sizeof(out), &n, ",\"tz\":") == 0 &&
	    json_str(out, sizeof(out), &n, zone) == 0 &&
	    json_add(out, sizeof(out), &n, ",\"abbrev\":") == 0 &&
	    json_str(out, sizeof(out), &n, tm.tm_zone != NULL ? tm.tm_zone :
	    "") == 0 &&
	    json_add(out, sizeof(out), &n, ",\"epoch\":") == 0 &&
	    json_add(out, sizeof(out), &n, epoch) == 0 &&
	    json_add(out, sizeof(out), &n, "}") == 0)
		cz_json(res, 200, (const char *)out);
	else
		cz_json(res, 200, json_pack("{s:s,s:s,s:s,s:I}",
		    "time", when, "tz", zone,
		    "abbrev", tm.tm_zone != NULL ? tm.tm_zone : "",
		    "epoch", (json_int_t)ts.tv_sec));
	if (tz != NULL) {
		if (old != NULL)
			setenv("TZ", saved, 1);
		else
			unsetenv("TZ");
		tzset();
	}
}

int
main(void)
{
	const char	*root = getenv("LAMBDA_TASK_ROOT");
	char		 dir[4096];
	cz_app		*app;

	if (root != NULL) {
		snprintf(dir, sizeof(dir), "%s/zoneinfo", root);
		if (access(dir, R_OK | X_OK) == 0) {
			setenv("TZDIR", dir, 1);
			snprintf(zonedir, sizeof(zonedir), "%s", dir);
		}
	}
	if (getenv("TZDIR") != NULL)
		snprintf(zonedir, sizeof(zonedir), "%s", getenv("TZDIR"));
	app = cz_app_new();
	cz_route(app, "GET", "/time", get_time);
	return cz_run(app);
}
