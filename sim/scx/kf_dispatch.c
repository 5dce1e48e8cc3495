/*
 * Kfuncs that insert tasks into DSQs or move them between DSQs: scx_bpf_dsq_insert[_vtime],
 * the dispatch buffer (dispatch_nr_slots, dispatch_cancel, flush), scx_bpf_dsq_move_to_local
 * and the iterator-based scx_bpf_dsq_move[_vtime].
 *
 * From ops.select_cpu / ops.enqueue an insert on the task being handled records a direct
 * dispatch verdict, applied when the callback returns. From ops.dispatch it goes into the
 * CPU's dispatch buffer, flushed when ops.dispatch returns or on move_to_local; entries whose
 * task left BPF custody meanwhile (qseq changed) are dropped, as in the kernel.
 */
#include "sim/scx/scx_internal.h"

#include <errno.h>
#include <stdlib.h>

static bool in_dispatch(const struct scx_sched *sch)
{
	return sch->op == SCX_OP_DISPATCH;
}

static void context_error(struct scx_sched *sch, const char *kfunc)
{
	scx_error(sch, "%s() called from %s%s%s: the kernel's verifier rejects this call there",
		  kfunc, sch->op_depth ? "ops." : "outside any callback",
		  sch->op_depth ? scx_op_names[sch->op] : "", sch->op_depth ? "()" : "");
}

static bool dsq_insert(struct task_struct *ts, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags,
		       bool vtime_insert, const char *kfunc, const void *site)
{
	struct scx_sched *sch = scx_current();
	struct sim_task *p;

	if (!sch)
		return false;
	if (!ts) {
		scx_error(sch, "called with NULL task");
		return false;
	}
	if (enq_flags & __SCX_ENQ_INTERNAL_MASK) {
		scx_error(sch, "invalid enq_flags 0x%llx", (unsigned long long)enq_flags);
		return false;
	}
	p = sim_task__from_ts(ts);
	if (slice)
		ts->scx.slice = slice;
	else if (!ts->scx.slice)
		ts->scx.slice = 1;
	if (vtime_insert) {
		ts->scx.dsq_vtime = vtime;
		enq_flags |= SCX_ENQ_DSQ_PRIQ;
	}

	if (sch->op == SCX_OP_SELECT_CPU || sch->op == SCX_OP_ENQUEUE) {
		struct sim_task *ddsp = sch->ddsp_task;

		if (ddsp != p) {
			if (ddsp)
				scx_error(sch, "scheduling for %s[%d] but trying to direct-dispatch %s[%d]",
					  ddsp->ts.comm, ddsp->ts.pid, ts->comm, ts->pid);
			else
				context_error(sch, kfunc);
			return false;
		}
		if (p->scx.ddsp_pending) {
			scx_error(sch, "%s[%d] already direct-dispatched", ts->comm, ts->pid);
			return false;
		}
		p->scx.ddsp_pending = true;
		p->scx.ddsp_dsq_id = dsq_id;
		p->scx.ddsp_enq_flags = enq_flags;
		p->scx.ddsp_site = site;
		p->scx.ddsp_op = sch->op;
		ts->scx.ddsp_dsq_id = dsq_id;
		ts->scx.ddsp_enq_flags = enq_flags;
		return true;
	}
	if (in_dispatch(sch)) {
		struct sim_cpu *rq = &sch->sim->cpus[sch->sim->current_cpu];
		struct scx_dsp_ent *ent;

		if (rq->scx.dsp_cnt >= sch->dsp_max_batch) {
			scx_error(sch, "dispatch buffer overflow");
			return false;
		}
		ent = &rq->scx.dsp_buf[rq->scx.dsp_cnt++];
		*ent = (struct scx_dsp_ent){
			.task = p,
			.qseq = p->scx.qseq,
			.dsq_id = dsq_id,
			.enq_flags = enq_flags,
			.slice = ts->scx.slice,
			.vtime = ts->scx.dsq_vtime,
			.vtime_insert = vtime_insert,
			.site = site,
		};
		rq->scx.dsp_nr_tasks++;
		rq->scx.nr_dsp_placed++;
		return true;
	}
	context_error(sch, kfunc);
	return false;
}

