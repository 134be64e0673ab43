/*
 * local_serve: drives src/local/ for tests/integration/local.sh, the way
 * `czappa local` and `czappa invoke --local` will, through the public API
 * only (pool.h, front.h).  Every log record goes to stderr as
 * "<kind> w<worker> <request id|-> <text>".
 *
 *   local_serve -b BOOTSTRAP [-w N] [-t MS] [-T MS] [-q N] [-m N] [-e K=V]...
 *               MODE
 *   MODE: [-p PORT] [-f]     serve HTTP; prints "port N" when ready and runs
 *                            until SIGTERM or SIGINT (-f: function URL)
 *         -i PAYLOAD [-n N]  N invocations at once from N threads; prints
 *                            one JSON line per result, in order
 *         -s NAME [-I JSON]  fires schedule NAME; -k sends the keep-warm
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/strv.h"
#include "local/front.h"
#include "local/pool.h"

static const char *const kinds[] = { "output", "info", "error", "request" };

static void
on_log(void *arg, const struct local_log *l)
{
	(void)arg;
	fprintf(stderr, "%s w%d %s %s\n", kinds[l->kind], l->worker,
	    l->request_id ? l->request_id : "-", l->text);
	fflush(stderr);
}

static const char *const outcomes[] = { "ok", "function_error", "crashed",
    "timed_out", "busy" };

struct job {
	struct local_pool	*pool;
	const char		*payload;
	struct local_result	 res;
	struct cz_err		 err;
	int			 rc;
};

static void *
run_job(void *arg)
{
	struct job	*j = arg;

	local_result_init(&j->res);
	j->rc = local_invoke(j->pool, j->payload, strlen(j->payload),
	    &j->res, &j->err);
	return NULL;
}

static void
print_result(int rc, const struct local_result *r, const struct cz_err *err)
{
	json_t	*o = json_object();
	char	*js;

	if (rc == -1)
		json_object_set_new(o, "error", json_string(err->msg));
	else {
		json_object_set_new(o, "outcome",
		    json_string(outcomes[r->outcome]));
		json_object_set_new(o, "error_type",
		    json_string(r->error_type));
		json_object_set_new(o, "request_id",
		    json_string(r->request_id));
		json_object_set_new(o, "payload", json_stringn(r->payload.s,
		    r->payload.len));
		json_object_set_new(o, "logs", json_stringn(r->logs.s,
		    r->logs.len));
	}
	js = json_dumps(o, JSON_COMPACT);
	printf("%s\n", js);
	fflush(stdout);
	free(js);
	json_decref(o);
}

static int
num(const char *s)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 1000000) {
		fprintf(stderr, "local_serve: bad number %s\n", s);
		exit(2);
	}
	return (int)v;
}

int
main(int argc, char **argv)
{
	struct local_opts	 o;
	struct local_pool	*pool = NULL;
	struct local_front	*front = NULL;
	struct local_result	 res;
	struct cz_strv		 env = CZ_STRV_INIT;
	struct cz_err		 err;
	struct job		*jobs;
	pthread_t		*th;
	sigset_t		 ss;
	const char		*payload = NULL, *sched = NULL, *input = NULL;
	int			 c, n = 1, port = 0, fu = 0, warm = 0, sig, i;
	int			 rc = 1;

	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.hooks.on_log = on_log;
	o.function_name = "local-test";
	while ((c = getopt(argc, argv, "b:w:t:T:q:m:e:p:fi:n:s:I:k")) != -1) {
		switch (c) {
		case 'b': o.bootstrap = optarg; break;
		case 'w': o.workers = num(optarg); break;
		case 't': o.timeout_ms = num(optarg); break;
		case 'T': o.init_timeout_ms = num(optarg); break;
		case 'q': o.queue_max = num(optarg); break;
		case 'm': o.max_fast_deaths = num(optarg); break;
		case 'e': cz_strv_push(&env, optarg); break;
		case 'p': port = num(optarg); break;
		case 'f': fu = 1; break;
		case 'i': payload = optarg; break;
		case 'n': n = num(optarg); break;
		case 's': sched = optarg; break;
		case 'I': input = optarg; break;
		case 'k': warm = 1; break;
		default:
			fprintf(stderr,
			    "usage: see the top of local_serve.c\n");
			return 2;
		}
	}
	o.env = (const char *const *)env.v;
	/* Block the stop signals before any thread exists, then sigwait. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	pthread_sigmask(SIG_BLOCK, &ss, NULL);
	if (local_pool_start(&o, &pool, &err) == -1) {
		fprintf(stderr, "local_serve: %s\n", err.msg);
		printf("start failed: %s\n", err.msg);
		goto out;
	}
	if (payload != NULL) {
		jobs = calloc((size_t)n, sizeof(*jobs));
		th = calloc((size_t)n, sizeof(*th));
		for (i = 0; i < n; i++) {
			jobs[i].pool = pool;
			jobs[i].payload = payload;
			pthread_create(&th[i], NULL, run_job, &jobs[i]);
		}
		for (i = 0; i < n; i++) {
			pthread_join(th[i], NULL);
			print_result(jobs[i].rc, &jobs[i].res, &jobs[i].err);
			local_result_release(&jobs[i].res);
		}
		free(jobs);
		free(th);
		rc = 0;
		goto out;
	}
	if (sched != NULL || warm) {
		local_result_init(&res);
		c = warm ? local_keep_warm(pool, &res, &err) :
		    local_fire_schedule(pool, sched, input, &res, &err);
		print_result(c, &res, &err);
		local_result_release(&res);
		rc = c == 0 ? 0 : 1;
		goto out;
	}
	if (local_front_start(pool, (unsigned short)port,
	    fu ? LOCAL_FUNCTION_URL : LOCAL_HTTPAPI, &front, &err) == -1) {
		fprintf(stderr, "local_serve: %s\n", err.msg);
		printf("start failed: %s\n", err.msg);
		goto out;
	}
	printf("port %u\n", local_front_port(front));
	fflush(stdout);
	sigwait(&ss, &sig);
	local_pool_cancel(pool);
	rc = 0;
out:
	local_front_stop(front);
	local_pool_stop(pool);
	cz_strv_release(&env);
	return rc;
}
