/*
 * server: the Runtime API's HTTP side; see server.h.  Status codes and error
 * bodies follow AWS's own emulator (RUNTIME-API.md section 2): 202
 * {"status":"OK"}, 400 InvalidRequestID, 413 RequestEntityTooLarge, and 404
 * for any path the API does not have.
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "base/xmalloc.h"
#include "local/server.h"

#define API_PREFIX	"/2018-06-01/runtime/"

struct local_server {
	struct MHD_Daemon		*d;
	const struct local_server_ops	*ops;
	void				*arg;
	unsigned short			 port;
};

/* One request being read. */
struct s_req {
	struct cz_buf	body;
	int		too_large;
};

static enum MHD_Result
s_reply(struct MHD_Connection *c, int status, const char *type,
    const char *msg)
{
	struct MHD_Response	*r;
	struct cz_buf		 b = CZ_BUF_INIT;
	enum MHD_Result		 ret;

	if (status == 202)
		cz_buf_adds(&b, "{\"status\":\"OK\"}");
	else
		cz_buf_addf(&b, "{\"errorMessage\":\"%s\","
		    "\"errorType\":\"%s\"}", msg, type);
	r = MHD_create_response_from_buffer(b.len, b.s, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, (unsigned int)status, r);
	MHD_destroy_response(r);
	cz_buf_release(&b);
	return ret;
}

static enum MHD_Result
s_status(struct MHD_Connection *c, int status)
{
	switch (status) {
	case 202:
		return s_reply(c, 202, NULL, NULL);
	case 413:
		return s_reply(c, 413, "RequestEntityTooLarge",
		    "Exceeded maximum allowed payload size (6291556 bytes).");
	case 400:
		return s_reply(c, 400, "InvalidRequestID",
		    "Invalid request ID");
	default:
		return s_reply(c, 500, "InternalServerError",
		    "Internal Server Error");
	}
}

static enum MHD_Result
s_next(struct local_server *s, struct MHD_Connection *c)
{
	struct local_next	 nx;
	struct MHD_Response	*r;
	char			 num[32];
	enum MHD_Result		 ret;

	memset(&nx, 0, sizeof(nx));
	cz_buf_init(&nx.payload, 0);
	if (s->ops->next(s->arg, &nx) == -1) {
		cz_buf_release(&nx.payload);
		return MHD_NO;
	}
	r = MHD_create_response_from_buffer(nx.payload.len, nx.payload.s,
	    MHD_RESPMEM_MUST_COPY);
	snprintf(num, sizeof(num), "%lld", nx.deadline_ms);
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Lambda-Runtime-Aws-Request-Id",
	    nx.request_id);
	MHD_add_response_header(r, "Lambda-Runtime-Deadline-Ms", num);
	MHD_add_response_header(r, "Lambda-Runtime-Invoked-Function-Arn",
	    nx.arn);
	MHD_add_response_header(r, "Lambda-Runtime-Trace-Id", nx.trace_id);
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	cz_buf_release(&nx.payload);
	return ret;
}

static enum MHD_Result
s_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **reqp)
{
	struct local_server	*s = cls;
	struct s_req		*rq = *reqp;
	const char		*p, *type;
	char			 id[128];
	size_t			 n;

	(void)version;
	if (rq == NULL) {
		rq = cz_xcalloc(1, sizeof(*rq));
		cz_buf_init(&rq->body, 0);
		*reqp = rq;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* Keep reading past the limit, so the runtime gets a 413
		 * instead of a reset connection. */
		if (rq->body.len + *upload_size > LOCAL_MAX_RESPONSE)
			rq->too_large = 1;
		else
			cz_buf_add(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}

	if (strncmp(url, API_PREFIX, strlen(API_PREFIX)) != 0)
		return s_reply(c, 404, "NotFound", "Unknown path");
	p = url + strlen(API_PREFIX);
	type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Lambda-Runtime-Function-Error-Type");
	if (strcmp(p, "invocation/next") == 0) {
		if (strcmp(method, "GET") != 0)
			return s_reply(c, 405, "MethodNotAllowed",
			    "Use GET");
		return s_next(s, c);
	}
	if (strcmp(p, "init/error") == 0) {
		if (strcmp(method, "POST") != 0)
			return s_reply(c, 405, "MethodNotAllowed",
			    "Use POST");
		return s_status(c, s->ops->init_error(s->arg, type,
		    rq->body.s, rq->body.len));
	}
	if (strncmp(p, "invocation/", 11) != 0)
		return s_reply(c, 404, "NotFound", "Unknown path");
	p += 11;
	n = strcspn(p, "/");
	if (n == 0 || n >= sizeof(id))
		return s_reply(c, 404, "NotFound", "Unknown path");
	memcpy(id, p, n);
	id[n] = '\0';
	p += n;
	if (strcmp(p, "/response") != 0 && strcmp(p, "/error") != 0)
		return s_reply(c, 404, "NotFound", "Unknown path");
	if (strcmp(method, "POST") != 0)
		return s_reply(c, 405, "MethodNotAllowed", "Use POST");
	if (strcmp(p, "/response") == 0)
		return s_status(c, s->ops->response(s->arg, id, rq->body.s,
		    rq->body.len, rq->too_large));
	if (rq->too_large)
		return s_status(c, 413);
	return s_status(c, s->ops->error(s->arg, id, type, rq->body.s,
	    rq->body.len));
}

static void
s_done(void *cls, struct MHD_Connection *c, void **reqp,
    enum MHD_RequestTerminationCode toe)
{
	struct s_req	*rq = *reqp;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq != NULL) {
		cz_buf_release(&rq->body);
		free(rq);
	}
	*reqp = NULL;
}

int
local_server_start(const struct local_server_ops *ops, void *arg,
    struct local_server **sp, struct cz_err *err)
{
	struct local_server	*s;
	struct sockaddr_in	 sin;
	const union MHD_DaemonInfo *di;

	s = cz_xcalloc(1, sizeof(*s));
	s->ops = ops;
	s->arg = arg;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	/* No connection timeout: a runtime's GET /next waits for as long as
	 * there is no work, as on Lambda. */
	s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, s_handle, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, s_done, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)0,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		free(s);
		return cz_errf(err, "runtime API: cannot listen on 127.0.0.1");
	}
	if ((di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT)) ==
	    NULL || di->port == 0) {
		MHD_stop_daemon(s->d);
		free(s);
		return cz_errf(err, "runtime API: no port");
	}
	s->port = di->port;
	*sp = s;
	return 0;
}

unsigned short
local_server_port(const struct local_server *s)
{
	return s->port;
}

void
local_server_stop(struct local_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
