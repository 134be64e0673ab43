/*
 * services/logs_read: the CloudWatch Logs reads `czappa tail` polls with,
 * FilterLogEvents and DescribeLogGroups.  Kept apart from services/logs.c
 * (the deploy's group, retention and deletion).  One page per call:
 * stage/tail.c decides windows, paging and waiting.  Nothing here retries
 * beyond what aws_send does.
 */
#ifndef CZ_SERVICES_LOGS_READ_H
#define CZ_SERVICES_LOGS_READ_H

#include <stddef.h>

#include "aws/client.h"
#include "base/err.h"

struct logs_event {
	char		*id;		/* eventId: opaque, unique */
	char		*stream;	/* logStreamName */
	/* as written, trailing newline kept */
	char		*message;
	long long	 ts;		/* timestamp, ms since the epoch */
	long long	 ingestion;	/* ingestionTime, ms; 0 if absent */
};

struct logs_page {
	struct logs_event	*ev;
	size_t			 n;
	/* NULL on the last page */
	char			*next_token;
};

struct logs_filter_in {
	const char	*group;
	long long	 start_ms;	/* inclusive; 0: none */
	long long	 end_ms;	/* inclusive; 0: none */
	const char	*pattern;	/* filterPattern, or NULL */
	/* from the previous page, or NULL */
	const char	*next_token;
	int		 limit;		/* 0: the service's (10000) */
};

void	logs_event_release(struct logs_event *);
void	logs_page_release(struct logs_page *);

/*
 * FilterLogEvents with interleaved=true (moto sorts across streams only
 * then; AWS always does).  0 and *page (one page; events as the service
 * ordered them); 1 if the group does not exist; -1 and *err.
 */
int	logs_filter_log_events(struct aws_client *,
	    const struct logs_filter_in *, struct logs_page *, struct cz_err *);
/*
 * DescribeLogGroups by prefix, looking for exactly `group`.  0 if it
 * exists, 1 if not, -1 and *err.
 */
int	logs_describe_log_group(struct aws_client *, const char *group,
	    struct cz_err *);

#endif
