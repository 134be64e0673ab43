/*
 * test_event.c: event parsing (runtime/event.c) and the in-place JSON
 * scanner under it (runtime/jscan.c).  Every file in tests/data/events is a
 * row of the table below and must be one (a new sample without a row fails);
 * synthetic rows cover what the samples do not (cookie headers, stages,
 * encodings, wrong types).  Hostile text (every truncation of every sample,
 * deep nesting, huge numbers, invalid UTF-8, random mutations) must give an
 * error or a request, never a crash.  jscan is cross-checked against jansson
 * on generated documents with tricky strings and on mutations of them.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"
#include "runtime/jscan.h"
#include "t.h"

#define EVENTS_DIR	"tests/data/events"

struct ecase {
	const char	*name;		/* file in EVENTS_DIR, or a label */
	const char	*json;		/* inline event; NULL: read the file */
	/* substring of the error; NULL: parses */
	const char	*err;
	int		 src;		/* enum cz_source; 0 unknown */
	const char	*method, *path;
	const char	*qname;		/* query parameter, its nth value */
	size_t		 qnth;
	const char	*qwant;
	const char	*hname, *hwant;	/* header, asked in another case */
	const char	*cname, *cwant;	/* cookie */
	const char	*body;		/* decoded body prefix; NULL empty */
	size_t		 blen;		/* body length; 0: strlen(body) */
	const char	*sname;		/* cz_name(): schedule / function */
};

#define V2	CZ_SRC_HTTP_V2
#define FURL	CZ_SRC_FUNCTION_URL
#define V1	CZ_SRC_REST_V1
#define ALB	CZ_SRC_ALB
#define ALBM	CZ_SRC_ALB_MULTI
#define SCHED	CZ_SRC_SCHEDULE

static const struct ecase files[] = {
	{ "alb-get-multi-value-headers.json", NULL, NULL, ALBM, "GET", "/",
	  "key", 0, "hello", "User-Agent", "curl/7.54.0", NULL, NULL,
	  NULL, 0, NULL },
	{ "alb-get-multi-value-query.json", NULL, NULL, ALBM, "GET", "/todos",
	  "parameter1", 1, "value2", "HEADER2", "value1, value2", NULL, NULL,
	  NULL, 0, NULL },
	{ "alb-get-single-value.json", NULL, NULL, ALB, "GET", "/lambda",
	  "query", 0, "1234ABCD", "Accept-Encoding", "gzip", NULL, NULL,
	  NULL, 0, NULL },
	{ "alb-get-unicode-encoded-single-value.json", NULL, NULL, ALB, "GET",
	  "/pp\xc2\xa5pp", "test\xc2\xa5Param", 0, "Hello World: \xc2\xa5",
	  "user-agent", "PostmanRuntime/7.28.0", NULL, NULL, NULL, 0, NULL },
	{ "alb-post-base64-body.json", NULL, NULL, ALB, "POST",
	  "/path/to/resource", "query", 0, "1234ABCD", "HOST",
	  "lambda-alb-123578498.us-east-2.elb.amazonaws.com", NULL, NULL,
	  "{\"test\":\"body\"}", 0, NULL },
	{ "alb-post-multipart-base64-multi-value.json", NULL, NULL, ALBM,
	  "POST", "/pp\xc2\xa5pp", "x", 0, NULL, "User-Agent",
	  "PostmanRuntime/7.28.0", NULL, NULL,
	  "----------------------------790755205523", 425, NULL },
	{ "apigw-v1-httpapi-payload-1.0-get.json", NULL, NULL, V1, "GET",
	  "/my/path", "parameter1", 1, "value2", "Header2", "value1, value2",
	  NULL, NULL, "Hello from Lambda!", 0, NULL },
	{ "apigw-v1-post-base64-body.json", NULL, NULL, V1, "POST",
	  "/path/to/resource", "foo", 0, "bar", "user-agent",
	  "Custom User Agent String", NULL, NULL, "{\"test\":\"body\"}", 0,
	  NULL },
	{ "apigw-v1-post-proxy-plus.json", NULL, NULL, V1, "POST",
	  "/hello/world", "name", 0, "me", "CACHE-CONTROL", "no-cache", NULL,
	  NULL, "{\r\n\t\"a\": 1\r\n}", 0, NULL },
	{ "apigw-v1-rest-get-multivalue.json", NULL, NULL, V1, "GET",
	  "/my/path", "parameter1", 0, "value1", "header1", "value1", NULL,
	  NULL, "Hello from Lambda!", 0, NULL },
	{ "apigw-v2-get-query-cookies.json", NULL, NULL, V2, "GET",
	  "/my/path", "parameter1", 1, "value2", "header2", "value1,value2",
	  "cookie2", "", NULL, 0, NULL },
	{ "apigw-v2-get-root-minimal.json", NULL, NULL, V2, "GET", "/",
	  "x", 0, NULL, "User-Agent", "curl/7.64.1", NULL, NULL, NULL, 0,
	  NULL },
	{ "apigw-v2-lambda-authorizer-proxy-path.json", NULL, NULL, V2, "GET",
	  "/my/path", "parameter2", 0, "value", "header1", "value1",
	  "cookie1", "", "{\r\n\t\"a\": 1\r\n}", 0, NULL },
	{ "apigw-v2-no-authorizer-mtls.json", NULL, NULL, V2, "GET", "/",
	  "parameter1", 0, NULL, "HOST",
	  "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com", NULL, NULL, NULL,
	  0, NULL },
	{ "apigw-v2-post-base64-body.json", NULL, NULL, V2, "POST",
	  "/path/to/resource", "parameter1", 0, "value1", "Header1",
	  "value1", "cookie1", "", "{\"test\":\"body\"}", 0, NULL },
	{ "apigw-v2-post-jwt-cookies-query-pathparams.json", NULL, NULL, V2,
	  "POST", "/my/path", "parameter1", 2, NULL, "HEADER2",
	  "value1,value2", "cookie2", "", "Hello from Lambda", 0, NULL },
	{ "apigw-v2-post-path-with-space.json", NULL, NULL, V2, "POST",
	  "/my/path-with space", "parameter2", 0, "value", "header2",
	  "value2", "cookie2", "value2", "Hello from Lambda", 0, NULL },
	{ "apigw-v2-post-stage-in-rawpath.json", NULL, NULL, V2, "POST",
	  "/my/path", "parameter1", 1, "value2", "header1", "value1",
	  "cookie1", "value1", "Hello from Lambda", 0, NULL },
	{ "apigw-v2-sam-local-route-key.json", NULL, NULL, V2, "GET",
	  "/hello", "x", 0, NULL, "host", "127.0.0.1:3000", "x", NULL, NULL,
	  0, NULL },
	{ "eventbridge-ec2-state-change.json", NULL, NULL, 0, NULL, NULL,
	  "x", 0, NULL, "x", NULL, "x", NULL, NULL, 0, NULL },
	{ "eventbridge-scheduled-no-version.json", NULL, NULL, SCHED, NULL,
	  NULL, "x", 0, NULL, "x", NULL, "x", NULL, NULL, 0, "ExampleRule" },
	{ "eventbridge-scheduled.json", NULL, NULL, SCHED, NULL, NULL, "x", 0,
	  NULL, "x", NULL, "x", NULL, NULL, 0, "my-schedule" },
	{ "function-url-get-browser.json", NULL, NULL, FURL, "GET", "/", "x",
	  0, NULL, "Sec-Fetch-Mode", "navigate", NULL, NULL, NULL, 0, NULL },
	{ "function-url-post-iam.json", NULL, NULL, FURL, "POST", "/my/path",
	  "parameter1", 1, "value2", "header2", "value1,value2", "cookie1",
	  "", "Hello from client!", 0, NULL },
	{ "s3-put.json", NULL, NULL, 0, NULL, NULL, "x", 0, NULL, "x", NULL,
	  "x", NULL, NULL, 0, NULL },
};

