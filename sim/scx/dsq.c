/*
 * Dispatch queues: local (one per CPU), global (one per NUMA node), bypass, and the policy's
 * user DSQs, with the kernel's FIFO/PRIQ rules.
 *
 * A DSQ is one doubly linked list in dispatch order. In PRIQ mode the list is kept sorted by
 * p->scx.dsq_vtime (wrap-safe compare; equal keys keep insertion order), so consuming and
 * iterating take the smallest vtime first, as the kernel's rbtree-backed list does. Where an
 * insert goes is found through the DSQ's vtime index (a treap, sim/engine/treap.h), in
 * O(log n); it mirrors the list, whose walk it replaces.
 */
#include "sim/scx/scx_internal.h"

#include <errno.h>
#include <stdlib.h>

void scx_dsq_init(struct scx_dsq *dsq, uint64_t id, int cpu, bool is_local)
{
	*dsq = (struct scx_dsq){ .id = id, .cpu = cpu, .is_local = is_local, .node = -1 };
}

static unsigned int dsq_bucket(uint64_t id)
{
	return (unsigned int)((id * 0x9e3779b97f4a7c15ULL) >> 56) % SCX_USER_DSQ_BUCKETS;
}

struct scx_dsq *scx_find_user_dsq(struct scx_sched *sch, uint64_t id)
{
	for (struct scx_dsq *d = sch->user_dsqs[dsq_bucket(id)]; d; d = d->hash_next)
		if (d->id == id)
			return d;
	return NULL;
}

int scx_create_user_dsq(struct scx_sched *sch, uint64_t id, int node)
{
	struct scx_dsq *dsq;

	if (id & SCX_DSQ_FLAG_BUILTIN)
		return -EINVAL;
	if (node != -1 && (node < 0 || node >= sch->sim->topo.nr_nodes))
		return -EINVAL;
	if (scx_find_user_dsq(sch, id))
		return -EEXIST;
	dsq = calloc(1, sizeof(*dsq));
	if (!dsq)
		return -ENOMEM;
	scx_dsq_init(dsq, id, -1, false);
	dsq->node = node;
	dsq->hash_next = sch->user_dsqs[dsq_bucket(id)];
	sch->user_dsqs[dsq_bucket(id)] = dsq;
	return 0;
}

void scx_free_user_dsqs(struct scx_sched *sch)
{
	for (int b = 0; b < SCX_USER_DSQ_BUCKETS; b++) {
		struct scx_dsq *d = sch->user_dsqs[b];
		while (d) {
			struct scx_dsq *n = d->hash_next;
			free(d);
			d = n;
		}
		sch->user_dsqs[b] = NULL;
	}
}

static bool vtime_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static void link_after(struct scx_dsq *dsq, struct sim_task *pos, struct sim_task *p)
{
	/* insert @p after @pos (pos NULL: at head) */
	struct sim_task *next = pos ? pos->scx.dsq_next : dsq->head;

	p->scx.dsq_prev = pos;
	p->scx.dsq_next = next;
	if (pos)
		pos->scx.dsq_next = p;
	else
		dsq->head = p;
	if (next)
		next->scx.dsq_prev = p;
	else
		dsq->tail = p;
}

void scx_dsq_link(struct scx_sched *sch, struct scx_dsq *dsq, struct sim_task *p, uint64_t enq_flags)
{
	bool is_builtin = dsq->is_local || (dsq->id & SCX_DSQ_FLAG_BUILTIN);

	if (is_builtin && (enq_flags & SCX_ENQ_DSQ_PRIQ)) {
		scx_error(sch, "cannot use vtime ordering for built-in DSQs");
		enq_flags &= ~(uint64_t)SCX_ENQ_DSQ_PRIQ;
	}

	if (enq_flags & SCX_ENQ_DSQ_PRIQ) {
		struct sim_task *pos;

		if (dsq->has_fifo && dsq->nr) {
			scx_error(sch, "DSQ ID 0x%016llx already had FIFO-enqueued tasks",
				  (unsigned long long)dsq->id);
			dsq->vt_unindexed = true;
		}
		/* last task whose vtime is <= p's: p goes right after it */
		if (!dsq->vt_unindexed) {
			struct sim_treap_node *prev = sim_treap__insert(&dsq->vt, &p->scx.vt_node,
									&p->ts.scx.dsq_vtime);
			pos = sim_treap__entry(prev, struct sim_task, scx.vt_node);
		} else {
			for (pos = dsq->tail; pos; pos = pos->scx.dsq_prev)
				if (!vtime_before(p->ts.scx.dsq_vtime, pos->ts.scx.dsq_vtime))
					break;
		}
		link_after(dsq, pos, p);
		p->scx.on_priq = true;
		dsq->has_priq = true;
	} else {
		if (dsq->has_priq && dsq->nr) {
			scx_error(sch, "DSQ ID 0x%016llx already had PRIQ-enqueued tasks",
				  (unsigned long long)dsq->id);
			dsq->vt_unindexed = true;
		}
		if (enq_flags & (SCX_ENQ_HEAD | SCX_ENQ_PREEMPT))
			link_after(dsq, NULL, p);
		else
			link_after(dsq, dsq->tail, p);
		p->scx.on_priq = false;
		dsq->has_fifo = true;
	}
	dsq->nr++;
	if (sch->sim->on_dsq_depth)
		sch->sim->on_dsq_depth(sch->sim, dsq->id, dsq->is_local ? dsq->cpu : -1, dsq->nr);
	dsq->seq++;
	p->scx.dsq = dsq;
	p->scx.dsq_seq = dsq->seq;
	p->ts.scx.dsq_seq = dsq->seq;
	p->ts.scx.dsq = (struct scx_dispatch_q *)dsq;
}

void scx_dsq_unlink(struct sim_task *p)
{
	struct scx_dsq *dsq = p->scx.dsq;

	if (!dsq)
		return;
	if (p->scx.dsq_prev)
		p->scx.dsq_prev->scx.dsq_next = p->scx.dsq_next;
	else
		dsq->head = p->scx.dsq_next;
	if (p->scx.dsq_next)
		p->scx.dsq_next->scx.dsq_prev = p->scx.dsq_prev;
	else
		dsq->tail = p->scx.dsq_prev;
	p->scx.dsq_next = p->scx.dsq_prev = NULL;
	if (p->scx.vt_node.linked)
		sim_treap__remove(&dsq->vt, &p->scx.vt_node);
	p->scx.dsq = NULL;
	p->ts.scx.dsq = NULL;
	p->scx.on_priq = false;
	dsq->nr--;
	if (!dsq->nr)
		dsq->has_fifo = dsq->has_priq = dsq->vt_unindexed = false;
	if (p->sim->on_dsq_depth)
		p->sim->on_dsq_depth(p->sim, dsq->id, dsq->is_local ? dsq->cpu : -1, dsq->nr);
}
