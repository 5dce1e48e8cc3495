/*
 * The sched_ext core's services the BPF runtime uses (timer callbacks, interrupt state, idle
 * tasks, error exits), registered by sim/scx so that the runtime does not call up into it.
 */
#include "sim/bpf/bpf_runtime.h"

#include <stddef.h>

static const struct sim_bpf_policy_hooks no_policy_hooks;

const struct sim_bpf_policy_hooks *sim_bpf_policy_hooks = &no_policy_hooks;

void sim_bpf__register_policy_hooks(const struct sim_bpf_policy_hooks *hooks)
{
	sim_bpf_policy_hooks = hooks ? hooks : &no_policy_hooks;
}
