/*
 * czappa invoke: invoke the live alias directly and print the result and log tail.
 * The capability lands with issue 5; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

enum {
	O_ASYNC = 256,
	O_LOCAL,
	O_FUNCTION,
};

static const struct cli_opt invoke_opts[] = {
	{ O_ASYNC, "async", CLI_FLAG, "queue an Event invocation", NULL },
	{ O_LOCAL, "local", CLI_FLAG, "run the locally built bootstrap instead", NULL },
	{ O_FUNCTION, "function", CLI_STR, "the cz_function to call", "NAME" },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_invoke = {
	.name = "invoke",
	.args = "<stage> [JSON | -] [--async] [--local]",
	.summary = "invoke the live alias directly and print the result and log tail",
	.opts = invoke_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 2,
	.pending = 5,
};
