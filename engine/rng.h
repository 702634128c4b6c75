/*
 * Random numbers: xoshiro256** (Blackman and Vigna, 2018), seeded through
 * splitmix64 from the scenario seed and the FNV-1a hash of a stream name.
 * Every component draws from its own named stream ("host.x1.tcp",
 * "net.x.loss", "fw.fwA.kern"), so adding a component never changes
 * another component's draws. The scenario seed is the only source.
 */
#ifndef ENGINE_RNG_H
#define ENGINE_RNG_H

#include <stdint.h>

struct rng {
	uint64_t	s[4];
};

void		rng_init(struct rng *, uint64_t seed, const char *stream);
uint64_t	rng_next(struct rng *);
uint32_t	rng_u32(struct rng *);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t	rng_below(struct rng *, uint64_t n);
/* Uniform double in [0, 1). */
double		rng_uniform(struct rng *);
/* Exponential with the given mean. */
double		rng_exp(struct rng *, double mean);
/* Pareto with shape alpha and minimum xm. */
double		rng_pareto(struct rng *, double alpha, double xm);

#endif
