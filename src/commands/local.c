/*
 * czappa local: build the handler for this machine (whatever
 * provider.architecture says) and serve it on 127.0.0.1 through czappa's
 * own Runtime API and an API Gateway HTTP API front (src/local/), or fire
 * one schedule or keep-warm ping through the same pool and exit.
 *
 * The stage is optional, as `sam local start-api` takes none: without one
 * the top-level settings of serverless.yaml are used; `czappa local dev`
 * merges stage dev (its environment, memory, timeout).  The URL goes to
 * stdout; access lines, the bootstrap's own lines (tagged with request ids
 * by the runtime) and pool errors go to stderr.  SIGINT and SIGTERM are
 * taken with sigwait() on a blocked mask, never by a handler, and stop in
 * the order docs/local.md asks: cancel the pool, stop the front, stop the
 * pool (which kills and reaps every bootstrap).  SIGCHLD is left alone.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "build/compile.h"
#include "build/package.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"
#include "local/front.h"
#include "local/pool.h"
#include "local/project.h"

#define WORKERS_MAX	64

enum {
	O_SCHEDULE = 256,
	O_KEEP_WARM,
};

static const struct cli_opt local_opts[] = {
	{ 'p', "port", CLI_UINT, "port on 127.0.0.1 (default 8000; 0: any free "
	    "port)", "PORT" },
	{ 'n', "concurrency", CLI_UINT, "bootstrap processes (default 2)",
	    "N" },
	{ O_SCHEDULE, "schedule", CLI_STR, "fire the named schedule once and "
	    "exit", "NAME" },
	{ O_KEEP_WARM, "keep-warm", CLI_FLAG, "send one keep-warm ping and "
	    "exit", NULL },
	{ 0, NULL, 0, NULL, NULL }
};

/* Prints one record of the pool or the front; they come one at a time. */
static void
s_on_log(void *arg, const struct local_log *l)
{
	const char	*rid = l->request_id;
	const char	*col;
	int		 tag;

	(void)arg;
	switch (l->kind) {
	case LOCAL_LOG_REQUEST:
		col = l->status >= 500 ? ui_red() : l->status >= 400 ?
		    ui_yellow() : ui_green();
		fprintf(stderr, "%s %s %s%d%s %lld ms%s%s%s%s\n", l->method,
		    l->path, col, l->status, ui_reset(), l->ms, ui_dim(),
		    rid ? " " : "", rid ? rid : "", ui_reset());
		break;
	case LOCAL_LOG_OUTPUT:
		/* czappa's runtime already tags its lines; others are not. */
		if (rid != NULL && strstr(l->text, rid) == NULL)
			fprintf(stderr, "%s%s%s %s\n", ui_dim(), rid,
			    ui_reset(), l->text);
		else
			fprintf(stderr, "%s\n", l->text);
		break;
	case LOCAL_LOG_INFO:
		if (ui_verbose())
			fprintf(stderr, "%s%s%s\n", ui_dim(), l->text,
			    ui_reset());
		break;
	case LOCAL_LOG_ERROR:
		tag = rid != NULL && strstr(l->text, rid) == NULL;
		fprintf(stderr, "%serror:%s %s%s%s%s\n", ui_red(), ui_reset(),
		    l->text, tag ? " (request " : "", tag ? rid : "",
		    tag ? ")" : "");
		break;
	}
	fflush(stderr);
}

/* Waits for SIGINT/SIGTERM while a one-shot invocation runs. */
struct s_stopper {
	struct local_pool	*pool;
	sigset_t		 set;
	atomic_int		 done;	/* the invocation returned */
	atomic_int		 signo;	/* the signal that cancelled it */
};

static void *
s_stopper_main(void *arg)
{
	struct s_stopper	*s = arg;
	int			 sig = 0;

	sigwait(&s->set, &sig);
	if (!atomic_load(&s->done)) {
		atomic_store(&s->signo, sig);
		local_pool_cancel(s->pool);
	}
	return NULL;
}

