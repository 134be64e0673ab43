/*
 * compile: see compile.h.  The runtime library is checked to be for the
 * target CPU before linking, because a linker's "file in wrong format" says
 * nothing about which file or what to do.
 */
#include <sys/stat.h>
#include <sys/utsname.h>

#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/xmalloc.h"
#include "build/cache.h"
#include "build/compile.h"
#include "build/elf.h"

#define COMPILE_TIMEOUT_MS	(5 * 60 * 1000)

/* 1 if path is a regular file. */
static int
s_is_file(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Absolute, resolved form of path (new string), or NULL. */
static char *
s_real(const char *path)
{
	char	*r;

	if ((r = realpath(path, NULL)) == NULL)
		return NULL;
	return r;
}

/* Looks for name in each of dirs; the resolved directory (new string) of the
 * first that has it, or NULL.  Every directory looked at is added to tried. */
static char *
s_find_in(const struct cz_strv *dirs, const char *name, struct cz_buf *tried)
{
	char	*p;
	size_t	 i;

	for (i = 0; i < dirs->n; i++) {
		cz_buf_addf(tried, "%s%s", tried->len ? ", " : "",
		    dirs->v[i]);
		p = cz_xasprintf("%s/%s", dirs->v[i], name);
		if (s_is_file(p)) {
			free(p);
			return s_real(dirs->v[i]);
		}
		free(p);
	}
	return NULL;
}

/* The directory of /proc/self/exe (new string), or NULL. */
static char *
s_exe_dir(void)
{
	char	*exe, *dir;

	if ((exe = realpath("/proc/self/exe", NULL)) == NULL)
		return NULL;
	dir = cz_dirname(exe);
	free(exe);
	return dir;
}

int
build_runtime_find(const char *dir, const char *exe_dir,
    struct build_runtime *rt, struct cz_err *err)
{
	struct cz_strv	 libdirs = CZ_STRV_INIT, incdirs = CZ_STRV_INIT;
	struct cz_buf	 tried = CZ_BUF_INIT;
	const char	*how = "";
	char		*own = NULL, *libdir = NULL;
	glob_t		 g;
	size_t		 i;
	int		 rc = -1;

	memset(rt, 0, sizeof(*rt));
	if (dir == NULL && (dir = getenv("CZAPPA_RUNTIME_DIR")) != NULL &&
	    *dir != '\0')
		how = " (from CZAPPA_RUNTIME_DIR)";
	else if (dir != NULL && *dir == '\0')
		dir = NULL;
	if (dir != NULL) {
		cz_strv_push(&libdirs, dir);
		cz_strv_push(&incdirs, dir);
	} else {
		if (exe_dir == NULL && (exe_dir = own = s_exe_dir()) == NULL) {
			cz_errf(err, "cannot find czappa's own executable: "
			    "/proc/self/exe: %s; set CZAPPA_RUNTIME_DIR",
			    strerror(errno));
			goto out;
		}
		cz_strv_pushf(&libdirs, "%s/src/runtime", exe_dir);
		cz_strv_pushf(&libdirs, "%s/../lib/czappa", exe_dir);
		cz_strv_pushf(&incdirs, "%s/src/runtime", exe_dir);
		cz_strv_pushf(&incdirs, "%s/../include/czappa", exe_dir);
		/* Debian's libdir is lib/<triplet>: any of them. */
		cz_buf_reset(&tried);
		cz_buf_addf(&tried, "%s/../lib/*/czappa", exe_dir);
		if (glob(tried.s, GLOB_ONLYDIR, NULL, &g) == 0) {
			for (i = 0; i < g.gl_pathc; i++)
				cz_strv_push(&libdirs, g.gl_pathv[i]);
			globfree(&g);
		} else
			cz_strv_push(&libdirs, tried.s);
		cz_buf_reset(&tried);
		cz_strv_pushf(&libdirs, "%s/../lib64/czappa", exe_dir);
	}
	if ((libdir = s_find_in(&libdirs, BUILD_RUNTIME_LIB, &tried)) ==
	    NULL) {
		cz_errf(err, "runtime library %s not found%s (tried %s); set "
		    "CZAPPA_RUNTIME_DIR to the directory holding it",
		    BUILD_RUNTIME_LIB, how, tried.s);
		goto out;
	}
	cz_buf_reset(&tried);
	if ((rt->incdir = s_find_in(&incdirs, BUILD_RUNTIME_HEADER,
	    &tried)) == NULL) {
		cz_errf(err, "runtime header %s not found%s (tried %s); set "
		    "CZAPPA_RUNTIME_DIR to the directory holding it",
		    BUILD_RUNTIME_HEADER, how, tried.s);
		goto out;
	}
	rt->lib = cz_xasprintf("%s/%s", libdir, BUILD_RUNTIME_LIB);
	rc = 0;
out:
	if (rc == -1)
		build_runtime_release(rt);
	free(libdir);
	free(own);
	cz_strv_release(&libdirs);
	cz_strv_release(&incdirs);
	cz_buf_release(&tried);
	return rc;
}

void
build_runtime_release(struct build_runtime *rt)
{
	free(rt->lib);
	free(rt->incdir);
	rt->lib = rt->incdir = NULL;
}

const char *
build_host_arch(void)
{
	struct utsname	u;

	if (uname(&u) == 0 && (strcmp(u.machine, "aarch64") == 0 ||
	    strcmp(u.machine, "arm64") == 0))
		return "arm64";
	return "x86_64";
}

char *
build_which(const char *prog)
{
	const char	*path, *p, *colon;
	char		*cand;

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0 ? s_real(prog) : NULL;
	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		if (colon == NULL)
			colon = p + strlen(p);
		cand = cz_xasprintf("%.*s/%s", (int)(colon - p),
		    colon == p ? "." : p, prog);
		if (s_is_file(cand) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (*colon == '\0')
			break;
	}
	return NULL;
}

/* 1 if prog (a name looked up in PATH, or a path) can be run. */
static int
s_in_path(const char *prog)
{
	char	*p = build_which(prog);

	free(p);
	return p != NULL;
}

/* Splits s at blanks onto argv ("ccache gcc"); no quoting, no shell. */
static void
s_split(struct cz_strv *argv, const char *s)
{
	size_t	n;

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		n = strcspn(s, " \t");
		cz_strv_take(argv, cz_xstrndup(s, n));
		s += n;
	}
}