static const struct ecase synth[] = {
	/* shapes and decoding the samples do not show */
	{ "v1 cookie header", "{\"httpMethod\":\"GET\",\"path\":\"/c\","
	  "\"headers\":{\"Cookie\":\"a=1; b=x=y ;c\"}}", NULL, V1, "GET",
	  "/c", "a", 0, NULL, "COOKIE", "a=1; b=x=y ;c", "b", "x=y", NULL, 0,
	  NULL },
	{ "v1 bare cookie", "{\"httpMethod\":\"GET\",\"path\":\"/c\","
	  "\"headers\":{\"cookie\":\"a=1; c\"}}", NULL, V1, "GET", "/c", "a",
	  0, NULL, "cookie", "a=1; c", "c", "", NULL, 0, NULL },
	{ "v1 path not decoded", "{\"httpMethod\":\"GET\",\"path\":\"/a%20b\","
	  "\"queryStringParameters\":{\"q\":\"a%20b\"}}", NULL, V1, "GET",
	  "/a%20b", "q", 0, "a%20b", "x", NULL, "x", NULL, NULL, 0, NULL },
	{ "v1 multi query wins", "{\"httpMethod\":\"GET\",\"path\":\"/\","
	  "\"queryStringParameters\":{\"q\":\"last\"},"
	  "\"multiValueQueryStringParameters\":{\"q\":[\"first\",\"last\"]}}",
	  NULL, V1, "GET", "/", "q", 0, "first", "x", NULL, "x", NULL, NULL, 0,
	  NULL },
	{ "v1 null maps", "{\"httpMethod\":\"DELETE\",\"path\":\"/x\","
	  "\"headers\":null,\"multiValueHeaders\":null,\"body\":null,"
	  "\"queryStringParameters\":null,\"isBase64Encoded\":null}", NULL,
	  V1, "DELETE", "/x", "q", 0, NULL, "x", NULL, "x", NULL, NULL, 0,
	  NULL },
	{ "alb query plus and percent",
	  "{\"httpMethod\":\"GET\",\"path\":\"/\","
	  "\"requestContext\":{\"elb\":{}},\"queryStringParameters\":"
	  "{\"a%2Bb\":\"c+d%26e\"}}", NULL, ALB, "GET", "/", "a+b", 0, "c d&e",
	  "x", NULL, "x", NULL, NULL, 0, NULL },
	{ "alb multi query decoded", "{\"httpMethod\":\"GET\",\"path\":\"/\","
	  "\"requestContext\":{\"elb\":{}},\"multiValueQueryStringParameters\":"
	  "{\"k\":[\"%41\",\"b%20c\"]},\"multiValueHeaders\":{\"Cookie\":"
	  "[\"a=1\",\"b=2\"]}}", NULL, ALBM, "GET", "/", "k", 1, "b c",
	  "cookie", "a=1, b=2", "b", "2", NULL, 0, NULL },
	{ "v2 raw query decoded", "{\"version\":\"2.0\",\"rawPath\":\"/%7Eu\","
	  "\"rawQueryString\":\"a=%E2%82%AC&b=x+y&c&=v&a=2,3\","
	  "\"requestContext\":{\"http\":{\"method\":\"PUT\"}}}", NULL, V2,
	  "PUT", "/~u", "a", 0, "\xe2\x82\xac", "x", NULL, "x", NULL, NULL, 0,
	  NULL },
	{ "v2 raw query comma kept", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"rawQueryString\":\"a=1&a=2,3\",\"queryStringParameters\":"
	  "{\"a\":\"1,2,3\"},\"requestContext\":{\"http\":{\"method\":"
	  "\"GET\"}}}", NULL, V2, "GET", "/", "a", 1, "2,3", "x", NULL, "x",
	  NULL, NULL, 0, NULL },
	{ "v2 plus is space", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"rawQueryString\":\"c=x+y\",\"requestContext\":{\"http\":"
	  "{\"method\":\"GET\"}}}", NULL, V2, "GET", "/", "c", 0, "x y", "x",
	  NULL, "x", NULL, NULL, 0, NULL },
	{ "v2 no raw query", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"queryStringParameters\":{\"z\":\"9\"},\"requestContext\":"
	  "{\"http\":{\"method\":\"GET\"}}}", NULL, V2, "GET", "/", "z", 0,
	  "9", "x", NULL, "x", NULL, NULL, 0, NULL },
	{ "v2 stage only", "{\"version\":\"2.0\",\"rawPath\":\"/dev\","
	  "\"requestContext\":{\"stage\":\"dev\",\"http\":{\"method\":"
	  "\"GET\"}}}", NULL, V2, "GET", "/", "x", 0, NULL, "x", NULL, "x",
	  NULL, NULL, 0, NULL },
	{ "v2 stage prefix only whole", "{\"version\":\"2.0\",\"rawPath\":"
	  "\"/devices\",\"requestContext\":{\"stage\":\"dev\",\"http\":"
	  "{\"method\":\"GET\"}}}", NULL, V2, "GET", "/devices", "x", 0, NULL,
	  "x", NULL, "x", NULL, NULL, 0, NULL },
	{ "v2 path from http.path", "{\"version\":\"2.0\",\"requestContext\":"
	  "{\"http\":{\"method\":\"GET\",\"path\":\"/p\"}}}", NULL, V2, "GET",
	  "/p", "x", 0, NULL, "x", NULL, "x", NULL, NULL, 0, NULL },
	{ "v2 binary body with NUL", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"body\":\"AAEC/w==\",\"isBase64Encoded\":true,\"requestContext\":"
	  "{\"http\":{\"method\":\"POST\"}}}", NULL, V2, "POST", "/", "x", 0,
	  NULL, "x", NULL, "x", NULL, "\x00\x01\x02\xff", 4, NULL },
	{ "v2 escaped body", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"body\":\"\\u00e9\\ud83d\\ude00\\\"\",\"requestContext\":"
	  "{\"http\":{\"method\":\"POST\"}}}", NULL, V2, "POST", "/", "x", 0,
	  NULL, "x", NULL, "x", NULL, "\xc3\xa9\xf0\x9f\x98\x80\"", 0, NULL },
	{ "envelope function", "{\"czappa\":\"function\",\"name\":\"price\","
	  "\"input\":{\"s\":1}}", NULL, CZ_SRC_FUNCTION, NULL, NULL, "x", 0,
	  NULL, "x", NULL, "x", NULL, NULL, 0, "price" },
	{ "envelope schedule", "{\"czappa\":\"schedule\",\"name\":\"nightly\"}",
	  NULL, SCHED, NULL, NULL, "x", 0, NULL, "x", NULL, "x", NULL, NULL,
	  0, "nightly" },
	{ "envelope keep-warm", "{\"czappa\":\"keep-warm\"}", NULL,
	  CZ_SRC_KEEP_WARM, NULL, NULL, "x", 0, NULL, "x", NULL, "x", NULL,
	  NULL, 0, NULL },
	{ "bare array", "[1,2,3]", NULL, 0, NULL, NULL, "x", 0, NULL, "x",
	  NULL, "x", NULL, NULL, 0, NULL },
	{ "bare string", "\"hi\"", NULL, 0, NULL, NULL, "x", 0, NULL, "x",
	  NULL, "x", NULL, NULL, 0, NULL },
	{ "huge numbers", "{\"x\":1e999999,\"y\":-123456789012345678901234567"
	  "890,\"z\":0.000000000000000000000000000001e-99999}", NULL, 0, NULL,
	  NULL, "x", 0, NULL, "x", NULL, "x", NULL, NULL, 0, NULL },
	{ "invalid UTF-8 in strings", "{\"version\":\"2.0\",\"rawPath\":"
	  "\"/\xff\xfe\",\"headers\":{\"h\":\"\xc3\x28\"},\"requestContext\":"
	  "{\"http\":{\"method\":\"GET\"}}}", NULL, V2, "GET", "/\xff\xfe",
	  "x", 0, NULL, "H", "\xc3\x28", "x", NULL, NULL, 0, NULL },
	/* wrong types: an error for that request, never a guess */
	{ "v2 headers not object", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"headers\":5,\"requestContext\":{\"http\":{\"method\":\"GET\"}}}",
	  "headers is not an object", 0, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	  NULL, NULL, NULL, 0, NULL },
	{ "v2 rawPath array", "{\"version\":\"2.0\",\"rawPath\":[],"
	  "\"requestContext\":{\"http\":{\"method\":\"GET\"}}}",
	  "rawPath is not a string", 0, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	  NULL, NULL, NULL, 0, NULL },
	{ "v2 rawPath number", "{\"version\":\"2.0\",\"rawPath\":1e999,"
	  "\"requestContext\":{\"http\":{\"method\":\"GET\"}}}",
	  "rawPath is not a string", 0, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	  NULL, NULL, NULL, 0, NULL },
	{ "v2 no method", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"requestContext\":{\"http\":{}}}", "http.method is not a string",
	  0, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v2 no path", "{\"version\":\"2.0\",\"requestContext\":{\"http\":"
	  "{\"method\":\"GET\"}}}", "rawPath is not a string", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v2 cookies string", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"cookies\":\"a=1\",\"requestContext\":{\"http\":{\"method\":"
	  "\"GET\"}}}", "cookies is not an array", 0, NULL, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v2 cookies of numbers", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"cookies\":[1],\"requestContext\":{\"http\":{\"method\":"
	  "\"GET\"}}}", "cookies is not an array of strings", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v2 header value number", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"headers\":{\"a\":1},\"requestContext\":{\"http\":{\"method\":"
	  "\"GET\"}}}", "headers is not a map of strings", 0, NULL, NULL, NULL,
	  0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v2 base64 flag string", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"isBase64Encoded\":\"yes\",\"requestContext\":{\"http\":"
	  "{\"method\":\"GET\"}}}", "isBase64Encoded is not a boolean", 0,
	  NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v2 body number", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"body\":3,\"requestContext\":{\"http\":{\"method\":\"GET\"}}}",
	  "body is not a string", 0, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	  NULL, NULL, NULL, 0, NULL },
	{ "v2 bad base64", "{\"version\":\"2.0\",\"rawPath\":\"/\","
	  "\"body\":\"@@@\",\"isBase64Encoded\":true,\"requestContext\":"
	  "{\"http\":{\"method\":\"GET\"}}}", "body is not valid base64", 0,
	  NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "requestContext string", "{\"requestContext\":\"x\"}",
	  "requestContext is not an object", 0, NULL, NULL, NULL, 0, NULL,
	  NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v1 method number", "{\"httpMethod\":7,\"path\":\"/\"}",
	  "httpMethod is not a string", 0, NULL, NULL, NULL, 0, NULL, NULL,
	  NULL, NULL, NULL, NULL, 0, NULL },
	{ "v1 no path", "{\"httpMethod\":\"GET\"}", "path is not a string", 0,
	  NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v1 multi headers not arrays", "{\"httpMethod\":\"GET\",\"path\":"
	  "\"/\",\"multiValueHeaders\":{\"a\":\"b\"}}",
	  "multiValueHeaders is not a map of string arrays", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "v1 multi query of numbers", "{\"httpMethod\":\"GET\",\"path\":"
	  "\"/\",\"multiValueQueryStringParameters\":{\"a\":[1]}}",
	  "multiValueQueryStringParameters is not a map of string arrays", 0,
	  NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "schedule without resources", "{\"source\":\"aws.events\","
	  "\"detail-type\":\"Scheduled Event\",\"resources\":[]}",
	  "resources is not an array of rule ARNs", 0, NULL, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "schedule resource not ARN", "{\"source\":\"aws.events\","
	  "\"detail-type\":\"Scheduled Event\",\"resources\":[\"rule/\"]}",
	  "resources[0] is not a rule ARN", 0, NULL, NULL, NULL, 0, NULL, NULL,
	  NULL, NULL, NULL, NULL, 0, NULL },
	{ "envelope unknown kind", "{\"czappa\":\"bogus\"}",
	  "czappa is not one of schedule, function, keep-warm", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "envelope without name", "{\"czappa\":\"function\"}",
	  "name is not a string", 0, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	  NULL, NULL, NULL, 0, NULL },
	{ "envelope kind number", "{\"czappa\":1}", "czappa is not a string",
	  0, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	/* text that is not JSON */
	{ "empty", "", "event is not JSON", 0, NULL, NULL, NULL, 0, NULL,
	  NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "only spaces", " \n\t ", "event is not JSON", 0, NULL, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "truncated object", "{\"version\":\"2.0\",\"rawPath\":\"/",
	  "unterminated string", 0, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	  NULL, NULL, NULL, 0, NULL },
	{ "missing value", "{\"a\":}", "unexpected character", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "trailing text", "{} x", "text after the value", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "trailing comma", "{\"a\":1,}", "expected a key", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "single quotes", "{'a':1}", "expected a key", 0, NULL, NULL, NULL,
	  0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "nul word", "nul", "unexpected word", 0, NULL, NULL, NULL, 0, NULL,
	  NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "control character", "\"a\tb\"", "control character", 0, NULL,
	  NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "bad escape", "\"a\\x\"", "bad escape", 0, NULL, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "short u escape", "\"\\u12\"", "bad \\u escape", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "lone high surrogate", "\"\\ud800x\"", "lone surrogate", 0, NULL,
	  NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "lone low surrogate", "\"\\udc00\"", "lone surrogate", 0, NULL,
	  NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "high then high", "\"\\ud800\\ud800\"", "lone surrogate", 0, NULL,
	  NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "leading zero", "01", "text after the value", 0, NULL, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "bare minus", "-", "unexpected character", 0, NULL, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "dot without digits", "1.", "bad number", 0, NULL, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
	{ "exponent without digits", "1e+", "bad number", 0, NULL, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
};

static int
read_file(const char *path, struct cz_buf *out)
{
	char	 chunk[8192];
	size_t	 n;
	FILE	*f;

	cz_buf_reset(out);
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cz_buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

static void
check_case(const struct ecase *c)
{
	struct cz_request	 req;
	struct cz_buf		 text = CZ_BUF_INIT, path = CZ_BUF_INIT;
	struct cz_err		 err;
	const void		*body;
	size_t			 blen, want_blen, cmp;
	int			 rc;

	if (c->json != NULL)
		cz_buf_adds(&text, c->json);
	else {
		cz_buf_addf(&path, "%s/%s", EVENTS_DIR, c->name);
		if (!T_OK(read_file(path.s, &text) == 0, "%s: read", c->name))
			goto out;
	}
	czrt_request_init(&req);
	memset(&err, 0, sizeof(err));
	rc = czrt_event_parse(&req, text.s, text.len, &err);
	if (c->err != NULL) {
		T_OK(rc == -1 && strstr(err.msg, c->err) != NULL &&
		    strcmp(err.code, CZRT_E_EVENT) == 0,
		    "%s: error \"%s\" (got rc %d: %s [%s])", c->name, c->err,
		    rc, err.msg, err.code);
		czrt_request_release(&req);
		goto out;
	}
	if (!T_OK(rc == 0, "%s: parses (%s)", c->name, rc ? err.msg : "ok")) {
		czrt_request_release(&req);
		goto out;
	}
	T_OK((int)cz_source(&req) == c->src, "%s: source %d (got %d, %s)",
	    c->name, c->src, (int)cz_source(&req), cz_source_name(&req));
	T_STREQ(cz_method(&req), c->method, "%s: method", c->name);
	T_STREQ(cz_path(&req), c->path, "%s: path", c->name);
	T_STREQ(cz_query_n(&req, c->qname, c->qnth), c->qwant,
	    "%s: query %s[%zu]", c->name, c->qname, c->qnth);
	if (c->qnth == 0)
		T_STREQ(cz_query(&req, c->qname), c->qwant, "%s: query %s",
		    c->name, c->qname);
	T_STREQ(cz_header(&req, c->hname), c->hwant, "%s: header %s",
	    c->name, c->hname);
	T_STREQ(cz_cookie(&req, c->cname), c->cwant, "%s: cookie %s",
	    c->name, c->cname);
	body = cz_body(&req, &blen);
	want_blen = c->body == NULL ? 0 : c->blen ? c->blen : strlen(c->body);
	/* With blen set, body is a prefix (or, if it holds a NUL, all). */
	cmp = c->body == NULL ? 0 : c->blen == 0 || strlen(c->body) == 0 ?
	    want_blen : strlen(c->body);
	T_OK(blen == want_blen && memcmp(body, c->body != NULL ? c->body : "",
	    cmp) == 0 && ((const char *)body)[blen] == '\0',
	    "%s: body of %zu bytes (got %zu)", c->name, want_blen, blen);
	T_STREQ(cz_name(&req), c->sname, "%s: name", c->name);
	/* cz_event and cz_input never fail, whatever the text held. */
	T_OK(cz_event(&req) != NULL && cz_input(&req) != NULL,
	    "%s: cz_event and cz_input", c->name);
	czrt_request_release(&req);
out:
	cz_buf_release(&text);
	cz_buf_release(&path);
}

/* Every sample file has a row, so a new sample cannot go unchecked. */
static void
check_all_files_listed(void)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 i, n;
	int		 found;

	if (!T_OK((d = opendir(EVENTS_DIR)) != NULL, "open %s", EVENTS_DIR))
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		found = 0;
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			if (strcmp(files[i].name, de->d_name) == 0)
				found = 1;
		T_OK(found, "%s: has a row in the table", de->d_name);
	}
	closedir(d);
}

/* The trace of the event as sent survives the in-place decoding. */
static void
check_raw_kept(void)
{
	struct cz_request	 req;
	struct cz_err		 err;
	const char		*ev = "{\"czappa\":\"function\",\"name\":"
	    "\"f\\u00e9\",\"input\":{\"a\":\"b\\\"c\"}}";
	json_t			*in;

	czrt_request_init(&req);
	T_OK(czrt_event_parse(&req, ev, strlen(ev), &err) == 0,
	    "raw kept: parses");
	T_OK(req.raw.len == strlen(ev) && memcmp(req.raw.s, ev, req.raw.len)
	    == 0, "raw kept: cz_event's text is the event as sent");
	T_STREQ(cz_name(&req), "f\xc3\xa9", "raw kept: name decoded");
	in = cz_input(&req);
	T_STREQ(json_string_value(json_object_get(in, "a")), "b\"c",
	    "raw kept: input member from jansson");
	czrt_request_release(&req);
}

/* Every prefix of every sample is an error (or, once only white space is
 * cut, the same event), never a crash. */
static void
check_truncations(void)
{
	struct cz_request	 req;
	struct cz_buf		 text = CZ_BUF_INIT, path = CZ_BUF_INIT;
	struct cz_err		 err;
	size_t			 i, k, last, bad;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cz_buf_reset(&path);
		cz_buf_addf(&path, "%s/%s", EVENTS_DIR, files[i].name);
		if (read_file(path.s, &text) == -1)
			continue;
		for (last = text.len; last > 0 && strchr(" \t\r\n",
		    text.s[last - 1]) != NULL; last--)
			;
		bad = 0;
		for (k = 0; k < text.len; k++) {
			czrt_request_init(&req);
			if ((czrt_event_parse(&req, text.s, k, &err) == 0) !=
			    (k >= last))
				bad++;
			czrt_request_release(&req);
		}
		T_OK(bad == 0, "%s: %zu truncations rejected (%zu wrong)",
		    files[i].name, last, bad);
	}
	cz_buf_release(&text);
	cz_buf_release(&path);
}

static void
check_nesting(void)
{
	static const struct {
		const char	*name, *open, *close;
		size_t		 depth;
		int		 ok;
	} cases[] = {
		{ "arrays 200 deep", "[", "]", 200, 1 },
		{ "arrays 100000 deep", "[", "]", 100000, 0 },
		{ "objects 200 deep", "{\"a\":", "}", 200, 1 },
		{ "objects 100000 deep", "{\"a\":", "}", 100000, 0 },
		{ "unclosed 100000 deep", "[", "", 100000, 0 },
	};
	struct cz_request	 req;
	struct cz_buf		 b = CZ_BUF_INIT;
	struct cz_err		 err;
	size_t			 i, k;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cz_buf_reset(&b);
		for (k = 0; k < cases[i].depth; k++)
			cz_buf_adds(&b, cases[i].open);
		cz_buf_adds(&b, "1");
		for (k = 0; k < cases[i].depth; k++)
			cz_buf_adds(&b, cases[i].close);
		czrt_request_init(&req);
		memset(&err, 0, sizeof(err));
		rc = czrt_event_parse(&req, b.s, b.len, &err);
		T_OK(cases[i].ok ? rc == 0 : rc == -1 && strstr(err.msg,
		    "nesting too deep") != NULL, "%s: %s (%s)", cases[i].name,
		    cases[i].ok ? "parses" : "too deep", err.msg);
		czrt_request_release(&req);
	}
	cz_buf_release(&b);
}

/* A small PRNG, so that a failure is the same on every run. */
static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11) % n;
}

/* Random byte edits of every sample: never a crash, and whatever parses
 * must leave the request's strings readable. */
static void
check_mutations(void)
{
	static const char	 bytes[] = "{}[]\",:\\u0123456789eE+-.tfnl \x80"
	    "\xff\xc3\x00";
	struct cz_request	 req;
	struct cz_buf		 text = CZ_BUF_INIT, path = CZ_BUF_INIT;
	struct cz_buf		 m = CZ_BUF_INIT;
	struct cz_err		 err;
	size_t			 i, k, j, pos, parsed, n;
	const char		*name, *value;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cz_buf_reset(&path);
		cz_buf_addf(&path, "%s/%s", EVENTS_DIR, files[i].name);
		if (read_file(path.s, &text) == -1)
			continue;
		parsed = 0;
		for (k = 0; k < 400; k++) {
			cz_buf_reset(&m);
			cz_buf_add(&m, text.s, text.len);
			for (j = 0; j < 1 + rnd(3); j++) {
				pos = rnd((uint32_t)m.len);
				m.s[pos] = bytes[rnd(sizeof(bytes))];
			}
			czrt_request_init(&req);
			if (czrt_event_parse(&req, m.s, m.len, &err) == 0) {
				parsed++;
				n = 0;
				for (j = 0; cz_header_at(&req, j, &name,
				    &value) == 0; j++)
					n += strlen(name) + strlen(value);
				for (j = 0; cz_query_at(&req, j, &name,
				    &value) == 0; j++)
					n += strlen(name) + strlen(value);
				(void)n;
				(void)cz_event(&req);
			}
			czrt_request_release(&req);
		}
		T_OK(1, "%s: 400 mutations, %zu parsed, no crash",
		    files[i].name, parsed);
	}
	cz_buf_release(&text);
	cz_buf_release(&path);
	cz_buf_release(&m);
}

