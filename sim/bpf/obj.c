/*
 * Objects a policy allocates at run time (bpf_cpumask_create(), bpf_obj_new()) and the
 * reference kfuncs for tasks and RCU. Every allocation is tracked so that unloading a
 * policy frees what it still holds in its maps, as the kernel does when it frees the maps.
 */
#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/shim/scxsim/helpers.h"

#include <stdlib.h>

struct obj_hdr {
	struct obj_hdr *prev, *next;
	long refs;
	size_t size;                   /* charged to the policy's BPF memory */
	_Alignas(16) unsigned char data[];
};

static struct obj_hdr *live_objs;
static struct obj_hdr *rcu_objs; /* freed at the end of the grace period, through ->next */

void *sim_bpf__obj_alloc(size_t size)
{
	struct obj_hdr *h;

	if (sim_bpf_mem__charge(size))
		return NULL; /* over the policy's memory limit: the kernel's allocator gives NULL */
	h = calloc(1, sizeof(*h) + size);
	if (!h) {
		sim_bpf_mem__uncharge(size);
		return NULL;
	}
	h->refs = 1;
	h->size = size;
	h->next = live_objs;
	if (live_objs)
		live_objs->prev = h;
	live_objs = h;
	return h->data;
}

static struct obj_hdr *unlink_obj(void *obj)
{
	struct obj_hdr *h = (struct obj_hdr *)((unsigned char *)obj - offsetof(struct obj_hdr, data));

	if (h->prev)
		h->prev->next = h->next;
	else
		live_objs = h->next;
	if (h->next)
		h->next->prev = h->prev;
	return h;
}

static void release_obj(struct obj_hdr *h)
{
	sim_bpf_mem__uncharge(h->size);
	free(h);
}

void sim_bpf__obj_free(void *obj)
{
	if (obj)
		release_obj(unlink_obj(obj));
}

void sim_bpf__obj_free_rcu(void *obj)
{
	struct obj_hdr *h;

	if (!obj)
		return;
	h = unlink_obj(obj);
	h->next = rcu_objs;
	rcu_objs = h;
	sim_bpf__rcu_deferred++;
}

void sim_bpf__objs_quiesce(void)
{
	while (rcu_objs) {
		struct obj_hdr *h = rcu_objs;
		rcu_objs = h->next;
		release_obj(h);
	}
}

static struct obj_hdr *hdr_of(void *obj)
{
	return (struct obj_hdr *)((unsigned char *)obj - offsetof(struct obj_hdr, data));
}

void *sim_bpf__obj_get(void *obj)
{
	if (obj)
		hdr_of(obj)->refs++;
	return obj;
}

void sim_bpf__obj_put(void *obj)
{
	if (obj && --hdr_of(obj)->refs <= 0)
		sim_bpf__obj_free(obj);
}

void sim_bpf__obj_free_all(void)
{
	while (live_objs)
		sim_bpf__obj_free(live_objs->data);
	sim_bpf__objs_quiesce();
}

/* ---- task references: tasks outlive every policy reference in the simulator ---- */

struct task_struct *bpf_task_from_pid(s32 pid)
{
	struct sim *sim = sim__current();

	if (!sim)
		return NULL;
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *t = sim->tasks[i];
		if (t->ts.pid == pid && t->state != SIM_TASK_DEAD)
			return &t->ts;
	}
	return NULL;
}

struct task_struct *bpf_task_acquire(struct task_struct *p)
{
	return p;
}

void bpf_task_release(struct task_struct *p)
{
}

/* One thread, and a grace period only between callbacks: nothing to do inside one. */
void bpf_rcu_read_lock(void)
{
}

void bpf_rcu_read_unlock(void)
{
}
