/* services/s3: see s3.h.  rest-xml through aws_send and aws/xml.h. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aws/proto.h"
#include "base/b64.h"
#include "base/xmalloc.h"
#include "services/s3.h"

/* Appends the key to the path, one segment per '/'-separated part. */
static void
s_key(struct aws_req *req, const char *key)
{
	const char	*p = key, *slash;
	char		*seg;

	while (p && *p) {
		slash = strchr(p, '/');
		seg = slash ? cz_xstrndup(p, (size_t)(slash - p)) :
		    cz_xstrdup(p);
		aws_req_path_seg(req, seg);
		free(seg);
		p = slash ? slash + 1 : NULL;
		if (slash && *p == '\0')
			aws_req_path_raw(req, "/");
	}
}

/* Some bucket configuration calls insist on Content-MD5. */
static void
s_md5_header(struct aws_req *req, const char *body, size_t len)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	struct cz_buf	b = CZ_BUF_INIT;

	EVP_Digest(body, len, md, &mdlen, EVP_md5(), NULL);
	cz_b64_encode(&b, md, mdlen);
	aws_req_header(req, "Content-MD5", b.s);
	cz_buf_release(&b);
}

static int
s_send(struct aws_client *c, struct aws_req *req, struct aws_resp *resp,
    const char *absent1, const char *absent2, struct cz_err *err)
{
	int	rc = aws_send(c, req, resp, err);

	if (rc == -1 && ((absent1 && strcmp(err->code, absent1) == 0) ||
	    (absent2 && strcmp(err->code, absent2) == 0))) {
		cz_err_clear(err);
		rc = 1;
	}
	return rc;
}

int
s3_head_bucket(struct aws_client *c, const char *bucket, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "HeadBucket", "HEAD");
	struct aws_resp	 resp = AWS_RESP_INIT;
	int		 rc;

	req.bucket = bucket;
	rc = s_send(c, &req, &resp, "NotFound", "NoSuchBucket", err);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_create_bucket(struct aws_client *c, const char *bucket,
    const char *region, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "CreateBucket", "PUT");
	struct aws_resp	 resp = AWS_RESP_INIT;
	struct cz_buf	 body = CZ_BUF_INIT;
	int		 rc;

	req.bucket = bucket;
	if (region && strcmp(region, "us-east-1") != 0) {
		cz_buf_addf(&body, "<CreateBucketConfiguration xmlns=\""
		    "http://s3.amazonaws.com/doc/2006-03-01/\">"
		    "<LocationConstraint>%s</LocationConstraint>"
		    "</CreateBucketConfiguration>", region);
		req.body = body.s;
		req.bodylen = body.len;
		aws_req_header(&req, "Content-Type", "application/xml");
	}
	rc = s_send(c, &req, &resp, "BucketAlreadyOwnedByYou", NULL, err);
	if (rc == 1)
		rc = 0;
	aws_req_release(&req);
	aws_resp_release(&resp);
	cz_buf_release(&body);
	return rc;
}

/* PUT ?<sub> with an XML body and Content-MD5. */
static int
s_put_sub(struct aws_client *c, const char *op, const char *bucket,
    const char *sub, const struct cz_buf *body, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", op, "PUT");
	struct aws_resp	 resp = AWS_RESP_INIT;
	int		 rc;

	req.bucket = bucket;
	aws_req_path_raw(&req, "/");
	aws_req_query(&req, sub, "");
	req.body = body->s;
	req.bodylen = body->len;
	aws_req_header(&req, "Content-Type", "application/xml");
	s_md5_header(&req, body->s, body->len);
	rc = aws_send(c, &req, &resp, err);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_put_public_access_block(struct aws_client *c, const char *bucket,
    struct cz_err *err)
{
	struct cz_buf	b = CZ_BUF_INIT;
	int		rc;

	cz_buf_adds(&b, "<PublicAccessBlockConfiguration xmlns=\""
	    "http://s3.amazonaws.com/doc/2006-03-01/\">"
	    "<BlockPublicAcls>true</BlockPublicAcls>"
	    "<IgnorePublicAcls>true</IgnorePublicAcls>"
	    "<BlockPublicPolicy>true</BlockPublicPolicy>"
	    "<RestrictPublicBuckets>true</RestrictPublicBuckets>"
	    "</PublicAccessBlockConfiguration>");
	rc = s_put_sub(c, "PutPublicAccessBlock", bucket, "publicAccessBlock",
	    &b, err);
	cz_buf_release(&b);
	return rc;
}

int
s3_put_bucket_encryption(struct aws_client *c, const char *bucket,
    struct cz_err *err)
{
	struct cz_buf	b = CZ_BUF_INIT;
	int		rc;

	cz_buf_adds(&b, "<ServerSideEncryptionConfiguration xmlns=\""
	    "http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
	    "<ApplyServerSideEncryptionByDefault>"
	    "<SSEAlgorithm>AES256</SSEAlgorithm>"
	    "</ApplyServerSideEncryptionByDefault></Rule>"
	    "</ServerSideEncryptionConfiguration>");
	rc = s_put_sub(c, "PutBucketEncryption", bucket, "encryption", &b,
	    err);
	cz_buf_release(&b);
	return rc;
}

static void
s_xml_text(struct cz_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			cz_buf_adds(b, "&lt;");
			break;
		case '>':
			cz_buf_adds(b, "&gt;");
			break;
		case '&':
			cz_buf_adds(b, "&amp;");
			break;
		case '"':
			cz_buf_adds(b, "&quot;");
			break;
		default:
			cz_buf_addch(b, *s);
		}
	}
}

