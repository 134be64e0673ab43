/*
 * test_response.c: response helpers and the encoding of an answer into the
 * shape of the event that came in (runtime/response.c).  Answers are
 * compared as parsed JSON: against tests/data/responses where a reference
 * document exists for the shape, otherwise against the JSON in the row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"
#include "t.h"

#define RESP_DIR	"tests/data/responses"

static void
r_text(cz_response *res)
{
	cz_text(res, 200, "hi");
}

static void
r_textf(cz_response *res)
{
	cz_textf(res, 201, "%d-%s", 7, "x");
}

static void
r_repeat(cz_response *res)
{
	cz_header_add(res, "X-A", "1");
	cz_header_add(res, "x-a", "2");
	cz_header_add(res, "X-B", "3");
	cz_status(res, 204);
}

static void
r_set(cz_response *res)
{
	cz_header_add(res, "X-A", "1");
	cz_header_add(res, "x-a", "2");
	cz_header_set(res, "X-a", "3");
	cz_header_add(res, "X-Gone", "1");
	cz_header_set(res, "x-gone", NULL);
	cz_header_add(res, "Set-Cookie", "s=1");
	cz_status(res, 200);
}

static void
r_cookies(cz_response *res)
{
	cz_set_cookie(res, "a=1; Path=/");
	cz_set_cookie(res, "b=2; HttpOnly");
	cz_text(res, 200, "c");
}

static void
r_one_cookie(cz_response *res)
{
	cz_set_cookie(res, "a=1");
	cz_status(res, 302);
	cz_header_set(res, "Location", "/x");
}

static void
r_binary(cz_response *res)
{
	cz_binary(res, 200, "image/png", "\x89PNG\0", 5);
}

static void
r_not_utf8(cz_response *res)
{
	cz_text(res, 200, "a\xff");
}

static void
r_escapes(cz_response *res)
{
	cz_text(res, 200, "q\"b\\n\n\r\t\x01\x1f/\xc3\xa9\xf0\x9f\x98\x80");
}

static void
r_json(cz_response *res)
{
	cz_json(res, 400, json_pack("{s:i}", "a", 1));
}

static void
r_json_text(cz_response *res)
{
	cz_json(res, 200, "[1, 2]");
}

static void
r_bad_status(cz_response *res)
{
	cz_text(res, 42, "x");
}

static void
r_status_599(cz_response *res)
{
	cz_status(res, 599);
}

static void
r_bad_header(cz_response *res)
{
	cz_header_add(res, "X-\xff", "1");
}

static void
r_bad_cookie(cz_response *res)
{
	cz_set_cookie(res, "a=\xc3");
}

static void
r_error(cz_response *res)
{
	cz_text(res, 200, "ignored");
	cz_error(res, "Function.BadInput", "feature_%d is %s", 1, "missing");
}

static void
r_error_not_utf8(cz_response *res)
{
	cz_error(res, "Function.X", "bad \xff byte");
}

static void
r_result(cz_response *res)
{
	cz_result(res, json_pack("{s:f,s:[i]}", "price", 10.5, "n", 1));
}

static void
r_result_bad_json(cz_response *res)
{
	cz_json(res, 200, "{bad");
}

static void
r_nothing(cz_response *res)
{
	(void)res;
}

static void
r_ref_alb_html(cz_response *res)
{
	cz_header_set(res, "Content-Type", "text/html");
	cz_text(res, 200, "<h1>Hello from Lambda!</h1>");
}

static void
r_ref_alb_multi(cz_response *res)
{
	cz_header_set(res, "Content-Type", "application/json");
	cz_set_cookie(res, "cookie-name=cookie-value;Domain=myweb.com;Secure;"
	    "HttpOnly");
	cz_set_cookie(res, "cookie-name=cookie-value;Expires=May 8, 2019");
	cz_text(res, 200, "Hello from Lambda");
}

static void
r_ref_v1_multi(cz_response *res)
{
	static const char *const h[][2] = {
		{ "Accept", "text/html,application/xhtml+xml,application/xml;"
		  "q=0.9,image/webp,*/*;q=0.8" },
		{ "Accept-Encoding", "gzip, deflate, lzma, sdch, br" },
		{ "Accept-Language", "en-US,en;q=0.8" },
		{ "CloudFront-Forwarded-Proto", "https" },
		{ "CloudFront-Is-Desktop-Viewer", "true" },
		{ "CloudFront-Is-Mobile-Viewer", "false" },
		{ "CloudFront-Is-SmartTV-Viewer", "false" },
		{ "CloudFront-Is-Tablet-Viewer", "false" },
		{ "CloudFront-Viewer-Country", "US" },
		{ "Host", "wt6mne2s9k.execute-api.us-west-2.amazonaws.com" },
		{ "Upgrade-Insecure-Requests", "1" },
		{ "User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X "
		  "10_11_6) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/52.0.2743.82 Safari/537.36 OPR/39.0.2256.48" },
		{ "Via", "1.1 fb7cca60f0ecd82ce07790c9c5eef16c.cloudfront.net "
		  "(CloudFront)" },
		{ "X-Amz-Cf-Id",
		  "nBsWBOrSHMgnaROZJK1wGCZ9PcRcSpq_oSXZNQwQ10OTZL4cimZo3g==" },
		{ "X-Forwarded-For", "192.168.100.1, 192.168.1.1" },
		{ "X-Forwarded-Port", "443" },
		{ "X-Forwarded-Proto", "https" },
	};
	size_t	i;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		cz_header_add(res, h[i][0], h[i][1]);
	/* A body with no Content-Type, as in the reference. */
	cz_buf_adds(&res->body, "Hello World");
}

