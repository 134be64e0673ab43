/*
 * pool: bootstrap processes, the invocation queue and the supervisor; see
 * pool.h.  One mutex guards everything and one condition variable wakes
 * everyone (callers waiting for answers, GET /next waiting for work, start
 * waiting for readiness): a local pool has a handful of processes, so
 * simplicity beats a finer scheme.  Log records are queued under the mutex
 * and handed to the hook outside it, in order, so a hook may call back in.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/clock.h"
#include "base/file.h"
#include "base/strv.h"
#include "base/xmalloc.h"
#include "local/child.h"
#include "local/event.h"
#include "local/pool.h"
#include "local/server.h"

#define TICK_MS		20	/* supervisor's poll: crash and timeout lag */
#define LOG_TAIL	(64 * 1024)
#define LINE_MAX_BYTES	(16 * 1024)
#define BACKOFF_MS	100	/* first restart delay after a fast death */
#define BACKOFF_MAX_MS	3200

extern char **environ;

enum inv_state { INV_QUEUED, INV_RUNNING, INV_DONE };

struct inv {
	char			 id[40];
	struct cz_buf		 payload;
	enum inv_state		 state;
	long long		 queued_mono;
	long long		 deadline_mono;
	struct local_result	 res;
	struct inv		*next;		/* queue link */
};

struct slot {
	struct local_pool	*pool;
	int			 index;
	struct local_server	*server;
	struct local_child	 child;		/* pid -1 while down */
	unsigned		 gen;		/* bumped at every death */
	long long		 started_mono;
	int			 ready;		/* asked for /next this gen */
	/* we killed it (timeout, init) */
	int			 killed;
	long long		 init_failed_mono; /* posted /init/error */
	char			 init_error[256];
	struct inv		*cur;		/* the invocation it holds */
	int			 fast_deaths;	/* in a row, before answers */
	long long		 restart_mono;	/* when down: when to start */
	struct cz_buf		 line;		/* partial output line */
};

struct logmsg {
	struct local_log	 l;
	char			 reqid[40];
	char			*text;
};

struct local_pool {
	struct local_opts	 o;
	char			*bootstrap;	/* absolute */
	char			*task_root;
	char			*arn;
	pthread_mutex_t		 mu;
	pthread_mutex_t		 flushmu;
	pthread_cond_t		 cv;
	pthread_t		 sup;
	int			 sup_started;
	int			 wake[2];
	struct slot		*slots;
	int			 nslots;
	struct inv		*qhead, *qtail;
	int			 qlen;
	/* threads inside local_invoke */
	int			 users;
	int			 cancelled;
	int			 stopping;
	int			 failed;
	char			 cause[400];
	struct logmsg		*logq;
	size_t			 nlogq, caplogq;
};

static const struct local_server_ops s_ops;

void
local_result_init(struct local_result *r)
{
	memset(r, 0, sizeof(*r));
	cz_buf_init(&r->payload, 0);
	cz_buf_init(&r->logs, 0);
}

void
local_result_release(struct local_result *r)
{
	cz_buf_release(&r->payload);
	cz_buf_release(&r->logs);
	local_result_init(r);
}

/* Queues a log record; the caller holds mu and calls s_flush after. */
static void __attribute__((format(printf, 5, 6)))
s_logq(struct local_pool *p, enum local_log_kind kind, int worker,
    const char *reqid, const char *fmt, ...)
{
	struct logmsg	*m;
	va_list		 ap;
	struct cz_buf	 b = CZ_BUF_INIT;

	if (p->o.hooks.on_log == NULL)
		return;
	if (p->nlogq == p->caplogq) {
		p->caplogq = p->caplogq ? p->caplogq * 2 : 16;
		p->logq = cz_xrealloc(p->logq, p->caplogq * sizeof(*p->logq));
	}
	m = &p->logq[p->nlogq++];
	memset(m, 0, sizeof(*m));
	m->l.kind = kind;
	m->l.worker = worker;
	if (reqid != NULL) {
		snprintf(m->reqid, sizeof(m->reqid), "%s", reqid);
		m->l.request_id = m->reqid;
	}
	va_start(ap, fmt);
	cz_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	m->text = cz_buf_detach(&b);
}

