/*
 * services/s3: the S3 calls a stage needs: its artifact bucket (created
 * private, encrypted, tagged) and the content-addressed zips in it.  One
 * function per operation; none retries, waits or prints (aws/ retries
 * throttling and 5xx).  Keys are written as given, '/' kept as a separator.
 * Tags are passed as a flat list: key, value, key, value...
 */
#ifndef CZ_SERVICES_S3_H
#define CZ_SERVICES_S3_H

#include <stddef.h>

#include "aws/client.h"
#include "base/strv.h"

/* HeadBucket: 0 it exists and is ours; 1 no such bucket; -1 and *err (403:
 * someone else's). */
int	s3_head_bucket(struct aws_client *, const char *bucket,
	    struct cz_err *);
/* CreateBucket in region (LocationConstraint unless us-east-1).  0 also when
 * we already own it (BucketAlreadyOwnedByYou). */
int	s3_create_bucket(struct aws_client *, const char *bucket,
	    const char *region, struct cz_err *);
/* PutPublicAccessBlock with all four settings true. */
int	s3_put_public_access_block(struct aws_client *, const char *bucket,
	    struct cz_err *);
/* PutBucketEncryption: SSE-S3 (AES256) by default. */
int	s3_put_bucket_encryption(struct aws_client *, const char *bucket,
	    struct cz_err *);
/* PutBucketTagging: replaces the bucket's tags with tags (key, value...). */
int	s3_put_bucket_tagging(struct aws_client *, const char *bucket,
	    const struct cz_strv *tags, struct cz_err *);
/* GetBucketTagging: 0 and *tags (key, value...) appended; 1 when the bucket
 * has no tags or does not exist. */
int	s3_get_bucket_tagging(struct aws_client *, const char *bucket,
	    struct cz_strv *tags, struct cz_err *);
/* HeadObject: 0 and *size (may be NULL); 1 no such key. */
int	s3_head_object(struct aws_client *, const char *bucket,
	    const char *key, long long *size, struct cz_err *);
/*
 * PutObject of len bytes (borrowed).  With if_none_match the object is never
 * overwritten: 1 when the key already exists (412).  progress: report upload
 * progress through the client's hooks.
 */
int	s3_put_object(struct aws_client *, const char *bucket,
	    const char *key, const void *data, size_t len, int if_none_match,
	    int progress, struct cz_err *);
/* CreateMultipartUpload: 0 and *upload_id (free it). */
int	s3_create_multipart_upload(struct aws_client *, const char *bucket,
	    const char *key, char **upload_id, struct cz_err *);
/* UploadPart part (1-based): 0 and *etag (free it). */
int	s3_upload_part(struct aws_client *, const char *bucket,
	    const char *key, const char *upload_id, int part, const void *data,
	    size_t len, char **etag, struct cz_err *);
/* CompleteMultipartUpload with the parts' ETags in order.  With
 * if_none_match: 1 when the key appeared meanwhile (412). */
int	s3_complete_multipart_upload(struct aws_client *, const char *bucket,
	    const char *key, const char *upload_id, const struct cz_strv *etags,
	    int if_none_match, struct cz_err *);
/* AbortMultipartUpload: 0; 1 when no such upload. */
int	s3_abort_multipart_upload(struct aws_client *, const char *bucket,
	    const char *key, const char *upload_id, struct cz_err *);

struct s3_upload {
	char	*key;
	char	*upload_id;
	char	*initiated;	/* ISO 8601, as S3 reports it */
};

struct s3_uploads {
	struct s3_upload	*v;
	size_t			 n;
};

void	s3_uploads_release(struct s3_uploads *);
/*
 * ListMultipartUploads under prefix, every page (key-marker and
 * upload-id-marker): appends the uploads begun and neither completed nor
 * aborted to *out.  0; 1 when the bucket does not exist; -1 and *err.
 */
int	s3_list_multipart_uploads(struct aws_client *, const char *bucket,
	    const char *prefix, struct s3_uploads *out, struct cz_err *);

struct s3_object {
	char		*key;
	long long	 size;		/* bytes */
};

struct s3_objects {
	struct s3_object	*v;
	size_t			 n;
};

void	s3_objects_release(struct s3_objects *);
/* ListObjectsV2 under prefix, every page: appends to *out; 1 when the
 * bucket does not exist. */
int	s3_list_objects_v2(struct aws_client *, const char *bucket,
	    const char *prefix, struct s3_objects *out, struct cz_err *);
/* DeleteObject (idempotent on S3). */
int	s3_delete_object(struct aws_client *, const char *bucket,
	    const char *key, struct cz_err *);
/* DeleteBucket: 0; 1 no such bucket; -1 (BucketNotEmpty...). */
int	s3_delete_bucket(struct aws_client *, const char *bucket,
	    struct cz_err *);

#endif
