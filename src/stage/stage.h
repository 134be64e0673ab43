/*
 * stage: what a stage is in AWS and the operations on it as a whole:
 * deploy (converge), update (code and configuration only, nothing when
 * nothing changed), status, rollback and undeploy.  Resources are found
 * again by name and tags, never through a local state file.  Nothing here
 * prints: progress goes through struct stage_hooks, which the CLI installs
 * and which are called from one thread at a time.
 */
#ifndef CZ_STAGE_STAGE_H
#define CZ_STAGE_STAGE_H

#include <jansson.h>

#include "aws/client.h"
#include "base/err.h"
#include "config/config.h"

struct stage_hooks {
	/* One line about one resource.  verb: "create", "update",
	 * "unchanged", "remove", "keep"; planned is 1 under --dry-run
	 * (nothing was done). */
	void	(*on_step)(const char *verb, int planned, const char *what,
		    const char *detail, void *arg);
	/* A phase ("build", "role", "upload", "function"...) took ms. */
	void	(*on_phase)(const char *phase, long long ms, void *arg);
	/* Waiting for why; seconds_left counts down (-1: unknown). */
	void	(*on_wait)(const char *why, int seconds_left, void *arg);
	void	 *arg;
};

/*
 * The package deploy and update ship.  stage/ does not reach build/ (a
 * folder beside it): the CLI hands in a build function that fills this.
 */
struct stage_package {
	char			*zip_path;
	unsigned long long	 zip_size;	/* bytes */
	unsigned long long	 unzipped_size;	/* bytes */
	char			*sha256_hex;
	/* base64, the CodeSha256 Lambda reports */
	char			*sha256_b64;
};

#define STAGE_PACKAGE_INIT	{ NULL, 0, 0, NULL, NULL }

void	stage_package_release(struct stage_package *);

/*
 * Builds cfg's zip: 0 and *pkg filled, or -1 and *err.  Called once per
 * deploy or update, from a worker thread while IAM and S3 calls run.
 */
typedef int (*stage_build_fn)(const struct config *cfg,
    struct stage_package *pkg, struct cz_err *err, void *arg);

struct stage_opts {
	struct stage_hooks	 hooks;
	/* deploy and update: how to build the package */
	stage_build_fn		 build;
	void			*build_arg;
	/* plan only: read, never write */
	int			 dry_run;
	/* undeploy: logs and artifacts */
	int			 purge;
	/* upload progress via aws hooks */
	int			 progress;
};

struct stage_result {
	char		*url;		/* the HTTP URL, or NULL */
	char		*function_arn;
	char		*version;	/* the version `live` points at */
	/* what it pointed at before, or NULL */
	char		*previous;
	char		*code_sha256;	/* hex of the zip */
	unsigned long long zip_size;
	/* writes made (planned under dry-run) */
	int		 changes;
	int		 removed;	/* undeploy: resources removed */
	long long	 ms;		/* wall time */
};

void	stage_result_release(struct stage_result *);

/*
 * Converges everything DESIGN.md section 3 lists for cfg->stage: creates
 * what is missing, updates what differs.  Blocks (threads inside), waits for
 * IAM propagation and Lambda states, retries what AWS says to retry.  0 and
 * *res; -1 and *err.
 */
int	stage_deploy(struct aws_client *, const struct config *,
	    const struct stage_opts *, struct stage_result *, struct cz_err *);
/*
 * Rebuilds; when the zip's SHA-256, the function's configuration and the
 * schedules match what `live` serves, changes nothing (res->changes 0).
 * Otherwise updates code/configuration/schedules, publishes and moves
 * `live`.  -1 with a message naming `czappa deploy` when the stage does not
 * exist.
 */
int	stage_update(struct aws_client *, const struct config *,
	    const struct stage_opts *, struct stage_result *, struct cz_err *);
/*
 * Removes what the stage created, in reverse dependency order, waiting for
 * what AWS removes asynchronously; with opts->purge also the log group, the
 * artifacts and the bucket if then empty and czappa's.  Idempotent:
 * res->removed 0 when nothing was there.
 */
int	stage_undeploy(struct aws_client *, const struct config *,
	    const struct stage_opts *, struct stage_result *, struct cz_err *);
/*
 * What is deployed, as a JSON object (new reference in *out): function,
 * live version, code, settings, url, schedules, drift (list of strings).
 * 1 when the stage does not exist (no function); -1 and *err.
 */
int	stage_status(struct aws_client *, const struct config *,
	    json_t **out, struct cz_err *);
/*
 * Moves `live` back `steps` published versions.  *from and *to (free them)
 * name the versions.  -1 with a clear message when there is no such older
 * version.
 */
int	stage_rollback(struct aws_client *, const struct config *,
	    unsigned long steps, char **from, char **to, struct cz_err *);

/* What `czappa init` writes. */
struct stage_project {
	const char	*dir;		/* where to write; "." */
	const char	*service;
	const char	*region;
	const char	*architecture;
	/* httpapi | function-url | none */
	const char	*http;
	const char	*keep_warm;	/* rate(...) or "false" */
	int		 force;		/* overwrite existing files */
};

/* Writes serverless.yaml and handlers/app.c from the templates compiled
 * into czappa.  -1 naming the file when one exists and !force. */
int	stage_project_write(const struct stage_project *, struct cz_err *);

#endif
