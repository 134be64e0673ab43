/*
 * cz_buf: a growable byte string that is never NULL (git's strbuf) with an
 * optional size limit (curl's dynbuf).  Appends never fail one by one: past
 * `max` the buffer stops growing and sets `overflow`, which the caller checks
 * once at the end.  `s` is always NUL-terminated.  Running out of memory
 * aborts in cz_xmalloc.
 */
#ifndef CZ_BASE_BUF_H
#define CZ_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct cz_buf {
	char	*s;		/* never NULL; NUL-terminated */
	size_t	 len;		/* bytes in s, not counting the NUL */
	/* allocated bytes; 0 while s is the empty slop */
	size_t	 cap;
	size_t	 max;		/* most bytes allowed; 0 means no limit */
	int	 overflow;	/* set once an append went past max */
};

extern char cz_buf_slop[1];
#define CZ_BUF_INIT	{ cz_buf_slop, 0, 0, 0, 0 }

void	cz_buf_init(struct cz_buf *, size_t max);
void	cz_buf_release(struct cz_buf *);
void	cz_buf_reset(struct cz_buf *);
void	cz_buf_grow(struct cz_buf *, size_t extra);
void	cz_buf_add(struct cz_buf *, const void *, size_t);
void	cz_buf_adds(struct cz_buf *, const char *);
void	cz_buf_addch(struct cz_buf *, int);
void	cz_buf_addf(struct cz_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	cz_buf_vaddf(struct cz_buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Drops bytes from len on; len past the end does nothing. */
void	cz_buf_truncate(struct cz_buf *, size_t len);
/* Hands the string to the caller (free it); the buffer is empty again. */
char	*cz_buf_detach(struct cz_buf *);

#endif
