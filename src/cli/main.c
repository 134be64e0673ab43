/*
 * czappa's main: finds the command, parses its options, provides what it
 * needs (config of the stage, AWS client), runs it and maps the result to the
 * exit status.  The only file that calls exit(): 0 success, 1 failure, 2
 * usage errors and commands that have not landed yet.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "aws/client.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"

static int
s_provide(struct cli_ctx *ctx, struct config *cfg, struct cz_err *err)
{
	const struct cli_command	*cmd = ctx->cmd;
	struct aws_client_opts		 o;
	int				 want_cfg;

	want_cfg = (cmd->needs & CLI_NEEDS_CONFIG) ||
	    ((cmd->needs & CLI_OPTIONAL_CONFIG) &&
	    access(ctx->config_path, F_OK) == 0);
	if (want_cfg) {
		if (config_load(ctx->config_path, ctx->stage, cfg, err) == -1)
			return -1;
		ctx->cfg = cfg;
	}
	if (cmd->needs & CLI_NEEDS_AWS) {
		memset(&o, 0, sizeof(o));
		o.profile = ctx->profile;
		o.region = ctx->region;
		o.config_region = ctx->cfg ? ctx->cfg->region : NULL;
		o.config_profile = ctx->cfg ? ctx->cfg->profile : NULL;
		o.hooks = ui_aws_hooks();
		if (aws_client_new(&o, &ctx->aws, err) == -1)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const struct cli_command	*cmd;
	struct cli_ctx			 ctx;
	struct config			 cfg;
	struct cz_err			 err;
	int				 rc;

	signal(SIGPIPE, SIG_IGN);
	cz_err_clear(&err);
	memset(&cfg, 0, sizeof(cfg));
	memset(&ctx, 0, sizeof(ctx));
	ui_init(NULL);
	if (argc < 2) {
		cli_usage(NULL, 1);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && (cmd = cli_find(argv[2], &err)) != NULL)
			cli_usage(cmd, 0);
		else
			cli_usage(NULL, 0);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("czappa %s\n", CZ_VERSION);
		return 0;
	}
	if ((cmd = cli_find(argv[1], &err)) == NULL) {
		ui_error(&err);
		return 2;
	}
	if ((rc = cli_parse(cmd, argc - 2, argv + 2, &ctx, &err)) != 0) {
		if (rc == 1)
			cli_usage(cmd, 0);
		else
			ui_error(&err);
		cli_ctx_release(&ctx);
		return rc == 1 ? 0 : 2;
	}
	ui_init(&ctx);
	if (cmd->pending) {
		cz_errf(&err, "%s: not available yet (issue %d has not landed)",
		    cmd->name, cmd->pending);
		ui_error(&err);
		cli_ctx_release(&ctx);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = s_provide(&ctx, &cfg, &err);
	if (rc == 0)
		rc = cmd->run(&ctx, &err);
	if (rc != 0)
		ui_error(&err);
	if (ctx.aws)
		aws_client_free(ctx.aws);
	if (ctx.cfg)
		config_release(&cfg);
	cli_ctx_release(&ctx);
	curl_global_cleanup();
	fflush(stdout);
	return rc == 0 ? 0 : rc == 2 ? 2 : 1;
}
