/*
 * Attaching a policy to a run (the kernel's scx_root_enable): validate the ops table, run
 * ops.init, create the built-in DSQs, move the eligible tasks onto the ext class (init_task
 * then enable for each), start the watchdog. Also the per-task init/enable and disable/exit
 * steps used on fork, exit and ejection.
 */
#include "sim/scx/scx_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ERRNO 4095

static void idle_hook(struct sim *sim, int cpu, bool idle)
{
	struct scx_sched *sch = sim->scx;
	struct scx_op_ctx save;

	if (!sch || sch->state == SCX_ST_DISABLED)
		return;
	if (sch->builtin_idle)
		scx_idle_update(sch, cpu, idle);
	if (SCX_HAS_OP(sch, update_idle) && sch->state == SCX_ST_ENABLED && !sch->bypassing) {
		scx_op_enter(sch, &save, SCX_OP_UPDATE_IDLE, NULL, cpu);
		scx_op_call(sch, &save, sch->ops->update_idle(cpu, idle));
		scx_op_leave(sch, &save);
	}
}

static bool task_eligible(const struct scx_sched *sch, const struct sim_task *p)
{
	if (p->ts.policy == SCHED_FIFO || p->ts.policy == SCHED_RR || p->ts.policy == SCHED_DEADLINE)
		return false;
	if (sch->flags & SCX_OPS_SWITCH_PARTIAL)
		return p->ts.policy == SCHED_EXT;
	return true;
}

static bool loaded(const struct scx_sched *sch)
{
	return sch && (sch->state == SCX_ST_ENABLED || sch->state == SCX_ST_ENABLING);
}

bool scx_sched__accepts_task(const struct sim *sim, const struct sim_task *p)
{
	return loaded(sim->scx) && task_eligible(sim->scx, p);
}

bool scx_sched__enabled(const struct sim *sim)
{
	return sim->scx && sim->scx->state == SCX_ST_ENABLED;
}

uint64_t scx_sched__watchdog_timeout_ns(const struct sim *sim)
{
	return sim->scx ? sim->scx->timeout_ns : 0;
}

const struct scx_exit_record *scx_sched__exit_record(const struct sim *sim)
{
	return sim->scx ? &sim->scx->exit : NULL;
}

const struct scx_event_stats *scx_sched__events(const struct sim *sim)
{
	return sim->scx ? &sim->scx->events : NULL;
}

const struct scx_counters *scx_sched__counters(const struct sim *sim)
{
	return sim->scx ? &sim->scx->counters : NULL;
}

static int init_task(struct scx_sched *sch, struct sim_task *p, bool fork)
{
	struct sim_cgroup *cg = sim_cgroup__of_task(p);
	struct scx_init_task_args args = { .fork = fork, .cgroup = cg ? &cg->cg : NULL };
	struct scx_op_ctx save;
	s32 ret = 0;

	p->ts.scx.slice = SCX_SLICE_DFL;
	p->ts.scx.dsq_vtime = 0;
	p->ts.scx.disallow = false;
	if (SCX_HAS_OP(sch, init_task)) {
		scx_op_enter(sch, &save, SCX_OP_INIT_TASK, p, p->cpu);
		scx_op_call(sch, &save, ret = sch->ops->init_task(&p->ts, &args));
		scx_op_leave(sch, &save);
	}
	if (ret < 0 && ret >= -MAX_ERRNO) {
		scx_error(sch, "ops.init_task() failed (%d) for %s[%d]", ret, p->ts.comm, p->ts.pid);
		return ret;
	}
	if (ret) {
		scx_error(sch, "ops.init_task() returned an invalid errno %d", ret);
		return -EINVAL;
	}
	if (p->ts.scx.disallow && fork) {
		scx_error(sch, "ops.init_task() set task->scx.disallow for %s[%d] during fork",
			  p->ts.comm, p->ts.pid);
		p->ts.scx.disallow = false;
	}
	p->scx.init_done = true;
	p->ts.scx.flags = (p->ts.scx.flags & ~SCX_TASK_STATE_MASK) | SCX_TASK_INIT;
	return 0;
}

static void enable_task(struct scx_sched *sch, struct sim_task *p)
{
	struct scx_op_ctx save;

	p->ts.scx.flags = (p->ts.scx.flags & ~SCX_TASK_STATE_MASK) | SCX_TASK_ENABLED;
	p->scx.enabled = true;
	p->scx.ran_on_scx = false;
	p->scx.last_weight = p->ts.scx.weight;
	p->scx.last_mask = *p->ts.cpus_ptr;
	if (SCX_HAS_OP(sch, enable)) {
		scx_op_enter(sch, &save, SCX_OP_ENABLE, p, p->cpu);
		scx_op_call(sch, &save, sch->ops->enable(&p->ts));
		scx_op_leave(sch, &save);
	}
}

