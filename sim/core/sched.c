/*
 * The scheduler core: wakeups, schedule(), time accounting, ticks and context switches.
 *
 * Class-independent, like the kernel's kernel/sched/core.c: it asks the classes (fair, then
 * ext) for the next task, charges CPU time, keeps each CPU's "work done" event in step with
 * the running task's progress (capacity and SMT contention change the rate), and measures
 * wait times with one definition for every class: wait = switch-in time - runnable time.
 */
#include "sim/core/sim.h"
#include "sim/core/sched_internal.h"

#include <math.h>
#include <stdio.h>

static const uint32_t nice_weights[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
	1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
	110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};

uint32_t sim_sched__nice_to_weight(int nice)
{
	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	return nice_weights[nice + 20];
}

/* Class priority: lower rank runs first. */
static int class_rank(const struct sim *sim, const struct sim_class *cls)
{
	return cls == sim->fair_class ? 0 : 1;
}

bool sim_sched__cpu_idle(const struct sim *sim, int cpu)
{
	return sim->cpus[cpu].curr == NULL;
}

/* ---- progress of the running task ---- */

static uint32_t cpu_speed(const struct sim *sim, const struct sim_cpu *rq)
{
	const struct sim_topology *t = &sim->topo;
	uint32_t speed = t->cpu[rq->id].capacity;

	if (sim->cfg.costs.host_threads && (uint64_t)sim->nr_busy_cpus > sim->cfg.costs.host_threads)
		speed = (uint32_t)(speed * sim->cfg.costs.host_threads / (uint64_t)sim->nr_busy_cpus);
	if (t->threads_per_core > 1) {
		int core = t->cpu[rq->id].core, sib;
		cpumask__for_each(sib, &t->core_mask[core], sim->nr_cpus) {
			if (sib != rq->id && sim->cpus[sib].curr) {
				speed = speed * sim->cfg.costs.smt_speed_pct / 100;
				break;
			}
		}
	}
	return speed ? speed : 1;
}

void sim_sched__update_curr(struct sim *sim, struct sim_cpu *rq)
{
	uint64_t now = sim->loop.now;
	struct sim_task *p = rq->curr;
	uint64_t delta;

	if (!p || now <= rq->seg_start) {
		rq->seg_start = now;
		return;
	}
	delta = now - rq->seg_start;
	rq->seg_start = now;
	rq->busy_ns += delta;

	uint64_t progress = delta * rq->speed / 1024;
	/* the stopper's work comes first and is no task's time (nor vruntime) */
	uint64_t k = progress < p->stopper_left ? progress : p->stopper_left;
	p->stopper_left -= k;
	if (k) {
		uint64_t k_wall = k == progress ? delta : k * 1024 / rq->speed;
		delta -= k_wall < delta ? k_wall : delta;
		progress -= k;
	}

	p->stats.cpu_ns += delta;
	p->ts.se.sum_exec_runtime += delta;
	if (p->cls == sim->fair_class)
		p->stats.fair_ns += delta;
	else
		p->stats.ext_ns += delta;

	uint64_t o = progress < p->overhead_left ? progress : p->overhead_left;
	p->overhead_left -= o;
	progress -= o;
	if (p->act_valid && p->act.kind == SIM_ACT_RUN) {
		uint64_t w = progress < p->work_left ? progress : p->work_left;
		p->work_left -= w;
		p->stats.work_done_ns += w;
	}
	if (p->cls->update_curr)
		p->cls->update_curr(sim, rq, p, delta);
}

/* (Re)arm the event that fires when curr has finished its overhead and its RUN work. */
void sim_sched__arm_done(struct sim *sim, struct sim_cpu *rq)
{
	struct sim_task *p = rq->curr;
	uint64_t need;

	if (!p) {
		sim_loop__cancel(&sim->loop, &rq->done_ev);
		return;
	}
	need = p->stopper_left + p->overhead_left;
	if (p->act_valid && p->act.kind == SIM_ACT_RUN)
		need += p->work_left;
	else if (p->act_valid && !p->block_pending) {
		/* a blocking action is in progress for the running task: nothing to time */
		sim_loop__cancel(&sim->loop, &rq->done_ev);
		return;
	}
	/* ceil(need * 1024 / speed), without the division at full speed */
	uint64_t wall = rq->speed == 1024 ? need : (need * 1024 + rq->speed - 1) / rq->speed;
	sim_loop__schedule(&sim->loop, &rq->done_ev, sim->loop.now + wall);
}

