/*
 * schedule: the schedule expressions EventBridge rules accept, checked before
 * any AWS call so a typo fails at load time with its place in the file
 * instead of halfway through a deploy.  Only the syntax is checked; whether a
 * cron expression ever fires (31 FEB) is EventBridge's business, as it is
 * there.
 */
#ifndef CZ_CONFIG_SCHEDULE_H
#define CZ_CONFIG_SCHEDULE_H

#include "base/err.h"

/*
 * 0 if expr is `rate(1 minute)`, `rate(N minutes|hours|days)` (singular unit
 * for 1, plural otherwise) or `cron(<6 fields>)` with EventBridge's field
 * ranges and wildcards; -1 and *err saying what is wrong ("cron: hours: 24 is
 * not in 0..23").  Does not allocate.
 */
int	config_schedule_check(const char *expr, struct cz_err *err);

#endif
