/*
 * The debug dump of an error exit: what the kernel writes into scx_exit_info.dump before
 * disabling a policy that failed, and what loaders print after "EXIT: ...".
 *
 * The layout follows the 7.x kernel's: who triggered the exit and why, the backtrace (here
 * the policy's own frames, named by the symbolizer), the policy's ops.dump() text, then the
 * CPU states with the exit CPU first (each CPU's counters, its current task, ops.dump_cpu()
 * text, and every ext task runnable on it with ops.dump_task() text), then the event
 * counters. The dump is limited to ops.exit_dump_len bytes (0: the kernel's default) and ends
 * with the kernel's truncation marker when it did not fit. scx_bpf_dump() text is buffered
 * per line and written with the callback's indentation, a blank line before the first.
 */
#include "sim/scx/scx_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char trunc_marker[] = "\n\n~~~~ TRUNCATED ~~~~\n";

static void put(struct scx_sched *sch, const char *text)
{
	size_t n = strlen(text), room;

	if (sch->dump.overflowed)
		return;
	room = sch->dump.len - 1 - sch->dump.used;
	if (n > room) {
		n = room;
		sch->dump.overflowed = true;
	}
	memcpy(sch->dump.buf + sch->dump.used, text, n);
	sch->dump.used += n;
	sch->dump.buf[sch->dump.used] = 0;
}

static __attribute__((format(printf, 2, 3))) void line(struct scx_sched *sch, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put(sch, text);
	put(sch, "\n");
}

/* Emit the buffered scx_bpf_dump() text, one dump line per line of it. */
static void flush_policy_text(struct scx_sched *sch)
{
	char *at = sch->dump.line;

	if (!sch->dump.cursor)
		return;
	if (sch->dump.first) {
		put(sch, "\n");
		sch->dump.first = false;
	}
	sch->dump.line[sch->dump.cursor] = 0;
	while (*at) {
		char *nl = strchr(at, '\n');
		if (nl)
			*nl = 0;
		line(sch, "%s%s", sch->dump.prefix, at);
		if (!nl)
			break;
		at = nl + 1;
	}
	sch->dump.cursor = 0;
}

void scx_dump_append(struct scx_sched *sch, const char *text)
{
	size_t room = sizeof(sch->dump.line) - 1 - sch->dump.cursor, n = strlen(text);

	if (n > room)
		n = room;
	memcpy(sch->dump.line + sch->dump.cursor, text, n);
	sch->dump.cursor += n;
	if (sch->dump.cursor && (sch->dump.cursor >= sizeof(sch->dump.line) - 1 ||
				 sch->dump.line[sch->dump.cursor - 1] == '\n'))
		flush_policy_text(sch);
}

/* Run one of the ops.dump*() callbacks with scx_bpf_dump() writing under @prefix. */
static void policy_text_begin(struct scx_sched *sch, const char *prefix, int cpu)
{
	sch->dump.active = true;
	sch->dump.cpu = cpu;
	sch->dump.prefix = prefix;
	sch->dump.first = true;
	sch->dump.cursor = 0;
}

static void policy_text_end(struct scx_sched *sch)
{
	flush_policy_text(sch);
	sch->dump.active = false;
}

static char state_char(const struct sim_task *p)
{
	switch (p->state) {
	case SIM_TASK_RUNNABLE:
	case SIM_TASK_RUNNING: return 'R';
	case SIM_TASK_BLOCKED: return 'S';
	case SIM_TASK_DEAD: return 'X';
	default: return 'N';
	}
}

/* A cpumask as the kernel's %*pb prints it: hex, 32-bit words from the top, comma-separated. */
static void mask_hex(const struct cpumask *m, int nr_bits, char *out, size_t len)
{
	size_t used = 0;
	int words = (nr_bits + 31) / 32;

	out[0] = 0;
	for (int w = words - 1; w >= 0 && used + 10 < len; w--) {
		uint32_t v = 0;
		int bits = (w == words - 1 && nr_bits % 32) ? nr_bits % 32 : 32;
		for (int b = 0; b < bits; b++)
			if (cpumask__test(m, w * 32 + b))
				v |= 1u << b;
		used += (size_t)snprintf(out + used, len - used, "%s%0*x", w == words - 1 ? "" : ",",
					 (bits + 3) / 4, v);
	}
}

