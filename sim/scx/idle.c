/*
 * Built-in idle tracking and the default CPU selection (the kernel's ext/idle.c semantics):
 * an idle mask, an "idle core" mask (CPUs whose SMT siblings are all idle), claiming a CPU by
 * test-and-clear, scx_select_cpu_dfl's search order, and the idle kfuncs.
 */
#include "sim/scx/scx_internal.h"

#include <errno.h>

void scx_idle_init(struct scx_sched *sch)
{
	struct sim *sim = sch->sim;

	cpumask__clear_all(&sch->idle_mask);
	cpumask__clear_all(&sch->idle_smt);
	for (int cpu = 0; cpu < sim->nr_cpus; cpu++)
		if (!sim->cpus[cpu].curr)
			scx_idle_update(sch, cpu, true);
}

static const struct cpumask *core_of(const struct scx_sched *sch, int cpu)
{
	const struct sim_topology *t = &sch->sim->topo;
	return &t->core_mask[t->cpu[cpu].core];
}

static void update_core(struct scx_sched *sch, int cpu)
{
	const struct cpumask *core = core_of(sch, cpu);
	bool all_idle = true;
	int sib;

	cpumask__for_each(sib, core, sch->sim->nr_cpus)
		if (!cpumask__test(&sch->idle_mask, sib))
			all_idle = false;
	cpumask__for_each(sib, core, sch->sim->nr_cpus) {
		if (all_idle)
			cpumask__set(&sch->idle_smt, sib);
		else
			cpumask__clear(&sch->idle_smt, sib);
	}
}

void scx_idle_update(struct scx_sched *sch, int cpu, bool idle)
{
	if (idle)
		cpumask__set(&sch->idle_mask, cpu);
	else
		cpumask__clear(&sch->idle_mask, cpu);
	update_core(sch, cpu);
}

bool scx_idle_test_and_clear(struct scx_sched *sch, int cpu)
{
	if (!cpumask__test(&sch->idle_mask, cpu))
		return false;
	cpumask__clear(&sch->idle_mask, cpu);
	update_core(sch, cpu);
	return true;
}

static bool smt_active(const struct scx_sched *sch)
{
	return sch->sim->topo.threads_per_core > 1;
}

#define MASK_WORD_BITS (8 * (int)sizeof(unsigned long))

/* First CPU in [from, to) set in both @a and @b, or -1: a word at a time. */
static int first_in_both(const struct cpumask *a, const struct cpumask *b, int from, int to)
{
	for (int w = from / MASK_WORD_BITS; w * MASK_WORD_BITS < to; w++) {
		unsigned long bits = a->bits[w] & b->bits[w];
		int cpu;

		if (w == from / MASK_WORD_BITS)
			bits &= ~0UL << (from % MASK_WORD_BITS);
		if (!bits)
			continue;
		cpu = w * MASK_WORD_BITS + __builtin_ctzl(bits);
		return cpu < to ? cpu : -1;
	}
	return -1;
}

/* First CPU set in both masks in the rotation that starts at sch->pick_cursor, or -1. */
static int first_in_rotation(const struct scx_sched *sch, const struct cpumask *a,
			     const struct cpumask *b)
{
	int nr = sch->sim->nr_cpus;
	int start = sch->pick_cursor % nr;
	int cpu = first_in_both(a, b, start, nr);

	if (cpu < 0 && start > 0)
		cpu = first_in_both(a, b, 0, start);
	return cpu;
}

/*
 * Claim an idle CPU in @allowed (whole idle cores only if @core), round-robin start. Every CPU
 * of idle_smt is in idle_mask, so the first CPU of the rotation in both masks is claimed.
 */
static int pick_idle_in(struct scx_sched *sch, const struct cpumask *allowed, bool core)
{
	const struct cpumask *pool = core ? &sch->idle_smt : &sch->idle_mask;
	int cpu = first_in_rotation(sch, allowed, pool);

	if (cpu < 0 || !scx_idle_test_and_clear(sch, cpu))
		return -EBUSY;
	sch->pick_cursor = cpu + 1;
	return cpu;
}

static void mask_and(struct cpumask *dst, const struct cpumask *a, const struct cpumask *b)
{
	for (size_t i = 0; i < sizeof(dst->bits) / sizeof(dst->bits[0]); i++)
		dst->bits[i] = a->bits[i] & b->bits[i];
}

/* The words of a mask that can hold @nr_cpus CPUs (the idle masks hold no CPU past them). */
static bool mask_empty_upto(const struct cpumask *m, int nr_cpus)
{
	for (int i = 0; i < (nr_cpus + (int)CPUMASK_BITS_PER_WORD - 1) / (int)CPUMASK_BITS_PER_WORD; i++)
		if (m->bits[i])
			return false;
	return true;
}

