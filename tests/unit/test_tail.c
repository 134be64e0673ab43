/*
 * stage/tail and `czappa tail`'s rendering: --since parsing; the ordering
 * and de-duplication of stage_tail driven through tail_internal.h against
 * a scripted CloudWatch (events that become visible at a time, paging,
 * start/end windows) and a fake clock that napping advances; and the
 * condensing of Lambda's START/END/REPORT lines, which lives (static) in
 * commands/tail.c and is reached by including that file.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xmalloc.h"
#include "stage/tail.h"
#include "stage/tail_internal.h"
#include "t.h"

/* s_condense, s_is_error: static in the command, so compiled in here. */
#include "commands/tail.c"

#define NOW	1795514400000LL		/* 2026-11-24T10:00:00Z */
#define T0	1700000000000LL		/* the scripted log's epoch */

/* ---- --since ---- */

static const struct {
	const char	*name, *spec;
	long long	 want;		/* epoch ms, when err is NULL */
	const char	*err;
} since_cases[] = {
	{ "10m", "10m", NOW - 600000, NULL },
	{ "2h", "2h", NOW - 7200000, NULL },
	{ "90s", "90s", NOW - 90000, NULL },
	{ "1d", "1d", NOW - 86400000, NULL },
	{ "1w", "1w", NOW - 7 * 86400000LL, NULL },
	{ "bare number is seconds", "45", NOW - 45000, NULL },
	{ "0m is now", "0m", NOW, NULL },
	{ "iso Z", "2026-11-24T10:00:00Z", NOW, NULL },
	{ "iso without zone is UTC", "2026-11-24T10:00:00", NOW, NULL },
	{ "iso ms and +02:00", "2026-11-24T10:00:00.250+02:00",
	  NOW + 250 - 7200000, NULL },
	{ "iso -0530", "2026-11-24T10:00:00-0530", NOW + 19800000, NULL },
	{ "iso +01 hours only", "2026-11-24T10:00:00+01", NOW - 3600000,
	  NULL },
	{ "iso one fraction digit", "2026-11-24T10:00:00.5Z", NOW + 500,
	  NULL },
	{ "iso fraction past ms", "2026-11-24T10:00:00.123456Z", NOW + 123,
	  NULL },
	{ "space and minutes", "2026-11-24 10:00", NOW, NULL },
	{ "date only", "2026-11-24", NOW - 36000000, NULL },
	{ "empty", "", 0, "--since: empty" },
	{ "unknown unit", "10x", 0, "--since: \"10x\" is not a duration "
	  "(90s, 10m, 2h, 3d) or an ISO time" },
	{ "two units", "10mm", 0, "--since: \"10mm\" is not a duration "
	  "(90s, 10m, 2h, 3d) or an ISO time" },
	{ "too far back", "99999999999s", 0, "--since: \"99999999999s\" is "
	  "not a duration (90s, 10m, 2h, 3d) or an ISO time" },
	{ "word", "yesterday", 0, "--since: \"yesterday\" is not a duration "
	  "(90s, 10m, 2h, 3d) or an ISO time (2026-11-24T10:00:00Z)" },
	{ "negative", "-5m", 0, "--since: \"-5m\" is not a duration (90s, "
	  "10m, 2h, 3d) or an ISO time (2026-11-24T10:00:00Z)" },
	{ "zone past 14h", "2026-11-24T10:00:00+25:00", 0, "--since: "
	  "\"2026-11-24T10:00:00+25:00\" is not a duration (90s, 10m, 2h, "
	  "3d) or an ISO time (2026-11-24T10:00:00Z)" },
	{ "junk after Z", "2026-11-24T10:00:00Zjunk", 0, "--since: "
	  "\"2026-11-24T10:00:00Zjunk\" is not a duration (90s, 10m, 2h, 3d) "
	  "or an ISO time (2026-11-24T10:00:00Z)" },
	{ "month 13", "2026-13-01", 0, "--since: \"2026-13-01\" is not a "
	  "duration (90s, 10m, 2h, 3d) or an ISO time (2026-11-24T10:00:00Z)" },
};

