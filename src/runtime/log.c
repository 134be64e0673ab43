/*
 * log.c: makes every line a handler writes to stdout or stderr carry the
 * request id, as Lambda's managed runtimes do.  Fds 1 and 2 become pipes; a
 * reader thread turns what arrives into
 *	<RFC 3339 time>\t<request id>\t<INFO|ERROR>\t<line>
 * or, with AWS_LAMBDA_LOG_FORMAT=JSON, one object per line
 *	{"timestamp":..,"level":..,"requestId":..,"message":..}
 * on the process's real stdout/stderr.  The loop drains the pipes itself at
 * the end of each invocation (czrt_log_end) so that no line is tagged with
 * the next request's id; the thread only keeps a chatty handler from
 * blocking on a full pipe.  Lines written outside an invocation (init) are
 * passed through untagged in text mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "runtime/internal.h"

#define LINE_MAX_BYTES	16384	/* longer lines are split */

struct stream {
	int		 rfd;		/* read end of the pipe; -1 if off */
	int		 out;		/* the real fd the lines go to */
	const char	*level;
	size_t		 n;		/* bytes of an unfinished line */
	char		 line[LINE_MAX_BYTES];
};

static struct stream	s_streams[2] = {
	{ -1, 1, "INFO", 0, "" }, { -1, 2, "ERROR", 0, "" }
};
static pthread_mutex_t	s_mu = PTHREAD_MUTEX_INITIALIZER;
static char		s_reqid[128];	/* empty outside an invocation */
static int		s_json;
static int		s_started;

static void
s_write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/*
 * "2024-05-01T12:00:00.123Z" into buf (at least 25 bytes).  Computed by
 * hand (days to civil date) so that the crash path may call it: gmtime_r is
 * not async-signal-safe.
 */
static size_t
s_timestamp(char *buf, size_t sz)
{
	struct timespec	ts;
	long long	days, secs, z, era, doe, yoe, doy, mp, y, m, d;
	int		vals[7], widths[7] = { 4, 2, 2, 2, 2, 2, 3 };
	const char	seps[7] = { '-', '-', 'T', ':', ':', '.', 'Z' };
	size_t		n = 0;
	int		i, j, v;

	if (sz < 25)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	days = (long long)ts.tv_sec / 86400;
	secs = (long long)ts.tv_sec % 86400;
	/* Howard Hinnant's civil_from_days. */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	vals[0] = (int)y;
	vals[1] = (int)m;
	vals[2] = (int)d;
	vals[3] = (int)(secs / 3600);
	vals[4] = (int)(secs / 60 % 60);
	vals[5] = (int)(secs % 60);
	vals[6] = (int)(ts.tv_nsec / 1000000);
	for (i = 0; i < 7; i++) {
		v = vals[i];
		for (j = widths[i] - 1; j >= 0; j--) {
			buf[n + (size_t)j] = (char)('0' + v % 10);
			v /= 10;
		}
		n += (size_t)widths[i];
		buf[n++] = seps[i];
	}
	buf[n] = '\0';
	return n;
}

static void
s_json_escape(struct cz_buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	  c;
	size_t		  i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '"' || c == '\\') {
			cz_buf_addch(b, '\\');
			cz_buf_addch(b, c);
		} else if (c == '\n')
			cz_buf_add(b, "\\n", 2);
		else if (c == '\t')
			cz_buf_add(b, "\\t", 2);
		else if (c == '\r')
			cz_buf_add(b, "\\r", 2);
		else if (c < 0x20) {
			cz_buf_add(b, "\\u00", 4);
			cz_buf_addch(b, hex[c >> 4]);
			cz_buf_addch(b, hex[c & 15]);
		} else
			cz_buf_addch(b, c);
	}
}

/* One finished line (no newline) out, tagged.  Caller holds s_mu. */
static void
s_emit(int fd, const char *level, const char *p, size_t n)
{
	static struct cz_buf	b = CZ_BUF_INIT;
	char			ts[64];
	size_t			tn;

	cz_buf_reset(&b);
	if (s_json) {
		tn = s_timestamp(ts, sizeof(ts));
		cz_buf_adds(&b, "{\"timestamp\":\"");
		cz_buf_add(&b, ts, tn);
		cz_buf_adds(&b, "\",\"level\":\"");
		cz_buf_adds(&b, level);
		if (s_reqid[0] != '\0') {
			cz_buf_adds(&b, "\",\"requestId\":\"");
			s_json_escape(&b, s_reqid, strlen(s_reqid));
		}
		cz_buf_adds(&b, "\",\"message\":\"");
		s_json_escape(&b, p, n);
		cz_buf_adds(&b, "\"}\n");
	} else if (s_reqid[0] != '\0') {
		tn = s_timestamp(ts, sizeof(ts));
		cz_buf_add(&b, ts, tn);
		cz_buf_addch(&b, '\t');
		cz_buf_adds(&b, s_reqid);
		cz_buf_addch(&b, '\t');
		cz_buf_adds(&b, level);
		cz_buf_addch(&b, '\t');
		cz_buf_add(&b, p, n);
		cz_buf_addch(&b, '\n');
	} else {
		cz_buf_add(&b, p, n);
		cz_buf_addch(&b, '\n');
	}
	s_write_all(fd, b.s, b.len);
}

