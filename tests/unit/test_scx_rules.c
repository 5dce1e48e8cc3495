/*
 * The sched_ext rules the simulator must keep, one test each (scx-reference.md section 3):
 * dispatching and DSQs, the watchdog, error exits (test_scx_rules_run.c has the rules of
 * running tasks). Policies here are C ops tables calling the real kfuncs, so a failure points
 * at the core.
 */
#include "scx_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define MS 1000000ULL
/* ---- direct dispatch from select_cpu skips ops.enqueue ---- */

static s32 dd_select(struct task_struct *p, s32 prev, u64 wf)
{
	fx_record("select_cpu", p, prev);
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	return prev;
}

static void dd_enqueue(struct task_struct *p, u64 f)
{
	fx_record("enqueue", p, f);
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, f);
}

Test(scx_rules, direct_dispatch_from_select_cpu_skips_enqueue)
{
	static struct sched_ext_ops ops = { .select_cpu = dd_select, .enqueue = dd_enqueue, .name = "dd" };
	struct sim *sim = fx_sim("4", 1);
	fx_attach(sim, &ops);
	struct sim_task *t = fx_sleeper(sim, "s", 100000, 1 * MS, 20, 0);
	sim__run_until(sim, 100 * MS);
	cr_assert(t->state == SIM_TASK_DEAD, "the sleeper finished");
	cr_assert_geq(fx_count("select_cpu", t->ts.pid), 20);
	/* the only enqueue a task can get is when select_cpu was skipped; wakeups went straight */
	cr_assert_eq(fx_count("enqueue", t->ts.pid), 0, "ops.enqueue ran %d times", fx_count("enqueue", t->ts.pid));
	sim__free(sim);
}

/* ---- without select_cpu, the default selection direct-dispatches to an idle CPU ---- */

static void only_enqueue(struct task_struct *p, u64 f)
{
	fx_record("enqueue", p, f);
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, f);
}

Test(scx_rules, default_select_cpu_direct_dispatches_on_idle)
{
	static struct sched_ext_ops ops = { .enqueue = only_enqueue, .name = "dfl" };
	struct sim *sim = fx_sim("4", 1);
	fx_attach(sim, &ops);
	struct sim_task *t = fx_sleeper(sim, "s", 100000, 1 * MS, 10, 0);
	sim__run_until(sim, 100 * MS);
	cr_assert(t->state == SIM_TASK_DEAD);
	cr_assert_eq(fx_count("enqueue", t->ts.pid), 0, "idle CPUs everywhere: enqueue must be skipped");
	sim__free(sim);
}

/* ---- PRIQ order by vtime, ties in insertion order ---- */

static void prio_enqueue(struct task_struct *p, u64 f)
{
	/* vtimes by name: a=30 b=10 c=20 d=10 (d ties with b, inserted later) */
	u64 v = p->comm[0] == 'a' ? 30 : p->comm[0] == 'b' ? 10 : p->comm[0] == 'c' ? 20 : 10;
	struct scx_bpf_dsq_insert_vtime_args args = { .dsq_id = FX_USER_DSQ, .slice = SCX_SLICE_DFL, .vtime = v, .enq_flags = f };
	__scx_bpf_dsq_insert_vtime(p, &args);
}

static void prio_dispatch(s32 cpu, struct task_struct *prev)
{
	static bool started;

	/* hold everything until all four are queued */
	if (!started && scx_bpf_dsq_nr_queued(FX_USER_DSQ) < 4)
		return;
	started = true;
	scx_bpf_dsq_move_to_local___v2(FX_USER_DSQ, 0);
}

static void prio_running(struct task_struct *p)
{
	fx_record("running", p, 0);
}