/* @srq's speed may have changed: re-time its running task. */
static void retime(struct sim *sim, struct sim_cpu *srq)
{
	uint32_t speed = cpu_speed(sim, srq);

	if (speed == srq->speed)
		return;
	sim_sched__update_curr(sim, srq);
	srq->speed = speed;
	sim_sched__arm_done(sim, srq);
}

/*
 * @cpu changed busy state: re-time the running tasks whose speed depends on it, its SMT
 * siblings', or every busy CPU's when the CPUs share host threads (machine.host_threads:
 * O(nr_cpus) per change, meant for the few vCPUs of an emulated guest).
 */
static void update_sibling_speeds(struct sim *sim, int cpu)
{
	const struct sim_topology *t = &sim->topo;
	int sib;

	if (sim->cfg.costs.host_threads && (uint64_t)sim->nr_cpus > sim->cfg.costs.host_threads) {
		for (sib = 0; sib < sim->nr_cpus; sib++)
			if (sib != cpu && sim->cpus[sib].curr)
				retime(sim, &sim->cpus[sib]);
		return;
	}
	if (t->threads_per_core <= 1)
		return;
	cpumask__for_each(sib, &t->core_mask[t->cpu[cpu].core], sim->nr_cpus) {
		if (sib != cpu && sim->cpus[sib].curr)
			retime(sim, &sim->cpus[sib]);
	}
}

/* ---- utilization ---- */

#define UTIL_HALF_LIFE_NS 32000000.0

/* @rq's util at @now, busy (or idle) since its last update as @busy says. */
static double util_at(const struct sim_cpu *rq, uint64_t now, bool busy)
{
	double keep = exp2(-(double)(now - rq->util_at) / UTIL_HALF_LIFE_NS);

	return rq->util * keep + (busy ? 1.0 - keep : 0.0);
}

double sim_sched__cpu_util(const struct sim *sim, int cpu)
{
	const struct sim_cpu *rq = &sim->cpus[cpu];

	return util_at(rq, sim->loop.now, rq->curr != NULL);
}

/* Bring @rq's util up to now before it changes between busy and idle. */
static void util_update(struct sim *sim, struct sim_cpu *rq)
{
	rq->util = util_at(rq, sim->loop.now, rq->curr != NULL);
	rq->util_at = sim->loop.now;
}

/* ---- ticks ---- */

static void tick_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct sim_cpu *rq = ev->arg;
	struct sim *sim = rq->sim;
	struct sim_task *p = rq->curr;

	if (!p) {
		rq->tick_running = false;
		return;
	}
	sim_sched__update_curr(sim, rq);
	sim->current_cpu = rq->id;
	if (p->cls->tick)
		p->cls->tick(sim, rq, p);
	sim->current_cpu = -1;
	sim_loop__schedule(loop, ev, (loop->now / SIM_TICK_NS + 1) * SIM_TICK_NS);
}

static void tick_start(struct sim *sim, struct sim_cpu *rq)
{
	if (rq->tick_running)
		return;
	rq->tick_running = true;
	sim_loop__schedule(&sim->loop, &rq->tick_ev, (sim->loop.now / SIM_TICK_NS + 1) * SIM_TICK_NS);
}

static void tick_stop(struct sim *sim, struct sim_cpu *rq)
{
	rq->tick_running = false;
	sim_loop__cancel(&sim->loop, &rq->tick_ev);
}

/* ---- rescheduling ---- */

static void resched_at(struct sim *sim, int cpu, uint64_t when)
{
	struct sim_cpu *rq = &sim->cpus[cpu];

	rq->need_resched = true;
	if (sim_event__queued(&rq->resched_ev) && rq->resched_ev.when <= when)
		return;
	sim_loop__schedule(&sim->loop, &rq->resched_ev, when);
}

