/*
 * aws/multi: see multi.h.  Jobs live on two lists: `wait` (new ones, due at
 * once, and retries due at a time) and `run` (on the wire).  Each call of
 * aws_multi_run starts what is due while there is room, lets curl work,
 * and sorts every finished transfer into done, failed or retry.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "aws/multi.h"
#include "aws/sign_req.h"
#include "base/clock.h"
#include "base/xmalloc.h"

#define BACKOFF_BASE_MS	100
#define BACKOFF_CAP_MS	20000

struct s_job {
	struct aws_req		 req;
	struct aws_resp		 resp;
	struct aws_signed_req	 st;
	struct aws_endpoint	 ep;
	struct cz_buf		 path;
	CURL			*h;
	int			 attempt;
	long long		 due_ms;	/* mono ms; 0: now */
	long long		 t0;
	aws_multi_done_fn	 done;
	void			*tag;
	struct s_job		*next;
	struct s_job		*rnext;
};

struct aws_multi {
	struct aws_multi_opts	 o;
	char			*region;
	struct aws_creds	 creds;
	CURLM			*cm;
	CURL			**idle;		/* easy handles to reuse */
	size_t			 nidle, capidle;
	struct s_job		*wait, *wait_tail;
	struct s_job		*run;		/* on the wire, via ->rnext */
	int			 nwait, nrun;
	long long		 retries;
	unsigned int		 rng;
};

static char *
s_dup(const char *s)
{
	return s ? cz_xstrdup(s) : NULL;
}

int
aws_multi_new(const struct aws_multi_opts *o, struct aws_multi **mp,
    struct cz_err *err)
{
	struct aws_multi	*m;
	const char		*v;

	*mp = NULL;
	m = cz_xcalloc(1, sizeof(*m));
	m->o = *o;
	m->region = s_dup(aws_client_region(o->client));
	if (m->o.timeout_ms <= 0 && (v = getenv("CZAPPA_HTTP_TIMEOUT")) &&
	    strtol(v, NULL, 10) > 0)
		m->o.timeout_ms = strtol(v, NULL, 10) * 1000;
	if (m->o.timeout_ms <= 0)
		m->o.timeout_ms = 60000;
	if (m->o.max_attempts <= 0 && (v = getenv("AWS_MAX_ATTEMPTS")) &&
	    strtol(v, NULL, 10) > 0)
		m->o.max_attempts = (int)strtol(v, NULL, 10);
	if (m->o.max_attempts <= 0)
		m->o.max_attempts = 10;
	if (m->o.max_in_flight <= 0)
		m->o.max_in_flight = 16;
	m->rng = (unsigned int)(cz_wall_ms() ^ (long long)getpid() << 16);
	if (aws_client_creds_copy(o->client, &m->creds, err) == -1)
		goto fail;
	if ((m->cm = curl_multi_init()) == NULL) {
		cz_errf(err, "curl_multi_init failed");
		goto fail;
	}
	curl_multi_setopt(m->cm, CURLMOPT_MAXCONNECTS,
	    (long)m->o.max_in_flight);
	*mp = m;
	return 0;
fail:
	aws_multi_free(m);
	return -1;
}

static void
s_job_free(struct aws_multi *m, struct s_job *j)
{
	if (j->h) {
		aws_signed_req_release(j->h, &j->st);
		if (m->nidle == m->capidle) {
			m->capidle = m->capidle ? m->capidle * 2 : 16;
			m->idle = cz_xrealloc(m->idle,
			    m->capidle * sizeof(*m->idle));
		}
		m->idle[m->nidle++] = j->h;
	}
	aws_req_release(&j->req);
	aws_resp_release(&j->resp);
	aws_endpoint_release(&j->ep);
	cz_buf_release(&j->path);
	free(j);
}

void
aws_multi_free(struct aws_multi *m)
{
	struct s_job	*j;
	size_t		 k;

	if (m == NULL)
		return;
	while ((j = m->wait) != NULL) {
		m->wait = j->next;
		s_job_free(m, j);
	}
	while ((j = m->run) != NULL) {
		m->run = j->rnext;
		curl_multi_remove_handle(m->cm, j->h);
		s_job_free(m, j);
	}
	if (m->cm)
		curl_multi_cleanup(m->cm);
	for (k = 0; k < m->nidle; k++)
		curl_easy_cleanup(m->idle[k]);
	free(m->idle);
	aws_creds_release(&m->creds);
	free(m->region);
	free(m);
}

