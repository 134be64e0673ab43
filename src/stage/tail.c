/*
 * stage/tail: see tail.h.  The seen set is a jansson object (eventId ->
 * timestamp): a hash table we already link, pruned every poll.  AWS, the
 * clock and sleeping are reached through a struct stage_tail_io
 * (tail_internal.h) so the unit test can script them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "services/logs_read.h"
#include "stage/tail.h"
#include "stage/tail_internal.h"

#define HOLD_DEFAULT_MS		2000
#define HOLD_MAX_MS		30000
#define OVERLAP_DEFAULT_MS	5000
#define WAIT_GROUP_MS		2000
#define MAX_PAGES		1000	/* per poll: 10 million events */

struct s_pending {
	struct logs_event	ev;
	unsigned long long	seq;	/* arrival order breaks ties */
};

struct s_tail {
	const struct stage_tail_io	*io;
	const struct stage_tail_opts	*o;
	const struct stage_tail_hooks	*h;
	json_t				*seen;
	struct s_pending		*pend;
	size_t				 npend, cappend;
	unsigned long long		 seq;
	long long			 hold, overlap;
	long long			 watermark;	/* released below */
	long long			 last_ts;	/* newest released */
	int				 auto_hold;
};

static int
s_stopped(const struct s_tail *t)
{
	return t->o->stop != NULL && *t->o->stop;
}

/* Sleeps ms in short slices so Ctrl-C is answered at once. */
static void
s_nap(const struct s_tail *t, long long ms)
{
	long long	end, left;

	if (t->io->nap) {
		t->io->nap(t->io->arg, ms);
		return;
	}
	end = cz_mono_ms() + ms;
	while (!s_stopped(t) && (left = end - cz_mono_ms()) > 0)
		cz_sleep_ms(left > 50 ? 50 : left);
}

static int
s_cmp(const void *a, const void *b)
{
	const struct s_pending	*x = a, *y = b;

	if (x->ev.ts != y->ev.ts)
		return x->ev.ts < y->ev.ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Takes the event into pending unless its id was seen; 1 if new. */
static int
s_take(struct s_tail *t, struct logs_event *e)
{
	struct s_pending	*p;
	long long		 late;

	if (json_object_get(t->seen, e->id) != NULL)
		return 0;
	json_object_set_new(t->seen, e->id, json_integer(e->ts));
	if (t->npend == t->cappend) {
		t->cappend = t->cappend ? t->cappend * 2 : 256;
		t->pend = cz_xrealloc(t->pend, t->cappend * sizeof(*t->pend));
	}
	p = &t->pend[t->npend++];
	p->ev = *e;
	p->seq = t->seq++;
	memset(e, 0, sizeof(*e));
	/* A writer that stamps late will do it again: hold that long. */
	late = p->ev.ingestion > 0 ? p->ev.ingestion - p->ev.ts : 0;
	if (t->auto_hold && late + 250 > t->hold) {
		t->hold = late + 500 > HOLD_MAX_MS ? HOLD_MAX_MS : late + 500;
		if (t->overlap < t->hold)
			t->overlap = t->hold;
	}
	return 1;
}

/* Releases, in order, every pending event stamped at or before upto. */
static void
s_release(struct s_tail *t, long long upto)
{
	struct stage_tail_event	 ev;
	size_t			 i, n = 0;
	char			*m;
	size_t			 len;

	if (t->npend > 1)
		qsort(t->pend, t->npend, sizeof(*t->pend), s_cmp);
	for (i = 0; i < t->npend && t->pend[i].ev.ts <= upto; i++) {
		struct logs_event	*e = &t->pend[i].ev;

		m = e->message;
		len = strlen(m);
		while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == '\r'))
			m[--len] = '\0';
		ev.id = e->id;
		ev.stream = e->stream;
		ev.message = m;
		ev.ts = e->ts;
		ev.ingestion = e->ingestion;
		ev.late = e->ts < t->last_ts;
		if (e->ts > t->last_ts)
			t->last_ts = e->ts;
		if (t->h->on_event)
			t->h->on_event(t->h->arg, &ev);
		logs_event_release(e);
		n++;
	}
	/* pend is NULL until the first event: qsort and memmove on NULL
	 * are undefined even for 0 elements. */
	if (n > 0)
		memmove(t->pend, t->pend + n,
		    (t->npend - n) * sizeof(*t->pend));
	t->npend -= n;
}

