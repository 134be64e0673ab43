/*
 * event: payload 2.0 events in, HTTP responses out, schedule payloads; see
 * event.h.  The rules follow /work/shared/RUNTIME-API.md sections 7 and 8;
 * where AWS's pages are silent the choice is written down in docs/local.md.
 */
#include <sys/random.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "base/b64.h"
#include "base/url.h"
#include "base/xmalloc.h"
#include "local/event.h"

/* API Gateway's log time: "12/Mar/2020:19:03:58 +0000", never localized. */
static void
s_clf_time(long long ms, char *out, size_t outsz)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	gmtime_r(&t, &tm);
	snprintf(out, outsz, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
	    mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

int
local_text_type(const char *ct)
{
	static const char *const text[] = { "application/json",
	    "application/javascript", "application/xml", NULL };
	size_t	n, i;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	if (n >= 5 && strncasecmp(ct, "text/", 5) == 0)
		return 1;
	for (i = 0; text[i] != NULL; i++)
		if (n == strlen(text[i]) && strncasecmp(ct, text[i], n) == 0)
			return 1;
	/* Structured syntax suffixes (RFC 6839): application/problem+json. */
	return (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0) ||
	    (n > 4 && strncasecmp(ct + n - 4, "+xml", 4) == 0);
}

/* 1 if s[0..n) is valid UTF-8, which a JSON string must be. */
static int
s_utf8(const char *s, size_t n)
{
	json_t	*j;

	if ((j = json_stringn(s, n)) == NULL)
		return 0;
	json_decref(j);
	return 1;
}

/* Adds value to obj[key], joining an existing value with ",". */
static void
s_join(json_t *obj, const char *key, const char *value, size_t vlen)
{
	json_t		*old, *s;
	struct cz_buf	 b = CZ_BUF_INIT;

	if ((old = json_object_get(obj, key)) != NULL) {
		cz_buf_add(&b, json_string_value(old), json_string_length(old));
		cz_buf_addch(&b, ',');
	}
	cz_buf_add(&b, value, vlen);
	/* A value that is not UTF-8 cannot be a JSON string; keep its bytes
	 * visible rather than drop the header. */
	if ((s = json_stringn(b.s, b.len)) == NULL) {
		struct cz_buf	esc = CZ_BUF_INIT;

		cz_url_encode(&esc, b.s, b.len, 1);
		s = json_stringn(esc.s, esc.len);
		cz_buf_release(&esc);
	}
	json_object_set_new(obj, key, s);
	cz_buf_release(&b);
}

/* Splits "a=1; b=2" into cookies entries, as API Gateway does. */
static void
s_cookies(json_t *arr, const char *v)
{
	const char	*p = v, *end;
	size_t		 n;
	json_t		*s;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ";");
		end = p + n;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > p && (s = json_stringn(p, (size_t)(end - p))) != NULL)
			json_array_append_new(arr, s);
		p += n;
		if (*p == ';')
			p++;
	}
}

/* queryStringParameters: decoded, repeated keys joined with ",". */
static void
s_query(json_t *obj, const char *q)
{
	struct cz_buf	 key = CZ_BUF_INIT, val = CZ_BUF_INIT;
	const char	*p = q, *eq;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, "&");
		if (n > 0) {
			cz_buf_reset(&key);
			cz_buf_reset(&val);
			eq = memchr(p, '=', n);
			if (eq == NULL)
				cz_url_decode(&key, p, n, 0);
			else {
				cz_url_decode(&key, p, (size_t)(eq - p), 0);
				cz_url_decode(&val, eq + 1,
				    n - (size_t)(eq - p) - 1, 0);
			}
			if (key.len > 0 && s_utf8(key.s, key.len))
				s_join(obj, key.s, val.s, val.len);
		}
		p += n;
		if (*p == '&')
			p++;
	}
	cz_buf_release(&key);
	cz_buf_release(&val);
}

