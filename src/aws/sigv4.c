/*
 * sigv4: AWS Signature Version 4 (HMAC-SHA256), header and query signing,
 * built stage by stage into the buffers of struct aws_sigv4 so tests can
 * compare each stage with the official vectors.  The rules follow the
 * vectors first and botocore second (moto recomputes signatures with
 * botocore).  SigV4a (ECDSA) and chunked "STREAMING-" payloads are left out:
 * czappa sends whole bodies.  Nothing here logs, and the secret key only
 * ever goes into HMAC.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "aws/sigv4.h"
#include "base/b64.h"
#include "base/url.h"
#include "base/xmalloc.h"

#define ALGORITHM	"AWS4-HMAC-SHA256"
/* AWS rejects presigned URLs valid for more than 7 days. */
#define MAX_EXPIRES	604800L

/* One canonical header: a lower-case name and its folded values. */
struct hdr {
	char		*name;
	struct cz_buf	 value;
};

struct hdrs {
	struct hdr	*v;
	size_t		 n;
};

/* One query pair, both halves already in canonical encoding. */
struct qpair {
	char	*key;
	char	*value;
};

void
aws_sha256_hex(struct cz_buf *out, const void *p, size_t n)
{
	unsigned char	md[SHA256_DIGEST_LENGTH];

	/* EVP_Digest fails only on allocation failure inside OpenSSL, which
	 * is as fatal as our own. */
	if (EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL) != 1)
		abort();
	cz_hex_encode(out, md, sizeof(md));
}

static void
s_hmac(const void *key, size_t keylen, const char *msg, size_t msglen,
    unsigned char out[SHA256_DIGEST_LENGTH])
{
	unsigned int	outlen = SHA256_DIGEST_LENGTH;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	    msglen, out, &outlen) == NULL)
		abort();
}

static int
s_is_space(int c)
{
	/* What botocore's str.split() folds, short of Unicode spaces. */
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* Trims the value and folds every run of white space (including the line
 * breaks of a folded multi-line header) to one space. */
static void
s_fold_value(struct cz_buf *out, const char *v)
{
	int	pending = 0, any = 0;

	for (; *v != '\0'; v++) {
		if (s_is_space((unsigned char)*v)) {
			pending = any;
			continue;
		}
		if (pending)
			cz_buf_addch(out, ' ');
		pending = 0;
		any = 1;
		cz_buf_addch(out, *v);
	}
}

static void
s_hdrs_release(struct hdrs *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].name);
		cz_buf_release(&h->v[i].value);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static struct hdr *
s_hdrs_find(struct hdrs *h, const char *lname)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->v[i].name, lname) == 0)
			return &h->v[i];
	return NULL;
}

/* Adds one header; a name seen before gets ",value" appended, in order. */
static int
s_hdrs_add(struct hdrs *h, const char *name, const char *value,
    struct cz_err *err)
{
	struct hdr	*e;
	char		*lname;
	size_t		 i, n;
	unsigned char	 c;

	n = strlen(name);
	if (n == 0)
		return cz_errf(err, "sigv4: empty header name");
	lname = cz_xstrdup(name);
	for (i = 0; i < n; i++) {
		c = (unsigned char)lname[i];
		if (c <= ' ' || c == ':' || c >= 0x7f) {
			free(lname);
			return cz_errf(err, "sigv4: bad header name \"%.64s\"",
			    name);
		}
		if (c >= 'A' && c <= 'Z')
			lname[i] = (char)(c - 'A' + 'a');
	}
	if ((e = s_hdrs_find(h, lname)) != NULL) {
		free(lname);
		cz_buf_addch(&e->value, ',');
		s_fold_value(&e->value, value);
		return 0;
	}
	h->v = cz_xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
	e = &h->v[h->n++];
	e->name = lname;
	cz_buf_init(&e->value, 0);
	s_fold_value(&e->value, value);
	return 0;
}

static int
s_hdr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hdr *)a)->name,
	    ((const struct hdr *)b)->name);
}

/*
 * Removes "." and ".." segments and empty segments (repeated slashes), as
 * botocore's remove_dot_segments does: a leading slash stays, a trailing one
 * stays if any segment is left.
 */
