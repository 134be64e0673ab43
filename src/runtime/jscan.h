/*
 * jscan.h: a small in-place JSON reader for events.  jansson's loader
 * takes ~25 us for a 1.2 KB API Gateway event, more than a whole bare
 * Runtime API round trip; this one decodes strings inside the text it is
 * given and takes its nodes from an arena kept between invocations.  It
 * only reads: handlers that want a json_t get one from jansson, lazily
 * (cz_event, cz_input).
 */
#ifndef CZ_RUNTIME_JSCAN_H
#define CZ_RUNTIME_JSCAN_H

#include <stddef.h>

#include "base/err.h"

enum czrt_jt {
	CZRT_J_NULL,
	CZRT_J_FALSE,
	CZRT_J_TRUE,
	CZRT_J_NUM,
	CZRT_J_STR,
	CZRT_J_ARR,
	CZRT_J_OBJ
};

struct czrt_jv {
	enum czrt_jt	 type;
	const char	*key;		/* member name in an object, or NULL */
	const char	*s;		/* string (decoded, NUL-terminated) */
	/* string bytes, or number of children */
	size_t		 n;
	struct czrt_jv	*child;		/* first element or member */
	struct czrt_jv	*next;		/* next sibling */
};

struct czrt_jblock;

struct czrt_jdoc {
	struct czrt_jblock *blocks;	/* arena, reused by the next parse */
	struct czrt_jblock *cur;
	size_t		 used;		/* nodes used in cur */
};

/*
 * Parses text (len bytes, modified in place; text[len] must be writable
 * and is set to NUL).  0 and *root, or -1 and err.  Nodes live until the
 * next parse or czrt_jdoc_release.
 */
int	czrt_jparse(struct czrt_jdoc *, char *text, size_t len,
	    struct czrt_jv **root, struct cz_err *err);
void	czrt_jdoc_release(struct czrt_jdoc *);
/* Member of an object, or NULL (also when o is not an object). */
struct czrt_jv *czrt_jget(const struct czrt_jv *o, const char *key);

#endif
