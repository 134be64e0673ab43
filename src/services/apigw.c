/* services/apigw: see apigw.h.  rest-json on /v2/apis, signing name
 * "apigateway" (shared by v1 and v2). */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "services/apigw.h"

static char *
s_dup(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s ? cz_xstrdup(s) : NULL;
}

static int
s_absent(struct cz_err *err)
{
	if (strcmp(err->code, "NotFoundException") == 0 ||
	    err->status == 404) {
		cz_err_clear(err);
		return 1;
	}
	return 0;
}

static json_t *
s_obj(const struct cz_strv *kv)
{
	json_t	*o = json_object();
	size_t	 i;

	for (i = 0; kv && i + 1 < kv->n; i += 2)
		json_object_set_new(o, kv->v[i], json_string(kv->v[i + 1]));
	return o;
}

static void
s_api_path(struct aws_req *req, const char *api_id, const char *sub)
{
	aws_req_path_raw(req, "/v2/apis");
	if (api_id)
		aws_req_path_seg(req, api_id);
	if (sub)
		aws_req_path_raw(req, sub);
}

void
apigw_api_release(struct apigw_api *a)
{
	free(a->id);
	free(a->name);
	free(a->endpoint);
	free(a->protocol);
	cz_strv_release(&a->tags);
	memset(a, 0, sizeof(*a));
}

void
apigw_apis_release(struct apigw_apis *as)
{
	size_t	i;

	for (i = 0; i < as->n; i++)
		apigw_api_release(&as->v[i]);
	free(as->v);
	memset(as, 0, sizeof(*as));
}

static void
s_decode_api(json_t *o, struct apigw_api *a)
{
	const char	*k;
	json_t		*v;

	memset(a, 0, sizeof(*a));
	a->id = s_dup(o, "apiId");
	a->name = s_dup(o, "name");
	a->endpoint = s_dup(o, "apiEndpoint");
	a->protocol = s_dup(o, "protocolType");
	json_object_foreach(json_object_get(o, "tags"), k, v) {
		cz_strv_push(&a->tags, k);
		cz_strv_push(&a->tags, json_is_string(v) ?
		    json_string_value(v) : "");
	}
}

/* GETs every page of a list under path; calls add for each item. */
static int
s_pages(struct aws_client *c, const char *op, const char *api_id,
    const char *sub, void (*add)(json_t *, void *), void *arg,
    struct cz_err *err)
{
	json_t	*out = NULL, *it;
	char	*token = NULL;
	size_t	 i, page;
	int	 rc = -1;

	for (page = 0; page < 1000; page++) {
		struct aws_req	req = AWS_REQ_INIT("apigatewayv2", op,
				    "GET");
		int		r;

		s_api_path(&req, api_id, sub);
		aws_req_query(&req, "maxResults", "500");
		if (token)
			aws_req_query(&req, "nextToken", token);
		r = aws_rest_json(c, &req, NULL, &out, err);
		aws_req_release(&req);
		if (r == -1) {
			if (api_id && s_absent(err))
				rc = 1;
			goto out;
		}
		json_array_foreach(json_object_get(out, "items"), i, it)
			add(it, arg);
		free(token);
		token = s_dup(out, "nextToken");
		json_decref(out);
		out = NULL;
		if (token == NULL || *token == '\0')
			break;
	}
	rc = 0;
out:
	free(token);
	json_decref(out);
	return rc;
}

static void
s_add_api(json_t *it, void *arg)
{
	struct apigw_apis	*as = arg;

	as->v = cz_xrealloc(as->v, (as->n + 1) * sizeof(*as->v));
	s_decode_api(it, &as->v[as->n++]);
}

int
apigw_get_apis(struct aws_client *c, struct apigw_apis *out,
    struct cz_err *err)
{
	return s_pages(c, "GetApis", NULL, NULL, s_add_api, out, err);
}

