/*
 * aws/creds: the SDKs' credential chain; see creds.h for the order.  The
 * shared config files are INI as the CLI writes them: "[default]" and
 * "[profile NAME]" in config, "[NAME]" in credentials, "key = value", "#"
 * and ";" comments, indented lines belonging to a nested block (ignored).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "aws/creds.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/xmalloc.h"

#define MAX_SOURCE_DEPTH	5

static void
s_set_source(struct aws_creds *c, const char *fmt, const char *a,
    const char *b)
{
	snprintf(c->source, sizeof(c->source), fmt, a, b ? b : "");
}

void
aws_creds_release(struct aws_creds *c)
{
	if (c->secret_key)
		explicit_bzero(c->secret_key, strlen(c->secret_key));
	if (c->token)
		explicit_bzero(c->token, strlen(c->token));
	free(c->access_key);
	free(c->secret_key);
	free(c->token);
	memset(c, 0, sizeof(*c));
}

void
aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->access_key = src->access_key ? cz_xstrdup(src->access_key) : NULL;
	dst->secret_key = src->secret_key ? cz_xstrdup(src->secret_key) : NULL;
	dst->token = src->token ? cz_xstrdup(src->token) : NULL;
	dst->expires_ms = src->expires_ms;
	memcpy(dst->source, src->source, sizeof(dst->source));
}

static char *
s_home_path(const char *env, const char *rel)
{
	const char	*v = getenv(env), *home = getenv("HOME");

	if (v && *v) {
		if (v[0] == '~' && v[1] == '/' && home)
			return cz_xasprintf("%s%s", home, v + 1);
		return cz_xstrdup(v);
	}
	return cz_xasprintf("%s/%s", home ? home : "", rel);
}

static char *
s_config_path(void)
{
	return s_home_path("AWS_CONFIG_FILE", ".aws/config");
}

static char *
s_credentials_path(void)
{
	return s_home_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
}

static char *
s_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * Looks key up in [section] of an INI file.  0 and *out; 1 if absent (or
 * the file is missing).  *section_seen tells whether the section exists.
 */
static int
s_ini_get(const char *path, const char *section, const char *key,
    char **out, int *section_seen)
{
	struct cz_buf	 file = CZ_BUF_INIT;
	struct cz_err	 e;
	char		*line, *next, *p, *eq;
	int		 in = 0, rc = 1;

	*out = NULL;
	cz_buf_init(&file, 4 * 1024 * 1024);
	if (cz_file_read(path, &file, &e) == -1)
		goto out;
	for (line = file.s; line && *line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == ' ' || line[0] == '\t')
			continue;	/* nested block or continuation */
		p = s_trim(line);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			char	*end = strchr(p, ']');

			if (end == NULL) {
				in = 0;
				continue;
			}
			*end = '\0';
			p = s_trim(p + 1);
			/* "[profile  dev]" and "[profile dev]" are the same. */
			if (strncmp(p, "profile", 7) == 0 && (p[7] == ' ' ||
			    p[7] == '\t') && strncmp(section, "profile ",
			    8) == 0)
				in = strcmp(s_trim(p + 8), section + 8) == 0;
			else
				in = strcmp(p, section) == 0;
			if (in && section_seen)
				*section_seen = 1;
			continue;
		}
		if (!in || (eq = strchr(p, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcasecmp(s_trim(p), key) != 0)
			continue;
		free(*out);
		*out = cz_xstrdup(s_trim(eq + 1));
		rc = 0;
	}
out:
	cz_buf_release(&file);
	return rc;
}

/* The config file's section for profile; "default" may be either form. */
static int
s_config_get(const char *profile, const char *key, char **out, int *seen)
{
	char	*path = s_config_path(), *sec;
	int	 rc;

	sec = cz_xasprintf("profile %s", profile);
	rc = s_ini_get(path, sec, key, out, seen);
	if (rc == 1 && strcmp(profile, "default") == 0)
		rc = s_ini_get(path, "default", key, out, seen);
	free(sec);
	free(path);
	return rc;
}

