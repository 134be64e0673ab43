/*
 * cache: see cache.h.  Every input enters the digest as a tag, its length
 * and its bytes, so no two different input sets can give the same stream.
 * The entry is trusted only when the bootstrap's own SHA-256 matches too:
 * a truncated or edited binary, or a key file cut short, means compiling.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/xmalloc.h"
#include "build/cache.h"
#include "build/compile.h"
#include "build/zip.h"

/* Bump when what goes into the key changes, so old entries miss. */
#define CACHE_SCHEME	"czappa-build-cache 1"
#define CACHE_VERSION_TIMEOUT_MS	30000

/* Variables the GNU and clang drivers read that change what they build. */
static const char *const cache_env[] = {
	"CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "GCC_EXEC_PREFIX",
	"COMPILER_PATH", NULL
};

int
build_depfile_parse(const char *text, struct cz_strv *deps,
    struct cz_err *err)
{
	struct cz_buf	 w = CZ_BUF_INIT;
	const char	*p = text;
	int		 in_targets = 1, rules = 0, word = 0;

	for (;;) {
		int	c = *p, end = 0, colon = 0;

		if (c == '\\' && p[1] == '\n') {
			end = 1;		/* continuation */
			p += 2;
		} else if (c == '\\' && p[1] == '\r' && p[2] == '\n') {
			end = 1;
			p += 3;
		} else if (c == '\\' && (p[1] == ' ' || p[1] == '#' ||
		    p[1] == '\\' || p[1] == '\t')) {
			cz_buf_addch(&w, p[1]);
			word = 1;
			p += 2;
		} else if (c == '$' && p[1] == '$') {
			cz_buf_addch(&w, '$');
			word = 1;
			p += 2;
		} else if (c == ':' && in_targets && (p[1] == ' ' ||
		    p[1] == '\t' || p[1] == '\n' || p[1] == '\r' ||
		    p[1] == '\0')) {
			end = colon = 1;
			p++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			end = 1;
			p++;
		} else if (c == '\n' || c == '\0') {
			end = 1;
		} else {
			cz_buf_addch(&w, c);
			word = 1;
			p++;
		}
		if (end && word) {
			if (!in_targets && cz_strv_find(deps, w.s) == -1)
				cz_strv_push(deps, w.s);
			cz_buf_reset(&w);
			word = 0;
		}
		if (colon) {
			in_targets = 0;
			rules++;
		}
		if (c == '\n') {
			in_targets = 1;
			p++;
		} else if (c == '\0')
			break;
	}
	cz_buf_release(&w);
	if (rules == 0)
		return cz_errf(err, "not a dependency file: no rule in it");
	return 0;
}

/* s escaped for a make rule. */
static void
s_escape(struct cz_buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '#' || *s == '\t')
			cz_buf_addch(out, '\\');
		else if (*s == '$')
			cz_buf_addch(out, '$');
		cz_buf_addch(out, *s);
	}
}

void
build_depfile_write(struct cz_buf *out, const char *target,
    const struct cz_strv *deps)
{
	size_t	i;

	s_escape(out, target);
	cz_buf_addch(out, ':');
	for (i = 0; i < deps->n; i++) {
		cz_buf_adds(out, " \\\n ");
		s_escape(out, deps->v[i]);
	}
	cz_buf_addch(out, '\n');
}

/* One field: tag, length, bytes. */
static int
s_field(EVP_MD_CTX *ctx, const char *tag, const void *p, size_t len)
{
	unsigned char	n[8];
	uint64_t	l = len;
	int		i;

	for (i = 0; i < 8; i++)
		n[i] = (unsigned char)(l >> (8 * i));
	return EVP_DigestUpdate(ctx, tag, strlen(tag) + 1) == 1 &&
	    EVP_DigestUpdate(ctx, n, sizeof(n)) == 1 &&
	    EVP_DigestUpdate(ctx, p, len) == 1;
}

static int
s_str(EVP_MD_CTX *ctx, const char *tag, const char *s)
{
	return s_field(ctx, tag, s, strlen(s));
}

