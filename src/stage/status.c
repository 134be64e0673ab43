/*
 * stage/status: what is deployed for a stage, read back from AWS by name,
 * and what the configuration expects but is missing or different (drift).
 * Read-only.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "services/apigw.h"
#include "services/events.h"
#include "services/iam.h"
#include "services/lambda.h"
#include "services/logs.h"
#include "stage/names.h"

static int
s_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static void
s_drift(json_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
s_drift(json_t *d, const char *fmt, ...)
{
	struct cz_buf	b = CZ_BUF_INIT;
	va_list		ap;

	va_start(ap, fmt);
	cz_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	json_array_append_new(d, json_string(b.s));
	cz_buf_release(&b);
}

static int
s_url(struct stage_ctx *x, json_t *st, json_t *drift, struct cz_err *err)
{
	struct apigw_apis	as;
	char			*url = NULL;
	size_t			i;
	int			r, rc = -1;

	memset(&as, 0, sizeof(as));
	if (x->cfg->http == CONFIG_HTTP_HTTPAPI) {
		if (apigw_get_apis(x->c, &as, err) == -1)
			goto out;
		for (i = 0; i < as.n; i++)
			if (s_eq(as.v[i].name, x->n.api))
				break;
		if (i < as.n) {
			json_object_set_new(st, "url",
			    json_string(as.v[i].endpoint));
			json_object_set_new(st, "api_id",
			    json_string(as.v[i].id));
		} else
			s_drift(drift, "http api %s is missing", x->n.api);
	} else if (x->cfg->http == CONFIG_HTTP_FUNCTION_URL) {
		if ((r = lambda_get_function_url_config(x->c, x->n.function,
		    STAGE_ALIAS, &url, err)) == -1)
			goto out;
		if (r == 0)
			json_object_set_new(st, "url", json_string(url));
		else
			s_drift(drift, "function url on %s is missing",
			    STAGE_ALIAS);
	}
	rc = 0;
out:
	free(url);
	apigw_apis_release(&as);
	return rc;
}

static int
s_schedules(struct stage_ctx *x, json_t *st, json_t *drift,
    struct cz_err *err)
{
	struct events_rules	rs;
	json_t			*arr = json_array();
	size_t			i, k;
	int			rc = -1;

	memset(&rs, 0, sizeof(rs));
	json_object_set_new(st, "schedules", arr);
	if (events_list_rules(x->c, x->n.rule_prefix, &rs, err) == -1)
		goto out;
	for (i = 0; i < x->nrules; i++) {
		const struct stage_rule	*w = &x->rules[i];
		const struct events_rule *r = NULL;

		for (k = 0; k < rs.n; k++)
			if (s_eq(rs.v[k].name, w->name))
				r = &rs.v[k];
		if (r == NULL) {
			s_drift(drift, "rule %s is missing", w->name);
			continue;
		}
		json_array_append_new(arr, json_pack("{s:s,s:s?,s:s?}",
		    "rule", r->name, "expression", r->expression, "state",
		    r->state));
		if (!s_eq(r->expression, w->expression))
			s_drift(drift, "rule %s runs %s, config says %s",
			    w->name, r->expression, w->expression);
	}
	rc = 0;
out:
	events_rules_release(&rs);
	return rc;
}

int
stage_status(struct aws_client *c, const struct config *cfg, json_t **out,
    struct cz_err *err)
{
	struct stage_ctx	 x;
	struct lambda_fn	 fn, live;
	struct iam_role		 role;
	struct logs_groups	 gs;
	json_t			*st = NULL, *drift;
	char			*acct = NULL;
	size_t			 i;
	int			 r, rc = -1;

	*out = NULL;
	memset(&fn, 0, sizeof(fn));
	memset(&live, 0, sizeof(live));
	memset(&role, 0, sizeof(role));
	memset(&gs, 0, sizeof(gs));
	stage_ctx_init(&x, c, cfg, NULL, NULL);
	if ((r = lambda_get_function(c, x.n.function, NULL, &fn, err)) != 0) {
		if (r == 1)
			cz_errf(err, "stage %s is not deployed: no function %s "
			    "in %s (czappa deploy %s creates it)", cfg->stage,
			    x.n.function, x.n.region, cfg->stage);
		rc = r;
		goto out;
	}
	acct = stage_arn_account(fn.arn);
	stage_ctx_account(&x, acct);
	drift = json_array();
	st = json_pack("{s:s,s:s,s:s,s:s,s:o}", "service", cfg->service,
	    "stage", cfg->stage, "region", x.n.region, "function",
	    x.n.function, "drift", drift);
	json_object_set_new(st, "function_arn", json_string(fn.arn));
	json_object_set_new(st, "latest_code_sha256",
	    json_string(fn.code_sha256));
	if ((r = lambda_get_function(c, x.n.function, STAGE_ALIAS, &live,
	    err)) == -1)
		goto out;
	if (r == 1) {
		s_drift(drift, "alias %s is missing", STAGE_ALIAS);
		lambda_fn_release(&live);
	}
	/* What live serves, or $LATEST when there is no alias. */
	{
		const struct lambda_fn	*f = r == 0 ? &live : &fn;

		json_object_set_new(st, "live_version", r == 0 ?
		    json_string(live.version) : json_null());
		json_object_set_new(st, "code_size",
		    json_integer(f->code_size));
		json_object_set_new(st, "code_sha256",
		    json_string(f->code_sha256));
		json_object_set_new(st, "memory", json_integer(f->memory));
		json_object_set_new(st, "timeout", json_integer(f->timeout));
		json_object_set_new(st, "architecture",
		    json_string(f->architecture));
		json_object_set_new(st, "runtime", json_string(f->runtime));
		json_object_set_new(st, "last_modified",
		    json_string(f->last_modified));
		json_object_set_new(st, "state", json_string(fn.state));
		if (f->memory != cfg->memory)
			s_drift(drift, "memory is %d MB, config says %d",
			    f->memory, cfg->memory);
		if (f->timeout != cfg->timeout)
			s_drift(drift, "timeout is %d s, config says %d",
			    f->timeout, cfg->timeout);
		if (!s_eq(f->architecture, cfg->architecture ?
		    cfg->architecture : "x86_64"))
			s_drift(drift, "architecture is %s, config says %s",
			    f->architecture, cfg->architecture);
		for (i = 0; i < cfg->environment.n; i++) {
			int	k = cz_strv_find(&f->environment,
				    cfg->environment.v[i].key);

			if (k == -1 || k % 2 || !s_eq(f->environment.v[k + 1],
			    cfg->environment.v[i].value))
				s_drift(drift, "environment %s differs from "
				    "the config", cfg->environment.v[i].key);
		}
	}
	if (s_url(&x, st, drift, err) == -1 ||
	    s_schedules(&x, st, drift, err) == -1)
		goto out;
	if ((r = iam_get_role(c, x.n.role, &role, err)) == -1)
		goto out;
	if (r == 1)
		s_drift(drift, "role %s is missing", x.n.role);
	if (logs_describe_log_groups(c, x.n.log_group, &gs, err) == -1)
		goto out;
	for (i = 0; i < gs.n; i++)
		if (s_eq(gs.v[i].name, x.n.log_group))
			break;
	if (i == gs.n)
		s_drift(drift, "log group %s is missing", x.n.log_group);
	else
		json_object_set_new(st, "log_retention_days",
		    json_integer(gs.v[i].retention_days));
	*out = st;
	st = NULL;
	rc = 0;
out:
	json_decref(st);
	free(acct);
	lambda_fn_release(&fn);
	lambda_fn_release(&live);
	iam_role_release(&role);
	logs_groups_release(&gs);
	stage_ctx_release(&x);
	return rc;
}