static __attribute__((noinline)) s32 select_cpu_dfl_search(struct scx_sched *sch, struct sim_task *p,
							    s32 prev_cpu, u64 wake_flags,
							    const struct cpumask *and_mask, u64 flags)
{
	const struct sim_topology *t = &sch->sim->topo;
	struct cpumask allowed, llc, node;
	s32 cpu;

	if (and_mask)
		mask_and(&allowed, p->ts.cpus_ptr, and_mask);
	else
		allowed = *p->ts.cpus_ptr;
	mask_and(&allowed, &allowed, &sch->online_mask);
	if (prev_cpu < 0 || prev_cpu >= sch->sim->nr_cpus)
		prev_cpu = p->cpu;

	if (p->ts.nr_cpus_allowed == 1 || p->ts.migration_disabled) {
		if (cpumask__test(&allowed, prev_cpu) && scx_idle_test_and_clear(sch, prev_cpu))
			return prev_cpu;
		return -EBUSY;
	}
	mask_and(&llc, &allowed, &t->llc_mask[t->cpu[prev_cpu].llc]);
	mask_and(&node, &allowed, &t->node_mask[t->cpu[prev_cpu].node]);

	if (wake_flags & SCX_WAKE_SYNC) {
		cpu = sch->sim->current_cpu;
		if (cpu >= 0 && cpu < sch->sim->nr_cpus) {
			struct sim_task *waker = sch->sim->cpus[cpu].curr;
			if (sim_topology__same_llc(t, cpu, prev_cpu) && cpumask__test(&allowed, prev_cpu) &&
			    scx_idle_test_and_clear(sch, prev_cpu))
				return prev_cpu;
			if ((!waker || !(waker->ts.flags & PF_EXITING)) &&
			    !sch->sim->cpus[cpu].scx.local.nr && !mask_empty_upto(&sch->idle_mask, sch->sim->nr_cpus) &&
			    cpumask__test(&allowed, cpu)) {
				scx_idle_test_and_clear(sch, cpu);
				return cpu;
			}
		}
	}
	if (smt_active(sch)) {
		if (cpumask__test(&allowed, prev_cpu) && cpumask__test(&sch->idle_smt, prev_cpu) &&
		    scx_idle_test_and_clear(sch, prev_cpu))
			return prev_cpu;
		if ((cpu = pick_idle_in(sch, &llc, true)) >= 0)
			return cpu;
		if ((cpu = pick_idle_in(sch, &node, true)) >= 0)
			return cpu;
		if ((cpu = pick_idle_in(sch, &allowed, true)) >= 0)
			return cpu;
		if (flags & SCX_PICK_IDLE_CORE)
			return -EBUSY;
	}
	if (cpumask__test(&allowed, prev_cpu) && scx_idle_test_and_clear(sch, prev_cpu))
		return prev_cpu;
	if (smt_active(sch)) {
		struct cpumask sib;
		mask_and(&sib, &allowed, core_of(sch, prev_cpu));
		if ((cpu = pick_idle_in(sch, &sib, false)) >= 0)
			return cpu;
	}
	if ((cpu = pick_idle_in(sch, &llc, false)) >= 0)
		return cpu;
	if ((cpu = pick_idle_in(sch, &node, false)) >= 0)
		return cpu;
	return pick_idle_in(sch, &allowed, false);
}

s32 scx_select_cpu_dfl(struct scx_sched *sch, struct sim_task *p, s32 prev_cpu, u64 wake_flags,
		       const struct cpumask *and_mask, u64 flags)
{
	/*
	 * Every step of the search claims a CPU of idle_mask or fails without side effects, so
	 * with none idle (a saturated machine: most wakeups) it is not entered at all.
	 */
	if (mask_empty_upto(&sch->idle_mask, sch->sim->nr_cpus))
		return -EBUSY;
	return select_cpu_dfl_search(sch, p, prev_cpu, wake_flags, and_mask, flags);
}

static bool check_builtin_idle(struct scx_sched *sch)
{
	if (sch->builtin_idle)
		return true;
	scx_error(sch, "built-in idle tracking is disabled");
	return false;
}

s32 scx_bpf_select_cpu_dfl(struct task_struct *ts, s32 prev_cpu, u64 wake_flags, bool *is_idle)
{
	struct scx_sched *sch = scx_current();
	s32 cpu;

	if (is_idle)
		*is_idle = false;
	if (!sch || !ts || !check_builtin_idle(sch))
		return prev_cpu;
	cpu = scx_select_cpu_dfl(sch, sim_task__from_ts(ts), prev_cpu, wake_flags, NULL, 0);
	if (cpu >= 0) {
		if (is_idle)
			*is_idle = true;
		return cpu;
	}
	return prev_cpu;
}

s32 __scx_bpf_select_cpu_and(struct task_struct *ts, const struct cpumask *cpus_allowed,
			     struct scx_bpf_select_cpu_and_args *args)
{
	struct scx_sched *sch = scx_current();

	if (!sch || !ts || !args || !check_builtin_idle(sch))
		return -EINVAL;
	return scx_select_cpu_dfl(sch, sim_task__from_ts(ts), args->prev_cpu, args->wake_flags,
				  cpus_allowed, args->flags);
}

