/*
 * child: starting a bootstrap the way Lambda runs it.  base/proc.h's spawn
 * copies the environment with malloc between fork and exec, which is not
 * safe in a threaded program like the pool; here the environment is built
 * before posix_spawn, the child gets its own process group (so a timeout
 * also kills whatever the bootstrap started) and its stdout and stderr go
 * into one pipe the pool reads, line by line, into the log hook.
 */
#ifndef CZ_LOCAL_CHILD_H
#define CZ_LOCAL_CHILD_H

#include <sys/types.h>

#include "base/err.h"

struct local_child {
	pid_t	pid;		/* also the process group id; -1: none */
	int	out;		/* read end of stdout+stderr, O_NONBLOCK; -1 */
};

/*
 * Runs path (no PATH search) with argv {path} and exactly envp, in dir,
 * stdin from /dev/null.  0 and *c filled, or -1 and *err.  Never blocks.
 */
int	local_child_spawn(const char *path, char *const envp[],
	    const char *dir, struct local_child *c, struct cz_err *err);
/* SIGKILLs the child's whole process group (no-op once reaped). */
void	local_child_kill(const struct local_child *c);
/* Closes the pipe; the caller reaps the pid. */
void	local_child_close(struct local_child *c);

#endif
