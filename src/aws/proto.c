/* aws/proto: see proto.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xmalloc.h"
#include "base/url.h"

static int
s_parse_json(const struct aws_req *req, const struct aws_resp *resp,
    json_t **out, struct cz_err *err)
{
	json_error_t	je;

	if (out == NULL)
		return 0;
	if (resp->body.len == 0) {
		*out = json_object();
		return 0;
	}
	if ((*out = json_loadb(resp->body.s, resp->body.len, 0, &je)) ==
	    NULL) {
		cz_errf(err, "answer is not JSON: %s", je.text);
		snprintf(err->service, sizeof(err->service), "%s",
		    req->service);
		snprintf(err->op, sizeof(err->op), "%s", req->op);
		err->status = resp->status;
		return -1;
	}
	return 0;
}

int
aws_rest_json(struct aws_client *c, struct aws_req *req, json_t *in,
    json_t **out, struct cz_err *err)
{
	struct aws_resp	 resp = AWS_RESP_INIT;
	char		*body = NULL;
	int		 rc = -1;

	if (out)
		*out = NULL;
	if (in) {
		body = json_dumps(in, JSON_COMPACT);
		req->body = body;
		req->bodylen = body ? strlen(body) : 0;
		aws_req_header(req, "Content-Type", "application/json");
	}
	if (aws_send(c, req, &resp, err) == -1)
		goto out;
	rc = s_parse_json(req, &resp, out, err);
out:
	req->body = NULL;
	req->bodylen = 0;
	free(body);
	aws_resp_release(&resp);
	return rc;
}

int
aws_json11(struct aws_client *c, const char *service, const char *prefix,
    const char *op, json_t *in, json_t **out, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT(service, op, "POST");
	struct aws_resp	 resp = AWS_RESP_INIT;
	struct cz_buf	 target = CZ_BUF_INIT;
	char		*body = NULL;
	int		 rc = -1;

	if (out)
		*out = NULL;
	body = in ? json_dumps(in, JSON_COMPACT) : cz_xstrdup("{}");
	cz_buf_addf(&target, "%s.%s", prefix, op);
	aws_req_path_raw(&req, "/");
	aws_req_header(&req, "Content-Type", "application/x-amz-json-1.1");
	aws_req_header(&req, "X-Amz-Target", target.s);
	req.body = body;
	req.bodylen = body ? strlen(body) : 0;
	if (aws_send(c, &req, &resp, err) == -1)
		goto out;
	rc = s_parse_json(&req, &resp, out, err);
out:
	free(body);
	cz_buf_release(&target);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
aws_json11_pages(struct aws_client *c, const char *service,
    const char *prefix, const char *op, json_t *in, const char *token_field,
    void (*each)(json_t *page, void *arg), void *arg, struct cz_err *err)
{
	json_t		*out = NULL;
	const char	*tok;
	int		 page;

	for (page = 0; page < 1000; page++) {
		if (aws_json11(c, service, prefix, op, in, &out, err) == -1)
			return -1;
		each(out, arg);
		tok = json_string_value(json_object_get(out, token_field));
		if (tok == NULL || *tok == '\0') {
			json_decref(out);
			break;
		}
		json_object_set_new(in, token_field, json_string(tok));
		json_decref(out);
	}
	return 0;
}

int
aws_query(struct aws_client *c, const char *service, const char *op,
    const char *version, const struct cz_strv *params, struct aws_xml **out,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT(service, op, "POST");
	struct aws_resp	 resp = AWS_RESP_INIT;
	struct cz_buf	 body = CZ_BUF_INIT;
	size_t		 i;
	int		 rc = -1;

	if (out)
		*out = NULL;
	cz_buf_addf(&body, "Action=%s&Version=%s", op, version);
	for (i = 0; params && i < params->n; i++) {
		const char	*eq = strchr(params->v[i], '=');

		cz_buf_addch(&body, '&');
		if (eq == NULL) {
			cz_url_encode(&body, params->v[i],
			    strlen(params->v[i]), 0);
			cz_buf_addch(&body, '=');
			continue;
		}
		cz_url_encode(&body, params->v[i],
		    (size_t)(eq - params->v[i]), 0);
		cz_buf_addch(&body, '=');
		cz_url_encode(&body, eq + 1, strlen(eq + 1), 0);
	}
	aws_req_path_raw(&req, "/");
	aws_req_header(&req, "Content-Type",
	    "application/x-www-form-urlencoded; charset=utf-8");
	req.body = body.s;
	req.bodylen = body.len;
	if (aws_send(c, &req, &resp, err) == -1)
		goto out;
	if (out && aws_xml_parse(resp.body.s, resp.body.len, out, err) == -1) {
		snprintf(err->service, sizeof(err->service), "%s", service);
		snprintf(err->op, sizeof(err->op), "%s", op);
		goto out;
	}
	rc = 0;
out:
	cz_buf_release(&body);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}
