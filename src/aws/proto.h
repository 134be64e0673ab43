/*
 * aws/proto: the request/answer shapes of the AWS protocols czappa meets,
 * on top of aws_send.  Service modules build their input and read their
 * output through these, so JSON and XML framing lives in one place.
 *
 *   rest-json  lambda, apigatewayv2: method + path, JSON body
 *   json 1.1   events, logs, tagging: POST /, X-Amz-Target, JSON body
 *   query      iam, sts: POST form "Action=..&Version=..", XML answer
 *   rest-xml   s3: callers use aws_send directly with aws/xml.h
 *
 * All block and retry as aws_send does.
 */
#ifndef CZ_AWS_PROTO_H
#define CZ_AWS_PROTO_H

#include <jansson.h>

#include "aws/client.h"
#include "aws/xml.h"

/*
 * rest-json: sends `in` (borrowed; NULL: no body) as application/json on
 * req (service, op, method, path, query already set).  0 and *out (new
 * reference; an empty answer gives an empty object; out may be NULL), or -1
 * and *err.
 */
int	aws_rest_json(struct aws_client *, struct aws_req *, json_t *in,
	    json_t **out, struct cz_err *);

/*
 * json 1.1: target is "<prefix>.<op>" e.g. prefix "AWSEvents",
 * "Logs_20140328", "ResourceGroupsTaggingAPI_20170126".
 */
int	aws_json11(struct aws_client *, const char *service,
	    const char *prefix, const char *op, json_t *in, json_t **out,
	    struct cz_err *);

/*
 * json 1.1 paging: sends `in` (borrowed; token_field is set in it from the
 * previous answer before each further page), calls each(page, arg) with
 * every answer, and stops when the answer has no token_field or an empty
 * one, or after 1000 pages.  0, or -1 and *err from the failing page.
 */
int	aws_json11_pages(struct aws_client *, const char *service,
	    const char *prefix, const char *op, json_t *in,
	    const char *token_field, void (*each)(json_t *page, void *arg),
	    void *arg, struct cz_err *);

/*
 * query: params are "Key=Value" (unencoded; member lists as
 * "Tags.member.1.Key=..").  0 and *out (the parsed answer; free with
 * aws_xml_free; out may be NULL), or -1 and *err.
 */
int	aws_query(struct aws_client *, const char *service, const char *op,
	    const char *version, const struct cz_strv *params,
	    struct aws_xml **out, struct cz_err *);

#endif
