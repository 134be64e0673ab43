/*
 * project: a project's configuration as the local pool's options (see
 * project.h).  LAMBDA_TASK_ROOT is the project directory rather than the
 * bootstrap's build folder because that is where build.files are, at the
 * same relative paths as in the zip, as `sam local` mounts the code folder.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "local/project.h"

int
local_project_init(struct local_project *p, const struct config *cfg,
    const char *bootstrap, int workers, struct cz_err *err)
{
	const char	*dir = cfg->dir ? cfg->dir : ".";
	size_t		 i;

	local_project_release(p);
	memset(&p->opts, 0, sizeof(p->opts));
	if ((p->task_root = realpath(dir, NULL)) == NULL)
		return cz_errf(err, "%s: %s", dir, strerror(errno));
	for (i = 0; i < cfg->environment.n; i++)
		cz_strv_pushf(&p->env, "%s=%s", cfg->environment.v[i].key,
		    cfg->environment.v[i].value);
	/* The deployed function's name, so handlers that log it match. */
	if (cfg->stage != NULL)
		cz_buf_addf(&p->name, "%s-%s", cfg->service, cfg->stage);
	else
		cz_buf_adds(&p->name, cfg->service);
	p->opts.bootstrap = bootstrap;
	p->opts.task_root = p->task_root;
	p->opts.function_name = p->name.s;
	p->opts.region = cfg->region;
	p->opts.memory = cfg->memory;
	p->opts.timeout_ms = cfg->timeout * 1000;
	p->opts.workers = workers;
	p->opts.env = (const char *const *)p->env.v;
	return 0;
}

void
local_project_release(struct local_project *p)
{
	cz_strv_release(&p->env);
	cz_buf_release(&p->name);
	free(p->task_root);
	p->task_root = NULL;
	p->opts.env = NULL;
	p->opts.function_name = NULL;
	p->opts.task_root = NULL;
}