bool scx_bpf_dsq_insert___v2(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags)
{
	return dsq_insert(p, dsq_id, slice, 0, enq_flags, false, "scx_bpf_dsq_insert",
			  __builtin_return_address(0));
}

bool __scx_bpf_dsq_insert_vtime(struct task_struct *p, struct scx_bpf_dsq_insert_vtime_args *args)
{
	if (!args)
		return false;
	return dsq_insert(p, args->dsq_id, args->slice, args->vtime, args->enq_flags, true,
			  "scx_bpf_dsq_insert_vtime", __builtin_return_address(0));
}

void scx_bpf_dsq_insert_vtime___v1(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
				   u64 enq_flags)
{
	dsq_insert(p, dsq_id, slice, vtime, enq_flags, true, "scx_bpf_dsq_insert_vtime",
		   __builtin_return_address(0));
}

static void finish_dispatch(struct scx_sched *sch, struct sim_cpu *rq, const struct scx_dsp_ent *ent)
{
	struct sim_task *p = ent->task;

	/* the task left BPF custody or was re-enqueued since the insert: drop the entry */
	if (p->scx.ops_state != SCX_OPSS_QUEUED || p->scx.qseq != ent->qseq || !(p->ts.scx.flags & SCX_TASK_QUEUED))
		return;
	p->scx.ops_state = SCX_OPSS_NONE;
	scx_verdict_begin(sch, SCX_OP_DISPATCH, ent->site, p);
	scx_dispatch_to_local_dsq(sch, rq, ent->dsq_id, p, ent->enq_flags);
	scx_verdict_end(sch);
}

void scx_finish_dispatch_buf(struct scx_sched *sch, struct sim_cpu *rq)
{
	uint32_t n = rq->scx.dsp_cnt;

	rq->scx.dsp_cnt = 0;
	for (uint32_t i = 0; i < n; i++)
		finish_dispatch(sch, rq, &rq->scx.dsp_buf[i]);
}

u32 scx_bpf_dispatch_nr_slots(void)
{
	struct scx_sched *sch = scx_current();

	if (!sch || !in_dispatch(sch))
		return 0;
	return sch->dsp_max_batch - sch->sim->cpus[sch->sim->current_cpu].scx.dsp_cnt;
}

void scx_bpf_dispatch_cancel(void)
{
	struct scx_sched *sch = scx_current();
	struct sim_cpu *rq;

	if (!sch)
		return;
	if (!in_dispatch(sch)) {
		context_error(sch, "scx_bpf_dispatch_cancel");
		return;
	}
	rq = &sch->sim->cpus[sch->sim->current_cpu];
	if (rq->scx.dsp_cnt)
		rq->scx.dsp_cnt--;
	else
		scx_error(sch, "dispatch buffer underflow");
}

bool scx_bpf_dsq_move_to_local___v2(u64 dsq_id, u64 enq_flags)
{
	struct scx_sched *sch = scx_current();
	struct sim_cpu *rq;
	struct scx_dsq *dsq;

	if (!sch)
		return false;
	if (!in_dispatch(sch)) {
		context_error(sch, "scx_bpf_dsq_move_to_local");
		return false;
	}
	rq = &sch->sim->cpus[sch->sim->current_cpu];
	scx_flush_dispatch_buf(sch, rq);
	dsq = (dsq_id & SCX_DSQ_FLAG_BUILTIN) ? NULL : scx_find_user_dsq(sch, dsq_id);
	if (!dsq) {
		scx_error(sch, "invalid DSQ ID 0x%016llx", (unsigned long long)dsq_id);
		return false;
	}
	if (scx_consume_dispatch_q(sch, rq, dsq, enq_flags)) {
		rq->scx.dsp_nr_tasks++;
		return true;
	}
	return false;
}

/* ---- DSQ iteration ---- */

struct dsq_iter {
	struct scx_dsq *dsq;
	uint32_t seq;       /* only tasks inserted before the iteration started */
	uint64_t flags;
	uint64_t slice;
	uint64_t vtime;
	uint32_t n, idx;
	struct sim_task *tasks[];
};

static struct dsq_iter **iter_slot(struct bpf_iter_scx_dsq *it)
{
	return (struct dsq_iter **)&it->__opaque[0];
}