static void
test_since(void)
{
	struct cz_err	err;
	long long	got;
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(since_cases) / sizeof(since_cases[0]); i++) {
		cz_err_clear(&err);
		got = -1;
		rc = stage_tail_since(since_cases[i].spec, NOW, &got, &err);
		if (since_cases[i].err == NULL) {
			T_OK(rc == 0 && got == since_cases[i].want,
			    "since %s: rc %d, %lld ms off (%s)",
			    since_cases[i].name, rc,
			    got - since_cases[i].want, err.msg);
		} else {
			T_OK(rc == -1, "since %s: refused",
			    since_cases[i].name);
			T_STREQ(err.msg, since_cases[i].err,
			    "since %s: message", since_cases[i].name);
		}
	}
}

/* ---- ordering through the seam ---- */

struct f_ev {
	const char	*id, *stream;
	long long	 ts;		/* after T0 */
	long long	 arrive;	/* visible to FilterLogEvents from */
};

struct fake {
	const struct f_ev	*ev;
	size_t			 n;
	long long		 now;		/* fake wall, epoch ms */
	long long		 group_at;	/* the group exists from */
	long long		 stop_at;	/* *stop set once now >= it */
	int			 page;		/* events per page */
	int			 unsorted;	/* table order, not by ts */
	int			 fail_first;	/* calls failing first */
	const char		*fail_code;
	volatile sig_atomic_t	 stop;
	/* what happened */
	struct cz_buf		 got;		/* "id" or "id!" (late), ' ' */
	int			 bad_msg, waiting, found, calls, naps;
	int			 slow_naps;	/* of 6 s: twice max poll */
	long long		 nap_total, last_hold;
	size_t			 returned, max_seen, max_pend, emitted;
	long long		 last_ts;
	int			 disorder;	/* a non-late event went back */
};

static int
f_order(const struct fake *f, size_t a, size_t b)
{
	if (f->unsorted || f->ev[a].ts == f->ev[b].ts)
		return a < b;
	return f->ev[a].ts < f->ev[b].ts;
}

static char *
f_msg(const struct f_ev *e)
{
	struct cz_buf	b = CZ_BUF_INIT;

	cz_buf_addf(&b, "%s/%s\r\n", e->stream, e->id);
	return cz_buf_detach(&b);
}

static int
f_filter(void *arg, const struct logs_filter_in *in, struct logs_page *p,
    struct cz_err *err)
{
	struct fake	*f = arg;
	size_t		*idx, n = 0, i, k, from = 0, t;
	struct cz_buf	 tok = CZ_BUF_INIT;

	memset(p, 0, sizeof(*p));
	f->calls++;
	if (f->fail_first > 0) {
		f->fail_first--;
		cz_errf(err, "scripted failure");
		snprintf(err->code, sizeof(err->code), "%s", f->fail_code);
		err->status = 400;
		return -1;
	}
	if (f->now < T0 + f->group_at)
		return 1;
	idx = cz_xcalloc(f->n + 1, sizeof(*idx));
	for (i = 0; i < f->n; i++) {
		long long	ts = T0 + f->ev[i].ts;

		if (T0 + f->ev[i].arrive > f->now ||
		    (in->start_ms && ts < in->start_ms) ||
		    (in->end_ms && ts > in->end_ms))
			continue;
		/* insertion sort: CloudWatch's interleaved order */
		for (k = n; k > 0 && f_order(f, i, idx[k - 1]); k--)
			idx[k] = idx[k - 1];
		idx[k] = i;
		n++;
	}
	if (in->next_token)
		from = (size_t)strtoul(in->next_token, NULL, 10);
	t = from + (size_t)f->page < n ? from + (size_t)f->page : n;
	p->ev = cz_xcalloc(t - from + 1, sizeof(*p->ev));
	for (i = from; i < t; i++) {
		const struct f_ev	*e = &f->ev[idx[i]];
		struct logs_event	*o = &p->ev[p->n++];

		o->id = cz_xstrdup(e->id);
		o->stream = cz_xstrdup(e->stream);
		o->message = f_msg(e);
		o->ts = T0 + e->ts;
		o->ingestion = T0 + e->arrive;
	}
	f->returned += p->n;
	if (t < n) {
		cz_buf_addf(&tok, "%zu", t);
		p->next_token = cz_buf_detach(&tok);
	}
	free(idx);
	return 0;
}

static long long
f_wall(void *arg)
{
	return ((struct fake *)arg)->now;
}

static void
f_nap(void *arg, long long ms)
{
	struct fake	*f = arg;

	f->naps++;
	f->nap_total += ms;
	f->slow_naps += ms == 6000;
	f->now += ms;
	if (f->now >= T0 + f->stop_at)
		f->stop = 1;
}

