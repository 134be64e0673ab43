/*
 * response.c: the response helpers of czappa.h and the encoding of a
 * response into the payload Lambda expects for the event that came in
 * (RUNTIME-API.md section 8): HTTP API 2.0 / function URL with `cookies`,
 * REST API with multiValueHeaders, ALB with statusDescription (and
 * multiValueHeaders when the request had them), or the plain JSON result of
 * a function or schedule.  Error bodies for /error are made here as well.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/b64.h"
#include "base/xmalloc.h"
#include "runtime/internal.h"

void
czrt_response_init(struct cz_response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	cz_buf_init(&res->body, 0);
	cz_buf_init(&res->err_msg, 0);
}

void
czrt_response_release(struct cz_response *res)
{
	cz_strv_release(&res->hnames);
	cz_strv_release(&res->hvalues);
	cz_strv_release(&res->cookies);
	cz_buf_release(&res->body);
	cz_buf_release(&res->err_msg);
	json_decref(res->result);
	czrt_response_init(res);
}

void
cz_status(cz_response *res, int status)
{
	res->status = status;
}

static void
s_default_type(cz_response *res, const char *type)
{
	size_t	i;

	for (i = 0; i < res->hnames.n; i++)
		if (strcasecmp(res->hnames.v[i], "Content-Type") == 0)
			return;
	cz_header_add(res, "Content-Type", type);
}

static void
s_body(cz_response *res, int status, const void *p, size_t n)
{
	res->status = status;
	cz_buf_reset(&res->body);
	cz_buf_add(&res->body, p, n);
	res->binary = 0;
	res->is_json = 0;
	json_decref(res->result);
	res->result = NULL;
}

void
cz_text(cz_response *res, int status, const char *text)
{
	s_body(res, status, text, strlen(text));
	s_default_type(res, "text/plain; charset=utf-8");
}

void
cz_textf(cz_response *res, int status, const char *fmt, ...)
{
	va_list	ap;

	s_body(res, status, "", 0);
	va_start(ap, fmt);
	cz_buf_vaddf(&res->body, fmt, ap);
	va_end(ap);
	s_default_type(res, "text/plain; charset=utf-8");
}

static int
s_dump_cb(const char *p, size_t n, void *arg)
{
	cz_buf_add(arg, p, n);
	return 0;
}

void
cz_json_value(cz_response *res, int status, json_t *v)
{
	s_body(res, status, "", 0);
	if (v == NULL)
		v = json_null();
	json_dump_callback(v, s_dump_cb, &res->body,
	    JSON_COMPACT | JSON_ENCODE_ANY);
	res->is_json = 1;
	res->result = v;
	s_default_type(res, "application/json");
}

void
cz_json_text(cz_response *res, int status, const char *json)
{
	s_body(res, status, json, strlen(json));
	res->is_json = 1;
	s_default_type(res, "application/json");
}

void
cz_binary(cz_response *res, int status, const char *type, const void *data,
    size_t len)
{
	s_body(res, status, data, len);
	res->binary = 1;
	if (type != NULL)
		cz_header_set(res, "Content-Type", type);
}

void
cz_header_set(cz_response *res, const char *name, const char *value)
{
	size_t	i, j;

	for (i = j = 0; i < res->hnames.n; i++) {
		if (strcasecmp(res->hnames.v[i], name) == 0) {
			free(res->hnames.v[i]);
			free(res->hvalues.v[i]);
			continue;
		}
		res->hnames.v[j] = res->hnames.v[i];
		res->hvalues.v[j++] = res->hvalues.v[i];
	}
	res->hnames.n = res->hvalues.n = j;
	if (res->hnames.v != NULL) {
		res->hnames.v[j] = NULL;
		res->hvalues.v[j] = NULL;
	}
	if (value != NULL)
		cz_header_add(res, name, value);
}

void
cz_header_add(cz_response *res, const char *name, const char *value)
{
	if (strcasecmp(name, "Set-Cookie") == 0) {
		cz_set_cookie(res, value);
		return;
	}
	cz_strv_push(&res->hnames, name);
	cz_strv_push(&res->hvalues, value);
}

void
cz_set_cookie(cz_response *res, const char *cookie)
{
	cz_strv_push(&res->cookies, cookie);
}

void
cz_result(cz_response *res, json_t *v)
{
	cz_json_value(res, 200, v);
}

void
cz_error(cz_response *res, const char *type, const char *fmt, ...)
{
	va_list	ap;

	res->failed = 1;
	snprintf(res->err_type, sizeof(res->err_type), "%s",
	    type != NULL ? type : "Function.Error");
	cz_buf_reset(&res->err_msg);
	va_start(ap, fmt);
	cz_buf_vaddf(&res->err_msg, fmt, ap);
	va_end(ap);
}

const char *
czrt_reason(int status)
{
	static const struct {
		int		 code;
		const char	*text;
	} reasons[] = {
		{ 100, "Continue" }, { 101, "Switching Protocols" },
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 203, "Non-Authoritative Information" },
		{ 204, "No Content" }, { 205, "Reset Content" },
		{ 206, "Partial Content" }, { 300, "Multiple Choices" },
		{ 301, "Moved Permanently" }, { 302, "Found" },
		{ 303, "See Other" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 402, "Payment Required" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 406, "Not Acceptable" }, { 408, "Request Timeout" },
		{ 409, "Conflict" }, { 410, "Gone" },
		{ 411, "Length Required" }, { 412, "Precondition Failed" },
		{ 413, "Payload Too Large" }, { 414, "URI Too Long" },
		{ 415, "Unsupported Media Type" },
		{ 416, "Range Not Satisfiable" },
		{ 417, "Expectation Failed" }, { 418, "I'm a teapot" },
		{ 422, "Unprocessable Entity" }, { 425, "Too Early" },
		{ 426, "Upgrade Required" }, { 428, "Precondition Required" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 451, "Unavailable For Legal Reasons" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" },
	};
	size_t	i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Unknown";
}

void
czrt_error_body(struct cz_buf *out, const char *type, const char *msg)
{
	json_t	*o;

	o = json_pack("{s:s%,s:s,s:[]}", "errorMessage", msg, strlen(msg),
	    "errorType", type, "stackTrace");
	if (o == NULL)		/* msg is not UTF-8 */
		o = json_pack("{s:s,s:s,s:[]}", "errorMessage",
		    "(message is not UTF-8)", "errorType", type,
		    "stackTrace");
	json_dump_callback(o, s_dump_cb, out, JSON_COMPACT);
	json_decref(o);
}