int
build_compiler(const char *arch, const char *cc_override,
    struct cz_strv *argv, struct cz_err *err)
{
	const char	*cc, *pkg;
	size_t		 first = argv->n;

	if (build_elf_arch_machine(arch) == 0)
		return cz_errf(err, "unknown architecture %s (x86_64 or "
		    "arm64)", arch);
	if (cc_override != NULL && *cc_override != '\0') {
		cc = cc_override;
		pkg = NULL;
	} else if (strcmp(arch, build_host_arch()) == 0) {
		if ((cc = getenv("CC")) == NULL || *cc == '\0')
			cc = "cc";
		pkg = NULL;
	} else if (strcmp(arch, "arm64") == 0) {
		cc = "aarch64-linux-gnu-gcc";
		pkg = "gcc-aarch64-linux-gnu";
	} else {
		cc = "x86_64-linux-gnu-gcc";
		pkg = "gcc-x86-64-linux-gnu";
	}
	s_split(argv, cc);
	if (argv->n == first)
		return cz_errf(err, "empty compiler name");
	if (!s_in_path(argv->v[first])) {
		if (pkg != NULL)
			return cz_errf(err, "architecture %s needs the cross "
			    "compiler %s, which is not in PATH (Debian and "
			    "Ubuntu: apt-get install %s)", arch,
			    argv->v[first], pkg);
		return cz_errf(err, "compiler %s is not in PATH",
		    argv->v[first]);
	}
	return 0;
}

/*
 * The e_machine of the first ELF member of the ar archive at path: 0 and
 * *machine (0 if it has no ELF member), or -1 and *err.  The members' headers
 * are 60 bytes each, sizes in decimal ASCII (ar(5)).
 */
