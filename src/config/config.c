/*
 * config: serverless.yaml -> struct config; see config.h.  The file is parsed
 * into a node tree (node.c), each stage's overrides are laid over the
 * top-level keys (maps merge, scalars and lists replace), and the merged tree
 * is checked key by key against what AWS will accept, so that a mistake costs
 * a message naming file:line:column instead of a half-done deploy.
 *
 * Every stage is checked on every load, not only the one asked for: a typo in
 * `prod` should fail the `dev` deploy that CI runs first, not the release.
 * Names AWS derives from service and stage (role, rules) are checked against
 * AWS's length limits here for the same reason.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "config/config.h"
#include "config/node.h"
#include "config/schedule.h"

/* Nothing this small needs more; a bigger file is the wrong file. */
#define CONFIG_MAX_BYTES	(1024 * 1024)
#define SERVICE_MAX		32
/* IAM role names, Lambda function names and EventBridge rule names. */
#define AWS_NAME_MAX		64
/* Lambda: "The total size of all environment variables doesn't exceed 4 KB" */
#define ENV_MAX_BYTES		4096
/* Lambda allows 50 tags a function; czappa adds czappa:service and :stage. */
#define TAGS_MAX		48
/* EventBridge caps a target's Input at 8192; czappa keeps room to name the
 * schedule's handler next to it. */
#define INPUT_MAX_BYTES		7680
/* IAM: inline policies of a role total at most 10240 characters. */
#define INLINE_MAX_BYTES	10000

#define DEFAULT_ARCH		"x86_64"
#define DEFAULT_MEMORY		128
#define DEFAULT_TIMEOUT		10
#define DEFAULT_RETENTION	14
#define DEFAULT_KEEP_WARM	"rate(4 minutes)"
#define DEFAULT_SOURCE		"handlers/app.c"

struct loader {
	struct config_tree	 t;
	const char		*name;	/* file name for messages */
	struct cz_err		*err;
};

static const char *const top_keys[] = { "service", "provider", "build",
	"http", "keep_warm", "schedules", "stages", NULL };
static const char *const provider_keys[] = { "region", "profile",
	"architecture", "memory", "timeout", "environment", "tags", "bucket",
	"policies", "log_retention", NULL };
static const char *const build_keys[] = { "sources", "cflags", "libs",
	"files", "static", NULL };
static const char *const schedule_keys[] = { "name", "handler", "schedule",
	"input", "enabled", NULL };
static const char *const statement_keys[] = { "Sid", "Effect", "Action",
	"NotAction", "Resource", "NotResource", "Condition", NULL };
/* What a stage may override: the top-level keys but these two. */
static const char *const stage_keys[] = { "provider", "build", "http",
	"keep_warm", "schedules", NULL };

/* CloudWatch Logs PutRetentionPolicy accepts exactly these. */
static const int retention_days[] = { 1, 3, 5, 7, 14, 30, 60, 90, 120, 150,
	180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 0 };

/*
 * Set by Lambda itself; CreateFunction refuses them.  TZ is on AWS's list
 * too but Lambda accepts it, and the time app relies on it.
 */
static const char *const reserved_env[] = { "_HANDLER", "_X_AMZN_TRACE_ID",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", NULL };

static int
s_in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static void
s_join(struct cz_buf *b, const char *const *list, const char *sep)
{
	for (; *list != NULL; list++) {
		cz_buf_adds(b, *list);
		if (list[1] != NULL)
			cz_buf_adds(b, sep);
	}
}

/* Optimal string alignment distance, case-insensitive: typos swap letters. */
static size_t
s_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, d[33][33], c, v;

	if (la > 32 || lb > 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < v)
				v = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* The known key closest to key, if it is close enough to be a typo. */
static const char *
s_closest(const char *key, const char *const *a, const char *const *b)
{
	const char *const	*lists[2] = { a, b };
	const char *const	*l;
	const char		*best = NULL;
	size_t			 d, bestd = 99, len = strlen(key);
	int			 i;

	for (i = 0; i < 2; i++)
		for (l = lists[i]; l != NULL && *l != NULL; l++)
			if ((d = s_distance(key, *l)) < bestd) {
				bestd = d;
				best = *l;
			}
	if (best == NULL || bestd > 3 || bestd * 2 > len)
		return NULL;
	return best;
}

static int
s_unknown(struct loader *L, const struct config_node *key,
    const char *const *known, const char *const *also)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	const char	*near;
	int		 rc;

	if ((near = s_closest(key->s, known, also)) != NULL)
		return config_node_errf(L->err, L->name, key,
		    "unknown key (did you mean %s?)", near);
	s_join(&b, known, ", ");
	if (also != NULL) {
		cz_buf_adds(&b, ", ");
		s_join(&b, also, ", ");
	}
	rc = config_node_errf(L->err, L->name, key, "unknown key (known: %s)",
	    b.s);
	cz_buf_release(&b);
	return rc;
}

/* Every key of map is in known; top-level strays get a pointer home. */
static int
s_keys(struct loader *L, const struct config_node *map,
    const char *const *known)
{
	struct config_node	*k;
	size_t			 i;

	for (i = 0; i < map->n; i++) {
		k = map->keys[i];
		if (s_in(known, k->s))
			continue;
		if (known == top_keys && s_in(provider_keys, k->s))
			return config_node_errf(L->err, L->name, k,
			    "unknown key (did you mean provider.%s?)", k->s);
		if (known == top_keys && s_in(build_keys, k->s))
			return config_node_errf(L->err, L->name, k,
			    "unknown key (did you mean build.%s?)", k->s);
		return s_unknown(L, k, known, NULL);
	}
	return 0;
}

static int
s_type(struct loader *L, const struct config_node *n, const char *want)
{
	char	show[64];

	return config_node_errf(L->err, L->name, n, "expected %s, got %s",
	    want, config_node_show(n, show, sizeof(show)));
}

