/*
 * What a real-kernel run needs from the machine it runs on, checked before anything starts:
 * a kernel with sched_ext, BTF, root, no other sched_ext scheduler loaded, stress-ng. Every
 * missing piece is named, with what to do instead. The baseline (no policy: the kernel's own
 * scheduler, measured by the latency probes) needs BTF, root and stress-ng only.
 */
#ifndef HARNESS_PREFLIGHT_H
#define HARNESS_PREFLIGHT_H

#include <stddef.h>

/* 0 if this machine can run policies on its own kernel; else -1 with every problem in @err
 * (one per line). @sysfs is the root to look under ("" for the real one; tests pass a fake). */
int preflight__host(const char *sysfs, char *err, size_t errlen);

/* The same for a baseline run (no policy): sched_ext is not needed, but if the kernel has it,
 * no sched_ext scheduler may be loaded (the baseline would measure it, not the kernel's own). */
int preflight__host_baseline(const char *sysfs, char *err, size_t errlen);

#endif
