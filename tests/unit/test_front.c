/*
 * test_front: the API Gateway rules of czappa local (src/local/event.c),
 * checked against the reference data in tests/data: events built from
 * requests, answers turned into HTTP responses (full form, cookies, base64,
 * the documented inference cases), malformed answers, schedule payloads.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/b64.h"
#include "base/buf.h"
#include "base/err.h"
#include "local/event.h"
#include "t.h"

static json_t *
load(const char *path)
{
	json_error_t	 e;
	json_t		*j = json_load_file(path, 0, &e);

	if (j == NULL)
		printf("# %s: %s\n", path, e.text);
	return j;
}

/* The value of header name (case-insensitive) in r, or NULL. */
static const char *
hdr(const struct local_http_resp *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->names.n; i++)
		if (strcasecmp(r->names.v[i], name) == 0)
			return r->values.v[i];
	return NULL;
}

static size_t
count_hdr(const struct local_http_resp *r, const char *name)
{
	size_t	i, n = 0;

	for (i = 0; i < r->names.n; i++)
		n += strcasecmp(r->names.v[i], name) == 0;
	return n;
}

/* Same JSON value, or the same bytes when either side is not JSON. */
static int
same_body(const char *got, size_t gotlen, const char *want)
{
	json_t	*a, *b;
	int	 eq;

	a = json_loadb(got, gotlen, JSON_DECODE_ANY, NULL);
	b = json_loads(want, JSON_DECODE_ANY, NULL);
	if (a != NULL && b != NULL)
		eq = json_equal(a, b);
	else
		eq = gotlen == strlen(want) && memcmp(got, want, gotlen) == 0;
	json_decref(a);
	json_decref(b);
	return eq;
}

static void
check_inferred(void)
{
	json_t			*doc, *cases, *c, *out, *want, *seen, *v;
	struct local_http_resp	 r;
	struct cz_err		 err;
	enum local_flavour	 fl;
	const char		*src, *k;
	char			*payload, name[96];
	size_t			 i, j;
	int			 rc;

	doc = load("tests/data/responses/apigw-v2-inferred-responses.json");
	if (!T_OK(doc != NULL, "inferred: load the reference cases"))
		return;
	cases = json_object_get(doc, "cases");
	json_array_foreach(cases, i, c) {
		src = json_string_value(json_object_get(c, "source"));
		fl = strstr(src, "lambda/latest/dg/urls") ?
		    LOCAL_FUNCTION_URL : LOCAL_HTTPAPI;
		out = json_object_get(c, "handler_output");
		want = json_object_get(c, "interpreted");
		seen = json_object_get(c, "client_sees");
		/* What the handler wrote: for an object, the documented
		 * body text itself when the case has one. */
		if (json_is_object(out) && json_object_get(out,
		    "statusCode") == NULL && want != NULL)
			payload = strdup(json_string_value(json_object_get(want,
			    "body")));
		else
			payload = json_dumps(out, JSON_COMPACT |
			    JSON_ENCODE_ANY);
		snprintf(name, sizeof(name), "inferred case %zu (%s)", i,
		    fl == LOCAL_HTTPAPI ? "HTTP API" : "function URL");
		local_http_resp_init(&r);
		rc = local_v2_response(fl, payload, strlen(payload), &r, &err);
		T_OK(rc == 0, "%s: accepted", name);
		if (seen != NULL) {
			/* What the client sees is exactly what we send. */
			T_OK(r.status == json_integer_value(json_object_get(
			    seen, "status")), "%s: status %d", name, r.status);
			T_OK(r.body.len == strlen(json_string_value(
			    json_object_get(seen, "body"))) && memcmp(r.body.s,
			    json_string_value(json_object_get(seen, "body")),
			    r.body.len) == 0, "%s: body bytes [%s]", name,
			    r.body.s);
			json_object_foreach(json_object_get(seen, "headers"),
			    k, v) {
				char	len[32];

				if (strcmp(k, "content-length") == 0) {
					snprintf(len, sizeof(len), "%zu",
					    r.body.len);
					T_STREQ(len, json_string_value(v),
					    "%s: content-length", name);
				} else
					T_STREQ(hdr(&r, k),
					    json_string_value(v),
					    "%s: header %s", name, k);
			}
			v = json_object_get(seen, "set_cookie");
			T_OK(count_hdr(&r, "set-cookie") == json_array_size(v),
			    "%s: %zu Set-Cookie", name, json_array_size(v));
			for (j = 0; j < json_array_size(v); j++) {
				size_t	at, n = 0;

				for (at = 0; at < r.names.n; at++)
					if (strcasecmp(r.names.v[at],
					    "set-cookie") == 0 && n++ == j)
						break;
				T_STREQ(at < r.names.n ? r.values.v[at] : NULL,
				    json_string_value(json_array_get(v, j)),
				    "%s: Set-Cookie %zu", name, j);
			}
		} else {
			T_OK(r.status == json_integer_value(json_object_get(
			    want, "statusCode")), "%s: status %d", name,
			    r.status);
			T_OK(same_body(r.body.s, r.body.len, json_string_value(
			    json_object_get(want, "body"))), "%s: body [%s]",
			    name, r.body.s);
			json_object_foreach(json_object_get(want, "headers"),
			    k, v)
				T_STREQ(hdr(&r, k), json_string_value(v),
				    "%s: header %s", name, k);
		}
		local_http_resp_release(&r);
		free(payload);
	}
	json_decref(doc);
}

