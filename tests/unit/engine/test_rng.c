/*
 * Random numbers (engine/rng.c): xoshiro256** against an independent
 * transcription of the reference, reproducibility, named streams that do
 * not disturb each other (also through the world's per-net streams), and
 * the bounds of the derived distributions.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/net.h"
#include "engine/rng.h"

/* xoshiro256** 1.0, from Blackman and Vigna's xoshiro256starstar.c. */
static uint64_t
ref_rotl(const uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
ref_next(uint64_t s[4])
{
	const uint64_t result = ref_rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = ref_rotl(s[3], 45);
	return result;
}

static void
test_xoshiro_known_answer(void **state)
{
	struct rng r;
	uint64_t s[4] = { 1, 2, 3, 4 };
	int i;

	(void)state;
	memcpy(r.s, s, sizeof(s));
	/* The first two outputs from state {1,2,3,4}, worked by hand. */
	assert_int_equal(rng_next(&r), 11520);
	assert_int_equal(rng_next(&r), 0);
	ref_next(s);
	ref_next(s);
	for (i = 0; i < 10000; i++)
		assert_int_equal(rng_next(&r), ref_next(s));
}

static void
test_reproducible(void **state)
{
	struct rng a, b;
	int i;

	(void)state;
	rng_init(&a, 42, "host.x1.tcp");
	rng_init(&b, 42, "host.x1.tcp");
	for (i = 0; i < 100000; i++)
		assert_int_equal(rng_next(&a), rng_next(&b));
	/* Re-initialising restarts the stream. */
	rng_init(&a, 42, "host.x1.tcp");
	rng_init(&b, 42, "host.x1.tcp");
	for (i = 0; i < 1000; i++)
		assert_true(rng_uniform(&a) == rng_uniform(&b));
}

/* How many of n draws of two streams are equal (0 for unrelated). */
static int
same_draws(uint64_t s1, const char *n1, uint64_t s2, const char *n2, int n)
{
	struct rng a, b;
	int i, same = 0;

	rng_init(&a, s1, n1);
	rng_init(&b, s2, n2);
	for (i = 0; i < n; i++)
		same += rng_next(&a) == rng_next(&b);
	return same;
}

static void
test_streams_differ(void **state)
{
	(void)state;
	assert_int_equal(same_draws(1, "net.x", 1, "net.x", 1000), 1000);
	assert_int_equal(same_draws(1, "net.x", 1, "net.y", 1000), 0);
	assert_int_equal(same_draws(1, "net.x", 2, "net.x", 1000), 0);
	assert_int_equal(same_draws(1, "net.x", 1, "net.x ", 1000), 0);
	assert_int_equal(same_draws(1, "", 1, "a", 1000), 0);
	assert_int_equal(same_draws(0, "a", 1, "a", 1000), 0);
	/* NULL is the empty name. */
	assert_int_equal(same_draws(5, NULL, 5, "", 1000), 1000);
}

static void
test_stream_independent_of_others(void **state)
{
	struct rng alone, a, other;
	uint64_t want[1000];
	int i;

	(void)state;
	rng_init(&alone, 7, "fw.fwA.kern");
	for (i = 0; i < 1000; i++)
		want[i] = rng_next(&alone);
	/* Another stream created first and drawn from in between. */
	rng_init(&other, 7, "fw.fwB.kern");
	rng_init(&a, 7, "fw.fwA.kern");
	for (i = 0; i < 1000; i++) {
		(void)rng_next(&other);
		(void)rng_below(&other, 17);
		assert_int_equal(rng_next(&a), want[i]);
	}
}

/* The loss pattern of net "x" (1 = lost) for n draws of its own stream. */
static void
net_pattern(struct world *w, const char *name, uint8_t *pat, int n)
{
	struct seg_params sp = { .rate_bps = 1000000000, .loss = 0.5 };
	struct segment *s = segment_create(w, name, &sp);
	int i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		pat[i] = rng_uniform(&s->rng) < 0.5;
}

static void
test_world_stream_independence(void **state)
{
	enum { N = 4096 };
	struct world *w1 = world_create(99, 0, 0);
	struct world *w2 = world_create(99, 0, 0);
	struct world *w3 = world_create(100, 0, 0);
	struct seg_params sp = { .rate_bps = 1000000000 };
	static uint8_t p1[N], p2[N], p3[N], pother[N];
	int i, diff;

	(void)state;
	net_pattern(w1, "x", p1, N);
	/* Adding nets (and drawing from them) before x changes nothing. */
	assert_non_null(segment_create(w2, "extra1", &sp));
	net_pattern(w2, "extra2", pother, N);
	net_pattern(w2, "x", p2, N);
	assert_memory_equal(p1, p2, N);
	/* A different seed gives another pattern; so does another name. */
	net_pattern(w3, "x", p3, N);
	for (i = diff = 0; i < N; i++)
		diff += p1[i] != p3[i];
	assert_true(diff > N / 3);
	for (i = diff = 0; i < N; i++)
		diff += p1[i] != pother[i];
	assert_true(diff > N / 3);
	world_destroy(w1);
	world_destroy(w2);
	world_destroy(w3);
}

static void
test_below_bounds(void **state)
{
	static const uint64_t ns[] = {
		2, 3, 7, 10, 1000, (1ULL << 32) + 1, (1ULL << 63) + 5,
		UINT64_MAX - 1, UINT64_MAX
	};
	struct rng r;
	uint64_t max;
	size_t k;
	int i;

	(void)state;
	rng_init(&r, 3, "test.below");
	for (i = 0; i < 1000; i++) {
		assert_int_equal(rng_below(&r, 0), 0);
		assert_int_equal(rng_below(&r, 1), 0);
	}
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		max = 0;
		for (i = 0; i < 100000; i++) {
			uint64_t x = rng_below(&r, ns[k]);

			assert_true(x < ns[k]);
			if (x > max)
				max = x;
		}
		/* The top of the range is reached (or nearly, for huge n). */
		if (ns[k] <= 1000)
			assert_int_equal(max, ns[k] - 1);
		else
			assert_true(max > ns[k] - ns[k] / 1000);
	}
}

