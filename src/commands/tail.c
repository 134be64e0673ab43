/*
 * czappa tail: stream the stage's CloudWatch log group until Ctrl-C (exit
 * 0), or print what is there with --no-follow.  The polling, ordering and
 * de-duplication live in stage/tail.c; this file turns events into lines.
 * On a terminal Lambda's START/END/REPORT lines are condensed (REPORT keeps
 * duration, billed duration, memory and, on a cold start, Init Duration)
 * and errors stand out; in a pipe every line is printed as written, with
 * its time and stream; --json gives one object per event.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/client.h"
#include "base/buf.h"
#include "base/clock.h"
#include "cli/cli.h"
#include "cli/ui.h"
#include "config/config.h"
#include "stage/tail.h"

enum {
	O_SINCE = 256,
	O_FILTER,
	O_NO_FOLLOW,
	O_HOLD,
};

static const struct cli_opt tail_opts[] = {
	{ O_SINCE, "since", CLI_STR,
	  "start this far back: 10m, 2h or an ISO time (default 5m)", "WHEN" },
	{ O_FILTER, "filter", CLI_STR, "CloudWatch filter pattern", "PATTERN" },
	{ O_NO_FOLLOW, "no-follow", CLI_FLAG, "print what is there and exit",
	  NULL },
	{ O_HOLD, "hold", CLI_UINT,
	  "hold events to order late ones (default 2000)", "MS" },
	{ 0, NULL, 0, NULL, NULL }
};

static volatile sig_atomic_t	s_stop;

static void
s_on_sigint(int sig)
{
	(void)sig;
	s_stop = 1;
	/* A second Ctrl-C ends at once. */
	signal(SIGINT, SIG_DFL);
}

struct s_out {
	int	json;
	int	pretty;		/* terminal: condensed, coloured */
};

static void
s_iso(long long ms, char *buf, size_t sz, int short_form)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;
	char		base[32];

	gmtime_r(&t, &tm);
	if (short_form) {
		localtime_r(&t, &tm);
		strftime(base, sizeof(base), "%H:%M:%S", &tm);
	} else
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sz, "%s.%03lld%s", base, ms % 1000,
	    short_form ? "" : "Z");
}

/* Value after "key: " up to a tab, in a REPORT line. */
static int
s_field(const char *m, const char *key, char *out, size_t sz)
{
	const char	*p = strstr(m, key);
	size_t		 n;

	if (p == NULL)
		return 0;
	p += strlen(key);
	n = strcspn(p, "\t\n");
	while (n > 0 && p[n - 1] == ' ')
		n--;
	snprintf(out, sz, "%.*s", (int)n, p);
	return 1;
}

static int
s_is_error(const char *m)
{
	return strstr(m, "ERROR") != NULL || strstr(m, "Task timed out") ||
	    strstr(m, "Runtime.") != NULL || strstr(m, "errorType") != NULL ||
	    strstr(m, "FATAL") != NULL;
}

/* Condensed text of a Lambda platform line, or 0 to print it as is. */
static int
s_condense(const char *m, struct cz_buf *out)
{
	char	rid[64], dur[32], billed[32], mem[32], max[32], init[32];

	if (strncmp(m, "END RequestId:", 14) == 0)
		return -1;	/* REPORT says it all */
	if (strncmp(m, "START RequestId:", 16) == 0) {
		s_field(m, "RequestId: ", rid, sizeof(rid));
		rid[strcspn(rid, " ")] = '\0';
		cz_buf_addf(out, "%s> %.8s", ui_dim(), rid);
		if (s_field(m, "Version: ", dur, sizeof(dur)))
			cz_buf_addf(out, " version %s", dur);
		cz_buf_adds(out, ui_reset());
		return 1;
	}
	if (strncmp(m, "REPORT RequestId:", 17) == 0) {
		s_field(m, "RequestId: ", rid, sizeof(rid));
		if (!s_field(m, "Duration: ", dur, sizeof(dur)))
			dur[0] = '\0';
		if (!s_field(m, "Billed Duration: ", billed, sizeof(billed)))
			billed[0] = '\0';
		if (!s_field(m, "Memory Size: ", mem, sizeof(mem)))
			mem[0] = '\0';
		if (!s_field(m, "Max Memory Used: ", max, sizeof(max)))
			max[0] = '\0';
		cz_buf_addf(out, "%s< %.8s %s (billed %s) mem %s/%s%s",
		    ui_dim(), rid, dur, billed, max, mem, ui_reset());
		if (s_field(m, "Init Duration: ", init, sizeof(init)))
			cz_buf_addf(out, " %scold start %s%s", ui_yellow(),
			    init, ui_reset());
		return 1;
	}
	return 0;
}

