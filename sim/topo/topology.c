/*
 * Topology construction (a uniform machine) and CPU masks. See topology.h for the CPU
 * numbering rule; topology_spec.c reads `--topology` specs, topology_file.c .topo files.
 */
#include "sim/topo/topology.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cpumask__weight(const struct cpumask *m)
{
	int n = 0;
	for (size_t i = 0; i < sizeof(m->bits) / sizeof(m->bits[0]); i++)
		n += __builtin_popcountl(m->bits[i]);
	return n;
}

int cpumask__next(const struct cpumask *m, int from)
{
	if (from < 0)
		from = 0;
	for (int w = from / (int)CPUMASK_BITS_PER_WORD; w < SIM_MAX_CPUS / (int)CPUMASK_BITS_PER_WORD; w++) {
		unsigned long bits = m->bits[w];
		if (w == from / (int)CPUMASK_BITS_PER_WORD)
			bits &= ~0UL << (from % CPUMASK_BITS_PER_WORD);
		if (bits)
			return w * (int)CPUMASK_BITS_PER_WORD + __builtin_ctzl(bits);
	}
	return -1;
}

int cpumask__next_and_wrap(const struct cpumask *a, const struct cpumask *b, int from, int nr_cpus)
{
	if (nr_cpus <= 0)
		return -1;
	if (from < 0 || from >= nr_cpus)
		from = 0;
	for (int i = 0; i < nr_cpus; i++) {
		int cpu = (from + i) % nr_cpus;
		if (cpumask__test(a, cpu) && cpumask__test(b, cpu))
			return cpu;
	}
	return -1;
}

int sim_topology__init_uniform(struct sim_topology *t, int nodes, int llcs_per_node,
			       int cores_per_llc, int threads_per_core, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (nodes < 1 || llcs_per_node < 1 || cores_per_llc < 1 || threads_per_core < 1 || nodes > SIM_MAX_CPUS ||
	    llcs_per_node > SIM_MAX_CPUS || cores_per_llc > SIM_MAX_CPUS || threads_per_core > SIM_MAX_CPUS) {
		snprintf(err, errlen, "topology: every level needs 1 to %d (got %dx%dx%dx%d)", SIM_MAX_CPUS,
			 nodes, llcs_per_node, cores_per_llc, threads_per_core);
		return -1;
	}
	long nr_cores = (long)nodes * llcs_per_node * cores_per_llc;
	long nr_cpus = nr_cores * threads_per_core;
	if (nr_cpus > SIM_MAX_CPUS) {
		snprintf(err, errlen, "topology: %ld CPUs is more than the simulator's limit of %d",
			 nr_cpus, SIM_MAX_CPUS);
		return -1;
	}
	t->nr_nodes = nodes;
	t->nr_llcs = nodes * llcs_per_node;
	t->nr_cores = (int)nr_cores;
	t->nr_cpus = (int)nr_cpus;
	t->threads_per_core = threads_per_core;
	snprintf(t->name, sizeof(t->name), "%dx%dx%dx%d", nodes, llcs_per_node, cores_per_llc,
		 threads_per_core);
	t->core_mask = calloc(t->nr_cores, sizeof(struct cpumask));
	t->llc_mask = calloc(t->nr_llcs, sizeof(struct cpumask));
	t->node_mask = calloc(t->nr_nodes, sizeof(struct cpumask));
	t->distance = calloc((size_t)t->nr_nodes * t->nr_nodes, sizeof(int));
	if (!t->core_mask || !t->llc_mask || !t->node_mask || !t->distance) {
		snprintf(err, errlen, "topology: out of memory");
		sim_topology__destroy(t);
		return -1;
	}
	for (int th = 0; th < threads_per_core; th++) {
		for (int core = 0; core < t->nr_cores; core++) {
			int cpu = th * t->nr_cores + core;
			int llc = core / cores_per_llc;
			struct sim_cpu_topo *c = &t->cpu[cpu];
			c->core = core;
			c->llc = llc;
			c->node = llc / llcs_per_node;
			c->smt_index = th;
			c->capacity = 1024;
			cpumask__set(&t->core_mask[core], cpu);
			cpumask__set(&t->llc_mask[llc], cpu);
			cpumask__set(&t->node_mask[c->node], cpu);
			cpumask__set(&t->all, cpu);
		}
	}
	for (int a = 0; a < nodes; a++)
		for (int b = 0; b < nodes; b++)
			t->distance[a * nodes + b] = a == b ? 10 : 20;
	return 0;
}

void sim_topology__destroy(struct sim_topology *t)
{
	free(t->core_mask);
	free(t->llc_mask);
	free(t->node_mask);
	free(t->distance);
	t->core_mask = t->llc_mask = t->node_mask = NULL;
	t->distance = NULL;
}
