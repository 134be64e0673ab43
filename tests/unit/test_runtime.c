/*
 * test_runtime.c: the Runtime API loop's HTTP/1.1 client (runtime/runtime.c,
 * exposed through internal.h).  Each row writes a canned answer into one
 * end of a socketpair, runs one call on the other end as on a kept-alive
 * connection, then checks the request bytes sent, the status and body
 * read, and whether the connection is still open.  A TCP listener on
 * loopback checks that a keep-alive connection the server dropped is
 * reopened once.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "t.h"

#define OK_HEAD	"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"

static const struct {
	const char	*name;
	const char	*canned;	/* what the server sends */
	int		 close_after;	/* server shuts its side after that */
	const char	*method, *path, *extra, *body;
	const char	*want_req;	/* exact request bytes */
	int		 rc, status;
	const char	*want_body;
	int		 open_after;	/* connection kept for the next call */
} cases[] = {
	{ "content-length", OK_HEAD "Content-Length: 15\r\n\r\n"
	  "{\"status\":\"OK\"}", 0, "POST", "/r", "X-A: 1\r\n", "abc",
	  "POST /r HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-A: 1\r\n"
	  "Content-Length: 3\r\n\r\nabc", 0, 202, "{\"status\":\"OK\"}", 1 },
	{ "GET has no Content-Length", "HTTP/1.1 200 OK\r\n"
	  "content-length: 2\r\n\r\n{}", 0, "GET", "/next", NULL, NULL,
	  "GET /next HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n", 0, 200, "{}", 1 },
	{ "POST without body", OK_HEAD "Content-Length: 0\r\n\r\n", 0, "POST",
	  "/e", NULL, NULL, "POST /e HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"
	  "Content-Length: 0\r\n\r\n", 0, 202, "", 1 },
	{ "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "3\r\nabc\r\n1;ext=1\r\nd\r\nA \r\n0123456789\r\n0\r\n\r\n", 0,
	  "GET", "/n", NULL, NULL, NULL, 0, 200, "abcd0123456789", 1 },
	{ "chunked with trailers", "HTTP/1.1 200 OK\r\ntransfer-encoding: "
	  "gzip, Chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n", 0,
	  "GET", "/n", NULL, NULL, NULL, 0, 200, "hi", 1 },
	{ "chunked bad size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	  "\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 0, "GET", "/n", NULL, NULL, NULL,
	  -1, 200, NULL, 0 },
	{ "chunked cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	  "\r\n\r\n10\r\nabc", 1, "GET", "/n", NULL, NULL, NULL, -1, 200, NULL,
	  0 },
	{ "body until close", "HTTP/1.1 200 OK\r\n\r\nall of it", 1, "GET",
	  "/n", NULL, NULL, NULL, 0, 200, "all of it", 0 },
	{ "204 without length", "HTTP/1.1 204 No Content\r\n\r\n", 0, "POST",
	  "/r", NULL, "x", NULL, 0, 204, "", 1 },
	{ "Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\n"
	  "Content-Length: 1\r\n\r\nx", 0, "GET", "/n", NULL, NULL, NULL, 0,
	  200, "x", 0 },
	{ "HTTP/1.0 status line", "HTTP/1.0 500 Oops\r\nContent-Length: 3\r\n"
	  "\r\nbad", 0, "GET", "/n", NULL, NULL, NULL, 0, 500, "bad", 1 },
	{ "body cut short", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
	  "abc", 1, "GET", "/n", NULL, NULL, NULL, -1, 200, NULL, 0 },
	{ "bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n"
	  "\r\nabc", 0, "GET", "/n", NULL, NULL, NULL, -1, 200, NULL, 0 },
	{ "not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", 0, "GET", "/n", NULL, NULL,
	  NULL, -1, 0, NULL, 0 },
	{ "status out of range", "HTTP/1.1 999 What\r\nContent-Length: 0\r\n"
	  "\r\n", 0, "GET", "/n", NULL, NULL, NULL, -1, 999, NULL, 0 },
	{ "closed in the headers", "HTTP/1.1 200 OK\r\nContent-", 1, "GET",
	  "/n", NULL, NULL, NULL, -1, 0, NULL, 0 },
};

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* What the client wrote so far. */
static void
drain(int fd, struct cz_buf *out)
{
	char	b[4096];
	ssize_t	r;

	cz_buf_reset(out);
	while ((r = read(fd, b, sizeof(b))) > 0)
		cz_buf_add(out, b, (size_t)r);
}

static void
put(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0 && (w = write(fd, p, n)) > 0) {
		p += w;
		n -= (size_t)w;
	}
}