static const char *
s_header(const struct local_http_req *req, const char *name)
{
	size_t	i;

	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

int
local_v2_event(const struct local_http_req *req, struct cz_buf *out,
    struct cz_err *err)
{
	json_t		*ev = NULL, *hdrs, *cookies, *qs, *rc, *http, *s;
	struct cz_buf	 path = CZ_BUF_INIT, rawq = CZ_BUF_INIT,
			 lname = CZ_BUF_INIT, b64 = CZ_BUF_INIT,
			 domain = CZ_BUF_INIT;
	const char	*uri = req->uri, *q, *host, *ua, *colon;
	char		 when[40], *js = NULL;
	size_t		 i, j, plen;
	int		 rc_ = -1;

	ev = json_object();
	hdrs = json_object();
	cookies = json_array();
	qs = json_object();
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	if (q != NULL)
		cz_buf_adds(&rawq, q + 1);
	/* HTTP API hands the function a decoded path; function URLs keep
	 * the client's encoding. */
	if (req->flavour == LOCAL_HTTPAPI)
		cz_url_decode(&path, uri, plen, 0);
	else
		cz_buf_add(&path, uri, plen);
	if (path.len == 0)
		cz_buf_addch(&path, '/');
	if ((s = json_stringn(path.s, path.len)) == NULL) {
		/* Decoded bytes that are not UTF-8: pass the path as sent. */
		cz_buf_reset(&path);
		cz_buf_add(&path, uri, plen);
		if ((s = json_stringn(path.s, path.len)) == NULL) {
			cz_errf(err, "request path is not UTF-8");
			goto out;
		}
	}
	if (!s_utf8(rawq.s, rawq.len)) {
		cz_errf(err, "query string is not UTF-8");
		json_decref(s);
		goto out;
	}

	for (i = 0; i < req->nheaders; i++) {
		cz_buf_reset(&lname);
		for (j = 0; req->headers[i].name[j] != '\0'; j++)
			cz_buf_addch(&lname,
			    tolower((unsigned char)req->headers[i].name[j]));
		if (strcmp(lname.s, "cookie") == 0) {
			s_cookies(cookies, req->headers[i].value);
			continue;
		}
		if (!s_utf8(lname.s, lname.len))
			continue;
		s_join(hdrs, lname.s, req->headers[i].value,
		    strlen(req->headers[i].value));
	}
	/* What API Gateway adds in front of every integration. */
	if (json_object_get(hdrs, "x-forwarded-for") == NULL)
		json_object_set_new(hdrs, "x-forwarded-for",
		    json_string(req->source_ip));
	if (json_object_get(hdrs, "x-forwarded-proto") == NULL)
		json_object_set_new(hdrs, "x-forwarded-proto",
		    json_string("http"));
	host = s_header(req, "host");
	if (json_object_get(hdrs, "x-forwarded-port") == NULL) {
		colon = host ? strrchr(host, ':') : NULL;
		json_object_set_new(hdrs, "x-forwarded-port",
		    json_string(colon ? colon + 1 : "80"));
	}
	s_query(qs, rawq.s);

	if (host != NULL && *host != '\0')
		cz_buf_adds(&domain, host);
	else if (req->flavour == LOCAL_HTTPAPI)
		cz_buf_addf(&domain, "%s.execute-api.%s.amazonaws.com",
		    req->api_id, req->region);
	else
		cz_buf_addf(&domain, "%s.lambda-url.%s.on.aws", req->api_id,
		    req->region);
	ua = s_header(req, "user-agent");
	s_clf_time(req->time_ms, when, sizeof(when));

	json_object_set_new(ev, "version", json_string("2.0"));
	json_object_set_new(ev, "routeKey", json_string("$default"));
	json_object_set_new(ev, "rawPath", s);
	json_object_set_new(ev, "rawQueryString", json_stringn(rawq.s,
	    rawq.len));
	if (json_array_size(cookies) > 0)
		json_object_set(ev, "cookies", cookies);
	json_object_set(ev, "headers", hdrs);
	if (json_object_size(qs) > 0)
		json_object_set(ev, "queryStringParameters", qs);

	rc = json_object();
	json_object_set_new(rc, "accountId", json_string(
	    req->flavour == LOCAL_FUNCTION_URL ? "anonymous" :
	    req->account_id));
	json_object_set_new(rc, "apiId", json_string(req->api_id));
	json_object_set_new(rc, "domainName", json_string(domain.s));
	json_object_set_new(rc, "domainPrefix", json_stringn(domain.s,
	    strcspn(domain.s, ".:")));
	http = json_object();
	json_object_set_new(http, "method", json_string(req->method));
	json_object_set(http, "path", json_object_get(ev, "rawPath"));
	json_object_set_new(http, "protocol", json_string(req->protocol));
	json_object_set_new(http, "sourceIp", json_string(req->source_ip));
	json_object_set_new(http, "userAgent", json_string(ua ? ua : ""));
	json_object_set_new(rc, "http", http);
	json_object_set_new(rc, "requestId", json_string(req->request_id));
	json_object_set_new(rc, "routeKey", json_string("$default"));
	json_object_set_new(rc, "stage", json_string("$default"));
	json_object_set_new(rc, "time", json_string(when));
	json_object_set_new(rc, "timeEpoch", json_integer(req->time_ms));
	json_object_set_new(ev, "requestContext", rc);

	if (req->body != NULL && req->bodylen > 0) {
		if (local_text_type(s_header(req, "content-type")) &&
		    (s = json_stringn(req->body, req->bodylen)) != NULL) {
			json_object_set_new(ev, "body", s);
			json_object_set_new(ev, "isBase64Encoded",
			    json_false());
		} else {
			cz_b64_encode(&b64, req->body, req->bodylen);
			json_object_set_new(ev, "body",
			    json_stringn(b64.s, b64.len));
			json_object_set_new(ev, "isBase64Encoded", json_true());
		}
	} else
		json_object_set_new(ev, "isBase64Encoded", json_false());

	if ((js = json_dumps(ev, JSON_COMPACT)) == NULL) {
		cz_errf(err, "cannot encode the event");
		goto out;
	}
	cz_buf_adds(out, js);
	rc_ = 0;
out:
	free(js);
	json_decref(ev);
	json_decref(hdrs);
	json_decref(cookies);
	json_decref(qs);
	cz_buf_release(&path);
	cz_buf_release(&rawq);
	cz_buf_release(&lname);
	cz_buf_release(&b64);
	cz_buf_release(&domain);
	return rc_;
}

void
local_http_resp_init(struct local_http_resp *r)
{
	struct cz_strv	empty = CZ_STRV_INIT;
	struct cz_buf	body = CZ_BUF_INIT;

	r->status = 0;
	r->names = empty;
	r->values = empty;
	r->body = body;
}

void
local_http_resp_release(struct local_http_resp *r)
{
	cz_strv_release(&r->names);
	cz_strv_release(&r->values);
	cz_buf_release(&r->body);
	local_http_resp_init(r);
}

static void
s_add_header(struct local_http_resp *r, const char *name, const char *value)
{
	cz_strv_push(&r->names, name);
	cz_strv_push(&r->values, value);
}

/* The full form: {"statusCode":..,"headers":..,"cookies":..,"body":..}. */
static int
s_full_response(json_t *ans, struct local_http_resp *r, struct cz_err *err)
{
	json_t		*sc, *hdrs, *v, *cookies, *body, *b64;
	const char	*name;
	char		 num[64];
	size_t		 i;

	sc = json_object_get(ans, "statusCode");
	if (json_is_integer(sc))
		r->status = (int)json_integer_value(sc);
	else if (json_is_string(sc) && strspn(json_string_value(sc),
	    "0123456789") == strlen(json_string_value(sc)) &&
	    json_string_length(sc) > 0 && json_string_length(sc) <= 3)
		r->status = (int)strtol(json_string_value(sc), NULL, 10);
	else
		return cz_errf(err, "statusCode is not a number");
	if (r->status < 100 || r->status > 599)
		return cz_errf(err, "statusCode %d is not in 100..599",
		    r->status);

	hdrs = json_object_get(ans, "headers");
	if (hdrs != NULL && !json_is_null(hdrs) && !json_is_object(hdrs))
		return cz_errf(err, "headers is not an object");
	json_object_foreach(hdrs, name, v) {
		if (json_is_string(v))
			s_add_header(r, name, json_string_value(v));
		else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
			s_add_header(r, name, num);
		} else if (json_is_boolean(v))
			s_add_header(r, name, json_is_true(v) ? "true" :
			    "false");
		else if (!json_is_null(v))
			return cz_errf(err, "header %s is not a string", name);
	}

	cookies = json_object_get(ans, "cookies");
	if (cookies != NULL && !json_is_null(cookies) &&
	    !json_is_array(cookies))
		return cz_errf(err, "cookies is not an array");
	json_array_foreach(cookies, i, v) {
		if (!json_is_string(v))
			return cz_errf(err, "cookies[%zu] is not a string", i);
		s_add_header(r, "Set-Cookie", json_string_value(v));
	}

	body = json_object_get(ans, "body");
	b64 = json_object_get(ans, "isBase64Encoded");
	if (b64 != NULL && !json_is_null(b64) && !json_is_boolean(b64))
		return cz_errf(err, "isBase64Encoded is not a boolean");
	if (body == NULL || json_is_null(body))
		return 0;
	if (!json_is_string(body))
		return cz_errf(err, "body is not a string");
	if (json_is_true(b64)) {
		if (cz_b64_decode(&r->body, json_string_value(body),
		    json_string_length(body)) == -1)
			return cz_errf(err, "body is not valid base64");
	} else
		cz_buf_add(&r->body, json_string_value(body),
		    json_string_length(body));
	return 0;
}