/* Forgets ids stamped before the next window: they cannot come back. */
static void
s_prune(struct s_tail *t, long long from)
{
	const char	*k;
	json_t		*v;
	void		*tmp;

	json_object_foreach_safe(t->seen, tmp, k, v)
		if (json_integer_value(v) < from)
			json_object_del(t->seen, k);
}

/* One sweep of [from, end] through every page.  -1 err, 1 no group,
 * else 0 with *fresh = new events. */
static int
s_sweep(struct s_tail *t, long long from, long long end, size_t *fresh,
    struct cz_err *err)
{
	struct logs_filter_in	 in;
	struct logs_page	 page;
	char			*tok = NULL;
	size_t			 i;
	int			 pages, rc;

	*fresh = 0;
	memset(&in, 0, sizeof(in));
	in.group = t->o->group;
	in.start_ms = from;
	in.end_ms = end;
	in.pattern = t->o->pattern;
	for (pages = 0; pages < MAX_PAGES; pages++) {
		in.next_token = tok;
		rc = t->io->filter(t->io->arg, &in, &page, err);
		free(tok);
		tok = NULL;
		if (rc != 0)
			return rc;
		for (i = 0; i < page.n; i++)
			*fresh += (size_t)s_take(t, &page.ev[i]);
		tok = page.next_token;
		page.next_token = NULL;
		logs_page_release(&page);
		if (tok == NULL)
			break;
	}
	free(tok);
	return 0;
}

static int
s_aws_filter(void *arg, const struct logs_filter_in *in,
    struct logs_page *page, struct cz_err *err)
{
	return logs_filter_log_events(arg, in, page, err);
}

static long long
s_aws_wall(void *arg)
{
	(void)arg;
	return cz_wall_ms();
}

int
stage_tail(struct aws_client *c, const struct stage_tail_opts *o,
    const struct stage_tail_hooks *h, struct cz_err *err)
{
	struct stage_tail_io	io = { s_aws_filter, s_aws_wall, NULL, NULL,
				       c };

	return stage_tail_io(&io, o, h, err);
}

int
stage_tail_io(const struct stage_tail_io *io, const struct stage_tail_opts *o,
    const struct stage_tail_hooks *h, struct cz_err *err)
{
	struct s_tail	 t;
	long long	 poll, minp, maxp, now, from, upto;
	size_t		 fresh;
	int		 waiting = 0, rc = -1, r;

	memset(&t, 0, sizeof(t));
	t.io = io;
	t.o = o;
	t.h = h;
	t.seen = json_object();
	t.auto_hold = o->hold_ms < 0;
	t.hold = o->hold_ms < 0 ? HOLD_DEFAULT_MS : o->hold_ms;
	t.overlap = o->overlap_ms > 0 ? o->overlap_ms : OVERLAP_DEFAULT_MS;
	t.watermark = o->since_ms;
	t.last_ts = o->since_ms;
	minp = o->min_poll_ms > 0 ? o->min_poll_ms : 500;
	maxp = o->max_poll_ms > 0 ? o->max_poll_ms : 3000;
	poll = minp;

	if (!o->follow) {
		if ((r = s_sweep(&t, o->since_ms, io->wall_ms(io->arg),
		    &fresh, err)) != 0) {
			rc = r;
			goto out;
		}
		s_release(&t, io->wall_ms(io->arg) + 1000LL * 86400 * 365);
		rc = 0;
		goto out;
	}
	while (!s_stopped(&t)) {
		now = io->wall_ms(io->arg);
		from = t.watermark - t.overlap;
		if (from < o->since_ms)
			from = o->since_ms;
		r = s_sweep(&t, from, 0, &fresh, err);
		if (r == 1) {
			if (!waiting && h->on_waiting)
				h->on_waiting(h->arg, o->group);
			waiting = 1;
			s_nap(&t, WAIT_GROUP_MS);
			continue;
		}
		if (r == -1) {
			/* Still throttled after the client's retries: slow
			 * down rather than give up on a long tail. */
			if (!aws_retryable(err->status, err->code))
				goto out;
			poll = maxp * 2;
			s_nap(&t, poll);
			continue;
		}
		if (waiting && h->on_found)
			h->on_found(h->arg, o->group);
		waiting = 0;
		upto = now - t.hold;
		s_release(&t, upto);
		if (upto > t.watermark)
			t.watermark = upto;
		s_prune(&t, t.watermark - t.overlap);
		if (io->on_poll)
			io->on_poll(io->arg, json_object_size(t.seen),
			    t.npend, t.hold);
		/* Adaptive: quick while events flow, gentle when idle. */
		if (fresh > 0 || t.npend > 0)
			poll = minp;
		else if ((poll = poll * 3 / 2) > maxp)
			poll = maxp;
		s_nap(&t, poll);
	}
	rc = 0;
out:
	/* Ctrl-C or the end: nothing fetched stays unprinted. */
	if (rc == 0)
		s_release(&t, 1LL << 62);
	while (t.npend > 0)
		logs_event_release(&t.pend[--t.npend].ev);
	free(t.pend);
	json_decref(t.seen);
	return rc;
}

