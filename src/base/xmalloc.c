/* See xmalloc.h.  Writes one line to stderr and aborts on exhaustion. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xmalloc.h"

static void
s_fatal(void)
{
	static const char msg[] = "czappa: out of memory\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	abort();
}

void *
cz_xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		s_fatal();
	return p;
}

void *
cz_xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		s_fatal();
	return p;
}

void *
cz_xrealloc(void *old, size_t n)
{
	void	*p = realloc(old, n ? n : 1);

	if (p == NULL)
		s_fatal();
	return p;
}

char *
cz_xstrdup(const char *s)
{
	return cz_xstrndup(s, strlen(s));
}

char *
cz_xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len = strnlen(s, n);

	p = cz_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
cz_xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		s_fatal();
	p = cz_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
