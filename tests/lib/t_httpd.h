/*
 * t_httpd.h: a scripted HTTP/1.1 server on 127.0.0.1 for unit tests that
 * drive the AWS client (test_multi, test_map).  One thread accepts; one
 * detached thread per connection answers its requests in turn
 * (keep-alive).  The test's callback decides each answer under the
 * server's lock: a status with headers and body, an answer after a delay,
 * a connection reset, or a close without an answer.  The server counts
 * requests being answered at once and connections open at once, so a
 * test can check a concurrency limit from the other side of the wire.
 * Every wait is bounded; stopping waits (at most 5 s) until every
 * connection thread has ended.  Header-only, like t.h.
 */
#ifndef CZ_TESTS_T_HTTPD_H
#define CZ_TESTS_T_HTTPD_H

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define T_HTTPD_MAXREQ	(1 << 20)

enum t_httpd_act {
	T_HTTPD_ANSWER,		/* status, headers, body */
	T_HTTPD_RESET,		/* RST instead of an answer */
	T_HTTPD_CLOSE,		/* close without answering */
};

struct t_httpd_ans {
	enum t_httpd_act	 act;
	int			 status;
	char			 headers[512];	/* "Name: v\r\n" lines */
	char			 body[4096];
	long			 delay_ms;	/* before acting */
	int			 close;		/* Connection: close */
};

/* Called under the server's lock; *ans starts as 200 with no body. */
typedef void (*t_httpd_fn)(void *arg, const char *method, const char *path,
    const char *head, const char *body, size_t len, struct t_httpd_ans *);

struct t_httpd {
	int		 fd;
	int		 port;
	t_httpd_fn	 fn;
	void		*arg;
	pthread_t	 acceptor;
	pthread_mutex_t	 lock;
	volatile int	 quit;
	/* counted under lock */
	int		 busy, max_busy;	/* requests being answered */
	int		 open, max_open;	/* connections */
	long		 requests;
};

struct t_httpd_conn {
	struct t_httpd	*s;
	int		 fd;
};

static long long
t_httpd_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits ms before answering; -1 early if the client hung up (a timed-out
 * attempt must not count as busy) or the server stops. */
static int
t_httpd_nap(struct t_httpd *s, int fd, long ms)
{
	long long	end = t_httpd_ms() + ms;
	struct pollfd	pfd;

	while (!s->quit && t_httpd_ms() < end) {
		pfd.fd = fd;
		pfd.events = POLLRDHUP;
		if (poll(&pfd, 1, 5) > 0 &&
		    (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)))
			return -1;
	}
	return s->quit ? -1 : 0;
}

static int
t_httpd_send(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Content-Length of a request head, or 0. */
static size_t
t_httpd_clen(const char *head)
{
	const char	*p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, "content-length:", 15) == 0)
			return (size_t)strtoul(p + 15, NULL, 10);
	}
	return 0;
}

