/*
 * services/events: EventBridge schedule rules and their targets.  One
 * function per operation; none retries, waits or prints.  "Not found"
 * (ResourceNotFoundException) returns 1.  Tags are flat lists: key, value...
 */
#ifndef CZ_SERVICES_EVENTS_H
#define CZ_SERVICES_EVENTS_H

#include "aws/client.h"
#include "base/strv.h"

struct events_rule {
	char	*name;
	char	*arn;
	char	*expression;	/* ScheduleExpression */
	char	*state;		/* ENABLED | DISABLED */
	char	*description;
};

struct events_rules {
	struct events_rule	*v;
	size_t			 n;
};

void	events_rules_release(struct events_rules *);
/* ListRules with NamePrefix, every page: appended to *out. */
int	events_list_rules(struct aws_client *, const char *prefix,
	    struct events_rules *out, struct cz_err *);
/* PutRule (creates or updates): 0 and *arn (may be NULL; free it). */
int	events_put_rule(struct aws_client *, const char *name,
	    const char *expression, int enabled, const char *description,
	    const struct cz_strv *tags, char **arn, struct cz_err *);
/* DeleteRule: 0 (also when absent); -1 while it still has targets. */
int	events_delete_rule(struct aws_client *, const char *name,
	    struct cz_err *);

struct events_target {
	char	*id;
	char	*arn;
	/* the constant Input JSON, or NULL */
	char	*input;
};

struct events_targets {
	struct events_target	*v;
	size_t			 n;
};

void	events_targets_release(struct events_targets *);
/* ListTargetsByRule: appended to *out; 1 no such rule. */
int	events_list_targets_by_rule(struct aws_client *, const char *rule,
	    struct events_targets *out, struct cz_err *);
/* PutTargets with one target: -1 also when FailedEntryCount > 0. */
int	events_put_targets(struct aws_client *, const char *rule,
	    const char *id, const char *arn, const char *input,
	    struct cz_err *);
/* RemoveTargets by id: 0; 1 no such rule. */
int	events_remove_targets(struct aws_client *, const char *rule,
	    const struct cz_strv *ids, struct cz_err *);

#endif