/* Keeps `wait` sorted by due time (stable: equal times keep order). */
static void
s_wait_put(struct aws_multi *m, struct s_job *j)
{
	struct s_job	**pp;

	j->next = NULL;
	m->nwait++;
	if (m->wait == NULL || j->due_ms >= m->wait_tail->due_ms) {
		if (m->wait_tail)
			m->wait_tail->next = j;
		else
			m->wait = j;
		m->wait_tail = j;
		return;
	}
	for (pp = &m->wait; *pp && (*pp)->due_ms <= j->due_ms;
	    pp = &(*pp)->next)
		;
	j->next = *pp;
	*pp = j;
}

void
aws_multi_add(struct aws_multi *m, struct aws_req *req,
    aws_multi_done_fn done, void *tag)
{
	struct s_job	*j = cz_xcalloc(1, sizeof(*j));
	struct aws_req	 fresh = AWS_REQ_INIT(req->service, req->op,
	    req->method);

	j->req = *req;
	*req = fresh;
	j->resp = (struct aws_resp)AWS_RESP_INIT;
	j->st = (struct aws_signed_req)AWS_SIGNED_REQ_INIT;
	j->path = (struct cz_buf)CZ_BUF_INIT;
	j->done = done;
	j->tag = tag;
	j->t0 = cz_mono_ms();
	s_wait_put(m, j);
}

int
aws_multi_pending(const struct aws_multi *m)
{
	return m->nwait + m->nrun;
}

int
aws_multi_in_flight(const struct aws_multi *m)
{
	return m->nrun;
}

long long
aws_multi_retries(const struct aws_multi *m)
{
	return m->retries;
}

static void
s_trace(struct aws_multi *m, struct s_job *j, const char *code)
{
	struct aws_trace	t;

	if (m->o.hooks.on_call == NULL)
		return;
	memset(&t, 0, sizeof(t));
	t.service = j->req.service;
	t.op = j->req.op;
	t.method = j->req.method;
	t.status = j->resp.status;
	t.attempts = j->attempt;
	t.ms = cz_mono_ms() - j->t0;
	t.code = code ? code : "";
	t.bytes_out = (long long)j->req.bodylen;
	t.bytes_in = (long long)j->resp.body.len;
	m->o.hooks.on_call(&t, m->o.hooks.arg);
}

static void
s_finish(struct aws_multi *m, struct s_job *j, int rc, struct cz_err *err)
{
	s_trace(m, j, rc == 0 ? NULL : err->code[0] ? err->code :
	    "no answer");
	j->done(j->tag, rc, &j->resp, err, j->attempt);
	s_job_free(m, j);
}

/* Temporary credentials are renewed five minutes before they expire. */
static int
s_refresh(struct aws_multi *m, struct cz_err *err)
{
	struct aws_creds	nc;

	if (m->creds.expires_ms == 0 ||
	    m->creds.expires_ms - 300000 > cz_wall_ms())
		return 0;
	memset(&nc, 0, sizeof(nc));
	if (aws_client_creds_copy(m->o.client, &nc, err) == -1)
		return -1;
	aws_creds_release(&m->creds);
	m->creds = nc;
	return 0;
}

/* Puts a due job on the wire; on a local failure it finishes it. */
static void
s_start(struct aws_multi *m, struct s_job *j)
{
	struct cz_err	err;

	cz_err_clear(&err);
	if (j->attempt == 0) {
		if (aws_endpoint_resolve(j->req.service, m->region,
		    j->req.bucket, &j->ep, &err) == -1) {
			s_finish(m, j, -1, &err);
			return;
		}
		aws_sign_req_path(&j->ep, &j->req, &j->path);
	}
	j->attempt++;
	if (j->h == NULL)
		j->h = m->nidle ? m->idle[--m->nidle] : curl_easy_init();
	if (j->h == NULL) {
		fputs("czappa: curl_easy_init failed\n", stderr);
		abort();
	}
	if (s_refresh(m, &err) == -1 ||
	    aws_sign_req_setup(j->h, &m->creds, &j->ep, j->path.s, &j->req,
	    &j->resp, m->o.timeout_ms, &j->st, &err) == -1) {
		s_finish(m, j, -1, &err);
		return;
	}
	curl_multi_add_handle(m->cm, j->h);
	j->rnext = m->run;
	m->run = j;
	m->nrun++;
}