int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags)
{
	struct scx_sched *sch = scx_current();
	struct dsq_iter *st;
	struct scx_dsq *dsq;
	uint32_t i = 0;

	*iter_slot(it) = NULL;
	if (!sch)
		return -EINVAL;
	if (flags & ~(u64)__SCX_DSQ_ITER_USER_FLAGS)
		return -EINVAL;
	dsq = (dsq_id & SCX_DSQ_FLAG_BUILTIN) ? NULL : scx_find_user_dsq(sch, dsq_id);
	if (!dsq)
		return -ENOENT;
	st = calloc(1, sizeof(*st) + dsq->nr * sizeof(st->tasks[0]));
	if (!st)
		return -ENOMEM;
	st->dsq = dsq;
	st->seq = dsq->seq;
	st->flags = flags;
	st->n = dsq->nr;
	if (flags & SCX_DSQ_ITER_REV)
		for (struct sim_task *p = dsq->tail; p; p = p->scx.dsq_prev)
			st->tasks[i++] = p;
	else
		for (struct sim_task *p = dsq->head; p; p = p->scx.dsq_next)
			st->tasks[i++] = p;
	*iter_slot(it) = st;
	return 0;
}

struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it)
{
	struct dsq_iter *st = *iter_slot(it);

	while (st && st->idx < st->n) {
		struct sim_task *p = st->tasks[st->idx++];
		if (p->scx.dsq == st->dsq && (int32_t)(p->scx.dsq_seq - st->seq) <= 0)
			return &p->ts;
	}
	return NULL;
}

void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it)
{
	free(*iter_slot(it));
	*iter_slot(it) = NULL;
}

void scx_bpf_dsq_move_set_slice(struct bpf_iter_scx_dsq *it, u64 slice)
{
	struct dsq_iter *st = *iter_slot(it);

	if (st) {
		st->slice = slice;
		st->flags |= __SCX_DSQ_ITER_HAS_SLICE;
	}
}

void scx_bpf_dsq_move_set_vtime(struct bpf_iter_scx_dsq *it, u64 vtime)
{
	struct dsq_iter *st = *iter_slot(it);

	if (st) {
		st->vtime = vtime;
		st->flags |= __SCX_DSQ_ITER_HAS_VTIME;
	}
}

static bool dsq_move(struct bpf_iter_scx_dsq *it, struct task_struct *ts, u64 dsq_id, u64 enq_flags,
		     bool vtime)
{
	struct scx_sched *sch = scx_current();
	struct dsq_iter *st = *iter_slot(it);
	struct sim_task *p;
	struct sim_cpu *rq;

	if (!sch || !st || !ts)
		return false;
	p = sim_task__from_ts(ts);
	/* only a task still on the iterated DSQ, queued before the iteration began, can move */
	if (p->scx.dsq != st->dsq || (int32_t)(p->scx.dsq_seq - st->seq) > 0)
		return false;
	if (st->flags & __SCX_DSQ_ITER_HAS_SLICE)
		ts->scx.slice = st->slice;
	if (st->flags & __SCX_DSQ_ITER_HAS_VTIME)
		ts->scx.dsq_vtime = st->vtime;
	st->flags &= ~(u64)(__SCX_DSQ_ITER_HAS_SLICE | __SCX_DSQ_ITER_HAS_VTIME);
	if (vtime)
		enq_flags |= SCX_ENQ_DSQ_PRIQ;
	rq = &sch->sim->cpus[sch->sim->current_cpu >= 0 ? sch->sim->current_cpu : p->cpu];
	if (in_dispatch(sch))
		scx_flush_dispatch_buf(sch, rq);
	scx_dsq_unlink(p);
	scx_dispatch_to_local_dsq(sch, rq, dsq_id, p, enq_flags);
	if (in_dispatch(sch)) {
		rq->scx.dsp_nr_tasks++;
		rq->scx.nr_dsp_placed++;
	}
	return true;
}

bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq_id, u64 enq_flags)
{
	return dsq_move(it, p, dsq_id, enq_flags, false);
}

bool scx_bpf_dsq_move_vtime(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq_id,
			    u64 enq_flags)
{
	return dsq_move(it, p, dsq_id, enq_flags, true);
}
