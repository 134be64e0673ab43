/* Percent-encoding (RFC 3986) as SigV4 and query strings need it; libc only. */
#ifndef CZ_BASE_URL_H
#define CZ_BASE_URL_H

#include <stddef.h>

#include "base/buf.h"

/* Encodes every byte but A-Z a-z 0-9 - . _ ~ (and '/' if keep_slash),
 * uppercase hex, as SigV4 requires. */
void	cz_url_encode(struct cz_buf *out, const char *, size_t, int keep_slash);
/* Decodes %XX (and '+' as space if plus_space).  A malformed escape is
 * copied as is. */
void	cz_url_decode(struct cz_buf *out, const char *, size_t, int plus_space);

#endif
