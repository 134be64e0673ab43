/*
 * server: czappa's own Lambda Runtime API (2018-06-01) for ONE bootstrap
 * process, on 127.0.0.1 and a port of its own, as each Lambda sandbox has
 * its own API: the paths carry no process identity, so one server per
 * process is what routes a request to the right invocation.  libmicrohttpd
 * parses HTTP with a thread per connection, so GET /next can simply block
 * in ops->next until the pool assigns an event.  What an invocation is
 * lives in the pool (pool.c), reached through struct local_server_ops.
 */
#ifndef CZ_LOCAL_SERVER_H
#define CZ_LOCAL_SERVER_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Above this a response or error body gets 413, as AWS's emulator does. */
#define LOCAL_MAX_RESPONSE	(6 * 1024 * 1024 + 100)

/* What GET /next hands out. */
struct local_next {
	char		 request_id[40];
	long long	 deadline_ms;	/* ms since the epoch */
	/* Lambda-Runtime-Invoked-Function-Arn */
	char		 arn[256];
	char		 trace_id[128];	/* Lambda-Runtime-Trace-Id */
	struct cz_buf	 payload;	/* the event; the server releases it */
};

/* Called on libmicrohttpd's connection threads, concurrently. */
struct local_server_ops {
	/* Blocks until an event is assigned: 0 and *next filled; -1 closes
	 * the connection without an answer (process gone, pool stopping). */
	int	(*next)(void *arg, struct local_next *next);
	/* POST /invocation/{id}/response.  Returns the HTTP status: 202,
	 * 400 for an id that is unknown or already answered, 413 when
	 * too_large (body then holds only the first bytes). */
	int	(*response)(void *arg, const char *id, const void *body,
		    size_t len, int too_large);
	/* POST /invocation/{id}/error; type is the
	 * Lambda-Runtime-Function-Error-Type header or NULL.  202 or 400. */
	int	(*error)(void *arg, const char *id, const char *type,
		    const void *body, size_t len);
	/* POST /init/error.  202. */
	int	(*init_error)(void *arg, const char *type, const void *body,
		    size_t len);
};

struct local_server;

/* Listens on 127.0.0.1 and a free port.  0 and *sp, or -1 and *err. */
int	local_server_start(const struct local_server_ops *ops, void *arg,
	    struct local_server **sp, struct cz_err *err);
/* The port, for AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>. */
unsigned short	local_server_port(const struct local_server *);
/* Stops listening and joins every connection thread: make ops->next
 * return first.  NULL is fine. */
void	local_server_stop(struct local_server *);

#endif