/* Hands queued records to the hook; never call it holding mu. */
static void
s_flush(struct local_pool *p)
{
	struct logmsg	*q;
	size_t		 n, i;

	if (p->o.hooks.on_log == NULL)
		return;
	pthread_mutex_lock(&p->flushmu);
	pthread_mutex_lock(&p->mu);
	q = p->logq;
	n = p->nlogq;
	p->logq = NULL;
	p->nlogq = p->caplogq = 0;
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < n; i++) {
		q[i].l.text = q[i].text;
		p->o.hooks.on_log(p->o.hooks.arg, &q[i].l);
		free(q[i].text);
	}
	pthread_mutex_unlock(&p->flushmu);
	free(q);
}

void
local_pool_emit(struct local_pool *p, const struct local_log *l)
{
	if (p->o.hooks.on_log == NULL)
		return;
	s_flush(p);
	pthread_mutex_lock(&p->flushmu);
	p->o.hooks.on_log(p->o.hooks.arg, l);
	pthread_mutex_unlock(&p->flushmu);
}

const struct local_opts *
local_pool_opts(const struct local_pool *p)
{
	return &p->o;
}

static void
s_wake(struct local_pool *p)
{
	ssize_t	r;

	r = write(p->wake[1], "x", 1);
	(void)r;
}

/* Appends to a result's log tail, keeping the last LOG_TAIL bytes. */
static void
s_tail(struct cz_buf *b, const char *s, size_t n)
{
	cz_buf_add(b, s, n);
	cz_buf_addch(b, '\n');
	if (b->len > LOG_TAIL) {
		size_t	cut = b->len - LOG_TAIL;

		memmove(b->s, b->s + cut, b->len - cut);
		cz_buf_truncate(b, b->len - cut);
	}
}

/* Finishes an invocation (mu held) and wakes its caller. */
static void
s_finish(struct local_pool *p, struct inv *v, enum local_outcome oc,
    const char *type, const void *body, size_t len)
{
	v->state = INV_DONE;
	v->res.outcome = oc;
	snprintf(v->res.error_type, sizeof(v->res.error_type), "%s",
	    type ? type : "");
	cz_buf_reset(&v->res.payload);
	cz_buf_add(&v->res.payload, body, len);
	v->res.ms = cz_mono_ms() - v->queued_mono;
	pthread_cond_broadcast(&p->cv);
}

/* Finishes with an error JSON as the Invoke API shows it. */
static void
s_finish_err(struct local_pool *p, struct inv *v, enum local_outcome oc,
    const char *type, const char *msg)
{
	json_t	*o;
	char	*js;

	o = json_object();
	json_object_set_new(o, "errorMessage", json_string(msg));
	json_object_set_new(o, "errorType", json_string(type));
	js = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	s_finish(p, v, oc, type, js, js ? strlen(js) : 0);
	free(js);
}

/* Lambda's environment, then the config's, over ours (see docs). */
static void
s_env_set(struct cz_strv *env, const char *k, const char *v)
{
	size_t	i, kl = strlen(k);

	for (i = 0; i < env->n; i++)
		if (strncmp(env->v[i], k, kl) == 0 && env->v[i][kl] == '=') {
			free(env->v[i]);
			env->v[i] = cz_xasprintf("%s=%s", k, v);
			return;
		}
	cz_strv_pushf(env, "%s=%s", k, v);
}

