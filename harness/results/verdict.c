/*
 * Judging a run: see verdict.h for the rules and docs/results.md for how they are reported.
 */
#include "harness/results/verdict.h"
#include "harness/results/run_result.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	int kind;
	const char *name;
} kinds[] = {
	{ SCX_EXIT_NONE, "SCX_EXIT_NONE" },
	{ SCX_EXIT_DONE, "SCX_EXIT_DONE" },
	{ SCX_EXIT_UNREG, "SCX_EXIT_UNREG" },
	{ SCX_EXIT_UNREG_BPF, "SCX_EXIT_UNREG_BPF" },
	{ SCX_EXIT_UNREG_KERN, "SCX_EXIT_UNREG_KERN" },
	{ SCX_EXIT_SYSRQ, "SCX_EXIT_SYSRQ" },
	{ SCX_EXIT_ERROR, "SCX_EXIT_ERROR" },
	{ SCX_EXIT_ERROR_BPF, "SCX_EXIT_ERROR_BPF" },
	{ SCX_EXIT_ERROR_STALL, "SCX_EXIT_ERROR_STALL" },
	{ SCX_EXIT_ERROR_REENQ, "SCX_EXIT_ERROR_REENQ" },
};

const char *scx_exit_kind__name(int kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return "SCX_EXIT_OTHER";
}

/* "SCX_EXIT_ERROR_BPF", "ERROR_BPF", "error_bpf" and "error-bpf" name the same kind. */
static int kind_of(const char *word)
{
	char norm[64];
	size_t n = 0;

	if (!strncasecmp(word, "SCX_EXIT_", 9))
		word += 9;
	for (; *word && n + 1 < sizeof(norm); word++)
		norm[n++] = *word == '-' ? '_' : (char)toupper((unsigned char)*word);
	norm[n] = 0;
	if (!strcmp(norm, "NONE"))
		return -1;
	for (size_t i = 1; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name + 9, norm))
			return kinds[i].kind;
	if (!strcmp(norm, "STALL"))
		return SCX_EXIT_ERROR_STALL;
	return -2;
}

int run_expect__parse(struct run_expect *e, const char *spec, char *err, size_t errlen)
{
	char word[64];
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	memset(e, 0, sizeof(*e));
	if (!n || n >= sizeof(word)) {
		snprintf(err, errlen, "--expect-exit '%s': expected KIND[:TEXT], e.g. SCX_EXIT_ERROR_BPF or "
			 "error_stall:failed to run", spec);
		return -1;
	}
	memcpy(word, spec, n);
	word[n] = 0;
	e->kind = kind_of(word);
	if (e->kind == -2) {
		snprintf(err, errlen, "--expect-exit '%s': unknown exit kind '%s' (none, unreg, unreg_bpf, unreg_kern, "
			 "sysrq, error, error_bpf, error_stall, error_reenq)", spec, word);
		return -1;
	}
	if (colon) {
		if (e->kind == -1) {
			snprintf(err, errlen, "--expect-exit '%s': 'none' takes no text", spec);
			return -1;
		}
		snprintf(e->text, sizeof(e->text), "%s", colon + 1);
	}
	snprintf(e->spec, sizeof(e->spec), "%s", spec);
	e->set = true;
	return 0;
}

static __attribute__((format(printf, 2, 3))) void fail(struct run_verdict *v, const char *fmt, ...)
{
	va_list ap;

	v->failed = true;
	if (v->nr_failures == VERDICT_MAX_FAILURES)
		return;
	va_start(ap, fmt);
	vsnprintf(v->failures[v->nr_failures++], sizeof(v->failures[0]), fmt, ap);
	va_end(ap);
}

/* " in ops.enqueue() for comm[pid] at FILE:LINE" */
static void where(const struct scx_exit_record *e, char *out, size_t len)
{
	size_t used = 0;

	out[0] = 0;
	if (e->op[0])
		used += (size_t)snprintf(out + used, len - used, " %s ops.%s()", e->deferred ? "applying the verdict of" : "in",
					 e->op);
	if (e->task_pid && used < len)
		used += (size_t)snprintf(out + used, len - used, " for %s[%d]", e->task_comm, e->task_pid);
	if (e->site[0] && used < len)
		snprintf(out + used, len - used, " at %s", e->site);
}

static bool expect_matches(const struct run_expect *x, const struct scx_exit_record *e)
{
	if (x->kind == -1)
		return !e;
	if (!e || e->kind != x->kind)
		return false;
	return !x->text[0] || strstr(e->msg, x->text) || strstr(e->reason, x->text);
}

