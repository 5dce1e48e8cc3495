/*
 * The enqueue side of sched_ext: where a runnable task goes (do_enqueue_task), direct
 * dispatch verdicts, inserting into DSQs and the preemption that a local insert can cause.
 */
#include "sim/scx/scx_internal.h"

static void move_task_cpu(struct sim *sim, struct sim_task *p, int cpu)
{
	if (p->cpu == cpu)
		return;
	sim->cpus[p->cpu].scx.nr_running--;
	p->cpu = cpu;
	sim->cpus[cpu].scx.nr_running++;
	p->stats.nr_migrations++;
	p->ts.se.nr_migrations++;
	sim->nr_migrations += !p->unmeasured;
}

void scx_refill_slice_dfl(struct scx_sched *sch, struct sim_task *p)
{
	p->ts.scx.slice = sch->bypassing ? SCX_SLICE_BYPASS : SCX_SLICE_DFL;
	sch->events.SCX_EV_REFILL_SLICE_DFL++;
}

void scx_call_dequeue_custody(struct scx_sched *sch, struct sim_task *p, uint64_t deq_flags)
{
	struct scx_op_ctx save;

	p->scx.in_custody = false;
	p->ts.scx.flags &= ~SCX_TASK_IN_CUSTODY;
	/* the kernel's disable path dequeues every queued task (bypass, then the class switch):
	 * a task in custody then is still handed back through ops.dequeue */
	if (!SCX_HAS_OP(sch, dequeue) || (sch->state != SCX_ST_ENABLED && sch->state != SCX_ST_DISABLING))
		return;
	scx_op_enter(sch, &save, SCX_OP_DEQUEUE, p, p->cpu);
	scx_op_call(sch, &save, sch->ops->dequeue(&p->ts, deq_flags));
	scx_op_leave(sch, &save);
}

bool scx_cpu_valid(const struct scx_sched *sch, s32 cpu, const char *where)
{
	if (cpu >= 0 && cpu < sch->sim->nr_cpus)
		return true;
	scx_error((struct scx_sched *)sch, "invalid CPU %d%s%s", cpu, where ? " " : "", where ? where : "");
	return false;
}

/* Insert @p into @dsq and do what the insert implies (custody, preemption, wakeup). */
void scx_dispatch_enqueue(struct scx_sched *sch, struct scx_dsq *dsq, struct sim_task *p,
			  uint64_t enq_flags)
{
	struct sim *sim = sch->sim;

	if (dsq->destroyed) {
		scx_error(sch, "attempting to dispatch to a destroyed dsq");
		dsq = scx_global_dsq(sch, p->cpu);
	}
	scx_dsq_link(sch, dsq, p, enq_flags);

	if (dsq->is_local) {
		struct sim_cpu *rq = &sim->cpus[dsq->cpu];
		struct sim_task *curr = rq->curr;
		bool preempt = false;

		scx_call_dequeue_if_custody(sch, p, 0);
		if ((enq_flags & SCX_ENQ_PREEMPT) && curr && curr != p && scx_is_ext(sim, curr)) {
			curr->ts.scx.slice = 0;
			preempt = true;
		}
		if (preempt || !curr)
			sim_sched__resched(sim, rq->id);
	} else if (dsq->id == SCX_DSQ_GLOBAL || dsq->id == SCX_DSQ_BYPASS) {
		scx_call_dequeue_if_custody(sch, p, 0);
	} else {
		p->scx.in_custody = true;
		p->ts.scx.flags |= SCX_TASK_IN_CUSTODY;
	}
}

