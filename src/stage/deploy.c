/*
 * stage/deploy: converge a stage (deploy), or only its code, configuration
 * and schedules (update).  Order and overlap:
 *
 *   STS (account) -> [ bucket | role | log group | build ]   concurrently
 *   -> size check -> upload (skipped when the key exists) -> function
 *   (create, or update code then configuration, waiting between them)
 *   -> publish + alias `live` -> [ http | rules ] concurrently
 *   -> Lambda permissions (one writer: concurrent AddPermission calls on
 *   one policy conflict on AWS)
 *
 * The role is created before the build starts, so the seconds IAM needs
 * to reach Lambda pass while we compile and upload.  Under dry_run only the
 * reads are made and every write is reported as planned.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "services/apigw.h"
#include "services/events.h"
#include "services/iam.h"
#include "services/lambda.h"
#include "services/logs.h"
#include "services/s3.h"
#include "services/sts.h"
#include "stage/names.h"
#include "stage/wait.h"

/* Lambda's limits: 250 MB unzipped for code, and what S3 will hand it. */
#define LAMBDA_MAX_UNZIPPED	(250ULL * 1000 * 1000)
#define LAMBDA_MAX_ZIP		(250ULL * 1000 * 1000)
#define TRUST_POLICY	"{\"Version\":\"2012-10-17\",\"Statement\":[{" \
	"\"Effect\":\"Allow\",\"Principal\":{\"Service\":" \
	"\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"

struct job {
	struct stage_ctx	*x;
	int			 (*fn)(struct job *);
	struct cz_err		 err;
	int			 rc;
	long long		 ms;
	const char		*phase;
	void			*arg;	/* the job's own data */
	struct stage_package	 build;	/* the build job's */
};

static void *
s_job_main(void *arg)
{
	struct job	*j = arg;
	long long	 t0 = cz_mono_ms();

	cz_err_clear(&j->err);
	j->rc = j->fn(j);
	j->ms = cz_mono_ms() - t0;
	if (j->rc == 0 && j->phase)
		stage_phase(j->x, j->phase, j->ms);
	return NULL;
}

/* Runs jobs concurrently; the first failure is copied to err. */
static int
s_run_jobs(struct job *jobs, size_t n, struct cz_err *err)
{
	pthread_t	 t[8];
	int		 started[8] = { 0 };
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < n && i < 8; i++)
		started[i] = pthread_create(&t[i], NULL, s_job_main,
		    &jobs[i]) == 0;
	for (i = 0; i < n && i < 8; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		else
			s_job_main(&jobs[i]);
	}
	for (i = 0; i < n; i++)
		if (jobs[i].rc != 0 && rc == 0) {
			*err = jobs[i].err;
			rc = -1;
		}
	return rc;
}

static int
s_dry(struct stage_ctx *x)
{
	return x->o && x->o->dry_run;
}

/* ---- artifact bucket ---------------------------------------------- */

static int
s_bucket(struct job *j)
{
	struct stage_ctx	*x = j->x;
	struct cz_strv		 tags = CZ_STRV_INIT;
	struct cz_err		*err = &j->err;
	const char		*b = x->n.bucket;
	size_t			 i;
	int			 r, rc = -1;

	if ((r = s3_head_bucket(x->c, b, err)) == -1)
		return cz_err_prefix(err, "artifact bucket %s", b);
	if (r == 0) {
		stage_step(x, "unchanged", "bucket", "%s", b);
		return 0;
	}
	if (s_dry(x)) {
		stage_step(x, "create", "bucket", "%s (private, encrypted)", b);
		return 0;
	}
	for (i = 0; i < x->n.tags.n; i++)
		cz_strv_push(&tags, x->n.tags.v[i]);
	cz_strv_push(&tags, "czappa:managed");
	cz_strv_push(&tags, "true");
	if (s3_create_bucket(x->c, b, x->n.region, err) == -1 ||
	    s3_put_public_access_block(x->c, b, err) == -1 ||
	    s3_put_bucket_encryption(x->c, b, err) == -1 ||
	    s3_put_bucket_tagging(x->c, b, &tags, err) == -1)
		goto out;
	stage_step(x, "create", "bucket", "%s (private, encrypted)", b);
	rc = 0;
out:
	cz_strv_release(&tags);
	return rc;
}

/* ---- execution role ------------------------------------------------ */

/* The inline policy from config statements, or NULL when there are none. */
static char *
s_inline_policy(const struct config *cfg)
{
	json_t	*doc, *st;
	char	*s;
	size_t	 i;

	st = json_array();
	for (i = 0; i < cfg->npolicies; i++)
		if (cfg->policies[i].statement_json)
			json_array_append_new(st, json_loads(
			    cfg->policies[i].statement_json, 0, NULL));
	if (json_array_size(st) == 0) {
		json_decref(st);
		return NULL;
	}
	doc = json_pack("{s:s,s:o}", "Version", "2012-10-17", "Statement", st);
	s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	return s;
}

static int
s_json_same(const char *a, const char *b)
{
	json_t	*x = a ? json_loads(a, 0, NULL) : NULL;
	json_t	*y = b ? json_loads(b, 0, NULL) : NULL;
	int	 same = x && y && json_equal(x, y);

	json_decref(x);
	json_decref(y);
	return same;
}

