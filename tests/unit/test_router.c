/*
 * test_router.c: route matching and dispatch (runtime/router.c).  One app
 * with literal, "{name}" and "{name+}" routes, ANY and HEAD; each row is a
 * method and path and what must answer: a handler (with its path
 * parameters), 404, or 405 with the Allow list.  Schedules, functions,
 * keep-warm pings and unknown events are dispatched from parsed events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"
#include "t.h"

/* Each handler answers its own name, so a row names who answered. */
#define HANDLER(fn)							\
static void								\
fn(const cz_request *req, cz_response *res)				\
{									\
	(void)req;							\
	cz_text(res, 200, #fn);						\
}
HANDLER(h_root)
HANDLER(h_users)
HANDLER(h_users_post)
HANDLER(h_user)
HANDLER(h_user_me)
HANDLER(h_user_post)
HANDLER(h_files)
HANDLER(h_proxy)
HANDLER(h_any)
HANDLER(h_head)
HANDLER(h_two)
HANDLER(h_sched)
HANDLER(h_warm)

static void
h_fn(const cz_request *req, cz_response *res)
{
	cz_result(res, json_pack("{s:s,s:O}", "name", cz_name(req), "input",
	    cz_input(req)));
}

static cz_app *
make_app(void)
{
	cz_app	*app = cz_app_new();

	cz_route(app, "GET", "/", h_root);
	cz_route(app, "GET", "/users", h_users);
	cz_route(app, "post", "/users/", h_users_post);
	cz_route(app, "GET", "/users/{id}", h_user);
	cz_route(app, "GET", "/users/me", h_user_me);
	cz_route(app, "PUT", "/users/{id}", h_user_post);
	cz_route(app, "GET", "/files/{path+}", h_files);
	cz_route(app, "ANY", "/any", h_any);
	cz_route(app, "HEAD", "/head", h_head);
	cz_route(app, "GET", "/head", h_two);
	cz_route(app, "GET", "/a/{x}/b/{y}", h_two);
	cz_route(app, "*", "/{proxy+}", h_proxy);
	return app;
}

static cz_app *
make_app_no_proxy(void)
{
	cz_app	*app = cz_app_new();

	cz_route(app, "GET", "/users/{id}", h_user);
	cz_route(app, "DELETE", "/users/{id}", h_user_post);
	cz_route(app, "GET", "/files/{path+}", h_files);
	cz_route(app, "GET", "/head", h_two);
	cz_schedule(app, "cleanup", h_sched);
	cz_schedule(app, "warmer", h_warm);
	cz_function(app, "price", h_fn);
	cz_function(app, "other", h_fn);
	return app;
}

static const struct {
	const char	*name;
	int		 proxy;		/* app with the catch-all route */
	const char	*method, *path;
	int		 status;
	const char	*body;		/* handler name or the JSON message */
	const char	*allow;		/* Allow header on 405 */
	const char	*params;	/* "k=v;k=v" */
} cases[] = {
	{ "root", 1, "GET", "/", 200, "h_root", NULL, "" },
	{ "literal", 1, "GET", "/users", 200, "h_users", NULL, "" },
	{ "trailing slash", 1, "GET", "/users/", 200, "h_users", NULL, "" },
	{ "double slashes", 1, "GET", "//users//", 200, "h_users", NULL, "" },
	{ "method lower case in route", 1, "POST", "/users", 200,
	  "h_users_post", NULL, "" },
	{ "method lower case in request", 1, "get", "/users", 200, "h_users",
	  NULL, "" },
	{ "param", 1, "GET", "/users/42", 200, "h_user", NULL, "id=42" },
	{ "literal beats param", 1, "GET", "/users/me", 200, "h_user_me",
	  NULL, "" },
	{ "param by method", 1, "PUT", "/users/7", 200, "h_user_post", NULL,
	  "id=7" },
	{ "param is one segment", 1, "GET", "/users/1/2", 200, "h_proxy", NULL,
	  "proxy=users/1/2" },
	{ "greedy", 1, "GET", "/files/a/b/c.txt", 200, "h_files", NULL,
	  "path=a/b/c.txt" },
	{ "greedy one segment", 1, "GET", "/files/x", 200, "h_files", NULL,
	  "path=x" },
	{ "greedy drops trailing slash", 1, "GET", "/files/a/b/", 200,
	  "h_files", NULL, "path=a/b" },
	{ "greedy needs a segment", 1, "GET", "/files", 200, "h_proxy", NULL,
	  "proxy=files" },
	{ "two params", 1, "GET", "/a/1/b/2", 200, "h_two", NULL, "x=1;y=2" },
	{ "any route any method", 1, "PATCH", "/any", 200, "h_any", NULL,
	  "" },
	{ "star is any", 1, "DELETE", "/nothing/here", 200, "h_proxy", NULL,
	  "proxy=nothing/here" },
	{ "literal beats proxy, wrong method", 1, "DELETE", "/users", 200,
	  "h_proxy", NULL, "proxy=users" },
	{ "explicit HEAD route", 1, "HEAD", "/head", 200, "h_head", NULL, "" },
	{ "HEAD answered by GET", 0, "HEAD", "/head", 200, "h_two", NULL, "" },
	{ "HEAD by GET with param", 0, "HEAD", "/users/9", 200, "h_user",
	  NULL, "id=9" },
	{ "percent kept in param", 0, "GET", "/users/a%2Fb", 200, "h_user",
	  NULL, "id=a%2Fb" },
	{ "404", 0, "GET", "/nope", 404, "{\"message\":\"Not Found\"}", NULL,
	  "" },
	{ "404 root", 0, "GET", "/", 404, "{\"message\":\"Not Found\"}", NULL,
	  "" },
	{ "404 past param", 0, "GET", "/users/1/x", 404,
	  "{\"message\":\"Not Found\"}", NULL, "" },
	{ "405 lists methods", 0, "POST", "/users/1", 405,
	  "{\"message\":\"Method Not Allowed\"}", "GET, DELETE", "" },
	{ "405 greedy", 0, "PUT", "/files/a/b", 405,
	  "{\"message\":\"Method Not Allowed\"}", "GET", "" },
	{ "405 OPTIONS, only GET", 0, "OPTIONS", "/head", 405,
	  "{\"message\":\"Method Not Allowed\"}", "GET", "" },
};

static void
check_routes(void)
{
	cz_app			*apps[2] = { make_app_no_proxy(), make_app() };
	struct cz_request	 req;
	struct cz_response	 res;
	struct cz_buf		 got = CZ_BUF_INIT;
	const char		*n, *v, *allow;
	size_t			 i, k, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		czrt_request_init(&req);
		czrt_response_init(&res);
		req.source = CZ_SRC_HTTP_V2;
		req.method = cases[i].method;
		req.path = cases[i].path;
		czrt_dispatch(apps[cases[i].proxy], &req, &res);
		T_OK(res.status == cases[i].status, "%s: status %d (got %d)",
		    cases[i].name, cases[i].status, res.status);
		T_STREQ(res.body.s, cases[i].body, "%s: answered by",
		    cases[i].name);
		allow = NULL;
		for (j = 0; j < res.hnames.n; j++)
			if (strcmp(res.hnames.v[j], "Allow") == 0)
				allow = res.hvalues.v[j];
		T_STREQ(allow, cases[i].allow, "%s: Allow", cases[i].name);
		cz_buf_reset(&got);
		for (k = 0; cz_path_param_at(&req, k, &n, &v) == 0; k++)
			cz_buf_addf(&got, "%s%s=%s", k ? ";" : "", n, v);
		T_STREQ(got.s, cases[i].params, "%s: path parameters",
		    cases[i].name);
		if (got.len > 0) {
			/* The first parameter by name too. */
			cz_path_param_at(&req, 0, &n, &v);
			T_STREQ(cz_path_param(&req, n), v, "%s: cz_path_param",
			    cases[i].name);
		}
		czrt_request_release(&req);
		czrt_response_release(&res);
	}
	cz_buf_release(&got);
}

