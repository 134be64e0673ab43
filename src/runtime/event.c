/*
 * event.c: turns a Lambda event (API Gateway HTTP API 2.0, function URL,
 * REST API / payload 1.0, ALB with or without multi-value headers,
 * EventBridge schedules, czappa's own schedule / function / keep-warm
 * envelopes) into one cz_request, and the request accessors.  Routing and
 * answers live in router.c and response.c.  See RUNTIME-API.md sections 6-7
 * for the rules followed here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/b64.h"
#include "base/clock.h"
#include "base/url.h"
#include "base/xmalloc.h"
#include "runtime/internal.h"

void
czrt_kvv_add(struct czrt_kvv *kv, const char *name, const char *value)
{
	if (kv->n == kv->cap) {
		kv->cap = kv->cap ? kv->cap * 2 : 16;
		kv->v = cz_xrealloc(kv->v, kv->cap * sizeof(*kv->v));
	}
	kv->v[kv->n].name = name;
	kv->v[kv->n].value = value;
	kv->n++;
}

void
czrt_kvv_release(struct czrt_kvv *kv)
{
	free(kv->v);
	kv->v = NULL;
	kv->n = kv->cap = 0;
}

const char *
czrt_kvv_get(const struct czrt_kvv *kv, const char *name, int icase,
    size_t nth)
{
	size_t	i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < kv->n; i++) {
		if ((icase ? strcasecmp(kv->v[i].name, name) :
		    strcmp(kv->v[i].name, name)) != 0)
			continue;
		if (nth-- == 0)
			return kv->v[i].value;
	}
	return NULL;
}

void
czrt_request_init(struct cz_request *req)
{
	memset(req, 0, sizeof(*req));
	cz_buf_init(&req->body, 0);
}

void
czrt_request_release(struct cz_request *req)
{
	json_decref(req->event);
	json_decref(req->input);
	czrt_kvv_release(&req->query);
	czrt_kvv_release(&req->headers);
	czrt_kvv_release(&req->cookies);
	czrt_kvv_release(&req->params);
	cz_buf_release(&req->body);
	cz_strv_release(&req->owned);
	memset(req, 0, sizeof(*req));
	cz_buf_init(&req->body, 0);
}

int
czrt_source_is_http(enum cz_source s)
{
	return s == CZ_SRC_HTTP_V2 || s == CZ_SRC_FUNCTION_URL ||
	    s == CZ_SRC_REST_V1 || s == CZ_SRC_ALB || s == CZ_SRC_ALB_MULTI;
}

/* Keeps s for the life of the request and returns it. */
static const char *
s_own(struct cz_request *req, char *s)
{
	cz_strv_take(&req->owned, s);
	return s;
}

static const char *
s_decoded(struct cz_request *req, const char *s, size_t n, int plus)
{
	struct cz_buf	b = CZ_BUF_INIT;

	if (memchr(s, '%', n) == NULL && (!plus || memchr(s, '+', n) == NULL)) {
		if (s[n] == '\0')
			return s;
		return s_own(req, cz_xstrndup(s, n));
	}
	cz_url_decode(&b, s, n, plus);
	if (b.cap == 0)
		return "";
	return s_own(req, cz_buf_detach(&b));
}

static int
s_bad(struct cz_err *err, const char *field, const char *want)
{
	cz_errf(err, "event field %s is not %s", field, want);
	snprintf(err->code, sizeof(err->code), "%s", CZRT_E_EVENT);
	return -1;
}

/* A string member: 0 (*out NULL if absent or null), -1 if another type. */
static int
s_str(json_t *o, const char *key, const char **out, struct cz_err *err)
{
	json_t	*v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return s_bad(err, key, "a string");
	*out = json_string_value(v);
	return 0;
}

/* An object member: 0 (*out NULL if absent or null), -1 if another type. */
static int
s_obj(json_t *o, const char *key, json_t **out, struct cz_err *err)
{
	json_t	*v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return s_bad(err, key, "an object");
	*out = v;
	return 0;
}

