/*
 * czappa init: write serverless.yaml and handlers/app.c from the templates
 * compiled into czappa (stage_project_write).  On a terminal it asks each
 * answer with a default (as zappa init does); --yes takes them all from the
 * flags and defaults; on a non-terminal without --yes it fails naming
 * --yes.  Never overwrites without --force.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "stage/stage.h"

enum {
	O_SERVICE = 256,
	O_ARCH,
	O_HTTP,
	O_KEEP_WARM,
};

static const struct cli_opt init_opts[] = {
	{ 'y', "yes", CLI_FLAG,
	  "take every answer from flags and defaults; never prompt", NULL },
	{ O_SERVICE, "service", CLI_STR, "service name ([a-z0-9-])", "NAME" },
	{ O_ARCH, "architecture", CLI_STR, "x86_64 or arm64", "ARCH" },
	{ O_HTTP, "http", CLI_STR, "httpapi, function-url or none", "MODE" },
	{ O_KEEP_WARM, "keep-warm", CLI_STR, "rate(...) or false", "EXPR" },
	{ 'f', "force", CLI_FLAG, "overwrite existing files", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

/* The current directory's name, made a valid service name. */
static char *
s_default_service(void)
{
	char	 cwd[4096], *base, *out, *p;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return cz_xstrdup("app");
	base = strrchr(cwd, '/') ? strrchr(cwd, '/') + 1 : cwd;
	out = cz_xstrdup(*base ? base : "app");
	for (p = out; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p))
			*p = '-';
	}
	if (strlen(out) > 32)
		out[32] = '\0';
	if (!isalnum((unsigned char)out[0])) {
		free(out);
		out = cz_xstrdup("app");
	}
	return out;
}

static int
s_check(const char *what, const char *v, const char *const *allowed,
    struct cz_err *err)
{
	size_t	i;

	for (i = 0; allowed[i]; i++)
		if (strcmp(v, allowed[i]) == 0)
			return 0;
	return cz_errf(err, "init: %s \"%s\" is not one of %s%s%s", what, v,
	    allowed[0], allowed[1] ? ", " : "", allowed[1] ? allowed[1] : "");
}

static int
s_service_ok(const char *s, struct cz_err *err)
{
	const char	*p;

	if (*s == '\0' || strlen(s) > 32)
		return cz_errf(err, "init: service name must have 1..32 "
		    "characters");
	for (p = s; *p; p++)
		if (!(islower((unsigned char)*p) ||
		    isdigit((unsigned char)*p) || *p == '-'))
			return cz_errf(err, "init: service name \"%s\": only "
			    "a-z, 0-9 and - are allowed", s);
	return 0;
}

static int
init_run(struct cli_ctx *ctx, struct cz_err *err)
{
	static const char *const archs[] = { "x86_64", "arm64", NULL };
	static const char *const https[] = { "httpapi", "function-url",
					     "none", NULL };
	const char	*env_region = getenv("AWS_REGION") ?
			    getenv("AWS_REGION") : getenv("AWS_DEFAULT_REGION");
	char		*def_service = s_default_service();
	char		*ans[5] = { NULL };
	const char	*defs[5], *qs[5] = { "service name", "region",
			    "architecture (x86_64 or arm64)",
			    "http (httpapi, function-url or none)",
			    "keep-warm schedule (rate(...) or false)" };
	const char	*flags[5] = { "--service", "--region",
			    "--architecture", "--http", "--keep-warm" };
	struct stage_project	p;
	int		 i, rc = -1;

	defs[0] = cli_opt_str(ctx, O_SERVICE, def_service);
	defs[1] = ctx->region ? ctx->region : env_region ? env_region :
	    "us-east-1";
	defs[2] = cli_opt_str(ctx, O_ARCH, "x86_64");
	defs[3] = cli_opt_str(ctx, O_HTTP, "httpapi");
	defs[4] = cli_opt_str(ctx, O_KEEP_WARM, "rate(4 minutes)");
	for (i = 0; i < 5; i++) {
		if (cli_opt_flag(ctx, 'y')) {
			ans[i] = cz_xstrdup(defs[i]);
			continue;
		}
		if (ui_ask(qs[i], defs[i], "--yes", &ans[i], err) == -1) {
			cz_err_prefix(err, "init: %s (or give %s)", qs[i],
			    flags[i]);
			goto out;
		}
	}
	if (s_service_ok(ans[0], err) == -1 ||
	    s_check("architecture", ans[2], archs, err) == -1 ||
	    s_check("http", ans[3], https, err) == -1)
		goto out;
	if (strcmp(ans[4], "false") != 0 && strncmp(ans[4], "rate(", 5) != 0 &&
	    strncmp(ans[4], "cron(", 5) != 0) {
		cz_errf(err, "init: keep-warm \"%s\" is not rate(...), "
		    "cron(...) or false", ans[4]);
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.dir = ".";
	p.service = ans[0];
	p.region = ans[1];
	p.architecture = ans[2];
	p.http = ans[3];
	p.keep_warm = ans[4];
	p.force = cli_opt_flag(ctx, 'f');
	if (stage_project_write(&p, err) == -1)
		goto out;
	ui_info("wrote serverless.yaml and handlers/app.c for service %s "
	    "(%s, %s)", ans[0], ans[1], ans[2]);
	ui_out("next: czappa local   (try it here)\n"
	    "      czappa deploy dev (deploy it)\n");
	rc = 0;
out:
	for (i = 0; i < 5; i++)
		free(ans[i]);
	free(def_service);
	return rc;
}

const struct cli_command cmd_init = {
	.name = "init",
	.args = "[--yes] [--service NAME] [--region NAME] [--force]",
	.summary = "write serverless.yaml and a starter handler",
	.opts = init_opts,
	.needs = 0,
	.min_args = 0,
	.max_args = 0,
	.run = init_run,
};
