/*
 * aws/creds: every source of the SDKs' chain, in order, with the config
 * files, environment and a stand-in STS/HTTP (the shell test whoami.sh runs
 * the same sources against moto's real STS).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "aws/creds.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/xmalloc.h"
#include "t.h"

static char	 dir[] = "/tmp/czappa-creds.XXXXXX";
static char	 last_op[64], last_params[1024], last_signer[64], last_url[512],
		 last_hdr[512];
static int	 calls;

static int
fake_sts(void *arg, const char *region, const char *op,
    const struct cz_strv *params, const struct aws_creds *signer,
    struct aws_creds *out, struct cz_err *err)
{
	size_t	i, n = 0;

	(void)arg;
	(void)region;
	(void)err;
	calls++;
	snprintf(last_op, sizeof(last_op), "%s", op);
	last_params[0] = '\0';
	for (i = 0; i < params->n; i++)
		n += (size_t)snprintf(last_params + n, sizeof(last_params) - n,
		    "%s%s", i ? "&" : "", params->v[i]);
	snprintf(last_signer, sizeof(last_signer), "%s",
	    signer ? signer->access_key : "(unsigned)");
	out->access_key = cz_xstrdup("ASIAASSUMED");
	out->secret_key = cz_xstrdup("assumedsecret");
	out->token = cz_xstrdup("assumedtoken");
	return 0;
}

static int
fake_get(void *arg, const char *url, const struct cz_strv *hdrs, char **body,
    struct cz_err *err)
{
	(void)arg;
	(void)err;
	calls++;
	snprintf(last_url, sizeof(last_url), "%s", url);
	snprintf(last_hdr, sizeof(last_hdr), "%s", hdrs->n ? hdrs->v[0] : "");
	if (strstr(url, "federation"))
		*body = cz_xstrdup("{\"roleCredentials\":{\"accessKeyId\":"
		    "\"ASIASSO\",\"secretAccessKey\":\"ssosecret\","
		    "\"sessionToken\":\"ssotoken\",\"expiration\":"
		    "4102444800000}}");
	else
		*body = cz_xstrdup("{\"AccessKeyId\":\"ASIACONTAINER\","
		    "\"SecretAccessKey\":\"csecret\",\"Token\":\"ctoken\","
		    "\"Expiration\":\"2100-01-01T00:00:00Z\"}");
	return 0;
}

static const struct aws_creds_io io = { fake_sts, fake_get, NULL };

static void
put(const char *name, const char *text)
{
	char		*p = cz_xasprintf("%s/%s", dir, name);
	struct cz_err	 err;

	cz_file_write(p, text, strlen(text), 0700, &err);
	free(p);
}

static void
clean_env(void)
{
	static const char *const vars[] = { "AWS_ACCESS_KEY_ID",
	    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
	    "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN",
	    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
	    "AWS_REGION", "AWS_DEFAULT_REGION",
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_ENDPOINT_URL",
	    "AWS_ENDPOINT_URL_SSO", NULL };
	int	i;

	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

/* Resolves with opts; checks key and source, or the error. */
static void
check(const char *name, const char *profile, const char *config_profile,
    const char *want_key, const char *want_source)
{
	struct aws_creds_opts	o = { profile, config_profile, "us-east-1" };
	struct aws_creds	c;
	struct cz_err		err;
	int			rc;

	cz_err_clear(&err);
	rc = aws_creds_resolve(&o, &io, &c, &err);
	if (want_key == NULL) {
		T_OK(rc == -1, "%s: fails", name);
		T_STREQ(err.msg, want_source, "%s: message", name);
		return;
	}
	if (!T_OK(rc == 0, "%s: resolves (%s)", name, err.msg))
		return;
	T_STREQ(c.access_key, want_key, "%s: access key", name);
	T_STREQ(c.source, want_source, "%s: source", name);
	aws_creds_release(&c);
}

