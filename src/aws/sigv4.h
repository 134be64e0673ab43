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
	const char	*name;	/* any case; lower-cased for signing */
	const char	*value;	/* trimmed and space-folded for signing */
};

struct aws_sigv4_input {
	const char	*method;	/* "GET" */
	const char	*path;		/* path as sent, e.g. "/a%20b" */
	const char	*query;		/* query string as sent, without '?';
					 * NULL or "" for none */
	const struct aws_sigv4_header *headers;	/* must include host; a
					 * repeated name is signed as one
					 * header, values joined by ',' */
	size_t		 nheaders;
	const char	*payload_hash;	/* hex SHA-256 of the body, or
					 * "UNSIGNED-PAYLOAD"; NULL: the value
					 * of an x-amz-content-sha256 header
					 * in headers, else hash body */
	const void	*body;
	size_t		 bodylen;
	const char	*region;
	const char	*service;	/* signing name: "lambda", "s3", ... */
	const char	*amz_date;	/* "20150830T123600Z" */
	const char	*access_key;
	const char	*secret_key;
	const char	*token;		/* session token, or NULL; used by
					 * presign only (header signing: the
					 * caller adds X-Amz-Security-Token) */
	int		 s3;		/* S3 rules: path neither normalized nor
					 * encoded again */
	int		 no_normalize;	/* keep "." and ".." segments and
					 * repeated slashes, but still encode
					 * (the vectors' "-unnormalized") */
	int		 add_content_sha256; /* header signing: sign an
					 * x-amz-content-sha256 header holding
					 * ->payload_hash (the caller sends it)
					 * unless headers already has one */
	long		 expires;	/* presign only: X-Amz-Expires, s */
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
 * Header signing.  The caller adds X-Amz-Date and X-Amz-Security-Token
 * headers to the request itself; they must be in in->headers to be signed
 * (the vectors do it that way); only x-amz-content-sha256 can be added here
 * (add_content_sha256).  Canonical query: each key and value has its %XX
 * escapes decoded and is encoded again as SigV4 wants ('+' stays a literal
 * plus), pairs sorted by key then value, empty pairs dropped.  Fills every
 * buffer of *out but ->query; *out may be reused, it is reset first.
 * 0, or -1 and *err (a missing field or host header, a bad amz_date).
 */
int	aws_sigv4_sign(const struct aws_sigv4_input *, struct aws_sigv4 *,
	    struct cz_err *);
/*
 * Query signing (presigned URL): fills ->query with in->query followed by
 * X-Amz-Algorithm, -Credential, -Date, -Expires (in->expires, 1..604800),
 * -SignedHeaders, -Security-Token (if in->token) and -Signature; ->
 * authorization stays empty.  Payload hash as for aws_sigv4_sign (S3
 * presigned URLs pass "UNSIGNED-PAYLOAD").  0, or -1 and *err.
 */
int	aws_sigv4_presign(const struct aws_sigv4_input *, struct aws_sigv4 *,
	    struct cz_err *);
/* Frees the buffers; *out is AWS_SIGV4_INIT again. */
void	aws_sigv4_release(struct aws_sigv4 *);

/* Hex SHA-256 of bytes, appended to out. */
void	aws_sha256_hex(struct cz_buf *out, const void *, size_t);

#endif