s32 scx_bpf_select_cpu_and___compat(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
				    const struct cpumask *cpus_allowed, u64 flags)
{
	struct scx_bpf_select_cpu_and_args args = {
		.prev_cpu = prev_cpu, .wake_flags = wake_flags, .flags = flags,
	};
	return __scx_bpf_select_cpu_and(p, cpus_allowed, &args);
}

static bool check_global_idle(struct scx_sched *sch)
{
	if (!check_builtin_idle(sch))
		return false;
	if (sch->flags & SCX_OPS_BUILTIN_IDLE_PER_NODE) {
		scx_error(sch, "SCX_OPS_BUILTIN_IDLE_PER_NODE enabled");
		return false;
	}
	return true;
}

static const struct cpumask empty_mask;

const struct cpumask *scx_bpf_get_idle_cpumask(void)
{
	struct scx_sched *sch = scx_current();
	if (!sch || !check_global_idle(sch))
		return &empty_mask;
	return &sch->idle_mask;
}

const struct cpumask *scx_bpf_get_idle_smtmask(void)
{
	struct scx_sched *sch = scx_current();
	if (!sch || !check_global_idle(sch))
		return &empty_mask;
	return smt_active(sch) ? &sch->idle_smt : &sch->idle_mask;
}

static bool check_node(struct scx_sched *sch, s32 node)
{
	if (!check_builtin_idle(sch))
		return false;
	if (!(sch->flags & SCX_OPS_BUILTIN_IDLE_PER_NODE)) {
		scx_error(sch, "per-node idle tracking is disabled");
		return false;
	}
	if (node < 0 || node >= sch->sim->topo.nr_nodes) {
		scx_error(sch, "invalid node %d", node);
		return false;
	}
	return true;
}

static struct cpumask node_idle_view[8];

const struct cpumask *scx_bpf_get_idle_cpumask_node(s32 node)
{
	struct scx_sched *sch = scx_current();
	if (!sch || !check_node(sch, node))
		return &empty_mask;
	mask_and(&node_idle_view[node % 8], &sch->idle_mask, &sch->sim->topo.node_mask[node]);
	return &node_idle_view[node % 8];
}

const struct cpumask *scx_bpf_get_idle_smtmask_node(s32 node)
{
	struct scx_sched *sch = scx_current();
	if (!sch || !check_node(sch, node))
		return &empty_mask;
	mask_and(&node_idle_view[node % 8], &sch->idle_smt, &sch->sim->topo.node_mask[node]);
	return &node_idle_view[node % 8];
}

void scx_bpf_put_idle_cpumask(const struct cpumask *idle_mask)
{
	(void)idle_mask;
}

bool scx_bpf_test_and_clear_cpu_idle(s32 cpu)
{
	struct scx_sched *sch = scx_current();

	if (!sch || !check_builtin_idle(sch) || !scx_cpu_valid(sch, cpu, NULL))
		return false;
	return scx_idle_test_and_clear(sch, cpu);
}

s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags)
{
	struct scx_sched *sch = scx_current();
	s32 cpu;

	if (!sch || !cpus_allowed || !check_builtin_idle(sch))
		return -EBUSY;
	if (smt_active(sch)) {
		cpu = pick_idle_in(sch, cpus_allowed, true);
		if (cpu >= 0 || (flags & SCX_PICK_IDLE_CORE))
			return cpu;
	}
	return pick_idle_in(sch, cpus_allowed, false);
}

s32 scx_bpf_pick_idle_cpu_node(const struct cpumask *cpus_allowed, s32 node, u64 flags)
{
	struct scx_sched *sch = scx_current();
	struct cpumask m;

	if (!sch || !cpus_allowed || !check_node(sch, node))
		return -EBUSY;
	mask_and(&m, cpus_allowed, &sch->sim->topo.node_mask[node]);
	return scx_bpf_pick_idle_cpu(&m, flags);
}

s32 scx_bpf_pick_any_cpu(const struct cpumask *cpus_allowed, u64 flags)
{
	struct scx_sched *sch = scx_current();
	s32 cpu;

	if (!sch || !cpus_allowed)
		return -EBUSY;
	if (sch->builtin_idle) {
		cpu = scx_bpf_pick_idle_cpu(cpus_allowed, flags);
		if (cpu >= 0)
			return cpu;
	}
	cpu = first_in_rotation(sch, cpus_allowed, &sch->online_mask);
	if (cpu < 0)
		return -EBUSY;
	sch->pick_cursor = cpu + 1;
	return cpu;
}

s32 scx_bpf_pick_any_cpu_node(const struct cpumask *cpus_allowed, s32 node, u64 flags)
{
	struct scx_sched *sch = scx_current();
	struct cpumask m;

	if (!sch || !cpus_allowed || !check_node(sch, node))
		return -EBUSY;
	mask_and(&m, cpus_allowed, &sch->sim->topo.node_mask[node]);
	return scx_bpf_pick_any_cpu(&m, flags);
}