static void
f_poll(void *arg, size_t seen, size_t pend, long long hold)
{
	struct fake	*f = arg;

	if (seen > f->max_seen)
		f->max_seen = seen;
	if (pend > f->max_pend)
		f->max_pend = pend;
	f->last_hold = hold;
}

static void
f_event(void *arg, const struct stage_tail_event *e)
{
	struct fake	*f = arg;
	struct cz_buf	 want = CZ_BUF_INIT;

	cz_buf_addf(&want, "%s/%s", e->stream, e->id);
	if (strcmp(want.s, e->message) != 0)
		f->bad_msg++;
	cz_buf_release(&want);
	if (!e->late && e->ts < f->last_ts)
		f->disorder++;
	if (e->ts > f->last_ts)
		f->last_ts = e->ts;
	if (f->got.len > 0)
		cz_buf_addch(&f->got, ' ');
	cz_buf_addf(&f->got, "%s%s", e->id, e->late ? "!" : "");
	f->emitted++;
}

static void
f_waiting(void *arg, const char *group)
{
	(void)group;
	((struct fake *)arg)->waiting++;
}

static void
f_found(void *arg, const char *group)
{
	(void)group;
	((struct fake *)arg)->found++;
}

#define MAXEV	10

/*
 * Follow cases start at T0 and poll every second (min = max poll); the
 * stop flag is raised once the clock reaches stop_at.  Without follow the
 * clock reads T0 + 60 s.  since is relative to T0.  want lists ids in
 * the order printed, "!" marking late ones.
 */
static const struct {
	const char	*name;
	int		 follow, page, unsorted;
	long long	 hold, overlap, since, group_at, stop_at;
	int		 want_rc;
	const char	*want;
	long long	 want_hold;	/* -1: not checked */
	int		 want_dups;	/* overlap must re-read events */
	struct f_ev	 ev[MAXEV];
} cases[] = {
	{ "no-follow sorts across streams and pages", 0, 2, 1,
	  -1, 0, -10000, 0, 0, 0, "b1 a1 c1 a2 b2", -1, 0, {
	  { "a1", "sa", 200, 200 }, { "a2", "sa", 400, 400 },
	  { "b1", "sb", 100, 100 }, { "b2", "sb", 500, 500 },
	  { "c1", "sc", 300, 300 } } },
	{ "shared millisecond keeps CloudWatch order", 0, 10, 0,
	  -1, 0, -10000, 0, 0, 0, "x2 x1 x3 y", -1, 0, {
	  { "x2", "sb", 100, 100 }, { "x1", "sa", 100, 100 },
	  { "y", "sa", 101, 101 }, { "x3", "sc", 100, 100 } } },
	{ "no-follow honours since", 0, 10, 0,
	  -1, 0, 150, 0, 0, 0, "n1 n2", -1, 0, {
	  { "old", "sa", 100, 100 }, { "n1", "sa", 150, 150 },
	  { "n2", "sb", 900, 900 } } },
	{ "no-follow missing group", 0, 10, 0,
	  -1, 0, -10000, 120000, 0, 1, "", -1, 0, {
	  { "a", "sa", 100, 100 } } },
	{ "overlapping polls print each event once", 1, 3, 0,
	  2000, 5000, -10000, 0, 12000, 0, "e1 e2 e3 e4 e5 e6", 2000, 1, {
	  { "e1", "sa", 500, 500 }, { "e2", "sb", 1500, 1500 },
	  { "e3", "sa", 2500, 2500 }, { "e4", "sb", 3500, 3500 },
	  { "e5", "sa", 4500, 4500 }, { "e6", "sc", 5500, 5500 } } },
	{ "late within hold keeps its place", 1, 10, 0,
	  2000, 5000, -10000, 0, 10000, 0, "e1 e3 e2", 2000, 0, {
	  { "e1", "sa", 1000, 1000 }, { "e2", "sa", 1500, 1500 },
	  { "e3", "sb", 1200, 2800 } } },
	{ "late past fixed hold printed once, marked", 1, 10, 0,
	  1000, 5000, -10000, 0, 12000, 0, "e1 e2 e3!", 1000, 0, {
	  { "e1", "sa", 1000, 1000 }, { "e2", "sa", 2000, 2000 },
	  { "e3", "sb", 1500, 4500 } } },
	{ "auto hold grows to order the next late one", 1, 10, 0,
	  -1, 0, -10000, 0, 20000, 0, "e1 e2 e3! e5 e4", 4500, 0, {
	  { "e1", "sa", 1000, 1000 }, { "e2", "sa", 2000, 2000 },
	  { "e3", "sb", 1500, 5500 }, { "e4", "sa", 8000, 8000 },
	  { "e5", "sb", 7000, 10500 } } },
	{ "hold 0 prints at once, late ones marked", 1, 10, 0,
	  0, 5000, -10000, 0, 6000, 0, "e1 e2 e3!", 0, 0, {
	  { "e1", "sa", 1000, 1000 }, { "e2", "sa", 2000, 2000 },
	  { "e3", "sb", 1900, 2100 } } },
	{ "eventId repeated later is printed once", 1, 10, 0,
	  2000, 5000, -10000, 0, 10000, 0, "r1 r2", 2000, 1, {
	  { "r1", "sa", 1000, 1000 }, { "r2", "sa", 1200, 1200 },
	  { "r1", "sb", 1100, 3000 } } },
	{ "older than the re-read window is never found", 1, 10, 0,
	  1000, 1000, -10000, 0, 12000, 0, "e1 e2", 1000, 0, {
	  { "e1", "sa", 1000, 1000 }, { "lost", "sb", 1500, 9000 },
	  { "e2", "sa", 2000, 2000 } } },
	{ "stop releases what is held", 1, 10, 0,
	  60000, 5000, -10000, 0, 4000, 0, "e1 e2", 60000, 0, {
	  { "e2", "sb", 2000, 2000 }, { "e1", "sa", 1000, 1000 } } },
	{ "group that appears later", 1, 10, 0,
	  1000, 5000, -10000, 5000, 12000, 0, "e1 e2", 1000, 0, {
	  { "e1", "sa", 1000, 1000 }, { "e2", "sa", 6000, 6000 } } },
};

