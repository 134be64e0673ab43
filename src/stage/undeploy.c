/*
 * stage/undeploy: take a stage apart in reverse dependency order: rules'
 * targets then rules, Lambda permissions, the HTTP API or function URL,
 * the alias, the function with its versions (waiting until it is gone),
 * the role's policies then the role; with purge also the log group, the
 * stage's artifacts and the bucket when that is then empty and czappa made
 * it.  Every step finds its resource by name first, so a second run (or a
 * run after a deploy that was killed half-way) removes what is left and
 * nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "services/apigw.h"
#include "services/events.h"
#include "services/iam.h"
#include "services/lambda.h"
#include "services/logs.h"
#include "services/s3.h"
#include "services/sts.h"
#include "stage/names.h"
#include "stage/wait.h"

static int
s_rules(struct stage_ctx *x, struct cz_err *err)
{
	struct events_rules	rs;
	size_t			i, k, n = strlen(x->n.owner);
	int			rc = -1;

	memset(&rs, 0, sizeof(rs));
	if (events_list_rules(x->c, x->n.rule_prefix, &rs, err) == -1)
		goto out;
	for (i = 0; i < rs.n; i++) {
		struct events_targets	ts;
		struct cz_strv		ids = CZ_STRV_INIT;
		int			ours = 0;

		/* Ours: our owner mark, or one of the names we would make. */
		if (rs.v[i].description && strncmp(rs.v[i].description,
		    x->n.owner, n) == 0 && rs.v[i].description[n] == ' ')
			ours = 1;
		for (k = 0; k < x->nrules; k++)
			if (strcmp(x->rules[k].name, rs.v[i].name) == 0)
				ours = 1;
		if (!ours)
			continue;
		memset(&ts, 0, sizeof(ts));
		if (events_list_targets_by_rule(x->c, rs.v[i].name, &ts,
		    err) == -1)
			goto out;
		for (k = 0; k < ts.n; k++)
			cz_strv_push(&ids, ts.v[k].id);
		events_targets_release(&ts);
		if (ids.n && events_remove_targets(x->c, rs.v[i].name, &ids,
		    err) == -1) {
			cz_strv_release(&ids);
			goto out;
		}
		cz_strv_release(&ids);
		if (events_delete_rule(x->c, rs.v[i].name, err) == -1)
			goto out;
		stage_step(x, "remove", "rule", "%s", rs.v[i].name);
	}
	rc = 0;
out:
	events_rules_release(&rs);
	return rc;
}

static int
s_permissions(struct stage_ctx *x, struct cz_err *err)
{
	struct cz_strv	sids = CZ_STRV_INIT;
	size_t		i;
	int		r, n = 0, rc = -1;

	if ((r = lambda_get_policy(x->c, x->n.function, STAGE_ALIAS, &sids,
	    err)) == -1)
		goto out;
	for (i = 0; i < sids.n; i++) {
		if (strncmp(sids.v[i], "czappa-", 7) != 0)
			continue;
		if ((r = lambda_remove_permission(x->c, x->n.function,
		    STAGE_ALIAS, sids.v[i], err)) == -1)
			goto out;
		n++;
	}
	if (n)
		stage_step(x, "remove", "permissions", "%d statement%s on %s",
		    n, n == 1 ? "" : "s", STAGE_ALIAS);
	rc = 0;
out:
	cz_strv_release(&sids);
	return rc;
}

