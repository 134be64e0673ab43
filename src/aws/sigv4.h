/*
 * sigv4: AWS Signature Version 4, in stages (canonical request, string to
 * sign, signature) so tests can check each against the official vectors.
 * OpenSSL does the hashing.  The secret key never leaves this module and
 * aws/creds.c; nothing here logs.
 */
#ifndef CZ_AWS_SIGV4_H
#define CZ_AWS_SIGV4_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

struct aws_sigv4_header {
	const char	*name;		/* any case; lower-cased for signing */
	const char	*value;		/* trimmed and space-folded for signing */
};

struct aws_sigv4_input {
	const char	*method;	/* "GET" */
	const char	*path;		/* request path as sent, e.g. "/a%20b" */
	const char	*query;		/* raw query string without '?', or NULL */
	const struct aws_sigv4_header *headers;	/* must include host */
	size_t		 nheaders;
	const char	*payload_hash;	/* hex SHA-256 of the body, or
					 * "UNSIGNED-PAYLOAD"; NULL: hash body */
	const void	*body;
	size_t		 bodylen;
	const char	*region;
	const char	*service;	/* signing name: "lambda", "s3", ... */
	const char	*amz_date;	/* "20150830T123600Z" */
	const char	*access_key;
	const char	*secret_key;
	const char	*token;		/* session token, or NULL */
	int		 s3;		/* S3 rules: path neither normalized nor
					 * encoded again */
	int		 add_content_sha256; /* sign x-amz-content-sha256 */
	long		 expires;	/* presign only: X-Amz-Expires seconds */
};

struct aws_sigv4 {
	struct cz_buf	 canonical_request;
	struct cz_buf	 string_to_sign;
	struct cz_buf	 signature;	/* hex */
	struct cz_buf	 signed_headers; /* "host;x-amz-date" */
	struct cz_buf	 authorization;	/* value of the Authorization header */
	struct cz_buf	 query;		/* presign: the final query string */
	struct cz_buf	 payload_hash;	/* hex, as used */
};

#define AWS_SIGV4_INIT { CZ_BUF_INIT, CZ_BUF_INIT, CZ_BUF_INIT, CZ_BUF_INIT, \
	CZ_BUF_INIT, CZ_BUF_INIT, CZ_BUF_INIT }

/*
 * Header signing.  The caller adds X-Amz-Date, X-Amz-Security-Token and
 * X-Amz-Content-SHA256 headers to the request itself; they must be in
 * in->headers to be signed (the vectors do it that way).  0 or -1 and *err.
 */
int	aws_sigv4_sign(const struct aws_sigv4_input *, struct aws_sigv4 *,
	    struct cz_err *);
/* Query signing (presigned URL): fills ->query with X-Amz-* parameters
 * and X-Amz-Signature appended to in->query. */
int	aws_sigv4_presign(const struct aws_sigv4_input *, struct aws_sigv4 *,
	    struct cz_err *);
void	aws_sigv4_release(struct aws_sigv4 *);

/* Hex SHA-256 of bytes, appended to out. */
void	aws_sha256_hex(struct cz_buf *out, const void *, size_t);

#endif