int
stage_tail_since(const char *spec, long long now_ms, long long *out,
    struct cz_err *err)
{
	static const char *const fmts[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
		"%Y-%m-%d %H:%M", "%Y-%m-%d", NULL
	};
	struct tm	 tm;
	const char	*p = NULL;
	char		*end;
	long long	 n, ms = 0, unit;
	int		 i, sign, oh, om;

	if (spec == NULL || *spec == '\0')
		return cz_errf(err, "--since: empty");
	if (isdigit((unsigned char)spec[0]) && strchr(spec, '-') == NULL) {
		n = strtoll(spec, &end, 10);
		switch (*end) {
		case '\0':
		case 's': unit = 1000; break;
		case 'm': unit = 60000; break;
		case 'h': unit = 3600000; break;
		case 'd': unit = 86400000; break;
		case 'w': unit = 7 * 86400000LL; break;
		default: unit = 0; break;
		}
		if (unit == 0 || (*end && end[1] != '\0') || n < 0 ||
		    n > 3650LL * 86400)
			return cz_errf(err, "--since: \"%s\" is not a "
			    "duration (90s, 10m, 2h, 3d) or an ISO time",
			    spec);
		*out = now_ms - n * unit;
		return 0;
	}
	for (i = 0; fmts[i]; i++) {
		memset(&tm, 0, sizeof(tm));
		if ((p = strptime(spec, fmts[i], &tm)) != NULL)
			break;
	}
	if (p == NULL)
		goto bad;
	if (*p == '.') {
		/* Fraction of a second: keep milliseconds. */
		int	digits = 0;

		for (p++; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
		for (; digits < 3; digits++)
			ms *= 10;
	}
	*out = (long long)timegm(&tm) * 1000 + ms;
	if (*p == 'Z' && p[1] == '\0')
		return 0;
	if (*p == '\0')
		return 0;
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
		sign = *p == '-' ? -1 : 1;
		oh = (p[1] - '0') * 10 + (isdigit((unsigned char)p[2]) ?
		    p[2] - '0' : -100);
		p += 3;
		if (*p == ':')
			p++;
		om = 0;
		if (isdigit((unsigned char)p[0]) &&
		    isdigit((unsigned char)p[1])) {
			om = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		if (*p == '\0' && oh >= 0 && oh <= 14 && om < 60) {
			*out -= sign * ((long long)oh * 3600000 +
			    (long long)om * 60000);
			return 0;
		}
	}
bad:
	return cz_errf(err, "--since: \"%s\" is not a duration (90s, 10m, "
	    "2h, 3d) or an ISO time (2026-11-24T10:00:00Z)", spec);
}