int
s3_put_bucket_tagging(struct aws_client *c, const char *bucket,
    const struct cz_strv *tags, struct cz_err *err)
{
	struct cz_buf	b = CZ_BUF_INIT;
	size_t		i;
	int		rc;

	cz_buf_adds(&b, "<Tagging xmlns=\"http://s3.amazonaws.com/doc/"
	    "2006-03-01/\"><TagSet>");
	for (i = 0; tags && i + 1 < tags->n; i += 2) {
		cz_buf_adds(&b, "<Tag><Key>");
		s_xml_text(&b, tags->v[i]);
		cz_buf_adds(&b, "</Key><Value>");
		s_xml_text(&b, tags->v[i + 1]);
		cz_buf_adds(&b, "</Value></Tag>");
	}
	cz_buf_adds(&b, "</TagSet></Tagging>");
	rc = s_put_sub(c, "PutBucketTagging", bucket, "tagging", &b, err);
	cz_buf_release(&b);
	return rc;
}

int
s3_get_bucket_tagging(struct aws_client *c, const char *bucket,
    struct cz_strv *tags, struct cz_err *err)
{
	struct aws_req		 req = AWS_REQ_INIT("s3",
				    "GetBucketTagging", "GET");
	struct aws_resp		 resp = AWS_RESP_INIT;
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*t;
	int			 rc;

	req.bucket = bucket;
	aws_req_path_raw(&req, "/");
	aws_req_query(&req, "tagging", "");
	rc = s_send(c, &req, &resp, "NoSuchTagSet", "NoSuchBucket", err);
	if (rc != 0)
		goto out;
	rc = -1;
	if (aws_xml_parse(resp.body.s, resp.body.len, &x, err) == -1)
		goto out;
	for (t = aws_xml_find(aws_xml_root(x), "TagSet/Tag"); t;
	    t = aws_xml_next(t)) {
		char	*k = aws_xml_text(t, "Key"), *v = aws_xml_text(t,
			    "Value");

		cz_strv_take(tags, k ? k : cz_xstrdup(""));
		cz_strv_take(tags, v ? v : cz_xstrdup(""));
	}
	rc = 0;
out:
	aws_xml_free(x);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_head_object(struct aws_client *c, const char *bucket, const char *key,
    long long *size, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "HeadObject", "HEAD");
	struct aws_resp	 resp = AWS_RESP_INIT;
	const char	*len;
	int		 rc;

	req.bucket = bucket;
	s_key(&req, key);
	rc = s_send(c, &req, &resp, "NotFound", "NoSuchKey", err);
	if (rc == 0 && size) {
		len = aws_resp_header(&resp, "content-length");
		*size = len ? strtoll(len, NULL, 10) : 0;
	}
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_put_object(struct aws_client *c, const char *bucket, const char *key,
    const void *data, size_t len, int if_none_match, int progress,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "PutObject", "PUT");
	struct aws_resp	 resp = AWS_RESP_INIT;
	int		 rc;

	req.bucket = bucket;
	s_key(&req, key);
	req.body = data;
	req.bodylen = len;
	req.progress = progress;
	aws_req_header(&req, "Content-Type", "application/zip");
	if (if_none_match)
		aws_req_header(&req, "If-None-Match", "*");
	rc = s_send(c, &req, &resp, "PreconditionFailed", NULL, err);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_create_multipart_upload(struct aws_client *c, const char *bucket,
    const char *key, char **upload_id, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "CreateMultipartUpload",
			    "POST");
	struct aws_resp	 resp = AWS_RESP_INIT;
	struct aws_xml	*x = NULL;
	int		 rc = -1;