static void
check_cookies_file(void)
{
	struct local_http_resp	 r;
	struct cz_err		 err;
	struct cz_buf		 b = CZ_BUF_INIT;
	FILE			*fp;
	char			 chunk[4096];
	size_t			 n, i, k = 0;

	if ((fp = fopen("tests/data/responses/v2-response-cookies.json",
	    "r")) == NULL) {
		T_OK(0, "cookies: open v2-response-cookies.json");
		return;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		cz_buf_add(&b, chunk, n);
	fclose(fp);
	local_http_resp_init(&r);
	T_OK(local_v2_response(LOCAL_HTTPAPI, b.s, b.len, &r, &err) == 0,
	    "cookies: accepted");
	T_OK(r.status == 201, "cookies: status 201");
	T_STREQ(hdr(&r, "content-type"), "application/json",
	    "cookies: Content-Type");
	T_STREQ(hdr(&r, "my-custom-header"), "Custom Value",
	    "cookies: My-Custom-Header");
	T_STREQ(r.body.s, "{ \"message\": \"Hello, world!\" }",
	    "cookies: body");
	for (i = 0; i < r.names.n; i++)
		if (strcmp(r.names.v[i], "Set-Cookie") == 0) {
			T_STREQ(r.values.v[i], k == 0 ?
			    "Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT" :
			    "Cookie_2=Value2; Max-Age=78000",
			    "cookies: Set-Cookie %zu", k);
			k++;
		}
	T_OK(k == 2, "cookies: one Set-Cookie per cookie (%zu)", k);
	local_http_resp_release(&r);
	cz_buf_release(&b);
}

static void
check_base64_answer(void)
{
	struct local_http_resp	 r;
	struct cz_err		 err;
	struct cz_buf		 b64 = CZ_BUF_INIT, ans = CZ_BUF_INIT;
	unsigned char		 bytes[256];
	size_t			 i;

	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)i;
	cz_b64_encode(&b64, bytes, sizeof(bytes));
	cz_buf_addf(&ans, "{\"statusCode\":200,\"isBase64Encoded\":true,"
	    "\"headers\":{\"content-type\":\"image/png\"},\"body\":\"%s\"}",
	    b64.s);
	local_http_resp_init(&r);
	T_OK(local_v2_response(LOCAL_HTTPAPI, ans.s, ans.len, &r, &err) == 0,
	    "base64 answer: accepted");
	T_OK(r.body.len == 256 && memcmp(r.body.s, bytes, 256) == 0,
	    "base64 answer: the 256 decoded bytes");
	local_http_resp_release(&r);

	/* Not base64 when the flag is false, even if it looks like it. */
	cz_buf_reset(&ans);
	cz_buf_adds(&ans, "{\"statusCode\":200,\"isBase64Encoded\":false,"
	    "\"body\":\"aGk=\"}");
	T_OK(local_v2_response(LOCAL_HTTPAPI, ans.s, ans.len, &r, &err) == 0 &&
	    strcmp(r.body.s, "aGk=") == 0, "base64 answer: flag false keeps "
	    "the text");
	local_http_resp_release(&r);
	cz_buf_release(&b64);
	cz_buf_release(&ans);
}