/* A mapping, or nothing (then *out is NULL: an empty mapping). */
static int
s_map(struct loader *L, struct config_node *n, struct config_node **out)
{
	*out = NULL;
	if (n == NULL || config_node_is_null(n))
		return 0;
	if (n->kind != CONFIG_NODE_MAP)
		return s_type(L, n, "a mapping");
	*out = n;
	return 0;
}

/* A list, or nothing (then *out is NULL: an empty list). */
static int
s_seq(struct loader *L, struct config_node *n, struct config_node **out)
{
	*out = NULL;
	if (n == NULL || config_node_is_null(n))
		return 0;
	if (n->kind != CONFIG_NODE_SEQ)
		return s_type(L, n, "a list");
	*out = n;
	return 0;
}

/* A string (numbers and words alike), never nothing or a collection. */
static int
s_str(struct loader *L, const struct config_node *n)
{
	if (n->kind != CONFIG_NODE_SCALAR || config_node_is_null(n))
		return s_type(L, n, "a string");
	return 0;
}

/* A string without control characters: names, paths, flags. */
static int
s_word(struct loader *L, const struct config_node *n, const char *what)
{
	size_t	i;

	if (s_str(L, n) == -1)
		return -1;
	if (n->len == 0)
		return config_node_errf(L->err, L->name, n, "%s is empty",
		    what);
	for (i = 0; i < n->len; i++)
		if ((unsigned char)n->s[i] < 0x20 || n->s[i] == 0x7f)
			return config_node_errf(L->err, L->name, n,
			    "%s holds a control character", what);
	return 0;
}

static int
s_int(struct loader *L, const struct config_node *n, int min, int max,
    int *out)
{
	char		 show[64], *end;
	const char	*p;
	long		 v;

	if (n->kind != CONFIG_NODE_SCALAR || !n->plain ||
	    config_node_is_null(n))
		goto bad;
	p = n->s;
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '\0')
		goto bad;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			goto bad;
	errno = 0;
	v = strtol(n->s, &end, 10);
	if (errno != 0 || v < min || v > max)
		return config_node_errf(L->err, L->name, n, "%s is not in "
		    "%d..%d", n->s, min, max);
	*out = (int)v;
	return 0;
bad:
	return config_node_errf(L->err, L->name, n, "expected an integer in "
	    "%d..%d, got %s", min, max, config_node_show(n, show,
	    sizeof(show)));
}

/* 1 true, 0 false, -1 neither (no message). */
static int
s_boolval(const struct config_node *n)
{
	static const char *const t[] = { "true", "True", "TRUE", NULL };
	static const char *const f[] = { "false", "False", "FALSE", NULL };

	if (n->kind != CONFIG_NODE_SCALAR || !n->plain)
		return -1;
	if (s_in(t, n->s))
		return 1;
	if (s_in(f, n->s))
		return 0;
	return -1;
}

static int
s_bool(struct loader *L, const struct config_node *n, int *out)
{
	if ((*out = s_boolval(n)) == -1)
		return s_type(L, n, "true or false");
	return 0;
}

static int
s_oneof(struct loader *L, const struct config_node *n,
    const char *const *allowed)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	char		 show[64];
	int		 rc;

	if (s_str(L, n) == -1)
		return -1;
	if (s_in(allowed, n->s))
		return 0;
	s_join(&b, allowed, ", ");
	rc = config_node_errf(L->err, L->name, n, "%s is not one of %s",
	    config_node_show(n, show, sizeof(show)), b.s);
	cz_buf_release(&b);
	return rc;
}

/* A list of strings into *out; check (may be NULL) vets each. */
static int
s_strv(struct loader *L, struct config_node *n, struct cz_strv *out,
    const char *what, int (*check)(struct loader *, const struct config_node *))
{
	struct config_node	*seq;
	size_t			 i;

	if (s_seq(L, n, &seq) == -1)
		return -1;
	if (seq == NULL)
		return 0;
	for (i = 0; i < seq->n; i++) {
		if (s_word(L, seq->vals[i], what) == -1 ||
		    (check != NULL && check(L, seq->vals[i]) == -1))
			return -1;
		cz_strv_push(out, seq->vals[i]->s);
	}
	return 0;
}

static int
s_charset(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) || isupper((unsigned char)*s))
			if (strchr(extra, *s) == NULL)
				return 0;
	return 1;
}

/* [a-z][a-z0-9-]{0,31}: it starts every resource name. */
static int
s_service(struct loader *L, const struct config_node *n)
{
	char	show[64];

	if (s_str(L, n) == -1)
		return -1;
	if (n->len < 1 || n->len > SERVICE_MAX || !islower((unsigned char)
	    n->s[0]) || !isalpha((unsigned char)n->s[0]) ||
	    !s_charset(n->s, "-"))
		return config_node_errf(L->err, L->name, n, "%s is not a "
		    "service name: 1..%d of a-z, 0-9 and -, starting with a "
		    "letter", config_node_show(n, show, sizeof(show)),
		    SERVICE_MAX);
	return 0;
}

/*
 * Words of a-z joined by -, then a number: us-east-1, us-gov-west-1,
 * eusc-de-east-1.  New regions keep that shape; their names are not listed
 * here so that a new region never needs a new czappa.
 */
static int
s_region(struct loader *L, const struct config_node *n)
{
	const char	*p;
	int		 words = 0, digits = 0;
	char		 show[64];

	if (s_str(L, n) == -1)
		return -1;
	for (p = n->s; islower((unsigned char)*p); words++) {
		while (islower((unsigned char)*p))
			p++;
		if (*p++ != '-')
			goto bad;
	}
	while (isdigit((unsigned char)p[digits]))
		digits++;
	if (words >= 2 && digits >= 1 && digits <= 2 && p[digits] == '\0')
		return 0;
bad:
	return config_node_errf(L->err, L->name, n, "%s is not an AWS region "
	    "name like us-east-1", config_node_show(n, show, sizeof(show)));
}