void run_verdict__judge(struct run_verdict *v, const struct run_info *in, const struct run_expect *x)
{
	const struct run_fault *f = &in->fault;
	const struct scx_exit_record *e = f->known && f->ejected ? &f->exit : NULL;
	bool injected = !strncmp(f->injected_by, "inject:", 7);
	char at[900];

	v->judged = true;
	v->failed = false;
	v->expected_met = false;
	v->nr_failures = 0;
	if (x && x->set) {
		if (expect_matches(x, e)) {
			v->expected_met = true;
		} else if (e) {
			where(e, at, sizeof(at));
			fail(v, "expected %s%s%s, but the policy exited with %s (%s): %s at %.3f s%s", x->kind == -1 ? "no exit" : scx_exit_kind__name(x->kind),
			     x->text[0] ? " with " : "", x->text, scx_exit_kind__name(e->kind), e->reason, e->msg,
			     f->ejected_at_ns / 1e9, at);
		} else {
			fail(v, "expected %s%s%s, but the policy did not exit during the run", scx_exit_kind__name(x->kind),
			     x->text[0] ? " with " : "", x->text);
		}
	} else if (e && !injected) {
		where(e, at, sizeof(at));
		if (e->kind >= SCX_EXIT_ERROR)
			fail(v, "%s (%s): %s at %.3f s%s", scx_exit_kind__name(e->kind), e->reason, e->msg,
			     f->ejected_at_ns / 1e9, at);
		else if (!(e->exit_code & SCX_ECODE_ACT_RESTART) || !in->nr_restarts)
			fail(v, "the policy exited during the run (%s, %s%s%s) at %.3f s: the rest ran on the fair class",
			     scx_exit_kind__name(e->kind), e->reason, e->msg[0] ? ": " : "", e->msg, f->ejected_at_ns / 1e9);
	}
	if (f->known && f->tasks_lost)
		fail(v, "%d task%s lost at the ejection (%s)", f->tasks_lost, f->tasks_lost == 1 ? "" : "s", f->lost_reason);
	if (v->nr_starved) {
		const struct run_starved *s = &v->starved[0];
		fail(v, "%d task%s starved: runnable and not run for more than %.3f s at the end of the run (longest: "
		     "%s[%d], %.3f s)", v->nr_starved, v->nr_starved == 1 ? "" : "s", v->starve_threshold_ns / 1e9, s->comm,
		     s->pid, s->waited_ns / 1e9);
	}
}

const char *run_verdict__status(const struct run_verdict *v)
{
	if (v->failed)
		return "failed";
	return v->expected_met ? "expected" : "ok";
}

int run_verdict__exit_status(const struct run_verdict *v)
{
	return v->failed ? SCXLAB_EXIT_POLICY_FAILED : SCXLAB_EXIT_OK;
}

void run_verdict__print(const struct run_verdict *v, FILE *f)
{
	if (!v->judged)
		return;
	if (!v->failed) {
		fprintf(f, "verdict     %s\n", v->expected_met ? "ok (the expected exit happened)" : "ok");
		return;
	}
	fprintf(f, "verdict     FAILED\n");
	for (int i = 0; i < v->nr_failures; i++)
		fprintf(f, "  - %s\n", v->failures[i]);
	for (int i = 0; i < v->nr_starved_listed && i < 10; i++)
		fprintf(f, "  starved %s[%d] waiting %.3f s\n", v->starved[i].comm, v->starved[i].pid,
			v->starved[i].waited_ns / 1e9);
}

void run_verdict__free(struct run_verdict *v)
{
	free(v->starved);
	v->starved = NULL;
}

static int by_wait_desc(const void *a, const void *b)
{
	const struct run_starved *x = a, *y = b;

	if (x->waited_ns != y->waited_ns)
		return x->waited_ns < y->waited_ns ? 1 : -1;
	return x->pid - y->pid;
}

/* How long @t has waited for a CPU, counted from @from_ns at the earliest; 0 if it is not waiting. */
static uint64_t waited(const struct sim_task *t, uint64_t now, uint64_t from_ns)
{
	uint64_t since;

	if (t->unmeasured || !t->in_wait || t->state != SIM_TASK_RUNNABLE)
		return 0;
	since = t->runnable_since > from_ns ? t->runnable_since : from_ns;
	return now > since ? now - since : 0;
}

int run_verdict__collect_starved(struct run_verdict *v, const struct sim *sim, uint64_t threshold_ns,
				 uint64_t from_ns)
{
	uint64_t now = sim->loop.now;
	int n = 0;

	v->starve_threshold_ns = threshold_ns;
	v->nr_starved = 0;
	for (int i = 0; i < sim->nr_tasks; i++)
		n += waited(sim->tasks[i], now, from_ns) > threshold_ns;
	v->nr_starved = n;
	if (!n)
		return 0;
	v->starved = calloc((size_t)n, sizeof(*v->starved));
	if (!v->starved)
		return -1;
	n = 0;
	for (int i = 0; i < sim->nr_tasks; i++) {
		const struct sim_task *t = sim->tasks[i];
		uint64_t w = waited(t, now, from_ns);
		if (w <= threshold_ns)
			continue;
		struct run_starved *s = &v->starved[n++];
		s->pid = t->ts.pid;
		snprintf(s->comm, sizeof(s->comm), "%s", t->ts.comm);
		s->waited_ns = w;
	}
	qsort(v->starved, (size_t)n, sizeof(*v->starved), by_wait_desc);
	v->nr_starved_listed = n < VERDICT_MAX_STARVED_LISTED ? n : VERDICT_MAX_STARVED_LISTED;
	return 0;
}
