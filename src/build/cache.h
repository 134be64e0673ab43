/*
 * cache: skips the compiler when nothing that decides the bootstrap changed,
 * as make and ninja do, but by content instead of mtimes (a checkout or a
 * `touch` changes mtimes, not bytes).  Next to the bootstrap lie bootstrap.d,
 * the make-style dependency list the compiler wrote during the last real
 * build (-MD), and bootstrap.key, the SHA-256 of every input and of the
 * bootstrap itself.  CZAPPA_NO_BUILD_CACHE=1 makes build_package compile
 * anyway.  Prints nothing.
 */
#ifndef CZ_BUILD_CACHE_H
#define CZ_BUILD_CACHE_H

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"
#include "build/compile.h"
#include "config/config.h"

/*
 * Parses a make-style depfile (what cc -MD writes: "t: a.c b.h \" lines,
 * "\ " for a space, "$$" for "$", several rules when -MP was given) and
 * pushes every prerequisite not yet in *deps.  Targets are dropped.  0, or
 * -1 and *err when text has no rule at all.
 */
int	build_depfile_parse(const char *text, struct cz_strv *deps,
	    struct cz_err *err);

/* Appends one rule "target: deps..." to *out, escaped as make reads it. */
void	build_depfile_write(struct cz_buf *out, const char *target,
	    const struct cz_strv *deps);

/*
 * The cache key, lowercase hex, of the bootstrap build_compile would make
 * from cfg for arch with rt and the compiler cc_override (as for
 * build_compiler): SHA-256 over the scheme's version, arch, the working
 * directory, the compiler's full path and its `--version` output, the
 * compiler environment (CPATH, C_INCLUDE_PATH, LIBRARY_PATH, GCC_EXEC_PREFIX,
 * COMPILER_PATH), every flag and library (build_compile_flags), the runtime
 * library's and header's bytes, each source's name and bytes, and each
 * file of deps (the last build's dependency list; relative to cfg->dir) by
 * name and bytes, a missing one marked as such.  Runs the compiler once for
 * --version (at most 30 s).  0, or -1 and *err.
 */
int	build_cache_key(const struct config *cfg, const char *arch,
	    const struct build_runtime *rt, const char *cc_override,
	    const struct cz_strv *deps, char hex[65], struct cz_err *err);

/*
 * Whether out (absolute) is a bootstrap built from exactly these inputs:
 * out.key names the key of the inputs it was built from and out's own
 * SHA-256; both must match what is on disk now, with the dependency list
 * read from out.d.  0: reuse out, the compiler need not run; 1: compile (no
 * entry, another input, or an entry that is damaged or does not match out's
 * bytes); -1 and *err when the key cannot be computed (no compiler).
 */
int	build_cache_lookup(const struct config *cfg, const char *arch,
	    const struct build_runtime *rt, const char *cc_override,
	    const char *out, struct cz_err *err);

/* Removes out.key, so a build that fails or is killed halfway leaves no
 * entry that could vouch for a half-written out. */
void	build_cache_forget(const char *out);

/*
 * Records the entry for out, just built by build_compile (which wrote
 * out.d): out.key with the key of the inputs as they are now and out's
 * SHA-256.  0, or -1 and *err.
 */
int	build_cache_store(const struct config *cfg, const char *arch,
	    const struct build_runtime *rt, const char *cc_override,
	    const char *out, struct cz_err *err);

#endif
