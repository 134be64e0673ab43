/* services/sts: the STS calls czappa makes itself (the credential chain's
 * AssumeRole calls live in aws/client.c). */
#ifndef CZ_SERVICES_STS_H
#define CZ_SERVICES_STS_H

#include "aws/client.h"

struct sts_identity {
	char	*account;	/* "123456789012" */
	char	*arn;		/* the caller's ARN */
	char	*user_id;
};

void	sts_identity_release(struct sts_identity *);
/* GetCallerIdentity: 0 and *id filled, or -1 and *err. */
int	sts_get_caller_identity(struct aws_client *, struct sts_identity *id,
	    struct cz_err *err);

#endif
