/*
 * Creating, running and freeing one simulation. See sim.h.
 */
#include "sim/core/sim.h"
#include "sim/core/sched_internal.h"
#include "sim/core/hooks.h"
#include "sim/shim/scxsim/helpers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local struct sim *sim__running __attribute__((tls_model("initial-exec")));
/* the running simulation's CPU count, read inline by policies (bpf_cpumask_test_cpu) */
_Thread_local unsigned int scxsim_nr_cpu_ids __attribute__((tls_model("initial-exec"))) = NR_CPUS;

void sim__set_current(struct sim *sim)
{
	sim__running = sim;
	scxsim_nr_cpu_ids = sim ? (unsigned int)sim->nr_cpus : NR_CPUS;
}

void sim_config__defaults(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->seed = 1;
	cfg->duration_ns = 1000000000ULL;
	cfg->costs = (struct sim_costs){
		.ctx_switch_ns = 1500,
		.sched_delay_ns = 300,
		.wakeup_ipi_ns = 2000,
		.idle_exit_ns = 5000,
		.migrate_core_ns = 2000,
		.migrate_llc_ns = 10000,
		.migrate_node_ns = 30000,
		.smt_speed_pct = 60,
		.timer_slack_ns = 50000,
		.scx_disable_ns = 100000,
	};
	cfg->uptime_ns = 60ULL * 1000000000ULL; /* a machine booted a minute ago */
	cfg->op_budget_ns = SIM_OP_BUDGET_DFL_NS;
	cfg->kernel_version = (7 << 16) | (2 << 8) | 13;
}

void sim__fatal(struct sim *sim, const char *fmt, ...)
{
	va_list ap;

	if (sim->fatal[0])
		return;
	va_start(ap, fmt);
	vsnprintf(sim->fatal, sizeof(sim->fatal), fmt, ap);
	va_end(ap);
	sim->loop.stop = true;
}

void sim__klog(struct sim *sim, const char *fmt, ...)
{
	char line[1400];
	va_list ap;
	int n = snprintf(line, sizeof(line), "[%5llu.%06llu] ",
			 (unsigned long long)(sim->loop.now / 1000000000ULL),
			 (unsigned long long)(sim->loop.now / 1000ULL % 1000000ULL));

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (sim->klog_len + n + 1 > sim->klog_cap) {
		size_t ncap = (sim->klog_cap + n + 1) * 2;
		char *k = realloc(sim->klog, ncap);
		if (!k)
			return;
		sim->klog = k;
		sim->klog_cap = ncap;
	}
	memcpy(sim->klog + sim->klog_len, line, n);
	sim->klog_len += n;
	sim->klog[sim->klog_len] = 0;
}

/* swapper (pid 0) and init (pid 1): parents only, never queued or run. */
static int make_ancestors(struct sim *sim)
{
	struct sim_task *anc[2];

	sim->swapper = anc[0] = calloc(1, sizeof(*anc[0]));
	sim->init = anc[1] = calloc(1, sizeof(*anc[1]));
	if (!anc[0] || !anc[1])
		return -1; /* sim__free() frees the other */
	for (int i = 0; i < 2; i++) {
		struct sim_task *t = anc[i];

		t->sim = sim;
		t->id = -1;
		t->state = SIM_TASK_BLOCKED;
		t->cpu = 0;
		t->last_ran_cpu = -1;
		t->group = -1;
		t->allowed = sim->topo.all;
		t->ts.cpus_ptr = &t->allowed;
		t->ts.cpus_mask = t->allowed;
		t->ts.nr_cpus_allowed = sim->nr_cpus;
		t->ts.pid = t->ts.tgid = i;
		t->ts.group_leader = &t->ts;
		t->ts.prio = t->ts.static_prio = t->ts.normal_prio = 120;
		t->ts.flags = i ? 0 : PF_IDLE | PF_KTHREAD;
		t->ts.cgroups = &sim_cgroup__root(sim)->cset;
		snprintf(t->ts.comm, sizeof(t->ts.comm), "%s", i ? "init" : "swapper/0");
	}
	anc[0]->ts.real_parent = anc[0]->ts.parent = &anc[0]->ts;
	anc[1]->ts.real_parent = anc[1]->ts.parent = &anc[0]->ts;
	return 0;
}

