/*
 * The statistics and the threshold rule of ./sim threshold
 * (tools/sweep/stats.c, threshold.c) on synthetic ratio curves: type 7
 * quantiles, the 90% rule, monotone, noisy, non-monotone, all-ok and
 * none-ok curves, the geometric grid and the refinement midpoints.
 */
#include <math.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"
#include "threshold.h"

#define NSEEDS	10
#define R	0.95

#define assert_near(a, b, eps) near((a), (b), (eps), __FILE__, __LINE__)

static void
near(double a, double b, double eps, const char *file, int line)
{
	if (!(fabs(a - b) <= eps))
		fail_msg("%s:%d: %.10g, expected %.10g", file, line, a, b);
}

static void
test_quantiles(void **state)
{
	const double four[] = { 1, 2, 3, 4 }, five[] = { 1, 2, 3, 4, 5 };
	const double one[] = { 0.7 };
	const double unsorted[] = { 0.96, 0.05, 1.0, 0.5, 0.95 };
	struct stats_summary s;

	(void)state;
	/* R: quantile(1:4, c(.25, .5, .75), type = 7) = 1.75 2.5 3.25 */
	assert_near(stats_quantile(four, 4, 0.25), 1.75, 1e-12);
	assert_near(stats_quantile(four, 4, 0.5), 2.5, 1e-12);
	assert_near(stats_quantile(four, 4, 0.75), 3.25, 1e-12);
	assert_near(stats_quantile(four, 4, 0), 1, 0);
	assert_near(stats_quantile(four, 4, 1), 4, 0);
	assert_near(stats_quantile(five, 5, 0.25), 2, 1e-12);
	assert_near(stats_quantile(five, 5, 0.5), 3, 1e-12);
	assert_near(stats_quantile(five, 5, 0.75), 4, 1e-12);
	assert_near(stats_quantile(one, 1, 0.25), 0.7, 0);
	assert_near(stats_quantile(one, 1, 0.75), 0.7, 0);

	assert_int_equal(stats_summarize(unsorted, 5, R, THRESHOLD_STALL, &s),
	    0);
	assert_int_equal(s.n, 5);
	assert_near(s.min, 0.05, 0);
	assert_near(s.q1, 0.5, 1e-12);
	assert_near(s.median, 0.95, 1e-12);
	assert_near(s.q3, 0.96, 1e-12);
	assert_near(s.max, 1.0, 0);
	assert_int_equal(s.n_ok, 3);		/* 0.95 counts: >= R */
	assert_int_equal(s.n_stalled, 1);	/* 0.05 < 0.10 */
	assert_near(s.share_ok, 0.6, 1e-12);
	assert_near(s.share_stalled, 0.2, 1e-12);
	assert_int_equal(stats_summarize(unsorted, 0, R, 0.1, &s), EINVAL);
}

/* A point at rate whose seeds have ratio hi, but nlow of them low. */
static struct threshold_point
pt(double rate, double hi, size_t nlow, double low)
{
	struct threshold_point p;
	double v[NSEEDS];
	size_t i;

	for (i = 0; i < NSEEDS; i++)
		v[i] = i < nlow ? low : hi;
	p.rate = rate;
	assert_int_equal(stats_summarize(v, NSEEDS, R, THRESHOLD_STALL, &p.s),
	    0);
	return (p);
}

static void
test_monotone(void **state)
{
	struct threshold_point p[] = { pt(1000, 1, 0, 0), pt(2000, 1, 0, 0),
	    pt(4000, 0.99, 0, 0), pt(8000, 0.5, 0, 0), pt(16000, 0.1, 0, 0) };
	struct threshold t;

	(void)state;
	threshold_find(p, 5, THRESHOLD_SHARE, &t);
	assert_int_equal(t.where, THRESHOLD_AT);
	assert_near(t.rate, 4000, 0);
	assert_near(t.lo, 4000, 0);
	assert_near(t.hi, 8000, 0);
	assert_int_equal(threshold_rises(p, 5, THRESHOLD_TOLERANCE, NULL), 0);
}

static void
test_noisy(void **state)
{
	/* 1 seed in 10 below R at 2000 still passes (90%); 2 do not */
	struct threshold_point p[] = { pt(1000, 1, 0, 0), pt(2000, 1, 1, 0.6),
	    pt(4000, 1, 2, 0.6), pt(8000, 1, 1, 0.6), pt(16000, 0.2, 0, 0) };
	struct threshold t;

	(void)state;
	assert_true(threshold_pass(&p[1], THRESHOLD_SHARE));
	assert_false(threshold_pass(&p[2], THRESHOLD_SHARE));
	threshold_find(p, 5, THRESHOLD_SHARE, &t);
	assert_int_equal(t.where, THRESHOLD_AT);
	assert_near(t.rate, 2000, 0);
	assert_near(t.hi, 4000, 0);
	/* the medians stay at 1 until 16000: monotone */
	assert_int_equal(threshold_rises(p, 5, THRESHOLD_TOLERANCE, NULL), 0);
}

static void
test_non_monotone(void **state)
{
	/* fails at 4000, recovers at 8000: the threshold is 2000 */
	struct threshold_point p[] = { pt(1000, 1, 0, 0), pt(2000, 1, 0, 0),
	    pt(4000, 0.3, 0, 0), pt(8000, 1, 0, 0), pt(16000, 0.2, 0, 0),
	    pt(32000, 0.24, 0, 0) };
	struct threshold t;
	size_t idx[6];

	(void)state;
	threshold_find(p, 6, THRESHOLD_SHARE, &t);
	assert_int_equal(t.where, THRESHOLD_AT);
	assert_near(t.rate, 2000, 0);
	assert_near(t.hi, 4000, 0);
	/* 8000 rises over 0.3; 32000 rises 0.04 over 0.2: within 0.05 */
	assert_int_equal(threshold_rises(p, 6, THRESHOLD_TOLERANCE, idx), 1);
	assert_int_equal(idx[0], 3);
}