static void
fake_init(struct fake *f, const struct f_ev *ev)
{
	memset(f, 0, sizeof(*f));
	f->ev = ev;
	while (f->n < MAXEV && ev[f->n].id != NULL)
		f->n++;
	f->got = (struct cz_buf)CZ_BUF_INIT;
	f->last_ts = LLONG_MIN;
	f->last_hold = -1;
}

static void
test_order(void)
{
	struct stage_tail_io	 io = { f_filter, f_wall, f_nap, f_poll, NULL };
	struct stage_tail_hooks	 h = { f_event, f_waiting, f_found, NULL };
	struct stage_tail_opts	 o;
	struct fake		 f;
	struct cz_err		 err;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_init(&f, cases[i].ev);
		f.page = cases[i].page;
		f.unsorted = cases[i].unsorted;
		f.group_at = cases[i].group_at;
		f.stop_at = cases[i].stop_at;
		f.now = cases[i].follow ? T0 : T0 + 60000;
		io.arg = h.arg = &f;
		memset(&o, 0, sizeof(o));
		o.group = "/aws/lambda/svc-dev";
		o.since_ms = T0 + cases[i].since;
		o.follow = cases[i].follow;
		o.hold_ms = cases[i].hold;
		o.overlap_ms = cases[i].overlap;
		o.min_poll_ms = o.max_poll_ms = 1000;
		o.stop = &f.stop;
		cz_err_clear(&err);
		rc = stage_tail_io(&io, &o, &h, &err);
		T_OK(rc == cases[i].want_rc, "%s: rc %d (%s)", cases[i].name,
		    rc, err.msg);
		T_STREQ(f.got.s, cases[i].want, "%s: printed", cases[i].name);
		T_OK(f.bad_msg == 0 && f.disorder == 0,
		    "%s: messages as written minus newline (%d bad), in "
		    "order (%d back)", cases[i].name, f.bad_msg, f.disorder);
		if (cases[i].want_hold >= 0)
			T_OK(f.last_hold == cases[i].want_hold,
			    "%s: hold %lld, want %lld", cases[i].name,
			    f.last_hold, cases[i].want_hold);
		if (cases[i].want_dups)
			T_OK(f.returned > f.emitted, "%s: windows overlap "
			    "(%zu returned, %zu printed)", cases[i].name,
			    f.returned, f.emitted);
		if (cases[i].follow)
			T_OK(f.waiting == (cases[i].group_at > 0) &&
			    f.found == (cases[i].group_at > 0),
			    "%s: waiting told %d, found told %d",
			    cases[i].name, f.waiting, f.found);
		cz_buf_release(&f.got);
	}
}

