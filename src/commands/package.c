/*
 * czappa package: build the deployment zip only.
 * The capability lands with issue 3; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

static const struct cli_opt package_opts[] = {
	{ 'o', "output", CLI_STR, "where to write the zip", "FILE" },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_package = {
	.name = "package",
	.args = "<stage> [-o FILE]",
	.summary = "build the deployment zip only",
	.opts = package_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE,
	.min_args = 1,
	.max_args = 1,
	.pending = 3,
};
