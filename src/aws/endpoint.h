/*
 * aws/endpoint: where each service lives.  Real AWS by service and region
 * (S3 virtual-hosted style), or the SDKs' standard overrides
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (path-style S3 then), unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.  Pure: reads the environment,
 * no network.
 */
#ifndef CZ_AWS_ENDPOINT_H
#define CZ_AWS_ENDPOINT_H

#include "base/err.h"

struct aws_endpoint {
	/*
	 * "https://lambda.us-east-1.amazonaws.com" or the override, no
	 * trailing '/'
	 */
	char		*base;
	char		*host;		/* Host header: host[:port] */
	char		*base_path;	/* path of an override URL, or "" */
	char		*signing_region; /* us-east-1 for IAM's global host */
	const char	*signing_name;	/* "lambda", "apigateway", "s3" */
	int		 path_style;	/* S3: bucket goes first in the path */
	int		 custom;	/* an override is in use */
};

/*
 * service: czappa's key ("s3" "lambda" "iam" "sts" "apigatewayv2" "events"
 * "logs" "tagging").  bucket: S3 only, or NULL.  0 and *ep; -1 and *err for
 * an unknown service, a malformed region or a bad override URL.
 */
int	aws_endpoint_resolve(const char *service, const char *region,
	    const char *bucket, struct aws_endpoint *ep, struct cz_err *);
void	aws_endpoint_release(struct aws_endpoint *);
/* 1 if an override applies to service. */
int	aws_endpoint_overridden(const char *service);
/* 1 if region looks like one ([a-z]{2}(-[a-z]+)+-[0-9]+). */
int	aws_region_valid(const char *region);

#endif