/* Full jitter: uniform in [1, min(cap, base * 2^(attempt-1))]. */
static long long
s_backoff(struct aws_multi *m, int attempt, const struct aws_resp *resp)
{
	long long	ceil = BACKOFF_BASE_MS, w;
	const char	*ra;
	int		i;

	for (i = 1; i < attempt && ceil < BACKOFF_CAP_MS; i++)
		ceil *= 2;
	if (ceil > BACKOFF_CAP_MS)
		ceil = BACKOFF_CAP_MS;
	m->rng = m->rng * 1103515245u + 12345u;
	w = (long long)((m->rng >> 8) % (unsigned int)ceil) + 1;
	if (resp && (ra = aws_resp_header(resp, "retry-after")) != NULL &&
	    strtol(ra, NULL, 10) * 1000 > w)
		w = strtol(ra, NULL, 10) * 1000 > BACKOFF_CAP_MS ?
		    BACKOFF_CAP_MS : strtol(ra, NULL, 10) * 1000;
	return w;
}

/* One finished transfer: done, failed, or back to wait for a retry. */
static void
s_collect(struct aws_multi *m, struct s_job *j, CURLcode cc)
{
	struct cz_err		 err;
	struct aws_trace	 t;
	long			 st = 0;
	long long		 w;
	struct s_job		**pp;
	int			 retry;

	for (pp = &m->run; *pp && *pp != j; pp = &(*pp)->rnext)
		;
	if (*pp)
		*pp = j->rnext;
	curl_multi_remove_handle(m->cm, j->h);
	m->nrun--;
	cz_err_clear(&err);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &st);
		j->resp.status = (int)st;
		if (st >= 200 && st < 400) {
			aws_signed_req_release(j->h, &j->st);
			s_finish(m, j, 0, &err);
			return;
		}
		aws_error_from_resp(j->req.service, j->req.op, &j->resp, &err);
		retry = aws_retryable(j->resp.status, err.code);
	} else {
		snprintf(err.service, sizeof(err.service), "%s",
		    j->req.service);
		snprintf(err.op, sizeof(err.op), "%s", j->req.op);
		snprintf(err.msg, sizeof(err.msg), "%s: %s", j->ep.host,
		    j->st.cerr[0] ? j->st.cerr : curl_easy_strerror(cc));
		retry = aws_sign_req_curl_retryable(cc);
	}
	aws_signed_req_release(j->h, &j->st);
	if (!retry || j->req.no_retry || j->attempt >= m->o.max_attempts) {
		if (retry && j->attempt > 1)
			cz_err_prefix(&err, "after %d attempts", j->attempt);
		s_finish(m, j, -1, &err);
		return;
	}
	w = s_backoff(m, j->attempt, cc == CURLE_OK ? &j->resp : NULL);
	m->retries++;
	if (m->o.hooks.on_retry) {
		memset(&t, 0, sizeof(t));
		t.service = j->req.service;
		t.op = j->req.op;
		t.method = j->req.method;
		t.status = j->resp.status;
		t.attempts = j->attempt;
		t.code = err.code[0] ? err.code : curl_easy_strerror(cc);
		m->o.hooks.on_retry(&t, w, m->o.hooks.arg);
	}
	j->due_ms = cz_mono_ms() + w;
	s_wait_put(m, j);
}

int
aws_multi_run(struct aws_multi *m, long wait_ms, struct cz_err *err)
{
	long long	 end = cz_mono_ms() + (wait_ms > 0 ? wait_ms : 0), now;
	struct s_job	*j;
	struct CURLMsg	*msg;
	CURLMcode	 mc;
	int		 running, left, finished = 0, w;

	for (;;) {
		now = cz_mono_ms();
		while (m->wait && m->wait->due_ms <= now &&
		    m->nrun < m->o.max_in_flight) {
			j = m->wait;
			if ((m->wait = j->next) == NULL)
				m->wait_tail = NULL;
			m->nwait--;
			s_start(m, j);
		}
		if ((mc = curl_multi_perform(m->cm, &running)) != CURLM_OK)
			return cz_errf(err, "curl: %s",
			    curl_multi_strerror(mc));
		while ((msg = curl_multi_info_read(m->cm, &left)) != NULL) {
			struct aws_signed_req	*st = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    &st);
			j = (struct s_job *)((char *)st -
			    offsetof(struct s_job, st));
			s_collect(m, j, msg->data.result);
			finished++;
		}
		now = cz_mono_ms();
		if (finished || now >= end || aws_multi_pending(m) == 0)
			break;
		w = (int)(end - now);
		if (m->wait && m->nrun < m->o.max_in_flight) {
			long long	due = m->wait->due_ms - now;

			if (due < w)
				w = due < 0 ? 0 : (int)due;
		}
		if ((mc = curl_multi_poll(m->cm, NULL, 0, w, NULL)) !=
		    CURLM_OK)
			return cz_errf(err, "curl: %s",
			    curl_multi_strerror(mc));
	}
	return aws_multi_pending(m);
}
