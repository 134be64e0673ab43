/*
 * config: serverless.yaml -> struct config for one stage.  Top-level keys are
 * defaults; stages.<name> overrides them (maps merge, scalars and lists
 * replace).  Every error names file:line:column and the allowed values.
 * libyaml lives here and nowhere else.
 */
#ifndef CZ_CONFIG_CONFIG_H
#define CZ_CONFIG_CONFIG_H

#include "base/err.h"
#include "base/strv.h"

struct config_kv {
	char	*key;
	char	*value;
};

struct config_kvs {
	struct config_kv	*v;
	size_t			 n;
};

struct config_schedule {
	/* [A-Za-z0-9-]; rule <service>-<stage>-<name> */
	char	*name;
	char	*handler;	/* name given to cz_schedule() */
	char	*expression;	/* rate(...) or cron(...), checked */
	char	*input_json;	/* compact JSON of `input`, or NULL */
	int	 enabled;	/* 1 unless `enabled: false` */
};

struct config_policy {
	char	*arn;		/* a managed policy ARN, or NULL */
	/* an inline statement as compact JSON, or NULL */
	char	*statement_json;
};

enum config_http {
	CONFIG_HTTP_HTTPAPI = 0,
	CONFIG_HTTP_FUNCTION_URL,
	CONFIG_HTTP_NONE
};

struct config {
	/* the file read, for messages */
	char			*path;
	/* its directory: the project root */
	char			*dir;
	char			*service;	/* [a-z0-9-], 1..32 */
	/* the stage merged in, or NULL */
	char			*stage;
	struct cz_strv		 stages;	/* every stage the file names */

	/* provider */
	char			*region;	/* NULL: from the environment */
	char			*profile;	/* NULL: default chain */
	char			*architecture;	/* "x86_64" or "arm64" */
	int			 memory;	/* MB, 128..10240 */
	int			 timeout;	/* seconds, 1..900 */
	/* days, one of CloudWatch's values */
	int			 log_retention;
	struct config_kvs	 environment;
	struct config_kvs	 tags;
	/* NULL: czappa-<account>-<region> */
	char			*bucket;
	struct config_policy	*policies;
	size_t			 npolicies;

	/* build */
	struct cz_strv		 sources;	/* relative to dir */
	struct cz_strv		 cflags;
	struct cz_strv		 libs;		/* "m" for -lm */
	struct cz_strv		 files;		/* shipped next to bootstrap */
	int			 static_link;	/* 1 (default) or 0 */

	enum config_http	 http;
	/* rate(...) or NULL when false */
	char			*keep_warm;
	struct config_schedule	*schedules;
	size_t			 nschedules;
};

/*
 * Reads path and merges stage (NULL: defaults only).  0 and *cfg filled; -1
 * and *err ("serverless.yaml:3:11: provider.memory: 64 is not in
 * 128..10240").  A missing stage lists the stages that exist.
 */
int	config_load(const char *path, const char *stage, struct config *cfg,
	    struct cz_err *err);
/* Same, from bytes in memory; name is used in messages. */
int	config_parse(const char *name, const char *yaml, size_t len,
	    const char *stage, struct config *cfg, struct cz_err *err);
void	config_release(struct config *);
/* Value for key in kvs, or NULL. */
const char *config_kvs_get(const struct config_kvs *, const char *key);

#endif