/* Non-HTTP events: parsed from text, dispatched, answer as JSON. */
static const struct {
	const char	*name;
	int		 one_function;	/* app with a single cz_function */
	const char	*event;
	/* JSON text of the result; NULL error */
	const char	*result;
	const char	*etype;		/* error type when result is NULL */
	const char	*dispatched;	/* cz_name after dispatch */
} events[] = {
	{ "schedule by envelope", 0, "{\"czappa\":\"schedule\",\"name\":"
	  "\"cleanup\"}", "\"h_sched\"", NULL, "cleanup" },
	{ "schedule by rule name", 0, "{\"source\":\"aws.events\","
	  "\"detail-type\":\"Scheduled Event\",\"resources\":[\"arn:aws:events:"
	  "us-east-1:1:rule/cleanup\"]}", "\"h_sched\"", NULL, "cleanup" },
	{ "schedule by czappa rule name", 0, "{\"source\":\"aws.events\","
	  "\"detail-type\":\"Scheduled Event\",\"resources\":[\"arn:aws:events:"
	  "us-east-1:1:rule/svc-dev-cleanup\"]}", "\"h_sched\"", NULL,
	  "cleanup" },
	{ "schedule suffix needs a dash", 0, "{\"source\":\"aws.events\","
	  "\"detail-type\":\"Scheduled Event\",\"resources\":[\"arn:aws:events:"
	  "us-east-1:1:rule/xcleanup\"]}", NULL, CZRT_E_NOTFOUND, "xcleanup" },
	{ "envelope needs the exact name", 0, "{\"czappa\":\"schedule\","
	  "\"name\":\"svc-dev-cleanup\"}", NULL, CZRT_E_NOTFOUND,
	  "svc-dev-cleanup" },
	{ "keep-warm envelope", 0, "{\"czappa\":\"keep-warm\"}",
	  "{\"czappa\":\"keep-warm\",\"warm\":true}", NULL, NULL },
	{ "keep-warm rule", 0, "{\"source\":\"aws.events\",\"detail-type\":"
	  "\"Scheduled Event\",\"resources\":[\"arn:aws:events:us-east-1:1:"
	  "rule/svc-dev-keep-warm\"]}",
	  "{\"czappa\":\"keep-warm\",\"warm\":true}",
	  NULL, "svc-dev-keep-warm" },
	{ "function", 0, "{\"czappa\":\"function\",\"name\":\"price\","
	  "\"input\":{\"s\":100}}",
	  "{\"name\":\"price\",\"input\":{\"s\":100}}",
	  NULL, "price" },
	{ "function without input", 0, "{\"czappa\":\"function\",\"name\":"
	  "\"other\"}", "{\"name\":\"other\",\"input\":null}", NULL, "other" },
	{ "unknown function", 0, "{\"czappa\":\"function\",\"name\":\"nope\"}",
	  NULL, CZRT_E_NOTFOUND, "nope" },
	{ "unknown shape, two functions", 0, "{\"hello\":1}", NULL,
	  CZRT_E_UNKNOWN, NULL },
	{ "unknown shape, one function", 1, "{\"hello\":1}",
	  "{\"name\":\"only\",\"input\":{\"hello\":1}}", NULL, "only" },
	{ "bare value, one function", 1, "[1,2]",
	  "{\"name\":\"only\",\"input\":[1,2]}", NULL, "only" },
};

