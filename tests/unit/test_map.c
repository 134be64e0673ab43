/*
 * stage/map: the engine-independent core through its local engine (a fake
 * invoke that answers from the input line, after a delay the line asks
 * for, so completions come back in any order), and the Lambda engine
 * through aws/multi against a scripted loopback server (t_httpd.h) for
 * function errors, throttling past every retry and the retry count.
 * Checks input parsing (blank lines, invalid JSON, huge lines), ordered
 * and unordered output, --keep-going against stopping at the first
 * failure, and the cz_function envelope.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/client.h"
#include "aws/multi.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/xmalloc.h"
#include "stage/map.h"
#include "t.h"
#include "t_httpd.h"

/* ---- the caller's side: input lines in, output lines collected ---- */

struct run {
	const char	*in;		/* lines separated by '\n' */
	const char	*p;
	struct cz_buf	 out;		/* output lines, '\n' after each */
	int		 fail_read_at;	/* line number whose read fails; 0 */
	int		 lines_read;
	size_t		 results, failed_flags, progress;
	size_t		 last_index;
	int		 index_back;	/* ordered: an index went back */
	int		 ordered;
	char		*huge;		/* replaces a line "HUGE" */
};

static int
next_input(void *arg, struct cz_buf *line, struct cz_err *err)
{
	struct run	*r = arg;
	size_t		 n;

	if (*r->p == '\0')
		return 1;
	if (++r->lines_read == r->fail_read_at)
		return cz_errf(err, "input: scripted read error");
	n = strcspn(r->p, "\n");
	if (r->huge && n == 4 && strncmp(r->p, "HUGE", 4) == 0)
		cz_buf_adds(line, r->huge);
	else
		cz_buf_add(line, r->p, n);
	r->p += n + (r->p[n] == '\n');
	return 0;
}

static void
on_result(void *arg, size_t index, int failed, const char *line, size_t len)
{
	struct run	*r = arg;

	if (r->ordered && r->results > 0 && index != r->last_index + 1)
		r->index_back++;
	r->last_index = index;
	r->results++;
	r->failed_flags += (size_t)failed;
	cz_buf_add(&r->out, line, len);
	cz_buf_addch(&r->out, '\n');
}

static void
on_progress(void *arg, const struct stage_map_stats *st)
{
	(void)st;
	((struct run *)arg)->progress++;
}

/* Lines sorted, for unordered output. */
static char *
sorted(const char *s)
{
	char		*copy = cz_xstrdup(s), *line, *save = NULL;
	char		*v[256];
	size_t		 n = 0, i, j;
	struct cz_buf	 b = CZ_BUF_INIT;

	for (line = strtok_r(copy, "\n", &save); line && n < 256;
	    line = strtok_r(NULL, "\n", &save))
		v[n++] = line;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char	*t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		cz_buf_addf(&b, "%s\n", v[i]);
	free(copy);
	return cz_buf_detach(&b);
}

/* ---- the local engine: a fake invoke ---- */

struct fake {
	pthread_mutex_t	 lock;
	int		 busy, max_busy, calls;
	struct cz_buf	 payloads;	/* each payload seen, '\n' after */
};

static struct fake	F = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0,
			      CZ_BUF_INIT };

/*
 * The payload (or, wrapped, its "input") says what to do:
 * {"x": N}                   answer {"y": 2N}
 * {"x": N, "ms": M}          the same after M ms
 * {"x": N, "fail": "T"}      function error T: "x was N"
 * {"x": N, "fatal": true}    the engine fails (-1)
 * {"echo": true}             answer the payload as received
 * {"raw": "text"}            answer text that is not JSON
 * {"bin": true}              answer bytes that are neither JSON nor UTF-8
 * {"big": "..."}             answer {"len": length of big}
 */
static int
fake_invoke(void *arg, const void *payload, size_t len,
    struct stage_map_answer *ans, struct cz_err *err)
{
	json_t		*j, *in;
	const char	*fail;
	long long	 x, ms;
	int		 rc = 0;

