/*
 * test_compile: build/compile.h and build/package.h.  Finds the runtime in
 * every layout czappa can be run from, picks compilers, compiles handlers in
 * a temporary project against a small fake runtime made here (and once
 * against the real one from this build directory), runs what it built, and
 * packages zips end to end: static, dynamic with bundled libraries, refused
 * for a too-new glibc, a failed compile, an escaping file; and the build
 * cache: which changes make it compile again and which do not.
 */
#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "base/b64.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/strv.h"
#include "base/xmalloc.h"
#include "build/cache.h"
#include "build/compile.h"
#include "build/elf.h"
#include "build/package.h"
#include "config/config.h"
#include "t.h"

static char	*tmp, *proj, *rtdir;

static const char rt_h[] = "int cz_fake_runtime(void);\n";
/* The fake runtime uses jansson as the real one does, so -ljansson and
 * -static are exercised. */
static const char rt_c[] =
    "#include <jansson.h>\n"
    "#include \"czappa.h\"\n"
    "int cz_fake_runtime(void) {\n"
    "\tjson_t *v = json_integer(42);\n"
    "\tint r = (int)json_integer_value(v);\n"
    "\tjson_decref(v);\n"
    "\treturn r;\n"
    "}\n";
static const char app_c[] =
    "#include <czappa.h>\n"
    "#include <math.h>\n"
    "#include <stdio.h>\n"
    "#ifndef ANSWER\n"
    "#define ANSWER 0\n"
    "#endif\n"
    "int main(void) {\n"
    "\tvolatile double x = 81.0;\n"
    "\tprintf(\"%d %.0f %d\\n\", cz_fake_runtime(), sqrt(x), ANSWER);\n"
    "\treturn 0;\n"
    "}\n";
static const char from_cc_c[] =
    "#ifndef FROM_CC\n"
    "#error CC was not used\n"
    "#endif\n"
    "#include <czappa.h>\n"
    "int main(void) { return cz_fake_runtime() - 42; }\n";
static const char broken_c[] =
    "#include <czappa.h>\n"
    "int main(void) { return cz_fake_runtime( }\n";
static const char newglibc_c[] =
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <czappa.h>\n"
    "int main(void) {\n"
    "\tprintf(\"%u %d\\n\", arc4random(), cz_fake_runtime());\n"
    "\treturn 0;\n"
    "}\n";
/* The real runtime's API, minimally. */
static const char real_c[] =
    "#include <czappa.h>\n"
    "static void hello(const cz_request *req, cz_response *res) {\n"
    "\t(void)req;\n"
    "\tcz_text(res, 200, \"hello\");\n"
    "}\n"
    "int main(void) {\n"
    "\tcz_app *app = cz_app_new();\n"
    "\tcz_route(app, \"GET\", \"/hello\", hello);\n"
    "\treturn cz_run(app);\n"
    "}\n";

static char *
s_at(const char *dir, const char *name)
{
	return cz_xasprintf("%s/%s", dir, name);
}

static void
s_write(const char *dir, const char *name, const char *text, int mode)
{
	struct cz_err	 err;
	char		*p = s_at(dir, name), *d = cz_dirname(p);

	if (cz_mkdirs(d, 0755, &err) == -1 ||
	    cz_file_write(p, text, strlen(text), mode, &err) == -1)
		printf("# write %s: %s\n", p, err.msg);
	free(d);
	free(p);
}

static void
s_mkdir(const char *dir, const char *name)
{
	struct cz_err	 err;
	char		*p = s_at(dir, name);

	if (cz_mkdirs(p, 0755, &err) == -1)
		printf("# mkdir %s: %s\n", p, err.msg);
	free(p);
}

/* Runs argv in dir; stdout and stderr into *out if not NULL; its exit
 * status, or -1 if it could not run. */
static int
s_run(const char *dir, const char *const *argv, struct cz_buf *out)
{
	struct cz_proc	p;
	struct cz_err	err;

	memset(&p, 0, sizeof(p));
	p.argv = argv;
	p.dir = dir;
	p.out = out;
	p.errout = out;
	p.timeout_ms = 120000;
	if (cz_proc_run(&p, &err) == -1) {
		printf("# %s: %s\n", argv[0], err.msg);
		return -1;
	}
	return p.status;
}

/* A fake runtime in dir: czappa.h and libczappa-runtime.a; machine, if not
 * 0, is written into the object's e_machine first. */
static int
s_fake_runtime(const char *dir, unsigned machine)
{
	const char *const	 ccv[] = { "cc", "-c", "-O2", "-o", "rt.o",
	    "rt.c", NULL };
	const char *const	 arv[] = { "ar", "rcs", BUILD_RUNTIME_LIB,
	    "rt.o", NULL };
	struct cz_buf		 o = CZ_BUF_INIT;
	struct cz_err		 err;
	char			*p;
	int			 ok;

	s_write(dir, "czappa.h", rt_h, 0644);
	s_write(dir, "rt.c", rt_c, 0644);
	ok = s_run(dir, ccv, NULL) == 0;
	if (ok && machine != 0) {
		p = s_at(dir, "rt.o");
		ok = cz_file_read(p, &o, &err) == 0 && o.len > 20;
		if (ok) {
			o.s[18] = (char)(machine & 0xff);
			o.s[19] = (char)(machine >> 8);
			ok = cz_file_write(p, o.s, o.len, 0644, &err) == 0;
		}
		free(p);
	}
	cz_buf_release(&o);
	return ok && s_run(dir, arv, NULL) == 0;
}

/* Rebuilds dir's libczappa-runtime.a from the rt.c already there. */
static int
s_fake_runtime_in(const char *dir)
{
	const char *const	 ccv[] = { "cc", "-c", "-O2", "-o", "rt.o",
	    "rt.c", NULL };
	const char *const	 arv[] = { "ar", "rcs", BUILD_RUNTIME_LIB,
	    "rt.o", NULL };
	char			*lib = s_at(dir, BUILD_RUNTIME_LIB);

	unlink(lib);
	free(lib);
	return s_run(dir, ccv, NULL) == 0 && s_run(dir, arv, NULL) == 0;
}

static char *
s_real(const char *p)
{
	char	*r = realpath(p, NULL);

	return r ? r : cz_xstrdup(p);
}