/* The schedule NAME names in the config (by name, else by handler). */
static int
s_find_schedule(const struct config *cfg, const char *name,
    const struct config_schedule **sp, struct cz_err *err)
{
	struct cz_buf	 names = CZ_BUF_INIT;
	size_t		 i;

	for (i = 0; i < cfg->nschedules; i++)
		if (strcmp(cfg->schedules[i].name, name) == 0) {
			*sp = &cfg->schedules[i];
			return 0;
		}
	for (i = 0; i < cfg->nschedules; i++)
		if (cfg->schedules[i].handler != NULL &&
		    strcmp(cfg->schedules[i].handler, name) == 0) {
			*sp = &cfg->schedules[i];
			return 0;
		}
	for (i = 0; i < cfg->nschedules; i++)
		cz_buf_addf(&names, "%s%s", i ? ", " : "",
		    cfg->schedules[i].name);
	cz_errf(err, "--schedule: %s has no schedule named %s (%s%s)",
	    cfg->path, name, cfg->nschedules ? "schedules: " :
	    "it has no schedules", names.s);
	cz_buf_release(&names);
	return -1;
}

/* Prints a one-shot answer: the payload, or a function error. */
static int
s_report(struct cli_ctx *ctx, const struct local_result *r,
    struct cz_err *err)
{
	json_t		*j = NULL;
	const char	*msg = NULL;

	if (r->outcome == LOCAL_OK || ctx->json) {
		fwrite(r->payload.s, 1, r->payload.len, stdout);
		if (r->payload.len == 0 ||
		    r->payload.s[r->payload.len - 1] != '\n')
			fputc('\n', stdout);
		fflush(stdout);
	}
	if (r->outcome == LOCAL_OK)
		return 0;
	if ((j = json_loadb(r->payload.s, r->payload.len, 0, NULL)) != NULL)
		msg = json_string_value(json_object_get(j, "errorMessage"));
	cz_errf(err, "function error: %s: %s", r->error_type[0] ?
	    r->error_type : "Unhandled", msg ? msg : r->payload.s);
	json_decref(j);
	return -1;
}

/* --schedule / --keep-warm: one invocation, then out. */
static int
s_once(struct cli_ctx *ctx, struct local_pool *pool,
    const struct config_schedule *sch, const sigset_t *set,
    struct cz_err *err)
{
	struct s_stopper	 st;
	struct local_result	 r;
	pthread_t		 th;
	int			 rc, irc;

	memset(&st, 0, sizeof(st));
	st.pool = pool;
	st.set = *set;
	atomic_init(&st.done, 0);
	atomic_init(&st.signo, 0);
	local_result_init(&r);
	if ((rc = pthread_create(&th, NULL, s_stopper_main, &st)) != 0) {
		local_result_release(&r);
		return cz_errf(err, "starting a thread: %s", strerror(rc));
	}
	if (sch != NULL) {
		ui_info("firing schedule %s (handler %s)", sch->name,
		    sch->handler ? sch->handler : sch->name);
		irc = local_fire_schedule(pool, sch->handler ? sch->handler :
		    sch->name, sch->input_json, &r, err);
	} else {
		ui_info("sending a keep-warm ping");
		irc = local_keep_warm(pool, &r, err);
	}
	atomic_store(&st.done, 1);
	pthread_kill(th, SIGTERM);
	pthread_join(th, NULL);
	if (atomic_load(&st.signo) != 0)
		rc = cz_errf(err, "interrupted by %s",
		    atomic_load(&st.signo) == SIGINT ? "SIGINT" : "SIGTERM");
	else
		rc = irc == -1 ? -1 : s_report(ctx, &r, err);
	local_result_release(&r);
	return rc;
}

