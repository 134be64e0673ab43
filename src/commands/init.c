/*
 * czappa init: write serverless.yaml and a starter handler.
 * The capability lands with issue 4; until then the command says so and
 * exits 2.
 */
#include "cli/cli.h"

enum {
	O_SERVICE = 256,
	O_ARCH,
	O_HTTP,
	O_KEEP_WARM,
};

static const struct cli_opt init_opts[] = {
	{ 'y', "yes", CLI_FLAG, "take every answer from flags and defaults; never prompt", NULL },
	{ O_SERVICE, "service", CLI_STR, "service name ([a-z0-9-])", "NAME" },
	{ O_ARCH, "architecture", CLI_STR, "x86_64 or arm64", "ARCH" },
	{ O_HTTP, "http", CLI_STR, "httpapi, function-url or none", "MODE" },
	{ O_KEEP_WARM, "keep-warm", CLI_STR, "rate(...) or false", "EXPR" },
	{ 'f', "force", CLI_FLAG, "overwrite existing files", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

const struct cli_command cmd_init = {
	.name = "init",
	.args = "[--yes] [--service NAME] [--region NAME] [--force]",
	.summary = "write serverless.yaml and a starter handler",
	.opts = init_opts,
	.needs = CLI_OPTIONAL_CONFIG,
	.min_args = 0,
	.max_args = 0,
	.pending = 4,
};