static void
s_build_env(struct local_pool *p, struct slot *s, struct cz_strv *env)
{
	char		 api[64], mem[16], stream[128], uuid[37], day[16];
	const char	*const *e;
	char		*kv, *eq;
	time_t		 t = time(NULL);
	struct tm	 tm;
	size_t		 i, o;

	for (i = 0; environ[i] != NULL; i++)
		cz_strv_push(env, environ[i]);
	/* Lambda's time zone, unless the config names one. */
	s_env_set(env, "TZ", ":UTC");
	for (e = p->o.env; e != NULL && *e != NULL; e++) {
		kv = cz_xstrdup(*e);
		if ((eq = strchr(kv, '=')) != NULL) {
			*eq = '\0';
			s_env_set(env, kv, eq + 1);
		}
		free(kv);
	}
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y/%m/%d", &tm);
	local_uuid(uuid);
	for (i = o = 0; uuid[i] != '\0'; i++)
		if (uuid[i] != '-')
			uuid[o++] = uuid[i];
	uuid[o] = '\0';
	snprintf(api, sizeof(api), "127.0.0.1:%u",
	    local_server_port(s->server));
	snprintf(mem, sizeof(mem), "%d", p->o.memory);
	snprintf(stream, sizeof(stream), "%s/[$LATEST]%s", day, uuid);
	s_env_set(env, "AWS_LAMBDA_RUNTIME_API", api);
	s_env_set(env, "_HANDLER", "bootstrap");
	s_env_set(env, "LAMBDA_TASK_ROOT", p->task_root);
	s_env_set(env, "AWS_LAMBDA_FUNCTION_NAME", p->o.function_name);
	s_env_set(env, "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
	s_env_set(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", mem);
	s_env_set(env, "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
	s_env_set(env, "AWS_REGION", p->o.region);
	s_env_set(env, "AWS_DEFAULT_REGION", p->o.region);
	kv = cz_xasprintf("/aws/lambda/%s", p->o.function_name);
	s_env_set(env, "AWS_LAMBDA_LOG_GROUP_NAME", kv);
	free(kv);
	s_env_set(env, "AWS_LAMBDA_LOG_STREAM_NAME", stream);
}

/* Starts slot s's process (mu held). */
static int
s_spawn(struct local_pool *p, struct slot *s, struct cz_err *err)
{
	struct cz_strv	env = CZ_STRV_INIT;
	int		rc;

	s_build_env(p, s, &env);
	rc = local_child_spawn(p->bootstrap, env.v, p->task_root, &s->child,
	    err);
	cz_strv_release(&env);
	if (rc == -1)
		return -1;
	s->started_mono = cz_mono_ms();
	s->ready = 0;
	s->killed = 0;
	s->init_failed_mono = 0;
	s->init_error[0] = '\0';
	s->restart_mono = 0;
	cz_buf_reset(&s->line);
	s_logq(p, LOCAL_LOG_INFO, s->index, NULL, "bootstrap started (pid %d)",
	    (int)s->child.pid);
	s_wake(p);
	return 0;
}

/* One complete output line of slot s (mu held). */
static void
s_line(struct local_pool *p, struct slot *s, const char *l, size_t n)
{
	s_logq(p, LOCAL_LOG_OUTPUT, s->index, s->cur ? s->cur->id : NULL,
	    "%.*s", (int)n, l);
	if (s->cur != NULL)
		s_tail(&s->cur->res.logs, l, n);
}

/* Reads what slot s wrote so far, without blocking (mu held). */
static void
s_read_output(struct local_pool *p, struct slot *s, int final)
{
	char	 chunk[8192], *nl;
	ssize_t	 r;
	int	 rounds;

	for (rounds = 0; s->child.out != -1 && rounds < 64; rounds++) {
		r = read(s->child.out, chunk, sizeof(chunk));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0 || errno != EAGAIN)
				local_child_close(&s->child);
			break;
		}
		cz_buf_add(&s->line, chunk, (size_t)r);
		while ((nl = memchr(s->line.s, '\n', s->line.len)) != NULL) {
			s_line(p, s, s->line.s, (size_t)(nl - s->line.s));
			memmove(s->line.s, nl + 1,
			    s->line.len - (size_t)(nl - s->line.s) - 1);
			cz_buf_truncate(&s->line, s->line.len -
			    (size_t)(nl - s->line.s) - 1);
		}
		if (s->line.len >= LINE_MAX_BYTES) {
			s_line(p, s, s->line.s, s->line.len);
			cz_buf_reset(&s->line);
		}
	}
	if (final && s->line.len > 0) {
		s_line(p, s, s->line.s, s->line.len);
		cz_buf_reset(&s->line);
	}
}

static void
s_describe(int st, char *out, size_t outsz)
{
	if (WIFSIGNALED(st))
		snprintf(out, outsz, "signal %d", WTERMSIG(st));
	else
		snprintf(out, outsz, "status %d", WEXITSTATUS(st));
}

/* Fails every queued invocation's wait: the pool gave up (mu held). */
static void
s_give_up(struct local_pool *p, struct slot *s, const char *why)
{
	snprintf(p->cause, sizeof(p->cause), "bootstrap %s %d times in a "
	    "row before answering any request; gave up", why,
	    s->fast_deaths);
	p->failed = 1;
	s_logq(p, LOCAL_LOG_ERROR, s->index, NULL, "%s", p->cause);
	pthread_cond_broadcast(&p->cv);
}

/* Slot s's process is gone (already reaped, status st; mu held). */
static void
s_died(struct local_pool *p, struct slot *s, int st)
{
	char		 how[32], msg[400], why[300];
	struct inv	*v = s->cur;
	long long	 delay;
	int		 k;

	s_describe(st, how, sizeof(how));
	s->child.pid = -1;
	s->gen++;
	s->cur = NULL;
	pthread_cond_broadcast(&p->cv);
	if (v != NULL && v->state == INV_RUNNING) {
		snprintf(msg, sizeof(msg), "bootstrap exited with %s during "
		    "request %s", how, v->id);
		s_logq(p, LOCAL_LOG_ERROR, s->index, v->id, "%s", msg);
		s_tail(&v->res.logs, msg, strlen(msg));
		snprintf(msg, sizeof(msg), "RequestId: %s Error: Runtime "
		    "exited with %s", v->id, how);
		s_finish_err(p, v, LOCAL_CRASHED, "Runtime.ExitError", msg);
		s->restart_mono = cz_mono_ms();
		return;
	}
	if (s->killed && s->ready) {
		/* A timeout we enforced: already reported. */
		s->restart_mono = cz_mono_ms();
		return;
	}
	if (s->init_error[0] != '\0')
		snprintf(why, sizeof(why), "reported an init error (%s)",
		    s->init_error);
	else if (s->killed)
		snprintf(why, sizeof(why), "did not ask for work within "
		    "%d ms", p->o.init_timeout_ms);
	else
		snprintf(why, sizeof(why), "exited with %s %s", how,
		    s->ready ? "while idle" : "during init");
	if (s->ready && s->fast_deaths == 0 &&
	    cz_mono_ms() - s->started_mono > 1000) {
		/* It had been up and ready for a while: just start again. */
		s_logq(p, LOCAL_LOG_ERROR, s->index, NULL, "bootstrap %s", why);
		s->restart_mono = cz_mono_ms();
		return;
	}
	s->fast_deaths++;
	s_logq(p, LOCAL_LOG_ERROR, s->index, NULL, "bootstrap %s", why);
	if (s->fast_deaths >= p->o.max_fast_deaths) {
		s_give_up(p, s, s->init_error[0] ? "failed to initialize" :
		    s->killed ? "hung during init" : "died");
		snprintf(p->cause + strlen(p->cause),
		    sizeof(p->cause) - strlen(p->cause), ": last %s", why);
		s->restart_mono = LLONG_MAX;
		return;
	}
	delay = BACKOFF_MS;
	for (k = 1; k < s->fast_deaths && delay < BACKOFF_MAX_MS; k++)
		delay *= 2;
	s->restart_mono = cz_mono_ms() + delay;
}

/* One supervisor round (mu held). */
static void
s_supervise(struct local_pool *p)
{
	struct slot	*s;
	struct cz_err	 err;
	siginfo_t	 si;
	long long	 now;
	char		 msg[300];
	int		 i, st;

	for (i = 0; i < p->nslots; i++) {
		s = &p->slots[i];
		if (s->child.pid > 0) {
			s_read_output(p, s, 0);
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, (id_t)s->child.pid, &si, WEXITED |
			    WNOHANG | WNOWAIT) == 0 && si.si_pid ==
			    s->child.pid) {
				/* Leader gone: kill what it left in its group
				 * before reaping frees the pid. */
				local_child_kill(&s->child);
				while (waitpid(s->child.pid, &st, 0) == -1 &&
				    errno == EINTR)
					;
				s_read_output(p, s, 1);
				local_child_close(&s->child);
				s_died(p, s, st);
			}
		}
		now = cz_mono_ms();
		if (s->child.pid > 0 && s->cur != NULL &&
		    s->cur->state == INV_RUNNING &&
		    now >= s->cur->deadline_mono) {
			snprintf(msg, sizeof(msg), "RequestId: %s Error: Task "
			    "timed out after %.2f seconds", s->cur->id,
			    p->o.timeout_ms / 1000.0);
			s_logq(p, LOCAL_LOG_ERROR, s->index, s->cur->id,
			    "request %s timed out after %d ms; killing the "
			    "bootstrap", s->cur->id, p->o.timeout_ms);
			s_finish_err(p, s->cur, LOCAL_TIMED_OUT,
			    "Sandbox.Timedout", msg);
			s->cur = NULL;
			s->killed = 1;
			local_child_kill(&s->child);
		}
		if (s->child.pid > 0 && !s->ready && !s->killed &&
		    now - s->started_mono > p->o.init_timeout_ms) {
			s->killed = 1;
			local_child_kill(&s->child);
		}
		/* Lambda ends a sandbox that reported an init error; give
		 * the runtime a moment to exit on its own first. */
		if (s->child.pid > 0 && s->init_failed_mono != 0 &&
		    now - s->init_failed_mono > 1000)
			local_child_kill(&s->child);
		if (s->child.pid <= 0 && !p->stopping && !p->failed &&
		    now >= s->restart_mono) {
			if (s_spawn(p, s, &err) == -1) {
				s->fast_deaths = p->o.max_fast_deaths;
				snprintf(s->init_error, sizeof(s->init_error),
				    "%.250s", err.msg);
				s_give_up(p, s, "could not be started");
				snprintf(p->cause, sizeof(p->cause), "%.390s",
				    err.msg);
				s->restart_mono = LLONG_MAX;
			}
		}
	}
}

