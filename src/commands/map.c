/*
 * czappa map: fan a function out over many inputs on Lambda.
 * The capability lands with issue 5; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

enum {
	O_UNORDERED = 256,
	O_LOCAL,
	O_FUNCTION,
};

static const struct cli_opt map_opts[] = {
	{ 'j', "jobs", CLI_UINT, "invocations in flight (default 16)", "N" },
	{ O_UNORDERED, "unordered", CLI_FLAG, "print results as they finish", NULL },
	{ 'k', "keep-going", CLI_FLAG, "go on after a function error", NULL },
	{ O_LOCAL, "local", CLI_FLAG, "map over a pool of local bootstraps", NULL },
	{ O_FUNCTION, "function", CLI_STR, "the cz_function to call", "NAME" },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_map = {
	.name = "map",
	.args = "<stage> [INPUT.jsonl | -] [-j N]",
	.summary = "fan a function out over many inputs on Lambda",
	.opts = map_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 2,
	.pending = 5,
};
