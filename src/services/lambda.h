/*
 * services/lambda: the Lambda control-plane calls of a stage: the function,
 * its versions, the `live` alias, resource policy statements and the
 * function URL.  One function per operation; none retries, waits or prints
 * (stage/ decides what to wait for).  "Not found" (ResourceNotFoundException)
 * returns 1.  Invoke lives in services/lambda_invoke.c (issue 5).
 * Environment and tags are flat lists: key, value, key, value...
 */
#ifndef CZ_SERVICES_LAMBDA_H
#define CZ_SERVICES_LAMBDA_H

#include "aws/client.h"
#include "base/strv.h"

struct lambda_fn {
	char		*name;
	/* FunctionArn, qualified if asked so */
	char		*arn;
	char		*version;	/* "$LATEST" or "3" */
	/* Pending | Active | Inactive | Failed; NULL when not reported */
	char		*state;
	char		*state_reason;
	char		*last_update_status; /* InProgress | Successful |
					 * Failed; NULL when not reported */
	char		*last_update_reason;
	/* base64, as Lambda reports it */
	char		*code_sha256;
	long long	 code_size;	/* bytes of the zip */
	char		*role;		/* role ARN */
	char		*runtime;
	char		*handler;
	char		*description;
	char		*architecture;	/* first of Architectures */
	int		 memory;	/* MB */
	int		 timeout;	/* seconds */
	/* ISO 8601 as Lambda gives it */
	char		*last_modified;
	char		*revision_id;
	/* key, value..., sorted by key */
	struct cz_strv	 environment;
	/* GetFunction only: key, value... */
	struct cz_strv	 tags;
};

void	lambda_fn_release(struct lambda_fn *);

/* GetFunction (configuration and tags); qualifier may be NULL.  0 and *fn;
 * 1 no such function, version or alias. */
int	lambda_get_function(struct aws_client *, const char *name,
	    const char *qualifier, struct lambda_fn *fn, struct cz_err *);
/* GetFunctionConfiguration: as lambda_get_function without tags. */
int	lambda_get_function_configuration(struct aws_client *,
	    const char *name, const char *qualifier, struct lambda_fn *fn,
	    struct cz_err *);

/* What CreateFunction and UpdateFunctionConfiguration send. */
struct lambda_fn_spec {
	const char		*name;
	const char		*role;		/* role ARN */
	const char		*runtime;	/* "provided.al2023" */
	const char		*handler;	/* "bootstrap" */
	const char		*description;
	const char		*architecture;	/* create only */
	int			 memory;	/* MB */
	int			 timeout;	/* seconds */
	/* key, value...; NULL: none */
	const struct cz_strv	*environment;
	const struct cz_strv	*tags;		/* create only */
	const char		*s3_bucket;	/* create only */
	const char		*s3_key;	/* create only */
};

/* CreateFunction from S3: 0 and *fn (may be NULL).  -1 with err->code
 * ResourceConflictException when it exists, InvalidParameterValueException
 * while a new role is not yet assumable. */
int	lambda_create_function(struct aws_client *,
	    const struct lambda_fn_spec *, struct lambda_fn *fn,
	    struct cz_err *);
/* UpdateFunctionCode from S3 (architecture may be NULL): 0 and *fn (may be
 * NULL). */
int	lambda_update_function_code(struct aws_client *, const char *name,
	    const char *bucket, const char *key, const char *architecture,
	    struct lambda_fn *fn, struct cz_err *);
/* UpdateFunctionConfiguration: role, runtime, handler, description,
 * memory, timeout, environment of spec. */
int	lambda_update_function_configuration(struct aws_client *,
	    const struct lambda_fn_spec *, struct lambda_fn *fn,
	    struct cz_err *);
/* TagResource on an ARN. */
int	lambda_tag_resource(struct aws_client *, const char *arn,
	    const struct cz_strv *tags, struct cz_err *);
/* DeleteFunction with every version: 0; 1 absent. */
int	lambda_delete_function(struct aws_client *, const char *name,
	    struct cz_err *);

/* PublishVersion, guarded by code_sha256 (may be NULL): 0 and *version
 * ("3"; free it).  Lambda returns the last version when nothing changed. */
int	lambda_publish_version(struct aws_client *, const char *name,
	    const char *code_sha256, const char *description, char **version,
	    struct cz_err *);

struct lambda_version {
	char		*version;	/* "1", "2"... never "$LATEST" */
	char		*code_sha256;
	long long	 code_size;
	char		*description;
	char		*last_modified;
	int		 memory;
	int		 timeout;
};

struct lambda_versions {
	struct lambda_version	*v;	/* ascending by number */
	size_t			 n;
};

void	lambda_versions_release(struct lambda_versions *);
/* ListVersionsByFunction, every page, without $LATEST, sorted ascending:
 * 0 and *out; 1 no such function. */
int	lambda_list_versions_by_function(struct aws_client *,
	    const char *name, struct lambda_versions *out, struct cz_err *);

/* GetAlias: 0 and *version (free it); 1 absent. */
int	lambda_get_alias(struct aws_client *, const char *name,
	    const char *alias, char **version, struct cz_err *);
/* CreateAlias: 0; 1 when it exists already (ConflictException). */
int	lambda_create_alias(struct aws_client *, const char *name,
	    const char *alias, const char *version, struct cz_err *);
int	lambda_update_alias(struct aws_client *, const char *name,
	    const char *alias, const char *version, struct cz_err *);
/* DeleteAlias: 0; 1 absent. */
int	lambda_delete_alias(struct aws_client *, const char *name,
	    const char *alias, struct cz_err *);

struct lambda_permission {
	const char	*sid;		/* StatementId */
	const char	*action;	/* "lambda:InvokeFunction" */
	/* "apigateway.amazonaws.com", "*" */
	const char	*principal;
	const char	*source_arn;	/* or NULL */
	/* "NONE" for a public URL, or NULL */
	const char	*url_auth_type;
};

/* AddPermission on name:qualifier: 0; 1 when the statement id exists. */
int	lambda_add_permission(struct aws_client *, const char *name,
	    const char *qualifier, const struct lambda_permission *,
	    struct cz_err *);
/* GetPolicy: statement ids appended to *sids; 1 no policy or function. */
int	lambda_get_policy(struct aws_client *, const char *name,
	    const char *qualifier, struct cz_strv *sids, struct cz_err *);
/* RemovePermission: 0; 1 absent. */
int	lambda_remove_permission(struct aws_client *, const char *name,
	    const char *qualifier, const char *sid, struct cz_err *);

/* CreateFunctionUrlConfig (AuthType NONE): 0 and *url (free it); 1 when
 * one exists already. */
int	lambda_create_function_url_config(struct aws_client *,
	    const char *name, const char *qualifier, char **url,
	    struct cz_err *);
/* GetFunctionUrlConfig: 0 and *url; 1 absent. */
int	lambda_get_function_url_config(struct aws_client *, const char *name,
	    const char *qualifier, char **url, struct cz_err *);
/* DeleteFunctionUrlConfig: 0; 1 absent. */
int	lambda_delete_function_url_config(struct aws_client *,
	    const char *name, const char *qualifier, struct cz_err *);

#endif
