/*
 * Fuzz target: option values (harness/util/options.c): durations, integers and NAME=VALUE pairs.
 */
#include "fuzz_input.h"
#include "harness/util/options.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_input__string(data, size), err[512], *name, *value;
	uint64_t v;

	if (!opt__parse_duration("--duration", text, &v, err, sizeof(err)) && v > 1000000000000000000ULL)
		abort(); /* beyond the stated limit */
	(void)opt__parse_u64("--n", text, &v, err, sizeof(err));
	(void)opt__split_kv("--knob", text, &name, &value, err, sizeof(err));
	free(text);
	return 0;
}
