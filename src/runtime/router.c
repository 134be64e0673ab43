/*
 * router.c: the application's tables (routes, schedules, functions) and the
 * dispatch of one parsed request to the handler it names.  Route patterns
 * follow API Gateway's: "{name}" is one segment, a last "{name+}" the rest
 * of the path.  Answers for what matches nothing (404, 405 with Allow,
 * Lambda errors for unknown schedules and functions) are made here too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xmalloc.h"
#include "runtime/internal.h"

enum seg_kind {
	SEG_GREEDY,		/* "{name+}": one or more segments */
	SEG_PARAM,		/* "{name}": exactly one segment */
	SEG_LITERAL
};

struct seg {
	enum seg_kind	 kind;
	char		*text;		/* literal text or parameter name */
};

struct route {
	char		*method;	/* upper case; "ANY" matches all */
	struct seg	*segs;
	size_t		 nsegs;
	cz_handler	 fn;
};

struct named {
	char		*name;
	cz_handler	 fn;
};

struct cz_app {
	struct route	*routes;
	size_t		 nroutes;
	struct named	*schedules;
	size_t		 nschedules;
	struct named	*functions;
	size_t		 nfunctions;
};

cz_app *
cz_app_new(void)
{
	return cz_xcalloc(1, sizeof(struct cz_app));
}

void
cz_route(cz_app *app, const char *method, const char *pattern, cz_handler fn)
{
	struct route	*r;
	const char	*p, *e;
	size_t		 n, i;
	struct seg	*s;

	app->routes = cz_xrealloc(app->routes,
	    (app->nroutes + 1) * sizeof(*app->routes));
	r = &app->routes[app->nroutes++];
	memset(r, 0, sizeof(*r));
	r->method = cz_xstrdup(method);
	for (i = 0; r->method[i] != '\0'; i++)
		if (r->method[i] >= 'a' && r->method[i] <= 'z')
			r->method[i] -= 'a' - 'A';
	if (strcmp(r->method, "*") == 0) {
		free(r->method);
		r->method = cz_xstrdup("ANY");
	}
	r->fn = fn;
	for (p = pattern; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = p + strcspn(p, "/");
		n = (size_t)(e - p);
		r->segs = cz_xrealloc(r->segs, (r->nsegs + 1) *
		    sizeof(*r->segs));
		s = &r->segs[r->nsegs++];
		if (n >= 3 && p[0] == '{' && p[n - 1] == '}' &&
		    p[n - 2] == '+') {
			s->kind = SEG_GREEDY;
			s->text = cz_xstrndup(p + 1, n - 3);
		} else if (n >= 2 && p[0] == '{' && p[n - 1] == '}') {
			s->kind = SEG_PARAM;
			s->text = cz_xstrndup(p + 1, n - 2);
		} else {
			s->kind = SEG_LITERAL;
			s->text = cz_xstrndup(p, n);
		}
	}
}

static void
s_named_add(struct named **v, size_t *n, const char *name, cz_handler fn)
{
	*v = cz_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].name = cz_xstrdup(name);
	(*v)[*n].fn = fn;
	(*n)++;
}

void
cz_schedule(cz_app *app, const char *name, cz_handler fn)
{
	s_named_add(&app->schedules, &app->nschedules, name, fn);
}

void
cz_function(cz_app *app, const char *name, cz_handler fn)
{
	s_named_add(&app->functions, &app->nfunctions, name, fn);
}