	(void)arg;
	pthread_mutex_lock(&F.lock);
	F.calls++;
	if (++F.busy > F.max_busy)
		F.max_busy = F.busy;
	if (len < 4096) {
		cz_buf_add(&F.payloads, payload, len);
		cz_buf_addch(&F.payloads, '\n');
	}
	pthread_mutex_unlock(&F.lock);
	j = json_loadb(payload, len, JSON_DECODE_ANY, NULL);
	in = json_object_get(j, "czappa") ? json_object_get(j, "input") : j;
	x = json_integer_value(json_object_get(in, "x"));
	if ((ms = json_integer_value(json_object_get(in, "ms"))) > 0)
		usleep((useconds_t)ms * 1000);
	if ((fail = json_string_value(json_object_get(in, "fail")))) {
		ans->ok = 0;
		snprintf(ans->error_type, sizeof(ans->error_type), "%s", fail);
		snprintf(ans->error_msg, sizeof(ans->error_msg), "x was %lld",
		    x);
	} else if (json_is_true(json_object_get(in, "fatal")))
		rc = cz_errf(err, "bootstrap %lld crashed", x);
	else if (json_is_true(json_object_get(in, "echo"))) {
		ans->ok = 1;
		cz_buf_add(&ans->payload, payload, len);
	} else if (json_object_get(in, "raw")) {
		ans->ok = 1;
		cz_buf_adds(&ans->payload,
		    json_string_value(json_object_get(in, "raw")));
	} else if (json_is_true(json_object_get(in, "bin"))) {
		ans->ok = 1;
		cz_buf_add(&ans->payload, "\xff\xfe\x01", 3);
	} else if (json_object_get(in, "big")) {
		ans->ok = 1;
		cz_buf_addf(&ans->payload, "{\"len\":%zu}",
		    json_string_length(json_object_get(in, "big")));
	} else {
		ans->ok = 1;
		cz_buf_addf(&ans->payload, "{\"y\":%lld}", 2 * x);
	}
	json_decref(j);
	pthread_mutex_lock(&F.lock);
	F.busy--;
	pthread_mutex_unlock(&F.lock);
	return rc;
}

static const struct stage_map_local	local = { fake_invoke, NULL };

#define ERR(i, t, m) "{\"index\":" #i ",\"error\":{\"type\":\"" t "\"," \
	"\"message\":\"" m "\"}}\n"