/* Does a header of this name (case-insensitive) come before index i? */
static int
s_seen(const struct cz_strv *names, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++)
		if (strcasecmp(names->v[j], names->v[i]) == 0)
			return 1;
	return 0;
}

/* Length of a valid UTF-8 sequence at p (RFC 3629), or 0. */
static size_t
s_utf8_len(const unsigned char *p, size_t n)
{
	size_t	k, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return k;
}

/*
 * Appends p as a JSON string.  -1 (out unchanged) if p is not UTF-8.  The
 * answer is written as text rather than built as a jansson tree: building
 * and dumping the tree cost more than the rest of an invocation.
 */
static int
s_jstr(struct cz_buf *out, const char *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i, k, from, mark = out->len;

	cz_buf_grow(out, n + 2);
	cz_buf_addch(out, '"');
	for (i = from = 0; i < n; i += k) {
		if (u[i] >= 0x20 && u[i] != '"' && u[i] != '\\') {
			if ((k = u[i] < 0x80 ? 1 : s_utf8_len(u + i, n - i)) ==
			    0) {
				cz_buf_truncate(out, mark);
				return -1;
			}
			continue;
		}
		k = 1;
		cz_buf_add(out, p + from, i - from);
		from = i + 1;
		switch (u[i]) {
		case '"':
			cz_buf_add(out, "\\\"", 2);
			break;
		case '\\':
			cz_buf_add(out, "\\\\", 2);
			break;
		case '\n':
			cz_buf_add(out, "\\n", 2);
			break;
		case '\r':
			cz_buf_add(out, "\\r", 2);
			break;
		case '\t':
			cz_buf_add(out, "\\t", 2);
			break;
		default:
			cz_buf_add(out, "\\u00", 4);
			cz_buf_addch(out, hex[u[i] >> 4]);
			cz_buf_addch(out, hex[u[i] & 15]);
			break;
		}
	}
	cz_buf_add(out, p + from, n - from);
	cz_buf_addch(out, '"');
	return 0;
}