static struct named *
s_named_find(struct named *v, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Path segments as (start, length) pairs into path. */
struct pseg {
	const char	*p;
	size_t		 n;
};

/*
 * Does r's pattern match the segments?  Fills score[] (one kind per pattern
 * segment) so that the most literal route can win.
 */
static int
s_match_path(const struct route *r, const struct pseg *ps, size_t nps,
    int *score)
{
	size_t	i;

	for (i = 0; i < r->nsegs; i++) {
		score[i] = r->segs[i].kind;
		if (r->segs[i].kind == SEG_GREEDY)
			return i < nps && i + 1 == r->nsegs;
		if (i >= nps)
			return 0;
		if (r->segs[i].kind == SEG_LITERAL &&
		    (strlen(r->segs[i].text) != ps[i].n ||
		    memcmp(r->segs[i].text, ps[i].p, ps[i].n) != 0))
			return 0;
	}
	return i == nps;
}

/* Is a (length na) more specific than b: literal beats param beats rest. */
static int
s_better(const int *a, size_t na, const int *b, size_t nb)
{
	size_t	i;

	for (i = 0; i < na && i < nb; i++)
		if (a[i] != b[i])
			return a[i] > b[i];
	return na > nb;
}

static int
s_method_ok(const char *route, const char *method)
{
	return strcmp(route, "ANY") == 0 || strcasecmp(route, method) == 0;
}

int
czrt_route_match(struct cz_app *app, struct cz_request *req, cz_handler *fn,
    struct cz_buf *allow)
{
	struct pseg	*ps = NULL;
	int		*score = NULL, *best = NULL;
	const struct route *r, *win = NULL, *winh = NULL;
	const char	*p, *e, *path = req->path ? req->path : "/";
	size_t		 nps = 0, i, j, k, maxsegs = 1, nbest = 0;
	int		 rc = 1, head;

	for (p = path; *p != '\0'; p++)
		if (*p == '/')
			maxsegs++;
	ps = cz_xcalloc(maxsegs, sizeof(*ps));
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = p + strcspn(p, "/");
		ps[nps].p = p;
		ps[nps++].n = (size_t)(e - p);
	}
	for (i = 0; i < app->nroutes; i++)
		if (app->routes[i].nsegs > maxsegs)
			maxsegs = app->routes[i].nsegs;
	score = cz_xcalloc(maxsegs + 1, sizeof(*score));
	best = cz_xcalloc(maxsegs + 1, sizeof(*best));
	head = req->method != NULL && strcasecmp(req->method, "HEAD") == 0;
	for (i = 0; i < app->nroutes; i++) {
		r = &app->routes[i];
		if (!s_match_path(r, ps, nps, score))
			continue;
		if (rc == 1)
			rc = 2;
		if (allow != NULL && strstr(allow->s, r->method) == NULL) {
			if (allow->len > 0)
				cz_buf_adds(allow, ", ");
			cz_buf_adds(allow, r->method);
		}
		if (req->method == NULL || !s_method_ok(r->method,
		    req->method)) {
			/* HEAD is answered by a GET route if none is HEAD. */
			if (head && winh == NULL &&
			    strcmp(r->method, "GET") == 0)
				winh = r;
			continue;
		}
		if (win == NULL || s_better(score, r->nsegs, best, nbest)) {
			win = r;
			memcpy(best, score, r->nsegs * sizeof(*score));
			nbest = r->nsegs;
		}
	}
	if (win == NULL)
		win = winh;
	if (win != NULL) {
		rc = 0;
		*fn = win->fn;
		for (j = 0; j < win->nsegs; j++) {
			if (win->segs[j].kind == SEG_LITERAL)
				continue;
			k = win->segs[j].kind == SEG_GREEDY ?
			    strlen(ps[j].p) : ps[j].n;
			/* A trailing slash is not part of a greedy value. */
			while (win->segs[j].kind == SEG_GREEDY && k > 0 &&
			    ps[j].p[k - 1] == '/')
				k--;
			czrt_kvv_add(&req->params, win->segs[j].text,
			    cz_xstrndup(ps[j].p, k));
			cz_strv_take(&req->owned,
			    (char *)req->params.v[req->params.n - 1].value);
		}
	}
	free(ps);
	free(score);
	free(best);
	return rc;
}

static void
s_not_found(cz_response *res, int status, const char *msg)
{
	json_t	*o;

	o = json_pack("{s:s}", "message", msg);
	cz_json_value(res, status, o);
}

/* A rule named "<service>-<stage>-<name>" (czappa's) or just "<name>". */
static struct named *
s_schedule_for_rule(struct cz_app *app, const char *rule)
{
	size_t	i, n, rn = strlen(rule);

	for (i = 0; i < app->nschedules; i++) {
		n = strlen(app->schedules[i].name);
		if (strcmp(rule, app->schedules[i].name) == 0 ||
		    (rn > n && rule[rn - n - 1] == '-' &&
		    strcmp(rule + rn - n, app->schedules[i].name) == 0))
			return &app->schedules[i];
	}
	return NULL;
}

static void
s_keep_warm(cz_response *res)
{
	cz_result(res, json_pack("{s:s,s:b}", "czappa", "keep-warm",
	    "warm", 1));
}

void
czrt_dispatch(struct cz_app *app, struct cz_request *req, cz_response *res)
{
	struct cz_buf	 allow = CZ_BUF_INIT;
	struct named	*nm;
	cz_handler	 fn;
	size_t		 n;
	int		 raw;

	switch (req->source) {
	case CZ_SRC_KEEP_WARM:
		s_keep_warm(res);
		break;
	case CZ_SRC_SCHEDULE:
		raw = !req->envelope;
		if ((nm = s_named_find(app->schedules, app->nschedules,
		    req->name)) == NULL && raw)
			nm = s_schedule_for_rule(app, req->name);
		if (nm != NULL) {
			req->name = nm->name;
			nm->fn(req, res);
		} else if (raw && (n = strlen(req->name)) >= 9 &&
		    strcmp(req->name + n - 9, "keep-warm") == 0) {
			req->source = CZ_SRC_KEEP_WARM;
			s_keep_warm(res);
		} else
			cz_error(res, CZRT_E_NOTFOUND, "no schedule named %s",
			    req->name);
		break;
	case CZ_SRC_FUNCTION:
		if ((nm = s_named_find(app->functions, app->nfunctions,
		    req->name)) != NULL)
			nm->fn(req, res);
		else
			cz_error(res, CZRT_E_NOTFOUND, "no function named %s",
			    req->name);
		break;
	case CZ_SRC_HTTP_V2:
	case CZ_SRC_FUNCTION_URL:
	case CZ_SRC_REST_V1:
	case CZ_SRC_ALB:
	case CZ_SRC_ALB_MULTI:
		switch (czrt_route_match(app, req, &fn, &allow)) {
		case 0:
			fn(req, res);
			break;
		case 2:
			s_not_found(res, 405, "Method Not Allowed");
			cz_header_set(res, "Allow", allow.s);
			break;
		default:
			s_not_found(res, 404, "Not Found");
			break;
		}
		break;
	default:
		/* The one registered function takes any other event. */
		if (app->nfunctions == 1) {
			req->source = CZ_SRC_FUNCTION;
			req->name = app->functions[0].name;
			app->functions[0].fn(req, res);
		} else
			cz_error(res, CZRT_E_UNKNOWN, "event of unknown shape "
			    "and %zu functions registered; invoke with "
			    "{\"czappa\":\"function\",\"name\":..,"
			    "\"input\":..}", app->nfunctions);
		break;
	}
	cz_buf_release(&allow);
}