static void
check_events(void)
{
	cz_app			*apps[2] = { make_app_no_proxy(),
	    cz_app_new() };
	struct cz_request	 req;
	struct cz_response	 res;
	struct cz_buf		 out = CZ_BUF_INIT;
	struct cz_err		 err;
	const char		*etype;
	json_t			*got, *want;
	json_error_t		 jerr;
	size_t			 i;
	int			 rc;

	cz_function(apps[1], "only", h_fn);
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		czrt_request_init(&req);
		czrt_response_init(&res);
		cz_buf_reset(&out);
		if (!T_OK(czrt_event_parse(&req, events[i].event,
		    strlen(events[i].event), &err) == 0, "%s: parses",
		    events[i].name))
			continue;
		czrt_dispatch(apps[events[i].one_function], &req, &res);
		rc = czrt_response_encode(&req, &res, &out, &etype);
		if (events[i].result == NULL) {
			T_OK(rc == 1 && etype != NULL &&
			    strcmp(etype, events[i].etype) == 0,
			    "%s: error %s (got %s: %s)", events[i].name,
			    events[i].etype, etype ? etype : "none", out.s);
		} else {
			got = json_loads(out.s, JSON_DECODE_ANY, &jerr);
			want = json_loads(events[i].result, JSON_DECODE_ANY,
			    &jerr);
			T_OK(rc == 0 && got != NULL && json_equal(got, want),
			    "%s: result %s (got %s)", events[i].name,
			    events[i].result, out.s);
			json_decref(got);
			json_decref(want);
		}
		T_STREQ(cz_name(&req), events[i].dispatched, "%s: name",
		    events[i].name);
		czrt_request_release(&req);
		czrt_response_release(&res);
	}
	cz_buf_release(&out);
}

int
main(void)
{
	check_routes();
	check_events();
	return t_done();
}