static int
s_jstrs(struct cz_buf *out, const char *s)
{
	return s_jstr(out, s, strlen(s));
}

/* "name":"v1, v2" (joined) or "name":["v1","v2"] for header i. */
static int
s_header(struct cz_buf *out, const struct cz_response *res, size_t i,
    int multi)
{
	size_t	j, k = 0;

	if (s_jstrs(out, res->hnames.v[i]) == -1)
		return -1;
	cz_buf_adds(out, multi ? ":[" : ":");
	if (!multi) {
		struct cz_buf	 b = CZ_BUF_INIT;
		int		 rc;

		for (j = i; j < res->hnames.n; j++) {
			if (strcasecmp(res->hnames.v[j], res->hnames.v[i]))
				continue;
			if (b.len > 0)
				cz_buf_add(&b, ", ", 2);
			cz_buf_adds(&b, res->hvalues.v[j]);
		}
		rc = s_jstr(out, b.s, b.len);
		cz_buf_release(&b);
		return rc;
	}
	for (j = i; j < res->hnames.n; j++) {
		if (strcasecmp(res->hnames.v[j], res->hnames.v[i]) != 0)
			continue;
		if (k++ > 0)
			cz_buf_addch(out, ',');
		if (s_jstrs(out, res->hvalues.v[j]) == -1)
			return -1;
	}
	cz_buf_addch(out, ']');
	return 0;
}

/* The headers object (without braces); cookies as Set-Cookie if asked. */
static int
s_headers(struct cz_buf *out, const struct cz_response *res, int multi,
    size_t ncookies)
{
	size_t	i, k = 0;

	for (i = 0; i < res->hnames.n; i++) {
		if (s_seen(&res->hnames, i))
			continue;
		if (k++ > 0)
			cz_buf_addch(out, ',');
		if (s_header(out, res, i, multi) == -1)
			return -1;
	}
	if (ncookies == 0)
		return 0;
	if (k > 0)
		cz_buf_addch(out, ',');
	cz_buf_adds(out, multi ? "\"Set-Cookie\":[" : "\"Set-Cookie\":");
	for (i = 0; i < ncookies; i++) {
		if (i > 0)
			cz_buf_addch(out, ',');
		if (s_jstrs(out, res->cookies.v[i]) == -1)
			return -1;
	}
	if (multi)
		cz_buf_addch(out, ']');
	return 0;
}

static int
s_http(const struct cz_request *req, const struct cz_response *res,
    struct cz_buf *out, struct cz_buf *why)
{
	struct cz_buf	 b64 = CZ_BUF_INIT;
	enum cz_source	 src = req->source;
	size_t		 i, mark;
	char		 code[4];
	int		 rc = -1, binary = res->binary;