static const struct {
	const char	*name, *in;
	int		 jobs, unordered, keep_going;
	const char	*fn;		/* cz_function, or NULL */
	int		 rc;
	const char	*want;		/* sorted first when unordered */
	size_t		 read, done, failed;
	const char	*err;		/* rc -1: err.msg */
} cases[] = {
	{ "three in order", "{\"x\":1}\n{\"x\":2}\n{\"x\":3}\n", 4, 0, 0, NULL,
	  0, "{\"y\":2}\n{\"y\":4}\n{\"y\":6}\n", 3, 3, 0, NULL },
	{ "no trailing newline", "{\"x\":1}\n{\"x\":2}", 4, 0, 0, NULL,
	  0, "{\"y\":2}\n{\"y\":4}\n", 2, 2, 0, NULL },
	{ "empty input", "", 4, 0, 0, NULL, 0, "", 0, 0, 0, NULL },
	{ "blank lines skipped, not counted",
	  "\n  \n{\"x\":1}\n\t\r\n\n{\"x\":2}\n \n", 4, 0, 0, NULL, 0,
	  "{\"y\":2}\n{\"y\":4}\n", 2, 2, 0, NULL },
	{ "reverse completions keep input order",
	  "{\"x\":1,\"ms\":120}\n{\"x\":2,\"ms\":80}\n{\"x\":3,\"ms\":40}\n"
	  "{\"x\":4}\n", 4, 0, 0, NULL, 0,
	  "{\"y\":2}\n{\"y\":4}\n{\"y\":6}\n{\"y\":8}\n", 4, 4, 0, NULL },
	{ "unordered wraps with index",
	  "{\"x\":1,\"ms\":60}\n\n{\"x\":2}\n{\"x\":3,\"ms\":30}\n", 4, 1, 0,
	  NULL, 0, "{\"index\":0,\"result\":{\"y\":2}}\n"
	  "{\"index\":1,\"result\":{\"y\":4}}\n"
	  "{\"index\":2,\"result\":{\"y\":6}}\n", 3, 3, 0, NULL },
	{ "invalid JSON line", "{\"x\":1}\n{x:2}\n{\"x\":3}\n", 1, 0, 1, NULL,
	  1, "{\"y\":2}\n" ERR(1, "InvalidInput", "input line is not JSON")
	  "{\"y\":6}\n", 3, 3, 1, NULL },
	{ "truncated JSON line", "{\"x\":1\n", 1, 0, 1, NULL, 1,
	  ERR(0, "InvalidInput", "input line is not JSON"), 1, 1, 1, NULL },
	{ "two values on a line", "{\"x\":1} {\"x\":2}\n", 1, 0, 1, NULL, 1,
	  ERR(0, "InvalidInput", "input line is not JSON"), 1, 1, 1, NULL },
	{ "scalars are JSON", "7\n\"s\"\nnull\n", 2, 0, 0, NULL, 0,
	  "{\"y\":0}\n{\"y\":0}\n{\"y\":0}\n", 3, 3, 0, NULL },
	{ "function error keep-going",
	  "{\"x\":1}\n{\"x\":2,\"fail\":\"ValueError\"}\n{\"x\":3}\n", 2, 0, 1,
	  NULL, 1, "{\"y\":2}\n" ERR(1, "ValueError", "x was 2")
	  "{\"y\":6}\n", 3, 3, 1, NULL },
	{ "first failure stops reading",
	  "{\"x\":1}\n{\"x\":2,\"fail\":\"ValueError\"}\n"
	  "{\"x\":3}\n{\"x\":4}\n",
	  1, 0, 0, NULL, 1, "{\"y\":2}\n" ERR(1, "ValueError", "x was 2"),
	  2, 2, 1, NULL },
	{ "invalid line stops reading", "{x}\n{\"x\":2}\n", 1, 0, 0, NULL, 1,
	  ERR(0, "InvalidInput", "input line is not JSON"), 1, 1, 1, NULL },
	{ "stop drains what is in flight",
	  "{\"x\":1,\"fail\":\"E\"}\n{\"x\":2,\"ms\":80}\n{\"x\":3,\"ms\":80}\n"
	  "{\"x\":4}\n{\"x\":5}\n", 3, 0, 0, NULL, 1, ERR(0, "E", "x was 1")
	  "{\"y\":4}\n{\"y\":6}\n", 3, 3, 1, NULL },
	{ "unordered failure keeps its index",
	  "{\"x\":1}\n{\"x\":2,\"fail\":\"E\"}\n", 2, 1, 1, NULL, 1,
	  "{\"index\":0,\"result\":{\"y\":2}}\n" ERR(1, "E", "x was 2"),
	  2, 2, 1, NULL },
	{ "envelope for a cz_function", "{\"echo\":true}\n[1, 2]\n", 1, 0, 0,
	  "price", 0, "{\"czappa\":\"function\",\"name\":\"price\","
	  "\"input\":{\"echo\":true}}\n{\"y\":0}\n", 2, 2, 0, NULL },
	{ "envelope name escaped", "{\"echo\":true}\n", 1, 0, 0, "we\"ird",
	  0, "{\"czappa\":\"function\",\"name\":\"we\\\"ird\","
	  "\"input\":{\"echo\":true}}\n", 1, 1, 0, NULL },
	{ "answer that is not JSON becomes a string",
	  "{\"raw\":\"plain text\"}\n", 1, 0, 0, NULL, 0, "\"plain text\"\n",
	  1, 1, 0, NULL },
	{ "answer neither JSON nor UTF-8", "{\"bin\":true}\n", 1, 0, 0, NULL,
	  0, "\"(answer is neither JSON nor UTF-8)\"\n", 1, 1, 0, NULL },
	{ "huge line", "{\"x\":1}\nHUGE\n{\"x\":3}\n", 2, 0, 0, NULL, 0,
	  "{\"y\":2}\n{\"len\":3000000}\n{\"y\":6}\n", 3, 3, 0, NULL },
	{ "engine failure", "{\"x\":1}\n{\"x\":2,\"fatal\":true}\n{\"x\":3}\n",
	  1, 0, 1, NULL, -1, "{\"y\":2}\n" ERR(1, "LocalFailure",
	  "bootstrap 2 crashed"), 2, 2, 1, "bootstrap 2 crashed" },
	{ "input read error", "{\"x\":1}\n{\"x\":2}\n{\"x\":3}\n", 1, 0, 0,
	  NULL, -1, NULL, 2, 2, 0, "input: scripted read error" },
};