static void
test_runtime_find(void)
{
	static const struct {
		const char	*name;
		const char	*libdir, *incdir;	/* under the prefix */
	} layouts[] = {
		{ "build directory", "bin/src/runtime", "bin/src/runtime" },
		{ "meson install, lib/czappa", "lib/czappa",
		  "include/czappa" },
		{ "meson install, Debian multiarch",
		  "lib/x86_64-linux-gnu/czappa", "include/czappa" },
		{ "meson install, lib64", "lib64/czappa", "include/czappa" },
	};
	struct build_runtime	 rt;
	struct cz_err		 err;
	char			*pre, *bin, *want, *d, *self, *builddir;
	size_t			 i;
	int			 rc;

	rc = build_runtime_find(rtdir, NULL, &rt, &err);
	want = s_at(rtdir, BUILD_RUNTIME_LIB);
	T_OK(rc == 0, "runtime: explicit directory");
	T_STREQ(rt.lib, want, "runtime: explicit directory: library path");
	T_STREQ(rt.incdir, rtdir, "runtime: explicit directory: header dir");
	build_runtime_release(&rt);
	free(want);

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		pre = cz_xasprintf("%s/layout%zu", tmp, i);
		bin = s_at(pre, "bin");
		s_mkdir(pre, "bin");
		d = cz_xasprintf("%s/%s", layouts[i].libdir,
		    BUILD_RUNTIME_LIB);
		s_write(pre, d, "!<arch>\n", 0644);
		free(d);
		d = cz_xasprintf("%s/%s", layouts[i].incdir,
		    BUILD_RUNTIME_HEADER);
		s_write(pre, d, rt_h, 0644);
		free(d);
		rc = build_runtime_find(NULL, bin, &rt, &err);
		if (!T_OK(rc == 0, "runtime layout %s: found",
		    layouts[i].name)) {
			printf("#   %s\n", err.msg);
			goto next;
		}
		d = s_at(pre, layouts[i].libdir);
		want = cz_xasprintf("%s/%s", d, BUILD_RUNTIME_LIB);
		T_STREQ(rt.lib, want, "runtime layout %s: library",
		    layouts[i].name);
		free(want);
		free(d);
		d = s_at(pre, layouts[i].incdir);
		T_STREQ(rt.incdir, d, "runtime layout %s: header",
		    layouts[i].name);
		free(d);
		build_runtime_release(&rt);
next:
		free(bin);
		free(pre);
	}

	/* Nothing there: the error lists where it looked. */
	pre = cz_xasprintf("%s/layout-empty", tmp);
	s_mkdir(pre, "bin");
	bin = s_at(pre, "bin");
	rc = build_runtime_find(NULL, bin, &rt, &err);
	want = cz_xasprintf("runtime library libczappa-runtime.a not found "
	    "(tried %s/src/runtime, %s/../lib/czappa, %s/../lib/*/czappa, "
	    "%s/../lib64/czappa); set CZAPPA_RUNTIME_DIR to the directory "
	    "holding it", bin, bin, bin, bin);
	T_STREQ(rc == 0 ? "(found)" : err.msg, want,
	    "runtime: none: names every place tried");
	free(want);

	/* A library without its header. */
	s_write(pre, "lib/czappa/" BUILD_RUNTIME_LIB, "!<arch>\n", 0644);
	rc = build_runtime_find(NULL, bin, &rt, &err);
	want = cz_xasprintf("runtime header czappa.h not found (tried "
	    "%s/src/runtime, %s/../include/czappa); set CZAPPA_RUNTIME_DIR "
	    "to the directory holding it", bin, bin);
	T_STREQ(rc == 0 ? "(found)" : err.msg, want,
	    "runtime: header missing");
	free(want);

	/* CZAPPA_RUNTIME_DIR wins, and says so when it is wrong. */
	setenv("CZAPPA_RUNTIME_DIR", rtdir, 1);
	rc = build_runtime_find(NULL, bin, &rt, &err);
	T_OK(rc == 0 && strncmp(rt.lib, rtdir, strlen(rtdir)) == 0,
	    "runtime: CZAPPA_RUNTIME_DIR overrides");
	build_runtime_release(&rt);
	setenv("CZAPPA_RUNTIME_DIR", pre, 1);
	rc = build_runtime_find(NULL, bin, &rt, &err);
	want = cz_xasprintf("runtime library libczappa-runtime.a not found "
	    "(from CZAPPA_RUNTIME_DIR) (tried %s); set CZAPPA_RUNTIME_DIR to "
	    "the directory holding it", pre);
	T_STREQ(rc == 0 ? "(found)" : err.msg, want,
	    "runtime: CZAPPA_RUNTIME_DIR wrong: named");
	free(want);
	unsetenv("CZAPPA_RUNTIME_DIR");
	free(bin);
	free(pre);

	/* This very build directory: tests/test_compile's parent. */
	self = realpath("/proc/self/exe", NULL);
	d = cz_dirname(self);
	builddir = cz_dirname(d);
	rc = build_runtime_find(NULL, builddir, &rt, &err);
	want = cz_xasprintf("%s/src/runtime/%s", builddir, BUILD_RUNTIME_LIB);
	T_STREQ(rc == 0 ? rt.lib : err.msg, want,
	    "runtime: found in this build directory");
	build_runtime_release(&rt);
	free(want);
	free(builddir);
	free(d);
	free(self);
}

