/*
 * package: a stage's configuration in, a deployable zip out.  Compiles the
 * handler with the runtime into `bootstrap`, checks that ELF against Amazon
 * Linux 2023 (bundling the shared libraries a dynamic build needs into lib/),
 * adds build.files and writes the deterministic zip with its SHA-256.  Used
 * by `czappa package`, `deploy` and `update`; it prints nothing.
 */
#ifndef CZ_BUILD_PACKAGE_H
#define CZ_BUILD_PACKAGE_H

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"

struct build_opts {
	const char	*arch;		/* NULL: cfg->architecture */
	const char	*output;	/* the zip; NULL: <dir>/.czappa/build/
					 * <arch>/<service>[-<stage>].zip */
	/* NULL: CZAPPA_RUNTIME_DIR, else next to czappa (see compile.h) */
	const char	*runtime_dir;
	/* compiler command; NULL: $CC, cc or the cross compiler for arch */
	const char	*cc;
};

struct build_result {
	/* the executable built */
	char			*bootstrap;
	char			*zip_path;	/* the zip written */
	unsigned long long	 zip_size;	/* bytes */
	/* bytes, all entries */
	unsigned long long	 unzipped_size;
	size_t			 entries;	/* files in the zip */
	/* 1: no loader, no libraries */
	int			 static_linked;
	/* "lib/libjansson.so.4": shared libraries czappa added */
	struct cz_strv		 bundled;
	char			 sha256_hex[65];	/* of the zip */
	char			 sha256_b64[45];	/* CodeSha256 */
	long long		 compile_ms;	/* time spent compiling */
	long long		 zip_ms;	/* checking and zipping */
	/* cc's stdout and stderr, also when it failed */
	struct cz_buf		 compiler_output;
	int			 cached;	/* 1: the compiler did not
						 * run, bootstrap came from
						 * the build cache */
};

#define BUILD_RESULT_INIT	{ NULL, NULL, 0, 0, 0, 0, CZ_STRV_INIT, \
	{ 0 }, { 0 }, 0, 0, CZ_BUF_INIT, 0 }

void	build_result_release(struct build_result *);

/*
 * Builds the zip for cfg (opts may be NULL: all defaults).  The compiler is
 * skipped when the build cache (cache.h) vouches for the bootstrap already
 * in .czappa/build/<arch>/, unless CZAPPA_NO_BUILD_CACHE is set to anything
 * but "" or "0"; the zip is written either way.  Blocks while the
 * compiler runs.  0 and *res filled (release it), or -1 and *err; on "compile
 * failed" res->compiler_output holds what the compiler said.  Release *res
 * either way.  The zip is
 * byte-for-byte the same for the same sources, files and toolchain.
 */
int	build_package(const struct config *cfg,
	    const struct build_opts *opts, struct build_result *res,
	    struct cz_err *err);

#endif