static void *
s_supervisor(void *arg)
{
	struct local_pool	*p = arg;
	struct pollfd		*pfd;
	char			 drain[64];
	int			 i, n;

	pfd = cz_xcalloc((size_t)p->nslots + 1, sizeof(*pfd));
	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->stopping) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		n = 0;
		pfd[n].fd = p->wake[0];
		pfd[n++].events = POLLIN;
		for (i = 0; i < p->nslots; i++)
			if (p->slots[i].child.out != -1) {
				pfd[n].fd = p->slots[i].child.out;
				pfd[n++].events = POLLIN;
			}
		pthread_mutex_unlock(&p->mu);
		if (poll(pfd, (nfds_t)n, TICK_MS) > 0 && pfd[0].revents)
			while (read(p->wake[0], drain, sizeof(drain)) > 0)
				;
		pthread_mutex_lock(&p->mu);
		if (!p->stopping)
			s_supervise(p);
		pthread_mutex_unlock(&p->mu);
		s_flush(p);
	}
	free(pfd);
	return NULL;
}

/* Runtime API: GET /next for slot arg. */
static int
s_op_next(void *arg, struct local_next *nx)
{
	struct slot		*s = arg;
	struct local_pool	*p = s->pool;
	struct inv		*v;
	siginfo_t		 si;
	unsigned		 gen;
	char			 a[37], b[37];
	size_t			 i, o;

	pthread_mutex_lock(&p->mu);
	gen = s->gen;
	if (!s->ready && s->child.pid > 0) {
		s->ready = 1;
		s_logq(p, LOCAL_LOG_INFO, s->index, NULL, "bootstrap ready "
		    "after %lld ms", cz_mono_ms() - s->started_mono);
		pthread_cond_broadcast(&p->cv);
	}
	for (;;) {
		if (p->stopping || s->gen != gen || s->child.pid <= 0)
			goto drop;
		if (s->cur == NULL && p->qhead != NULL) {
			/* A dead process's last GET must not take work. */
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, (id_t)s->child.pid, &si, WEXITED |
			    WNOHANG | WNOWAIT) == 0 && si.si_pid != 0)
				goto drop;
			break;
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
	/* Output so far belongs to earlier work, not to this event. */
	s_read_output(p, s, 0);
	v = p->qhead;
	p->qhead = v->next;
	if (p->qhead == NULL)
		p->qtail = NULL;
	p->qlen--;
	v->next = NULL;
	v->state = INV_RUNNING;
	v->deadline_mono = cz_mono_ms() + p->o.timeout_ms;
	s->cur = v;
	snprintf(nx->request_id, sizeof(nx->request_id), "%s", v->id);
	nx->deadline_ms = cz_wall_ms() + p->o.timeout_ms;
	snprintf(nx->arn, sizeof(nx->arn), "%s", p->arn);
	local_uuid(a);
	local_uuid(b);
	for (i = o = 0; a[i] != '\0'; i++)
		if (a[i] != '-')
			a[o++] = a[i];
	a[o] = '\0';
	for (i = o = 0; b[i] != '\0'; i++)
		if (b[i] != '-')
			b[o++] = b[i];
	b[16] = '\0';
	snprintf(nx->trace_id, sizeof(nx->trace_id),
	    "Root=1-%08llx-%.24s;Parent=%s;Sampled=0",
	    (unsigned long long)(cz_wall_ms() / 1000), a, b);
	cz_buf_add(&nx->payload, v->payload.s, v->payload.len);
	pthread_mutex_unlock(&p->mu);
	s_flush(p);
	return 0;
drop:
	pthread_mutex_unlock(&p->mu);
	s_flush(p);
	return -1;
}