void sim_sched__resched(struct sim *sim, int cpu)
{
	sim_sched__resched_remote(sim, cpu, sim->current_cpu);
}

/*
 * The next switch on @cpu happens after schedule()'s own path (sched_delay_ns), after an IPI
 * if the request comes from another CPU, and after the idle exit if @cpu was idle and is
 * woken from outside: by another CPU, or by an interrupt on itself (a timer: sim->in_irq).
 */
void sim_sched__resched_remote(struct sim *sim, int cpu, int from_cpu)
{
	const struct sim_costs *c = &sim->cfg.costs;
	uint64_t delay = c->sched_delay_ns;

	if (from_cpu >= 0 && from_cpu != cpu) {
		delay += c->wakeup_ipi_ns;
		sim->nr_resched_ipis += !sim->cpus[cpu].need_resched;
	}
	if (!sim->cpus[cpu].curr && (from_cpu != cpu || sim->in_irq))
		delay += c->idle_exit_ns;
	resched_at(sim, cpu, sim->loop.now + delay);
}

static void account_switch_in(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	uint64_t now = sim->loop.now;
	const struct sim_costs *c = &sim->cfg.costs;

	if (sim->first_exit_ns && !p->stats.resumed_ns) {
		p->stats.resumed_ns = now;
		p->stats.resumed_wait_ns = p->in_wait ? p->runnable_since : 0;
	}
	if (p->in_wait) {
		uint64_t wait = now - p->runnable_since;
		p->stats.run_delay_ns += wait;
		p->ts.sched_info.run_delay += wait;
		if (!p->unmeasured)
			hist__record(&sim->run_delay, wait);
		if (p->runnable_is_wakeup) {
			if (!p->unmeasured)
				hist__record(&sim->wakeup_lat, wait);
			if (wait > p->stats.wakeup_wait_max)
				p->stats.wakeup_wait_max = wait;
		} else {
			if (!p->unmeasured)
				hist__record(&sim->preempt_lat, wait);
			p->stats.nr_preempt_waits++;
		}
		p->in_wait = false;
	}
	p->stats.nr_switches++;
	if (p->cls == sim->ext_class)
		p->was_ext = true;

	p->ts.sched_info.pcount++;
	p->ts.sched_info.last_arrival = now;
	rq->nr_switches++;
	sim->nr_switches += !p->unmeasured;

	/* the part of the switch before the switch-in was the wait (see sched_delay_ns) */
	uint64_t switch_ns = c->ctx_switch_ns > c->sched_delay_ns ? c->ctx_switch_ns - c->sched_delay_ns : 0;
	/*
	 * A switch is never free (SIM_MIN_SWITCH_NS when the calibration says 0): two tasks waking
	 * each other would otherwise run at one simulated instant for ever.
	 */
	if (!switch_ns && !c->sched_delay_ns)
		switch_ns = SIM_MIN_SWITCH_NS;
	/* a task that blocked here just now spent part of it before the block (exec.c's waits) */
	if (rq->prepaid_switch_ns && rq->prepaid_at == now)
		switch_ns -= rq->prepaid_switch_ns < switch_ns ? rq->prepaid_switch_ns : switch_ns;
	rq->prepaid_switch_ns = 0;
	p->overhead_left += switch_ns;
	if (p->last_ran_cpu >= 0 && p->last_ran_cpu != rq->id) {
		const struct sim_topology *t = &sim->topo;
		int a = p->last_ran_cpu, b = rq->id;
		if (t->cpu[a].node != t->cpu[b].node)
			p->overhead_left += c->migrate_node_ns;
		else if (t->cpu[a].llc != t->cpu[b].llc)
			p->overhead_left += c->migrate_llc_ns;
		else if (t->cpu[a].core != t->cpu[b].core)
			p->overhead_left += c->migrate_core_ns;
	}
	p->last_ran_cpu = rq->id;
}