/* {"name": "v"} into kv, values decoded if `decode` (ALB). */
static int
s_single_map(struct cz_request *req, json_t *map, struct czrt_kvv *kv,
    int decode, const char *field, struct cz_err *err)
{
	const char	*k;
	json_t		*v;

	json_object_foreach(map, k, v) {
		if (!json_is_string(v))
			return s_bad(err, field, "a map of strings");
		if (decode)
			czrt_kvv_add(kv, s_decoded(req, k, strlen(k), 1),
			    s_decoded(req, json_string_value(v),
			    json_string_length(v), 1));
		else
			czrt_kvv_add(kv, k, json_string_value(v));
	}
	return 0;
}

/* {"name": ["v1", "v2"]}: one entry per value (query parameters). */
static int
s_multi_map(struct cz_request *req, json_t *map, struct czrt_kvv *kv,
    int decode, const char *field, struct cz_err *err)
{
	const char	*k, *name;
	json_t		*arr, *v;
	size_t		 i;

	json_object_foreach(map, k, arr) {
		if (!json_is_array(arr))
			return s_bad(err, field, "a map of string arrays");
		name = decode ? s_decoded(req, k, strlen(k), 1) : k;
		json_array_foreach(arr, i, v) {
			if (!json_is_string(v))
				return s_bad(err, field,
				    "a map of string arrays");
			czrt_kvv_add(kv, name, decode ? s_decoded(req,
			    json_string_value(v), json_string_length(v), 1) :
			    json_string_value(v));
		}
	}
	return 0;
}

/* {"name": ["v1", "v2"]}: one entry per name, values joined by ", ". */
static int
s_multi_headers(struct cz_request *req, json_t *map, struct cz_err *err)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	const char	*k;
	json_t		*arr, *v;
	size_t		 i;

	json_object_foreach(map, k, arr) {
		if (!json_is_array(arr))
			return s_bad(err, "multiValueHeaders",
			    "a map of string arrays");
		if (json_array_size(arr) == 1 &&
		    json_is_string(json_array_get(arr, 0))) {
			czrt_kvv_add(&req->headers, k,
			    json_string_value(json_array_get(arr, 0)));
			continue;
		}
		cz_buf_reset(&b);
		json_array_foreach(arr, i, v) {
			if (!json_is_string(v)) {
				cz_buf_release(&b);
				return s_bad(err, "multiValueHeaders",
				    "a map of string arrays");
			}
			if (i > 0)
				cz_buf_add(&b, ", ", 2);
			cz_buf_add(&b, json_string_value(v),
			    json_string_length(v));
		}
		czrt_kvv_add(&req->headers, k,
		    s_own(req, cz_xstrndup(b.s, b.len)));
	}
	cz_buf_release(&b);
	return 0;
}

/* "a=1&b=2" (raw) into decoded query entries. */
static void
s_raw_query(struct cz_request *req, const char *q)
{
	const char	*p, *amp, *eq;

	for (p = q; *p != '\0'; p = *amp ? amp + 1 : amp) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		if (amp == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			czrt_kvv_add(&req->query,
			    s_decoded(req, p, (size_t)(amp - p), 1), "");
		else
			czrt_kvv_add(&req->query,
			    s_decoded(req, p, (size_t)(eq - p), 1),
			    s_decoded(req, eq + 1, (size_t)(amp - eq - 1), 1));
	}
}

/* One cookie "name=value" (or a bare "name") into req->cookies. */
static void
s_cookie(struct cz_request *req, const char *s, size_t n)
{
	const char	*eq;
	char		*name;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	if ((eq = memchr(s, '=', n)) == NULL) {
		czrt_kvv_add(&req->cookies, s_own(req, cz_xstrndup(s, n)), "");
		return;
	}
	name = cz_xstrndup(s, (size_t)(eq - s));
	czrt_kvv_add(&req->cookies, s_own(req, name),
	    s_own(req, cz_xstrndup(eq + 1, n - (size_t)(eq - s) - 1)));
}

/* "a=1; b=2" from a Cookie header (several are joined with ", "). */
static void
s_cookie_header(struct cz_request *req, const char *h)
{
	const char	*p, *semi;

	for (p = h; *p != '\0'; p = *semi ? semi + 1 : semi) {
		semi = p + strcspn(p, ";");
		s_cookie(req, p, (size_t)(semi - p));
	}
}

