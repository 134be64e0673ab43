/*
 * stage/tail_internal: the seam tests/unit/test_tail.c drives stage/tail.c
 * through, so the ordering, de-duplication, hold and pruning logic runs
 * against a scripted CloudWatch and a fake clock, without the network or
 * real sleeps.  stage_tail() is stage_tail_io() with the real calls
 * (FilterLogEvents, the wall clock, sliced sleeps); nothing else includes
 * this header.
 */
#ifndef CZ_STAGE_TAIL_INTERNAL_H
#define CZ_STAGE_TAIL_INTERNAL_H

#include <stddef.h>

#include "services/logs_read.h"
#include "stage/tail.h"

struct stage_tail_io {
	/* One FilterLogEvents page, as logs_filter_log_events. */
	int		(*filter)(void *arg, const struct logs_filter_in *,
			    struct logs_page *, struct cz_err *);
	/* Now, ms since the epoch. */
	long long	(*wall_ms)(void *arg);
	/* Waits ms (or less once *opts->stop is set). */
	void		(*nap)(void *arg, long long ms);
	/* After each follow poll's release and prune: ids remembered and
	 * events held.  May be NULL. */
	void		(*on_poll)(void *arg, size_t seen, size_t pending,
			    long long hold_ms);
	void		 *arg;
};

/* stage_tail with *io in place of AWS, the clock and sleeping. */
int	stage_tail_io(const struct stage_tail_io *,
	    const struct stage_tail_opts *, const struct stage_tail_hooks *,
	    struct cz_err *);

#endif
