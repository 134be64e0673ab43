/*
 * proc: the one door to fork/exec (git's run-command.h).  No shell is ever
 * involved: argv goes straight to execvp.  Output is captured through pipes
 * with poll(2), so a chatty child cannot deadlock us.
 */
#ifndef CZ_BASE_PROC_H
#define CZ_BASE_PROC_H

#include <sys/types.h>

#include "base/buf.h"
#include "base/err.h"

struct cz_proc {
	const char *const *argv;	/* argv[0] is looked up in PATH */
	/* "K=V" added to our environment; or NULL */
	const char *const *env;
	const char	*dir;		/* working directory, or NULL */
	/* bytes for stdin, or NULL for /dev/null */
	const void	*in;
	size_t		 inlen;
	/* stdout collected here, or NULL: inherit */
	struct cz_buf	*out;
	/*
	 * stderr collected here, or NULL: inherit; may equal out to merge
	 * the two
	 */
	struct cz_buf	*errout;
	/* kill with SIGKILL after this; 0: none */
	int		 timeout_ms;
	int		 status;	/* out: exit code, or 128+signal */
};

/* Runs to completion.  0 when the child ran (look at ->status), -1 and *err
 * when it could not be started or timed out. */
int	cz_proc_run(struct cz_proc *, struct cz_err *);

/* Starts argv in the background with stdin from /dev/null and stdout/stderr
 * inherited; returns its pid or -1 and *err. */
pid_t	cz_proc_spawn(const char *const *argv, const char *const *env,
	    struct cz_err *);

#endif
