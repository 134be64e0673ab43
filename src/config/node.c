/*
 * node: YAML -> a tree of nodes with their place in the file; see node.h.
 * Built from libyaml's event stream rather than its document API, because
 * only events tell an alias apart from a copy and give the marks of keys.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/xmalloc.h"
#include "config/node.h"

#define TAG_PREFIX	"tag:yaml.org,2002:"

static struct config_node *
s_new(struct config_tree *t, enum config_node_kind kind, int line, int col)
{
	struct config_node	*n;

	if (t->nall == t->capall) {
		t->capall = t->capall ? t->capall * 2 : 64;
		t->all = cz_xrealloc(t->all, t->capall * sizeof(*t->all));
	}
	n = cz_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = line;
	n->col = col;
	t->all[t->nall++] = n;
	return n;
}

void
config_tree_release(struct config_tree *t)
{
	struct config_node	*n;
	size_t			 i;

	for (i = 0; i < t->nall; i++) {
		n = t->all[i];
		free(n->s);
		free(n->path);
		free(n->keys);
		free(n->vals);
		free(n->order);
		free(n);
	}
	free(t->all);
	memset(t, 0, sizeof(*t));
}

int
config_node_errf(struct cz_err *err, const char *name,
    const struct config_node *n, const char *fmt, ...)
{
	char	msg[sizeof(err->msg)];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n->path != NULL && n->path[0] != '\0')
		return cz_errf(err, "%s:%d:%d: %s: %s", name, n->line, n->col,
		    n->path, msg);
	return cz_errf(err, "%s:%d:%d: %s", name, n->line, n->col, msg);
}

/* Position of key in map's sorted order: *found set if present. */
static size_t
s_find(const struct config_node *map, const char *key, int *found)
{
	size_t	lo = 0, hi = map->n, mid;
	int	c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(map->keys[map->order[mid]]->s, key);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
config_node_put(struct config_node *map, struct config_node *key,
    struct config_node *val)
{
	size_t	at;
	int	found;

	at = s_find(map, key->s, &found);
	if (found)
		return 1;
	if (map->n == map->cap) {
		map->cap = map->cap ? map->cap * 2 : 8;
		map->keys = cz_xrealloc(map->keys,
		    map->cap * sizeof(*map->keys));
		map->vals = cz_xrealloc(map->vals,
		    map->cap * sizeof(*map->vals));
		map->order = cz_xrealloc(map->order,
		    map->cap * sizeof(*map->order));
	}
	memmove(map->order + at + 1, map->order + at,
	    (map->n - at) * sizeof(*map->order));
	map->order[at] = map->n;
	map->keys[map->n] = key;
	map->vals[map->n] = val;
	map->n++;
	return 0;
}

static void
s_push(struct config_node *seq, struct config_node *val)
{
	if (seq->n == seq->cap) {
		seq->cap = seq->cap ? seq->cap * 2 : 8;
		seq->vals = cz_xrealloc(seq->vals,
		    seq->cap * sizeof(*seq->vals));
	}
	seq->vals[seq->n++] = val;
}

struct config_node *
config_node_get(const struct config_node *map, const char *key,
    struct config_node **keyp)
{
	size_t	at;
	int	found;

	if (map == NULL || map->kind != CONFIG_NODE_MAP)
		return NULL;
	at = s_find(map, key, &found);
	if (!found)
		return NULL;
	if (keyp != NULL)
		*keyp = map->keys[map->order[at]];
	return map->vals[map->order[at]];
}

struct config_node *
config_tree_map(struct config_tree *t, const char *path, int line, int col)
{
	struct config_node	*n;

	n = s_new(t, CONFIG_NODE_MAP, line, col);
	n->path = cz_xstrdup(path);
	return n;
}

struct config_node *
config_tree_scalar(struct config_tree *t, const char *s, const char *path,
    int line, int col)
{
	struct config_node	*n;

	n = s_new(t, CONFIG_NODE_SCALAR, line, col);
	n->s = cz_xstrdup(s);
	n->len = strlen(s);
	n->plain = 1;
	n->path = cz_xstrdup(path);
	return n;
}

struct config_node *
config_tree_merge(struct config_tree *t, struct config_node *base,
    struct config_node *over)
{
	struct config_node	*m, *ov, *ok;
	size_t			 i;

	if (base == NULL)
		return over;
	if (over == NULL)
		return base;
	if (base->kind != CONFIG_NODE_MAP || over->kind != CONFIG_NODE_MAP ||
	    over->replace)
		return over;
	m = config_tree_map(t, base->path, base->line, base->col);
	for (i = 0; i < base->n; i++) {
		ov = config_node_get(over, base->keys[i]->s, &ok);
		if (ov == NULL)
			config_node_put(m, base->keys[i], base->vals[i]);
		else
			config_node_put(m, ok,
			    config_tree_merge(t, base->vals[i], ov));
	}
	for (i = 0; i < over->n; i++)
		config_node_put(m, over->keys[i], over->vals[i]);
	return m;
}

int
config_node_is_null(const struct config_node *n)
{
	return n->kind == CONFIG_NODE_SCALAR && n->plain &&
	    (n->len == 0 || strcmp(n->s, "~") == 0 ||
	    strcmp(n->s, "null") == 0 || strcmp(n->s, "Null") == 0 ||
	    strcmp(n->s, "NULL") == 0);
}

const char *
config_node_what(const struct config_node *n)
{
	if (n->kind == CONFIG_NODE_MAP)
		return "a mapping";
	if (n->kind == CONFIG_NODE_SEQ)
		return "a list";
	if (config_node_is_null(n))
		return "nothing";
	return "a string";
}

const char *
config_node_show(const struct config_node *n, char *buf, size_t bufsz)
{
	size_t		 i, o = 0;
	int		 quote;
	unsigned char	 c;

	if (n->kind != CONFIG_NODE_SCALAR)
		return config_node_what(n);
	if (config_node_is_null(n))
		return "nothing";
	quote = n->len == 0 || !n->plain;
	for (i = 0; i < n->len && !quote; i++)
		if (isspace((unsigned char)n->s[i]))
			quote = 1;
	if (bufsz < 8)
		return "";
	if (quote)
		buf[o++] = '"';
	for (i = 0; i < n->len && o + 6 < bufsz && i < 40; i++) {
		c = (unsigned char)n->s[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			if (o + 5 >= bufsz - 6)
				break;
			o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", c);
		} else
			buf[o++] = (char)c;
	}
	if (i < n->len && o + 6 < bufsz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	if (quote)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* YAML 1.2 core schema integers and floats, for JSON. */
static json_t *
s_number(const char *s, size_t len)
{
	const char	*p = s;
	char		*end;
	long long	 ll;
	double		 d;
	int		 digits = 0, dot = 0, exp = 0, base = 10;

	if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		base = s[1] == 'o' ? 8 : 16;
		p += 2;
		for (; *p; p++)
			if (!(base == 8 ? (*p >= '0' && *p <= '7') :
			    isxdigit((unsigned char)*p)))
				return NULL;
		errno = 0;
		ll = strtoll(s + 2, &end, base);
		return errno == 0 ? json_integer(ll) : NULL;
	}
	if (*p == '-' || *p == '+')
		p++;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p) && !exp)
			digits++;
		else if (*p == '.' && !dot && !exp)
			dot = 1;
		else if ((*p == 'e' || *p == 'E') && digits && !exp) {
			exp = 1;
			if (p[1] == '-' || p[1] == '+')
				p++;
			if (!isdigit((unsigned char)p[1]))
				return NULL;
			while (isdigit((unsigned char)p[1]))
				p++;
		} else
			return NULL;
	}
	if (digits == 0)
		return NULL;
	if (!dot && !exp) {
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0')
			return json_integer(ll);
	}
	errno = 0;
	d = strtod(s, &end);
	if (*end != '\0' || !isfinite(d))
		return NULL;
	return json_real(d);
}