void sim_sched__mark_runnable(struct sim *sim, struct sim_task *p, bool wakeup)
{
	p->runnable_since = sim->loop.now;
	p->runnable_is_wakeup = wakeup;
	p->in_wait = true;
	p->ts.sched_info.last_queued = sim->loop.now;
}

/*
 * A preempted task ran on for sched_delay_ns after the request (resched_remote): that was
 * schedule(), not its work. Its work is given back, so that a switch costs ctx_switch_ns of
 * CPU whether the previous task blocked (it spent sched_delay_ns before blocking) or not.
 */
static void undo_sched_delay_work(struct sim *sim, struct sim_cpu *rq, struct sim_task *prev)
{
	uint64_t ran = sim->loop.now - prev->ts.sched_info.last_arrival, back;

	back = sim->cfg.costs.sched_delay_ns < ran ? sim->cfg.costs.sched_delay_ns : ran;
	back = back * rq->speed / 1024;
	if (!prev->act_valid || prev->act.kind != SIM_ACT_RUN)
		return;
	if (back > prev->stats.work_done_ns)
		back = prev->stats.work_done_ns;
	prev->work_left += back;
	prev->stats.work_done_ns -= back;
}

/* The kernel's __schedule() for one CPU. */
void sim_sched__schedule(struct sim *sim, struct sim_cpu *rq)
{
	struct sim_task *prev = rq->curr, *next = NULL;
	const struct sim_class *classes[2] = { sim->fair_class, sim->ext_class };
	int saved_cpu = sim->current_cpu;

	sim_sched__update_curr(sim, rq);
	rq->need_resched = false;
	sim_loop__cancel(&sim->loop, &rq->resched_ev);
	sim->current_cpu = rq->id;

	for (int i = 0; i < 2 && !next; i++) {
		if (classes[i] && classes[i]->pick_next)
			next = classes[i]->pick_next(sim, rq, prev);
	}

	if (next && next == prev) {
		/* keep running: no put_prev / set_next, as in the kernel */
		sim->current_cpu = saved_cpu;
		sim_sched__arm_done(sim, rq);
		return;
	}

	if (!prev != !next)
		util_update(sim, rq);
	if (prev) {
		sim_loop__cancel(&sim->loop, &rq->done_ev);
		if (prev->state == SIM_TASK_RUNNING)
			undo_sched_delay_work(sim, rq, prev);
		if (prev->state == SIM_TASK_RUNNING) {
			prev->state = SIM_TASK_RUNNABLE;
			prev->stats.nr_invol_switches++;
			prev->ts.nivcsw++;
			sim_sched__mark_runnable(sim, prev, false);
		}
		rq->curr = NULL;
		cpumask__set(&sim->curr_none, rq->id);
		sim->nr_busy_cpus--;
		prev->ts.on_cpu = 0;
		prev->cls->put_prev(sim, rq, prev, next);
	}

	if (next) {
		if (next->cpu != rq->id) {
			/* a class picked a task queued elsewhere: it migrated */
			next->cpu = rq->id;
		}
		next->state = SIM_TASK_RUNNING;
		next->ts.on_cpu = 1;
		rq->curr = next;
		cpumask__clear(&sim->curr_none, rq->id);
		sim->nr_busy_cpus++;
		rq->seg_start = sim->loop.now;
		next->cls->set_next(sim, rq, next);
		account_switch_in(sim, rq, next);
		rq->speed = cpu_speed(sim, rq);
		sim_sched__arm_done(sim, rq);
		tick_start(sim, rq);
	} else {
		rq->idle_since = sim->loop.now;
		tick_stop(sim, rq);
	}
	sim->current_cpu = saved_cpu;

	if (!prev != !next) {
		update_sibling_speeds(sim, rq->id);
		if (sim->idle_hook)
			sim->idle_hook(sim, rq->id, next == NULL);
	}
	if (sim->on_switch)
		sim->on_switch(sim, rq->id, prev, next);
}

static void resched_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct sim_cpu *rq = ev->arg;

	if (!rq->online)
		return;
	sim_sched__schedule(rq->sim, rq);
}