/* The slot's invocation with this id, still unanswered (mu held). */
static struct inv *
s_current(struct slot *s, const char *id)
{
	if (s->cur == NULL || strcmp(s->cur->id, id) != 0 ||
	    s->cur->state != INV_RUNNING)
		return NULL;
	return s->cur;
}

static int
s_op_response(void *arg, const char *id, const void *body, size_t len,
    int too_large)
{
	struct slot		*s = arg;
	struct local_pool	*p = s->pool;
	struct inv		*v;
	int			 status = 202;

	pthread_mutex_lock(&p->mu);
	/* What it printed before answering belongs to this invocation. */
	s_read_output(p, s, 0);
	if ((v = s_current(s, id)) == NULL)
		status = 400;
	else if (too_large) {
		s_finish_err(p, v, LOCAL_FUNCTION_ERROR,
		    "Function.ResponseSizeTooLarge", "Response payload size "
		    "exceeded maximum allowed payload size (6291556 bytes).");
		status = 413;
	} else
		s_finish(p, v, LOCAL_OK, NULL, body, len);
	if (v != NULL) {
		s->cur = NULL;
		s->fast_deaths = 0;
	}
	pthread_mutex_unlock(&p->mu);
	s_flush(p);
	return status;
}

static int
s_op_error(void *arg, const char *id, const char *type, const void *body,
    size_t len)
{
	struct slot		*s = arg;
	struct local_pool	*p = s->pool;
	struct inv		*v;
	json_t			*j, *t;
	json_error_t		 jerr;
	char			 tbuf[128], *msg;
	int			 status = 202;

	pthread_mutex_lock(&p->mu);
	s_read_output(p, s, 0);
	if ((v = s_current(s, id)) == NULL) {
		pthread_mutex_unlock(&p->mu);
		return 400;
	}
	j = json_loadb(body, len, 0, &jerr);
	if (type == NULL || *type == '\0') {
		t = json_is_object(j) ? json_object_get(j, "errorType") : NULL;
		type = json_is_string(t) ? json_string_value(t) : "Unhandled";
	}
	snprintf(tbuf, sizeof(tbuf), "%s", type);
	if (json_is_object(j))
		s_finish(p, v, LOCAL_FUNCTION_ERROR, tbuf, body, len);
	else {
		msg = cz_xstrndup(body, len);
		s_finish_err(p, v, LOCAL_FUNCTION_ERROR, tbuf, msg);
		free(msg);
	}
	json_decref(j);
	s->cur = NULL;
	s->fast_deaths = 0;
	pthread_mutex_unlock(&p->mu);
	s_flush(p);
	return status;
}

