/*
 * runtime.c: the Lambda Runtime API loop (RUNTIME-API.md sections 1-2).  A
 * small HTTP/1.1 client keeps one keep-alive connection to the loopback
 * Runtime API: GET /next, call the handler, POST /response or /error; and
 * /init/error when start-up fails.  A handler that crashes (SIGSEGV, abort,
 * ...) or calls exit() still gets an error posted for its request: the
 * signal handler runs on its own stack and sends a request built before the
 * handler was called, with async-signal-safe calls only.
 *
 * Left out: response streaming, concurrent invocations (Managed Instances).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

extern char **environ;

#include "base/xmalloc.h"
#include "runtime/internal.h"

#define API_PREFIX	"/2018-06-01/runtime"
#define HEAD_MAX	(64 * 1024)	/* response header block */

/* HTTP client */

void
czrt_conn_init(struct czrt_conn *c, const char *hostport)
{
	c->fd = -1;
	c->used = 0;
	c->pos = c->len = 0;
	snprintf(c->hostport, sizeof(c->hostport), "%s", hostport);
	if (c->head.s == NULL)
		cz_buf_init(&c->head, 0);
}

void
czrt_conn_close(struct czrt_conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->used = 0;
	c->pos = c->len = 0;
}

/* host:port with a numeric IPv4 or [IPv6] host, or localhost: no resolver,
 * which a static binary could not carry anyway. */
static int
s_connect(struct czrt_conn *c, struct cz_err *err)
{
	struct sockaddr_in6	 a6;
	struct sockaddr_in	 a4;
	char			 host[256];
	const char		*hp = c->hostport, *colon, *h;
	size_t			 n;
	long			 port;
	char			*end;
	int			 fd, one = 1, r;

	if (hp[0] == '[') {
		h = hp + 1;
		if ((colon = strstr(h, "]:")) == NULL)
			return cz_errf(err, "runtime API address %s: no port",
			    hp);
		n = (size_t)(colon - h);
		colon++;
	} else {
		h = hp;
		if ((colon = strrchr(hp, ':')) == NULL)
			return cz_errf(err, "runtime API address %s: no port",
			    hp);
		n = (size_t)(colon - hp);
	}
	if (n >= sizeof(host))
		return cz_errf(err, "runtime API address %s: host too long",
		    hp);
	memcpy(host, h, n);
	host[n] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port < 1 || port > 65535)
		return cz_errf(err, "runtime API address %s: bad port", hp);
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((unsigned short)port);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	} else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((unsigned short)port);
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	} else
		return cz_errf(err, "runtime API address %s: host is not "
		    "an IP address", hp);
	if (fd == -1)
		return cz_errf(err, "socket: %s", strerror(errno));
	do {
		r = a4.sin_family ? connect(fd, (struct sockaddr *)&a4,
		    sizeof(a4)) : connect(fd, (struct sockaddr *)&a6,
		    sizeof(a6));
	} while (r == -1 && errno == EINTR);
	if (r == -1) {
		cz_errf(err, "connect %s: %s", hp, strerror(errno));
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->used = 0;
	c->pos = c->len = 0;
	return 0;
}

/* More bytes into c->buf: >0 read, 0 EOF, -1 error. */
static ssize_t
s_fill(struct czrt_conn *c)
{
	ssize_t	r;

	if (c->pos == c->len)
		c->pos = c->len = 0;
	else if (c->len == sizeof(c->buf)) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	do {
		r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	} while (r == -1 && errno == EINTR);
	if (r > 0)
		c->len += (size_t)r;
	return r;
}

/* Exactly n body bytes into out. */
static int
s_take(struct czrt_conn *c, size_t n, struct cz_buf *out, struct cz_err *err)
{
	size_t	k;
	ssize_t	r;

	while (n > 0) {
		if (c->pos == c->len) {
			/* Large bodies go straight into out. */
			if (n >= sizeof(c->buf)) {
				cz_buf_grow(out, n);
				do {
					r = read(c->fd, out->s + out->len, n);
				} while (r == -1 && errno == EINTR);
				if (r <= 0)
					goto eof;
				out->len += (size_t)r;
				out->s[out->len] = '\0';
				n -= (size_t)r;
				continue;
			}
			if (s_fill(c) <= 0)
				goto eof;
		}
		k = c->len - c->pos < n ? c->len - c->pos : n;
		cz_buf_add(out, c->buf + c->pos, k);
		c->pos += k;
		n -= k;
	}
	return 0;
eof:
	return cz_errf(err, "runtime API closed the connection in a body");
}

