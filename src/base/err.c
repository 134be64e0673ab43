/* cz_err: see err.h.  Newlines and control bytes never reach msg. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

static void
s_oneline(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

void
cz_err_clear(struct cz_err *e)
{
	memset(e, 0, sizeof(*e));
}

int
cz_errf(struct cz_err *e, const char *fmt, ...)
{
	va_list	ap;

	if (e == NULL)
		return -1;
	cz_err_clear(e);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	s_oneline(e->msg);
	return -1;
}

int
cz_err_prefix(struct cz_err *e, const char *fmt, ...)
{
	char	pre[256], old[sizeof(e->msg)];
	size_t	n, m;
	va_list	ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* Built by hand: snprintf("%s: %s") trips -Wformat-truncation. */
	n = strnlen(pre, sizeof(pre));
	if (n > sizeof(e->msg) - 3)
		n = sizeof(e->msg) - 3;
	memcpy(e->msg, pre, n);
	memcpy(e->msg + n, ": ", 2);
	n += 2;
	m = strnlen(old, sizeof(old) - 1);
	if (m > sizeof(e->msg) - 1 - n)
		m = sizeof(e->msg) - 1 - n;
	memcpy(e->msg + n, old, m);
	e->msg[n + m] = '\0';
	s_oneline(e->msg);
	return -1;
}

const char *
cz_err_line(const struct cz_err *e, char *out, size_t outsz)
{
	size_t	n = 0;

	out[0] = '\0';
	if (e->service[0])
		n += (size_t)snprintf(out + n, outsz - n, "%s %s: ",
		    e->service, e->op);
	if (n < outsz && e->code[0])
		n += (size_t)snprintf(out + n, outsz - n, "%s: ", e->code);
	if (n < outsz)
		snprintf(out + n, outsz - n, "%s",
		    e->msg[0] ? e->msg : "unknown error");
	return out;
}