struct sim *sim__new(const struct sim_config *cfg, const struct sim_topology *topo)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		return NULL;
	sim->cfg = *cfg;
	if (sim_loop__init(&sim->loop))
		goto fail;
	/* private copy of the topology (its masks are owned by the copy) */
	sim->topo = *topo;
	sim->topo.core_mask = calloc(topo->nr_cores, sizeof(struct cpumask));
	sim->topo.llc_mask = calloc(topo->nr_llcs, sizeof(struct cpumask));
	sim->topo.node_mask = calloc(topo->nr_nodes, sizeof(struct cpumask));
	sim->topo.distance = calloc((size_t)topo->nr_nodes * topo->nr_nodes, sizeof(int));
	if (!sim->topo.core_mask || !sim->topo.llc_mask || !sim->topo.node_mask || !sim->topo.distance)
		goto fail;
	memcpy(sim->topo.core_mask, topo->core_mask, topo->nr_cores * sizeof(struct cpumask));
	memcpy(sim->topo.llc_mask, topo->llc_mask, topo->nr_llcs * sizeof(struct cpumask));
	memcpy(sim->topo.node_mask, topo->node_mask, topo->nr_nodes * sizeof(struct cpumask));
	memcpy(sim->topo.distance, topo->distance, (size_t)topo->nr_nodes * topo->nr_nodes * sizeof(int));

	sim->nr_cpus = topo->nr_cpus;
	sim->cpus = calloc(sim->nr_cpus, sizeof(*sim->cpus));
	if (!sim->cpus)
		goto fail;
	for (int i = 0; i < sim->nr_cpus; i++)
		sim_sched__init_cpu(sim, &sim->cpus[i], i);
	sim->fair_class = sim_class__registered(SIM_CLASS_FAIR);
	sim->ext_class = sim_class__registered(SIM_CLASS_EXT);
	if (!sim->fair_class || !sim->ext_class)
		goto fail;
	sim->current_cpu = -1;
	sim->next_pid = 1000;
	sim_rng__seed(&sim->rng_workload, cfg->seed, 1);
	sim_rng__seed(&sim->rng_policy, cfg->seed, 2);
	sim_rng__seed(&sim->rng_jitter, cfg->seed, 3);
	for (int i = 0; i < sim->nr_cpus; i++)
		sim_noise__init_cpu(sim, &sim->cpus[i]);
	hist__init(&sim->wakeup_lat);
	hist__init(&sim->preempt_lat);
	hist__init(&sim->run_delay);
	if (sim_runtime_hooks->sim_created)
		sim_runtime_hooks->sim_created(sim);
	if (!sim_cgroup__create(sim, NULL, "/", SIM_CGROUP_WEIGHT_DFL) || make_ancestors(sim))
		goto fail;
	return sim;
fail:
	sim__free(sim);
	return NULL;
}

void sim__free(struct sim *sim)
{
	if (!sim)
		return;
	if (sim->scx && sim_ext_hooks->policy_free)
		sim_ext_hooks->policy_free(sim);
	if (sim_runtime_hooks->sim_freed)
		sim_runtime_hooks->sim_freed(sim); /* BPF timers must not touch the loop any more */
	sim_loop__destroy(&sim->loop); /* first: queued events live inside tasks and CPUs */
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *t = sim->tasks[i];
		if (t->beh && t->beh->free && t->beh_state)
			t->beh->free(t->beh_state);
		free(t);
	}
	free(sim->tasks);
	free(sim->swapper);
	free(sim->init);
	sim_cgroup__free_all(sim);
	free(sim->cpus);
	free(sim->klog);
	sim_topology__destroy(&sim->topo);
	if (sim__running == sim)
		sim__set_current(NULL);
	free(sim);
}