/* One CRLF-terminated line (without CRLF) into line. */
static int
s_line(struct czrt_conn *c, struct cz_buf *line, struct cz_err *err)
{
	char	*nl;

	cz_buf_reset(line);
	for (;;) {
		nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);
		if (nl != NULL) {
			cz_buf_add(line, c->buf + c->pos,
			    (size_t)(nl - (c->buf + c->pos)));
			c->pos = (size_t)(nl - c->buf) + 1;
			if (line->len > 0 && line->s[line->len - 1] == '\r')
				cz_buf_truncate(line, line->len - 1);
			return 0;
		}
		cz_buf_add(line, c->buf + c->pos, c->len - c->pos);
		c->pos = c->len;
		if (line->len > HEAD_MAX)
			return cz_errf(err, "runtime API sent a line over "
			    "%d bytes", HEAD_MAX);
		if (s_fill(c) <= 0)
			return cz_errf(err, "runtime API closed the "
			    "connection in a chunk header");
	}
}

static int
s_chunked(struct czrt_conn *c, struct cz_buf *out, struct cz_err *err)
{
	struct cz_buf	 line = CZ_BUF_INIT;
	unsigned long long n;
	char		*end;
	int		 rc = -1;

	for (;;) {
		if (s_line(c, &line, err) == -1)
			goto out;
		errno = 0;
		n = strtoull(line.s, &end, 16);
		if (end == line.s || errno != 0 ||
		    (*end != '\0' && *end != ';' && *end != ' ')) {
			cz_errf(err, "runtime API sent a bad chunk size");
			goto out;
		}
		if (n == 0)
			break;
		if (s_take(c, (size_t)n, out, err) == -1 ||
		    s_line(c, &line, err) == -1)
			goto out;
	}
	/* Trailers, up to the empty line. */
	do {
		if (s_line(c, &line, err) == -1)
			goto out;
	} while (line.len > 0);
	rc = 0;
out:
	cz_buf_release(&line);
	return rc;
}

int
czrt_http_header(const struct cz_buf *head, const char *name,
    struct cz_buf *out)
{
	const char	*p, *e, *v;
	size_t		 n = strlen(name);

	/* Skip the status line; then one header per CRLF line. */
	for (p = strchr(head->s, '\n'); p != NULL; p = strchr(p, '\n')) {
		p++;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		v = p + n + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		e = v + strcspn(v, "\r\n");
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		cz_buf_reset(out);
		cz_buf_add(out, v, (size_t)(e - v));
		return 0;
	}
	return 1;
}

/* The header block into r->head; 1 on EOF before any byte. */
static int
s_read_head(struct czrt_conn *c, struct czrt_http_resp *r,
    struct cz_err *err)
{
	char	*end;
	size_t	 from = c->pos;
	ssize_t	 n;

	for (;;) {
		end = memmem(c->buf + c->pos, c->len - c->pos, "\r\n\r\n", 4);
		if (end != NULL)
			break;
		if (c->len - c->pos == sizeof(c->buf))
			return cz_errf(err, "runtime API sent over %zu bytes "
			    "of headers", sizeof(c->buf));
		(void)from;
		if ((n = s_fill(c)) <= 0) {
			if (c->len == c->pos)
				return 1;
			return cz_errf(err, "runtime API closed the "
			    "connection in the headers");
		}
	}
	cz_buf_reset(&r->head);
	cz_buf_add(&r->head, c->buf + c->pos,
	    (size_t)(end - (c->buf + c->pos)) + 2);
	c->pos = (size_t)(end - c->buf) + 4;
	if (strncmp(r->head.s, "HTTP/1.", 7) != 0 || r->head.len < 12 ||
	    r->head.s[8] != ' ')
		return cz_errf(err, "runtime API sent no HTTP status line");
	r->status = (int)strtol(r->head.s + 9, NULL, 10);
	if (r->status < 100 || r->status > 599)
		return cz_errf(err, "runtime API sent status %d", r->status);
	return 0;
}