static long jiffies_delta_ms(uint64_t from_ns, uint64_t to_ns)
{
	int64_t dj = (int64_t)(from_ns / SIM_TICK_NS) - (int64_t)(to_ns / SIM_TICK_NS);

	return (long)(dj * (int64_t)(SIM_TICK_NS / 1000000));
}

static void dump_task(struct scx_sched *sch, struct scx_dump_ctx *dctx, struct sim_task *p, char marker)
{
	struct sim *sim = sch->sim;
	unsigned int scx_state = (unsigned int)((p->ts.scx.flags & SCX_TASK_STATE_MASK) >> SCX_TASK_STATE_SHIFT);
	char dsq_id[24] = "(n/a)", cpus[1200];
	uint64_t now = sim__now(sim);

	if (p->scx.dsq)
		snprintf(dsq_id, sizeof(dsq_id), "0x%llx", (unsigned long long)p->scx.dsq->id);
	mask_hex(p->ts.cpus_ptr, sim->topo.nr_cpus, cpus, sizeof(cpus));
	put(sch, "\n");
	line(sch, " %c%c %s[%d] *root %+ldms", marker, state_char(p), p->ts.comm, p->ts.pid,
	     p->scx.runnable_at_valid ? jiffies_delta_ms(p->scx.runnable_at_ns, now) : 0L);
	line(sch, "      scx_state/flags=%u/0x%x dsq_flags=0x%x ops_state/qseq=%u/%u", scx_state,
	     (unsigned int)(p->ts.scx.flags & ~SCX_TASK_STATE_MASK), p->scx.on_priq ? 1u : 0u,
	     (unsigned int)p->scx.ops_state, p->scx.qseq);
	line(sch, "      sticky/holding_cpu=%d/%d dsq_id=%s", -1, -1, dsq_id);
	line(sch, "      dsq_vtime=%llu slice=%llu weight=%u", (unsigned long long)p->ts.scx.dsq_vtime,
	     (unsigned long long)p->ts.scx.slice, (unsigned int)p->ts.scx.weight);
	line(sch, "      cpus=%s no_mig=%u", cpus, (unsigned int)p->ts.migration_disabled);
	if (SCX_HAS_OP(sch, dump_task)) {
		struct scx_op_ctx save;
		policy_text_begin(sch, "    ", p->cpu);
		scx_op_enter(sch, &save, SCX_OP_DUMP_TASK, p, p->cpu);
		scx_op_call(sch, &save, sch->ops->dump_task(dctx, &p->ts));
		scx_op_leave(sch, &save);
		policy_text_end(sch);
	}
}

