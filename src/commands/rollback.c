/*
 * czappa rollback: point the stage back at an earlier published version.
 * The capability lands with issue 4; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

static const struct cli_opt rollback_opts[] = {
	{ 'n', "steps", CLI_UINT, "versions to go back (default 1)", "N" },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_rollback = {
	.name = "rollback",
	.args = "<stage> [-n N]",
	.summary = "point the stage back at an earlier published version",
	.opts = rollback_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.pending = 4,
};
