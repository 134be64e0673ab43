/* services/sts: GetCallerIdentity (whoami, and the account id for names). */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "services/sts.h"

void
sts_identity_release(struct sts_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}

int
sts_get_caller_identity(struct aws_client *c, struct sts_identity *id,
    struct cz_err *err)
{
	struct aws_xml		*x = NULL;
	struct aws_xml_node	*r;
	int			 rc = -1;

	memset(id, 0, sizeof(*id));
	if (aws_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, &x,
	    err) == -1)
		goto out;
	r = aws_xml_find(aws_xml_root(x), "GetCallerIdentityResult");
	id->account = aws_xml_text(r, "Account");
	id->arn = aws_xml_text(r, "Arn");
	id->user_id = aws_xml_text(r, "UserId");
	if (id->account == NULL || id->arn == NULL) {
		sts_identity_release(id);
		cz_errf(err, "sts GetCallerIdentity: answer has no Account or "
		    "Arn");
		goto out;
	}
	rc = 0;
out:
	aws_xml_free(x);
	return rc;
}
