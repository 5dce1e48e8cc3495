/*
 * How a sched_ext policy ends: exit requests (errors, scx_bpf_exit, user space, SysRq-S),
 * the watchdog, and the disable work that puts every task back on the fair class and calls
 * ops.exit with the exit info. Messages are formatted by sim/bpf/bstr.c.
 *
 * As in the kernel, only the first exit request wins; the disable work runs shortly after
 * (costs.scx_disable_ns, standing in for the irq_work + kthread hop), enters bypass, moves
 * each task to the fair class calling ops.disable and ops.exit_task, then calls ops.exit.
 */
#include "sim/scx/scx_internal.h"

#include <errno.h>
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *exit_reason(int kind)
{
	switch (kind) {
	case SCX_EXIT_NONE: return "none";
	case SCX_EXIT_DONE: return "done";
	case SCX_EXIT_UNREG: return "unregistered from user space";
	case SCX_EXIT_UNREG_BPF: return "unregistered from BPF";
	case SCX_EXIT_UNREG_KERN: return "unregistered from the main kernel";
	case SCX_EXIT_SYSRQ: return "disabled by sysrq-S";
	case SCX_EXIT_PARENT: return "parent exiting";
	case SCX_EXIT_PARENT_KILL: return "killed by parent scheduler";
	case SCX_EXIT_ERROR: return "runtime error";
	case SCX_EXIT_ERROR_BPF: return "scx_bpf_error";
	case SCX_EXIT_ERROR_STALL: return "runnable task stall";
	case SCX_EXIT_ERROR_REENQ: return "reenqueue limit";
	case SCX_EXIT_ERROR_RESCUE: return "rescue bandwidth overload";
	default: return "<UNKNOWN>";
	}
}

static scx_exit_symbolizer_fn symbolizer;

void scx_exit__set_symbolizer(scx_exit_symbolizer_fn fn)
{
	symbolizer = fn;
}

/*
 * Where the exit was raised: the callback on the stack and its task, or, for an error found
 * while applying a verdict after its callback returned (a direct dispatch, the dispatch
 * buffer), that callback and the policy's call that gave the verdict. The stack is kept as
 * return addresses, as the kernel keeps ei->bt; the symbolizer names the policy's frames.
 */
static void record_site(struct scx_sched *sch, struct scx_exit_record *r, const struct scx_fault *f)
{
	const struct sim_task *task = NULL;

	r->op[0] = 0;
	r->deferred = false;
	r->bt_len = 0;
	if (sch->op_depth) {
		snprintf(r->op, sizeof(r->op), "%s", scx_op_names[sch->op]);
		task = sch->kf_task;
	} else if (sch->verdict.active) {
		snprintf(r->op, sizeof(r->op), "%s", scx_op_names[sch->verdict.op]);
		task = sch->verdict.task;
		r->deferred = true;
	}
	r->task_pid = task ? task->ts.pid : 0;
	snprintf(r->task_comm, sizeof(r->task_comm), "%s", task ? task->ts.comm : "");
	if (r->kind < SCX_EXIT_ERROR)
		return;
	if (f) {
		for (int i = 0; i < f->bt_len && i < SCX_EXIT_BT_MAX; i++)
			r->bt[r->bt_len++] = f->bt[i];
	} else if (r->deferred) {
		if (sch->verdict.site)
			r->bt[r->bt_len++] = sch->verdict.site;
	} else if (sch->op_depth) {
		void *frames[SCX_EXIT_BT_MAX];
		int n = backtrace(frames, SCX_EXIT_BT_MAX);
		for (int i = 0; i < n; i++)
			r->bt[r->bt_len++] = frames[i];
	}
	if (symbolizer && r->bt_len)
		symbolizer(r, sch->ops);
}

static void vexit(struct scx_sched *sch, int kind, int64_t code, const struct scx_fault *f,
		  const char *fmt, va_list ap)
{
	struct scx_exit_record *r = &sch->exit;

	if (sch->exit_claimed || sch->state == SCX_ST_DISABLED)
		return;
	sch->exit_claimed = true;
	r->exited = true;
	r->kind = kind;
	r->exit_code = code;
	r->exit_cpu = sch->sim->current_cpu;
	r->at_ns = sim__now(sch->sim);
	if (!sch->sim->first_exit_ns)
		sch->sim->first_exit_ns = r->at_ns ? r->at_ns : 1;
	snprintf(r->reason, sizeof(r->reason), "%s", exit_reason(kind));
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	r->fault_signal = f ? f->signal : 0;
	r->fault_addr = f ? f->addr : 0;
	r->fault_in_policy = f && f->in_policy;
	record_site(sch, r, f);
	if (sch->state == SCX_ST_ENABLED)
		sim_loop__schedule(&sch->sim->loop, &sch->disable_ev,
				   sim__now(sch->sim) + sch->sim->cfg.costs.scx_disable_ns);
}

void scx_exit(struct scx_sched *sch, int kind, int64_t code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexit(sch, kind, code, NULL, fmt, ap);
	va_end(ap);
}

