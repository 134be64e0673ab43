/* services/iam: see iam.h.  Query protocol, version 2010-05-08. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/url.h"
#include "base/xmalloc.h"
#include "services/iam.h"

#define VERSION	"2010-05-08"

static int
s_absent(struct cz_err *err, const char *code)
{
	if (strcmp(err->code, code) == 0) {
		cz_err_clear(err);
		return 1;
	}
	return 0;
}

/* A call whose answer is not needed; code1 maps to 1. */
static int
s_call(struct aws_client *c, const char *op, struct cz_strv *p,
    const char *code1, struct cz_err *err)
{
	int	rc = aws_query(c, "iam", op, VERSION, p, NULL, err);

	if (rc == -1 && code1 && s_absent(err, code1))
		rc = 1;
	cz_strv_release(p);
	return rc;
}

static void
s_tags(struct cz_strv *p, const struct cz_strv *tags)
{
	size_t	i;

	for (i = 0; tags && i + 1 < tags->n; i += 2) {
		cz_strv_pushf(p, "Tags.member.%zu.Key=%s", i / 2 + 1,
		    tags->v[i]);
		cz_strv_pushf(p, "Tags.member.%zu.Value=%s", i / 2 + 1,
		    tags->v[i + 1]);
	}
}

/* IAM returns policy documents percent-encoded. */
static char *
s_decoded(struct aws_xml_node *n, const char *path)
{
	struct cz_buf	 b = CZ_BUF_INIT;
	char		*t = aws_xml_text(n, path);

	if (t == NULL)
		return NULL;
	cz_url_decode(&b, t, strlen(t), 0);
	free(t);
	return cz_buf_detach(&b);
}

void
iam_role_release(struct iam_role *r)
{
	free(r->name);
	free(r->arn);
	free(r->trust_policy);
	cz_strv_release(&r->tags);
	memset(r, 0, sizeof(*r));
}

static void
s_decode_role(struct aws_xml_node *role, struct iam_role *r)
{
	struct aws_xml_node	*m;

	memset(r, 0, sizeof(*r));
	r->name = aws_xml_text(role, "RoleName");
	r->arn = aws_xml_text(role, "Arn");
	r->trust_policy = s_decoded(role, "AssumeRolePolicyDocument");
	for (m = aws_xml_find(role, "Tags/member"); m; m = aws_xml_next(m)) {
		char	*k = aws_xml_text(m, "Key"), *v = aws_xml_text(m,
			    "Value");

		cz_strv_take(&r->tags, k ? k : cz_xstrdup(""));
		cz_strv_take(&r->tags, v ? v : cz_xstrdup(""));
	}
}

int
iam_get_role(struct aws_client *c, const char *name, struct iam_role *r,
    struct cz_err *err)
{
	struct cz_strv	 p = CZ_STRV_INIT;
	struct aws_xml	*x = NULL;
	int		 rc = -1;

	memset(r, 0, sizeof(*r));
	cz_strv_pushf(&p, "RoleName=%s", name);
	if (aws_query(c, "iam", "GetRole", VERSION, &p, &x, err) == -1) {
		if (s_absent(err, "NoSuchEntity"))
			rc = 1;
		goto out;
	}
	s_decode_role(aws_xml_find(aws_xml_root(x), "GetRoleResult/Role"), r);
	if (r->arn == NULL) {
		iam_role_release(r);
		cz_errf(err, "iam GetRole: answer has no Arn");
		goto out;
	}
	rc = 0;
out:
	aws_xml_free(x);
	cz_strv_release(&p);
	return rc;
}

int
iam_create_role(struct aws_client *c, const char *name,
    const char *trust_json, const char *description,
    const struct cz_strv *tags, struct iam_role *r, struct cz_err *err)
{
	struct cz_strv	 p = CZ_STRV_INIT;
	struct aws_xml	*x = NULL;
	int		 rc = -1;

	memset(r, 0, sizeof(*r));
	cz_strv_pushf(&p, "RoleName=%s", name);
	cz_strv_pushf(&p, "AssumeRolePolicyDocument=%s", trust_json);
	if (description)
		cz_strv_pushf(&p, "Description=%s", description);
	s_tags(&p, tags);
	if (aws_query(c, "iam", "CreateRole", VERSION, &p, &x, err) == -1) {
		if (s_absent(err, "EntityAlreadyExists"))
			rc = 1;
		goto out;
	}
	s_decode_role(aws_xml_find(aws_xml_root(x), "CreateRoleResult/Role"),
	    r);
	if (r->arn == NULL) {
		iam_role_release(r);
		cz_errf(err, "iam CreateRole: answer has no Arn");
		goto out;
	}
	rc = 0;
out:
	aws_xml_free(x);
	cz_strv_release(&p);
	return rc;
}

int
iam_tag_role(struct aws_client *c, const char *name,
    const struct cz_strv *tags, struct cz_err *err)
{
	struct cz_strv	p = CZ_STRV_INIT;

	cz_strv_pushf(&p, "RoleName=%s", name);
	s_tags(&p, tags);
	return s_call(c, "TagRole", &p, NULL, err);
}

int
iam_update_assume_role_policy(struct aws_client *c, const char *name,
    const char *trust_json, struct cz_err *err)
{
	struct cz_strv	p = CZ_STRV_INIT;

	cz_strv_pushf(&p, "RoleName=%s", name);
	cz_strv_pushf(&p, "PolicyDocument=%s", trust_json);
	return s_call(c, "UpdateAssumeRolePolicy", &p, NULL, err);
}

