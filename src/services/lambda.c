/* services/lambda: see lambda.h.  rest-json on /2015-03-31/functions. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "services/lambda.h"

#define FN_PATH	"/2015-03-31/functions"

static char *
s_dup(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s ? cz_xstrdup(s) : NULL;
}

/* 1 when err says "not found": the caller returns 1 and clears it. */
static int
s_absent(struct cz_err *err, const char *code)
{
	if (strcmp(err->code, code) == 0 || (err->status == 404 &&
	    strcmp(code, "ResourceNotFoundException") == 0)) {
		cz_err_clear(err);
		return 1;
	}
	return 0;
}

static int
s_cmp(const void *a, const void *b)
{
	const char	*const *x = a, *const *y = b;

	return strcmp(x[0], y[0]);
}

/* A JSON object of strings -> flat sorted key, value list. */
static void
s_kvs(json_t *o, struct cz_strv *out)
{
	const char	*k;
	json_t		*v;
	struct pair {
		const char	*k, *v;
	}		*p;
	size_t		 n = 0, i;

	if (!json_is_object(o))
		return;
	p = cz_xcalloc(json_object_size(o) + 1, sizeof(*p));
	json_object_foreach(o, k, v) {
		p[n].k = k;
		p[n].v = json_is_string(v) ? json_string_value(v) : "";
		n++;
	}
	qsort(p, n, sizeof(*p), s_cmp);
	for (i = 0; i < n; i++) {
		cz_strv_push(out, p[i].k);
		cz_strv_push(out, p[i].v);
	}
	free(p);
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

void
lambda_fn_release(struct lambda_fn *fn)
{
	free(fn->name);
	free(fn->arn);
	free(fn->version);
	free(fn->state);
	free(fn->state_reason);
	free(fn->last_update_status);
	free(fn->last_update_reason);
	free(fn->code_sha256);
	free(fn->role);
	free(fn->runtime);
	free(fn->handler);
	free(fn->description);
	free(fn->architecture);
	free(fn->last_modified);
	free(fn->revision_id);
	cz_strv_release(&fn->environment);
	cz_strv_release(&fn->tags);
	memset(fn, 0, sizeof(*fn));
}

static void
s_decode_fn(json_t *c, json_t *tags, struct lambda_fn *fn)
{
	json_t	*a;

	memset(fn, 0, sizeof(*fn));
	fn->name = s_dup(c, "FunctionName");
	fn->arn = s_dup(c, "FunctionArn");
	fn->version = s_dup(c, "Version");
	fn->state = s_dup(c, "State");
	fn->state_reason = s_dup(c, "StateReason");
	fn->last_update_status = s_dup(c, "LastUpdateStatus");
	fn->last_update_reason = s_dup(c, "LastUpdateStatusReason");
	fn->code_sha256 = s_dup(c, "CodeSha256");
	fn->code_size = json_integer_value(json_object_get(c, "CodeSize"));
	fn->role = s_dup(c, "Role");
	fn->runtime = s_dup(c, "Runtime");
	fn->handler = s_dup(c, "Handler");
	fn->description = s_dup(c, "Description");
	a = json_object_get(c, "Architectures");
	fn->architecture = cz_xstrdup(json_is_array(a) &&
	    json_array_size(a) > 0 && json_string_value(json_array_get(a, 0)) ?
	    json_string_value(json_array_get(a, 0)) : "x86_64");
	fn->memory = (int)json_integer_value(json_object_get(c, "MemorySize"));
	fn->timeout = (int)json_integer_value(json_object_get(c, "Timeout"));
	fn->last_modified = s_dup(c, "LastModified");
	fn->revision_id = s_dup(c, "RevisionId");
	s_kvs(json_object_get(json_object_get(c, "Environment"), "Variables"),
	    &fn->environment);
	s_kvs(tags, &fn->tags);
}

static void
s_fn_path(struct aws_req *req, const char *name, const char *sub)
{
	aws_req_path_raw(req, FN_PATH);
	aws_req_path_seg(req, name);
	if (sub)
		aws_req_path_raw(req, sub);
}

static int
s_get(struct aws_client *c, const char *op, const char *name,
    const char *qualifier, struct lambda_fn *fn, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", op, "GET");
	json_t		*out = NULL;
	int		 config;
	int		 rc = -1;

	config = strcmp(op, "GetFunctionConfiguration") == 0;
	memset(fn, 0, sizeof(*fn));
	s_fn_path(&req, name, config ? "/configuration" : NULL);
	if (qualifier)
		aws_req_query(&req, "Qualifier", qualifier);
	if (aws_rest_json(c, &req, NULL, &out, err) == -1) {
		if (s_absent(err, "ResourceNotFoundException"))
			rc = 1;
		goto out;
	}
	if (config)
		s_decode_fn(out, NULL, fn);
	else
		s_decode_fn(json_object_get(out, "Configuration"),
		    json_object_get(out, "Tags"), fn);
	rc = 0;
out:
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
lambda_get_function(struct aws_client *c, const char *name,
    const char *qualifier, struct lambda_fn *fn, struct cz_err *err)
{
	return s_get(c, "GetFunction", name, qualifier, fn, err);
}

int
lambda_get_function_configuration(struct aws_client *c, const char *name,
    const char *qualifier, struct lambda_fn *fn, struct cz_err *err)
{
	return s_get(c, "GetFunctionConfiguration", name, qualifier, fn, err);
}

static json_t *
s_spec_json(const struct lambda_fn_spec *s, int create)
{
	json_t	*in = json_object();

	if (create) {
		json_object_set_new(in, "FunctionName", json_string(s->name));
		json_object_set_new(in, "Code", json_pack("{s:s,s:s}",
		    "S3Bucket", s->s3_bucket, "S3Key", s->s3_key));
		json_object_set_new(in, "Architectures",
		    json_pack("[s]", s->architecture));
		json_object_set_new(in, "Publish", json_false());
		if (s->tags && s->tags->n)
			json_object_set_new(in, "Tags", s_obj(s->tags));
	}
	json_object_set_new(in, "Role", json_string(s->role));
	json_object_set_new(in, "Runtime", json_string(s->runtime));
	json_object_set_new(in, "Handler", json_string(s->handler));
	json_object_set_new(in, "Description",
	    json_string(s->description ? s->description : ""));
	json_object_set_new(in, "MemorySize", json_integer(s->memory));
	json_object_set_new(in, "Timeout", json_integer(s->timeout));
	json_object_set_new(in, "Environment", json_pack("{s:o}",
	    "Variables", s_obj(s->environment)));
	return in;
}

int
lambda_create_function(struct aws_client *c, const struct lambda_fn_spec *s,
    struct lambda_fn *fn, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "CreateFunction",
			    "POST");
	json_t		*in = s_spec_json(s, 1), *out = NULL;
	int		 rc = -1;

	aws_req_path_raw(&req, FN_PATH);
	if (aws_rest_json(c, &req, in, &out, err) == -1)
		goto out;
	if (fn)
		s_decode_fn(out, NULL, fn);
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
lambda_update_function_code(struct aws_client *c, const char *name,
    const char *bucket, const char *key, const char *architecture,
    struct lambda_fn *fn, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda",
			    "UpdateFunctionCode", "PUT");
	json_t		*in, *out = NULL;
	int		 rc = -1;

	in = json_pack("{s:s,s:s,s:b}", "S3Bucket", bucket, "S3Key", key,
	    "Publish", 0);
	if (architecture)
		json_object_set_new(in, "Architectures",
		    json_pack("[s]", architecture));
	s_fn_path(&req, name, "/code");
	if (aws_rest_json(c, &req, in, &out, err) == -1)
		goto out;
	if (fn)
		s_decode_fn(out, NULL, fn);
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
lambda_update_function_configuration(struct aws_client *c,
    const struct lambda_fn_spec *s, struct lambda_fn *fn, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda",
			    "UpdateFunctionConfiguration", "PUT");
	json_t		*in = s_spec_json(s, 0), *out = NULL;
	int		 rc = -1;

	s_fn_path(&req, s->name, "/configuration");
	if (aws_rest_json(c, &req, in, &out, err) == -1)
		goto out;
	if (fn)
		s_decode_fn(out, NULL, fn);
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
lambda_tag_resource(struct aws_client *c, const char *arn,
    const struct cz_strv *tags, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "TagResource",
			    "POST");
	json_t		*in = json_pack("{s:o}", "Tags", s_obj(tags));
	int		 rc;

	aws_req_path_raw(&req, "/2017-03-31/tags");
	aws_req_path_seg(&req, arn);
	rc = aws_rest_json(c, &req, in, NULL, err);
	json_decref(in);
	aws_req_release(&req);
	return rc;
}

/* A call without answer body whose "not found" means 1. */
static int
s_simple(struct aws_client *c, struct aws_req *req, json_t *in,
    const char *absent, struct cz_err *err)
{
	int	rc = aws_rest_json(c, req, in, NULL, err);

	if (rc == -1 && absent && s_absent(err, absent))
		rc = 1;
	json_decref(in);
	aws_req_release(req);
	return rc;
}

int
lambda_delete_function(struct aws_client *c, const char *name,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "DeleteFunction",
			    "DELETE");

	s_fn_path(&req, name, NULL);
	return s_simple(c, &req, NULL, "ResourceNotFoundException", err);
}