static int
s_send(struct czrt_conn *c, const char *head, size_t hn, const void *body,
    size_t bn)
{
	struct iovec	 iov[2];
	struct msghdr	 m;
	ssize_t		 w;

	iov[0].iov_base = (void *)head;
	iov[0].iov_len = hn;
	iov[1].iov_base = (void *)body;
	iov[1].iov_len = bn;
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = bn > 0 ? 2 : 1;
	while (m.msg_iovlen > 0) {
		/* MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE. */
		w = sendmsg(c->fd, &m, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		while (m.msg_iovlen > 0 && (size_t)w >= m.msg_iov[0].iov_len) {
			w -= (ssize_t)m.msg_iov[0].iov_len;
			m.msg_iov++;
			m.msg_iovlen--;
		}
		if (m.msg_iovlen > 0) {
			m.msg_iov[0].iov_base = (char *)m.msg_iov[0].iov_base +
			    w;
			m.msg_iov[0].iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Appends v in decimal: printf costs more than the rest of a request. */
static void
s_add_num(struct cz_buf *b, unsigned long long v)
{
	char	tmp[24];
	size_t	n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	cz_buf_add(b, tmp + n, sizeof(tmp) - n);
}

/*
 * What the loop needs from a header block, in one pass over it: the
 * length, chunked or not, Connection: close.  -1 if Content-Length is not
 * a number; *clen is ULLONG_MAX when there is none.
 */
static int
s_framing(const struct cz_buf *head, unsigned long long *clen, int *chunked,
    int *close_it)
{
	const char	*p, *v, *e;
	char		*end;

	*clen = ~0ULL;
	*chunked = *close_it = 0;
	for (p = strchr(head->s, '\n'); p != NULL; p = strchr(p, '\n')) {
		p++;
		/* Only three names matter; test the first letter first. */
		if (*p != 'C' && *p != 'c' && *p != 'T' && *p != 't')
			continue;
		if ((v = strchr(p, ':')) == NULL)
			break;
		e = v + 1 + strcspn(v + 1, "\r\n");
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strncasecmp(p, "Content-Length:", 15) == 0) {
			errno = 0;
			*clen = strtoull(v, &end, 10);
			while (end < e && (*end == ' ' || *end == '\t'))
				end++;
			if (errno != 0 || end == v || end != e)
				return -1;
		} else if (strncasecmp(p, "Transfer-Encoding:", 18) == 0) {
			for (; v + 7 <= e; v++)
				if (strncasecmp(v, "chunked", 7) == 0)
					*chunked = 1;
		} else if (strncasecmp(p, "Connection:", 11) == 0 &&
		    e - v >= 5 && strncasecmp(v, "close", 5) == 0)
			*close_it = 1;
	}
	return 0;
}

int
czrt_http_call(struct czrt_conn *c, const char *method, const char *path,
    const char *extra, const void *body, size_t bodylen,
    struct czrt_http_resp *r, struct cz_err *err)
{
	struct cz_buf	*head = &c->head;
	unsigned long long n;
	int		 attempt, fresh, got, chunked, close_it, rc = -1;

	cz_buf_reset(head);
	cz_buf_adds(head, method);
	cz_buf_addch(head, ' ');
	cz_buf_adds(head, path);
	cz_buf_adds(head, " HTTP/1.1\r\nHost: ");
	cz_buf_adds(head, c->hostport);
	cz_buf_adds(head, "\r\n");
	if (extra != NULL)
		cz_buf_adds(head, extra);
	if (body != NULL || strcmp(method, "GET") != 0) {
		cz_buf_adds(head, "Content-Length: ");
		s_add_num(head, bodylen);
		cz_buf_adds(head, "\r\n");
	}
	cz_buf_add(head, "\r\n", 2);
	cz_buf_reset(&r->body);
	r->status = 0;
	for (attempt = 0; ; attempt++) {
		fresh = c->fd == -1;
		if (fresh && s_connect(c, err) == -1)
			goto out;
		/* A kept-alive connection the server dropped: reopen once. */
		if (s_send(c, head->s, head->len, body, bodylen) == -1) {
			if (!fresh && attempt == 0) {
				czrt_conn_close(c);
				continue;
			}
			cz_errf(err, "%s %s: %s", method, path,
			    strerror(errno));
			goto out;
		}
		if ((got = s_read_head(c, r, err)) == -1)
			goto out;
		if (got == 1) {
			if (!fresh && attempt == 0) {
				czrt_conn_close(c);
				continue;
			}
			cz_errf(err, "%s %s: runtime API closed the "
			    "connection", method, path);
			goto out;
		}
		break;
	}
	c->used = 1;
	if (s_framing(&r->head, &n, &chunked, &close_it) == -1) {
		cz_errf(err, "runtime API sent a bad Content-Length");
		goto out;
	}
	if (chunked) {
		if (s_chunked(c, &r->body, err) == -1)
			goto out;
	} else if (n != ~0ULL) {
		if (s_take(c, (size_t)n, &r->body, err) == -1)
			goto out;
	} else if (r->status != 204 && r->status != 304 && r->status >= 200) {
		/* No length: the body ends when the server closes. */
		cz_buf_add(&r->body, c->buf + c->pos, c->len - c->pos);
		c->pos = c->len;
		while (s_fill(c) > 0) {
			cz_buf_add(&r->body, c->buf + c->pos, c->len - c->pos);
			c->pos = c->len;
		}
		czrt_conn_close(c);
	}
	if (c->fd != -1 && close_it)
		czrt_conn_close(c);
	rc = 0;
out:
	if (rc == -1)
		czrt_conn_close(c);
	return rc;
}

/* Crash and exit reporting.  Everything the signal handler touches is
 * static and built before user code runs. */

static struct czrt_conn	 s_conn;
static volatile sig_atomic_t s_inflight;	/* a handler is running */
static char		 s_crash_id[160];	/* request id, JSON-safe */
static char		 s_crash_req[2048];
static char		 s_altstack[64 * 1024];
static char		 s_cmdline[8192];	/* argv for the restart */
static char		*s_argv[128];
static int		 s_restart_off;		/* CZAPPA_NO_RESTART set */

static size_t
s_cat(char *dst, size_t at, size_t cap, const char *s)
{
	while (*s != '\0' && at + 1 < cap)
		dst[at++] = *s++;
	dst[at] = '\0';
	return at;
}

static size_t
s_cat_num(char *dst, size_t at, size_t cap, unsigned long v)
{
	char	tmp[24];
	size_t	n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n > 0 && at + 1 < cap)
		dst[at++] = tmp[--n];
	dst[at] = '\0';
	return at;
}

static const char *
s_signame(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	case SIGABRT:
		return "SIGABRT";
	case SIGSYS:
		return "SIGSYS";
	}
	return "a signal";
}

/* The request whose answer is being computed; id must be printable. */
static void
s_crash_prepare(const char *id)
{
	size_t	i, n = 0;

	for (i = 0; id[i] != '\0' && n + 2 < sizeof(s_crash_id); i++)
		if (id[i] != '"' && id[i] != '\\' &&
		    (unsigned char)id[i] >= 0x20)
			s_crash_id[n++] = id[i];
	s_crash_id[n] = '\0';
}

/* Posts the error for the running invocation and waits for the answer.
 * Async-signal-safe: no allocation, no stdio, no locks. */
static void
s_crash_post(const char *type, const char *what)
{
	char		 body[512];
	size_t		 bn, n, i;
	struct pollfd	 pfd;
	char		 sink[512];
	ssize_t		 r;
	int		 waited;

	if (!s_inflight || s_conn.fd == -1)
		return;
	s_inflight = 0;
	bn = s_cat(body, 0, sizeof(body), "{\"errorMessage\":\"RequestId: ");
	bn = s_cat(body, bn, sizeof(body), s_crash_id);
	bn = s_cat(body, bn, sizeof(body), " Error: ");
	bn = s_cat(body, bn, sizeof(body), what);
	bn = s_cat(body, bn, sizeof(body), "\",\"errorType\":\"");
	bn = s_cat(body, bn, sizeof(body), type);
	bn = s_cat(body, bn, sizeof(body), "\",\"stackTrace\":[]}");
	n = s_cat(s_crash_req, 0, sizeof(s_crash_req),
	    "POST " API_PREFIX "/invocation/");
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), s_crash_id);
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), "/error HTTP/1.1\r\n"
	    "Host: ");
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), s_conn.hostport);
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), "\r\nContent-Type: "
	    "application/json\r\nLambda-Runtime-Function-Error-Type: ");
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), type);
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), "\r\n"
	    "Content-Length: ");
	n = s_cat_num(s_crash_req, n, sizeof(s_crash_req), bn);
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), "\r\n\r\n");
	n = s_cat(s_crash_req, n, sizeof(s_crash_req), body);
	for (i = 0; i < n; ) {
		r = send(s_conn.fd, s_crash_req + i, n - i, MSG_NOSIGNAL);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		i += (size_t)r;
	}
	/* Wait (bounded) for the 202, so the error is in before we die. */
	pfd.fd = s_conn.fd;
	pfd.events = POLLIN;
	for (waited = 0; waited < 20; waited++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(s_conn.fd, sink, sizeof(sink));
		if (r <= 0 || memmem(sink, (size_t)r, "\r\n\r\n", 4) != NULL)
			break;
	}
}

