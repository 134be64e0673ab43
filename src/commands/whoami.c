/*
 * czappa whoami: which account, identity, region and credential source
 * czappa would use (STS GetCallerIdentity).  The access key id is shown
 * masked, as `aws configure list` does; the secret never.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/client.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "services/sts.h"

static void
s_mask(char *out, size_t outsz, const char *key)
{
	size_t	n = key ? strlen(key) : 0;

	snprintf(out, outsz, "****************%s", n > 4 ? key + n - 4 : "");
}

static int
whoami_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct sts_identity	 id;
	char			 key[32];
	const char		*ep = getenv("AWS_ENDPOINT_URL");
	json_t			*j;

	if (sts_get_caller_identity(ctx->aws, &id, err) == -1)
		return -1;
	s_mask(key, sizeof(key), aws_client_access_key(ctx->aws));
	if (!aws_client_custom_endpoint(ctx->aws, "sts"))
		ep = NULL;
	else if (getenv("AWS_ENDPOINT_URL_STS"))
		ep = getenv("AWS_ENDPOINT_URL_STS");
	if (ui_json()) {
		j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?}",
		    "account", id.account, "arn", id.arn, "user_id",
		    id.user_id ? id.user_id : "", "region",
		    aws_client_region(ctx->aws), "credential_source",
		    aws_client_creds_source(ctx->aws), "access_key_id", key,
		    "endpoint", ep);
		json_dumpf(j, stdout, JSON_COMPACT);
		ui_out("\n");
		json_decref(j);
	} else {
		ui_out("account     %s\n", id.account);
		ui_out("identity    %s\n", id.arn);
		ui_out("region      %s\n", aws_client_region(ctx->aws));
		ui_out("credentials %s\n", aws_client_creds_source(ctx->aws));
		ui_out("access key  %s\n", key);
		if (ep)
			ui_out("endpoint    %s\n", ep);
	}
	sts_identity_release(&id);
	return 0;
}

const struct cli_command cmd_whoami = {
	.name = "whoami",
	.args = "",
	.summary = "show the account, identity, region and credential source "
	    "in use",
	.needs = CLI_NEEDS_AWS | CLI_OPTIONAL_CONFIG,
	.min_args = 0,
	.max_args = 0,
	.run = whoami_run,
};