/* jscan against jansson */

static int
same(const struct czrt_jv *v, json_t *j, struct cz_buf *why)
{
	const struct czrt_jv	*c, *d;
	size_t			 i, distinct;
	char			*end;
	double			 dv;

	switch (v->type) {
	case CZRT_J_NULL:
		return json_is_null(j) ? 1 : (cz_buf_adds(why, "null"), 0);
	case CZRT_J_TRUE:
		return json_is_true(j) ? 1 : (cz_buf_adds(why, "true"), 0);
	case CZRT_J_FALSE:
		return json_is_false(j) ? 1 : (cz_buf_adds(why, "false"), 0);
	case CZRT_J_NUM:
		if (json_is_integer(j)) {
			if (strtoll(v->s, &end, 10) == json_integer_value(j) &&
			    (size_t)(end - v->s) == v->n)
				return 1;
		} else if (json_is_real(j)) {
			dv = strtod(v->s, &end);
			if (dv == json_real_value(j))
				return 1;
		}
		cz_buf_addf(why, "number %.*s", (int)v->n, v->s);
		return 0;
	case CZRT_J_STR:
		if (json_is_string(j) && json_string_length(j) == v->n &&
		    memcmp(json_string_value(j), v->s, v->n) == 0 &&
		    v->s[v->n] == '\0')
			return 1;
		cz_buf_addf(why, "string \"%s\"", v->s);
		return 0;
	case CZRT_J_ARR:
		if (!json_is_array(j) || json_array_size(j) != v->n) {
			cz_buf_adds(why, "array size");
			return 0;
		}
		for (c = v->child, i = 0; c != NULL; c = c->next, i++)
			if (!same(c, json_array_get(j, i), why))
				return 0;
		return 1;
	case CZRT_J_OBJ:
		if (!json_is_object(j)) {
			cz_buf_adds(why, "object");
			return 0;
		}
		/* jansson keeps the last of duplicate keys. */
		distinct = 0;
		for (c = v->child; c != NULL; c = c->next) {
			for (d = c->next; d != NULL; d = d->next)
				if (strcmp(d->key, c->key) == 0)
					break;
			if (d != NULL)
				continue;
			distinct++;
			if (json_object_get(j, c->key) == NULL) {
				cz_buf_addf(why, "key \"%s\"", c->key);
				return 0;
			}
			if (!same(c, json_object_get(j, c->key), why))
				return 0;
		}
		if (distinct != json_object_size(j)) {
			cz_buf_adds(why, "object size");
			return 0;
		}
		return 1;
	}
	return 0;
}

