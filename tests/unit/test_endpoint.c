/* aws/endpoint: real hosts by service and region, and the SDKs' overrides. */
#include <stdlib.h>

#include "aws/endpoint.h"
#include "t.h"

static const struct {
	const char	*name, *service, *region, *bucket;
	const char	*env, *envval;		/* an override, or NULL */
	const char	*base, *host, *sregion, *sname;
	int		 path_style;
} cases[] = {
	{ "lambda regional", "lambda", "eu-west-1", NULL, NULL, NULL,
	  "https://lambda.eu-west-1.amazonaws.com",
	  "lambda.eu-west-1.amazonaws.com", "eu-west-1", "lambda", 0 },
	{ "iam is global", "iam", "eu-west-1", NULL, NULL, NULL,
	  "https://iam.amazonaws.com", "iam.amazonaws.com", "us-east-1",
	  "iam", 0 },
	{ "iam in china", "iam", "cn-north-1", NULL, NULL, NULL,
	  "https://iam.cn-north-1.amazonaws.com.cn",
	  "iam.cn-north-1.amazonaws.com.cn", "cn-north-1", "iam", 0 },
	{ "sts regional", "sts", "ap-northeast-1", NULL, NULL, NULL,
	  "https://sts.ap-northeast-1.amazonaws.com",
	  "sts.ap-northeast-1.amazonaws.com", "ap-northeast-1", "sts", 0 },
	{ "apigatewayv2 signs as apigateway", "apigatewayv2", "us-east-1",
	  NULL, NULL, NULL, "https://apigateway.us-east-1.amazonaws.com",
	  "apigateway.us-east-1.amazonaws.com", "us-east-1", "apigateway",
	  0 },
	{ "s3 virtual-hosted", "s3", "us-west-2", "my-bucket", NULL, NULL,
	  "https://my-bucket.s3.us-west-2.amazonaws.com",
	  "my-bucket.s3.us-west-2.amazonaws.com", "us-west-2", "s3", 0 },
	{ "s3 dotted bucket is path-style", "s3", "us-west-2", "my.bucket",
	  NULL, NULL, "https://s3.us-west-2.amazonaws.com",
	  "s3.us-west-2.amazonaws.com", "us-west-2", "s3", 1 },
	{ "s3 without bucket", "s3", "us-east-1", NULL, NULL, NULL,
	  "https://s3.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com",
	  "us-east-1", "s3", 0 },
	{ "AWS_ENDPOINT_URL for all", "logs", "us-east-1", NULL,
	  "AWS_ENDPOINT_URL", "http://127.0.0.1:5000",
	  "http://127.0.0.1:5000", "127.0.0.1:5000", "us-east-1", "logs", 0 },
	{ "override makes s3 path-style", "s3", "eu-west-1", "b1x",
	  "AWS_ENDPOINT_URL", "http://127.0.0.1:5000/",
	  "http://127.0.0.1:5000", "127.0.0.1:5000", "eu-west-1", "s3", 1 },
	{ "service override wins", "events", "us-east-1", NULL,
	  "AWS_ENDPOINT_URL_EVENTBRIDGE", "https://eb.example:8443/base",
	  "https://eb.example:8443", "eb.example:8443", "us-east-1",
	  "events", 0 },
	{ "cloudwatch logs override name", "logs", "us-east-1", NULL,
	  "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://localhost:1",
	  "http://localhost:1", "localhost:1", "us-east-1", "logs", 0 },
	{ "override of iam still signs us-east-1", "iam", "eu-west-3", NULL,
	  "AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:9",
	  "http://127.0.0.1:9", "127.0.0.1:9", "us-east-1", "iam", 0 },
};

static const struct {
	const char	*name, *service, *region, *env, *envval, *want;
} bad[] = {
	{ "unknown service", "ec2", "us-east-1", NULL, NULL,
	  "unknown AWS service \"ec2\"" },
	{ "region with a slash", "lambda", "us-east-1/x", NULL, NULL,
	  "\"us-east-1/x\" is not an AWS region (e.g. us-east-1)" },
	{ "empty region", "lambda", "", NULL, NULL,
	  "\"\" is not an AWS region (e.g. us-east-1)" },
	{ "override without scheme", "lambda", "us-east-1",
	  "AWS_ENDPOINT_URL", "127.0.0.1:5000",
	  "endpoint URL \"127.0.0.1:5000\" must start with http:// or "
	  "https://" },
	{ "override with credentials in it", "lambda", "us-east-1",
	  "AWS_ENDPOINT_URL", "http://u:p@h/",
	  "endpoint URL \"http://u:p@h/\" has no usable host" },
};

int
main(void)
{
	struct aws_endpoint	ep;
	struct cz_err		err;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsetenv("AWS_ENDPOINT_URL");
		unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
		if (cases[i].env)
			setenv(cases[i].env, cases[i].envval, 1);
		if (!T_OK(aws_endpoint_resolve(cases[i].service,
		    cases[i].region, cases[i].bucket, &ep, &err) == 0,
		    "%s: resolves (%s)", cases[i].name, err.msg))
			continue;
		T_STREQ(ep.base, cases[i].base, "%s: base", cases[i].name);
		T_STREQ(ep.host, cases[i].host, "%s: host", cases[i].name);
		T_STREQ(ep.signing_region, cases[i].sregion,
		    "%s: signing region", cases[i].name);
		T_STREQ(ep.signing_name, cases[i].sname, "%s: signing name",
		    cases[i].name);
		T_OK(ep.path_style == cases[i].path_style, "%s: path style",
		    cases[i].name);
		aws_endpoint_release(&ep);
		if (cases[i].env)
			unsetenv(cases[i].env);
	}
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	T_OK(aws_endpoint_resolve("lambda", "us-east-1", NULL, &ep, &err) ==
	    0 && ep.custom == 0, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true "
	    "ignores overrides");
	aws_endpoint_release(&ep);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].env)
			setenv(bad[i].env, bad[i].envval, 1);
		T_OK(aws_endpoint_resolve(bad[i].service, bad[i].region, NULL,
		    &ep, &err) == -1, "%s: refused", bad[i].name);
		T_STREQ(err.msg, bad[i].want, "%s: message", bad[i].name);
		if (bad[i].env)
			unsetenv(bad[i].env);
	}
	T_OK(aws_region_valid("us-gov-west-1"), "us-gov-west-1 is a region");
	T_OK(!aws_region_valid("US-EAST-1"), "upper case is not a region");
	return t_done();
}
