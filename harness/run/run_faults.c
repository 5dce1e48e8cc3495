/*
 * What goes wrong in a simulator run (see run_faults.h).
 */
#include "harness/run/run_faults.h"
#include "harness/util/temp_files.h"
#include "sim/scx/scx.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * A crash the simulator did not catch (sim/scx/op_fault.c catches the policy's own faults and
 * those in the kfuncs it calls): reported with the callback that was running, if any, since
 * memory the policy corrupted may be the cause.
 */
static void crash_handler(int sig)
{
	const char *op = scx_running_op();
	char msg[256];
	int n;

	if (op[0])
		n = snprintf(msg, sizeof(msg), "\nscxlab: the simulator crashed (%s) around ops.%s(), outside the policy's code: memory the policy corrupted, or a simulator bug\n",
			     strsignal(sig), op);
	else
		n = snprintf(msg, sizeof(msg), "\nscxlab: the simulator crashed (%s)\n", strsignal(sig));
	if (write(2, msg, n) < 0) {
		/* nothing more to do */
	}
	temp_files__unlink_all();
	if (op[0])
		_exit(SCXLAB_EXIT_POLICY_FAILED); /* the policy failed, not the harness */
	signal(sig, SIG_DFL);
	raise(sig);
}

void run_faults__install_crash_handlers(void)
{
	signal(SIGSEGV, crash_handler);
	signal(SIGBUS, crash_handler);
	signal(SIGFPE, crash_handler);
	signal(SIGILL, crash_handler);
}

void run_faults__inject(struct sim_loop *loop, struct sim_event *ev)
{
	struct injection *inj = (struct injection *)ev;

	if (inj->daemon_fault) {
		daemon_sim__fail(inj->daemon_fault);
		/* the daemon runs in the loader's process: its crash closes the struct_ops link */
		if (inj->daemon_fault == DAEMON_CRASH)
			scx_sched__inject(inj->sim, SCX_INJECT_UNREG, -1);
		return;
	}
	scx_sched__inject(inj->sim, inj->kind, inj->cpu);
}

/*
 * The fault part of the result: the first exit (before any restart), when the fault was
 * injected (--inject, or the policy's own `fault_injected_at` global), and what became of the
 * workload's tasks that were in sched_ext at the ejection.
 */
void run_faults__record(struct run_info *info, struct sim *sim, struct sim_policy *pol,
		      const struct run_opts *o, const struct scx_exit_record *first, uint64_t lost_after_ns)
{
	struct run_fault *f = &info->fault;
	size_t size = 0;
	const uint64_t *at = pol ? sim_policy__global(pol, "fault_injected_at", &size) : NULL;
	uint64_t first_at = o->first_injected_ktime ? o->first_injected_ktime : (at && size == sizeof(*at) ? *at : 0);

	f->known = true;
	if (o->nr_inject) {
		snprintf(f->injected_by, sizeof(f->injected_by), "inject:%s", o->inject[0].name);
		f->injected_at_ns = o->inject[0].at_ns;
	} else if (first_at) {
		snprintf(f->injected_by, sizeof(f->injected_by), "policy");
		f->injected_at_ns = first_at - sim->cfg.uptime_ns;
	}
	if (!first || !first->exited)
		return;
	f->ejected = true;
	f->exit = *first;
	f->ejected_at_ns = first->at_ns;
	/* a task can only be found lost when the fair class has had time to run it */
	bool judge_lost = first->disabled_ns && sim__now(sim) - first->disabled_ns > lost_after_ns;
	if (f->injected_at_ns && first->at_ns >= f->injected_at_ns)
		f->time_to_ejection_ns = first->at_ns - f->injected_at_ns;
	for (int i = 0; i < sim->nr_tasks; i++) {
		const struct sim_task *t = sim->tasks[i];
		if (t->unmeasured || !t->was_ext || (t->stats.exit_ns && t->stats.exit_ns <= first->at_ns))
			continue;
		f->tasks_at_ejection++;
		/*
		 * Lost: never switched in after the ejection and still waiting for a CPU now. A task
		 * that was running at the ejection and kept its CPU on the fair class, or one that was
		 * blocked then and was never woken, is not lost.
		 */
		if (!t->stats.resumed_ns && t->state == SIM_TASK_RUNNABLE && t->in_wait && judge_lost) {
			if (!f->tasks_lost)
				snprintf(f->lost_reason, sizeof(f->lost_reason), "%s[%d] never ran again after the ejection",
					 t->ts.comm, t->ts.pid);
			f->tasks_lost++;
			continue;
		}
		if (!t->stats.resumed_ns)
			continue;
		/* recovery: how long the tasks that were waiting to run at the ejection still waited */
		if (t->stats.resumed_wait_ns && t->stats.resumed_wait_ns <= first->at_ns) {
			f->tasks_waiting_at_ejection++;
			if (t->stats.resumed_ns - first->at_ns > f->recovery_ns)
				f->recovery_ns = t->stats.resumed_ns - first->at_ns;
		}
	}
}

/*
 * How long a task may wait for a CPU before it counts as starved at the end of the run: what
 * --starve-after says, else the watchdog's timeout (the policy's, or the kernel's default for
 * the fair class), but no longer than half the measured run so that a task starved for most
 * of a run shorter than the watchdog is still caught; and never less than two rounds of
 * default slices (20 ms) of every task runnable at the end over the CPUs, the wait a fair
 * scheduler may impose on an overloaded machine (a global FIFO with 8 tasks a CPU makes a
 * hog wait 150 ms: no starvation).
 */
uint64_t run_faults__starve_threshold(const struct sim *sim, const struct run_opts *o)
{
	uint64_t watchdog = scx_sched__watchdog_timeout_ns(sim);
	uint64_t limit, round, runnable = 0;

	if (o->starve_after_ns)
		return o->starve_after_ns;
	if (!watchdog)
		watchdog = 30000000000ULL;
	for (int i = 0; i < sim->nr_tasks; i++)
		runnable += sim->tasks[i]->state == SIM_TASK_RUNNABLE || sim->tasks[i]->state == SIM_TASK_RUNNING;
	round = 2 * ((runnable + (uint64_t)sim->topo.nr_cpus - 1) / (uint64_t)sim->topo.nr_cpus) * 20000000ULL;
	limit = sim__now(sim) / 2;
	if (limit > watchdog)
		limit = watchdog;
	return limit > round ? limit : round;
}