static void
test_compiler(void)
{
	struct cz_strv	 argv = CZ_STRV_INIT;
	struct cz_err	 err;
	const char	*host = build_host_arch();
	const char	*other = strcmp(host, "x86_64") == 0 ? "arm64" :
	    "x86_64";
	const char	*cross = strcmp(host, "x86_64") == 0 ?
	    "aarch64-linux-gnu-gcc" : "x86_64-linux-gnu-gcc";
	const char	*pkg = strcmp(host, "x86_64") == 0 ?
	    "gcc-aarch64-linux-gnu" : "gcc-x86-64-linux-gnu";
	char		*path = cz_xstrdup(getenv("PATH")), *bin, *want;
	int		 rc;

	unsetenv("CC");
	rc = build_compiler(host, NULL, &argv, &err);
	T_OK(rc == 0 && argv.n == 1 && strcmp(argv.v[0], "cc") == 0,
	    "compiler: cc for this machine");
	cz_strv_release(&argv);

	setenv("CC", "  cc   -DFROM_CC=1 ", 1);
	rc = build_compiler(host, NULL, &argv, &err);
	T_OK(rc == 0 && argv.n == 2 && strcmp(argv.v[0], "cc") == 0 &&
	    strcmp(argv.v[1], "-DFROM_CC=1") == 0,
	    "compiler: $CC split at blanks");
	cz_strv_release(&argv);
	unsetenv("CC");

	bin = s_at(tmp, "emptybin");
	s_mkdir(tmp, "emptybin");
	setenv("PATH", bin, 1);
	rc = build_compiler(other, NULL, &argv, &err);
	want = cz_xasprintf("architecture %s needs the cross compiler %s, "
	    "which is not in PATH (Debian and Ubuntu: apt-get install %s)",
	    other, cross, pkg);
	T_STREQ(rc == 0 ? "(found)" : err.msg, want,
	    "compiler: missing cross compiler named with its package");
	free(want);
	cz_strv_release(&argv);

	want = cz_xasprintf("%s/%s", bin, cross);
	s_write(bin, cross, "#!/bin/sh\nexit 1\n", 0755);
	rc = build_compiler(other, NULL, &argv, &err);
	T_OK(rc == 0 && strcmp(argv.v[0], cross) == 0,
	    "compiler: cross compiler found in PATH");
	cz_strv_release(&argv);
	unlink(want);
	free(want);
	setenv("PATH", path, 1);

	rc = build_compiler(host, "no-such-cc-czappa -O1", &argv, &err);
	T_STREQ(rc == 0 ? "(found)" : err.msg,
	    "compiler no-such-cc-czappa is not in PATH",
	    "compiler: override not in PATH");
	cz_strv_release(&argv);
	rc = build_compiler("mips", NULL, &argv, &err);
	T_STREQ(rc == 0 ? "(found)" : err.msg,
	    "unknown architecture mips (x86_64 or arm64)",
	    "compiler: unknown architecture");
	cz_strv_release(&argv);
	free(bin);
	free(path);
}

/* A config for proj built by hand, as config_load would leave it. */
static void
s_cfg(struct config *c, const char *src, int static_link)
{
	memset(c, 0, sizeof(*c));
	c->dir = proj;
	c->service = "svc";
	c->stage = "dev";
	c->architecture = "x86_64";
	c->static_link = static_link;
	if (src != NULL)
		cz_strv_push(&c->sources, src);
}

static void
s_cfg_release(struct config *c)
{
	cz_strv_release(&c->sources);
	cz_strv_release(&c->cflags);
	cz_strv_release(&c->libs);
	cz_strv_release(&c->files);
}

static void
test_compile(void)
{
	struct build_runtime	 rt = BUILD_RUNTIME_INIT;
	struct build_runtime	 armrt = BUILD_RUNTIME_INIT;
	struct build_elf	 e;
	struct config		 c;
	struct cz_buf		 log = CZ_BUF_INIT, out = CZ_BUF_INIT;
	struct cz_err		 err;
	char			*exe = s_at(tmp, "app"), *armdir, *want;
	const char		*run[] = { exe, NULL };
	int			 rc;

	if (!T_OK(build_runtime_find(rtdir, NULL, &rt, &err) == 0,
	    "compile: fake runtime found"))
		return;

	/* Static, with cflags and libs. */
	s_cfg(&c, "handlers/app.c", 1);
	cz_strv_push(&c.cflags, "-DANSWER=41");
	cz_strv_push(&c.libs, "m");
	rc = build_compile(&c, "x86_64", &rt, NULL, exe, &log, &err);
	if (!T_OK(rc == 0, "compile static: succeeds"))
		printf("#   %s\n#   %s\n", err.msg, log.s);
	T_OK(s_run(tmp, run, &out) == 0, "compile static: runs");
	T_STREQ(out.s, "42 9 41\n", "compile static: runtime, libm and "
	    "cflags all reached the binary");
	T_OK(build_elf_read(exe, "app", &e, &err) == 0 && e.interp == NULL &&
	    e.needed.n == 0, "compile static: no loader, no libraries");
	build_elf_release(&e);

	/* Dynamic when static_link is 0. */
	c.static_link = 0;
	cz_buf_reset(&log);
	cz_buf_reset(&out);
	rc = build_compile(&c, "x86_64", &rt, NULL, exe, &log, &err);
	T_OK(rc == 0 && s_run(tmp, run, &out) == 0 &&
	    strcmp(out.s, "42 9 41\n") == 0, "compile dynamic: runs");
	T_OK(build_elf_read(exe, "app", &e, &err) == 0 && e.interp != NULL &&
	    cz_strv_find(&e.needed, "libjansson.so.4") != -1,
	    "compile dynamic: loader and libjansson.so.4 needed");
	build_elf_release(&e);
	s_cfg_release(&c);

	/* $CC is used, split at blanks. */
	s_cfg(&c, "handlers/from_cc.c", 1);
	setenv("CC", "cc -DFROM_CC=1", 1);
	cz_buf_reset(&log);
	rc = build_compile(&c, "x86_64", &rt, NULL, exe, &log, &err);
	unsetenv("CC");
	if (!T_OK(rc == 0 && s_run(tmp, run, NULL) == 0,
	    "compile: $CC with flags used"))
		printf("#   %s\n#   %s\n", err.msg, log.s);
	s_cfg_release(&c);

	/* A compile error hands back the compiler's words. */
	s_cfg(&c, "handlers/broken.c", 1);
	cz_buf_reset(&log);
	rc = build_compile(&c, "x86_64", &rt, NULL, exe, &log, &err);
	T_STREQ(rc == 0 ? "(compiled)" : err.msg, "compile failed",
	    "compile error: message");
	T_OK(strstr(log.s, "handlers/broken.c:2") != NULL &&
	    strstr(log.s, "error") != NULL,
	    "compile error: output names the file and line");
	s_cfg_release(&c);

	s_cfg(&c, "handlers/app.c", 1);
	cz_strv_push(&c.sources, "handlers/nope.c");
	rc = build_compile(&c, "x86_64", &rt, NULL, exe, &log, &err);
	want = cz_xasprintf("handlers/nope.c: no such source file in %s",
	    proj);
	T_STREQ(rc == 0 ? "(compiled)" : err.msg, want,
	    "compile: missing source named");
	free(want);
	s_cfg_release(&c);

	s_cfg(&c, NULL, 1);
	rc = build_compile(&c, "x86_64", &rt, NULL, exe, &log, &err);
	T_STREQ(rc == 0 ? "(compiled)" : err.msg,
	    "build.sources is empty: name the handler's .c files",
	    "compile: no sources");
	s_cfg_release(&c);

	/* A runtime built for the other CPU is caught before linking. */
	armdir = s_at(tmp, "rt-arm");
	s_mkdir(tmp, "rt-arm");
	T_OK(s_fake_runtime(armdir, EM_AARCH64), "compile: aarch64 runtime "
	    "fixture");
	s_cfg(&c, "handlers/app.c", 1);
	if (build_runtime_find(armdir, NULL, &armrt, &err) == 0) {
		rc = build_compile(&c, "x86_64", &armrt, NULL, exe, &log,
		    &err);
		want = cz_xasprintf("%s is built for aarch64, not x86_64; set "
		    "CZAPPA_RUNTIME_DIR to a runtime built for x86_64",
		    armrt.lib);
		T_STREQ(rc == 0 ? "(compiled)" : err.msg, want,
		    "compile: runtime for the wrong CPU");
		free(want);
	}
	s_cfg_release(&c);
	build_runtime_release(&armrt);
	free(armdir);

	build_runtime_release(&rt);
	cz_buf_release(&log);
	cz_buf_release(&out);
	free(exe);
}

