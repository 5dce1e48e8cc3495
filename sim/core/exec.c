/*
 * Executing task behaviours: the running task's actions, one after the other.
 *
 * Only a task that is on a CPU acts. When its RUN work is done (or right after it is switched
 * in with no work pending) the CPU's done event fires and the task takes actions until one
 * takes time: more work, a sleep, a wait that blocks, a yield or its exit. Instant actions
 * (post, nice, affinity, spawn) happen in between at the same simulated time.
 */
#include "sim/core/sim.h"
#include "sim/core/hooks.h"
#include "sim/core/sched_internal.h"

#include <stdio.h>
#include <stdlib.h>

/* Actions a task may take at one instant before the run is declared stuck. */
#define EXEC_MAX_INSTANT_ACTIONS 100000
#define EXEC_MAX_INSTANT_STEPS 64

static void block_current(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	sim_sched__update_curr(sim, rq);
	p->state = SIM_TASK_BLOCKED;
	p->stats.nr_vol_switches++;
	p->ts.nvcsw++;
	p->cls->dequeue(sim, rq, p, SIM_DEQ_SLEEP);
	sim_sched__schedule(sim, rq);
}

static void exit_current(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	sim_sched__update_curr(sim, rq);
	p->ts.flags |= PF_EXITING;
	p->state = SIM_TASK_DEAD;
	p->stats.exit_ns = sim__now(sim);
	p->ts.exit_state = 16; /* EXIT_DEAD */
	p->cls->dequeue(sim, rq, p, SIM_DEQ_SLEEP);
	sim_sched__schedule(sim, rq);
	if (p->cls->task_detach)
		p->cls->task_detach(sim, p);
	if (sim->scx && sim_ext_hooks->task_dead)
		sim_ext_hooks->task_dead(sim, p); /* ops.exit_task of a task initialized on fair */
	if (sim_runtime_hooks->task_freed)
		sim_runtime_hooks->task_freed(&p->ts);
	if (p->beh && p->beh->free)
		p->beh->free(p->beh_state);
	p->beh_state = NULL;
	if (!p->unmeasured) {
		sim->nr_live--;
		if (sim->nr_live == 0)
			sim->loop.stop = true;
	}
}

static void apply_nice(struct sim *sim, struct sim_task *p, void *arg)
{
	sim_task__set_nice(sim, p, *(int *)arg);
}

struct affinity_arg {
	const struct cpumask *mask;
};

static void apply_affinity(struct sim *sim, struct sim_task *p, void *arg)
{
	const struct affinity_arg *a = arg;

	cpumask__clear_all(&p->allowed);
	for (int cpu = 0; cpu < sim->nr_cpus; cpu++)
		if (cpumask__test(a->mask, cpu))
			cpumask__set(&p->allowed, cpu);
	p->ts.cpus_mask = p->allowed;
	p->ts.nr_cpus_allowed = cpumask__weight(&p->allowed);
}

/*
 * The stopper's CPU for a move of @p off @rq to @mask (exec_advance()): a switch in and out,
 * and the IPI (machine.wakeup_send_ns) when the new CPU is idle; the IPI a busy one needs
 * when the mover preempts it is known only at the move (set_affinity_current()).
 */
static void charge_stopper(struct sim *sim, struct sim_cpu *rq, struct sim_task *p, const struct cpumask *mask)
{
	int dst = cpumask__next_and_wrap(mask, &sim->topo.all, rq->id + 1, sim->nr_cpus);

	p->stopper_left += sim->cfg.costs.ctx_switch_ns;
	p->stopper_ipi_paid = dst >= 0 && !sim->cpus[dst].curr;
	if (p->stopper_ipi_paid)
		p->stopper_left += sim->cfg.costs.wakeup_send_ns;
}