static const struct {
	const char	*name, *answer, *why;
} malformed[] = {
	{ "not JSON", "this is not json", "not JSON" },
	{ "empty", "", "not JSON" },
	{ "statusCode a word", "{\"statusCode\":\"abc\"}", "not a number" },
	{ "statusCode out of range", "{\"statusCode\":99}", "100..599" },
	{ "statusCode a float", "{\"statusCode\":200.5}", "not a number" },
	{ "headers an array", "{\"statusCode\":200,\"headers\":[]}",
	  "headers is not an object" },
	{ "header an object", "{\"statusCode\":200,\"headers\":{\"a\":{}}}",
	  "header a is not a string" },
	{ "body a number", "{\"statusCode\":200,\"body\":5}",
	  "body is not a string" },
	{ "bad base64", "{\"statusCode\":200,\"isBase64Encoded\":true,"
	  "\"body\":\"!!!\"}", "not valid base64" },
	{ "cookies a string", "{\"statusCode\":200,\"cookies\":\"a=b\"}",
	  "cookies is not an array" },
	{ "cookie a number", "{\"statusCode\":200,\"cookies\":[1]}",
	  "cookies[0] is not a string" },
	{ "isBase64Encoded a string", "{\"statusCode\":200,"
	  "\"isBase64Encoded\":\"yes\",\"body\":\"\"}", "not a boolean" },
};

static const struct {
	const char	*name, *answer, *body, *ctype;
	int		 status;
} wellformed[] = {
	{ "status only", "{\"statusCode\":204}", "", NULL, 204 },
	{ "status as digits", "{\"statusCode\":\"404\",\"body\":\"gone\"}",
	  "gone", NULL, 404 },
	{ "null body", "{\"statusCode\":200,\"body\":null}", "", NULL, 200 },
	{ "number inferred", "42", "42", "application/json", 200 },
	{ "array inferred", "[1,2]", "[1,2]", "application/json", 200 },
	{ "object with body but no status", "{\"body\":\"x\"}",
	  "{\"body\":\"x\"}", "application/json", 200 },
};

static void
check_answers(void)
{
	struct local_http_resp	 r;
	struct cz_err		 err;
	size_t			 i;
	int			 rc;

	local_http_resp_init(&r);
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		memset(&err, 0, sizeof(err));
		rc = local_v2_response(LOCAL_HTTPAPI, malformed[i].answer,
		    strlen(malformed[i].answer), &r, &err);
		T_OK(rc == -1 && strstr(err.msg, malformed[i].why) != NULL,
		    "malformed %s: rejected (%s)", malformed[i].name, err.msg);
	}
	for (i = 0; i < sizeof(wellformed) / sizeof(wellformed[0]); i++) {
		rc = local_v2_response(LOCAL_HTTPAPI, wellformed[i].answer,
		    strlen(wellformed[i].answer), &r, &err);
		T_OK(rc == 0 && r.status == wellformed[i].status,
		    "answer %s: status %d", wellformed[i].name, r.status);
		T_STREQ(r.body.s, wellformed[i].body, "answer %s: body",
		    wellformed[i].name);
		T_STREQ(hdr(&r, "content-type"), wellformed[i].ctype,
		    "answer %s: content-type", wellformed[i].name);
	}
	local_http_resp_release(&r);
}