json_t *
config_node_json(const struct config_node *n)
{
	json_t	*j, *v;
	size_t	 i;

	switch (n->kind) {
	case CONFIG_NODE_SCALAR:
		if (!n->plain)
			return json_stringn(n->s, n->len);
		if (config_node_is_null(n))
			return json_null();
		if (strcmp(n->s, "true") == 0 || strcmp(n->s, "True") == 0 ||
		    strcmp(n->s, "TRUE") == 0)
			return json_true();
		if (strcmp(n->s, "false") == 0 || strcmp(n->s, "False") == 0 ||
		    strcmp(n->s, "FALSE") == 0)
			return json_false();
		if ((j = s_number(n->s, n->len)) != NULL)
			return j;
		return json_stringn(n->s, n->len);
	case CONFIG_NODE_MAP:
		j = json_object();
		for (i = 0; i < n->n; i++) {
			if ((v = config_node_json(n->vals[i])) == NULL ||
			    json_object_set_new(j, n->keys[i]->s, v) == -1) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	case CONFIG_NODE_SEQ:
		j = json_array();
		for (i = 0; i < n->n; i++) {
			if ((v = config_node_json(n->vals[i])) == NULL ||
			    json_array_append_new(j, v) == -1) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	}
	return NULL;
}

/* libyaml's message with a 1-based position. */
static int
s_yaml_err(const yaml_parser_t *p, const char *name, const char *yaml,
    size_t len, struct cz_err *err)
{
	size_t	i, line = 1, col = 1;

	if (p->error == YAML_MEMORY_ERROR)
		return cz_errf(err, "%s: out of memory while parsing", name);
	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset, not a mark. */
		for (i = 0; i < p->problem_offset && i < len; i++) {
			if (yaml[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)yaml[i] & 0xc0) != 0x80)
				col++;
		}
		return cz_errf(err, "%s:%zu:%zu: not a YAML text file: %s",
		    name, line, col, p->problem ? p->problem : "bad byte");
	}
	if (p->context != NULL)
		return cz_errf(err, "%s:%zu:%zu: YAML syntax: %s %s "
		    "(line %zu)", name, p->problem_mark.line + 1,
		    p->problem_mark.column + 1,
		    p->problem ? p->problem : "error", p->context,
		    p->context_mark.line + 1);
	return cz_errf(err, "%s:%zu:%zu: YAML syntax: %s", name,
	    p->problem_mark.line + 1, p->problem_mark.column + 1,
	    p->problem ? p->problem : "error");
}

