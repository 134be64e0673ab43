/*
 * schedule: EventBridge schedule expressions, see schedule.h.  The rules are
 * those of EventBridge's "Cron expressions reference": six fields, day-of-week
 * 1..7 with SUN = 1, one of day-of-month and day-of-week is `?` and the other
 * is not, L and W only in the day fields, # only in day-of-week and alone.
 * Ranges must go forwards: EventBridge's documentation never promises
 * wrap-around ranges (FRI-MON), so a list (FRI,SAT,SUN,MON) is asked for.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config/schedule.h"

struct field {
	const char	 *name;
	int		  min, max;
	const char *const *names;	/* names of min..max, or NULL */
	const char	 *kind;		/* "a month", for messages */
	int		  q;		/* `?` allowed */
	int		  slash;	/* `/` allowed */
	int		  dom;		/* L, NW allowed */
	int		  dow;		/* L, NL, N#M allowed */
};

static const char *const months[] = { "JAN", "FEB", "MAR", "APR", "MAY",
	"JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL };
static const char *const days[] = { "SUN", "MON", "TUE", "WED", "THU",
	"FRI", "SAT", NULL };

static const struct field fields[6] = {
	{ "minutes", 0, 59, NULL, NULL, 0, 1, 0, 0 },
	{ "hours", 0, 23, NULL, NULL, 0, 1, 0, 0 },
	{ "day-of-month", 1, 31, NULL, NULL, 1, 1, 1, 0 },
	{ "month", 1, 12, months, "a month", 0, 1, 0, 0 },
	{ "day-of-week", 1, 7, days, "a day", 1, 0, 0, 1 },
	{ "year", 1970, 2199, NULL, NULL, 0, 1, 0, 0 },
};

/* Longest field text we look at; EventBridge caps the whole at 256. */
#define FIELD_MAX	128

static int
s_range_err(const struct field *f, const char *v, size_t n,
    struct cz_err *err)
{
	if (f->names != NULL)
		return cz_errf(err, "cron: %s: %.*s is not in %d..%d or "
		    "%s..%s", f->name, (int)n, v, f->min, f->max, f->names[0],
		    f->names[f->max - f->min]);
	return cz_errf(err, "cron: %s: %.*s is not in %d..%d", f->name, (int)n,
	    v, f->min, f->max);
}

/* One value: a number in range or, where the field has them, a name. */
static int
s_value(const struct field *f, const char *v, size_t n, int *out,
    struct cz_err *err)
{
	size_t	i;
	long	x = 0;

	if (n == 0)
		return cz_errf(err, "cron: %s: a value is missing", f->name);
	if (isdigit((unsigned char)v[0])) {
		for (i = 0; i < n; i++) {
			if (!isdigit((unsigned char)v[i]))
				return cz_errf(err, "cron: %s: %.*s is not a "
				    "number", f->name, (int)n, v);
			if (i >= 4)
				return s_range_err(f, v, n, err);
			x = x * 10 + (v[i] - '0');
		}
		if (x < f->min || x > f->max)
			return s_range_err(f, v, n, err);
		*out = (int)x;
		return 0;
	}
	if (f->names != NULL && n == 3) {
		for (i = 0; f->names[i] != NULL; i++)
			if (strncasecmp(f->names[i], v, 3) == 0) {
				*out = f->min + (int)i;
				return 0;
			}
		return cz_errf(err, "cron: %s: %.*s is not %s (%s..%s)",
		    f->name, (int)n, v, f->kind, f->names[0],
		    f->names[f->max - f->min]);
	}
	if (f->names != NULL)
		return s_range_err(f, v, n, err);
	return cz_errf(err, "cron: %s: %.*s is not a number in %d..%d",
	    f->name, (int)n, v, f->min, f->max);
}

/* A step after `/`: a positive number no larger than the field's span. */
static int
s_step(const struct field *f, const char *v, size_t n, struct cz_err *err)
{
	size_t	i;
	int	x = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]) || i >= 4)
			return cz_errf(err, "cron: %s: increment %.*s is not a "
			    "number", f->name, (int)n, v);
		x = x * 10 + (v[i] - '0');
	}
	if (n == 0 || x < 1 || x > f->max - f->min + 1)
		return cz_errf(err, "cron: %s: increment %.*s is not in 1..%d",
		    f->name, (int)n, v, f->max - f->min + 1);
	return 0;
}

