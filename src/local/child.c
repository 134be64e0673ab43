/* child: see child.h. */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include "local/child.h"

int
local_child_spawn(const char *path, char *const envp[], const char *dir,
    struct local_child *c, struct cz_err *err)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	sigset_t			 none, dfl;
	char *const			 argv[] = { (char *)path, NULL };
	int				 p[2] = { -1, -1 }, e, rc = -1;

	c->pid = -1;
	c->out = -1;
	if (pipe2(p, O_CLOEXEC) == -1)
		return cz_errf(err, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	if (dir != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	/* Our threads may block signals or ignore SIGPIPE; the bootstrap
	 * starts as Lambda starts it, with everything at default. */
	sigemptyset(&none);
	sigfillset(&dfl);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if ((e = posix_spawn(&c->pid, path, &fa, &at, argv, envp)) != 0) {
		c->pid = -1;
		cz_errf(err, "%s: %s", path, strerror(e));
		goto out;
	}
	c->out = p[0];
	p[0] = -1;
	fcntl(c->out, F_SETFL, fcntl(c->out, F_GETFL) | O_NONBLOCK);
	rc = 0;
out:
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (p[0] != -1)
		close(p[0]);
	close(p[1]);
	return rc;
}

void
local_child_kill(const struct local_child *c)
{
	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
	}
}

void
local_child_close(struct local_child *c)
{
	if (c->out != -1)
		close(c->out);
	c->out = -1;
}