int
lambda_publish_version(struct aws_client *c, const char *name,
    const char *code_sha256, const char *description, char **version,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "PublishVersion",
			    "POST");
	json_t		*in = json_object(), *out = NULL;
	int		 rc = -1;

	*version = NULL;
	if (code_sha256)
		json_object_set_new(in, "CodeSha256", json_string(code_sha256));
	if (description)
		json_object_set_new(in, "Description",
		    json_string(description));
	s_fn_path(&req, name, "/versions");
	if (aws_rest_json(c, &req, in, &out, err) == -1)
		goto out;
	if ((*version = s_dup(out, "Version")) == NULL) {
		cz_errf(err, "lambda PublishVersion: answer has no Version");
		goto out;
	}
	rc = 0;
out:
	json_decref(in);
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

void
lambda_versions_release(struct lambda_versions *vs)
{
	size_t	i;

	for (i = 0; i < vs->n; i++) {
		free(vs->v[i].version);
		free(vs->v[i].code_sha256);
		free(vs->v[i].description);
		free(vs->v[i].last_modified);
	}
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

static int
s_vcmp(const void *a, const void *b)
{
	const struct lambda_version	*x = a, *y = b;
	long				 p = strtol(x->version, NULL, 10);
	long				 q = strtol(y->version, NULL, 10);

	return p < q ? -1 : p > q;
}

int
lambda_list_versions_by_function(struct aws_client *c, const char *name,
    struct lambda_versions *vs, struct cz_err *err)
{
	json_t		*out = NULL, *v;
	char		*marker = NULL;
	size_t		 i, page;
	int		 rc = -1;

	memset(vs, 0, sizeof(*vs));
	for (page = 0; page < 1000; page++) {
		struct aws_req	req = AWS_REQ_INIT("lambda",
				    "ListVersionsByFunction", "GET");
		json_t		*arr;
		int		 r;

		s_fn_path(&req, name, "/versions");
		aws_req_query(&req, "MaxItems", "50");
		if (marker)
			aws_req_query(&req, "Marker", marker);
		r = aws_rest_json(c, &req, NULL, &out, err);
		aws_req_release(&req);
		if (r == -1) {
			if (s_absent(err, "ResourceNotFoundException"))
				rc = 1;
			goto out;
		}
		arr = json_object_get(out, "Versions");
		json_array_foreach(arr, i, v) {
			const char	*ver = json_string_value(
			    json_object_get(v, "Version"));
			struct lambda_version *lv;

			if (ver == NULL || strcmp(ver, "$LATEST") == 0)
				continue;
			vs->v = cz_xrealloc(vs->v, (vs->n + 1) *
			    sizeof(*vs->v));
			lv = &vs->v[vs->n++];
			memset(lv, 0, sizeof(*lv));
			lv->version = cz_xstrdup(ver);
			lv->code_sha256 = s_dup(v, "CodeSha256");
			lv->code_size = json_integer_value(json_object_get(v,
			    "CodeSize"));
			lv->description = s_dup(v, "Description");
			lv->last_modified = s_dup(v, "LastModified");
			lv->memory = (int)json_integer_value(
			    json_object_get(v, "MemorySize"));
			lv->timeout = (int)json_integer_value(
			    json_object_get(v, "Timeout"));
		}
		free(marker);
		marker = s_dup(out, "NextMarker");
		json_decref(out);
		out = NULL;
		if (marker == NULL || *marker == '\0')
			break;
	}
	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof(*vs->v), s_vcmp);
	rc = 0;
out:
	if (rc != 0)
		lambda_versions_release(vs);
	free(marker);
	json_decref(out);
	return rc;
}

