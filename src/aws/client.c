/*
 * aws/client: see client.h.  Each call takes an idle curl easy handle from
 * the client's pool (so connections are reused across calls, and several
 * threads can call at once), signs a fresh request per attempt (X-Amz-Date
 * moves), and retries what AWS says is transient.  Error text is scrubbed of
 * the secret key and session token before it leaves this file.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/sign_req.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/clock.h"
#include "base/url.h"
#include "base/xmalloc.h"

#define BACKOFF_BASE_MS	100
#define BACKOFF_CAP_MS	20000

struct aws_client {
	struct aws_creds	 creds;
	char			*region;
	char			*profile;	/* explicit --profile or NULL */
	char			*config_profile;
	struct aws_hooks	 hooks;
	long			 timeout_ms;
	int			 max_attempts;
	pthread_mutex_t		 lock;		/* pool, creds refresh, rng */
	CURL			**pool;		/* idle easy handles */
	size_t			 npool, cappool;
	unsigned int		 rng;
};

void
aws_req_release(struct aws_req *r)
{
	cz_buf_release(&r->path);
	cz_buf_release(&r->query);
	cz_strv_release(&r->headers);
}

void
aws_req_path_seg(struct aws_req *r, const char *seg)
{
	cz_buf_addch(&r->path, '/');
	cz_url_encode(&r->path, seg, strlen(seg), 0);
}

void
aws_req_path_raw(struct aws_req *r, const char *s)
{
	cz_buf_adds(&r->path, s);
}

void
aws_req_query(struct aws_req *r, const char *key, const char *value)
{
	if (r->query.len)
		cz_buf_addch(&r->query, '&');
	cz_url_encode(&r->query, key, strlen(key), 0);
	cz_buf_addch(&r->query, '=');
	if (value)
		cz_url_encode(&r->query, value, strlen(value), 0);
}

void
aws_req_header(struct aws_req *r, const char *name, const char *value)
{
	cz_strv_pushf(&r->headers, "%s: %s", name, value);
}

void
aws_resp_release(struct aws_resp *r)
{
	cz_buf_release(&r->body);
	cz_strv_release(&r->headers);
	r->status = 0;
}

const char *
aws_resp_header(const struct aws_resp *r, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < r->headers.n; i++)
		if (strncasecmp(r->headers.v[i], name, n) == 0 &&
		    r->headers.v[i][n] == ':')
			return r->headers.v[i] + n + 1 +
			    (r->headers.v[i][n + 1] == ' ');
	return NULL;
}