	if (res->status < 100 || res->status > 599) {
		cz_buf_addf(why, "status %d is not an HTTP status",
		    res->status);
		goto out;
	}
	/* Three digits by hand: printf costs more than the rest. */
	code[0] = (char)('0' + res->status / 100);
	code[1] = (char)('0' + res->status / 10 % 10);
	code[2] = (char)('0' + res->status % 10);
	code[3] = '\0';
	cz_buf_adds(out, "{\"statusCode\":");
	cz_buf_adds(out, code);
	cz_buf_addch(out, ',');
	if (src == CZ_SRC_ALB || src == CZ_SRC_ALB_MULTI) {
		cz_buf_adds(out, "\"statusDescription\":\"");
		cz_buf_adds(out, code);
		cz_buf_addch(out, ' ');
		cz_buf_adds(out, czrt_reason(res->status));
		cz_buf_adds(out, "\",");
	}
	cz_buf_adds(out, "\"body\":");
	/* Text that is not UTF-8 cannot be a JSON string: send it as bytes. */
	if (binary || s_jstr(out, res->body.s, res->body.len) == -1) {
		binary = 1;
		cz_b64_encode(&b64, res->body.s, res->body.len);
		cz_buf_addch(out, '"');
		cz_buf_add(out, b64.s, b64.len);
		cz_buf_addch(out, '"');
	}
	cz_buf_adds(out, binary ? ",\"isBase64Encoded\":true," :
	    ",\"isBase64Encoded\":false,");
	mark = out->len;
	switch (src) {
	case CZ_SRC_HTTP_V2:
	case CZ_SRC_FUNCTION_URL:
		cz_buf_adds(out, "\"headers\":{");
		if (s_headers(out, res, 0, 0) == -1)
			goto bad_header;
		cz_buf_addch(out, '}');
		if (res->cookies.n > 0) {
			cz_buf_adds(out, ",\"cookies\":[");
			for (i = 0; i < res->cookies.n; i++) {
				if (i > 0)
					cz_buf_addch(out, ',');
				if (s_jstrs(out, res->cookies.v[i]) == -1)
					goto bad_header;
			}
			cz_buf_addch(out, ']');
		}
		break;
	case CZ_SRC_REST_V1:
		cz_buf_adds(out, "\"headers\":{");
		if (s_headers(out, res, 0, 0) == -1)
			goto bad_header;
		cz_buf_adds(out, "},\"multiValueHeaders\":{");
		if (s_headers(out, res, 1, res->cookies.n) == -1)
			goto bad_header;
		cz_buf_addch(out, '}');
		break;
	case CZ_SRC_ALB_MULTI:
		cz_buf_adds(out, "\"multiValueHeaders\":{");
		if (s_headers(out, res, 1, res->cookies.n) == -1)
			goto bad_header;
		cz_buf_addch(out, '}');
		break;
	default:
		/*
		 * Single-value ALB: one Set-Cookie header is all it can
		 * carry.
		 */
		if (res->cookies.n > 1)
			czrt_log_line("WARN", "ALB without multi-value "
			    "headers: only the first of %zu cookies is sent",
			    res->cookies.n);
		cz_buf_adds(out, "\"headers\":{");
		if (s_headers(out, res, 0, res->cookies.n > 0) == -1)
			goto bad_header;
		cz_buf_addch(out, '}');
		break;
	}
	cz_buf_addch(out, '}');
	rc = 0;
	goto out;
bad_header:
	cz_buf_truncate(out, mark);
	cz_buf_adds(why, "a header or cookie is not UTF-8");
out:
	cz_buf_release(&b64);
	return rc;
}

/* A function's or schedule's result as a JSON value. */
static json_t *
s_result(const struct cz_response *res, struct cz_buf *why)
{
	json_error_t	 jerr;
	json_t		*v;

	if (res->result != NULL)
		return json_incref(res->result);
	if (res->is_json) {
		v = json_loadb(res->body.s, res->body.len, JSON_DECODE_ANY,
		    &jerr);
		if (v == NULL)
			cz_buf_addf(why, "result is not JSON: %s", jerr.text);
		return v;
	}
	if (res->body.len == 0)
		return json_null();
	if ((v = json_stringn(res->body.s, res->body.len)) == NULL)
		cz_buf_adds(why, "result text is not UTF-8");
	return v;
}

int
czrt_response_encode(const struct cz_request *req,
    const struct cz_response *res, struct cz_buf *out, const char **etype)
{
	struct cz_buf	 why = CZ_BUF_INIT;
	json_t		*o = NULL;
	int		 rc = 1;

	*etype = NULL;
	if (res->failed) {
		*etype = res->err_type;
		czrt_error_body(out, res->err_type, res->err_msg.s);
		goto out;
	}
	if (czrt_source_is_http(req->source)) {
		if (s_http(req, res, out, &why) == -1) {
			cz_buf_reset(out);
			goto bad;
		}
		rc = 0;
		goto out;
	}
	if ((o = s_result(res, &why)) == NULL)
		goto bad;
	json_dump_callback(o, s_dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY);
	rc = 0;
	goto out;
bad:
	*etype = CZRT_E_RESPONSE;
	czrt_error_body(out, CZRT_E_RESPONSE, why.s);
out:
	json_decref(o);
	cz_buf_release(&why);
	return rc;
}
