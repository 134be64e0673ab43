/* Clocks: monotonic for intervals, wall for timestamps; libc only. */
#ifndef CZ_BASE_CLOCK_H
#define CZ_BASE_CLOCK_H

long long	cz_mono_ms(void);	/* monotonic milliseconds */
long long	cz_wall_ms(void);	/* milliseconds since the epoch */
void		cz_sleep_ms(long long);	/* restarts after signals */

#endif