/* The runtime this build directory made, and a handler using czappa.h. */
static void
test_real_runtime(void)
{
	struct build_runtime	 rt = BUILD_RUNTIME_INIT;
	struct build_elf	 e;
	struct config		 c;
	struct cz_buf		 log = CZ_BUF_INIT;
	struct cz_err		 err;
	struct stat		 st;
	char			*self, *d, *builddir;
	char			*exe = s_at(tmp, "real-bootstrap");
	int			 rc;

	self = realpath("/proc/self/exe", NULL);
	d = cz_dirname(self);
	builddir = cz_dirname(d);
	rc = build_runtime_find(NULL, builddir, &rt, &err);
	if (!T_OK(rc == 0, "real runtime: found"))
		goto out;
	s_cfg(&c, "handlers/real.c", 1);
	rc = build_compile(&c, "x86_64", &rt, NULL, exe, &log, &err);
	if (!T_OK(rc == 0, "real runtime: handler compiles statically"))
		printf("#   %s\n#   %s\n", err.msg, log.s);
	rc = build_elf_read(exe, "bootstrap", &e, &err) == 0 &&
	    build_elf_check_exe("bootstrap", &e, "x86_64", &err) == 0 &&
	    e.interp == NULL;
	stat(exe, &st);
	T_OK(rc, "real runtime: bootstrap is static and fit for Amazon "
	    "Linux 2023 (%lld bytes)", (long long)st.st_size);
	build_elf_release(&e);
	s_cfg_release(&c);
out:
	build_runtime_release(&rt);
	cz_buf_release(&log);
	free(exe);
	free(builddir);
	free(d);
	free(self);
}

/* Names of the zip's entries, in order, joined by spaces. */
static void
s_zip_names(const char *zip, struct cz_buf *names)
{
	zip_t		*za;
	zip_int64_t	 i, n;
	int		 zerr;

	cz_buf_reset(names);
	if ((za = zip_open(zip, ZIP_RDONLY, &zerr)) == NULL)
		return;
	n = zip_get_num_entries(za, 0);
	for (i = 0; i < n; i++)
		cz_buf_addf(names, "%s%s", i ? " " : "", zip_get_name(za, i,
		    0));
	zip_close(za);
}

/*
 * Extracts zip into tmp/dir with Info-ZIP and runs its bootstrap there, with
 * LD_LIBRARY_PATH at dir/libdir as Lambda sets it to /var/task/lib when
 * libdir is not NULL; 1 if it printed want.
 */
static int
s_unzip_run(const char *zip, const char *dir, const char *libdir,
    const char *want)
{
	struct cz_buf	 out = CZ_BUF_INIT;
	struct cz_proc	 p;
	struct cz_err	 err;
	char		*d = s_at(tmp, dir), *exe = s_at(d, "bootstrap");
	char		*env[2] = { NULL, NULL };
	const char	*unz[] = { "unzip", "-q", "-o", zip, "-d", d, NULL };
	const char	*run[] = { exe, NULL };
	int		 ok = 0;

	if (s_run(tmp, unz, NULL) != 0)
		goto out;
	if (libdir != NULL)
		env[0] = cz_xasprintf("LD_LIBRARY_PATH=%s/%s", d, libdir);
	memset(&p, 0, sizeof(p));
	p.argv = run;
	p.env = (const char *const *)env;
	p.dir = d;
	p.out = &out;
	p.errout = &out;
	p.timeout_ms = 30000;
	ok = cz_proc_run(&p, &err) == 0 && p.status == 0 &&
	    strcmp(out.s, want) == 0;
	if (!ok)
		printf("#   bootstrap said: %s\n", out.s);
out:
	cz_buf_release(&out);
	free(env[0]);
	free(exe);
	free(d);
	return ok;
}