void scx_task_init_enable(struct scx_sched *sch, struct sim_task *p, bool fork)
{
	if (sch->state == SCX_ST_DISABLED)
		return;
	if (!p->scx.init_done && init_task(sch, p, fork) < 0)
		return;
	enable_task(sch, p);
}

void scx_sched__init_other_task(struct sim *sim, struct sim_task *p, bool fork)
{
	if (loaded(sim->scx) && !p->scx.init_done)
		init_task(sim->scx, p, fork);
}

void scx_sched__task_dead(struct sim *sim, struct sim_task *p)
{
	if (sim->scx && p->scx.init_done && p->cls != sim->ext_class)
		scx_task_disable_exit(sim->scx, p);
}

void scx_task_disable_exit(struct scx_sched *sch, struct sim_task *p)
{
	struct scx_op_ctx save;

	if (sch->state == SCX_ST_DISABLED)
		return;
	if (p->scx.enabled) {
		p->scx.enabled = false;
		if (SCX_HAS_OP(sch, disable)) {
			scx_op_enter(sch, &save, SCX_OP_DISABLE, p, p->cpu);
			scx_op_call(sch, &save, sch->ops->disable(&p->ts));
			scx_op_leave(sch, &save);
		}
	}
	if (p->scx.init_done) {
		struct scx_exit_task_args args = { .cancelled = !p->scx.ran_on_scx };
		p->scx.init_done = false;
		if (SCX_HAS_OP(sch, exit_task)) {
			scx_op_enter(sch, &save, SCX_OP_EXIT_TASK, p, p->cpu);
			scx_op_call(sch, &save, sch->ops->exit_task(&p->ts, &args));
			scx_op_leave(sch, &save);
		}
	}
	p->ts.scx.flags &= ~(SCX_TASK_STATE_MASK | SCX_TASK_IN_CUSTODY);
	p->scx.in_custody = false;
	p->scx.ops_state = SCX_OPSS_NONE;
	p->scx.ddsp_pending = false;
}

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* Load-time checks the kernel makes before anything runs (bpf_scx_init_member, validate_ops). */
static int check_ops(const struct sched_ext_ops *ops, char *err, size_t errlen)
{
	uint64_t known = SCX_OPS_ALL_FLAGS | SCX_OPS_HAS_CGROUP_WEIGHT;

	if (ops->timeout_ms > SCX_WATCHDOG_MAX_TIMEOUT_MS)
		return fail(err, errlen, -E2BIG, "ops.timeout_ms=%u is over the kernel's maximum of %u ms (-E2BIG)",
			    ops->timeout_ms, SCX_WATCHDOG_MAX_TIMEOUT_MS);
	if (ops->dispatch_max_batch > INT32_MAX)
		return fail(err, errlen, -E2BIG, "ops.dispatch_max_batch=%u is too large (-E2BIG)",
			    ops->dispatch_max_batch);
	if (ops->flags & ~known)
		return fail(err, errlen, -EINVAL, "ops.flags has unknown bits 0x%llx (-EINVAL)",
			    (unsigned long long)(ops->flags & ~known));
	return 0;
}

/* Checks the kernel makes after ops.init (validate_ops); violations are scx_error()s. */
static void validate_ops(struct scx_sched *sch)
{
	const struct sched_ext_ops *ops = sch->ops;

	if ((ops->flags & SCX_OPS_ENQ_LAST) && !ops->enqueue)
		scx_error(sch, "SCX_OPS_ENQ_LAST requires ops.enqueue() to be implemented");
	else if ((ops->flags & SCX_OPS_BUILTIN_IDLE_PER_NODE) && ops->update_idle &&
		 !(ops->flags & SCX_OPS_KEEP_BUILTIN_IDLE))
		scx_error(sch, "SCX_OPS_BUILTIN_IDLE_PER_NODE requires CPU idle selection enabled");
}

/* The policy failed while loading: run the disable path at once and report why. */
static int abort_enable(struct scx_sched *sch, char *err, size_t errlen)
{
	struct sim_event *ev = &sch->disable_ev;

	sim_loop__cancel(&sch->sim->loop, ev);
	sch->state = SCX_ST_ENABLED; /* so the disable work runs its full course */
	scx_disable_workfn(&sch->sim->loop, ev);
	return fail(err, errlen, -EINVAL, "%s (%s)", sch->exit.msg, sch->exit.reason);
}

