/*
 * Chrome trace-event JSON of a simulated run (see trace.h).
 *
 * Layout: process 1 "CPUs" with a thread per CPU (tid = CPU), holding complete ("X") slices
 * for task runs and thread-scoped instants for kicks; process 2 "sched_ext" holding the DSQ
 * depth counters ("C") and global instants for the exit and the end of the disable. Times are
 * microseconds with nanosecond decimals, exact as text; a slice's duration is written so that a
 * reader adding ts + dur in double precision (JavaScript's numbers: every trace viewer) never
 * reaches past the next slice's ts, so back-to-back slices never overlap. No displayTimeUnit:
 * the format allows only "ms" and "ns", and a reader taking "ns" to describe the timestamps
 * scales them 1000x wrong.
 */
#include "harness/report/trace.h"
#include "harness/util/atomic_file.h"
#include "sim/core/sim.h"
#include "sim/scx/scx.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	FILE *f;
	char path[4096], tmp[4200];
	uint64_t from, to;
	uint64_t *since;
	uint64_t events;
} tr;

static void us(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
}

static void json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
}

static void sep(void)
{
	fputs(tr.events++ ? ",\n" : "\n", tr.f);
}

static bool in_window(uint64_t t)
{
	return t >= tr.from && t < tr.to;
}

static void slice(struct sim *sim, int cpu, const struct sim_task *t, uint64_t start, uint64_t end)
{
	char ts[32], dur[32];

	if (!t || end <= tr.from || start >= tr.to)
		return;
	if (start < tr.from)
		start = tr.from;
	if (end > tr.to)
		end = tr.to;
	if (end <= start)
		return;
	us(start, ts, sizeof(ts));
	us(end - start, dur, sizeof(dur));
	/* the end as a reader computes it, never past the end's own decimal (the next slice's ts) */
	char end_text[32];
	us(end, end_text, sizeof(end_text));
	double end_read = strtod(end_text, NULL);
	for (uint64_t d = end - start; d > 1 && strtod(ts, NULL) + strtod(dur, NULL) > end_read;)
		us(--d, dur, sizeof(dur));
	sep();
	fprintf(tr.f, "{\"name\":\"");
	json_escape(tr.f, t->ts.comm);
	fprintf(tr.f, "\",\"cat\":\"task\",\"ph\":\"X\",\"ts\":%s,\"dur\":%s,\"pid\":1,\"tid\":%d,"
		"\"args\":{\"pid\":%d,\"class\":\"%s\"}}", ts, dur, cpu, t->ts.pid,
		t->cls == sim->ext_class ? "ext" : "fair");
}

static void on_switch(struct sim *sim, int cpu, struct sim_task *prev, struct sim_task *next)
{
	uint64_t now = sim__now(sim);

	if (prev)
		slice(sim, cpu, prev, tr.since[cpu], now);
	tr.since[cpu] = now;
}

static void on_dsq_depth(struct sim *sim, uint64_t id, int cpu, uint32_t depth)
{
	char ts[32];

	if (!in_window(sim__now(sim)))
		return;
	us(sim__now(sim), ts, sizeof(ts));
	sep();
	if (cpu >= 0)
		fprintf(tr.f, "{\"name\":\"local DSQ cpu%d\",\"ph\":\"C\",\"ts\":%s,\"pid\":2,\"args\":{\"depth\":%u}}", cpu,
			ts, depth);
	else
		fprintf(tr.f, "{\"name\":\"DSQ 0x%" PRIx64 "\",\"ph\":\"C\",\"ts\":%s,\"pid\":2,\"args\":{\"depth\":%u}}", id,
			ts, depth);
}

static void on_kick(struct sim *sim, int from, int cpu, uint64_t flags)
{
	char ts[32];

	if (!in_window(sim__now(sim)))
		return;
	us(sim__now(sim), ts, sizeof(ts));
	sep();
	fprintf(tr.f, "{\"name\":\"kick\",\"cat\":\"scx\",\"ph\":\"i\",\"s\":\"t\",\"ts\":%s,\"pid\":1,\"tid\":%d,"
		"\"args\":{\"from_cpu\":%d,\"flags\":\"0x%" PRIx64 "\"}}", ts, cpu, from, flags);
}

int trace__start(struct sim *sim, const char *path, uint64_t from_ns, uint64_t to_ns)
{
	snprintf(tr.path, sizeof(tr.path), "%s", path);
	tr.from = from_ns;
	tr.to = to_ns ? to_ns : UINT64_MAX;
	tr.events = 0;
	tr.since = calloc((size_t)sim->nr_cpus, sizeof(*tr.since));
	tr.f = atomic_file__open(path, tr.tmp, sizeof(tr.tmp));
	if (!tr.f || !tr.since) {
		free(tr.since);
		if (tr.f)
			fclose(tr.f);
		return -1;
	}
	fprintf(tr.f, "{\"otherData\":{\"generator\":\"scxlab\",\"clock\":\"simulated\"},"
		"\"traceEvents\":[");
	sep();
	fprintf(tr.f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"CPUs\"}}");
	sep();
	fprintf(tr.f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":2,\"args\":{\"name\":\"sched_ext\"}}");
	for (int c = 0; c < sim->nr_cpus; c++) {
		sep();
		fprintf(tr.f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":\"CPU %d\"}}", c, c);
		sep();
		fprintf(tr.f, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"sort_index\":%d}}",
			c, c);
	}
	sim->on_switch = on_switch;
	sim->on_dsq_depth = on_dsq_depth;
	sim->on_kick = on_kick;
	return 0;
}

static void instant(const char *name, uint64_t at, const char *reason, const char *msg)
{
	char ts[32];

	if (!in_window(at))
		return;
	us(at, ts, sizeof(ts));
	sep();
	fprintf(tr.f, "{\"name\":\"%s\",\"cat\":\"scx\",\"ph\":\"i\",\"s\":\"g\",\"ts\":%s,\"pid\":2,\"args\":{\"reason\":\"",
		name, ts);
	json_escape(tr.f, reason);
	fprintf(tr.f, "\",\"msg\":\"");
	json_escape(tr.f, msg);
	fprintf(tr.f, "\"}}");
}

int trace__finish(struct sim *sim, const struct scx_exit_record *exit, bool unloaded_at_end)
{
	for (int c = 0; c < sim->nr_cpus; c++)
		if (sim->cpus[c].curr)
			slice(sim, c, sim->cpus[c].curr, tr.since[c], sim__now(sim));
	if (exit && exit->exited && unloaded_at_end) {
		/* the harness unloading the policy at the end of the run, as its loader would */
		if (exit->disabled_ns)
			instant("end of run: policy unloaded", exit->disabled_ns, exit->reason, "");
	} else if (exit && exit->exited) {
		bool error = exit->kind >= 1024;
		instant(error ? "policy error" : "policy exit", exit->at_ns, exit->reason, exit->msg);
		if (exit->disabled_ns)
			instant(error ? "ejected: every task on the fair class" : "disabled: every task on the fair class",
				exit->disabled_ns, exit->reason, "");
	}
	fprintf(tr.f, "\n]}\n");
	sim->on_switch = NULL;
	sim->on_dsq_depth = NULL;
	sim->on_kick = NULL;
	free(tr.since);
	tr.since = NULL;
	FILE *f = tr.f;
	tr.f = NULL;
	return atomic_file__commit(f, tr.tmp, tr.path);
}
