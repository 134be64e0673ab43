/*
 * aws/multi: signed requests against a scripted HTTP server on 127.0.0.1
 * (tests/lib/t_httpd.h).  Each request's body names a script, one token per
 * attempt ("429,503,200"), so every case is one table line: the attempts
 * the engine made, the server saw, its verdict and its last error.  Also:
 * many requests in flight each finish exactly once, max_in_flight holds
 * as the server counts it, backoff stays within full jitter's bounds and
 * honours Retry-After, a callback may add requests, and freeing abandons
 * what is unfinished without calling back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/multi.h"
#include "base/clock.h"
#include "base/err.h"
#include "t.h"
#include "t_httpd.h"

#define MAXKEYS		1024
#define MAXATT		16

/* ---- the server's side: scripts by key ---- */

struct script {
	const char	*tokens[MAXKEYS];	/* by key number */
	int		 attempts[MAXKEYS];
	long long	 at[MAXKEYS][MAXATT];	/* mono ms of each attempt */
	int		 bad_sig;		/* requests not signed */
	int		 close_all;		/* no keep-alive */
};

static struct script	S;

/* The attempt-th token (from 1) of a script; the last one repeats. */
static void
tok_at(const char *s, int attempt, char *out, size_t sz)
{
	const char	*p = s, *c;
	int		 i;

	for (i = 1; i < attempt && (c = strchr(p, ',')) != NULL; i++)
		p = c + 1;
	snprintf(out, sz, "%.*s", (int)strcspn(p, ","), p);
}

/* The key number after "k" in a body, or -1. */
static int
key_num(const char *p)
{
	char	*e;
	long	 v = strtol(p, &e, 10);

	return e == p || v < 0 || v > 1000000 ? -1 : (int)v;
}

static void
serve(void *arg, const char *method, const char *path, const char *head,
    const char *body, size_t len, struct t_httpd_ans *a)
{
	char	tok[16];
	int	k, n;

	(void)arg;
	(void)path;
	if (strcmp(method, "POST") != 0 ||
	    strstr(head, "Authorization: AWS4-HMAC-SHA256 Credential=testing/")
	    == NULL)
		S.bad_sig++;
	if (len < 2 || body[0] != 'k' || (k = key_num(body + 1)) < 0 ||
	    k >= MAXKEYS || S.tokens[k] == NULL) {
		a->status = 404;
		snprintf(a->body, sizeof(a->body), "{\"message\":\"no "
		    "script\"}");
		return;
	}
	a->close = S.close_all;
	n = ++S.attempts[k];
	if (n <= MAXATT)
		S.at[k][n - 1] = t_httpd_ms();
	tok_at(S.tokens[k], n, tok, sizeof(tok));
	if (strcmp(tok, "R") == 0)
		a->act = T_HTTPD_RESET;
	else if (strcmp(tok, "C") == 0)
		a->act = T_HTTPD_CLOSE;
	else if (strcmp(tok, "S") == 0)
		a->delay_ms = 3000;	/* past the attempt's timeout */
	else if (strcmp(tok, "s") == 0)
		a->delay_ms = 150;	/* slow, within it */
	else if (strcmp(tok, "d") == 0)
		a->delay_ms = 20;
	else if (strcmp(tok, "A") == 0) {
		a->status = 429;
		snprintf(a->headers, sizeof(a->headers), "Retry-After: 1\r\n"
		    "X-Amzn-ErrorType: TooManyRequestsException\r\n");
		snprintf(a->body, sizeof(a->body),
		    "{\"message\":\"Rate exceeded\"}");
		return;
	} else
		a->status = (int)strtol(tok, NULL, 10);
	if (a->status == 429)
		snprintf(a->headers, sizeof(a->headers),
		    "X-Amzn-ErrorType: TooManyRequestsException\r\n");
	else if (a->status == 503)
		snprintf(a->headers, sizeof(a->headers),
		    "X-Amzn-ErrorType: ServiceException\r\n");
	else if (a->status == 400)
		snprintf(a->headers, sizeof(a->headers),
		    "X-Amzn-ErrorType: InvalidParameterValueException\r\n");
	if (a->status >= 300)
		snprintf(a->body, sizeof(a->body), "{\"message\":\"scripted "
		    "%d on attempt %d\"}", a->status, n);
	else
		snprintf(a->body, sizeof(a->body), "{\"key\":%d,\"attempt\":"
		    "%d}", k, n);
}