static void
test_package(void)
{
	struct build_opts	 o;
	struct build_result	 r = BUILD_RESULT_INIT, r2 = BUILD_RESULT_INIT;
	struct config		 c;
	struct cz_buf		 names = CZ_BUF_INIT, out = CZ_BUF_INIT;
	struct cz_buf		 b64 = CZ_BUF_INIT, gi = CZ_BUF_INIT;
	struct cz_err		 err;
	const char		*shav[] = { "sha256sum", NULL, NULL };
	const char		*sslv[] = { "openssl", "dgst", "-sha256",
	    "-binary", NULL, NULL };
	char			*want, *p;
	int			 rc;

	memset(&o, 0, sizeof(o));
	o.runtime_dir = rtdir;

	/* Static, with files: the default path, sorted entries, hashes. */
	s_cfg(&c, "handlers/app.c", 1);
	cz_strv_push(&c.libs, "m");
	cz_strv_push(&c.files, "model.bin");
	cz_strv_push(&c.files, "data");
	rc = build_package(&c, &o, &r, &err);
	if (!T_OK(rc == 0, "package static: succeeds"))
		printf("#   %s\n#   %s\n", err.msg, r.compiler_output.s);
	want = cz_xasprintf("%s/.czappa/build/x86_64/svc-dev.zip", proj);
	T_STREQ(r.zip_path, want, "package static: default zip path");
	free(want);
	want = cz_xasprintf("%s/.czappa/build/x86_64/bootstrap", proj);
	T_STREQ(r.bootstrap, want, "package static: bootstrap path");
	free(want);
	s_zip_names(r.zip_path, &names);
	T_STREQ(names.s, "bootstrap data/a.txt data/z/b.txt model.bin",
	    "package static: entries sorted");
	T_OK(r.static_linked && r.bundled.n == 0 && r.entries == 4,
	    "package static: static, nothing bundled, 4 entries");
	T_OK(r.zip_size > 0 && r.zip_size < r.unzipped_size,
	    "package static: %llu bytes zipped, %llu unzipped", r.zip_size,
	    r.unzipped_size);
	shav[1] = r.zip_path;
	s_run(tmp, shav, &out);
	T_OK(out.len >= 64 && strncmp(out.s, r.sha256_hex, 64) == 0,
	    "package static: sha256 hex agrees with sha256sum");
	cz_buf_reset(&out);
	sslv[4] = r.zip_path;
	s_run(tmp, sslv, &out);
	cz_b64_encode(&b64, out.s, out.len);
	T_STREQ(r.sha256_b64, b64.s, "package static: CodeSha256 agrees with "
	    "openssl dgst -binary");
	p = s_at(proj, ".czappa/.gitignore");
	T_OK(cz_file_read(p, &gi, &err) == 0 && strcmp(gi.s, "*\n") == 0,
	    "package: .czappa is ignored by git");
	free(p);

	/* Unzipped as Lambda does, the bootstrap is executable and runs. */
	T_OK(s_unzip_run(r.zip_path, "unz-static", NULL, "42 9 0\n"),
	    "package static: unzipped bootstrap runs");

	/* Again, after touching everything: the same bytes. */
	rc = build_package(&c, &o, &r2, &err);
	T_OK(rc == 0 && strcmp(r.sha256_hex, r2.sha256_hex) == 0,
	    "package static: rebuilt zip has the same sha256");
	build_result_release(&r2);
	build_result_release(&r);

	/* An output path of the caller's choosing, in a new directory. */
	o.output = want = s_at(tmp, "out/dir/app.zip");
	rc = build_package(&c, &o, &r, &err);
	T_OK(rc == 0 && strcmp(r.zip_path, want) == 0 &&
	    cz_file_exists(want), "package: -o path written");
	build_result_release(&r);
	free(want);
	o.output = NULL;

	/* Files that leave the project stop the package. */
	cz_strv_push(&c.files, "../rt/czappa.h");
	rc = build_package(&c, &o, &r, &err);
	T_STREQ(rc == 0 ? "(packaged)" : err.msg, "build.files: "
	    "../rt/czappa.h: goes outside the project directory",
	    "package: escaping file refused");
	build_result_release(&r);
	s_cfg_release(&c);

	/* Dynamic: libjansson found through the compiler and shipped. */
	s_cfg(&c, "handlers/app.c", 0);
	cz_strv_push(&c.libs, "m");
	rc = build_package(&c, &o, &r, &err);
	if (!T_OK(rc == 0, "package dynamic: succeeds"))
		printf("#   %s\n", err.msg);
	s_zip_names(r.zip_path, &names);
	T_STREQ(names.s, "bootstrap lib/libjansson.so.4",
	    "package dynamic: lib/libjansson.so.4 in the zip");
	T_OK(s_unzip_run(r.zip_path, "unz-dynamic", "lib", "42 9 0\n"),
	    "package dynamic: unzipped bootstrap runs with "
	    "LD_LIBRARY_PATH=lib");
	T_OK(!r.static_linked && r.bundled.n == 1 &&
	    strcmp(r.bundled.v[0], "lib/libjansson.so.4") == 0,
	    "package dynamic: reported as bundled");
	build_result_release(&r);

	/* ...unless build.files already ships it. */
	p = s_at(proj, "lib");
	s_mkdir(proj, "lib");
	free(p);
	{
		const char	*cpv[] = { "cp", "-L",
		    "/usr/lib/x86_64-linux-gnu/libjansson.so.4", "lib/",
		    NULL };
		const char	*ldv[] = { "cc", "-print-file-name="
		    "libjansson.so.4", NULL };

		cz_buf_reset(&out);
		s_run(proj, ldv, &out);
		cz_buf_truncate(&out, out.len ? out.len - 1 : 0);
		cpv[2] = out.s;
		T_OK(s_run(proj, cpv, NULL) == 0, "package dynamic: copy "
		    "libjansson into the project");
	}
	cz_strv_push(&c.files, "lib");
	rc = build_package(&c, &o, &r, &err);
	s_zip_names(r.zip_path, &names);
	T_OK(rc == 0 && r.bundled.n == 0 &&
	    strcmp(names.s, "bootstrap lib/libjansson.so.4") == 0,
	    "package dynamic: the user's lib/ copy is used, not bundled "
	    "again");
	build_result_release(&r);
	s_cfg_release(&c);

	/* A dynamic bootstrap that needs glibc 2.36. */
	s_cfg(&c, "handlers/newglibc.c", 0);
	rc = build_package(&c, &o, &r, &err);
	T_STREQ(rc == 0 ? "(packaged)" : err.msg, "bootstrap: needs "
	    "GLIBC_2.36 but Amazon Linux 2023 has 2.34",
	    "package: glibc too new refused");
	build_result_release(&r);
	s_cfg_release(&c);

	/* Statically linked, the same program is fine. */
	s_cfg(&c, "handlers/newglibc.c", 1);
	rc = build_package(&c, &o, &r, &err);
	T_OK(rc == 0, "package: the same program linked statically passes");
	build_result_release(&r);
	s_cfg_release(&c);

	/* Compile failure: the compiler's words come back. */
	s_cfg(&c, "handlers/broken.c", 1);
	rc = build_package(&c, &o, &r, &err);
	T_STREQ(rc == 0 ? "(packaged)" : err.msg, "compile failed",
	    "package: compile failed");
	T_OK(strstr(r.compiler_output.s, "broken.c") != NULL,
	    "package: compiler output handed back");
	build_result_release(&r);
	s_cfg_release(&c);

	/* Unknown architecture. */
	s_cfg(&c, "handlers/app.c", 1);
	c.architecture = "mips";
	rc = build_package(&c, &o, &r, &err);
	T_STREQ(rc == 0 ? "(packaged)" : err.msg,
	    "unknown architecture mips (x86_64 or arm64)",
	    "package: unknown architecture");
	build_result_release(&r);
	s_cfg_release(&c);

	cz_buf_release(&names);
	cz_buf_release(&out);
	cz_buf_release(&b64);
	cz_buf_release(&gi);
}

