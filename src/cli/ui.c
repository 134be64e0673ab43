/* ui: see ui.h.  The one place that looks at terminals and NO_COLOR. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "cli/cli.h"
#include "cli/ui.h"

static struct {
	int	json;
	int	verbose;
	int	color;
	int	progress;
	int	bar_drawn;
} s_ui;

void
ui_init(const struct cli_ctx *ctx)
{
	const char	*nc = getenv("NO_COLOR");
	int		 tty = isatty(2);

	s_ui.json = ctx ? ctx->json : 0;
	s_ui.verbose = ctx ? ctx->verbose : 0;
	s_ui.color = tty && !s_ui.json && (nc == NULL || *nc == '\0') &&
	    getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0;
	s_ui.progress = tty && !s_ui.json;
}

int
ui_json(void)
{
	return s_ui.json;
}

int
ui_verbose(void)
{
	return s_ui.verbose;
}

int
ui_interactive(void)
{
	return isatty(0) && isatty(2);
}

static void
s_clear_bar(void)
{
	if (s_ui.bar_drawn) {
		fputs("\r\033[K", stderr);
		s_ui.bar_drawn = 0;
	}
}

void
ui_info(const char *fmt, ...)
{
	va_list	ap;

	if (s_ui.json && !s_ui.verbose)
		return;
	s_clear_bar();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
ui_warn(const char *fmt, ...)
{
	va_list	ap;

	s_clear_bar();
	fprintf(stderr, "czappa: %swarning:%s ", ui_yellow(), ui_reset());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
ui_error(const struct cz_err *err)
{
	char	line[1024];

	s_clear_bar();
	fprintf(stderr, "czappa: %s%s%s\n", ui_red(),
	    cz_err_line(err, line, sizeof(line)), ui_reset());
}

void
ui_out(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
}

const char *ui_bold(void) { return s_ui.color ? "\033[1m" : ""; }
const char *ui_dim(void) { return s_ui.color ? "\033[2m" : ""; }
const char *ui_red(void) { return s_ui.color ? "\033[31m" : ""; }
const char *ui_green(void) { return s_ui.color ? "\033[32m" : ""; }
const char *ui_yellow(void) { return s_ui.color ? "\033[33m" : ""; }
const char *ui_reset(void) { return s_ui.color ? "\033[0m" : ""; }

static void
s_on_call(const struct aws_trace *t, void *arg)
{
	(void)arg;
	if (!s_ui.verbose)
		return;
	s_clear_bar();
	fprintf(stderr, "%saws: %s %s %s %d%s%s %d attempt%s %lld ms%s\n",
	    ui_dim(), t->service, t->op, t->method, t->status,
	    t->code && *t->code ? " " : "", t->code ? t->code : "",
	    t->attempts, t->attempts == 1 ? "" : "s", t->ms, ui_reset());
}

static void
s_on_retry(const struct aws_trace *t, long long ms, void *arg)
{
	(void)arg;
	if (!s_ui.verbose)
		return;
	s_clear_bar();
	fprintf(stderr, "%saws: %s %s: %s, retrying in %lld ms%s\n",
	    ui_dim(), t->service, t->op, t->code && *t->code ? t->code :
	    "no answer", ms, ui_reset());
}

static void
s_on_progress(long long done, long long total, void *arg)
{
	char	bar[31];
	int	i, fill;

	(void)arg;
	if (!s_ui.progress || total <= 0)
		return;
	fill = (int)(done * 30 / total);
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r  upload [%s] %3d%% %lld/%lld KiB", bar,
	    (int)(done * 100 / total), done / 1024, total / 1024);
	s_ui.bar_drawn = 1;
	if (done >= total)
		s_clear_bar();
	fflush(stderr);
}

struct aws_hooks
ui_aws_hooks(void)
{
	struct aws_hooks	h = { s_on_call, s_on_progress, s_on_retry,
				      NULL };

	return h;
}

static int
s_readline(char *buf, size_t n)
{
	size_t	len;

	if (fgets(buf, (int)n, stdin) == NULL)
		return -1;
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return 0;
}

int
ui_confirm(const char *question, const char *flag, struct cz_err *err)
{
	char	line[64];

	if (!ui_interactive())
		return cz_errf(err, "stdin is not a terminal; pass %s", flag);
	s_clear_bar();
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (s_readline(line, sizeof(line)) == -1)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

int
ui_ask(const char *question, const char *def, const char *flag, char **out,
    struct cz_err *err)
{
	char	line[256];

	if (!ui_interactive())
		return cz_errf(err, "stdin is not a terminal; pass %s", flag);
	fprintf(stderr, "%s%s%s [%s]: ", ui_bold(), question, ui_reset(),
	    def ? def : "");
	fflush(stderr);
	if (s_readline(line, sizeof(line)) == -1 || line[0] == '\0')
		*out = cz_xstrdup(def ? def : "");
	else
		*out = cz_xstrdup(line);
	return 0;
}
