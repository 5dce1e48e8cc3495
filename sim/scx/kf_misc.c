/*
 * The remaining sched_ext kfuncs: DSQ creation and queries, kicks, task and CPU queries,
 * slices and vtimes, CPU performance, event counters, and the exit/error/dump entry points.
 */
#include "sim/scx/scx_internal.h"
#include "sim/bpf/bpf_runtime.h"

#include <stdio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool unlocked_context(const struct scx_sched *sch)
{
	switch (sch->op) {
	case SCX_OP_INIT:
	case SCX_OP_EXIT:
	case SCX_OP_INIT_TASK:
	case SCX_OP_EXIT_TASK:
	case SCX_OP_CPU_ONLINE:
	case SCX_OP_CPU_OFFLINE:
	case SCX_OP_SYSCALL:
	case SCX_OP_CGROUP_INIT:
	case SCX_OP_CGROUP_EXIT:
	case SCX_OP_CGROUP_PREP_MOVE:
		return true;
	default:
		return sch->op_depth == 0;
	}
}

s32 scx_bpf_create_dsq(u64 dsq_id, s32 node)
{
	struct scx_sched *sch = scx_current();

	if (!sch)
		return -ENODEV;
	if (!unlocked_context(sch)) {
		scx_error(sch, "scx_bpf_create_dsq() called from ops.%s(): the kernel's verifier rejects this call there",
			  scx_op_names[sch->op]);
		return -EACCES;
	}
	return scx_create_user_dsq(sch, dsq_id, node);
}

void scx_bpf_destroy_dsq(u64 dsq_id)
{
	struct scx_sched *sch = scx_current();
	struct scx_dsq *dsq;

	if (!sch)
		return;
	dsq = (dsq_id & SCX_DSQ_FLAG_BUILTIN) ? NULL : scx_find_user_dsq(sch, dsq_id);
	if (!dsq)
		return;
	if (dsq->nr) {
		scx_error(sch, "attempting to destroy in-use dsq 0x%016llx (nr=%u)",
			  (unsigned long long)dsq_id, dsq->nr);
		return;
	}
	dsq->destroyed = true;
	dsq->id = SCX_DSQ_INVALID; /* no longer found by id; memory kept until the run ends */
}

s32 scx_bpf_dsq_nr_queued(u64 dsq_id)
{
	struct scx_sched *sch = scx_current();
	struct scx_dsq *dsq;

	if (!sch)
		return -ENOENT;
	if (dsq_id == SCX_DSQ_LOCAL) {
		int cpu = sch->sim->current_cpu >= 0 ? sch->sim->current_cpu : 0;
		return (s32)sch->sim->cpus[cpu].scx.local.nr;
	}
	if ((dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
		s32 cpu = (s32)(dsq_id & SCX_DSQ_LOCAL_CPU_MASK);
		if (!scx_cpu_valid(sch, cpu, NULL))
			return -EINVAL;
		return (s32)sch->sim->cpus[cpu].scx.local.nr;
	}
	dsq = (dsq_id & SCX_DSQ_FLAG_BUILTIN) ? NULL : scx_find_user_dsq(sch, dsq_id);
	return dsq ? (s32)dsq->nr : -ENOENT;
}

struct task_struct *scx_bpf_dsq_peek(u64 dsq_id)
{
	struct scx_sched *sch = scx_current();
	struct scx_dsq *dsq;

	if (!sch)
		return NULL;
	if (dsq_id & SCX_DSQ_FLAG_BUILTIN) {
		scx_error(sch, "peek disallowed on builtin DSQ 0x%llx", (unsigned long long)dsq_id);
		return NULL;
	}
	dsq = scx_find_user_dsq(sch, dsq_id);
	if (!dsq) {
		scx_error(sch, "peek on non-existent DSQ 0x%llx", (unsigned long long)dsq_id);
		return NULL;
	}
	return dsq->head ? &dsq->head->ts : NULL;
}

void scx_kick_cpu(struct scx_sched *sch, int cpu, uint64_t flags)
{
	struct sim *sim = sch->sim;
	struct sim_cpu *rq;

	if (!scx_cpu_valid(sch, cpu, NULL))
		return;
	if ((flags & SCX_KICK_IDLE) && (flags & (SCX_KICK_PREEMPT | SCX_KICK_WAIT))) {
		scx_error(sch, "PREEMPT/WAIT cannot be used with SCX_KICK_IDLE");
		return;
	}
	if (sch->bypassing)
		return;
	rq = &sim->cpus[cpu];
	if (!rq->online)
		return;
	sch->counters.nr_kicks++;
	if (sim->on_kick)
		sim->on_kick(sim, sim->current_cpu, cpu, flags);
	if (flags & SCX_KICK_IDLE) {
		if (rq->curr)
			return;
	} else if ((flags & SCX_KICK_PREEMPT) && rq->curr && scx_is_ext(sim, rq->curr)) {
		rq->curr->ts.scx.slice = 0;
	}
	sim_sched__resched(sim, cpu);
}

void scx_bpf_kick_cpu(s32 cpu, u64 flags)
{
	struct scx_sched *sch = scx_current();

	if (sch)
		scx_kick_cpu(sch, cpu, flags);
}

bool scx_bpf_task_set_slice(struct task_struct *p, u64 slice)
{
	if (!p)
		return false;
	p->scx.slice = slice;
	return true;
}

bool scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime)
{
	if (!p)
		return false;
	p->scx.dsq_vtime = vtime;
	return true;
}

