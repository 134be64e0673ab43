/*
 * aws/creds: credentials in the order the AWS SDKs use, and the region.
 *
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *      (+ AWS_SESSION_TOKEN); skipped when --profile names a profile
 *   2. the profile (--profile, else AWS_PROFILE, else serverless.yaml's
 *      profile, else "default") in ~/.aws/config and ~/.aws/credentials
 *      (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE):
 *      role_arn + source_profile / credential_source=Environment (AssumeRole),
 *      role_arn + web_identity_token_file, sso_* (the CLI's cached token),
 *      static keys, credential_process
 *   3. web identity from AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (CI)
 *   4. container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI /
 *      _RELATIVE_URI), as CodeBuild and ECS provide
 *
 * STS and SSO calls go through callbacks the client provides, so this file
 * sends nothing itself.  Secrets live only in struct aws_creds and never
 * reach a message.
 */
#ifndef CZ_AWS_CREDS_H
#define CZ_AWS_CREDS_H

#include "base/err.h"
#include "base/strv.h"

struct aws_creds {
	char		*access_key;
	char		*secret_key;	/* never printed */
	/* session token or NULL; never printed */
	char		*token;
	long long	 expires_ms;	/* epoch ms; 0: does not expire */
	char		 source[160];	/* "environment", "profile dev (...)" */
};

/* What the resolver needs from the client. */
struct aws_creds_io {
	/*
	 * Calls STS `op` (AssumeRole, AssumeRoleWithWebIdentity) in region
	 * with query params ("Key=Value", unencoded), signed with signer or
	 * unsigned when signer is NULL; fills *out from the answer's
	 * Credentials.  0 or -1 and *err.
	 */
	int	(*sts)(void *arg, const char *region, const char *op,
		    const struct cz_strv *params,
		    const struct aws_creds *signer, struct aws_creds *out,
		    struct cz_err *err);
	/*
	 * GETs url (http or https) with headers ("Name: value") and puts the
	 * body in *body (new string).  0 or -1 and *err.  For SSO and
	 * container credentials.
	 */
	int	(*http_get)(void *arg, const char *url,
		    const struct cz_strv *headers, char **body,
		    struct cz_err *err);
	void	*arg;
};

struct aws_creds_opts {
	/* --profile: explicit, beats env keys */
	const char	*profile;
	/* serverless.yaml: below AWS_PROFILE */
	const char	*config_profile;
	const char	*region;	/* for STS calls; NULL: us-east-1 */
};

/* 0 and *out filled; -1 and *err listing every source tried. */
int	aws_creds_resolve(const struct aws_creds_opts *,
	    const struct aws_creds_io *, struct aws_creds *out,
	    struct cz_err *err);
void	aws_creds_release(struct aws_creds *);
void	aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src);

/* The profile the chain reads: explicit, AWS_PROFILE, config, "default". */
const char *aws_creds_profile_name(const struct aws_creds_opts *);
/*
 * Region in the SDKs' order after the caller's flag and config:
 * AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region`.  New string
 * in *out; 1 if none is set anywhere.
 */
int	aws_region_from_env(const char *profile, char **out);
/*
 * A profile setting (config file, then credentials file for the key
 * names the credentials file may hold).  New string in *out; 0 found, 1
 * absent.
 */
int	aws_profile_get(const char *profile, const char *key, char **out);
/* "2026-11-24T06:00:00Z" (fractions and offsets allowed) -> epoch ms, as
 * STS, SSO and credential_process give expirations; 0 if unreadable. */
long long aws_iso8601_ms(const char *);
/* Parses credential_process JSON output (Version 1) into *out. */
int	aws_creds_from_process_json(const char *json, struct aws_creds *out,
	    struct cz_err *err);

#endif