Test(scx_rules, priq_orders_by_vtime_with_ties_in_insertion_order)
{
	static struct sched_ext_ops ops = {
		.select_cpu = fx_select_prev, .enqueue = prio_enqueue, .dispatch = prio_dispatch,
		.running = prio_running, .init = fx_init_user_dsq, .name = "priq",
	};
	struct sim *sim = fx_sim("1", 1);
	/* one CPU; a first hog holds it so the others queue up; the order of arrival is a, b, c, d */
	fx_attach(sim, &ops);
	fx_hog(sim, "a", 1 * MS, 1000);
	fx_hog(sim, "b", 1 * MS, 2000);
	fx_hog(sim, "c", 1 * MS, 3000);
	fx_hog(sim, "d", 1 * MS, 4000);
	sim__run_until(sim, 100 * MS);
	cr_assert(fx_all_dead(sim));
	const char *order[4];
	int n = 0;
	for (int i = 0; i < fx_nlog && n < 4; i++)
		if (!strcmp(fx_log[i].op, "running"))
			order[n++] = sim->tasks[fx_log[i].pid - 1000]->ts.comm;
	cr_assert_eq(n, 4);
	cr_assert_str_eq(order[0], "b");
	cr_assert_str_eq(order[1], "d");
	cr_assert_str_eq(order[2], "c");
	cr_assert_str_eq(order[3], "a");
	sim__free(sim);
}

/* ---- FIFO and PRIQ cannot mix on one DSQ ---- */

static void mix_enqueue(struct task_struct *p, u64 f)
{
	if (p->comm[0] != 'b') {
		scx_bpf_dsq_insert___v2(p, FX_USER_DSQ, SCX_SLICE_DFL, f);
	} else {
		struct scx_bpf_dsq_insert_vtime_args args = { .dsq_id = FX_USER_DSQ, .slice = SCX_SLICE_DFL, .vtime = 5, .enq_flags = f };
		__scx_bpf_dsq_insert_vtime(p, &args);
	}
}

static void hold_dispatch(s32 cpu, struct task_struct *prev)
{
	if (scx_bpf_now() > 20 * MS)
		scx_bpf_dsq_move_to_local___v2(FX_USER_DSQ, 0);
}

Test(scx_rules, fifo_then_priq_on_one_dsq_is_an_error)
{
	static struct sched_ext_ops ops = { .select_cpu = fx_select_prev, .enqueue = mix_enqueue, .dispatch = hold_dispatch, .init = fx_init_user_dsq, .name = "mix" };
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	fx_hog(sim, "hold", 10 * MS, 0);
	fx_hog(sim, "a", 1 * MS, 1000);
	fx_hog(sim, "b", 1 * MS, 2000);
	sim__run_until(sim, 200 * MS);
	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	cr_assert(r->exited);
	cr_assert_eq(r->kind, SCX_EXIT_ERROR);
	cr_assert_str_eq(r->reason, "runtime error");
	cr_assert_str_eq(r->msg, "DSQ ID 0x0000000000000007 already had FIFO-enqueued tasks");
	cr_assert(fx_all_dead(sim), "after the ejection every task finishes on the fair class");
	sim__free(sim);
}

/* ---- the dispatch buffer holds dispatch_max_batch entries ---- */

static struct task_struct *held[16];
static int nheld;

static void keep_enqueue(struct task_struct *p, u64 f)
{
	if (nheld < 16)
		held[nheld++] = p;
}

static void burst_dispatch(s32 cpu, struct task_struct *prev)
{
	if (nheld < 3)
		return;
	for (int i = 0; i < nheld; i++)
		scx_bpf_dsq_insert___v2(held[i], SCX_DSQ_GLOBAL, SCX_SLICE_DFL, 0);
	nheld = 0;
}

Test(scx_rules, dispatch_buffer_overflow)
{
	static struct sched_ext_ops ops = {
		.select_cpu = fx_select_prev, .enqueue = keep_enqueue, .dispatch = burst_dispatch, .dispatch_max_batch = 2, .name = "ovf",
	};
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	fx_hog(sim, "a", 1 * MS, 0);
	fx_hog(sim, "b", 1 * MS, 0);
	fx_hog(sim, "c", 1 * MS, 0);
	sim__run_until(sim, 100 * MS);
	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	cr_assert_eq(r->kind, SCX_EXIT_ERROR);
	cr_assert_str_eq(r->msg, "dispatch buffer overflow");
	cr_assert_str_eq(r->op, "dispatch");
	cr_assert(fx_all_dead(sim));
	sim__free(sim);
}