/* One element of a comma list: *, N, N-M, each optionally /step. */
static int
s_item(const struct field *f, const char *v, size_t n, struct cz_err *err)
{
	const char	*slash, *dash;
	size_t		 head;
	int		 a, b;

	slash = memchr(v, '/', n);
	head = slash != NULL ? (size_t)(slash - v) : n;
	if (slash != NULL) {
		if (!f->slash)
			return cz_errf(err, "cron: %s: `/` is not allowed here "
			    "(allowed: , - * ?%s)", f->name,
			    f->dow ? " L #" : "");
		if (s_step(f, slash + 1, n - head - 1, err) == -1)
			return -1;
	}
	if (head == 1 && v[0] == '*')
		return 0;
	if (memchr(v, '*', head) != NULL)
		return cz_errf(err, "cron: %s: `*` must stand alone or as */N",
		    f->name);
	if ((dash = memchr(v, '-', head)) == NULL)
		return s_value(f, v, head, &a, err);
	if (s_value(f, v, (size_t)(dash - v), &a, err) == -1 ||
	    s_value(f, dash + 1, head - (size_t)(dash - v) - 1, &b, err) == -1)
		return -1;
	if (a > b)
		return cz_errf(err, "cron: %s: range %.*s goes backwards; "
		    "list the values instead", f->name, (int)head, v);
	return 0;
}

/* The day fields' own forms: L, NW (day-of-month); L, NL, N#M (week). */
static int
s_special(const struct field *f, const char *v, size_t n, struct cz_err *err)
{
	const char	*hash;
	size_t		 h;
	int		 d;

	if (n == 1 && v[0] == 'L')
		return 0;
	if (f->dom && n >= 2 && v[n - 1] == 'W')
		return s_value(f, v, n - 1, &d, err);
	if (f->dow && n >= 2 && v[n - 1] == 'L')
		return s_value(f, v, n - 1, &d, err);
	if (f->dow && (hash = memchr(v, '#', n)) != NULL) {
		h = (size_t)(hash - v);
		if (s_value(f, v, h, &d, err) == -1)
			return -1;
		if (n - h != 2 || v[h + 1] < '1' || v[h + 1] > '5')
			return cz_errf(err, "cron: %s: %.*s: the week after # "
			    "is not in 1..5", f->name, (int)n, v);
		return 0;
	}
	return cz_errf(err, "cron: %s: %.*s is not valid", f->name, (int)n, v);
}

static int
s_is_special(const struct field *f, const char *v, size_t n)
{
	if (!f->dom && !f->dow)
		return 0;
	return memchr(v, 'L', n) != NULL ||
	    (f->dom && memchr(v, 'W', n) != NULL) ||
	    (f->dow && memchr(v, '#', n) != NULL);
}

static int
s_field(const struct field *f, const char *v, size_t n, struct cz_err *err)
{
	const char	*p, *end = v + n, *comma;

	if (n > FIELD_MAX)
		return cz_errf(err, "cron: %s: field is too long", f->name);
	if (n == 1 && v[0] == '?') {
		if (!f->q)
			return cz_errf(err, "cron: %s: `?` is only allowed in "
			    "day-of-month and day-of-week", f->name);
		return 0;
	}
	if (memchr(v, '?', n) != NULL)
		return cz_errf(err, "cron: %s: `?` must stand alone", f->name);
	if (s_is_special(f, v, n)) {
		if (memchr(v, ',', n) != NULL)
			return cz_errf(err, "cron: %s: %.*s: L, W and # cannot "
			    "be part of a list", f->name, (int)n, v);
		return s_special(f, v, n, err);
	}
	for (p = v; p <= end; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		if (comma == p)
			return cz_errf(err, "cron: %s: empty list element",
			    f->name);
		if (s_item(f, p, (size_t)(comma - p), err) == -1)
			return -1;
	}
	return 0;
}

