/*
 * czappa map: fan the stage's cz_function out over the lines of a JSONL
 * file (or stdin), -j N invocations in flight, results to stdout in input
 * order (or as they finish with --unordered), a progress line on a
 * terminal and a summary on stderr.  On Lambda all N calls go from this
 * one thread (aws/multi.h); with --local, over N local bootstraps.  The
 * line format is stage/map.h's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/client.h"
#include "aws/multi.h"
#include "base/buf.h"
#include "build/compile.h"
#include "build/package.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"
#include "local/pool.h"
#include "local/project.h"
#include "stage/map.h"

#define JOBS_MAX	1024

enum {
	O_UNORDERED = 256,
	O_LOCAL,
	O_FUNCTION,
};

static const struct cli_opt map_opts[] = {
	{ 'j', "jobs", CLI_UINT, "invocations in flight (default 16)", "N" },
	{ O_UNORDERED, "unordered", CLI_FLAG, "print results as they finish",
	  NULL },
	{ 'k', "keep-going", CLI_FLAG, "go on after a function error", NULL },
	{ O_LOCAL, "local", CLI_FLAG, "map over a pool of local bootstraps",
	  NULL },
	{ O_FUNCTION, "function", CLI_STR, "the cz_function to call", "NAME" },
	{ 0, NULL, 0, NULL, NULL }
};

static volatile sig_atomic_t	s_stop;

static void
s_on_sigint(int sig)
{
	(void)sig;
	s_stop = 1;
	signal(SIGINT, SIG_DFL);
}

struct s_io {
	FILE		*in;
	const char	*name;
	char		*buf;
	size_t		 cap;
	int		 progress;	/* draw the progress line */
	int		 drawn;
};

static int
s_next(void *arg, struct cz_buf *line, struct cz_err *err)
{
	struct s_io	*io = arg;
	ssize_t		 n;

	errno = 0;
	if ((n = getline(&io->buf, &io->cap, io->in)) == -1) {
		if (ferror(io->in))
			return cz_errf(err, "%s: %s", io->name,
			    strerror(errno));
		return 1;
	}
	cz_buf_add(line, io->buf, (size_t)n);
	return 0;
}

static void
s_clear(struct s_io *io)
{
	if (io->drawn) {
		fputs("\r\033[K", stderr);
		io->drawn = 0;
	}
}

static void
s_result(void *arg, size_t index, int failed, const char *line, size_t len)
{
	struct s_io	*io = arg;

	(void)index;
	(void)failed;
	s_clear(io);
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
}

static void
s_progress(void *arg, const struct stage_map_stats *st)
{
	struct s_io	*io = arg;

	fflush(stdout);
	if (!io->progress)
		return;
	fprintf(stderr, "\r\033[K  map: %s%zu done%s  %s%zu failed%s  %zu in "
	    "flight  %.0f/s", ui_green(), st->done, ui_reset(),
	    st->failed ? ui_red() : "", st->failed, ui_reset(), st->in_flight,
	    st->ms > 0 ? st->done * 1000.0 / (double)st->ms : 0.0);
	io->drawn = 1;
	fflush(stderr);
}

/* --local: one invocation through the pool, as a map answer. */
static int
s_local_invoke(void *arg, const void *payload, size_t len,
    struct stage_map_answer *ans, struct cz_err *err)
{
	struct local_pool	*pool = arg;
	struct local_result	 r;
	json_t			*j;
	const char		*m;
	int			 rc = -1;

	local_result_init(&r);
	if (local_invoke(pool, payload, len, &r, err) == -1)
		goto out;
	if (r.outcome == LOCAL_OK) {
		ans->ok = 1;
		cz_buf_add(&ans->payload, r.payload.s, r.payload.len);
	} else {
		j = json_loadb(r.payload.s, r.payload.len, 0, NULL);
		m = json_string_value(json_object_get(j, "errorMessage"));
		snprintf(ans->error_type, sizeof(ans->error_type), "%s",
		    r.error_type[0] ? r.error_type : "Unhandled");
		snprintf(ans->error_msg, sizeof(ans->error_msg), "%s",
		    m ? m : r.payload.s);
		json_decref(j);
	}
	rc = 0;
out:
	local_result_release(&r);
	return rc;
}

static int
s_pool(struct cli_ctx *ctx, int jobs, struct build_result *res,
    struct local_project *lp, struct local_pool **pool, struct cz_err *err)
{
	struct build_opts	bo = { NULL, NULL, NULL, NULL };

	bo.arch = build_host_arch();
	ui_info("building %s for this machine", ctx->cfg->service);
	if (build_package(ctx->cfg, &bo, res, err) == -1) {
		if (res->compiler_output.len)
			fprintf(stderr, "%s", res->compiler_output.s);
		return -1;
	}
	if (local_project_init(lp, ctx->cfg, res->bootstrap, jobs, err) == -1)
		return -1;
	lp->opts.queue_max = jobs * 2;
	ui_info("starting %d local bootstrap%s", jobs, jobs == 1 ? "" : "s");
	return local_pool_start(&lp->opts, pool, err);
}