bool scx_bpf_task_running(const struct task_struct *p)
{
	const struct sim_task *t = (const struct sim_task *)p;
	return p && t->state == SIM_TASK_RUNNING;
}

s32 scx_bpf_task_cpu(const struct task_struct *p)
{
	return p ? ((const struct sim_task *)p)->cpu : -1;
}

static struct rq rq_views[SIM_MAX_CPUS];

/*
 * Each CPU's idle task, which the kernel's rq->curr is while the CPU idles (pid 0,
 * "swapper/N", PF_IDLE | PF_KTHREAD, allowed on that CPU only): what scx_bpf_cpu_curr() and
 * rq->curr return for an idle CPU, as on the kernel, instead of NULL. It is not a simulated
 * task: it never joins a run queue. Kept per simulator CPU id; filled on first use.
 */
static struct sim_task idle_tasks[SIM_MAX_CPUS];

struct task_struct *scx__idle_task(struct sim *sim, s32 cpu)
{
	struct sim_task *t = &idle_tasks[cpu];

	if (t->sim != sim) {
		memset(t, 0, sizeof(*t));
		t->sim = sim;
		t->id = -1;
		t->state = SIM_TASK_RUNNING;
		t->cpu = cpu;
		t->last_ran_cpu = cpu;
		t->group = -1;
		t->ts.pid = 0;
		t->ts.tgid = 0;
		t->ts.flags = PF_IDLE | PF_KTHREAD;
		t->ts.prio = t->ts.static_prio = t->ts.normal_prio = 120;
		t->ts.nr_cpus_allowed = 1;
		t->ts.cpus_mask.bits[cpu / (8 * sizeof(unsigned long))] = 1UL << (cpu % (8 * sizeof(unsigned long)));
		t->ts.cpus_ptr = &t->ts.cpus_mask;
		snprintf(t->ts.comm, sizeof(t->ts.comm), "swapper/%d", cpu);
	}
	return &t->ts;
}

struct rq *scx_bpf_cpu_rq(s32 cpu)
{
	struct scx_sched *sch = scx_current();
	struct sim_cpu *c;

	if (!sch || !scx_cpu_valid(sch, cpu, NULL))
		return NULL;
	c = &sch->sim->cpus[cpu];
	rq_views[cpu] = (struct rq){
		.cpu = cpu,
		.curr = c->curr ? &c->curr->ts : scx__idle_task(sch->sim, cpu),
		.nr_running = c->scx.nr_running + c->fair.nr_running,
		.clock = sim__ktime(sch->sim),
		.clock_task = sim__ktime(sch->sim),
		.clock_pelt = sim__ktime(sch->sim),
	};
	return &rq_views[cpu];
}

struct rq *scx_bpf_locked_rq(void)
{
	struct scx_sched *sch = scx_current();

	if (!sch || sch->sim->current_cpu < 0 || !sch->op_depth)
		return NULL;
	return scx_bpf_cpu_rq(sch->sim->current_cpu);
}

struct task_struct *scx_bpf_cpu_curr(s32 cpu)
{
	struct scx_sched *sch = scx_current();

	if (!sch || !scx_cpu_valid(sch, cpu, NULL))
		return NULL;
	return sch->sim->cpus[cpu].curr ? &sch->sim->cpus[cpu].curr->ts : scx__idle_task(sch->sim, cpu);
}

struct cgroup *scx_bpf_task_cgroup(struct task_struct *p)
{
	return p && p->cgroups ? p->cgroups->dfl_cgrp : NULL;
}

u64 scx_bpf_now(void)
{
	struct sim *sim = sim__current();
	return sim ? sim__ktime(sim) : 0;
}

void scx_bpf_events(struct scx_event_stats *events, size_t events__sz)
{
	struct scx_sched *sch = scx_current();
	size_t n = events__sz < sizeof(*events) ? events__sz : sizeof(*events);

	if (!events)
		return;
	if (!sch) {
		memset(events, 0, n);
		return;
	}
	memcpy(events, &sch->events, n);
}

u32 scx_bpf_nr_cpu_ids(void)
{
	struct sim *sim = sim__current();
	return sim ? (u32)sim->nr_cpus : 0;
}

u32 scx_bpf_nr_node_ids(void)
{
	struct sim *sim = sim__current();
	return sim ? (u32)sim->topo.nr_nodes : 1;
}

