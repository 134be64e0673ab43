/*
 * zip: the deployment zip, made deterministic so its SHA-256 decides whether
 * `update` has anything to do: entries sorted by name, every timestamp
 * 1980-01-01 00:00, Unix permissions only (0755 or 0644, no owners), deflate.
 * Also the project-path rules for build.files (nothing outside the project
 * directory gets in) and Lambda's size limits.  libzip lives here and nowhere
 * else.
 */
#ifndef CZ_BUILD_ZIP_H
#define CZ_BUILD_ZIP_H

#include <stddef.h>

#include "base/err.h"

/* Lambda's limits: a zip uploaded directly, and the unzipped function. */
#define BUILD_ZIP_MAX		(50ULL * 1024 * 1024)
#define BUILD_UNZIPPED_MAX	(250ULL * 1024 * 1024)

struct build_zip_entry {
	/* path in the zip, '/'-separated */
	char			*name;
	/* the file on disk it is read from */
	char			*src;
	int			 mode;	/* 0755 or 0644 */
	unsigned long long	 size;	/* bytes, when added */
};

struct build_zip {
	struct build_zip_entry	*v;
	size_t			 n;
	size_t			 cap;
};

#define BUILD_ZIP_INIT	{ NULL, 0, 0 }

struct build_zip_info {
	/* bytes of the zip file */
	unsigned long long	 size;
	unsigned long long	 unzipped;	/* bytes of all entries */
	size_t			 entries;
	char			 sha256_hex[65];	/* lowercase hex */
	char			 sha256_b64[45];	/* CodeSha256 */
};

void	build_zip_release(struct build_zip *);

/*
 * Adds the regular file src as name with mode.  0, or -1 and *err if src is
 * not a readable regular file or name is not a clean relative path.
 */
int	build_zip_add(struct build_zip *, const char *name, const char *src,
	    int mode, struct cz_err *err);

/*
 * Adds rel, a build.files entry: a file or a directory (expanded
 * recursively) under the project directory dir, kept at its relative path.
 * Refuses absolute paths, `..` and anything, symlinks included, that resolves
 * outside dir.  Files keep 0755 when their owner may run them, else 0644.
 * `.czappa` directories (czappa's own build output) are skipped.  0, or -1
 * and *err naming the entry.
 */
int	build_zip_add_project(struct build_zip *, const char *dir,
	    const char *rel, struct cz_err *err);

/* Sum of the entries' sizes, checked against BUILD_UNZIPPED_MAX. */
int	build_zip_check_unzipped(const struct build_zip *, struct cz_err *);

/*
 * Writes the zip to path (replacing it; via a temporary file in the same
 * directory) and fills *info, the SHA-256 included.  The same entries with
 * the same bytes always give the same zip, whatever the files' times, the
 * owner or the time zone.  Duplicate names are an error.  0, or -1 and *err.
 */
int	build_zip_write(struct build_zip *, const char *path,
	    struct build_zip_info *info, struct cz_err *err);

/* SHA-256 of the file at path, as hex and as base64.  0, or -1 and *err. */
int	build_sha256_file(const char *path, char hex[65], char b64[45],
	    struct cz_err *err);

#endif