static int
s_cron(const char *body, size_t len, struct cz_err *err)
{
	const char	*start[7], *p = body, *end = body + len;
	size_t		 flen[7];
	int		 n = 0, i;

	if (len == 0 || isspace((unsigned char)body[0]) ||
	    isspace((unsigned char)body[len - 1]))
		return cz_errf(err, "cron: expected 6 fields inside cron(), "
		    "with no space after `(` or before `)`");
	while (p < end) {
		if (n == 7)
			break;
		start[n] = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		flen[n] = (size_t)(p - start[n]);
		n++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	}
	if (n != 6)
		return cz_errf(err, "cron: expected 6 fields (minutes hours "
		    "day-of-month month day-of-week year), got %s%d",
		    n == 7 ? "more than " : "", n == 7 ? 6 : n);
	for (i = 0; i < 6; i++)
		if (s_field(&fields[i], start[i], flen[i], err) == -1)
			return -1;
	if ((flen[2] == 1 && start[2][0] == '?') ==
	    (flen[4] == 1 && start[4][0] == '?'))
		return cz_errf(err, "cron: exactly one of day-of-month and "
		    "day-of-week must be `?`, e.g. cron(0 3 * * ? *)");
	return 0;
}

static int
s_rate(const char *body, size_t len, struct cz_err *err)
{
	static const char *const units[] = { "minute", "hour", "day" };
	const char	*sp;
	size_t		 i, ulen, nd;
	long		 x = 0;

	if ((sp = memchr(body, ' ', len)) == NULL)
		return cz_errf(err, "rate: expected rate(N unit), e.g. "
		    "rate(5 minutes)");
	nd = (size_t)(sp - body);
	for (i = 0; i < nd; i++) {
		if (!isdigit((unsigned char)body[i]))
			return cz_errf(err, "rate: %.*s is not a positive "
			    "whole number", (int)nd, body);
		x = x * 10 + (body[i] - '0');
		if (x > 99999999)
			return cz_errf(err, "rate: %.*s is too large", (int)nd,
			    body);
	}
	if (nd == 0 || x == 0 || (body[0] == '0'))
		return cz_errf(err, "rate: %.*s is not a positive whole number",
		    (int)nd, body);
	sp++;
	ulen = len - nd - 1;
	for (i = 0; i < 3; i++) {
		size_t	 ul = strlen(units[i]);

		if (ulen < ul || strncmp(sp, units[i], ul) != 0)
			continue;
		if (ulen == ul && x == 1)
			return 0;
		if (ulen == ul + 1 && sp[ul] == 's' && x != 1)
			return 0;
		if (x == 1)
			return cz_errf(err, "rate: write rate(1 %s), singular "
			    "for 1", units[i]);
		return cz_errf(err, "rate: write rate(%ld %ss), plural for "
		    "more than 1", x, units[i]);
	}
	return cz_errf(err, "rate: unit %.*s is not minute(s), hour(s) or "
	    "day(s)", (int)ulen, sp);
}

int
config_schedule_check(const char *expr, struct cz_err *err)
{
	size_t	len = strlen(expr);

	if (len > 256)
		return cz_errf(err, "longer than EventBridge's 256 characters");
	if (len > 6 && strncmp(expr, "rate(", 5) == 0 && expr[len - 1] == ')')
		return s_rate(expr + 5, len - 6, err);
	if (len > 6 && strncmp(expr, "cron(", 5) == 0 && expr[len - 1] == ')')
		return s_cron(expr + 5, len - 6, err);
	return cz_errf(err, "expected rate(N minutes|hours|days) or "
	    "cron(minutes hours day-of-month month day-of-week year)");
}