/*
 * The reschedule with machine noise on (sim/core/noise.c): an interruption under way takes
 * the IPI when it ends. Chosen at init, so that without noise a reschedule checks nothing.
 */
static void resched_noisy_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct sim_cpu *rq = ev->arg;

	if (rq->online && rq->noise_until > loop->now) {
		sim_loop__schedule(loop, ev, rq->noise_until);
		return;
	}
	resched_fn(loop, ev);
}

/* ---- wakeups ---- */

static int fallback_cpu(struct sim *sim, struct sim_task *p, int hint)
{
	int cpu = cpumask__next_and_wrap(p->ts.cpus_ptr, &sim->topo.all, hint, sim->nr_cpus);
	return cpu >= 0 ? cpu : 0;
}

static bool cpu_allowed(struct sim *sim, struct sim_task *p, int cpu)
{
	return cpu >= 0 && cpu < sim->nr_cpus && sim->cpus[cpu].online &&
	       cpumask__test(p->ts.cpus_ptr, cpu);
}

void sim_sched__check_preempt(struct sim *sim, struct sim_cpu *rq, struct sim_task *p,
			      uint64_t wake_flags, int from_cpu)
{
	struct sim_task *curr = rq->curr;

	if (!curr) {
		sim_sched__resched_remote(sim, rq->id, from_cpu);
		return;
	}
	if (curr->cls != p->cls) {
		if (class_rank(sim, p->cls) < class_rank(sim, curr->cls))
			sim_sched__resched_remote(sim, rq->id, from_cpu);
		return;
	}
	if (p->cls->wakeup_preempt) {
		int saved_cpu = sim->current_cpu;

		sim->current_cpu = from_cpu; /* a remote reschedule costs an IPI */
		p->cls->wakeup_preempt(sim, rq, p, wake_flags);
		sim->current_cpu = saved_cpu;
	}
}

/*
 * A task that wakes another onto a different CPU spends machine.wakeup_send_ns more than a
 * wakeup onto its own: the remote runqueue and the IPI (a VM exit in a guest). A wakeup onto
 * the waker's CPU is in the calibrated cost of the operation already.
 */
static void charge_remote_waker(struct sim *sim, int waker_cpu, int cpu)
{
	struct sim_task *waker;

	if (waker_cpu < 0 || waker_cpu == cpu || !sim->cfg.costs.wakeup_send_ns)
		return;
	waker = sim->cpus[waker_cpu].curr;
	if (waker)
		waker->overhead_left += sim->cfg.costs.wakeup_send_ns;
}

void sim_sched__wake(struct sim *sim, struct sim_task *p, uint64_t wake_flags, int waker_cpu)
{
	bool is_new = p->state == SIM_TASK_NEW;
	int prev_cpu = p->cpu, cpu;
	int saved_cpu = sim->current_cpu;

	if (p->state != SIM_TASK_BLOCKED && !is_new)
		return;
	if (is_new)
		wake_flags = (wake_flags & ~SIM_WF_TTWU) | SIM_WF_FORK;

	sim->current_cpu = waker_cpu >= 0 ? waker_cpu : prev_cpu;
	if (p->ts.nr_cpus_allowed > 1 && !p->ts.migration_disabled)
		cpu = p->cls->select_cpu(sim, p, prev_cpu, wake_flags, waker_cpu);
	else
		cpu = prev_cpu;
	if (!cpu_allowed(sim, p, cpu))
		cpu = fallback_cpu(sim, p, prev_cpu);

	if (!is_new && cpu != prev_cpu) {
		p->stats.nr_migrations++;
		p->ts.se.nr_migrations++;
		sim->nr_migrations += !p->unmeasured;
	}
	p->cpu = cpu;
	p->state = SIM_TASK_RUNNABLE;
	p->act_valid = false; /* the blocking action (sleep/wait) has completed */
	sim_sched__mark_runnable(sim, p, true);
	p->stats.nr_wakeups++;
	p->ts.stats.nr_wakeups++;
	if (wake_flags & SIM_WF_SYNC)
		p->ts.stats.nr_wakeups_sync++;
	sim->nr_wakeups += !p->unmeasured;

	charge_remote_waker(sim, waker_cpu, cpu);

	struct sim_cpu *rq = &sim->cpus[cpu];
	bool saved_irq = sim->in_irq;
	/* no waker: a timer interrupt on the CPU it slept on woke it (an idle CPU exits idle) */
	if (waker_cpu < 0)
		sim->in_irq = true;
	sim_sched__update_curr(sim, rq);
	sim->current_cpu = cpu;
	p->cls->enqueue(sim, rq, p, is_new ? SIM_ENQ_INITIAL : SIM_ENQ_WAKEUP);
	sim_sched__check_preempt(sim, rq, p, wake_flags, waker_cpu >= 0 ? waker_cpu : prev_cpu);
	sim->current_cpu = saved_cpu;
	sim->in_irq = saved_irq;
}