static int
s_strv(EVP_MD_CTX *ctx, const char *tag, const struct cz_strv *v)
{
	unsigned char	n[8];
	uint64_t	count = v->n;
	size_t		i;
	int		ok;

	/* The count as 8 bytes, so ["ab"] and ["a", "b"] hash apart. */
	for (i = 0; i < 8; i++)
		n[i] = (unsigned char)(count >> (8 * i));
	ok = s_field(ctx, tag, n, sizeof(n));

	for (i = 0; ok && i < v->n; i++)
		ok = s_str(ctx, tag, v->v[i]);
	return ok;
}

/*
 * A file's name and bytes; path is relative to dir unless absolute.  A file
 * that cannot be read enters as missing, which differs from any content.
 */
static int
s_file(EVP_MD_CTX *ctx, const char *tag, const char *dir, const char *path)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	struct cz_err	 err;
	char		*full;
	int		 ok;

	full = path[0] == '/' ? cz_xstrdup(path) :
	    cz_xasprintf("%s/%s", dir, path);
	ok = s_str(ctx, tag, path);
	if (ok && cz_file_read(full, &b, &err) == 0)
		ok = s_field(ctx, "bytes", b.s, b.len);
	else if (ok)
		ok = s_str(ctx, "missing", path);
	free(full);
	cz_buf_release(&b);
	return ok;
}

int
build_cache_key(const struct config *cfg, const char *arch,
    const struct build_runtime *rt, const char *cc_override,
    const struct cz_strv *deps, char hex[65], struct cz_err *err)
{
	struct cz_strv	 cc = CZ_STRV_INIT, cflags = CZ_STRV_INIT;
	struct cz_strv	 ldflags = CZ_STRV_INIT, ldlibs = CZ_STRV_INIT;
	struct cz_buf	 ver = CZ_BUF_INIT;
	struct cz_proc	 p;
	EVP_MD_CTX	*ctx = NULL;
	const char	*dir = cfg->dir ? cfg->dir : ".", *v;
	char		*cpath = NULL, *hdr = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen, i;
	size_t		 j;
	int		 ok, rc = -1;

	if (build_compiler(arch, cc_override, &cc, err) == -1)
		goto out;
	/* The same name in another PATH is another compiler. */
	if ((cpath = build_which(cc.v[0])) == NULL) {
		cz_errf(err, "compiler %s is not in PATH", cc.v[0]);
		goto out;
	}
	cz_strv_push(&cc, "--version");
	memset(&p, 0, sizeof(p));
	p.argv = (const char *const *)cc.v;
	p.dir = dir;
	p.out = &ver;
	p.errout = &ver;
	p.timeout_ms = CACHE_VERSION_TIMEOUT_MS;
	if (cz_proc_run(&p, err) == -1) {
		cz_err_prefix(err, "%s --version", cc.v[0]);
		goto out;
	}
	cz_buf_addf(&ver, "\nexit %d", p.status);
	build_compile_flags(cfg, rt, &cflags, &ldflags, &ldlibs);

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		cz_errf(err, "build cache: cannot start a digest");
		goto out;
	}
	ok = s_str(ctx, "scheme", CACHE_SCHEME) &&
	    s_str(ctx, "arch", arch) &&
	    s_str(ctx, "dir", dir) &&
	    s_str(ctx, "compiler", cpath) &&
	    s_strv(ctx, "argv", &cc) &&
	    s_field(ctx, "version", ver.s, ver.len) &&
	    s_strv(ctx, "cflags", &cflags) &&
	    s_strv(ctx, "ldflags", &ldflags) &&
	    s_strv(ctx, "ldlibs", &ldlibs);
	for (i = 0; ok && cache_env[i] != NULL; i++) {
		v = getenv(cache_env[i]);
		ok = s_str(ctx, "env", cache_env[i]) &&
		    s_str(ctx, v ? "set" : "unset", v ? v : "");
	}
	hdr = cz_xasprintf("%s/%s", rt->incdir, BUILD_RUNTIME_HEADER);
	ok = ok && s_file(ctx, "runtime", dir, rt->lib) &&
	    s_file(ctx, "runtime-header", dir, hdr);
	for (j = 0; ok && j < cfg->sources.n; j++)
		ok = s_file(ctx, "source", dir, cfg->sources.v[j]);
	for (j = 0; ok && deps != NULL && j < deps->n; j++)
		ok = s_file(ctx, "dep", dir, deps->v[j]);
	if (!ok || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
		cz_errf(err, "build cache: digest failed");
		goto out;
	}
	for (i = 0; i < mdlen && i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	hex[2 * i] = '\0';
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	cz_strv_release(&cc);
	cz_strv_release(&cflags);
	cz_strv_release(&ldflags);
	cz_strv_release(&ldlibs);
	cz_buf_release(&ver);
	free(cpath);
	free(hdr);
	return rc;
}

