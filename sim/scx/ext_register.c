/*
 * The sched_ext core's registrations, made when libscxsim is loaded: the ext class and its
 * hooks into the scheduler core (sim/core/hooks.h), and the services the BPF runtime asks of
 * it (sim/bpf/bpf_runtime.h). Lower layers reach sim/scx only through these tables.
 */
#include "sim/scx/scx.h"
#include "sim/core/hooks.h"
#include "sim/bpf/bpf_runtime.h"
#include "sim/shim/scxsim/kfuncs.h"

static const struct sim_ext_hooks ext_hooks = {
	.policy_free = scx_sched__free,
	.accepts_task = scx_sched__accepts_task,
	.init_other_task = scx_sched__init_other_task,
	.task_dead = scx_sched__task_dead,
	.cgroup_created = scx_sched__cgroup_created,
	.cgroup_weight_changed = scx_sched__cgroup_weight_changed,
	.cgroup_prep_move = scx_sched__cgroup_prep_move,
	.cgroup_moved = scx_sched__cgroup_moved,
};

static const struct sim_bpf_policy_hooks policy_hooks = {
	.run_timer_cb = scx_sched__run_timer_cb,
	.irqs_disabled = scx_sched__irqs_disabled,
	.idle_task = scx__idle_task,
	.error_bstr = scx_bpf_error_bstr,
};

__attribute__((constructor)) static void ext__register(void)
{
	sim_class__register(SIM_CLASS_EXT, &sim_ext_class);
	sim_hooks__register_ext(&ext_hooks);
	sim_bpf__register_policy_hooks(&policy_hooks);
}