static void dump_cpu(struct scx_sched *sch, struct scx_dump_ctx *dctx, int cpu, struct sim_task **runnable,
		     int nr_runnable)
{
	struct sim *sim = sch->sim;
	struct sim_cpu *rq = &sim->cpus[cpu];
	struct sim_task *curr = rq->curr;
	bool idle = !nr_runnable && !curr;
	size_t mark = sch->dump.used;
	bool overflowed = sch->dump.overflowed;
	char comm[24];
	int pid = 0;
	const char *cls = "idle_sched_class";

	if (idle && !SCX_HAS_OP(sch, dump_cpu))
		return;
	if (curr) {
		snprintf(comm, sizeof(comm), "%s", curr->ts.comm);
		pid = curr->ts.pid;
		cls = scx_is_ext(sim, curr) ? "ext_sched_class" : "fair_sched_class";
	} else {
		snprintf(comm, sizeof(comm), "swapper/%d", cpu);
	}
	put(sch, "\n");
	line(sch, "CPU %-4d: nr_run=%u flags=0x%x cpu_rel=%d ksync=%llu", cpu, rq->scx.nr_running, 0u,
	     rq->scx.cpu_released ? 1 : 0, (unsigned long long)rq->scx.kick_wait_seq);
	line(sch, "          curr=%s[%d] class=%s", comm, pid, cls);
	size_t before_policy = sch->dump.used;
	if (SCX_HAS_OP(sch, dump_cpu)) {
		struct scx_op_ctx save;
		policy_text_begin(sch, "  ", cpu);
		scx_op_enter(sch, &save, SCX_OP_DUMP_CPU, NULL, cpu);
		scx_op_call(sch, &save, sch->ops->dump_cpu(dctx, cpu, idle));
		scx_op_leave(sch, &save);
		policy_text_end(sch);
	}
	/* an idle CPU the policy had nothing to say about is left out */
	if (idle && sch->dump.used == before_policy) {
		sch->dump.used = mark;
		sch->dump.buf[mark] = 0;
		sch->dump.overflowed = overflowed;
		return;
	}
	if (curr && scx_is_ext(sim, curr))
		dump_task(sch, dctx, curr, '*');
	for (int i = 0; i < nr_runnable; i++)
		dump_task(sch, dctx, runnable[i], ' ');
}

/*
 * The ext tasks queued (runnable, not running) on each CPU, in task order: one pass over the
 * tasks, grouped by CPU (@first[cpu] .. @first[cpu + 1] in @out). -1 when out of memory.
 */
static int runnable_by_cpu(struct sim *sim, struct sim_task ***out, int **first)
{
	int nr_cpus = sim->topo.nr_cpus, *fill;

	*first = calloc((size_t)nr_cpus + 1, sizeof(**first));
	fill = calloc((size_t)nr_cpus, sizeof(*fill));
	*out = calloc((size_t)sim->nr_tasks + 1, sizeof(**out));
	if (!*first || !fill || !*out) {
		free(fill);
		return -1;
	}
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *p = sim->tasks[i];
		if (p->state == SIM_TASK_RUNNABLE && scx_is_ext(sim, p))
			(*first)[p->cpu + 1]++;
	}
	for (int cpu = 0; cpu < nr_cpus; cpu++)
		(*first)[cpu + 1] += (*first)[cpu];
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *p = sim->tasks[i];
		if (p->state == SIM_TASK_RUNNABLE && scx_is_ext(sim, p))
			(*out)[(*first)[p->cpu] + fill[p->cpu]++] = p;
	}
	free(fill);
	return 0;
}

static void dump_all_cpus(struct scx_sched *sch, struct scx_dump_ctx *dctx)
{
	struct sim *sim = sch->sim;
	int exit_cpu = sch->exit.exit_cpu, *first = NULL;
	struct sim_task **runnable = NULL;

	if (runnable_by_cpu(sim, &runnable, &first)) {
		line(sch, "(out of memory listing the CPUs' tasks)");
		goto out;
	}
	if (exit_cpu >= 0 && exit_cpu < sim->topo.nr_cpus)
		dump_cpu(sch, dctx, exit_cpu, runnable + first[exit_cpu], first[exit_cpu + 1] - first[exit_cpu]);
	for (int cpu = 0; cpu < sim->topo.nr_cpus && !sch->dump.overflowed; cpu++)
		if (cpu != exit_cpu)
			dump_cpu(sch, dctx, cpu, runnable + first[cpu], first[cpu + 1] - first[cpu]);
out:
	free(runnable);
	free(first);
}

