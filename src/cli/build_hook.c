/* The build function deploy and update hand to stage/; see build_hook.h. */
#include "base/xmalloc.h"
#include "build/package.h"
#include "cli/build_hook.h"
#include "cli/ui.h"

int
cli_build_package(const struct config *cfg, struct stage_package *pkg,
    struct cz_err *err, void *arg)
{
	struct build_result	r = BUILD_RESULT_INIT;
	int			rc;

	(void)arg;
	rc = build_package(cfg, NULL, &r, err);
	/* Errors and warnings alike: the user wants gcc's own words. */
	if (r.compiler_output.len)
		ui_info("%s", r.compiler_output.s);
	if (rc == -1)
		goto out;
	pkg->zip_path = cz_xstrdup(r.zip_path);
	pkg->zip_size = r.zip_size;
	pkg->unzipped_size = r.unzipped_size;
	pkg->sha256_hex = cz_xstrdup(r.sha256_hex);
	pkg->sha256_b64 = cz_xstrdup(r.sha256_b64);
out:
	build_result_release(&r);
	return rc;
}