/* Reads what the pipe holds and emits whole lines.  Caller holds s_mu. */
static void
s_drain(struct stream *st, int partial)
{
	ssize_t	 r;
	char	*nl;
	size_t	 used;

	for (;;) {
		if (st->n == sizeof(st->line)) {
			s_emit(st->out, st->level, st->line, st->n);
			st->n = 0;
		}
		r = read(st->rfd, st->line + st->n, sizeof(st->line) - st->n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		st->n += (size_t)r;
		used = 0;
		while ((nl = memchr(st->line + used, '\n', st->n - used)) !=
		    NULL) {
			s_emit(st->out, st->level, st->line + used,
			    (size_t)(nl - st->line) - used);
			used = (size_t)(nl - st->line) + 1;
		}
		memmove(st->line, st->line + used, st->n - used);
		st->n -= used;
	}
	if (partial && st->n > 0) {
		s_emit(st->out, st->level, st->line, st->n);
		st->n = 0;
	}
}

static void *
s_reader(void *arg)
{
	struct pollfd	pfd[2];
	int		i;

	(void)arg;
	for (;;) {
		for (i = 0; i < 2; i++) {
			pfd[i].fd = s_streams[i].rfd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		pthread_mutex_lock(&s_mu);
		for (i = 0; i < 2; i++)
			if (pfd[i].revents)
				s_drain(&s_streams[i], 0);
		pthread_mutex_unlock(&s_mu);
	}
}

int
czrt_log_start(struct cz_err *err)
{
	const char	*fmt = getenv("AWS_LAMBDA_LOG_FORMAT");
	pthread_attr_t	 attr;
	pthread_t	 tid;
	sigset_t	 all, old;
	int		 p[2][2] = { { -1, -1 }, { -1, -1 } },
		 out[2] = { -1, -1 };
	int		 i, rc = -1;

	s_json = fmt != NULL && strcasecmp(fmt, "JSON") == 0;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		if (pipe2(p[i], O_CLOEXEC) == -1 ||
		    (out[i] = fcntl(i + 1, F_DUPFD_CLOEXEC, 3)) == -1) {
			cz_errf(err, "log pipe: %s", strerror(errno));
			goto out;
		}
		fcntl(p[i][0], F_SETFL, O_NONBLOCK);
	}
	for (i = 0; i < 2; i++) {
		s_streams[i].rfd = p[i][0];
		s_streams[i].out = out[i];
		dup2(p[i][1], i + 1);
		close(p[i][1]);
		p[i][0] = p[i][1] = out[i] = -1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The thread must never take a signal meant for the handler. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	i = pthread_create(&tid, &attr, s_reader, NULL);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i != 0) {
		cz_errf(err, "log thread: %s", strerror(i));
		goto out;
	}
	s_started = 1;
	rc = 0;
out:
	for (i = 0; i < 2; i++) {
		if (p[i][0] != -1)
			close(p[i][0]);
		if (p[i][1] != -1)
			close(p[i][1]);
		if (out[i] != -1)
			close(out[i]);
	}
	return rc;
}

void
czrt_log_begin(const char *request_id)
{
	size_t	n = request_id != NULL ? strlen(request_id) : 0;

	if (n >= sizeof(s_reqid))
		n = sizeof(s_reqid) - 1;
	pthread_mutex_lock(&s_mu);
	memcpy(s_reqid, request_id != NULL ? request_id : "", n);
	s_reqid[n] = '\0';
	pthread_mutex_unlock(&s_mu);
}

void
czrt_log_end(void)
{
	struct pollfd	pfd[2];
	int		i;

	fflush(stdout);
	fflush(stderr);
	if (!s_started)
		return;
	pthread_mutex_lock(&s_mu);
	/* One poll instead of a read per pipe: most calls log nothing. */
	for (i = 0; i < 2; i++) {
		pfd[i].fd = s_streams[i].rfd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	if (poll(pfd, 2, 0) == -1)
		pfd[0].revents = pfd[1].revents = POLLIN;
	for (i = 0; i < 2; i++)
		if (pfd[i].revents != 0 || s_streams[i].n > 0)
			s_drain(&s_streams[i], 1);
	pthread_mutex_unlock(&s_mu);
}

void
czrt_log_line(const char *level, const char *fmt, ...)
{
	struct cz_buf	b = CZ_BUF_INIT;
	va_list		ap;

	va_start(ap, fmt);
	cz_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&s_mu);
	s_emit(s_streams[1].out, level, b.s, b.len);
	pthread_mutex_unlock(&s_mu);
	cz_buf_release(&b);
}

/* s_emit for the crash path: several plain write()s, no allocation. */
static void
s_emit_safe(int fd, const char *level, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char		  ts[32], esc[512];
	size_t		  tn, i, k;
	unsigned char	  c;

	tn = s_timestamp(ts, sizeof(ts));
	if (!s_json) {
		if (s_reqid[0] != '\0') {
			s_write_all(fd, ts, tn);
			s_write_all(fd, "\t", 1);
			s_write_all(fd, s_reqid, strlen(s_reqid));
			s_write_all(fd, "\t", 1);
			s_write_all(fd, level, strlen(level));
			s_write_all(fd, "\t", 1);
		}
		s_write_all(fd, p, n);
		s_write_all(fd, "\n", 1);
		return;
	}
	s_write_all(fd, "{\"timestamp\":\"", 14);
	s_write_all(fd, ts, tn);
	s_write_all(fd, "\",\"level\":\"", 11);
	s_write_all(fd, level, strlen(level));
	if (s_reqid[0] != '\0') {
		s_write_all(fd, "\",\"requestId\":\"", 15);
		s_write_all(fd, s_reqid, strlen(s_reqid));
	}
	s_write_all(fd, "\",\"message\":\"", 13);
	for (i = k = 0; i < n; i++) {
		if (k + 8 > sizeof(esc)) {
			s_write_all(fd, esc, k);
			k = 0;
		}
		c = (unsigned char)p[i];
		if (c == '"' || c == '\\') {
			esc[k++] = '\\';
			esc[k++] = (char)c;
		} else if (c < 0x20) {
			memcpy(esc + k, "\\u00", 4);
			k += 4;
			esc[k++] = hex[c >> 4];
			esc[k++] = hex[c & 15];
		} else
			esc[k++] = (char)c;
	}
	s_write_all(fd, esc, k);
	s_write_all(fd, "\"}\n", 3);
}

void
czrt_log_crash_drain(void)
{
	struct stream	*st;
	ssize_t		 r;
	char		*nl;
	size_t		 used;
	int		 i, n;

	if (!s_started)
		return;
	/*
	 * The reader thread may be half-way through emitting a line it holds:
	 * wait (bounded) until it lets go of the lock, and keep the lock, so
	 * no line is written twice or cut by its own copy.  The process ends
	 * or re-executes right after this.  If this thread itself held the
	 * lock when it crashed, go on after 100 ms anyway.
	 */
	for (n = 0; n < 50 && pthread_mutex_trylock(&s_mu) != 0; n++) {
		struct timespec	ts = { 0, 2000000 };

		nanosleep(&ts, NULL);
	}
	for (i = 0; i < 2; i++) {
		st = &s_streams[i];
		if (st->n > sizeof(st->line))
			st->n = 0;
		for (n = 0; n < 256; n++) {
			if (st->n == sizeof(st->line)) {
				s_emit_safe(st->out, st->level, st->line,
				    st->n);
				st->n = 0;
			}
			r = read(st->rfd, st->line + st->n,
			    sizeof(st->line) - st->n);
			if (r <= 0)
				break;
			st->n += (size_t)r;
			used = 0;
			while ((nl = memchr(st->line + used, '\n',
			    st->n - used)) != NULL) {
				s_emit_safe(st->out, st->level,
				    st->line + used,
				    (size_t)(nl - st->line) - used);
				used = (size_t)(nl - st->line) + 1;
			}
			memmove(st->line, st->line + used, st->n - used);
			st->n -= used;
		}
		if (st->n > 0)
			s_emit_safe(st->out, st->level, st->line, st->n);
		st->n = 0;
	}
}

/* The runtime's own line from the crash path. */
void
czrt_log_crash_line(const char *msg)
{
	if (!s_started) {
		s_write_all(2, msg, strlen(msg));
		s_write_all(2, "\n", 1);
		return;
	}
	s_emit_safe(s_streams[1].out, "ERROR", msg, strlen(msg));
}

/* Async-signal-safe: fds 1 and 2 back to the real outputs (before exec). */
void
czrt_log_restore_fds(void)
{
	int	i;

	if (!s_started)
		return;
	for (i = 0; i < 2; i++)
		dup2(s_streams[i].out, i + 1);
}
