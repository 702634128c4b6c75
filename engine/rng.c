/*
 * xoshiro256** 1.0 (David Blackman and Sebastiano Vigna, 2018, public
 * domain algorithm), seeded by splitmix64 over (seed, FNV-1a(stream)).
 */
#include <math.h>

#include "rng.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
rng_init(struct rng *r, uint64_t seed, const char *stream)
{
	uint64_t x = seed ^ rotl(fnv1a(stream ? stream : ""), 17);
	int i;

	/* Mix the seed in twice so nearby seeds give unrelated streams. */
	x = splitmix64(&x) ^ fnv1a(stream ? stream : "");
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t
rng_u32(struct rng *r)
{
	return (uint32_t)(rng_next(r) >> 32);
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	uint64_t x, lim;

	if (n <= 1)
		return 0;
	/* Reject the top partial range: no modulo bias. */
	lim = UINT64_MAX - UINT64_MAX % n;
	do
		x = rng_next(r);
	while (x >= lim);
	return x % n;
}

double
rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

double
rng_exp(struct rng *r, double mean)
{
	return -mean * log1p(-rng_uniform(r));
}

double
rng_pareto(struct rng *r, double alpha, double xm)
{
	return xm / pow(1.0 - rng_uniform(r), 1.0 / alpha);
}