/* A JSON string with the escapes and characters that trip decoders. */
static void
gen_string(struct cz_buf *b, int key)
{
	static const char *const pieces[] = {
		"a", "hello", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n",
		"\\r", "\\t", "\\u0041", "\\u00e9", "\\u20AC", "\\uffff",
		"\\ud83d\\ude00", "\\uD834\\uDD1E", "\\udbff\\udfff",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "/", "'", "{",
		"}", "[", "]", ":", ",", "\\u007f", "\\u0001", "\\u0800",
	};
	size_t	n = rnd(6), i;

	cz_buf_addch(b, '"');
	for (i = 0; i < n; i++)
		cz_buf_adds(b, pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))]);
	/* jansson refuses NUL in keys; values may hold one. */
	if (!key && rnd(10) == 0)
		cz_buf_adds(b, "\\u0000");
	cz_buf_addch(b, '"');
}

static void
gen_value(struct cz_buf *b, int depth)
{
	static const char *const nums[] = {
		"0", "-0", "1", "-1", "123456789", "-9007199254740991", "0.5",
		"-0.125", "1e10", "1E-5", "2.5e+3", "1e308", "123.456e-7",
		"4.9e-324",
	};
	static const char *const ws[] = { "", " ", "\n", "\t", "\r\n  " };
	size_t	n, i;

	switch (depth > 4 ? rnd(5) : rnd(7)) {
	case 0:
		cz_buf_adds(b, rnd(3) == 0 ? "null" : rnd(2) ? "true" :
		    "false");
		break;
	case 1:
	case 2:
		cz_buf_adds(b, nums[rnd(sizeof(nums) / sizeof(nums[0]))]);
		break;
	case 3:
	case 4:
		gen_string(b, 0);
		break;
	case 5:
		n = rnd(5);
		cz_buf_addch(b, '[');
		for (i = 0; i < n; i++) {
			if (i > 0)
				cz_buf_addch(b, ',');
			cz_buf_adds(b, ws[rnd(5)]);
			gen_value(b, depth + 1);
		}
		cz_buf_adds(b, ws[rnd(5)]);
		cz_buf_addch(b, ']');
		break;
	default:
		n = rnd(5);
		cz_buf_addch(b, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				cz_buf_addch(b, ',');
			cz_buf_adds(b, ws[rnd(5)]);
			/* Unique keys: jansson would keep only the last. */
			gen_string(b, 1);
			cz_buf_truncate(b, b->len - 1);
			cz_buf_addf(b, "#%zu\"", i);
			cz_buf_adds(b, ws[rnd(5)]);
			cz_buf_addch(b, ':');
			gen_value(b, depth + 1);
		}
		cz_buf_addch(b, '}');
		break;
	}
}

