/*
 * jscan.c: the in-place JSON reader of jscan.h.  RFC 8259 grammar; strings
 * are decoded where they lie (an escape is never shorter than what it
 * stands for), \u escapes with surrogate pairs become UTF-8.  Nesting is
 * limited so that hostile input cannot exhaust the stack.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "runtime/jscan.h"

#define BLOCK_NODES	256
#define MAX_DEPTH	256

struct czrt_jblock {
	struct czrt_jblock	*next;
	struct czrt_jv		 v[BLOCK_NODES];
};

struct parser {
	struct czrt_jdoc	*doc;
	char			*p;
	char			*end;
	const char		*start;
	struct cz_err		*err;
};

static struct czrt_jv *
s_node(struct czrt_jdoc *d)
{
	struct czrt_jblock	*b;
	struct czrt_jv		*v;

	if (d->cur == NULL || d->used == BLOCK_NODES) {
		if (d->cur != NULL && d->cur->next != NULL)
			b = d->cur->next;
		else if (d->cur == NULL && d->blocks != NULL)
			b = d->blocks;
		else {
			b = cz_xmalloc(sizeof(*b));
			b->next = NULL;
			if (d->cur != NULL)
				d->cur->next = b;
			else
				d->blocks = b;
		}
		d->cur = b;
		d->used = 0;
	}
	v = &d->cur->v[d->used++];
	memset(v, 0, sizeof(*v));
	return v;
}

static int
s_fail(struct parser *ps, const char *what)
{
	return cz_errf(ps->err, "%s at byte %zu", what,
	    (size_t)(ps->p - ps->start));
}

static void
s_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	    *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int
s_hex4(const char *p, unsigned *out)
{
	unsigned	v = 0;
	int		i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= (unsigned)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= (unsigned)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			v |= (unsigned)(p[i] - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Bytes that end the plain run of a string: quote, backslash, control
 * characters (NUL among them, which also stops the scan at text[len]). */
static const unsigned char s_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