static void
s_normalize_path(struct cz_buf *out, const char *path)
{
	const char	**seg = NULL;
	size_t		 *len = NULL, nseg = 0, cap = 0, plen, i, n;
	const char	 *p, *e;

	plen = strlen(path);
	if (plen == 0) {
		cz_buf_addch(out, '/');
		return;
	}
	for (p = path; p <= path + plen; p = e + 1) {
		if ((e = strchr(p, '/')) == NULL)
			e = path + plen;
		n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg > 0)
				nseg--;
			continue;
		}
		if (nseg == cap) {
			cap = cap ? cap * 2 : 8;
			seg = cz_xrealloc(seg, cap * sizeof(*seg));
			len = cz_xrealloc(len, cap * sizeof(*len));
		}
		seg[nseg] = p;
		len[nseg++] = n;
	}
	if (path[0] == '/')
		cz_buf_addch(out, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			cz_buf_addch(out, '/');
		cz_buf_add(out, seg[i], len[i]);
	}
	if (path[plen - 1] == '/' && nseg > 0)
		cz_buf_addch(out, '/');
	free(seg);
	free(len);
}

/*
 * Canonical URI.  Every service but S3 wants the path as sent encoded once
 * more ("%3A" in a Lambda ARN becomes "%253A"), after removing dot segments;
 * S3 signs the path exactly as sent.
 */
static void
s_canonical_uri(struct cz_buf *out, const struct aws_sigv4_input *in)
{
	struct cz_buf	norm = CZ_BUF_INIT;

	if (in->s3) {
		cz_buf_adds(out, in->path[0] != '\0' ? in->path : "/");
		return;
	}
	if (in->no_normalize)
		cz_buf_adds(&norm, in->path[0] != '\0' ? in->path : "/");
	else
		s_normalize_path(&norm, in->path);
	cz_url_encode(out, norm.s, norm.len, 1);
	cz_buf_release(&norm);
}

/* Decodes %XX escapes (but not '+') and encodes again, so an escape sent in
 * any case or for an unreserved byte signs the way AWS reads it. */
static char *
s_requote(const char *s, size_t n)
{
	struct cz_buf	dec = CZ_BUF_INIT, enc = CZ_BUF_INIT;

	cz_url_decode(&dec, s, n, 0);
	cz_url_encode(&enc, dec.s, dec.len, 0);
	cz_buf_release(&dec);
	return cz_buf_detach(&enc);
}

static int
s_qpair_cmp(const void *a, const void *b)
{
	const struct qpair	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return strcmp(x->value, y->value);
}

