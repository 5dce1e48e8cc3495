/*
 * The fault-injection policy (sched/scxl_faulty.bpf.c): each fault knob produces the kernel's
 * exit kind and message, at the time the trigger says, and every task then runs on the fair
 * class.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
#include "test_helpers.h"
#include "workloads/builtin.h"

#define MS 1000000ULL
#define FAULTY "policies/sched/scxl_faulty.sim.so"

struct fault_case {
	int fault;
	int kind;
	char msg[64]; /* a substring of the exit message (no pointers: params cross processes) */
};

static struct sim *run_fault(struct sim_policy *pol, int fault, const char *after_ns,
			     const char *after_count, uint64_t duration)
{
	struct sim_topology topo;
	struct sim_config cfg;
	struct builtin_workload wl;
	char err[512], val[32];
	struct sim *sim;

	snprintf(val, sizeof(val), "%d", fault);
	cr_assert_eq(sim_policy__set_knob(pol, "fault", val, err, sizeof(err)), 0, "%s", err);
	if (after_ns)
		cr_assert_eq(sim_policy__set_knob(pol, "fault_after_ns", after_ns, err, sizeof(err)), 0, "%s", err);
	if (after_count)
		cr_assert_eq(sim_policy__set_knob(pol, "fault_after_count", after_count, err, sizeof(err)), 0,
			     "%s", err);
	cr_assert_eq(sim_topology__parse(&topo, "4cpu", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	sim_policy__apply_topology(pol, &topo);
	cr_assert_eq(sim_policy__freeze(pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(scx_sched__attach(sim, sim_policy__ops(pol), sim_policy__name(pol), err, sizeof(err)), 0,
		     "%s", err);
	builtin_workload__defaults(&wl, topo.nr_cpus);
	cr_assert_eq(builtin_workload__add(sim, &wl), 0);
	cr_assert_eq(sim__run_until(sim, duration), 0);
	sim_topology__destroy(&topo);
	return sim;
}

/* After an ejection every task is back on the fair class and the CPUs stay busy. */
static void assert_fell_back(struct sim *sim, uint64_t exit_at, uint64_t duration)
{
	uint64_t busy = 0;

	cr_assert_not(scx_sched__enabled(sim));
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *t = sim->tasks[i];
		cr_assert(t->cls == sim->fair_class, "%s still on ext", t->ts.comm);
		cr_assert_gt(t->stats.fair_ns, 0, "%s never ran on the fair class", t->ts.comm);
	}
	for (int c = 0; c < sim->nr_cpus; c++)
		busy += sim->cpus[c].busy_ns;
	/* hogs keep all 4 CPUs busy after the fallback, whatever the policy did */
	cr_assert_gt(busy, (duration - exit_at) * 4 * 95 / 100);
}

ParameterizedTestParameters(faulty, exit_kinds)
{
	static struct fault_case cases[] = {
		{ 2, SCX_EXIT_ERROR_BPF, "injected error after " },
		{ 3, SCX_EXIT_ERROR, "non-existent DSQ 0x1234" },
		{ 4, SCX_EXIT_ERROR, "already direct-dispatched" },
		{ 5, SCX_EXIT_ERROR, "cannot use vtime ordering for built-in DSQs" },
		{ 6, SCX_EXIT_UNREG_BPF, "injected exit after " },
	};
	return cr_make_param_array(struct fault_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct fault_case *c, faulty, exit_kinds)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path(FAULTY), 4, err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = run_fault(pol, c->fault, "300000000", NULL, 1000 * MS);
	const struct scx_exit_record *ex = scx_sched__exit_record(sim);

	cr_assert(ex->exited);
	cr_assert_eq(ex->kind, c->kind, "fault %d: kind %d", c->fault, ex->kind);
	cr_assert_not_null(strstr(ex->msg, c->msg), "fault %d: msg '%s'", c->fault, ex->msg);
	/* the trigger: not before 300 ms, and at the first enqueue after it (hogs enqueue often) */
	cr_assert(ex->at_ns >= 300 * MS && ex->at_ns < 330 * MS, "exit at %lu", (unsigned long)ex->at_ns);
	if (c->fault == 6)
		cr_assert_eq(ex->exit_code, 42);
	assert_fell_back(sim, ex->disabled_ns, 1000 * MS);
	sim__free(sim);
	sim_policy__close(pol);
}

Test(faulty, stall_is_caught_by_the_watchdog)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path(FAULTY), 4, err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = run_fault(pol, 1, "200000000", NULL, 4000 * MS);
	const struct scx_exit_record *ex = scx_sched__exit_record(sim);

	cr_assert_eq(ex->kind, SCX_EXIT_ERROR_STALL);
	cr_assert_str_eq(ex->reason, "runnable task stall");
	cr_assert_not_null(strstr(ex->msg, "failed to run for"), "%s", ex->msg);
	/* timeout_ms is 2000: caught between 2 and 3 s after the stall began */
	cr_assert(ex->at_ns >= 2200 * MS && ex->at_ns <= 3300 * MS, "exit at %lu", (unsigned long)ex->at_ns);
	cr_assert_not_null(strstr(sim__klog_text(sim), "disabled (runnable task stall)"));
	assert_fell_back(sim, ex->disabled_ns, 4000 * MS);
	sim__free(sim);
	sim_policy__close(pol);
}

Test(faulty, count_trigger_fires_at_that_enqueue)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path(FAULTY), 4, err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = run_fault(pol, 6, NULL, "100", 1000 * MS);
	const struct scx_exit_record *ex = scx_sched__exit_record(sim);

	cr_assert_eq(ex->kind, SCX_EXIT_UNREG_BPF);
	cr_assert_str_eq(ex->msg, "injected exit after 100 enqueues");
	sim__free(sim);
	sim_policy__close(pol);
}

Test(faulty, no_fault_keeps_the_policy_loaded)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path(FAULTY), 4, err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = run_fault(pol, 0, NULL, NULL, 1000 * MS);

	cr_assert(scx_sched__enabled(sim));
	cr_assert_not(scx_sched__exit_record(sim)->exited);
	sim__free(sim);
	sim_policy__close(pol);
}
