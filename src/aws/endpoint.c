/*
 * aws/endpoint: see endpoint.h.  The per-service environment names are the
 * SDKs' (service id upper-cased, spaces to underscores): AWS_ENDPOINT_URL_S3,
 * _LAMBDA, _IAM, _STS, _APIGATEWAYV2, _EVENTBRIDGE, _CLOUDWATCH_LOGS,
 * _RESOURCE_GROUPS_TAGGING_API.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/endpoint.h"
#include "base/xmalloc.h"

static const struct {
	const char	*key;
	const char	*signing_name;
	const char	*env;		/* AWS_ENDPOINT_URL_<env> */
	const char	*host;		/* host prefix on AWS */
	int		 global;	/* one endpoint for the partition */
} s_services[] = {
	{ "s3",		  "s3",		"S3",		"s3",		0 },
	{ "lambda",	  "lambda",	"LAMBDA",	"lambda",	0 },
	{ "iam",	  "iam",	"IAM",		"iam",		1 },
	{ "sts",	  "sts",	"STS",		"sts",		0 },
	{ "apigatewayv2", "apigateway",	"APIGATEWAYV2",	"apigateway",	0 },
	{ "events",	  "events",	"EVENTBRIDGE",	"events",	0 },
	{ "logs",	  "logs",	"CLOUDWATCH_LOGS", "logs",	0 },
	{ "tagging",	  "tagging",	"RESOURCE_GROUPS_TAGGING_API",
	  "tagging", 0 },
};

static int
s_find(const char *service)
{
	size_t	i;

	for (i = 0; i < sizeof(s_services) / sizeof(s_services[0]); i++)
		if (strcmp(s_services[i].key, service) == 0)
			return (int)i;
	return -1;
}

int
aws_region_valid(const char *r)
{
	size_t	i, dashes = 0;

	if (r == NULL || strlen(r) < 4 || strlen(r) > 32)
		return 0;
	for (i = 0; r[i]; i++) {
		if (r[i] == '-') {
			if (i == 0 || r[i + 1] == '\0' || r[i + 1] == '-')
				return 0;
			dashes++;
		} else if (!islower((unsigned char)r[i]) &&
		    !isdigit((unsigned char)r[i]))
			return 0;
	}
	return dashes >= 2 && isdigit((unsigned char)r[i - 1]);
}

static const char *
s_override(int i)
{
	char		 name[64];
	const char	*v, *ign =
	    getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

	if (ign && strcasecmp(ign, "true") == 0)
		return NULL;
	snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", s_services[i].env);
	if ((v = getenv(name)) != NULL && *v)
		return v;
	if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && *v)
		return v;
	return NULL;
}

int
aws_endpoint_overridden(const char *service)
{
	int	i = s_find(service);

	return i >= 0 && s_override(i) != NULL;
}

/* A bucket name that can be a DNS label under a wildcard certificate. */
static int
s_virtual_ok(const char *b)
{
	size_t	i, n = strlen(b);

	if (n < 3 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)b[i]) &&
		    !isdigit((unsigned char)b[i]) && b[i] != '-')
			return 0;
	return b[0] != '-' && b[n - 1] != '-';
}

int
aws_endpoint_resolve(const char *service, const char *region,
    const char *bucket, struct aws_endpoint *ep, struct cz_err *err)
{
	const char	*ov, *hs, *ps, *suffix;
	int		 i;
	size_t		 n;

	memset(ep, 0, sizeof(*ep));
	if ((i = s_find(service)) < 0)
		return cz_errf(err, "unknown AWS service \"%s\"", service);
	if (!aws_region_valid(region))
		return cz_errf(err, "\"%s\" is not an AWS region (e.g. "
		    "us-east-1)", region ? region : "");
	ep->signing_name = s_services[i].signing_name;
	if ((ov = s_override(i)) != NULL) {
		if (strncmp(ov, "http://", 7) != 0 &&
		    strncmp(ov, "https://", 8) != 0)
			return cz_errf(err, "endpoint URL \"%s\" must start "
			    "with http:// or https://", ov);
		hs = strstr(ov, "://") + 3;
		ps = strchr(hs, '/');
		n = ps ? (size_t)(ps - hs) : strlen(hs);
		if (n == 0 || memchr(hs, '@', n) || memchr(hs, '?', n))
			return cz_errf(err, "endpoint URL \"%s\" has no "
			    "usable host", ov);
		ep->host = cz_xstrndup(hs, n);
		ep->base = cz_xstrndup(ov, (size_t)(hs - ov) + n);
		ep->base_path = cz_xstrdup(ps ? ps : "");
		n = strlen(ep->base_path);
		while (n > 0 && ep->base_path[n - 1] == '/')
			ep->base_path[--n] = '\0';
		ep->signing_region = cz_xstrdup(s_services[i].global ?
		    "us-east-1" : region);
		ep->path_style = bucket != NULL;
		ep->custom = 1;
		return 0;
	}
	suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" :
	    "amazonaws.com";
	if (s_services[i].global) {
		if (strncmp(region, "cn-", 3) == 0) {
			ep->host = cz_xasprintf("%s.cn-north-1.%s",
			    s_services[i].host, suffix);
			ep->signing_region = cz_xstrdup("cn-north-1");
		} else if (strncmp(region, "us-gov-", 7) == 0) {
			ep->host = cz_xasprintf("%s.us-gov.%s",
			    s_services[i].host, suffix);
			ep->signing_region = cz_xstrdup("us-gov-west-1");
		} else {
			ep->host = cz_xasprintf("%s.%s", s_services[i].host,
			    suffix);
			ep->signing_region = cz_xstrdup("us-east-1");
		}
	} else if (bucket && s_virtual_ok(bucket))
		ep->host = cz_xasprintf("%s.%s.%s.%s", bucket,
		    s_services[i].host, region, suffix);
	else {
		ep->host = cz_xasprintf("%s.%s.%s", s_services[i].host, region,
		    suffix);
		ep->path_style = bucket != NULL;
	}
	if (ep->signing_region == NULL)
		ep->signing_region = cz_xstrdup(region);
	ep->base = cz_xasprintf("https://%s", ep->host);
	ep->base_path = cz_xstrdup("");
	return 0;
}

void
aws_endpoint_release(struct aws_endpoint *ep)
{
	free(ep->base);
	free(ep->host);
	free(ep->base_path);
	free(ep->signing_region);
	memset(ep, 0, sizeof(*ep));
}
