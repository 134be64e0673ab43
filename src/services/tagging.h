/*
 * services/tagging: Resource Groups Tagging API, to find what carries a
 * stage's tags (undeploy's final check, status's drift).  No retry, wait or
 * print here.
 */
#ifndef CZ_SERVICES_TAGGING_H
#define CZ_SERVICES_TAGGING_H

#include "aws/client.h"
#include "base/strv.h"

/* GetResources with TagFilters (key, value... every pair must match),
 * every page: ARNs appended to *arns. */
int	tagging_get_resources(struct aws_client *,
	    const struct cz_strv *tags, struct cz_strv *arns, struct cz_err *);

#endif