static void
r_ref_v2_cookies(cz_response *res)
{
	cz_json(res, 201, "{ \"message\": \"Hello, world!\" }");
	cz_header_add(res, "My-Custom-Header", "Custom Value");
	cz_set_cookie(res, "Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT");
	cz_set_cookie(res, "Cookie_2=Value2; Max-Age=78000");
}

#define V2	CZ_SRC_HTTP_V2
#define FURL	CZ_SRC_FUNCTION_URL
#define V1	CZ_SRC_REST_V1
#define ALB	CZ_SRC_ALB
#define ALBM	CZ_SRC_ALB_MULTI
#define FN	CZ_SRC_FUNCTION

static const struct {
	const char	*name;
	int		 src;
	void		 (*fill)(cz_response *);
	const char	*want;		/* JSON, or "@file" in RESP_DIR */
	/* error type; want is then the message */
	const char	*etype;
} cases[] = {
	/* the reference documents */
	{ "reference ALB html", ALB, r_ref_alb_html,
	  "@alb-response-html.json", NULL },
	{ "reference ALB multi-value Set-Cookie", ALBM, r_ref_alb_multi,
	  "@alb-response-multivalue-set-cookie.json", NULL },
	{ "reference REST multiValueHeaders", V1, r_ref_v1_multi,
	  "@apigw-v1-response-multivalue-headers.json", NULL },
	{ "reference v2 cookies", V2, r_ref_v2_cookies,
	  "@v2-response-cookies.json", NULL },
	{ "reference function URL cookies", FURL, r_ref_v2_cookies,
	  "@v2-response-cookies.json", NULL },
	/* shapes, one at a time */
	{ "v2 text", V2, r_text, "{\"statusCode\":200,\"body\":\"hi\","
	  "\"headers\":{\"Content-Type\":\"text/plain; charset=utf-8\"}}",
	  NULL },
	{ "v2 textf", V2, r_textf, "{\"statusCode\":201,\"body\":\"7-x\","
	  "\"headers\":{\"Content-Type\":\"text/plain; charset=utf-8\"}}",
	  NULL },
	{ "v2 empty", V2, r_nothing, "{\"statusCode\":200,\"body\":\"\","
	  "\"headers\":{}}", NULL },
	{ "v2 repeated header joined", V2, r_repeat, "{\"statusCode\":204,"
	  "\"body\":\"\",\"headers\":{\"X-A\":\"1, 2\",\"X-B\":\"3\"}}", NULL },
	{ "v1 repeated header multi", V1, r_repeat, "{\"statusCode\":204,"
	  "\"body\":\"\",\"headers\":{\"X-A\":\"1, 2\",\"X-B\":\"3\"},"
	  "\"multiValueHeaders\":{\"X-A\":[\"1\",\"2\"],\"X-B\":[\"3\"]}}",
	  NULL },
	{ "v2 header_set replaces, Set-Cookie is a cookie", V2, r_set,
	  "{\"statusCode\":200,\"body\":\"\",\"headers\":{\"X-a\":\"3\"},"
	  "\"cookies\":[\"s=1\"]}", NULL },
	{ "v2 cookies", V2, r_cookies, "{\"statusCode\":200,\"body\":\"c\","
	  "\"headers\":{\"Content-Type\":\"text/plain; charset=utf-8\"},"
	  "\"cookies\":[\"a=1; Path=/\",\"b=2; HttpOnly\"]}", NULL },
	{ "v1 cookies in multiValueHeaders", V1, r_cookies,
	  "{\"statusCode\":200,\"body\":\"c\",\"headers\":{\"Content-Type\":"
	  "\"text/plain; charset=utf-8\"},\"multiValueHeaders\":"
	  "{\"Content-Type\":[\"text/plain; charset=utf-8\"],\"Set-Cookie\":"
	  "[\"a=1; Path=/\",\"b=2; HttpOnly\"]}}", NULL },
	{ "ALB multi cookies", ALBM, r_cookies, "{\"statusCode\":200,"
	  "\"statusDescription\":\"200 OK\",\"body\":\"c\","
	  "\"multiValueHeaders\":{\"Content-Type\":[\"text/plain; "
	  "charset=utf-8\"],\"Set-Cookie\":[\"a=1; Path=/\","
	  "\"b=2; HttpOnly\"]}}", NULL },
	{ "ALB single one cookie", ALB, r_one_cookie, "{\"statusCode\":302,"
	  "\"statusDescription\":\"302 Found\",\"body\":\"\",\"headers\":"
	  "{\"Location\":\"/x\",\"Set-Cookie\":\"a=1\"}}", NULL },
	{ "ALB single two cookies keeps the first", ALB, r_cookies,
	  "{\"statusCode\":200,\"statusDescription\":\"200 OK\","
	  "\"body\":\"c\",\"headers\":{\"Content-Type\":\"text/plain; "
	  "charset=utf-8\",\"Set-Cookie\":\"a=1; Path=/\"}}", NULL },
	{ "ALB unknown status", ALB, r_status_599, "{\"statusCode\":599,"
	  "\"statusDescription\":\"599 Unknown\",\"body\":\"\",\"headers\":{}}",
	  NULL },
	{ "v2 binary", V2, r_binary, "{\"statusCode\":200,\"body\":"
	  "\"iVBORwA=\",\"isBase64Encoded\":true,\"headers\":{\"Content-Type\":"
	  "\"image/png\"}}", NULL },
	{ "ALB multi binary", ALBM, r_binary, "{\"statusCode\":200,"
	  "\"statusDescription\":\"200 OK\",\"body\":\"iVBORwA=\","
	  "\"isBase64Encoded\":true,\"multiValueHeaders\":{\"Content-Type\":"
	  "[\"image/png\"]}}", NULL },
	{ "v1 binary", V1, r_binary, "{\"statusCode\":200,\"body\":"
	  "\"iVBORwA=\",\"isBase64Encoded\":true,\"headers\":{\"Content-Type\":"
	  "\"image/png\"},\"multiValueHeaders\":{\"Content-Type\":"
	  "[\"image/png\"]}}", NULL },
	{ "text not UTF-8 goes as base64", FURL, r_not_utf8,
	  "{\"statusCode\":200,\"body\":\"Yf8=\",\"isBase64Encoded\":true,"
	  "\"headers\":{\"Content-Type\":\"text/plain; charset=utf-8\"}}",
	  NULL },
	{ "escapes", V2, r_escapes, "{\"statusCode\":200,\"body\":"
	  "\"q\\\"b\\\\n\\n\\r\\t\\u0001\\u001f/\\u00e9\\ud83d\\ude00\","
	  "\"headers\":{\"Content-Type\":\"text/plain; charset=utf-8\"}}",
	  NULL },
	{ "json value", V2, r_json, "{\"statusCode\":400,\"body\":"
	  "\"{\\\"a\\\":1}\",\"headers\":{\"Content-Type\":"
	  "\"application/json\"}}", NULL },
	{ "json text sent as is", ALB, r_json_text, "{\"statusCode\":200,"
	  "\"statusDescription\":\"200 OK\",\"body\":\"[1, 2]\",\"headers\":"
	  "{\"Content-Type\":\"application/json\"}}", NULL },
	/* failures become Lambda errors */
	{ "status out of range", V2, r_bad_status,
	  "status 42 is not an HTTP status", CZRT_E_RESPONSE },
	{ "header name not UTF-8", V1, r_bad_header,
	  "a header or cookie is not UTF-8", CZRT_E_RESPONSE },
	{ "cookie not UTF-8", V2, r_bad_cookie,
	  "a header or cookie is not UTF-8", CZRT_E_RESPONSE },
	{ "cz_error wins", V2, r_error, "feature_1 is missing",
	  "Function.BadInput" },
	{ "cz_error message not UTF-8", FN, r_error_not_utf8,
	  "(message is not UTF-8)", "Function.X" },
	/* functions and schedules answer plain JSON */
	{ "function result", FN, r_result, "{\"price\":10.5,\"n\":[1]}",
	  NULL },
	{ "function text result", FN, r_text, "\"hi\"", NULL },
	{ "function json text result", FN, r_json_text, "[1,2]", NULL },
	{ "function nothing", FN, r_nothing, "null", NULL },
	{ "function result not JSON", FN, r_result_bad_json,
	  "result is not JSON", CZRT_E_RESPONSE },
	{ "schedule result", CZ_SRC_SCHEDULE, r_result,
	  "{\"price\":10.5,\"n\":[1]}", NULL },
};

