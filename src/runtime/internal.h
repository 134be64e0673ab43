/*
 * internal.h: what the runtime's files share and the unit tests reach; never
 * installed.  Exports carry czrt_ because this library is linked into users'
 * programs, whose own names must not collide with ours.
 */
#ifndef CZ_RUNTIME_INTERNAL_H
#define CZ_RUNTIME_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"
#include "runtime/czappa.h"

/* Error types we report (Category.Reason, as AWS's emulator keeps them). */
#define CZRT_E_EVENT	"Runtime.InvalidEvent"
#define CZRT_E_UNKNOWN	"Runtime.UnknownEvent"
#define CZRT_E_NOTFOUND	"Function.NotFound"
#define CZRT_E_CRASH	"Runtime.HandlerCrash"
#define CZRT_E_EXIT	"Runtime.ExitError"
#define CZRT_E_RESPONSE	"Runtime.InvalidResponse"

#define CZRT_INPUT_NONE		0
#define CZRT_INPUT_EVENT	1	/* the whole event */
#define CZRT_INPUT_MEMBER	2	/* the event's "input" */

/* A name and a value; both borrowed from the event or from `owned`. */
struct czrt_kv {
	const char	*name;
	const char	*value;
};

struct czrt_kvv {
	struct czrt_kv	*v;
	size_t		 n;
	size_t		 cap;
};

struct cz_request {
	enum cz_source	 source;	/* 0 while unknown */
	/* from the /next response headers (owned by the loop) */
	const char	*request_id;
	const char	*arn;
	const char	*trace_id;	/* NULL if the header was absent */
	long long	 deadline_ms;	/* epoch ms; fun sends 5000 */
	struct cz_buf	 raw;		/* the event as sent */
	struct cz_buf	 work;		/* the event, decoded in place */
	json_t		*event;		/* owned; made from raw on demand */
	json_t		*input;		/* owned reference; on demand */
	int		 input_from;	/* CZRT_INPUT_* */
	int		 envelope;	/* {"czappa": ...} */
	const char	*name;		/* schedule / function / rule name */
	/* HTTP only */
	const char	*method;
	const char	*path;
	struct czrt_kvv	 query;		/* one entry per value, decoded */
	struct czrt_kvv	 headers;	/* one entry per name, values joined */
	struct czrt_kvv	 cookies;
	struct czrt_kvv	 params;	/* filled by the router */
	struct cz_buf	 body;
	struct cz_strv	 owned;		/* strings the above point into */
};

struct cz_response {
	int		 status;
	struct cz_strv	 hnames;	/* header names, parallel to hvalues */
	struct cz_strv	 hvalues;
	struct cz_strv	 cookies;
	struct cz_buf	 body;
	int		 binary;	/* body is raw bytes: base64 it */
	int		 is_json;	/* body is JSON text (result for RPC) */
	json_t		*result;	/* non-HTTP result, owned */
	int		 failed;	/* cz_error was called */
	char		 err_type[64];
	struct cz_buf	 err_msg;
};

/* event.c */
void	czrt_kvv_add(struct czrt_kvv *, const char *, const char *);
void	czrt_kvv_release(struct czrt_kvv *);
const char *czrt_kvv_get(const struct czrt_kvv *, const char *, int icase,
	    size_t nth);
void	czrt_request_init(struct cz_request *);
void	czrt_request_release(struct cz_request *);
/*
 * Parses the event and sorts it by source.  0 and req filled (source stays 0
 * for an event of no known shape); -1 with err->code the error type and
 * err->msg why, for text that is not JSON or fields of the wrong type.
 */
int	czrt_event_parse(struct cz_request *, const char *json, size_t len,
	    struct cz_err *);
int	czrt_source_is_http(enum cz_source);

/* router.c */
/*
 * Calls the handler the request names, or answers 404/405, or sets an error
 * on res (unknown schedule or function, unknown event).  Keep-warm pings
 * are answered here without user code.
 */
void	czrt_dispatch(struct cz_app *, struct cz_request *,
	    struct cz_response *);
/* Matches method+path; 0 with *fn and req->params, 1 no path, 2 no method
 * (then `allow` lists the methods that would match). */
int	czrt_route_match(struct cz_app *, struct cz_request *, cz_handler *fn,
	    struct cz_buf *allow);

/* response.c */
void	czrt_response_init(struct cz_response *);
void	czrt_response_release(struct cz_response *);
/*
 * The payload to POST: 0 with *out the answer in the shape of req's
 * source; 1 with *out an error body {errorMessage, errorType, stackTrace}
 * and *etype the error type (the handler failed or the result is not
 * encodable).
 */
int	czrt_response_encode(const struct cz_request *,
	    const struct cz_response *, struct cz_buf *out,
	    const char **etype);
/* Appends {"errorMessage":..,"errorType":..,"stackTrace":[]}. */
void	czrt_error_body(struct cz_buf *, const char *type, const char *msg);
const char *czrt_reason(int status);

/* log.c */
/* Routes fds 1 and 2 through pipes that tag lines; -1 leaves them as is. */
int	czrt_log_start(struct cz_err *);
/* Request id for the lines that follow (NULL: outside an invocation). */
void	czrt_log_begin(const char *request_id);
/* Writes out what the handler logged, so it is tagged before the answer. */
void	czrt_log_end(void);
/* Async-signal-safe best effort: copies what is in the pipes out raw. */
void	czrt_log_crash_drain(void);
/* Async-signal-safe: one tagged ERROR line from the runtime. */
void	czrt_log_crash_line(const char *msg);
/* Async-signal-safe: fds 1 and 2 back to the real outputs (before exec). */
void	czrt_log_restore_fds(void);
/* A line from the runtime itself, tagged like the handler's. */
void	czrt_log_line(const char *level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * runtime.c: the HTTP/1.1 client for the one loopback peer, exposed for
 * tests
 */
struct czrt_conn {
	int		 fd;		/* -1 until connected */
	int		 used;		/* a request went over fd already */
	char		 hostport[256];	/* "127.0.0.1:9001" */
	size_t		 pos;		/* first unread byte in buf */
	size_t		 len;		/* bytes in buf */
	struct cz_buf	 head;		/* request head, reused by each call */
	char		 buf[16384];
};

struct czrt_http_resp {
	int		 status;
	struct cz_buf	 head;		/* header block, CRLF lines */
	struct cz_buf	 body;
};

void	czrt_conn_init(struct czrt_conn *, const char *hostport);
void	czrt_conn_close(struct czrt_conn *);
/* Looks a header up in a header block, case-insensitively: 0 and *out
 * (replaced) or 1 if absent. */
int	czrt_http_header(const struct cz_buf *head, const char *name,
	    struct cz_buf *out);
/*
 * One request and its response (Content-Length, chunked or until close).
 * An idle keep-alive connection the peer closed is reopened once.  Blocks
 * without a timeout, as /next must.  0 and *r, or -1 and *err.
 */
int	czrt_http_call(struct czrt_conn *, const char *method,
	    const char *path, const char *extra_headers, const void *body,
	    size_t bodylen, struct czrt_http_resp *r, struct cz_err *err);

#endif