static int
s_cred_file_get(const char *profile, const char *key, char **out, int *seen)
{
	char	*path = s_credentials_path();
	int	 rc;

	rc = s_ini_get(path, profile, key, out, seen);
	free(path);
	return rc;
}

int
aws_profile_get(const char *profile, const char *key, char **out)
{
	if (s_cred_file_get(profile, key, out, NULL) == 0)
		return 0;
	return s_config_get(profile, key, out, NULL);
}

const char *
aws_creds_profile_name(const struct aws_creds_opts *o)
{
	const char	*p;

	if (o && o->profile && *o->profile)
		return o->profile;
	if ((p = getenv("AWS_PROFILE")) != NULL && *p)
		return p;
	if ((p = getenv("AWS_DEFAULT_PROFILE")) != NULL && *p)
		return p;
	if (o && o->config_profile && *o->config_profile)
		return o->config_profile;
	return "default";
}

int
aws_region_from_env(const char *profile, char **out)
{
	const char	*v;

	if (((v = getenv("AWS_REGION")) != NULL && *v) ||
	    ((v = getenv("AWS_DEFAULT_REGION")) != NULL && *v)) {
		*out = cz_xstrdup(v);
		return 0;
	}
	return s_config_get(profile ? profile : "default", "region", out,
	    NULL);
}

/* "2026-11-24T06:00:00Z" (fractions and offsets allowed) -> epoch ms. */
long long
aws_iso8601_ms(const char *s)
{
	struct tm	 tm;
	const char	*p;
	long long	 t;
	int		 sign, oh = 0, om = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return 0;
	t = (long long)timegm(&tm) * 1000;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? 1 : -1;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) >= 1)
			t += sign * ((long long)oh * 3600 + om * 60) * 1000;
	}
	return t;
}

static int
s_take_json(json_t *o, const char *ak, const char *sk, const char *tk,
    const char *exp, struct aws_creds *out, struct cz_err *err,
    const char *what)
{
	const char	*a, *s, *t;
	json_t		*e;

	a = json_string_value(json_object_get(o, ak));
	s = json_string_value(json_object_get(o, sk));
	t = json_string_value(json_object_get(o, tk));
	if (a == NULL || s == NULL || *a == '\0' || *s == '\0')
		return cz_errf(err, "%s: answer has no %s/%s", what, ak, sk);
	out->access_key = cz_xstrdup(a);
	out->secret_key = cz_xstrdup(s);
	out->token = t && *t ? cz_xstrdup(t) : NULL;
	e = json_object_get(o, exp);
	if (json_is_string(e))
		out->expires_ms = aws_iso8601_ms(json_string_value(e));
	else if (json_is_integer(e))
		out->expires_ms = json_integer_value(e);
	return 0;
}

int
aws_creds_from_process_json(const char *text, struct aws_creds *out,
    struct cz_err *err)
{
	json_error_t	 je;
	json_t		*o;
	int		 rc = -1;

	if ((o = json_loads(text, 0, &je)) == NULL || !json_is_object(o)) {
		cz_errf(err, "credential_process: output is not a JSON object "
		    "(line %d: %s)", je.line, o ? "not an object" : je.text);
		goto out;
	}
	if (json_integer_value(json_object_get(o, "Version")) != 1) {
		cz_errf(err, "credential_process: output must have "
		    "\"Version\": 1");
		goto out;
	}
	rc = s_take_json(o, "AccessKeyId", "SecretAccessKey", "SessionToken",
	    "Expiration", out, err, "credential_process");
out:
	json_decref(o);
	return rc;
}

/* Splits a command line as the SDKs do: blanks, '...' and "..." quoting,
 * backslash escapes.  No shell is involved. */
