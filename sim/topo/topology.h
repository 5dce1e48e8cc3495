/*
 * Machine topology for the simulator: NUMA nodes > LLCs > cores > SMT threads, with a
 * capacity per CPU (1024 = the fastest CPU, as the kernel's SCHED_CAPACITY_SCALE).
 *
 * CPU ids are assigned the way Linux enumerates a typical x86 server: all first SMT threads
 * of every core in order, then all second threads (so cpu N and cpu N + nr_cores are
 * siblings). A compact spec "NODESxLLCSxCORESxTHREADS" (per node / per LLC / per core) or a
 * preset name describes one; topology files come from workloads/topologies/.
 */
#ifndef SIM_TOPO_TOPOLOGY_H
#define SIM_TOPO_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/shim/vmlinux.h"

#define SIM_MAX_CPUS NR_CPUS

struct sim_cpu_topo {
	int core;      /* global core index */
	int llc;       /* global LLC index */
	int node;      /* NUMA node */
	int smt_index; /* thread index within the core */
	uint32_t capacity;
};

struct sim_topology {
	int nr_cpus;
	int nr_cores;
	int nr_llcs;
	int nr_nodes;
	int threads_per_core;
	char name[64];
	struct sim_cpu_topo cpu[SIM_MAX_CPUS];
	/* masks, indexed by core / llc / node id */
	struct cpumask *core_mask;
	struct cpumask *llc_mask;
	struct cpumask *node_mask;
	struct cpumask all;
	/* node distance matrix [nr_nodes * nr_nodes], 10 local and 20 remote by default */
	int *distance;
};

/* Build a uniform topology. Returns 0, or -1 with a message in err. */
int sim_topology__init_uniform(struct sim_topology *t, int nodes, int llcs_per_node,
			       int cores_per_llc, int threads_per_core, char *err, size_t errlen);
/* Parse "NxLxCxT" (e.g. "1x2x4x1" = 8 CPUs in two LLCs) or a preset name. */
int sim_topology__parse(struct sim_topology *t, const char *spec, char *err, size_t errlen);
void sim_topology__destroy(struct sim_topology *t);
/* Load a topology file (see topology_file.c for the format). 0, or -1 with "FILE:LINE: ..." */
int sim_topology__load(struct sim_topology *t, const char *path, char *err, size_t errlen);
/* QEMU options for the same machine (-smp with sockets/dies/cores/threads; -numa nodes and
 * distances when there are several nodes, memory split evenly). 0, or -1 if @len is short. */
int sim_topology__qemu_args(const struct sim_topology *t, uint64_t mem_mb, char *buf, size_t len);

static inline bool sim_topology__same_llc(const struct sim_topology *t, int a, int b)
{
	return t->cpu[a].llc == t->cpu[b].llc;
}
static inline bool sim_topology__same_core(const struct sim_topology *t, int a, int b)
{
	return t->cpu[a].core == t->cpu[b].core;
}

/* ---- cpumask helpers used across the simulator ---- */
#define CPUMASK_BITS_PER_WORD (8 * sizeof(unsigned long))

static inline void cpumask__clear_all(struct cpumask *m)
{
	for (size_t i = 0; i < sizeof(m->bits) / sizeof(m->bits[0]); i++)
		m->bits[i] = 0;
}
static inline void cpumask__set(struct cpumask *m, int cpu)
{
	m->bits[cpu / CPUMASK_BITS_PER_WORD] |= 1UL << (cpu % CPUMASK_BITS_PER_WORD);
}
static inline void cpumask__clear(struct cpumask *m, int cpu)
{
	m->bits[cpu / CPUMASK_BITS_PER_WORD] &= ~(1UL << (cpu % CPUMASK_BITS_PER_WORD));
}
static inline bool cpumask__test(const struct cpumask *m, int cpu)
{
	if (cpu < 0 || cpu >= SIM_MAX_CPUS)
		return false;
	return m->bits[cpu / CPUMASK_BITS_PER_WORD] & (1UL << (cpu % CPUMASK_BITS_PER_WORD));
}
int cpumask__weight(const struct cpumask *m);
/* Next set CPU at or after @from, or -1. */
int cpumask__next(const struct cpumask *m, int from);
/* First CPU set in both @a and @b at or after @from (wrapping), or -1. */
int cpumask__next_and_wrap(const struct cpumask *a, const struct cpumask *b, int from, int nr_cpus);

#define cpumask__for_each(cpu, mask, nr) \
	for ((cpu) = cpumask__next((mask), 0); (cpu) >= 0 && (cpu) < (nr); (cpu) = cpumask__next((mask), (cpu) + 1))

#endif
