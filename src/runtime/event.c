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
#include "runtime/jscan.h"

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
	cz_buf_init(&req->raw, 0);
	cz_buf_init(&req->work, 0);
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
	cz_buf_release(&req->raw);
	cz_buf_release(&req->work);
	cz_strv_release(&req->owned);
	czrt_request_init(req);
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

static int
s_null(const struct czrt_jv *v)
{
	return v == NULL || v->type == CZRT_J_NULL;
}

/* A string member: 0 (*out NULL if absent or null), -1 if another type. */
static int
s_str(const struct czrt_jv *o, const char *key, const char **out,
    struct cz_err *err)
{
	struct czrt_jv	*v = czrt_jget(o, key);

	*out = NULL;
	if (s_null(v))
		return 0;
	if (v->type != CZRT_J_STR)
		return s_bad(err, key, "a string");
	*out = v->s;
	return 0;
}

/* An object member: 0 (*out NULL if absent or null), -1 if another type. */
static int
s_obj(const struct czrt_jv *o, const char *key, struct czrt_jv **out,
    struct cz_err *err)
{
	struct czrt_jv	*v = czrt_jget(o, key);

	*out = NULL;
	if (s_null(v))
		return 0;
	if (v->type != CZRT_J_OBJ)
		return s_bad(err, key, "an object");
	*out = v;
	return 0;
}

/* {"name": "v"} into kv, values decoded if `decode` (ALB). */
static int
s_single_map(struct cz_request *req, const struct czrt_jv *map,
    struct czrt_kvv *kv, int decode, const char *field, struct cz_err *err)
{
	struct czrt_jv	*v;

	for (v = map->child; v != NULL; v = v->next) {
		if (v->type != CZRT_J_STR)
			return s_bad(err, field, "a map of strings");
		if (decode)
			czrt_kvv_add(kv, s_decoded(req, v->key,
			    strlen(v->key), 1), s_decoded(req, v->s, v->n, 1));
		else
			czrt_kvv_add(kv, v->key, v->s);
	}
	return 0;
}

/* {"name": ["v1", "v2"]}: one entry per value (query parameters). */
static int
s_multi_map(struct cz_request *req, const struct czrt_jv *map,
    struct czrt_kvv *kv, int decode, const char *field, struct cz_err *err)
{
	struct czrt_jv	*arr, *v;
	const char	*name;

	for (arr = map->child; arr != NULL; arr = arr->next) {
		if (arr->type != CZRT_J_ARR)
			return s_bad(err, field, "a map of string arrays");
		name = decode ? s_decoded(req, arr->key, strlen(arr->key), 1) :
		    arr->key;
		for (v = arr->child; v != NULL; v = v->next) {
			if (v->type != CZRT_J_STR)
				return s_bad(err, field,
				    "a map of string arrays");
			czrt_kvv_add(kv, name, decode ?
			    s_decoded(req, v->s, v->n, 1) : v->s);
		}
	}
	return 0;
}

/* {"name": ["v1", "v2"]}: one entry per name, values joined by ", ". */
static int
s_multi_headers(struct cz_request *req, const struct czrt_jv *map,
    struct cz_err *err)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	struct czrt_jv	*arr, *v;

	for (arr = map->child; arr != NULL; arr = arr->next) {
		if (arr->type != CZRT_J_ARR)
			goto bad;
		if (arr->n == 1 && arr->child->type == CZRT_J_STR) {
			czrt_kvv_add(&req->headers, arr->key, arr->child->s);
			continue;
		}
		cz_buf_reset(&b);
		for (v = arr->child; v != NULL; v = v->next) {
			if (v->type != CZRT_J_STR)
				goto bad;
			if (v != arr->child)
				cz_buf_add(&b, ", ", 2);
			cz_buf_add(&b, v->s, v->n);
		}
		czrt_kvv_add(&req->headers, arr->key,
		    s_own(req, cz_xstrndup(b.s, b.len)));
	}
	cz_buf_release(&b);
	return 0;
bad:
	cz_buf_release(&b);
	return s_bad(err, "multiValueHeaders", "a map of string arrays");
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

/*
 * "a=1; b=2" from a Cookie header.  Several Cookie headers arrive joined
 * with ", " (multiValueHeaders); RFC 6265 keeps commas out of cookie
 * values, so a comma separates cookies as a semicolon does.
 */
static void
s_cookie_header(struct cz_request *req, const char *h)
{
	const char	*p, *semi;

	for (p = h; *p != '\0'; p = *semi ? semi + 1 : semi) {
		semi = p + strcspn(p, ";,");
		s_cookie(req, p, (size_t)(semi - p));
	}
}

static int
s_body(struct cz_request *req, const struct czrt_jv *ev, struct cz_err *err)
{
	struct czrt_jv	*body, *b64;

	body = czrt_jget(ev, "body");
	b64 = czrt_jget(ev, "isBase64Encoded");
	if (!s_null(b64) && b64->type != CZRT_J_TRUE &&
	    b64->type != CZRT_J_FALSE)
		return s_bad(err, "isBase64Encoded", "a boolean");
	if (s_null(body))
		return 0;
	if (body->type != CZRT_J_STR)
		return s_bad(err, "body", "a string");
	if (b64 != NULL && b64->type == CZRT_J_TRUE) {
		if (cz_b64_decode(&req->body, body->s, body->n) == -1)
			return s_bad(err, "body", "valid base64");
	} else
		cz_buf_add(&req->body, body->s, body->n);
	return 0;
}

