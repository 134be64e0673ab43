/* base/buf: the never-NULL buffer, its size limit and ownership hand-over. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "t.h"

int
main(void)
{
	struct cz_buf	 b = CZ_BUF_INIT, lim = CZ_BUF_INIT;
	char		*s;
	int		 i;

	T_OK(b.s != NULL && b.s[0] == '\0' && b.len == 0, "empty buffer is "
	    "\"\", never NULL");
	cz_buf_adds(&b, "abc");
	cz_buf_addch(&b, '-');
	cz_buf_addf(&b, "%d:%s", 42, "x");
	T_STREQ(b.s, "abc-42:x", "appends");
	T_OK(b.len == 8 && b.s[b.len] == '\0', "length and NUL");
	cz_buf_truncate(&b, 3);
	T_STREQ(b.s, "abc", "truncate");
	cz_buf_truncate(&b, 99);
	T_STREQ(b.s, "abc", "truncate past the end does nothing");
	for (i = 0; i < 10000; i++)
		cz_buf_addch(&b, 'z');
	T_OK(b.len == 10003 && b.s[10002] == 'z', "grows");
	s = cz_buf_detach(&b);
	T_OK(strlen(s) == 10003 && b.len == 0 && b.s[0] == '\0',
	    "detach hands the string over and empties the buffer");
	free(s);
	s = cz_buf_detach(&b);
	T_STREQ(s, "", "detach of an empty buffer gives an owned \"\"");
	free(s);
	cz_buf_add(&b, "a\0b", 3);
	T_OK(b.len == 3 && memcmp(b.s, "a\0b", 3) == 0, "binary bytes");
	cz_buf_reset(&b);
	T_OK(b.len == 0 && b.s[0] == '\0', "reset");
	cz_buf_release(&b);

	cz_buf_init(&lim, 10);
	cz_buf_adds(&lim, "12345678");
	T_OK(!lim.overflow, "under the limit");
	cz_buf_adds(&lim, "9abc");
	T_OK(lim.overflow && lim.len == 10 && strcmp(lim.s, "123456789a") ==
	    0, "past the limit: kept to max, overflow set (%s)", lim.s);
	cz_buf_addf(&lim, "%s", "more");
	T_OK(lim.len == 10, "nothing more after the limit");
	cz_buf_release(&lim);
	T_OK(lim.max == 10 && lim.len == 0, "release keeps the limit");
	cz_buf_addf(&lim, "%05d%s", 7, "long tail");
	T_STREQ(lim.s, "00007long ", "a formatted append is cut at max");
	cz_buf_release(&lim);
	return t_done();
}
