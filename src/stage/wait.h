/*
 * stage/wait: waiting for what AWS does asynchronously: a function leaving
 * Pending / InProgress, a deleted function disappearing.  Bounded in time,
 * polling with capped exponential backoff.
 */
#ifndef CZ_STAGE_WAIT_H
#define CZ_STAGE_WAIT_H

#include "stage/names.h"

/* Polls GetFunctionConfiguration until State is not Pending and
 * LastUpdateStatus is not InProgress (at most CZAPPA_WAIT_SECONDS, default
 * 300 s).  -1 on Failed (with the reason) or on timeout. */
int	stage_wait_function(struct stage_ctx *, struct cz_err *);
/* Polls GetFunction until the function is gone (bounded likewise). */
int	stage_wait_function_gone(struct stage_ctx *, struct cz_err *);
/* The bound, milliseconds. */
long long stage_wait_limit_ms(void);

#endif
