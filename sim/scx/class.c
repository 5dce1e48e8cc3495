/*
 * The ext scheduling class: the simulator's sched_ext core as seen by sim/core.
 *
 * select_cpu -> enqueue -> (balance: local DSQ, global DSQ, ops.dispatch loop) -> pick ->
 * running -> tick -> stopping -> put back (local head with slice left, or ops.enqueue), in the
 * order and with the conditions of the kernel's ext.c (select_task_rq_scx, enqueue_task_scx,
 * balance_one, pick_task_scx, put_prev_task_scx, set_next_task_scx, task_tick_scx).
 */
#include "sim/scx/scx_internal.h"

#include <string.h>

static struct scx_sched *sched_of(struct sim *sim)
{
	return sim->scx;
}

static bool task_queued(const struct sim_task *p)
{
	return p->ts.scx.flags & SCX_TASK_QUEUED;
}

/* the policy's hot callbacks, each called from a function of its own (SCX_OP_CALLER) */
SCX_OP_CALLER(call_runnable, SCX_OP_RUNNABLE, (struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p, uint64_t f),
	      p, rq->id, sch->ops->runnable(&p->ts, f))
SCX_OP_CALLER(call_stopping, SCX_OP_STOPPING, (struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p, bool runnable),
	      p, rq->id, sch->ops->stopping(&p->ts, runnable))
SCX_OP_CALLER(call_quiescent, SCX_OP_QUIESCENT, (struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p, uint64_t f),
	      p, rq->id, sch->ops->quiescent(&p->ts, f))
SCX_OP_CALLER(call_dispatch, SCX_OP_DISPATCH, (struct scx_sched *sch, struct sim_cpu *rq, struct task_struct *prev),
	      NULL, rq->id, sch->ops->dispatch(rq->id, prev))
SCX_OP_CALLER(call_running, SCX_OP_RUNNING, (struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p),
	      p, rq->id, sch->ops->running(&p->ts))
SCX_OP_CALLER(call_tick, SCX_OP_TICK, (struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p),
	      p, rq->id, sch->ops->tick(&p->ts))
SCX_OP_CALLER(call_cpu_acquire, SCX_OP_CPU_ACQUIRE, (struct scx_sched *sch, struct sim_cpu *rq),
	      NULL, rq->id, sch->ops->cpu_acquire(rq->id, NULL))
SCX_OP_CALLER(call_cpu_release, SCX_OP_CPU_RELEASE, (struct scx_sched *sch, struct sim_cpu *rq, struct scx_cpu_release_args *args),
	      NULL, rq->id, sch->ops->cpu_release(rq->id, args))

/* ops.select_cpu(); @prev_cpu if the policy faults in it */
static __attribute__((noinline)) s32 call_select_cpu(struct scx_sched *sch, struct sim_task *p, int prev_cpu,
						     uint64_t wake_flags, int waker_cpu)
{
	struct scx_op_ctx save;
	volatile s32 cpu = prev_cpu; /* kept across scx_op_call's setjmp */

	scx_op_enter(sch, &save, SCX_OP_SELECT_CPU, p, waker_cpu >= 0 ? waker_cpu : prev_cpu);
	sch->ddsp_task = p;
	scx_op_call(sch, &save, cpu = sch->ops->select_cpu(&p->ts, prev_cpu, wake_flags));
	scx_op_leave(sch, &save);
	return cpu;
}

static s32 ext_select_cpu(struct sim *sim, struct sim_task *p, int prev_cpu, uint64_t wake_flags,
			  int waker_cpu)
{
	struct scx_sched *sch = sched_of(sim);
	s32 cpu;

	p->scx.cpu_selected = true;
	if (!sch || sch->bypassing || sch->state != SCX_ST_ENABLED)
		return prev_cpu;
	sch->counters.nr_select_cpu++;
	if (SCX_HAS_OP(sch, select_cpu)) {
		cpu = call_select_cpu(sch, p, prev_cpu, wake_flags, waker_cpu);
		if (!scx_cpu_valid(sch, cpu, "from ops.select_cpu()"))
			return prev_cpu;
		p->ts.scx.selected_cpu = cpu;
		if (!cpumask__test(p->ts.cpus_ptr, cpu))
			sch->events.SCX_EV_SELECT_CPU_FALLBACK++;
		return cpu;
	}
	cpu = scx_select_cpu_dfl(sch, p, prev_cpu, wake_flags, NULL, 0);
	if (cpu >= 0) {
		p->scx.ddsp_pending = true;
		p->scx.ddsp_dsq_id = SCX_DSQ_LOCAL;
		p->scx.ddsp_enq_flags = 0;
		p->ts.scx.slice = SCX_SLICE_DFL;
		return cpu;
	}
	return prev_cpu;
}

