/* proc: see proc.h. */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/proc.h"

static void
s_child_env(const char *const *env)
{
	char	*eq, *kv;

	for (; env && *env; env++) {
		if ((kv = strdup(*env)) == NULL)
			_exit(127);
		if ((eq = strchr(kv, '=')) == NULL)
			continue;
		*eq = '\0';
		setenv(kv, eq + 1, 1);
		free(kv);
	}
}

static long long
s_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
cz_proc_run(struct cz_proc *p, struct cz_err *err)
{
	int		 inp[2] = { -1, -1 }, outp[2] = { -1, -1 },
			 errp[2] = { -1, -1 };
	struct pollfd	 pfd[3];
	char		 chunk[16384];
	const char	*in = p->in;
	size_t		 inleft = p->inlen;
	long long	 deadline = 0;
	pid_t		 pid;
	int		 st, n, i, timedout = 0, reaped = 0;
	ssize_t		 r;

	p->status = -1;
	if ((in && pipe2(inp, O_CLOEXEC) == -1) ||
	    (p->out && pipe2(outp, O_CLOEXEC) == -1) ||
	    (p->errout && p->errout != p->out &&
	    pipe2(errp, O_CLOEXEC) == -1))
		return cz_errf(err, "pipe: %s", strerror(errno));
	if ((pid = fork()) == -1)
		return cz_errf(err, "fork: %s", strerror(errno));
	if (pid == 0) {
		int	devnull = open("/dev/null", O_RDWR);

		dup2(in ? inp[0] : devnull, 0);
		if (p->out)
			dup2(outp[1], 1);
		if (p->errout)
			dup2(p->errout == p->out ? outp[1] : errp[1], 2);
		if (p->dir && chdir(p->dir) == -1) {
			dprintf(2, "%s: %s\n", p->dir, strerror(errno));
			_exit(127);
		}
		s_child_env(p->env);
		signal(SIGPIPE, SIG_DFL);
		execvp(p->argv[0], (char *const *)p->argv);
		dprintf(2, "%s: %s\n", p->argv[0], strerror(errno));
		_exit(127);
	}
	if (in) {
		close(inp[0]);
		/* A blocking write of more than a pipe holds would wait for a
		 * child that waits for us to read its output. */
		fcntl(inp[1], F_SETFL, fcntl(inp[1], F_GETFL) | O_NONBLOCK);
	}
	if (p->out)
		close(outp[1]);
	if (errp[1] != -1)
		close(errp[1]);
	if (in && inleft == 0) {
		close(inp[1]);
		inp[1] = -1;
	}
	if (p->timeout_ms > 0)
		deadline = s_now_ms() + p->timeout_ms;
	for (;;) {
		n = 0;
		if (in && inp[1] != -1) {
			pfd[n].fd = inp[1];
			pfd[n++].events = POLLOUT;
		}
		if (outp[0] != -1) {
			pfd[n].fd = outp[0];
			pfd[n++].events = POLLIN;
		}
		if (errp[0] != -1) {
			pfd[n].fd = errp[0];
			pfd[n++].events = POLLIN;
		}
		if (n == 0) {
			/* Nothing left to carry: wait for the exit, still
			 * under the deadline. */
			pid_t	w;

			if (!deadline)
				break;
			while ((w = waitpid(pid, &st, WNOHANG)) == 0 &&
			    s_now_ms() <= deadline)
				poll(NULL, 0, 20);
			if (w == pid) {
				reaped = 1;
				break;
			}
			if (w == -1 && errno != EINTR)
				break;
			kill(pid, SIGKILL);
			timedout = 1;
			break;
		}
		if (poll(pfd, (nfds_t)n, deadline ? 100 : -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (deadline && s_now_ms() > deadline) {
			kill(pid, SIGKILL);
			timedout = 1;
			break;
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == inp[1]) {
				r = write(inp[1], in, inleft);
				if (r > 0) {
					in += r;
					inleft -= (size_t)r;
				}
				if (r < 0 && (errno == EAGAIN ||
				    errno == EINTR))
					continue;
				if (r < 0 || inleft == 0) {
					close(inp[1]);
					inp[1] = -1;
				}
				continue;
			}
			r = read(pfd[i].fd, chunk, sizeof(chunk));
			if (r > 0)
				cz_buf_add(pfd[i].fd == outp[0] ? p->out :
				    p->errout, chunk, (size_t)r);
			else if (r == 0 || errno != EINTR) {
				close(pfd[i].fd);
				if (pfd[i].fd == outp[0])
					outp[0] = -1;
				else
					errp[0] = -1;
			}
		}
	}
	if (inp[1] != -1)
		close(inp[1]);
	if (outp[0] != -1)
		close(outp[0]);
	if (errp[0] != -1)
		close(errp[0]);
	while (!reaped && waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (timedout)
		return cz_errf(err, "%s: killed after %d ms", p->argv[0],
		    p->timeout_ms);
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

pid_t
cz_proc_spawn(const char *const *argv, const char *const *env,
    struct cz_err *err)
{
	pid_t	pid;

	if ((pid = fork()) == -1)
		return cz_errf(err, "fork: %s", strerror(errno));
	if (pid == 0) {
		int	devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		s_child_env(env);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}
