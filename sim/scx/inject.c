/*
 * Faults injected from outside the policy at a chosen simulated time, so any policy can be
 * checked against the kernel's safety net (docs/faults.md):
 *
 *   unreg    the loader goes away (link closed)              -> SCX_EXIT_UNREG
 *   sysrq    SysRq-S                                          -> SCX_EXIT_SYSRQ
 *   offline  CPU N goes offline: a policy without cpu_online/cpu_offline is unregistered by the
 *            kernel with a restart code (SCX_EXIT_UNREG_KERN, "cpu N going offline, exiting
 *            scheduler"); one with them gets ops.cpu_offline(N) and stays
 *   error    a runtime error the kernel raises (SCX_EXIT_ERROR) - simulator only
 *
 * Limit: the simulated CPU stays online after `offline` (only the policy's side of hotplug is
 * modelled); docs/limits.md says so.
 */
#include "sim/scx/scx_internal.h"

#include <stdlib.h>
#include <string.h>

int scx_inject__parse_kind(const char *name, enum scx_inject_kind *kind, int *cpu)
{
	*cpu = -1;
	if (!strcmp(name, "unreg"))
		*kind = SCX_INJECT_UNREG;
	else if (!strcmp(name, "sysrq"))
		*kind = SCX_INJECT_SYSRQ;
	else if (!strcmp(name, "error"))
		*kind = SCX_INJECT_ERROR;
	else if (!strncmp(name, "offline:", 8) && name[8] >= '0' && name[8] <= '9') {
		char *end;
		long n = strtol(name + 8, &end, 10);
		if (*end || n > 1 << 20) /* a CPU number, whole (the topology bounds it further) */
			return -1;
		*kind = SCX_INJECT_OFFLINE;
		*cpu = (int)n;
	} else
		return -1;
	return 0;
}

void scx_sched__inject(struct sim *sim, enum scx_inject_kind kind, int cpu)
{
	struct scx_sched *sch = sim->scx;
	struct scx_op_ctx save;

	if (!sch || sch->state != SCX_ST_ENABLED)
		return;
	switch (kind) {
	case SCX_INJECT_UNREG:
		scx_exit(sch, SCX_EXIT_UNREG, 0, "%s", "");
		break;
	case SCX_INJECT_SYSRQ:
		scx_exit(sch, SCX_EXIT_SYSRQ, 0, "%s", "");
		break;
	case SCX_INJECT_ERROR:
		scx_exit(sch, SCX_EXIT_ERROR, 0, "injected by scxlab at %.3fs", sim__now(sim) / 1e9);
		break;
	case SCX_INJECT_OFFLINE:
		if (cpu < 0 || cpu >= sim->nr_cpus)
			return;
		if (SCX_HAS_OP(sch, cpu_online) && SCX_HAS_OP(sch, cpu_offline)) {
			scx_op_enter(sch, &save, SCX_OP_CPU_OFFLINE, NULL, cpu);
			scx_op_call(sch, &save, sch->ops->cpu_offline(cpu));
			scx_op_leave(sch, &save);
		} else {
			scx_exit(sch, SCX_EXIT_UNREG_KERN, (int64_t)(SCX_ECODE_ACT_RESTART | SCX_ECODE_RSN_HOTPLUG),
				 "cpu %d going offline, exiting scheduler", cpu);
		}
		break;
	}
}