static void
check_jscan_vs_jansson(void)
{
	static const char	 bytes[] = "{}[]\",:\\u0dD89aeE+-.tfnl "
	    "\x80\xff";
	struct czrt_jdoc	 doc = { 0 };
	struct czrt_jv		*root;
	struct cz_buf		 text = CZ_BUF_INIT, work = CZ_BUF_INIT;
	struct cz_buf		 why = CZ_BUF_INIT;
	struct cz_err		 err;
	json_error_t		 jerr;
	json_t			*j;
	size_t			 i, k, valid_bad = 0, mut_bad = 0, mut_ok = 0;
	size_t			 ncases = 3000;
	int			 jr, mut;

	for (i = 0; i < ncases * 2; i++) {
		mut = i >= ncases;
		cz_buf_reset(&text);
		gen_value(&text, 0);
		if (mut)
			for (k = 0; k < 1 + rnd(2); k++)
				text.s[rnd((uint32_t)text.len)] =
				    bytes[rnd(sizeof(bytes) - 1)];
		cz_buf_reset(&work);
		cz_buf_add(&work, text.s, text.len);
		jr = czrt_jparse(&doc, work.s, work.len, &root, &err);
		j = json_loadb(text.s, text.len, JSON_DECODE_ANY |
		    JSON_ALLOW_NUL, &jerr);
		cz_buf_reset(&why);
		if (!mut) {
			if (jr == -1 || j == NULL || !same(root, j, &why)) {
				if (valid_bad++ < 5)
					T_OK(0, "jscan vs jansson: %s: %s "
					    "[jscan %s, jansson %s]", text.s,
					    why.s, jr ? err.msg : "ok",
					    j ? "ok" : jerr.text);
			}
		} else if (j != NULL) {
			mut_ok++;
			if (jr == -1 || !same(root, j, &why)) {
				if (mut_bad++ < 5)
					T_OK(0, "jscan vs jansson, mutated: "
					    "%s: %s [jscan %s]", text.s, why.s,
					    jr ? err.msg : "ok");
			}
		}
		json_decref(j);
	}
	T_OK(valid_bad == 0, "jscan vs jansson: %zu generated documents "
	    "equal (%zu differ)", ncases, valid_bad);
	T_OK(mut_bad == 0, "jscan vs jansson: %zu mutated documents jansson "
	    "accepts read the same (%zu differ)", mut_ok, mut_bad);
	czrt_jdoc_release(&doc);
	cz_buf_release(&text);
	cz_buf_release(&work);
	cz_buf_release(&why);
}