/* Builds the event for a request; NULL on failure. */
static json_t *
event_for(enum local_flavour fl, const char *method, const char *uri,
    const struct local_header *h, size_t nh, const void *body, size_t blen)
{
	struct local_http_req	 req;
	struct cz_buf		 out = CZ_BUF_INIT;
	struct cz_err		 err;
	json_t			*j = NULL;

	memset(&req, 0, sizeof(req));
	req.flavour = fl;
	req.method = method;
	req.uri = uri;
	req.protocol = "HTTP/1.1";
	req.source_ip = "192.168.0.1";
	req.headers = h;
	req.nheaders = nh;
	req.body = body;
	req.bodylen = blen;
	req.request_id = "id";
	req.time_ms = 1583348638390LL;
	req.api_id = "api-id";
	req.account_id = "123456789012";
	req.region = "us-east-1";
	if (local_v2_event(&req, &out, &err) == 0)
		j = json_loadb(out.s, out.len, 0, NULL);
	else
		printf("# event: %s\n", err.msg);
	cz_buf_release(&out);
	return j;
}

static void
check_event_query_cookies(void)
{
	static const struct local_header h[] = {
		{ "Header1", "value1" }, { "Header2", "value1" },
		{ "Header2", "value2" }, { "Cookie", "cookie1; cookie2" },
		{ "User-Agent", "agent" },
		{ "Host", "id.execute-api.us-east-1.amazonaws.com" },
	};
	json_t	*ref, *ev, *rc, *http;

	ref = load("tests/data/events/apigw-v2-get-query-cookies.json");
	ev = event_for(LOCAL_HTTPAPI, "GET", "/my/path?parameter1=value1&"
	    "parameter1=value2&parameter2=value", h, 6, NULL, 0);
	if (!T_OK(ref != NULL && ev != NULL, "event: built"))
		return;
	T_STREQ(json_string_value(json_object_get(ev, "version")), "2.0",
	    "event: version");
	T_STREQ(json_string_value(json_object_get(ev, "routeKey")),
	    "$default", "event: routeKey");
	T_OK(json_equal(json_object_get(ev, "rawPath"),
	    json_object_get(ref, "rawPath")), "event: rawPath as the sample");
	T_OK(json_equal(json_object_get(ev, "rawQueryString"),
	    json_object_get(ref, "rawQueryString")),
	    "event: rawQueryString as the sample");
	T_OK(json_equal(json_object_get(ev, "queryStringParameters"),
	    json_object_get(ref, "queryStringParameters")),
	    "event: queryStringParameters joined with commas");
	T_OK(json_equal(json_object_get(ev, "cookies"),
	    json_object_get(ref, "cookies")), "event: cookies as the sample");
	T_STREQ(json_string_value(json_object_get(json_object_get(ev,
	    "headers"), "header2")), "value1,value2",
	    "event: repeated header joined with commas");
	T_STREQ(json_string_value(json_object_get(json_object_get(ev,
	    "headers"), "header1")), "value1", "event: header lower-cased");
	T_OK(json_object_get(json_object_get(ev, "headers"), "cookie") ==
	    NULL, "event: Cookie moved out of headers");
	T_OK(json_object_get(ev, "pathParameters") == NULL,
	    "event: no pathParameters");
	T_OK(json_object_get(ev, "body") == NULL, "event: no body for GET");
	T_OK(json_is_false(json_object_get(ev, "isBase64Encoded")),
	    "event: isBase64Encoded false");
	rc = json_object_get(ev, "requestContext");
	http = json_object_get(rc, "http");
	{
		static const char *const keys[] = { "method", "path",
		    "protocol", "userAgent", NULL };
		json_t	*rh = json_object_get(json_object_get(ref,
		    "requestContext"), "http");
		size_t	 i;

		for (i = 0; keys[i] != NULL; i++)
			T_OK(json_equal(json_object_get(http, keys[i]),
			    json_object_get(rh, keys[i])), "event: "
			    "requestContext.http.%s as the sample", keys[i]);
		/* The sample's "192.168.0.1/32" is not an address. */
		T_STREQ(json_string_value(json_object_get(http, "sourceIp")),
		    "192.168.0.1", "event: requestContext.http.sourceIp");
	}
	T_STREQ(json_string_value(json_object_get(rc, "domainName")),
	    "id.execute-api.us-east-1.amazonaws.com", "event: domainName");
	T_STREQ(json_string_value(json_object_get(rc, "domainPrefix")), "id",
	    "event: domainPrefix");
	T_STREQ(json_string_value(json_object_get(rc, "accountId")),
	    "123456789012", "event: accountId");
	T_STREQ(json_string_value(json_object_get(rc, "apiId")), "api-id",
	    "event: apiId");
	T_STREQ(json_string_value(json_object_get(rc, "stage")), "$default",
	    "event: stage");
	T_STREQ(json_string_value(json_object_get(rc, "routeKey")),
	    "$default", "event: requestContext.routeKey");
	T_STREQ(json_string_value(json_object_get(rc, "time")),
	    "04/Mar/2020:19:03:58 +0000", "event: time");
	T_OK(json_integer_value(json_object_get(rc, "timeEpoch")) ==
	    1583348638390LL, "event: timeEpoch");
	json_decref(ref);
	json_decref(ev);
}

