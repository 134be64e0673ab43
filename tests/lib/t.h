/*
 * t.h: the unit-test harness.  Every check prints one line, "ok - <name>" or
 * "not ok - <name>: <why> (file:line)", which tests/run counts; t_done()
 * prints the program's totals and returns its exit status.  Header-only so
 * each tests/unit/test_<module>.c is one file.
 */
#ifndef CZ_TESTS_T_H
#define CZ_TESTS_T_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;

static void __attribute__((format(printf, 4, 0)))
t_vreport(int ok, const char *file, int line, const char *fmt, va_list ap)
{
	printf("%s - ", ok ? "ok" : "not ok");
	vprintf(fmt, ap);
	if (!ok)
		printf(" (%s:%d)", file, line);
	printf("\n");
	fflush(stdout);
	if (ok)
		t_passed++;
	else
		t_failed++;
}

static int __attribute__((format(printf, 4, 5), unused))
t_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	t_vreport(ok, file, line, fmt, ap);
	va_end(ap);
	return ok;
}

/* Prints both strings on a mismatch so the failing case explains itself. */
static int __attribute__((format(printf, 5, 6), unused))
t_streq_at(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	va_list	ap;
	int	ok;

	ok = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_start(ap, fmt);
	t_vreport(ok, file, line, fmt, ap);
	va_end(ap);
	if (!ok) {
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)",
		    want ? want : "(null)");
		fflush(stdout);
	}
	return ok;
}

static int __attribute__((unused))
t_done(void)
{
	printf("# %d passed, %d failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

#define T_OK(cond, ...)	t_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define T_STREQ(got, want, ...) \
	t_streq_at((got), (want), __FILE__, __LINE__, __VA_ARGS__)

#endif