void sim_sched__set_task_cpu(struct sim *sim, struct sim_task *p, int cpu)
{
	struct sim_cpu *src = &sim->cpus[p->cpu], *dst = &sim->cpus[cpu];

	if (cpu == p->cpu)
		return;
	p->cls->dequeue(sim, src, p, SIM_DEQ_MIGRATING);
	p->cpu = cpu;
	p->stats.nr_migrations++;
	p->ts.se.nr_migrations++;
	sim->nr_migrations += !p->unmeasured;
	sim_sched__update_curr(sim, dst); /* as enqueue_entity() updates the new queue's curr */
	p->cls->enqueue(sim, dst, p, SIM_ENQ_MIGRATING);
}

/*
 * Change something about a live task the way the kernel does for nice, affinity or class
 * changes: take it off its runqueue (and off the CPU), apply @change, put it back.
 */
void sim_sched__change_task(struct sim *sim, struct sim_task *p, const struct sim_class *new_cls,
			    void (*change)(struct sim *sim, struct sim_task *p, void *arg), void *arg)
{
	struct sim_cpu *rq = &sim->cpus[p->cpu];
	bool running = rq->curr == p;
	bool queued = p->state == SIM_TASK_RUNNABLE || running;
	const struct sim_class *old = p->cls;
	int saved_cpu = sim->current_cpu;

	if (p->state == SIM_TASK_DEAD)
		return;
	sim->current_cpu = p->cpu;
	if (running)
		sim_sched__update_curr(sim, rq);
	if (queued)
		old->dequeue(sim, rq, p, SIM_DEQ_SAVE);
	if (running)
		old->put_prev(sim, rq, p, p);
	if (new_cls && new_cls != old) {
		if (old->task_detach)
			old->task_detach(sim, p);
		p->cls = new_cls;
		if (new_cls == sim->ext_class)
			p->was_ext = true;
		if (new_cls->task_attach)
			new_cls->task_attach(sim, p, false);
	}
	if (change)
		change(sim, p, arg);
	if (p->cls->task_changed)
		p->cls->task_changed(sim, p);
	if (queued)
		p->cls->enqueue(sim, rq, p, SIM_ENQ_RESTORE);
	if (running)
		p->cls->set_next(sim, rq, p);
	sim->current_cpu = saved_cpu;
	if (running || queued)
		sim_sched__resched_remote(sim, rq->id, rq->id);
}

void sim_sched__switch_class(struct sim *sim, struct sim_task *p, const struct sim_class *cls)
{
	if (p->cls != cls)
		sim_sched__change_task(sim, p, cls, NULL, NULL);
}

void sim_sched__init_cpu(struct sim *sim, struct sim_cpu *rq, int id)
{
	rq->id = id;
	rq->sim = sim;
	rq->online = true;
	rq->speed = 1024;
	cpumask__set(&sim->curr_none, id);
	sim_event__init(&rq->resched_ev, sim->cfg.costs.noise_hz ? resched_noisy_fn : resched_fn, rq);
	sim_event__init(&rq->tick_ev, tick_fn, rq);
	sim_event__init(&rq->done_ev, sim_exec__done_fn, rq);
}
