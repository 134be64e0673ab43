/*
 * aws/client: the one error type filled from every protocol czappa meets,
 * as the services really answer (bodies captured from moto and the AWS
 * docs), and which answers are retried.
 */
#include <string.h>

#include "aws/client.h"
#include "t.h"

static const struct {
	const char	*name, *service, *op;
	int		 status;
	const char	*hdrs[3];	/* "name: value" */
	const char	*body;
	const char	*code, *msg, *rid;
	int		 retry;
} cases[] = {
	{ "rest-json with X-Amzn-ErrorType", "lambda", "CreateFunction", 409,
	  { "x-amzn-errortype: ResourceConflictException:http://internal",
	    "x-amzn-requestid: 11-22", NULL },
	  "{\"Type\":\"User\",\"message\":\"Function already exist: a-dev\"}",
	  "ResourceConflictException", "Function already exist: a-dev",
	  "11-22", 0 },
	{ "json 1.1 __type with prefix", "events", "PutRule", 400,
	  { NULL },
	  "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\","
	  "\"message\":\"Rate exceeded\"}",
	  "ThrottlingException", "Rate exceeded", "", 1 },
	{ "json Message capitalised", "logs", "CreateLogGroup", 400,
	  { NULL },
	  "{\"__type\":\"ResourceAlreadyExistsException\",\"Message\":\"The "
	  "specified log group already exists\"}",
	  "ResourceAlreadyExistsException",
	  "The specified log group already exists", "", 0 },
	{ "query XML ErrorResponse", "iam", "GetRole", 404,
	  { NULL },
	  "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
	  "<Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The "
	  "role with name x cannot be found.</Message></Error><RequestId>"
	  "abc-1</RequestId></ErrorResponse>",
	  "NoSuchEntity", "The role with name x cannot be found.", "abc-1", 0 },
	{ "sts throttling", "sts", "GetCallerIdentity", 400,
	  { NULL },
	  "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate "
	  "exceeded</Message></Error></ErrorResponse>",
	  "Throttling", "Rate exceeded", "", 1 },
	{ "s3 XML error", "s3", "PutObject", 503,
	  { "x-amz-request-id: R1", NULL },
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown"
	  "</Code><Message>Please reduce your request rate.</Message>"
	  "<RequestId>R2</RequestId></Error>",
	  "SlowDown", "Please reduce your request rate.", "R2", 1 },
	{ "s3 HEAD 404 has no body", "s3", "HeadObject", 404,
	  { NULL }, "", "NotFound", "HTTP 404", "", 0 },
	{ "html 500 from a proxy", "lambda", "GetFunction", 500,
	  { NULL },
	  "<!doctype html>\n<html><title>500 Internal Server Error</title>"
	  "\x01\x02",
	  "", "HTTP 500: <!doctype html> <html><title>500 Internal Server "
	  "Error</title>??", "", 1 },
	{ "lambda 429", "lambda", "Invoke", 429,
	  { "x-amzn-errortype: TooManyRequestsException", NULL },
	  "{\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\","
	  "\"message\":\"Rate Exceeded.\"}",
	  "TooManyRequestsException", "Rate Exceeded.", "", 1 },
	{ "message with a newline stays one line", "apigatewayv2",
	  "CreateApi", 400, { NULL },
	  "{\"message\":\"bad\\nthing\"}", "", "bad thing", "", 0 },
};

int
main(void)
{
	struct aws_resp	resp = AWS_RESP_INIT;
	struct cz_err	err;
	char		line[1024];
	size_t		i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		aws_resp_release(&resp);
		resp.status = cases[i].status;
		for (j = 0; cases[i].hdrs[j]; j++)
			cz_strv_push(&resp.headers, cases[i].hdrs[j]);
		cz_buf_adds(&resp.body, cases[i].body);
		T_OK(aws_error_from_resp(cases[i].service, cases[i].op, &resp,
		    &err) == -1, "%s: returns -1", cases[i].name);
		T_STREQ(err.code, cases[i].code, "%s: code", cases[i].name);
		T_STREQ(err.msg, cases[i].msg, "%s: message", cases[i].name);
		T_STREQ(err.request_id, cases[i].rid, "%s: request id",
		    cases[i].name);
		T_STREQ(err.service, cases[i].service, "%s: service",
		    cases[i].name);
		T_OK(err.status == cases[i].status, "%s: status",
		    cases[i].name);
		T_OK(aws_retryable(err.status, err.code) == cases[i].retry,
		    "%s: retryable is %d", cases[i].name, cases[i].retry);
	}
	aws_resp_release(&resp);
	resp.status = 409;
	aws_resp_release(&resp);
	cz_strv_push(&resp.headers, "x-amzn-errortype: ConflictException");
	cz_buf_adds(&resp.body, "{\"message\":\"Alias already exists\"}");
	resp.status = 409;
	aws_error_from_resp("lambda", "CreateAlias", &resp, &err);
	T_STREQ(cz_err_line(&err, line, sizeof(line)), "lambda CreateAlias: "
	    "ConflictException: Alias already exists", "the one-line form");
	T_STREQ(aws_resp_header(&resp, "X-AMZN-ERRORTYPE"),
	    "ConflictException", "headers are found in any case");
	aws_resp_release(&resp);
	return t_done();
}
