/*
 * zip: see zip.h.  libzip would stamp each entry with its file's mtime in
 * local time; every entry gets DOS date 1980-01-01 00:00 instead, so neither
 * the files' times nor TZ reach the bytes.  Owners and extra fields are
 * never written.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zip.h>

#include "base/b64.h"
#include "base/buf.h"
#include "base/strv.h"
#include "base/xmalloc.h"
#include "build/zip.h"

/* zlib's default: on a 1.1 MB static bootstrap level 9 saves 0.6% (3 KB)
 * and takes 115 ms longer, which every deploy pays now that the build cache
 * leaves zipping as the build's main cost. */
#define ZIP_DEFLATE_LEVEL	6

/* MS-DOS date of 1980-01-01 (day 1, month 1, year 1980 + 0) and time 00:00,
 * the earliest a zip can say. */
#define ZIP_DOS_DATE	((0 << 9) | (1 << 5) | 1)
#define ZIP_DOS_TIME	0
#define ZIP_MAX_DEPTH	32

void
build_zip_release(struct build_zip *z)
{
	size_t	i;

	for (i = 0; i < z->n; i++) {
		free(z->v[i].name);
		free(z->v[i].src);
	}
	free(z->v);
	z->v = NULL;
	z->n = z->cap = 0;
}

/* 1 if name is relative, with no empty, "." or ".." component. */
static int
s_clean_name(const char *name)
{
	const char	*p = name, *slash;
	size_t		 n;

	if (*name == '\0' || *name == '/')
		return 0;
	for (;;) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (slash == NULL)
			return 1;
		p = slash + 1;
	}
}

int
build_zip_add(struct build_zip *z, const char *name, const char *src,
    int mode, struct cz_err *err)
{
	struct build_zip_entry	*e;
	struct stat		 st;
	int			 fd;

	if (!s_clean_name(name))
		return cz_errf(err, "%s: not a clean relative path for a zip "
		    "entry", name);
	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		return cz_errf(err, "%s: %s", src, strerror(errno));
	if (fstat(fd, &st) == -1) {
		cz_errf(err, "%s: %s", src, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return cz_errf(err, "%s: not a regular file", src);
	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 16;
		z->v = cz_xrealloc(z->v, z->cap * sizeof(*z->v));
	}
	e = &z->v[z->n++];
	e->name = cz_xstrdup(name);
	e->src = cz_xstrdup(src);
	e->mode = mode;
	e->size = (unsigned long long)st.st_size;
	return 0;
}

/* Normalises rel ("./data//x/" -> "data/x") into *out; -1 and *err if it is
 * absolute, climbs with "..", or names the project directory itself. */
static int
s_project_rel(const char *rel, struct cz_buf *out, struct cz_err *err)
{
	const char	*p = rel, *slash;
	size_t		 n;

	if (*rel == '/')
		return cz_errf(err, "build.files: %s: is an absolute path; "
		    "files must be inside the project directory", rel);
	while (*p != '\0') {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return cz_errf(err, "build.files: %s: goes outside "
			    "the project directory", rel);
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (out->len > 0)
				cz_buf_addch(out, '/');
			cz_buf_add(out, p, n);
		}
		p += n + (slash != NULL);
	}
	if (out->len == 0)
		return cz_errf(err, "build.files: %s: names the project "
		    "directory itself; list the files or folders to ship",
		    *rel ? rel : "\"\"");
	return 0;
}

static int
s_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if the resolved path real lies strictly below the directory root. */
static int
s_inside(const char *root, size_t rootlen, const char *real)
{
	if (strcmp(root, "/") == 0)
		return real[0] == '/' && real[1] != '\0';
	return strncmp(real, root, rootlen) == 0 && real[rootlen] == '/';
}

/* Adds root/rel: a file, or a directory's files in name order.  Errors name
 * rel, except a runaway depth, which names the build.files entry. */