/* S3's bucket naming rules for general purpose buckets. */
static int
s_bucket(struct loader *L, const struct config_node *n)
{
	static const char *const bad_pre[] = { "xn--", "sthree-",
		"amzn-s3-demo-", NULL };
	static const char *const bad_suf[] = { "-s3alias", "--ol-s3", ".mrap",
		"--x-s3", "--table-s3", NULL };
	const char	*why = NULL, *const *l, *s = n->s;
	char		 show[64];
	size_t		 i, len = n->len;
	int		 dots = 0, digits = 1;

	if (s_str(L, n) == -1)
		return -1;
	if (len < 3 || len > 63)
		why = "3..63 characters";
	else if (!s_charset(s, ".-"))
		why = "only a-z, 0-9, . and -";
	else if (!isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[len - 1]))
		why = "a letter or digit first and last";
	else if (strstr(s, "..") != NULL || strstr(s, ".-") != NULL ||
	    strstr(s, "-.") != NULL)
		why = "no `..`, `.-` or `-.`";
	for (l = bad_pre; why == NULL && *l != NULL; l++)
		if (strncmp(s, *l, strlen(*l)) == 0)
			why = "no reserved prefix (xn--, sthree-, "
			    "amzn-s3-demo-)";
	for (l = bad_suf; why == NULL && *l != NULL; l++)
		if (len > strlen(*l) && strcmp(s + len - strlen(*l), *l) == 0)
			why = "no reserved suffix (-s3alias, --ol-s3, .mrap, "
			    "--x-s3, --table-s3)";
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)s[i]))
			digits = 0;
	}
	if (why == NULL && dots == 3 && digits)
		why = "not shaped like an IP address";
	if (why == NULL)
		return 0;
	return config_node_errf(L->err, L->name, n, "%s is not a valid S3 "
	    "bucket name (%s)", config_node_show(n, show, sizeof(show)), why);
}

static int
s_envkey(struct loader *L, const struct config_node *k)
{
	const char	*p = k->s;
	char		 show[64];

	if (s_in(reserved_env, k->s) || strncmp(k->s, "AWS_LAMBDA_", 11) == 0)
		return config_node_errf(L->err, L->name, k, "reserved: Lambda "
		    "sets %s itself", k->s);
	if (!isalpha((unsigned char)*p))
		goto bad;
	for (p++; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			goto bad;
	return 0;
bad:
	return config_node_errf(L->err, L->name, k, "%s is not a variable "
	    "name ([A-Za-z][A-Za-z0-9_]*)", config_node_show(k, show,
	    sizeof(show)));
}

/* Lambda's tag rules: letters, digits, spaces and _ . : / = + - @. */
static int
s_tagtext(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && (unsigned char)*s < 0x80 &&
		    strchr(" _.:/=+-@", *s) == NULL)
			return 0;
	return 1;
}

static int
s_tagkey(struct loader *L, const struct config_node *k)
{
	char	show[64];

	if (k->len < 1 || k->len > 128 || !s_tagtext(k->s))
		return config_node_errf(L->err, L->name, k, "%s is not a tag "
		    "key (1..128 of letters, digits, spaces and _.:/=+-@)",
		    config_node_show(k, show, sizeof(show)));
	if (strncasecmp(k->s, "aws:", 4) == 0)
		return config_node_errf(L->err, L->name, k, "tag keys "
		    "starting with aws: are reserved for AWS");
	if (strncasecmp(k->s, "czappa:", 7) == 0)
		return config_node_errf(L->err, L->name, k, "tag keys "
		    "starting with czappa: are set by czappa");
	return 0;
}

static int
s_tagval(struct loader *L, const struct config_node *v)
{
	if (s_str(L, v) == -1)
		return -1;
	if (v->len > 256 || !s_tagtext(v->s))
		return config_node_errf(L->err, L->name, v, "not a tag value "
		    "(0..256 of letters, digits, spaces and _.:/=+-@)");
	return 0;
}

/* A string map into kvs; the checks vet keys and values. */
static int
s_kvs(struct loader *L, struct config_node *n, struct config_kvs *kvs,
    int (*ckey)(struct loader *, const struct config_node *),
    int (*cval)(struct loader *, const struct config_node *))
{
	struct config_node	*map;
	size_t			 i;

	if (s_map(L, n, &map) == -1)
		return -1;
	if (map == NULL)
		return 0;
	kvs->v = cz_xcalloc(map->n ? map->n : 1, sizeof(*kvs->v));
	for (i = 0; i < map->n; i++) {
		if (ckey(L, map->keys[i]) == -1 || cval(L, map->vals[i]) == -1)
			return -1;
		kvs->v[kvs->n].key = cz_xstrdup(map->keys[i]->s);
		kvs->v[kvs->n].value = cz_xstrdup(map->vals[i]->s);
		kvs->n++;
	}
	return 0;
}

static int
s_environment(struct loader *L, struct config_node *n, struct config *cfg)
{
	size_t	i, total = 0;

	if (s_kvs(L, n, &cfg->environment, s_envkey, s_str) == -1)
		return -1;
	for (i = 0; i < cfg->environment.n; i++)
		total += strlen(cfg->environment.v[i].key) +
		    strlen(cfg->environment.v[i].value);
	if (total > ENV_MAX_BYTES)
		return config_node_errf(L->err, L->name, n, "%zu bytes of "
		    "names and values; Lambda allows %d", total,
		    ENV_MAX_BYTES);
	return 0;
}

static int
s_tags(struct loader *L, struct config_node *n, struct config *cfg)
{
	if (s_kvs(L, n, &cfg->tags, s_tagkey, s_tagval) == -1)
		return -1;
	if (cfg->tags.n > TAGS_MAX)
		return config_node_errf(L->err, L->name, n, "%zu tags; Lambda "
		    "allows 50 and czappa adds czappa:service and "
		    "czappa:stage, so at most %d", cfg->tags.n, TAGS_MAX);
	return 0;
}

