/*
 * Log-linear latency histogram (see hist.h for the bucket layout and percentile rule).
 */
#include "sim/metrics/hist.h"

#include <string.h>

void hist__init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

uint64_t hist__bucket_low(unsigned int idx)
{
	if (idx < 2 * HIST_SUB)
		return idx;
	unsigned int shift = idx / HIST_SUB - 1;
	return ((uint64_t)(idx % HIST_SUB) + HIST_SUB) << shift;
}

uint64_t hist__bucket_high(unsigned int idx)
{
	if (idx < 2 * HIST_SUB)
		return idx;
	unsigned int shift = idx / HIST_SUB - 1;
	return hist__bucket_low(idx) + ((UINT64_C(1) << shift) - 1);
}

void hist__merge(struct hist *dst, const struct hist *src)
{
	if (!src->count)
		return;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t hist__percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	/* smallest rank r with r >= p% of count (nearest-rank definition) */
	rank = (uint64_t)((p / 100.0) * (double)h->count);
	if ((double)rank < (p / 100.0) * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t v = hist__bucket_high(i);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

double hist__mean(const struct hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}
