/*
 * The BPF runtime's hooks into the scheduler core (sim/core/hooks.h): the emulated kernel's
 * version for `LINUX_KERNEL_VERSION`, timers that must forget a freed run, task storage that
 * goes with its task. Registered when libscxsim is loaded.
 */
#include "sim/core/sim.h"
#include "sim/core/hooks.h"
#include "sim/bpf/bpf_runtime.h"

/* what `extern int LINUX_KERNEL_VERSION __kconfig` reads in policies */
static void runtime__sim_created(struct sim *sim)
{
	LINUX_KERNEL_VERSION = (int)sim->cfg.kernel_version;
}

static const struct sim_runtime_hooks runtime_hooks = {
	.sim_created = runtime__sim_created,
	.sim_freed = sim_bpf__sim_freed,
	.task_freed = sim_bpf__task_free,
};

__attribute__((constructor)) static void runtime__register(void)
{
	sim_hooks__register_runtime(&runtime_hooks);
}