static void
check_cases(void)
{
	struct czrt_conn	*c = calloc(1, sizeof(*c));
	struct czrt_http_resp	 r = { 0, CZ_BUF_INIT, CZ_BUF_INIT };
	struct cz_buf		 req = CZ_BUF_INIT;
	struct cz_err		 err;
	size_t			 i;
	int			 sv[2], rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			break;
		nonblock(sv[1]);
		czrt_conn_init(c, "127.0.0.1:9");
		c->fd = sv[0];
		c->used = 1;
		put(sv[1], cases[i].canned, strlen(cases[i].canned));
		if (cases[i].close_after)
			shutdown(sv[1], SHUT_WR);
		memset(&err, 0, sizeof(err));
		rc = czrt_http_call(c, cases[i].method, cases[i].path,
		    cases[i].extra, cases[i].body, cases[i].body ?
		    strlen(cases[i].body) : 0, &r, &err);
		T_OK(rc == cases[i].rc, "%s: returns %d (got %d: %s)",
		    cases[i].name, cases[i].rc, rc, rc ? err.msg : "");
		if (rc == 0) {
			T_OK(r.status == cases[i].status, "%s: status %d "
			    "(got %d)", cases[i].name, cases[i].status,
			    r.status);
			T_STREQ(r.body.s, cases[i].want_body, "%s: body",
			    cases[i].name);
		}
		T_OK((c->fd != -1) == cases[i].open_after,
		    "%s: connection %s", cases[i].name, cases[i].open_after ?
		    "kept" : "closed");
		drain(sv[1], &req);
		if (cases[i].want_req != NULL)
			T_STREQ(req.s, cases[i].want_req, "%s: request bytes",
			    cases[i].name);
		if (c->fd != -1)
			czrt_conn_close(c);
		close(sv[1]);
	}
	cz_buf_release(&r.head);
	cz_buf_release(&r.body);
	cz_buf_release(&req);
	free(c);
}

/* Two answers on one connection, and bodies larger than the read buffer,
 * plain and chunked, so that reads straddle every boundary. */
