/* stage/wait: see wait.h. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "services/lambda.h"
#include "stage/wait.h"

long long
stage_wait_limit_ms(void)
{
	const char	*s = getenv("CZAPPA_WAIT_SECONDS");
	long		 v = s ? strtol(s, NULL, 10) : 0;

	return (v > 0 && v <= 3600 ? v : 300) * 1000LL;
}

/* Lambda usually settles within a second or two: start short, cap at 5 s. */
static long long
s_next(long long delay)
{
	delay *= 2;
	return delay > 5000 ? 5000 : delay;
}

int
stage_wait_function(struct stage_ctx *x, struct cz_err *err)
{
	struct lambda_fn	 fn;
	long long		 t0 = cz_mono_ms();
	long long		 limit = stage_wait_limit_ms();
	long long		 delay = 250;
	int			 r, i;

	for (i = 0; i < 10000; i++) {
		r = lambda_get_function_configuration(x->c, x->n.function, NULL,
		    &fn, err);
		if (r == -1)
			return -1;
		if (r == 1)
			return cz_errf(err, "function %s disappeared while "
			    "waiting for it", x->n.function);
		if ((fn.state && strcmp(fn.state, "Failed") == 0) ||
		    (fn.last_update_status &&
		    strcmp(fn.last_update_status, "Failed") == 0)) {
			cz_errf(err, "function %s failed: %s", x->n.function,
			    fn.last_update_reason ? fn.last_update_reason :
			    fn.state_reason ? fn.state_reason : "no reason");
			lambda_fn_release(&fn);
			return -1;
		}
		if ((fn.state == NULL || strcmp(fn.state, "Pending") != 0) &&
		    (fn.last_update_status == NULL ||
		    strcmp(fn.last_update_status, "InProgress") != 0)) {
			lambda_fn_release(&fn);
			return 0;
		}
		stage_waiting(x, fn.state && strcmp(fn.state, "Pending") == 0 ?
		    "function Pending" : "function update InProgress",
		    (int)((limit - (cz_mono_ms() - t0)) / 1000));
		lambda_fn_release(&fn);
		if (cz_mono_ms() - t0 + delay > limit)
			break;
		cz_sleep_ms(delay);
		delay = s_next(delay);
	}
	return cz_errf(err, "function %s still not ready after %lld s",
	    x->n.function, limit / 1000);
}

int
stage_wait_function_gone(struct stage_ctx *x, struct cz_err *err)
{
	struct lambda_fn	 fn;
	long long		 t0 = cz_mono_ms();
	long long		 limit = stage_wait_limit_ms();
	long long		 delay = 250;
	int			 r, i;

	for (i = 0; i < 10000; i++) {
		r = lambda_get_function_configuration(x->c, x->n.function, NULL,
		    &fn, err);
		if (r == -1)
			return -1;
		if (r == 1)
			return 0;
		lambda_fn_release(&fn);
		stage_waiting(x, "function deletion",
		    (int)((limit - (cz_mono_ms() - t0)) / 1000));
		if (cz_mono_ms() - t0 + delay > limit)
			break;
		cz_sleep_ms(delay);
		delay = s_next(delay);
	}
	return cz_errf(err, "function %s still exists after %lld s",
	    x->n.function, limit / 1000);
}