static int
s_add_tree(struct build_zip *z, const char *root, const char *rel,
    const char *entry, int depth, struct cz_err *err)
{
	struct cz_strv	 names = CZ_STRV_INIT;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d = NULL;
	char		*path, *real = NULL, *child;
	size_t		 rootlen = strlen(root), i;
	int		 rc = -1;

	path = cz_xasprintf("%s/%s", root, rel);
	if ((real = realpath(path, NULL)) == NULL) {
		cz_errf(err, "build.files: %s: %s", rel, errno == ENOENT ?
		    "no such file in the project directory" : strerror(errno));
		goto out;
	}
	/* A symlink may point anywhere: what counts is where it resolves. */
	if (!s_inside(root, rootlen, real)) {
		cz_errf(err, "build.files: %s: resolves to %s, outside "
		    "the project directory", rel, real);
		goto out;
	}
	if (stat(real, &st) == -1) {
		cz_errf(err, "build.files: %s: %s", rel, strerror(errno));
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		rc = build_zip_add(z, rel, real,
		    (st.st_mode & S_IXUSR) ? 0755 : 0644, err);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		cz_errf(err, "build.files: %s: not a file or a directory",
		    rel);
		goto out;
	}
	if (depth >= ZIP_MAX_DEPTH) {
		cz_errf(err, "build.files: %s: more than %d directories deep "
		    "(a symlink loop?)", entry, ZIP_MAX_DEPTH);
		goto out;
	}
	if ((d = opendir(real)) == NULL) {
		cz_errf(err, "build.files: %s: %s", rel, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".czappa") == 0)
			continue;
		cz_strv_push(&names, de->d_name);
	}
	if (names.n > 0)
		qsort(names.v, names.n, sizeof(*names.v), s_cmp_str);
	for (i = 0; i < names.n; i++) {
		child = cz_xasprintf("%s/%s", rel, names.v[i]);
		rc = s_add_tree(z, root, child, entry, depth + 1, err);
		free(child);
		if (rc == -1)
			goto out;
	}
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	cz_strv_release(&names);
	free(real);
	free(path);
	return rc;
}

int
build_zip_add_project(struct build_zip *z, const char *dir, const char *rel,
    struct cz_err *err)
{
	struct cz_buf	 clean = CZ_BUF_INIT;
	char		*root = NULL;
	int		 rc = -1;

	if (s_project_rel(rel, &clean, err) == -1)
		goto out;
	if ((root = realpath(dir, NULL)) == NULL) {
		cz_errf(err, "%s: %s", dir, strerror(errno));
		goto out;
	}
	rc = s_add_tree(z, root, clean.s, rel, 0, err);
out:
	free(root);
	cz_buf_release(&clean);
	return rc;
}

/* Lambda counts MB as MiB; one decimal is what people compare. */
static double
s_mb(unsigned long long n)
{
	return (double)n / (1024.0 * 1024.0);
}

int
build_zip_check_unzipped(const struct build_zip *z, struct cz_err *err)
{
	unsigned long long	sum = 0;
	size_t			i;

	for (i = 0; i < z->n; i++)
		sum += z->v[i].size;
	if (sum > BUILD_UNZIPPED_MAX)
		return cz_errf(err, "the function is %.1f MB unzipped, over "
		    "Lambda's limit of %.0f MB", s_mb(sum),
		    s_mb(BUILD_UNZIPPED_MAX));
	return 0;
}