static int
s_role(struct job *j)
{
	struct stage_ctx	*x = j->x;
	struct cz_err		*err = &j->err;
	const struct config	*cfg = x->cfg;
	struct iam_role		 role;
	struct cz_strv		 want = CZ_STRV_INIT, have = CZ_STRV_INIT;
	char			*inl = s_inline_policy(cfg), *doc = NULL;
	const char		*verb = "unchanged";
	size_t			 i;
	int			 r, rc = -1;

	memset(&role, 0, sizeof(role));
	cz_strv_push(&want, STAGE_BASIC_POLICY);
	for (i = 0; i < cfg->npolicies; i++)
		if (cfg->policies[i].arn &&
		    cz_strv_find(&want, cfg->policies[i].arn) == -1)
			cz_strv_push(&want, cfg->policies[i].arn);
	if ((r = iam_get_role(x->c, x->n.role, &role, err)) == -1)
		goto out;
	if (r == 1) {
		if (s_dry(x)) {
			stage_step(x, "create", "role", "%s (%zu polic%s)",
			    x->n.role, want.n + (inl != NULL),
			    want.n + (inl != NULL) == 1 ? "y" : "ies");
			rc = 0;
			goto out;
		}
		if ((r = iam_create_role(x->c, x->n.role, TRUST_POLICY,
		    "czappa execution role", &x->n.tags, &role, err)) == -1)
			goto out;
		verb = "create";
	} else if (!s_json_same(role.trust_policy, TRUST_POLICY)) {
		verb = "update";
		if (!s_dry(x) && iam_update_assume_role_policy(x->c, x->n.role,
		    TRUST_POLICY, err) == -1)
			goto out;
	}
	if (strcmp(verb, "create") != 0 &&
	    iam_list_attached_role_policies(x->c, x->n.role, &have, err) == -1)
		goto out;
	for (i = 0; i < want.n; i++) {
		if (cz_strv_find(&have, want.v[i]) != -1)
			continue;
		if (strcmp(verb, "unchanged") == 0)
			verb = "update";
		if (!s_dry(x) && iam_attach_role_policy(x->c, x->n.role,
		    want.v[i], err) == -1)
			goto out;
	}
	/* Managed policies dropped from the config are detached. */
	for (i = 0; i < have.n; i++) {
		if (cz_strv_find(&want, have.v[i]) != -1)
			continue;
		verb = strcmp(verb, "create") ? "update" : verb;
		if (!s_dry(x) && iam_detach_role_policy(x->c, x->n.role,
		    have.v[i], err) == -1)
			goto out;
	}
	r = strcmp(verb, "create") == 0 ? 1 : iam_get_role_policy(x->c,
	    x->n.role, STAGE_INLINE_POLICY, &doc, err);
	if (r == -1)
		goto out;
	if (inl && (r == 1 || !s_json_same(doc, inl))) {
		verb = strcmp(verb, "create") ? "update" : verb;
		if (!s_dry(x) && iam_put_role_policy(x->c, x->n.role,
		    STAGE_INLINE_POLICY, inl, err) == -1)
			goto out;
	} else if (inl == NULL && r == 0) {
		verb = "update";
		if (!s_dry(x) && iam_delete_role_policy(x->c, x->n.role,
		    STAGE_INLINE_POLICY, err) == -1)
			goto out;
	}
	stage_step(x, verb, "role", "%s", x->n.role);
	rc = 0;
out:
	if (rc == -1)
		cz_err_prefix(err, "role %s", x->n.role);
	free(inl);
	free(doc);
	iam_role_release(&role);
	cz_strv_release(&want);
	cz_strv_release(&have);
	return rc;
}

/* ---- log group ----------------------------------------------------- */

static int
s_logs(struct job *j)
{
	struct stage_ctx	*x = j->x;
	struct cz_err		*err = &j->err;
	struct logs_groups	 gs;
	const struct logs_group	*g = NULL;
	int			 days = x->cfg->log_retention, rc = -1;
	size_t			 i;

	memset(&gs, 0, sizeof(gs));
	if (logs_describe_log_groups(x->c, x->n.log_group, &gs, err) == -1)
		goto out;
	for (i = 0; i < gs.n; i++)
		if (strcmp(gs.v[i].name, x->n.log_group) == 0)
			g = &gs.v[i];
	if (g == NULL) {
		if (!s_dry(x) && (logs_create_log_group(x->c, x->n.log_group,
		    &x->n.tags, err) == -1 || (days > 0 &&
		    logs_put_retention_policy(x->c, x->n.log_group, days,
		    err) == -1)))
			goto out;
		stage_step(x, "create", "log group", "%s (%d days)",
		    x->n.log_group, days);
	} else if (g->retention_days != days) {
		if (!s_dry(x) && (days > 0 ? logs_put_retention_policy(x->c,
		    x->n.log_group, days, err) :
		    logs_delete_retention_policy(x->c, x->n.log_group,
		    err)) == -1)
			goto out;
		stage_step(x, "update", "log group", "%s retention %d -> %d "
		    "days", x->n.log_group, g->retention_days, days);
	} else
		stage_step(x, "unchanged", "log group", "%s", x->n.log_group);
	rc = 0;
out:
	logs_groups_release(&gs);
	return rc;
}

/* ---- build and upload ---------------------------------------------- */

void
stage_package_release(struct stage_package *p)
{
	free(p->zip_path);
	free(p->sha256_hex);
	free(p->sha256_b64);
	memset(p, 0, sizeof(*p));
}

static int
s_build(struct job *j)
{
	struct stage_ctx	*x = j->x;
	int			 rc;

	if (x->o == NULL || x->o->build == NULL)
		return cz_errf(&j->err, "no build function given to stage/");
	rc = x->o->build(x->cfg, &j->build, &j->err, x->o->build_arg);
	return rc;
}

static size_t
s_env_size(const char *name, size_t def)
{
	const char		*s = getenv(name);
	unsigned long long	 v = s ? strtoull(s, NULL, 10) : 0;

	return v > 0 ? (size_t)v : def;
}

static int
s_check_size(const struct stage_package *b, struct cz_err *err)
{
	if (b->unzipped_size > LAMBDA_MAX_UNZIPPED)
		return cz_errf(err, "the package unzips to %llu bytes; Lambda "
		    "allows at most %llu", b->unzipped_size,
		    LAMBDA_MAX_UNZIPPED);
	if (b->zip_size > LAMBDA_MAX_ZIP)
		return cz_errf(err, "the zip is %llu bytes; Lambda allows at "
		    "most %llu", b->zip_size, LAMBDA_MAX_ZIP);
	return 0;
}

/* Multipart above CZAPPA_MULTIPART_THRESHOLD (default 8 MiB), parts of
 * CZAPPA_PART_SIZE (default 8 MiB; tests lower it, as moto's
 * S3_UPLOAD_PART_MIN_SIZE allows). */
