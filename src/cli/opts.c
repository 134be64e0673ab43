/*
 * Option parsing for every command from its one table (git's parse-options):
 * the global options below plus the command's .opts.  Accepts "--name=value",
 * "--name value", "-n value", "-nvalue", bundled short flags ("-vy") and "--"
 * to end options.  Help is printed from the same tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "cli/cli.h"

enum {
	G_CONFIG = 'c',
	G_HELP = 'h',
	G_VERBOSE = 'v',
	G_JSON = 1000,
	G_PROFILE,
	G_REGION,
	G_NO_COLOR
};

static const struct cli_opt s_global[] = {
	{ G_CONFIG, "config", CLI_STR, "configuration file (default "
	    "serverless.yaml)", "FILE" },
	{ G_PROFILE, "profile", CLI_STR, "AWS profile (overrides AWS_PROFILE "
	    "and the config)", "NAME" },
	{ G_REGION, "region", CLI_STR, "AWS region (overrides everything "
	    "else)", "NAME" },
	{ G_JSON, "json", CLI_FLAG, "machine-readable output on stdout", NULL },
	{ G_VERBOSE, "verbose", CLI_FLAG, "print each AWS call (repeat for "
	    "more)", NULL },
	{ G_NO_COLOR, "no-color", CLI_FLAG, "no colour (as NO_COLOR=1)", NULL },
	{ G_HELP, "help", CLI_FLAG, "show this help", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

static int
s_index(const struct cli_command *cmd, int key)
{
	int	i;

	for (i = 0; cmd->opts && cmd->opts[i].name; i++)
		if (cmd->opts[i].key == key)
			return i;
	return -1;
}

int
cli_opt_flag(const struct cli_ctx *ctx, int key)
{
	int	i = s_index(ctx->cmd, key);

	return i >= 0 ? ctx->optset[i] : 0;
}

const char *
cli_opt_str(const struct cli_ctx *ctx, int key, const char *def)
{
	int	i = s_index(ctx->cmd, key);

	return i >= 0 && ctx->optset[i] ? ctx->optval[i] : def;
}

unsigned long
cli_opt_uint(const struct cli_ctx *ctx, int key, unsigned long def)
{
	int	i = s_index(ctx->cmd, key);

	/* cli_parse checked the digits already. */
	return i >= 0 && ctx->optset[i] ? strtoul(ctx->optval[i], NULL, 10) :
	    def;
}

/* Finds an option by long name (or unique prefix) or short key. */
static const struct cli_opt *
s_lookup(const struct cli_command *cmd, const char *name, size_t len,
    int shortkey, int *global, struct cz_err *err)
{
	const struct cli_opt	*tabs[2] = { cmd->opts, s_global }, *hit = NULL;
	int			 t, i, hits = 0, hitglobal = 0;

	for (t = 0; t < 2; t++) {
		for (i = 0; tabs[t] && tabs[t][i].name; i++) {
			const struct cli_opt	*o = &tabs[t][i];

			if (shortkey) {
				if (o->key == shortkey && o->key < 256) {
					*global = t;
					return o;
				}
				continue;
			}
			if (strncmp(o->name, name, len) != 0)
				continue;
			if (o->name[len] == '\0') {
				*global = t;
				return o;
			}
			hit = o;
			hitglobal = t;
			hits++;
		}
	}
	if (shortkey) {
		cz_errf(err, "%s: unknown option -%c (see czappa %s --help)",
		    cmd->name, shortkey, cmd->name);
		return NULL;
	}
	if (hits == 1) {
		*global = hitglobal;
		return hit;
	}
	cz_errf(err, "%s: %s option --%.*s (see czappa %s --help)", cmd->name,
	    hits ? "ambiguous" : "unknown", (int)len, name, cmd->name);
	return NULL;
}

static int
s_set(struct cli_ctx *ctx, const struct cli_opt *o, int global,
    const char *val, struct cz_err *err)
{
	const char	*p;
	int		 i;

	if (o->type == CLI_UINT) {
		if (*val == '\0')
			return cz_errf(err, "%s: --%s: expected a number",
			    ctx->cmd->name, o->name);
		for (p = val; *p; p++)
			if (*p < '0' || *p > '9' || p - val > 9)
				return cz_errf(err, "%s: --%s: \"%s\" is not "
				    "a non-negative number", ctx->cmd->name,
				    o->name, val);
	}
	if (!global) {
		i = (int)(o - ctx->cmd->opts);
		ctx->optval[i] = val;
		ctx->optset[i]++;
		return 0;
	}
	switch (o->key) {
	case G_CONFIG:
		ctx->config_path = val;
		break;
	case G_PROFILE:
		ctx->profile = val;
		break;
	case G_REGION:
		ctx->region = val;
		break;
	case G_JSON:
		ctx->json = 1;
		break;
	case G_VERBOSE:
		ctx->verbose++;
		break;
	case G_NO_COLOR:
		setenv("NO_COLOR", "1", 1);
		break;
	case G_HELP:
		return 1;
	}
	return 0;
}