/* ---- failures of FilterLogEvents ---- */

static void
test_failures(void)
{
	static const struct f_ev ev[MAXEV] = {
		{ "e1", "sa", 1000, 1000 }, { "e2", "sb", 2000, 2000 } };
	static const struct {
		const char	*name, *code;
		int		 fails, want_rc;
		const char	*want;
	} fcases[] = {
		{ "throttled past retries slows down", "ThrottlingException",
		  3, 0, "e1 e2" },
		{ "5xx past retries slows down", "ServiceUnavailable", 2, 0,
		  "e1 e2" },
		{ "refused for good fails", "AccessDeniedException", 1, -1,
		  "" },
	};
	struct stage_tail_io	 io = { f_filter, f_wall, f_nap, f_poll, NULL };
	struct stage_tail_hooks	 h = { f_event, f_waiting, f_found, NULL };
	struct stage_tail_opts	 o;
	struct fake		 f;
	struct cz_err		 err;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++) {
		fake_init(&f, ev);
		f.page = 10;
		f.stop_at = 40000;
		f.now = T0;
		f.fail_first = fcases[i].fails;
		f.fail_code = fcases[i].code;
		io.arg = h.arg = &f;
		memset(&o, 0, sizeof(o));
		o.group = "/aws/lambda/svc-dev";
		o.since_ms = T0 - 10000;
		o.follow = 1;
		o.hold_ms = 1000;
		o.min_poll_ms = 1000;
		o.max_poll_ms = 3000;
		o.stop = &f.stop;
		cz_err_clear(&err);
		rc = stage_tail_io(&io, &o, &h, &err);
		T_OK(rc == fcases[i].want_rc, "%s: rc %d", fcases[i].name, rc);
		T_STREQ(f.got.s, fcases[i].want, "%s: printed",
		    fcases[i].name);
		if (rc == -1)
			T_OK(strcmp(err.code, fcases[i].code) == 0 &&
			    strcmp(err.msg, "scripted failure") == 0,
			    "%s: error kept (%s: %s)", fcases[i].name,
			    err.code, err.msg);
		else
			/* each throttled poll naps twice the idle interval */
			T_OK(f.slow_naps == fcases[i].fails,
			    "%s: %d naps of 6 s, want %d", fcases[i].name,
			    f.slow_naps, fcases[i].fails);
		cz_buf_release(&f.got);
	}
}

/* ---- memory stays bounded over a long tail ---- */

static void
test_bounded(void)
{
	enum { RATE = 10, SECONDS = 600, N = RATE * SECONDS };
	static struct f_ev	 ev[N];
	static char		 ids[N][16];
	struct stage_tail_io	 io = { f_filter, f_wall, f_nap, f_poll, NULL };
	struct stage_tail_hooks	 h = { f_event, f_waiting, f_found, NULL };
	struct stage_tail_opts	 o;
	struct fake		 f;
	struct cz_err		 err;
	size_t			 i;
	int			 rc, late = 0;
	const char		*p;

	/* Three streams; every 7th event reaches CloudWatch 1.5 s late. */
	for (i = 0; i < N; i++) {
		snprintf(ids[i], sizeof(ids[i]), "id%zu", i);
		ev[i].id = ids[i];
		ev[i].stream = i % 3 == 0 ? "s0" : i % 3 == 1 ? "s1" : "s2";
		ev[i].ts = (long long)i * 1000 / RATE;
		ev[i].arrive = ev[i].ts + (i % 7 == 0 ? 1500 : 0);
	}
	memset(&f, 0, sizeof(f));
	f.ev = ev;
	f.n = N;
	f.got = (struct cz_buf)CZ_BUF_INIT;
	f.last_ts = LLONG_MIN;
	f.page = 50;
	f.now = T0;
	f.stop_at = SECONDS * 1000 + 10000;
	io.arg = h.arg = &f;
	memset(&o, 0, sizeof(o));
	o.group = "/aws/lambda/svc-dev";
	o.since_ms = T0 - 10000;
	o.follow = 1;
	o.hold_ms = 2000;
	o.overlap_ms = 5000;
	o.min_poll_ms = o.max_poll_ms = 1000;
	o.stop = &f.stop;
	cz_err_clear(&err);
	rc = stage_tail_io(&io, &o, &h, &err);
	for (p = f.got.s; (p = strchr(p, '!')) != NULL; p++)
		late++;
	T_OK(rc == 0 && f.emitted == N && late == 0 && f.disorder == 0,
	    "long tail: %zu of %d printed once, %d late, %d out of order",
	    f.emitted, N, late, f.disorder);
	/* The window is hold + overlap + one poll: about 8 s of events. */
	T_OK(f.max_seen <= (2000 + 5000 + 1000) / 1000 * RATE + 2 * RATE,
	    "long tail: at most %zu ids remembered for %d events",
	    f.max_seen, N);
	T_OK(f.max_pend <= 4 * RATE, "long tail: at most %zu held",
	    f.max_pend);
	T_OK(f.returned > 5 * (size_t)N, "long tail: each event re-read "
	    "by overlapping windows (%zu returned)", f.returned);
	cz_buf_release(&f.got);
}