static int
s_multipart(struct stage_ctx *x, const char *key, const struct cz_buf *z,
    size_t part, struct cz_err *err)
{
	struct cz_strv	 etags = CZ_STRV_INIT;
	struct cz_err	 ignored;
	char		*id = NULL, *etag;
	size_t		 off;
	int		 n, r, rc = -1;

	if (s3_create_multipart_upload(x->c, x->n.bucket, key, &id, err) == -1)
		return -1;
	for (off = 0, n = 1; off < z->len; off += part, n++) {
		if (s3_upload_part(x->c, x->n.bucket, key, id, n, z->s + off,
		    z->len - off < part ? z->len - off : part, &etag,
		    err) == -1)
			goto out;
		cz_strv_take(&etags, etag);
	}
	if ((r = s3_complete_multipart_upload(x->c, x->n.bucket, key, id,
	    &etags, 1, err)) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		s3_abort_multipart_upload(x->c, x->n.bucket, key, id, &ignored);
	free(id);
	cz_strv_release(&etags);
	return rc;
}

int
stage_abort_uploads(struct stage_ctx *x, struct cz_err *err)
{
	struct s3_uploads	us;
	size_t			i, n = 0, plen;
	int			r, rc = -1;

	memset(&us, 0, sizeof(us));
	if ((r = s3_list_multipart_uploads(x->c, x->n.bucket,
	    x->n.key_prefix, &us, err)) == -1)
		goto out;
	plen = strlen(x->n.key_prefix);
	for (i = 0; r == 0 && i < us.n; i++) {
		/* The prefix again: an emulator may ignore it, and another
		 * stage's upload in the shared bucket is not ours. */
		if (strncmp(us.v[i].key, x->n.key_prefix, plen) != 0)
			continue;
		if (!s_dry(x) && s3_abort_multipart_upload(x->c, x->n.bucket,
		    us.v[i].key, us.v[i].upload_id, err) == -1)
			goto out;
		n++;
	}
	if (n)
		stage_step(x, "remove", "upload", "%zu unfinished multipart "
		    "upload%s in s3://%s/%s", n, n == 1 ? "" : "s",
		    x->n.bucket, x->n.key_prefix);
	rc = 0;
out:
	s3_uploads_release(&us);
	return rc;
}

/*
 * Uploads the zip unless its content address exists.  Open multipart uploads
 * of the stage are swept first when this uploads, and always when sweep is
 * set (deploy: a killed deploy's parts go even if its zip is there since).
 */
static int
s_upload(struct stage_ctx *x, const struct stage_package *b, char **keyp,
    int sweep, struct cz_err *err)
{
	struct cz_buf	 z = CZ_BUF_INIT;
	char		*key;
	size_t		 thr, part;
	int		 r, rc = -1;

	key = cz_xasprintf("%s%s.zip", x->n.key_prefix, b->sha256_hex);
	/* Content-addressed: if the key exists, its bytes are already there. */
	if ((r = s3_head_object(x->c, x->n.bucket, key, NULL, err)) == -1) {
		if (!(s_dry(x) && strcmp(err->code, "NoSuchBucket") == 0))
			goto out;
		r = 1;
	}
	if ((sweep || r == 1) && stage_abort_uploads(x, err) == -1)
		goto out;
	if (r == 0) {
		stage_step(x, "unchanged", "artifact", "s3://%s/%s",
		    x->n.bucket, key);
		rc = 0;
		goto out;
	}
	if (s_dry(x)) {
		stage_step(x, "create", "artifact", "s3://%s/%s (%llu bytes)",
		    x->n.bucket, key, b->zip_size);
		rc = 0;
		goto out;
	}
	if (cz_file_read(b->zip_path, &z, err) == -1)
		goto out;
	thr = s_env_size("CZAPPA_MULTIPART_THRESHOLD", 8 << 20);
	part = s_env_size("CZAPPA_PART_SIZE", 8 << 20);
	if (z.len > thr)
		r = s_multipart(x, key, &z, part, err);
	else
		r = s3_put_object(x->c, x->n.bucket, key, z.s, z.len, 1,
		    x->o ? x->o->progress : 0, err);
	/* 412: someone uploaded the same bytes meanwhile; never overwrite. */
	if (r == -1)
		goto out;
	stage_step(x, r == 1 ? "unchanged" : "create", "artifact",
	    "s3://%s/%s (%zu bytes%s)", x->n.bucket, key, z.len,
	    z.len > thr ? ", multipart" : "");
	rc = 0;
out:
	if (rc == 0)
		*keyp = key;
	else
		free(key);
	cz_buf_release(&z);
	return rc;
}

/* ---- function ------------------------------------------------------ */

static void
s_env(const struct config *cfg, struct cz_strv *env)
{
	struct config_kv	*v = cfg->environment.v;
	size_t			 i, k, n = cfg->environment.n;
	size_t			*ord = cz_xcalloc(n + 1, sizeof(*ord));

	for (i = 0; i < n; i++)
		ord[i] = i;
	/* Insertion sort by key: Lambda reports variables in any order. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(v[ord[k - 1]].key,
		    v[ord[k]].key) > 0; k--) {
			size_t	t = ord[k];

			ord[k] = ord[k - 1];
			ord[k - 1] = t;
		}
	for (i = 0; i < n; i++) {
		cz_strv_push(env, v[ord[i]].key);
		cz_strv_push(env, v[ord[i]].value);
	}
	free(ord);
}

static int
s_strv_eq(const struct cz_strv *a, const struct cz_strv *b)
{
	size_t	i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

static int
s_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* What differs between fn and the wanted configuration ("" if nothing). */
static void
s_config_diff(struct stage_ctx *x, const struct lambda_fn *fn,
    struct cz_buf *d)
{
	const struct config	*cfg = x->cfg;
	struct cz_strv		 env = CZ_STRV_INIT;

	s_env(cfg, &env);
	if (fn->memory != cfg->memory)
		cz_buf_addf(d, "%smemory %d -> %d", d->len ? ", " : "",
		    fn->memory, cfg->memory);
	if (fn->timeout != cfg->timeout)
		cz_buf_addf(d, "%stimeout %d -> %d", d->len ? ", " : "",
		    fn->timeout, cfg->timeout);
	if (!s_strv_eq(&fn->environment, &env))
		cz_buf_addf(d, "%senvironment", d->len ? ", " : "");
	if (!s_eq(fn->runtime, STAGE_RUNTIME) ||
	    !s_eq(fn->handler, STAGE_HANDLER))
		cz_buf_addf(d, "%sruntime", d->len ? ", " : "");
	if (x->n.role_arn && !s_eq(fn->role, x->n.role_arn))
		cz_buf_addf(d, "%srole", d->len ? ", " : "");
	if (!s_eq(fn->description, x->n.description))
		cz_buf_addf(d, "%sdescription", d->len ? ", " : "");
	cz_strv_release(&env);
}

static int
s_arch_differs(struct stage_ctx *x, const struct lambda_fn *fn)
{
	return !s_eq(fn->architecture, x->cfg->architecture ?
	    x->cfg->architecture : "x86_64");
}

static void
s_spec(struct stage_ctx *x, struct lambda_fn_spec *s, struct cz_strv *env,
    const char *key)
{
	memset(s, 0, sizeof(*s));
	s_env(x->cfg, env);
	s->name = x->n.function;
	s->role = x->n.role_arn;
	s->runtime = STAGE_RUNTIME;
	s->handler = STAGE_HANDLER;
	s->description = x->n.description;
	s->architecture = x->cfg->architecture ? x->cfg->architecture :
	    "x86_64";
	s->memory = x->cfg->memory;
	s->timeout = x->cfg->timeout;
	s->environment = env;
	s->tags = &x->n.tags;
	s->s3_bucket = x->n.bucket;
	s->s3_key = key;
}

/* A new role is not assumable by Lambda for several seconds; CreateFunction
 * says so with this message.  Retry only that, for about a minute. */
static int
s_role_not_ready(const struct cz_err *err)
{
	return strcmp(err->code, "InvalidParameterValueException") == 0 &&
	    strstr(err->msg, "cannot be assumed by Lambda") != NULL;
}

static int
s_create_function(struct stage_ctx *x, const struct lambda_fn_spec *s,
    struct cz_err *err)
{
	long long	t0 = cz_mono_ms(), limit = 60000, delay = 1000, left;
	int		i;

	for (i = 0; i < 100; i++) {
		if (lambda_create_function(x->c, s, NULL, err) == 0)
			return 0;
		if (!s_role_not_ready(err))
			return -1;
		if ((left = limit - (cz_mono_ms() - t0)) <= 0)
			return cz_err_prefix(err, "the role still cannot be "
			    "assumed after %lld s", limit / 1000);
		if (delay > left)
			delay = left;
		/* A countdown, one tick a second, while IAM propagates. */
		for (; delay > 0; delay -= 1000) {
			stage_waiting(x, "IAM role to reach Lambda",
			    (int)((left + 999) / 1000));
			cz_sleep_ms(delay < 1000 ? delay : 1000);
			left -= 1000;
		}
		delay = (long long)(i + 2) * 1000;
		if (delay > 8000)
			delay = 8000;
	}
	return -1;
}

/* Runs an update call; on ResourceConflictException (an update in
 * progress) waits for the function and tries again, a few times. */
static int
s_update(struct stage_ctx *x, int code, const char *key,
    const struct lambda_fn_spec *s, struct cz_err *err)
{
	int	i, r;

	for (i = 0; i < 6; i++) {
		if (stage_wait_function(x, err) == -1)
			return -1;
		r = code ? lambda_update_function_code(x->c, x->n.function,
		    x->n.bucket, key, s->architecture, NULL, err) :
		    lambda_update_function_configuration(x->c, s, NULL, err);
		if (r == 0)
			return stage_wait_function(x, err);
		if (strcmp(err->code, "ResourceConflictException") != 0)
			return -1;
		stage_waiting(x, "another update of the function", -1);
	}
	return -1;
}

/*
 * Creates or updates $LATEST.  *changed is set when anything was written.
 * key NULL (dry-run without upload) is fine for the plan.
 */
static int
s_function(struct stage_ctx *x, const struct stage_package *b,
    const char *key, int *changed, struct cz_err *err)
{
	struct lambda_fn	 fn;
	struct lambda_fn_spec	 s;
	struct cz_strv		 env = CZ_STRV_INIT;
	struct cz_buf		 d = CZ_BUF_INIT;
	int			 r, code, rc = -1;

	*changed = 0;
	memset(&fn, 0, sizeof(fn));
	s_spec(x, &s, &env, key);
	if ((r = lambda_get_function(x->c, x->n.function, NULL, &fn,
	    err)) == -1)
		goto out;
	if (r == 1) {
		if (!s_dry(x) && (s_create_function(x, &s, err) == -1 ||
		    stage_wait_function(x, err) == -1))
			goto out;
		stage_step(x, "create", "function", "%s (%s, %d MB, %d s)",
		    x->n.function, s.architecture, s.memory, s.timeout);
		*changed = 1;
		rc = 0;
		goto out;
	}
	code = !s_eq(fn.code_sha256, b->sha256_b64) || s_arch_differs(x, &fn);
	s_config_diff(x, &fn, &d);
	if (code) {
		if (!s_dry(x) && s_update(x, 1, key, &s, err) == -1)
			goto out;
		stage_step(x, "update", "function code", "%s (%llu bytes)",
		    x->n.function, b->zip_size);
	}
	if (d.len) {
		if (!s_dry(x) && s_update(x, 0, key, &s, err) == -1)
			goto out;
		stage_step(x, "update", "function configuration", "%s",
		    d.s);
	}
	if (!s_strv_eq(&fn.tags, &x->n.tags)) {
		size_t	i;
		int	missing = 0;

		/* Only add or change ours; tags set by others stay. */
		for (i = 0; i + 1 < x->n.tags.n; i += 2) {
			int	k = -1;
			size_t	t;

			for (t = 0; t + 1 < fn.tags.n; t += 2)
				if (strcmp(fn.tags.v[t], x->n.tags.v[i]) == 0)
					k = (int)t;
			if (k == -1 || strcmp(fn.tags.v[k + 1],
			    x->n.tags.v[i + 1]) != 0)
				missing = 1;
		}
		if (missing) {
			if (!s_dry(x) && lambda_tag_resource(x->c, fn.arn,
			    &x->n.tags, err) == -1)
				goto out;
			stage_step(x, "update", "function tags", "%s",
			    x->n.function);
		}
	}
	*changed = code || d.len;
	if (!*changed)
		stage_step(x, "unchanged", "function", "%s", x->n.function);
	rc = 0;
out:
	if (rc == -1)
		cz_err_prefix(err, "function %s", x->n.function);
	lambda_fn_release(&fn);
	cz_strv_release(&env);
	cz_buf_release(&d);
	return rc;
}

/* Does what `live` serves match the build and the configuration?  1 yes,
 * 0 no (or no alias), -1 error.  *alias_version set when the alias exists. */
static int
s_live_matches(struct stage_ctx *x, const struct stage_package *b,
    char **alias_version, struct cz_err *err)
{
	struct lambda_fn	 fn;
	struct cz_buf		 d = CZ_BUF_INIT;
	int			 r;

	*alias_version = NULL;
	if ((r = lambda_get_function(x->c, x->n.function, STAGE_ALIAS, &fn,
	    err)) == -1)
		return -1;
	if (r == 1)
		return 0;
	if (x->n.account == NULL) {
		char	*acct = stage_arn_account(fn.arn);

		stage_ctx_account(x, acct);
		free(acct);
	}
	*alias_version = fn.version ? cz_xstrdup(fn.version) : NULL;
	s_config_diff(x, &fn, &d);
	r = d.len == 0 && s_eq(fn.code_sha256, b->sha256_b64) &&
	    !s_arch_differs(x, &fn);
	lambda_fn_release(&fn);
	cz_buf_release(&d);
	return r;
}

/* Publishes $LATEST and points `live` at it, unless live already serves
 * what we want. */
static int
s_publish(struct stage_ctx *x, const struct stage_package *b, int changed,
    struct stage_result *res, struct cz_err *err)
{
	char	*cur = NULL, *ver = NULL;
	int	 same, r, i, rc = -1;

	if ((same = s_live_matches(x, b, &cur, err)) == -1)
		goto out;
	if (same && !changed) {
		stage_step(x, "unchanged", "alias", "%s -> version %s",
		    STAGE_ALIAS, cur);
		res->version = cur;
		cur = NULL;
		rc = 0;
		goto out;
	}
	if (s_dry(x)) {
		stage_step(x, cur ? "update" : "create", "alias", "%s -> a new "
		    "version%s%s%s", STAGE_ALIAS, cur ? " (now " : "",
		    cur ? cur : "", cur ? ")" : "");
		rc = 0;
		goto out;
	}
	for (i = 0; i < 6; i++) {
		if (stage_wait_function(x, err) == -1)
			goto out;
		if (lambda_publish_version(x->c, x->n.function,
		    b->sha256_b64, x->n.description, &ver, err) == 0)
			break;
		if (strcmp(err->code, "ResourceConflictException") != 0)
			goto out;
	}
	if (ver == NULL)
		goto out;
	if (cur == NULL) {
		if ((r = lambda_create_alias(x->c, x->n.function, STAGE_ALIAS,
		    ver, err)) == -1)
			goto out;
		if (r == 1 && lambda_update_alias(x->c, x->n.function,
		    STAGE_ALIAS, ver, err) == -1)
			goto out;
		stage_step(x, "create", "alias", "%s -> version %s",
		    STAGE_ALIAS, ver);
	} else if (strcmp(cur, ver) != 0) {
		if (lambda_update_alias(x->c, x->n.function, STAGE_ALIAS, ver,
		    err) == -1)
			goto out;
		stage_step(x, "update", "alias", "%s: version %s -> %s",
		    STAGE_ALIAS, cur, ver);
	} else
		stage_step(x, "unchanged", "alias", "%s -> version %s",
		    STAGE_ALIAS, ver);
	res->previous = cur;
	cur = NULL;
	res->version = ver;
	ver = NULL;
	rc = 0;
out:
	free(cur);
	free(ver);
	return rc;
}

/* ---- HTTP: API Gateway v2 or function URL ------------------------- */

struct wire {
	struct stage_ctx	*x;
	char			*url;
	/* for the apigw permission */
	char			*api_id;
	int			 function_url;
	struct cz_strv		 rule_arns;	/* name, arn... */
};

/* The stage's API: the one named so, preferring the one tagged so. */
static struct apigw_api *
s_find_api(struct stage_ctx *x, struct apigw_apis *as)
{
	struct apigw_api	*hit = NULL;
	size_t			 i, t;

	for (i = 0; i < as->n; i++) {
		if (!s_eq(as->v[i].name, x->n.api))
			continue;
		for (t = 0; t + 1 < as->v[i].tags.n; t += 2)
			if (strcmp(as->v[i].tags.v[t], "czappa:stage") == 0 &&
			    strcmp(as->v[i].tags.v[t + 1], x->cfg->stage) == 0)
				return &as->v[i];
		if (hit == NULL)
			hit = &as->v[i];
	}
	return hit;
}

static int
s_httpapi(struct wire *w, struct cz_err *err)
{
	struct stage_ctx		*x = w->x;
	struct apigw_apis		 as;
	struct apigw_api		 made, *api;
	struct apigw_integrations	 is;
	struct apigw_routes		 rs;
	struct cz_strv			 stages = CZ_STRV_INIT;
	char				*iid = NULL, *target = NULL;
	const struct apigw_route	*route = NULL;
	size_t				 i;
	int				 rc = -1;

	memset(&as, 0, sizeof(as));
	memset(&made, 0, sizeof(made));
	memset(&is, 0, sizeof(is));
	memset(&rs, 0, sizeof(rs));
	if (apigw_get_apis(x->c, &as, err) == -1)
		goto out;
	if ((api = s_find_api(x, &as)) == NULL) {
		if (s_dry(x)) {
			stage_step(x, "create", "http api", "%s: integration "
			    "on %s, $default route and stage", x->n.api,
			    STAGE_ALIAS);
			rc = 0;
			goto out;
		}
		if (apigw_create_api(x->c, x->n.api, &x->n.tags, &made,
		    err) == -1)
			goto out;
		api = &made;
		stage_step(x, "create", "http api", "%s (%s)", x->n.api,
		    api->id);
	} else
		stage_step(x, "unchanged", "http api", "%s (%s)", x->n.api,
		    api->id);
	w->api_id = cz_xstrdup(api->id);
	w->url = api->endpoint ? cz_xstrdup(api->endpoint) : NULL;
	if (apigw_get_integrations(x->c, api->id, &is, err) == -1)
		goto out;
	for (i = 0; i < is.n; i++)
		if (s_eq(is.v[i].type, "AWS_PROXY"))
			break;
	if (i == is.n) {
		if (!s_dry(x) && apigw_create_integration(x->c, api->id,
		    x->n.alias_arn, &iid, err) == -1)
			goto out;
		stage_step(x, "create", "integration", "AWS_PROXY 2.0 -> %s",
		    x->n.alias_arn);
	} else {
		iid = cz_xstrdup(is.v[i].id);
		if (!s_eq(is.v[i].uri, x->n.alias_arn) ||
		    !s_eq(is.v[i].payload_version, "2.0")) {
			if (!s_dry(x) && apigw_update_integration(x->c,
			    api->id, iid, x->n.alias_arn, err) == -1)
				goto out;
			stage_step(x, "update", "integration", "-> %s",
			    x->n.alias_arn);
		}
	}
	target = cz_xasprintf("integrations/%s", iid ? iid : "new");
	if (apigw_get_routes(x->c, api->id, &rs, err) == -1)
		goto out;
	for (i = 0; i < rs.n; i++)
		if (s_eq(rs.v[i].key, "$default"))
			route = &rs.v[i];
	if (route == NULL) {
		if (!s_dry(x) && apigw_create_route(x->c, api->id, "$default",
		    target, err) == -1)
			goto out;
		stage_step(x, "create", "route", "$default -> %s", target);
	} else if (!s_eq(route->target, target)) {
		if (!s_dry(x) && apigw_update_route(x->c, api->id, route->id,
		    target, err) == -1)
			goto out;
		stage_step(x, "update", "route", "$default -> %s", target);
	}
	if (apigw_get_stages(x->c, api->id, &stages, err) == -1)
		goto out;
	if (cz_strv_find(&stages, "$default") == -1) {
		if (!s_dry(x) && apigw_create_stage(x->c, api->id, "$default",
		    &x->n.tags, err) == -1)
			goto out;
		stage_step(x, "create", "api stage", "$default (auto-deploy)");
	}
	rc = 0;
out:
	if (rc == -1)
		cz_err_prefix(err, "http api %s", x->n.api);
	free(iid);
	free(target);
	apigw_apis_release(&as);
	apigw_api_release(&made);
	apigw_integrations_release(&is);
	apigw_routes_release(&rs);
	cz_strv_release(&stages);
	return rc;
}

/* The other HTTP mode's leftovers go when the mode changes. */
static int
s_http(struct job *j)
{
	struct wire		*w = j->arg;
	struct stage_ctx	*x = j->x;
	struct cz_err		*err = &j->err;
	struct apigw_apis	 as;
	struct apigw_api	*api;
	enum config_http	 mode = x->cfg->http;
	char			*url = NULL;
	int			 r, rc = -1;

	memset(&as, 0, sizeof(as));
	if (mode == CONFIG_HTTP_HTTPAPI) {
		if (s_httpapi(w, err) == -1)
			goto out;
	} else {
		if (apigw_get_apis(x->c, &as, err) == -1)
			goto out;
		if ((api = s_find_api(x, &as)) != NULL) {
			if (!s_dry(x) && apigw_delete_api(x->c, api->id,
			    err) == -1)
				goto out;
			stage_step(x, "remove", "http api", "%s (http is "
			    "no longer httpapi)", api->id);
		}
	}
	if ((r = lambda_get_function_url_config(x->c, x->n.function,
	    STAGE_ALIAS, &url, err)) == -1)
		goto out;
	if (mode == CONFIG_HTTP_FUNCTION_URL) {
		w->function_url = 1;
		if (r == 1) {
			if (!s_dry(x) && lambda_create_function_url_config(
			    x->c, x->n.function, STAGE_ALIAS, &url, err) == -1)
				goto out;
			stage_step(x, "create", "function url", "%s",
			    url ? url : "on alias live");
		} else
			stage_step(x, "unchanged", "function url", "%s", url);
		w->url = url;
		url = NULL;
	} else if (r == 0) {
		if (!s_dry(x) && lambda_delete_function_url_config(x->c,
		    x->n.function, STAGE_ALIAS, err) == -1)
			goto out;
		stage_step(x, "remove", "function url", "%s", url);
	}
	rc = 0;
out:
	free(url);
	apigw_apis_release(&as);
	return rc;
}

/* ---- schedules ----------------------------------------------------- */

static int
s_owned(struct stage_ctx *x, const struct events_rule *r)
{
	size_t	n = strlen(x->n.owner);

	return r->description && strncmp(r->description, x->n.owner, n) ==
	    0 && r->description[n] == ' ';
}

/*
 * Converges the rules.  With check_only, reads and compares without writing
 * and returns 1 when something differs (update's "no changes" test).
 */
static int
s_rules_converge(struct stage_ctx *x, struct wire *w, int check_only,
    struct cz_err *err)
{
	struct events_rules	 have;
	size_t			 i, k;
	int			 diff = 0, rc = -1;

	memset(&have, 0, sizeof(have));
	if (events_list_rules(x->c, x->n.rule_prefix, &have, err) == -1)
		goto out;
	for (i = 0; i < x->nrules; i++) {
		const struct stage_rule	*want = &x->rules[i];
		const struct events_rule *r = NULL;
		struct events_targets	 ts;
		char			*arn = NULL;
		int			 tr, tok = 0;

		for (k = 0; k < have.n; k++)
			if (s_eq(have.v[k].name, want->name))
				r = &have.v[k];
		if (r && s_eq(r->expression, want->expression) &&
		    s_eq(r->state, want->enabled ? "ENABLED" : "DISABLED") &&
		    s_eq(r->description, want->description))
			arn = r->arn ? cz_xstrdup(r->arn) : NULL;
		else {
			diff = 1;
			if (check_only)
				break;
			if (!s_dry(x) && events_put_rule(x->c, want->name,
			    want->expression, want->enabled,
			    want->description, &x->n.tags, &arn, err) == -1)
				goto out;
			stage_step(x, r ? "update" : "create", "rule", "%s %s",
			    want->name, want->expression);
		}
		if (arn == NULL && x->n.account)
			arn = cz_xasprintf("arn:aws:events:%s:%s:rule/%s",
			    x->n.region, x->n.account, want->name);
		memset(&ts, 0, sizeof(ts));
		tr = r ? events_list_targets_by_rule(x->c, want->name, &ts,
		    err) : 1;
		if (tr == -1) {
			free(arn);
			goto out;
		}
		for (k = 0; k < ts.n; k++)
			if (s_eq(ts.v[k].id, "czappa") &&
			    s_eq(ts.v[k].arn, x->n.alias_arn) &&
			    s_json_same(ts.v[k].input, want->input))
				tok = 1;
		events_targets_release(&ts);
		if (!tok) {
			diff = 1;
			if (check_only) {
				free(arn);
				break;
			}
			if (!s_dry(x) && events_put_targets(x->c, want->name,
			    "czappa", x->n.alias_arn, want->input,
			    err) == -1) {
				free(arn);
				goto out;
			}
			stage_step(x, "create", "rule target", "%s -> %s %s",
			    want->name, STAGE_ALIAS, want->input);
		} else if (r && arn)
			stage_step(x, "unchanged", "rule", "%s %s", want->name,
			    want->expression);
		if (w) {
			cz_strv_push(&w->rule_arns, want->name);
			cz_strv_push(&w->rule_arns, arn ? arn : "");
		}
		free(arn);
	}
	/* Ours but no longer configured: targets first, then the rule. */
	for (k = 0; k < have.n && !(check_only && diff); k++) {
		struct events_targets	ts;
		struct cz_strv		ids = CZ_STRV_INIT;
		size_t			t;

		if (!s_owned(x, &have.v[k]))
			continue;
		for (i = 0; i < x->nrules; i++)
			if (s_eq(x->rules[i].name, have.v[k].name))
				break;
		if (i < x->nrules)
			continue;
		diff = 1;
		if (check_only)
			break;
		if (!s_dry(x)) {
			memset(&ts, 0, sizeof(ts));
			if (events_list_targets_by_rule(x->c, have.v[k].name,
			    &ts, err) == -1)
				goto out;
			for (t = 0; t < ts.n; t++)
				cz_strv_push(&ids, ts.v[t].id);
			events_targets_release(&ts);
			if ((ids.n && events_remove_targets(x->c,
			    have.v[k].name, &ids, err) == -1) ||
			    events_delete_rule(x->c, have.v[k].name,
			    err) == -1) {
				cz_strv_release(&ids);
				goto out;
			}
			cz_strv_release(&ids);
		}
		stage_step(x, "remove", "rule", "%s (no longer configured)",
		    have.v[k].name);
	}
	rc = check_only ? diff : 0;
out:
	events_rules_release(&have);
	return rc;
}

static int
s_rules(struct job *j)
{
	return s_rules_converge(j->x, j->arg, 0,
	    &j->err);
}

/* ---- permissions (one writer) ------------------------------------- */

/* rules_only (update): the HTTP statements are left as they are. */
static int
s_permissions(struct stage_ctx *x, struct wire *w, int rules_only,
    struct cz_err *err)
{
	struct cz_strv			 have = CZ_STRV_INIT;
	struct cz_strv			 want = CZ_STRV_INIT;
	struct lambda_permission	 p;
	char				*src = NULL;
	size_t				 i;
	int				 r, rc = -1;

	if ((r = lambda_get_policy(x->c, x->n.function, STAGE_ALIAS, &have,
	    err)) == -1)
		goto out;
	if (w->api_id) {
		cz_strv_pushf(&want, "czappa-apigw-%s", w->api_id);
		if (cz_strv_find(&have, want.v[want.n - 1]) == -1) {
			memset(&p, 0, sizeof(p));
			src = cz_xasprintf("arn:aws:execute-api:%s:%s:%s/*",
			    x->n.region, x->n.account, w->api_id);
			p.sid = want.v[want.n - 1];
			p.action = "lambda:InvokeFunction";
			p.principal = "apigateway.amazonaws.com";
			p.source_arn = src;
			if (!s_dry(x) && lambda_add_permission(x->c,
			    x->n.function, STAGE_ALIAS, &p, err) == -1)
				goto out;
			stage_step(x, "create", "permission", "apigateway "
			    "-> %s", STAGE_ALIAS);
			free(src);
			src = NULL;
		}
	}
	if (w->function_url) {
		cz_strv_push(&want, "czappa-url");
		if (cz_strv_find(&have, "czappa-url") == -1) {
			memset(&p, 0, sizeof(p));
			p.sid = "czappa-url";
			p.action = "lambda:InvokeFunctionUrl";
			p.principal = "*";
			p.url_auth_type = "NONE";
			if (!s_dry(x) && lambda_add_permission(x->c,
			    x->n.function, STAGE_ALIAS, &p, err) == -1)
				goto out;
			stage_step(x, "create", "permission", "public "
			    "function url -> %s", STAGE_ALIAS);
		}
	}
	for (i = 0; i + 1 < w->rule_arns.n; i += 2) {
		cz_strv_pushf(&want, "czappa-events-%s", w->rule_arns.v[i]);
		if (cz_strv_find(&have, want.v[want.n - 1]) != -1)
			continue;
		memset(&p, 0, sizeof(p));
		p.sid = want.v[want.n - 1];
		p.action = "lambda:InvokeFunction";
		p.principal = "events.amazonaws.com";
		p.source_arn = w->rule_arns.v[i + 1];
		if (!s_dry(x) && lambda_add_permission(x->c, x->n.function,
		    STAGE_ALIAS, &p, err) == -1)
			goto out;
		stage_step(x, "create", "permission", "events rule %s -> %s",
		    w->rule_arns.v[i], STAGE_ALIAS);
	}
	for (i = 0; i < have.n; i++) {
		if (strncmp(have.v[i], "czappa-", 7) != 0 ||
		    cz_strv_find(&want, have.v[i]) != -1 || (rules_only &&
		    strncmp(have.v[i], "czappa-events-", 14) != 0))
			continue;
		if (!s_dry(x) && lambda_remove_permission(x->c, x->n.function,
		    STAGE_ALIAS, have.v[i], err) == -1)
			goto out;
		stage_step(x, "remove", "permission", "%s", have.v[i]);
	}
	rc = 0;
out:
	if (rc == -1)
		cz_err_prefix(err, "permissions of %s", x->n.function);
	free(src);
	cz_strv_release(&have);
	cz_strv_release(&want);
	return rc;
}

/* ---- deploy and update --------------------------------------------- */

static int
s_account(struct stage_ctx *x, struct cz_err *err)
{
	struct sts_identity	id;

	if (sts_get_caller_identity(x->c, &id, err) == -1)
		return -1;
	stage_ctx_account(x, id.account);
	sts_identity_release(&id);
	return 0;
}

/* Publish, then HTTP and rules concurrently, then permissions. */
static int
s_finish(struct stage_ctx *x, const struct stage_package *b, int changed,
    struct stage_result *res, int with_http, struct cz_err *err)
{
	struct wire	 w;
	struct job	 jobs[2];
	long long	 t0 = cz_mono_ms();
	size_t		 n = 0;
	int		 rc = -1;

	memset(&w, 0, sizeof(w));
	memset(jobs, 0, sizeof(jobs));
	w.x = x;
	if (s_publish(x, b, changed, res, err) == -1)
		goto out;
	stage_phase(x, "publish", cz_mono_ms() - t0);
	t0 = cz_mono_ms();
	if (with_http) {
		jobs[n].x = x;
		jobs[n].fn = s_http;
		jobs[n].phase = "http";
		jobs[n].arg = &w;
		n++;
	}
	jobs[n].x = x;
	jobs[n].fn = s_rules;
	jobs[n].phase = "schedules";
	jobs[n].arg = &w;
	n++;
	if (s_run_jobs(jobs, n, err) == -1)
		goto out;
	/* update keeps the HTTP side as deploy left it. */
	t0 = cz_mono_ms();
	if (s_permissions(x, &w, !with_http, err) == -1)
		goto out;
	stage_phase(x, "permissions", cz_mono_ms() - t0);
	res->url = w.url;
	w.url = NULL;
	rc = 0;
out:
	free(w.url);
	free(w.api_id);
	cz_strv_release(&w.rule_arns);
	return rc;
}

int
stage_deploy(struct aws_client *c, const struct config *cfg,
    const struct stage_opts *o, struct stage_result *res, struct cz_err *err)
{
	struct stage_ctx	 x;
	struct job		 jobs[4];
	struct stage_package	*b;
	char			*key = NULL;
	long long		 t0 = cz_mono_ms(), t;
	size_t			 i;
	int			 changed, rc = -1;

	memset(res, 0, sizeof(*res));
	memset(jobs, 0, sizeof(jobs));
	stage_ctx_init(&x, c, cfg, o, NULL);
	for (i = 0; i < 4; i++) {
		struct stage_package	init = STAGE_PACKAGE_INIT;

		jobs[i].build = init;
		jobs[i].x = &x;
	}
	if (s_account(&x, err) == -1)
		goto out;
	jobs[0].fn = s_role;
	jobs[0].phase = "role";
	jobs[1].fn = s_build;
	jobs[1].phase = "build";
	jobs[2].fn = s_bucket;
	jobs[2].phase = "bucket";
	jobs[3].fn = s_logs;
	jobs[3].phase = "log group";
	if (s_run_jobs(jobs, 4, err) == -1)
		goto out;
	b = &jobs[1].build;
	if (s_check_size(b, err) == -1)
		goto out;
	t = cz_mono_ms();
	if (s_upload(&x, b, &key, 1, err) == -1)
		goto out;
	stage_phase(&x, "upload", cz_mono_ms() - t);
	t = cz_mono_ms();
	if (s_function(&x, b, key, &changed, err) == -1)
		goto out;
	stage_phase(&x, "function", cz_mono_ms() - t);
	if (s_finish(&x, b, changed, res, 1, err) == -1)
		goto out;
	res->function_arn = cz_xstrdup(x.n.function_arn);
	res->code_sha256 = cz_xstrdup(b->sha256_hex);
	res->zip_size = b->zip_size;
	rc = 0;
out:
	res->changes = x.changes;
	res->ms = cz_mono_ms() - t0;
	free(key);
	for (i = 0; i < 4; i++)
		stage_package_release(&jobs[i].build);
	stage_ctx_release(&x);
	return rc;
}

int
stage_update(struct aws_client *c, const struct config *cfg,
    const struct stage_opts *o, struct stage_result *res, struct cz_err *err)
{
	struct stage_ctx	 x;
	struct stage_package	 b = STAGE_PACKAGE_INIT;
	struct job		 bj;
	struct stage_opts	 quiet;
	char			*live = NULL, *key = NULL;
	long long		 t0 = cz_mono_ms(), t;
	int			 same, rules, changed, rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&bj, 0, sizeof(bj));
	stage_ctx_init(&x, c, cfg, o, NULL);
	bj.x = &x;
	bj.build = b;
	t = cz_mono_ms();
	if (s_build(&bj) == -1) {
		*err = bj.err;
		goto out;
	}
	stage_phase(&x, "build", cz_mono_ms() - t);
	if (s_check_size(&bj.build, err) == -1)
		goto out;
	/* One read says what live serves; the account comes from its ARN. */
	t = cz_mono_ms();
	if ((same = s_live_matches(&x, &bj.build, &live, err)) == -1)
		goto out;
	if (live == NULL) {
		cz_errf(err, "stage %s is not deployed (no function %s with "
		    "alias %s); run czappa deploy %s", cfg->stage,
		    x.n.function, STAGE_ALIAS, cfg->stage);
		goto out;
	}
	/* Compare the schedules silently first. */
	quiet = o ? *o : (struct stage_opts){ 0 };
	quiet.hooks.on_step = NULL;
	x.o = &quiet;
	rules = s_rules_converge(&x, NULL, 1, err);
	x.o = o;
	if (rules == -1)
		goto out;
	stage_phase(&x, "compare", cz_mono_ms() - t);
	if (same && !rules) {
		res->version = live;
		live = NULL;
		res->function_arn = cz_xstrdup(x.n.function_arn);
		res->code_sha256 = cz_xstrdup(bj.build.sha256_hex);
		res->zip_size = bj.build.zip_size;
		rc = 0;
		goto out;
	}
	changed = 0;
	if (!same) {
		t = cz_mono_ms();
		if (s_upload(&x, &bj.build, &key, 0, err) == -1)
			goto out;
		stage_phase(&x, "upload", cz_mono_ms() - t);
		t = cz_mono_ms();
		if (s_function(&x, &bj.build, key, &changed, err) == -1)
			goto out;
		stage_phase(&x, "function", cz_mono_ms() - t);
		if (s_finish(&x, &bj.build, 1, res, 0, err) == -1)
			goto out;
	} else {
		struct wire	w;

		memset(&w, 0, sizeof(w));
		w.x = &x;
		res->version = live;
		live = NULL;
		t = cz_mono_ms();
		rc = s_rules_converge(&x, &w, 0, err);
		if (rc == 0)
			rc = s_permissions(&x, &w, 1, err);
		cz_strv_release(&w.rule_arns);
		if (rc == -1)
			goto out;
		rc = -1;
		stage_phase(&x, "schedules", cz_mono_ms() - t);
	}
	res->function_arn = cz_xstrdup(x.n.function_arn);
	res->code_sha256 = cz_xstrdup(bj.build.sha256_hex);
	res->zip_size = bj.build.zip_size;
	rc = 0;
out:
	res->changes = x.changes;
	res->ms = cz_mono_ms() - t0;
	free(live);
	free(key);
	stage_package_release(&bj.build);
	stage_ctx_release(&x);
	return rc;
}