/* ---- the client's side ---- */

struct result {
	int		 calls;		/* done callbacks: must be 1 */
	int		 rc, attempts, status;
	struct cz_err	 err;
	char		 body[256];
};

static struct result	R[MAXKEYS];
static char		bodies[MAXKEYS][16];
static int		retry_hooks, call_hooks, bad_backoff;

static void
on_done(void *tag, int rc, const struct aws_resp *resp,
    const struct cz_err *err, int attempts)
{
	struct result	*r = &R[(int)(long)tag];

	r->calls++;
	r->rc = rc;
	r->attempts = attempts;
	r->status = resp->status;
	if (err)
		r->err = *err;
	snprintf(r->body, sizeof(r->body), "%.*s", (int)resp->body.len,
	    resp->body.s);
}

static void
on_call(const struct aws_trace *t, void *arg)
{
	(void)t;
	(void)arg;
	call_hooks++;
}

/* Full jitter: 1..min(20 s, 100 ms * 2^(attempt-1)), or Retry-After. */
static void
on_retry(const struct aws_trace *t, long long ms, void *arg)
{
	long long	cap = 100;
	int		i;

	(void)arg;
	retry_hooks++;
	for (i = 1; i < t->attempts && cap < 20000; i++)
		cap *= 2;
	if (cap > 20000)
		cap = 20000;
	if (ms < 1 || (ms > cap && ms != 1000))
		bad_backoff++;
}

static void
add(struct aws_multi *m, int k)
{
	struct aws_req	req = AWS_REQ_INIT("lambda", "Invoke", "POST");

	snprintf(bodies[k], sizeof(bodies[k]), "k%d", k);
	aws_req_path_raw(&req, "/2015-03-31/functions/f/invocations");
	aws_req_header(&req, "Content-Type", "application/json");
	req.body = bodies[k];
	req.bodylen = strlen(bodies[k]);
	aws_multi_add(m, &req, on_done, (void *)(long)k);
	aws_req_release(&req);
}

/* Runs until nothing is pending; 0, or -1 past 60 s or on a curl error. */
static int
drain(struct aws_multi *m)
{
	struct cz_err	err;
	long long	end = cz_mono_ms() + 60000;
	int		r;

	while ((r = aws_multi_run(m, 200, &err)) > 0 && cz_mono_ms() < end)
		;
	return r;
}

static void
reset_all(void)
{
	memset(&S, 0, sizeof(S));
	memset(R, 0, sizeof(R));
	retry_hooks = call_hooks = bad_backoff = 0;
}

static int
new_engine(struct aws_client *c, int max_in_flight, int max_attempts,
    long timeout_ms, struct aws_multi **m)
{
	struct aws_multi_opts	o;
	struct cz_err		err;

	memset(&o, 0, sizeof(o));
	o.client = c;
	o.hooks.on_call = on_call;
	o.hooks.on_retry = on_retry;
	o.max_in_flight = max_in_flight;
	o.max_attempts = max_attempts;
	o.timeout_ms = timeout_ms;
	if (aws_multi_new(&o, m, &err) == -1) {
		T_OK(0, "aws_multi_new: %s", err.msg);
		return -1;
	}
	return 0;
}

/* ---- per-request scripts, all in flight together ---- */