/*
 * After the error is posted the runtime starts again in place: exec of our
 * own binary, same pid, fresh memory.  Lambda would restart a runtime that
 * died anyway; doing it ourselves also keeps working under servers that
 * freeze the process between invocations and never notice it died
 * (@vercel/fun).  CZAPPA_NO_RESTART=1 makes the process die instead.
 */
static void
s_restart_prepare(void)
{
	ssize_t	 n;
	size_t	 i, k = 0;
	int	 fd;

	s_restart_off = getenv("CZAPPA_NO_RESTART") != NULL;
	if ((fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, s_cmdline, sizeof(s_cmdline) - 1);
	close(fd);
	if (n <= 0 || (size_t)n == sizeof(s_cmdline) - 1)
		return;
	s_cmdline[n] = '\0';
	for (i = 0; i < (size_t)n && k + 1 < sizeof(s_argv) /
	    sizeof(s_argv[0]); i += strlen(s_cmdline + i) + 1)
		s_argv[k++] = s_cmdline + i;
	s_argv[k] = NULL;
}

static void
s_restart(void)
{
	if (s_restart_off || s_argv[0] == NULL)
		return;
	czrt_log_restore_fds();
	execve("/proc/self/exe", s_argv, environ);
}

static void
s_on_crash(int sig)
{
	char	line[256];
	size_t	n;
	int	was = s_inflight;

	czrt_log_crash_drain();
	n = s_cat(line, 0, sizeof(line), "RequestId: ");
	n = s_cat(line, n, sizeof(line), s_crash_id);
	n = s_cat(line, n, sizeof(line), " Error: handler crashed with ");
	n = s_cat(line, n, sizeof(line), s_signame(sig));
	if (was)
		czrt_log_crash_line(line);
	s_crash_post(CZRT_E_CRASH, line + 11 + strlen(s_crash_id) + 8);
	if (was)
		s_restart();
	/* Die of the same signal, so the exit status tells the truth. */
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

static void
s_on_exit(void)
{
	if (!s_inflight)
		return;
	czrt_log_end();
	czrt_log_crash_line("handler called exit() during the invocation");
	s_crash_post(CZRT_E_EXIT, "handler called exit() during the "
	    "invocation");
	s_restart();
}

static void
s_crash_install(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
	    SIGSYS };
	struct sigaction	sa;
	stack_t			ss;
	size_t			i;

	ss.ss_sp = s_altstack;
	ss.ss_size = sizeof(s_altstack);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = s_on_crash;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	atexit(s_on_exit);
	s_restart_prepare();
}

/* The loop */

static void
s_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
s_fatal(const char *fmt, ...)
{
	struct cz_buf	b = CZ_BUF_INIT;
	va_list		ap;

	va_start(ap, fmt);
	cz_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	czrt_log_line("FATAL", "czappa runtime: %s", b.s);
	cz_buf_release(&b);
}

static int
s_post_init_error(const char *type, const char *msg, struct cz_err *err)
{
	struct czrt_http_resp	 r = { 0, CZ_BUF_INIT, CZ_BUF_INIT };
	struct cz_buf		 body = CZ_BUF_INIT, hdr = CZ_BUF_INIT;
	int			 rc = -1;

	czrt_error_body(&body, type, msg);
	cz_buf_addf(&hdr, "Content-Type: application/json\r\n"
	    "Lambda-Runtime-Function-Error-Type: %s\r\n", type);
	if (czrt_http_call(&s_conn, "POST", API_PREFIX "/init/error", hdr.s,
	    body.s, body.len, &r, err) == -1)
		goto out;
	if (r.status != 202) {
		cz_errf(err, "init/error: status %d", r.status);
		goto out;
	}
	rc = 0;
out:
	cz_buf_release(&body);
	cz_buf_release(&hdr);
	cz_buf_release(&r.head);
	cz_buf_release(&r.body);
	return rc;
}

int
cz_init_error(const char *type, const char *fmt, ...)
{
	struct cz_buf	 msg = CZ_BUF_INIT;
	struct cz_err	 err;
	const char	*api = getenv("AWS_LAMBDA_RUNTIME_API");
	va_list		 ap;

	va_start(ap, fmt);
	cz_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "czappa: init failed: %s: %s\n", type, msg.s);
	if (api != NULL) {
		if (s_conn.hostport[0] == '\0')
			czrt_conn_init(&s_conn, api);
		if (s_post_init_error(type, msg.s, &err) == -1)
			fprintf(stderr, "czappa: %s\n", err.msg);
	}
	cz_buf_release(&msg);
	return 1;
}

