/*
 * czappa update: rebuild and apply only what changed (stage_update): code,
 * configuration, schedules; publish and move live.  Nothing at all when the
 * zip's SHA-256 and the configuration match what live serves: "no changes".
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

static void
s_step(const char *verb, int planned, const char *what, const char *detail,
    void *arg)
{
	(void)planned;
	(void)arg;
	if (strcmp(verb, "unchanged") == 0)
		return;
	ui_info("  %-9s %-22s %s", verb, what, detail);
}

static void
s_phase(const char *phase, long long ms, void *arg)
{
	json_object_set_new(arg, phase, json_integer(ms));
}

static void
s_wait(const char *why, int left, void *arg)
{
	(void)arg;
	if (ui_interactive() && !ui_json() && left >= 0) {
		fprintf(stderr, "\r  waiting for %s: %d s left \033[K", why,
		    left);
		fflush(stderr);
	} else
		ui_info("  waiting for %s", why);
}

static int
update_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct stage_opts	 o;
	struct stage_result	 res;
	struct cz_buf		 ph = CZ_BUF_INIT;
	json_t			*phases = json_object(), *j, *v;
	const char		*k;
	char			*s;

	memset(&o, 0, sizeof(o));
	o.progress = 1;
	o.hooks.on_step = s_step;
	o.hooks.on_phase = s_phase;
	o.hooks.on_wait = s_wait;
	o.build = cli_build_package;
	o.hooks.arg = phases;
	if (stage_update(ctx->aws, ctx->cfg, &o, &res, err) == -1) {
		json_decref(phases);
		stage_result_release(&res);
		return -1;
	}
	json_object_foreach(phases, k, v)
		cz_buf_addf(&ph, "%s%s %lld ms", ph.len ? ", " : "", k,
		    (long long)json_integer_value(v));
	if (ui_json()) {
		j = json_pack("{s:s,s:s,s:b,s:i,s:s?,s:s?,s:s?,s:I,s:O}",
		    "service", ctx->cfg->service, "stage", ctx->stage,
		    "changed", res.changes > 0, "changes", res.changes,
		    "version", res.version, "previous_version", res.previous,
		    "code_sha256", res.code_sha256, "ms", (json_int_t)res.ms,
		    "phases", phases);
		s = json_dumps(j, JSON_COMPACT);
		ui_out("%s\n", s ? s : "{}");
		free(s);
		json_decref(j);
	} else if (res.changes == 0)
		ui_out("no changes: live is version %s (%.1f s)\n",
		    res.version ? res.version : "?", res.ms / 1000.0);
	else if (res.previous && res.version &&
	    strcmp(res.previous, res.version) != 0)
		ui_out("updated: live moved from version %s to %s (%.1f s)\n",
		    res.previous, res.version, res.ms / 1000.0);
	else
		ui_out("updated: live is version %s (%.1f s)\n",
		    res.version ? res.version : "?", res.ms / 1000.0);
	ui_info("phases: %s", ph.s);
	cz_buf_release(&ph);
	json_decref(phases);
	stage_result_release(&res);
	return 0;
}

const struct cli_command cmd_update = {
	.name = "update",
	.args = "<stage>",
	.summary = "rebuild; upload and publish only if the code or config "
	    "changed",
	.help = "Compares the new zip's SHA-256 and the configuration with "
	    "what alias live serves, and the schedules with the rules.  "
	    "Changes nothing when they match; otherwise uploads, updates, "
	    "publishes and moves live.  The HTTP API, role and bucket are "
	    "deploy's.",
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.run = update_run,
};
