/*
 * `scxlab load` mode of the kernel-side loader: load any policy .bpf.o (kpolicy.h), attach it,
 * watch /sys/kernel/sched_ext/state and the policy's exit record for a while, print the exit
 * the way the kernel's tools do, and detach. A killed loader (even SIGKILL) leaves no link open,
 * so the kernel falls back to its default scheduler.
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
	bool check_only;           /* open and apply the settings, no kernel needed */
};

/* Returns 0 on success; 1 if the load (verifier) or attach failed, with the verifier's log
 * on stderr; 2 for bad options. The policy's own exit is reported, not an error. */
int kloader__run(const struct kloader_opts *o);

#endif