static u32 slots_seen[4];
static int nslots;
static void slots_dispatch(s32 cpu, struct task_struct *prev)
{
	if (nheld < 2 || nslots >= 3)
		return;
	slots_seen[nslots++] = scx_bpf_dispatch_nr_slots();
	scx_bpf_dsq_insert___v2(held[0], SCX_DSQ_GLOBAL, SCX_SLICE_DFL, 0);
	slots_seen[nslots++] = scx_bpf_dispatch_nr_slots();
	scx_bpf_dispatch_cancel();
	slots_seen[nslots++] = scx_bpf_dispatch_nr_slots();
	for (int i = 0; i < nheld; i++)
		scx_bpf_dsq_insert___v2(held[i], SCX_DSQ_GLOBAL, SCX_SLICE_DFL, 0);
	nheld = 0;
}

Test(scx_rules, dispatch_slots_and_cancel)
{
	static struct sched_ext_ops ops = {
		.select_cpu = fx_select_prev, .enqueue = keep_enqueue, .dispatch = slots_dispatch, .dispatch_max_batch = 4, .name = "slots",
	};
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	fx_hog(sim, "a", 1 * MS, 0);
	fx_hog(sim, "b", 1 * MS, 0);
	sim__run_until(sim, 100 * MS);
	cr_assert_eq(nslots, 3);
	cr_assert_eq(slots_seen[0], 4);
	cr_assert_eq(slots_seen[1], 3);
	cr_assert_eq(slots_seen[2], 4);
	cr_assert(fx_all_dead(sim));
	cr_assert(!scx_sched__exit_record(sim)->exited);
	sim__free(sim);
}

/* ---- a policy that never dispatches is ejected by the watchdog ---- */

static void stall_enqueue(struct task_struct *p, u64 f)
{
	fx_record("enqueue", p, f);
}

static void stall_exit(struct scx_exit_info *ei)
{
	fx_record("exit", NULL, (uint64_t)ei->kind);
}

Test(scx_rules, watchdog_ejects_a_policy_that_never_dispatches)
{
	static struct sched_ext_ops ops = {
		.select_cpu = fx_select_prev, .enqueue = stall_enqueue, .exit = stall_exit, .timeout_ms = 1000, .name = "stall",
	};
	struct sim *sim = fx_sim("2", 1);
	fx_attach(sim, &ops);
	for (int i = 0; i < 4; i++)
		fx_hog(sim, "h", 50 * MS, 0);
	sim__run_until(sim, 5000 * MS);
	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	cr_assert(r->exited);
	cr_assert_eq(r->kind, SCX_EXIT_ERROR_STALL);
	cr_assert_str_eq(r->reason, "runnable task stall");
	cr_assert(strstr(r->msg, "failed to run for "), "msg: %s", r->msg);
	/* detection between T and 1.5 T after the tasks became runnable (at 0) */
	cr_assert_geq(r->at_ns, 1000 * MS);
	cr_assert_leq(r->at_ns, 1500 * MS);
	int ex = fx_find("exit", -1, 0);
	cr_assert_geq(ex, 0, "ops.exit ran");
	cr_assert_eq(fx_log[ex].arg, SCX_EXIT_ERROR_STALL);
	cr_assert(fx_all_dead(sim), "every task ran to completion on the fair class");
	for (int i = 0; i < sim->nr_tasks; i++)
		cr_assert_geq(sim->tasks[i]->stats.fair_ns, 50 * MS);
	cr_assert(strstr(sim__klog_text(sim), "sched_ext: BPF scheduler \"stall\" disabled (runnable task stall)"));
	sim__free(sim);
}