static const struct {
	const char	*name, *script;
	int		 rc, attempts, status;
	const char	*code;		/* err.code when rc is -1 */
	const char	*msg;		/* err.msg starts with it */
} cases[] = {
	{ "200 at once", "200", 0, 1, 200, NULL, NULL },
	{ "201 is done", "201", 0, 1, 201, NULL, NULL },
	{ "429 then 200", "429,200", 0, 2, 200, NULL, NULL },
	{ "503 twice then 200", "503,503,200", 0, 3, 200, NULL, NULL },
	{ "500 then 200", "500,200", 0, 2, 200, NULL, NULL },
	{ "reset then 200", "R,200", 0, 2, 200, NULL, NULL },
	{ "closed unanswered then 200", "C,200", 0, 2, 200, NULL, NULL },
	{ "timed out then 200", "S,200", 0, 2, 200, NULL, NULL },
	{ "slow within the timeout", "s", 0, 1, 200, NULL, NULL },
	{ "mixed then 200", "429,R,503,200", 0, 4, 200, NULL, NULL },
	{ "400 not retried", "400,200", -1, 1, 400,
	  "InvalidParameterValueException", "scripted 400 on attempt 1" },
	{ "404 not retried", "404,200", -1, 1, 404, NULL,
	  "scripted 404 on attempt 1" },
	{ "429 exhausted", "429", -1, 4, 429, "TooManyRequestsException",
	  "after 4 attempts: scripted 429 on attempt 4" },
	{ "503 exhausted", "503", -1, 4, 503, "ServiceException",
	  "after 4 attempts: scripted 503 on attempt 4" },
	{ "resets exhausted", "R", -1, 4, 0, "", "after 4 attempts: " },
	{ "last error is the last attempt's", "R,R,R,429", -1, 4, 429,
	  "TooManyRequestsException",
	  "after 4 attempts: scripted 429 on attempt 4" },
};

#define NCASES	(int)(sizeof(cases) / sizeof(cases[0]))

static void
test_scripts(struct aws_client *c, struct t_httpd *srv)
{
	struct aws_multi	*m = NULL;
	int			 i, want_retries = 0, r;

	reset_all();
	t_httpd_reset_counts(srv);
	/*
	 * A fresh connection per attempt: curl itself sends a request again,
	 * once, when a REUSED connection dies before answering (see
	 * test_reused), which would blur the server's count here.
	 */
	S.close_all = 1;
	for (i = 0; i < NCASES; i++)
		S.tokens[i] = cases[i].script;
	if (new_engine(c, 4, 4, 1000, &m) == -1)
		return;
	for (i = 0; i < NCASES; i++)
		add(m, i);
	r = drain(m);
	T_OK(r == 0, "scripts: engine drained (%d left)", r);
	for (i = 0; i < NCASES; i++) {
		T_OK(R[i].calls == 1, "%s: finished once (%d)", cases[i].name,
		    R[i].calls);
		T_OK(R[i].rc == cases[i].rc && R[i].attempts ==
		    cases[i].attempts && S.attempts[i] == cases[i].attempts,
		    "%s: rc %d, %d attempts, server saw %d", cases[i].name,
		    R[i].rc, R[i].attempts, S.attempts[i]);
		T_OK(R[i].status == cases[i].status, "%s: status %d",
		    cases[i].name, R[i].status);
		if (cases[i].rc == 0) {
			char	want[64];

			snprintf(want, sizeof(want), "{\"key\":%d,"
			    "\"attempt\":%d}", i, cases[i].attempts);
			T_STREQ(R[i].body, want, "%s: body", cases[i].name);
		} else {
			if (cases[i].code)
				T_STREQ(R[i].err.code, cases[i].code,
				    "%s: code", cases[i].name);
			T_OK(strncmp(R[i].err.msg, cases[i].msg,
			    strlen(cases[i].msg)) == 0 &&
			    strcmp(R[i].err.op, "Invoke") == 0 &&
			    strcmp(R[i].err.service, "lambda") == 0,
			    "%s: error \"%s: %s\" (%s %s)", cases[i].name,
			    R[i].err.code, R[i].err.msg, R[i].err.service,
			    R[i].err.op);
		}
		want_retries += cases[i].attempts - 1;
	}
	T_OK(aws_multi_retries(m) == want_retries && retry_hooks ==
	    want_retries, "scripts: %lld retries counted, %d retry hooks, "
	    "want %d", aws_multi_retries(m), retry_hooks, want_retries);
	T_OK(call_hooks == NCASES, "scripts: one trace per request (%d)",
	    call_hooks);
	T_OK(bad_backoff == 0, "scripts: every backoff within full jitter "
	    "(%d outside)", bad_backoff);
	T_OK(S.bad_sig == 0, "scripts: every request signed (%d not)",
	    S.bad_sig);
	T_OK(srv->max_busy <= 4, "scripts: at most 4 in flight on the "
	    "server (%d)", srv->max_busy);
	aws_multi_free(m);
}

/* ---- Retry-After ---- */

