/*
 * czappa rollback: move alias live back N published versions
 * (stage_rollback).  The versions carry their code and configuration, so
 * both go back together; nothing is uploaded or published.
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/ui.h"
#include "stage/stage.h"

static const struct cli_opt rollback_opts[] = {
	{ 'n', "steps", CLI_UINT, "versions to go back (default 1)", "N" },
	{ 0, NULL, 0, NULL, NULL }
};

static int
rollback_run(struct cli_ctx *ctx, struct cz_err *err)
{
	char	*from = NULL, *to = NULL;

	if (stage_rollback(ctx->aws, ctx->cfg, cli_opt_uint(ctx, 'n', 1),
	    &from, &to, err) == -1)
		return -1;
	if (ui_json())
		ui_out("{\"stage\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}\n",
		    ctx->stage, from, to);
	else
		ui_out("rolled back %s: live moved from version %s to %s\n",
		    ctx->stage, from, to);
	free(from);
	free(to);
	return 0;
}

const struct cli_command cmd_rollback = {
	.name = "rollback",
	.args = "<stage> [-n N]",
	.summary = "point the stage back at an earlier published version",
	.opts = rollback_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.run = rollback_run,
};
