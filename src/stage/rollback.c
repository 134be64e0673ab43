/*
 * stage/rollback: point `live` back at an earlier published version.  A
 * published version carries its code and its configuration, so moving the
 * alias moves both together; nothing is re-uploaded or re-published.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "services/lambda.h"
#include "stage/names.h"

int
stage_rollback(struct aws_client *c, const struct config *cfg,
    unsigned long steps, char **from, char **to, struct cz_err *err)
{
	struct stage_ctx	 x;
	struct lambda_versions	 vs;
	char			*cur = NULL;
	size_t			 i;
	int			 r, rc = -1;

	*from = *to = NULL;
	memset(&vs, 0, sizeof(vs));
	stage_ctx_init(&x, c, cfg, NULL, NULL);
	if (steps == 0) {
		cz_errf(err, "rollback: -n must be at least 1");
		goto out;
	}
	if ((r = lambda_get_alias(c, x.n.function, STAGE_ALIAS, &cur,
	    err)) == -1)
		goto out;
	if (r == 1) {
		cz_errf(err, "stage %s is not deployed (no alias %s on %s)",
		    cfg->stage, STAGE_ALIAS, x.n.function);
		goto out;
	}
	if (lambda_list_versions_by_function(c, x.n.function, &vs, err) == -1)
		goto out;
	for (i = 0; i < vs.n; i++)
		if (strcmp(vs.v[i].version, cur) == 0)
			break;
	if (i == vs.n) {
		cz_errf(err, "alias %s points at version %s, which is not "
		    "among the published versions", STAGE_ALIAS, cur);
		goto out;
	}
	if (i < steps) {
		cz_errf(err, "cannot go back %lu version%s from version %s: "
		    "%s%s", steps, steps == 1 ? "" : "s", cur, i == 0 ?
		    "it is the oldest published version" : "the oldest is ",
		    i == 0 ? "" : vs.v[0].version);
		goto out;
	}
	if (lambda_update_alias(c, x.n.function, STAGE_ALIAS,
	    vs.v[i - steps].version, err) == -1)
		goto out;
	*from = cur;
	cur = NULL;
	*to = cz_xstrdup(vs.v[i - steps].version);
	rc = 0;
out:
	free(cur);
	lambda_versions_release(&vs);
	stage_ctx_release(&x);
	return rc;
}
