/*
 * Allocation that cannot fail: running out of memory aborts here, the one
 * place besides cli/main.c allowed to end the process (as tmux's xmalloc.c).
 */
#ifndef CZ_BASE_XMALLOC_H
#define CZ_BASE_XMALLOC_H

#include <stddef.h>

void	*cz_xmalloc(size_t);
void	*cz_xcalloc(size_t, size_t);
void	*cz_xrealloc(void *, size_t);
char	*cz_xstrdup(const char *);
char	*cz_xstrndup(const char *, size_t);
/* Returns a new formatted string; free it. */
char	*cz_xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