int
lambda_get_alias(struct aws_client *c, const char *name, const char *alias,
    char **version, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "GetAlias", "GET");
	json_t		*out = NULL;
	int		 rc = -1;

	*version = NULL;
	s_fn_path(&req, name, "/aliases");
	aws_req_path_seg(&req, alias);
	if (aws_rest_json(c, &req, NULL, &out, err) == -1) {
		if (s_absent(err, "ResourceNotFoundException"))
			rc = 1;
		goto out;
	}
	if ((*version = s_dup(out, "FunctionVersion")) == NULL) {
		cz_errf(err, "lambda GetAlias: answer has no FunctionVersion");
		goto out;
	}
	rc = 0;
out:
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
lambda_create_alias(struct aws_client *c, const char *name,
    const char *alias, const char *version, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "CreateAlias",
			    "POST");

	s_fn_path(&req, name, "/aliases");
	return s_simple(c, &req, json_pack("{s:s,s:s}", "Name", alias,
	    "FunctionVersion", version), "ConflictException", err);
}

int
lambda_update_alias(struct aws_client *c, const char *name,
    const char *alias, const char *version, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "UpdateAlias",
			    "PUT");

	s_fn_path(&req, name, "/aliases");
	aws_req_path_seg(&req, alias);
	return s_simple(c, &req, json_pack("{s:s}", "FunctionVersion",
	    version), NULL, err);
}

