/*
 * czappa deploy: create or converge everything the stage needs
 * (stage_deploy) and print its URL, a summary and the time each phase
 * took.  --dry-run prints the plan and changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/build_hook.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"
#include "stage/stage.h"

enum {
	O_DRY_RUN = 256,
};

static const struct cli_opt deploy_opts[] = {
	{ O_DRY_RUN, "dry-run", CLI_FLAG, "print the plan and change nothing",
	  NULL },
	{ 0, NULL, 0, NULL, NULL }
};

struct deploy_ui {
	json_t	*phases;
	char	 last_wait[64];
};

static void
s_step(const char *verb, int planned, const char *what, const char *detail,
    void *arg)
{
	const char	*c = strcmp(verb, "create") == 0 ? ui_green() :
			    strcmp(verb, "update") == 0 ? ui_yellow() :
			    strcmp(verb, "remove") == 0 ? ui_red() : ui_dim();

	(void)arg;
	ui_info("  %s%s%-9s%s %-22s %s", planned && strcmp(verb, "unchanged") ?
	    "would " : "", c, verb, ui_reset(), what, detail);
}

static void
s_phase(const char *phase, long long ms, void *arg)
{
	struct deploy_ui	*u = arg;

	json_object_set_new(u->phases, phase, json_integer(ms));
}

static void
s_wait(const char *why, int left, void *arg)
{
	struct deploy_ui	*u = arg;

	if (ui_interactive() && !ui_json() && left >= 0) {
		fprintf(stderr, "\r  waiting for %s: %d s left \033[K", why,
		    left);
		fflush(stderr);
		return;
	}
	if (strcmp(u->last_wait, why) != 0) {
		snprintf(u->last_wait, sizeof(u->last_wait), "%s", why);
		ui_info("  waiting for %s", why);
	}
}

static int
deploy_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct deploy_ui	 u = { json_object(), "" };
	struct stage_opts	 o;
	struct stage_result	 res;
	const char		*k;
	json_t			*v, *j;
	char			*s;
	int			 dry = cli_opt_flag(ctx, O_DRY_RUN), rc;

	memset(&o, 0, sizeof(o));
	o.dry_run = dry;
	o.progress = 1;
	o.hooks.on_step = s_step;
	o.hooks.on_phase = s_phase;
	o.hooks.on_wait = s_wait;
	o.build = cli_build_package;
	o.hooks.arg = &u;
	ui_info("%s%s %s/%s%s", ui_bold(), dry ? "plan for" : "deploying",
	    ctx->cfg->service, ctx->stage, ui_reset());
	rc = stage_deploy(ctx->aws, ctx->cfg, &o, &res, err);
	if (rc == -1) {
		json_decref(u.phases);
		stage_result_release(&res);
		return -1;
	}
	if (ui_json()) {
		j = json_pack("{s:s,s:s,s:b,s:s?,s:s?,s:s?,s:s?,s:s?,s:I,s:i,"
		    "s:I,s:O}", "service", ctx->cfg->service, "stage",
		    ctx->stage, "dry_run", dry, "url", res.url,
		    "function_arn", res.function_arn, "version", res.version,
		    "previous_version", res.previous, "code_sha256",
		    res.code_sha256, "zip_size", (json_int_t)res.zip_size,
		    "changes", res.changes, "ms", (json_int_t)res.ms,
		    "phases", u.phases);
		s = json_dumps(j, JSON_COMPACT);
		ui_out("%s\n", s ? s : "{}");
		free(s);
		json_decref(j);
	} else {
		struct cz_buf	ph = CZ_BUF_INIT;

		json_object_foreach(u.phases, k, v)
			cz_buf_addf(&ph, "%s%s %lld ms", ph.len ? ", " : "", k,
			    (long long)json_integer_value(v));
		if (dry)
			ui_info("plan: %d change%s; nothing was changed",
			    res.changes, res.changes == 1 ? "" : "s");
		else
			ui_info("%s%s/%s deployed%s in %.1f s: %d change%s, "
			    "live -> version %s", ui_bold(), ctx->cfg->service,
			    ctx->stage, ui_reset(), res.ms / 1000.0,
			    res.changes, res.changes == 1 ? "" : "s",
			    res.version ? res.version : "?");
		ui_info("phases: %s", ph.s);
		cz_buf_release(&ph);
		if (res.url)
			ui_out("%s\n", res.url);
	}
	json_decref(u.phases);
	stage_result_release(&res);
	return 0;
}

const struct cli_command cmd_deploy = {
	.name = "deploy",
	.args = "<stage> [--dry-run]",
	.summary = "create or converge everything the stage needs and print "
	    "its URL",
	.help = "Creates what is missing and updates what differs: artifact "
	    "bucket, zip, IAM role, function, version and alias live, HTTP API "
	    "or function URL, schedules, log group.  Prints each resource, the "
	    "time of each phase and the URL (stdout).",
	.opts = deploy_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.run = deploy_run,
};
