/* services/logs: see logs.h.  json 1.1, target prefix Logs_20140328. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "services/logs.h"

#define PREFIX	"Logs_20140328"

static int
s_call(struct aws_client *c, const char *op, json_t *in, const char *code1,
    struct cz_err *err)
{
	int	rc = aws_json11(c, "logs", PREFIX, op, in, NULL, err);

	if (rc == -1 && code1 && strcmp(err->code, code1) == 0) {
		cz_err_clear(err);
		rc = 1;
	}
	json_decref(in);
	return rc;
}

void
logs_groups_release(struct logs_groups *gs)
{
	size_t	i;

	for (i = 0; i < gs->n; i++) {
		free(gs->v[i].name);
		free(gs->v[i].arn);
	}
	free(gs->v);
	memset(gs, 0, sizeof(*gs));
}

static void
s_add_groups(json_t *page, void *arg)
{
	struct logs_groups	*gs = arg;
	struct logs_group	*g;
	const char		*s;
	json_t			*it;
	size_t			 i;

	json_array_foreach(json_object_get(page, "logGroups"), i, it) {
		if ((s = json_string_value(json_object_get(it,
		    "logGroupName"))) == NULL)
			continue;
		gs->v = cz_xrealloc(gs->v, (gs->n + 1) * sizeof(*gs->v));
		g = &gs->v[gs->n++];
		g->name = cz_xstrdup(s);
		s = json_string_value(json_object_get(it, "arn"));
		g->arn = s ? cz_xstrdup(s) : NULL;
		g->retention_days = (int)json_integer_value(
		    json_object_get(it, "retentionInDays"));
		g->stored_bytes = json_integer_value(
		    json_object_get(it, "storedBytes"));
	}
}

int
logs_describe_log_groups(struct aws_client *c, const char *prefix,
    struct logs_groups *gs, struct cz_err *err)
{
	json_t	*in = json_pack("{s:s}", "logGroupNamePrefix", prefix);
	int	 rc;

	rc = aws_json11_pages(c, "logs", PREFIX, "DescribeLogGroups", in,
	    "nextToken", s_add_groups, gs, err);
	json_decref(in);
	return rc;
}

int
logs_create_log_group(struct aws_client *c, const char *name,
    const struct cz_strv *tags, struct cz_err *err)
{
	json_t	*in = json_pack("{s:s}", "logGroupName", name), *t;
	size_t	 i;

	if (tags && tags->n) {
		t = json_object();
		for (i = 0; i + 1 < tags->n; i += 2)
			json_object_set_new(t, tags->v[i],
			    json_string(tags->v[i + 1]));
		json_object_set_new(in, "tags", t);
	}
	return s_call(c, "CreateLogGroup", in,
	    "ResourceAlreadyExistsException", err);
}

int
logs_put_retention_policy(struct aws_client *c, const char *name, int days,
    struct cz_err *err)
{
	return s_call(c, "PutRetentionPolicy", json_pack("{s:s,s:i}",
	    "logGroupName", name, "retentionInDays", days), NULL, err);
}

int
logs_delete_retention_policy(struct aws_client *c, const char *name,
    struct cz_err *err)
{
	return s_call(c, "DeleteRetentionPolicy", json_pack("{s:s}",
	    "logGroupName", name), NULL, err);
}

int
logs_delete_log_group(struct aws_client *c, const char *name,
    struct cz_err *err)
{
	return s_call(c, "DeleteLogGroup", json_pack("{s:s}", "logGroupName",
	    name), "ResourceNotFoundException", err);
}
