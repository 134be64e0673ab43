/*
 * stage/names: the name of every resource of a stage (DESIGN.md section 3),
 * its tags, the rules it wants, and the context the stage operations share.
 * Internal to stage/.
 */
#ifndef CZ_STAGE_NAMES_H
#define CZ_STAGE_NAMES_H

#include <pthread.h>

#include "aws/client.h"
#include "base/strv.h"
#include "config/config.h"
#include "stage/stage.h"

#define STAGE_ALIAS		"live"
#define STAGE_RUNTIME		"provided.al2023"
#define STAGE_HANDLER		"bootstrap"
#define STAGE_BASIC_POLICY	"arn:aws:iam::aws:policy/service-role/" \
				"AWSLambdaBasicExecutionRole"
#define STAGE_INLINE_POLICY	"czappa-inline"

struct stage_names {
	char		*region;
	char		*account;
	char		*function;	/* <service>-<stage> */
	char		*function_arn;	/* unqualified */
	char		*alias_arn;	/* ...:live */
	char		*role;		/* <service>-<stage>-czappa */
	char		*role_arn;
	char		*api;		/* <service>-<stage> */
	/* /aws/lambda/<service>-<stage> */
	char		*log_group;
	char		*bucket;
	char		*key_prefix;	/* czappa/<service>/<stage>/ */
	char		*rule_prefix;	/* <service>-<stage>- */
	char		*owner;		/* rule description marker */
	char		*description;	/* the function's */
	/* key, value... with czappa:* */
	struct cz_strv	 tags;
};

/* A rule the stage wants. */
struct stage_rule {
	char	*name;
	char	*expression;
	char	*input;		/* the target's Input JSON */
	char	*description;	/* owner marker + kind */
	int	 enabled;
};

struct stage_ctx {
	struct aws_client	*c;
	const struct config	*cfg;
	const struct stage_opts	*o;
	struct stage_names	 n;
	struct stage_rule	*rules;
	size_t			 nrules;
	pthread_mutex_t		 mu;	/* hooks and counters */
	int			 changes;
	int			 removed;
};

/* Fills ctx->n and ctx->rules for cfg; account may be NULL (ARNs that
 * need it stay NULL). */
void	stage_ctx_init(struct stage_ctx *, struct aws_client *,
	    const struct config *, const struct stage_opts *,
	    const char *account);
void	stage_ctx_release(struct stage_ctx *);
/* Sets the account (and the names that need it) once it is known. */
void	stage_ctx_account(struct stage_ctx *, const char *account);
/* Reports one step through the hooks (thread-safe); verbs other than
 * "unchanged" and "keep" count as changes, "remove" as removed. */
void	stage_step(struct stage_ctx *, const char *verb, const char *what,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	stage_phase(struct stage_ctx *, const char *phase, long long ms);
void	stage_waiting(struct stage_ctx *, const char *why, int left);
/*
 * Aborts the open multipart uploads under the stage's key prefix (deploy.c).
 * czappa completes or aborts its own before it returns, so one still open
 * was left by a run killed mid-upload, and S3 keeps (and bills) its parts
 * until it is aborted.  A deploy of the same stage running at this moment
 * would lose its upload and fail; stages are not deployed concurrently.
 * Under dry-run only lists.  0 (also without a bucket), or -1 and *err.
 */
int	stage_abort_uploads(struct stage_ctx *, struct cz_err *);
/* The account in a Lambda ARN (arn:aws:lambda:r:ACCOUNT:function:x). */
char	*stage_arn_account(const char *arn);

#endif