static int
s_retention(struct loader *L, const struct config_node *n, int *out)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	size_t		 i;
	int		 rc;

	if (s_int(L, n, 0, 1000000, out) == -1)
		return -1;
	for (i = 0; retention_days[i] != 0; i++)
		if (retention_days[i] == *out)
			return 0;
	for (i = 0; retention_days[i] != 0; i++)
		cz_buf_addf(&b, "%s%d", i ? ", " : "", retention_days[i]);
	rc = config_node_errf(L->err, L->name, n, "%s is not one of "
	    "CloudWatch's retention periods in days: %s", n->s, b.s);
	cz_buf_release(&b);
	return rc;
}

/* [Not]Action, [Not]Resource: a string or a non-empty list of them. */
static json_t *
s_stmt_list(struct loader *L, struct config_node *n, int action)
{
	struct config_node	*v;
	json_t			*arr;
	const char		*s, *colon;
	size_t			 i, cnt;

	if (n->kind == CONFIG_NODE_SEQ && n->n == 0) {
		config_node_errf(L->err, L->name, n, "an empty list");
		return NULL;
	}
	if (n->kind != CONFIG_NODE_SEQ && n->kind != CONFIG_NODE_SCALAR) {
		s_type(L, n, "a string or a list of strings");
		return NULL;
	}
	arr = json_array();
	cnt = n->kind == CONFIG_NODE_SEQ ? n->n : 1;
	for (i = 0; i < cnt; i++) {
		v = n->kind == CONFIG_NODE_SEQ ? n->vals[i] : n;
		if (s_word(L, v, action ? "the action" : "the resource") == -1)
			goto bad;
		s = v->s;
		colon = strchr(s, ':');
		if (action && strcmp(s, "*") != 0 && (colon == NULL ||
		    colon == s || colon[1] == '\0' || strchr(s, ' ') != NULL)) {
			config_node_errf(L->err, L->name, v, "%s is not an IAM "
			    "action like s3:GetObject or *", s);
			goto bad;
		}
		if (!action && strcmp(s, "*") != 0 &&
		    strncmp(s, "arn:", 4) != 0) {
			config_node_errf(L->err, L->name, v, "%s is not a "
			    "resource ARN (arn:...) or *", s);
			goto bad;
		}
		json_array_append_new(arr, json_string(s));
	}
	if (n->kind == CONFIG_NODE_SCALAR) {
		json_t	*one = json_incref(json_array_get(arr, 0));

		json_decref(arr);
		return one;
	}
	return arr;
bad:
	json_decref(arr);
	return NULL;
}

/* One of name/Not<name>, exactly. */
static int
s_stmt_pair(struct loader *L, struct config_node *map, json_t *j,
    const char *name, int action)
{
	struct config_node	*a, *na, *k;
	char			 not[32];
	json_t			*v;

	snprintf(not, sizeof(not), "Not%s", name);
	a = config_node_get(map, name, NULL);
	na = config_node_get(map, not, &k);
	if (a != NULL && na != NULL)
		return config_node_errf(L->err, L->name, k, "give %s or %s, "
		    "not both", name, not);
	if (a == NULL && na == NULL)
		return config_node_errf(L->err, L->name, map, "a statement "
		    "needs %s (or %s)", name, not);
	if ((v = s_stmt_list(L, a != NULL ? a : na, action)) == NULL)
		return -1;
	json_object_set_new(j, a != NULL ? name : not, v);
	return 0;
}

/* An inline IAM statement -> compact JSON in *out. */
static int
s_statement(struct loader *L, struct config_node *map, char **out)
{
	static const char *const effects[] = { "Allow", "Deny", NULL };
	struct config_node	*n, *c;
	json_t			*j, *cond = NULL;
	size_t			 i;
	int			 rc = -1;

	j = json_object();
	if (s_keys(L, map, statement_keys) == -1)
		goto out;
	if ((n = config_node_get(map, "Sid", NULL)) != NULL) {
		if (s_str(L, n) == -1)
			goto out;
		for (i = 0; i < n->len; i++)
			if (!isalnum((unsigned char)n->s[i])) {
				config_node_errf(L->err, L->name, n, "a Sid "
				    "holds only A-Z, a-z and 0-9");
				goto out;
			}
		json_object_set_new(j, "Sid", json_string(n->s));
	}
	if ((n = config_node_get(map, "Effect", NULL)) == NULL) {
		config_node_errf(L->err, L->name, map, "a statement needs "
		    "Effect: Allow or Deny");
		goto out;
	}
	if (s_oneof(L, n, effects) == -1)
		goto out;
	json_object_set_new(j, "Effect", json_string(n->s));
	if (s_stmt_pair(L, map, j, "Action", 1) == -1 ||
	    s_stmt_pair(L, map, j, "Resource", 0) == -1)
		goto out;
	if ((n = config_node_get(map, "Condition", NULL)) != NULL) {
		if (n->kind != CONFIG_NODE_MAP) {
			s_type(L, n, "a mapping of condition operators");
			goto out;
		}
		for (i = 0; i < n->n; i++) {
			c = n->vals[i];
			if (c->kind != CONFIG_NODE_MAP) {
				s_type(L, c, "a mapping of condition keys");
				goto out;
			}
		}
		if ((cond = config_node_json(n)) == NULL) {
			config_node_errf(L->err, L->name, n, "cannot be "
			    "written as JSON");
			goto out;
		}
		json_object_set_new(j, "Condition", cond);
	}
	*out = json_dumps(j, JSON_COMPACT);
	rc = 0;
out:
	json_decref(j);
	return rc;
}

/* arn:aws:iam::123456789012:policy/path/name or arn:aws:iam::aws:policy/... */
static int
s_policy_arn(const char *s)
{
	static const char *const parts[] = { "arn:aws:iam::",
		"arn:aws-cn:iam::", "arn:aws-us-gov:iam::", NULL };
	const char *const	*l;
	const char		*p = NULL;
	int			 i;

	for (l = parts; *l != NULL && p == NULL; l++)
		if (strncmp(s, *l, strlen(*l)) == 0)
			p = s + strlen(*l);
	if (p == NULL)
		return 0;
	if (strncmp(p, "aws:", 4) == 0)
		p += 4;
	else {
		for (i = 0; i < 12; i++)
			if (!isdigit((unsigned char)p[i]))
				return 0;
		if (p[12] != ':')
			return 0;
		p += 13;
	}
	if (strncmp(p, "policy/", 7) != 0 || p[7] == '\0' ||
	    p[strlen(p) - 1] == '/')
		return 0;
	for (p += 7; *p; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("+=,.@_-/", *p) == NULL)
			return 0;
	return 1;
}