/* sched_setaffinity() on the running task: if its CPU is no longer allowed it moves at once. */
static void set_affinity_current(struct sim *sim, struct sim_cpu *rq, struct sim_task *p,
				 const struct cpumask *mask)
{
	struct affinity_arg a = { .mask = mask };
	uint64_t ipis_before;
	int cpu;

	if (!mask || cpumask__next_and_wrap(mask, &sim->topo.all, 0, sim->nr_cpus) < 0)
		return; /* EINVAL: the mask has no usable CPU; the task keeps its affinity */
	sim_sched__change_task(sim, p, NULL, apply_affinity, &a);
	if (cpumask__test(&p->allowed, rq->id))
		return;
	/*
	 * The stopper moves it: the caller sleeps until the move is done (the kernel's
	 * affine_move_task() waits for its completion) and is woken on an allowed CPU.
	 */
	sim_sched__update_curr(sim, rq);
	p->cls->dequeue(sim, rq, p, SIM_DEQ_SAVE | SIM_DEQ_MIGRATING);
	p->state = SIM_TASK_BLOCKED;
	p->stats.nr_vol_switches++;
	p->ts.nvcsw++;
	sim_sched__schedule(sim, rq);
	cpu = cpumask__next_and_wrap(&p->allowed, &sim->topo.all, rq->id + 1, sim->nr_cpus);
	p->cpu = cpu;
	p->stats.nr_migrations++;
	p->ts.se.nr_migrations++;
	sim->nr_migrations += !p->unmeasured;
	p->state = SIM_TASK_RUNNABLE;
	sim_sched__mark_runnable(sim, p, true);
	p->stats.nr_wakeups++;
	p->ts.stats.nr_wakeups++;
	sim->nr_wakeups += !p->unmeasured;
	/* the new CPU's clock and curr are brought up to date first, as enqueue_entity() does */
	sim_sched__update_curr(sim, &sim->cpus[cpu]);
	p->cls->enqueue(sim, &sim->cpus[cpu], p, SIM_ENQ_RESTORE | SIM_ENQ_MIGRATING);
	ipis_before = sim->nr_resched_ipis;
	sim_sched__check_preempt(sim, &sim->cpus[cpu], p, 0, rq->id);
	/*
	 * A busy new CPU is interrupted only when the mover preempts its task: that IPI is the
	 * stopper's too, spent on this CPU before the task now switched in here (no task's
	 * time; with nothing switched in, this CPU spends it idle: not modelled).
	 */
	if (sim->nr_resched_ipis != ipis_before && !p->stopper_ipi_paid && rq->curr) {
		rq->curr->stopper_left += sim->cfg.costs.wakeup_send_ns;
		sim_sched__arm_done(sim, rq);
	}
	p->stopper_ipi_paid = false;
}

static void spawn_from(struct sim *sim, struct sim_task *parent, const struct sim_spawn_req *req)
{
	int saved_policy = sim->spawn_policy;
	struct sim_task *child;

	sim->spawn_policy = parent->ts.policy; /* the child inherits its parent's policy */
	child = sim__add_task(sim, req->comm ? req->comm : parent->ts.comm, req->nice, req->ops, req->state,
			      sim->loop.now);
	sim->spawn_policy = saved_policy;
	if (!child)
		return;
	child->cpu = parent->cpu;
	child->ts.real_parent = child->ts.parent = &parent->ts;
	child->ts.tgid = parent->ts.tgid;
	child->group = parent->group;
	child->allowed = parent->allowed;
	child->ts.cpus_mask = parent->allowed;
	child->ts.nr_cpus_allowed = parent->ts.nr_cpus_allowed;
	/* start it now rather than through its start timer */
	sim_loop__cancel(&sim->loop, &child->timer);
	sim_sched__wake(sim, child, SIM_WF_FORK, parent->cpu);
}

/*
 * A task that is about to block first spends sched_delay_ns in schedule() (it is still
 * current: a task it just woke on this CPU waits that long), and @early_ns more of the
 * switch's cost when its action says so (a wait's ns: see wait_early_ns()). True if that time
 * is now due and @a is kept pending until it has passed; false if it has passed and @a
 * blocks now.
 */