static void set_runnable_at(struct sim *sim, struct sim_task *p)
{
	p->scx.runnable_at_ns = sim->loop.now;
	p->scx.runnable_at_valid = true;
	p->ts.scx.runnable_at = (unsigned long)(sim->loop.now / SIM_TICK_NS);
}

static void ext_enqueue(struct sim *sim, struct sim_cpu *rq, struct sim_task *p, uint64_t flags)
{
	struct scx_sched *sch = sched_of(sim);
	uint64_t enq_flags = 0;

	if (flags & SIM_ENQ_WAKEUP)
		enq_flags |= SCX_ENQ_WAKEUP;
	if (p->scx.cpu_selected)
		enq_flags |= SCX_ENQ_CPU_SELECTED;
	p->scx.cpu_selected = false;

	p->ts.scx.flags |= SCX_TASK_QUEUED;
	rq->scx.nr_running++;
	if (!p->scx.runnable_at_valid)
		set_runnable_at(sim, p);
	if (!sch)
		return;

	if (!(flags & SIM_ENQ_MIGRATING) && SCX_HAS_OP(sch, runnable) && sch->state == SCX_ST_ENABLED &&
	    !sch->bypassing) {
		call_runnable(sch, rq, p, enq_flags);
	}
	scx_do_enqueue_task(sch, rq, p, enq_flags, (flags & SIM_ENQ_RESTORE) && rq->curr == p ? rq->id : -1);
}


static void ext_dequeue(struct sim *sim, struct sim_cpu *rq, struct sim_task *p, uint64_t flags)
{
	struct scx_sched *sch = sched_of(sim);
	uint64_t deq_flags = (flags & SIM_DEQ_SLEEP) ? SCX_DEQ_SLEEP : SCX_DEQ_SCHED_CHANGE;
	bool ops_ok = sch && sch->state == SCX_ST_ENABLED;

	if (!task_queued(p))
		return;
	/* leaving BPF custody: stale dispatch-buffer entries die by qseq */
	p->scx.ops_state = SCX_OPSS_NONE;
	if (sch)
		scx_call_dequeue_if_custody(sch, p, deq_flags);
	if (rq->curr == p && ops_ok && SCX_HAS_OP(sch, stopping))
		call_stopping(sch, rq, p, false);
	if (!(flags & SIM_DEQ_MIGRATING) && ops_ok && SCX_HAS_OP(sch, quiescent)) {
		call_quiescent(sch, rq, p, deq_flags);
	}
	p->ts.scx.flags &= ~SCX_TASK_QUEUED;
	if (flags & SIM_DEQ_SLEEP)
		p->ts.scx.flags |= SCX_TASK_DEQD_FOR_SLEEP;
	rq->scx.nr_running--;
	scx_dsq_unlink(p);
	p->scx.ddsp_pending = false;
	p->scx.runnable_at_valid = false;
}

enum dsp_verdict { DSP_NONE, DSP_PREV, DSP_LOCAL };

static enum dsp_verdict dispatch_sched(struct scx_sched *sch, struct sim_cpu *rq,
				       struct sim_task *prev, bool prev_on_scx)
{
	int loops = SCX_DSP_MAX_LOOPS;

	if (scx_consume_dispatch_q(sch, rq, scx_global_dsq(sch, rq->id), 0))
		return DSP_LOCAL;
	if (sch->bypassing || sch->state != SCX_ST_ENABLED) {
		if (scx_consume_dispatch_q(sch, rq, &rq->scx.bypass, 0))
			return DSP_LOCAL;
		return DSP_NONE;
	}
	if (!SCX_HAS_OP(sch, dispatch) || !rq->online)
		return DSP_NONE;