static int
s_http(struct stage_ctx *x, struct cz_err *err)
{
	struct apigw_apis	as;
	char			*url = NULL;
	size_t			i, t;
	int			r, rc = -1;

	memset(&as, 0, sizeof(as));
	if (apigw_get_apis(x->c, &as, err) == -1)
		goto out;
	for (i = 0; i < as.n; i++) {
		int	other = 0;

		if (strcmp(as.v[i].name ? as.v[i].name : "", x->n.api) != 0)
			continue;
		/* Same name, tagged for another stage: not ours. */
		for (t = 0; t + 1 < as.v[i].tags.n; t += 2)
			if (strcmp(as.v[i].tags.v[t], "czappa:stage") == 0 &&
			    strcmp(as.v[i].tags.v[t + 1], x->cfg->stage) != 0)
				other = 1;
		if (other)
			continue;
		if ((r = apigw_delete_api(x->c, as.v[i].id, err)) == -1)
			goto out;
		stage_step(x, "remove", "http api", "%s (%s)", x->n.api,
		    as.v[i].id);
	}
	/* moto answers 200 to deleting a missing URL config: ask first. */
	if ((r = lambda_get_function_url_config(x->c, x->n.function,
	    STAGE_ALIAS, &url, err)) == -1)
		goto out;
	if (r == 0 && (r = lambda_delete_function_url_config(x->c,
	    x->n.function, STAGE_ALIAS, err)) == -1)
		goto out;
	if (r == 0)
		stage_step(x, "remove", "function url", "%s", url);
	rc = 0;
out:
	free(url);
	apigw_apis_release(&as);
	return rc;
}

static int
s_function(struct stage_ctx *x, struct cz_err *err)
{
	struct lambda_versions	vs;
	char			*ver = NULL;
	int			r, rc = -1;

	memset(&vs, 0, sizeof(vs));
	/* moto answers 200 to deleting a missing alias: ask first. */
	if ((r = lambda_get_alias(x->c, x->n.function, STAGE_ALIAS, &ver,
	    err)) == -1)
		goto out;
	if (r == 0) {
		if (lambda_delete_alias(x->c, x->n.function, STAGE_ALIAS,
		    err) == -1)
			goto out;
		stage_step(x, "remove", "alias", "%s (version %s)",
		    STAGE_ALIAS, ver);
	}
	if ((r = lambda_list_versions_by_function(x->c, x->n.function, &vs,
	    err)) == -1)
		goto out;
	if (r == 0 && (r = lambda_delete_function(x->c, x->n.function,
	    err)) == -1)
		goto out;
	if (r == 0) {
		/* Deletion is asynchronous on AWS: the role must outlive it. */
		if (stage_wait_function_gone(x, err) == -1)
			goto out;
		stage_step(x, "remove", "function", "%s and %zu published "
		    "version%s", x->n.function, vs.n, vs.n == 1 ? "" : "s");
	}
	rc = 0;
out:
	free(ver);
	lambda_versions_release(&vs);
	return rc;
}

static int
s_role(struct stage_ctx *x, struct cz_err *err)
{
	struct cz_strv	arns = CZ_STRV_INIT, names = CZ_STRV_INIT;
	size_t		i;
	int		r, rc = -1;

	if ((r = iam_list_attached_role_policies(x->c, x->n.role, &arns,
	    err)) == -1)
		goto out;
	if (r == 1) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < arns.n; i++)
		if (iam_detach_role_policy(x->c, x->n.role, arns.v[i],
		    err) == -1)
			goto out;
	if (iam_list_role_policies(x->c, x->n.role, &names, err) == -1)
		goto out;
	for (i = 0; i < names.n; i++)
		if (iam_delete_role_policy(x->c, x->n.role, names.v[i],
		    err) == -1)
			goto out;
	if ((r = iam_delete_role(x->c, x->n.role, err)) == -1)
		goto out;
	stage_step(x, "remove", "role", "%s (%zu attached, %zu inline "
	    "polic%s)", x->n.role, arns.n, names.n, names.n == 1 ? "y" : "ies");
	rc = 0;
out:
	if (rc == -1)
		cz_err_prefix(err, "role %s", x->n.role);
	cz_strv_release(&arns);
	cz_strv_release(&names);
	return rc;
}