/* Fills req's invocation fields from the /next headers (owned by bufs). */
static int
s_next_headers(struct czrt_http_resp *r, struct cz_buf *hv,
    struct cz_request *req, struct cz_err *err)
{
	char	*end;

	if (czrt_http_header(&r->head, "Lambda-Runtime-Aws-Request-Id",
	    &hv[0]) != 0 || hv[0].len == 0)
		return cz_errf(err, "next: no Lambda-Runtime-Aws-Request-Id");
	req->request_id = hv[0].s;
	req->arn = czrt_http_header(&r->head,
	    "Lambda-Runtime-Invoked-Function-Arn", &hv[1]) == 0 ?
	    hv[1].s : "";
	req->trace_id = czrt_http_header(&r->head, "Lambda-Runtime-Trace-Id",
	    &hv[2]) == 0 ? hv[2].s : NULL;
	req->deadline_ms = 0;
	if (czrt_http_header(&r->head, "Lambda-Runtime-Deadline-Ms",
	    &hv[3]) == 0)
		req->deadline_ms = strtoll(hv[3].s, &end, 10);
	return 0;
}

/* POSTs the answer; a response too large becomes an error. */
static int
s_answer(const struct cz_request *req, struct cz_buf *payload,
    const char *etype, struct czrt_http_resp *r, struct cz_err *err)
{
	static struct cz_buf	 path = CZ_BUF_INIT, hdr = CZ_BUF_INIT;

	cz_buf_reset(&path);
	cz_buf_adds(&path, API_PREFIX "/invocation/");
	cz_buf_adds(&path, req->request_id);
	cz_buf_adds(&path, etype != NULL ? "/error" : "/response");
	cz_buf_reset(&hdr);
	cz_buf_adds(&hdr, "Content-Type: application/json\r\n");
	if (etype != NULL) {
		cz_buf_adds(&hdr, "Lambda-Runtime-Function-Error-Type: ");
		cz_buf_adds(&hdr, etype);
		cz_buf_adds(&hdr, "\r\n");
	}
	if (czrt_http_call(&s_conn, "POST", path.s, hdr.s, payload->s,
	    payload->len, r, err) == -1)
		return -1;
	if (r->status == 413 && etype == NULL) {
		czrt_log_line("ERROR", "response of %zu bytes is too large",
		    payload->len);
		cz_buf_reset(payload);
		czrt_error_body(payload, "Function.ResponseSizeTooLarge",
		    "response is larger than the Runtime API accepts");
		return s_answer(req, payload, "Function.ResponseSizeTooLarge",
		    r, err);
	}
	if (r->status >= 500)
		return cz_errf(err, "%s: status %d", path.s, r->status);
	if (r->status != 202)
		czrt_log_line("WARN", "%s: status %d: %.200s", path.s,
		    r->status, r->body.s);
	return 0;
}

