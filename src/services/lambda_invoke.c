/*
 * services/lambda_invoke: see lambda_invoke.h.  The answer's payload is the
 * function's bytes, not an API document, so it is kept as is.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/b64.h"
#include "services/lambda_invoke.h"

void
lambda_invoke_out_release(struct lambda_invoke_out *o)
{
	cz_buf_release(&o->payload);
	cz_buf_release(&o->log);
	o->status = 0;
	o->function_error[0] = '\0';
	o->executed_version[0] = '\0';
	o->request_id[0] = '\0';
}

void
lambda_invoke_req(const struct lambda_invoke_in *in, struct aws_req *req)
{
	aws_req_path_raw(req, "/2015-03-31/functions");
	aws_req_path_seg(req, in->function);
	aws_req_path_raw(req, "/invocations");
	if (in->qualifier && *in->qualifier)
		aws_req_query(req, "Qualifier", in->qualifier);
	aws_req_header(req, "X-Amz-Invocation-Type",
	    in->type ? in->type : "RequestResponse");
	if (in->log_tail)
		aws_req_header(req, "X-Amz-Log-Type", "Tail");
	/* Not form-encoded: a web framework in front would eat the body. */
	aws_req_header(req, "Content-Type", "application/json");
	req->body = in->payload;
	req->bodylen = in->payload ? in->len : 0;
}

static void
s_hdr(const struct aws_resp *resp, const char *name, char *dst, size_t sz)
{
	const char	*v = aws_resp_header(resp, name);

	snprintf(dst, sz, "%s", v ? v : "");
}

int
lambda_invoke_decode(const struct aws_resp *resp,
    struct lambda_invoke_out *out, struct cz_err *err)
{
	const char	*log;

	lambda_invoke_out_release(out);
	out->status = resp->status;
	cz_buf_add(&out->payload, resp->body.s, resp->body.len);
	s_hdr(resp, "x-amz-function-error", out->function_error,
	    sizeof(out->function_error));
	s_hdr(resp, "x-amz-executed-version", out->executed_version,
	    sizeof(out->executed_version));
	s_hdr(resp, "x-amzn-requestid", out->request_id,
	    sizeof(out->request_id));
	if ((log = aws_resp_header(resp, "x-amz-log-result")) != NULL &&
	    cz_b64_decode(&out->log, log, strlen(log)) == -1)
		return cz_errf(err, "lambda Invoke: X-Amz-Log-Result is not "
		    "base64");
	return 0;
}

int
lambda_invoke(struct aws_client *c, const struct lambda_invoke_in *in,
    struct lambda_invoke_out *out, struct cz_err *err)
{
	struct aws_req	req = AWS_REQ_INIT("lambda", "Invoke", "POST");
	struct aws_resp	resp = AWS_RESP_INIT;
	int		rc = -1;

	lambda_invoke_req(in, &req);
	if (aws_send(c, &req, &resp, err) == -1) {
		if (resp.status == 404 &&
		    strcmp(err->code, "ResourceNotFoundException") == 0)
			rc = 1;
		goto out;
	}
	if (lambda_invoke_decode(&resp, out, err) == -1)
		goto out;
	rc = 0;
out:
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

void
lambda_invoke_error(const struct lambda_invoke_out *o, char *type,
    size_t typesz, char *msg, size_t msgsz)
{
	json_t		*j;
	const char	*t = NULL, *m = NULL;

	j = json_loadb(o->payload.s, o->payload.len, 0, NULL);
	if (json_is_object(j)) {
		t = json_string_value(json_object_get(j, "errorType"));
		m = json_string_value(json_object_get(j, "errorMessage"));
	}
	snprintf(type, typesz, "%s", t ? t : o->function_error[0] ?
	    o->function_error : "Unhandled");
	if (m)
		snprintf(msg, msgsz, "%s", m);
	else
		snprintf(msg, msgsz, "%.*s", (int)(o->payload.len > 400 ? 400 :
		    o->payload.len), o->payload.s);
	json_decref(j);
}
