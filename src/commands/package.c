/*
 * czappa package: build the stage's deployment zip and nothing else (no AWS
 * account is involved).  build/package.h does the work; this file shows
 * the result: the zip's path, size and SHA-256 on stdout (one JSON object
 * under --json), the compiler's output on stderr when the compile failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "base/buf.h"
#include "build/package.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"

static const struct cli_opt package_opts[] = {
	{ 'o', "output", CLI_STR, "where to write the zip", "FILE" },
	{ 0, NULL, 0, NULL, NULL }
};

static void
s_print_json(const struct config *cfg, const struct build_result *res)
{
	json_t	*o, *libs;
	char	*s;
	size_t	 i;

	libs = json_array();
	for (i = 0; i < res->bundled.n; i++)
		json_array_append_new(libs, json_string(res->bundled.v[i]));
	o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:b,s:o,s:I,s:b,s:I}",
	    "path", res->zip_path,
	    "bootstrap", res->bootstrap,
	    "architecture", cfg->architecture,
	    "size", (json_int_t)res->zip_size,
	    "unzipped_size", (json_int_t)res->unzipped_size,
	    "entries", (json_int_t)res->entries,
	    "sha256", res->sha256_hex,
	    "code_sha256", res->sha256_b64,
	    "static", res->static_linked,
	    "bundled", libs,
	    "compile_ms", (json_int_t)res->compile_ms,
	    "cached", res->cached,
	    "zip_ms", (json_int_t)res->zip_ms);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ui_out("%s\n", s);
	free(s);
	json_decref(o);
}

static void
s_print_text(const struct config *cfg, const struct build_result *res)
{
	size_t	i;

	ui_out("%s\n", res->zip_path);
	ui_out("  size         %llu bytes (%.1f KiB), %zu file%s, %llu bytes "
	    "unzipped\n", res->zip_size, res->zip_size / 1024.0,
	    res->entries, res->entries == 1 ? "" : "s", res->unzipped_size);
	ui_out("  sha256       %s\n", res->sha256_hex);
	ui_out("  code sha256  %s\n", res->sha256_b64);
	ui_out("  bootstrap    %s, %s\n", cfg->architecture,
	    res->static_linked ? "static" : "dynamic");
	for (i = 0; i < res->bundled.n; i++)
		ui_out("  bundled      %s\n", res->bundled.v[i]);
	ui_out("  took         compile %lld ms%s, check and zip %lld ms\n",
	    res->compile_ms, res->cached ? " (cached: sources unchanged)" :
	    "", res->zip_ms);
}

static int
package_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct build_opts	 o = { NULL, NULL, NULL, NULL };
	struct build_result	 res = BUILD_RESULT_INIT;
	int			 rc = -1;

	o.output = cli_opt_str(ctx, 'o', NULL);
	ui_info("building %s-%s for %s", ctx->cfg->service, ctx->stage,
	    ctx->cfg->architecture);
	if (build_package(ctx->cfg, &o, &res, err) == -1) {
		/* The compiler's own words say what to fix; keep them whole. */
		if (res.compiler_output.len > 0) {
			fwrite(res.compiler_output.s, 1,
			    res.compiler_output.len, stderr);
			if (res.compiler_output.s[res.compiler_output.len -
			    1] != '\n')
				fputc('\n', stderr);
		}
		goto out;
	}
	/* Warnings of a compile that succeeded are worth seeing too. */
	if (res.compiler_output.len > 0 && !ctx->json)
		fwrite(res.compiler_output.s, 1, res.compiler_output.len,
		    stderr);
	if (ctx->json)
		s_print_json(ctx->cfg, &res);
	else
		s_print_text(ctx->cfg, &res);
	rc = 0;
out:
	build_result_release(&res);
	return rc;
}

const struct cli_command cmd_package = {
	.name = "package",
	.args = "<stage> [-o FILE]",
	.summary = "build the deployment zip only",
	.help = "Compiles build.sources with czappa's runtime into a static "
	    "bootstrap for\nprovider.architecture, checks it will run on "
	    "Amazon Linux 2023, and writes\nthe zip (bootstrap 0755 plus "
	    "build.files), byte-identical for the same\ninputs.  Default "
	    "path: .czappa/build/<arch>/<service>-<stage>.zip.\nPrints the "
	    "path, size and SHA-256 (--json: one object).",
	.opts = package_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE,
	.min_args = 1,
	.max_args = 1,
	.run = package_run,
};
