/*
 * front: HTTP requests in, pool invocations, HTTP responses out; see
 * front.h.  The raw request target comes from libmicrohttpd's URI log
 * callback, before it unescapes anything, so rawPath and rawQueryString are
 * what the client sent.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/b64.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "local/front.h"

/* API Gateway's payload limit; Lambda's own 6 MB applies to the event. */
#define MAX_BODY	(10 * 1024 * 1024)
#define MAX_EVENT	(6 * 1024 * 1024)

struct local_front {
	struct MHD_Daemon	*d;
	struct local_pool	*pool;
	enum local_flavour	 flavour;
	unsigned short		 port;
};

/* One HTTP request being read. */
struct freq {
	char		*uri;
	int		 started;
	int		 has_body;
	int		 too_large;
	long long	 start_mono;
	struct cz_buf	 body;
};

struct hdrvec {
	struct local_header	*v;
	size_t			 n, cap;
};

static void *
s_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct freq	*rq;

	(void)cls;
	(void)c;
	rq = cz_xcalloc(1, sizeof(*rq));
	rq->uri = cz_xstrdup(uri);
	rq->start_mono = cz_mono_ms();
	cz_buf_init(&rq->body, 0);
	return rq;
}

static enum MHD_Result
s_collect(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct hdrvec	*h = cls;

	(void)kind;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = cz_xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].name = k;
	h->v[h->n].value = v ? v : "";
	h->n++;
	return MHD_YES;
}

/* API Gateway's requestId looks like "JKJaXmPLvHcESHA=". */
static void
s_apigw_id(char out[24])
{
	unsigned char	r[10];
	struct cz_buf	b = CZ_BUF_INIT;
	size_t		i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)rand();
	cz_b64_encode(&b, r, sizeof(r));
	snprintf(out, 24, "%s", b.s);
	cz_buf_release(&b);
}

static int
s_skip_header(const char *name)
{
	/* libmicrohttpd frames the body itself. */
	return strcasecmp(name, "content-length") == 0 ||
	    strcasecmp(name, "transfer-encoding") == 0 ||
	    strcasecmp(name, "connection") == 0;
}