int
aws_retryable(int status, const char *code)
{
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "RequestThrottled", "SlowDown",
		"PriorRequestNotComplete", "EC2ThrottledException",
		"RequestTimeout", "RequestTimeoutException",
		"InternalError", "InternalFailure", "ServiceUnavailable",
		"ServiceException", NULL
	};
	int	i;

	if (status == 429 || status == 500 || status == 502 ||
	    status == 503 || status == 504)
		return 1;
	for (i = 0; code && *code && codes[i]; i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/* Unprintable bytes become '?', as acme-client shows bodies. */
static void
s_excerpt(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t	i, j = 0;
	int	sp = 0;

	for (i = 0; i < n && j + 1 < dstsz; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (isspace(c)) {
			if (!sp && j)
				dst[j++] = ' ';
			sp = 1;
			continue;
		}
		sp = 0;
		dst[j++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[j] = '\0';
}

static void
s_copy(char *dst, size_t dstsz, const char *src)
{
	snprintf(dst, dstsz, "%s", src ? src : "");
}

int
aws_error_from_resp(const char *service, const char *op,
    const struct aws_resp *resp, struct cz_err *err)
{
	const char		*h, *code = NULL, *msg = NULL, *rid = NULL;
	char			*xcode = NULL, *xmsg = NULL, *xrid = NULL;
	char			 tmp[300];
	json_t			*j = NULL;
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*root, *e;
	struct cz_err		 ignored;

	cz_err_clear(err);
	s_copy(err->service, sizeof(err->service), service);
	s_copy(err->op, sizeof(err->op), op);
	err->status = resp->status;
	if ((h = aws_resp_header(resp, "x-amzn-errortype")) != NULL && *h)
		code = h;
	if (resp->body.len && (resp->body.s[0] == '{')) {
		if ((j = json_loadb(resp->body.s, resp->body.len, 0, NULL)) !=
		    NULL) {
			if (code == NULL)
				code = json_string_value(json_object_get(j,
				    "__type"));
			if (code == NULL)
				code = json_string_value(json_object_get(j,
				    "code"));
			if (code == NULL)
				code = json_string_value(json_object_get(j,
				    "Code"));
			msg = json_string_value(json_object_get(j,
			    "message"));
			if (msg == NULL)
				msg = json_string_value(json_object_get(j,
				    "Message"));
			if (msg == NULL)
				msg = json_string_value(json_object_get(j,
				    "errorMessage"));
		}
	} else if (resp->body.len && resp->body.s[0] == '<' &&
	    aws_xml_parse(resp->body.s, resp->body.len, &x, &ignored) == 0) {
		root = aws_xml_root(x);
		/* Query: ErrorResponse/Error (moto's auth checker adds an
		 * Errors level); S3: Error at the root. */
		e = strcmp(aws_xml_name(root), "Error") == 0 ? root :
		    aws_xml_find(root, "Error");
		if (e == NULL)
			e = aws_xml_find(root, "Errors/Error");
		if (e) {
			xcode = aws_xml_text(e, "Code");
			xmsg = aws_xml_text(e, "Message");
			if (xmsg == NULL)
				xmsg = aws_xml_text(e, "message");
		}
		if ((xrid = aws_xml_text(root, "RequestId")) == NULL)
			xrid = aws_xml_text(root, "RequestID");
		if (code == NULL)
			code = xcode;
		msg = xmsg;
		rid = xrid;
	}
	if (code) {
		/* "aws.protocoltests#Code" and "Code:http://..." forms. */
		const char	*hash = strrchr(code, '#');

		if (hash)
			code = hash + 1;
		s_copy(err->code, sizeof(err->code), code);
		err->code[strcspn(err->code, ":")] = '\0';
	} else if (resp->status == 404 && resp->body.len == 0)
		s_copy(err->code, sizeof(err->code), "NotFound");
	if (rid == NULL && (rid = aws_resp_header(resp,
	    "x-amzn-requestid")) == NULL)
		rid = aws_resp_header(resp, "x-amz-request-id");
	s_copy(err->request_id, sizeof(err->request_id), rid);
	if (msg && *msg)
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
	else if (resp->body.len && err->code[0] == '\0') {
		s_excerpt(tmp, sizeof(tmp), resp->body.s, resp->body.len);
		snprintf(err->msg, sizeof(err->msg), "HTTP %d: %s",
		    resp->status, tmp);
	} else
		snprintf(err->msg, sizeof(err->msg), "HTTP %d", resp->status);
	for (h = err->msg; *h; h++)
		if ((unsigned char)*h < 0x20)
			err->msg[h - err->msg] = ' ';
	json_decref(j);
	aws_xml_free(x);
	free(xcode);
	free(xmsg);
	free(xrid);
	return -1;
}

/* Removes every copy of needle from s (an error message). */
static void
s_scrub(char *s, size_t cap, const char *needle)
{
	char	*p;
	size_t	 n;

	if (needle == NULL || (n = strlen(needle)) < 4)
		return;
	while ((p = strstr(s, needle)) != NULL) {
		static const char	red[] = "[redacted]";
		size_t			rest = strlen(p + n);

		if (p - s + sizeof(red) - 1 + rest + 1 > cap)
			rest = cap - (size_t)(p - s) - sizeof(red);
		memmove(p + sizeof(red) - 1, p + n, rest);
		memcpy(p, red, sizeof(red) - 1);
		p[sizeof(red) - 1 + rest] = '\0';
	}
}

static void
s_scrub_err(struct aws_client *c, struct cz_err *err)
{
	s_scrub(err->msg, sizeof(err->msg), c->creds.secret_key);
	s_scrub(err->msg, sizeof(err->msg), c->creds.token);
}

static CURL *
s_handle_get(struct aws_client *c)
{
	CURL	*h = NULL;

	pthread_mutex_lock(&c->lock);
	if (c->npool > 0)
		h = c->pool[--c->npool];
	pthread_mutex_unlock(&c->lock);
	if (h == NULL && (h = curl_easy_init()) == NULL) {
		fputs("czappa: curl_easy_init failed\n", stderr);
		abort();
	}
	return h;
}

static void
s_handle_put(struct aws_client *c, CURL *h)
{
	pthread_mutex_lock(&c->lock);
	if (c->npool == c->cappool) {
		c->cappool = c->cappool ? c->cappool * 2 : 8;
		c->pool = cz_xrealloc(c->pool, c->cappool * sizeof(*c->pool));
	}
	c->pool[c->npool++] = h;
	pthread_mutex_unlock(&c->lock);
}

struct s_progress {
	struct aws_client	*c;
	int			 on;
};

static int
s_progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct s_progress	*p = arg;

	(void)dltotal;
	(void)dlnow;
	if (p->on && p->c->hooks.on_progress && ultotal > 0)
		p->c->hooks.on_progress(ulnow, ultotal, p->c->hooks.arg);
	return 0;
}

static unsigned int
s_rand(struct aws_client *c)
{
	unsigned int	r;

	pthread_mutex_lock(&c->lock);
	c->rng = c->rng * 1103515245u + 12345u;
	r = c->rng >> 8;
	pthread_mutex_unlock(&c->lock);
	return r;
}

/* Full jitter: uniform in [0, min(cap, base * 2^attempt)). */
static long long
s_backoff_ms(struct aws_client *c, int attempt)
{
	long long	ceil = BACKOFF_BASE_MS;
	int		i;

	for (i = 1; i < attempt && ceil < BACKOFF_CAP_MS; i++)
		ceil *= 2;
	if (ceil > BACKOFF_CAP_MS)
		ceil = BACKOFF_CAP_MS;
	return (long long)(s_rand(c) % (unsigned int)ceil) + 1;
}

/*
 * One signed attempt through aws/sign_req (the same path aws/multi takes).
 * Returns the CURLcode; *resp holds the answer; *signfail says signing
 * itself failed (err set).
 */
static CURLcode
s_attempt(struct aws_client *c, CURL *h, struct aws_req *req,
    const struct aws_endpoint *ep, const char *path, struct aws_resp *resp,
    struct aws_signed_req *st, struct cz_err *err, int *signfail)
{
	struct aws_creds	cr;
	struct s_progress	prog = { c, req->progress };
	CURLcode		cc;
	int			rc;

	*signfail = 0;
	pthread_mutex_lock(&c->lock);
	aws_creds_copy(&cr, &c->creds);
	pthread_mutex_unlock(&c->lock);
	rc = aws_sign_req_setup(h, &cr, ep, path, req, resp, c->timeout_ms,
	    st, err);
	aws_creds_release(&cr);
	if (rc == -1) {
		*signfail = 1;
		return CURLE_FAILED_INIT;
	}
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, s_progress_cb);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &prog);
	/* Uploads may take long: limit stalls, not the whole transfer. */
	if (req->bodylen > 1024 * 1024) {
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 0L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
		    (c->timeout_ms + 999) / 1000);
	}
	if ((cc = curl_easy_perform(h)) == CURLE_OK) {
		long	status = 0;

		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		resp->status = (int)status;
	} else if (cc == CURLE_WRITE_ERROR && resp->body.overflow)
		cz_errf(err, "answer larger than %zu bytes", resp->body.max);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, NULL);
	return cc;
}

