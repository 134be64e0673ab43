/* base/b64: base64 (RFC 4648 section 10 vectors) and hex. */
#include <string.h>

#include "base/b64.h"
#include "t.h"

static const struct {
	const char	*plain, *enc;
} rfc[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
	{ "{\"test\":\"body\"}", "eyJ0ZXN0IjoiYm9keSJ9" },
};

static const struct {
	const char	*name, *in, *out;	/* out NULL: refused */
} dec[] = {
	{ "no padding", "Zm9vYg", "foob" },
	{ "line breaks", "Zm9v\nYmFy\r\n", "foobar" },
	{ "url alphabet", "-_-_", "\xfb\xff\xbf" },
	{ "bad byte", "Zm9v!", NULL },
	{ "data after padding", "Zg==Zg", NULL },
};

int
main(void)
{
	struct cz_buf	b = CZ_BUF_INIT;
	unsigned char	all[256];
	size_t		i;

	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		cz_buf_reset(&b);
		cz_b64_encode(&b, rfc[i].plain, strlen(rfc[i].plain));
		T_STREQ(b.s, rfc[i].enc, "encode \"%s\"", rfc[i].plain);
		cz_buf_reset(&b);
		T_OK(cz_b64_decode(&b, rfc[i].enc, strlen(rfc[i].enc)) == 0 &&
		    strcmp(b.s, rfc[i].plain) == 0, "decode \"%s\"",
		    rfc[i].enc);
	}
	for (i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		cz_buf_reset(&b);
		if (dec[i].out == NULL)
			T_OK(cz_b64_decode(&b, dec[i].in, strlen(dec[i].in)) ==
			    -1, "%s: refused", dec[i].name);
		else
			T_OK(cz_b64_decode(&b, dec[i].in, strlen(dec[i].in)) ==
			    0 && strcmp(b.s, dec[i].out) == 0, "%s",
			    dec[i].name);
	}
	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	cz_buf_reset(&b);
	cz_b64_encode(&b, all, sizeof(all));
	{
		struct cz_buf	back = CZ_BUF_INIT;

		T_OK(cz_b64_decode(&back, b.s, b.len) == 0 && back.len ==
		    sizeof(all) && memcmp(back.s, all, sizeof(all)) == 0,
		    "every byte value round-trips");
		cz_buf_release(&back);
	}
	cz_buf_reset(&b);
	cz_hex_encode(&b, "\x00\x01\xab\xff", 4);
	T_STREQ(b.s, "0001abff", "hex");
	cz_buf_release(&b);
	return t_done();
}
