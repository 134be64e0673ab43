/* Whole-file helpers: see file.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "base/xmalloc.h"

int
cz_file_read(const char *path, struct cz_buf *out, struct cz_err *err)
{
	char	 chunk[65536];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cz_errf(err, "%s: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cz_errf(err, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		cz_buf_add(out, chunk, (size_t)n);
		if (out->overflow)
			break;	/* /dev/zero must not keep us here */
	}
	close(fd);
	if (out->overflow)
		return cz_errf(err, "%s: file is larger than %zu bytes", path,
		    out->max);
	return 0;
}

int
cz_file_write(const char *path, const void *p, size_t n, int mode,
    struct cz_err *err)
{
	char		*tmp;
	const char	*c = p;
	ssize_t		 w;
	int		 fd, rc = -1;

	tmp = cz_xasprintf("%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1) {
		cz_errf(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	while (n > 0) {
		w = write(fd, c, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			cz_errf(err, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		c += w;
		n -= (size_t)w;
	}
	if (fchmod(fd, (mode_t)mode) == -1 || close(fd) == -1) {
		cz_errf(err, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		cz_errf(err, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

int
cz_file_exists(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0;
}

int
cz_mkdirs(const char *path, int mode, struct cz_err *err)
{
	char	*p, *s;
	int	 rc = 0;

	p = cz_xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char	c = *s;

			*s = '\0';
			if (mkdir(p, (mode_t)mode) == -1 && errno != EEXIST) {
				rc = cz_errf(err, "%s: %s", p, strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

char *
cz_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return cz_xstrdup(".");
	if (slash == path)
		return cz_xstrdup("/");
	return cz_xstrndup(path, (size_t)(slash - path));
}