/* Serves HTTP until SIGINT or SIGTERM. */
static int
s_serve(struct cli_ctx *ctx, struct local_pool *pool, unsigned short port,
    int workers, const sigset_t *set, struct cz_err *err)
{
	struct local_front	*front = NULL;
	enum local_flavour	 fl = LOCAL_HTTPAPI;
	int			 sig = 0;

	if (ctx->cfg->http == CONFIG_HTTP_FUNCTION_URL)
		fl = LOCAL_FUNCTION_URL;
	if (local_front_start(pool, port, fl, &front, err) == -1) {
		if (port != 0)
			cz_err_prefix(err, "127.0.0.1:%u (pick another with "
			    "-p, or -p 0 for any free port)", port);
		return -1;
	}
	port = local_front_port(front);
	if (ctx->json)
		ui_out("{\"url\":\"http://127.0.0.1:%u\",\"port\":%u,"
		    "\"workers\":%d}\n", port, port, workers);
	else
		ui_out("http://127.0.0.1:%u\n", port);
	fflush(stdout);
	if (ctx->cfg->http == CONFIG_HTTP_NONE)
		ui_warn("http is none: the deployed stage has no HTTP "
		    "endpoint; serving it here anyway");
	ui_info("serving %s (%s) as %s with %d bootstrap%s; Ctrl-C stops",
	    ctx->cfg->service, ctx->stage ? ctx->stage : "no stage",
	    fl == LOCAL_HTTPAPI ? "an HTTP API" : "a function URL",
	    workers, workers == 1 ? "" : "s");
	sigwait(set, &sig);
	ui_info("stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
	/* Requests in flight end now, then nothing listens, then the
	 * processes go. */
	local_pool_cancel(pool);
	local_front_stop(front);
	return 0;
}

static int
local_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct build_opts		 bo = { NULL, NULL, NULL, NULL };
	struct build_result		 res = BUILD_RESULT_INIT;
	struct local_project		 lp = LOCAL_PROJECT_INIT;
	struct local_pool		*pool = NULL;
	const struct config_schedule	*sch = NULL;
	const char			*sname;
	unsigned long			 port, workers;
	sigset_t			 set;
	int				 warm, rc = -1;

	port = cli_opt_uint(ctx, 'p', LOCAL_FRONT_DEFAULT_PORT);
	workers = cli_opt_uint(ctx, 'n', 2);
	sname = cli_opt_str(ctx, O_SCHEDULE, NULL);
	warm = cli_opt_flag(ctx, O_KEEP_WARM);
	if (port > 65535) {
		cz_errf(err, "-p: %lu is not a port (0..65535)", port);
		goto out;
	}
	if (workers < 1 || workers > WORKERS_MAX) {
		cz_errf(err, "-n: %lu is not in 1..%d", workers, WORKERS_MAX);
		goto out;
	}
	if (sname != NULL && warm) {
		cz_errf(err, "--schedule and --keep-warm: choose one");
		goto out;
	}
	if (sname != NULL && s_find_schedule(ctx->cfg, sname, &sch, err) ==
	    -1)
		goto out;
	if (ctx->stage == NULL)
		ui_info("no stage given: using the top-level settings of %s",
		    ctx->cfg->path);
	/* This machine runs it, so this machine's CPU, not the stage's. */
	bo.arch = build_host_arch();
	ui_info("building %s for this machine (%s)", ctx->cfg->service,
	    bo.arch);
	if (build_package(ctx->cfg, &bo, &res, err) == -1) {
		if (res.compiler_output.len > 0) {
			fwrite(res.compiler_output.s, 1,
			    res.compiler_output.len, stderr);
			if (res.compiler_output.s[res.compiler_output.len -
			    1] != '\n')
				fputc('\n', stderr);
		}
		goto out;
	}
	if (res.compiler_output.len > 0)
		fwrite(res.compiler_output.s, 1, res.compiler_output.len,
		    stderr);
	if (local_project_init(&lp, ctx->cfg, res.bootstrap,
	    sname != NULL || warm ? 1 : (int)workers, err) == -1)
		goto out;
	lp.opts.hooks.on_log = s_on_log;
	/*
	 * Block the stop signals before the pool makes its threads, so they
	 * inherit the mask and only sigwait() sees them (the bootstraps get
	 * a clean mask from child.c).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (local_pool_start(&lp.opts, &pool, err) == -1)
		goto out;
	if (sname != NULL || warm)
		rc = s_once(ctx, pool, sch, &set, err);
	else
		rc = s_serve(ctx, pool, (unsigned short)port, (int)workers,
		    &set, err);
out:
	local_pool_stop(pool);
	local_project_release(&lp);
	build_result_release(&res);
	return rc;
}

const struct cli_command cmd_local = {
	.name = "local",
	.args = "[stage] [-p PORT] [-n N] [--schedule NAME | --keep-warm]",
	.summary = "build the handler for this machine and serve it on "
	    "127.0.0.1",
	.help = "Builds the handler for this machine's CPU and serves it on\n"
	    "http://127.0.0.1:PORT through czappa's Runtime API and API "
	    "Gateway v2\nevents, with N bootstrap processes.  Without a stage "
	    "the top-level\nsettings of serverless.yaml are used.  The URL "
	    "goes to stdout; access\nlines and the handler's log lines to "
	    "stderr; Ctrl-C stops.\n--schedule NAME fires that schedule once "
	    "(with its input) and prints the\nanswer; --keep-warm sends one "
	    "keep-warm ping.",
	.opts = local_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE,
	.min_args = 0,
	.max_args = 1,
	.run = local_run,
};