	*upload_id = NULL;
	req.bucket = bucket;
	s_key(&req, key);
	aws_req_query(&req, "uploads", "");
	aws_req_header(&req, "Content-Type", "application/zip");
	if (aws_send(c, &req, &resp, err) == -1 ||
	    aws_xml_parse(resp.body.s, resp.body.len, &x, err) == -1)
		goto out;
	if ((*upload_id = aws_xml_text(aws_xml_root(x), "UploadId")) == NULL) {
		cz_errf(err, "s3 CreateMultipartUpload: answer has no "
		    "UploadId");
		goto out;
	}
	rc = 0;
out:
	aws_xml_free(x);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_upload_part(struct aws_client *c, const char *bucket, const char *key,
    const char *upload_id, int part, const void *data, size_t len,
    char **etag, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "UploadPart", "PUT");
	struct aws_resp	 resp = AWS_RESP_INIT;
	char		 num[16];
	const char	*e;
	int		 rc = -1;

	*etag = NULL;
	snprintf(num, sizeof(num), "%d", part);
	req.bucket = bucket;
	s_key(&req, key);
	aws_req_query(&req, "partNumber", num);
	aws_req_query(&req, "uploadId", upload_id);
	req.body = data;
	req.bodylen = len;
	req.progress = 1;
	aws_req_header(&req, "Content-Type", "application/octet-stream");
	if (aws_send(c, &req, &resp, err) == -1)
		goto out;
	if ((e = aws_resp_header(&resp, "etag")) == NULL) {
		cz_errf(err, "s3 UploadPart: answer has no ETag");
		goto out;
	}
	*etag = cz_xstrdup(e);
	rc = 0;
out:
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_complete_multipart_upload(struct aws_client *c, const char *bucket,
    const char *key, const char *upload_id, const struct cz_strv *etags,
    int if_none_match, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3",
			    "CompleteMultipartUpload", "POST");
	struct aws_resp	 resp = AWS_RESP_INIT;
	struct cz_buf	 b = CZ_BUF_INIT;
	size_t		 i;
	int		 rc;

	cz_buf_adds(&b, "<CompleteMultipartUpload xmlns=\"http://s3."
	    "amazonaws.com/doc/2006-03-01/\">");
	for (i = 0; i < etags->n; i++) {
		cz_buf_addf(&b, "<Part><PartNumber>%zu</PartNumber><ETag>",
		    i + 1);
		s_xml_text(&b, etags->v[i]);
		cz_buf_adds(&b, "</ETag></Part>");
	}
	cz_buf_adds(&b, "</CompleteMultipartUpload>");
	req.bucket = bucket;
	s_key(&req, key);
	aws_req_query(&req, "uploadId", upload_id);
	req.body = b.s;
	req.bodylen = b.len;
	aws_req_header(&req, "Content-Type", "application/xml");
	if (if_none_match)
		aws_req_header(&req, "If-None-Match", "*");
	rc = s_send(c, &req, &resp, "PreconditionFailed", NULL, err);
	/* S3 can answer 200 with an <Error> body to a completion. */
	if (rc == 0 && resp.body.len && strstr(resp.body.s, "<Error>") &&
	    !strstr(resp.body.s, "CompleteMultipartUploadResult"))
		rc = aws_error_from_resp("s3", "CompleteMultipartUpload",
		    &resp, err);
	aws_req_release(&req);
	aws_resp_release(&resp);
	cz_buf_release(&b);
	return rc;
}

int
s3_abort_multipart_upload(struct aws_client *c, const char *bucket,
    const char *key, const char *upload_id, struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "AbortMultipartUpload",
			    "DELETE");
	struct aws_resp	 resp = AWS_RESP_INIT;
	int		 rc;

	req.bucket = bucket;
	s_key(&req, key);
	aws_req_query(&req, "uploadId", upload_id);
	rc = s_send(c, &req, &resp, "NoSuchUpload", NULL, err);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

void
s3_uploads_release(struct s3_uploads *us)
{
	size_t	i;

	for (i = 0; i < us->n; i++) {
		free(us->v[i].key);
		free(us->v[i].upload_id);
		free(us->v[i].initiated);
	}
	free(us->v);
	memset(us, 0, sizeof(*us));
}

