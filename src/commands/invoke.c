/*
 * czappa invoke: call the stage's `live` alias once, synchronously (or
 * queue an Event with --async), print the answer to stdout and the decoded
 * log tail to stderr; a function error exits 1 with its type and message.
 * --local builds the handler and runs it under czappa's own Runtime API
 * instead, so no AWS account is involved (the AWS client is then never
 * made, which is why this command asks the dispatcher for no client).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/client.h"
#include "base/buf.h"
#include "build/compile.h"
#include "build/package.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"
#include "local/pool.h"
#include "local/project.h"
#include "services/lambda_invoke.h"
#include "stage/map.h"

enum {
	O_ASYNC = 256,
	O_LOCAL,
	O_FUNCTION,
};

static const struct cli_opt invoke_opts[] = {
	{ O_ASYNC, "async", CLI_FLAG, "queue an Event invocation", NULL },
	{ O_LOCAL, "local", CLI_FLAG, "run the locally built bootstrap instead",
	  NULL },
	{ O_FUNCTION, "function", CLI_STR, "the cz_function to call", "NAME" },
	{ 0, NULL, 0, NULL, NULL }
};

/* The payload: the argument, stdin for "-", or {} when none. */
static int
s_payload(struct cli_ctx *ctx, struct cz_buf *out, struct cz_err *err)
{
	char	chunk[65536];
	size_t	n;
	json_t	*probe;

	if (ctx->argc < 1)
		cz_buf_adds(out, "{}");
	else if (strcmp(ctx->argv[0], "-") == 0) {
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			cz_buf_add(out, chunk, n);
		if (ferror(stdin))
			return cz_errf(err, "reading the payload from stdin "
			    "failed");
	} else
		cz_buf_adds(out, ctx->argv[0]);
	if ((probe = json_loadb(out->s, out->len, JSON_DECODE_ANY, NULL)) ==
	    NULL)
		return cz_errf(err, "the payload is not JSON (pass JSON, or "
		    "- to read it from stdin)");
	json_decref(probe);
	return 0;
}

static void
s_print_log(const char *log, size_t len)
{
	if (len == 0)
		return;
	fprintf(stderr, "%s%.*s%s", ui_dim(), (int)len, log, ui_reset());
	if (log[len - 1] != '\n')
		fputc('\n', stderr);
}

static void
s_print_payload(const struct cz_buf *p)
{
	fwrite(p->s, 1, p->len, stdout);
	if (p->len == 0 || p->s[p->len - 1] != '\n')
		fputc('\n', stdout);
	fflush(stdout);
}

static int
s_local(struct cli_ctx *ctx, const struct cz_buf *event, struct cz_err *err)
{
	struct build_opts	 bo = { NULL, NULL, NULL, NULL };
	struct build_result	 res = BUILD_RESULT_INIT;
	struct local_project	 lp = LOCAL_PROJECT_INIT;
	struct local_result	 r;
	struct local_pool	*pool = NULL;
	int			 rc = -1;

	local_result_init(&r);
	bo.arch = build_host_arch();
	ui_info("building %s for this machine", ctx->cfg->service);
	if (build_package(ctx->cfg, &bo, &res, err) == -1) {
		if (res.compiler_output.len)
			fprintf(stderr, "%s", res.compiler_output.s);
		goto out;
	}
	if (local_project_init(&lp, ctx->cfg, res.bootstrap, 1, err) == -1 ||
	    local_pool_start(&lp.opts, &pool, err) == -1 ||
	    local_invoke(pool, event->s, event->len, &r, err) == -1)
		goto out;
	s_print_log(r.logs.s, r.logs.len);
	if (r.outcome != LOCAL_OK) {
		struct lambda_invoke_out	 o = LAMBDA_INVOKE_OUT_INIT;
		char				 type[128], msg[400];

		cz_buf_add(&o.payload, r.payload.s, r.payload.len);
		snprintf(o.function_error, sizeof(o.function_error),
		    "Unhandled");
		lambda_invoke_error(&o, type, sizeof(type), msg, sizeof(msg));
		lambda_invoke_out_release(&o);
		if (ctx->json)
			s_print_payload(&r.payload);
		cz_errf(err, "function error: %s: %s", r.error_type[0] ?
		    r.error_type : type, msg);
		goto out;
	}
	if (cli_opt_flag(ctx, O_ASYNC))
		ui_info("invoked (Event, local): the answer is not kept");
	else
		s_print_payload(&r.payload);
	rc = 0;
out:
	local_pool_stop(pool);
	local_result_release(&r);
	build_result_release(&res);
	local_project_release(&lp);
	return rc;
}