/* Returns 1 when --help was asked for. */
int
cli_parse(const struct cli_command *cmd, int argc, char **argv,
    struct cli_ctx *ctx, struct cz_err *err)
{
	const struct cli_opt	*o;
	char			*a, *eq;
	const char		*val;
	int			 i, j, global, r, help = 0, npos = 0,
				 endopts = 0;

	memset(ctx, 0, sizeof(*ctx));
	ctx->cmd = cmd;
	ctx->config_path = "serverless.yaml";
	ctx->argv = ctx->argv_mem = cz_xcalloc((size_t)argc + 1,
	    sizeof(char *));
	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (endopts || a[0] != '-' || a[1] == '\0') {
			ctx->argv[npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			endopts = 1;
			continue;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			if ((o = s_lookup(cmd, a + 2,
			    eq ? (size_t)(eq - a - 2) : strlen(a + 2), 0,
			    &global, err)) == NULL)
				return -1;
			if (o->type == CLI_FLAG) {
				if (eq)
					return cz_errf(err, "%s: --%s takes no "
					    "value", cmd->name, o->name);
				val = "1";
			} else if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return cz_errf(err, "%s: --%s needs a value",
				    cmd->name, o->name);
			if ((r = s_set(ctx, o, global, val, err)) == -1)
				return -1;
			help |= r;
			continue;
		}
		for (j = 1; a[j]; j++) {
			if ((o = s_lookup(cmd, NULL, 0, (unsigned char)a[j],
			    &global, err)) == NULL)
				return -1;
			if (o->type == CLI_FLAG) {
				if ((r = s_set(ctx, o, global, "1", err)) == -1)
					return -1;
				help |= r;
				continue;
			}
			if (a[j + 1])
				val = a + j + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return cz_errf(err, "%s: -%c needs a value",
				    cmd->name, a[j]);
			if (s_set(ctx, o, global, val, err) == -1)
				return -1;
			break;
		}
	}
	if (help)
		return 1;
	if (npos < cmd->min_args)
		return cz_errf(err, "%s: missing %s (usage: czappa %s %s)",
		    cmd->name, (cmd->needs & CLI_NEEDS_STAGE) && npos == 0 ?
		    "stage name" : "argument", cmd->name, cmd->args);
	if (cmd->max_args >= 0 && npos > cmd->max_args)
		return cz_errf(err, "%s: unexpected argument \"%s\" (usage: "
		    "czappa %s %s)", cmd->name, ctx->argv[cmd->max_args],
		    cmd->name, cmd->args);
	if ((cmd->needs & CLI_NEEDS_STAGE) && npos > 0) {
		ctx->stage = ctx->argv[0];
		ctx->argv++;
		npos--;
	}
	ctx->argc = npos;
	return 0;
}

void
cli_ctx_release(struct cli_ctx *ctx)
{
	free(ctx->argv_mem);
	ctx->argv = ctx->argv_mem = NULL;
}

const struct cli_command *
cli_find(const char *name, struct cz_err *err)
{
	const struct cli_command	*hit = NULL;
	size_t				 len = strlen(name);
	int				 i, hits = 0;

	for (i = 0; cli_commands[i]; i++) {
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
		if (strncmp(cli_commands[i]->name, name, len) == 0) {
			hit = cli_commands[i];
			hits++;
		}
	}
	if (hits == 1)
		return hit;
	cz_errf(err, "%s command \"%s\" (see czappa --help)",
	    hits ? "ambiguous" : "unknown", name);
	return NULL;
}

static void
s_opt_lines(FILE *f, const struct cli_opt *o)
{
	char	left[64];

	for (; o && o->name; o++) {
		const char	*mv = o->metavar ? o->metavar :
		    o->type == CLI_UINT ? "N" : "VALUE";

		if (o->key < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->key,
			    o->name, o->type == CLI_FLAG ? "" : " ",
			    o->type == CLI_FLAG ? "" : mv);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			    o->type == CLI_FLAG ? "" : " ",
			    o->type == CLI_FLAG ? "" : mv);
		fprintf(f, "  %-26s %s\n", left, o->help);
	}
}

void
cli_usage(const struct cli_command *cmd, int to_stderr)
{
	FILE	*f = to_stderr ? stderr : stdout;
	int	 i;

	if (cmd == NULL) {
		fprintf(f, "usage: czappa <command> [options]\n\n"
		    "Deploy C request handlers and functions to AWS Lambda.\n\n"
		    "commands:\n");
		for (i = 0; cli_commands[i]; i++)
			fprintf(f, "  %-10s %s\n", cli_commands[i]->name,
			    cli_commands[i]->summary);
		fprintf(f, "\noptions of every command:\n");
		s_opt_lines(f, s_global);
		fprintf(f, "  -V, --version              print the version\n"
		    "\nczappa <command> --help shows a command's options.\n");
		return;
	}
	fprintf(f, "usage: czappa %s %s\n\n%s\n", cmd->name, cmd->args,
	    cmd->summary);
	if (cmd->help)
		fprintf(f, "\n%s\n", cmd->help);
	if (cmd->opts && cmd->opts[0].name) {
		fprintf(f, "\noptions:\n");
		s_opt_lines(f, cmd->opts);
	}
	fprintf(f, "\noptions of every command:\n");
	s_opt_lines(f, s_global);
}
