/*
 * The vtime index of a PRIQ dispatch queue: a treap (a binary search tree kept balanced by
 * pseudo-random heap priorities) over the tasks of the DSQ's list, in the same order. It finds
 * where a vtime-ordered insert goes in O(log n) instead of walking the list, which at 4,096
 * tasks on one shared DSQ was most of a run's time.
 *
 * The list stays the DSQ's order of record (consuming, iterating); the treap only answers
 * "after which task does p go". Its in-order sequence equals the list's, so the answer is the
 * one the list walk gave: the last task whose vtime is <= p's (wrap-safe), equal keys keeping
 * insertion order. Comparisons read the tasks' live dsq_vtime, as the kernel's rbtree does.
 * Priorities come from a per-DSQ counter through a mixing function: deterministic per run.
 */
#include "sim/scx/scx_internal.h"

static bool vtime_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static uint32_t next_prio(struct scx_dsq *dsq)
{
	uint32_t x = ++dsq->vt_prio_seq * 0x9e3779b9u;

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	return x ^ (x >> 16);
}

static struct sim_task **slot_of(struct scx_dsq *dsq, struct sim_task *n)
{
	struct sim_task *par = n->scx.vt_parent;

	if (!par)
		return &dsq->vt_root;
	return par->scx.vt_left == n ? &par->scx.vt_left : &par->scx.vt_right;
}

/* Rotate @n above its parent, keeping the in-order sequence. */
static void rotate_up(struct scx_dsq *dsq, struct sim_task *n)
{
	struct sim_task *par = n->scx.vt_parent;
	struct sim_task **slot = slot_of(dsq, par);
	struct sim_task *moved;

	if (par->scx.vt_left == n) {
		moved = n->scx.vt_right;
		par->scx.vt_left = moved;
		n->scx.vt_right = par;
	} else {
		moved = n->scx.vt_left;
		par->scx.vt_right = moved;
		n->scx.vt_left = par;
	}
	if (moved)
		moved->scx.vt_parent = par;
	n->scx.vt_parent = par->scx.vt_parent;
	par->scx.vt_parent = n;
	*slot = n;
}

struct sim_task *scx_dsq_index__insert(struct scx_dsq *dsq, struct sim_task *p)
{
	struct sim_task *pred = NULL, *par = NULL, **slot = &dsq->vt_root;
	uint64_t vt = p->ts.scx.dsq_vtime;

	while (*slot) {
		par = *slot;
		if (!vtime_before(vt, par->ts.scx.dsq_vtime)) {
			pred = par;
			slot = &par->scx.vt_right;
		} else {
			slot = &par->scx.vt_left;
		}
	}
	p->scx.vt_left = p->scx.vt_right = NULL;
	p->scx.vt_parent = par;
	p->scx.vt_prio = next_prio(dsq);
	p->scx.vt_indexed = true;
	*slot = p;
	while (p->scx.vt_parent && p->scx.vt_parent->scx.vt_prio < p->scx.vt_prio)
		rotate_up(dsq, p);
	return pred;
}

void scx_dsq_index__remove(struct scx_dsq *dsq, struct sim_task *p)
{
	struct sim_task *child;

	/* sink p below its higher-priority child until it has at most one */
	while (p->scx.vt_left && p->scx.vt_right) {
		struct sim_task *l = p->scx.vt_left, *r = p->scx.vt_right;
		rotate_up(dsq, l->scx.vt_prio > r->scx.vt_prio ? l : r);
	}
	child = p->scx.vt_left ? p->scx.vt_left : p->scx.vt_right;
	*slot_of(dsq, p) = child;
	if (child)
		child->scx.vt_parent = p->scx.vt_parent;
	p->scx.vt_left = p->scx.vt_right = p->scx.vt_parent = NULL;
	p->scx.vt_indexed = false;
}
