/*
 * aws/multi: many signed AWS requests in flight from ONE thread, on a curl
 * multi handle, for `czappa map`.  Each request is retried on its own, with
 * capped exponential backoff and full jitter, after throttling, 5xx or a
 * dropped connection, while the others go on; a retry waits in a timer
 * list, never in a sleep.  A request finishes exactly once, through its
 * callback: done or failed for good.  Hooks get the same traces as
 * aws_send's.  Not thread-safe: one engine per thread.
 */
#ifndef CZ_AWS_MULTI_H
#define CZ_AWS_MULTI_H

#include "aws/client.h"
#include "base/err.h"

struct aws_multi;

struct aws_multi_opts {
	struct aws_client	*client;	/* credentials and region;
						 * must outlive the engine */
	struct aws_hooks	 hooks;
	long			 timeout_ms;	/* per attempt; 0: 60 s or
						 * CZAPPA_HTTP_TIMEOUT s */
	int			 max_attempts;	/* 0: AWS_MAX_ATTEMPTS or 10 */
	int			 max_in_flight;	/* transfers at once; 0: 16 */
};

/*
 * One finished request: rc 0 and resp holds a 2xx answer; rc -1 and *err
 * says why (resp keeps the last answer).  resp is the engine's: copy what
 * is needed before returning.  The callback may add requests.
 */
typedef void (*aws_multi_done_fn)(void *tag, int rc,
    const struct aws_resp *resp, const struct cz_err *err, int attempts);

/* Takes the client's credentials.  0 and *mp, or -1 and *err. */
int	aws_multi_new(const struct aws_multi_opts *, struct aws_multi **mp,
	    struct cz_err *);
/* Abandons unfinished requests without calling back.  NULL is fine. */
void	aws_multi_free(struct aws_multi *);
/*
 * Queues *req (its contents move in; *req is AWS_REQ_INIT again; the body
 * is borrowed and must live until done is called).
 */
void	aws_multi_add(struct aws_multi *, struct aws_req *req,
	    aws_multi_done_fn done, void *tag);
/*
 * Drives transfers and timers for at most wait_ms, returning early once a
 * callback ran.  Returns the requests not finished yet (queued, in flight
 * or waiting to retry), or -1 and *err when curl itself fails.
 */
int	aws_multi_run(struct aws_multi *, long wait_ms, struct cz_err *);
/* Unfinished requests, and those in flight on the wire right now. */
int	aws_multi_pending(const struct aws_multi *);
int	aws_multi_in_flight(const struct aws_multi *);
/* Retries made so far, all requests together. */
long long aws_multi_retries(const struct aws_multi *);

#endif
