/* stage/names: see names.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "stage/names.h"

static void
s_rule(struct stage_ctx *x, const char *suffix, const char *expr,
    const char *input, const char *kind, int enabled)
{
	struct stage_rule	*r;

	x->rules = cz_xrealloc(x->rules, (x->nrules + 1) * sizeof(*x->rules));
	r = &x->rules[x->nrules++];
	r->name = cz_xasprintf("%s%s", x->n.rule_prefix, suffix);
	r->expression = cz_xstrdup(expr);
	r->input = cz_xstrdup(input);
	r->description = cz_xasprintf("%s %s", x->n.owner, kind);
	r->enabled = enabled;
}

void
stage_ctx_account(struct stage_ctx *x, const char *account)
{
	struct stage_names	*n = &x->n;

	if (account == NULL || n->account)
		return;
	n->account = cz_xstrdup(account);
	n->function_arn = cz_xasprintf("arn:aws:lambda:%s:%s:function:%s",
	    n->region, account, n->function);
	n->alias_arn = cz_xasprintf("%s:%s", n->function_arn, STAGE_ALIAS);
	n->role_arn = cz_xasprintf("arn:aws:iam::%s:role/%s", account,
	    n->role);
	n->bucket = x->cfg->bucket ? cz_xstrdup(x->cfg->bucket) :
	    cz_xasprintf("czappa-%s-%s", account, n->region);
}

void
stage_ctx_init(struct stage_ctx *x, struct aws_client *c,
    const struct config *cfg, const struct stage_opts *o,
    const char *account)
{
	struct stage_names	*n = &x->n;
	size_t			 i;
	char			*in;

	memset(x, 0, sizeof(*x));
	x->c = c;
	x->cfg = cfg;
	x->o = o;
	pthread_mutex_init(&x->mu, NULL);
	n->region = cz_xstrdup(aws_client_region(c));
	n->function = cz_xasprintf("%s-%s", cfg->service, cfg->stage);
	n->role = cz_xasprintf("%s-czappa", n->function);
	n->api = cz_xstrdup(n->function);
	n->log_group = cz_xasprintf("/aws/lambda/%s", n->function);
	n->key_prefix = cz_xasprintf("czappa/%s/%s/", cfg->service,
	    cfg->stage);
	n->rule_prefix = cz_xasprintf("%s-", n->function);
	n->owner = cz_xasprintf("czappa %s/%s", cfg->service, cfg->stage);
	n->description = cz_xasprintf("czappa %s: %s stage %s", CZ_VERSION,
	    cfg->service, cfg->stage);
	cz_strv_push(&n->tags, "czappa:service");
	cz_strv_push(&n->tags, cfg->service);
	cz_strv_push(&n->tags, "czappa:stage");
	cz_strv_push(&n->tags, cfg->stage);
	for (i = 0; i < cfg->tags.n; i++) {
		if (strncmp(cfg->tags.v[i].key, "czappa:", 7) == 0)
			continue;
		cz_strv_push(&n->tags, cfg->tags.v[i].key);
		cz_strv_push(&n->tags, cfg->tags.v[i].value);
	}
	if (cfg->keep_warm)
		s_rule(x, "keep-warm", cfg->keep_warm,
		    "{\"czappa\":\"keep-warm\"}", "keep-warm", 1);
	for (i = 0; i < cfg->nschedules; i++) {
		const struct config_schedule	*s = &cfg->schedules[i];
		json_t				*j;

		j = json_pack("{s:s,s:s}", "czappa", "schedule", "name",
		    s->handler ? s->handler : s->name);
		if (s->input_json)
			json_object_set_new(j, "input",
			    json_loads(s->input_json, 0, NULL));
		in = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		s_rule(x, s->name, s->expression, in, "schedule", s->enabled);
		free(in);
		json_decref(j);
	}
	stage_ctx_account(x, account);
}

void
stage_ctx_release(struct stage_ctx *x)
{
	struct stage_names	*n = &x->n;
	size_t			 i;

	free(n->region);
	free(n->account);
	free(n->function);
	free(n->function_arn);
	free(n->alias_arn);
	free(n->role);
	free(n->role_arn);
	free(n->api);
	free(n->log_group);
	free(n->bucket);
	free(n->key_prefix);
	free(n->rule_prefix);
	free(n->owner);
	free(n->description);
	cz_strv_release(&n->tags);
	for (i = 0; i < x->nrules; i++) {
		free(x->rules[i].name);
		free(x->rules[i].expression);
		free(x->rules[i].input);
		free(x->rules[i].description);
	}
	free(x->rules);
	pthread_mutex_destroy(&x->mu);
	memset(x, 0, sizeof(*x));
}

void
stage_step(struct stage_ctx *x, const char *verb, const char *what,
    const char *fmt, ...)
{
	struct cz_buf	d = CZ_BUF_INIT;
	va_list		ap;

	if (fmt) {
		va_start(ap, fmt);
		cz_buf_vaddf(&d, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_lock(&x->mu);
	if (strcmp(verb, "unchanged") != 0 && strcmp(verb, "keep") != 0)
		x->changes++;
	if (strcmp(verb, "remove") == 0)
		x->removed++;
	if (x->o && x->o->hooks.on_step)
		x->o->hooks.on_step(verb, x->o->dry_run, what, d.s,
		    x->o->hooks.arg);
	pthread_mutex_unlock(&x->mu);
	cz_buf_release(&d);
}

void
stage_phase(struct stage_ctx *x, const char *phase, long long ms)
{
	pthread_mutex_lock(&x->mu);
	if (x->o && x->o->hooks.on_phase)
		x->o->hooks.on_phase(phase, ms, x->o->hooks.arg);
	pthread_mutex_unlock(&x->mu);
}

void
stage_waiting(struct stage_ctx *x, const char *why, int left)
{
	pthread_mutex_lock(&x->mu);
	if (x->o && x->o->hooks.on_wait)
		x->o->hooks.on_wait(why, left, x->o->hooks.arg);
	pthread_mutex_unlock(&x->mu);
}

char *
stage_arn_account(const char *arn)
{
	const char	*p = arn;
	int		 i;

	/* arn:partition:service:region:account:... */
	for (i = 0; p && i < 4; i++)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (p == NULL || strchr(p, ':') == NULL)
		return NULL;
	return cz_xstrndup(p, (size_t)(strchr(p, ':') - p));
}

void
stage_result_release(struct stage_result *r)
{
	free(r->url);
	free(r->function_arn);
	free(r->version);
	free(r->previous);
	free(r->code_sha256);
	memset(r, 0, sizeof(*r));
}