static void
test_local(void)
{
	struct stage_map_opts	 o;
	struct stage_map_hooks	 h = { next_input, on_result, on_progress,
				       NULL };
	struct stage_map_stats	 st;
	struct run		 r;
	struct cz_err		 err;
	struct cz_buf		 huge = CZ_BUF_INIT;
	char			*got, *want;
	size_t			 i;
	int			 rc;

	cz_buf_adds(&huge, "{\"big\":\"");
	for (i = 0; i < 3000000; i++)
		cz_buf_addch(&huge, 'a' + (int)(i % 26));
	cz_buf_adds(&huge, "\"}");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.in = r.p = cases[i].in;
		r.out = (struct cz_buf)CZ_BUF_INIT;
		r.ordered = !cases[i].unordered;
		r.huge = huge.s;
		if (cases[i].err && strstr(cases[i].err, "read error"))
			r.fail_read_at = 3;
		memset(&o, 0, sizeof(o));
		o.local = &local;
		o.cz_function = cases[i].fn;
		o.jobs = cases[i].jobs;
		o.unordered = cases[i].unordered;
		o.keep_going = cases[i].keep_going;
		h.arg = &r;
		cz_err_clear(&err);
		rc = stage_map(&o, &h, &st, &err);
		T_OK(rc == cases[i].rc, "%s: rc %d, want %d (%s)",
		    cases[i].name, rc, cases[i].rc, err.msg);
		if (cases[i].want) {
			got = cases[i].unordered ? sorted(r.out.s) :
			    cz_xstrdup(r.out.s);
			want = cases[i].unordered ? sorted(cases[i].want) :
			    cz_xstrdup(cases[i].want);
			T_STREQ(got, want, "%s: output", cases[i].name);
			free(got);
			free(want);
		}
		T_OK(st.read == cases[i].read && st.done == cases[i].done &&
		    st.failed == cases[i].failed && st.in_flight == 0 &&
		    r.results == st.done && r.failed_flags == st.failed,
		    "%s: read %zu done %zu failed %zu in flight %zu, "
		    "%zu results %zu flagged", cases[i].name, st.read, st.done,
		    st.failed, st.in_flight, r.results, r.failed_flags);
		T_OK(r.index_back == 0 && r.progress > 0 && st.retries == 0,
		    "%s: indexes in order (%d back), progress told %zu "
		    "times", cases[i].name, r.index_back, r.progress);
		if (cases[i].rc == -1)
			T_STREQ(err.msg, cases[i].err, "%s: error",
			    cases[i].name);
		cz_buf_release(&r.out);
	}
	cz_buf_release(&huge);
}

/* jobs bounds the invocations at once, and they do overlap. */
static void
test_jobs(void)
{
	static const int	 jobs[] = { 1, 3, 8 };
	struct stage_map_opts	 o;
	struct stage_map_hooks	 h = { next_input, on_result, NULL, NULL };
	struct stage_map_stats	 st;
	struct run		 r;
	struct cz_buf		 in = CZ_BUF_INIT;
	struct cz_err		 err;
	size_t			 i, k;
	int			 rc, ok;
	char			 want[32];
	const char		*p;

	for (k = 0; k < 40; k++)
		cz_buf_addf(&in, "{\"x\":%zu,\"ms\":%zu}\n", k, 5 + k * 7 % 20);
	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.in = r.p = in.s;
		r.out = (struct cz_buf)CZ_BUF_INIT;
		r.ordered = 1;
		memset(&o, 0, sizeof(o));
		o.local = &local;
		o.jobs = jobs[i];
		h.arg = &r;
		pthread_mutex_lock(&F.lock);
		F.max_busy = 0;
		pthread_mutex_unlock(&F.lock);
		rc = stage_map(&o, &h, &st, &err);
		for (ok = 1, k = 0, p = r.out.s; k < 40 && ok; k++) {
			snprintf(want, sizeof(want), "{\"y\":%zu}\n", 2 * k);
			ok = strncmp(p, want, strlen(want)) == 0;
			p += strlen(want);
		}
		T_OK(rc == 0 && ok && *p == '\0', "jobs %d: 40 answers in "
		    "input order", jobs[i]);
		T_OK(F.max_busy == jobs[i], "jobs %d: %d at once", jobs[i],
		    F.max_busy);
		cz_buf_release(&r.out);
	}
	cz_buf_release(&in);
}

