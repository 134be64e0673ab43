/*
 * test_server: czappa's Runtime API server (src/local/server.c) over real
 * HTTP with libcurl, against fake pool callbacks: the /next headers, 202
 * {"status":"OK"}, 400 InvalidRequestID for unknown and repeated ids, the
 * 6 MiB + 100 byte limit, the error type header, /init/error and 404 for
 * every path the API does not have.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base/buf.h"
#include "base/err.h"
#include "local/server.h"
#include "t.h"

struct fake {
	int		fail_next;
	int		answered;
	int		calls_response;
	int		saw_too_large;
	char		type[128];
	struct cz_buf	body;
};

static struct fake F;

static int
f_next(void *arg, struct local_next *nx)
{
	(void)arg;
	if (F.fail_next)
		return -1;
	snprintf(nx->request_id, sizeof(nx->request_id),
	    "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
	nx->deadline_ms = 1542409706888LL;
	snprintf(nx->arn, sizeof(nx->arn),
	    "arn:aws:lambda:us-east-1:123456789012:function:f");
	snprintf(nx->trace_id, sizeof(nx->trace_id),
	    "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;"
	    "Sampled=1");
	cz_buf_adds(&nx->payload, "{\"hello\":\"world\"}");
	return 0;
}

static int
f_response(void *arg, const char *id, const void *body, size_t len,
    int too_large)
{
	(void)arg;
	F.calls_response++;
	if (strcmp(id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd") != 0 ||
	    F.answered)
		return 400;
	F.answered = 1;
	F.saw_too_large = too_large;
	cz_buf_reset(&F.body);
	cz_buf_add(&F.body, body, len);
	return too_large ? 413 : 202;
}

static int
f_error(void *arg, const char *id, const char *type, const void *body,
    size_t len)
{
	(void)arg;
	if (strcmp(id, "known") != 0)
		return 400;
	snprintf(F.type, sizeof(F.type), "%s", type ? type : "(none)");
	cz_buf_reset(&F.body);
	cz_buf_add(&F.body, body, len);
	return 202;
}

static int
f_init_error(void *arg, const char *type, const void *body, size_t len)
{
	(void)arg;
	snprintf(F.type, sizeof(F.type), "%s", type ? type : "(none)");
	cz_buf_reset(&F.body);
	cz_buf_add(&F.body, body, len);
	return 202;
}

static const struct local_server_ops fake_ops = {
	f_next, f_response, f_error, f_init_error
};

struct reply {
	long		status;
	CURLcode	rc;
	struct cz_buf	body;
	struct cz_buf	headers;
};

static size_t
on_data(char *p, size_t sz, size_t n, void *arg)
{
	cz_buf_add(arg, p, sz * n);
	return sz * n;
}

static unsigned short port;

/* One request; hdr may be NULL. */
static void
call(const char *method, const char *path, const void *body, size_t len,
    const char *hdr, struct reply *r)
{
	CURL			*c = curl_easy_init();
	struct curl_slist	*h = NULL;
	char			 url[256];

	cz_buf_reset(&r->body);
	cz_buf_reset(&r->headers);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	h = curl_slist_append(h, "Expect:");
	if (hdr != NULL)
		h = curl_slist_append(h, hdr);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	r->status = 0;
	r->rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static int
has_header(const struct reply *r, const char *line)
{
	return strcasestr(r->headers.s, line) != NULL;
}

static const char *const not_found[] = {
	"/",
	"/2018-06-01/runtime/",
	"/2018-06-01/runtime/invocation",
	"/2018-06-01/runtime/invocation/next/x",
	"/2018-06-01/runtime/invocation/abc/bogus",
	"/2018-06-01/runtime/invocation/abc/response/x",
	"/2018-06-01/runtime/init",
	"/2019-01-01/runtime/invocation/next",
	"/2018-06-01/runtime/invocation//response",
	NULL
};

int
main(void)
{
	struct local_server	*s = NULL;
	struct cz_err		 err;
	struct reply		 r = { 0, CURLE_OK, CZ_BUF_INIT, CZ_BUF_INIT };
	char			*big;
	size_t			 i;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	cz_buf_init(&F.body, 0);
	if (!T_OK(local_server_start(&fake_ops, NULL, &s, &err) == 0,
	    "server starts (%s)", err.msg))
		return t_done();
	port = local_server_port(s);
	T_OK(port != 0, "server has a port");

	call("GET", "/2018-06-01/runtime/invocation/next", NULL, 0, NULL, &r);
	T_OK(r.status == 200, "next: 200 (%ld)", r.status);
	T_STREQ(r.body.s, "{\"hello\":\"world\"}", "next: the event");
	T_OK(has_header(&r, "Lambda-Runtime-Aws-Request-Id: "
	    "8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n"), "next: request id");
	T_OK(has_header(&r, "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n"),
	    "next: deadline in epoch ms");
	T_OK(has_header(&r, "Lambda-Runtime-Invoked-Function-Arn: "
	    "arn:aws:lambda:us-east-1:123456789012:function:f\r\n"),
	    "next: function ARN");
	T_OK(has_header(&r, "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-"),
	    "next: trace id");

	call("POST", "/2018-06-01/runtime/invocation/"
	    "8476a536-e9f4-11e8-9739-2dfe598c3fcd/response", "{\"r\":1}", 7,
	    NULL, &r);
	T_OK(r.status == 202, "response: 202 (%ld)", r.status);
	T_STREQ(r.body.s, "{\"status\":\"OK\"}", "response: body");
	T_STREQ(F.body.s, "{\"r\":1}", "response: the pool got the bytes");
	call("POST", "/2018-06-01/runtime/invocation/"
	    "8476a536-e9f4-11e8-9739-2dfe598c3fcd/response", "{}", 2, NULL, &r);
	T_OK(r.status == 400 && strstr(r.body.s, "\"errorType\":"
	    "\"InvalidRequestID\"") != NULL, "response: answered twice is 400 "
	    "InvalidRequestID (%ld %s)", r.status, r.body.s);
	call("POST", "/2018-06-01/runtime/invocation/nope/response", "{}", 2,
	    NULL, &r);
	T_OK(r.status == 400 && strstr(r.body.s, "InvalidRequestID") != NULL,
	    "response: unknown id is 400 (%ld)", r.status);
	call("GET", "/2018-06-01/runtime/invocation/nope/response", NULL, 0,
	    NULL, &r);
	T_OK(r.status == 405, "response: GET is 405 (%ld)", r.status);

	/* The limit is 6 MiB + 100 bytes, as in AWS's emulator. */
	big = calloc(1, LOCAL_MAX_RESPONSE + 1);
	memset(big, 'x', LOCAL_MAX_RESPONSE + 1);
	F.answered = 0;
	call("POST", "/2018-06-01/runtime/invocation/"
	    "8476a536-e9f4-11e8-9739-2dfe598c3fcd/response", big,
	    LOCAL_MAX_RESPONSE, NULL, &r);
	T_OK(r.status == 202 && !F.saw_too_large && F.body.len ==
	    LOCAL_MAX_RESPONSE, "size: 6291556 bytes pass (%ld)", r.status);
	F.answered = 0;
	call("POST", "/2018-06-01/runtime/invocation/"
	    "8476a536-e9f4-11e8-9739-2dfe598c3fcd/response", big,
	    LOCAL_MAX_RESPONSE + 1, NULL, &r);
	T_OK(r.status == 413 && F.saw_too_large, "size: one more is 413 "
	    "(%ld)", r.status);
	T_OK(strstr(r.body.s, "RequestEntityTooLarge") != NULL &&
	    strstr(r.body.s, "6291556 bytes") != NULL, "size: 413 body [%s]",
	    r.body.s);
	free(big);

	call("POST", "/2018-06-01/runtime/invocation/known/error",
	    "{\"errorMessage\":\"boom\"}", 23,
	    "Lambda-Runtime-Function-Error-Type: Function.Boom", &r);
	T_OK(r.status == 202, "error: 202 (%ld)", r.status);
	T_STREQ(F.type, "Function.Boom", "error: the type header reached the "
	    "pool");
	T_STREQ(F.body.s, "{\"errorMessage\":\"boom\"}", "error: the body");
	call("POST", "/2018-06-01/runtime/invocation/known/error", "x", 1,
	    NULL, &r);
	T_STREQ(F.type, "(none)", "error: no type header");
	call("POST", "/2018-06-01/runtime/invocation/other/error", "x", 1,
	    NULL, &r);
	T_OK(r.status == 400, "error: unknown id is 400 (%ld)", r.status);

	call("POST", "/2018-06-01/runtime/init/error",
	    "{\"errorMessage\":\"no config\"}", 28,
	    "Lambda-Runtime-Function-Error-Type: Runtime.ConfigInvalid", &r);
	T_OK(r.status == 202 && strcmp(r.body.s, "{\"status\":\"OK\"}") == 0,
	    "init error: 202 (%ld)", r.status);
	T_STREQ(F.type, "Runtime.ConfigInvalid", "init error: type");
	T_STREQ(F.body.s, "{\"errorMessage\":\"no config\"}",
	    "init error: body");
	call("GET", "/2018-06-01/runtime/init/error", NULL, 0, NULL, &r);
	T_OK(r.status == 405, "init error: GET is 405 (%ld)", r.status);
	call("POST", "/2018-06-01/runtime/invocation/next", "", 0, NULL, &r);
	T_OK(r.status == 405, "next: POST is 405 (%ld)", r.status);

	for (i = 0; not_found[i] != NULL; i++) {
		call("POST", not_found[i], "{}", 2, NULL, &r);
		T_OK(r.status == 404, "unknown path %s: 404 (%ld)",
		    not_found[i], r.status);
	}

	/* When the pool says the process is gone, the GET gets no answer. */
	F.fail_next = 1;
	call("GET", "/2018-06-01/runtime/invocation/next", NULL, 0, NULL, &r);
	T_OK(r.rc != CURLE_OK && r.status == 0, "next: dropped when the pool "
	    "refuses (curl %d)", (int)r.rc);

	local_server_stop(s);
	cz_buf_release(&r.body);
	cz_buf_release(&r.headers);
	cz_buf_release(&F.body);
	curl_global_cleanup();
	return t_done();
}