/* Tags we understand: the core ones; !!str and ! make a string. */
static int
s_tag(const char *tag, enum config_node_kind kind, int *plain)
{
	static const char *const scalars[] = { "null", "bool", "int",
		"float", NULL };
	size_t	 i;

	if (tag == NULL)
		return 0;
	if (strcmp(tag, "!") == 0 ||
	    strcmp(tag, TAG_PREFIX "str") == 0) {
		*plain = 0;
		return kind == CONFIG_NODE_SCALAR ? 0 : -1;
	}
	if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0)
		return -1;
	tag += strlen(TAG_PREFIX);
	if (kind == CONFIG_NODE_MAP)
		return strcmp(tag, "map") == 0 ? 0 : -1;
	if (kind == CONFIG_NODE_SEQ)
		return strcmp(tag, "seq") == 0 ? 0 : -1;
	for (i = 0; scalars[i] != NULL; i++)
		if (strcmp(tag, scalars[i]) == 0)
			return 0;
	return -1;
}

struct s_level {
	struct config_node	*node;
	struct config_node	*key;	/* map: key waiting for its value */
};

/*
 * Hangs n under the innermost open collection (or makes it the root).  For a
 * mapping, scalars alternate as key and value.
 */
static int
s_attach(struct config_tree *t, struct s_level *lv, int depth,
    struct config_node *n, struct cz_err *err)
{
	struct config_node	*parent, *key, *first;
	const char		*pp;