int
local_v2_response(enum local_flavour fl, const void *payload, size_t len,
    struct local_http_resp *r, struct cz_err *err)
{
	json_t		*ans = NULL;
	json_error_t	 jerr;
	int		 rc = -1;

	local_http_resp_release(r);
	if ((ans = json_loadb(payload, len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
	    &jerr)) == NULL) {
		cz_errf(err, "the function's answer is not JSON: %s",
		    jerr.text);
		goto out;
	}
	if (json_is_object(ans) && json_object_get(ans, "statusCode") != NULL) {
		if (s_full_response(ans, r, err) == -1)
			goto out;
		rc = 0;
		goto out;
	}
	/* No statusCode: API Gateway infers 200 and a JSON body. */
	r->status = 200;
	s_add_header(r, "content-type", "application/json");
	if (fl == LOCAL_HTTPAPI && json_is_string(ans))
		cz_buf_add(&r->body, json_string_value(ans),
		    json_string_length(ans));
	else
		cz_buf_add(&r->body, payload, len);
	rc = 0;
out:
	if (rc == -1)
		local_http_resp_release(r);
	json_decref(ans);
	return rc;
}

int
local_schedule_input(const char *name, const char *input_json,
    struct cz_buf *out, struct cz_err *err)
{
	json_t		*o, *in = NULL;
	json_error_t	 jerr;
	char		*js;

