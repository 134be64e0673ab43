/*
 * event: what API Gateway (HTTP API, payload 2.0) and function URLs do to a
 * request and to the function's answer, as pure functions over bytes, so the
 * HTTP front stays a thin libmicrohttpd shell and the rules are unit-tested
 * on their own.  Also the payloads czappa's EventBridge targets send, so a
 * schedule can be fired locally exactly as deployed.  No I/O here.
 */
#ifndef CZ_LOCAL_EVENT_H
#define CZ_LOCAL_EVENT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"

/* Which service the front pretends to be; they differ in small ways. */
enum local_flavour {
	LOCAL_HTTPAPI = 0,	/* API Gateway HTTP API, payload 2.0 */
	LOCAL_FUNCTION_URL	/* Lambda function URL (same schema) */
};

struct local_header {
	const char	*name;		/* as the client sent it */
	const char	*value;
};

/* One HTTP request as it arrived; every pointer is borrowed. */
struct local_http_req {
	enum local_flavour	 flavour;
	const char		*method;	/* "GET" */
	/* request target: path[?query] */
	const char		*uri;
	const char		*protocol;	/* "HTTP/1.1" */
	const char		*source_ip;	/* "127.0.0.1" */
	const struct local_header *headers;	/* in arrival order */
	size_t			 nheaders;
	const void		*body;		/* NULL: the request had none */
	size_t			 bodylen;
	const char		*request_id;	/* requestContext.requestId */
	/* arrival, ms since the epoch */
	long long		 time_ms;
	const char		*api_id;	/* requestContext.apiId */
	const char		*account_id;	/* 12 digits */
	/* for the default domain name */
	const char		*region;
};

/*
 * Appends the payload 2.0 event for req to *out (compact JSON).  HTTP API
 * percent-decodes rawPath, function URLs keep it as sent; both lower-case
 * header names and join repeats with ",", move Cookie headers into
 * `cookies`, and base64 the body unless its content type is text-like and
 * it is valid UTF-8.  0, or -1 and *err.
 */
int	local_v2_event(const struct local_http_req *req, struct cz_buf *out,
	    struct cz_err *err);

/* 1 if a body of this Content-Type (NULL: none) is passed as text. */
int	local_text_type(const char *content_type);

/* The HTTP answer the client gets; owns everything. */
struct local_http_resp {
	int		 status;
	struct cz_strv	 names;		/* header names, in order */
	/* Set-Cookie repeats, once per cookie */
	struct cz_strv	 values;
	struct cz_buf	 body;
};

void	local_http_resp_init(struct local_http_resp *);
void	local_http_resp_release(struct local_http_resp *);

/*
 * Turns the function's answer (the bytes it POSTed to /response) into the
 * HTTP response, with payload 2.0 rules: statusCode, headers, cookies (one
 * Set-Cookie each), body (base64-decoded if isBase64Encoded).  Any JSON
 * without statusCode is inferred as 200 application/json with the answer as
 * body; for a bare JSON string HTTP API sends the string's text and
 * function URLs the JSON itself (the two AWS pages disagree; see
 * docs/local.md).  0 and *resp filled; -1 and *err when the answer is
 * malformed (API Gateway's 500 case).
 */
int	local_v2_response(enum local_flavour, const void *payload, size_t len,
	    struct local_http_resp *resp, struct cz_err *err);

/*
 * The Input czappa deploys on a schedule's EventBridge target, which is
 * what the function receives: {"czappa":"schedule","name":NAME,"input":X}
 * (no "input" when input_json is NULL).  -1 and *err if input_json is not
 * JSON.
 */
int	local_schedule_input(const char *name, const char *input_json,
	    struct cz_buf *out, struct cz_err *err);
/* The keep-warm target's Input: {"czappa":"keep-warm"}. */
void	local_keep_warm_input(struct cz_buf *out);
/*
 * An EventBridge "Scheduled Event" envelope (what a rule without Input
 * sends), for rule `rule` in region/account at time_ms; id is the event id.
 */
void	local_scheduled_event(const char *region, const char *account_id,
	    const char *rule, const char *id, long long time_ms,
	    struct cz_buf *out);

/* Fills out[37] with a random version-4 UUID (Lambda request ids). */
void	local_uuid(char out[37]);

#endif