/* API Gateway HTTP API payload 2.0 and function URLs. */
static int
s_http_v2(struct cz_request *req, const struct czrt_jv *ev,
    const struct czrt_jv *ctx, struct cz_err *err)
{
	const char	*raw, *q, *stage, *dom;
	struct czrt_jv	*http, *h, *ck, *v;
	size_t		 n;

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
	ck = czrt_jget(ev, "cookies");
	if (!s_null(ck)) {
		if (ck->type != CZRT_J_ARR)
			return s_bad(err, "cookies", "an array");
		for (v = ck->child; v != NULL; v = v->next) {
			if (v->type != CZRT_J_STR)
				return s_bad(err, "cookies",
				    "an array of strings");
			s_cookie(req, v->s, v->n);
		}
	}
	return s_body(req, ev, err);
}

/* REST API proxy / payload 1.0 (alb = 0) and ALB (alb = 1). */
static int
s_http_v1(struct cz_request *req, const struct czrt_jv *ev, int alb,
    struct cz_err *err)
{
	const char	*path;
	struct czrt_jv	*h, *mh, *q, *mq;
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
s_envelope(struct cz_request *req, const struct czrt_jv *ev,
    const char *kind, struct cz_err *err)
{
	req->envelope = 1;
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
	if (czrt_jget(ev, "input") != NULL)
		req->input_from = CZRT_INPUT_MEMBER;
	return 0;
}

/* EventBridge "Scheduled Event": the rule's name from resources[0]. */
static int
s_scheduled(struct cz_request *req, const struct czrt_jv *ev,
    struct cz_err *err)
{
	struct czrt_jv	*res;
	const char	*slash;

	res = czrt_jget(ev, "resources");
	if (res == NULL || res->type != CZRT_J_ARR || res->child == NULL ||
	    res->child->type != CZRT_J_STR)
		return s_bad(err, "resources", "an array of rule ARNs");
	if ((slash = strrchr(res->child->s, '/')) == NULL ||
	    slash[1] == '\0')
		return s_bad(err, "resources[0]", "a rule ARN");
	req->source = CZ_SRC_SCHEDULE;
	req->name = slash + 1;
	req->input_from = CZRT_INPUT_EVENT;
	return 0;
}

/* Nodes of the last event: kept, so that parsing allocates nothing. */
static struct czrt_jdoc	s_doc;

int
czrt_event_parse(struct cz_request *req, const char *text, size_t len,
    struct cz_err *err)
{
	struct czrt_jv	*ev, *ctx;
	const char	*kind, *src, *dtype, *ver;

	/* One copy to keep as sent (for cz_event), one to decode in place. */
	cz_buf_add(&req->raw, text, len);
	cz_buf_add(&req->work, text, len);
	if (czrt_jparse(&s_doc, req->work.s, req->work.len, &ev, err) == -1) {
		cz_err_prefix(err, "event is not JSON");
		snprintf(err->code, sizeof(err->code), "%s", CZRT_E_EVENT);
		return -1;
	}
	if (ev->type != CZRT_J_OBJ) {
		req->input_from = CZRT_INPUT_EVENT;
		return 0;
	}
	if (s_str(ev, "czappa", &kind, err) == -1)
		return -1;
	if (kind != NULL)
		return s_envelope(req, ev, kind, err);
	if (s_obj(ev, "requestContext", &ctx, err) == -1 ||
	    s_str(ev, "version", &ver, err) == -1)
		return -1;
	if (ctx != NULL && czrt_jget(ctx, "elb") != NULL)
		return s_http_v1(req, ev, 1, err);
	if ((ver != NULL && strcmp(ver, "2.0") == 0) ||
	    (ctx != NULL && czrt_jget(ctx, "http") != NULL))
		return s_http_v2(req, ev, ctx != NULL ? ctx : ev, err);
	if (czrt_jget(ev, "httpMethod") != NULL)
		return s_http_v1(req, ev, 0, err);
	if (s_str(ev, "source", &src, err) == -1 ||
	    s_str(ev, "detail-type", &dtype, err) == -1)
		return -1;
	if (src != NULL && dtype != NULL && strcmp(src, "aws.events") == 0 &&
	    strcmp(dtype, "Scheduled Event") == 0)
		return s_scheduled(req, ev, err);
	/* No known shape: the router may still hand it to the one function. */
	req->input_from = CZRT_INPUT_EVENT;
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

/* The event as a jansson value, parsed on first use: most HTTP handlers
 * never ask, and jansson's loader costs more than the rest of a call. */
json_t *
cz_event(const cz_request *creq)
{
	struct cz_request	*req = (struct cz_request *)creq;
	json_error_t		 jerr;

	if (req->event == NULL)
		req->event = json_loadb(req->raw.s, req->raw.len,
		    JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (req->event == NULL)
		req->event = json_null();
	return req->event;
}

json_t *
cz_input(const cz_request *creq)
{
	struct cz_request	*req = (struct cz_request *)creq;
	json_t			*in = NULL;

	if (req->input != NULL)
		return req->input;
	if (req->input_from == CZRT_INPUT_EVENT)
		in = cz_event(req);
	else if (req->input_from == CZRT_INPUT_MEMBER)
		in = json_object_get(cz_event(req), "input");
	req->input = in != NULL ? json_incref(in) : json_null();
	return req->input;
}

const char *
cz_name(const cz_request *req)
{
	return req->name;
}