static int
s_archive_machine(const char *path, unsigned *machine, struct cz_err *err)
{
	struct cz_buf		 b = CZ_BUF_INIT;
	const unsigned char	*p;
	char			 num[11];
	unsigned long		 size;
	size_t			 off = 8;
	int			 rc = -1;

	*machine = 0;
	if (cz_file_read(path, &b, err) == -1)
		goto out;
	if (b.len < 8 || memcmp(b.s, "!<arch>\n", 8) != 0) {
		cz_errf(err, "%s: not an ar archive", path);
		goto out;
	}
	p = (const unsigned char *)b.s;
	while (off + 60 <= b.len) {
		memcpy(num, p + off + 48, 10);
		num[10] = '\0';
		size = strtoul(num, NULL, 10);
		off += 60;
		if (size > b.len - off)
			break;
		if (size >= sizeof(Elf64_Ehdr) &&
		    memcmp(p + off, ELFMAG, SELFMAG) == 0) {
			*machine = (unsigned)p[off + 18] |
			    (unsigned)p[off + 19] << 8;
			break;
		}
		off += size + (size & 1);
	}
	rc = 0;
out:
	cz_buf_release(&b);
	return rc;
}

void
build_compile_flags(const struct config *cfg, const struct build_runtime *rt,
    struct cz_strv *cflags, struct cz_strv *ldflags, struct cz_strv *ldlibs)
{
	static const char *const	 deflibs[] = { "jansson", "m" };
	size_t				 i;

	cz_strv_push(cflags, "-std=gnu11");
	cz_strv_push(cflags, "-O2");
	for (i = 0; i < cfg->cflags.n; i++) {
		cz_strv_push(cflags, cfg->cflags.v[i]);
		/* Also when linking: -pthread, -flto, -L, -fsanitize. */
		cz_strv_push(ldflags, cfg->cflags.v[i]);
	}
	cz_strv_pushf(cflags, "-I%s", rt->incdir);
	/* The runtime library carries debug info from czappa's own build;
	 * nobody runs gdb on Lambda, and it is 15% of the zip.  Symbols stay
	 * for backtraces; a -g of the user's keeps everything. */
	for (i = 0; i < cfg->cflags.n; i++)
		if (strncmp(cfg->cflags.v[i], "-g", 2) == 0)
			break;
	if (i == cfg->cflags.n)
		cz_strv_push(ldflags, "-Wl,--strip-debug");
	if (cfg->static_link)
		cz_strv_push(ldflags, "-static");
	cz_strv_push(ldlibs, rt->lib);
	for (i = 0; i < cfg->libs.n; i++)
		cz_strv_pushf(ldlibs, "-l%s", cfg->libs.v[i]);
	/* The runtime needs these after the user's libraries, which may use
	 * them too; a repeat -l costs nothing. */
	for (i = 0; i < sizeof(deflibs) / sizeof(deflibs[0]); i++)
		cz_strv_pushf(ldlibs, "-l%s", deflibs[i]);
}

/* Runs argv in dir, its output appended to log.  0, or -1 and *err ("compile
 * failed" when the compiler said no). */
static int
s_cc(const struct cz_strv *argv, const char *dir, struct cz_buf *log,
    struct cz_err *err)
{
	struct cz_proc	p;

	memset(&p, 0, sizeof(p));
	p.argv = (const char *const *)argv->v;
	p.dir = dir;
	p.out = log;
	p.errout = log;
	p.timeout_ms = COMPILE_TIMEOUT_MS;
	if (cz_proc_run(&p, err) == -1) {
		cz_err_prefix(err, "%s", argv->v[0]);
		return -1;
	}
	if (p.status != 0)
		return cz_errf(err, "compile failed");
	return 0;
}

/* out relative to dir made usable from anywhere (new string). */
static char *
s_in_dir(const char *dir, const char *out)
{
	if (out[0] == '/')
		return cz_xstrdup(out);
	return cz_xasprintf("%s/%s", dir, out);
}

