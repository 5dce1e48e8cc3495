/*
 * The generic kernel-side loader: any policy .bpf.o, no per-policy skeleton. libbpf opens it,
 * knobs are written into its rodata by variable name, loader-sized maps get their size, the
 * struct_ops map is loaded (the verifier runs here) and attached; then the loader watches
 * /sys/kernel/sched_ext/state and the policy's exit record, prints the exit the way the kernel's
 * tools do, and detaches. Every fd is close-on-exec, so a killed loader (even SIGKILL) leaves
 * no link open and the kernel falls back to its default scheduler.
 */
#ifndef HARNESS_KLOADER_H
#define HARNESS_KLOADER_H

#include <stdbool.h>
#include <stddef.h>

struct kloader_opts {
	const char *path;          /* the policy's .bpf.o */
	const char *const *knobs;  /* "NAME=VALUE" (arrays: "NAME=a,b" or "NAME[i]=v") */
	int nr_knobs;
	const char *const *map_sizes; /* "MAP=N" */
	int nr_map_sizes;
	double seconds;            /* how long to stay attached (0: until the policy exits or a signal) */
	bool verify_only;          /* load (verifier) and stop */
	const char *sysfs;         /* "" normally */
};

/* Returns 0 on success; 1 if the load (verifier) or attach failed, with the verifier's log
 * on stderr; 2 for bad options. The policy's own exit is reported, not an error. */
int kloader__run(const struct kloader_opts *o);

#endif
