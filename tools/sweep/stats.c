/* Order statistics (see stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (isnan(x) || isnan(y))
		return (isnan(y) - isnan(x));
	return ((x > y) - (x < y));
}

void
stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
}

double
stats_quantile(const double *x, size_t n, double p)
{
	double h, f;
	size_t lo;

	if (n == 0)
		return (NAN);
	if (!(p > 0))
		return (x[0]);
	if (p >= 1)
		return (x[n - 1]);
	h = (double)(n - 1) * p;
	f = floor(h);
	lo = (size_t)f;
	if (lo + 1 >= n)
		return (x[n - 1]);
	return (x[lo] + (h - f) * (x[lo + 1] - x[lo]));
}

int
stats_summarize(const double *v, size_t n, double ok, double stall,
    struct stats_summary *s)
{
	double *x;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return (EINVAL);
	if ((x = malloc(n * sizeof(*x))) == NULL)
		return (ENOMEM);
	memcpy(x, v, n * sizeof(*x));
	stats_sort(x, n);
	s->n = n;
	s->min = x[0];
	s->q1 = stats_quantile(x, n, 0.25);
	s->median = stats_quantile(x, n, 0.5);
	s->q3 = stats_quantile(x, n, 0.75);
	s->max = x[n - 1];
	for (i = 0; i < n; i++) {
		if (x[i] >= ok)
			s->n_ok++;
		if (x[i] < stall)
			s->n_stalled++;
	}
	s->share_ok = (double)s->n_ok / (double)n;
	s->share_stalled = (double)s->n_stalled / (double)n;
	free(x);
	return (0);
}
