/*
 * czappa status: show what is deployed: ARN, version, URL, schedules, drift.
 * The capability lands with issue 4; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

const struct cli_command cmd_status = {
	.name = "status",
	.args = "<stage>",
	.summary = "show what is deployed: ARN, version, URL, schedules, drift",
	.opts = NULL,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.pending = 4,
};