static enum MHD_Result
s_send(struct MHD_Connection *c, const struct local_http_resp *hr,
    const char *idname, const char *id)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	size_t			 i;
	int			 has_id = 0;

	r = MHD_create_response_from_buffer(hr->body.len, hr->body.s,
	    MHD_RESPMEM_MUST_COPY);
	for (i = 0; i < hr->names.n; i++) {
		if (s_skip_header(hr->names.v[i]))
			continue;
		if (strcasecmp(hr->names.v[i], idname) == 0)
			has_id = 1;
		/* A value libmicrohttpd refuses (a raw newline) is dropped:
		 * it could not be sent as HTTP anyway. */
		MHD_add_response_header(r, hr->names.v[i], hr->values.v[i]);
	}
	if (!has_id)
		MHD_add_response_header(r, idname, id);
	ret = MHD_queue_response(c, (unsigned int)hr->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
s_canned(struct local_http_resp *hr, int status, const char *message)
{
	local_http_resp_release(hr);
	hr->status = status;
	cz_strv_push(&hr->names, "Content-Type");
	cz_strv_push(&hr->values, "application/json");
	cz_buf_addf(&hr->body, "{\"message\":\"%s\"}", message);
}

static void __attribute__((format(printf, 4, 5)))
s_log_error(struct local_front *f, const char *reqid, int worker,
    const char *fmt, ...)
{
	struct local_log	 l;
	struct cz_buf		 b = CZ_BUF_INIT;
	va_list			 ap;

	va_start(ap, fmt);
	cz_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	memset(&l, 0, sizeof(l));
	l.kind = LOCAL_LOG_ERROR;
	l.worker = worker;
	l.request_id = reqid;
	l.text = b.s;
	local_pool_emit(f->pool, &l);
	cz_buf_release(&b);
}

/* Runs one complete request through the pool into *hr. */
static void
s_serve(struct local_front *f, struct MHD_Connection *c, struct freq *rq,
    const char *method, const char *version, struct local_http_resp *hr,
    char *lambda_id, size_t idsz)
{
	const struct local_opts	*o = local_pool_opts(f->pool);
	const union MHD_ConnectionInfo *ci;
	struct local_http_req	 req;
	struct local_result	 res;
	struct hdrvec		 h = { NULL, 0, 0 };
	struct cz_buf		 ev = CZ_BUF_INIT;
	struct cz_err		 err;
	char			 ip[INET6_ADDRSTRLEN] = "127.0.0.1", apigw[24];
	const struct sockaddr	*sa;

	local_result_init(&res);
	memset(&err, 0, sizeof(err));
	if (rq->too_large || rq->body.len > MAX_BODY) {
		s_canned(hr, 413, "Request Entity Too Large");
		goto out;
	}
	MHD_get_connection_values(c, MHD_HEADER_KIND, s_collect, &h);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)
			    (const void *)sa)->sin_addr, ip, sizeof(ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
			    (const void *)sa)->sin6_addr, ip, sizeof(ip));
	}
	s_apigw_id(apigw);
	memset(&req, 0, sizeof(req));
	req.flavour = f->flavour;
	req.method = method;
	req.uri = rq->uri;
	req.protocol = version;
	req.source_ip = ip;
	req.headers = h.v;
	req.nheaders = h.n;
	req.body = rq->has_body ? rq->body.s : NULL;
	req.bodylen = rq->body.len;
	req.request_id = apigw;
	req.time_ms = cz_wall_ms();
	req.api_id = "local";
	req.account_id = o->account_id;
	req.region = o->region;
	if (local_v2_event(&req, &ev, &err) == -1) {
		s_log_error(f, NULL, -1, "bad request %s: %s", rq->uri,
		    err.msg);
		s_canned(hr, 400, "Bad Request");
		goto out;
	}
	if (ev.len > MAX_EVENT) {
		s_canned(hr, 413, "Request Entity Too Large");
		goto out;
	}
	if (local_invoke(f->pool, ev.s, ev.len, &res, &err) == -1) {
		s_log_error(f, NULL, -1, "%s %s: %s", method, rq->uri,
		    err.msg);
		s_canned(hr, 502, "Internal Server Error");
		goto out;
	}
	snprintf(lambda_id, idsz, "%s", res.request_id);
	switch (res.outcome) {
	case LOCAL_OK:
		if (local_v2_response(f->flavour, res.payload.s,
		    res.payload.len, hr, &err) == -1) {
			s_log_error(f, res.request_id, -1, "malformed answer "
			    "to request %s: %s", res.request_id, err.msg);
			s_canned(hr, 500, "Internal Server Error");
		}
		break;
	case LOCAL_FUNCTION_ERROR:
		s_log_error(f, res.request_id, -1, "request %s failed: %s %.*s",
		    res.request_id, res.error_type,
		    (int)(res.payload.len > 300 ? 300 : res.payload.len),
		    res.payload.s);
		s_canned(hr, 502, "Internal Server Error");
		break;
	case LOCAL_CRASHED:
		/* The pool already logged which signal or status. */
		s_canned(hr, 502, "Internal Server Error");
		break;
	case LOCAL_TIMED_OUT:
		s_canned(hr, 504, "Endpoint request timed out");
		break;
	case LOCAL_BUSY:
		s_log_error(f, NULL, -1, "%s %s: every bootstrap is busy and "
		    "the queue is full", method, rq->uri);
		s_canned(hr, 503, "Service Unavailable");
		break;
	}
out:
	free(h.v);
	cz_buf_release(&ev);
	local_result_release(&res);
}