int
lambda_delete_alias(struct aws_client *c, const char *name,
    const char *alias, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "DeleteAlias",
			    "DELETE");

	s_fn_path(&req, name, "/aliases");
	aws_req_path_seg(&req, alias);
	return s_simple(c, &req, NULL, "ResourceNotFoundException", err);
}

int
lambda_add_permission(struct aws_client *c, const char *name,
    const char *qualifier, const struct lambda_permission *p,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "AddPermission",
			    "POST");
	json_t		*in;

	in = json_pack("{s:s,s:s,s:s}", "StatementId", p->sid, "Action",
	    p->action, "Principal", p->principal);
	if (p->source_arn)
		json_object_set_new(in, "SourceArn",
		    json_string(p->source_arn));
	if (p->url_auth_type)
		json_object_set_new(in, "FunctionUrlAuthType",
		    json_string(p->url_auth_type));
	s_fn_path(&req, name, "/policy");
	if (qualifier)
		aws_req_query(&req, "Qualifier", qualifier);
	return s_simple(c, &req, in, "ResourceConflictException", err);
}

int
lambda_get_policy(struct aws_client *c, const char *name,
    const char *qualifier, struct cz_strv *sids, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "GetPolicy", "GET");
	json_t		*out = NULL, *pol = NULL, *st;
	const char	*text;
	size_t		 i;
	int		 rc = -1;

	s_fn_path(&req, name, "/policy");
	if (qualifier)
		aws_req_query(&req, "Qualifier", qualifier);
	if (aws_rest_json(c, &req, NULL, &out, err) == -1) {
		if (s_absent(err, "ResourceNotFoundException"))
			rc = 1;
		goto out;
	}
	/* The policy is a JSON document inside a JSON string. */
	if ((text = json_string_value(json_object_get(out, "Policy"))) != NULL)
		pol = json_loads(text, 0, NULL);
	json_array_foreach(json_object_get(pol, "Statement"), i, st) {
		if (json_string_value(json_object_get(st, "Sid")))
			cz_strv_push(sids, json_string_value(
			    json_object_get(st, "Sid")));
	}
	rc = 0;
out:
	json_decref(pol);
	json_decref(out);
	aws_req_release(&req);
	return rc;
}

int
lambda_remove_permission(struct aws_client *c, const char *name,
    const char *qualifier, const char *sid, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", "RemovePermission",
			    "DELETE");

	s_fn_path(&req, name, "/policy");
	aws_req_path_seg(&req, sid);
	if (qualifier)
		aws_req_query(&req, "Qualifier", qualifier);
	return s_simple(c, &req, NULL, "ResourceNotFoundException", err);
}

static int
s_url(struct aws_client *c, const char *op, const char *method,
    const char *name, const char *qualifier, char **url, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("lambda", op, method);
	json_t		*in = NULL, *out = NULL;
	int		 rc = -1;

	if (url)
		*url = NULL;
	aws_req_path_raw(&req, "/2021-10-31/functions");
	aws_req_path_seg(&req, name);
	aws_req_path_raw(&req, "/url");
	if (qualifier)
		aws_req_query(&req, "Qualifier", qualifier);
	if (strcmp(method, "POST") == 0)
		in = json_pack("{s:s}", "AuthType", "NONE");
	if (aws_rest_json(c, &req, in, &out, err) == -1) {
		if (s_absent(err, strcmp(method, "POST") == 0 ?
		    "ResourceConflictException" : "ResourceNotFoundException"))
			rc = 1;
		goto out;
	}
	if (url && (*url = s_dup(out, "FunctionUrl")) == NULL) {
		cz_errf(err, "lambda %s: answer has no FunctionUrl", op);
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
lambda_create_function_url_config(struct aws_client *c, const char *name,
    const char *qualifier, char **url, struct cz_err *err)
{
	return s_url(c, "CreateFunctionUrlConfig", "POST", name, qualifier,
	    url, err);
}

int
lambda_get_function_url_config(struct aws_client *c, const char *name,
    const char *qualifier, char **url, struct cz_err *err)
{
	return s_url(c, "GetFunctionUrlConfig", "GET", name, qualifier, url,
	    err);
}

int
lambda_delete_function_url_config(struct aws_client *c, const char *name,
    const char *qualifier, struct cz_err *err)
{
	return s_url(c, "DeleteFunctionUrlConfig", "DELETE", name, qualifier,
	    NULL, err);
}
