/*
 * Policy callbacks: the op names, the innermost callback on this thread (its entry and leave,
 * scx_op_enter/scx_op_leave, are inline in scx_internal.h), the running op for crash reports,
 * and the entries for BPF timers and syscall programs.
 */
#include "sim/scx/scx_internal.h"
#include "sim/bpf/bpf_runtime.h"

const char *const scx_op_names[SCX_NR_OPS] = {
	[SCX_OP_NONE] = "none",
	[SCX_OP_SELECT_CPU] = "select_cpu",
	[SCX_OP_ENQUEUE] = "enqueue",
	[SCX_OP_DEQUEUE] = "dequeue",
	[SCX_OP_DISPATCH] = "dispatch",
	[SCX_OP_TICK] = "tick",
	[SCX_OP_RUNNABLE] = "runnable",
	[SCX_OP_RUNNING] = "running",
	[SCX_OP_STOPPING] = "stopping",
	[SCX_OP_QUIESCENT] = "quiescent",
	[SCX_OP_YIELD] = "yield",
	[SCX_OP_SET_WEIGHT] = "set_weight",
	[SCX_OP_SET_CPUMASK] = "set_cpumask",
	[SCX_OP_UPDATE_IDLE] = "update_idle",
	[SCX_OP_CPU_ACQUIRE] = "cpu_acquire",
	[SCX_OP_CPU_RELEASE] = "cpu_release",
	[SCX_OP_INIT_TASK] = "init_task",
	[SCX_OP_EXIT_TASK] = "exit_task",
	[SCX_OP_ENABLE] = "enable",
	[SCX_OP_DISABLE] = "disable",
	[SCX_OP_CPU_ONLINE] = "cpu_online",
	[SCX_OP_CPU_OFFLINE] = "cpu_offline",
	[SCX_OP_INIT] = "init",
	[SCX_OP_EXIT] = "exit",
	[SCX_OP_CGROUP_INIT] = "cgroup_init",
	[SCX_OP_CGROUP_EXIT] = "cgroup_exit",
	[SCX_OP_CGROUP_PREP_MOVE] = "cgroup_prep_move",
	[SCX_OP_CGROUP_MOVE] = "cgroup_move",
	[SCX_OP_CGROUP_CANCEL_MOVE] = "cgroup_cancel_move",
	[SCX_OP_CGROUP_SET_WEIGHT] = "cgroup_set_weight",
	[SCX_OP_TIMER] = "timer",
	[SCX_OP_SYSCALL] = "syscall",
	[SCX_OP_DUMP] = "dump",
	[SCX_OP_DUMP_CPU] = "dump_cpu",
	[SCX_OP_DUMP_TASK] = "dump_task",
};

_Thread_local struct scx_op_ctx *scx_op_top __attribute__((tls_model("initial-exec")));
_Thread_local unsigned long scx_op_serial __attribute__((tls_model("initial-exec")));

/*
 * Name of the callback running right now on this thread, for crash reports ("" if none): the
 * innermost callback's context says which scheduler, whose op is the one running (a nested
 * callback's leave restores the outer one's).
 */
const char *scx_running_op(void)
{
	const struct scx_op_ctx *top = scx_op_top;

	return top && top->sch ? scx_op_names[top->sch->op] : "";
}

bool scx_sched__irqs_disabled(const struct sim *sim)
{
	const struct scx_sched *sch = sim ? sim->scx : NULL;

	if (!sch || !sch->op_depth)
		return false;
	switch (sch->op) {
	case SCX_OP_NONE:
	case SCX_OP_INIT_TASK:
	case SCX_OP_CPU_ONLINE:
	case SCX_OP_CPU_OFFLINE:
	case SCX_OP_INIT:
	case SCX_OP_EXIT:
	case SCX_OP_CGROUP_INIT:
	case SCX_OP_CGROUP_EXIT:
	case SCX_OP_CGROUP_PREP_MOVE:
	case SCX_OP_CGROUP_CANCEL_MOVE:
	case SCX_OP_CGROUP_SET_WEIGHT:
	case SCX_OP_TIMER:
	case SCX_OP_SYSCALL:
		return false;
	default:
		return true;
	}
}

struct scx_sched *scx_current(void)
{
	struct sim *sim = sim__current();
	return sim ? sim->scx : NULL;
}

long scx_sched__run_timer_cb(struct sim *sim, int cpu, long (*cb)(void *, void *, void *),
			     void *map, void *key, void *value)
{
	struct scx_sched *sch = sim->scx;
	struct scx_op_ctx save;
	int saved_cpu = sim->current_cpu;
	long ret;

	sim__set_current(sim);
	if (!sch) {
		sim->current_cpu = cpu;
		ret = cb(map, key, value);
		sim->current_cpu = saved_cpu;
		return ret;
	}
	ret = 0;
	scx_op_enter(sch, &save, SCX_OP_TIMER, NULL, cpu);
	scx_op_call(sch, &save, ret = cb(map, key, value));
	scx_op_leave(sch, &save);
	return ret;
}

int scx_sched__run_syscall(struct sim *sim, int (*prog)(void *ctx), void *ctx)
{
	struct scx_sched *sch = sim->scx;
	struct scx_op_ctx save;
	int ret;

	sim__set_current(sim);
	if (!sch)
		return prog(ctx);
	ret = 0;
	scx_op_enter(sch, &save, SCX_OP_SYSCALL, NULL, -1);
	scx_op_call(sch, &save, ret = prog(ctx));
	scx_op_leave(sch, &save);
	return ret;
}
