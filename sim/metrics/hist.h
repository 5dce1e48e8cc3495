/*
 * Latency histograms: log-linear buckets (32 per power of two, so any recorded value is known
 * to within about 3%), exact count, sum, min and max. Fixed size, no allocation: a histogram
 * can be copied by value, merged and written out. Values are nanoseconds.
 *
 * Percentiles report the highest value of the bucket that holds the requested rank, clamped
 * to [min, max]: never below the true percentile, at most one bucket width above it.
 */
#ifndef SIM_METRICS_HIST_H
#define SIM_METRICS_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define HIST_SUB_BITS 5
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t buckets[HIST_BUCKETS];
};

void hist__init(struct hist *h);
static inline void hist__record_n(struct hist *h, uint64_t v, uint64_t n);
/* Inline: a few records per context switch, on the simulator's hot path. */
static inline void hist__record(struct hist *h, uint64_t v) { hist__record_n(h, v, 1); }
void hist__merge(struct hist *dst, const struct hist *src);
/* @p in [0, 100]; 0 when the histogram is empty. */
uint64_t hist__percentile(const struct hist *h, double p);
static inline uint64_t hist__count(const struct hist *h) { return h->count; }
static inline uint64_t hist__max(const struct hist *h) { return h->max; }
static inline uint64_t hist__min(const struct hist *h) { return h->count ? h->min : 0; }
double hist__mean(const struct hist *h);

/* Bucket geometry, for writers and tests. */
static inline unsigned int hist__bucket_of(uint64_t v)
{
	if (v < 2 * HIST_SUB)
		return (unsigned int)v;
	unsigned int msb = 63 - (unsigned int)__builtin_clzll(v);
	unsigned int shift = msb - HIST_SUB_BITS;
	return (shift + 1) * HIST_SUB + (unsigned int)((v >> shift) - HIST_SUB);
}
uint64_t hist__bucket_low(unsigned int idx);
uint64_t hist__bucket_high(unsigned int idx); /* inclusive */

static inline void hist__record_n(struct hist *h, uint64_t v, uint64_t n)
{
	if (!n)
		return;
	h->buckets[hist__bucket_of(v)] += n;
	h->count += n;
	h->sum += v * n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

#endif
