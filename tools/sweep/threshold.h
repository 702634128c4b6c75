/*
 * The stall threshold rule, on per-rate summaries of goodput ratios
 * (split / baseline delivered pps, one per seed). Pure functions: the
 * command that measures them is threshold_cmd.c.
 *
 * A rate passes when at least THRESHOLD_SHARE of its seeds reach the
 * ratio R. The threshold is the highest measured rate r such that r and
 * every measured rate below it pass; the bracket [r, next measured rate
 * above r) holds the true threshold. When the lowest rate fails it is
 * "below" that rate (bracket [0, lowest)); when every rate passes it is
 * "above" the highest (bracket [highest, inf)).
 */
#ifndef SWEEP_THRESHOLD_H
#define SWEEP_THRESHOLD_H

#include <stddef.h>

#include "stats.h"

#define THRESHOLD_SHARE		0.90	/* of seeds that must reach R */
#define THRESHOLD_STALL		0.10	/* a ratio below this is a stall */
#define THRESHOLD_TOLERANCE	0.05	/* a larger median rise: not monotone */
#define THRESHOLD_BRACKET	1.05	/* refine until hi / lo <= this */
#define THRESHOLD_REFINES	6	/* and at most this many times */

struct threshold_point {
	double			rate;	/* pps */
	struct stats_summary	s;	/* of the ratios of its seeds */
};

enum threshold_where {
	THRESHOLD_BELOW,	/* the lowest rate fails */
	THRESHOLD_AT,		/* between two measured rates */
	THRESHOLD_ABOVE		/* every rate passes */
};

struct threshold {
	enum threshold_where	where;
	double			rate;	/* AT, ABOVE: the threshold; BELOW: the
					   lowest rate */
	double			lo, hi;	/* the bracket [lo, hi) */
};

/* Whether a point passes: share >= need of its seeds reached R. */
int	threshold_pass(const struct threshold_point *, double need);

/*
 * A geometric grid of g >= 2 rates from lo to hi (1 <= lo < hi, both
 * included), rounded to whole pps; rates that round alike are kept once.
 * Returns how many were written to rates (room for g), 0 when lo, hi or
 * g are out of range.
 */
size_t	threshold_grid(double lo, double hi, size_t g, double *rates);

/* Sorts points by rate, ascending. */
void	threshold_sort(struct threshold_point *, size_t n);

/* The threshold over n >= 1 points sorted by rate. */
void	threshold_find(const struct threshold_point *, size_t n, double need,
	    struct threshold *);

/*
 * Where the median curve is not monotone non-increasing: the points
 * whose median exceeds the lowest median at lower rates by more than
 * tol. Writes their indexes to idx (room for n; may be NULL) and returns
 * how many there are.
 */
size_t	threshold_rises(const struct threshold_point *, size_t n, double tol,
	    size_t *idx);

/*
 * The next rate to measure: 1 and the geometric midpoint of the bracket,
 * rounded to whole pps, in *mid when the threshold lies between two
 * measured rates whose ratio hi / lo exceeds maxratio and a whole rate
 * lies strictly between them; 0 otherwise.
 */
int	threshold_refine(const struct threshold *, double maxratio,
	    double *mid);

#endif