static void
check_event_paths(void)
{
	json_t	*ref, *ev;

	ref = load("tests/data/events/apigw-v2-post-path-with-space.json");
	ev = event_for(LOCAL_HTTPAPI, "POST", "/my/path-with%20space", NULL,
	    0, NULL, 0);
	T_OK(ref && ev && json_equal(json_object_get(ev, "rawPath"),
	    json_object_get(ref, "rawPath")), "path: HTTP API decodes rawPath "
	    "as the sample");
	T_STREQ(json_string_value(json_object_get(json_object_get(
	    json_object_get(ev, "requestContext"), "http"), "path")),
	    "/my/path-with space", "path: requestContext.http.path decoded");
	json_decref(ev);
	ev = event_for(LOCAL_FUNCTION_URL, "POST", "/my/path-with%20space",
	    NULL, 0, NULL, 0);
	T_STREQ(json_string_value(json_object_get(ev, "rawPath")),
	    "/my/path-with%20space", "path: function URL keeps the encoding");
	T_STREQ(json_string_value(json_object_get(json_object_get(ev,
	    "requestContext"), "accountId")), "anonymous",
	    "path: function URL accountId");
	json_decref(ev);
	ev = event_for(LOCAL_HTTPAPI, "GET", "/a?x=%41%2Cb&y&=z&x=2", NULL, 0,
	    NULL, 0);
	T_STREQ(json_string_value(json_object_get(json_object_get(ev,
	    "queryStringParameters"), "x")), "A,b,2",
	    "query: decoded and joined");
	T_STREQ(json_string_value(json_object_get(json_object_get(ev,
	    "queryStringParameters"), "y")), "", "query: key without value");
	T_STREQ(json_string_value(json_object_get(ev, "rawQueryString")),
	    "x=%41%2Cb&y&=z&x=2", "query: raw string kept");
	json_decref(ev);
	json_decref(ref);
}

static void
check_event_bodies(void)
{
	static const struct local_header octet[] = {
		{ "Content-Type", "application/octet-stream" } };
	static const struct local_header json[] = {
		{ "Content-Type", "application/json; charset=utf-8" } };
	static const struct local_header text[] = {
		{ "Content-Type", "text/plain" } };
	json_t	*ref, *ev;

	ref = load("tests/data/events/apigw-v2-post-base64-body.json");
	ev = event_for(LOCAL_HTTPAPI, "POST", "/", octet, 1,
	    "{\"test\":\"body\"}", 15);
	T_OK(ref && ev && json_equal(json_object_get(ev, "body"),
	    json_object_get(ref, "body")), "body: binary type is base64 as "
	    "the sample");
	T_OK(json_is_true(json_object_get(ev, "isBase64Encoded")),
	    "body: binary type sets isBase64Encoded");
	json_decref(ev);
	ev = event_for(LOCAL_HTTPAPI, "POST", "/", json, 1,
	    "{\"test\":\"body\"}", 15);
	T_STREQ(json_string_value(json_object_get(ev, "body")),
	    "{\"test\":\"body\"}", "body: JSON passes as text");
	T_OK(json_is_false(json_object_get(ev, "isBase64Encoded")),
	    "body: JSON is not base64");
	json_decref(ev);
	ev = event_for(LOCAL_HTTPAPI, "POST", "/", text, 1, "\xff\xfe", 2);
	T_STREQ(json_string_value(json_object_get(ev, "body")), "//4=",
	    "body: text that is not UTF-8 goes base64");
	json_decref(ev);
	ev = event_for(LOCAL_HTTPAPI, "POST", "/", NULL, 0, "a=1", 3);
	T_STREQ(json_string_value(json_object_get(ev, "body")), "YT0x",
	    "body: no content type goes base64");
	json_decref(ev);
	json_decref(ref);
}