	do {
		rq->scx.dsp_nr_tasks = 0;
		sch->counters.nr_dispatch++;
		call_dispatch(sch, rq, prev_on_scx ? &prev->ts : NULL);
		scx_flush_dispatch_buf(sch, rq);

		if (prev && task_queued(prev) && scx_is_ext(sch->sim, prev) && prev->ts.scx.slice)
			return DSP_PREV;
		if (rq->scx.local.nr)
			return DSP_LOCAL;
		if (scx_consume_dispatch_q(sch, rq, scx_global_dsq(sch, rq->id), 0))
			return DSP_LOCAL;
		if (sch->state != SCX_ST_ENABLED)
			break;
		if (!--loops) {
			sch->counters.nr_dsp_loops_exhausted++;
			scx_kick_cpu(sch, rq->id, 0);
			break;
		}
	} while (rq->scx.dsp_nr_tasks);
	return DSP_NONE;
}

static enum dsp_verdict balance_one(struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *prev)
{
	bool prev_on_scx = prev && scx_is_ext(sch->sim, prev) && task_queued(prev);
	enum dsp_verdict v;

	rq->scx.in_balance = true;
	if ((sch->flags & SCX_OPS_HAS_CPU_PREEMPT) && rq->scx.cpu_released) {
		if (SCX_HAS_OP(sch, cpu_acquire) && sch->state == SCX_ST_ENABLED) {
			call_cpu_acquire(sch, rq);
		}
		rq->scx.cpu_released = false;
	}
	if (prev_on_scx && prev->ts.scx.slice && !sch->bypassing) {
		v = DSP_PREV;
		goto out;
	}
	if (rq->scx.local.nr) {
		v = DSP_LOCAL;
		goto out;
	}
	v = dispatch_sched(sch, rq, prev, prev_on_scx);
	if (v != DSP_NONE)
		goto out;
	if (prev_on_scx && (!(sch->flags & SCX_OPS_ENQ_LAST) || sch->bypassing)) {
		sch->events.SCX_EV_DISPATCH_KEEP_LAST++;
		v = DSP_PREV;
	}
out:
	rq->scx.in_balance = false;
	return v;
}

static struct sim_task *ext_pick_next(struct sim *sim, struct sim_cpu *rq, struct sim_task *prev)
{
	struct scx_sched *sch = sched_of(sim);
	struct sim_task *p;
	enum dsp_verdict v;

	if (!sch)
		return NULL;
	v = balance_one(sch, rq, prev);
	if (v == DSP_PREV) {
		if (!prev->ts.scx.slice)
			scx_refill_slice_dfl(sch, prev);
		return prev;
	}
	p = scx_dsq_first(&rq->scx.local);
	if (!p)
		return NULL;
	if (!p->ts.scx.slice) {
		if (!sch->bypassing && !sch->warned_zero_slice) {
			sim__klog(sim, "sched_ext: %s[%d] has zero slice in pick_task_scx()",
				  p->ts.comm, p->ts.pid);
			sch->warned_zero_slice = true;
		}
		scx_refill_slice_dfl(sch, p);
	}
	return p;
}

static void ext_put_prev(struct sim *sim, struct sim_cpu *rq, struct sim_task *p, struct sim_task *next)
{
	struct scx_sched *sch = sched_of(sim);
	bool ops_ok = sch && sch->state == SCX_ST_ENABLED;

	if (!sch)
		return;
	rq->scx.kick_wait_seq++;
	if (ops_ok && SCX_HAS_OP(sch, stopping) && task_queued(p))
		call_stopping(sch, rq, p, true);
	if (task_queued(p) && p->state == SIM_TASK_RUNNABLE) {
		set_runnable_at(sim, p);
		if (p->ts.scx.slice && !sch->bypassing) {
			scx_dispatch_enqueue(sch, &rq->scx.local, p, SCX_ENQ_HEAD);
		} else if (!next) {
			scx_do_enqueue_task(sch, rq, p, SCX_ENQ_LAST, -1);
		} else {
			scx_do_enqueue_task(sch, rq, p, 0, -1);
		}
	}
	/* a higher class takes the CPU: tell the policy once (cpu_release) */
	if (next && next != p && !scx_is_ext(sim, next) && (sch->flags & SCX_OPS_HAS_CPU_PREEMPT) &&
	    !rq->scx.cpu_released) {
		if (ops_ok && SCX_HAS_OP(sch, cpu_release)) {
			struct scx_cpu_release_args args = {
				.reason = SCX_CPU_PREEMPT_UNKNOWN,
				.task = &next->ts,
			};
			call_cpu_release(sch, rq, &args);
		}
		rq->scx.cpu_released = true;
	}
}

