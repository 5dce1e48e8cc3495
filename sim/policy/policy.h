/*
 * Loading a policy's simulator build (.sim.so) the way libbpf loads its kernel build.
 *
 * The .sim.so is the policy source compiled by cc against sim/shim, with BTF debug info
 * (gcc -gbtf). Opening it reads that BTF to find what libbpf would find in the .bpf.o: the
 * struct_ops map (SCX_OPS_DEFINE, section .struct_ops[.link]), every map definition
 * (section .maps) and every `const volatile` global (the knobs a loader sets in rodata).
 * Each open loads a private copy of the object, so two opens never share globals.
 *
 * Lifecycle: open -> set knobs (set_knob, apply_topology) -> freeze -> attach ops to a sim
 * (scx_sched__attach) -> run -> close.
 */
#ifndef SIM_POLICY_POLICY_H
#define SIM_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sched_ext_ops;
struct sim_topology;
struct sim_policy;
struct sim_bpf_map;
struct btf;

/*
 * The private copy a policy is loaded from: $TMPDIR/scxlab-policy.tmp.PID.XXXXXX.so, unlinked as
 * soon as it is loaded (one a killed process left is swept by the next run).
 */
#define SIM_POLICY_COPY_PREFIX "scxlab-policy.tmp."

/* Open @path for a machine of @nr_cpus CPUs. NULL with a message naming the file on error. */
struct sim_policy *sim_policy__open(const char *path, int nr_cpus, char *err, size_t errlen);
void sim_policy__close(struct sim_policy *pol);

/*
 * Set the const volatile global @name from text: an integer (decimal, 0x hex, negative for
 * signed types), true/false for bools, a comma-separated list for an array, or NAME[i]=v
 * for one element. Fails after freeze, on unknown names and on values out of range.
 */
int sim_policy__set_knob(struct sim_policy *pol, const char *name, const char *value,
			 char *err, size_t errlen);
/* Fill the topology knobs a policy declares, as a policy's own loader would from the host:
 * nr_cpu_ids, nr_llcs, nr_nodes, cpu_llc[], cpu_node[], cpu_core[]. Returns how many were set. */
int sim_policy__apply_topology(struct sim_policy *pol, const struct sim_topology *topo);
/* Size a map declared with max_entries 0 (as a loader's bpf_map__set_max_entries()); before
 * freeze. Also resizes an ordinary map that has not been used yet. */
int sim_policy__set_map_entries(struct sim_policy *pol, const char *name, uint32_t entries,
				char *err, size_t errlen);
/* Fill every empty slot of the map of maps @outer with a new map of its inner definition,
 * as loaders do for maps of maps they populate from user space. */
int sim_policy__populate_inner_maps(struct sim_policy *pol, const char *outer, char *err,
				    size_t errlen);
/* Load: knobs become read-only and loader-sized maps are created. 0, or -1 with a message. */
int sim_policy__freeze(struct sim_policy *pol, char *err, size_t errlen);

struct sched_ext_ops *sim_policy__ops(struct sim_policy *pol);
/*
 * Choose the struct_ops map @name as the one attached (an object may define several, as the
 * selftest hotplug does; with several, freeze fails until one is chosen). Before freeze.
 */
int sim_policy__choose_ops(struct sim_policy *pol, const char *name, char *err, size_t errlen);
int sim_policy__nr_ops(const struct sim_policy *pol);
const char *sim_policy__ops_name(const struct sim_policy *pol, int i);
/* The object's BTF (libbpf's struct btf) and the CPUs it was opened for. */
const struct btf *sim_policy__btf(const struct sim_policy *pol);
int sim_policy__nr_cpus(const struct sim_policy *pol);
const char *sim_policy__name(const struct sim_policy *pol);
const char *sim_policy__path(const struct sim_policy *pol);

struct sim;
/*
 * Run the policy's SEC("syscall") program @prog with @ctx (as bpf_prog_test_run does for a
 * loader), on @sim. 0 with the program's return value in *@retval, or -1 with a message.
 */
int sim_policy__run_syscall(struct sim_policy *pol, struct sim *sim, const char *prog, void *ctx,
			    int *retval, char *err, size_t errlen);

/* Knobs and maps, for listing and for reading a policy's statistics. */
int sim_policy__nr_knobs(const struct sim_policy *pol);
const char *sim_policy__knob_name(const struct sim_policy *pol, int i);
/* The knob's current value as text (arrays: comma-separated). */
int sim_policy__knob_value(const struct sim_policy *pol, int i, char *buf, size_t len);
/*
 * The address and size of the policy's global variable @name (a loader's skeleton->bss/data
 * view), static ones included; NULL if there is none. Read it to follow a policy's own
 * counters while or after it runs.
 */
void *sim_policy__global(struct sim_policy *pol, const char *name, size_t *size);
int sim_policy__nr_maps(const struct sim_policy *pol);
struct sim_bpf_map *sim_policy__map(const struct sim_policy *pol, int i);
struct sim_bpf_map *sim_policy__map_by_name(const struct sim_policy *pol, const char *name);

#endif
