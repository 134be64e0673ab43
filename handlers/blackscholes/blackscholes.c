/*
 * blackscholes: a compute function for `czappa map`: JSON in, JSON out.
 * Input {"S": spot, "K": strike, "T": years, "r": rate, "sigma": vol,
 * "type": "call"|"put"} (type defaults to call); output the Black-Scholes
 * price and the delta.  It is the app's only function, so a raw event (no
 * czappa envelope) reaches it too.
 */
#include <math.h>
#include <string.h>

#include <czappa.h>

/* Standard normal CDF. */
static double
ncdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

static int
field(json_t *in, const char *name, double *out)
{
	json_t	*v = json_object_get(in, name);

	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

static void
price(const cz_request *req, cz_response *res)
{
	json_t		*in = cz_input(req);
	const char	*type = json_string_value(json_object_get(in, "type"));
	double		 S, K, T, r, sigma, d1, d2, p, delta;
	int		 put;

	if (!json_is_object(in) || field(in, "S", &S) == -1 ||
	    field(in, "K", &K) == -1 || field(in, "T", &T) == -1 ||
	    field(in, "r", &r) == -1 || field(in, "sigma", &sigma) == -1) {
		cz_error(res, "Function.BadInput", "input needs numbers S, K, "
		    "T, r and sigma");
		return;
	}
	if (S <= 0 || K <= 0 || T <= 0 || sigma <= 0) {
		cz_error(res, "Function.BadInput", "S, K, T and sigma must be "
		    "positive");
		return;
	}
	put = type != NULL && strcmp(type, "put") == 0;
	d1 = (log(S / K) + (r + sigma * sigma / 2) * T) / (sigma * sqrt(T));
	d2 = d1 - sigma * sqrt(T);
	if (put) {
		p = K * exp(-r * T) * ncdf(-d2) - S * ncdf(-d1);
		delta = ncdf(d1) - 1;
	} else {
		p = S * ncdf(d1) - K * exp(-r * T) * ncdf(d2);
		delta = ncdf(d1);
	}
	cz_result(res, json_pack("{s:s,s:f,s:f}", "type", put ? "put" : "call",
	    "price", p, "delta", delta));
}

int
main(void)
{
	cz_app	*app = cz_app_new();

	cz_function(app, "price", price);
	return cz_run(app);
}