int
iam_delete_role(struct aws_client *c, const char *name, struct cz_err *err)
{
	struct cz_strv	p = CZ_STRV_INIT;

	cz_strv_pushf(&p, "RoleName=%s", name);
	return s_call(c, "DeleteRole", &p, "NoSuchEntity", err);
}

int
iam_attach_role_policy(struct aws_client *c, const char *role,
    const char *arn, struct cz_err *err)
{
	struct cz_strv	p = CZ_STRV_INIT;

	cz_strv_pushf(&p, "RoleName=%s", role);
	cz_strv_pushf(&p, "PolicyArn=%s", arn);
	return s_call(c, "AttachRolePolicy", &p, NULL, err);
}

int
iam_detach_role_policy(struct aws_client *c, const char *role,
    const char *arn, struct cz_err *err)
{
	struct cz_strv	p = CZ_STRV_INIT;

	cz_strv_pushf(&p, "RoleName=%s", role);
	cz_strv_pushf(&p, "PolicyArn=%s", arn);
	return s_call(c, "DetachRolePolicy", &p, "NoSuchEntity", err);
}

/* Every page of a list call; item is the path of each entry's text below
 * <op>Result (e.g. "AttachedPolicies/member" + "PolicyArn"). */
static int
s_list(struct aws_client *c, const char *op, const char *role,
    const char *members, const char *field, struct cz_strv *out,
    struct cz_err *err)
{
	struct cz_buf		 rp = CZ_BUF_INIT;
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*res, *m;
	char			*marker = NULL, *trunc = NULL, *t;
	size_t			 page;
	int			 rc = -1;

	cz_buf_addf(&rp, "%sResult", op);
	for (page = 0; page < 100; page++) {
		struct cz_strv	p = CZ_STRV_INIT;
		int		r;

		cz_strv_pushf(&p, "RoleName=%s", role);
		if (marker)
			cz_strv_pushf(&p, "Marker=%s", marker);
		r = aws_query(c, "iam", op, VERSION, &p, &x, err);
		cz_strv_release(&p);
		if (r == -1) {
			if (s_absent(err, "NoSuchEntity"))
				rc = 1;
			goto out;
		}
		res = aws_xml_find(aws_xml_root(x), rp.s);
		for (m = aws_xml_find(res, members); m; m = aws_xml_next(m))
			if ((t = field ? aws_xml_text(m, field) :
			    aws_xml_text(m, "")) != NULL)
				cz_strv_take(out, t);
		free(marker);
		free(trunc);
		marker = aws_xml_text(res, "Marker");
		trunc = aws_xml_text(res, "IsTruncated");
		aws_xml_free(x);
		x = NULL;
		if (trunc == NULL || strcmp(trunc, "true") != 0 ||
		    marker == NULL)
			break;
	}
	rc = 0;
out:
	free(marker);
	free(trunc);
	aws_xml_free(x);
	cz_buf_release(&rp);
	return rc;
}

int
iam_list_attached_role_policies(struct aws_client *c, const char *role,
    struct cz_strv *arns, struct cz_err *err)
{
	return s_list(c, "ListAttachedRolePolicies", role,
	    "AttachedPolicies/member", "PolicyArn", arns, err);
}

int
iam_list_role_policies(struct aws_client *c, const char *role,
    struct cz_strv *names, struct cz_err *err)
{
	return s_list(c, "ListRolePolicies", role, "PolicyNames/member", NULL,
	    names, err);
}

int
iam_put_role_policy(struct aws_client *c, const char *role,
    const char *policy_name, const char *doc, struct cz_err *err)
{
	struct cz_strv	p = CZ_STRV_INIT;

	cz_strv_pushf(&p, "RoleName=%s", role);
	cz_strv_pushf(&p, "PolicyName=%s", policy_name);
	cz_strv_pushf(&p, "PolicyDocument=%s", doc);
	return s_call(c, "PutRolePolicy", &p, NULL, err);
}

int
iam_get_role_policy(struct aws_client *c, const char *role,
    const char *policy_name, char **doc, struct cz_err *err)
{
	struct cz_strv	 p = CZ_STRV_INIT;
	struct aws_xml	*x = NULL;
	int		 rc = -1;

	*doc = NULL;
	cz_strv_pushf(&p, "RoleName=%s", role);
	cz_strv_pushf(&p, "PolicyName=%s", policy_name);
	if (aws_query(c, "iam", "GetRolePolicy", VERSION, &p, &x, err) == -1) {
		if (s_absent(err, "NoSuchEntity"))
			rc = 1;
		goto out;
	}
	*doc = s_decoded(aws_xml_find(aws_xml_root(x), "GetRolePolicyResult"),
	    "PolicyDocument");
	if (*doc == NULL) {
		cz_errf(err, "iam GetRolePolicy: answer has no PolicyDocument");
		goto out;
	}
	rc = 0;
out:
	aws_xml_free(x);
	cz_strv_release(&p);
	return rc;
}

int
iam_delete_role_policy(struct aws_client *c, const char *role,
    const char *policy_name, struct cz_err *err)
{
	struct cz_strv	p = CZ_STRV_INIT;

	cz_strv_pushf(&p, "RoleName=%s", role);
	cz_strv_pushf(&p, "PolicyName=%s", policy_name);
	return s_call(c, "DeleteRolePolicy", &p, "NoSuchEntity", err);
}