static void dump_events(struct scx_sched *sch)
{
	const struct scx_event_stats *e = &sch->events;
	const struct { const char *name; s64 v; } ev[] = {
#define EV(n) { #n, e->n }
		EV(SCX_EV_SELECT_CPU_FALLBACK), EV(SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE),
		EV(SCX_EV_DISPATCH_KEEP_LAST), EV(SCX_EV_ENQ_SKIP_EXITING),
		EV(SCX_EV_ENQ_SKIP_MIGRATION_DISABLED), EV(SCX_EV_REENQ_IMMED), EV(SCX_EV_REENQ_REPEAT),
		EV(SCX_EV_REFILL_SLICE_DFL), EV(SCX_EV_BYPASS_DURATION), EV(SCX_EV_BYPASS_DISPATCH),
		EV(SCX_EV_BYPASS_ACTIVATE), EV(SCX_EV_INSERT_NOT_OWNED), EV(SCX_EV_SUB_BYPASS_DISPATCH),
#undef EV
	};

	put(sch, "\n");
	line(sch, "Event counters");
	line(sch, "--------------");
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		line(sch, "%40s: %16lld", ev[i].name, (long long)ev[i].v);
}

void scx_dump_state(struct scx_sched *sch)
{
	struct scx_exit_record *r = &sch->exit;
	struct sim *sim = sch->sim;
	uint32_t want = sch->ops->exit_dump_len ? sch->ops->exit_dump_len : SCX_EXIT_DUMP_DFL_LEN;
	struct scx_dump_ctx dctx = {
		.kind = r->kind, .exit_code = r->exit_code, .reason = r->reason,
		.at_ns = sim__now(sim) + sim->cfg.uptime_ns,
		.at_jiffies = (sim__now(sim) + sim->cfg.uptime_ns) / SIM_TICK_NS,
	};
	const struct sim_task *cur = r->exit_cpu >= 0 ? sim->cpus[r->exit_cpu].curr : NULL;
	char comm[24];

	sch->dump.buf = r->dump;
	sch->dump.len = want < sizeof(r->dump) ? want : sizeof(r->dump);
	sch->dump.used = 0;
	sch->dump.overflowed = false;
	r->dump[0] = 0;
	if (cur)
		snprintf(comm, sizeof(comm), "%s", cur->ts.comm);
	else
		snprintf(comm, sizeof(comm), "swapper/%d", r->exit_cpu > 0 ? r->exit_cpu : 0);
	/* 7.x kernels (built with sub-scheduler support, as Debian's) name the scheduler first */
	line(sch, "%s: root", sch->name);
	if (r->exit_cpu >= 0)
		line(sch, "%s[%d] triggered exit kind %d on CPU %d:", comm, cur ? cur->ts.pid : 0, r->kind, r->exit_cpu);
	else
		line(sch, "%s[%d] triggered exit kind %d:", comm, cur ? cur->ts.pid : 0, r->kind);
	line(sch, "  %s (%s)", r->reason, r->msg);
	put(sch, "\n");
	line(sch, "Backtrace:");
	if (r->chain[0]) {
		/* the symbolizer's chain, one policy frame a line */
		char chain[sizeof(r->chain)], *save = NULL;
		snprintf(chain, sizeof(chain), "%s", r->chain);
		for (char *f = strtok_r(chain, "\n", &save); f; f = strtok_r(NULL, "\n", &save))
			line(sch, "  %s", f);
	} else if (r->bt_len) {
		/* raw addresses change from run to run: results stay identical without them */
		line(sch, "  (%d frames, not symbolized)", r->bt_len);
	}
	if (SCX_HAS_OP(sch, dump)) {
		struct scx_op_ctx save;
		policy_text_begin(sch, "", r->exit_cpu >= 0 ? r->exit_cpu : 0);
		scx_op_enter(sch, &save, SCX_OP_DUMP, NULL, r->exit_cpu >= 0 ? r->exit_cpu : 0);
		scx_op_call(sch, &save, sch->ops->dump(&dctx));
		scx_op_leave(sch, &save);
		policy_text_end(sch);
	}
	put(sch, "\n");
	line(sch, "CPU states");
	line(sch, "----------");
	dump_all_cpus(sch, &dctx);
	dump_events(sch);
	if (sch->dump.overflowed && sch->dump.len >= sizeof(trunc_marker))
		memcpy(r->dump + sch->dump.len - sizeof(trunc_marker), trunc_marker, sizeof(trunc_marker));
	sch->dump.buf = NULL;
}
