/*
 * sigv4_sign: a test driver for aws/sigv4.c.  Reads a JSON array of
 * requests on stdin and prints one JSON object per request on stdout, so a
 * script can compare our signer with another (tests/lib/sigv4_crosscheck.py
 * compares it with botocore) or put a signed request on the wire.
 *
 * Input element (every field but method/path/headers/keys optional):
 *   {"id": any, "method": "GET", "path": "/a%20b", "query": "k=v",
 *    "headers": [["Host", "h"], ...], "body_b64": "...",
 *    "region": "us-east-1", "service": "s3", "amz_date": "20240102T030405Z",
 *    "access_key": "AK", "secret_key": "SK", "token": "..." | null,
 *    "s3": false, "unsigned_payload": false,
 *    "presign": false, "expires": 3600}
 * It signs as czappa's client does: header signing adds X-Amz-Date and
 * (with a token) X-Amz-Security-Token headers, and for S3 a signed
 * x-amz-content-sha256 (UNSIGNED-PAYLOAD if asked); presign puts the token
 * in the query instead.
 * Output line: {"id", "authorization", "canonical_request",
 *   "string_to_sign", "signature", "query", "headers": [[name, value]...]}
 * where headers are the ones to send (added ones included), or
 * {"id", "error"} if the signer refused the request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/sigv4.h"
#include "base/b64.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/xmalloc.h"

static const char *
str(json_t *o, const char *key, const char *dflt)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : dflt;
}

static json_t *
sign_one(json_t *req)
{
	struct aws_sigv4_input	 in;
	struct aws_sigv4	 sig = AWS_SIGV4_INIT;
	struct aws_sigv4_header	*h = NULL;
	struct cz_buf		 body = CZ_BUF_INIT;
	struct cz_err		 err;
	json_t			*hs, *pair, *res, *sent;
	const char		*b64;
	size_t			 i, n, nh = 0;
	int			 presign, rc;

	memset(&in, 0, sizeof(in));
	res = json_object();
	json_object_set(res, "id", json_object_get(req, "id"));
	presign = json_is_true(json_object_get(req, "presign"));
	in.method = str(req, "method", NULL);
	in.path = str(req, "path", NULL);
	in.query = str(req, "query", NULL);
	in.region = str(req, "region", "us-east-1");
	in.service = str(req, "service", "service");
	in.amz_date = str(req, "amz_date", NULL);
	in.access_key = str(req, "access_key", NULL);
	in.secret_key = str(req, "secret_key", NULL);
	in.token = str(req, "token", NULL);
	in.s3 = json_is_true(json_object_get(req, "s3"));
	in.expires = (long)json_integer_value(json_object_get(req, "expires"));
	if (json_is_true(json_object_get(req, "unsigned_payload")))
		in.payload_hash = "UNSIGNED-PAYLOAD";
	if ((b64 = str(req, "body_b64", NULL)) != NULL &&
	    cz_b64_decode(&body, b64, strlen(b64)) == -1) {
		json_object_set_new(res, "error",
		    json_string("body_b64 is not base64"));
		goto out;
	}
	in.body = body.s;
	in.bodylen = body.len;

	hs = json_object_get(req, "headers");
	n = json_array_size(hs);
	h = cz_xcalloc(n + 2, sizeof(*h));
	for (i = 0; i < n; i++) {
		pair = json_array_get(hs, i);
		h[nh].name = json_string_value(json_array_get(pair, 0));
		h[nh].value = json_string_value(json_array_get(pair, 1));
		nh++;
	}
	if (!presign) {
		h[nh].name = "X-Amz-Date";
		h[nh++].value = in.amz_date != NULL ? in.amz_date : "";
		if (in.token != NULL) {
			h[nh].name = "X-Amz-Security-Token";
			h[nh++].value = in.token;
		}
		in.add_content_sha256 = in.s3;
	}
	in.headers = h;
	in.nheaders = nh;
	rc = presign ? aws_sigv4_presign(&in, &sig, &err) :
	    aws_sigv4_sign(&in, &sig, &err);
	if (rc == -1) {
		json_object_set_new(res, "error", json_string(err.msg));
		goto out;
	}
	sent = json_array();
	for (i = 0; i < nh; i++)
		json_array_append_new(sent, json_pack("[ss]", h[i].name,
		    h[i].value));
	if (in.add_content_sha256)
		json_array_append_new(sent, json_pack("[ss]",
		    "X-Amz-Content-SHA256", sig.payload_hash.s));
	json_object_set_new(res, "headers", sent);
	json_object_set_new(res, "authorization",
	    json_string(sig.authorization.s));
	json_object_set_new(res, "canonical_request",
	    json_stringn(sig.canonical_request.s, sig.canonical_request.len));
	json_object_set_new(res, "string_to_sign",
	    json_string(sig.string_to_sign.s));
	json_object_set_new(res, "signature", json_string(sig.signature.s));
	json_object_set_new(res, "query", json_string(sig.query.s));
out:
	free(h);
	cz_buf_release(&body);
	aws_sigv4_release(&sig);
	return res;
}

int
main(void)
{
	json_t		*reqs, *res;
	json_error_t	 jerr;
	size_t		 i;
	char		*line;

	if ((reqs = json_loadf(stdin, 0, &jerr)) == NULL) {
		fprintf(stderr, "sigv4_sign: stdin:%d: %s\n", jerr.line,
		    jerr.text);
		return 2;
	}
	if (!json_is_array(reqs)) {
		fprintf(stderr, "sigv4_sign: stdin is not a JSON array\n");
		json_decref(reqs);
		return 2;
	}
	for (i = 0; i < json_array_size(reqs); i++) {
		res = sign_one(json_array_get(reqs, i));
		line = json_dumps(res, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (line == NULL)
			abort();
		printf("%s\n", line);
		free(line);
		json_decref(res);
	}
	json_decref(reqs);
	return fflush(stdout) == 0 ? 0 : 1;
}
