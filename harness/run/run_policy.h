/*
 * The policy's life in a simulator run, as its loader would lead it: built for the simulator
 * (a private copy of this run), opened with its knobs and map sizes set, attached (with a
 * loader profile's programs before and after), loaded again when its exit asks for a restart,
 * and its UEI exit record printed at the end as the kernel tools' loaders print it.
 */
#ifndef HARNESS_RUN_RUN_POLICY_H
#define HARNESS_RUN_RUN_POLICY_H

#include "harness/run/run_opts.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/topo/topology.h"

#include <stdbool.h>
#include <stddef.h>

/* Build @src with `scxlab build --sim-only` into a temporary .sim.so of this run, named in @out. */
int run_policy__build(const char *src, char *out, size_t outlen, char *err, size_t errlen);
/* Open @so_path with its knobs set; NULL with *@exit_code set (a map over the BPF memory
 * limit fails the load as the policy's failure, as in the kernel). */
struct sim_policy *run_policy__load(const char *so_path, const struct sim_topology *topo,
				    const struct run_opts *o, int *exit_code);
/* The policy exited asking for a restart and the kernel has finished disabling it. */
bool run_policy__restart_due(struct sim *sim);
/* Attach as the loader does; an exit while attaching is a result. -1 with *@ret: stop the run. */
int run_policy__attach(struct sim *sim, struct sim_policy *pol, const struct run_opts *o, int *ret);
/* Run to the end of a timed enable transition, when the loader's attach call returns. 0 or -1. */
int run_policy__wait_enable(struct sim *sim);
/* EXIT: reason (msg) from the policy's UEI record, on stderr. */
void run_policy__print_uei(struct sim_policy *pol);

#endif