static int
s_split(const char *cmd, struct cz_strv *argv, struct cz_err *err)
{
	struct cz_buf	 w = CZ_BUF_INIT;
	int		 q = 0, have = 0;

	for (; *cmd; cmd++) {
		if (q == 0 && (*cmd == ' ' || *cmd == '\t')) {
			if (have)
				cz_strv_take(argv, cz_buf_detach(&w));
			have = 0;
			continue;
		}
		have = 1;
		if (q == 0 && (*cmd == '\'' || *cmd == '"'))
			q = *cmd;
		else if (q && *cmd == q)
			q = 0;
		else if (*cmd == '\\' && q != '\'' && cmd[1])
			cz_buf_addch(&w, *++cmd);
		else
			cz_buf_addch(&w, *cmd);
	}
	if (have)
		cz_strv_take(argv, cz_buf_detach(&w));
	cz_buf_release(&w);
	if (q)
		return cz_errf(err, "credential_process: unbalanced quote");
	if (argv->n == 0)
		return cz_errf(err, "credential_process: empty command");
	return 0;
}

static int
s_process(const char *profile, const char *cmd, struct aws_creds *out,
    struct cz_err *err)
{
	struct cz_strv	 argv = CZ_STRV_INIT;
	struct cz_buf	 so = CZ_BUF_INIT, se = CZ_BUF_INIT;
	struct cz_proc	 p;
	int		 rc = -1;

	cz_buf_init(&so, 1024 * 1024);
	cz_buf_init(&se, 4096);
	if (s_split(cmd, &argv, err) == -1)
		goto out;
	memset(&p, 0, sizeof(p));
	p.argv = (const char *const *)argv.v;
	p.out = &so;
	p.errout = &se;
	p.timeout_ms = 60000;
	if (cz_proc_run(&p, err) == -1) {
		cz_err_prefix(err, "credential_process of profile %s", profile);
		goto out;
	}
	if (p.status != 0) {
		char	*nl = strchr(se.s, '\n');

		if (nl)
			*nl = '\0';
		cz_errf(err, "credential_process of profile %s: %s exited "
		    "with status %d%s%.200s", profile, argv.v[0], p.status,
		    se.len ? ": " : "", se.s);
		goto out;
	}
	if (aws_creds_from_process_json(so.s, out, err) == -1) {
		cz_err_prefix(err, "profile %s", profile);
		goto out;
	}
	s_set_source(out, "credential_process (profile %s)", profile, NULL);
	rc = 0;
out:
	if (so.len)
		explicit_bzero(so.s, so.len);
	cz_buf_release(&so);
	cz_buf_release(&se);
	cz_strv_release(&argv);
	return rc;
}

static int
s_static_keys(const char *profile, int from_cred_file, struct aws_creds *out)
{
	int	(*get)(const char *, const char *, char **, int *) =
		    from_cred_file ? s_cred_file_get : s_config_get;
	char	*ak = NULL, *sk = NULL, *tk = NULL, *path;

	if (get(profile, "aws_access_key_id", &ak, NULL) != 0 ||
	    get(profile, "aws_secret_access_key", &sk, NULL) != 0 ||
	    *ak == '\0' || *sk == '\0') {
		free(ak);
		free(sk);
		return 1;
	}
	(void)get(profile, "aws_session_token", &tk, NULL);
	out->access_key = ak;
	out->secret_key = sk;
	out->token = tk && *tk ? tk : NULL;
	if (out->token == NULL)
		free(tk);
	path = from_cred_file ? s_credentials_path() : s_config_path();
	s_set_source(out, "profile %s (%s)", profile, path);
	free(path);
	return 0;
}

static int
s_env_keys(struct aws_creds *out)
{
	const char	*ak = getenv("AWS_ACCESS_KEY_ID"),
			*sk = getenv("AWS_SECRET_ACCESS_KEY"),
			*tk = getenv("AWS_SESSION_TOKEN");

	if (ak == NULL || sk == NULL || *ak == '\0' || *sk == '\0')
		return 1;
	out->access_key = cz_xstrdup(ak);
	out->secret_key = cz_xstrdup(sk);
	out->token = tk && *tk ? cz_xstrdup(tk) : NULL;
	s_set_source(out, "environment", NULL, NULL);
	return 0;
}