/* serverless.yaml through config_load, as `czappa package` does it. */
static void
test_package_yaml(void)
{
	static const char	 yaml[] =
	    "service: yamlapp\n"
	    "build:\n"
	    "  sources: [handlers/app.c]\n"
	    "  cflags: [-DANSWER=7]\n"
	    "  libs: [m]\n"
	    "  files: [model.bin]\n"
	    "stages:\n"
	    "  dev: {}\n";
	struct build_opts	 o;
	struct build_result	 r = BUILD_RESULT_INIT;
	struct config		 c;
	struct cz_err		 err;
	struct cz_buf		 names = CZ_BUF_INIT, out = CZ_BUF_INIT;
	char			*path, *want;
	const char		*run[] = { NULL, NULL };
	int			 rc;

	s_write(proj, "serverless.yaml", yaml, 0644);
	path = s_at(proj, "serverless.yaml");
	memset(&c, 0, sizeof(c));
	if (!T_OK(config_load(path, "dev", &c, &err) == 0,
	    "package yaml: config loads")) {
		printf("#   %s\n", err.msg);
		free(path);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.runtime_dir = rtdir;
	rc = build_package(&c, &o, &r, &err);
	if (!T_OK(rc == 0, "package yaml: succeeds"))
		printf("#   %s\n", err.msg);
	want = cz_xasprintf("%s/.czappa/build/x86_64/yamlapp-dev.zip", proj);
	T_STREQ(r.zip_path, want, "package yaml: zip named after service "
	    "and stage");
	s_zip_names(r.zip_path, &names);
	T_STREQ(names.s, "bootstrap model.bin", "package yaml: entries");
	run[0] = r.bootstrap;
	T_OK(r.bootstrap != NULL && s_run(tmp, run, &out) == 0 &&
	    strcmp(out.s, "42 9 7\n") == 0, "package yaml: cflags from the "
	    "file reached the bootstrap");
	build_result_release(&r);
	config_release(&c);
	cz_buf_release(&names);
	cz_buf_release(&out);
	free(want);
	free(path);
}

/* ---- the build cache ------------------------------------------------ */

static char	*cproj, *crt, *ccount;

/* The project of the cache tests: two sources, a header next to them and
 * one found through -Iinc, so every kind of dependency can change. */
static const char c_main_c[] =
    "#include <stdio.h>\n"
    "#include <czappa.h>\n"
    "#include \"local.h\"\n"
    "#ifndef ANSWER\n"
    "#define ANSWER 0\n"
    "#endif\n"
    "int other(void);\n"
    "int main(void) {\n"
    "\tprintf(\"%d %d %d %d\\n\", cz_fake_runtime(), LOCAL, other(),\n"
    "\t    ANSWER);\n"
    "\treturn 0;\n"
    "}\n";
static const char c_other_c[] =
    "#include <extra.h>\n"
    "int other(void) { return EXTRA; }\n";

/* Counts the compiler's runs that write a file (-o: not --version nor
 * -print-file-name) in ccount, then is cc. */
static char *
s_counting_cc(const char *name, const char *define)
{
	struct cz_buf	 sh = CZ_BUF_INIT;
	char		*path = s_at(tmp, name);

	cz_buf_addf(&sh, "#!/bin/sh\n"
	    "case \" $* \" in *\" -o \"*) echo run >>'%s';; esac\n"
	    "exec cc %s \"$@\"\n", ccount, define);
	s_write(tmp, name, sh.s, 0755);
	cz_buf_release(&sh);
	return path;
}

static size_t
s_runs(void)
{
	struct cz_buf	b = CZ_BUF_INIT;
	struct cz_err	err;
	size_t		i, n = 0;

	if (cz_file_read(ccount, &b, &err) == 0)
		for (i = 0; i < b.len; i++)
			n += b.s[i] == '\n';
	cz_buf_release(&b);
	return n;
}

/* Each mutation of the cache tests; what it does to the project. */
enum cmut {
	M_NONE, M_TOUCH, M_SOURCE, M_LOCAL_H, M_EXTRA_H, M_CFLAG, M_LIBS,
	M_STATIC, M_RUNTIME, M_RUNTIME_H, M_CC, M_TRUNC_BIN, M_FLIP_BIN,
	M_KEY_GARBAGE, M_KEY_GONE, M_DEPS_GONE, M_DEPS_GARBAGE, M_NO_CACHE,
	M_RESTORE_SOURCE
};

static void
s_cmut(enum cmut m, struct config *c, const char *cc2, const char **cc)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	struct cz_err	 err;
	char		*p;
	const char	*touch[] = { "touch", "-d", "2001-02-03",
	    "handlers/main.c", "local.h", "inc/extra.h", NULL };

	switch (m) {
	case M_NONE:
	case M_NO_CACHE:
		break;
	case M_TOUCH:
		s_run(cproj, touch, NULL);
		break;
	case M_SOURCE:
		p = cz_xasprintf("%s/* edited */\n", c_main_c);
		s_write(cproj, "handlers/main.c", p, 0644);
		free(p);
		break;
	case M_RESTORE_SOURCE:
		s_write(cproj, "handlers/main.c", c_main_c, 0644);
		break;
	case M_LOCAL_H:
		s_write(cproj, "local.h", "#define LOCAL 2\n", 0644);
		break;
	case M_EXTRA_H:
		s_write(cproj, "inc/extra.h", "#define EXTRA 4\n", 0644);
		break;
	case M_CFLAG:
		cz_strv_push(&c->cflags, "-DANSWER=5");
		break;
	case M_LIBS:
		cz_strv_push(&c->libs, "m");
		break;
	case M_STATIC:
		c->static_link = 0;
		break;
	case M_RUNTIME:
		/* Same header, another library: the runtime answers 43. */
		p = s_at(crt, "rt.c");
		cz_file_read(p, &b, &err);
		free(p);
		if ((p = strstr(b.s, "json_integer(42)")) != NULL)
			p[14] = '3';
		s_write(crt, "rt.c", b.s, 0644);
		s_fake_runtime_in(crt);
		break;
	case M_RUNTIME_H:
		s_write(crt, "czappa.h", "int cz_fake_runtime(void);\n"
		    "/* a comment changes the header's bytes only */\n", 0644);
		break;
	case M_CC:
		*cc = cc2;
		break;
	case M_TRUNC_BIN:
	case M_FLIP_BIN:
		p = s_at(cproj, ".czappa/build/x86_64/bootstrap");
		cz_file_read(p, &b, &err);
		if (m == M_TRUNC_BIN && b.len > 100)
			cz_buf_truncate(&b, b.len / 2);
		else if (b.len > 100)
			b.s[b.len - 50] ^= 1;
		cz_file_write(p, b.s, b.len, 0755, &err);
		free(p);
		break;
	case M_KEY_GARBAGE:
		s_write(cproj, ".czappa/build/x86_64/bootstrap.key",
		    "czappa-build-cache 1\nkey 00\n", 0644);
		break;
	case M_KEY_GONE:
		p = s_at(cproj, ".czappa/build/x86_64/bootstrap.key");
		unlink(p);
		free(p);
		break;
	case M_DEPS_GONE:
		p = s_at(cproj, ".czappa/build/x86_64/bootstrap.d");
		unlink(p);
		free(p);
		break;
	case M_DEPS_GARBAGE:
		s_write(cproj, ".czappa/build/x86_64/bootstrap.d",
		    "\x01\x02 no rule here\n", 0644);
		break;
	}
	cz_buf_release(&b);
}