static void
s_canonical_query(struct cz_buf *out, const char *query)
{
	struct qpair	*v = NULL;
	size_t		 n = 0, i, len;
	const char	*p, *e, *eq;

	if (query == NULL || *query == '\0')
		return;
	for (p = query;; p = e + 1) {
		if ((e = strchr(p, '&')) == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p);
		if (len > 0) {
			v = cz_xrealloc(v, (n + 1) * sizeof(*v));
			eq = memchr(p, '=', len);
			if (eq == NULL) {
				v[n].key = s_requote(p, len);
				v[n].value = cz_xstrdup("");
			} else {
				v[n].key = s_requote(p, (size_t)(eq - p));
				v[n].value = s_requote(eq + 1,
				    (size_t)(e - eq - 1));
			}
			n++;
		}
		if (*e == '\0')
			break;
	}
	qsort(v, n, sizeof(*v), s_qpair_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			cz_buf_addch(out, '&');
		cz_buf_adds(out, v[i].key);
		cz_buf_addch(out, '=');
		cz_buf_adds(out, v[i].value);
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static int
s_check_input(const struct aws_sigv4_input *in, struct cz_err *err)
{
	size_t	i;

	if (in->method == NULL || in->path == NULL || in->region == NULL ||
	    in->service == NULL || in->amz_date == NULL ||
	    in->access_key == NULL || in->secret_key == NULL)
		return cz_errf(err, "sigv4: missing method, path, region, "
		    "service, date or credentials");
	if (in->method[0] == '\0' || in->region[0] == '\0' ||
	    in->service[0] == '\0' || in->access_key[0] == '\0')
		return cz_errf(err, "sigv4: empty method, region, service or "
		    "access key");
	/* Only the "YYYYMMDDThhmmssZ" form: its first 8 bytes are the
	 * scope date. */
	if (strlen(in->amz_date) != 16 || in->amz_date[8] != 'T' ||
	    in->amz_date[15] != 'Z')
		return cz_errf(err, "sigv4: date \"%.32s\" is not "
		    "YYYYMMDDThhmmssZ", in->amz_date);
	for (i = 0; i < 15; i++)
		if (i != 8 && (in->amz_date[i] < '0' || in->amz_date[i] > '9'))
			return cz_errf(err, "sigv4: date \"%.32s\" is not "
			    "YYYYMMDDThhmmssZ", in->amz_date);
	if (in->body == NULL && in->bodylen > 0)
		return cz_errf(err, "sigv4: body length without a body");
	return 0;
}

static void
s_reset(struct aws_sigv4 *out)
{
	cz_buf_reset(&out->canonical_request);
	cz_buf_reset(&out->string_to_sign);
	cz_buf_reset(&out->signature);
	cz_buf_reset(&out->signed_headers);
	cz_buf_reset(&out->authorization);
	cz_buf_reset(&out->query);
	cz_buf_reset(&out->payload_hash);
}

static void
s_scope(struct cz_buf *out, const struct aws_sigv4_input *in)
{
	cz_buf_add(out, in->amz_date, 8);
	cz_buf_addf(out, "/%s/%s/aws4_request", in->region, in->service);
}

/* Collects, folds and sorts the headers; fills out->signed_headers. */
static int
s_collect_headers(const struct aws_sigv4_input *in, int add_sha,
    struct hdrs *h, struct aws_sigv4 *out, struct cz_err *err)
{
	size_t	i;

	if (in->headers == NULL && in->nheaders > 0)
		return cz_errf(err, "sigv4: header count without headers");
	for (i = 0; i < in->nheaders; i++) {
		if (in->headers[i].name == NULL ||
		    in->headers[i].value == NULL)
			return cz_errf(err, "sigv4: header %zu has no name "
			    "or value", i);
		if (s_hdrs_add(h, in->headers[i].name, in->headers[i].value,
		    err) == -1)
			return -1;
	}
	if (s_hdrs_find(h, "host") == NULL)
		return cz_errf(err, "sigv4: no host header");
	if (add_sha && s_hdrs_find(h, "x-amz-content-sha256") == NULL &&
	    s_hdrs_add(h, "x-amz-content-sha256", out->payload_hash.s,
	    err) == -1)
		return -1;
	qsort(h->v, h->n, sizeof(*h->v), s_hdr_cmp);
	for (i = 0; i < h->n; i++) {
		if (i > 0)
			cz_buf_addch(&out->signed_headers, ';');
		cz_buf_adds(&out->signed_headers, h->v[i].name);
	}
	return 0;
}

static void
s_payload_hash(const struct aws_sigv4_input *in, struct aws_sigv4 *out)
{
	size_t	i;

	if (in->payload_hash != NULL) {
		cz_buf_adds(&out->payload_hash, in->payload_hash);
		return;
	}
	/* Like botocore: a content hash the caller already set is what the
	 * request claims, so it is what gets signed. */
	for (i = 0; i < in->nheaders; i++)
		if (in->headers != NULL && in->headers[i].name != NULL &&
		    in->headers[i].value != NULL &&
		    strcasecmp(in->headers[i].name,
		    "x-amz-content-sha256") == 0) {
			s_fold_value(&out->payload_hash, in->headers[i].value);
			return;
		}
	aws_sha256_hex(&out->payload_hash, in->body != NULL ? in->body : "",
	    in->bodylen);
}

/* Stage 1: the canonical request, from a query string as it will be sent. */
static void
s_canonical_request(const struct aws_sigv4_input *in, const char *query,
    const struct hdrs *h, struct aws_sigv4 *out)
{
	struct cz_buf	*cr = &out->canonical_request;
	size_t		 i;

	cz_buf_adds(cr, in->method);
	cz_buf_addch(cr, '\n');
	s_canonical_uri(cr, in);
	cz_buf_addch(cr, '\n');
	s_canonical_query(cr, query);
	cz_buf_addch(cr, '\n');
	for (i = 0; i < h->n; i++) {
		cz_buf_adds(cr, h->v[i].name);
		cz_buf_addch(cr, ':');
		cz_buf_add(cr, h->v[i].value.s, h->v[i].value.len);
		cz_buf_addch(cr, '\n');
	}
	cz_buf_addch(cr, '\n');
	cz_buf_add(cr, out->signed_headers.s, out->signed_headers.len);
	cz_buf_addch(cr, '\n');
	cz_buf_add(cr, out->payload_hash.s, out->payload_hash.len);
}

/* Stages 2 and 3: string to sign, then the signature with the derived
 * key kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region),
 * service), "aws4_request"). */
static void
s_sign(const struct aws_sigv4_input *in, struct aws_sigv4 *out)
{
	unsigned char	 k[SHA256_DIGEST_LENGTH], k2[SHA256_DIGEST_LENGTH];
	struct cz_buf	 secret = CZ_BUF_INIT;
	struct cz_buf	*sts = &out->string_to_sign;

	cz_buf_adds(sts, ALGORITHM "\n");
	cz_buf_adds(sts, in->amz_date);
	cz_buf_addch(sts, '\n');
	s_scope(sts, in);
	cz_buf_addch(sts, '\n');
	aws_sha256_hex(sts, out->canonical_request.s,
	    out->canonical_request.len);

	cz_buf_adds(&secret, "AWS4");
	cz_buf_adds(&secret, in->secret_key);
	s_hmac(secret.s, secret.len, in->amz_date, 8, k);
	s_hmac(k, sizeof(k), in->region, strlen(in->region), k2);
	s_hmac(k2, sizeof(k2), in->service, strlen(in->service), k);
	s_hmac(k, sizeof(k), "aws4_request", 12, k2);
	s_hmac(k2, sizeof(k2), sts->s, sts->len, k);
	cz_hex_encode(&out->signature, k, sizeof(k));

	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(k2, sizeof(k2));
	if (secret.cap)
		OPENSSL_cleanse(secret.s, secret.cap);
	cz_buf_release(&secret);
}

static int
s_overflowed(const struct aws_sigv4 *out, struct cz_err *err)
{
	if (out->canonical_request.overflow || out->string_to_sign.overflow ||
	    out->signature.overflow || out->signed_headers.overflow ||
	    out->authorization.overflow || out->query.overflow ||
	    out->payload_hash.overflow)
		return cz_errf(err, "sigv4: request too large to sign");
	return 0;
}

int
aws_sigv4_sign(const struct aws_sigv4_input *in, struct aws_sigv4 *out,
    struct cz_err *err)
{
	struct hdrs	h = { NULL, 0 };
	int		rc = -1;

	s_reset(out);
	if (s_check_input(in, err) == -1)
		goto out;
	s_payload_hash(in, out);
	if (s_collect_headers(in, in->add_content_sha256, &h, out, err) == -1)
		goto out;
	s_canonical_request(in, in->query, &h, out);
	s_sign(in, out);

	cz_buf_adds(&out->authorization, ALGORITHM " Credential=");
	cz_buf_adds(&out->authorization, in->access_key);
	cz_buf_addch(&out->authorization, '/');
	s_scope(&out->authorization, in);
	cz_buf_adds(&out->authorization, ", SignedHeaders=");
	cz_buf_add(&out->authorization, out->signed_headers.s,
	    out->signed_headers.len);
	cz_buf_adds(&out->authorization, ", Signature=");
	cz_buf_add(&out->authorization, out->signature.s, out->signature.len);
	rc = s_overflowed(out, err);
out:
	s_hdrs_release(&h);
	return rc;
}

int
aws_sigv4_presign(const struct aws_sigv4_input *in, struct aws_sigv4 *out,
    struct cz_err *err)
{
	struct hdrs	 h = { NULL, 0 };
	struct cz_buf	 scope = CZ_BUF_INIT;
	struct cz_buf	*q = &out->query;
	int		 rc = -1;

	s_reset(out);
	if (s_check_input(in, err) == -1)
		goto out;
	if (in->expires < 1 || in->expires > MAX_EXPIRES) {
		cz_errf(err, "sigv4: expiry %ld s is not in 1..%ld",
		    in->expires, MAX_EXPIRES);
		goto out;
	}
	s_payload_hash(in, out);
	if (s_collect_headers(in, 0, &h, out, err) == -1)
		goto out;

	/* The signed query is the caller's plus the X-Amz-* parameters;
	 * X-Amz-Signature is appended last and not signed. */
	if (in->query != NULL && in->query[0] != '\0') {
		cz_buf_adds(q, in->query);
		cz_buf_addch(q, '&');
	}
	cz_buf_adds(q, "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=");
	cz_buf_adds(&scope, in->access_key);
	cz_buf_addch(&scope, '/');
	s_scope(&scope, in);
	cz_url_encode(q, scope.s, scope.len, 0);
	cz_buf_addf(q, "&X-Amz-Date=%s&X-Amz-Expires=%ld"
	    "&X-Amz-SignedHeaders=", in->amz_date, in->expires);
	cz_url_encode(q, out->signed_headers.s, out->signed_headers.len, 0);
	if (in->token != NULL && in->token[0] != '\0') {
		cz_buf_adds(q, "&X-Amz-Security-Token=");
		cz_url_encode(q, in->token, strlen(in->token), 0);
	}
	s_canonical_request(in, q->s, &h, out);
	s_sign(in, out);
	cz_buf_adds(q, "&X-Amz-Signature=");
	cz_buf_add(q, out->signature.s, out->signature.len);
	rc = s_overflowed(out, err);
out:
	cz_buf_release(&scope);
	s_hdrs_release(&h);
	return rc;
}

void
aws_sigv4_release(struct aws_sigv4 *out)
{
	cz_buf_release(&out->canonical_request);
	cz_buf_release(&out->string_to_sign);
	cz_buf_release(&out->signature);
	cz_buf_release(&out->signed_headers);
	cz_buf_release(&out->authorization);
	cz_buf_release(&out->query);
	cz_buf_release(&out->payload_hash);
}