static void
test_below_uniform(void **state)
{
	enum { N = 1000000, B = 10 };
	struct rng r;
	int count[B] = { 0 }, i;
	double chi2 = 0, e = (double)N / B;

	(void)state;
	rng_init(&r, 11, "test.uniform");
	for (i = 0; i < N; i++)
		count[rng_below(&r, B)]++;
	for (i = 0; i < B; i++)
		chi2 += (count[i] - e) * (count[i] - e) / e;
	/* 9 degrees of freedom: P(chi2 > 27.9) = 0.001. */
	assert_true(chi2 < 27.9);
	/* n = 3 * 2^62: naive modulo would favour the low third 2:1. */
	{
		uint64_t n = 3ULL << 62;
		int low = 0;

		for (i = 0; i < 300000; i++)
			low += rng_below(&r, n) < (1ULL << 62);
		assert_true(low > 99000 && low < 101000);
	}
}

static void
test_distributions(void **state)
{
	enum { N = 1000000 };
	struct rng r;
	double sum = 0, x, min = 1, max = 0;
	int i;

	(void)state;
	rng_init(&r, 5, "test.dist");
	for (i = 0; i < N; i++) {
		x = rng_uniform(&r);
		assert_true(x >= 0 && x < 1);
		if (x < min)
			min = x;
		if (x > max)
			max = x;
		sum += x;
	}
	assert_true(fabs(sum / N - 0.5) < 0.002);
	assert_true(min < 1e-5 && max > 1 - 1e-5);
	for (i = 0, sum = 0; i < N; i++) {
		x = rng_exp(&r, 250.0);
		assert_true(x >= 0 && isfinite(x));
		sum += x;
	}
	assert_true(fabs(sum / N - 250.0) < 2.5);
	for (i = 0; i < N; i++) {
		x = rng_pareto(&r, 1.5, 100.0);
		assert_true(x >= 100.0 && isfinite(x));
	}
	/* rng_u32 is the high half of the next 64-bit draw. */
	{
		struct rng a, b;

		rng_init(&a, 5, "test.u32");
		rng_init(&b, 5, "test.u32");
		for (i = 0; i < 1000; i++)
			assert_int_equal(rng_u32(&a), rng_next(&b) >> 32);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xoshiro_known_answer),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_streams_differ),
		cmocka_unit_test(test_stream_independent_of_others),
		cmocka_unit_test(test_world_stream_independence),
		cmocka_unit_test(test_below_bounds),
		cmocka_unit_test(test_below_uniform),
		cmocka_unit_test(test_distributions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
