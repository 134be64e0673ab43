/* Percent-encoding: see url.h. */
#include "base/url.h"

static int
s_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

void
cz_url_encode(struct cz_buf *out, const char *s, size_t n, int keep_slash)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i;
	unsigned char		c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (s_unreserved(c) || (keep_slash && c == '/'))
			cz_buf_addch(out, c);
		else {
			cz_buf_addch(out, '%');
			cz_buf_addch(out, hex[c >> 4]);
			cz_buf_addch(out, hex[c & 15]);
		}
	}
}

static int
s_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
cz_url_decode(struct cz_buf *out, const char *s, size_t n, int plus_space)
{
	size_t	i;
	int	hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    (hi = s_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = s_hexval((unsigned char)s[i + 2])) >= 0) {
			cz_buf_addch(out, hi << 4 | lo);
			i += 2;
		} else if (plus_space && s[i] == '+')
			cz_buf_addch(out, ' ');
		else
			cz_buf_addch(out, (unsigned char)s[i]);
	}
}