static int
map_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct stage_map_opts	 o;
	struct stage_map_hooks	 h = { s_next, s_result, s_progress, NULL };
	struct stage_map_stats	 st;
	struct stage_map_local	 lm;
	struct s_io		 io;
	struct build_result	 res = BUILD_RESULT_INIT;
	struct local_project	 lp = LOCAL_PROJECT_INIT;
	struct cz_buf		 fn = CZ_BUF_INIT;
	struct aws_client_opts	 co;
	struct aws_multi_opts	 mo;
	struct aws_client	*c = NULL;
	struct aws_multi	*multi = NULL;
	struct local_pool	*pool = NULL;
	struct sigaction	 sa, old;
	unsigned long		 jobs = cli_opt_uint(ctx, 'j', 16);
	int			 r, rc = -1;

	memset(&io, 0, sizeof(io));
	memset(&o, 0, sizeof(o));
	if (jobs < 1 || jobs > JOBS_MAX)
		return cz_errf(err, "-j: %lu is not in 1..%d", jobs, JOBS_MAX);
	io.name = ctx->argc > 0 ? ctx->argv[0] : "-";
	if (strcmp(io.name, "-") == 0) {
		io.in = stdin;
		io.name = "stdin";
	} else if ((io.in = fopen(io.name, "r")) == NULL)
		return cz_errf(err, "%s: %s", io.name, strerror(errno));
	io.progress = !ctx->json && isatty(STDERR_FILENO);
	h.arg = &io;
	cz_buf_addf(&fn, "%s-%s", ctx->cfg->service, ctx->stage);
	o.function = fn.s;
	o.qualifier = "live";
	o.cz_function = cli_opt_str(ctx, O_FUNCTION, NULL);
	o.jobs = (int)jobs;
	o.unordered = cli_opt_flag(ctx, O_UNORDERED);
	o.keep_going = cli_opt_flag(ctx, 'k');
	o.stop = &s_stop;
	if (cli_opt_flag(ctx, O_LOCAL)) {
		if (s_pool(ctx, (int)jobs, &res, &lp, &pool, err) == -1)
			goto out;
		lm.invoke = s_local_invoke;
		lm.arg = pool;
		o.local = &lm;
	} else {
		memset(&co, 0, sizeof(co));
		co.profile = ctx->profile;
		co.region = ctx->region;
		co.config_region = ctx->cfg->region;
		co.config_profile = ctx->cfg->profile;
		co.hooks = ui_aws_hooks();
		if (aws_client_new(&co, &c, err) == -1)
			goto out;
		memset(&mo, 0, sizeof(mo));
		mo.client = c;
		mo.hooks = co.hooks;
		mo.max_in_flight = (int)jobs;
		/* A synchronous Invoke lasts as long as the function: an
		 * attempt that timed out sooner would run it twice. */
		mo.timeout_ms = (ctx->cfg->timeout + 30) * 1000L;
		if (aws_multi_new(&mo, &multi, err) == -1)
			goto out;
		o.multi = multi;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = s_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	r = stage_map(&o, &h, &st, err);
	sigaction(SIGINT, &old, NULL);
	s_clear(&io);
	fflush(stdout);
	fprintf(stderr, "map: %zu invocation%s, %zu failed, %.2f s, %.1f/s"
	    "%s", st.done, st.done == 1 ? "" : "s", st.failed,
	    st.ms / 1000.0, st.ms > 0 ? st.done * 1000.0 / (double)st.ms :
	    0.0, s_stop ? ", interrupted" : "");
	if (st.retries)
		fprintf(stderr, ", %lld retried", st.retries);
	fputc('\n', stderr);
	if (r == 1) {
		cz_errf(err, "%zu of %zu invocations failed%s", st.failed,
		    st.done, o.keep_going ? "" : " (stopped at the first; "
		    "--keep-going runs them all)");
		goto out;
	}
	if (r == -1)
		goto out;
	rc = s_stop ? -1 : 0;
	if (s_stop)
		cz_errf(err, "interrupted after %zu of the input lines",
		    st.read);
out:
	aws_multi_free(multi);
	aws_client_free(c);
	local_pool_stop(pool);
	build_result_release(&res);
	local_project_release(&lp);
	cz_buf_release(&fn);
	free(io.buf);
	if (io.in && io.in != stdin)
		fclose(io.in);
	return rc;
}

const struct cli_command cmd_map = {
	.name = "map",
	.args = "<stage> [INPUT.jsonl | -] [-j N]",
	.summary = "fan a function out over many inputs on Lambda",
	.help = "Each input line is one invocation of "
	    "<service>-<stage>:live, -j N at once\nfrom one thread.  Output: "
	    "one line per input, in input order (--unordered:\nas they "
	    "finish, as {\"index\":i,\"result\":...}); a failed line is\n"
	    "{\"index\":i,\"error\":{\"type\",\"message\"}}.  Throttled "
	    "and 5xx calls are retried\nwith backoff; a function error stops "
	    "the run unless --keep-going.\n--local maps over local "
	    "bootstraps instead of Lambda.",
	.opts = map_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE,
	.min_args = 1,
	.max_args = 2,
	.run = map_run,
};