/* ---- condensed platform lines ---- */

#define RID	"8f5c1a2e-4b7d-4c1e-9a0b-3d2e1f0a9b8c"

static const struct {
	const char	*name, *msg;
	int		 want_rc;	/* -1 dropped, 0 as is, 1 condensed */
	const char	*want;
	int		 error;
} lines[] = {
	{ "START with version", "START RequestId: " RID " Version: $LATEST",
	  1, "> 8f5c1a2e version $LATEST", 0 },
	{ "START with a number", "START RequestId: " RID " Version: 7",
	  1, "> 8f5c1a2e version 7", 0 },
	{ "START without version", "START RequestId: " RID, 1,
	  "> 8f5c1a2e", 0 },
	{ "END dropped", "END RequestId: " RID, -1, "", 0 },
	{ "REPORT warm", "REPORT RequestId: " RID "\tDuration: 12.34 ms\t"
	  "Billed Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: "
	  "35 MB\t", 1, "< 8f5c1a2e 12.34 ms (billed 13 ms) mem 35 MB/128 MB",
	  0 },
	{ "REPORT cold", "REPORT RequestId: " RID "\tDuration: 2.10 ms\t"
	  "Billed Duration: 125 ms\tMemory Size: 256 MB\tMax Memory Used: "
	  "20 MB\tInit Duration: 122.47 ms\t", 1, "< 8f5c1a2e 2.10 ms "
	  "(billed 125 ms) mem 20 MB/256 MB cold start 122.47 ms", 0 },
	{ "REPORT timed out", "REPORT RequestId: " RID "\tDuration: "
	  "3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax "
	  "Memory Used: 40 MB\tStatus: timeout", 1, "< 8f5c1a2e 3000.00 ms "
	  "(billed 3000 ms) mem 40 MB/128 MB", 0 },
	{ "Task timed out", "2026-11-24T10:00:03.000Z " RID " Task timed "
	  "out after 3.00 seconds", 0, "", 1 },
	{ "runtime error", "[ERROR] Runtime.ExitError: exit status 1", 0, "",
	  1 },
	{ "error JSON", "{\"errorType\":\"Boom\",\"errorMessage\":\"x\"}", 0,
	  "", 1 },
	{ "fatal", "FATAL: cannot open handler", 0, "", 1 },
	{ "ordinary line", "hello from the handler", 0, "", 0 },
	{ "START later in the line is not platform",
	  "user says START RequestId: x", 0, "", 0 },
};

static void
test_condense(void)
{
	struct cz_buf	out = CZ_BUF_INIT;
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cz_buf_reset(&out);
		rc = s_condense(lines[i].msg, &out);
		T_OK(rc == lines[i].want_rc, "condense %s: rc %d",
		    lines[i].name, rc);
		T_STREQ(out.s, lines[i].want, "condense %s: text",
		    lines[i].name);
		T_OK(s_is_error(lines[i].msg) == lines[i].error,
		    "condense %s: error %d", lines[i].name,
		    s_is_error(lines[i].msg));
	}
	cz_buf_release(&out);
}

int
main(void)
{
	test_since();
	test_order();
	test_failures();
	test_bounded();
	test_condense();
	return t_done();
}
