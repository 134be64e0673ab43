/* Whole-file helpers.  Errors name the path and the system's reason. */
#ifndef CZ_BASE_FILE_H
#define CZ_BASE_FILE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Appends the file's bytes to *out.  0, or -1 and *err. */
int	cz_file_read(const char *path, struct cz_buf *out, struct cz_err *);
/* Writes via a temporary file and rename; mode as for open(2). */
int	cz_file_write(const char *path, const void *, size_t, int mode,
	    struct cz_err *);
/* 1 if path exists (any type), 0 if not. */
int	cz_file_exists(const char *path);
/* mkdir -p; 0 or -1 and *err. */
int	cz_mkdirs(const char *path, int mode, struct cz_err *);
/* Directory part of path (new string; "." if none). */
char	*cz_dirname(const char *path);

#endif
