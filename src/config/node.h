/*
 * node: a YAML document as a tree of scalars, mappings and sequences, each
 * node knowing where it stands in the file (line, column, key path), so the
 * loader can check the merged configuration and still point at the bytes the
 * user wrote.  libyaml is only used here and in config.c.
 *
 * The tree refuses what the loader has no use for and what could make it slow
 * or crash on hostile input: aliases (a few lines can expand to gigabytes),
 * several documents, keys that are not scalars, duplicate keys, NUL bytes,
 * nesting deeper than CONFIG_NODE_DEPTH and collections longer than
 * CONFIG_NODE_ITEMS.
 */
#ifndef CZ_CONFIG_NODE_H
#define CZ_CONFIG_NODE_H

#include <stddef.h>

#include <jansson.h>

#include "base/err.h"

#define CONFIG_NODE_DEPTH	64	/* nesting levels */
#define CONFIG_NODE_ITEMS	10000	/* entries of one mapping or list */

enum config_node_kind {
	CONFIG_NODE_SCALAR,
	CONFIG_NODE_MAP,
	CONFIG_NODE_SEQ
};

struct config_node {
	enum config_node_kind	  kind;
	char			 *s;	/* scalar text, NUL-terminated */
	size_t			  len;	/* bytes in s */
	int			  plain; /* 1: plain and untagged, so it may
					  * be null, a bool or a number */
	int			  line;	/* 1-based */
	int			  col;	/* 1-based */
	char			 *path;	/* "provider.memory", "schedules[0]" */
	struct config_node	**keys;	/* map: key scalars */
	struct config_node	**vals;	/* map: values; seq: items */
	size_t			 *order; /* map: indexes sorted by key */
	size_t			  n;	/* entries */
	int			  replace; /* map: merges replace it whole */
	size_t			  cap;
};

/* Owns every node; nodes point at each other freely (merges share). */
struct config_tree {
	const char		 *name;	/* for messages; not owned */
	struct config_node	 *root;	/* NULL: the document is empty */
	struct config_node	**all;
	size_t			  nall;
	size_t			  capall;
};

/*
 * Parses yaml into *t (zeroed first).  0, or -1 and *err as
 * "name:line:col: problem".  Release *t in both cases.
 */
int	config_tree_parse(struct config_tree *t, const char *name,
	    const char *yaml, size_t len, struct cz_err *err);
void	config_tree_release(struct config_tree *t);

/* A new empty mapping that reports itself at path, line and col. */
struct config_node *config_tree_map(struct config_tree *t, const char *path,
	    int line, int col);
/* A new scalar (a synthesized key) holding a copy of s. */
struct config_node *config_tree_scalar(struct config_tree *t, const char *s,
	    const char *path, int line, int col);
/* Appends key: val to map; 0, or 1 if the key is already there. */
int	config_node_put(struct config_node *map, struct config_node *key,
	    struct config_node *val);
/* The value of key in map (and its key node in *keyp), or NULL. */
struct config_node *config_node_get(const struct config_node *map,
	    const char *key, struct config_node **keyp);
/*
 * over laid on base: mappings merge key by key, recursively, unless over is
 * marked `replace`; anything else in over replaces what base has.  Either
 * may be NULL.  New nodes go into t.
 */
struct config_node *config_tree_merge(struct config_tree *t,
	    struct config_node *base, struct config_node *over);

/* 1 for a plain empty, ~, null, Null or NULL scalar. */
int	config_node_is_null(const struct config_node *);
/* "a string", "a mapping", "a list", "null": what the user wrote. */
const char *config_node_what(const struct config_node *);
/* The scalar as a message shows it: quoted if needed, cut at 40 bytes. */
const char *config_node_show(const struct config_node *, char *buf,
	    size_t bufsz);
/*
 * As JSON, with the YAML 1.2 core schema for plain scalars (null, true,
 * false, integers, floats; anything else is a string).  New reference.
 */
json_t	*config_node_json(const struct config_node *);
/*
 * Fills *err with "name:line:col: path: <fmt>" (no "path: " for the root)
 * and returns -1.
 */
int	config_node_errf(struct cz_err *err, const char *name,
	    const struct config_node *, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
