/*
 * services/logs: the stage's log group (create, tag, retention, delete).
 * One function per operation; none retries, waits or prints.  Reading logs
 * (FilterLogEvents) lives in services/logs_read.c (issue 5).  Tags are flat
 * lists: key, value...
 */
#ifndef CZ_SERVICES_LOGS_H
#define CZ_SERVICES_LOGS_H

#include "aws/client.h"
#include "base/strv.h"

struct logs_group {
	char	*name;
	char	*arn;
	int	 retention_days;	/* 0: never expire */
	long long stored_bytes;
};

struct logs_groups {
	struct logs_group	*v;
	size_t			 n;
};

void	logs_groups_release(struct logs_groups *);
/* DescribeLogGroups with logGroupNamePrefix, every page: appended. */
int	logs_describe_log_groups(struct aws_client *, const char *prefix,
	    struct logs_groups *out, struct cz_err *);
/* CreateLogGroup with tags: 0; 1 when it exists already. */
int	logs_create_log_group(struct aws_client *, const char *name,
	    const struct cz_strv *tags, struct cz_err *);
/* PutRetentionPolicy (days one of CloudWatch's values). */
int	logs_put_retention_policy(struct aws_client *, const char *name,
	    int days, struct cz_err *);
/* DeleteRetentionPolicy: logs never expire. */
int	logs_delete_retention_policy(struct aws_client *, const char *name,
	    struct cz_err *);
/* DeleteLogGroup: 0; 1 absent. */
int	logs_delete_log_group(struct aws_client *, const char *name,
	    struct cz_err *);

#endif
