/*
 * Fuzz target: calibration files (workloads/stressors/costs.c).
 */
#include "fuzz_input.h"
#include "sim/core/sim.h"
#include "workloads/stressors/costs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stressor_costs c;
	struct sim_costs machine = { 0 };
	char err[512];
	const char *path = fuzz_input__file(data, size, ".cal");

	stressor_costs__defaults(&c);
	if (path)
		(void)stressor_costs__load(&c, &machine, path, err, sizeof(err));
	return 0;
}
