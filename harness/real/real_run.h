/*
 * `scxlab run --target host|vm`: a stress-ng job under a policy (or the default scheduler) on a
 * real sched_ext kernel, this machine's or a QEMU guest's, measured by the harness's probes and
 * written as result.json in the simulator's schema (docs/results.md).
 *
 * host: preflight (root, sched_ext, BTF, stress-ng, no scheduler loaded), then scxlab-kload run.
 * vm:   an initramfs with scxlab-kload, the probes, the policy object, stress-ng and the job;
 *       the guest (the topology's CPU layout; KVM if it works, else TCG) runs the same loader
 *       and prints its report and stress-ng's YAML between markers on the serial console.
 */
#ifndef HARNESS_REAL_RUN_H
#define HARNESS_REAL_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/results/verdict.h"

struct real_run_opts {
	const char *target;        /* "host" or "vm" */
	const char *policy;        /* .bpf.c or .bpf.o; NULL: the default scheduler */
	char *const *knobs;        /* NAME=VALUE */
	int nr_knobs;
	char *const *map_sizes;
	int nr_map_sizes;
	const char *loader;        /* a loader profile (harness/loader_profile.h), NULL: none */
	const char *job;
	const char *after_attach_job; /* a second job, started once the policy is attached (NULL: none) */
	const char *ext_stressors; /* stressors the loader moves to SCHED_EXT (kload --ext-stressors), NULL: none */
	uint64_t attach_at_ns;     /* attach the policy this long after the job starts (0: before it) */
	const char *topology;      /* vm: the guest's layout (spec or .topo file) */
	const char *kernel_image;  /* vm: --kernel (a series, a cached release, an image; NULL: current) */
	uint64_t duration_ns;      /* stress-ng --timeout when the job has none (0: stress-ng's) */
	const char *daemon;        /* a user-space daemon's source (.c), NULL: none */
	const char *inject;        /* sim-style fault kind ("unreg", "sysrq", "offline:N"), NULL: none */
	uint64_t inject_at_ns;
	int vm_timeout_s;          /* the guest is killed after this (0: job time + 180 s) */
	const char *out;
	bool quiet;
	const struct run_expect *expect; /* --expect-exit, NULL: none */
};

/* 0 ok; 1 the run failed; 2 bad input or a machine that cannot run it (says what is missing);
 * 3 the policy failed (its verdict, verdict.h). */
int real_run__main(const struct real_run_opts *o);

#endif