int
build_compile(const struct config *cfg, const char *arch,
    const struct build_runtime *rt, const char *cc_override,
    const char *out, struct cz_buf *log, struct cz_err *err)
{
	struct cz_strv	 cc = CZ_STRV_INIT, cflags = CZ_STRV_INIT;
	struct cz_strv	 ldflags = CZ_STRV_INIT, ldlibs = CZ_STRV_INIT;
	struct cz_strv	 argv = CZ_STRV_INIT, objs = CZ_STRV_INIT;
	struct cz_strv	 deps = CZ_STRV_INIT;
	struct cz_buf	 d = CZ_BUF_INIT;
	const char	*dir = cfg->dir ? cfg->dir : ".";
	const char	*have;
	char		*path, *dfile = NULL, *dpath = NULL;
	unsigned	 machine;
	size_t		 i, j;
	int		 ok, rc = -1;

	if (cfg->sources.n == 0) {
		cz_errf(err, "build.sources is empty: name the handler's .c "
		    "files");
		goto out;
	}
	for (i = 0; i < cfg->sources.n; i++) {
		path = cz_xasprintf("%s/%s", dir, cfg->sources.v[i]);
		ok = s_is_file(path);
		free(path);
		if (!ok) {
			cz_errf(err, "%s: no such source file in %s",
			    cfg->sources.v[i], dir);
			goto out;
		}
	}
	/* The compiler first: without it the runtime does not matter. */
	if (build_compiler(arch, cc_override, &cc, err) == -1)
		goto out;
	if (s_archive_machine(rt->lib, &machine, err) == -1)
		goto out;
	if (machine != 0 && machine != build_elf_arch_machine(arch)) {
		have = build_elf_machine_name(machine);
		cz_errf(err, "%s is built for %s, not %s; set "
		    "CZAPPA_RUNTIME_DIR to a runtime built for %s", rt->lib,
		    have ? have : "another CPU", arch, arch);
		goto out;
	}
	build_compile_flags(cfg, rt, &cflags, &ldflags, &ldlibs);

	/*
	 * One compiler run per source, as make does: with several sources in
	 * one run, -MF keeps only the last source's dependencies.  The build
	 * cache needs every header each source included.
	 */
	for (i = 0; i < cfg->sources.n; i++) {
		cz_strv_pushf(&objs, "%s-%zu.o", out, i);
		cz_strv_release(&argv);
		for (j = 0; j < cc.n; j++)
			cz_strv_push(&argv, cc.v[j]);
		for (j = 0; j < cflags.n; j++)
			cz_strv_push(&argv, cflags.v[j]);
		cz_strv_push(&argv, "-MD");
		cz_strv_push(&argv, "-MF");
		cz_strv_pushf(&argv, "%s-%zu.d", out, i);
		cz_strv_push(&argv, "-c");
		cz_strv_push(&argv, "-o");
		cz_strv_push(&argv, objs.v[i]);
		cz_strv_push(&argv, cfg->sources.v[i]);
		if (s_cc(&argv, dir, log, err) == -1)
			goto out;
		free(dpath);
		dpath = cz_xasprintf("%s-%zu.d", out, i);
		free(dfile);
		dfile = s_in_dir(dir, dpath);
		cz_buf_reset(&d);
		if (cz_file_read(dfile, &d, err) == -1 ||
		    build_depfile_parse(d.s, &deps, err) == -1) {
			cz_err_prefix(err, "dependencies of %s",
			    cfg->sources.v[i]);
			goto out;
		}
		unlink(dfile);
	}
	cz_strv_release(&argv);
	for (j = 0; j < cc.n; j++)
		cz_strv_push(&argv, cc.v[j]);
	for (j = 0; j < ldflags.n; j++)
		cz_strv_push(&argv, ldflags.v[j]);
	cz_strv_push(&argv, "-o");
	cz_strv_push(&argv, out);
	for (j = 0; j < objs.n; j++)
		cz_strv_push(&argv, objs.v[j]);
	for (j = 0; j < ldlibs.n; j++)
		cz_strv_push(&argv, ldlibs.v[j]);
	if (s_cc(&argv, dir, log, err) == -1)
		goto out;
	/* Next to the binary, as make and ninja keep theirs. */
	free(dpath);
	dpath = cz_xasprintf("%s.d", out);
	free(dfile);
	dfile = s_in_dir(dir, dpath);
	cz_buf_reset(&d);
	build_depfile_write(&d, out, &deps);
	if (cz_file_write(dfile, d.s, d.len, 0644, err) == -1)
		goto out;
	rc = 0;
out:
	for (i = 0; i < objs.n; i++) {
		path = s_in_dir(dir, objs.v[i]);
		unlink(path);
		free(path);
		free(dpath);
		dpath = cz_xasprintf("%s-%zu.d", out, i);
		path = s_in_dir(dir, dpath);
		unlink(path);
		free(path);
	}
	cz_strv_release(&cc);
	cz_strv_release(&cflags);
	cz_strv_release(&ldflags);
	cz_strv_release(&ldlibs);
	cz_strv_release(&argv);
	cz_strv_release(&objs);
	cz_strv_release(&deps);
	cz_buf_release(&d);
	free(dfile);
	free(dpath);
	return rc;
}