static void
s_session_name(struct cz_strv *params, const char *given)
{
	if (given && *given)
		cz_strv_pushf(params, "RoleSessionName=%s", given);
	else
		cz_strv_pushf(params, "RoleSessionName=czappa-%lld",
		    cz_wall_ms());
}

static int
s_web_identity(const char *role, const char *tokfile, const char *session,
    const char *region, const struct aws_creds_io *io,
    struct aws_creds *out, struct cz_err *err)
{
	struct cz_buf	 tok = CZ_BUF_INIT;
	struct cz_strv	 params = CZ_STRV_INIT;
	int		 rc = -1;

	cz_buf_init(&tok, 64 * 1024);
	if (cz_file_read(tokfile, &tok, err) == -1) {
		cz_err_prefix(err, "web identity token");
		goto out;
	}
	while (tok.len && isspace((unsigned char)tok.s[tok.len - 1]))
		cz_buf_truncate(&tok, tok.len - 1);
	if (tok.len == 0) {
		cz_errf(err, "web identity token %s is empty", tokfile);
		goto out;
	}
	cz_strv_pushf(&params, "RoleArn=%s", role);
	s_session_name(&params, session);
	cz_strv_pushf(&params, "WebIdentityToken=%s", tok.s);
	if (io->sts(io->arg, region, "AssumeRoleWithWebIdentity", &params,
	    NULL, out, err) == -1)
		goto out;
	s_set_source(out, "web identity (%s)", role, NULL);
	rc = 0;
out:
	if (tok.len)
		explicit_bzero(tok.s, tok.len);
	cz_buf_release(&tok);
	cz_strv_release(&params);
	return rc;
}

static int s_profile(const char *, int, const struct aws_creds_opts *,
    const struct aws_creds_io *, struct aws_creds *, struct cz_buf *,
    struct cz_err *);

static int
s_assume_role(const char *profile, const char *role, int depth,
    const struct aws_creds_opts *o, const struct aws_creds_io *io,
    struct aws_creds *out, struct cz_buf *tried, struct cz_err *err)
{
	struct aws_creds	 src;
	struct cz_strv		 params = CZ_STRV_INIT;
	char			*srcp = NULL, *csrc = NULL, *v = NULL;
	int			 r, rc = -1;

	memset(&src, 0, sizeof(src));
	if (aws_profile_get(profile, "mfa_serial", &v) == 0) {
		cz_errf(err, "profile %s: mfa_serial needs a token code and "
		    "czappa never prompts; export session credentials "
		    "(aws sts get-session-token) instead", profile);
		goto out;
	}
	if (s_config_get(profile, "source_profile", &srcp, NULL) == 0) {
		if (depth >= MAX_SOURCE_DEPTH) {
			cz_errf(err, "profile %s: source_profile chain is "
			    "longer than %d (a loop?)", profile,
			    MAX_SOURCE_DEPTH);
			goto out;
		}
		/* A profile may name itself: then its static keys sign. */
		if (strcmp(srcp, profile) == 0) {
			if ((r = s_static_keys(profile, 1, &src)) == 1)
				r = s_static_keys(profile, 0, &src);
		} else
			r = s_profile(srcp, depth + 1, o, io, &src, tried, err);
		if (r == -1)
			goto out;
		if (r == 1) {
			cz_errf(err, "profile %s: source_profile %s has no "
			    "credentials", profile, srcp);
			goto out;
		}
	} else if (s_config_get(profile, "credential_source", &csrc,
	    NULL) == 0) {
		if (strcmp(csrc, "Environment") != 0 || s_env_keys(&src) != 0) {
			cz_errf(err, "profile %s: credential_source %s is not "
			    "available here (czappa supports Environment)",
			    profile, csrc);
			goto out;
		}
	} else {
		cz_errf(err, "profile %s: role_arn needs source_profile, "
		    "credential_source or web_identity_token_file", profile);
		goto out;
	}
	cz_strv_pushf(&params, "RoleArn=%s", role);
	free(v);
	v = NULL;
	(void)s_config_get(profile, "role_session_name", &v, NULL);
	s_session_name(&params, v);
	free(v);
	v = NULL;
	if (s_config_get(profile, "external_id", &v, NULL) == 0)
		cz_strv_pushf(&params, "ExternalId=%s", v);
	free(v);
	v = NULL;
	if (s_config_get(profile, "duration_seconds", &v, NULL) == 0)
		cz_strv_pushf(&params, "DurationSeconds=%s", v);
	if (io->sts(io->arg, o->region, "AssumeRole", &params, &src, out,
	    err) == -1) {
		cz_err_prefix(err, "profile %s: assume role", profile);
		goto out;
	}
	s_set_source(out, "assumed role %s (profile %s)", role, profile);
	rc = 0;
out:
	aws_creds_release(&src);
	cz_strv_release(&params);
	free(srcp);
	free(csrc);
	free(v);
	return rc;
}

