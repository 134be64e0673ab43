/*
 * knn: a k-nearest-neighbours classifier, the "ship a model file in the
 * zip" example.  At start it loads $LAMBDA_TASK_ROOT/model.csv (or
 * $KNN_MODEL): rows "feature_1,feature_2,blob".  GET /predict?feature_1=
 * ..&feature_2=.. answers which blob the point belongs to, by a vote of
 * its K nearest training points.  A missing model is an init error, so
 * Lambda reports it once instead of failing every request.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czappa.h>

#define K	5

struct point {
	double	x, y;
	char	label[32];
};

static struct point	*points;
static size_t		 npoints;

static int
load(const char *path)
{
	char	 line[256], label[32];
	double	 x, y;
	FILE	*f;
	size_t	 cap = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lf,%lf,%31[^,\r\n]", &x, &y, label) != 3)
			continue;	/* the header, blank lines */
		if (npoints == cap) {
			cap = cap ? cap * 2 : 64;
			points = realloc(points, cap * sizeof(*points));
			if (points == NULL)
				abort();
		}
		points[npoints].x = x;
		points[npoints].y = y;
		snprintf(points[npoints].label, sizeof(points[npoints].label),
		    "%s", label);
		npoints++;
	}
	fclose(f);
	return npoints >= K ? 0 : -1;
}

static int
number(const cz_request *req, const char *name, double *out)
{
	const char	*s = cz_query(req, name);
	char		*end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*out) ? 0 : -1;
}

static void
predict(const cz_request *req, cz_response *res)
{
	size_t	 best[K], i, j, n = 0, votes, top = 0;
	double	 d[K], x, y, dist;
	json_t	*nb;
	const char *winner = NULL;

	if (number(req, "feature_1", &x) == -1 ||
	    number(req, "feature_2", &y) == -1) {
		cz_json(res, 400, json_pack("{s:s}", "error",
		    "feature_1 and feature_2 must be numbers"));
		return;
	}
	/* Insertion into the K best so far: K is tiny. */
	for (i = 0; i < npoints; i++) {
		dist = hypot(points[i].x - x, points[i].y - y);
		if (n == K && dist >= d[K - 1])
			continue;
		j = n < K ? n++ : K - 1;
		while (j > 0 && d[j - 1] > dist) {
			d[j] = d[j - 1];
			best[j] = best[j - 1];
			j--;
		}
		d[j] = dist;
		best[j] = i;
	}
	nb = json_array();
	for (i = 0; i < n; i++) {
		for (votes = 0, j = 0; j < n; j++)
			votes += strcmp(points[best[j]].label,
			    points[best[i]].label) == 0;
		if (votes > top) {
			top = votes;
			winner = points[best[i]].label;
		}
		json_array_append_new(nb, json_pack("{s:f,s:f,s:s,s:f}",
		    "feature_1", points[best[i]].x, "feature_2",
		    points[best[i]].y, "blob", points[best[i]].label,
		    "distance", d[i]));
	}
	cz_json(res, 200, json_pack("{s:s,s:i,s:i,s:o}", "blob", winner,
	    "k", K, "votes", (int)top, "neighbours", nb));
}

int
main(void)
{
	const char	*root = getenv("LAMBDA_TASK_ROOT");
	const char	*path = getenv("KNN_MODEL");
	char		 buf[4096];
	cz_app		*app;

	if (path == NULL) {
		snprintf(buf, sizeof(buf), "%s/model.csv", root ? root : ".");
		path = buf;
	}
	if (load(path) == -1)
		return cz_init_error("Runtime.ModelMissing",
		    "cannot load %d or more points from %s", K, path);
	app = cz_app_new();
	cz_route(app, "GET", "/predict", predict);
	return cz_run(app);
}
