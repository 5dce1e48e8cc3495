/*
 * Fuzz target: reading result.json, summaries and baselines back (harness/results/result_read.c): the
 * whole-document check and the value lookups `check` and `merge` make.
 */
#include "fuzz_input.h"
#include "harness/results/result_read.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *doc = fuzz_input__string(data, size), why[200], s[64];
	double v;

	(void)result_read__check(doc, why, sizeof(why));
	(void)result_read__number(doc, "wakeup", "p99", &v);
	(void)result_read__number(doc, NULL, "utilization", &v);
	(void)result_read__element(doc, "latency_ns", "buckets", 3, &v);
	(void)result_read__string(doc, "verdict", "status", s, sizeof(s));
	(void)result_read__string(doc, NULL, "schema", s, sizeof(s));
	free(doc);
	return 0;
}