static int
s_body(struct cz_request *req, json_t *ev, struct cz_err *err)
{
	const char	*body;
	json_t		*b64;

	if (s_str(ev, "body", &body, err) == -1)
		return -1;
	b64 = json_object_get(ev, "isBase64Encoded");
	if (b64 != NULL && !json_is_boolean(b64) && !json_is_null(b64))
		return s_bad(err, "isBase64Encoded", "a boolean");
	if (body == NULL)
		return 0;
	if (json_is_true(b64)) {
		if (cz_b64_decode(&req->body, body, strlen(body)) == -1)
			return s_bad(err, "body", "valid base64");
	} else
		cz_buf_add(&req->body, body,
		    json_string_length(json_object_get(ev, "body")));
	return 0;
}

/* API Gateway HTTP API payload 2.0 and function URLs. */
static int
s_http_v2(struct cz_request *req, json_t *ev, json_t *ctx,
    struct cz_err *err)
{
	const char	*raw, *q, *stage, *dom;
	json_t		*http, *h, *ck, *v;
	size_t		 i, n;

	if (s_obj(ctx, "http", &http, err) == -1 ||
	    s_str(http, "method", &req->method, err) == -1 ||
	    s_str(ev, "rawPath", &raw, err) == -1 ||
	    s_str(ev, "rawQueryString", &q, err) == -1 ||
	    s_str(ctx, "stage", &stage, err) == -1 ||
	    s_str(ctx, "domainName", &dom, err) == -1 ||
	    s_obj(ev, "headers", &h, err) == -1)
		return -1;
	if (req->method == NULL)
		return s_bad(err, "requestContext.http.method", "a string");
	if (raw == NULL && s_str(http, "path", &raw, err) == -1)
		return -1;
	if (raw == NULL)
		return s_bad(err, "rawPath", "a string");
	req->source = dom != NULL && strstr(dom, ".lambda-url.") != NULL ?
	    CZ_SRC_FUNCTION_URL : CZ_SRC_HTTP_V2;
	/* A named stage shows up in rawPath; routes are written without. */
	if (stage != NULL && strcmp(stage, "$default") != 0 &&
	    raw[0] == '/' && (n = strlen(stage)) > 0 &&
	    strncmp(raw + 1, stage, n) == 0 &&
	    (raw[n + 1] == '/' || raw[n + 1] == '\0'))
		raw += n + 1;
	req->path = s_decoded(req, raw, strlen(raw), 0);
	if (req->path[0] == '\0')
		req->path = "/";
	if (q != NULL)
		s_raw_query(req, q);
	else {
		if (s_obj(ev, "queryStringParameters", &v, err) == -1 ||
		    (v != NULL && s_single_map(req, v, &req->query, 0,
		    "queryStringParameters", err) == -1))
			return -1;
	}
	if (h != NULL && s_single_map(req, h, &req->headers, 0, "headers",
	    err) == -1)
		return -1;
	ck = json_object_get(ev, "cookies");
	if (ck != NULL && !json_is_null(ck)) {
		if (!json_is_array(ck))
			return s_bad(err, "cookies", "an array");
		json_array_foreach(ck, i, v) {
			if (!json_is_string(v))
				return s_bad(err, "cookies",
				    "an array of strings");
			s_cookie(req, json_string_value(v),
			    json_string_length(v));
		}
	}
	return s_body(req, ev, err);
}