int
s3_list_multipart_uploads(struct aws_client *c, const char *bucket,
    const char *prefix, struct s3_uploads *us, struct cz_err *err)
{
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*root, *u;
	struct s3_upload	*up;
	char			*km = NULL, *um = NULL, *trunc = NULL;
	size_t			 page;
	int			 rc = -1, r;

	for (page = 0; page < 10000; page++) {
		struct aws_req	req = AWS_REQ_INIT("s3",
				    "ListMultipartUploads", "GET");
		struct aws_resp	resp = AWS_RESP_INIT;

		req.bucket = bucket;
		aws_req_path_raw(&req, "/");
		aws_req_query(&req, "uploads", "");
		if (prefix)
			aws_req_query(&req, "prefix", prefix);
		if (km)
			aws_req_query(&req, "key-marker", km);
		if (um)
			aws_req_query(&req, "upload-id-marker", um);
		r = s_send(c, &req, &resp, "NoSuchBucket", NULL, err);
		if (r == 0)
			r = aws_xml_parse(resp.body.s, resp.body.len, &x, err);
		aws_req_release(&req);
		aws_resp_release(&resp);
		if (r != 0) {
			rc = r;
			goto out;
		}
		root = aws_xml_root(x);
		for (u = aws_xml_find(root, "Upload"); u;
		    u = aws_xml_next(u)) {
			us->v = cz_xrealloc(us->v, (us->n + 1) *
			    sizeof(*us->v));
			up = &us->v[us->n];
			up->key = aws_xml_text(u, "Key");
			up->upload_id = aws_xml_text(u, "UploadId");
			up->initiated = aws_xml_text(u, "Initiated");
			if (up->key == NULL || up->upload_id == NULL) {
				free(up->key);
				free(up->upload_id);
				free(up->initiated);
				continue;
			}
			us->n++;
		}
		free(km);
		free(um);
		free(trunc);
		km = aws_xml_text(root, "NextKeyMarker");
		um = aws_xml_text(root, "NextUploadIdMarker");
		trunc = aws_xml_text(root, "IsTruncated");
		aws_xml_free(x);
		x = NULL;
		if (trunc == NULL || strcmp(trunc, "true") != 0 ||
		    km == NULL)
			break;
	}
	rc = 0;
out:
	free(km);
	free(um);
	free(trunc);
	aws_xml_free(x);
	return rc;
}

void
s3_objects_release(struct s3_objects *os)
{
	size_t	i;

	for (i = 0; i < os->n; i++)
		free(os->v[i].key);
	free(os->v);
	memset(os, 0, sizeof(*os));
}

int
s3_list_objects_v2(struct aws_client *c, const char *bucket,
    const char *prefix, struct s3_objects *os, struct cz_err *err)
{
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*root, *o;
	char			*token = NULL, *trunc = NULL, *t;
	size_t			 page;
	int			 rc = -1, r;

	for (page = 0; page < 10000; page++) {
		struct aws_req	req = AWS_REQ_INIT("s3", "ListObjectsV2",
				    "GET");
		struct aws_resp	resp = AWS_RESP_INIT;

		req.bucket = bucket;
		aws_req_path_raw(&req, "/");
		aws_req_query(&req, "list-type", "2");
		if (prefix)
			aws_req_query(&req, "prefix", prefix);
		if (token)
			aws_req_query(&req, "continuation-token", token);
		r = s_send(c, &req, &resp, "NoSuchBucket", NULL, err);
		if (r == 0)
			r = aws_xml_parse(resp.body.s, resp.body.len, &x, err);
		aws_req_release(&req);
		aws_resp_release(&resp);
		if (r != 0) {
			rc = r;
			goto out;
		}
		root = aws_xml_root(x);
		for (o = aws_xml_find(root, "Contents"); o;
		    o = aws_xml_next(o)) {
			if ((t = aws_xml_text(o, "Key")) == NULL)
				continue;
			os->v = cz_xrealloc(os->v, (os->n + 1) *
			    sizeof(*os->v));
			os->v[os->n].key = t;
			t = aws_xml_text(o, "Size");
			os->v[os->n++].size = t ? strtoll(t, NULL, 10) : 0;
			free(t);
		}
		free(token);
		free(trunc);
		token = aws_xml_text(root, "NextContinuationToken");
		trunc = aws_xml_text(root, "IsTruncated");
		aws_xml_free(x);
		x = NULL;
		if (trunc == NULL || strcmp(trunc, "true") != 0 ||
		    token == NULL)
			break;
	}
	rc = 0;
out:
	free(token);
	free(trunc);
	aws_xml_free(x);
	return rc;
}

int
s3_delete_object(struct aws_client *c, const char *bucket, const char *key,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "DeleteObject",
			    "DELETE");
	struct aws_resp	 resp = AWS_RESP_INIT;
	int		 rc;

	req.bucket = bucket;
	s_key(&req, key);
	rc = s_send(c, &req, &resp, "NoSuchKey", "NoSuchBucket", err);
	if (rc == 1)
		rc = 0;
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}

int
s3_delete_bucket(struct aws_client *c, const char *bucket,
    struct cz_err *err)
{
	struct aws_req	 req = AWS_REQ_INIT("s3", "DeleteBucket",
			    "DELETE");
	struct aws_resp	 resp = AWS_RESP_INIT;
	int		 rc;

	req.bucket = bucket;
	aws_req_path_raw(&req, "/");
	rc = s_send(c, &req, &resp, "NoSuchBucket", NULL, err);
	aws_req_release(&req);
	aws_resp_release(&resp);
	return rc;
}
