/*
 * echo: an app that answers every request with what the runtime made of it,
 * through every request accessor of czappa.h.  The tests feed it each
 * sample event and check the fields; a few routes misbehave on purpose
 * (crash, abort, exit) to prove that a broken handler still gets an error
 * reported for its request.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czappa.h>

static json_t *
pairs(const cz_request *req, int (*at)(const cz_request *, size_t,
    const char **, const char **))
{
	json_t		*a = json_array();
	const char	*n, *v;
	size_t		 i;

	for (i = 0; at(req, i, &n, &v) == 0; i++)
		json_array_append_new(a, json_pack("[s,s]", n, v));
	return a;
}

static void
echo(const cz_request *req, cz_response *res)
{
	const char	*body, *trace = getenv("_X_AMZN_TRACE_ID");
	size_t		 len;
	json_t		*o, *b;

	body = cz_body(req, &len);
	printf("echo: %s %s\n", cz_method(req), cz_path(req));
	fprintf(stderr, "echo: to stderr\n");
	o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:I,s:s,s:s,s:b}",
	    "source", cz_source_name(req),
	    "method", cz_method(req),
	    "path", cz_path(req),
	    "params", pairs(req, cz_path_param_at),
	    "query", pairs(req, cz_query_at),
	    "headers", pairs(req, cz_header_at),
	    "cookies", pairs(req, cz_cookie_at),
	    "body_len", (json_int_t)len,
	    "request_id", cz_request_id(req),
	    "arn", cz_invoked_arn(req),
	    "deadline_past", cz_remaining_ms(req) < 0);
	/* A body that is not UTF-8 goes back as base64 in "body_b64". */
	if ((b = json_stringn(body, len)) != NULL)
		json_object_set_new(o, "body", b);
	json_object_set_new(o, "trace_env", trace ? json_string(trace) :
	    json_null());
	json_object_set_new(o, "user_agent", cz_header(req, "USER-AGENT") ?
	    json_string(cz_header(req, "USER-AGENT")) : json_null());
	json_object_set_new(o, "query_first", cz_query(req, "parameter1") ?
	    json_string(cz_query(req, "parameter1")) : json_null());
	json_object_set_new(o, "query_second",
	    cz_query_n(req, "parameter1", 1) ?
	    json_string(cz_query_n(req, "parameter1", 1)) : json_null());
	json_object_set_new(o, "cookie1", cz_cookie(req, "cookie1") ?
	    json_string(cz_cookie(req, "cookie1")) : json_null());
	json_object_set_new(o, "proxy", cz_path_param(req, "proxy") ?
	    json_string(cz_path_param(req, "proxy")) : json_null());
	cz_header_set(res, "X-Echo", "yes");
	cz_header_add(res, "X-Multi", "a");
	cz_header_add(res, "X-Multi", "b");
	cz_set_cookie(res, "echo=1; Path=/");
	cz_set_cookie(res, "seen=yes; Max-Age=60");
	cz_json(res, 200, o);
}

static void
user(const cz_request *req, cz_response *res)
{
	cz_textf(res, 200, "user %s", cz_path_param(req, "id"));
}

static void
binary(const cz_request *req, cz_response *res)
{
	unsigned char	b[256];
	int		i;

	(void)req;
	for (i = 0; i < 256; i++)
		b[i] = (unsigned char)i;
	cz_binary(res, 200, "application/octet-stream", b, sizeof(b));
}

static void
crash(const cz_request *req, cz_response *res)
{
	volatile int	*p = NULL;

	(void)res;
	printf("about to crash on %s\n", cz_path(req));
	*p = 1;
}

static void
do_abort(const cz_request *req, cz_response *res)
{
	(void)req;
	(void)res;
	abort();
}

static void
do_exit(const cz_request *req, cz_response *res)
{
	(void)req;
	(void)res;
	exit(3);
}

static void
fail(const cz_request *req, cz_response *res)
{
	cz_error(res, "Function.Failed", "asked to fail (%s)",
	    cz_source_name(req));
}

static void
named(const cz_request *req, cz_response *res)
{
	cz_result(res, json_pack("{s:s,s:s,s:O}", "source",
	    cz_source_name(req), "name", cz_name(req), "input",
	    cz_input(req)));
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_route(app, "ANY", "/{proxy+}", echo);
	cz_route(app, "ANY", "/", echo);
	cz_route(app, "GET", "/users/{id}", user);
	cz_route(app, "GET", "/bin", binary);
	cz_route(app, "GET", "/crash", crash);
	cz_route(app, "GET", "/abort", do_abort);
	cz_route(app, "GET", "/exit", do_exit);
	cz_route(app, "GET", "/fail", fail);
	cz_schedule(app, "schedule", named);
	cz_function(app, "echo", named);
	cz_function(app, "fail", fail);
	return cz_run(app);
}