	if (depth == 0) {
		t->root = n;
		n->path = cz_xstrdup("");
		return 0;
	}
	parent = lv[depth - 1].node;
	pp = parent->path;
	if (parent->kind == CONFIG_NODE_SEQ) {
		if (parent->n >= CONFIG_NODE_ITEMS)
			return config_node_errf(err, t->name, parent,
			    "more than %d entries", CONFIG_NODE_ITEMS);
		n->path = cz_xasprintf("%s[%zu]", pp, parent->n);
		s_push(parent, n);
		return 0;
	}
	if ((key = lv[depth - 1].key) == NULL) {
		if (n->kind != CONFIG_NODE_SCALAR)
			return cz_errf(err, "%s:%d:%d: %s%sa key must be a "
			    "plain string, not %s", t->name, n->line, n->col,
			    pp, pp[0] ? ": " : "", config_node_what(n));
		if (parent->n >= CONFIG_NODE_ITEMS)
			return config_node_errf(err, t->name, parent,
			    "more than %d entries", CONFIG_NODE_ITEMS);
		n->path = pp[0] ? cz_xasprintf("%s.%s", pp, n->s) :
		    cz_xstrdup(n->s);
		lv[depth - 1].key = n;
		return 0;
	}
	n->path = cz_xstrdup(key->path);
	lv[depth - 1].key = NULL;
	if (config_node_put(parent, key, n) == 1) {
		config_node_get(parent, key->s, &first);
		return config_node_errf(err, t->name, key, "duplicate key "
		    "(first given at line %d)", first->line);
	}
	return 0;
}

int
config_tree_parse(struct config_tree *t, const char *name, const char *yaml,
    size_t len, struct cz_err *err)
{
	yaml_parser_t		 p;
	yaml_event_t		 ev;
	struct s_level		 lv[CONFIG_NODE_DEPTH + 1];
	struct config_node	*n;
	enum config_node_kind	 kind;
	const char		*tag;
	int			 depth = 0, docs = 0, done = 0, have = 0;
	int			 line, col, plain, rc = -1;

	memset(t, 0, sizeof(*t));
	t->name = name;
	if (!yaml_parser_initialize(&p))
		return cz_errf(err, "%s: cannot start the YAML parser", name);
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			s_yaml_err(&p, name, yaml, len, err);
			goto out;
		}
		have = 1;
		line = (int)ev.start_mark.line + 1;
		col = (int)ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				cz_errf(err, "%s:%d:%d: a second YAML "
				    "document; serverless.yaml holds one",
				    name, line, col);
				goto out;
			}
			break;
		case YAML_ALIAS_EVENT:
			cz_errf(err, "%s:%d:%d: aliases (*%s) are not "
			    "supported; write the value out, or let stages: "
			    "override the top-level keys", name, line, col,
			    (const char *)ev.data.alias.anchor);
			goto out;
		case YAML_SCALAR_EVENT:
			if (memchr(ev.data.scalar.value, '\0',
			    ev.data.scalar.length) != NULL) {
				cz_errf(err, "%s:%d:%d: a NUL character in a "
				    "string", name, line, col);
				goto out;
			}
			plain = ev.data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE;
			tag = (const char *)ev.data.scalar.tag;
			if (s_tag(tag, CONFIG_NODE_SCALAR, &plain) == -1) {
				cz_errf(err, "%s:%d:%d: YAML tag %s is not "
				    "supported", name, line, col, tag);
				goto out;
			}
			n = s_new(t, CONFIG_NODE_SCALAR, line, col);
			n->s = cz_xstrndup((const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			n->len = ev.data.scalar.length;
			n->plain = plain;
			if (s_attach(t, lv, depth, n, err) == -1)
				goto out;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			kind = ev.type == YAML_MAPPING_START_EVENT ?
			    CONFIG_NODE_MAP : CONFIG_NODE_SEQ;
			tag = (const char *)(kind == CONFIG_NODE_MAP ?
			    ev.data.mapping_start.tag :
			    ev.data.sequence_start.tag);
			if (s_tag(tag, kind, &plain) == -1) {
				cz_errf(err, "%s:%d:%d: YAML tag %s is not "
				    "supported", name, line, col, tag);
				goto out;
			}
			if (depth == CONFIG_NODE_DEPTH) {
				cz_errf(err, "%s:%d:%d: nested deeper than %d "
				    "levels", name, line, col,
				    CONFIG_NODE_DEPTH);
				goto out;
			}
			n = s_new(t, kind, line, col);
			if (s_attach(t, lv, depth, n, err) == -1)
				goto out;
			lv[depth].node = n;
			lv[depth].key = NULL;
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		have = 0;
	}
	rc = 0;
out:
	if (have)
		yaml_event_delete(&ev);
	yaml_parser_delete(&p);
	return rc;
}
