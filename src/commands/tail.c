/*
 * czappa tail: stream the stage's CloudWatch logs until Ctrl-C.
 * The capability lands with issue 5; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

enum {
	O_SINCE = 256,
	O_FILTER,
	O_NO_FOLLOW,
};

static const struct cli_opt tail_opts[] = {
	{ O_SINCE, "since", CLI_STR, "start this far back: 10m, 2h or an ISO time", "WHEN" },
	{ O_FILTER, "filter", CLI_STR, "CloudWatch filter pattern", "PATTERN" },
	{ O_NO_FOLLOW, "no-follow", CLI_FLAG, "print what is there and exit", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_tail = {
	.name = "tail",
	.args = "<stage> [--since 10m] [--filter PATTERN] [--no-follow]",
	.summary = "stream the stage's CloudWatch logs until Ctrl-C",
	.opts = tail_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.pending = 5,
};
