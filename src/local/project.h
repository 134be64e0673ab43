/*
 * project: how a project's configuration becomes the local pool's options,
 * shared by `czappa local`, `invoke --local` and `map --local` so the three
 * run a bootstrap the same way: the stage's environment (TZ included),
 * memory and timeout, its function name, and the project directory as
 * LAMBDA_TASK_ROOT, where build.files sit at the paths they have in the zip.
 * Building the bootstrap stays with the caller (build/ is beside local/).
 */
#ifndef CZ_LOCAL_PROJECT_H
#define CZ_LOCAL_PROJECT_H

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"
#include "local/pool.h"

struct local_project {
	struct local_opts	 opts;		/* for local_pool_start(); its
						 * strings point into this */
	struct cz_strv		 env;		/* "K=V" of cfg->environment */
	struct cz_buf		 name;		/* <service>[-<stage>] */
	char			*task_root;	/* absolute project directory */
};

#define LOCAL_PROJECT_INIT	{ .env = CZ_STRV_INIT, .name = CZ_BUF_INIT }

/*
 * Fills *p for running bootstrap (borrowed: it must outlive *p) with cfg's
 * settings and workers processes (0: the pool's default).  Set
 * p->opts.hooks and any other option afterwards.  *p must be released
 * or LOCAL_PROJECT_INIT.  0, or -1 and *err when the project directory
 * cannot be resolved.  Release *p either way.
 */
int	local_project_init(struct local_project *p, const struct config *cfg,
	    const char *bootstrap, int workers, struct cz_err *err);
void	local_project_release(struct local_project *p);

#endif