static void
test_all_ok(void **state)
{
	struct threshold_point p[] = { pt(1000, 1, 0, 0), pt(3000, 1, 1, 0),
	    pt(9000, 0.97, 0, 0) };
	struct threshold t;
	double mid;

	(void)state;
	threshold_find(p, 3, THRESHOLD_SHARE, &t);
	assert_int_equal(t.where, THRESHOLD_ABOVE);
	assert_near(t.rate, 9000, 0);
	assert_near(t.lo, 9000, 0);
	assert_true(isinf(t.hi));
	assert_int_equal(threshold_refine(&t, THRESHOLD_BRACKET, &mid), 0);
}

static void
test_none_ok(void **state)
{
	struct threshold_point p[] = { pt(1000, 1, 2, 0), pt(3000, 1, 0, 0),
	    pt(9000, 0.5, 0, 0) };
	struct threshold t;
	double mid;

	(void)state;
	threshold_find(p, 3, THRESHOLD_SHARE, &t);
	assert_int_equal(t.where, THRESHOLD_BELOW);
	assert_near(t.rate, 1000, 0);
	assert_near(t.lo, 0, 0);
	assert_near(t.hi, 1000, 0);
	assert_int_equal(threshold_refine(&t, THRESHOLD_BRACKET, &mid), 0);
}

static void
test_grid(void **state)
{
	double r[8];
	size_t i;

	(void)state;
	assert_int_equal(threshold_grid(1000, 20000, 4, r), 4);
	assert_near(r[0], 1000, 0);
	assert_near(r[1], 2714, 0);	/* 1000 * 20^(1/3) */
	assert_near(r[2], 7368, 0);
	assert_near(r[3], 20000, 0);
	assert_int_equal(threshold_grid(1000, 30000, 8, r), 8);
	for (i = 1; i < 8; i++)
		assert_near(r[i] / r[i - 1], pow(30, 1.0 / 7), 1e-3);
	assert_near(r[7], 30000, 0);
	/* rates that round alike are kept once */
	assert_int_equal(threshold_grid(1, 3, 8, r), 3);
	assert_near(r[1], 2, 0);
	assert_int_equal(threshold_grid(0, 3, 8, r), 0);
	assert_int_equal(threshold_grid(10, 10, 8, r), 0);
	assert_int_equal(threshold_grid(10, 20, 1, r), 0);
}

static void
test_refine(void **state)
{
	struct threshold_point p[64];
	struct threshold t;
	double rates[8], mid, lo, hi;
	size_t n, i, k;

	(void)state;
	t.where = THRESHOLD_AT;
	t.lo = t.rate = 4000;
	t.hi = 8000;
	assert_int_equal(threshold_refine(&t, THRESHOLD_BRACKET, &mid), 1);
	assert_near(mid, 5657, 0);	/* sqrt(4000 * 8000) */
	t.lo = t.rate = 10000;
	t.hi = 10500;				/* ratio 1.05: done */
	assert_int_equal(threshold_refine(&t, THRESHOLD_BRACKET, &mid), 0);
	t.hi = 10501;
	assert_int_equal(threshold_refine(&t, THRESHOLD_BRACKET, &mid), 1);
	assert_near(mid, 10247, 0);	/* sqrt(10000 * 10501) */
	t.lo = t.rate = 10;
	t.hi = 11;				/* no whole rate between */
	assert_int_equal(threshold_refine(&t, THRESHOLD_BRACKET, &mid), 0);

	/*
	 * The command's loop on a step at 6000 pps: a grid of 8 over
	 * 1000:30000, then midpoints, each inside the last bracket, until
	 * the bracket is within 5% or 6 refinements were made.
	 */
	n = threshold_grid(1000, 30000, 8, rates);
	for (i = 0; i < n; i++)
		p[i] = pt(rates[i], rates[i] <= 6000 ? 1 : 0.3, 0, 0);
	threshold_find(p, n, THRESHOLD_SHARE, &t);
	assert_near(t.lo, 4296, 0);
	assert_near(t.hi, 6983, 0);
	for (k = 0; k < THRESHOLD_REFINES &&
	    threshold_refine(&t, THRESHOLD_BRACKET, &mid); k++) {
		lo = t.lo;
		hi = t.hi;
		assert_near(mid, round(sqrt(lo * hi)), 0);
		assert_true(mid > lo && mid < hi);
		p[n++] = pt(mid, mid <= 6000 ? 1 : 0.3, 0, 0);
		threshold_sort(p, n);
		threshold_find(p, n, THRESHOLD_SHARE, &t);
		assert_true(t.lo == lo || t.lo == mid);
		assert_true(t.hi == hi || t.hi == mid);
	}
	assert_int_equal(t.where, THRESHOLD_AT);
	assert_true(t.lo <= 6000 && 6000 < t.hi);
	assert_true(t.hi / t.lo <= THRESHOLD_BRACKET);
	/* 6983/4296 = 1.625 -> 1.275 -> 1.129 -> 1.063 -> 1.031 */
	assert_int_equal(k, 4);
	assert_near(t.lo, 5999, 0);
	assert_near(t.hi, 6184, 0);
	for (i = 1; i < n; i++)
		assert_true(p[i].rate > p[i - 1].rate);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_monotone),
		cmocka_unit_test(test_noisy),
		cmocka_unit_test(test_non_monotone),
		cmocka_unit_test(test_all_ok),
		cmocka_unit_test(test_none_ok),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_refine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
