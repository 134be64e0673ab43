/*
 * aws/sign_req: one signed attempt of an aws_req as a configured curl easy
 * handle, for callers that drive curl themselves (aws/multi.c keeps many in
 * flight on one thread); aws_send in client.c runs the same attempts in its
 * blocking loop.  Internal to aws/: the credentials it signs with come from
 * aws_client_creds_copy, so secrets stay inside aws/.
 */
#ifndef CZ_AWS_SIGN_REQ_H
#define CZ_AWS_SIGN_REQ_H

#include <curl/curl.h>

#include "aws/client.h"
#include "aws/creds.h"
#include "aws/endpoint.h"

/* What an attempt owns while curl runs it. */
struct aws_signed_req {
	struct curl_slist	*headers;
	struct cz_buf		 url;
	struct aws_resp		*resp;		/* not owned: the answer */
	char			 cerr[CURL_ERROR_SIZE];
};

#define AWS_SIGNED_REQ_INIT	{ NULL, CZ_BUF_INIT, NULL, { 0 } }

/*
 * The request path as sent to ep: the override's base path, the S3 bucket
 * when path-style, then req->path ("/" when empty).  Appended to *out.
 */
void	aws_sign_req_path(const struct aws_endpoint *, const struct aws_req *,
	    struct cz_buf *out);
/*
 * Signs req (a fresh X-Amz-Date) with creds for ep and sets up h (reset
 * first) to send it: the answer's status line, headers and body go to
 * *resp (reset first).  timeout_ms bounds the whole attempt.  0, or -1 and
 * *err.  Release *st after the transfer.
 */
int	aws_sign_req_setup(CURL *h, const struct aws_creds *,
	    const struct aws_endpoint *, const char *path,
	    const struct aws_req *, struct aws_resp *resp, long timeout_ms,
	    struct aws_signed_req *st, struct cz_err *err);
void	aws_signed_req_release(CURL *h, struct aws_signed_req *);
/* 1 if a curl failure is the network's (worth another attempt). */
int	aws_sign_req_curl_retryable(CURLcode);

/*
 * The client's current credentials (renewed first if they expire within
 * five minutes), copied into *out for a caller inside aws/ that signs
 * itself.  0, or -1 and *err.  Release *out with aws_creds_release.
 */
int	aws_client_creds_copy(struct aws_client *, struct aws_creds *out,
	    struct cz_err *err);

#endif
