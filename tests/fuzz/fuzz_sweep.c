/*
 * Fuzz target: sweep files (harness/sweep/sweep_spec.c), then the expansion of every run (a run
 * count beyond the limit is refused at load, so the loop is bounded).
 */
#include "fuzz_input.h"
#include "harness/sweep/sweep_spec.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sweep_spec s;
	char err[1024];
	const char *path = fuzz_input__file(data, size, ".sweep");

	if (!path || sweep_spec__load(&s, path, err, sizeof(err)))
		return 0;
	int n = sweep_spec__count(&s);
	if (n < 0 || n > SWEEP_MAX_RUNS)
		abort(); /* the limit did not hold */
	for (int i = 0; i < n && i < 4096; i++) {
		struct sweep_run r;
		sweep_spec__run(&s, i, &r);
	}
	return 0;
}
