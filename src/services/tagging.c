/* services/tagging: see tagging.h.  json 1.1, ResourceGroupsTaggingAPI. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "services/tagging.h"

int
tagging_get_resources(struct aws_client *c, const struct cz_strv *tags,
    struct cz_strv *arns, struct cz_err *err)
{
	json_t		*in = NULL, *out = NULL, *f, *it;
	const char	*s;
	char		*token = NULL;
	size_t		 i, page;
	int		 rc = -1;

	for (page = 0; page < 1000; page++) {
		f = json_array();
		for (i = 0; tags && i + 1 < tags->n; i += 2)
			json_array_append_new(f, json_pack("{s:s,s:[s]}",
			    "Key", tags->v[i], "Values", tags->v[i + 1]));
		in = json_pack("{s:o}", "TagFilters", f);
		if (token)
			json_object_set_new(in, "PaginationToken",
			    json_string(token));
		if (aws_json11(c, "tagging",
		    "ResourceGroupsTaggingAPI_20170126", "GetResources", in,
		    &out, err) == -1)
			goto out;
		json_array_foreach(json_object_get(out,
		    "ResourceTagMappingList"), i, it)
			if ((s = json_string_value(json_object_get(it,
			    "ResourceARN"))) != NULL)
				cz_strv_push(arns, s);
		free(token);
		s = json_string_value(json_object_get(out, "PaginationToken"));
		token = s && *s ? cz_xstrdup(s) : NULL;
		json_decref(in);
		json_decref(out);
		in = out = NULL;
		if (token == NULL)
			break;
	}
	rc = 0;
out:
	free(token);
	json_decref(in);
	json_decref(out);
	return rc;
}
