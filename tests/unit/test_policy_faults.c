/*
 * A policy fault is a policy error, not a harness crash (issues 21 and 22): a NULL dereference,
 * a stack overflow by recursion, an illegal instruction or a bus error in a callback ends the
 * policy with an error exit naming the callback, the task and the policy's source line;
 * result.json is written and every task finishes the run on the fair class. Runs of the CLI
 * on fixture policies (tests/policies/) and C ops tables on the simulator directly.
 */
#include "scx_fixture.h"
#include "test_helpers.h"
#include "harness/result_read.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MS 1000000ULL

static const char *fixture(const char *name)
{
	static char rel[4][256];
	static int next;
	char *out = rel[next++ % 4];

	snprintf(out, 256, "tests/policies/%s", name);
	return th_src_path(out);
}

static int count_of(const char *doc, const char *needle)
{
	int n = 0;

	for (const char *p = doc; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void expect_string(const char *doc, const char *obj, const char *key, const char *want)
{
	char got[1024];

	cr_assert_eq(result_read__string(doc, obj, key, got, sizeof(got)), 0, "%s.%s is missing", obj, key);
	cr_assert_str_eq(got, want, "%s.%s", obj, key);
}

/*
 * Run the fixture @policy with @knob (NAME=VALUE) for @duration on 4 CPUs and check what every
 * fault gives: exit status 3, a result.json whose fault names @callback, @signal and the line
 * of @needle in the fixture (NULL: some line of it), and all 8 tasks of the built-in workload on the fair class, each
 * having run there after the ejection, none lost. Returns the document (free it).
 */
static char *run_faulting(const char *policy, const char *knob, const char *duration, const char *callback,
			  const char *signal, const char *needle)
{
	char out[600], log[700], path[800], site[600], want[128];
	const char *src = fixture(policy);

	snprintf(out, sizeof(out), "%s/%s", th_tmpdir(), knob);
	snprintf(log, sizeof(log), "%s.log", out);
	cr_assert_eq(th_scxlab(log, "run", "--policy", src, "--knob", knob, "--duration", duration, "--topology", "4",
			       "--out", out, "--quiet", NULL), 3, "a policy fault is exit status 3 (log %s)", log);
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = result_read__file(path);
	cr_assert_not_null(doc, "no result.json after the fault");
	cr_assert_eq(result_read__complete(doc), 1, "result.json is complete");
	expect_string(doc, "verdict", "status", "failed");
	expect_string(doc, "fault", "kind_name", "SCX_EXIT_ERROR");
	expect_string(doc, "fault", "callback", callback);
	expect_string(doc, "crash", "signal", signal);
	cr_assert_eq(result_read__string(doc, "fault", "site", site, sizeof(site)), 0);
	if (needle) {
		snprintf(want, sizeof(want), "%s:%d", policy, th_line_of(src, needle));
		cr_assert(strlen(site) >= strlen(want) && !strcmp(site + strlen(site) - strlen(want), want),
			  "site %s, expected ...%s", site, want);
	} else {
		cr_assert_not_null(strstr(site, policy), "site %s is in %s", site, policy);
	}
	/* every task carried on under the fair class */
	double lost, tasks;
	cr_assert_eq(result_read__number(doc, "fault", "tasks_lost", &lost), 0);
	cr_assert_eq(lost, 0);
	cr_assert_eq(result_read__number(doc, "summary", "tasks", &tasks), 0);
	cr_assert_eq(tasks, 8);
	cr_assert_eq(count_of(doc, "\"class\": \"fair\""), 8, "every task ends on the fair class");
	cr_assert_eq(count_of(doc, "\"fair_ns\": 0,"), 0, "every task ran on the fair class");
	return doc;
}

Test(policy_faults, a_null_dereference_ends_the_policy_not_the_run, .timeout = 120)
{
	char *doc = run_faulting("crash_in_callback.bpf.c", "crash_how=1", "500ms", "enqueue", "SIGSEGV",
				 "*count += 1;");
	char msg[1024], first[1024];
	double pid;

	cr_assert_eq(result_read__string(doc, "fault", "msg", msg, sizeof(msg)), 0);
	cr_assert_not_null(strstr(msg, "ops.enqueue() crashed: SIGSEGV, invalid memory access at 0x0"), "%s", msg);
	cr_assert_eq(result_read__number(doc, "task", "pid", &pid), 0, "the task the callback was about");
	cr_assert_geq(pid, 1000);
	expect_string(doc, "crash", "address", "0x0");
	cr_assert_not_null(strstr(doc, "\"in_policy_code\": true"));
	cr_assert_not_null(strstr(doc, "not recoverable"), "the result says what cannot be undone");
	cr_assert_eq(result_read__string(doc, "verdict", "first_failure", first, sizeof(first)), 0);
	cr_assert_not_null(strstr(first, "in ops.enqueue() for "), "%s", first);
	free(doc);
}

Test(policy_faults, a_stack_overflow_by_recursion_is_caught_on_the_alternate_stack, .timeout = 120)
{
	const char *src = fixture("crash_in_callback.bpf.c");
	char *doc = run_faulting("crash_in_callback.bpf.c", "crash_how=2", "500ms", "dispatch", "SIGSEGV", NULL);
	char msg[1024], frame[128], site[600];
	int from = th_line_of(src, "descend(u64 depth"), to = th_line_of(src, "return descend(depth + 1, frame)");

	/* the site is in descend() (its frame setup), its callers the recursion line, many times */
	cr_assert_eq(result_read__string(doc, "fault", "site", site, sizeof(site)), 0);
	int line = atoi(strrchr(site, ':') + 1);
	cr_assert(line >= from && line <= to, "site %s, expected a line of descend() (%d-%d)", site, from, to);
	cr_assert_eq(result_read__string(doc, "fault", "msg", msg, sizeof(msg)), 0);
	cr_assert_not_null(strstr(msg, "ops.dispatch() crashed: SIGSEGV, stack overflow"), "%s", msg);
	snprintf(frame, sizeof(frame), "crash_in_callback.bpf.c:%d) [and ",
		 th_line_of(src, "return descend(depth + 1, frame)"));
	cr_assert_not_null(strstr(doc, frame), "the recursion is one line with a count (%s)", frame);
	free(doc);
}

Test(policy_faults, an_illegal_instruction_is_caught, .timeout = 120)
{
	char *doc = run_faulting("crash_in_callback.bpf.c", "crash_how=3", "500ms", "tick", "SIGILL",
				 "__builtin_trap(); /* the trap */");
	free(doc);
}

Test(policy_faults, a_fault_gives_the_same_result_every_time, .timeout = 120)
{
	char a[600], b[600], path[700];

	for (int i = 0; i < 2; i++) {
		char *dir = i ? b : a;
		snprintf(dir, 600, "%s/det%d", th_tmpdir(), i);
		cr_assert_eq(th_scxlab(NULL, "run", "--policy", fixture("crash_in_callback.bpf.c"), "--knob",
				       "crash_how=2", "--duration", "300ms", "--topology", "4", "--out", dir, "--quiet",
				       NULL), 3);
	}
	snprintf(path, sizeof(path), "%s/result.json", a);
	size_t la, lb;
	char *da = th_read_file(path, &la);
	snprintf(path, sizeof(path), "%s/result.json", b);
	char *db = th_read_file(path, &lb);
	cr_assert(da && db && la == lb && !memcmp(da, db, la), "same inputs and seed, byte-identical results");
	free(da);
	free(db);
}

/* ---- SIGBUS: a C ops table reading past the end of a mapped file ---- */

static volatile const char *past_end;
static int nr_bus_enqueues;

static s32 bus_select(struct task_struct *p, s32 prev, u64 wf)
{
	return prev; /* every wakeup goes through ops.enqueue */
}

static void bus_enqueue(struct task_struct *p, u64 f)
{
	if (++nr_bus_enqueues == 5)
		fx_record("bus", p, (uint64_t)past_end[8192]); /* beyond the file's one page: SIGBUS */
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, f);
}

Test(policy_faults, a_bus_error_ends_the_policy_and_tasks_finish_on_fair)
{
	static struct sched_ext_ops ops = { .select_cpu = bus_select, .enqueue = bus_enqueue, .name = "bus" };
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/short", th_tmpdir());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 4096), 0);
	past_end = mmap(NULL, 4 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert(past_end != MAP_FAILED);

	struct sim *sim = fx_sim("4", 1);
	fx_attach(sim, &ops);
	for (int i = 0; i < 6; i++)
		fx_hog(sim, "hog", 100 * MS, 0);
	sim__run_until(sim, 500 * MS);

	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	cr_assert(r && r->exited);
	cr_assert_eq(r->kind, SCX_EXIT_ERROR);
	cr_assert_eq(r->fault_signal, SIGBUS);
	cr_assert_str_eq(r->op, "enqueue");
	cr_assert_not_null(strstr(r->msg, "ops.enqueue() crashed: SIGBUS"), "%s", r->msg);
	cr_assert_eq(fx_count("bus", -1), 0, "the faulting read never completed");
	cr_assert(fx_all_dead(sim), "every task finished its work on the fair class");
	cr_assert_gt(r->disabled_ns, 0, "the disable work ran");
	sim__free(sim);
}