static void ext_set_next(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	struct scx_sched *sch = sched_of(sim);

	if (!sch)
		return;
	if (task_queued(p)) {
		if (p->scx.ops_state == SCX_OPSS_QUEUED || p->scx.in_custody) {
			p->scx.ops_state = SCX_OPSS_NONE;
			scx_call_dequeue_if_custody(sch, p, SCX_DEQ_CORE_SCHED_EXEC);
		}
		scx_dsq_unlink(p);
	}
	p->ts.se.exec_start = sim->loop.now;
	if (SCX_HAS_OP(sch, running) && task_queued(p) && sch->state == SCX_ST_ENABLED) {
		call_running(sch, rq, p);
	}
	p->scx.runnable_at_valid = false;
	p->scx.reenq_count = 0;
	p->scx.ran_on_scx = true;
}

static void ext_update_curr(struct sim *sim, struct sim_cpu *rq, struct sim_task *p, uint64_t delta)
{
	(void)sim;
	(void)rq;
	if (p->ts.scx.slice != SCX_SLICE_INF)
		p->ts.scx.slice -= delta < p->ts.scx.slice ? delta : p->ts.scx.slice;
}

static void ext_tick(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	struct scx_sched *sch = sched_of(sim);

	if (!sch)
		return;
	if (sch->bypassing || sch->state != SCX_ST_ENABLED) {
		p->ts.scx.slice = 0;
	} else if (SCX_HAS_OP(sch, tick)) {
		call_tick(sch, rq, p);
	}
	if (!p->ts.scx.slice)
		sim_sched__resched(sim, rq->id);
}

static void ext_yield(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	struct scx_sched *sch = sched_of(sim);
	struct scx_op_ctx save;

	if (sch && SCX_HAS_OP(sch, yield) && sch->state == SCX_ST_ENABLED && !sch->bypassing) {
		scx_op_enter(sch, &save, SCX_OP_YIELD, p, rq->id);
		scx_op_call(sch, &save, sch->ops->yield(&p->ts, NULL));
		scx_op_leave(sch, &save);
	} else {
		p->ts.scx.slice = 0;
	}
}

static uint32_t ext_nr_running(struct sim *sim, struct sim_cpu *rq)
{
	(void)sim;
	return rq->scx.nr_running;
}

static void ext_task_changed(struct sim *sim, struct sim_task *p)
{
	struct scx_sched *sch = sched_of(sim);
	struct scx_op_ctx save;

	if (!sch || !p->scx.enabled || sch->state != SCX_ST_ENABLED)
		return;
	if (p->scx.last_weight != p->ts.scx.weight) {
		p->scx.last_weight = p->ts.scx.weight;
		if (SCX_HAS_OP(sch, set_weight)) {
			scx_op_enter(sch, &save, SCX_OP_SET_WEIGHT, p, p->cpu);
			scx_op_call(sch, &save, sch->ops->set_weight(&p->ts, p->ts.scx.weight));
			scx_op_leave(sch, &save);
		}
	}
	if (memcmp(&p->scx.last_mask, p->ts.cpus_ptr, sizeof(p->scx.last_mask))) {
		p->scx.last_mask = *p->ts.cpus_ptr;
		if (SCX_HAS_OP(sch, set_cpumask)) {
			scx_op_enter(sch, &save, SCX_OP_SET_CPUMASK, p, p->cpu);
			scx_op_call(sch, &save, sch->ops->set_cpumask(&p->ts, p->ts.cpus_ptr));
			scx_op_leave(sch, &save);
		}
	}
}

static void ext_task_attach(struct sim *sim, struct sim_task *p, bool fork)
{
	struct scx_sched *sch = sched_of(sim);

	if (sch)
		scx_task_init_enable(sch, p, fork);
}

static void ext_task_detach(struct sim *sim, struct sim_task *p)
{
	struct scx_sched *sch = sched_of(sim);

	if (sch)
		scx_task_disable_exit(sch, p);
}

const struct sim_class sim_ext_class = {
	.name = "ext",
	.select_cpu = ext_select_cpu,
	.enqueue = ext_enqueue,
	.dequeue = ext_dequeue,
	.wakeup_preempt = NULL,
	.pick_next = ext_pick_next,
	.put_prev = ext_put_prev,
	.set_next = ext_set_next,
	.tick = ext_tick,
	.update_curr = ext_update_curr,
	.yield = ext_yield,
	.nr_running = ext_nr_running,
	.task_changed = ext_task_changed,
	.task_attach = ext_task_attach,
	.task_detach = ext_task_detach,
};
