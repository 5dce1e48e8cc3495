/*
 * Seeded pseudo-random numbers for the simulator (xoshiro256**, seeded through splitmix64).
 *
 * Every source of randomness in a run draws from a stream derived from the run's seed, so the
 * same seed reproduces the same run bit for bit. Streams are independent: adding draws to one
 * (say, a workload) does not shift another (say, the policy's bpf_get_prandom_u32).
 */
#ifndef SIM_ENGINE_RNG_H
#define SIM_ENGINE_RNG_H

#include <stdint.h>

struct sim_rng {
	uint64_t s[4];
};

/* Seed a stream from a run seed and a stream id (any number naming the consumer). */
void sim_rng__seed(struct sim_rng *rng, uint64_t seed, uint64_t stream);
uint64_t sim_rng__next(struct sim_rng *rng);
/* Uniform in [0, bound) without modulo bias; bound 0 returns 0. */
uint64_t sim_rng__below(struct sim_rng *rng, uint64_t bound);
/* Uniform double in [0, 1). */
double sim_rng__unit(struct sim_rng *rng);
/* Exponentially distributed value with the given mean. */
double sim_rng__exp(struct sim_rng *rng, double mean);

#endif