static int
s_op_init_error(void *arg, const char *type, const void *body, size_t len)
{
	struct slot		*s = arg;
	struct local_pool	*p = s->pool;
	json_t			*j, *m;
	json_error_t		 jerr;

	j = json_loadb(body, len, 0, &jerr);
	m = json_is_object(j) ? json_object_get(j, "errorMessage") : NULL;
	pthread_mutex_lock(&p->mu);
	if (type == NULL || *type == '\0') {
		json_t	*t = json_is_object(j) ?
		    json_object_get(j, "errorType") : NULL;

		type = json_is_string(t) ? json_string_value(t) : "Unknown";
	}
	snprintf(s->init_error, sizeof(s->init_error), "%s: %.*s", type,
	    json_is_string(m) ? (int)json_string_length(m) : (int)len,
	    json_is_string(m) ? json_string_value(m) : (const char *)body);
	s->init_failed_mono = cz_mono_ms();
	s_logq(p, LOCAL_LOG_ERROR, s->index, NULL, "init error: %s",
	    s->init_error);
	pthread_mutex_unlock(&p->mu);
	json_decref(j);
	s_flush(p);
	return 202;
}

static const struct local_server_ops s_ops = {
	.next = s_op_next,
	.response = s_op_response,
	.error = s_op_error,
	.init_error = s_op_init_error,
};

int
local_invoke(struct local_pool *p, const void *payload, size_t len,
    struct local_result *res, struct cz_err *err)
{
	struct inv	*v, **pp;
	int		 rc = -1;

