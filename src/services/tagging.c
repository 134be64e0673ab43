/* services/tagging: see tagging.h.  json 1.1, ResourceGroupsTaggingAPI. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "services/tagging.h"

static void
s_add_arns(json_t *page, void *arg)
{
	struct cz_strv	*arns = arg;
	const char	*s;
	json_t		*it;
	size_t		 i;

	json_array_foreach(json_object_get(page, "ResourceTagMappingList"),
	    i, it)
		if ((s = json_string_value(json_object_get(it,
		    "ResourceARN"))) != NULL)
			cz_strv_push(arns, s);
}

int
tagging_get_resources(struct aws_client *c, const struct cz_strv *tags,
    struct cz_strv *arns, struct cz_err *err)
{
	json_t	*f = json_array(), *in;
	size_t	 i;
	int	 rc;

	for (i = 0; tags && i + 1 < tags->n; i += 2)
		json_array_append_new(f, json_pack("{s:s,s:[s]}", "Key",
		    tags->v[i], "Values", tags->v[i + 1]));
	in = json_pack("{s:o}", "TagFilters", f);
	rc = aws_json11_pages(c, "tagging",
	    "ResourceGroupsTaggingAPI_20170126", "GetResources", in,
	    "PaginationToken", s_add_arns, arns, err);
	json_decref(in);
	return rc;
}