/* ---- vtime into a built-in DSQ, bogus DSQ, double direct dispatch ---- */

static int fault;
static s32 fault_select(struct task_struct *p, s32 prev, u64 wf)
{
	if (fault == 3) {
		scx_bpf_dsq_insert___v2(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
		scx_bpf_dsq_insert___v2(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	}
	return prev;
}

static void fault_enqueue(struct task_struct *p, u64 f)
{
	if (fault == 1) {
		struct scx_bpf_dsq_insert_vtime_args a = { .dsq_id = SCX_DSQ_GLOBAL, .slice = SCX_SLICE_DFL, .vtime = 1, .enq_flags = f };
		__scx_bpf_dsq_insert_vtime(p, &a);
	} else if (fault == 2) {
		scx_bpf_dsq_insert___v2(p, 0x1234, SCX_SLICE_DFL, f);
	} else {
		scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, f);
	}
}

static void run_fault(int which, const char *want_msg)
{
	static struct sched_ext_ops ops = { .select_cpu = fault_select, .enqueue = fault_enqueue, .name = "fault" };
	struct sim *sim = fx_sim("2", 1);
	fault = which;
	fx_attach(sim, &ops);
	fx_sleeper(sim, "s", 100000, 1 * MS, 5, 0);
	fx_hog(sim, "h", 5 * MS, 0);
	sim__run_until(sim, 200 * MS);
	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	cr_assert(r->exited);
	cr_assert_eq(r->kind, SCX_EXIT_ERROR);
	cr_assert_str_eq(r->msg, want_msg);
	cr_assert(fx_all_dead(sim));
	sim__free(sim);
}

Test(scx_rules, vtime_insert_into_builtin_dsq_is_an_error)
{
	run_fault(1, "cannot use vtime ordering for built-in DSQs");
}

Test(scx_rules, insert_into_missing_dsq_is_an_error)
{
	run_fault(2, "non-existent DSQ 0x1234");
}

Test(scx_rules, double_direct_dispatch_is_an_error)
{
	fault = 3;
	static struct sched_ext_ops ops = { .select_cpu = fault_select, .enqueue = fault_enqueue, .name = "fault" };
	struct sim *sim = fx_sim("2", 1);
	fx_attach(sim, &ops);
	struct sim_task *t = fx_sleeper(sim, "sl", 100000, 1 * MS, 5, 0);
	sim__run_until(sim, 200 * MS);
	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	char want[128];
	snprintf(want, sizeof(want), "sl[%d] already direct-dispatched", t->ts.pid);
	cr_assert_eq(r->kind, SCX_EXIT_ERROR);
	cr_assert_str_eq(r->msg, want);
	cr_assert_str_eq(r->op, "select_cpu");
	cr_assert(fx_all_dead(sim));
	sim__free(sim);
}

/* ---- scx_bpf_error and scx_bpf_exit ---- */

static char err_fmt[] = "%s:%d: boom %llu";
static char exit_fmt[] = "bye %d";
static int which_exit;
static void exit_tick(struct task_struct *p)
{
	unsigned long long a[3] = { (unsigned long long)(uintptr_t) "pol.bpf.c", 42, 7 };
	unsigned long long b[1] = { 3 };
	if (which_exit == 0)
		scx_bpf_error_bstr(err_fmt, a, sizeof(a));
	else
		scx_bpf_exit_bstr(0x10005, exit_fmt, b, sizeof(b));
}

Test(scx_rules, scx_bpf_error_and_exit)
{
	static struct sched_ext_ops ops = { .enqueue = only_enqueue, .tick = exit_tick, .name = "ex" };
	for (which_exit = 0; which_exit < 2; which_exit++) {
		struct sim *sim = fx_sim("2", 1);
		fx_attach(sim, &ops);
		fx_hog(sim, "h", 20 * MS, 0);
		sim__run_until(sim, 100 * MS);
		const struct scx_exit_record *r = scx_sched__exit_record(sim);
		if (which_exit == 0) {
			cr_assert_eq(r->kind, SCX_EXIT_ERROR_BPF);
			cr_assert_str_eq(r->reason, "scx_bpf_error");
			cr_assert_str_eq(r->msg, "pol.bpf.c:42: boom 7");
		} else {
			cr_assert_eq(r->kind, SCX_EXIT_UNREG_BPF);
			cr_assert_str_eq(r->reason, "unregistered from BPF");
			cr_assert_str_eq(r->msg, "bye 3");
			cr_assert_eq(r->exit_code, 0x10005);
		}
		cr_assert(fx_all_dead(sim));
		sim__free(sim);
	}
}

/* ---- move_to_local only takes user DSQs ---- */

static void bad_consume_dispatch(s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local___v2(SCX_DSQ_GLOBAL, 0);
}

Test(scx_rules, move_to_local_rejects_builtin_dsqs)
{
	static struct sched_ext_ops ops = { .select_cpu = fx_select_prev, .enqueue = keep_enqueue, .dispatch = bad_consume_dispatch, .name = "bc" };
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	fx_hog(sim, "a", 1 * MS, 0);
	sim__run_until(sim, 50 * MS);
	cr_assert_str_eq(scx_sched__exit_record(sim)->msg, "invalid DSQ ID 0x8000000000000001");
	sim__free(sim);
}

/* ---- select_cpu must return a valid CPU ---- */

static s32 bad_select(struct task_struct *p, s32 prev, u64 wf)
{
	return 99;
}

Test(scx_rules, invalid_cpu_from_select_cpu)
{
	static struct sched_ext_ops ops = { .select_cpu = bad_select, .enqueue = only_enqueue, .name = "bs" };
	struct sim *sim = fx_sim("2", 1);
	fx_attach(sim, &ops);
	fx_sleeper(sim, "s", 100000, 1 * MS, 3, 0);
	sim__run_until(sim, 50 * MS);
	cr_assert_str_eq(scx_sched__exit_record(sim)->msg, "invalid CPU 99 from ops.select_cpu()");
	cr_assert(fx_all_dead(sim));
	sim__free(sim);
}

/* ---- SCX_ENQ_HEAD puts a task at the front of a FIFO DSQ ---- */

static void head_enqueue(struct task_struct *p, u64 f)
{
	/* arrival order a, b, c; c asks for the head */
	scx_bpf_dsq_insert___v2(p, FX_USER_DSQ, SCX_SLICE_DFL, f | (p->comm[0] == 'c' ? SCX_ENQ_HEAD : 0));
}

Test(scx_rules, enq_head_inserts_at_the_front_of_a_fifo)
{
	static struct sched_ext_ops ops = {
		.select_cpu = fx_select_prev, .enqueue = head_enqueue, .dispatch = prio_dispatch,
		.running = prio_running, .init = fx_init_user_dsq, .name = "head",
	};
	struct sim *sim = fx_sim("1", 1);
	fx_attach(sim, &ops);
	fx_hog(sim, "a", 1 * MS, 1000);
	fx_hog(sim, "b", 1 * MS, 2000);
	fx_hog(sim, "c", 1 * MS, 3000);
	fx_hog(sim, "d", 1 * MS, 4000);
	sim__run_until(sim, 100 * MS);
	cr_assert(fx_all_dead(sim));
	const char *order[4];
	int n = 0;
	for (int i = 0; i < fx_nlog && n < 4; i++)
		if (!strcmp(fx_log[i].op, "running"))
			order[n++] = sim->tasks[fx_log[i].pid - 1000]->ts.comm;
	cr_assert_eq(n, 4);
	cr_assert_str_eq(order[0], "c");
	cr_assert_str_eq(order[1], "a");
	cr_assert_str_eq(order[2], "b");
	cr_assert_str_eq(order[3], "d");
	sim__free(sim);
}
