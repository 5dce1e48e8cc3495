/*
 * What `--topology` takes: a preset name, "NODESxLLCSxCORESxTHREADS", a CPU count, or the path
 * of a .topo file. Built on topology.c (uniform machines) and topology_file.c (files).
 */
#include "sim/topo/topology.h"

#include <stdio.h>
#include <string.h>

struct topo_preset {
	const char *name;
	int nodes, llcs, cores, threads;
	const char *what;
};

static const struct topo_preset presets[] = {
	{ "2cpu", 1, 1, 2, 1, "2 CPUs, one LLC (the CI VM)" },
	{ "4cpu", 1, 1, 4, 1, "4 CPUs, one LLC" },
	{ "8cpu", 1, 1, 8, 1, "8 CPUs, one LLC" },
	{ "8cpu-2llc", 1, 2, 4, 1, "8 CPUs in two LLCs of 4" },
	{ "8cpu-smt", 1, 1, 4, 2, "4 cores x 2 SMT threads" },
	{ "16cpu-2llc-smt", 1, 2, 4, 2, "2 LLCs x 4 cores x 2 threads" },
	{ "32cpu-2node", 2, 2, 4, 2, "2 nodes x 2 LLCs x 4 cores x 2 threads" },
	{ "64cpu-4llc", 1, 4, 8, 2, "4 LLCs x 8 cores x 2 threads" },
	{ "128cpu-2node", 2, 4, 8, 2, "2 sockets x 4 LLCs x 8 cores x 2 threads" },
	{ "256cpu-2node", 2, 8, 8, 2, "2 sockets x 8 LLCs x 8 cores x 2 threads (2 x 64 cores x 2 threads)" },
	{ "512cpu-4node", 4, 8, 8, 2, "4 sockets x 8 LLCs x 8 cores x 2 threads" },
	{ "512cpu-2node", 2, 8, 16, 2, "2 sockets x 8 LLCs x 16 cores x 2 threads (2 x 128 cores x 2 threads)" },
};

/*
 * "N" or "AxBxCxD": the numbers, each read whole (digits only) and clamped to one past the
 * CPU limit so that an oversized one is refused rather than wrapped. How many, or -1.
 */
static int parse_levels(const char *spec, int out[4])
{
	int n = 0;

	for (const char *p = spec;; p++) {
		long long v = 0;
		if (*p < '0' || *p > '9' || n == 4)
			return -1;
		for (; *p >= '0' && *p <= '9'; p++)
			v = v > SIM_MAX_CPUS ? SIM_MAX_CPUS + 1 : v * 10 + (*p - '0');
		out[n++] = (int)(v > SIM_MAX_CPUS ? SIM_MAX_CPUS + 1 : v);
		if (!*p)
			return n;
		if (*p != 'x')
			return -1;
	}
}

int sim_topology__parse(struct sim_topology *t, const char *spec, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		if (!strcmp(spec, presets[i].name)) {
			int ret = sim_topology__init_uniform(t, presets[i].nodes, presets[i].llcs,
							     presets[i].cores, presets[i].threads, err,
							     errlen);
			if (!ret)
				snprintf(t->name, sizeof(t->name), "%s", presets[i].name);
			return ret;
		}
	}
	if (strchr(spec, '/') || strstr(spec, ".topo"))
		return sim_topology__load(t, spec, err, errlen);
	int levels[4], nr_levels = parse_levels(spec, levels);
	if (nr_levels == 4)
		return sim_topology__init_uniform(t, levels[0], levels[1], levels[2], levels[3], err, errlen);
	if (nr_levels == 1)
		return sim_topology__init_uniform(t, 1, 1, levels[0], 1, err, errlen);

	size_t off = (size_t)snprintf(err, errlen,
		"topology '%s': expected NODESxLLCSxCORESxTHREADS (e.g. 1x2x4x1), a CPU count, a .topo file, or one of:", spec);
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]) && off < errlen; i++)
		off += (size_t)snprintf(err + off, errlen - off, " %s", presets[i].name);
	return -1;
}