static void
test_retry_after(struct aws_client *c)
{
	struct aws_multi	*m = NULL;
	long long		 gap;

	reset_all();
	S.tokens[0] = "A,200";
	if (new_engine(c, 4, 4, 2000, &m) == -1)
		return;
	add(m, 0);
	drain(m);
	gap = S.at[0][1] - S.at[0][0];
	T_OK(R[0].rc == 0 && R[0].attempts == 2 && gap >= 950 && gap < 3000,
	    "Retry-After 1: second attempt %lld ms after the first", gap);
	aws_multi_free(m);
}

/* ---- many in flight, each once, limit held ---- */

static void
test_many(struct aws_client *c, struct t_httpd *srv)
{
	static const char *const mix[] = { "d", "d", "429,d", "d", "R,d",
		"d", "503,d", "d" };
	struct aws_multi	*m = NULL;
	long long		 t0, ms;
	int			 i, once = 0, ok = 0, att = 0, n = 600, r;
	int			 sent = 0, bad = 0;

	reset_all();
	t_httpd_reset_counts(srv);
	for (i = 0; i < n; i++)
		S.tokens[i] = mix[i % 8];
	if (new_engine(c, 8, 6, 5000, &m) == -1)
		return;
	t0 = cz_mono_ms();
	for (i = 0; i < n; i++)
		add(m, i);
	T_OK(aws_multi_pending(m) == n, "many: %d pending after adding",
	    aws_multi_pending(m));
	r = drain(m);
	ms = cz_mono_ms() - t0;
	for (i = 0; i < n; i++) {
		once += R[i].calls == 1;
		ok += R[i].rc == 0 && R[i].status == 200;
		att += R[i].attempts;
		sent += S.attempts[i];
		/* curl resends at most once per attempt, on a reused
		 * connection that died */
		bad += S.attempts[i] < R[i].attempts ||
		    S.attempts[i] > 2 * R[i].attempts;
	}
	T_OK(r == 0 && once == n && ok == n, "many: %d of %d finished once, "
	    "%d done (%lld ms)", once, n, ok, ms);
	T_OK(aws_multi_retries(m) == att - n && att >= n + 2 * n / 8 &&
	    retry_hooks == att - n, "many: %lld retries counted, %d hooks, "
	    "for %d attempts", aws_multi_retries(m), retry_hooks, att);
	T_OK(bad == 0 && sent >= n + 3 * n / 8, "many: server saw %d sends "
	    "for %d attempts (%d requests outside [attempts, 2 attempts])",
	    sent, att, bad);
	T_OK(srv->max_busy <= 8 && srv->max_busy >= 6,
	    "many: %d in flight at most on the server, limit 8",
	    srv->max_busy);
	/* 600 answers of 20 ms each: one at a time would take 12 s. */
	T_OK(ms < 10000, "many: concurrent (%lld ms for %d x 20 ms)", ms, n);
	T_OK(aws_multi_in_flight(m) == 0 && aws_multi_pending(m) == 0,
	    "many: nothing left");
	aws_multi_free(m);
}

/*
 * ---- curl's own resend ----
 * On a reused keep-alive connection that dies before any answer byte,
 * curl sends the request once more by itself, inside one of the engine's
 * attempts: the engine counts 1 attempt where the server saw 2.  So
 * max_attempts bounds the engine's attempts, not what reaches the service
 * (at most twice that).  Pinned here so a change in curl shows up.
 */
static void
test_reused(struct aws_client *c)
{
	static const struct {
		const char	*name, *first, *second;
		int		 rc, attempts, sent;
	} rcases[] = {
		{ "reused then reset, then 200", "200", "R,200", 0, 1, 2 },
		{ "reused then closed, then 200", "200", "C,200", 0, 1, 2 },
		{ "reused then 429, then 200", "200", "429,200", 0, 2, 2 },
		{ "reused, reset for good", "200", "R", -1, 4, 5 },
	};
	struct aws_multi	*m = NULL;
	size_t			 i;

	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		reset_all();
		S.tokens[0] = rcases[i].first;
		S.tokens[1] = rcases[i].second;
		if (new_engine(c, 1, 4, 2000, &m) == -1)
			return;
		add(m, 0);
		drain(m);
		add(m, 1);
		drain(m);
		T_OK(R[1].calls == 1 && R[1].rc == rcases[i].rc &&
		    R[1].attempts == rcases[i].attempts &&
		    S.attempts[1] == rcases[i].sent,
		    "%s: rc %d, engine %d attempts, server saw %d",
		    rcases[i].name, R[1].rc, R[1].attempts, S.attempts[1]);
		aws_multi_free(m);
	}
}

