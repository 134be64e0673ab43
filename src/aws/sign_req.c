/*
 * aws/sign_req: see sign_req.h.  The signed headers are those AWS needs and
 * no more: host, x-amz-date, the session token, S3's payload hash, and the
 * caller's own headers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/sigv4.h"
#include "aws/sign_req.h"
#include "base/url.h"
#include "base/xmalloc.h"

#define ANSWER_MAX	(64u * 1024 * 1024)

void
aws_sign_req_path(const struct aws_endpoint *ep, const struct aws_req *req,
    struct cz_buf *out)
{
	size_t	start = out->len;

	cz_buf_adds(out, ep->base_path);
	if (ep->path_style && req->bucket) {
		cz_buf_addch(out, '/');
		cz_url_encode(out, req->bucket, strlen(req->bucket), 0);
	}
	cz_buf_add(out, req->path.s, req->path.len);
	if (out->len == start)
		cz_buf_addch(out, '/');
}

static size_t
s_body_cb(char *p, size_t size, size_t n, void *arg)
{
	struct aws_signed_req	*st = arg;

	cz_buf_add(&st->resp->body, p, size * n);
	return st->resp->body.overflow ? 0 : size * n;
}

static size_t
s_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct aws_signed_req	*st = arg;
	size_t			 len = size * n, i;
	char			*line;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		cz_strv_release(&st->resp->headers);
		return len;
	}
	if (memchr(p, ':', len) == NULL)
		return len;
	line = cz_xstrndup(p, len);
	i = strlen(line);
	while (i > 0 && (line[i - 1] == '\n' || line[i - 1] == '\r'))
		line[--i] = '\0';
	for (i = 0; line[i] && line[i] != ':'; i++)
		line[i] = (char)tolower((unsigned char)line[i]);
	cz_strv_take(&st->resp->headers, line);
	return len;
}

int
aws_sign_req_setup(CURL *h, const struct aws_creds *cr,
    const struct aws_endpoint *ep, const char *path, const struct aws_req *req,
    struct aws_resp *resp, long timeout_ms, struct aws_signed_req *st,
    struct cz_err *err)
{
	struct aws_sigv4_input	 in;
	struct aws_sigv4	 sig = AWS_SIGV4_INIT;
	struct aws_sigv4_header	*hv = NULL;
	struct cz_strv		 names = CZ_STRV_INIT, vals = CZ_STRV_INIT;
	struct cz_buf		 hash = CZ_BUF_INIT, line = CZ_BUF_INIT;
	char			 date[17];
	time_t			 now = time(NULL);
	struct tm		 tm;
	size_t			 i;
	int			 s3 = strcmp(req->service, "s3") == 0, rc = -1;

	aws_signed_req_release(h, st);
	st->resp = resp;
	aws_resp_release(resp);
	cz_buf_init(&resp->body, ANSWER_MAX);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", &tm);
	aws_sha256_hex(&hash, req->body ? req->body : "",
	    req->body ? req->bodylen : 0);
	cz_strv_push(&names, "host");
	cz_strv_push(&vals, ep->host);
	cz_strv_push(&names, "x-amz-date");
	cz_strv_push(&vals, date);
	if (cr->token) {
		cz_strv_push(&names, "x-amz-security-token");
		cz_strv_push(&vals, cr->token);
	}
	if (s3) {
		cz_strv_push(&names, "x-amz-content-sha256");
		cz_strv_push(&vals, hash.s);
	}
	for (i = 0; i < req->headers.n; i++) {
		const char	*v = strchr(req->headers.v[i], ':');

		if (v == NULL)
			continue;
		cz_strv_take(&names, cz_xstrndup(req->headers.v[i],
		    (size_t)(v - req->headers.v[i])));
		for (v++; *v == ' '; v++)
			;
		cz_strv_push(&vals, v);
	}
	hv = cz_xcalloc(names.n, sizeof(*hv));
	for (i = 0; i < names.n; i++) {
		hv[i].name = names.v[i];
		hv[i].value = vals.v[i];
	}
	memset(&in, 0, sizeof(in));
	in.method = req->method;
	in.path = path;
	in.query = req->query.len ? req->query.s : NULL;
	in.headers = hv;
	in.nheaders = names.n;
	in.payload_hash = hash.s;
	in.region = ep->signing_region;
	in.service = ep->signing_name;
	in.amz_date = date;
	in.access_key = cr->access_key;
	in.secret_key = cr->secret_key;
	in.s3 = s3;
	if (cr->access_key && aws_sigv4_sign(&in, &sig, err) == -1)
		goto out;
	/* host comes from the URL; every other signed header is sent. */
	for (i = 1; i < names.n; i++) {
		cz_buf_reset(&line);
		cz_buf_addf(&line, "%s: %s", hv[i].name, hv[i].value);
		st->headers = curl_slist_append(st->headers, line.s);
	}
	if (cr->access_key) {
		cz_buf_reset(&line);
		cz_buf_addf(&line, "Authorization: %s", sig.authorization.s);
		st->headers = curl_slist_append(st->headers, line.s);
	}
	st->headers = curl_slist_append(st->headers, "Expect:");
	st->headers = curl_slist_append(st->headers,
	    "Accept-Encoding: identity");
	cz_buf_addf(&st->url, "%s%s", ep->base, path);
	if (req->query.len)
		cz_buf_addf(&st->url, "?%s", req->query.s);

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, st->url.s);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, st->headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, s_body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, st);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, s_header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, st);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, st->cerr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "czappa/" CZ_VERSION);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_PRIVATE, st);
	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(req->method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS,
		    req->body ? (const char *)req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(req->body ? req->bodylen : 0));
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
			    req->method);
	}
	st->cerr[0] = '\0';
	rc = 0;
out:
	if (line.len)
		explicit_bzero(line.s, line.len);
	cz_buf_release(&line);
	cz_buf_release(&hash);
	cz_strv_release(&names);
	for (i = 0; i < vals.n; i++)
		explicit_bzero(vals.v[i], strlen(vals.v[i]));
	cz_strv_release(&vals);
	free(hv);
	aws_sigv4_release(&sig);
	return rc;
}

void
aws_signed_req_release(CURL *h, struct aws_signed_req *st)
{
	struct curl_slist	*l;

	/* The handle points into the list: unhook it before freeing. */
	if (h && st->headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	for (l = st->headers; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(st->headers);
	st->headers = NULL;
	cz_buf_release(&st->url);
}

int
aws_sign_req_curl_retryable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}