static const struct {
	const char	*name, *fn, *in, *want;
} events[] = {
	{ "as is", NULL, "{\"a\": 1}", "{\"a\": 1}" },
	{ "as is, bytes kept", NULL, " [1,\t2] ", " [1,\t2] " },
	{ "wrapped", "f", "{\"a\":1}",
	  "{\"czappa\":\"function\",\"name\":\"f\",\"input\":{\"a\":1}}" },
	{ "wrapped scalar", "sq", "3",
	  "{\"czappa\":\"function\",\"name\":\"sq\",\"input\":3}" },
	{ "name escaped", "a\"b\\c", "{}", "{\"czappa\":\"function\","
	  "\"name\":\"a\\\"b\\\\c\",\"input\":{}}" },
};

static void
test_event(void)
{
	struct cz_buf	b = CZ_BUF_INIT;
	size_t		i;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		cz_buf_reset(&b);
		stage_map_event(events[i].fn, events[i].in,
		    strlen(events[i].in), &b);
		T_STREQ(b.s, events[i].want, "event %s", events[i].name);
	}
	cz_buf_release(&b);
}

/* ---- Lambda through aws/multi ---- */

struct lam {
	int	attempts[64];
	int	bad_path;
};

static struct lam	L;

/*
 * The server reads {"x": N, "s": "429,200"} (wrapped or not): token per
 * attempt, the last repeating; "F" is a function error, "d" a delayed 200.
 */
static void
lambda_serve(void *arg, const char *method, const char *path,
    const char *head, const char *body, size_t len, struct t_httpd_ans *a)
{
	json_t		*j, *in;
	const char	*s, *p, *c;
	char		 tok[8];
	int		 x, n, k;

	(void)arg;
	(void)head;
	a->close = 1;	/* one send per attempt: see test_multi's reused */
	if (strcmp(method, "POST") != 0 || strcmp(path,
	    "/2015-03-31/functions/svc-dev/invocations?Qualifier=live") != 0)
		L.bad_path++;
	j = json_loadb(body, len, JSON_DECODE_ANY, NULL);
	in = json_object_get(j, "czappa") ? json_object_get(j, "input") : j;
	x = (int)json_integer_value(json_object_get(in, "x"));
	s = json_string_value(json_object_get(in, "s"));
	n = x >= 0 && x < 64 ? ++L.attempts[x] : 1;
	p = s ? s : "200";
	for (k = 1; k < n && (c = strchr(p, ',')) != NULL; k++)
		p = c + 1;
	snprintf(tok, sizeof(tok), "%.*s", (int)strcspn(p, ","), p);
	if (strcmp(tok, "F") == 0) {
		snprintf(a->headers, sizeof(a->headers),
		    "X-Amz-Function-Error: Unhandled\r\n");
		snprintf(a->body, sizeof(a->body), "{\"errorType\":\"Boom\","
		    "\"errorMessage\":\"x is %d\"}", x);
	} else if (strcmp(tok, "200") == 0 || strcmp(tok, "d") == 0) {
		a->delay_ms = tok[0] == 'd' ? 100 : 0;
		snprintf(a->body, sizeof(a->body), "{\"y\":%d}", 2 * x);
	} else {
		a->status = (int)strtol(tok, NULL, 10);
		snprintf(a->headers, sizeof(a->headers), "X-Amzn-ErrorType: "
		    "%s\r\n", a->status == 429 ? "TooManyRequestsException" :
		    "ServiceException");
		snprintf(a->body, sizeof(a->body),
		    "{\"message\":\"scripted %d\"}", a->status);
	}
	json_decref(j);
}