/* ---- a callback that adds the next request ---- */

static struct aws_multi	*chain_m;
static int		 chain_done;

static void
on_chain(void *tag, int rc, const struct aws_resp *resp,
    const struct cz_err *err, int attempts)
{
	int	k = (int)(long)tag;
	struct aws_req	req = AWS_REQ_INIT("lambda", "Invoke", "POST");

	on_done(tag, rc, resp, err, attempts);
	chain_done++;
	if (k + 1 >= 5)
		return;
	snprintf(bodies[k + 1], sizeof(bodies[k + 1]), "k%d", k + 1);
	aws_req_path_raw(&req, "/2015-03-31/functions/f/invocations");
	req.body = bodies[k + 1];
	req.bodylen = strlen(bodies[k + 1]);
	aws_multi_add(chain_m, &req, on_chain, (void *)(long)(k + 1));
	aws_req_release(&req);
}

static void
test_chain(struct aws_client *c)
{
	struct aws_req	req = AWS_REQ_INIT("lambda", "Invoke", "POST");
	int		i;

	reset_all();
	chain_done = 0;
	for (i = 0; i < 5; i++)
		S.tokens[i] = i == 2 ? "429,200" : "200";
	if (new_engine(c, 2, 4, 2000, &chain_m) == -1)
		return;
	snprintf(bodies[0], sizeof(bodies[0]), "k0");
	aws_req_path_raw(&req, "/2015-03-31/functions/f/invocations");
	req.body = bodies[0];
	req.bodylen = 2;
	aws_multi_add(chain_m, &req, on_chain, (void *)0L);
	aws_req_release(&req);
	drain(chain_m);
	T_OK(chain_done == 5 && R[4].calls == 1 && R[4].rc == 0 &&
	    aws_multi_retries(chain_m) == 1,
	    "chain: callbacks added 4 more, %d done, %lld retried",
	    chain_done, aws_multi_retries(chain_m));
	aws_multi_free(chain_m);
	chain_m = NULL;
}

/* ---- freeing abandons without calling back ---- */

static void
test_abandon(struct aws_client *c)
{
	struct aws_multi	*m = NULL;
	struct cz_err		 err;
	int			 i, calls = 0, r;

	reset_all();
	for (i = 0; i < 6; i++)
		S.tokens[i] = i < 3 ? "S" : "429";
	if (new_engine(c, 3, 10, 5000, &m) == -1)
		return;
	for (i = 0; i < 6; i++)
		add(m, i);
	r = aws_multi_run(m, 300, &err);
	T_OK(r == 6 && aws_multi_in_flight(m) == 3, "abandon: %d pending, "
	    "%d in flight after 300 ms", r, aws_multi_in_flight(m));
	aws_multi_free(m);
	for (i = 0; i < 6; i++)
		calls += R[i].calls;
	T_OK(calls == 0, "abandon: no callback after free (%d)", calls);
}

int
main(void)
{
	struct t_httpd		 srv;
	struct aws_client_opts	 co;
	struct aws_client	*c = NULL;
	struct cz_err		 err;
	char			 url[64];

	if (!T_OK(t_httpd_start(&srv, serve, NULL) == 0, "server started"))
		return t_done();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", srv.port);
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_ACCESS_KEY_ID", "testing", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_MAX_ATTEMPTS");
	unsetenv("CZAPPA_HTTP_TIMEOUT");
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("ALL_PROXY");
	memset(&co, 0, sizeof(co));
	if (!T_OK(aws_client_new(&co, &c, &err) == 0, "client: %s", err.msg))
		goto out;
	test_scripts(c, &srv);
	test_retry_after(c);
	test_many(c, &srv);
	test_reused(c);
	test_chain(c);
	test_abandon(c);
out:
	aws_client_free(c);
	t_httpd_stop(&srv);
	return t_done();
}
