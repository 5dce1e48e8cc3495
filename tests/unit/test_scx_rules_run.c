/*
 * The sched_ext rules of running tasks the simulator must keep, one test each
 * (scx-reference.md section 3): slices and preemption, kicks, CPU selection, load-time
 * validation, the per-task callback order and infinite slices. The dispatch and DSQ rules
 * (with move_to_local, CPU selection and SCX_ENQ_HEAD) are in test_scx_rules.c; the suite is
 * the same (scx_rules).
 */
#include "scx_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define MS 1000000ULL
/* which variant of a two-variant test runs */
static int fault;

/* ---- slices: expiry goes back through ops.enqueue; SCX_ENQ_PREEMPT preempts ---- */

static void count_enqueue(struct task_struct *p, u64 f)
{
	fx_record("enqueue", p, f);
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, 5 * MS, f);
}

Test(scx_rules, slice_expiry_reenqueues_through_ops_enqueue)
{
	static struct sched_ext_ops ops = { .select_cpu = fx_select_prev, .enqueue = count_enqueue, .name = "sl" };
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	struct sim_task *a = fx_hog(sim, "a", 50 * MS, 0);
	struct sim_task *b = fx_hog(sim, "b", 50 * MS, 0);
	sim__run_until(sim, 1000 * MS);
	cr_assert(fx_all_dead(sim));
	/* 50 ms of work in 5 ms slices (ticks every 4 ms, so slices end at 8 ms): several turns each */
	cr_assert_geq(fx_count("enqueue", a->ts.pid), 5);
	cr_assert_geq(fx_count("enqueue", b->ts.pid), 5);
	cr_assert_geq(a->stats.nr_invol_switches, 4);
	sim__free(sim);
}

static void preempt_enqueue(struct task_struct *p, u64 f)
{
	if (p->comm[0] == 'u')
		scx_bpf_dsq_insert___v2(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, f | SCX_ENQ_PREEMPT);
	else
		scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_INF, f);
}

Test(scx_rules, enq_preempt_preempts_the_running_task)
{
	static struct sched_ext_ops ops = { .select_cpu = fx_select_prev, .enqueue = preempt_enqueue, .name = "pre" };
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	struct sim_task *hog = fx_hog(sim, "hog", 200 * MS, 0);
	struct sim_task *u = fx_sleeper(sim, "urgent", 50000, 10 * MS, 5, 1 * MS);
	sim__run_until(sim, 1000 * MS);
	cr_assert(fx_all_dead(sim));
	/* the hog has an infinite slice: only SCX_ENQ_PREEMPT can get the sleeper on the CPU */
	cr_assert_geq(hog->stats.nr_invol_switches, 5);
	cr_assert_lt(u->stats.wakeup_wait_max, 1 * MS, "woken task waited %llu ns",
		     (unsigned long long)u->stats.wakeup_wait_max);
	sim__free(sim);
}

/* ---- kicks ---- */

static void kick_enqueue(struct task_struct *p, u64 f)
{
	scx_bpf_dsq_insert___v2(p, FX_USER_DSQ, SCX_SLICE_DFL, f);
	if (fault == 10)
		scx_bpf_kick_cpu(1, SCX_KICK_IDLE);
}

static void kick_dispatch(s32 cpu, struct task_struct *prev)
{
	fx_record("dispatch", NULL, (uint64_t)cpu);
	scx_bpf_dsq_move_to_local___v2(FX_USER_DSQ, 0);
}

static s32 kick_select(struct task_struct *p, s32 prev, u64 wf)
{
	return 0; /* everything is enqueued on CPU 0's runqueue */
}

/* Enabling a policy reschedules every CPU, so an idle one runs ops.dispatch once. */
static void log_dispatch(s32 cpu, struct task_struct *prev)
{
	fx_record("dispatch", NULL, (uint64_t)cpu);
}

Test(scx_rules, enable_makes_idle_cpus_dispatch_once)
{
	static struct sched_ext_ops ops = { .dispatch = log_dispatch, .name = "en" };
	struct sim *sim = fx_sim("4", 1);
	fx_attach(sim, &ops);
	fx_hog(sim, "late", 1 * MS, 2 * MS); /* keeps the run going; starts after the check */
	sim__run_until(sim, 5 * MS);
	for (int cpu = 0; cpu < 4; cpu++) {
		int n = 0;
		for (int i = 0; i < fx_nlog; i++)
			if (!strcmp(fx_log[i].op, "dispatch") && fx_log[i].arg == (uint64_t)cpu &&
			    fx_log[i].at < 1 * MS)
				n++;
		cr_assert_eq(n, 1, "cpu %d dispatched %d times", cpu, n);
	}
	sim__free(sim);
}

