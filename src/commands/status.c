/*
 * czappa status: what is deployed for the stage (stage_status): function,
 * live version, code, settings, URL, schedules and drift; --json prints the
 * same object.  Exits non-zero when the stage does not exist.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/ui.h"
#include "stage/stage.h"

static const char *
s_str(json_t *st, const char *key)
{
	const char	*s = json_string_value(json_object_get(st, key));

	return s ? s : "-";
}

static int
status_run(struct cli_ctx *ctx, struct cz_err *err)
{
	json_t		*st, *v;
	char		*s;
	size_t		 i;

	if (stage_status(ctx->aws, ctx->cfg, &st, err) != 0)
		return -1;
	if (ui_json()) {
		s = json_dumps(st, JSON_COMPACT);
		ui_out("%s\n", s ? s : "{}");
		free(s);
		json_decref(st);
		return 0;
	}
	ui_out("function       %s\n", s_str(st, "function_arn"));
	ui_out("live version   %s\n", s_str(st, "live_version"));
	ui_out("code           %lld bytes, sha256 %s\n", (long long)
	    json_integer_value(json_object_get(st, "code_size")),
	    s_str(st, "code_sha256"));
	ui_out("memory         %lld MB\n", (long long)json_integer_value(
	    json_object_get(st, "memory")));
	ui_out("timeout        %lld s\n", (long long)json_integer_value(
	    json_object_get(st, "timeout")));
	ui_out("architecture   %s\n", s_str(st, "architecture"));
	ui_out("last modified  %s\n", s_str(st, "last_modified"));
	ui_out("url            %s\n", s_str(st, "url"));
	json_array_foreach(json_object_get(st, "schedules"), i, v)
		ui_out("schedule       %s %s%s\n", s_str(v, "rule"),
		    s_str(v, "expression"), json_string_value(
		    json_object_get(v, "state")) && json_string_value(
		    json_object_get(v, "state"))[0] == 'D' ? " (disabled)" :
		    "");
	if (json_array_size(json_object_get(st, "drift")) == 0)
		ui_out("drift          none\n");
	json_array_foreach(json_object_get(st, "drift"), i, v)
		ui_out("drift          %s\n", json_string_value(v));
	json_decref(st);
	return 0;
}

const struct cli_command cmd_status = {
	.name = "status",
	.args = "<stage>",
	.summary = "show what is deployed: ARN, version, URL, schedules, drift",
	.opts = NULL,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.run = status_run,
};