static int
s_policies(struct loader *L, struct config_node *n, struct config *cfg)
{
	struct config_node	*seq, *v;
	struct config_policy	*p;
	size_t			 i, inline_bytes = 0;
	char			 show[64];

	if (s_seq(L, n, &seq) == -1)
		return -1;
	if (seq == NULL)
		return 0;
	cfg->policies = cz_xcalloc(seq->n ? seq->n : 1,
	    sizeof(*cfg->policies));
	for (i = 0; i < seq->n; i++) {
		v = seq->vals[i];
		p = &cfg->policies[cfg->npolicies];
		if (v->kind == CONFIG_NODE_SCALAR &&
		    !config_node_is_null(v)) {
			if (!s_policy_arn(v->s))
				return config_node_errf(L->err, L->name, v,
				    "%s is not a managed policy ARN "
				    "(arn:aws:iam::<account>|aws:policy/"
				    "<name>)", config_node_show(v, show,
				    sizeof(show)));
			p->arn = cz_xstrdup(v->s);
		} else if (v->kind == CONFIG_NODE_MAP) {
			if (s_statement(L, v, &p->statement_json) == -1)
				return -1;
			inline_bytes += strlen(p->statement_json);
		} else
			return s_type(L, v, "a policy ARN or a statement "
			    "mapping (Effect, Action, Resource)");
		cfg->npolicies++;
	}
	if (inline_bytes > INLINE_MAX_BYTES)
		return config_node_errf(L->err, L->name, n, "inline statements "
		    "take %zu bytes of JSON; IAM allows about %d per role",
		    inline_bytes, INLINE_MAX_BYTES);
	return 0;
}

static int
s_provider(struct loader *L, struct config_node *n, struct config *cfg)
{
	static const char *const archs[] = { "x86_64", "arm64", NULL };
	struct config_node	*p, *v;

	if (s_map(L, n, &p) == -1 || (p != NULL &&
	    s_keys(L, p, provider_keys) == -1))
		return -1;
	if ((v = config_node_get(p, "region", NULL)) != NULL) {
		if (s_region(L, v) == -1)
			return -1;
		cfg->region = cz_xstrdup(v->s);
	}
	if ((v = config_node_get(p, "profile", NULL)) != NULL) {
		if (s_word(L, v, "the profile name") == -1)
			return -1;
		cfg->profile = cz_xstrdup(v->s);
	}
	v = config_node_get(p, "architecture", NULL);
	if (v != NULL && s_oneof(L, v, archs) == -1)
		return -1;
	cfg->architecture = cz_xstrdup(v != NULL ? v->s : DEFAULT_ARCH);
	cfg->memory = DEFAULT_MEMORY;
	if ((v = config_node_get(p, "memory", NULL)) != NULL &&
	    s_int(L, v, 128, 10240, &cfg->memory) == -1)
		return -1;
	cfg->timeout = DEFAULT_TIMEOUT;
	if ((v = config_node_get(p, "timeout", NULL)) != NULL &&
	    s_int(L, v, 1, 900, &cfg->timeout) == -1)
		return -1;
	cfg->log_retention = DEFAULT_RETENTION;
	if ((v = config_node_get(p, "log_retention", NULL)) != NULL &&
	    s_retention(L, v, &cfg->log_retention) == -1)
		return -1;
	if (s_environment(L, config_node_get(p, "environment", NULL),
	    cfg) == -1 ||
	    s_tags(L, config_node_get(p, "tags", NULL), cfg) == -1)
		return -1;
	if ((v = config_node_get(p, "bucket", NULL)) != NULL) {
		if (s_bucket(L, v) == -1)
			return -1;
		cfg->bucket = cz_xstrdup(v->s);
	}
	return s_policies(L, config_node_get(p, "policies", NULL), cfg);
}

/* A path inside the zip: relative, no .., not the bootstrap itself. */
static int
s_shipped(struct loader *L, const struct config_node *n)
{
	const char	*p = n->s;
	size_t		 len;

	if (p[0] == '/')
		goto bad;
	while (*p) {
		len = strcspn(p, "/");
		if (len == 2 && strncmp(p, "..", 2) == 0)
			goto bad;
		p += len;
		p += *p == '/';
	}
	if (strcmp(n->s, "bootstrap") == 0)
		return config_node_errf(L->err, L->name, n, "bootstrap is the "
		    "handler czappa builds; name the file otherwise");
	return 0;
bad:
	return config_node_errf(L->err, L->name, n, "%s must be a path inside "
	    "the project (relative, without ..)", n->s);
}

static int
s_libname(struct loader *L, const struct config_node *n)
{
	const char	*p;

	if (n->s[0] == '-')
		return config_node_errf(L->err, L->name, n, "write the library "
		    "name without -l (m for -lm)");
	for (p = n->s; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("_.+-", *p) == NULL)
			return config_node_errf(L->err, L->name, n, "%s is not "
			    "a library name (m for -lm)", n->s);
	return 0;
}