s32 scx_bpf_cpu_node(s32 cpu)
{
	struct scx_sched *sch = scx_current();

	if (!sch || !scx_cpu_valid(sch, cpu, NULL))
		return 0;
	return sch->sim->topo.cpu[cpu].node;
}

const struct cpumask *scx_bpf_get_possible_cpumask(void)
{
	struct scx_sched *sch = scx_current();
	return sch ? &sch->possible_mask : NULL;
}

const struct cpumask *scx_bpf_get_online_cpumask(void)
{
	struct scx_sched *sch = scx_current();
	return sch ? &sch->online_mask : NULL;
}

void scx_bpf_put_cpumask(const struct cpumask *cpumask)
{
	(void)cpumask;
}

u32 scx_bpf_cpuperf_cap(s32 cpu)
{
	struct scx_sched *sch = scx_current();

	if (!sch || !scx_cpu_valid(sch, cpu, NULL))
		return SCX_CPUPERF_ONE;
	return sch->sim->topo.cpu[cpu].capacity;
}

u32 scx_bpf_cpuperf_cur(s32 cpu)
{
	struct scx_sched *sch = scx_current();

	if (!sch || !scx_cpu_valid(sch, cpu, NULL))
		return SCX_CPUPERF_ONE;
	return sch->sim->cpus[cpu].scx.cpuperf;
}

void scx_bpf_cpuperf_set(s32 cpu, u32 perf)
{
	struct scx_sched *sch = scx_current();

	if (!sch)
		return;
	if (perf > SCX_CPUPERF_ONE) {
		scx_error(sch, "Invalid cpuperf target %u for CPU %d", perf, cpu);
		return;
	}
	if (!scx_cpu_valid(sch, cpu, NULL))
		return;
	sch->sim->cpus[cpu].scx.cpuperf = perf;
}

/* Re-enqueue every task on this CPU's local DSQ through ops.enqueue (SCX_ENQ_REENQ). */
static u32 reenqueue_local(struct scx_sched *sch)
{
	struct sim *sim = sch->sim;
	int cpu = sim->current_cpu;
	struct sim_cpu *rq;
	u32 n = 0;

	if (cpu < 0)
		return 0;
	rq = &sim->cpus[cpu];
	/* detach the current contents first: re-enqueues may land back on this DSQ */
	uint32_t cnt = rq->scx.local.nr;
	for (uint32_t i = 0; i < cnt && rq->scx.local.head; i++) {
		struct sim_task *p = rq->scx.local.head;
		scx_dsq_unlink(p);
		scx_do_enqueue_task(sch, rq, p, SCX_ENQ_REENQ, -1);
		n++;
	}
	return n;
}

u32 scx_bpf_reenqueue_local(void)
{
	struct scx_sched *sch = scx_current();
	return sch ? reenqueue_local(sch) : 0;
}

void scx_bpf_reenqueue_local___v2(void)
{
	struct scx_sched *sch = scx_current();
	if (sch)
		reenqueue_local(sch);
}

/* ---- exits and dumps ---- */

void scx_bpf_exit_bstr(s64 exit_code, char *fmt, unsigned long long *data, u32 data__sz)
{
	struct scx_sched *sch = scx_current();
	char msg[SCX_EXIT_MSG_LEN], err[128];

	if (!sch)
		return;
	if (sim_bpf__bstr_format(msg, sizeof(msg), fmt, data, data__sz, err, sizeof(err)) < 0) {
		scx_error(sch, "%s", err);
		return;
	}
	scx_exit(sch, SCX_EXIT_UNREG_BPF, exit_code, "%s", msg);
}

void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz)
{
	struct scx_sched *sch = scx_current();
	char msg[SCX_EXIT_MSG_LEN], err[128];

	if (!sch)
		return;
	if (sim_bpf__bstr_format(msg, sizeof(msg), fmt, data, data__sz, err, sizeof(err)) < 0) {
		scx_error(sch, "%s", err);
		return;
	}
	scx_exit(sch, SCX_EXIT_ERROR_BPF, 0, "%s", msg);
}

void scx_bpf_dump_bstr(char *fmt, unsigned long long *data, u32 data__sz)
{
	struct scx_sched *sch = scx_current();
	char line[SCX_EXIT_MSG_LEN], err[128];

	if (!sch)
		return;
	if (!sch->dump.active || sch->dump.cpu != sch->sim->current_cpu) {
		scx_error(sch, "scx_bpf_dump() must only be called from ops.dump() and friends");
		return;
	}
	if (sim_bpf__bstr_format(line, sizeof(line), fmt, data, data__sz, err, sizeof(err)) < 0) {
		char bad[SCX_EXIT_MSG_LEN + 64];
		snprintf(bad, sizeof(bad), "[!] %s\n", err);
		scx_dump_append(sch, bad);
		return;
	}
	scx_dump_append(sch, line);
}
