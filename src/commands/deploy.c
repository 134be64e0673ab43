/*
 * czappa deploy: create or converge everything the stage needs and print its URL.
 * The capability lands with issue 4; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

enum {
	O_DRY_RUN = 256,
};

static const struct cli_opt deploy_opts[] = {
	{ O_DRY_RUN, "dry-run", CLI_FLAG, "print the plan and change nothing", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_deploy = {
	.name = "deploy",
	.args = "<stage> [--dry-run]",
	.summary = "create or converge everything the stage needs and print its URL",
	.opts = deploy_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.pending = 4,
};
