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
	/* absolute path of libczappa-runtime.a */
	char	*lib;
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
 * The full path of prog as execvp would find it in PATH (new string), or NULL
 * when it is not there or not executable.
 */
char	*build_which(const char *prog);

/*
 * The arguments build_compile gives the compiler, pushed onto three lists:
 * cflags for compiling each source (-std=gnu11 -O2, build.cflags, -I of the
 * runtime), ldflags for linking (build.cflags again, -Wl,--strip-debug unless
 * a cflag starts with -g, -static unless build.static_link is 0) and ldlibs
 * after the objects (the runtime, -l of build.libs, -ljansson -lm).  The
 * build cache hashes exactly these.
 */
void	build_compile_flags(const struct config *cfg,
	    const struct build_runtime *rt, struct cz_strv *cflags,
	    struct cz_strv *ldflags, struct cz_strv *ldlibs);

/*
 * Compiles each of cfg's build.sources (relative to cfg->dir, where the
 * compiler runs) to an object with -MD, then links them with the runtime
 * into the executable out (absolute or relative to cfg->dir); the flags are
 * build_compile_flags'.  The objects (out-N.o) are removed afterwards; the
 * dependencies the compiler reported for all sources are merged into the
 * make-style depfile out.d, next to the binary, for the build cache.  Blocks
 * until the compiler ends (at most 5 minutes a run).  The compiler's stdout
 * and stderr are appended to *log whatever happens.  0, or -1 and *err:
 * "compile failed" when the compiler did, or a missing source or compiler
 * named.
 */
int	build_compile(const struct config *cfg, const char *arch,
	    const struct build_runtime *rt, const char *cc_override,
	    const char *out, struct cz_buf *log, struct cz_err *err);

#endif
