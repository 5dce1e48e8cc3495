/*
 * Fuzz target: topologies, as a spec (`2x4x8x2`, a preset, a CPU count) and as a .topo file
 * (sim/topo/topology_spec.c, topology.c, topology_file.c).
 */
#include "fuzz_input.h"
#include "sim/topo/topology.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_topology t;
	char err[1024], *spec = fuzz_input__string(data, size);
	const char *path;

	if (size < 64 && !sim_topology__parse(&t, spec, err, sizeof(err)))
		sim_topology__destroy(&t);
	free(spec);
	path = fuzz_input__file(data, size, ".topo");
	if (path && !sim_topology__parse(&t, path, err, sizeof(err)))
		sim_topology__destroy(&t);
	return 0;
}