int
apigw_create_api(struct aws_client *c, const char *name,
    const struct cz_strv *tags, struct apigw_api *api, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("apigatewayv2", "CreateApi",
			    "POST");
	json_t		*in, *out = NULL;
	int		 rc = -1;

	in = json_pack("{s:s,s:s,s:o}", "name", name, "protocolType", "HTTP",
	    "tags", s_obj(tags));
	s_api_path(&req, NULL, NULL);
	if (aws_rest_json(c, &req, in, &out, err) == -1)
		goto out;
	s_decode_api(out, api);
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
apigw_delete_api(struct aws_client *c, const char *api_id,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("apigatewayv2", "DeleteApi",
			    "DELETE");
	int		 rc;

	s_api_path(&req, api_id, NULL);
	rc = aws_rest_json(c, &req, NULL, NULL, err);
	if (rc == -1 && s_absent(err))
		rc = 1;
	aws_req_release(&req);
	return rc;
}

void
apigw_integrations_release(struct apigw_integrations *is)
{
	size_t	i;

	for (i = 0; i < is->n; i++) {
		free(is->v[i].id);
		free(is->v[i].type);
		free(is->v[i].uri);
		free(is->v[i].payload_version);
	}
	free(is->v);
	memset(is, 0, sizeof(*is));
}

static void
s_add_integration(json_t *it, void *arg)
{
	struct apigw_integrations	*is = arg;
	struct apigw_integration	*i;

	is->v = cz_xrealloc(is->v, (is->n + 1) * sizeof(*is->v));
	i = &is->v[is->n++];
	i->id = s_dup(it, "integrationId");
	i->type = s_dup(it, "integrationType");
	i->uri = s_dup(it, "integrationUri");
	i->payload_version = s_dup(it, "payloadFormatVersion");
}

int
apigw_get_integrations(struct aws_client *c, const char *api_id,
    struct apigw_integrations *out, struct cz_err *err)
{
	return s_pages(c, "GetIntegrations", api_id, "/integrations",
	    s_add_integration, out, err);
}

int
apigw_create_integration(struct aws_client *c, const char *api_id,
    const char *uri, char **id, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("apigatewayv2",
			    "CreateIntegration", "POST");
	json_t		*in, *out = NULL;
	int		 rc = -1;

	*id = NULL;
	in = json_pack("{s:s,s:s,s:s,s:s}", "integrationType", "AWS_PROXY",
	    "integrationUri", uri, "payloadFormatVersion", "2.0",
	    "integrationMethod", "POST");
	s_api_path(&req, api_id, "/integrations");
	if (aws_rest_json(c, &req, in, &out, err) == -1)
		goto out;
	if ((*id = s_dup(out, "integrationId")) == NULL) {
		cz_errf(err, "apigateway CreateIntegration: answer has no "
		    "integrationId");
		goto out;
	}
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
apigw_update_integration(struct aws_client *c, const char *api_id,
    const char *integration_id, const char *uri, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("apigatewayv2",
			    "UpdateIntegration", "PATCH");
	json_t		*in;
	int		 rc;

	in = json_pack("{s:s,s:s,s:s}", "integrationType", "AWS_PROXY",
	    "integrationUri", uri, "payloadFormatVersion", "2.0");
	s_api_path(&req, api_id, "/integrations");
	aws_req_path_seg(&req, integration_id);
	rc = aws_rest_json(c, &req, in, NULL, err);
	json_decref(in);
	aws_req_release(&req);
	return rc;
}

void
apigw_routes_release(struct apigw_routes *rs)
{
	size_t	i;

	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].id);
		free(rs->v[i].key);
		free(rs->v[i].target);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static void
s_add_route(json_t *it, void *arg)
{
	struct apigw_routes	*rs = arg;
	struct apigw_route	*r;

	rs->v = cz_xrealloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
	r = &rs->v[rs->n++];
	r->id = s_dup(it, "routeId");
	r->key = s_dup(it, "routeKey");
	r->target = s_dup(it, "target");
}

int
apigw_get_routes(struct aws_client *c, const char *api_id,
    struct apigw_routes *out, struct cz_err *err)
{
	return s_pages(c, "GetRoutes", api_id, "/routes", s_add_route, out,
	    err);
}

int
apigw_create_route(struct aws_client *c, const char *api_id,
    const char *key, const char *target, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("apigatewayv2", "CreateRoute",
			    "POST");
	json_t		*in;
	int		 rc;

	in = json_pack("{s:s,s:s}", "routeKey", key, "target", target);
	s_api_path(&req, api_id, "/routes");
	rc = aws_rest_json(c, &req, in, NULL, err);
	json_decref(in);
	aws_req_release(&req);
	return rc;
}

int
apigw_update_route(struct aws_client *c, const char *api_id,
    const char *route_id, const char *target, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("apigatewayv2", "UpdateRoute",
			    "PATCH");
	json_t		*in;
	int		 rc;

	in = json_pack("{s:s}", "target", target);
	s_api_path(&req, api_id, "/routes");
	aws_req_path_seg(&req, route_id);
	rc = aws_rest_json(c, &req, in, NULL, err);
	json_decref(in);
	aws_req_release(&req);
	return rc;
}

static void
s_add_stage(json_t *it, void *arg)
{
	const char	*n = json_string_value(json_object_get(it,
			    "stageName"));

	if (n)
		cz_strv_push(arg, n);
}

int
apigw_get_stages(struct aws_client *c, const char *api_id,
    struct cz_strv *names, struct cz_err *err)
{
	return s_pages(c, "GetStages", api_id, "/stages", s_add_stage, names,
	    err);
}

int
apigw_create_stage(struct aws_client *c, const char *api_id,
    const char *name, const struct cz_strv *tags, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("apigatewayv2", "CreateStage",
			    "POST");
	json_t		*in;
	int		 rc;

	in = json_pack("{s:s,s:b,s:o}", "stageName", name, "autoDeploy", 1,
	    "tags", s_obj(tags));
	s_api_path(&req, api_id, "/stages");
	rc = aws_rest_json(c, &req, in, NULL, err);
	json_decref(in);
	aws_req_release(&req);
	return rc;
}
