/* base/url: percent-encoding as SigV4 wants it, and decoding. */
#include <string.h>

#include "base/url.h"
#include "t.h"

static const struct {
	const char	*name, *in, *out;
	int		 keep_slash;
} enc[] = {
	{ "unreserved stay", "AZaz09-._~", "AZaz09-._~", 0 },
	{ "space and plus", "a b+c", "a%20b%2Bc", 0 },
	{ "slash encoded", "a/b", "a%2Fb", 0 },
	{ "slash kept", "a/b", "a/b", 1 },
	{ "utf-8 upper hex", "\xe1\x88\xb4", "%E1%88%B4", 0 },
	{ "colon of an ARN", "arn:aws:lambda", "arn%3Aaws%3Alambda", 0 },
	{ "percent itself", "100%", "100%25", 0 },
};

static const struct {
	const char	*name, *in, *out;
	int		 plus;
} dec[] = {
	{ "escapes", "a%20b%2Fc", "a b/c", 0 },
	{ "lower-case hex", "%e1%88%b4", "\xe1\x88\xb4", 0 },
	{ "plus kept", "a+b", "a+b", 0 },
	{ "plus as space", "a+b", "a b", 1 },
	{ "bad escape copied", "100%zz", "100%zz", 0 },
	{ "escape cut short", "ab%4", "ab%4", 0 },
	{ "percent at the end", "ab%", "ab%", 0 },
};

int
main(void)
{
	struct cz_buf	b = CZ_BUF_INIT;
	size_t		i;

	for (i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		cz_buf_reset(&b);
		cz_url_encode(&b, enc[i].in, strlen(enc[i].in),
		    enc[i].keep_slash);
		T_STREQ(b.s, enc[i].out, "encode: %s", enc[i].name);
	}
	for (i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		cz_buf_reset(&b);
		cz_url_decode(&b, dec[i].in, strlen(dec[i].in), dec[i].plus);
		T_STREQ(b.s, dec[i].out, "decode: %s", dec[i].name);
	}
	cz_buf_release(&b);
	return t_done();
}