static struct scx_dsq *find_dsq_for_dispatch(struct scx_sched *sch, struct sim_cpu *rq,
					     uint64_t dsq_id, struct sim_task *p)
{
	struct scx_dsq *dsq;

	if (dsq_id == SCX_DSQ_LOCAL)
		return &rq->scx.local;
	if ((dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
		s32 cpu = (s32)(dsq_id & SCX_DSQ_LOCAL_CPU_MASK);
		if (!scx_cpu_valid(sch, cpu, "in SCX_DSQ_LOCAL_ON dispatch verdict"))
			return scx_global_dsq(sch, p->cpu);
		return &sch->sim->cpus[cpu].scx.local;
	}
	if (dsq_id == SCX_DSQ_GLOBAL)
		return scx_global_dsq(sch, p->cpu);
	dsq = (dsq_id & SCX_DSQ_FLAG_BUILTIN) ? NULL : scx_find_user_dsq(sch, dsq_id);
	if (!dsq) {
		scx_error(sch, "non-existent DSQ 0x%llx", (unsigned long long)dsq_id);
		return scx_global_dsq(sch, p->cpu);
	}
	return dsq;
}

/* Can @p be moved to @dst's local DSQ? Reports the kernel's errors when @report. */
static bool task_can_run_on_remote_rq(struct scx_sched *sch, struct sim_task *p,
				      struct sim_cpu *dst, bool report)
{
	if (p->ts.migration_disabled) {
		if (report)
			scx_error(sch, "SCX_DSQ_LOCAL[_ON] cannot move migration disabled %s[%d] from CPU %d to %d",
				  p->ts.comm, p->ts.pid, p->cpu, dst->id);
		return false;
	}
	if (!cpumask__test(p->ts.cpus_ptr, dst->id)) {
		if (report)
			scx_error(sch, "SCX_DSQ_LOCAL[_ON] target CPU %d not allowed for %s[%d]",
				  dst->id, p->ts.comm, p->ts.pid);
		return false;
	}
	return dst->online;
}

/* Put @p on the local DSQ named by @dsq_id, as seen from @rq (the CPU acting). */
void scx_dispatch_to_local_dsq(struct scx_sched *sch, struct sim_cpu *rq, uint64_t dsq_id,
			       struct sim_task *p, uint64_t enq_flags)
{
	struct sim *sim = sch->sim;
	struct scx_dsq *dsq = find_dsq_for_dispatch(sch, rq, dsq_id, p);
	struct sim_cpu *dst;

	if (!dsq->is_local) {
		scx_dispatch_enqueue(sch, dsq, p, enq_flags);
		return;
	}
	dst = &sim->cpus[dsq->cpu];
	if (!dst->online) {
		sch->events.SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE++;
		scx_dispatch_enqueue(sch, scx_global_dsq(sch, p->cpu), p, enq_flags);
		return;
	}
	if (p->cpu != dst->id) {
		if (!task_can_run_on_remote_rq(sch, p, dst, true)) {
			scx_dispatch_enqueue(sch, scx_global_dsq(sch, p->cpu), p, enq_flags);
			return;
		}
		move_task_cpu(sim, p, dst->id);
	}
	scx_dispatch_enqueue(sch, &dst->scx.local, p, enq_flags);
}

/* Move the first task of @dsq that can run on @rq to @rq's local DSQ. */
bool scx_consume_dispatch_q(struct scx_sched *sch, struct sim_cpu *rq, struct scx_dsq *dsq,
			    uint64_t enq_flags)
{
	for (struct sim_task *p = dsq->head; p; p = p->scx.dsq_next) {
		if (p->cpu != rq->id && !task_can_run_on_remote_rq(sch, p, rq, false))
			continue;
		scx_dsq_unlink(p);
		move_task_cpu(sch->sim, p, rq->id);
		scx_dispatch_enqueue(sch, &rq->scx.local, p, enq_flags);
		return true;
	}
	return false;
}

static void direct_dispatch(struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p,
			    uint64_t enq_flags)
{
	uint64_t dsq_id = p->scx.ddsp_dsq_id;

	enq_flags |= p->scx.ddsp_enq_flags;
	p->scx.ddsp_pending = false;
	p->ts.scx.ddsp_dsq_id = SCX_DSQ_INVALID;
	p->ts.scx.ddsp_enq_flags = 0;
	p->scx.ops_state = SCX_OPSS_NONE;
	sch->counters.nr_direct_dispatch++;
	scx_verdict_begin(sch, p->scx.ddsp_op, p->scx.ddsp_site, p);
	if (dsq_id == SCX_DSQ_LOCAL || (dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON)
		scx_dispatch_to_local_dsq(sch, rq, dsq_id, p, enq_flags);
	else
		scx_dispatch_enqueue(sch, find_dsq_for_dispatch(sch, rq, dsq_id, p), p, enq_flags);
	scx_verdict_end(sch);
}

static void enqueue_builtin(struct scx_sched *sch, struct scx_dsq *dsq, struct sim_task *p,
			    uint64_t enq_flags)
{
	scx_refill_slice_dfl(sch, p);
	scx_dispatch_enqueue(sch, dsq, p, enq_flags);
}

/* ops.enqueue(), from a function of its own (SCX_OP_CALLER's reason) */
static __attribute__((noinline)) void call_enqueue(struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p,
						   uint64_t enq_flags)
{
	struct scx_op_ctx save;

	scx_op_enter(sch, &save, SCX_OP_ENQUEUE, p, rq->id);
	sch->ddsp_task = p;
	scx_op_call(sch, &save, sch->ops->enqueue(&p->ts, enq_flags));
	scx_op_leave(sch, &save);
}

void scx_do_enqueue_task(struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p,
			 uint64_t enq_flags, int sticky_cpu)
{

	/*
	 * Sticky: the running task put back after a property change (the kernel's RESTORE of
	 * the current task) goes straight to its local DSQ, slice kept, without ops.enqueue:
	 * set_next follows at once and a task only starts running from a local DSQ.
	 */
	if (sticky_cpu == rq->id) {
		scx_dispatch_enqueue(sch, &rq->scx.local, p, enq_flags);
		return;
	}
	if (enq_flags & SCX_ENQ_REENQ) {
		if (++p->scx.reenq_count > SCX_REENQ_MAX_REPEAT) {
			scx_exit(sch, SCX_EXIT_ERROR_REENQ, 0, "%s[%d] reenqueued %u times without running",
				 p->ts.comm, p->ts.pid, p->scx.reenq_count);
		}
	}
	if (!rq->online) {
		enqueue_builtin(sch, &rq->scx.local, p, enq_flags);
		return;
	}
	if (sch->bypassing || sch->state != SCX_ST_ENABLED) {
		sch->events.SCX_EV_BYPASS_DISPATCH++;
		p->scx.ddsp_pending = false;
		enqueue_builtin(sch, &rq->scx.bypass, p, enq_flags);
		return;
	}
	if (p->scx.ddsp_pending) {
		direct_dispatch(sch, rq, p, enq_flags);
		return;
	}
	if ((p->ts.flags & PF_EXITING) && !(sch->flags & SCX_OPS_ENQ_EXITING)) {
		sch->events.SCX_EV_ENQ_SKIP_EXITING++;
		enqueue_builtin(sch, &rq->scx.local, p, enq_flags);
		return;
	}
	if (p->ts.migration_disabled && !(sch->flags & SCX_OPS_ENQ_MIGRATION_DISABLED)) {
		sch->events.SCX_EV_ENQ_SKIP_MIGRATION_DISABLED++;
		enqueue_builtin(sch, &rq->scx.local, p, enq_flags);
		return;
	}
	if (!SCX_HAS_OP(sch, enqueue)) {
		enqueue_builtin(sch, scx_global_dsq(sch, rq->id), p, enq_flags);
		return;
	}

	/* hand the task to the BPF scheduler */
	p->scx.qseq++;
	p->ts.scx.ops_qseq = p->scx.qseq;
	p->scx.ops_state = SCX_OPSS_QUEUED;
	sch->counters.nr_enqueue++;
	call_enqueue(sch, rq, p, enq_flags);

	if (p->scx.ddsp_pending) {
		direct_dispatch(sch, rq, p, enq_flags);
		return;
	}
	/* now in BPF custody: ops.dispatch must move it, or the watchdog will notice */
	p->scx.in_custody = true;
	p->ts.scx.flags |= SCX_TASK_IN_CUSTODY;
}