static enum MHD_Result
s_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **reqp)
{
	struct local_front	*f = cls;
	struct freq		*rq = *reqp;
	struct local_http_resp	 hr;
	struct local_log	 l;
	enum MHD_Result		 ret;
	char			 lambda_id[40] = "", text[600];
	size_t			 plen;

	(void)url;
	if (rq == NULL)		/* the URI log callback always runs first */
		return MHD_NO;
	if (!rq->started) {
		rq->started = 1;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		rq->has_body = 1;
		if (rq->body.len + *upload_size > MAX_BODY)
			rq->too_large = 1;
		else
			cz_buf_add(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	local_http_resp_init(&hr);
	s_serve(f, c, rq, method, version, &hr, lambda_id, sizeof(lambda_id));
	ret = s_send(c, &hr, f->flavour == LOCAL_HTTPAPI ? "apigw-requestid" :
	    "x-amzn-RequestId", lambda_id[0] ? lambda_id : "-");

	plen = strcspn(rq->uri, "?");
	snprintf(text, sizeof(text), "%s %.*s %d %lld ms", method, (int)plen,
	    rq->uri, hr.status, cz_mono_ms() - rq->start_mono);
	memset(&l, 0, sizeof(l));
	l.kind = LOCAL_LOG_REQUEST;
	l.worker = -1;
	l.request_id = lambda_id[0] ? lambda_id : NULL;
	l.text = text;
	l.method = method;
	l.path = rq->uri;
	l.status = hr.status;
	l.ms = cz_mono_ms() - rq->start_mono;
	local_pool_emit(f->pool, &l);
	local_http_resp_release(&hr);
	return ret;
}

static void
s_done(void *cls, struct MHD_Connection *c, void **reqp,
    enum MHD_RequestTerminationCode toe)
{
	struct freq	*rq = *reqp;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq != NULL) {
		free(rq->uri);
		cz_buf_release(&rq->body);
		free(rq);
	}
	*reqp = NULL;
}

int
local_front_start(struct local_pool *pool, unsigned short port,
    enum local_flavour flavour, struct local_front **fp, struct cz_err *err)
{
	const struct local_opts	*o = local_pool_opts(pool);
	struct local_front	*f;
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	int			 fd, one = 1;

	/* Bind here rather than in libmicrohttpd, which cannot say why a
	 * port is unusable. */
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return cz_errf(err, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		cz_errf(err, "127.0.0.1:%u: %s", port, strerror(errno));
		close(fd);
		return -1;
	}
	f = cz_xcalloc(1, sizeof(*f));
	f->pool = pool;
	f->flavour = flavour;
	f->port = ntohs(sin.sin_port);
	f->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC, 0, NULL, NULL,
	    s_handle, f,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_URI_LOG_CALLBACK, s_uri_log, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, s_done, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)(o->workers + o->queue_max + 64),
	    MHD_OPTION_END);
	if (f->d == NULL) {
		close(fd);
		free(f);
		return cz_errf(err, "127.0.0.1:%u: cannot start the HTTP "
		    "server", port);
	}
	*fp = f;
	return 0;
}

unsigned short
local_front_port(const struct local_front *f)
{
	return f->port;
}

void
local_front_stop(struct local_front *f)
{
	const union MHD_DaemonInfo	*info;
	MHD_socket			 ls;
	int				 i;

	if (f == NULL)
		return;
	/*
	 * Stop accepting, then give the requests still running (answered
	 * 502 once the pool is cancelled) up to two seconds to get their
	 * answer out: stopping the daemon at once would drop them unanswered.
	 */
	if ((ls = MHD_quiesce_daemon(f->d)) != MHD_INVALID_SOCKET)
		close(ls);
	for (i = 0; i < 100; i++) {
		info = MHD_get_daemon_info(f->d,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (info == NULL || info->num_connections == 0)
			break;
		cz_sleep_ms(20);
	}
	MHD_stop_daemon(f->d);
	free(f);
}