	local_result_release(res);
	pthread_mutex_lock(&p->mu);
	if (p->cancelled || p->stopping) {
		cz_errf(err, "local pool stopped");
		goto out;
	}
	if (p->failed) {
		cz_errf(err, "%s", p->cause);
		goto out;
	}
	if (p->qlen >= p->o.queue_max) {
		res->outcome = LOCAL_BUSY;
		snprintf(res->error_type, sizeof(res->error_type),
		    "TooManyRequestsException");
		cz_buf_addf(&res->payload, "{\"errorMessage\":\"%d invocations "
		    "already waiting\",\"errorType\":"
		    "\"TooManyRequestsException\"}", p->qlen);
		rc = 0;
		goto out;
	}
	v = cz_xcalloc(1, sizeof(*v));
	local_uuid(v->id);
	cz_buf_init(&v->payload, 0);
	cz_buf_add(&v->payload, payload, len);
	local_result_init(&v->res);
	snprintf(v->res.request_id, sizeof(v->res.request_id), "%s", v->id);
	v->state = INV_QUEUED;
	v->queued_mono = cz_mono_ms();
	if (p->qtail != NULL)
		p->qtail->next = v;
	else
		p->qhead = v;
	p->qtail = v;
	p->qlen++;
	p->users++;
	pthread_cond_broadcast(&p->cv);
	while (v->state != INV_DONE && !(v->state == INV_QUEUED &&
	    (p->failed || p->cancelled)))
		pthread_cond_wait(&p->cv, &p->mu);
	if (v->state == INV_DONE) {
		*res = v->res;
		rc = 0;
	} else {
		for (pp = &p->qhead; *pp != NULL; pp = &(*pp)->next)
			if (*pp == v) {
				*pp = v->next;
				break;
			}
		p->qtail = NULL;
		for (pp = &p->qhead; *pp != NULL; pp = &(*pp)->next)
			p->qtail = *pp;
		p->qlen--;
		cz_errf(err, "%s", p->cancelled ? "local pool stopped" :
		    p->cause);
		local_result_release(&v->res);
	}
	cz_buf_release(&v->payload);
	free(v);
	p->users--;
	pthread_cond_broadcast(&p->cv);
out:
	pthread_mutex_unlock(&p->mu);
	s_flush(p);
	return rc;
}

int
local_fire_schedule(struct local_pool *p, const char *name,
    const char *input_json, struct local_result *res, struct cz_err *err)
{
	struct cz_buf	b = CZ_BUF_INIT;
	int		rc;

	if (local_schedule_input(name, input_json, &b, err) == -1)
		return -1;
	rc = local_invoke(p, b.s, b.len, res, err);
	cz_buf_release(&b);
	return rc;
}

int
local_keep_warm(struct local_pool *p, struct local_result *res,
    struct cz_err *err)
{
	struct cz_buf	b = CZ_BUF_INIT;
	int		rc;

	local_keep_warm_input(&b);
	rc = local_invoke(p, b.s, b.len, res, err);
	cz_buf_release(&b);
	return rc;
}

static void
s_opts_defaults(struct local_opts *o)
{
	if (o->function_name == NULL)
		o->function_name = "czappa-local";
	if (o->region == NULL)
		o->region = "us-east-1";
	if (o->account_id == NULL)
		o->account_id = "123456789012";
	if (o->memory <= 0)
		o->memory = 128;
	if (o->timeout_ms <= 0)
		o->timeout_ms = 3000;
	if (o->init_timeout_ms <= 0)
		o->init_timeout_ms = 10000;
	if (o->workers <= 0)
		o->workers = 2;
	if (o->queue_max <= 0)
		o->queue_max = 64;
	if (o->max_fast_deaths <= 0)
		o->max_fast_deaths = 5;
}

int
local_pool_start(const struct local_opts *opts, struct local_pool **poolp,
    struct cz_err *err)
{
	struct local_pool	*p;
	pthread_condattr_t	 ca;
	char			*abs = NULL;
	int			 i, ready, rc = -1;