static void
check_keepalive_and_large(void)
{
	struct czrt_conn	*c = calloc(1, sizeof(*c));
	struct czrt_http_resp	 r = { 0, CZ_BUF_INIT, CZ_BUF_INIT };
	struct cz_buf		 big = CZ_BUF_INIT, wire = CZ_BUF_INIT;
	struct cz_err		 err;
	size_t			 i, n = 3 * sizeof(c->buf) + 123;
	int			 sv[2], fd, ok;

	for (i = 0; i < n; i++)
		cz_buf_addch(&big, 'a' + (int)(i % 26));
	cz_buf_addf(&wire, "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: "
	    "one\r\nContent-Length: %zu\r\n\r\n", n);
	cz_buf_add(&wire, big.s, big.len);
	cz_buf_addf(&wire, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Lambda-Runtime-Aws-Request-Id: two\r\n\r\n%zx\r\n", n - 5);
	cz_buf_add(&wire, big.s, n - 5);
	cz_buf_adds(&wire, "\r\n5\r\n");
	cz_buf_add(&wire, big.s + n - 5, 5);
	cz_buf_adds(&wire, "\r\n0\r\n\r\nHTTP/1.1 202 Accepted\r\n"
	    "Content-Length: 0\r\n\r\n");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return;
	nonblock(sv[1]);
	czrt_conn_init(c, "127.0.0.1:9");
	c->fd = fd = sv[0];
	c->used = 1;
	put(sv[1], wire.s, wire.len);
	for (i = 0; i < 3; i++) {
		ok = czrt_http_call(c, "GET", "/next", NULL, NULL, 0, &r,
		    &err) == 0 && c->fd == fd;
		if (i < 2)
			ok = ok && r.body.len == n &&
			    memcmp(r.body.s, big.s, n) == 0;
		else
			ok = ok && r.status == 202 && r.body.len == 0;
		T_OK(ok, "keep-alive: answer %zu of 3 (%zu bytes, %s) on "
		    "the same connection", i + 1, i < 2 ? n : 0,
		    i == 1 ? "chunked" : "Content-Length");
	}
	czrt_conn_close(c);
	close(sv[1]);
	cz_buf_release(&big);
	cz_buf_release(&wire);
	cz_buf_release(&r.head);
	cz_buf_release(&r.body);
	free(c);
}

static void
check_headers(void)
{
	static const char head[] = "HTTP/1.1 200 OK\r\n"
	    "Lambda-Runtime-Aws-Request-Id: 8476a536\r\n"
	    "lambda-runtime-deadline-ms:1542409706888  \r\n"
	    "X-Empty:\r\n"
	    "Lambda-Runtime-Trace-Id: \tRoot=1-5759e988;Sampled=1\r\n";
	static const struct {
		const char	*name, *want;
	} cases[] = {
		{ "Lambda-Runtime-Aws-Request-Id", "8476a536" },
		{ "LAMBDA-RUNTIME-AWS-REQUEST-ID", "8476a536" },
		{ "Lambda-Runtime-Deadline-Ms", "1542409706888" },
		{ "Lambda-Runtime-Trace-Id", "Root=1-5759e988;Sampled=1" },
		{ "X-Empty", "" },
		{ "Lambda-Runtime", NULL },
		{ "HTTP/1.1 200 OK", NULL },
		{ "Missing", NULL },
	};
	struct cz_buf	b = CZ_BUF_INIT, v = CZ_BUF_INIT;
	size_t		i;

	cz_buf_adds(&b, head);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		T_STREQ(czrt_http_header(&b, cases[i].name, &v) == 0 ? v.s :
		    NULL, cases[i].want, "header %s", cases[i].name);
	cz_buf_release(&b);
	cz_buf_release(&v);
}

/* A loopback server that answers one request per connection, then
 * closes: the client must reopen the connection for the next call. */
struct srv {
	int	lfd;
	int	conns;		/* connections accepted */
};

static void *
serve(void *arg)
{
	struct srv	*s = arg;
	static const char ans[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "\r\nfresh";
	char		 b[4096];
	int		 fd, k;

	for (k = 0; k < 2; k++) {
		if ((fd = accept(s->lfd, NULL, NULL)) == -1)
			return NULL;
		s->conns++;
		if (read(fd, b, sizeof(b)) > 0)
			put(fd, ans, sizeof(ans) - 1);
		close(fd);
	}
	return NULL;
}

static void
check_reconnect(void)
{
	struct czrt_conn	*c = calloc(1, sizeof(*c));
	struct czrt_http_resp	 r = { 0, CZ_BUF_INIT, CZ_BUF_INIT };
	struct sockaddr_in	 a;
	socklen_t		 al = sizeof(a);
	struct srv		 s = { -1, 0 };
	struct cz_err		 err;
	pthread_t		 t;
	char			 hp[64];
	int			 rc, rc2;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s.lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s.lfd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(s.lfd, 4) == -1 ||
	    getsockname(s.lfd, (struct sockaddr *)&a, &al) == -1) {
		T_OK(0, "reconnect: listen: %s", strerror(errno));
		return;
	}
	snprintf(hp, sizeof(hp), "localhost:%d", ntohs(a.sin_port));
	pthread_create(&t, NULL, serve, &s);
	czrt_conn_init(c, hp);
	rc = czrt_http_call(c, "GET", "/a", NULL, NULL, 0, &r, &err);
	T_OK(rc == 0 && r.status == 200 && strcmp(r.body.s, "fresh") == 0,
	    "reconnect: first call over a new connection (%s)",
	    rc ? err.msg : r.body.s);
	/* The server closed after answering: the next call reopens. */
	rc2 = czrt_http_call(c, "POST", "/b", NULL, "x", 1, &r, &err);
	T_OK(rc2 == 0 && r.status == 200 && strcmp(r.body.s, "fresh") == 0,
	    "reconnect: dropped keep-alive connection reopened (%s)",
	    rc2 ? err.msg : r.body.s);
	pthread_join(t, NULL);
	T_OK(s.conns == 2, "reconnect: 2 connections (got %d)", s.conns);
	/* Nobody listens any more: a fresh connection fails, once. */
	czrt_conn_close(c);
	close(s.lfd);
	rc = czrt_http_call(c, "GET", "/c", NULL, NULL, 0, &r, &err);
	T_OK(rc == -1 && strstr(err.msg, "connect") != NULL,
	    "reconnect: refused connection is an error (%s)", err.msg);
	czrt_conn_close(c);
	cz_buf_release(&r.head);
	cz_buf_release(&r.body);
	free(c);
}

static void
check_addresses(void)
{
	static const struct {
		const char	*hostport, *want;	/* error substring */
	} cases[] = {
		{ "127.0.0.1", "no port" },
		{ "127.0.0.1:0", "bad port" },
		{ "127.0.0.1:65536", "bad port" },
		{ "127.0.0.1:9x", "bad port" },
		{ "example.invalid:80", "host is not an IP address" },
		{ "[::1]", "no port" },
	};
	struct czrt_conn	*c = calloc(1, sizeof(*c));
	struct czrt_http_resp	 r = { 0, CZ_BUF_INIT, CZ_BUF_INIT };
	struct cz_err		 err;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		czrt_conn_init(c, cases[i].hostport);
		memset(&err, 0, sizeof(err));
		rc = czrt_http_call(c, "GET", "/", NULL, NULL, 0, &r, &err);
		T_OK(rc == -1 && strstr(err.msg, cases[i].want) != NULL,
		    "address %s: %s (got %s)", cases[i].hostport,
		    cases[i].want, err.msg);
	}
	cz_buf_release(&r.head);
	cz_buf_release(&r.body);
	free(c);
}

int
main(void)
{
	check_cases();
	check_keepalive_and_large();
	check_headers();
	check_reconnect();
	check_addresses();
	return t_done();
}