static int
s_remote(struct cli_ctx *ctx, const struct cz_buf *event, struct cz_err *err)
{
	struct aws_client_opts		 co;
	struct aws_client		*c = NULL;
	struct lambda_invoke_in		 in;
	struct lambda_invoke_out	 out = LAMBDA_INVOKE_OUT_INIT;
	struct cz_buf			 fn = CZ_BUF_INIT;
	char				 type[128], msg[400];
	int				 async = cli_opt_flag(ctx, O_ASYNC);
	int				 r, rc = -1;

	memset(&co, 0, sizeof(co));
	co.profile = ctx->profile;
	co.region = ctx->region;
	co.config_region = ctx->cfg->region;
	co.config_profile = ctx->cfg->profile;
	co.hooks = ui_aws_hooks();
	/* The call lasts as long as the function may run. */
	co.timeout_ms = (ctx->cfg->timeout + 30) * 1000L;
	if (aws_client_new(&co, &c, err) == -1)
		goto out;
	cz_buf_addf(&fn, "%s-%s", ctx->cfg->service, ctx->stage);
	memset(&in, 0, sizeof(in));
	in.function = fn.s;
	in.qualifier = "live";
	in.type = async ? "Event" : "RequestResponse";
	in.log_tail = !async;
	in.payload = event->s;
	in.len = event->len;
	if ((r = lambda_invoke(c, &in, &out, err)) == 1) {
		cz_errf(err, "stage %s is not deployed (no function %s:live); "
		    "run czappa deploy %s", ctx->stage, fn.s, ctx->stage);
		goto out;
	}
	if (r == -1)
		goto out;
	if (async) {
		if (ctx->json)
			ui_out("{\"status\":%d,\"queued\":true}\n", out.status);
		else
			ui_info("queued an Event invocation of %s:live (HTTP "
			    "%d)", fn.s, out.status);
		rc = 0;
		goto out;
	}
	s_print_log(out.log.s, out.log.len);
	if (out.executed_version[0] && ui_verbose())
		ui_info("executed version %s", out.executed_version);
	if (out.function_error[0]) {
		lambda_invoke_error(&out, type, sizeof(type), msg, sizeof(msg));
		if (ctx->json)
			s_print_payload(&out.payload);
		cz_errf(err, "function error: %s: %s", type, msg);
		goto out;
	}
	s_print_payload(&out.payload);
	rc = 0;
out:
	lambda_invoke_out_release(&out);
	aws_client_free(c);
	cz_buf_release(&fn);
	return rc;
}

static int
invoke_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct cz_buf	 payload = CZ_BUF_INIT, event = CZ_BUF_INIT;
	const char	*fn = cli_opt_str(ctx, O_FUNCTION, NULL);
	int		 rc = -1;

	if (s_payload(ctx, &payload, err) == -1)
		goto out;
	stage_map_event(fn, payload.s, payload.len, &event);
	rc = cli_opt_flag(ctx, O_LOCAL) ? s_local(ctx, &event, err) :
	    s_remote(ctx, &event, err);
out:
	cz_buf_release(&payload);
	cz_buf_release(&event);
	return rc;
}

const struct cli_command cmd_invoke = {
	.name = "invoke",
	.args = "<stage> [JSON | -] [--async] [--local]",
	.summary = "invoke the live alias directly and print the result and "
	    "log tail",
	.help = "Calls <service>-<stage>:live with the JSON payload (the "
	    "argument, - for\nstdin, {} when none).  The answer goes to "
	    "stdout, the last 4 KB of the log\nto stderr; a function error "
	    "exits 1.  --function NAME wraps the payload\nfor that "
	    "cz_function; --local runs the handler built for this machine\n"
	    "under czappa's own Runtime API instead of Lambda.",
	.opts = invoke_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE,
	.min_args = 1,
	.max_args = 2,
	.run = invoke_run,
};
