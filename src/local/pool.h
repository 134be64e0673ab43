/*
 * pool: the engine of `czappa local`, `invoke --local` and `map --local`.
 * N bootstrap processes, each with its own Runtime API server (server.h)
 * and at most one invocation at a time, as on Lambda.  Invocations wait in
 * one bounded FIFO; whichever process asks GET /next first takes the head.
 * A supervisor thread reads the processes' output into the log hook,
 * notices deaths (the caller of a killed invocation gets LOCAL_CRASHED),
 * kills invocations past their timeout (LOCAL_TIMED_OUT) and restarts
 * processes, backing off and finally giving up when a bootstrap keeps
 * dying before it ever answers.  Nothing here prints: every event goes
 * through struct local_hooks.
 */
#ifndef CZ_LOCAL_POOL_H
#define CZ_LOCAL_POOL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum local_log_kind {
	LOCAL_LOG_OUTPUT = 0,	/* one line the bootstrap wrote */
	LOCAL_LOG_INFO,		/* a process started or became ready */
	LOCAL_LOG_ERROR,	/* crash, timeout, init error, giving up */
	LOCAL_LOG_REQUEST	/* the HTTP front answered one request */
};

struct local_log {
	enum local_log_kind	 kind;
	int			 worker;	/* 0..workers-1, or -1 */
	const char		*request_id;	/* Lambda request id, or NULL */
	const char		*text;		/* one line, no newline */
	/* LOCAL_LOG_REQUEST only (text is then "GET /path 200"): */
	const char		*method;
	const char		*path;
	int			 status;
	long long		 ms;		/* request duration */
};

/* Called from the pool's and the front's threads, one call at a time. */
struct local_hooks {
	void	(*on_log)(void *arg, const struct local_log *);
	void	*arg;
};

struct local_opts {
	const char	*bootstrap;	/* the executable */
	const char	*task_root;	/* LAMBDA_TASK_ROOT; NULL: its folder */
	const char	*function_name;	/* NULL: "czappa-local" */
	const char	*region;	/* NULL: "us-east-1" */
	const char	*account_id;	/* NULL: "123456789012" */
	int		 memory;	/* MB, for the environment; 0: 128 */
	int		 timeout_ms;	/* per invocation; 0: 3000 */
	int		 init_timeout_ms; /* to reach GET /next; 0: 10000 */
	int		 workers;	/* bootstrap processes; 0: 2 */
	int		 queue_max;	/* invocations waiting; 0: 64 */
	int		 max_fast_deaths; /* deaths before any answer; 0: 5 */
	const char *const *env;	/* "K=V" from the config, or NULL */
	struct local_hooks hooks;
};

enum local_outcome {
	LOCAL_OK = 0,		/* payload is the function's answer */
	LOCAL_FUNCTION_ERROR,	/* POST /error, or an answer above 6 MiB */
	LOCAL_CRASHED,		/* the bootstrap died during the invocation */
	LOCAL_TIMED_OUT,	/* killed after timeout_ms */
	LOCAL_BUSY		/* queue full: nothing ran */
};

struct local_result {
	enum local_outcome	 outcome;
	/* The answer, or an error JSON {"errorMessage","errorType"} as the
	 * Invoke API returns it. */
	struct cz_buf		 payload;
	char			 error_type[128]; /* "" when LOCAL_OK */
	char			 request_id[40];
	struct cz_buf		 logs;	/* output during it (last 64 KiB) */
	long long		 ms;	/* from queued to answered */
};

void	local_result_init(struct local_result *);
void	local_result_release(struct local_result *);

struct local_pool;

/*
 * Starts opts->workers processes and waits until one of them asks for
 * work.  0 and *poolp; -1 and *err if the bootstrap cannot start (the
 * cause names the exit status or the init error it reported).
 */
int	local_pool_start(const struct local_opts *opts,
	    struct local_pool **poolp, struct cz_err *err);
/*
 * Runs one invocation and blocks until it is answered.  Thread-safe: map
 * keeps many in flight from as many threads.  0 and *res filled (see
 * outcome; a function error is not a failure of this call); -1 and *err
 * when the pool gave up or was cancelled.  *res must be initialized.
 */
int	local_invoke(struct local_pool *, const void *payload, size_t len,
	    struct local_result *res, struct cz_err *err);
/* Invokes with what schedule `name`'s EventBridge target sends
 * (event.h: local_schedule_input); input_json may be NULL. */
int	local_fire_schedule(struct local_pool *, const char *name,
	    const char *input_json, struct local_result *res,
	    struct cz_err *err);
/* Invokes with the keep-warm ping. */
int	local_keep_warm(struct local_pool *, struct local_result *res,
	    struct cz_err *err);
/* Sends one log record through the pool's hooks (the front's access log). */
void	local_pool_emit(struct local_pool *, const struct local_log *);
/* The options in use (defaults filled in). */
const struct local_opts *local_pool_opts(const struct local_pool *);
/*
 * Makes every waiting and running invocation return -1 now, and every
 * later one at once.  Call it before stopping the front on Ctrl-C.
 */
void	local_pool_cancel(struct local_pool *);
/* Cancels, kills and reaps every process, frees.  NULL is fine. */
void	local_pool_stop(struct local_pool *);

#endif
