/* cli/opts: option parsing from the one table, as every command sees it. */
#include <string.h>

#include "cli/cli.h"
#include "t.h"

enum { O_SINCE = 256, O_NO_FOLLOW };

static const struct cli_opt opts[] = {
	{ 'n', "steps", CLI_UINT, "versions to go back", "N" },
	{ 'y', "yes", CLI_FLAG, "do not ask", NULL },
	{ O_SINCE, "since", CLI_STR, "how far back", "WHEN" },
	{ O_NO_FOLLOW, "no-follow", CLI_FLAG, "exit", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

static const struct cli_command cmd = {
	.name = "demo",
	.args = "<stage> [-n N]",
	.summary = "a command for tests",
	.opts = opts,
	.needs = CLI_NEEDS_STAGE,
	.min_args = 1,
	.max_args = 2,
};

static const struct {
	const char	*name;
	const char	*argv[8];
	const char	*want;	/* NULL: parses; "help": asks for help */
	const char	*stage, *arg1, *since, *config;
	unsigned long	 steps;
	int		 yes, json, verbose;
} cases[] = {
	{ "stage only", { "dev" }, NULL, "dev", NULL, NULL,
	  "serverless.yaml", 1, 0, 0, 0 },
	{ "short with value", { "dev", "-n", "3" }, NULL, "dev", NULL, NULL,
	  "serverless.yaml", 3, 0, 0, 0 },
	{ "short glued", { "-n7", "dev" }, NULL, "dev", NULL, NULL,
	  "serverless.yaml", 7, 0, 0, 0 },
	{ "long with =", { "dev", "--steps=2", "--since=10m" }, NULL, "dev",
	  NULL, "10m", "serverless.yaml", 2, 0, 0, 0 },
	{ "long with space", { "--since", "2h", "dev" }, NULL, "dev", NULL,
	  "2h", "serverless.yaml", 1, 0, 0, 0 },
	{ "unique prefix", { "dev", "--sin", "1h" }, NULL, "dev", NULL, "1h",
	  "serverless.yaml", 1, 0, 0, 0 },
	{ "bundled flags", { "-yv", "dev", "x" }, NULL, "dev", "x", NULL,
	  "serverless.yaml", 1, 1, 0, 1 },
	{ "globals", { "--json", "-c", "other.yaml", "-vv", "dev" }, NULL,
	  "dev", NULL, NULL, "other.yaml", 1, 0, 1, 2 },
	{ "-- ends options", { "dev", "--", "-n" }, NULL, "dev", "-n", NULL,
	  "serverless.yaml", 1, 0, 0, 0 },
	{ "help", { "dev", "--help" }, "help", NULL, NULL, NULL, NULL,
	  0, 0, 0, 0 },
	{ "missing stage", { "-y" }, "demo: missing stage name (usage: "
	  "czappa demo <stage> [-n N])" , NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
	{ "too many", { "dev", "a", "b" }, "demo: unexpected argument \"b\" "
	  "(usage: czappa demo <stage> [-n N])" , NULL, NULL, NULL, NULL,
	  0, 0, 0, 0 },
	{ "unknown long", { "dev", "--frob" }, "demo: unknown option --frob "
	  "(see czappa demo --help)" , NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
	{ "unknown short", { "dev", "-q" }, "demo: unknown option -q (see "
	  "czappa demo --help)" , NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
	{ "ambiguous prefix", { "dev", "--no" }, "demo: ambiguous option --no "
	  "(see czappa demo --help)" , NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
	{ "number expected", { "dev", "-n", "x1" }, "demo: --steps: \"x1\" is "
	  "not a non-negative number" , NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
	{ "negative number", { "dev", "--steps=-1" }, "demo: --steps: \"-1\" "
	  "is not a non-negative number" , NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
	{ "value missing", { "dev", "--since" }, "demo: --since needs a value",
	  NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
	{ "flag with value", { "dev", "--yes=1" }, "demo: --yes takes no "
	  "value" , NULL, NULL, NULL, NULL, 0, 0, 0, 0 },
};

int
main(void)
{
	struct cli_ctx	ctx;
	struct cz_err	err;
	size_t		i;
	int		argc, rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (argc = 0; cases[i].argv[argc]; argc++)
			;
		cz_err_clear(&err);
		rc = cli_parse(&cmd, argc, (char **)cases[i].argv, &ctx, &err);
		if (cases[i].want && strcmp(cases[i].want, "help") == 0) {
			T_OK(rc == 1, "%s: asks for help", cases[i].name);
		} else if (cases[i].want) {
			T_OK(rc == -1, "%s: refused", cases[i].name);
			T_STREQ(err.msg, cases[i].want, "%s: message",
			    cases[i].name);
		} else if (T_OK(rc == 0, "%s: parses (%s)", cases[i].name,
		    err.msg)) {
			T_STREQ(ctx.stage, cases[i].stage, "%s: stage",
			    cases[i].name);
			T_STREQ(ctx.argc ? ctx.argv[0] : NULL, cases[i].arg1,
			    "%s: first argument", cases[i].name);
			T_STREQ(cli_opt_str(&ctx, O_SINCE, NULL),
			    cases[i].since, "%s: --since", cases[i].name);
			T_STREQ(ctx.config_path, cases[i].config,
			    "%s: --config", cases[i].name);
			T_OK(cli_opt_uint(&ctx, 'n', 1) == cases[i].steps,
			    "%s: --steps", cases[i].name);
			T_OK(cli_opt_flag(&ctx, 'y') == cases[i].yes,
			    "%s: --yes", cases[i].name);
			T_OK(ctx.json == cases[i].json && ctx.verbose ==
			    cases[i].verbose, "%s: --json and -v",
			    cases[i].name);
		}
		cli_ctx_release(&ctx);
	}
	T_OK(cli_find("depl", &err) != NULL &&
	    strcmp(cli_find("depl", &err)->name, "deploy") == 0,
	    "commands: unique prefix finds deploy");
	T_OK(cli_find("u", &err) == NULL && strcmp(err.msg, "ambiguous "
	    "command \"u\" (see czappa --help)") == 0,
	    "commands: ambiguous prefix is refused (%s)", err.msg);
	T_OK(cli_find("frob", &err) == NULL && strcmp(err.msg, "unknown "
	    "command \"frob\" (see czappa --help)") == 0,
	    "commands: unknown command is refused");
	for (i = 0; cli_commands[i]; i++)
		T_OK(cli_commands[i]->summary && cli_commands[i]->args &&
		    cli_commands[i]->pending == 0,
		    "command %s: has help and has landed",
		    cli_commands[i]->name);
	return t_done();
}