/* Header names are case-insensitive and isBase64Encoded defaults to
 * false, so neither may make two answers differ. */
static void
normalize(json_t *o)
{
	static const char *const maps[] = { "headers", "multiValueHeaders" };
	json_t		*m, *n, *v;
	const char	*k;
	char		 low[256];
	size_t		 i, j;

	if (!json_is_object(o))
		return;
	if (json_is_false(json_object_get(o, "isBase64Encoded")))
		json_object_del(o, "isBase64Encoded");
	for (i = 0; i < 2; i++) {
		if ((m = json_object_get(o, maps[i])) == NULL)
			continue;
		n = json_object();
		json_object_foreach(m, k, v) {
			for (j = 0; k[j] != '\0' && j + 1 < sizeof(low); j++)
				low[j] = (char)(k[j] >= 'A' && k[j] <= 'Z' ?
				    k[j] - 'A' + 'a' : k[j]);
			low[j] = '\0';
			json_object_set(n, low, v);
		}
		json_object_set_new(o, maps[i], n);
	}
}

static const char *
str(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

static void
check_cases(void)
{
	struct cz_request	 req;
	struct cz_response	 res;
	struct cz_buf		 out = CZ_BUF_INIT, path = CZ_BUF_INIT;
	json_error_t		 jerr;
	json_t			*got, *want;
	const char		*etype;
	char			*gs, *ws;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		czrt_request_init(&req);
		czrt_response_init(&res);
		req.source = (enum cz_source)cases[i].src;
		cases[i].fill(&res);
		cz_buf_reset(&out);
		rc = czrt_response_encode(&req, &res, &out, &etype);
		got = json_loads(out.s, JSON_DECODE_ANY, &jerr);
		T_OK(got != NULL, "%s: answer is JSON (%s)", cases[i].name,
		    out.s);
		if (cases[i].etype != NULL) {
			T_OK(rc == 1 && etype != NULL &&
			    strcmp(etype, cases[i].etype) == 0 &&
			    strcmp(str(json_object_get(got, "errorType")),
			    cases[i].etype) == 0 &&
			    strstr(str(json_object_get(got, "errorMessage")),
			    cases[i].want) != NULL &&
			    json_is_array(json_object_get(got, "stackTrace")),
			    "%s: error %s: %s (got %s)", cases[i].name,
			    cases[i].etype, cases[i].want, out.s);
			goto next;
		}
		if (cases[i].want[0] == '@') {
			cz_buf_reset(&path);
			cz_buf_addf(&path, "%s/%s", RESP_DIR,
			    cases[i].want + 1);
			want = json_load_file(path.s, 0, &jerr);
			/* The reference for ALB multi-value shows both maps;
			 * with multi-value on, the ALB reads only one. */
			if (cases[i].src == ALBM)
				json_object_del(want, "headers");
		} else
			want = json_loads(cases[i].want, JSON_DECODE_ANY,
			    &jerr);
		if (!T_OK(want != NULL, "%s: expected JSON loads (%s)",
		    cases[i].name, jerr.text))
			goto next;
		normalize(got);
		normalize(want);
		gs = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY);
		ws = json_dumps(want, JSON_SORT_KEYS | JSON_ENCODE_ANY);
		T_OK(rc == 0 && etype == NULL && json_equal(got, want),
		    "%s: answer", cases[i].name);
		if (!json_equal(got, want))
			printf("#   got:  %s\n#   want: %s\n", gs, ws);
		free(gs);
		free(ws);
		json_decref(want);
next:
		json_decref(got);
		czrt_request_release(&req);
		czrt_response_release(&res);
	}
	cz_buf_release(&out);
	cz_buf_release(&path);
}

static void
check_reasons(void)
{
	static const struct {
		int		 code;
		const char	*text;
	} r[] = {
		{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
		{ 301, "Moved Permanently" }, { 400, "Bad Request" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 418, "I'm a teapot" }, { 500, "Internal Server Error" },
		{ 502, "Bad Gateway" }, { 299, "Unknown" },
	};
	size_t	i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		T_STREQ(czrt_reason(r[i].code), r[i].text, "reason %d",
		    r[i].code);
}

/* The error body for /error, as the Runtime API documents it. */
static void
check_error_body(void)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	json_error_t	 jerr;
	json_t		*o, *want;

	czrt_error_body(&b, "Runtime.X", "a \"quoted\"\nline");
	o = json_loads(b.s, 0, &jerr);
	want = json_pack("{s:s,s:s,s:[]}", "errorMessage",
	    "a \"quoted\"\nline", "errorType", "Runtime.X", "stackTrace");
	T_OK(o != NULL && json_equal(o, want), "error body: %s", b.s);
	json_decref(o);
	json_decref(want);
	cz_buf_release(&b);
}

int
main(void)
{
	check_cases();
	check_reasons();
	check_error_body();
	return t_done();
}
