/* services/events: see events.h.  json 1.1, target prefix AWSEvents. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "services/events.h"

#define PREFIX	"AWSEvents"

static char *
s_dup(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s ? cz_xstrdup(s) : NULL;
}

static int
s_absent(struct cz_err *err)
{
	if (strcmp(err->code, "ResourceNotFoundException") == 0) {
		cz_err_clear(err);
		return 1;
	}
	return 0;
}

void
events_rules_release(struct events_rules *rs)
{
	size_t	i;

	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].name);
		free(rs->v[i].arn);
		free(rs->v[i].expression);
		free(rs->v[i].state);
		free(rs->v[i].description);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static void
s_add_rules(json_t *page, void *arg)
{
	struct events_rules	*rs = arg;
	struct events_rule	*r;
	json_t			*it;
	size_t			 i;

	json_array_foreach(json_object_get(page, "Rules"), i, it) {
		rs->v = cz_xrealloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
		r = &rs->v[rs->n++];
		r->name = s_dup(it, "Name");
		r->arn = s_dup(it, "Arn");
		r->expression = s_dup(it, "ScheduleExpression");
		r->state = s_dup(it, "State");
		r->description = s_dup(it, "Description");
	}
}

int
events_list_rules(struct aws_client *c, const char *prefix,
    struct events_rules *rs, struct cz_err *err)
{
	json_t	*in = json_pack("{s:s,s:i}", "NamePrefix", prefix, "Limit",
	    100);
	int	 rc;

	rc = aws_json11_pages(c, "events", PREFIX, "ListRules", in,
	    "NextToken", s_add_rules, rs, err);
	json_decref(in);
	return rc;
}

int
events_put_rule(struct aws_client *c, const char *name,
    const char *expression, int enabled, const char *description,
    const struct cz_strv *tags, char **arn, struct cz_err *err)
{
	json_t	*in, *out = NULL, *t;
	size_t	 i;
	int	 rc = -1;

	if (arn)
		*arn = NULL;
	in = json_pack("{s:s,s:s,s:s,s:s}", "Name", name,
	    "ScheduleExpression", expression, "State", enabled ? "ENABLED" :
	    "DISABLED", "Description", description ? description : "");
	if (tags && tags->n) {
		t = json_array();
		for (i = 0; i + 1 < tags->n; i += 2)
			json_array_append_new(t, json_pack("{s:s,s:s}", "Key",
			    tags->v[i], "Value", tags->v[i + 1]));
		json_object_set_new(in, "Tags", t);
	}
	if (aws_json11(c, "events", PREFIX, "PutRule", in, &out, err) == -1)
		goto out;
	if (arn)
		*arn = s_dup(out, "RuleArn");
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	return rc;
}

int
events_delete_rule(struct aws_client *c, const char *name,
    struct cz_err *err)
{
	json_t	*in = json_pack("{s:s}", "Name", name);
	int	 rc;

	rc = aws_json11(c, "events", PREFIX, "DeleteRule", in, NULL, err);
	if (rc == -1 && s_absent(err))
		rc = 0;
	json_decref(in);
	return rc;
}

void
events_targets_release(struct events_targets *ts)
{
	size_t	i;

	for (i = 0; i < ts->n; i++) {
		free(ts->v[i].id);
		free(ts->v[i].arn);
		free(ts->v[i].input);
	}
	free(ts->v);
	memset(ts, 0, sizeof(*ts));
}

static void
s_add_targets(json_t *page, void *arg)
{
	struct events_targets	*ts = arg;
	struct events_target	*t;
	json_t			*it;
	size_t			 i;

	json_array_foreach(json_object_get(page, "Targets"), i, it) {
		ts->v = cz_xrealloc(ts->v, (ts->n + 1) * sizeof(*ts->v));
		t = &ts->v[ts->n++];
		t->id = s_dup(it, "Id");
		t->arn = s_dup(it, "Arn");
		t->input = s_dup(it, "Input");
	}
}

int
events_list_targets_by_rule(struct aws_client *c, const char *rule,
    struct events_targets *ts, struct cz_err *err)
{
	json_t	*in = json_pack("{s:s}", "Rule", rule);
	int	 rc;

	rc = aws_json11_pages(c, "events", PREFIX, "ListTargetsByRule", in,
	    "NextToken", s_add_targets, ts, err);
	if (rc == -1 && s_absent(err))
		rc = 1;
	json_decref(in);
	return rc;
}

int
events_put_targets(struct aws_client *c, const char *rule, const char *id,
    const char *arn, const char *input, struct cz_err *err)
{
	json_t	*in, *out = NULL, *t;
	int	 rc = -1;

	t = json_pack("{s:s,s:s}", "Id", id, "Arn", arn);
	if (input)
		json_object_set_new(t, "Input", json_string(input));
	in = json_pack("{s:s,s:[o]}", "Rule", rule, "Targets", t);
	if (aws_json11(c, "events", PREFIX, "PutTargets", in, &out, err) == -1)
		goto out;
	if (json_integer_value(json_object_get(out, "FailedEntryCount")) > 0) {
		json_t	*e = json_array_get(json_object_get(out,
			    "FailedEntries"), 0);

		cz_errf(err, "%s: %s", json_string_value(json_object_get(e,
		    "ErrorCode")) ? json_string_value(json_object_get(e,
		    "ErrorCode")) : "failed", json_string_value(
		    json_object_get(e, "ErrorMessage")) ? json_string_value(
		    json_object_get(e, "ErrorMessage")) : "target refused");
		snprintf(err->service, sizeof(err->service), "events");
		snprintf(err->op, sizeof(err->op), "PutTargets");
		goto out;
	}
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	return rc;
}

int
events_remove_targets(struct aws_client *c, const char *rule,
    const struct cz_strv *ids, struct cz_err *err)
{
	json_t	*in, *a = json_array();
	size_t	 i;
	int	 rc;

	for (i = 0; i < ids->n; i++)
		json_array_append_new(a, json_string(ids->v[i]));
	in = json_pack("{s:s,s:o}", "Rule", rule, "Ids", a);
	rc = aws_json11(c, "events", PREFIX, "RemoveTargets", in, NULL, err);
	if (rc == -1 && s_absent(err))
		rc = 1;
	json_decref(in);
	return rc;
}