Test(scx_rules, kick_idle_wakes_an_idle_cpu)
{
	static struct sched_ext_ops ops = {
		.select_cpu = kick_select, .enqueue = kick_enqueue, .dispatch = kick_dispatch,
		.init = fx_init_user_dsq, .name = "kick",
	};
	for (fault = 9; fault <= 10; fault++) {
		fx_nlog = 0;
		struct sim *sim = fx_sim("2", 1);
		fx_attach(sim, &ops);
		/* after the enable-time dispatch of every CPU (leaving bypass reschedules all) */
		fx_hog(sim, "a", 30 * MS, 1 * MS);
		fx_hog(sim, "b", 30 * MS, 1 * MS);
		sim__run_until(sim, 10 * MS);
		int on_cpu1 = 0;
		for (int i = 0; i < fx_nlog; i++)
			if (!strcmp(fx_log[i].op, "dispatch") && fx_log[i].arg == 1 && fx_log[i].at >= 1 * MS)
				on_cpu1++;
		if (fault == 9)
			cr_assert_eq(on_cpu1, 0, "nobody kicked CPU 1, so it never dispatched");
		else
			cr_assert_gt(on_cpu1, 0, "SCX_KICK_IDLE made CPU 1 dispatch");
		sim__free(sim);
	}
}

static void bad_kick_enqueue(struct task_struct *p, u64 f)
{
	scx_bpf_kick_cpu(0, SCX_KICK_IDLE | SCX_KICK_PREEMPT);
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, f);
}

Test(scx_rules, kick_idle_with_preempt_is_an_error)
{
	static struct sched_ext_ops ops = { .select_cpu = fx_select_prev, .enqueue = bad_kick_enqueue, .name = "badkick" };
	struct sim *sim = fx_sim("2", 1);
	fx_attach(sim, &ops);
	fx_hog(sim, "a", 1 * MS, 0);
	sim__run_until(sim, 50 * MS);
	cr_assert_str_eq(scx_sched__exit_record(sim)->msg, "PREEMPT/WAIT cannot be used with SCX_KICK_IDLE");
	sim__free(sim);
}

/* ---- load-time validation ---- */

Test(scx_rules, enq_last_without_enqueue_fails_to_load)
{
	static struct sched_ext_ops ops = { .flags = SCX_OPS_ENQ_LAST, .name = "el" };
	struct sim *sim = fx_sim("2", 1);
	char err[256];
	cr_assert_neq(fx_attach_err(sim, &ops, err, sizeof(err)), 0);
	cr_assert(strstr(err, "SCX_OPS_ENQ_LAST requires ops.enqueue() to be implemented"), "%s", err);
	sim__free(sim);
}

static s32 failing_init(void)
{
	return -12;
}

Test(scx_rules, init_failure_fails_the_load)
{
	static struct sched_ext_ops ops = { .init = failing_init, .name = "fi" };
	struct sim *sim = fx_sim("2", 1);
	char err[256];
	cr_assert_neq(fx_attach_err(sim, &ops, err, sizeof(err)), 0);
	cr_assert(strstr(err, "ops.init() failed (-12)"), "%s", err);
	sim__free(sim);
}

Test(scx_rules, timeout_over_30s_is_refused)
{
	static struct sched_ext_ops ops = { .timeout_ms = 30001, .name = "to" };
	struct sim *sim = fx_sim("2", 1);
	char err[256];
	cr_assert_neq(fx_attach_err(sim, &ops, err, sizeof(err)), 0);
	cr_assert(strstr(err, "E2BIG"), "%s", err);
	sim__free(sim);
}

/* ---- the per-task callback order ---- */

