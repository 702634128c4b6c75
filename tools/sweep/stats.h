/*
 * Order statistics of per-seed goodput ratios: quartiles and the shares
 * of seeds that reach a ratio or stall. Pure functions.
 */
#ifndef SWEEP_STATS_H
#define SWEEP_STATS_H

#include <stddef.h>

struct stats_summary {
	size_t	n;
	double	min, q1, median, q3, max;
	size_t	n_ok;		/* values >= the ratio asked for */
	size_t	n_stalled;	/* values < the stall ratio */
	double	share_ok, share_stalled;
};

/* Sorts v ascending (NaNs first). */
void	stats_sort(double *v, size_t n);

/*
 * Quantile p (0..1) of n >= 1 sorted values, by linear interpolation
 * between order statistics: h = (n - 1) p, x[floor h] + (h - floor h)
 * (x[floor h + 1] - x[floor h]). This is type 7 of Hyndman and Fan
 * (1996), the default of R and numpy.
 */
double	stats_quantile(const double *sorted, size_t n, double p);

/*
 * Summary of n values (not changed: a sorted copy is made). Counts the
 * values >= ok and those < stall. Returns 0, EINVAL when n is 0, or
 * ENOMEM.
 */
int	stats_summarize(const double *v, size_t n, double ok, double stall,
	    struct stats_summary *);

#endif
