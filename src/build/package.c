/*
 * package: see package.h.  The order is compile, check the ELF, gather the
 * zip's entries, zip, hash; each step names what it refused.  A dynamic
 * bootstrap only leaves here with every library it needs, outside glibc, in
 * the zip's lib/ (Lambda puts /var/task/lib on LD_LIBRARY_PATH), each checked
 * like the bootstrap itself.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/xmalloc.h"
#include "build/cache.h"
#include "build/compile.h"
#include "build/elf.h"
#include "build/package.h"
#include "build/zip.h"

/* Bounds the walk over needed libraries, which a crafted file could make
 * endless. */
#define PACKAGE_MAX_LIBS	256

void
build_result_release(struct build_result *res)
{
	free(res->bootstrap);
	free(res->zip_path);
	res->bootstrap = res->zip_path = NULL;
	cz_strv_release(&res->bundled);
	cz_buf_release(&res->compiler_output);
}

/* The zip entry named name, or NULL. */
static const struct build_zip_entry *
s_entry(const struct build_zip *z, const char *name)
{
	size_t	i;

	for (i = 0; i < z->n; i++)
		if (strcmp(z->v[i].name, name) == 0)
			return &z->v[i];
	return NULL;
}

/*
 * Asks the compiler where it would link soname from (-print-file-name), so a
 * cross compiler answers with its own sysroot's copy.  0 and *path (new
 * string), 1 if the compiler does not know it, -1 and *err.
 */