static void
s_trace(struct aws_client *c, struct aws_req *req, struct aws_resp *resp,
    int attempts, long long t0, const char *code)
{
	struct aws_trace	t;

	if (c->hooks.on_call == NULL)
		return;
	t.service = req->service;
	t.op = req->op;
	t.method = req->method;
	t.status = resp->status;
	t.attempts = attempts;
	t.ms = cz_mono_ms() - t0;
	t.code = code ? code : "";
	t.bytes_out = (long long)req->bodylen;
	t.bytes_in = (long long)resp->body.len;
	c->hooks.on_call(&t, c->hooks.arg);
}

static int s_refresh(struct aws_client *, struct cz_err *);

int
aws_send(struct aws_client *c, struct aws_req *req, struct aws_resp *resp,
    struct cz_err *err)
{
	struct aws_endpoint	 ep;
	struct aws_signed_req	 st = AWS_SIGNED_REQ_INIT;
	struct cz_buf		 path = CZ_BUF_INIT;
	long long		 t0 = cz_mono_ms(), wait;
	CURLcode		 cc;
	CURL			*h = NULL;
	int			 attempt, signfail, rc = -1;

	cz_err_clear(err);
	if (s_refresh(c, err) == -1)
		return -1;
	if (aws_endpoint_resolve(req->service, c->region, req->bucket, &ep,
	    err) == -1)
		return -1;
	aws_sign_req_path(&ep, req, &path);
	h = s_handle_get(c);
	for (attempt = 1; ; attempt++) {
		cc = s_attempt(c, h, req, &ep, path.s, resp, &st, err,
		    &signfail);
		if (signfail)
			goto out;
		if (cc == CURLE_OK && resp->status >= 200 &&
		    resp->status < 400) {
			cz_err_clear(err);
			s_trace(c, req, resp, attempt, t0, NULL);
			rc = 0;
			goto out;
		}
		if (cc == CURLE_OK)
			aws_error_from_resp(req->service, req->op, resp, err);
		else {
			cz_err_clear(err);
			s_copy(err->service, sizeof(err->service),
			    req->service);
			s_copy(err->op, sizeof(err->op), req->op);
			if (err->msg[0] == '\0')
				snprintf(err->msg, sizeof(err->msg), "%s: %s",
				    ep.host, st.cerr[0] ? st.cerr :
				    curl_easy_strerror(cc));
		}
		if (req->no_retry || attempt >= c->max_attempts ||
		    (cc == CURLE_OK && !aws_retryable(resp->status,
		    err->code)) || (cc != CURLE_OK &&
		    !aws_sign_req_curl_retryable(cc)))
			break;
		wait = s_backoff_ms(c, attempt);
		/* Retry-After (seconds) when the service gives one. */
		if (cc == CURLE_OK && aws_resp_header(resp, "retry-after")) {
			long	ra = strtol(aws_resp_header(resp,
			    "retry-after"), NULL, 10);

			if (ra > 0 && ra * 1000 > wait)
				wait = ra * 1000 > BACKOFF_CAP_MS ?
				    BACKOFF_CAP_MS : ra * 1000;
		}
		if (c->hooks.on_retry) {
			struct aws_trace	t;

			memset(&t, 0, sizeof(t));
			t.service = req->service;
			t.op = req->op;
			t.method = req->method;
			t.status = resp->status;
			t.attempts = attempt;
			t.code = err->code[0] ? err->code :
			    curl_easy_strerror(cc);
			c->hooks.on_retry(&t, wait, c->hooks.arg);
		}
		cz_sleep_ms(wait);
	}
	if (attempt > 1) {
		size_t	n = strlen(err->msg);

		snprintf(err->msg + n, sizeof(err->msg) - n,
		    " (after %d attempts)", attempt);
	}
	s_trace(c, req, resp, attempt, t0, err->code[0] ? err->code :
	    cc != CURLE_OK ? "no answer" : NULL);
out:
	if (h) {
		aws_signed_req_release(h, &st);
		s_handle_put(c, h);
	}
	s_scrub_err(c, err);
	aws_endpoint_release(&ep);
	cz_buf_release(&path);
	return rc;
}

