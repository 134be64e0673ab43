/* cz_buf: see buf.h.  Only memory exhaustion is fatal (cz_xmalloc). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"

char cz_buf_slop[1];

void
cz_buf_init(struct cz_buf *b, size_t max)
{
	b->s = cz_buf_slop;
	b->len = b->cap = 0;
	b->max = max;
	b->overflow = 0;
}

void
cz_buf_release(struct cz_buf *b)
{
	size_t	max = b->max;

	if (b->cap)
		free(b->s);
	cz_buf_init(b, max);
}

void
cz_buf_reset(struct cz_buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->cap)
		b->s[0] = '\0';
}

/* Returns how many of `extra` bytes fit under max. */
static size_t
s_room(struct cz_buf *b, size_t extra)
{
	size_t	need, ncap;
	char	*p;

	if (b->max && b->len + extra > b->max) {
		b->overflow = 1;
		extra = b->max > b->len ? b->max - b->len : 0;
	}
	need = b->len + extra + 1;
	if (need > b->cap) {
		ncap = b->cap ? b->cap : 64;
		while (ncap < need)
			ncap *= 2;
		if (b->cap)
			p = cz_xrealloc(b->s, ncap);
		else {
			p = cz_xmalloc(ncap);
			p[0] = '\0';
		}
		b->s = p;
		b->cap = ncap;
	}
	return extra;
}

void
cz_buf_grow(struct cz_buf *b, size_t extra)
{
	(void)s_room(b, extra);
}

void
cz_buf_add(struct cz_buf *b, const void *p, size_t n)
{
	n = s_room(b, n);
	if (n == 0)
		return;
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
cz_buf_adds(struct cz_buf *b, const char *s)
{
	cz_buf_add(b, s, strlen(s));
}

void
cz_buf_addch(struct cz_buf *b, int c)
{
	char	ch = (char)c;

	cz_buf_add(b, &ch, 1);
}

void
cz_buf_vaddf(struct cz_buf *b, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;
	size_t	 fit;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	fit = s_room(b, (size_t)n);
	if (fit == (size_t)n) {
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	} else if (fit > 0) {
		char	*tmp = cz_xmalloc((size_t)n + 1);

		vsnprintf(tmp, (size_t)n + 1, fmt, ap);
		memcpy(b->s + b->len, tmp, fit);
		b->len += fit;
		b->s[b->len] = '\0';
		free(tmp);
	}
}

void
cz_buf_addf(struct cz_buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cz_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
cz_buf_truncate(struct cz_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->s[len] = '\0';
}

char *
cz_buf_detach(struct cz_buf *b)
{
	char	*s;

	if (b->cap == 0)
		s = cz_xstrdup("");
	else
		s = b->s;
	cz_buf_init(b, b->max);
	return s;
}
