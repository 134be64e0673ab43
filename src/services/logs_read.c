/* services/logs_read: see logs_read.h. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "services/logs_read.h"

#define LOGS_TARGET	"Logs_20140328"

void
logs_event_release(struct logs_event *e)
{
	free(e->id);
	free(e->stream);
	free(e->message);
	memset(e, 0, sizeof(*e));
}

void
logs_page_release(struct logs_page *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		logs_event_release(&p->ev[i]);
	free(p->ev);
	free(p->next_token);
	memset(p, 0, sizeof(*p));
}

static char *
s_dupstr(json_t *o, const char *key)
{
	const char	*v = json_string_value(json_object_get(o, key));

	return cz_xstrdup(v ? v : "");
}

int
logs_filter_log_events(struct aws_client *c, const struct logs_filter_in *in,
    struct logs_page *page, struct cz_err *err)
{
	json_t		*req = NULL, *resp = NULL, *evs, *e;
	const char	*tok;
	size_t		 i;
	int		 rc = -1;

	memset(page, 0, sizeof(*page));
	req = json_pack("{s:s,s:b}", "logGroupName", in->group,
	    "interleaved", 1);
	if (in->start_ms > 0)
		json_object_set_new(req, "startTime",
		    json_integer(in->start_ms));
	if (in->end_ms > 0)
		json_object_set_new(req, "endTime", json_integer(in->end_ms));
	if (in->pattern && *in->pattern)
		json_object_set_new(req, "filterPattern",
		    json_string(in->pattern));
	if (in->next_token)
		json_object_set_new(req, "nextToken",
		    json_string(in->next_token));
	if (in->limit > 0)
		json_object_set_new(req, "limit", json_integer(in->limit));
	if (aws_json11(c, "logs", LOGS_TARGET, "FilterLogEvents", req, &resp,
	    err) == -1) {
		if (strcmp(err->code, "ResourceNotFoundException") == 0)
			rc = 1;
		goto out;
	}
	evs = json_object_get(resp, "events");
	if (json_is_array(evs) && json_array_size(evs) > 0) {
		page->ev = cz_xcalloc(json_array_size(evs),
		    sizeof(*page->ev));
		json_array_foreach(evs, i, e) {
			struct logs_event	*le = &page->ev[page->n++];

			le->id = s_dupstr(e, "eventId");
			le->stream = s_dupstr(e, "logStreamName");
			le->message = s_dupstr(e, "message");
			le->ts = json_integer_value(json_object_get(e,
			    "timestamp"));
			le->ingestion = json_integer_value(json_object_get(e,
			    "ingestionTime"));
		}
	}
	if ((tok = json_string_value(json_object_get(resp, "nextToken"))) &&
	    *tok)
		page->next_token = cz_xstrdup(tok);
	rc = 0;
out:
	json_decref(req);
	json_decref(resp);
	return rc;
}

int
logs_describe_log_group(struct aws_client *c, const char *group,
    struct cz_err *err)
{
	json_t		*req = NULL, *resp = NULL, *g, *v;
	size_t		 i;
	int		 rc = -1;

	req = json_pack("{s:s}", "logGroupNamePrefix", group);
	if (aws_json11(c, "logs", LOGS_TARGET, "DescribeLogGroups", req,
	    &resp, err) == -1)
		goto out;
	rc = 1;
	g = json_object_get(resp, "logGroups");
	json_array_foreach(g, i, v) {
		const char	*n = json_string_value(json_object_get(v,
		    "logGroupName"));

		if (n && strcmp(n, group) == 0)
			rc = 0;
	}
out:
	json_decref(req);
	json_decref(resp);
	return rc;
}