/*
 * STS for the credential chain: a throwaway client signed with the source
 * credentials (or unsigned for web identity), query protocol, XML answer.
 */
static int
s_sts_cb(void *arg, const char *region, const char *op,
    const struct cz_strv *params, const struct aws_creds *signer,
    struct aws_creds *out, struct cz_err *err)
{
	struct aws_client	*parent = arg, tmp;
	struct aws_req		 req = AWS_REQ_INIT("sts", op, "POST");
	struct aws_resp		 resp = AWS_RESP_INIT;
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*cr;
	struct cz_buf		 body = CZ_BUF_INIT, path = CZ_BUF_INIT;
	char			*exp = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(&tmp, 0, sizeof(tmp));
	tmp.region = (char *)(region ? region : "us-east-1");
	tmp.hooks = parent->hooks;
	tmp.timeout_ms = parent->timeout_ms;
	tmp.max_attempts = parent->max_attempts;
	tmp.rng = parent->rng;
	pthread_mutex_init(&tmp.lock, NULL);
	if (signer)
		aws_creds_copy(&tmp.creds, signer);
	cz_buf_addf(&body, "Action=%s&Version=2011-06-15", op);
	for (i = 0; i < params->n; i++) {
		const char	*eq = strchr(params->v[i], '=');

		cz_buf_addch(&body, '&');
		cz_url_encode(&body, params->v[i], (size_t)(eq -
		    params->v[i]), 0);
		cz_buf_addch(&body, '=');
		cz_url_encode(&body, eq + 1, strlen(eq + 1), 0);
	}
	aws_req_header(&req, "Content-Type",
	    "application/x-www-form-urlencoded; charset=utf-8");
	req.body = body.s;
	req.bodylen = body.len;
	/* Without a signer (AssumeRoleWithWebIdentity) it goes unsigned. */
	if (aws_send(&tmp, &req, &resp, err) == -1)
		goto out;
	if (aws_xml_parse(resp.body.s, resp.body.len, &x, err) == -1) {
		cz_err_prefix(err, "sts %s", op);
		goto out;
	}
	cz_buf_addf(&path, "%sResult/Credentials", op);
	if ((cr = aws_xml_find(aws_xml_root(x), path.s)) == NULL) {
		cz_errf(err, "sts %s: answer has no Credentials", op);
		goto out;
	}
	out->access_key = aws_xml_text(cr, "AccessKeyId");
	out->secret_key = aws_xml_text(cr, "SecretAccessKey");
	out->token = aws_xml_text(cr, "SessionToken");
	if ((exp = aws_xml_text(cr, "Expiration")) != NULL)
		out->expires_ms = aws_iso8601_ms(exp);
	if (out->access_key == NULL || out->secret_key == NULL) {
		aws_creds_release(out);
		cz_errf(err, "sts %s: answer has no AccessKeyId", op);
		goto out;
	}
	rc = 0;
out:
	if (body.len)
		explicit_bzero(body.s, body.len);
	cz_buf_release(&body);
	cz_buf_release(&path);
	free(exp);
	aws_xml_free(x);
	aws_req_release(&req);
	aws_resp_release(&resp);
	for (i = 0; i < tmp.npool; i++)
		curl_easy_cleanup(tmp.pool[i]);
	free(tmp.pool);
	aws_creds_release(&tmp.creds);
	pthread_mutex_destroy(&tmp.lock);
	return rc;
}

