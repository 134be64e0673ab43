/*
 * stage/map: see map.h.  The calling thread reads input, keeps the
 * engine fed and writes results; finished invocations reach it through
 * one `done` list (the multi engine's callbacks run on this thread; local
 * workers append under a lock).  Results wait in a ring the size of the
 * read-ahead window, so memory stays bounded whatever the input's length:
 * no line is read more than WINDOW past the oldest unfinished one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "services/lambda_invoke.h"
#include "stage/map.h"

#define WINDOW_MIN	1024
#define PROGRESS_MS	100

struct s_done {
	size_t		 index;
	int		 failed;
	char		*line;		/* owned output line */
	struct s_done	*next;
};

struct s_job {
	struct s_map	*map;
	size_t		 index;
	struct cz_buf	 event;
	struct s_job	*next;
};

struct s_map {
	const struct stage_map_opts	*o;
	const struct stage_map_hooks	*h;
	struct stage_map_stats		*st;
	long long			 t0;
	/* finished, not yet placed: appended by callbacks and workers */
	pthread_mutex_t			 lock;
	pthread_cond_t			 cv_done, cv_work;
	struct s_done			*done, *done_tail;
	/* local: jobs waiting for a worker */
	struct s_job			*work, *work_tail;
	int				 quit;
	int				 local_failed;
	struct cz_err			 local_err;
	/* in-order output ring */
	char				**ring;
	int				*ring_failed;
	size_t				 window, next_out;
};

void
stage_map_event(const char *cz_function, const char *input, size_t len,
    struct cz_buf *out)
{
	json_t	*name;
	char	*s;

	if (cz_function == NULL) {
		cz_buf_add(out, input, len);
		return;
	}
	name = json_string(cz_function);
	s = json_dumps(name, JSON_ENCODE_ANY);
	cz_buf_addf(out, "{\"czappa\":\"function\",\"name\":%s,\"input\":", s);
	cz_buf_add(out, input, len);
	cz_buf_addch(out, '}');
	free(s);
	json_decref(name);
}