/*
 * SSO: the AWS CLI's cached token, exchanged at the portal
 * (GetRoleCredentials).
 */
static int
s_sso(const char *profile, const struct aws_creds_io *io,
    struct aws_creds *out, struct cz_err *err)
{
	unsigned char	 md[SHA_DIGEST_LENGTH];
	struct cz_buf	 cache = CZ_BUF_INIT, hex = CZ_BUF_INIT;
	struct cz_strv	 hdr = CZ_STRV_INIT;
	char		*session = NULL, *start = NULL, *sregion = NULL,
			*account = NULL, *role = NULL, *sec = NULL,
			*path = NULL, *url = NULL, *body = NULL, *cpath;
	const char	*home = getenv("HOME"), *tok, *exp, *ov;
	json_t		*cj = NULL, *bj = NULL, *rcj;
	long long	 expires;
	size_t		 i;
	int		 rc = -1;

	if (s_config_get(profile, "sso_account_id", &account, NULL) != 0 ||
	    s_config_get(profile, "sso_role_name", &role, NULL) != 0) {
		rc = 1;
		goto out;
	}
	cpath = s_config_path();
	if (s_config_get(profile, "sso_session", &session, NULL) == 0) {
		sec = cz_xasprintf("sso-session %s", session);
		(void)s_ini_get(cpath, sec, "sso_region", &sregion, NULL);
		(void)s_ini_get(cpath, sec, "sso_start_url", &start, NULL);
	} else {
		(void)s_config_get(profile, "sso_region", &sregion, NULL);
		(void)s_config_get(profile, "sso_start_url", &start, NULL);
	}
	free(cpath);
	if (sregion == NULL || (session == NULL && start == NULL)) {
		cz_errf(err, "profile %s: sso settings are incomplete "
		    "(sso_region and sso_session or sso_start_url)", profile);
		goto out;
	}
	/* The CLI names the cache file after sha1(session name or URL). */
	SHA1((const unsigned char *)(session ? session : start),
	    strlen(session ? session : start), md);
	for (i = 0; i < sizeof(md); i++)
		cz_buf_addf(&hex, "%02x", md[i]);
	path = cz_xasprintf("%s/.aws/sso/cache/%s.json", home ? home : "",
	    hex.s);
	cz_buf_init(&cache, 1024 * 1024);
	if (cz_file_read(path, &cache, err) == -1 ||
	    (cj = json_loads(cache.s, 0, NULL)) == NULL ||
	    (tok = json_string_value(json_object_get(cj, "accessToken"))) ==
	    NULL) {
		cz_errf(err, "profile %s: no usable SSO token in %s; run "
		    "`aws sso login --profile %s`", profile, path, profile);
		goto out;
	}
	exp = json_string_value(json_object_get(cj, "expiresAt"));
	expires = exp ? aws_iso8601_ms(exp) : 0;
	if (expires != 0 && expires < cz_wall_ms()) {
		cz_errf(err, "profile %s: the SSO token expired at %s; run "
		    "`aws sso login --profile %s`", profile, exp, profile);
		goto out;
	}
	if (((ov = getenv("AWS_ENDPOINT_URL_SSO")) != NULL && *ov) ||
	    ((ov = getenv("AWS_ENDPOINT_URL")) != NULL && *ov))
		url = cz_xasprintf("%s/federation/credentials?account_id=%s"
		    "&role_name=%s", ov, account, role);
	else
		url = cz_xasprintf("https://portal.sso.%s.amazonaws.com/"
		    "federation/credentials?account_id=%s&role_name=%s",
		    sregion, account, role);
	cz_strv_pushf(&hdr, "x-amz-sso_bearer_token: %s", tok);
	if (io->http_get(io->arg, url, &hdr, &body, err) == -1) {
		cz_err_prefix(err, "profile %s: sso GetRoleCredentials",
		    profile);
		goto out;
	}
	if ((bj = json_loads(body, 0, NULL)) == NULL ||
	    (rcj = json_object_get(bj, "roleCredentials")) == NULL) {
		cz_errf(err, "profile %s: sso GetRoleCredentials: answer has "
		    "no roleCredentials", profile);
		goto out;
	}
	if (s_take_json(rcj, "accessKeyId", "secretAccessKey",
	    "sessionToken", "expiration", out, err, "sso") == -1)
		goto out;
	s_set_source(out, "sso (profile %s, role %s)", profile, role);
	rc = 0;
out:
	if (hdr.n)
		explicit_bzero(hdr.v[0], strlen(hdr.v[0]));
	if (body)
		explicit_bzero(body, strlen(body));
	cz_strv_release(&hdr);
	cz_buf_release(&cache);
	cz_buf_release(&hex);
	json_decref(cj);
	json_decref(bj);
	free(session);
	free(start);
	free(sregion);
	free(account);
	free(role);
	free(sec);
	free(path);
	free(url);
	free(body);
	return rc;
}

