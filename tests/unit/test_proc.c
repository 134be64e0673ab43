/* base/proc: the one door to fork/exec: capture, stdin, env, timeouts. */
#include <string.h>

#include "base/proc.h"
#include "t.h"

int
main(void)
{
	struct cz_buf	 out = CZ_BUF_INIT, err_out = CZ_BUF_INIT;
	struct cz_proc	 p;
	struct cz_err	 err;
	const char	*echo[] = { "printf", "%s|%s", "a b", "c", NULL };
	const char	*cat[] = { "cat", NULL };
	const char	*sh[] = { "sh", "-c", "echo out; echo err >&2; exit 3",
			    NULL };
	const char	*envv[] = { "sh", "-c", "printf %s \"$CZ_T\"", NULL };
	const char	*env[] = { "CZ_T=from env", NULL };
	const char	*sleep[] = { "sleep", "5", NULL };
	const char	*none[] = { "/nonexistent/czappa-x", NULL };
	const char	*kill[] = { "sh", "-c", "kill -9 $$", NULL };
	static char	 big[300000];

	memset(&p, 0, sizeof(p));
	p.argv = echo;
	p.out = &out;
	T_OK(cz_proc_run(&p, &err) == 0 && p.status == 0 &&
	    strcmp(out.s, "a b|c") == 0, "argv goes to execvp as is, no shell "
	    "(%s)", out.s);

	memset(big, 'x', sizeof(big));
	cz_buf_reset(&out);
	memset(&p, 0, sizeof(p));
	p.argv = cat;
	p.in = big;
	p.inlen = sizeof(big);
	p.out = &out;
	T_OK(cz_proc_run(&p, &err) == 0 && out.len == sizeof(big),
	    "300 KB through stdin and back without deadlock (%zu)", out.len);

	cz_buf_reset(&out);
	memset(&p, 0, sizeof(p));
	p.argv = sh;
	p.out = &out;
	p.errout = &err_out;
	T_OK(cz_proc_run(&p, &err) == 0 && p.status == 3 &&
	    strcmp(out.s, "out\n") == 0 && strcmp(err_out.s, "err\n") == 0,
	    "stdout, stderr and the exit status apart");

	cz_buf_reset(&out);
	memset(&p, 0, sizeof(p));
	p.argv = envv;
	p.env = env;
	p.out = &out;
	T_OK(cz_proc_run(&p, &err) == 0 && strcmp(out.s, "from env") == 0,
	    "extra environment");

	memset(&p, 0, sizeof(p));
	p.argv = sleep;
	p.timeout_ms = 200;
	T_OK(cz_proc_run(&p, &err) == -1 && strcmp(err.msg, "sleep: killed "
	    "after 200 ms") == 0, "timeout kills (%s)", err.msg);

	cz_buf_reset(&err_out);
	memset(&p, 0, sizeof(p));
	p.argv = none;
	p.errout = &err_out;
	T_OK(cz_proc_run(&p, &err) == 0 && p.status == 127 &&
	    strstr(err_out.s, "No such file") != NULL,
	    "a missing program exits 127 with the reason");

	memset(&p, 0, sizeof(p));
	p.argv = kill;
	T_OK(cz_proc_run(&p, &err) == 0 && p.status == 128 + 9,
	    "a signal is 128 + its number");
	cz_buf_release(&out);
	cz_buf_release(&err_out);
	return t_done();
}
