/*
 * cleanup: a scheduled job.  The schedule "cleanup" removes the regular
 * files in input.dir (default /tmp/czappa-cache) older than
 * input.max_age_seconds (default 3600) and answers what it removed; with
 * input.dry_run it only lists them.  Lambda's /tmp survives between warm
 * invocations, which is what such a job tidies.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <czappa.h>

static void
cleanup(const cz_request *req, cz_response *res)
{
	json_t		*in = cz_input(req), *removed;
	const char	*dir = "/tmp/czappa-cache";
	json_int_t	 max_age = 3600;
	int		 dry;
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 path[4096];
	time_t		 now = time(NULL);

	if (json_is_string(json_object_get(in, "dir")))
		dir = json_string_value(json_object_get(in, "dir"));
	if (json_is_integer(json_object_get(in, "max_age_seconds")))
		max_age = json_integer_value(json_object_get(in,
		    "max_age_seconds"));
	dry = json_is_true(json_object_get(in, "dry_run"));
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT) {
			cz_result(res, json_pack("{s:s,s:[]}", "dir", dir,
			    "removed"));
			return;
		}
		cz_error(res, "Function.IOError", "%s: %s", dir,
		    strerror(errno));
		return;
	}
	removed = json_array();
	while ((e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
		    now - st.st_mtime < max_age)
			continue;
		if (!dry && unlink(path) == -1) {
			printf("cleanup: %s: %s\n", path, strerror(errno));
			continue;
		}
		json_array_append_new(removed, json_string(e->d_name));
	}
	closedir(d);
	printf("cleanup: %zu file(s) %s in %s\n", json_array_size(removed),
	    dry ? "would go" : "removed", dir);
	cz_result(res, json_pack("{s:s,s:b,s:o}", "dir", dir, "dry_run", dry,
	    "removed", removed));
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_schedule(app, "cleanup", cleanup);
	return cz_run(app);
}