static size_t
s_body_cb(char *p, size_t size, size_t n, void *arg)
{
	struct cz_buf	*b = arg;

	cz_buf_add(b, p, size * n);
	return b->overflow ? 0 : size * n;
}

/* Plain GET for SSO and container credentials (not SigV4). */
static int
s_http_get_cb(void *arg, const char *url, const struct cz_strv *headers,
    char **body, struct cz_err *err)
{
	struct aws_client	*c = arg;
	struct aws_resp		 resp = AWS_RESP_INIT;
	struct curl_slist	*hl = NULL;
	char			 cerr[CURL_ERROR_SIZE];
	CURL			*h;
	CURLcode		 cc;
	long			 st = 0;
	size_t			 i;
	int			 rc = -1;

	*body = NULL;
	cz_buf_init(&resp.body, 1024 * 1024);
	for (i = 0; i < headers->n; i++)
		hl = curl_slist_append(hl, headers->v[i]);
	h = s_handle_get(c);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, s_body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cerr[0] = '\0';
	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		cz_errf(err, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	if (st < 200 || st >= 300) {
		cz_errf(err, "HTTP %ld", st);
		goto out;
	}
	*body = cz_buf_detach(&resp.body);
	rc = 0;
out:
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	s_handle_put(c, h);
	curl_slist_free_all(hl);
	aws_resp_release(&resp);
	return rc;
}

static int
s_resolve(struct aws_client *c, struct cz_err *err)
{
	struct aws_creds_opts	o;
	struct aws_creds_io	io = { s_sts_cb, s_http_get_cb, c };

	memset(&o, 0, sizeof(o));
	o.profile = c->profile;
	o.config_profile = c->config_profile;
	o.region = c->region;
	return aws_creds_resolve(&o, &io, &c->creds, err);
}

/* Temporary credentials are renewed five minutes before they expire. */
static int
s_refresh(struct aws_client *c, struct cz_err *err)
{
	struct aws_creds	old;
	int			rc = 0;

	if (c->creds.expires_ms == 0 ||
	    c->creds.expires_ms - 300000 > cz_wall_ms())
		return 0;
	pthread_mutex_lock(&c->lock);
	if (c->creds.expires_ms != 0 &&
	    c->creds.expires_ms - 300000 <= cz_wall_ms()) {
		old = c->creds;
		memset(&c->creds, 0, sizeof(c->creds));
		pthread_mutex_unlock(&c->lock);
		rc = s_resolve(c, err);
		pthread_mutex_lock(&c->lock);
		if (rc == -1)
			c->creds = old;
		else
			aws_creds_release(&old);
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int
aws_client_creds_copy(struct aws_client *c, struct aws_creds *out,
    struct cz_err *err)
{
	if (s_refresh(c, err) == -1)
		return -1;
	pthread_mutex_lock(&c->lock);
	aws_creds_copy(out, &c->creds);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int
aws_client_new(const struct aws_client_opts *o, struct aws_client **out,
    struct cz_err *err)
{
	struct aws_client	*c;
	struct aws_creds_opts	 co;
	const char		*v;
	char			*r = NULL;

	*out = NULL;
	c = cz_xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->profile = o->profile ? cz_xstrdup(o->profile) : NULL;
	c->config_profile = o->config_profile ?
	    cz_xstrdup(o->config_profile) : NULL;
	c->hooks = o->hooks;
	c->rng = (unsigned int)(cz_wall_ms() ^ (long long)getpid() << 16);
	c->timeout_ms = o->timeout_ms;
	if (c->timeout_ms <= 0 && (v = getenv("CZAPPA_HTTP_TIMEOUT")) &&
	    strtol(v, NULL, 10) > 0)
		c->timeout_ms = strtol(v, NULL, 10) * 1000;
	if (c->timeout_ms <= 0)
		c->timeout_ms = 60000;
	c->max_attempts = o->max_attempts;
	if (c->max_attempts <= 0 && (v = getenv("AWS_MAX_ATTEMPTS")) &&
	    strtol(v, NULL, 10) > 0)
		c->max_attempts = (int)strtol(v, NULL, 10);
	if (c->max_attempts <= 0)
		c->max_attempts = 5;
	if (c->max_attempts > 20)
		c->max_attempts = 20;
	/* Region: flag, serverless.yaml, AWS_REGION, AWS_DEFAULT_REGION,
	 * the profile's. */
	memset(&co, 0, sizeof(co));
	co.profile = o->profile;
	co.config_profile = o->config_profile;
	if (o->region && *o->region)
		c->region = cz_xstrdup(o->region);
	else if (o->config_region && *o->config_region)
		c->region = cz_xstrdup(o->config_region);
	else if (aws_region_from_env(aws_creds_profile_name(&co), &r) == 0)
		c->region = r;
	else {
		cz_errf(err, "no AWS region: pass --region, set "
		    "provider.region in serverless.yaml, AWS_REGION or the "
		    "profile's region");
		goto fail;
	}
	if (!aws_region_valid(c->region)) {
		cz_errf(err, "\"%s\" is not an AWS region (e.g. us-east-1)",
		    c->region);
		goto fail;
	}
	if (s_resolve(c, err) == -1)
		goto fail;
	*out = c;
	return 0;
fail:
	aws_client_free(c);
	return -1;
}

void
aws_client_free(struct aws_client *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->npool; i++)
		curl_easy_cleanup(c->pool[i]);
	free(c->pool);
	aws_creds_release(&c->creds);
	free(c->region);
	free(c->profile);
	free(c->config_profile);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const char *
aws_client_region(const struct aws_client *c)
{
	return c->region;
}

const char *
aws_client_creds_source(const struct aws_client *c)
{
	return c->creds.source;
}

const char *
aws_client_access_key(const struct aws_client *c)
{
	return c->creds.access_key;
}

int
aws_client_custom_endpoint(const struct aws_client *c, const char *service)
{
	(void)c;
	return aws_endpoint_overridden(service);
}