/* The arena is reused: a big document after small ones, and back. */
static void
check_jscan_arena(void)
{
	struct czrt_jdoc	 doc = { 0 };
	struct czrt_jv		*root;
	struct cz_buf		 b = CZ_BUF_INIT;
	struct cz_err		 err;
	size_t			 i, round;
	int			 ok = 1;

	for (round = 0; round < 3; round++) {
		cz_buf_reset(&b);
		cz_buf_addch(&b, '[');
		for (i = 0; i < (round == 1 ? 5000 : 10); i++)
			cz_buf_addf(&b, "%s%zu", i ? "," : "", i);
		cz_buf_addch(&b, ']');
		ok &= czrt_jparse(&doc, b.s, b.len, &root, &err) == 0 &&
		    root->n == (round == 1 ? 5000u : 10u);
	}
	T_OK(ok, "jscan arena: 10, 5000, 10 elements in turn");
	T_OK(czrt_jget(root, "x") == NULL, "jscan: jget on an array is NULL");
	czrt_jdoc_release(&doc);
	cz_buf_release(&b);
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_case(&files[i]);
	check_all_files_listed();
	for (i = 0; i < sizeof(synth) / sizeof(synth[0]); i++)
		check_case(&synth[i]);
	check_raw_kept();
	check_truncations();
	check_nesting();
	check_mutations();
	check_jscan_vs_jansson();
	check_jscan_arena();
	return t_done();
}
