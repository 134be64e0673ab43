/*
 * services/lambda_invoke: Lambda's Invoke (the data plane), kept apart from
 * services/lambda.c (the control plane) because invoke and map call it, map
 * many times at once through aws/multi.h.  So the request is built and the
 * answer decoded by two functions that both the blocking call below and the
 * multi engine use.  Nothing here retries or waits.
 */
#ifndef CZ_SERVICES_LAMBDA_INVOKE_H
#define CZ_SERVICES_LAMBDA_INVOKE_H

#include <stddef.h>

#include "aws/client.h"
#include "base/buf.h"
#include "base/err.h"

struct lambda_invoke_in {
	const char	*function;	/* name or ARN */
	const char	*qualifier;	/* "live", a version, or NULL */
	/* "RequestResponse" (NULL), "Event", "DryRun" */
	const char	*type;
	/* ask for the last 4 KB of the log */
	int		 log_tail;
	const void	*payload;	/* not owned; NULL: empty */
	size_t		 len;
};

struct lambda_invoke_out {
	/* 200; 202 Event; 204 DryRun */
	int		 status;
	/* the function's answer, or its error JSON */
	struct cz_buf	 payload;
	char		 function_error[32];	/* "Unhandled" or "" */
	/* decoded log tail or "" */
	struct cz_buf	 log;
	/* "3", "$LATEST" or "" */
	char		 executed_version[32];
	char		 request_id[64];
};

#define LAMBDA_INVOKE_OUT_INIT	\
	{ 0, CZ_BUF_INIT, { 0 }, CZ_BUF_INIT, { 0 }, { 0 } }

void	lambda_invoke_out_release(struct lambda_invoke_out *);

/*
 * Fills *req (made with AWS_REQ_INIT("lambda", "Invoke", "POST")) from in:
 * path, Qualifier, X-Amz-Invocation-Type, X-Amz-Log-Type, Content-Type and
 * the body (borrowed from in->payload).
 */
void	lambda_invoke_req(const struct lambda_invoke_in *,
	    struct aws_req *);
/*
 * Decodes a 2xx answer into *out (initialized).  A function error is not a
 * failure here: out->function_error says so.  0, or -1 and *err when the
 * log result is not base64.
 */
int	lambda_invoke_decode(const struct aws_resp *,
	    struct lambda_invoke_out *, struct cz_err *);
/*
 * Invoke.  Blocks (aws_send retries throttling and 5xx).  0 and *out
 * filled (a function error included); 1 if there is no such function or
 * qualifier; -1 and *err.
 */
int	lambda_invoke(struct aws_client *, const struct lambda_invoke_in *,
	    struct lambda_invoke_out *, struct cz_err *);
/*
 * The error of a failed invocation from its payload
 * ({"errorType","errorMessage"}); type "Unhandled" and the raw payload when
 * it is not that shape.  Writes at most typesz and msgsz bytes.
 */
void	lambda_invoke_error(const struct lambda_invoke_out *, char *type,
	    size_t typesz, char *msg, size_t msgsz);

#endif
