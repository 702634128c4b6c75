/* The stall threshold rule (see threshold.h). */
#include <math.h>
#include <stdlib.h>

#include "threshold.h"

int
threshold_pass(const struct threshold_point *p, double need)
{
	/* Counts, not shares: 9 of 10 seeds is 90% whatever the rounding. */
	return (p->s.n > 0 &&
	    (double)p->s.n_ok >= need * (double)p->s.n - 1e-9);
}

size_t
threshold_grid(double lo, double hi, size_t g, double *rates)
{
	size_t i, n = 0;
	double r;

	if (!(lo >= 1) || !(hi > lo) || !isfinite(hi) || g < 2)
		return (0);
	lo = round(lo);
	hi = round(hi);
	for (i = 0; i < g; i++) {
		if (i == 0)
			r = lo;
		else if (i == g - 1)
			r = hi;
		else
			r = round(lo * pow(hi / lo,
			    (double)i / (double)(g - 1)));
		if (n == 0 || r > rates[n - 1])
			rates[n++] = r;
	}
	return (n);
}

static int
cmp_rate(const void *a, const void *b)
{
	double x = ((const struct threshold_point *)a)->rate;
	double y = ((const struct threshold_point *)b)->rate;

	return ((x > y) - (x < y));
}

void
threshold_sort(struct threshold_point *p, size_t n)
{
	if (n > 1)
		qsort(p, n, sizeof(*p), cmp_rate);
}

void
threshold_find(const struct threshold_point *p, size_t n, double need,
    struct threshold *t)
{
	size_t i;

	for (i = 0; i < n && threshold_pass(&p[i], need); i++)
		;
	if (i == 0) {
		t->where = THRESHOLD_BELOW;
		t->rate = n > 0 ? p[0].rate : 0;
		t->lo = 0;
		t->hi = t->rate;
	} else if (i == n) {
		t->where = THRESHOLD_ABOVE;
		t->rate = t->lo = p[n - 1].rate;
		t->hi = INFINITY;
	} else {
		t->where = THRESHOLD_AT;
		t->rate = t->lo = p[i - 1].rate;
		t->hi = p[i].rate;
	}
}

size_t
threshold_rises(const struct threshold_point *p, size_t n, double tol,
    size_t *idx)
{
	size_t i, k = 0;
	double low;

	if (n == 0)
		return (0);
	low = p[0].s.median;
	for (i = 1; i < n; i++) {
		if (p[i].s.median > low + tol) {
			if (idx != NULL)
				idx[k] = i;
			k++;
		}
		if (p[i].s.median < low)
			low = p[i].s.median;
	}
	return (k);
}

int
threshold_refine(const struct threshold *t, double maxratio, double *mid)
{
	double m;

	if (t->where != THRESHOLD_AT || !(t->lo > 0) ||
	    t->hi / t->lo <= maxratio)
		return (0);
	m = round(sqrt(t->lo * t->hi));
	if (m <= t->lo || m >= t->hi)
		return (0);
	*mid = m;
	return (1);
}