/* ps->p is past the opening quote; decodes in place. */
static int
s_string(struct parser *ps, const char **s, size_t *n)
{
	char		*w = ps->p, *r = ps->p, *q;
	unsigned	 c, lo;

	*s = w;
	for (;;) {
		/* Fast path: copy plain bytes up to a quote or backslash. */
		/* No bounds test: text[len] is NUL, which is special. */
		q = r;
		while (!s_special[(unsigned char)*q])
			q++;
		if (w != r)
			memmove(w, r, (size_t)(q - r));
		w += q - r;
		r = q;
		if (r >= ps->end) {
			ps->p = r;
			return s_fail(ps, "unterminated string");
		}
		if (*r == '"')
			break;
		if ((unsigned char)*r < 0x20) {
			ps->p = r;
			return s_fail(ps, "control character in string");
		}
		/* A backslash. */
		if (r + 1 >= ps->end) {
			ps->p = r;
			return s_fail(ps, "unterminated string");
		}
		switch (r[1]) {
		case '"': *w++ = '"'; r += 2; continue;
		case '\\': *w++ = '\\'; r += 2; continue;
		case '/': *w++ = '/'; r += 2; continue;
		case 'b': *w++ = '\b'; r += 2; continue;
		case 'f': *w++ = '\f'; r += 2; continue;
		case 'n': *w++ = '\n'; r += 2; continue;
		case 'r': *w++ = '\r'; r += 2; continue;
		case 't': *w++ = '\t'; r += 2; continue;
		case 'u': break;
		default:
			ps->p = r;
			return s_fail(ps, "bad escape in string");
		}
		if (ps->end - r < 6 || s_hex4(r + 2, &c) == -1) {
			ps->p = r;
			return s_fail(ps, "bad \\u escape");
		}
		r += 6;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (ps->end - r < 6 || r[0] != '\\' || r[1] != 'u' ||
			    s_hex4(r + 2, &lo) == -1 || lo < 0xdc00 ||
			    lo > 0xdfff) {
				ps->p = r;
				return s_fail(ps, "lone surrogate");
			}
			r += 6;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		} else if (c >= 0xdc00 && c <= 0xdfff) {
			ps->p = r;
			return s_fail(ps, "lone surrogate");
		}
		if (c < 0x80)
			*w++ = (char)c;
		else if (c < 0x800) {
			*w++ = (char)(0xc0 | c >> 6);
			*w++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*w++ = (char)(0xe0 | c >> 12);
			*w++ = (char)(0x80 | (c >> 6 & 0x3f));
			*w++ = (char)(0x80 | (c & 0x3f));
		} else {
			*w++ = (char)(0xf0 | c >> 18);
			*w++ = (char)(0x80 | (c >> 12 & 0x3f));
			*w++ = (char)(0x80 | (c >> 6 & 0x3f));
			*w++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*n = (size_t)(w - *s);
	ps->p = r + 1;
	*w = '\0';		/* w <= r: the quote or earlier */
	return 0;
}

static int
s_digits(struct parser *ps)
{
	char	*from = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return ps->p > from ? 0 : -1;
}

static int s_value(struct parser *, struct czrt_jv *, int);

static int
s_value(struct parser *ps, struct czrt_jv *v, int depth)
{
	struct czrt_jv	*last = NULL, *c;
	const char	*key;
	size_t		 kn;

	s_ws(ps);
	if (ps->p >= ps->end)
		return s_fail(ps, "unexpected end");
	if (depth > MAX_DEPTH)
		return s_fail(ps, "nesting too deep");
	switch (*ps->p) {
	case '{':
	case '[':
		v->type = *ps->p == '{' ? CZRT_J_OBJ : CZRT_J_ARR;
		ps->p++;
		s_ws(ps);
		if (ps->p < ps->end && *ps->p == (v->type == CZRT_J_OBJ ?
		    '}' : ']')) {
			ps->p++;
			return 0;
		}
		for (;;) {
			key = NULL;
			if (v->type == CZRT_J_OBJ) {
				s_ws(ps);
				if (ps->p >= ps->end || *ps->p != '"')
					return s_fail(ps, "expected a key");
				ps->p++;
				if (s_string(ps, &key, &kn) == -1)
					return -1;
				s_ws(ps);
				if (ps->p >= ps->end || *ps->p != ':')
					return s_fail(ps, "expected ':'");
				ps->p++;
			}
			c = s_node(ps->doc);
			c->key = key;
			if (s_value(ps, c, depth + 1) == -1)
				return -1;
			if (last == NULL)
				v->child = c;
			else
				last->next = c;
			last = c;
			v->n++;
			s_ws(ps);
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				continue;
			}
			if (ps->p < ps->end && *ps->p == (v->type ==
			    CZRT_J_OBJ ? '}' : ']')) {
				ps->p++;
				return 0;
			}
			return s_fail(ps, "expected ',' or a closing bracket");
		}
	case '"':
		v->type = CZRT_J_STR;
		ps->p++;
		return s_string(ps, &v->s, &v->n);
	case 't':
	case 'f':
	case 'n':
		if (ps->end - ps->p >= 4 && memcmp(ps->p, "true", 4) == 0) {
			v->type = CZRT_J_TRUE;
			ps->p += 4;
		} else if (ps->end - ps->p >= 5 &&
		    memcmp(ps->p, "false", 5) == 0) {
			v->type = CZRT_J_FALSE;
			ps->p += 5;
		} else if (ps->end - ps->p >= 4 &&
		    memcmp(ps->p, "null", 4) == 0) {
			v->type = CZRT_J_NULL;
			ps->p += 4;
		} else
			return s_fail(ps, "unexpected word");
		return 0;
	default:
		v->type = CZRT_J_NUM;
		v->s = ps->p;
		if (*ps->p == '-')
			ps->p++;
		if (ps->p < ps->end && *ps->p == '0')
			ps->p++;
		else if (s_digits(ps) == -1)
			return s_fail(ps, "unexpected character");
		if (ps->p < ps->end && *ps->p == '.') {
			ps->p++;
			if (s_digits(ps) == -1)
				return s_fail(ps, "bad number");
		}
		if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
			ps->p++;
			if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
				ps->p++;
			if (s_digits(ps) == -1)
				return s_fail(ps, "bad number");
		}
		v->n = (size_t)(ps->p - v->s);
		return 0;
	}
}

int
czrt_jparse(struct czrt_jdoc *d, char *text, size_t len,
    struct czrt_jv **root, struct cz_err *err)
{
	struct parser	ps = { d, text, text + len, text, err };
	struct czrt_jv	*v;

	text[len] = '\0';		/* the sentinel s_string relies on */
	d->cur = NULL;
	d->used = 0;
	v = s_node(d);
	if (s_value(&ps, v, 0) == -1)
		return -1;
	s_ws(&ps);
	if (ps.p != ps.end)
		return s_fail(&ps, "text after the value");
	/* Numbers are not NUL-terminated in place; the caller's text is. */
	text[len] = '\0';
	*root = v;
	return 0;
}

void
czrt_jdoc_release(struct czrt_jdoc *d)
{
	struct czrt_jblock	*b, *n;

	for (b = d->blocks; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
	memset(d, 0, sizeof(*d));
}

struct czrt_jv *
czrt_jget(const struct czrt_jv *o, const char *key)
{
	struct czrt_jv	*c;

	if (o == NULL || o->type != CZRT_J_OBJ)
		return NULL;
	for (c = o->child; c != NULL; c = c->next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}