static int
s_build(struct loader *L, struct config_node *n, struct config *cfg)
{
	struct config_node	*b, *v;

	if (s_map(L, n, &b) == -1 || (b != NULL &&
	    s_keys(L, b, build_keys) == -1))
		return -1;
	if ((v = config_node_get(b, "sources", NULL)) != NULL) {
		if (s_strv(L, v, &cfg->sources, "a source path", NULL) == -1)
			return -1;
		if (cfg->sources.n == 0)
			return config_node_errf(L->err, L->name, v, "at least "
			    "one source file is needed");
	} else
		cz_strv_push(&cfg->sources, DEFAULT_SOURCE);
	if (s_strv(L, config_node_get(b, "cflags", NULL), &cfg->cflags,
	    "a flag", NULL) == -1 ||
	    s_strv(L, config_node_get(b, "libs", NULL), &cfg->libs,
	    "a library name", s_libname) == -1 ||
	    s_strv(L, config_node_get(b, "files", NULL), &cfg->files,
	    "a file path", s_shipped) == -1)
		return -1;
	cfg->static_link = 1;
	if ((v = config_node_get(b, "static", NULL)) != NULL &&
	    s_bool(L, v, &cfg->static_link) == -1)
		return -1;
	return 0;
}

static int
s_expression(struct loader *L, const struct config_node *n)
{
	struct cz_err	 why;
	char		 show[64];

	if (s_str(L, n) == -1)
		return -1;
	if (config_schedule_check(n->s, &why) == 0)
		return 0;
	return config_node_errf(L->err, L->name, n, "%s: %s",
	    config_node_show(n, show, sizeof(show)), why.msg);
}

static int
s_keep_warm(struct loader *L, struct config_node *n, struct config *cfg)
{
	int	b;

	if (n == NULL || (b = s_boolval(n)) == 1) {
		cfg->keep_warm = cz_xstrdup(DEFAULT_KEEP_WARM);
		return 0;
	}
	if (b == 0)
		return 0;
	if (n->kind != CONFIG_NODE_SCALAR || config_node_is_null(n))
		return s_type(L, n, "rate(...), cron(...) or false");
	if (s_expression(L, n) == -1)
		return -1;
	cfg->keep_warm = cz_xstrdup(n->s);
	return 0;
}

