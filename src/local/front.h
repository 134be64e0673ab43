/*
 * front: the HTTP side of `czappa local`.  A libmicrohttpd server on
 * 127.0.0.1 turns each real HTTP request into an API Gateway HTTP API
 * payload 2.0 event (or a function URL one), runs it through the pool, and
 * turns the function's answer back into HTTP (event.h has the rules).
 * One thread per connection; a request waits in the pool's bounded queue
 * when every bootstrap is busy and gets 503 when the queue is full.
 *
 * Status codes besides the function's own: 500 {"message":"Internal Server
 * Error"} for a malformed answer, 502 when the function failed or its
 * process died, 504 when it timed out, 503 when the queue is full, 413 for
 * a request above Lambda's 6 MB event limit.
 */
#ifndef CZ_LOCAL_FRONT_H
#define CZ_LOCAL_FRONT_H

#include "base/err.h"
#include "local/event.h"
#include "local/pool.h"

#define LOCAL_FRONT_DEFAULT_PORT	8000

struct local_front;

/*
 * Listens on 127.0.0.1:port (0: any free port) in front of pool, which
 * must outlive the front.  0 and *fp, or -1 and *err (e.g. the port is in
 * use).
 */
int	local_front_start(struct local_pool *pool, unsigned short port,
	    enum local_flavour flavour, struct local_front **fp,
	    struct cz_err *err);
/* The port it listens on. */
unsigned short	local_front_port(const struct local_front *);
/*
 * Stops listening and waits for requests in flight; call
 * local_pool_cancel() first to make them end at once.  NULL is fine.
 */
void	local_front_stop(struct local_front *);

#endif