static bool enter_schedule(struct sim *sim, struct sim_cpu *rq, struct sim_task *p, uint64_t early_ns)
{
	if (p->block_pending) {
		p->block_pending = false;
		return false;
	}
	p->block_started_at = sim->loop.now;
	if (!sim->cfg.costs.sched_delay_ns && !p->stopper_left && !early_ns)
		return false;
	p->block_pending = true;
	p->overhead_left += sim->cfg.costs.sched_delay_ns + early_ns;
	sim_sched__arm_done(sim, rq);
	return true;
}

/*
 * The part of the switch a blocking wait spends before it (a model's wait ns), at most what
 * the switch leaves to the next task: the switch costs ctx_switch_ns all the same.
 */
static uint64_t wait_early_ns(const struct sim *sim, const struct sim_action *a)
{
	const struct sim_costs *c = &sim->cfg.costs;
	uint64_t room = c->ctx_switch_ns > c->sched_delay_ns ? c->ctx_switch_ns - c->sched_delay_ns : 0;

	return a->ns < room ? a->ns : room;
}

/*
 * Run-to-run noise of real machines (cache, frequency, interrupts): with machine.jitter_pct
 * J, a piece of work of N ns takes N x (1 + J/100 x u), u uniform with mean 0 and standard
 * deviation 1 (in [-sqrt 3, sqrt 3]), drawn from the seed's own stream: the mean cost is kept,
 * different seeds give different timings, the same seed the same.
 */
static uint64_t jittered(struct sim *sim, uint64_t ns)
{
	double f;

	if (!sim->cfg.costs.jitter_pct)
		return ns;
	f = 1.0 + (double)sim->cfg.costs.jitter_pct / 100.0 * (2.0 * sim_rng__unit(&sim->rng_jitter) - 1.0) *
		      1.7320508075688772;
	if (f < 0.01)
		f = 0.01;
	return (uint64_t)((double)ns * f + 0.5);
}

static void exec_advance(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	for (int n = 0; n < EXEC_MAX_INSTANT_ACTIONS; n++) {
		struct sim_action *a = &p->act;

		if (!p->block_pending) {
			*a = (struct sim_action){ .kind = SIM_ACT_EXIT }; /* no field of the last action stays */
			p->beh->next(sim, p, a);
			p->act_valid = true;
		}
		switch (a->kind) {
		case SIM_ACT_RUN:
			if (!a->ns)
				continue;
			p->work_left = jittered(sim, a->ns);
			sim_sched__arm_done(sim, rq);
			return;
		case SIM_ACT_SLEEP:
			if (enter_schedule(sim, rq, p, 0))
				return;
			block_current(sim, rq, p);
			/* the timer was armed on entry, before schedule() */
			sim_loop__schedule(&sim->loop, &p->timer,
					   p->block_started_at + a->ns + sim->cfg.costs.timer_slack_ns);
			return;
		case SIM_ACT_WAIT: {
			/* a post that arrives meanwhile is taken: the wait does not block */
			if (a->chan->tokens > 0) {
				p->block_pending = false;
				sim_chan__take_or_wait(a->chan, p);
				continue;
			}
			uint64_t early = wait_early_ns(sim, a);
			if (enter_schedule(sim, rq, p, early))
				return;
			if (sim_chan__take_or_wait(a->chan, p))
				continue;
			/* the next switch-in here, now, was partly paid before the block */
			rq->prepaid_switch_ns = early;
			rq->prepaid_at = sim->loop.now;
			block_current(sim, rq, p);
			return;
		}
		case SIM_ACT_POST:
			sim_chan__post(sim, a->chan, a->count ? a->count : 1, p);
			continue;
		case SIM_ACT_YIELD:
			p->act_valid = false;
			sim_sched__update_curr(sim, rq);
			if (p->cls->yield)
				p->cls->yield(sim, rq, p);
			sim_sched__schedule(sim, rq);
			return;
		case SIM_ACT_NICE: {
			int nice = a->nice;
			sim_sched__change_task(sim, p, NULL, apply_nice, &nice);
			continue;
		}
		case SIM_ACT_AFFINITY:
			/*
			 * A move off this CPU blocks the caller: it enters schedule() first, and
			 * the stopper thread then runs on this CPU (switched in and out, and it
			 * queues the caller on the new CPU, with an IPI when that CPU needs one:
			 * set_affinity_current()) before the next task: ctx_switch_ns (+
			 * wakeup_send_ns) of CPU that stress-ng's own times do not count.
			 */
			if (a->mask && !cpumask__test(a->mask, rq->id) &&
			    cpumask__next_and_wrap(a->mask, &sim->topo.all, 0, sim->nr_cpus) >= 0) {
				if (!p->block_pending)
					charge_stopper(sim, rq, p, a->mask);
				if (enter_schedule(sim, rq, p, 0))
					return;
			}
			p->block_pending = false;
			set_affinity_current(sim, rq, p, a->mask);
			if (rq->curr != p) {
				p->act_valid = false;
				return;
			}
			continue;
		case SIM_ACT_SPAWN:
			spawn_from(sim, p, &a->spawn);
			continue;
		case SIM_ACT_EXIT:
			/* do_exit() ends in schedule() too: a task it woke (a parent) waits for it */
			if (enter_schedule(sim, rq, p, 0))
				return;
			exit_current(sim, rq, p);
			return;
		}
	}
	sim__fatal(sim, "task %s[%d] (behaviour %s) took %d actions without using any time",
		   p->ts.comm, p->ts.pid, p->beh->name, EXEC_MAX_INSTANT_ACTIONS);
}