/* [A-Za-z0-9-]: it ends the rule's name. */
static int
s_schedname(struct loader *L, const struct config_node *n)
{
	const char	*p;

	if (s_word(L, n, "the name") == -1)
		return -1;
	for (p = n->s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return config_node_errf(L->err, L->name, n, "%s is not "
			    "a schedule name (A-Z, a-z, 0-9 and -)", n->s);
	if (strcmp(n->s, "keep-warm") == 0)
		return config_node_errf(L->err, L->name, n, "keep-warm is the "
		    "name of czappa's own rule (see keep_warm)");
	return 0;
}

static int
s_schedule(struct loader *L, struct config_node *m, struct config_schedule *s)
{
	struct config_node	*v;
	json_t			*j;

	if (m->kind != CONFIG_NODE_MAP)
		return s_type(L, m, "a mapping (name, handler, schedule, "
		    "input, enabled)");
	if (s_keys(L, m, schedule_keys) == -1)
		return -1;
	if ((v = config_node_get(m, "name", NULL)) == NULL)
		return config_node_errf(L->err, L->name, m, "a schedule needs "
		    "a name");
	if (s_schedname(L, v) == -1)
		return -1;
	s->name = cz_xstrdup(v->s);
	if ((v = config_node_get(m, "handler", NULL)) != NULL) {
		if (s_word(L, v, "the handler name") == -1)
			return -1;
		if (strchr(v->s, ' ') != NULL || v->len > 128)
			return config_node_errf(L->err, L->name, v, "a handler "
			    "name has no spaces and at most 128 characters");
	}
	s->handler = cz_xstrdup(v != NULL ? v->s : s->name);
	if ((v = config_node_get(m, "schedule", NULL)) == NULL)
		return config_node_errf(L->err, L->name, m, "a schedule needs "
		    "schedule: rate(...) or cron(...)");
	if (s_expression(L, v) == -1)
		return -1;
	s->expression = cz_xstrdup(v->s);
	if ((v = config_node_get(m, "input", NULL)) != NULL &&
	    !config_node_is_null(v)) {
		if (v->kind != CONFIG_NODE_MAP)
			return s_type(L, v, "a mapping");
		if ((j = config_node_json(v)) == NULL)
			return config_node_errf(L->err, L->name, v, "cannot "
			    "be written as JSON");
		s->input_json = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		if (s->input_json == NULL || strlen(s->input_json) >
		    INPUT_MAX_BYTES)
			return config_node_errf(L->err, L->name, v, "more "
			    "than %d bytes of JSON", INPUT_MAX_BYTES);
	}
	s->enabled = 1;
	if ((v = config_node_get(m, "enabled", NULL)) != NULL &&
	    s_bool(L, v, &s->enabled) == -1)
		return -1;
	return 0;
}

static int
s_schedules(struct loader *L, struct config_node *n, struct config *cfg)
{
	struct config_node	*seq, *a, *b;
	size_t			 i, j;

	if (s_seq(L, n, &seq) == -1)
		return -1;
	if (seq == NULL)
		return 0;
	cfg->schedules = cz_xcalloc(seq->n ? seq->n : 1,
	    sizeof(*cfg->schedules));
	for (i = 0; i < seq->n; i++) {
		if (s_schedule(L, seq->vals[i], &cfg->schedules[i]) == -1) {
			cfg->nschedules = i + 1;
			return -1;
		}
		cfg->nschedules = i + 1;
		for (j = 0; j < i; j++)
			if (strcmp(cfg->schedules[j].name,
			    cfg->schedules[i].name) == 0) {
				a = config_node_get(seq->vals[j], "name", NULL);
				b = config_node_get(seq->vals[i], "name", NULL);
				return config_node_errf(L->err, L->name, b,
				    "a second schedule named %s (first at "
				    "line %d)", b->s, a->line);
			}
	}
	return 0;
}

/* Names AWS builds from service and stage must fit AWS's 64. */
static int
s_names(struct loader *L, struct config_node *root,
    const struct config_node *stagekey, struct config *cfg)
{
	struct config_node	*seq, *name;
	size_t			 base, i;

	base = strlen(cfg->service) + 1 + strlen(cfg->stage);
	if (base + strlen("-czappa") > AWS_NAME_MAX)
		return config_node_errf(L->err, L->name, stagekey, "the IAM "
		    "role %s-%s-czappa would have %zu characters; IAM allows "
		    "%d (shorten the service or the stage name)", cfg->service,
		    cfg->stage, base + strlen("-czappa"), AWS_NAME_MAX);
	if (cfg->keep_warm != NULL && base + strlen("-keep-warm") >
	    AWS_NAME_MAX)
		return config_node_errf(L->err, L->name, stagekey, "the rule "
		    "%s-%s-keep-warm would have %zu characters; EventBridge "
		    "allows %d (shorten the names, or keep_warm: false)",
		    cfg->service, cfg->stage, base + strlen("-keep-warm"),
		    AWS_NAME_MAX);
	seq = config_node_get(root, "schedules", NULL);
	for (i = 0; i < cfg->nschedules; i++)
		if (base + 1 + strlen(cfg->schedules[i].name) > AWS_NAME_MAX) {
			name = config_node_get(seq->vals[i], "name", NULL);
			return config_node_errf(L->err, L->name, name, "the "
			    "rule %s-%s-%s would have %zu characters; "
			    "EventBridge allows %d", cfg->service, cfg->stage,
			    name->s, base + 1 + name->len, AWS_NAME_MAX);
		}
	return 0;
}

/* The merged tree of one stage (or the defaults) into *cfg. */
static int
s_convert(struct loader *L, struct config_node *root,
    const struct config_node *stagekey, struct config *cfg)
{
	static const char *const https[] = { "httpapi", "function-url",
		"none", NULL };
	struct config_node	*v;

	memset(cfg, 0, sizeof(*cfg));
	cfg->service = cz_xstrdup(config_node_get(root, "service", NULL)->s);
	if (stagekey != NULL)
		cfg->stage = cz_xstrdup(stagekey->s);
	if (s_provider(L, config_node_get(root, "provider", NULL), cfg) == -1 ||
	    s_build(L, config_node_get(root, "build", NULL), cfg) == -1)
		return -1;
	cfg->http = CONFIG_HTTP_HTTPAPI;
	if ((v = config_node_get(root, "http", NULL)) != NULL) {
		if (s_oneof(L, v, https) == -1)
			return -1;
		cfg->http = strcmp(v->s, "httpapi") == 0 ? CONFIG_HTTP_HTTPAPI :
		    strcmp(v->s, "function-url") == 0 ?
		    CONFIG_HTTP_FUNCTION_URL : CONFIG_HTTP_NONE;
	}
	if (s_keep_warm(L, config_node_get(root, "keep_warm", NULL),
	    cfg) == -1 ||
	    s_schedules(L, config_node_get(root, "schedules", NULL), cfg) == -1)
		return -1;
	if (stagekey != NULL && s_names(L, root, stagekey, cfg) == -1)
		return -1;
	return 0;
}

/* [a-z0-9-]+: it is part of every resource name. */
static int
s_stagename(struct loader *L, const struct config_node *k)
{
	if (k->len == 0 || !s_charset(k->s, "-"))
		return config_node_errf(L->err, L->name, k, "a stage name "
		    "holds only a-z, 0-9 and -");
	return 0;
}

/*
 * A stage's body as a tree that merges over the top level: provider keys
 * written flat (`prod: {memory: 512}`) move under provider.
 */
static int
s_overrides(struct loader *L, struct config_node *body,
    struct config_node **out)
{
	struct config_node	*over, *flat = NULL, *explicit, *pkey = NULL;
	struct config_node	*k, *first;
	char			*path;
	size_t			 i;

	*out = NULL;
	if (body == NULL || config_node_is_null(body))
		return 0;
	if (body->kind != CONFIG_NODE_MAP)
		return s_type(L, body, "a mapping of overrides");
	over = config_tree_map(&L->t, body->path, body->line, body->col);
	explicit = config_node_get(body, "provider", &pkey);
	for (i = 0; i < body->n; i++) {
		k = body->keys[i];
		if (strcmp(k->s, "service") == 0 || strcmp(k->s, "stages") == 0)
			return config_node_errf(L->err, L->name, k, "cannot "
			    "be set per stage");
		if (strcmp(k->s, "provider") == 0)
			continue;
		if (s_in(provider_keys, k->s)) {
			if (explicit != NULL && config_node_get(explicit, k->s,
			    &first) != NULL)
				return config_node_errf(L->err, L->name, k,
				    "also given as provider.%s at line %d",
				    k->s, first->line);
			if (flat == NULL) {
				path = cz_xasprintf("%s%sprovider",
				    body->path, body->path[0] ? "." : "");
				flat = config_tree_map(&L->t, path, k->line,
				    k->col);
				free(path);
			}
			config_node_put(flat, k, body->vals[i]);
		} else if (s_in(stage_keys, k->s))
			config_node_put(over, k, body->vals[i]);
		else
			return s_unknown(L, k, stage_keys, provider_keys);
	}
	if (explicit != NULL && !config_node_is_null(explicit) &&
	    explicit->kind != CONFIG_NODE_MAP)
		return s_type(L, explicit, "a mapping");
	if (flat != NULL && pkey == NULL)
		pkey = config_tree_scalar(&L->t, "provider", flat->path,
		    flat->line, flat->col);
	if (flat == NULL && explicit != NULL)
		config_node_put(over, pkey, explicit);
	else if (flat != NULL && explicit != NULL &&
	    config_node_is_null(explicit)) {
		/* An empty `provider:` resets it; flat keys still count. */
		flat->replace = 1;
		config_node_put(over, pkey, flat);
	} else if (flat != NULL)
		config_node_put(over, pkey, explicit == NULL ? flat :
		    config_tree_merge(&L->t, explicit, flat));
	*out = over;
	return 0;
}

void
config_release(struct config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->dir);
	free(cfg->service);
	free(cfg->stage);
	cz_strv_release(&cfg->stages);
	free(cfg->region);
	free(cfg->profile);
	free(cfg->architecture);
	for (i = 0; i < cfg->environment.n; i++) {
		free(cfg->environment.v[i].key);
		free(cfg->environment.v[i].value);
	}
	free(cfg->environment.v);
	for (i = 0; i < cfg->tags.n; i++) {
		free(cfg->tags.v[i].key);
		free(cfg->tags.v[i].value);
	}
	free(cfg->tags.v);
	free(cfg->bucket);
	for (i = 0; i < cfg->npolicies; i++) {
		free(cfg->policies[i].arn);
		free(cfg->policies[i].statement_json);
	}
	free(cfg->policies);
	cz_strv_release(&cfg->sources);
	cz_strv_release(&cfg->cflags);
	cz_strv_release(&cfg->libs);
	cz_strv_release(&cfg->files);
	free(cfg->keep_warm);
	for (i = 0; i < cfg->nschedules; i++) {
		free(cfg->schedules[i].name);
		free(cfg->schedules[i].handler);
		free(cfg->schedules[i].expression);
		free(cfg->schedules[i].input_json);
	}
	free(cfg->schedules);
	memset(cfg, 0, sizeof(*cfg));
}

