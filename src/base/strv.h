/* cz_strv: a NULL-terminated vector of owned strings (argv, lists). */
#ifndef CZ_BASE_STRV_H
#define CZ_BASE_STRV_H

#include <stddef.h>

struct cz_strv {
	char	**v;		/* NULL-terminated once anything was pushed */
	size_t	  n;		/* entries, not counting the NULL */
	size_t	  cap;
};

#define CZ_STRV_INIT	{ NULL, 0, 0 }

void	cz_strv_push(struct cz_strv *, const char *);	/* copies */
void	cz_strv_pushf(struct cz_strv *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	cz_strv_take(struct cz_strv *, char *);	/* takes ownership */
void	cz_strv_release(struct cz_strv *);
/* Index of s, or -1. */
int	cz_strv_find(const struct cz_strv *, const char *);

#endif