	*poolp = NULL;
	if (opts->bootstrap == NULL)
		return cz_errf(err, "no bootstrap to run");
	if ((abs = realpath(opts->bootstrap, NULL)) == NULL)
		return cz_errf(err, "%s: %s", opts->bootstrap,
		    strerror(errno));
	if (access(abs, X_OK) == -1) {
		cz_errf(err, "%s: %s", opts->bootstrap, strerror(errno));
		free(abs);
		return -1;
	}
	p = cz_xcalloc(1, sizeof(*p));
	p->o = *opts;
	s_opts_defaults(&p->o);
	p->bootstrap = abs;
	if (opts->task_root != NULL) {
		if ((p->task_root = realpath(opts->task_root, NULL)) == NULL) {
			cz_errf(err, "%s: %s", opts->task_root,
			    strerror(errno));
			free(abs);
			free(p);
			return -1;
		}
	} else
		p->task_root = cz_dirname(abs);
	p->arn = cz_xasprintf("arn:aws:lambda:%s:%s:function:%s",
	    p->o.region, p->o.account_id, p->o.function_name);
	pthread_mutex_init(&p->mu, NULL);
	pthread_mutex_init(&p->flushmu, NULL);
	pthread_condattr_init(&ca);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	p->wake[0] = p->wake[1] = -1;
	if (pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		cz_errf(err, "pipe: %s", strerror(errno));
		goto out;
	}
	p->nslots = p->o.workers;
	p->slots = cz_xcalloc((size_t)p->nslots, sizeof(*p->slots));
	for (i = 0; i < p->nslots; i++) {
		p->slots[i].pool = p;
		p->slots[i].index = i;
		p->slots[i].child.pid = -1;
		p->slots[i].child.out = -1;
		cz_buf_init(&p->slots[i].line, 0);
	}
	for (i = 0; i < p->nslots; i++)
		if (local_server_start(&s_ops, &p->slots[i],
		    &p->slots[i].server, err) == -1)
			goto out;
	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->nslots; i++)
		if (s_spawn(p, &p->slots[i], err) == -1) {
			pthread_mutex_unlock(&p->mu);
			goto out;
		}
	pthread_mutex_unlock(&p->mu);
	if (pthread_create(&p->sup, NULL, s_supervisor, p) != 0) {
		cz_errf(err, "cannot start the supervisor thread");
		goto out;
	}
	p->sup_started = 1;
	/* Bounded: init timeouts and the fast-death limit end it. */
	pthread_mutex_lock(&p->mu);
	for (;;) {
		for (i = ready = 0; i < p->nslots; i++)
			ready |= p->slots[i].ready;
		if (ready || p->failed)
			break;
		pthread_cond_wait(&p->cv, &p->mu);
	}
	if (!ready)
		cz_errf(err, "%s", p->cause);
	pthread_mutex_unlock(&p->mu);
	s_flush(p);
	if (!ready)
		goto out;
	*poolp = p;
	rc = 0;
out:
	if (rc == -1)
		local_pool_stop(p);
	return rc;
}

void
local_pool_cancel(struct local_pool *p)
{
	int	i;

	pthread_mutex_lock(&p->mu);
	p->cancelled = 1;
	for (i = 0; i < p->nslots; i++)
		if (p->slots[i].cur != NULL &&
		    p->slots[i].cur->state == INV_RUNNING) {
			s_finish_err(p, p->slots[i].cur, LOCAL_CRASHED,
			    "Runtime.Cancelled", "local pool stopped");
			p->slots[i].cur = NULL;
		}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void
local_pool_stop(struct local_pool *p)
{
	struct slot	*s;
	int		 i, st;

	if (p == NULL)
		return;
	local_pool_cancel(p);
	pthread_mutex_lock(&p->mu);
	while (p->users > 0)
		pthread_cond_wait(&p->cv, &p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (p->sup_started) {
		s_wake(p);
		pthread_join(p->sup, NULL);
	}
	for (i = 0; p->slots != NULL && i < p->nslots; i++) {
		s = &p->slots[i];
		if (s->child.pid > 0) {
			local_child_kill(&s->child);
			while (waitpid(s->child.pid, &st, 0) == -1 &&
			    errno == EINTR)
				;
			s->child.pid = -1;
		}
		local_child_close(&s->child);
	}
	/* Every GET /next sees `stopping` and returns, so this joins. */
	for (i = 0; p->slots != NULL && i < p->nslots; i++)
		local_server_stop(p->slots[i].server);
	s_flush(p);
	for (i = 0; p->slots != NULL && i < p->nslots; i++)
		cz_buf_release(&p->slots[i].line);
	free(p->slots);
	if (p->wake[0] != -1)
		close(p->wake[0]);
	if (p->wake[1] != -1)
		close(p->wake[1]);
	pthread_mutex_destroy(&p->mu);
	pthread_mutex_destroy(&p->flushmu);
	pthread_cond_destroy(&p->cv);
	free(p->logq);
	free(p->bootstrap);
	free(p->task_root);
	free(p->arn);
	free(p);
}