static void
s_on_event(void *arg, const struct stage_tail_event *e)
{
	struct s_out	*o = arg;
	struct cz_buf	 line = CZ_BUF_INIT;
	char		 t[40];
	json_t		*j;
	char		*s;
	int		 c;

	if (o->json) {
		s_iso(e->ts, t, sizeof(t), 0);
		j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b}",
		    "timestamp", (json_int_t)e->ts, "time", t,
		    "stream", e->stream, "id", e->id, "message", e->message,
		    "ingestion_time", (json_int_t)e->ingestion,
		    "late", e->late);
		s = json_dumps(j, JSON_COMPACT);
		ui_out("%s\n", s);
		free(s);
		json_decref(j);
		fflush(stdout);
		return;
	}
	if (!o->pretty) {
		s_iso(e->ts, t, sizeof(t), 0);
		ui_out("%s %s %s\n", t, e->stream, e->message);
		fflush(stdout);
		return;
	}
	s_iso(e->ts, t, sizeof(t), 1);
	if ((c = s_condense(e->message, &line)) == -1)
		goto out;
	if (c == 0) {
		if (s_is_error(e->message))
			cz_buf_addf(&line, "%s%s%s%s", ui_bold(), ui_red(),
			    e->message, ui_reset());
		else
			cz_buf_adds(&line, e->message);
	}
	ui_out("%s%s %s%s%s %s\n", ui_dim(), t,
	    strlen(e->stream) > 6 ? e->stream + strlen(e->stream) - 6 :
	    e->stream, ui_reset(), e->late ? " (late)" : "", line.s);
	fflush(stdout);
out:
	cz_buf_release(&line);
}

static void
s_on_waiting(void *arg, const char *group)
{
	(void)arg;
	fprintf(stderr, "czappa: waiting for log group %s to appear (the "
	    "function has not logged yet); Ctrl-C to stop\n", group);
}

static void
s_on_found(void *arg, const char *group)
{
	(void)arg;
	fprintf(stderr, "czappa: log group %s is there; tailing\n", group);
}

static int
tail_run(struct cli_ctx *ctx, struct cz_err *err)
{
	struct stage_tail_opts	 o;
	struct stage_tail_hooks	 h = { s_on_event, s_on_waiting, s_on_found,
				       NULL };
	struct s_out		 out;
	struct cz_buf		 group = CZ_BUF_INIT;
	struct sigaction	 sa, old;
	int			 r, rc = -1;

	memset(&o, 0, sizeof(o));
	if (stage_tail_since(cli_opt_str(ctx, O_SINCE, "5m"), cz_wall_ms(),
	    &o.since_ms, err) == -1)
		goto out;
	cz_buf_addf(&group, "/aws/lambda/%s-%s", ctx->cfg->service,
	    ctx->stage);
	o.group = group.s;
	o.pattern = cli_opt_str(ctx, O_FILTER, NULL);
	o.follow = !cli_opt_flag(ctx, O_NO_FOLLOW);
	o.hold_ms = cli_opt_uint(ctx, O_HOLD, (unsigned long)-1) ==
	    (unsigned long)-1 ? -1 : (long long)cli_opt_uint(ctx, O_HOLD, 0);
	o.stop = &s_stop;
	out.json = ctx->json;
	out.pretty = !ctx->json && isatty(STDOUT_FILENO);
	h.arg = &out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = s_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	sigaction(SIGTERM, &sa, NULL);
	r = stage_tail(ctx->aws, &o, &h, err);
	sigaction(SIGINT, &old, NULL);
	if (r == 1) {
		fprintf(stderr, "czappa: log group %s does not exist yet "
		    "(nothing logged)\n", group.s);
		r = 0;
	}
	rc = r;
out:
	cz_buf_release(&group);
	return rc;
}

const struct cli_command cmd_tail = {
	.name = "tail",
	.args = "<stage> [--since 10m] [--filter PATTERN] [--no-follow]",
	.summary = "stream the stage's CloudWatch logs until Ctrl-C",
	.help = "Streams /aws/lambda/<service>-<stage> in timestamp order "
	    "across streams, each\nevent once.  Events are held --hold ms "
	    "(default 2000, more when the group\nshows late writers; 0 prints "
	    "at once) so that late ones keep their place.\nA group that does "
	    "not exist yet is waited for.",
	.opts = tail_opts,
	.needs = CLI_NEEDS_CONFIG | CLI_NEEDS_STAGE | CLI_NEEDS_AWS,
	.min_args = 1,
	.max_args = 1,
	.run = tail_run,
};
