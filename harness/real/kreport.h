/*
 * Reading a real-kernel run back: the loader's report (format in harness/kload/krun.h) and
 * stress-ng's YAML metrics become a run_info, so result.json has the simulator's schema and
 * the two worlds compare one to one.
 */
#ifndef HARNESS_KREPORT_H
#define HARNESS_KREPORT_H

#include <stddef.h>

#include "harness/results/run_result.h"

struct kreport {
	struct run_real real;
	struct run_stressor_row rows[JOB_MAX_ENTRIES];
	int nr_rows;
	char policy[128];
	char state_at_end[64];
	uint64_t t0_ktime;
	char inject_kind[32];
	uint64_t injected_ns;
	uint64_t policy_fault_at; /* ktime */
	int restarts;
};

/*
 * Fill @info's measurements (latency, tasks, CPUs, sched_ext, kernel log) from @report_path
 * and @yaml_path; @info->job must be set (task groups and instances come from it) and
 * @online_cpus is the machine's CPU count. 0, or -1 with the reason in @err.
 */
int kreport__load(struct kreport *kr, struct run_info *info, const char *report_path,
		  const char *yaml_path, int online_cpus, char *err, size_t errlen);

#endif