/*
 * The enable transition of the tasks that exist: every one is initialized (fork == false),
 * then those the policy takes (all, or the SCHED_EXT ones under SWITCH_PARTIAL) switch to the
 * ext class and are enabled, as scx_root_enable does in two passes; bypass ends.
 */
static int enable_tasks(struct scx_sched *sch, char *err, size_t errlen)
{
	struct sim *sim = sch->sim;

	for (int i = 0; i < sim->nr_tasks && !sch->exit_claimed; i++) {
		struct sim_task *p = sim->tasks[i];
		if (p->state != SIM_TASK_DEAD && !p->scx.init_done && init_task(sch, p, false) < 0)
			break;
	}
	for (int i = 0; i < sim->nr_tasks && !sch->exit_claimed; i++) {
		struct sim_task *p = sim->tasks[i];
		if (p->state == SIM_TASK_DEAD || !task_eligible(sch, p) || p->ts.scx.disallow)
			continue;
		sim_sched__switch_class(sim, p, sim->ext_class);
	}
	if (sch->exit_claimed)
		return abort_enable(sch, err, errlen);
	sch->bypassing = false;
	sch->state = SCX_ST_ENABLED;
	/*
	 * Tasks enqueued while enabling went to the bypass DSQs, which nothing consumes once the
	 * policy is enabled: requeue them through it, as the kernel does when bypass ends. (Only
	 * tasks that exist at attach can be there: a restart after an exit, --attach-at.)
	 */
	for (int cpu = 0; cpu < sim->nr_cpus; cpu++) {
		struct scx_dsq *bypass = &sim->cpus[cpu].scx.bypass;
		while (bypass->head && !sch->exit_claimed) {
			struct sim_task *p = bypass->head;
			sim_sched__change_task(sim, p, NULL, NULL, NULL);
			if (p->scx.dsq == bypass)
				break; /* it went back there: leave it to the consume path */
		}
	}
	scx_watchdog_start(sch);
	/* leaving bypass reschedules every online CPU: idle ones go through ops.dispatch once */
	for (int cpu = 0; cpu < sim->nr_cpus; cpu++)
		if (sim->cpus[cpu].online)
			sim_sched__resched_remote(sim, cpu, sim->current_cpu);
	sim__klog(sim, "sched_ext: BPF scheduler \"%s\" enabled%s", sch->name,
		  (sch->flags & SCX_OPS_SWITCH_PARTIAL) ? " (partial)" : "");
	return 0;
}

/*
 * How long the enable transition takes on the target: costs.scx_enable_task_ns for each task
 * the kernel's task iterator walks, the target's own (costs.scx_enable_tasks: kernel threads
 * and daemons the simulator has not) and the run's that exist now. 0 without the cost.
 */
static uint64_t enable_duration(const struct scx_sched *sch)
{
	const struct sim *sim = sch->sim;
	uint64_t n = sim->cfg.costs.scx_enable_tasks;

	if (!sim->cfg.costs.scx_enable_task_ns)
		return 0;
	for (int i = 0; i < sim->nr_tasks; i++)
		n += sim->tasks[i]->state != SIM_TASK_DEAD;
	return n * sim->cfg.costs.scx_enable_task_ns;
}

/* The timed enable transition ends: its passes run (or, after an exit, the disable). */
static void enable_workfn(struct sim_loop *loop, struct sim_event *ev)
{
	struct scx_sched *sch = ev->arg;
	char err[512];
	(void)loop;

	sch->enabling_until = 0;
	if (sch->state != SCX_ST_ENABLING)
		return;
	enable_tasks(sch, err, sizeof(err)); /* an exit is in sch->exit, reported from there */
}

uint64_t scx_sched__enabling_until(const struct sim *sim)
{
	return sim->scx ? sim->scx->enabling_until : 0;
}

