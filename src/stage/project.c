/*
 * stage/project: the files `czappa init` writes, from templates/ compiled
 * into czappa (templates/embed.py), with the answers filled in.  Never
 * overwrites without force.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "stage/stage.h"

extern const char	stage_tpl_serverless_yaml[];
extern const size_t	stage_tpl_serverless_yaml_len;
extern const char	stage_tpl_app_c[];
extern const size_t	stage_tpl_app_c_len;

/* Replaces each @KEY@ of tpl by its value. */
static void
s_fill(struct cz_buf *out, const char *tpl, size_t len,
    const char *const *kv)
{
	size_t	i, k, n;

	for (i = 0; i < len; i++) {
		if (tpl[i] == '@') {
			for (k = 0; kv[k]; k += 2) {
				n = strlen(kv[k]);
				if (i + n + 1 < len + 1 && strncmp(tpl + i + 1,
				    kv[k], n) == 0 && tpl[i + 1 + n] == '@')
					break;
			}
			if (kv[k]) {
				cz_buf_adds(out, kv[k + 1]);
				i += n + 1;
				continue;
			}
		}
		cz_buf_addch(out, tpl[i]);
	}
}

int
stage_project_write(const struct stage_project *p, struct cz_err *err)
{
	const char *const	 kv[] = { "SERVICE", p->service, "REGION",
				    p->region, "ARCH", p->architecture, "HTTP",
				    p->http, "KEEP_WARM", p->keep_warm, NULL };
	struct cz_buf		 yaml = CZ_BUF_INIT, app = CZ_BUF_INIT;
	char			*ypath, *hdir, *apath;
	int			 rc = -1;

	ypath = cz_xasprintf("%s/serverless.yaml", p->dir);
	hdir = cz_xasprintf("%s/handlers", p->dir);
	apath = cz_xasprintf("%s/handlers/app.c", p->dir);
	if (!p->force && (cz_file_exists(ypath) || cz_file_exists(apath))) {
		cz_errf(err, "%s exists; pass --force to overwrite it",
		    cz_file_exists(ypath) ? ypath : apath);
		goto out;
	}
	s_fill(&yaml, stage_tpl_serverless_yaml,
	    stage_tpl_serverless_yaml_len, kv);
	s_fill(&app, stage_tpl_app_c, stage_tpl_app_c_len, kv);
	if (cz_mkdirs(hdir, 0755, err) == -1 ||
	    cz_file_write(ypath, yaml.s, yaml.len, 0644, err) == -1 ||
	    cz_file_write(apath, app.s, app.len, 0644, err) == -1)
		goto out;
	rc = 0;
out:
	free(ypath);
	free(hdir);
	free(apath);
	cz_buf_release(&yaml);
	cz_buf_release(&app);
	return rc;
}