/* REST API proxy / payload 1.0 (alb = 0) and ALB (alb = 1). */
static int
s_http_v1(struct cz_request *req, json_t *ev, int alb, struct cz_err *err)
{
	const char	*path;
	json_t		*h, *mh, *q, *mq;
	size_t		 i;

	if (s_str(ev, "httpMethod", &req->method, err) == -1 ||
	    s_str(ev, "path", &path, err) == -1 ||
	    s_obj(ev, "headers", &h, err) == -1 ||
	    s_obj(ev, "multiValueHeaders", &mh, err) == -1 ||
	    s_obj(ev, "queryStringParameters", &q, err) == -1 ||
	    s_obj(ev, "multiValueQueryStringParameters", &mq, err) == -1)
		return -1;
	if (req->method == NULL)
		return s_bad(err, "httpMethod", "a string");
	if (path == NULL)
		return s_bad(err, "path", "a string");
	if (alb)
		req->source = mh != NULL || mq != NULL ? CZ_SRC_ALB_MULTI :
		    CZ_SRC_ALB;
	else
		req->source = CZ_SRC_REST_V1;
	/* API Gateway decodes path and query; the ALB passes them as sent. */
	req->path = alb ? s_decoded(req, path, strlen(path), 0) : path;
	if (req->path[0] == '\0')
		req->path = "/";
	if ((mq != NULL ? s_multi_map(req, mq, &req->query, alb,
	    "multiValueQueryStringParameters", err) : q != NULL ?
	    s_single_map(req, q, &req->query, alb, "queryStringParameters",
	    err) : 0) == -1)
		return -1;
	if ((mh != NULL ? s_multi_headers(req, mh, err) : h != NULL ?
	    s_single_map(req, h, &req->headers, 0, "headers", err) : 0) == -1)
		return -1;
	for (i = 0; i < req->headers.n; i++)
		if (strcasecmp(req->headers.v[i].name, "cookie") == 0)
			s_cookie_header(req, req->headers.v[i].value);
	return s_body(req, ev, err);
}

/* {"czappa": "schedule" | "function" | "keep-warm", "name", "input"}. */
static int
s_envelope(struct cz_request *req, json_t *ev, const char *kind,
    struct cz_err *err)
{
	json_t	*in;

	if (strcmp(kind, "keep-warm") == 0) {
		req->source = CZ_SRC_KEEP_WARM;
		return 0;
	}
	if (strcmp(kind, "schedule") == 0)
		req->source = CZ_SRC_SCHEDULE;
	else if (strcmp(kind, "function") == 0)
		req->source = CZ_SRC_FUNCTION;
	else
		return s_bad(err, "czappa",
		    "one of schedule, function, keep-warm");
	if (s_str(ev, "name", &req->name, err) == -1)
		return -1;
	if (req->name == NULL)
		return s_bad(err, "name", "a string");
	if ((in = json_object_get(ev, "input")) != NULL)
		req->input = json_incref(in);
	return 0;
}

/* EventBridge "Scheduled Event": the rule's name from resources[0]. */
static int
s_scheduled(struct cz_request *req, json_t *ev, struct cz_err *err)
{
	json_t		*res;
	const char	*arn, *slash;

	res = json_object_get(ev, "resources");
	if (!json_is_array(res) || !json_is_string(json_array_get(res, 0)))
		return s_bad(err, "resources", "an array of rule ARNs");
	arn = json_string_value(json_array_get(res, 0));
	if ((slash = strrchr(arn, '/')) == NULL || slash[1] == '\0')
		return s_bad(err, "resources[0]", "a rule ARN");
	req->source = CZ_SRC_SCHEDULE;
	req->name = slash + 1;
	req->input = json_incref(ev);
	return 0;
}

int
czrt_event_parse(struct cz_request *req, const char *text, size_t len,
    struct cz_err *err)
{
	json_error_t	 jerr;
	json_t		*ev, *ctx;
	const char	*kind, *src, *dtype, *ver;

	req->event = json_loadb(text, len, JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, &jerr);
	if (req->event == NULL) {
		cz_errf(err, "event is not JSON: %s at %d:%d", jerr.text,
		    jerr.line, jerr.column);
		snprintf(err->code, sizeof(err->code), "%s", CZRT_E_EVENT);
		return -1;
	}
	ev = req->event;
	if (!json_is_object(ev)) {
		req->input = json_incref(ev);
		return 0;
	}
	if (s_str(ev, "czappa", &kind, err) == -1)
		return -1;
	if (kind != NULL)
		return s_envelope(req, ev, kind, err);
	if (s_obj(ev, "requestContext", &ctx, err) == -1 ||
	    s_str(ev, "version", &ver, err) == -1)
		return -1;
	if (ctx != NULL && json_object_get(ctx, "elb") != NULL)
		return s_http_v1(req, ev, 1, err);
	if ((ver != NULL && strcmp(ver, "2.0") == 0) ||
	    (ctx != NULL && json_object_get(ctx, "http") != NULL))
		return s_http_v2(req, ev, ctx != NULL ? ctx : ev, err);
	if (json_object_get(ev, "httpMethod") != NULL)
		return s_http_v1(req, ev, 0, err);
	if (s_str(ev, "source", &src, err) == -1 ||
	    s_str(ev, "detail-type", &dtype, err) == -1)
		return -1;
	if (src != NULL && dtype != NULL && strcmp(src, "aws.events") == 0 &&
	    strcmp(dtype, "Scheduled Event") == 0)
		return s_scheduled(req, ev, err);
	/* No known shape: the router may still hand it to the one function. */
	req->input = json_incref(ev);
	return 0;
}

