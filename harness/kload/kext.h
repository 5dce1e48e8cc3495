/*
 * SCHED_EXT workloads on a real kernel: `scxlab-kload run --ext-stressors cpu,fork` moves the
 * named stressors' processes of the workload (comm "stress-ng-NAME", in the workload's process
 * group) to SCHED_EXT as the loader sees them, for a stress-ng that cannot (`--sched ext` is
 * only in releases that know SCHED_EXT). The loader looks every 5 ms; children a stressor forks
 * once it is SCHED_EXT inherit the policy. The simulator's job line `sched ext` starts them
 * SCHED_EXT; here each starts on its process's policy and switches class within ~5 ms.
 */
#ifndef HARNESS_KLOAD_KEXT_H
#define HARNESS_KLOAD_KEXT_H

#include <sys/types.h>

/* Whether @names is a comma-separated list of stressor names (letters, digits, '-', '_'). */
int kext__valid(const char *names);

/* Move every process of group @pgid whose comm is "stress-ng-NAME", NAME in @names, and whose
 * policy is not SCHED_EXT yet, to SCHED_EXT. Returns how many moved (-1: /proc unreadable). */
int kext__switch(const char *names, pid_t pgid);

#endif
