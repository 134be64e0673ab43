/*
 * compile: the user's handler sources plus czappa's runtime library become
 * one `bootstrap` executable for the stage's architecture.  Finds the runtime
 * next to czappa itself, picks the compiler (a cross compiler for the other
 * architecture) and runs it through base/proc.h, never a shell.  Prints
 * nothing: the compiler's output is handed back for the CLI to show.
 */
#ifndef CZ_BUILD_COMPILE_H
#define CZ_BUILD_COMPILE_H

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"

#define BUILD_RUNTIME_LIB	"libczappa-runtime.a"
#define BUILD_RUNTIME_HEADER	"czappa.h"

struct build_runtime {
	char	*lib;		/* absolute path of libczappa-runtime.a */
	char	*incdir;	/* absolute directory holding czappa.h */
};

#define BUILD_RUNTIME_INIT	{ NULL, NULL }

/*
 * Finds the runtime library and header.  dir, if not NULL, is the one place
 * to look (both files in it); else $CZAPPA_RUNTIME_DIR is; else they are
 * looked for next to the executable in exe_dir (NULL: the directory of
 * /proc/self/exe): <exe_dir>/src/runtime (a build directory), then
 * <exe_dir>/../lib/czappa, ../lib/<any>/czappa, ../lib64/czappa for the
 * library and ../include/czappa for the header (after `meson install`).
 * 0 and *rt filled (release it), or -1 and *err naming every place tried.
 */
int	build_runtime_find(const char *dir, const char *exe_dir,
	    struct build_runtime *rt, struct cz_err *err);
void	build_runtime_release(struct build_runtime *);

/*
 * The compiler for arch ("x86_64" or "arm64"): cc_override split at spaces if
 * not NULL; else $CC or `cc` when arch is this machine's; else the Debian
 * cross compiler (aarch64-linux-gnu-gcc, x86_64-linux-gnu-gcc).  Pushes its
 * argv onto *argv.  0, or -1 and *err naming a compiler missing from PATH and
 * the package that provides it.
 */
int	build_compiler(const char *arch, const char *cc_override,
	    struct cz_strv *argv, struct cz_err *err);

/* "x86_64" or "arm64": this machine, in provider.architecture's words. */
const char *build_host_arch(void);

/*
 * Compiles cfg's build.sources (relative to cfg->dir) with -std=gnu11 -O2,
 * build.cflags, the runtime and -l for build.libs, jansson and m, statically
 * unless build.static_link is 0, into the executable out (debug info
 * stripped unless a cflag starts with -g; out is absolute or relative to
 * cfg->dir, where the compiler runs).  Blocks until the
 * compiler ends (at most 5 minutes).  The compiler's stdout and stderr are
 * appended to *log whatever happens.  0, or -1 and *err: "compile failed"
 * when the compiler did, or a missing source or compiler named.
 */
int	build_compile(const struct config *cfg, const char *arch,
	    const struct build_runtime *rt, const char *cc_override,
	    const char *out, struct cz_buf *log, struct cz_err *err);

#endif