int
cz_run(cz_app *app)
{
	struct czrt_http_resp	 r = { 0, CZ_BUF_INIT, CZ_BUF_INIT };
	struct cz_buf		 hv[4] = { CZ_BUF_INIT, CZ_BUF_INIT,
				    CZ_BUF_INIT, CZ_BUF_INIT };
	struct cz_buf		 payload = CZ_BUF_INIT;
	struct cz_request	 req;
	struct cz_response	 res;
	struct cz_err		 err;
	const char		*api = getenv("AWS_LAMBDA_RUNTIME_API");
	const char		*etype, *old;
	int			 i, rc = 1;

	if (api == NULL || *api == '\0') {
		fprintf(stderr, "czappa: AWS_LAMBDA_RUNTIME_API is not set: "
		    "this program runs inside Lambda, `czappa local` or an "
		    "emulator\n");
		return 1;
	}
	czrt_conn_init(&s_conn, api);
	if (czrt_log_start(&err) == -1)
		fprintf(stderr, "czappa: logs will not carry request ids: "
		    "%s\n", err.msg);
	s_crash_install();
	czrt_request_init(&req);
	czrt_response_init(&res);
	if (app == NULL) {
		if (s_post_init_error("Runtime.NoApp", "cz_run got no app",
		    &err) == -1)
			s_fatal("%s", err.msg);
		goto out;
	}
	for (;;) {
		if (czrt_http_call(&s_conn, "GET", API_PREFIX
		    "/invocation/next", NULL, NULL, 0, &r, &err) == -1) {
			s_fatal("%s", err.msg);
			goto out;
		}
		if (r.status != 200) {
			s_fatal("next: status %d: %.200s", r.status, r.body.s);
			goto out;
		}
		if (s_next_headers(&r, hv, &req, &err) == -1) {
			s_fatal("%s", err.msg);
			goto out;
		}
		/* setenv copies and may reallocate environ: skip it when
		 * the value is already there. */
		old = getenv("_X_AMZN_TRACE_ID");
		if (req.trace_id != NULL) {
			if (old == NULL || strcmp(old, req.trace_id) != 0)
				setenv("_X_AMZN_TRACE_ID", req.trace_id, 1);
		} else if (old != NULL)
			unsetenv("_X_AMZN_TRACE_ID");
		czrt_log_begin(req.request_id);
		s_crash_prepare(req.request_id);
		s_inflight = 1;
		cz_buf_reset(&payload);
		if (czrt_event_parse(&req, r.body.s, r.body.len, &err) == -1) {
			etype = CZRT_E_EVENT;
			czrt_log_line("ERROR", "%s", err.msg);
			czrt_error_body(&payload, etype, err.msg);
		} else {
			czrt_dispatch(app, &req, &res);
			if (czrt_response_encode(&req, &res, &payload,
			    &etype) == 1 && res.failed == 0)
				czrt_log_line("ERROR", "%s", payload.s);
		}
		czrt_log_end();
		s_inflight = 0;
		if (s_answer(&req, &payload, etype, &r, &err) == -1) {
			s_fatal("%s", err.msg);
			goto out;
		}
		czrt_log_begin(NULL);
		czrt_request_release(&req);
		czrt_response_release(&res);
	}
out:
	s_inflight = 0;
	czrt_log_end();
	czrt_request_release(&req);
	czrt_response_release(&res);
	for (i = 0; i < 4; i++)
		cz_buf_release(&hv[i]);
	cz_buf_release(&payload);
	cz_buf_release(&r.head);
	cz_buf_release(&r.body);
	czrt_conn_close(&s_conn);
	return rc;
}
