/*
 * ui: everything the user sees besides results.  Decides colour and progress
 * once (none under NO_COLOR, --json or when stderr is not a terminal);
 * results go to stdout, the rest to stderr, so `czappa status dev --json | jq`
 * works.  Only cli/ and commands/ include this.
 */
#ifndef CZ_CLI_UI_H
#define CZ_CLI_UI_H

#include "aws/client.h"
#include "base/err.h"

struct cli_ctx;

void	ui_init(const struct cli_ctx *);
int	ui_json(void);			/* --json given */
int	ui_verbose(void);		/* -v count */
int	ui_interactive(void);		/* stdin and stderr are terminals */

/* A line to stderr (progress, notes); nothing under --json unless -v. */
void	ui_info(const char *, ...) __attribute__((format(printf, 1, 2)));
/* "czappa: warning: ..." to stderr, always. */
void	ui_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
/* "czappa: <one line>" to stderr. */
void	ui_error(const struct cz_err *);
/* Result text to stdout. */
void	ui_out(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Colour escapes, or "" when colour is off. */
const char *ui_bold(void);
const char *ui_dim(void);
const char *ui_red(void);
const char *ui_green(void);
const char *ui_yellow(void);
const char *ui_reset(void);

/* Hooks that print -v call traces, retries and upload progress. */
struct aws_hooks ui_aws_hooks(void);

/*
 * Asks a yes/no question on the terminal.  1 yes, 0 no; -1 and *err when
 * stdin is not a terminal ("stdin is not a terminal; pass --yes").
 */
int	ui_confirm(const char *question, const char *flag, struct cz_err *);
/* Asks for a value with a default; new string in *out.  -1 and *err as
 * ui_confirm, naming flag. */
int	ui_ask(const char *question, const char *def, const char *flag,
	    char **out, struct cz_err *);

#endif
