/*
 * The fault classes `scxlab fault` knows (docs/faults.md): how each is caused (the
 * fault-injection policy's knobs, an injection from outside around any policy, or a fault of
 * a user-space daemon beside its policy), the exit kind the kernel gives it, and what else
 * must hold (a restart, a time window for a stall, a policy counter that shows the fallback).
 */
#ifndef HARNESS_FAULT_CLASSES_H
#define HARNESS_FAULT_CLASSES_H

#include <stdbool.h>

#define FAULT_AT_S 1.0        /* every fault is due 1 s into the run */
#define FAULT_STALL_T_MS 2000 /* the watchdog timeout of scxl_faulty and scxl_user */

/* Which policy a class runs. */
enum fault_policy {
	FP_FAULTY,     /* sched/scxl_faulty.bpf.c with the class's knobs */
	FP_ANY,        /* --policy (default scxl_vtime), with --daemon if given */
	FP_HYBRID,     /* a policy and its daemon: --policy with --daemon, default scxl_user's pair */
	FP_USER,       /* sched/scxl_user.bpf.c with the class's knobs (and its daemon if daemon) */
};

struct fault_class {
	const char *name;
	const char *what;
	enum fault_policy policy;
	const char *knobs[4];     /* knobs of scxl_faulty or scxl_user */
	bool daemon;              /* FP_USER: run scxl_user's daemon */
	const char *inject;       /* --inject kind, NULL when the policy (or its missing daemon) causes it */
	int expected_kind;        /* SCX_EXIT_* (0: the policy must stay loaded) */
	bool expect_restart;      /* the exit code asks for a restart: the policy is loaded again */
	bool stall_window;        /* time to ejection must lie in [T, 1.5 T] */
	bool from_load;           /* the fault is there from the start: time counts from the load */
	const char *counter;      /* "MAP[I]": a policy counter that must end up > 0 (if the map exists) */
	const char *sim_only;     /* why a real kernel cannot do it (NULL: both worlds) */
};

extern const struct fault_class fault_classes[];
extern const int nr_fault_classes;

const struct fault_class *fault_class__find(const char *name);
const char *fault_kind_name(int kind);

#endif
