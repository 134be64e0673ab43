/*
 * czappa.h: the one public header of czappa's Lambda runtime.  A handler
 * includes it, registers routes, schedules and functions on a cz_app, and
 * calls cz_run(), which loops on the Lambda Runtime API until a fatal error.
 *
 * Every string a request accessor returns is owned by the request and valid
 * until the handler returns; NULL means "absent".  Response helpers copy
 * their arguments (except cz_json/cz_result with a json_t, which take the
 * reference).  See docs/handler-api.md for the event rules.
 */
#ifndef CZAPPA_H
#define CZAPPA_H

#include <stddef.h>

#include <jansson.h>

typedef struct cz_app		cz_app;
typedef struct cz_request	cz_request;
typedef struct cz_response	cz_response;

/* Every handler has this shape: read req, fill res. */
typedef void (*cz_handler)(const cz_request *req, cz_response *res);

/* Where an event came from; the answer takes the same shape. */
enum cz_source {
	CZ_SRC_HTTP_V2 = 1,	/* API Gateway HTTP API, payload 2.0 */
	CZ_SRC_FUNCTION_URL,	/* Lambda function URL (2.0 shape) */
	CZ_SRC_REST_V1,		/* REST API proxy, HTTP API payload 1.0 */
	CZ_SRC_ALB,		/* ALB, single-value headers */
	CZ_SRC_ALB_MULTI,	/* ALB with multi-value headers on */
	CZ_SRC_SCHEDULE,	/* EventBridge schedule */
	CZ_SRC_FUNCTION,	/* direct invoke / map: JSON in, JSON out */
	CZ_SRC_KEEP_WARM	/* keep-warm ping; never reaches user code */
};

/* A new empty application; never NULL (out of memory aborts). */
cz_app		*cz_app_new(void);
/*
 * Routes an HTTP method ("GET", ..., or "ANY") and a path pattern to fn.
 * Segments "{name}" match one segment, a last "{name+}" the rest of the
 * path.  Literal segments win over "{name}", which wins over "{name+}".
 */
void		 cz_route(cz_app *, const char *method, const char *pattern,
		    cz_handler fn);
/* Runs fn for the schedule `name` (see docs/handler-api.md, "Schedules"). */
void		 cz_schedule(cz_app *, const char *name, cz_handler fn);
/* Runs fn for direct invocations and `czappa map` of function `name`. */
void		 cz_function(cz_app *, const char *name, cz_handler fn);
/*
 * Loops on $AWS_LAMBDA_RUNTIME_API forever.  Returns non-zero only on a
 * fatal error (no Runtime API, the API gone), after reporting it.
 */
int		 cz_run(cz_app *);
/*
 * For a failed start (a model file missing): reports type and message to
 * /runtime/init/error (or stderr without a Runtime API) and returns 1, for
 * `return cz_init_error(...)` from main.
 */
int		 cz_init_error(const char *type, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Request: HTTP fields (NULL or 0 for non-HTTP events). */
enum cz_source	 cz_source(const cz_request *);
const char	*cz_source_name(const cz_request *);
const char	*cz_method(const cz_request *);
/* Decoded path, without a named API Gateway stage prefix. */
const char	*cz_path(const cz_request *);
/* First value of a decoded query parameter. */
const char	*cz_query(const cz_request *, const char *name);
/* The i-th (from 0) value of a repeated query parameter. */
const char	*cz_query_n(const cz_request *, const char *name, size_t i);
/* A header, matched case-insensitively; repeated values joined by ", ". */
const char	*cz_header(const cz_request *, const char *name);
const char	*cz_cookie(const cz_request *, const char *name);
const char	*cz_path_param(const cz_request *, const char *name);
/* The body, base64-decoded if the event said so; NUL-terminated. */
const void	*cz_body(const cz_request *, size_t *len);
/* Iteration: 0 with *name and *value set, or 1 past the end. */
int		 cz_query_at(const cz_request *, size_t i, const char **name,
		    const char **value);
int		 cz_header_at(const cz_request *, size_t i, const char **name,
		    const char **value);
int		 cz_cookie_at(const cz_request *, size_t i, const char **name,
		    const char **value);
int		 cz_path_param_at(const cz_request *, size_t i,
		    const char **name, const char **value);

/* Request: invocation context. */
const char	*cz_request_id(const cz_request *);
const char	*cz_invoked_arn(const cz_request *);
/* X-Ray header; also in $_X_AMZN_TRACE_ID during the call.  NULL if none. */
const char	*cz_trace_id(const cz_request *);
/* Milliseconds left before the deadline; may be negative, never fatal. */
long long	 cz_remaining_ms(const cz_request *);
/* The whole event as Lambda delivered it (borrowed). */
json_t		*cz_event(const cz_request *);
/* Schedule / function input (borrowed; JSON null if none). */
json_t		*cz_input(const cz_request *);
/* Schedule or function name that was dispatched; NULL for HTTP. */
const char	*cz_name(const cz_request *);

/* Response.  The default is 200 with an empty body. */
void		 cz_status(cz_response *, int status);
void		 cz_text(cz_response *, int status, const char *text);
void		 cz_textf(cz_response *, int status, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Takes the reference to v; for non-HTTP events v is the result. */
void		 cz_json_value(cz_response *, int status, json_t *v);
/* JSON text, sent as is (HTTP) or parsed (non-HTTP results). */
void		 cz_json_text(cz_response *, int status, const char *json);
#define cz_json(res, status, v) _Generic((v),			\
	json_t *: cz_json_value,				\
	char *: cz_json_text,					\
	const char *: cz_json_text)(res, status, v)
/* Binary body: base64 in the answer, decoded by API Gateway / the ALB. */
void		 cz_binary(cz_response *, int status, const char *content_type,
		    const void *data, size_t len);
/* Replaces every header called name (case-insensitive); value NULL drops. */
void		 cz_header_set(cz_response *, const char *name,
		    const char *value);
void		 cz_header_add(cz_response *, const char *name,
		    const char *value);
/* One Set-Cookie value, e.g. "id=42; Path=/; HttpOnly". */
void		 cz_set_cookie(cz_response *, const char *cookie);
/* The result of a function or schedule (takes the reference). */
void		 cz_result(cz_response *, json_t *v);
/*
 * Fails the invocation: Lambda gets an error of type `type` (e.g.
 * "Function.BadInput") with the formatted message, whatever else was set.
 */
void		 cz_error(cz_response *, const char *type, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

#endif
