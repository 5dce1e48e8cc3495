/*
 * The fault classes `scxlab fault` knows (docs/faults.md): how each is caused (the
 * fault-injection policy's knobs, or an injection from outside around any policy), the exit
 * kind the kernel gives it, and what else must hold (a restart, a time window for the stall).
 */
#ifndef HARNESS_FAULT_CLASSES_H
#define HARNESS_FAULT_CLASSES_H

#include <stdbool.h>

#define FAULT_AT_S 1.0        /* every fault is due 1 s into the run */
#define FAULT_STALL_T_MS 2000 /* scxl_faulty's watchdog timeout */

struct fault_class {
	const char *name;
	const char *what;
	const char *knobs[4];     /* scxl_faulty knobs (NULL: the class runs around any policy) */
	const char *inject;       /* --inject kind, NULL when the policy causes it */
	int expected_kind;        /* SCX_EXIT_* */
	bool expect_restart;      /* the exit code asks for a restart: the policy is loaded again */
	bool stall_window;        /* time to ejection must lie in [T, 1.5 T] */
	const char *sim_only;     /* why a real kernel cannot do it (NULL: both worlds) */
};

extern const struct fault_class fault_classes[];
extern const int nr_fault_classes;

const struct fault_class *fault_class__find(const char *name);
const char *fault_kind_name(int kind);

#endif