/*
 * Everything a named profile can provide, in botocore's order.  0 found,
 * 1 nothing in this profile, -1 a source that is configured but failed.
 */
static int
s_profile(const char *profile, int depth, const struct aws_creds_opts *o,
    const struct aws_creds_io *io, struct aws_creds *out,
    struct cz_buf *tried, struct cz_err *err)
{
	char	*role = NULL, *tokf = NULL, *sess = NULL, *proc = NULL;
	int	 r;

	if (s_config_get(profile, "role_arn", &role, NULL) == 0) {
		if (s_config_get(profile, "web_identity_token_file", &tokf,
		    NULL) == 0) {
			(void)s_config_get(profile, "role_session_name", &sess,
			    NULL);
			r = s_web_identity(role, tokf, sess, o->region, io,
			    out, err);
		} else
			r = s_assume_role(profile, role, depth, o, io, out,
			    tried, err);
		goto out;
	}
	if ((r = s_sso(profile, io, out, err)) != 1)
		goto out;
	if ((r = s_static_keys(profile, 1, out)) == 0)
		goto out;
	if (s_config_get(profile, "credential_process", &proc, NULL) == 0) {
		r = s_process(profile, proc, out, err);
		goto out;
	}
	r = s_static_keys(profile, 0, out);
out:
	free(role);
	free(tokf);
	free(sess);
	free(proc);
	if (r == 0 && depth == 0 && out->access_key && out->source[0] == '\0')
		s_set_source(out, "profile %s", profile, NULL);
	return r;
}

/* ECS / CodeBuild: a local HTTP endpoint handing out role credentials. */
static int
s_container(const struct aws_creds_io *io, struct aws_creds *out,
    struct cz_err *err)
{
	const char	*rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
			*full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
			*tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
			*tokf =
			    getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	struct cz_strv	 hdr = CZ_STRV_INIT;
	struct cz_buf	 tb = CZ_BUF_INIT;
	char		*url, *body = NULL;
	json_t		*j = NULL;
	int		 rc = -1;

