/*
 * Scheduling-class interface of the simulator, modelled on the kernel's sched_class.
 *
 * Two classes exist: the fair class (sim/fair, an EEVDF-like model of CFS/EEVDF) and the ext
 * class (sim/scx, sched_ext semantics driving a BPF policy). Fair ranks above ext, as in the
 * kernel. The core (sim/core/sched.c) owns CPUs, time accounting, wakeups and context
 * switches; a class owns its runqueues and decides who runs next.
 *
 * Call order for one scheduling decision on @cpu with current task @prev:
 *   pick_next(cpu, prev)  for each class in priority order, until one returns a task
 *   put_prev(cpu, prev, next)   only if next != prev, prev's class; prev may still be runnable
 *   set_next(cpu, next)         only if next != prev, next's class
 * A task that keeps running sees neither put_prev nor set_next (as in the kernel).
 */
#ifndef SIM_CORE_CLASS_H
#define SIM_CORE_CLASS_H

#include <stdbool.h>
#include <stdint.h>

struct sim;
struct sim_cpu;
struct sim_task;

/* Wakeup flags passed to select_cpu (kernel WF_* values). */
#define SIM_WF_FORK 0x04
#define SIM_WF_TTWU 0x08
#define SIM_WF_SYNC 0x10

/* Enqueue / dequeue flags (kernel ENQUEUE_* / DEQUEUE_* values). */
#define SIM_ENQ_WAKEUP 0x0001
#define SIM_ENQ_RESTORE 0x0002 /* property change: put back after a save */
#define SIM_ENQ_MIGRATING 0x0010
#define SIM_ENQ_INITIAL 0x00080000 /* a new task's first enqueue */
#define SIM_DEQ_SLEEP 0x0001
#define SIM_DEQ_SAVE 0x0002 /* property change, the task comes back with ENQ_RESTORE */
#define SIM_DEQ_MIGRATING 0x0010

struct sim_class {
	const char *name;
	/* Choose a CPU for a waking or new task. @waker_cpu is where the wakeup happens (-1: timer). */
	int (*select_cpu)(struct sim *sim, struct sim_task *p, int prev_cpu, uint64_t wake_flags,
			  int waker_cpu);
	/* @p becomes runnable on @cpu (p->cpu already set). */
	void (*enqueue)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p, uint64_t flags);
	/* @p stops being runnable on @cpu (sleep, exit, property change). If @p is the current
	 * task, put_prev follows later with runnable=false semantics handled by the class. */
	void (*dequeue)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p, uint64_t flags);
	/* A task of this class woke on @cpu while @cpu runs a task of this class: preempt? */
	void (*wakeup_preempt)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p,
			       uint64_t wake_flags);
	/* Return the task to run next on @cpu, or NULL. May return @prev (keep running). */
	struct sim_task *(*pick_next)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *prev);
	void (*put_prev)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *prev,
			 struct sim_task *next);
	void (*set_next)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *next);
	/* Periodic tick on a busy @cpu running @curr of this class. */
	void (*tick)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *curr);
	/* @delta ns of runtime were just charged to @curr (core already updated totals). */
	void (*update_curr)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *curr,
			    uint64_t delta);
	/* sched_yield() by @curr. */
	void (*yield)(struct sim *sim, struct sim_cpu *cpu, struct sim_task *curr);
	/* Number of runnable tasks of this class queued on @cpu (including curr if of this class). */
	uint32_t (*nr_running)(struct sim *sim, struct sim_cpu *cpu);
	/* The task's weight or affinity changed (after dequeue/enqueue around it by the core). */
	void (*task_changed)(struct sim *sim, struct sim_task *p);
	/* A task joins / leaves this class (fork into it, switch at policy load or ejection). */
	void (*task_attach)(struct sim *sim, struct sim_task *p, bool fork);
	void (*task_detach)(struct sim *sim, struct sim_task *p);
};

#endif