static int
s_logs(struct stage_ctx *x, struct cz_err *err)
{
	struct logs_groups	gs;
	size_t			i;
	int			r, rc = -1;

	memset(&gs, 0, sizeof(gs));
	if (logs_describe_log_groups(x->c, x->n.log_group, &gs, err) == -1)
		goto out;
	for (i = 0; i < gs.n; i++) {
		if (strcmp(gs.v[i].name, x->n.log_group) != 0)
			continue;
		if (!x->o->purge) {
			stage_step(x, "keep", "log group", "%s (--purge "
			    "removes it)", x->n.log_group);
			continue;
		}
		if ((r = logs_delete_log_group(x->c, x->n.log_group,
		    err)) == -1)
			goto out;
		if (r == 0)
			stage_step(x, "remove", "log group", "%s",
			    x->n.log_group);
	}
	rc = 0;
out:
	logs_groups_release(&gs);
	return rc;
}

static int
s_artifacts(struct stage_ctx *x, struct cz_err *err)
{
	struct s3_objects	os, rest;
	struct cz_strv		tags = CZ_STRV_INIT;
	size_t			i;
	int			r, ours, rc = -1;

	memset(&os, 0, sizeof(os));
	memset(&rest, 0, sizeof(rest));
	if ((r = s3_list_objects_v2(x->c, x->n.bucket, x->n.key_prefix, &os,
	    err)) == -1)
		goto out;
	if (r == 1) {
		rc = 0;
		goto out;
	}
	if (!x->o->purge) {
		if (os.n)
			stage_step(x, "keep", "artifacts", "%zu zip%s in "
			    "s3://%s/%s (--purge removes them)", os.n,
			    os.n == 1 ? "" : "s", x->n.bucket,
			    x->n.key_prefix);
		rc = 0;
		goto out;
	}
	/* An upload's parts are no object: only aborting removes them, and
	 * the bucket cannot go while they are there. */
	if (stage_abort_uploads(x, err) == -1)
		goto out;
	for (i = 0; i < os.n; i++)
		if (s3_delete_object(x->c, x->n.bucket, os.v[i].key,
		    err) == -1)
			goto out;
	if (os.n)
		stage_step(x, "remove", "artifacts", "%zu zip%s in s3://%s/%s",
		    os.n, os.n == 1 ? "" : "s", x->n.bucket, x->n.key_prefix);
	/* The bucket goes only when czappa made it and nothing is left. */
	if (s3_list_objects_v2(x->c, x->n.bucket, NULL, &rest, err) == -1)
		goto out;
	if ((r = s3_get_bucket_tagging(x->c, x->n.bucket, &tags, err)) == -1)
		goto out;
	ours = cz_strv_find(&tags, "czappa:managed") != -1;
	if (rest.n || !ours) {
		stage_step(x, "keep", "bucket", "%s (%s)", x->n.bucket,
		    rest.n ? "other objects remain" : "not created by czappa");
		rc = 0;
		goto out;
	}
	if ((r = s3_delete_bucket(x->c, x->n.bucket, err)) == -1)
		goto out;
	if (r == 0)
		stage_step(x, "remove", "bucket", "%s", x->n.bucket);
	rc = 0;
out:
	s3_objects_release(&os);
	s3_objects_release(&rest);
	cz_strv_release(&tags);
	return rc;
}

int
stage_undeploy(struct aws_client *c, const struct config *cfg,
    const struct stage_opts *o, struct stage_result *res, struct cz_err *err)
{
	struct stage_ctx	 x;
	struct sts_identity	 id;
	int			 rc = -1;

	memset(res, 0, sizeof(*res));
	stage_ctx_init(&x, c, cfg, o, NULL);
	if (sts_get_caller_identity(c, &id, err) == -1)
		goto out;
	stage_ctx_account(&x, id.account);
	sts_identity_release(&id);
	if (s_rules(&x, err) == -1 || s_permissions(&x, err) == -1 ||
	    s_http(&x, err) == -1 || s_function(&x, err) == -1 ||
	    s_role(&x, err) == -1 || s_logs(&x, err) == -1 ||
	    s_artifacts(&x, err) == -1)
		goto out;
	rc = 0;
out:
	res->removed = x.removed;
	res->changes = x.changes;
	stage_ctx_release(&x);
	return rc;
}