void scx_exit_fault(struct scx_sched *sch, const struct scx_fault *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexit(sch, SCX_EXIT_ERROR, 0, f, fmt, ap);
	va_end(ap);
}

void scx_sched__request_exit(struct sim *sim, int kind, int64_t code, const char *fmt, ...)
{
	va_list ap;

	if (!sim->scx)
		return;
	va_start(ap, fmt);
	vexit(sim->scx, kind, code, NULL, fmt, ap);
	va_end(ap);
}

bool scx_aborting(const struct scx_sched *sch)
{
	return sch->exit_claimed;
}

/* ---- the watchdog ---- */

static void watchdog_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct scx_sched *sch = ev->arg;
	struct sim *sim = sch->sim;
	uint64_t now_j = loop->now / SIM_TICK_NS;
	uint64_t timeout_j = sch->timeout_ns / SIM_TICK_NS;

	if (sch->state != SCX_ST_ENABLED || sch->exit_claimed)
		return;
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *p = sim->tasks[i];
		uint64_t runnable_j = p->ts.scx.runnable_at;

		if (!scx_is_ext(sim, p) || p->state != SIM_TASK_RUNNABLE || !p->scx.runnable_at_valid)
			continue;
		if (now_j > runnable_j + timeout_j) {
			unsigned int ms = (unsigned int)((now_j - runnable_j) * 1000 / SIM_HZ);
			int saved = sim->current_cpu;
			sim->current_cpu = p->cpu;
			scx_exit(sch, SCX_EXIT_ERROR_STALL, 0, "%s[%d] failed to run for %u.%03us",
				 p->ts.comm, p->ts.pid, ms / 1000, ms % 1000);
			sim->current_cpu = saved;
			return;
		}
	}
	sim_loop__schedule(loop, ev, loop->now + sch->timeout_ns / 2);
}

void scx_watchdog_start(struct scx_sched *sch)
{
	sim_event__init(&sch->watchdog_ev, watchdog_fn, sch);
	sim_loop__schedule(&sch->sim->loop, &sch->watchdog_ev, sim__now(sch->sim) + sch->timeout_ns / 2);
}

/* ---- disabling ---- */

static void call_ops_exit(struct scx_sched *sch)
{
	struct scx_exit_record *r = &sch->exit;
	struct scx_op_ctx save;
	struct scx_exit_info ei = {
		.kind = r->kind,
		.exit_cpu = r->exit_cpu,
		.exit_code = r->exit_code,
		.flags = sch->init_done ? SCX_EFLAG_INITIALIZED : 0,
		.reason = r->reason,
		.bt = NULL,
		.bt_len = 0,
		.msg = r->msg,
		.dump = r->dump,
	};

	if (!SCX_HAS_OP(sch, exit))
		return;
	scx_op_enter(sch, &save, SCX_OP_EXIT, NULL, -1);
	scx_op_call(sch, &save, sch->ops->exit(&ei));
	scx_op_leave(sch, &save);
}

void scx_disable_workfn(struct sim_loop *loop, struct sim_event *ev)
{
	struct scx_sched *sch = ev->arg;
	struct sim *sim = sch->sim;
	(void)loop;

	if (sch->state == SCX_ST_DISABLED)
		return;
	/* the kernel writes the debug dump before it starts disabling (scx_disable_irq_workfn) */
	if (sch->exit.kind >= SCX_EXIT_ERROR)
		scx_dump_state(sch);
	sch->state = SCX_ST_DISABLING;
	sch->bypassing = true;
	sch->bypass_start_ns = sim__now(sim);
	sch->events.SCX_EV_BYPASS_ACTIVATE++;
	sim_loop__cancel(&sim->loop, &sch->watchdog_ev);

	/* every task back to the fair class, in task order (deterministic) */
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *p = sim->tasks[i];
		if (p->state != SIM_TASK_DEAD && scx_is_ext(sim, p))
			sim_sched__switch_class(sim, p, sim->fair_class);
		else if (p->state != SIM_TASK_DEAD && p->scx.init_done)
			scx_task_disable_exit(sch, p); /* initialized, never taken (SWITCH_PARTIAL) */
	}
	scx_cgroups_exit(sch);
	call_ops_exit(sch);
	sch->state = SCX_ST_DISABLED;
	sch->bypassing = false;
	sch->events.SCX_EV_BYPASS_DURATION += (s64)(sim__now(sim) - sch->bypass_start_ns);
	sch->exit.disabled_ns = sim__now(sim);
	sim->idle_hook = NULL;

	if (sch->exit.kind >= SCX_EXIT_ERROR) {
		sim__klog(sim, "sched_ext: BPF scheduler \"%s\" disabled (%s)", sch->name, sch->exit.reason);
		sim__klog(sim, "sched_ext: %s: %s", sch->name, sch->exit.msg);
	} else {
		sim__klog(sim, "sched_ext: BPF scheduler \"%s\" disabled (%s)", sch->name, sch->exit.reason);
	}
}
