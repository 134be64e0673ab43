/* Base64 (RFC 4648, standard alphabet, padded) and hex; libc only. */
#ifndef CZ_BASE_B64_H
#define CZ_BASE_B64_H

#include <stddef.h>

#include "base/buf.h"

void	cz_b64_encode(struct cz_buf *out, const void *, size_t);
/* Appends the decoded bytes; -1 on a byte outside the alphabet. Ignores
 * whitespace; padding is optional. */
int	cz_b64_decode(struct cz_buf *out, const char *, size_t);
void	cz_hex_encode(struct cz_buf *out, const void *, size_t);

#endif