int
main(void)
{
	char	*cfg, *cred, *want, *region = NULL;

	if (mkdtemp(dir) == NULL)
		return 1;
	cfg = cz_xasprintf("%s/config", dir);
	cred = cz_xasprintf("%s/credentials", dir);
	setenv("AWS_CONFIG_FILE", cfg, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	setenv("HOME", dir, 1);
	clean_env();

	put("credentials",
	    "# comment\n"
	    "[default]\n"
	    "aws_access_key_id = AKIDDEFAULT\n"
	    "aws_secret_access_key = defsecret\n"
	    "\n[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key=devs\n"
	    "aws_session_token = devtoken\n"
	    "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = bases\n");
	put("config",
	    "[default]\nregion = eu-west-3\n"
	    "[profile cfgkeys]\naws_access_key_id = AKIDCFG\n"
	    "aws_secret_access_key = cfgs\nregion = ap-south-1\n"
	    "s3 =\n  max_concurrent_requests = 20\n"
	    "[profile  proc]\ncredential_process = \"%s/proc.sh\" 'arg one'\n"
	    "[profile badproc]\ncredential_process = /bin/false\n"
	    "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\n"
	    "source_profile = base\nrole_session_name = s1\n"
	    "external_id = ext9\n"
	    "[profile envrole]\nrole_arn = arn:aws:iam::1:role/e\n"
	    "credential_source = Environment\n"
	    "[profile webid]\nrole_arn = arn:aws:iam::1:role/w\n"
	    "web_identity_token_file = TOKENFILE\n"
	    "[profile loop1]\nrole_arn = arn:aws:iam::1:role/l\n"
	    "source_profile = loop2\n"
	    "[profile loop2]\nrole_arn = arn:aws:iam::1:role/l\n"
	    "source_profile = loop1\n"
	    "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\n"
	    "source_profile = base\nmfa_serial = arn:aws:iam::1:mfa/u\n"
	    "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\n"
	    "sso_role_name = Dev\n"
	    "[sso-session corp]\nsso_region = us-east-1\n"
	    "sso_start_url = https://corp.awsapps.com/start\n");
	/* The config above holds two placeholders; fill them in. */
	{
		struct cz_buf	 b = CZ_BUF_INIT, o = CZ_BUF_INIT;
		struct cz_err	 e;
		char		*p, *tok = cz_xasprintf("%s/token", dir);

		cz_file_read(cfg, &b, &e);
		p = strstr(b.s, "%s");
		cz_buf_add(&o, b.s, (size_t)(p - b.s));
		cz_buf_adds(&o, dir);
		p += 2;
		{
			char	*q = strstr(p, "TOKENFILE");

			cz_buf_add(&o, p, (size_t)(q - p));
			cz_buf_adds(&o, tok);
			cz_buf_adds(&o, q + 9);
		}
		put("config", o.s);
		put("token", "eyJ.web.token\n");
		cz_buf_release(&b);
		cz_buf_release(&o);
		free(tok);
	}
	put("proc.sh", "#!/bin/sh\n[ \"$1\" = 'arg one' ] || exit 3\n"
	    "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
	    "\"SecretAccessKey\": \"procs\", \"SessionToken\": \"proct\", "
	    "\"Expiration\": \"2100-01-01T00:00:00Z\"}'\n");

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	check("environment first", NULL, NULL, "AKIDENV", "environment");
	setenv("AWS_PROFILE", "dev", 1);
	check("environment beats AWS_PROFILE", NULL, NULL, "AKIDENV",
	    "environment");
	want = cz_xasprintf("profile dev (%s)", cred);
	check("--profile beats environment", "dev", NULL, "AKIDDEV", want);
	free(want);
	clean_env();
	want = cz_xasprintf("profile default (%s)", cred);
	check("default profile", NULL, NULL, "AKIDDEFAULT", want);
	free(want);
	setenv("AWS_PROFILE", "dev", 1);
	want = cz_xasprintf("profile dev (%s)", cred);
	check("AWS_PROFILE", NULL, "cfgkeys", "AKIDDEV", want);
	free(want);
	unsetenv("AWS_PROFILE");
	want = cz_xasprintf("profile cfgkeys (%s)", cfg);
	check("serverless.yaml profile, keys in config", NULL, "cfgkeys",
	    "AKIDCFG", want);
	free(want);
	check("credential_process", "proc", NULL, "AKIDPROC",
	    "credential_process (profile proc)");
	check("failing credential_process", "badproc", NULL, NULL,
	    "credential_process of profile badproc: /bin/false exited with "
	    "status 1");
	calls = 0;
	check("assume role via source_profile", "admin", NULL, "ASIAASSUMED",
	    "assumed role arn:aws:iam::123456789012:role/admin (profile "
	    "admin)");
	T_STREQ(last_op, "AssumeRole", "assume role: operation");
	T_STREQ(last_params, "RoleArn=arn:aws:iam::123456789012:role/admin&"
	    "RoleSessionName=s1&ExternalId=ext9", "assume role: parameters");
	T_STREQ(last_signer, "AKIDBASE", "assume role: signed by the "
	    "source profile's keys");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	check("credential_source Environment", "envrole", NULL,
	    "ASIAASSUMED", "assumed role arn:aws:iam::1:role/e (profile "
	    "envrole)");
	T_STREQ(last_signer, "AKIDENV", "credential_source: signed by the "
	    "environment's keys");
	clean_env();
	check("profile web identity", "webid", NULL, "ASIAASSUMED",
	    "web identity (arn:aws:iam::1:role/w)");
	T_STREQ(last_op, "AssumeRoleWithWebIdentity", "profile web identity: "
	    "operation");
	T_STREQ(last_signer, "(unsigned)", "web identity is unsigned");
	T_OK(strstr(last_params, "WebIdentityToken=eyJ.web.token") &&
	    !strstr(last_params, "token\n"), "web identity: token trimmed");
	check("source_profile loop", "loop1", NULL, NULL,
	    "profile loop2: source_profile chain is longer than 5 (a loop?)");
	check("mfa is refused, never prompted", "mfa", NULL, NULL,
	    "profile mfa: mfa_serial needs a token code and czappa never "
	    "prompts; export session credentials (aws sts get-session-token) "
	    "instead");
	want = cz_xasprintf("profile \"nope\" is not in %s or %s", cfg, cred);
	check("unknown explicit profile", "nope", NULL, NULL, want);
	free(want);
	/* Missing SSO cache: says how to log in. */
	want = cz_xasprintf("profile sso: no usable SSO token in %s/.aws/sso/"
	    "cache/", dir);
	{
		struct aws_creds_opts	o = { "sso", NULL, "us-east-1" };
		struct aws_creds	c;
		struct cz_err		err;

		T_OK(aws_creds_resolve(&o, &io, &c, &err) == -1 &&
		    strncmp(err.msg, want, strlen(want)) == 0 &&
		    strstr(err.msg, "aws sso login --profile sso"),
		    "sso without a cached token says to log in (%s)", err.msg);
	}
	free(want);
	{
		unsigned char	 md[SHA_DIGEST_LENGTH];
		struct cz_buf	 f = CZ_BUF_INIT;
		struct cz_err	 e;
		char		*c = cz_xasprintf("%s/.aws/sso/cache", dir);
		size_t		 i;

		cz_mkdirs(c, 0700, &e);
		/* The AWS CLI names the cache file sha1(session name). */
		SHA1((const unsigned char *)"corp", 4, md);
		cz_buf_addf(&f, ".aws/sso/cache/");
		for (i = 0; i < sizeof(md); i++)
			cz_buf_addf(&f, "%02x", md[i]);
		cz_buf_adds(&f, ".json");
		put(f.s, "{\"startUrl\": \"https://corp.awsapps.com/start\", "
		    "\"region\": \"us-east-1\", \"accessToken\": \"ssotok\", "
		    "\"expiresAt\": \"2100-01-01T00:00:00Z\"}");
		setenv("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9", 1);
		check("sso from the CLI's cached token", "sso", NULL, "ASIASSO",
		    "sso (profile sso, role Dev)");
		T_STREQ(last_url, "http://127.0.0.1:9/federation/credentials?"
		    "account_id=111122223333&role_name=Dev", "sso: URL");
		T_STREQ(last_hdr, "x-amz-sso_bearer_token: ssotok",
		    "sso: bearer token");
		unsetenv("AWS_ENDPOINT_URL_SSO");
		cz_buf_release(&f);
		free(c);
	}

	/* Web identity from the environment, as CI systems set it. */
	put("credentials", "");
	put("config", "");
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci", 1);
	want = cz_xasprintf("%s/token", dir);
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", want, 1);
	free(want);
	setenv("AWS_ROLE_SESSION_NAME", "gha-42", 1);
	check("environment web identity", NULL, NULL, "ASIAASSUMED",
	    "web identity (arn:aws:iam::123456789012:role/ci)");
	T_OK(strstr(last_params, "RoleSessionName=gha-42") != NULL,
	    "environment web identity: session name");
	clean_env();
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds/abc", 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer xyz", 1);
	check("container credentials", NULL, NULL, "ASIACONTAINER",
	    "container credentials");
	T_STREQ(last_url, "http://169.254.170.2/v2/creds/abc",
	    "container: URL");
	T_STREQ(last_hdr, "Authorization: Bearer xyz", "container: token");
	clean_env();
	want = cz_xasprintf("no AWS credentials found; tried environment "
	    "(AWS_ACCESS_KEY_ID), profile \"default\" (%s, %s), web identity "
	    "(AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), container "
	    "(AWS_CONTAINER_CREDENTIALS_*_URI)", cfg, cred);
	check("nothing anywhere names every source", NULL, NULL, NULL, want);
	free(want);

	/* Region order: AWS_REGION, AWS_DEFAULT_REGION, the profile. */
	put("config", "[default]\nregion = eu-west-3\n[profile x]\n"
	    "region = sa-east-1\n");
	T_OK(aws_region_from_env("default", &region) == 0 &&
	    strcmp(region, "eu-west-3") == 0, "region from the profile");
	free(region);
	T_OK(aws_region_from_env("x", &region) == 0 &&
	    strcmp(region, "sa-east-1") == 0, "region of a named profile");
	free(region);
	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	T_OK(aws_region_from_env("x", &region) == 0 &&
	    strcmp(region, "us-west-1") == 0, "AWS_DEFAULT_REGION beats it");
	free(region);
	setenv("AWS_REGION", "us-west-2", 1);
	T_OK(aws_region_from_env("x", &region) == 0 &&
	    strcmp(region, "us-west-2") == 0, "AWS_REGION beats both");
	free(region);
	clean_env();
	put("config", "");
	T_OK(aws_region_from_env("default", &region) == 1, "no region: 1");

	{
		const char	*rm[] = { "rm", "-rf", dir, NULL };
		struct cz_proc	 p;
		struct cz_err	 e;

		memset(&p, 0, sizeof(p));
		p.argv = rm;
		cz_proc_run(&p, &e);
	}
	free(cfg);
	free(cred);
	return t_done();
}
