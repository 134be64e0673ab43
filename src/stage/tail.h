/*
 * stage/tail: what `czappa tail` does, without printing.  Polls
 * FilterLogEvents over a window that overlaps the previous one, so events
 * that reach CloudWatch late are still found, drops the ones already seen
 * by eventId (a set pruned by timestamp, so memory stays bounded), and
 * hands events to a hook in timestamp order across streams.
 *
 * Order against latency: an event is released only once it is `hold` older
 * than now, so an event written up to `hold` late still takes its place.
 * One that arrives later still than that is released once, marked late
 * (never dropped, never twice), and the hold grows to cover such lateness
 * (seen as ingestionTime - timestamp) unless the caller fixed it.  An event
 * whose timestamp is older than the window (hold + overlap) when it arrives
 * is not found at all: CloudWatch gives no way to ask "what was ingested
 * since", only "what is stamped between".
 */
#ifndef CZ_STAGE_TAIL_H
#define CZ_STAGE_TAIL_H

#include <signal.h>

#include "aws/client.h"
#include "base/err.h"

struct stage_tail_event {
	const char	*id;		/* eventId */
	const char	*stream;	/* log stream */
	const char	*message;	/* trailing newline removed */
	long long	 ts;		/* ms since the epoch */
	long long	 ingestion;	/* ms since the epoch, or 0 */
	/* older than one already released */
	int		 late;
};

struct stage_tail_hooks {
	/* One call per event, in order, from the calling thread. */
	void	(*on_event)(void *arg, const struct stage_tail_event *);
	/* The group does not exist (yet): once, before waiting for it. */
	void	(*on_waiting)(void *arg, const char *group);
	/* The group appeared after on_waiting. */
	void	(*on_found)(void *arg, const char *group);
	void	 *arg;
};

struct stage_tail_opts {
	/* /aws/lambda/<service>-<stage> */
	const char	*group;
	long long	 since_ms;	/* first timestamp, epoch ms */
	const char	*pattern;	/* filterPattern, or NULL */
	/* 0: what is there now, then return */
	int		 follow;
	long long	 hold_ms;	/* < 0: 2000, growing with lateness */
	/* re-read window past the hold; <= 0: 5000 */
	long long	 overlap_ms;
	long long	 min_poll_ms;	/* after activity; <= 0: 500 */
	long long	 max_poll_ms;	/* when idle; <= 0: 3000 */
	volatile sig_atomic_t *stop;	/* set (by SIGINT) to return 0 */
};

/*
 * Streams until *opts->stop is set (follow) or the window now is printed
 * (no follow); held events are released before it returns.  Waits for a
 * missing group when following; without follow a missing group returns 1.
 * Throttling past the client's retries slows polling down instead of
 * failing.  0, 1, or -1 and *err.
 */
int	stage_tail(struct aws_client *, const struct stage_tail_opts *,
	    const struct stage_tail_hooks *, struct cz_err *);

/*
 * --since: "90s", "10m", "2h", "3d", "1w" before now_ms, or an ISO 8601
 * time ("2026-11-24T10:00:00Z", "...T10:00:00.250+02:00", "2026-11-24
 * 10:00", "2026-11-24"; no zone means UTC).  0 and *out (ms since the
 * epoch), or -1 and *err.
 */
int	stage_tail_since(const char *spec, long long now_ms, long long *out,
	    struct cz_err *);

#endif