static s32 lc_init_task(struct task_struct *p, struct scx_init_task_args *a) { fx_record("init_task", p, a->fork); return 0; }
static void lc_enable(struct task_struct *p) { fx_record("enable", p, 0); }
static void lc_runnable(struct task_struct *p, u64 f) { fx_record("runnable", p, f); }
static void lc_enqueue(struct task_struct *p, u64 f) { fx_record("enqueue", p, f); scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, f); }
static void lc_running(struct task_struct *p) { fx_record("running", p, 0); }
static void lc_stopping(struct task_struct *p, bool r) { fx_record("stopping", p, r); }
static void lc_quiescent(struct task_struct *p, u64 f) { fx_record("quiescent", p, f); }
static void lc_disable(struct task_struct *p) { fx_record("disable", p, 0); }
static void lc_exit_task(struct task_struct *p, struct scx_exit_task_args *a) { fx_record("exit_task", p, a->cancelled); }
static s32 lc_select(struct task_struct *p, s32 prev, u64 wf) { fx_record("select_cpu", p, wf); return prev; }

Test(scx_rules, task_lifecycle_callback_order)
{
	static struct sched_ext_ops ops = {
		.init_task = lc_init_task, .enable = lc_enable, .runnable = lc_runnable,
		.enqueue = lc_enqueue, .running = lc_running, .stopping = lc_stopping,
		.quiescent = lc_quiescent, .disable = lc_disable, .exit_task = lc_exit_task,
		.select_cpu = lc_select, .name = "lc",
	};
	struct sim *sim = fx_sim("2", 1);
	fx_attach(sim, &ops);
	struct sim_task *t = fx_sleeper(sim, "s", 100000, 1 * MS, 2, 0);
	int pid = t->ts.pid;
	sim__run_until(sim, 50 * MS);
	cr_assert(t->state == SIM_TASK_DEAD);
	const char *want[] = {
		"init_task", "enable", "select_cpu", "runnable", "enqueue", "running", "stopping", "quiescent",
		"select_cpu", "runnable", "enqueue", "running", "stopping", "quiescent",
		"select_cpu", "runnable", "enqueue", "running", "stopping", "quiescent", "disable", "exit_task",
	};
	int n = 0;
	for (int i = 0; i < fx_nlog; i++) {
		if (fx_log[i].pid != pid)
			continue;
		cr_assert_lt(n, (int)(sizeof(want) / sizeof(want[0])), "extra callback %s", fx_log[i].op);
		cr_assert_str_eq(fx_log[i].op, want[n], "callback %d: got %s, want %s", n, fx_log[i].op, want[n]);
		n++;
	}
	cr_assert_eq(n, (int)(sizeof(want) / sizeof(want[0])));
	cr_assert_eq(fx_log[fx_find("init_task", pid, 0)].arg, 1, "init_task on the fork path");
	cr_assert_eq(fx_log[fx_find("stopping", pid, 0)].arg, 0, "stopping(runnable=false) when it sleeps");
	cr_assert_eq(fx_log[fx_find("quiescent", pid, 0)].arg, SCX_DEQ_SLEEP);
	cr_assert(fx_log[fx_find("select_cpu", pid, 0)].arg & SCX_WAKE_FORK);
	cr_assert(fx_log[fx_find("select_cpu", pid, 8)].arg & SCX_WAKE_TTWU);
	cr_assert(fx_log[fx_find("enqueue", pid, 8)].arg & SCX_ENQ_WAKEUP);
	cr_assert_eq(fx_log[fx_find("exit_task", pid, 0)].arg, 0, "not cancelled: it ran");
	sim__free(sim);
}

/* ---- SCX_SLICE_INF: the tick never ends the slice ---- */

static void inf_enqueue(struct task_struct *p, u64 f)
{
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_INF, f);
}

Test(scx_rules, infinite_slice_is_never_cut_by_the_tick)
{
	static struct sched_ext_ops ops = { .select_cpu = fx_select_prev, .enqueue = inf_enqueue, .name = "inf" };
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	struct sim_task *a = fx_hog(sim, "a", 40 * MS, 0);
	struct sim_task *b = fx_hog(sim, "b", 40 * MS, 10000);
	sim__run_until(sim, 200 * MS);
	cr_assert(fx_all_dead(sim));
	/* a ran its 40 ms in one go (ten ticks) while b waited */
	cr_assert_eq(a->stats.nr_invol_switches, 0);
	cr_assert_eq(a->stats.nr_switches, 1);
	cr_assert_geq(b->stats.run_delay_ns, 39 * MS);
	sim__free(sim);
}
