/*
 * cz_err: the one error type.  Anything that can fail returns int: 0 on
 * success, -1 with *err filled.  Fixed arrays, because recording an error must
 * never allocate or fail.  Never put a secret into one.
 */
#ifndef CZ_BASE_ERR_H
#define CZ_BASE_ERR_H

#include <stddef.h>

struct cz_err {
	char	msg[512];	/* one line, no full stop, never a secret */
	char	service[24];	/* "lambda"; empty if not an AWS call */
	char	op[48];		/* "CreateFunction" */
	char	code[64];	/* AWS error code, e.g. "ThrottlingException" */
	char	request_id[64];	/* x-amzn-requestid or S3's RequestId */
	int	status;		/* HTTP status; 0 if none */
};

/* Clears every field. */
void	cz_err_clear(struct cz_err *);
/* Sets msg (and clears the AWS fields); always returns -1. */
int	cz_errf(struct cz_err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Puts "prefix: " in front of msg, keeping the AWS fields; returns -1. */
int	cz_err_prefix(struct cz_err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * The one-line form main prints (without "czappa: "):
 * "lambda CreateFunction: ResourceConflictException: <msg>".
 */
const char *cz_err_line(const struct cz_err *, char *out, size_t outsz);

#endif