static void
test_cache(void)
{
	/* In order: each step starts from the state the one before left. */
	static const struct {
		const char	*name;
		enum cmut	 m;
		int		 compiles;	/* 1: the compiler must run */
		const char	*want;		/* the bootstrap's output */
	} steps[] = {
		{ "first build", M_NONE, 1, "42 1 3 0\n" },
		{ "unchanged", M_NONE, 0, "42 1 3 0\n" },
		{ "unchanged again", M_NONE, 0, "42 1 3 0\n" },
		{ "touched, same bytes", M_TOUCH, 0, "42 1 3 0\n" },
		{ "changed source", M_SOURCE, 1, "42 1 3 0\n" },
		{ "source changed back", M_RESTORE_SOURCE, 1, "42 1 3 0\n" },
		{ "unchanged after a change", M_NONE, 0, "42 1 3 0\n" },
		{ "changed header next to the source", M_LOCAL_H, 1,
		  "42 2 3 0\n" },
		{ "changed header of the second source, through -I", M_EXTRA_H,
		  1, "42 2 4 0\n" },
		{ "changed cflag", M_CFLAG, 1, "42 2 4 5\n" },
		{ "changed libs", M_LIBS, 1, "42 2 4 5\n" },
		{ "dynamic instead of static", M_STATIC, 1, "42 2 4 5\n" },
		{ "changed runtime library", M_RUNTIME, 1, "43 2 4 5\n" },
		{ "changed runtime header", M_RUNTIME_H, 1, "43 2 4 5\n" },
		{ "another compiler", M_CC, 1, "43 2 4 5\n" },
		{ "unchanged with the other compiler", M_NONE, 0,
		  "43 2 4 5\n" },
		{ "bootstrap cut short", M_TRUNC_BIN, 1, "43 2 4 5\n" },
		{ "bootstrap with a flipped bit", M_FLIP_BIN, 1, "43 2 4 5\n" },
		{ "key file damaged", M_KEY_GARBAGE, 1, "43 2 4 5\n" },
		{ "key file removed", M_KEY_GONE, 1, "43 2 4 5\n" },
		{ "dependency file removed", M_DEPS_GONE, 1, "43 2 4 5\n" },
		{ "dependency file damaged", M_DEPS_GARBAGE, 1, "43 2 4 5\n" },
		{ "CZAPPA_NO_BUILD_CACHE=1", M_NO_CACHE, 1, "43 2 4 5\n" },
		{ "unchanged at the end", M_NONE, 0, "43 2 4 5\n" },
	};
	struct build_opts	 o;
	struct build_result	 r = BUILD_RESULT_INIT;
	struct config		 c;
	struct cz_buf		 out = CZ_BUF_INIT;
	struct cz_err		 err;
	char			*cc1, *cc2, last[65] = "";
	const char		*run[] = { NULL, NULL }, *cc;
	size_t			 i, before;
	int			 rc;

	ccount = s_at(tmp, "cc-runs");
	cc1 = s_counting_cc("cc-one", "");
	cc2 = s_counting_cc("cc-two", "-DUNUSED_BY_SOURCES=1");
	cproj = s_at(tmp, "cproj");
	crt = s_at(tmp, "crt");
	s_mkdir(tmp, "crt");
	T_OK(s_fake_runtime(crt, 0), "cache: fixture runtime");
	s_write(cproj, "handlers/main.c", c_main_c, 0644);
	s_write(cproj, "handlers/other.c", c_other_c, 0644);
	s_write(cproj, "local.h", "#define LOCAL 1\n", 0644);
	s_write(cproj, "inc/extra.h", "#define EXTRA 3\n", 0644);

	memset(&c, 0, sizeof(c));
	c.dir = cproj;
	c.service = "svc";
	c.stage = "dev";
	c.architecture = "x86_64";
	c.static_link = 1;
	cz_strv_push(&c.sources, "handlers/main.c");
	cz_strv_push(&c.sources, "handlers/other.c");
	cz_strv_push(&c.cflags, "-I.");
	cz_strv_push(&c.cflags, "-Iinc");
	memset(&o, 0, sizeof(o));
	o.runtime_dir = crt;
	cc = cc1;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		s_cmut(steps[i].m, &c, cc2, &cc);
		o.cc = cc;
		if (steps[i].m == M_NO_CACHE)
			setenv("CZAPPA_NO_BUILD_CACHE", "1", 1);
		before = s_runs();
		rc = build_package(&c, &o, &r, &err);
		unsetenv("CZAPPA_NO_BUILD_CACHE");
		if (!T_OK(rc == 0, "cache %s: packaged", steps[i].name)) {
			printf("#   %s\n#   %s\n", err.msg,
			    r.compiler_output.s);
			build_result_release(&r);
			break;
		}
		T_OK((s_runs() != before) == steps[i].compiles &&
		    r.cached == !steps[i].compiles, "cache %s: compiler %s "
		    "(%zu runs, cached %d)", steps[i].name, steps[i].compiles ?
		    "ran" : "skipped", s_runs() - before, r.cached);
		run[0] = r.bootstrap;
		cz_buf_reset(&out);
		T_OK(s_run(tmp, run, &out) == 0 && strcmp(out.s,
		    steps[i].want) == 0, "cache %s: bootstrap prints %.*s",
		    steps[i].name, (int)strlen(steps[i].want) - 1,
		    steps[i].want);
		/* A reused bootstrap zips to the bytes it zipped to before. */
		if (!steps[i].compiles)
			T_STREQ(r.sha256_hex, last, "cache %s: same zip "
			    "SHA-256", steps[i].name);
		memcpy(last, r.sha256_hex, sizeof(last));
		build_result_release(&r);
	}
	s_cfg_release(&c);
	cz_buf_release(&out);
	free(cc1);
	free(cc2);
	free(cproj);
	free(crt);
	free(ccount);
}