int scx_sched__attach(struct sim *sim, struct sched_ext_ops *ops, const char *name,
		      char *err, size_t errlen)
{
	struct scx_sched *sch;
	struct scx_op_ctx save;
	int ret;

	if (sim->scx)
		return fail(err, errlen, -EBUSY, "a sched_ext policy is already attached to this run (-EBUSY)");
	if ((ret = check_ops(ops, err, errlen)))
		return ret;
	sch = calloc(1, sizeof(*sch));
	if (!sch)
		return fail(err, errlen, -ENOMEM, "out of memory");
	sch->sim = sim;
	sch->ops = ops;
	snprintf(sch->name, sizeof(sch->name), "%s", name && *name ? name : (ops->name[0] ? ops->name : "policy"));
	sch->flags = ops->flags;
	sch->timeout_ns = (uint64_t)(ops->timeout_ms ? ops->timeout_ms : SCX_WATCHDOG_MAX_TIMEOUT_MS) * 1000000ULL;
	sch->dsp_max_batch = ops->dispatch_max_batch ? ops->dispatch_max_batch : SCX_DSP_DFL_MAX_BATCH;
	sch->builtin_idle = !ops->update_idle || (ops->flags & SCX_OPS_KEEP_BUILTIN_IDLE);
	sch->state = SCX_ST_ENABLING;
	sim_event__init(&sch->disable_ev, scx_disable_workfn, sch);
	sim_event__init(&sch->watchdog_ev, NULL, sch);
	sim_event__init(&sch->enable_ev, enable_workfn, sch);
	scx_op_fault__arm(sch);

	sch->global = calloc(sim->topo.nr_nodes, sizeof(*sch->global));
	if (!sch->global) {
		free(sch);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	for (int n = 0; n < sim->topo.nr_nodes; n++)
		scx_dsq_init(&sch->global[n], SCX_DSQ_GLOBAL, -1, false);
	for (int cpu = 0; cpu < sim->nr_cpus; cpu++) {
		struct sim_cpu *rq = &sim->cpus[cpu];
		scx_dsq_init(&rq->scx.local, SCX_DSQ_LOCAL_ON | (uint64_t)cpu, cpu, true);
		scx_dsq_init(&rq->scx.bypass, SCX_DSQ_BYPASS, cpu, false);
		rq->scx.dsp_buf = calloc(sch->dsp_max_batch, sizeof(*rq->scx.dsp_buf));
		rq->scx.cpuperf = SCX_CPUPERF_ONE;
		if (rq->online) {
			cpumask__set(&sch->online_mask, cpu);
		}
		cpumask__set(&sch->possible_mask, cpu);
	}
	sim->scx = sch;
	scx_idle_init(sch);
	sim->idle_hook = idle_hook;

	if (SCX_HAS_OP(sch, init)) {
		ret = 0;
		scx_op_enter(sch, &save, SCX_OP_INIT, NULL, 0);
		scx_op_call(sch, &save, ret = sch->ops->init());
		scx_op_leave(sch, &save);
		if (ret < 0 && !sch->exit_claimed)
			scx_error(sch, "ops.init() failed (%d)", ret);
	}
	if (sch->exit_claimed)
		return abort_enable(sch, err, errlen);
	sch->init_done = true;
	validate_ops(sch);
	if (sch->exit_claimed)
		return abort_enable(sch, err, errlen);
	if (scx_cgroups_init(sch) || sch->exit_claimed)
		return abort_enable(sch, err, errlen);

	/*
	 * On a target with an enable cost the transition takes time: bypass mode from here (no
	 * ops.select_cpu, ops.enqueue or ops.dispatch; timers armed in ops.init fire), the
	 * passes at its end, and the loader's attach call returns then.
	 */
	uint64_t took = enable_duration(sch);
	if (took) {
		sch->bypassing = true;
		sch->enabling_until = sim__now(sim) + took;
		sim_loop__schedule(&sim->loop, &sch->enable_ev, sch->enabling_until);
		return 0;
	}
	return enable_tasks(sch, err, errlen);
}

void scx_sched__free(struct sim *sim)
{
	struct scx_sched *sch = sim->scx;

	if (!sch)
		return;
	sim_loop__cancel(&sim->loop, &sch->disable_ev);
	sim_loop__cancel(&sim->loop, &sch->watchdog_ev);
	sim_loop__cancel(&sim->loop, &sch->enable_ev);
	for (int cpu = 0; cpu < sim->nr_cpus; cpu++) {
		free(sim->cpus[cpu].scx.dsp_buf);
		sim->cpus[cpu].scx.dsp_buf = NULL;
	}
	scx_free_user_dsqs(sch);
	free(sch->global);
	free(sch);
	sim->scx = NULL;
	scx_op_fault__disarm();
	sim->idle_hook = NULL;
}

uint64_t scx_sched__cpu_dispatch_placed(const struct sim *sim, int cpu)
{
	if (cpu < 0 || cpu >= sim->nr_cpus)
		return 0;
	return sim->cpus[cpu].scx.nr_dsp_placed;
}