/*
 * Simulated time never stops: a CPU whose tasks have taken EXEC_MAX_INSTANT_STEPS steps at one
 * instant (a calibration with zero costs: a semaphore taken, posted and yielded for nothing)
 * charges the current task SIM_MIN_SWITCH_NS and goes on after it. With costs above zero a CPU
 * never takes that many steps at one instant, so no result changes. True if it did so.
 */
static bool stuck_in_one_instant(struct sim *sim, struct sim_cpu *rq, struct sim_task *p)
{
	if (rq->instant_at != sim->loop.now) {
		rq->instant_at = sim->loop.now;
		rq->instant_steps = 0;
		return false;
	}
	if (++rq->instant_steps < EXEC_MAX_INSTANT_STEPS)
		return false;
	rq->instant_steps = 0;
	p->overhead_left += SIM_MIN_SWITCH_NS;
	sim_sched__arm_done(sim, rq);
	return true;
}

void sim_exec__done_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct sim_cpu *rq = ev->arg;
	struct sim *sim = rq->sim;
	struct sim_task *p = rq->curr;
	int saved_cpu = sim->current_cpu;

	if (!p)
		return;
	/*
	 * The end of a piece of work is user space going on, not a kernel event: the kernel
	 * would not look at the slice here (it does at the next tick, wakeup or syscall).
	 */
	sim->in_user = true;
	sim_sched__update_curr(sim, rq);
	sim->in_user = false;
	if (p->overhead_left || (p->act_valid && p->act.kind == SIM_ACT_RUN && p->work_left)) {
		sim_sched__arm_done(sim, rq); /* rounding: a little left */
		return;
	}
	if (stuck_in_one_instant(sim, rq, p))
		return;
	sim->current_cpu = rq->id;
	exec_advance(sim, rq, p);
	sim->current_cpu = saved_cpu;
	(void)loop;
}

void sim_exec__timer_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct sim_task *p = ev->arg;
	(void)loop;
	sim_sched__wake(p->sim, p, SIM_WF_TTWU, -1);
}

void sim_task__set_nice(struct sim *sim, struct sim_task *p, int nice)
{
	uint32_t w;

	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	p->nice = nice;
	p->ts.static_prio = 120 + nice;
	p->ts.normal_prio = p->ts.prio = p->ts.static_prio;
	w = sim_sched__nice_to_weight(nice);
	p->ts.se.load.weight = w;
	/* sched_ext weight: the cgroup-style 1..10000 scale, 100 at nice 0 */
	uint64_t cw = ((uint64_t)w * 100 + 512) / 1024;
	p->ts.scx.weight = cw < 1 ? 1 : cw > 10000 ? 10000 : (uint32_t)cw;
	(void)sim;
}