static const struct {
	const char	*ct;
	int		 text;
} types[] = {
	{ "text/plain", 1 }, { "Text/HTML; charset=utf-8", 1 },
	{ "application/json", 1 }, { "application/javascript", 1 },
	{ "application/xml", 1 }, { "application/problem+json", 1 },
	{ "image/svg+xml", 1 }, { "application/octet-stream", 0 },
	{ "image/png", 0 }, { "application/x-www-form-urlencoded", 0 },
	{ "multipart/form-data; boundary=x", 0 }, { NULL, 0 },
	{ "application/jsonx", 0 },
};

static void
check_text_types(void)
{
	size_t	i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		T_OK(local_text_type(types[i].ct) == types[i].text,
		    "content type %s is %s",
		    types[i].ct ? types[i].ct : "(none)",
		    types[i].text ? "text" : "binary");
}

static void
check_schedules(void)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	struct cz_err	 err;
	json_t		*got, *want, *ref;

	T_OK(local_schedule_input("nightly", "{\"full\":true}", &b, &err) ==
	    0, "schedule: input built");
	got = json_loads(b.s, 0, NULL);
	want = json_loads("{\"czappa\":\"schedule\",\"name\":\"nightly\","
	    "\"input\":{\"full\":true}}", 0, NULL);
	T_OK(json_equal(got, want), "schedule: payload [%s]", b.s);
	json_decref(got);
	json_decref(want);
	cz_buf_reset(&b);
	T_OK(local_schedule_input("n", NULL, &b, &err) == 0 &&
	    strcmp(b.s, "{\"czappa\":\"schedule\",\"name\":\"n\"}") == 0,
	    "schedule: no input [%s]", b.s);
	cz_buf_reset(&b);
	T_OK(local_schedule_input("n", "{nope", &b, &err) == -1 &&
	    strstr(err.msg, "schedule n: input is not JSON") != NULL,
	    "schedule: bad input rejected (%s)", err.msg);
	cz_buf_reset(&b);
	local_keep_warm_input(&b);
	T_STREQ(b.s, "{\"czappa\":\"keep-warm\"}", "keep-warm payload");
	cz_buf_reset(&b);

	ref = load("tests/data/events/eventbridge-scheduled.json");
	local_scheduled_event("us-east-2", "123456789012", "my-schedule",
	    "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c", 1551403425000LL, &b);
	got = json_loads(b.s, 0, NULL);
	T_OK(ref && got && json_equal(got, ref), "scheduled event: equals "
	    "the EventBridge sample [%s]", b.s);
	json_decref(got);
	json_decref(ref);
	cz_buf_release(&b);
}

static void
check_uuid(void)
{
	char	a[37], b[37];

	local_uuid(a);
	local_uuid(b);
	T_OK(strlen(a) == 36 && a[8] == '-' && a[14] == '4' &&
	    strchr("89ab", a[19]) != NULL, "uuid: version 4 shape %s", a);
	T_OK(strcmp(a, b) != 0, "uuid: two differ");
}

int
main(void)
{
	check_inferred();
	check_cookies_file();
	check_base64_answer();
	check_answers();
	check_event_query_cookies();
	check_event_paths();
	check_event_bodies();
	check_text_types();
	check_schedules();
	check_uuid();
	return t_done();
}
