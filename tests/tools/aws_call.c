/*
 * aws_call: one raw AWS call through czappa's client, for the shell tests of
 * the transport (retries, signing against moto's checker, error decoding):
 *
 *   aws_call [-v] [-H 'Name: value']... SERVICE OPERATION METHOD PATH
 *            [BODY [CONTENT-TYPE]]
 *
 * PATH may hold "?query".  Prints "status <n>" and the body on success, or
 * the one-line error as czappa prints it, and exits 1.  -v prints each call
 * and retry as `czappa -v` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "aws/client.h"
#include "base/url.h"

static int	verbose;

static void
on_call(const struct aws_trace *t, void *arg)
{
	(void)arg;
	if (verbose)
		fprintf(stderr, "aws: %s %s %s %d %s %d attempts %lld ms\n",
		    t->service, t->op, t->method, t->status, t->code,
		    t->attempts, t->ms);
}

static void
on_retry(const struct aws_trace *t, long long ms, void *arg)
{
	(void)arg;
	if (verbose)
		fprintf(stderr, "retry: %s %s after attempt %d (%s), %lld ms\n",
		    t->service, t->op, t->attempts, t->code, ms);
}

int
main(int argc, char **argv)
{
	struct aws_client_opts	 o;
	struct aws_client	*c = NULL;
	struct aws_req		 req;
	struct aws_resp		 resp = AWS_RESP_INIT;
	struct cz_err		 err;
	struct cz_strv		 hdrs = CZ_STRV_INIT;
	char			 line[1024], *q;
	size_t			 i;
	int			 rc = 1;

	while (argc > 1 && argv[1][0] == '-') {
		if (strcmp(argv[1], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[1], "-H") == 0 && argc > 2) {
			cz_strv_push(&hdrs, argv[2]);
			argv++;
			argc--;
		} else
			break;
		argv++;
		argc--;
	}
	if (argc < 5) {
		fprintf(stderr, "usage: aws_call [-v] [-H HEADER]... SERVICE "
		    "OPERATION METHOD PATH [BODY [CONTENT-TYPE]]\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&o, 0, sizeof(o));
	o.hooks.on_call = on_call;
	o.hooks.on_retry = on_retry;
	if (aws_client_new(&o, &c, &err) == -1) {
		fprintf(stderr, "aws_call: %s\n", cz_err_line(&err, line,
		    sizeof(line)));
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req = (struct aws_req)AWS_REQ_INIT(argv[1], argv[2], argv[3]);
	if ((q = strchr(argv[4], '?')) != NULL) {
		*q++ = '\0';
		cz_buf_adds(&req.query, q);
	}
	aws_req_path_raw(&req, argv[4]);
	for (i = 0; i < hdrs.n; i++)
		cz_strv_push(&req.headers, hdrs.v[i]);
	if (argc > 5) {
		req.body = argv[5];
		req.bodylen = strlen(argv[5]);
		aws_req_header(&req, "Content-Type", argc > 6 ? argv[6] :
		    "application/x-www-form-urlencoded; charset=utf-8");
	}
	if (strcmp(argv[1], "s3") == 0 && argv[4][0] == '/' && argv[4][1]) {
		/* "/bucket/key": let the client place the bucket. */
		char	*slash = strchr(argv[4] + 1, '/');

		cz_buf_reset(&req.path);
		req.bucket = argv[4] + 1;
		if (slash) {
			/* The key as S3 sees it: every byte but '/' encoded. */
			cz_url_encode(&req.path, slash, strlen(slash), 1);
			*slash = '\0';
		}
	}
	if (aws_send(c, &req, &resp, &err) == -1) {
		printf("error %s\n", cz_err_line(&err, line, sizeof(line)));
		aws_req_release(&req);
		goto out;
	}
	printf("status %d\n%s\n", resp.status, resp.body.s);
	aws_req_release(&req);
	rc = 0;
out:
	aws_resp_release(&resp);
	aws_client_free(c);
	cz_strv_release(&hdrs);
	curl_global_cleanup();
	return rc;
}
