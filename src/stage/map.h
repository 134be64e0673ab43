/*
 * stage/map: what `czappa map` does, without printing or reading files.
 * Each input line is one invocation of the stage's function; `jobs` are in
 * flight at once, either on Lambda from this one thread (aws/multi.h: each
 * throttled or 5xx attempt is retried on its own, so no input is lost or
 * run twice by us), or on local bootstraps through a blocking, thread-safe
 * invoke the caller supplies (one thread per job: stage/ does not reach
 * into local/).  Results come back through a hook in input order, or as
 * they finish.
 *
 * Output lines (one per input line; blank input lines are skipped):
 *   ordered, success:    the function's answer, as compact JSON
 *   unordered, success:  {"index": i, "result": <answer>}
 *   any failure:         {"index": i, "error": {"type": T, "message": M}}
 * i counts input lines from 0, blank ones excluded.  T is the function's
 * errorType, "InvalidInput" for a line that is not JSON, or the AWS error
 * code when Lambda refused the call after every retry.
 */
#ifndef CZ_STAGE_MAP_H
#define CZ_STAGE_MAP_H

#include <signal.h>
#include <stddef.h>

#include "aws/multi.h"
#include "base/buf.h"
#include "base/err.h"

/* One local invocation's outcome. */
struct stage_map_answer {
	int		 ok;		/* 1: payload is the result */
	struct cz_buf	 payload;	/* the answer (ok) */
	char		 error_type[128];
	char		 error_msg[512];
};

struct stage_map_local {
	/* Blocks until answered; called from up to `jobs` threads at once.
	 * 0 and *ans (ok or a function error), or -1 and *err (the run
	 * stops). */
	int	(*invoke)(void *arg, const void *payload, size_t len,
		    struct stage_map_answer *ans, struct cz_err *err);
	void	*arg;
};

struct stage_map_opts {
	/* Lambda; or NULL */
	struct aws_multi		*multi;
	const char			*function;	/* Lambda name */
	const char			*qualifier;	/* "live" */
	/* or local */
	const struct stage_map_local	*local;
	const char	*cz_function;	/* wrap each input for this
					 * cz_function; NULL: send it as is */
	int		 jobs;		/* in flight; 0: 16 */
	int		 unordered;
	int		 keep_going;	/* go on after a failed line */
	/* set: read no more, drain, return */
	volatile sig_atomic_t *stop;
};

struct stage_map_stats {
	size_t		 read;		/* input lines taken */
	/* finished, failures included */
	size_t		 done;
	size_t		 failed;
	size_t		 in_flight;
	long long	 retries;	/* Lambda calls retried */
	long long	 ms;		/* since the start */
};

struct stage_map_hooks {
	/* The next input line into *line (reset by the caller): 0, 1 at
	 * the end, or -1 and *err. */
	int	(*next_input)(void *arg, struct cz_buf *line,
		    struct cz_err *err);
	/* One output line (no newline), from the calling thread. */
	void	(*on_result)(void *arg, size_t index, int failed,
		    const char *line, size_t len);
	/* Counts changed (at most every 100 ms, and at the end). */
	void	(*on_progress)(void *arg, const struct stage_map_stats *);
	void	 *arg;
};

/*
 * Runs the map.  Blocks.  0 when every line succeeded; 1 when some failed
 * (with keep_going every line ran; without it the run stopped reading
 * after the first failure and drained what was in flight); -1 and *err
 * when input could not be read or an engine failed.  *stats is filled
 * either way.
 */
int	stage_map(const struct stage_map_opts *,
	    const struct stage_map_hooks *, struct stage_map_stats *,
	    struct cz_err *);

/* The event sent for one input: wrapped for cz_function, or as is. */
void	stage_map_event(const char *cz_function, const char *input,
	    size_t len, struct cz_buf *out);

#endif
