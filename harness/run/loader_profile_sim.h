/*
 * Loader profiles applied in the simulator (the parser is harness/loader_profile.h).
 */
#ifndef HARNESS_LOADER_PROFILE_SIM_H
#define HARNESS_LOADER_PROFILE_SIM_H

#include "harness/profile/loader_profile.h"

struct sim_policy;
struct sim;

/* Before load: the struct_ops map chosen, globals, struct_ops fields/flags/NULLs, map sizes.
 * -1 with FILE:LINE in @err. */
int loader_profile__apply_open(const struct loader_profile *lp, struct sim_policy *pol, char *err,
			       size_t errlen);
/* The syscall programs of one phase (before or after attach) in file order; before attach,
 * the `map` lines (map values written from user space) among them. */
int loader_profile__run_syscalls(const struct loader_profile *lp, struct sim_policy *pol, struct sim *sim,
				 bool after_attach, char *err, size_t errlen);

#endif
