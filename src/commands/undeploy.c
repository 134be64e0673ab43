/*
 * czappa undeploy: remove everything the stage created.
 * The capability lands with issue 4; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

enum {
	O_PURGE = 256,
};

static const struct cli_opt undeploy_opts[] = {
	{ O_PURGE, "purge", CLI_FLAG, "also delete logs and uploaded artifacts", NULL },
	{ 'y', "yes", CLI_FLAG, "do not ask for confirmation", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_undeploy = {
	.name = "undeploy",
	.args = "<stage> [--purge] [--yes]",
	.summary = "remove everything the stage created",
	.opts = undeploy_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.pending = 4,
};