static char *
s_error_line(size_t index, const char *type, const char *msg)
{
	json_t	*j;
	char	*s;

	j = json_pack("{s:I,s:{s:s,s:s}}", "index", (json_int_t)index,
	    "error", "type", type, "message", msg);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* The answer as one compact line; text that is not JSON becomes a string. */
static char *
s_result_line(const struct s_map *m, size_t index, const char *p, size_t n)
{
	json_t	*v, *w;
	char	*s;

	if ((v = json_loadb(p, n, JSON_DECODE_ANY, NULL)) == NULL &&
	    (v = json_stringn(p, n)) == NULL)
		v = json_string("(answer is neither JSON nor UTF-8)");
	if (m->o->unordered) {
		w = json_pack("{s:I,s:o}", "index", (json_int_t)index,
		    "result", v);
		v = w;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	return s;
}

/* Any thread: hands a finished line to the main loop. */
static void
s_push_done(struct s_map *m, size_t index, int failed, char *line)
{
	struct s_done	*d = cz_xcalloc(1, sizeof(*d));

	d->index = index;
	d->failed = failed;
	d->line = line;
	pthread_mutex_lock(&m->lock);
	if (m->done_tail)
		m->done_tail->next = d;
	else
		m->done = d;
	m->done_tail = d;
	pthread_cond_signal(&m->cv_done);
	pthread_mutex_unlock(&m->lock);
}

static void
s_job_free(struct s_job *j)
{
	cz_buf_release(&j->event);
	free(j);
}

/* Lambda: one request finished for good (the engine retried already). */
static void
s_remote_done(void *tag, int rc, const struct aws_resp *resp,
    const struct cz_err *err, int attempts)
{
	struct s_job			*j = tag;
	struct s_map			*m = j->map;
	struct lambda_invoke_out	 out = LAMBDA_INVOKE_OUT_INIT;
	struct cz_err			 derr;
	char				 type[128], msg[512];

	(void)attempts;
	if (rc == -1)
		s_push_done(m, j->index, 1, s_error_line(j->index,
		    err->code[0] ? err->code : "InvokeFailed", err->msg));
	else if (lambda_invoke_decode(resp, &out, &derr) == -1)
		s_push_done(m, j->index, 1, s_error_line(j->index,
		    "InvokeFailed", derr.msg));
	else if (out.function_error[0]) {
		lambda_invoke_error(&out, type, sizeof(type), msg,
		    sizeof(msg));
		s_push_done(m, j->index, 1, s_error_line(j->index, type,
		    msg));
	} else
		s_push_done(m, j->index, 0, s_result_line(m, j->index,
		    out.payload.s, out.payload.len));
	lambda_invoke_out_release(&out);
	s_job_free(j);
}

static void *
s_worker(void *arg)
{
	struct s_map		*m = arg;
	struct s_job		*j;
	struct stage_map_answer	 ans;
	struct cz_err		 err;

	for (;;) {
		pthread_mutex_lock(&m->lock);
		while (m->work == NULL && !m->quit)
			pthread_cond_wait(&m->cv_work, &m->lock);
		if ((j = m->work) == NULL) {
			pthread_mutex_unlock(&m->lock);
			return NULL;
		}
		if ((m->work = j->next) == NULL)
			m->work_tail = NULL;
		pthread_mutex_unlock(&m->lock);

		memset(&ans, 0, sizeof(ans));
		ans.payload = (struct cz_buf)CZ_BUF_INIT;
		cz_err_clear(&err);
		if (m->o->local->invoke(m->o->local->arg, j->event.s,
		    j->event.len, &ans, &err) == -1) {
			pthread_mutex_lock(&m->lock);
			if (!m->local_failed) {
				m->local_failed = 1;
				m->local_err = err;
			}
			pthread_mutex_unlock(&m->lock);
			s_push_done(m, j->index, 1, s_error_line(j->index,
			    "LocalFailure", err.msg));
		} else if (ans.ok)
			s_push_done(m, j->index, 0, s_result_line(m,
			    j->index, ans.payload.s, ans.payload.len));
		else
			s_push_done(m, j->index, 1, s_error_line(j->index,
			    ans.error_type[0] ? ans.error_type : "Unhandled",
			    ans.error_msg));
		cz_buf_release(&ans.payload);
		s_job_free(j);
	}
}

static void
s_submit(struct s_map *m, size_t index, const char *input, size_t len)
{
	struct s_job	*j = cz_xcalloc(1, sizeof(*j));
	struct aws_req	 req = AWS_REQ_INIT("lambda", "Invoke", "POST");
	struct lambda_invoke_in in;

	j->map = m;
	j->index = index;
	j->event = (struct cz_buf)CZ_BUF_INIT;
	stage_map_event(m->o->cz_function, input, len, &j->event);
	if (m->o->multi) {
		memset(&in, 0, sizeof(in));
		in.function = m->o->function;
		in.qualifier = m->o->qualifier;
		in.payload = j->event.s;
		in.len = j->event.len;
		lambda_invoke_req(&in, &req);
		aws_multi_add(m->o->multi, &req, s_remote_done, j);
		aws_req_release(&req);
		return;
	}
	pthread_mutex_lock(&m->lock);
	if (m->work_tail)
		m->work_tail->next = j;
	else
		m->work = j;
	m->work_tail = j;
	pthread_cond_signal(&m->cv_work);
	pthread_mutex_unlock(&m->lock);
}

static void
s_emit(struct s_map *m, size_t index, int failed, char *line)
{
	m->h->on_result(m->h->arg, index, failed, line, strlen(line));
	free(line);
}

/* Places finished lines; returns how many failed. */
static size_t
s_place(struct s_map *m, struct s_done *d)
{
	struct s_done	*next;
	size_t		 failed = 0, slot;

	for (; d; d = next) {
		next = d->next;
		m->st->done++;
		m->st->in_flight--;
		failed += (size_t)d->failed;
		if (m->o->unordered)
			s_emit(m, d->index, d->failed, d->line);
		else {
			slot = d->index % m->window;
			m->ring[slot] = d->line;
			m->ring_failed[slot] = d->failed;
		}
		free(d);
	}
	if (!m->o->unordered)
		while (m->ring[slot = m->next_out % m->window] != NULL) {
			s_emit(m, m->next_out, m->ring_failed[slot],
			    m->ring[slot]);
			m->ring[slot] = NULL;
			m->next_out++;
		}
	else
		m->next_out = m->st->done;
	m->st->failed += failed;
	return failed;
}

/* Waits up to ms for finished lines and takes them all. */
static struct s_done *
s_take_done(struct s_map *m, long ms, struct cz_err *err, int *fatal)
{
	struct s_done	*d;
	struct timespec	 ts;

	*fatal = 0;
	if (m->o->multi) {
		if (aws_multi_run(m->o->multi, ms, err) == -1) {
			*fatal = 1;
			return NULL;
		}
		m->st->retries = aws_multi_retries(m->o->multi);
	}
	pthread_mutex_lock(&m->lock);
	if (m->done == NULL && !m->o->multi) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ms / 1000;
		ts.tv_nsec += (ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&m->cv_done, &m->lock, &ts);
	}
	d = m->done;
	m->done = m->done_tail = NULL;
	pthread_mutex_unlock(&m->lock);
	return d;
}

int
stage_map(const struct stage_map_opts *o, const struct stage_map_hooks *h,
    struct stage_map_stats *st, struct cz_err *err)
{
	struct s_map	 m;
	struct cz_buf	 line = CZ_BUF_INIT;
	pthread_t	*thr = NULL;
	json_t		*probe;
	long long	 last_progress = 0;
	size_t		 jobs, i, nthr = 0;
	int		 eof = 0, stopping = 0, r, fatal = 0, rc = -1;
	const char	*p;

	memset(st, 0, sizeof(*st));
	memset(&m, 0, sizeof(m));
	m.o = o;
	m.h = h;
	m.st = st;
	m.t0 = cz_mono_ms();
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.cv_done, NULL);
	pthread_cond_init(&m.cv_work, NULL);
	jobs = o->jobs > 0 ? (size_t)o->jobs : 16;
	m.window = jobs * 4 > WINDOW_MIN ? jobs * 4 : WINDOW_MIN;
	m.ring = cz_xcalloc(m.window, sizeof(*m.ring));
	m.ring_failed = cz_xcalloc(m.window, sizeof(*m.ring_failed));
	if (o->multi == NULL) {
		thr = cz_xcalloc(jobs, sizeof(*thr));
		for (nthr = 0; nthr < jobs; nthr++)
			if (pthread_create(&thr[nthr], NULL, s_worker, &m)) {
				cz_errf(err, "cannot start a worker thread");
				goto out;
			}
	}
	for (;;) {
		/* Feed: room in flight, and in the window behind the
		 * oldest unfinished line. */
		while (!eof && !stopping && st->in_flight < jobs &&
		    st->read < m.next_out + m.window) {
			if (o->stop && *o->stop) {
				stopping = 1;
				break;
			}
			cz_buf_reset(&line);
			if ((r = h->next_input(h->arg, &line, err)) == -1) {
				fatal = 1;
				break;
			}
			if (r == 1) {
				eof = 1;
				break;
			}
			for (p = line.s; *p == ' ' || *p == '\t' ||
			    *p == '\r' || *p == '\n'; p++)
				;
			if (*p == '\0')
				continue;
			st->in_flight++;
			if ((probe = json_loadb(line.s, line.len,
			    JSON_DECODE_ANY, NULL)) == NULL) {
				s_push_done(&m, st->read, 1,
				    s_error_line(st->read, "InvalidInput",
				    "input line is not JSON"));
			} else {
				json_decref(probe);
				s_submit(&m, st->read, line.s, line.len);
			}
			st->read++;
		}
		if (fatal)
			break;
		if (st->in_flight == 0 && (eof || stopping))
			break;
		{
			struct s_done	*d = s_take_done(&m, PROGRESS_MS,
			    err, &fatal);

			if (fatal)
				break;
			if (s_place(&m, d) > 0 && !o->keep_going)
				stopping = 1;
		}
		if (m.local_failed)
			stopping = 1;
		st->ms = cz_mono_ms() - m.t0;
		if (h->on_progress && st->ms - last_progress >= PROGRESS_MS) {
			last_progress = st->ms;
			h->on_progress(h->arg, st);
		}
	}
	if (fatal)
		goto out;
	if (m.local_failed) {
		*err = m.local_err;
		goto out;
	}
	rc = st->failed > 0 ? 1 : 0;
out:
	st->ms = cz_mono_ms() - m.t0;
	if (h->on_progress)
		h->on_progress(h->arg, st);
	pthread_mutex_lock(&m.lock);
	m.quit = 1;
	pthread_cond_broadcast(&m.cv_work);
	pthread_mutex_unlock(&m.lock);
	for (i = 0; i < nthr; i++)
		pthread_join(thr[i], NULL);
	free(thr);
	while (m.work) {
		struct s_job	*j = m.work;

		m.work = j->next;
		s_job_free(j);
	}
	while (m.done) {
		struct s_done	*d = m.done;

		m.done = d->next;
		free(d->line);
		free(d);
	}
	for (i = 0; i < m.window; i++)
		free(m.ring[i]);
	free(m.ring);
	free(m.ring_failed);
	cz_buf_release(&line);
	pthread_mutex_destroy(&m.lock);
	pthread_cond_destroy(&m.cv_done);
	pthread_cond_destroy(&m.cv_work);
	return rc;
}