static int
s_cmp_entry(const void *a, const void *b)
{
	const struct build_zip_entry	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Sorts by name and drops an entry listed twice for the same file. */
static int
s_sort(struct build_zip *z, struct cz_err *err)
{
	size_t	i, j;

	if (z->n > 0)
		qsort(z->v, z->n, sizeof(*z->v), s_cmp_entry);
	for (i = 1, j = 1; i < z->n; i++) {
		if (strcmp(z->v[i].name, z->v[j - 1].name) != 0) {
			z->v[j++] = z->v[i];
			continue;
		}
		if (strcmp(z->v[i].src, z->v[j - 1].src) != 0)
			return cz_errf(err, "%s: two files want this name in "
			    "the zip (%s and %s)", z->v[i].name,
			    z->v[j - 1].src, z->v[i].src);
		free(z->v[i].name);
		free(z->v[i].src);
	}
	if (z->n > 0)
		z->n = j;
	return 0;
}

int
build_zip_write(struct build_zip *z, const char *path,
    struct build_zip_info *info, struct cz_err *err)
{
	struct build_zip_entry	*e;
	struct stat		 st;
	zip_t			*za = NULL;
	zip_source_t		*src;
	zip_error_t		 ze;
	zip_int64_t		 idx;
	size_t			 i;
	int			 zerr, rc = -1;

	memset(info, 0, sizeof(*info));
	if (z->n == 0)
		return cz_errf(err, "%s: nothing to put in the zip", path);
	if (s_sort(z, err) == -1 || build_zip_check_unzipped(z, err) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return cz_errf(err, "%s: %s", path, strerror(errno));
	if ((za = zip_open(path, ZIP_CREATE | ZIP_EXCL, &zerr)) == NULL) {
		zip_error_init_with_code(&ze, zerr);
		cz_errf(err, "%s: %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	for (i = 0; i < z->n; i++) {
		e = &z->v[i];
		if ((src = zip_source_file(za, e->src, 0, -1)) == NULL) {
			cz_errf(err, "%s: %s", e->src, zip_strerror(za));
			goto out;
		}
		if ((idx = zip_file_add(za, e->name, src,
		    ZIP_FL_ENC_UTF_8)) == -1) {
			zip_source_free(src);
			cz_errf(err, "%s: %s", e->name, zip_strerror(za));
			goto out;
		}
		if (zip_set_file_compression(za, idx, ZIP_CM_DEFLATE,
		    ZIP_DEFLATE_LEVEL) ==
		    -1 || zip_file_set_dostime(za, idx, ZIP_DOS_TIME,
		    ZIP_DOS_DATE, 0) == -1 ||
		    zip_file_set_external_attributes(za, idx, 0,
		    ZIP_OPSYS_UNIX, (zip_uint32_t)(S_IFREG | e->mode) << 16) ==
		    -1) {
			cz_errf(err, "%s: %s", e->name, zip_strerror(za));
			goto out;
		}
		info->unzipped += e->size;
	}
	if (zip_close(za) == -1) {
		cz_errf(err, "%s: %s", path, zip_strerror(za));
		goto out;
	}
	za = NULL;
	if (stat(path, &st) == -1) {
		cz_errf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	info->size = (unsigned long long)st.st_size;
	info->entries = z->n;
	if (build_sha256_file(path, info->sha256_hex, info->sha256_b64,
	    err) == -1)
		goto out;
	if (info->size > BUILD_ZIP_MAX) {
		cz_errf(err, "%s: %.1f MB zipped, over Lambda's limit of %.0f "
		    "MB for a direct upload", path, s_mb(info->size),
		    s_mb(BUILD_ZIP_MAX));
		goto out;
	}
	rc = 0;
out:
	if (za != NULL)
		zip_discard(za);
	return rc;
}

int
build_sha256_file(const char *path, char hex[65], char b64[45],
    struct cz_err *err)
{
	EVP_MD_CTX	*ctx = NULL;
	struct cz_buf	 h = CZ_BUF_INIT, b = CZ_BUF_INIT;
	unsigned char	 chunk[65536], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cz_errf(err, "%s: %s", path, strerror(errno));
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		cz_errf(err, "sha256: cannot start a digest");
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cz_errf(err, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, chunk, (size_t)n) != 1) {
			cz_errf(err, "sha256: digest update failed");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		cz_errf(err, "sha256: digest failed");
		goto out;
	}
	cz_hex_encode(&h, md, mdlen);
	cz_b64_encode(&b, md, mdlen);
	memcpy(hex, h.s, 65);
	memcpy(b64, b.s, 45);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	cz_buf_release(&h);
	cz_buf_release(&b);
	close(fd);
	return rc;
}
