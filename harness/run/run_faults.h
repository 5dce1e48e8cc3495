/*
 * What goes wrong in a simulator run, and how it is recorded: crashes the simulator did not
 * catch (reported with the callback that was running), the faults --inject schedules at a
 * simulated time, the fault part of result.json (docs/faults.md), and how long a task may
 * wait before it counts as starved.
 */
#ifndef HARNESS_RUN_RUN_FAULTS_H
#define HARNESS_RUN_RUN_FAULTS_H

#include "harness/results/run_result.h"
#include "harness/run/run_opts.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"

#include <stdint.h>

void run_faults__install_crash_handlers(void);
/* The event of one --inject (struct injection's ev). */
void run_faults__inject(struct sim_loop *loop, struct sim_event *ev);
/* Fill @info->fault from the first exit @first and the workload's tasks. */
void run_faults__record(struct run_info *info, struct sim *sim, struct sim_policy *pol,
			const struct run_opts *o, const struct scx_exit_record *first, uint64_t lost_after_ns);
/* The starvation threshold of this run (--starve-after, else from the watchdog and the run). */
uint64_t run_faults__starve_threshold(const struct sim *sim, const struct run_opts *o);

#endif