	if (input_json != NULL && (in = json_loads(input_json,
	    JSON_DECODE_ANY, &jerr)) == NULL)
		return cz_errf(err, "schedule %s: input is not JSON: %s",
		    name, jerr.text);
	o = json_object();
	json_object_set_new(o, "czappa", json_string("schedule"));
	json_object_set_new(o, "name", json_string(name));
	if (in != NULL)
		json_object_set_new(o, "input", in);
	js = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (js == NULL)
		return cz_errf(err, "schedule %s: cannot encode", name);
	cz_buf_adds(out, js);
	free(js);
	return 0;
}

void
local_keep_warm_input(struct cz_buf *out)
{
	cz_buf_adds(out, "{\"czappa\":\"keep-warm\"}");
}

void
local_scheduled_event(const char *region, const char *account_id,
    const char *rule, const char *id, long long time_ms, struct cz_buf *out)
{
	json_t		*o, *res;
	time_t		 t = (time_t)(time_ms / 1000);
	struct tm	 tm;
	char		 when[32], arn[512], *js;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(arn, sizeof(arn), "arn:aws:events:%s:%s:rule/%s", region,
	    account_id, rule);
	o = json_object();
	res = json_array();
	json_array_append_new(res, json_string(arn));
	json_object_set_new(o, "version", json_string("0"));
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "detail-type", json_string("Scheduled Event"));
	json_object_set_new(o, "source", json_string("aws.events"));
	json_object_set_new(o, "account", json_string(account_id));
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "region", json_string(region));
	json_object_set_new(o, "resources", res);
	json_object_set_new(o, "detail", json_object());
	if ((js = json_dumps(o, JSON_COMPACT)) != NULL)
		cz_buf_adds(out, js);
	free(js);
	json_decref(o);
}

void
local_uuid(char out[37])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		r[16];
	size_t			i, o = 0;

	/* getrandom on a few bytes does not fail after boot; fall back to
	 * rand() only so the id is never left uninitialized. */
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)rand();
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 15];
	}
	out[o] = '\0';
}