static int
s_find_lib(const char *arch, const char *cc, const char *soname,
    char **path, struct cz_err *err)
{
	struct cz_strv	 argv = CZ_STRV_INIT;
	struct cz_buf	 out = CZ_BUF_INIT;
	struct cz_proc	 p;
	struct stat	 st;
	int		 rc = -1;

	*path = NULL;
	if (build_compiler(arch, cc, &argv, err) == -1)
		goto out;
	cz_strv_pushf(&argv, "-print-file-name=%s", soname);
	memset(&p, 0, sizeof(p));
	p.argv = (const char *const *)argv.v;
	p.out = &out;
	p.errout = &out;
	p.timeout_ms = 30000;
	if (cz_proc_run(&p, err) == -1)
		goto out;
	while (out.len > 0 && (out.s[out.len - 1] == '\n' ||
	    out.s[out.len - 1] == '\r'))
		cz_buf_truncate(&out, out.len - 1);
	/* Unknown names come back unchanged, without a directory. */
	if (p.status != 0 || out.s[0] != '/' || stat(out.s, &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		rc = 1;
		goto out;
	}
	if ((*path = realpath(out.s, NULL)) == NULL) {
		cz_errf(err, "%s: %s", out.s, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	cz_strv_release(&argv);
	cz_buf_release(&out);
	return rc;
}

/*
 * Makes sure every library the dynamic bootstrap e needs, and what those
 * need, is glibc's or in the zip's lib/: from build.files, or copied from the
 * toolchain.  Each shipped library gets the same ELF checks.
 */
static int
s_bundle(const struct build_elf *e, const char *arch, const char *cc,
    struct build_zip *z, struct build_result *res, struct cz_err *err)
{
	struct cz_strv			 todo = CZ_STRV_INIT;
	struct build_elf		 lib = BUILD_ELF_INIT;
	const struct build_zip_entry	*ent;
	char				*name = NULL, *src = NULL;
	size_t				 i, j;
	int				 found, rc = -1;

	for (i = 0; i < e->needed.n; i++)
		cz_strv_push(&todo, e->needed.v[i]);
	for (i = 0; i < todo.n; i++) {
		if (todo.n > PACKAGE_MAX_LIBS) {
			cz_errf(err, "bootstrap: needs more than %d shared "
			    "libraries", PACKAGE_MAX_LIBS);
			goto out;
		}
		if (build_elf_system_lib(todo.v[i]) ||
		    cz_strv_find(&todo, todo.v[i]) < (int)i)
			continue;
		if (strchr(todo.v[i], '/') != NULL) {
			cz_errf(err, "bootstrap: needs %s by path; Lambda only "
			    "has what is in the zip", todo.v[i]);
			goto out;
		}
		free(name);
		name = cz_xasprintf("lib/%s", todo.v[i]);
		if ((ent = s_entry(z, name)) == NULL) {
			free(src);
			if ((found = s_find_lib(arch, cc, todo.v[i], &src,
			    err)) == -1)
				goto out;
			if (found == 1) {
				cz_errf(err, "bootstrap: needs %s, which "
				    "Amazon Linux 2023 lacks and the compiler "
				    "cannot find; ship it in build.files as "
				    "%s or link statically", todo.v[i], name);
				goto out;
			}
			if (build_zip_add(z, name, src, 0644, err) == -1)
				goto out;
			cz_strv_push(&res->bundled, name);
			ent = &z->v[z->n - 1];
		}
		if (build_elf_read(ent->src, name, &lib, err) == -1 ||
		    build_elf_check_lib(name, &lib, arch, err) == -1)
			goto out;
		for (j = 0; j < lib.needed.n; j++)
			cz_strv_push(&todo, lib.needed.v[j]);
		build_elf_release(&lib);
	}
	rc = 0;
out:
	build_elf_release(&lib);
	cz_strv_release(&todo);
	free(name);
	free(src);
	return rc;
}

int
build_package(const struct config *cfg, const struct build_opts *opts,
    struct build_result *res, struct cz_err *err)
{
	static const struct build_opts	 noopts;
	struct build_runtime		 rt = BUILD_RUNTIME_INIT;
	struct build_zip		 z = BUILD_ZIP_INIT;
	struct build_zip_info		 info;
	struct build_elf		 e = BUILD_ELF_INIT;
	struct config			 c;
	const char			*arch, *nocache;
	char				*dir = NULL, *bdir = NULL;
	char				*gi = NULL, *zdir = NULL;
	long long			 t0;
	size_t				 i;
	int				 hit, rc = -1;

	if (opts == NULL)
		opts = &noopts;
	memset(res, 0, sizeof(*res));
	cz_buf_init(&res->compiler_output, 0);
	arch = opts->arch ? opts->arch : cfg->architecture ?
	    cfg->architecture : "x86_64";
	if (build_elf_arch_machine(arch) == 0) {
		cz_errf(err, "unknown architecture %s (x86_64 or arm64)", arch);
		goto out;
	}
	/* The compiler runs inside the project; every other path is made
	 * absolute so that does not move it. */
	if ((dir = realpath(cfg->dir ? cfg->dir : ".", NULL)) == NULL) {
		cz_errf(err, "%s: %s", cfg->dir ? cfg->dir : ".",
		    strerror(errno));
		goto out;
	}
	c = *cfg;
	c.dir = dir;
	if (build_runtime_find(opts->runtime_dir, NULL, &rt, err) == -1)
		goto out;

	bdir = cz_xasprintf("%s/.czappa/build/%s", dir, arch);
	if (cz_mkdirs(bdir, 0755, err) == -1)
		goto out;
	/* czappa's output never belongs in the project's history. */
	gi = cz_xasprintf("%s/.czappa/.gitignore", dir);
	if (!cz_file_exists(gi) && cz_file_write(gi, "*\n", 2, 0644,
	    err) == -1)
		goto out;
	res->bootstrap = cz_xasprintf("%s/bootstrap", bdir);
	if (opts->output != NULL)
		res->zip_path = cz_xstrdup(opts->output);
	else if (cfg->stage != NULL)
		res->zip_path = cz_xasprintf("%s/%s-%s.zip", bdir,
		    cfg->service ? cfg->service : "function", cfg->stage);
	else
		res->zip_path = cz_xasprintf("%s/%s.zip", bdir,
		    cfg->service ? cfg->service : "function");

	t0 = cz_mono_ms();
	nocache = getenv("CZAPPA_NO_BUILD_CACHE");
	if (nocache != NULL && *nocache != '\0' && strcmp(nocache, "0") != 0)
		hit = 1;
	else if ((hit = build_cache_lookup(&c, arch, &rt, opts->cc,
	    res->bootstrap, err)) == -1)
		goto out;
	if (hit == 0)
		res->cached = 1;
	else {
		build_cache_forget(res->bootstrap);
		if (build_compile(&c, arch, &rt, opts->cc, res->bootstrap,
		    &res->compiler_output, err) == -1 ||
		    build_cache_store(&c, arch, &rt, opts->cc, res->bootstrap,
		    err) == -1)
			goto out;
	}
	res->compile_ms = cz_mono_ms() - t0;

	t0 = cz_mono_ms();
	if (build_elf_read(res->bootstrap, "bootstrap", &e, err) == -1 ||
	    build_elf_check_exe("bootstrap", &e, arch, err) == -1)
		goto out;
	res->static_linked = e.interp == NULL;
	if (build_zip_add(&z, "bootstrap", res->bootstrap, 0755, err) == -1)
		goto out;
	for (i = 0; i < cfg->files.n; i++)
		if (build_zip_add_project(&z, dir, cfg->files.v[i], err) == -1)
			goto out;
	if (!res->static_linked &&
	    s_bundle(&e, arch, opts->cc, &z, res, err) == -1)
		goto out;
	if ((zdir = cz_dirname(res->zip_path)) != NULL &&
	    cz_mkdirs(zdir, 0755, err) == -1)
		goto out;
	if (build_zip_write(&z, res->zip_path, &info, err) == -1)
		goto out;
	res->zip_ms = cz_mono_ms() - t0;
	res->zip_size = info.size;
	res->unzipped_size = info.unzipped;
	res->entries = info.entries;
	memcpy(res->sha256_hex, info.sha256_hex, sizeof(res->sha256_hex));
	memcpy(res->sha256_b64, info.sha256_b64, sizeof(res->sha256_b64));
	rc = 0;
out:
	build_elf_release(&e);
	build_zip_release(&z);
	build_runtime_release(&rt);
	free(zdir);
	free(gi);
	free(bdir);
	free(dir);
	return rc;
}