struct sim_task *sim__add_task(struct sim *sim, const char *comm, int nice,
			       const struct sim_behaviour_ops *ops, void *state, uint64_t start_at)
{
	struct sim_task *t;

	if (sim->nr_tasks == sim->cap_tasks) {
		int ncap = sim->cap_tasks ? sim->cap_tasks * 2 : 64;
		struct sim_task **n = realloc(sim->tasks, ncap * sizeof(*n));
		if (!n)
			return NULL;
		sim->tasks = n;
		sim->cap_tasks = ncap;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->sim = sim;
	t->id = sim->nr_tasks;
	t->state = SIM_TASK_NEW;
	t->beh = ops;
	t->beh_state = state;
	t->start_at = start_at;
	t->group = -1;
	t->last_ran_cpu = -1;
	t->cpu = t->id % sim->nr_cpus;
	t->allowed = sim->topo.all;
	t->ts.cpus_ptr = &t->allowed;
	t->ts.cpus_mask = t->allowed;
	t->ts.nr_cpus_allowed = sim->nr_cpus;
	t->ts.pid = t->ts.tgid = sim->next_pid++;
	t->ts.policy = sim->spawn_policy ? sim->spawn_policy : SCHED_NORMAL;
	t->ts.group_leader = &t->ts;
	t->ts.real_parent = t->ts.parent = &sim->init->ts; /* a spawner sets its own */
	t->ts.scx.dsq_vtime = 0;
	t->ts.scx.slice = SCX_SLICE_DFL;
	t->ts.scx.sticky_cpu = -1;
	t->ts.scx.holding_cpu = -1;
	t->ts.scx.selected_cpu = -1;
	t->ts.scx.tid = (u64)t->ts.pid;
	t->ts.numa_preferred_nid = -1;
	t->ts.cgroups = &sim_cgroup__root(sim)->cset;
	snprintf(t->ts.comm, sizeof(t->ts.comm), "%s", comm ? comm : "task");
	sim_task__set_nice(sim, t, nice);
	sim_event__init(&t->timer, sim_exec__timer_fn, t);
	sim->tasks[sim->nr_tasks++] = t;
	sim->nr_live++;

	/* A task forked while a policy is loaded joins sched_ext, as in the kernel. */
	t->cls = sim->fair_class;
	if (sim->scx && sim_ext_hooks->accepts_task && sim_ext_hooks->accepts_task(sim, t)) {
		t->cls = sim->ext_class;
		t->was_ext = true;
	}
	if (t->cls->task_attach)
		t->cls->task_attach(sim, t, true);
	/* under SWITCH_PARTIAL a task that stays on fair is still initialized (fork == true) */
	if (sim->scx && t->cls != sim->ext_class && sim_ext_hooks->init_other_task)
		sim_ext_hooks->init_other_task(sim, t, true);
	sim_loop__schedule(&sim->loop, &t->timer, start_at);
	return t;
}

void sim__task_set_unmeasured(struct sim *sim, struct sim_task *t)
{
	if (t->unmeasured)
		return;
	t->unmeasured = true;
	sim->nr_live--;
}

/* Run @sim's loop to @until as the current simulation when @run (and nothing failed yet). */
static int run_loop(struct sim *sim, uint64_t until, bool run)
{
	struct sim *saved = sim__running;

	sim__set_current(sim);
	if (run && !sim->fatal[0])
		sim_loop__run_until(&sim->loop, until);
	sim__set_current(saved);
	return sim->fatal[0] ? -1 : 0;
}

int sim__run_until(struct sim *sim, uint64_t until)
{
	return run_loop(sim, until, sim->nr_live > 0);
}

int sim__advance(struct sim *sim, uint64_t until)
{
	return run_loop(sim, until, until > sim__now(sim));
}
