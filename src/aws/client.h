/*
 * aws/client: one door to AWS for every service module.  It resolves
 * credentials and the region once, finds each service's endpoint, signs with
 * SigV4, sends with libcurl (connections reused across calls and threads),
 * retries throttling, 5xx and dropped connections with capped exponential
 * backoff and full jitter, and turns any error answer (rest-json, json 1.1,
 * query XML, S3 XML) into one struct cz_err.  It never prints: the CLI
 * installs hooks, and a trace never holds headers or bodies, so it cannot
 * leak a secret.  Safe to use from several threads at once.
 */
#ifndef CZ_AWS_CLIENT_H
#define CZ_AWS_CLIENT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"

struct aws_client;

/* What the -v line shows for one finished call. */
struct aws_trace {
	const char	*service;	/* "lambda" */
	const char	*op;		/* "CreateFunction" */
	const char	*method;	/* "POST" */
	int		 status;	/* last HTTP status; 0: no answer */
	int		 attempts;	/* 1 when the first try answered */
	long long	 ms;		/* wall time of all attempts */
	const char	*code;		/* AWS error code, or "" */
	long long	 bytes_out;	/* request body bytes, last attempt */
	long long	 bytes_in;	/* response body bytes */
};

struct aws_hooks {
	void	(*on_call)(const struct aws_trace *, void *arg);
	/* Upload progress of a request made with ->progress set. */
	void	(*on_progress)(long long done, long long total, void *arg);
	/* A retry is about to sleep ms after `code` (throttling, 5xx...). */
	void	(*on_retry)(const struct aws_trace *, long long ms, void *arg);
	void	 *arg;
};

struct aws_client_opts {
	/* --profile; NULL: AWS_PROFILE or "default" */
	const char		*profile;
	const char		*region;	/* --region; NULL: the chain */
	const char		*config_region;	/* serverless.yaml's region */
	const char		*config_profile; /* serverless.yaml's profile:
						 * below AWS_PROFILE and the
						 * environment's keys */
	struct aws_hooks	 hooks;
	/* per attempt; 0: 60 s or CZAPPA_HTTP_TIMEOUT seconds */
	long			 timeout_ms;
	int			 max_attempts;	/* 0: AWS_MAX_ATTEMPTS or 5 */
};

/*
 * Resolves credentials (aws/creds.h, the SDKs' order) and the region.  0 and
 * *out; -1 and *err saying which credential sources were tried.
 */
int	aws_client_new(const struct aws_client_opts *, struct aws_client **out,
	    struct cz_err *);
void	aws_client_free(struct aws_client *);
const char *aws_client_region(const struct aws_client *);
/* "environment", "profile dev (~/.aws/credentials)", "web identity", ... */
const char *aws_client_creds_source(const struct aws_client *);
/* The access key id (never the secret), for `whoami`. */
const char *aws_client_access_key(const struct aws_client *);
/* 1 when AWS_ENDPOINT_URL or a service override points somewhere else. */
int	aws_client_custom_endpoint(const struct aws_client *,
	    const char *service);

struct aws_req {
	/* "lambda" "s3" "iam" "sts" "apigateway" "events" "logs" "tagging" */
	const char	*service;
	const char	*op;		/* API name: "CreateFunction" */
	const char	*method;
	struct cz_buf	 path;		/* encoded, starts with '/' */
	struct cz_buf	 query;		/* encoded, without '?' */
	struct cz_strv	 headers;	/* "Name: value" */
	const void	*body;		/* not owned; NULL: empty */
	size_t		 bodylen;
	const char	*bucket;	/* S3: virtual host on AWS, path-style
					 * on a custom endpoint */
	int		 progress;	/* report upload progress to hooks */
	int		 no_retry;	/* one attempt only */
};

#define AWS_REQ_INIT(svc, op, method) { (svc), (op), (method), \
	CZ_BUF_INIT, CZ_BUF_INIT, CZ_STRV_INIT, NULL, 0, NULL, 0, 0 }

void	aws_req_release(struct aws_req *);
/* Appends "/" + the segment percent-encoded (every byte but unreserved). */
void	aws_req_path_seg(struct aws_req *, const char *seg);
/* Appends literal path text (already encoded). */
void	aws_req_path_raw(struct aws_req *, const char *);
/* Adds key=value, both encoded; value NULL adds "key=". */
void	aws_req_query(struct aws_req *, const char *key, const char *value);
void	aws_req_header(struct aws_req *, const char *name, const char *value);

struct aws_resp {
	int		 status;
	struct cz_buf	 body;
	struct cz_strv	 headers;	/* "name: value", names lower-cased */
};

#define AWS_RESP_INIT	{ 0, CZ_BUF_INIT, CZ_STRV_INIT }

void	aws_resp_release(struct aws_resp *);
/* Value of a response header (name in any case), or NULL. */
const char *aws_resp_header(const struct aws_resp *, const char *name);

/*
 * Signs, sends and retries.  0 when the service answered 2xx (or 3xx/304);
 * -1 and *err otherwise (service, op, status, AWS code, message, request id;
 * *resp keeps the last answer so callers can map a 404 to "absent").
 * Blocks for at most max_attempts * timeout plus backoff.
 */
int	aws_send(struct aws_client *, struct aws_req *, struct aws_resp *,
	    struct cz_err *);

/* Fills err from a non-2xx answer of any AWS protocol; returns -1. */
int	aws_error_from_resp(const char *service, const char *op,
	    const struct aws_resp *, struct cz_err *);
/* 1 if an answer with this status and AWS code should be retried. */
int	aws_retryable(int status, const char *code);

#endif