/* Accessors (czappa.h). */

enum cz_source
cz_source(const cz_request *req)
{
	return req->source;
}

const char *
cz_source_name(const cz_request *req)
{
	switch (req->source) {
	case CZ_SRC_HTTP_V2:
		return "http-api";
	case CZ_SRC_FUNCTION_URL:
		return "function-url";
	case CZ_SRC_REST_V1:
		return "rest-api";
	case CZ_SRC_ALB:
		return "alb";
	case CZ_SRC_ALB_MULTI:
		return "alb-multi-value";
	case CZ_SRC_SCHEDULE:
		return "schedule";
	case CZ_SRC_FUNCTION:
		return "function";
	case CZ_SRC_KEEP_WARM:
		return "keep-warm";
	}
	return "unknown";
}

const char *
cz_method(const cz_request *req)
{
	return req->method;
}

const char *
cz_path(const cz_request *req)
{
	return req->path;
}

const char *
cz_query(const cz_request *req, const char *name)
{
	return czrt_kvv_get(&req->query, name, 0, 0);
}

const char *
cz_query_n(const cz_request *req, const char *name, size_t i)
{
	return czrt_kvv_get(&req->query, name, 0, i);
}

const char *
cz_header(const cz_request *req, const char *name)
{
	return czrt_kvv_get(&req->headers, name, 1, 0);
}

const char *
cz_cookie(const cz_request *req, const char *name)
{
	return czrt_kvv_get(&req->cookies, name, 0, 0);
}

const char *
cz_path_param(const cz_request *req, const char *name)
{
	return czrt_kvv_get(&req->params, name, 0, 0);
}

const void *
cz_body(const cz_request *req, size_t *len)
{
	if (len != NULL)
		*len = req->body.len;
	return req->body.s;
}

static int
s_at(const struct czrt_kvv *kv, size_t i, const char **name,
    const char **value)
{
	if (i >= kv->n)
		return 1;
	if (name != NULL)
		*name = kv->v[i].name;
	if (value != NULL)
		*value = kv->v[i].value;
	return 0;
}

int
cz_query_at(const cz_request *req, size_t i, const char **n, const char **v)
{
	return s_at(&req->query, i, n, v);
}

int
cz_header_at(const cz_request *req, size_t i, const char **n, const char **v)
{
	return s_at(&req->headers, i, n, v);
}

int
cz_cookie_at(const cz_request *req, size_t i, const char **n, const char **v)
{
	return s_at(&req->cookies, i, n, v);
}

int
cz_path_param_at(const cz_request *req, size_t i, const char **n,
    const char **v)
{
	return s_at(&req->params, i, n, v);
}

const char *
cz_request_id(const cz_request *req)
{
	return req->request_id;
}

const char *
cz_invoked_arn(const cz_request *req)
{
	return req->arn;
}

const char *
cz_trace_id(const cz_request *req)
{
	return req->trace_id;
}

long long
cz_remaining_ms(const cz_request *req)
{
	return req->deadline_ms - cz_wall_ms();
}

json_t *
cz_event(const cz_request *req)
{
	return req->event;
}

json_t *
cz_input(const cz_request *req)
{
	static json_t	*null;

	if (req->input != NULL)
		return req->input;
	if (null == NULL)
		null = json_null();
	return null;
}

const char *
cz_name(const cz_request *req)
{
	return req->name;
}