static void *
t_httpd_conn_main(void *arg)
{
	struct t_httpd_conn	*c = arg;
	struct t_httpd		*s = c->s;
	struct t_httpd_ans	 ans;
	struct linger		 lg = { 1, 0 };
	struct pollfd		 pfd;
	char			*buf = malloc(T_HTTPD_MAXREQ + 1);
	char			 method[16], path[1024], out[1024];
	size_t			 have = 0, need, hlen, blen;
	char			*e;
	ssize_t			 r;
	int			 fd = c->fd, n;

	free(c);
	while (buf != NULL && !s->quit) {
		/* A whole request: head, then Content-Length bytes. */
		e = NULL;
		need = 0;
		for (;;) {
			buf[have] = '\0';
			if (e == NULL &&
			    (e = strstr(buf, "\r\n\r\n")) != NULL) {
				hlen = (size_t)(e - buf) + 4;
				need = hlen + t_httpd_clen(buf);
				if (strcasestr(buf, "\nExpect: 100-continue"))
					t_httpd_send(fd, "HTTP/1.1 100 "
					    "Continue\r\n\r\n", 25);
			}
			if (e != NULL && have >= need)
				break;
			pfd.fd = fd;
			pfd.events = POLLIN;
			if ((n = poll(&pfd, 1, 50)) == 0) {
				if (s->quit)
					goto out;
				continue;
			}
			if (have == T_HTTPD_MAXREQ)
				goto out;
			r = recv(fd, buf + have, T_HTTPD_MAXREQ - have, 0);
			if (r <= 0)
				goto out;
			have += (size_t)r;
		}
		*e = '\0';
		blen = need - hlen;
		method[0] = path[0] = '\0';
		sscanf(buf, "%15s %1023s", method, path);
		memset(&ans, 0, sizeof(ans));
		ans.status = 200;
		pthread_mutex_lock(&s->lock);
		s->requests++;
		if (++s->busy > s->max_busy)
			s->max_busy = s->busy;
		s->fn(s->arg, method, path, buf, buf + hlen, blen, &ans);
		pthread_mutex_unlock(&s->lock);
		n = ans.delay_ms > 0 ? t_httpd_nap(s, fd, ans.delay_ms) : 0;
		pthread_mutex_lock(&s->lock);
		s->busy--;
		pthread_mutex_unlock(&s->lock);
		if (n == -1)
			goto out;
		if (ans.act == T_HTTPD_RESET) {
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			goto out;
		}
		if (ans.act == T_HTTPD_CLOSE)
			goto out;
		n = snprintf(out, sizeof(out), "HTTP/1.1 %d Scripted\r\n"
		    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		    "%s%s\r\n", ans.status, strlen(ans.body), ans.headers,
		    ans.close ? "Connection: close\r\n" : "");
		if (t_httpd_send(fd, out, (size_t)n) == -1 ||
		    t_httpd_send(fd, ans.body, strlen(ans.body)) == -1 ||
		    ans.close)
			goto out;
		memmove(buf, buf + need, have - need);
		have -= need;
	}
out:
	pthread_mutex_lock(&s->lock);
	s->open--;
	pthread_mutex_unlock(&s->lock);
	close(fd);
	free(buf);
	return NULL;
}

static void *
t_httpd_accept_main(void *arg)
{
	struct t_httpd		*s = arg;
	struct t_httpd_conn	*c;
	struct pollfd		 pfd;
	pthread_t		 th;
	int			 fd;

	while (!s->quit) {
		pfd.fd = s->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((fd = accept(s->fd, NULL, NULL)) == -1)
			continue;
		pthread_mutex_lock(&s->lock);
		if (++s->open > s->max_open)
			s->max_open = s->open;
		pthread_mutex_unlock(&s->lock);
		c = malloc(sizeof(*c));
		c->s = s;
		c->fd = fd;
		if (pthread_create(&th, NULL, t_httpd_conn_main, c) != 0) {
			pthread_mutex_lock(&s->lock);
			s->open--;
			pthread_mutex_unlock(&s->lock);
			close(fd);
			free(c);
			continue;
		}
		pthread_detach(th);
	}
	return NULL;
}

/* Listens on a free loopback port (s->port).  0, or -1. */
static int __attribute__((unused))
t_httpd_start(struct t_httpd *s, t_httpd_fn fn, void *arg)
{
	struct sockaddr_in	sa;
	socklen_t		sl = sizeof(sa);
	int			one = 1;

	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->arg = arg;
	pthread_mutex_init(&s->lock, NULL);
	if ((s->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(s->fd, 128) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &sl) == -1) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(sa.sin_port);
	if (pthread_create(&s->acceptor, NULL, t_httpd_accept_main, s)) {
		close(s->fd);
		return -1;
	}
	return 0;
}

/* Stops accepting and waits for every connection thread to end. */
static void __attribute__((unused))
t_httpd_stop(struct t_httpd *s)
{
	long long	end = t_httpd_ms() + 5000;
	int		open = 1;

	s->quit = 1;
	pthread_join(s->acceptor, NULL);
	while (open > 0 && t_httpd_ms() < end) {
		pthread_mutex_lock(&s->lock);
		open = s->open;
		pthread_mutex_unlock(&s->lock);
		if (open > 0)
			usleep(5000);
	}
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
}

/* Resets the concurrency counts between cases. */
static void __attribute__((unused))
t_httpd_reset_counts(struct t_httpd *s)
{
	pthread_mutex_lock(&s->lock);
	s->max_busy = s->busy;
	s->max_open = s->open;
	s->requests = 0;
	pthread_mutex_unlock(&s->lock);
}

#endif
