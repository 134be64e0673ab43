/*
 * app.c: a starter handler written by `czappa init`.  GET /time answers the
 * current time as JSON, in the zone named by the optional `tz` query when
 * the zone data is there (ship /usr/share/zoneinfo as build.files to have
 * every zone on Lambda); the schedule "nightly" logs a line.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <czappa.h>

static void
get_time(const cz_request *req, cz_response *res)
{
	const char	*tz = cz_query(req, "tz");
	char		 when[64];
	struct timespec	 ts;
	struct tm	 tm;

	if (tz != NULL && (tz[0] == '\0' || tz[0] == '/' ||
	    strstr(tz, "..") != NULL || strlen(tz) > 64)) {
		cz_json(res, 400, json_pack("{s:s}", "error", "bad tz"));
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (tz != NULL) {
		setenv("TZ", tz, 1);
		tzset();
	}
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	cz_json(res, 200, json_pack("{s:s,s:s,s:I}", "time", when,
	    "tz", tz != NULL ? tz : "UTC", "epoch", (json_int_t)ts.tv_sec));
	if (tz != NULL) {
		unsetenv("TZ");
		tzset();
	}
}

static void
nightly(const cz_request *req, cz_response *res)
{
	(void)req;
	printf("nightly run\n");
	cz_json(res, 200, json_pack("{s:b}", "ok", 1));
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_route(app, "GET", "/time", get_time);
	cz_schedule(app, "nightly", nightly);
	return cz_run(app);
}
