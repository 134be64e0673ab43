/*
 * czappa undeploy: remove everything the stage created (stage_undeploy),
 * after a confirmation on a terminal or --yes; --purge also removes logs and
 * artifacts.  Idempotent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/xmalloc.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"
#include "stage/stage.h"

enum {
	O_PURGE = 256,
};

static const struct cli_opt undeploy_opts[] = {
	{ 'y', "yes", CLI_FLAG, "do not ask for confirmation", NULL },
	{ O_PURGE, "purge", CLI_FLAG, "also remove the log group and the "
	    "artifacts (and the bucket if then empty)", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

static void
s_step(const char *verb, int planned, const char *what, const char *detail,
    void *arg)
{
	json_t	*list = arg;

	(void)planned;
	json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "action", verb,
	    "resource", what, "detail", detail));
	ui_info("  %s%-7s%s %-12s %s", strcmp(verb, "remove") == 0 ?
	    ui_red() : ui_dim(), strcmp(verb, "remove") == 0 ? "removed" :
	    "kept", ui_reset(), what, detail);
}

static void
s_wait(const char *why, int left, void *arg)
{
	(void)arg;
	(void)left;
	(void)why;
}

static int
undeploy_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct stage_opts	 o;
	struct stage_result	 res;
	json_t			*steps, *j;
	char			*q, *s;
	int			 yes;

	if (!cli_opt_flag(ctx, 'y')) {
		q = cz_xasprintf("remove everything stage %s of %s created%s?",
		    ctx->stage, ctx->cfg->service, cli_opt_flag(ctx, O_PURGE) ?
		    ", including logs and artifacts" : "");
		yes = ui_confirm(q, "--yes", err);
		free(q);
		if (yes == -1)
			return -1;
		if (yes == 0)
			return cz_errf(err, "undeploy: not confirmed; nothing "
			    "was removed");
	}
	steps = json_array();
	memset(&o, 0, sizeof(o));
	o.purge = cli_opt_flag(ctx, O_PURGE);
	o.hooks.on_step = s_step;
	o.hooks.on_wait = s_wait;
	o.hooks.arg = steps;
	if (stage_undeploy(ctx->aws, ctx->cfg, &o, &res, err) == -1) {
		json_decref(steps);
		return -1;
	}
	if (ui_json()) {
		j = json_pack("{s:s,s:s,s:i,s:O}", "service",
		    ctx->cfg->service, "stage", ctx->stage, "removed",
		    res.removed, "steps", steps);
		s = json_dumps(j, JSON_COMPACT);
		ui_out("%s\n", s ? s : "{}");
		free(s);
		json_decref(j);
	} else if (res.removed == 0)
		ui_out("nothing to remove: stage %s of %s has nothing left\n",
		    ctx->stage, ctx->cfg->service);
	else
		ui_out("undeployed %s/%s: %d resource%s removed\n",
		    ctx->cfg->service, ctx->stage, res.removed,
		    res.removed == 1 ? "" : "s");
	json_decref(steps);
	stage_result_release(&res);
	return 0;
}

const struct cli_command cmd_undeploy = {
	.name = "undeploy",
	.args = "<stage> [--yes] [--purge]",
	.summary = "remove everything the stage created",
	.help = "Removes, in reverse order: schedule targets and rules, Lambda "
	    "permissions, the HTTP API or function URL, alias live, the "
	    "function and its versions, the role and its policies.  Keeps the "
	    "log group and the artifacts unless --purge.  Asks first on a "
	    "terminal; elsewhere needs --yes.",
	.opts = undeploy_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.run = undeploy_run,
};
