/*
 * czappa update: rebuild; upload and publish only what changed.
 * The capability lands with issue 4; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

const struct cli_command cmd_update = {
	.name = "update",
	.args = "<stage>",
	.summary = "rebuild; upload and publish only what changed",
	.opts = NULL,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.pending = 4,
};