/*
 * The entry's text: the scheme line, then "key <hex>" and "bootstrap
 * <sha256 hex of out>".
 */
static void
s_entry(struct cz_buf *b, const char *key, const char *sum)
{
	cz_buf_addf(b, "%s\nkey %s\nbootstrap %s\n", CACHE_SCHEME, key, sum);
}

int
build_cache_lookup(const struct config *cfg, const char *arch,
    const struct build_runtime *rt, const char *cc_override,
    const char *out, struct cz_err *err)
{
	struct cz_strv	 deps = CZ_STRV_INIT;
	struct cz_buf	 entry = CZ_BUF_INIT, d = CZ_BUF_INIT;
	struct cz_buf	 want = CZ_BUF_INIT;
	struct cz_err	 ignored;
	char		*kpath, *dpath, key[65], sum[65], b64[45];
	int		 rc = 1;

	kpath = cz_xasprintf("%s.key", out);
	dpath = cz_xasprintf("%s.d", out);
	/* Anything missing or unreadable of the entry is a miss, not an
	 * error: compiling again repairs it. */
	if (cz_file_read(kpath, &entry, &ignored) == -1 ||
	    cz_file_read(dpath, &d, &ignored) == -1 ||
	    build_depfile_parse(d.s, &deps, &ignored) == -1 ||
	    build_sha256_file(out, sum, b64, &ignored) == -1)
		goto out;
	if (build_cache_key(cfg, arch, rt, cc_override, &deps, key,
	    err) == -1) {
		rc = -1;
		goto out;
	}
	s_entry(&want, key, sum);
	if (entry.len == want.len && memcmp(entry.s, want.s, want.len) == 0)
		rc = 0;
out:
	cz_strv_release(&deps);
	cz_buf_release(&entry);
	cz_buf_release(&d);
	cz_buf_release(&want);
	free(kpath);
	free(dpath);
	return rc;
}

void
build_cache_forget(const char *out)
{
	char	*kpath = cz_xasprintf("%s.key", out);

	unlink(kpath);
	free(kpath);
}

int
build_cache_store(const struct config *cfg, const char *arch,
    const struct build_runtime *rt, const char *cc_override,
    const char *out, struct cz_err *err)
{
	struct cz_strv	 deps = CZ_STRV_INIT;
	struct cz_buf	 d = CZ_BUF_INIT, entry = CZ_BUF_INIT;
	char		*kpath, *dpath, key[65], sum[65], b64[45];
	int		 rc = -1;

	kpath = cz_xasprintf("%s.key", out);
	dpath = cz_xasprintf("%s.d", out);
	if (cz_file_read(dpath, &d, err) == -1 ||
	    build_depfile_parse(d.s, &deps, err) == -1) {
		cz_err_prefix(err, "build cache");
		goto out;
	}
	if (build_cache_key(cfg, arch, rt, cc_override, &deps, key,
	    err) == -1 || build_sha256_file(out, sum, b64, err) == -1)
		goto out;
	s_entry(&entry, key, sum);
	if (cz_file_write(kpath, entry.s, entry.len, 0644, err) == -1)
		goto out;
	rc = 0;
out:
	cz_strv_release(&deps);
	cz_buf_release(&d);
	cz_buf_release(&entry);
	free(kpath);
	free(dpath);
	return rc;
}