static void
test_depfile(void)
{
	static const struct {
		const char	*name, *text, *want;	/* want NULL: error */
	} cases[] = {
		{ "one line", "a.o: a.c a.h\n", "a.c|a.h" },
		{ "continued", "a.o: a.c \\\n /usr/include/stdio.h \\\n  b.h\n",
		  "a.c|/usr/include/stdio.h|b.h" },
		{ "escaped space and dollar", "a.o: my\\ dir/a.c x$$y.h\n",
		  "my dir/a.c|x$y.h" },
		{ "phony rules of -MP", "a.o: a.c a.h\na.h:\n", "a.c|a.h" },
		{ "duplicates once", "a.o: a.c a.h\nb.o: b.c a.h\n",
		  "a.c|a.h|b.c" },
		{ "CRLF", "a.o: a.c \\\r\n b.h\r\n", "a.c|b.h" },
		{ "target with a colon in its path", "c:x.o: a.c\n", "a.c" },
		{ "no rule", "just words\n", NULL },
		{ "empty", "", NULL },
	};
	struct cz_strv	 deps = CZ_STRV_INIT, again = CZ_STRV_INIT;
	struct cz_buf	 got = CZ_BUF_INIT, w = CZ_BUF_INIT;
	struct cz_err	 err;
	size_t		 i, j;
	int		 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = build_depfile_parse(cases[i].text, &deps, &err);
		cz_buf_reset(&got);
		for (j = 0; j < deps.n; j++)
			cz_buf_addf(&got, "%s%s", j ? "|" : "", deps.v[j]);
		if (cases[i].want == NULL)
			T_OK(rc == -1, "depfile %s: refused", cases[i].name);
		else {
			T_STREQ(rc == 0 ? got.s : err.msg, cases[i].want,
			    "depfile %s", cases[i].name);
			/* What we write reads back the same. */
			cz_buf_reset(&w);
			build_depfile_write(&w, "out dir/bootstrap", &deps);
			rc = build_depfile_parse(w.s, &again, &err);
			T_OK(rc == 0 && again.n == deps.n,
			    "depfile %s: written and read back", cases[i].name);
			for (j = 0; rc == 0 && j < deps.n && j < again.n; j++)
				T_STREQ(again.v[j], deps.v[j], "depfile %s: "
				    "entry %zu round trip", cases[i].name, j);
		}
		cz_strv_release(&deps);
		cz_strv_release(&again);
	}
	cz_buf_release(&got);
	cz_buf_release(&w);
}

int
main(void)
{
	char		 tmpl[] = "/tmp/czappa-test-compile.XXXXXX";
	const char	*rm[] = { "rm", "-rf", tmpl, NULL };
	char		*d;

	if ((tmp = mkdtemp(tmpl)) == NULL) {
		T_OK(0, "mkdtemp");
		return t_done();
	}
	umask(022);
	d = s_at(tmp, "proj");
	s_mkdir(tmp, "proj");
	proj = s_real(d);
	free(d);
	d = s_at(tmp, "rt");
	s_mkdir(tmp, "rt");
	rtdir = s_real(d);
	free(d);
	s_write(proj, "handlers/app.c", app_c, 0644);
	s_write(proj, "handlers/from_cc.c", from_cc_c, 0644);
	s_write(proj, "handlers/broken.c", broken_c, 0644);
	s_write(proj, "handlers/newglibc.c", newglibc_c, 0644);
	s_write(proj, "handlers/real.c", real_c, 0644);
	s_write(proj, "model.bin", "weights\n", 0644);
	s_write(proj, "data/a.txt", "a\n", 0644);
	s_write(proj, "data/z/b.txt", "b\n", 0644);
	T_OK(s_fake_runtime(rtdir, 0), "fixture: fake runtime built");

	test_runtime_find();
	test_compiler();
	test_compile();
	test_real_runtime();
	test_package();
	test_package_yaml();
	test_depfile();
	test_cache();
	if (getenv("CZ_KEEP") == NULL)
		s_run("/", rm, NULL);
	free(proj);
	free(rtdir);
	return t_done();
}
