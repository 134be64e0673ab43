/*
 * czappa local: build the handler for this machine and serve it on 127.0.0.1.
 * The capability lands with issue 3; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

enum {
	O_SCHEDULE = 256,
};

static const struct cli_opt local_opts[] = {
	{ 'p', "port", CLI_UINT, "port on 127.0.0.1 (default 8000)", "PORT" },
	{ 'n', "concurrency", CLI_UINT, "bootstrap processes (default 2)", "N" },
	{ O_SCHEDULE, "schedule", CLI_STR, "fire the named schedule once and exit", "NAME" },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_local = {
	.name = "local",
	.args = "[stage] [-p PORT]",
	.summary = "build the handler for this machine and serve it on 127.0.0.1",
	.opts = local_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE,
	.min_args = 0,
	.max_args = 1,
	.pending = 3,
};
