/* Base64 and hex: see b64.h. */
#include <string.h>

#include "base/b64.h"

static const char s_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
cz_b64_encode(struct cz_buf *out, const void *p, size_t n)
{
	const unsigned char	*s = p;
	char			 q[4];
	size_t			 i;
	unsigned		 v;

	cz_buf_grow(out, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		q[0] = s_alpha[v >> 18 & 63];
		q[1] = s_alpha[v >> 12 & 63];
		q[2] = s_alpha[v >> 6 & 63];
		q[3] = s_alpha[v & 63];
		cz_buf_add(out, q, 4);
	}
	if (i < n) {
		v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		q[0] = s_alpha[v >> 18 & 63];
		q[1] = s_alpha[v >> 12 & 63];
		q[2] = i + 1 < n ? s_alpha[v >> 6 & 63] : '=';
		q[3] = '=';
		cz_buf_add(out, q, 4);
	}
}

static int
s_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int
cz_b64_decode(struct cz_buf *out, const char *s, size_t n)
{
	unsigned	acc = 0;
	int		bits = 0, v;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (s[i] == '=' )
			break;
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			continue;
		if ((v = s_val((unsigned char)s[i])) < 0)
			return -1;
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			cz_buf_addch(out, (int)(acc >> bits & 0xff));
		}
	}
	for (; i < n; i++)
		if (s[i] != '=' && s[i] != '\n' && s[i] != '\r' &&
		    s[i] != ' ')
			return -1;
	return 0;
}

void
cz_hex_encode(struct cz_buf *out, const void *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = p;
	size_t			 i;

	cz_buf_grow(out, n * 2);
	for (i = 0; i < n; i++) {
		cz_buf_addch(out, hex[s[i] >> 4]);
		cz_buf_addch(out, hex[s[i] & 15]);
	}
}
