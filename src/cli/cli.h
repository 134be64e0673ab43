/*
 * cli: the command table, option parsing and what the dispatcher provides.
 * Each src/commands/<name>.c exports one `const struct cli_command`; the
 * dispatcher parses its .opts, prints help from the same table and meets its
 * .needs (the merged config of the named stage, an AWS client) before .run.
 */
#ifndef CZ_CLI_CLI_H
#define CZ_CLI_CLI_H

#include "base/err.h"

struct config;
struct aws_client;

enum cli_opt_type {
	CLI_FLAG,		/* no argument */
	CLI_STR,		/* one argument */
	CLI_UINT		/* one non-negative decimal argument */
};

/* Options whose key is below 256 also have that short form (-n). */
struct cli_opt {
	int			 key;
	const char		*name;		/* long form, without "--" */
	enum cli_opt_type	 type;
	const char		*help;
	/* "N", "PATTERN"; NULL: derived */
	const char		*metavar;
};

#define CLI_NEEDS_CONFIG	0x01	/* load serverless.yaml */
#define CLI_NEEDS_STAGE		0x02	/* first argument names a stage */
#define CLI_NEEDS_AWS		0x04	/* credentials, region, client */
#define CLI_OPTIONAL_CONFIG	0x08	/* load serverless.yaml if present */

#define CLI_MAX_OPTS		24

struct cli_ctx {
	const struct cli_command *cmd;
	/* positional arguments after the stage */
	int		 argc;
	char		**argv;
	const char	*stage;
	struct config	*cfg;		/* NULL unless CLI_NEEDS_CONFIG */
	struct aws_client *aws;		/* NULL unless CLI_NEEDS_AWS */
	const char	*config_path;	/* -c, default serverless.yaml */
	const char	*profile;	/* --profile, or NULL */
	const char	*region;	/* --region, or NULL */
	int		 json;		/* --json */
	int		 verbose;	/* -v count */
	const char	*optval[CLI_MAX_OPTS];	/* parallel to cmd->opts */
	int		 optset[CLI_MAX_OPTS];
	char		**argv_mem;	/* owned copy of the argument vector */
};

struct cli_command {
	const char		*name;
	const char		*args;		/* "<stage> [-n N]" */
	const char		*summary;	/* one line, lowercase */
	/* longer text for --help, or NULL */
	const char		*help;
	const struct cli_opt	*opts;		/* { 0 }-terminated, or NULL */
	int			 needs;		/* CLI_NEEDS_* */
	/* positional arguments, stage incl. */
	int			 min_args;
	int			 max_args;	/* -1: any */
	int			 (*run)(struct cli_ctx *, struct cz_err *);
	int			 pending;	/* issue number while the
						 * capability has not landed */
};

/* The command table (cli/table.c), NULL-terminated, in help order. */
extern const struct cli_command *const cli_commands[];

/* Option values: the default when the option was not given. */
int		 cli_opt_flag(const struct cli_ctx *, int key);
const char	*cli_opt_str(const struct cli_ctx *, int key, const char *def);
unsigned long	 cli_opt_uint(const struct cli_ctx *, int key,
	    unsigned long def);

/* Parses argv (after the command name) into ctx; 0, or -1 and *err. */
int	cli_parse(const struct cli_command *, int argc, char **argv,
	    struct cli_ctx *, struct cz_err *);
void	cli_ctx_release(struct cli_ctx *);
/* Looks a command up by name or unique prefix; NULL and *err if none. */
const struct cli_command *cli_find(const char *name, struct cz_err *);
/* Writes the help of one command, or of czappa when cmd is NULL. */
void	cli_usage(const struct cli_command *cmd, int to_stderr);

#endif