const char *
config_kvs_get(const struct config_kvs *kvs, const char *key)
{
	size_t	i;

	for (i = 0; i < kvs->n; i++)
		if (strcmp(kvs->v[i].key, key) == 0)
			return kvs->v[i].value;
	return NULL;
}

int
config_parse(const char *name, const char *yaml, size_t len,
    const char *stage, struct config *cfg, struct cz_err *err)
{
	struct loader		 L;
	struct config		 tmp;
	struct config_node	*root, *stages = NULL, *v, *over, *merged;
	struct cz_buf		 list = CZ_BUF_INIT;
	struct cz_strv		 names = CZ_STRV_INIT;
	size_t			 i;
	int			 found = 0, rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	memset(&tmp, 0, sizeof(tmp));
	memset(&L, 0, sizeof(L));
	L.name = name;
	L.err = err;
	cz_err_clear(err);
	if (len > CONFIG_MAX_BYTES) {
		cz_errf(err, "%s: larger than %d bytes; is it the right file?",
		    name, CONFIG_MAX_BYTES);
		goto out;
	}
	if (config_tree_parse(&L.t, name, yaml, len, err) == -1)
		goto out;
	root = L.t.root;
	if (root == NULL || config_node_is_null(root)) {
		cz_errf(err, "%s: the file is empty; it needs at least "
		    "`service: <name>`", name);
		goto out;
	}
	if (root->kind != CONFIG_NODE_MAP) {
		s_type(&L, root, "a mapping (service:, provider:, ...) at the "
		    "top");
		goto out;
	}
	if (s_keys(&L, root, top_keys) == -1)
		goto out;
	if ((v = config_node_get(root, "service", NULL)) == NULL) {
		config_node_errf(err, name, root, "service: missing; name the "
		    "service, e.g. `service: myapp` (a-z, 0-9 and -)");
		goto out;
	}
	if (s_service(&L, v) == -1 ||
	    s_map(&L, config_node_get(root, "stages", NULL), &stages) == -1)
		goto out;
	for (i = 0; stages != NULL && i < stages->n; i++) {
		if (s_stagename(&L, stages->keys[i]) == -1)
			goto out;
		cz_strv_push(&names, stages->keys[i]->s);
		cz_buf_addf(&list, "%s%s", i ? ", " : "", stages->keys[i]->s);
		if (stage != NULL && strcmp(stage, stages->keys[i]->s) == 0)
			found = 1;
	}
	/* The defaults first, then every stage, so any mistake surfaces. */
	if (s_convert(&L, root, NULL, &tmp) == -1)
		goto out;
	if (stage == NULL) {
		*cfg = tmp;
		memset(&tmp, 0, sizeof(tmp));
	}
	config_release(&tmp);
	for (i = 0; stages != NULL && i < stages->n; i++) {
		if (s_overrides(&L, stages->vals[i], &over) == -1)
			goto out;
		merged = config_tree_merge(&L.t, root, over);
		if (s_convert(&L, merged, stages->keys[i], &tmp) == -1)
			goto out;
		if (stage != NULL && strcmp(stage, stages->keys[i]->s) == 0) {
			*cfg = tmp;
			memset(&tmp, 0, sizeof(tmp));
		}
		config_release(&tmp);
	}
	/* Only now: a mistake in the file is worth more than a stage name. */
	if (stage != NULL && !found) {
		if (names.n == 0)
			cz_errf(err, "stage \"%s\" is not defined in %s (it "
			    "has no stages: section)", stage, name);
		else
			cz_errf(err, "stage \"%s\" is not defined in %s "
			    "(stages: %s)", stage, name, list.s);
		goto out;
	}
	cfg->path = cz_xstrdup(name);
	cfg->dir = cz_dirname(name);
	cfg->stages = names;
	memset(&names, 0, sizeof(names));
	rc = 0;
out:
	if (rc == -1)
		config_release(cfg);
	config_release(&tmp);
	cz_strv_release(&names);
	cz_buf_release(&list);
	config_tree_release(&L.t);
	return rc;
}

int
config_load(const char *path, const char *stage, struct config *cfg,
    struct cz_err *err)
{
	struct cz_buf	b = CZ_BUF_INIT;
	struct stat	st;
	int		rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return cz_errf(err, "%s: no such file; `czappa init` "
			    "writes one", path);
		return cz_errf(err, "%s: %s", path, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return cz_errf(err, "%s: is a directory", path);
	/* One byte past the cap, so an oversized file is told apart; the
	 * read stops there (think /dev/zero). */
	cz_buf_init(&b, CONFIG_MAX_BYTES + 1);
	if (cz_file_read(path, &b, err) == -1 && !b.overflow)
		goto out;
	if (b.len > CONFIG_MAX_BYTES) {
		cz_errf(err, "%s: larger than %d bytes; is it the right file?",
		    path, CONFIG_MAX_BYTES);
		goto out;
	}
	rc = config_parse(path, b.s, b.len, stage, cfg, err);
out:
	cz_buf_release(&b);
	return rc;
}