	if ((rel == NULL || *rel == '\0') && (full == NULL || *full == '\0'))
		return 1;
	url = rel && *rel ? cz_xasprintf("http://169.254.170.2%s", rel) :
	    cz_xstrdup(full);
	if (tokf && *tokf) {
		if (cz_file_read(tokf, &tb, err) == -1)
			goto out;
		while (tb.len && isspace((unsigned char)tb.s[tb.len - 1]))
			cz_buf_truncate(&tb, tb.len - 1);
		cz_strv_pushf(&hdr, "Authorization: %s", tb.s);
	} else if (tok && *tok)
		cz_strv_pushf(&hdr, "Authorization: %s", tok);
	if (io->http_get(io->arg, url, &hdr, &body, err) == -1) {
		cz_err_prefix(err, "container credentials");
		goto out;
	}
	if ((j = json_loads(body, 0, NULL)) == NULL) {
		cz_errf(err, "container credentials: answer is not JSON");
		goto out;
	}
	if (s_take_json(j, "AccessKeyId", "SecretAccessKey", "Token",
	    "Expiration", out, err, "container credentials") == -1)
		goto out;
	s_set_source(out, "container credentials", NULL, NULL);
	rc = 0;
out:
	if (body)
		explicit_bzero(body, strlen(body));
	free(body);
	free(url);
	json_decref(j);
	cz_strv_release(&hdr);
	cz_buf_release(&tb);
	return rc;
}

static int
s_profile_exists(const char *profile)
{
	char	*v = NULL;
	int	 seen = 0;

	(void)s_config_get(profile, "\x01", &v, &seen);
	(void)s_cred_file_get(profile, "\x01", &v, &seen);
	free(v);
	return seen;
}

int
aws_creds_resolve(const struct aws_creds_opts *o,
    const struct aws_creds_io *io, struct aws_creds *out, struct cz_err *err)
{
	struct cz_buf	 tried = CZ_BUF_INIT;
	const char	*profile = aws_creds_profile_name(o), *role, *tokf;
	char		*cpath = s_config_path(), *kpath = s_credentials_path();
	int		 r, explicit_profile, rc = -1;

	memset(out, 0, sizeof(*out));
	explicit_profile = o->profile && *o->profile;
	if (!explicit_profile) {
		if (s_env_keys(out) == 0) {
			rc = 0;
			goto out;
		}
		cz_buf_adds(&tried, "environment (AWS_ACCESS_KEY_ID)");
	}
	if (strcmp(profile, "default") != 0 && !s_profile_exists(profile)) {
		cz_errf(err, "profile \"%s\" is not in %s or %s", profile,
		    cpath, kpath);
		goto out;
	}
	if ((r = s_profile(profile, 0, o, io, out, &tried, err)) == -1)
		goto out;
	if (r == 0) {
		rc = 0;
		goto out;
	}
	cz_buf_addf(&tried, "%sprofile \"%s\" (%s, %s)", tried.len ? ", " : "",
	    profile, cpath, kpath);
	role = getenv("AWS_ROLE_ARN");
	tokf = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	if (role && *role && tokf && *tokf) {
		rc = s_web_identity(role, tokf, getenv("AWS_ROLE_SESSION_NAME"),
		    o->region, io, out, err);
		goto out;
	}
	cz_buf_adds(&tried, ", web identity (AWS_ROLE_ARN + "
	    "AWS_WEB_IDENTITY_TOKEN_FILE)");
	if ((r = s_container(io, out, err)) != 1) {
		rc = r;
		goto out;
	}
	cz_buf_adds(&tried, ", container (AWS_CONTAINER_CREDENTIALS_*_URI)");
	cz_errf(err, "no AWS credentials found; tried %s", tried.s);
out:
	if (rc != 0)
		aws_creds_release(out);
	cz_buf_release(&tried);
	free(cpath);
	free(kpath);
	return rc;
}
