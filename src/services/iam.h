/*
 * services/iam: the execution role of a stage: create, tag, attach and
 * inline policies, and the calls that take it apart.  One function per
 * operation; none retries, waits or prints.  Tags are passed as a flat
 * list: key, value, key, value...  "Not found" (NoSuchEntity) returns 1.
 */
#ifndef CZ_SERVICES_IAM_H
#define CZ_SERVICES_IAM_H

#include "aws/client.h"
#include "base/strv.h"

struct iam_role {
	char		*name;
	char		*arn;
	/* the decoded JSON document */
	char		*trust_policy;
	struct cz_strv	 tags;		/* key, value... */
};

void	iam_role_release(struct iam_role *);
/* GetRole: 0 and *role; 1 no such role. */
int	iam_get_role(struct aws_client *, const char *name,
	    struct iam_role *role, struct cz_err *);
/* CreateRole with the trust policy JSON: 0 and *role; 1 when it exists
 * already (EntityAlreadyExists). */
int	iam_create_role(struct aws_client *, const char *name,
	    const char *trust_json, const char *description,
	    const struct cz_strv *tags, struct iam_role *role, struct cz_err *);
/* TagRole: adds or replaces these tags. */
int	iam_tag_role(struct aws_client *, const char *name,
	    const struct cz_strv *tags, struct cz_err *);
/* UpdateAssumeRolePolicy: replaces the trust policy. */
int	iam_update_assume_role_policy(struct aws_client *, const char *name,
	    const char *trust_json, struct cz_err *);
/* DeleteRole: 0; 1 no such role; -1 (DeleteConflict while policies are
 * attached). */
int	iam_delete_role(struct aws_client *, const char *name,
	    struct cz_err *);
/* AttachRolePolicy (idempotent on IAM). */
int	iam_attach_role_policy(struct aws_client *, const char *role,
	    const char *policy_arn, struct cz_err *);
/* DetachRolePolicy: 0; 1 when not attached or no such role. */
int	iam_detach_role_policy(struct aws_client *, const char *role,
	    const char *policy_arn, struct cz_err *);
/* ListAttachedRolePolicies, every page: ARNs appended; 1 no such role. */
int	iam_list_attached_role_policies(struct aws_client *,
	    const char *role, struct cz_strv *arns, struct cz_err *);
/* PutRolePolicy: creates or replaces the inline policy. */
int	iam_put_role_policy(struct aws_client *, const char *role,
	    const char *policy_name, const char *doc_json, struct cz_err *);
/* GetRolePolicy: 0 and *doc (decoded JSON; free it); 1 absent. */
int	iam_get_role_policy(struct aws_client *, const char *role,
	    const char *policy_name, char **doc, struct cz_err *);
/* DeleteRolePolicy: 0; 1 absent. */
int	iam_delete_role_policy(struct aws_client *, const char *role,
	    const char *policy_name, struct cz_err *);
/* ListRolePolicies, every page: inline policy names appended; 1 no such
 * role. */
int	iam_list_role_policies(struct aws_client *, const char *role,
	    struct cz_strv *names, struct cz_err *);

#endif