static const struct {
	const char	*name, *in;
	int		 unordered, keep_going;
	int		 rc;
	const char	*want;
	size_t		 failed;
	long long	 retries;
} lcases[] = {
	{ "retried answers keep order",
	  "{\"x\":0,\"s\":\"d\"}\n{\"x\":1,\"s\":\"429,200\"}\n"
	  "{\"x\":2,\"s\":\"503,503,200\"}\n{\"x\":3}\n", 0, 0, 0,
	  "{\"y\":0}\n{\"y\":2}\n{\"y\":4}\n{\"y\":6}\n", 0, 3 },
	{ "function error is the function's",
	  "{\"x\":0}\n{\"x\":1,\"s\":\"F\"}\n{\"x\":2}\n", 0, 1, 1,
	  "{\"y\":0}\n" ERR(1, "Boom", "x is 1") "{\"y\":4}\n", 1, 0 },
	{ "throttled for good names the AWS code",
	  "{\"x\":0}\n{\"x\":1,\"s\":\"429\"}\n{\"x\":2,\"s\":\"429,200\"}\n",
	  0, 1, 1, "{\"y\":0}\n" ERR(1, "TooManyRequestsException",
	  "after 3 attempts: scripted 429") "{\"y\":4}\n", 1, 3 },
	{ "unordered on Lambda",
	  "{\"x\":0,\"s\":\"d\"}\n{\"x\":1,\"s\":\"500,200\"}\n{\"x\":2}\n",
	  1, 0, 0, "{\"index\":0,\"result\":{\"y\":0}}\n"
	  "{\"index\":1,\"result\":{\"y\":2}}\n"
	  "{\"index\":2,\"result\":{\"y\":4}}\n", 0, 1 },
};

static void
test_lambda(void)
{
	struct t_httpd		 srv;
	struct aws_client_opts	 co;
	struct aws_client	*c = NULL;
	struct aws_multi_opts	 mo;
	struct aws_multi	*m = NULL;
	struct stage_map_opts	 o;
	struct stage_map_hooks	 h = { next_input, on_result, NULL, NULL };
	struct stage_map_stats	 st;
	struct run		 r;
	struct cz_err		 err;
	char			 url[64], *got, *want;
	size_t			 i;
	int			 rc;

	if (!T_OK(t_httpd_start(&srv, lambda_serve, NULL) == 0,
	    "lambda: server started"))
		return;
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
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	memset(&co, 0, sizeof(co));
	if (!T_OK(aws_client_new(&co, &c, &err) == 0, "lambda: client: %s",
	    err.msg))
		goto out;
	for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++) {
		memset(&L, 0, sizeof(L));
		memset(&mo, 0, sizeof(mo));
		mo.client = c;
		mo.max_attempts = 3;
		mo.timeout_ms = 5000;
		if (!T_OK(aws_multi_new(&mo, &m, &err) == 0, "%s: engine",
		    lcases[i].name))
			break;
		memset(&r, 0, sizeof(r));
		r.in = r.p = lcases[i].in;
		r.out = (struct cz_buf)CZ_BUF_INIT;
		r.ordered = !lcases[i].unordered;
		memset(&o, 0, sizeof(o));
		o.multi = m;
		o.function = "svc-dev";
		o.qualifier = "live";
		o.jobs = 4;
		o.unordered = lcases[i].unordered;
		o.keep_going = lcases[i].keep_going;
		h.arg = &r;
		cz_err_clear(&err);
		rc = stage_map(&o, &h, &st, &err);
		T_OK(rc == lcases[i].rc, "%s: rc %d (%s)", lcases[i].name, rc,
		    err.msg);
		got = lcases[i].unordered ? sorted(r.out.s) :
		    cz_xstrdup(r.out.s);
		want = lcases[i].unordered ? sorted(lcases[i].want) :
		    cz_xstrdup(lcases[i].want);
		T_STREQ(got, want, "%s: output", lcases[i].name);
		free(got);
		free(want);
		T_OK(st.failed == lcases[i].failed && st.retries ==
		    lcases[i].retries && st.in_flight == 0 && L.bad_path == 0,
		    "%s: %zu failed, %lld retries, want %zu and %lld (%d "
		    "bad paths)", lcases[i].name, st.failed, st.retries,
		    lcases[i].failed, lcases[i].retries, L.bad_path);
		cz_buf_release(&r.out);
		aws_multi_free(m);
		m = NULL;
	}
out:
	aws_client_free(c);
	t_httpd_stop(&srv);
}

int
main(void)
{
	test_event();
	test_local();
	test_jobs();
	test_lambda();
	cz_buf_release(&F.payloads);
	return t_done();
}
