/*
 * A policy fault is a policy error, not a harness crash (issues 21 and 22): a NULL dereference,
 * a stack overflow by recursion, an illegal instruction or a bus error in a callback ends the
 * policy with an error exit naming the callback, the task and the policy's source line;
 * result.json is written and every task finishes the run on the fair class. Runs of the CLI
 * on fixture policies (tests/policies/) and C ops tables on the simulator directly.
 */
#include "scx_fixture.h"
#include "test_helpers.h"
#include "harness/results/result_read.h"

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
	/* shown from the recursive call (where the guard page is met varies with the stack's start) */
	char *doc = run_faulting("crash_in_callback.bpf.c", "crash_how=2", "500ms", "dispatch", "SIGSEGV",
				 "return descend(depth + 1, frame)");
	char msg[1024], frame[128];

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
	char *first = NULL;
	size_t first_len = 0;

	/* a stack overflow: the stack's random start must not show in the result */
	for (int i = 0; i < 4; i++) {
		char dir[600], path[700];
		size_t len;

		snprintf(dir, sizeof(dir), "%s/det%d", th_tmpdir(), i);
		cr_assert_eq(th_scxlab(NULL, "run", "--policy", fixture("crash_in_callback.bpf.c"), "--knob",
				       "crash_how=2", "--duration", "300ms", "--topology", "4", "--out", dir, "--quiet",
				       NULL), 3);
		snprintf(path, sizeof(path), "%s/result.json", dir);
		char *doc = th_read_file(path, &len);
		cr_assert_not_null(doc);
		if (!first) {
			first = doc, first_len = len;
			continue;
		}
		cr_assert(len == first_len && !memcmp(doc, first, len), "run %d differs from run 0", i);
		free(doc);
	}
	free(first);
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

/* ---- divisions: BPF's results, and the policy goes on ---- */

Test(policy_faults, a_division_by_zero_gives_bpfs_result_and_the_policy_goes_on, .timeout = 120)
{
	const char *src = fixture("divide_by_zero.bpf.c");
	char out[600], path[700], msg[1024];

	snprintf(out, sizeof(out), "%s/div", th_tmpdir());
	cr_assert_eq(th_scxlab(NULL, "run", "--policy", src, "--duration", "500ms", "--topology", "4", "--out", out,
			       "--quiet", "--expect-exit", "SCX_EXIT_UNREG_BPF", NULL), 0,
		     "the policy's own exit, not a crash");
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = result_read__file(path);
	cr_assert_not_null(doc);
	cr_assert_eq(result_read__string(doc, "fault", "msg", msg, sizeof(msg)), 0);
	/* x / 0 = 0 and x % 0 = x for u64 and u32; 50 enqueues of x = 1000 + (n % 7) summed */
	cr_assert_str_eq(msg, "u64 1000/0=0 1000%0=1000 u32 1000/0=0 1000%0=1000 sums 0 50147");
	cr_assert_not_null(strstr(doc, "\"crash\": null"), "no fault was caught");
	free(doc);

	cr_assert_eq(th_scxlab(NULL, "run", "--policy", src, "--knob", "signed_ops=1", "--duration", "500ms",
			       "--topology", "4", "--out", out, "--quiet", "--expect-exit", "SCX_EXIT_UNREG_BPF", NULL), 0);
	doc = result_read__file(path);
	cr_assert_not_null(doc);
	cr_assert_eq(result_read__string(doc, "fault", "msg", msg, sizeof(msg)), 0);
	cr_assert_str_eq(msg, "s64 MIN/-1=-9223372036854775808 MIN%-1=0 s32 MIN/-1=-2147483648 MIN%-1=0 "
			      "s64 -1000/0=0 -1000%0=-1000");
	free(doc);
}

#if defined(__x86_64__)
/* Every operand form the decoder must step over, each dividing by 0 (or INT_MIN by -1). */
static uint64_t div_results[16];
static uint64_t zero_in_memory, minus_one_in_memory = ~0ULL;
static uint32_t zero32_in_memory;

static void divide_every_way(void)
{
	uint64_t a, d, table[4] = { 0, 0, 0, 0 };
	uint32_t a32, d32;
	uint16_t a16, d16;
	uint64_t idx = 2;

	a = 1234, d = 0;
	__asm__ volatile("divq %2" : "+a"(a), "+d"(d) : "r"(zero_in_memory)); /* 64-bit register */
	div_results[0] = a, div_results[1] = d;
	a32 = 77, d32 = 0;
	__asm__ volatile("divl %2" : "+a"(a32), "+d"(d32) : "m"(zero32_in_memory)); /* 32-bit, rip-relative */
	div_results[2] = a32, div_results[3] = d32;
	a16 = 555, d16 = 0;
	__asm__ volatile("divw %2" : "+a"(a16), "+d"(d16) : "r"((uint16_t)zero_in_memory)); /* 0x66 prefix */
	div_results[4] = a16, div_results[5] = d16;
	a16 = 200; /* ax = 200: al the quotient, ah the remainder */
	__asm__ volatile("divb %1" : "+a"(a16) : "q"((uint8_t)zero_in_memory));
	div_results[6] = a16 & 0xff, div_results[7] = a16 >> 8;
	a = 99, d = 0;
	__asm__ volatile("divq 8(%2,%3,8)" : "+a"(a), "+d"(d) : "r"(table), "r"(idx) : "memory"); /* SIB + disp8 */
	div_results[8] = a, div_results[9] = d;
	a = 0x8000000000000000ULL, d = ~0ULL; /* INT64_MIN sign-extended into rdx */
	__asm__ volatile("idivq %2" : "+a"(a), "+d"(d) : "m"(minus_one_in_memory));
	div_results[10] = a, div_results[11] = d;
	div_results[12] = 1; /* got here */
}
#endif

static void div_enqueue(struct task_struct *p, u64 f)
{
#if defined(__x86_64__)
	if (!div_results[12])
		divide_every_way();
#endif
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, f);
}

Test(policy_faults, every_form_of_a_trapping_division_is_stepped_over)
{
#if defined(__x86_64__)
	static struct sched_ext_ops ops = { .select_cpu = bus_select, .enqueue = div_enqueue, .name = "div" };
	struct sim *sim = fx_sim("2", 1);

	fx_attach(sim, &ops);
	for (int i = 0; i < 4; i++)
		fx_hog(sim, "hog", 30 * MS, 0);
	sim__run_until(sim, 300 * MS);
	cr_assert(fx_all_dead(sim));
	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	cr_assert(!r || !r->exited, "no exit: %s", r ? r->msg : "");
	cr_assert_eq(div_results[12], 1, "the callback ran on after the divisions");
	uint64_t want[12] = { 0, 1234, 0, 77, 0, 555, 0, 200, 0, 99, 0x8000000000000000ULL, 0 };
	for (int i = 0; i < 12; i++)
		cr_assert_eq(div_results[i], want[i], "result %d: %llu, expected %llu", i,
			     (unsigned long long)div_results[i], (unsigned long long)want[i]);
	sim__free(sim);
#endif
}

/* ---- bounded callbacks: a host CPU-time budget per callback ---- */

Test(policy_faults, an_endless_loop_is_ended_at_the_callback_budget, .timeout = 120)
{
	const char *src = fixture("endless_loop.bpf.c");
	char want[64], out[600], path[700], first_doc_path[700];
	double sim_ns;

	/* where the loop was stopped is chance: the site is the callback's function, at its first line */
	snprintf(want, sizeof(want), "void BPF_STRUCT_OPS(loop_dispatch");
	for (int how = 1; how <= 2; how++) {
		char knob[32];

		snprintf(knob, sizeof(knob), "loop_how=%d", how);
		snprintf(out, sizeof(out), "%s/%s", th_tmpdir(), knob);
		snprintf(path, sizeof(path), "%s/%s.log", th_tmpdir(), knob);
		cr_assert_eq(th_scxlab(path, "run", "--policy", src, "--knob", knob, "--callback-budget", "100ms",
				       "--duration", "500ms", "--topology", "4", "--out", out, "--quiet", NULL), 3, "%s", knob);
		snprintf(path, sizeof(path), "%s/result.json", out);
		char *doc = result_read__file(path);
		cr_assert_not_null(doc, "%s: no result.json", knob);
		expect_string(doc, "fault", "callback", "dispatch");
		expect_string(doc, "crash", "signal", "time budget");
		char msg[1024], site[600];
		cr_assert_eq(result_read__string(doc, "fault", "msg", msg, sizeof(msg)), 0);
		cr_assert_not_null(strstr(msg, "ops.dispatch() ran for more than 0.100s of host CPU time"), "%s", msg);
		cr_assert_eq(result_read__string(doc, "fault", "site", site, sizeof(site)), 0);
		int decl = th_line_of(src, want), line = atoi(strrchr(site, ':') + 1);
		cr_assert(strstr(site, "endless_loop.bpf.c:") && (line == decl || line == decl + 1),
			  "%s: site %s, expected the function's first line (%d or its brace)", knob, site, decl);
		/* the run went on to its end, every task on the fair class */
		cr_assert_eq(result_read__number(doc, "summary", "sim_time_ns", &sim_ns), 0);
		cr_assert_eq(sim_ns, 500e6, "the whole simulated duration was run");
		cr_assert_eq(count_of(doc, "\"class\": \"fair\""), 8);
		free(doc);
	}
	/* the same result every time: the budget decides only whether the policy is ended */
	snprintf(first_doc_path, sizeof(first_doc_path), "%s/loop_how=1/result.json", th_tmpdir());
	snprintf(out, sizeof(out), "%s/again", th_tmpdir());
	cr_assert_eq(th_scxlab(NULL, "run", "--policy", src, "--knob", "loop_how=1", "--callback-budget", "150ms",
			       "--duration", "500ms", "--topology", "4", "--out", out, "--quiet", NULL), 3);
	snprintf(path, sizeof(path), "%s/result.json", out);
	size_t la, lb;
	char *a = th_read_file(first_doc_path, &la), *b = th_read_file(path, &lb);
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	/* only the budget's own figure in the message differs */
	cr_assert_eq(count_of(a, "0.100s"), count_of(b, "0.150s"));
	for (char *p = strstr(b, "0.150s"); p; p = strstr(p, "0.150s"))
		memcpy(p, "0.100s", 6);
	cr_assert(la == lb && !memcmp(a, b, la), "a longer budget changed the result");
	free(a);
	free(b);
}

Test(policy_faults, the_default_budget_ends_an_endless_loop_too, .timeout = 120)
{
	char out[600], path[700];

	snprintf(out, sizeof(out), "%s/dfl", th_tmpdir());
	cr_assert_eq(th_scxlab(NULL, "run", "--policy", fixture("endless_loop.bpf.c"), "--duration", "200ms",
			       "--topology", "2", "--out", out, "--quiet", NULL), 3);
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = result_read__file(path);
	cr_assert_not_null(doc);
	char msg[1024];
	cr_assert_eq(result_read__string(doc, "fault", "msg", msg, sizeof(msg)), 0);
	cr_assert_not_null(strstr(msg, "more than 1.000s of host CPU time"), "%s", msg);
	free(doc);
}

Test(policy_faults, a_bad_callback_budget_is_refused, .timeout = 60)
{
	const char *bad[] = { "0", "abc", "nan", "500us", "-1s" };
	char log[600];

	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(th_scxlab(log, "run", "--callback-budget", bad[i], "--duration", "10ms", "--out",
				       th_tmpdir(), "--quiet", NULL), 2, "--callback-budget %s", bad[i]);
		char *text = th_read_file(log, NULL);
		cr_assert(text && strstr(text, "--callback-budget"), "the option is named: %s", text ? text : "");
		free(text);
	}
}

/* ---- beside a failing policy, a healthy one gives what it gives alone ---- */

Test(policy_faults, a_healthy_policy_beside_a_failing_one_is_unaffected, .timeout = 180)
{
	char cmp[600], solo[600], a[800], b[800], job[600], vtime[600];

	snprintf(cmp, sizeof(cmp), "%s/cmp", th_tmpdir());
	snprintf(solo, sizeof(solo), "%s/solo", th_tmpdir());
	snprintf(job, sizeof(job), "%s", th_src_path("workloads/jobs/smoke-3s.job"));
	snprintf(vtime, sizeof(vtime), "%s", th_src_path("sched/scxl_vtime.bpf.c"));
	char policies[1400];
	snprintf(policies, sizeof(policies), "%s,%s,%s", fixture("endless_loop.bpf.c"), vtime,
		 fixture("crash_in_callback.bpf.c"));
	cr_assert_eq(th_scxlab(NULL, "compare", "--policies", policies, "--jobs", job, "--duration", "300ms",
			       "--topology", "2", "--out", cmp, "--no-plots", "--quiet", NULL), 3,
		     "compare finishes and says a policy failed");
	cr_assert_eq(th_scxlab(NULL, "run", "--target", "sim", "--job", job, "--topology", "2", "--out", solo, "--quiet",
			       "--seed", "1", "--duration", "300ms", "--policy", vtime, NULL), 0);
	snprintf(a, sizeof(a), "%s/runs/sim/scxl_vtime/smoke-3s/r1/result.json", cmp);
	snprintf(b, sizeof(b), "%s/result.json", solo);
	size_t la, lb;
	char *da = th_read_file(a, &la), *db = th_read_file(b, &lb);
	cr_assert_not_null(da, "%s", a);
	cr_assert_not_null(db, "%s", b);
	cr_assert(la == lb && !memcmp(da, db, la), "the healthy run's result.json is byte-identical to its run alone");
	free(da);
	free(db);
	snprintf(a, sizeof(a), "%s/runs/sim/endless_loop/smoke-3s/r1/result.json", cmp);
	da = result_read__file(a);
	cr_assert_not_null(da, "the failing run has its result.json");
	expect_string(da, "crash", "signal", "time budget");
	free(da);
}

/* ---- memory limits: the policy's maps, objects and arena pages are charged ---- */

Test(policy_faults, allocating_without_bound_meets_the_kernels_error_returns, .timeout = 120)
{
	static const struct { const char *knob, *msg; } cases[] = {
		{ "hog_how=1", "bpf_obj_new gave NULL after " },
		{ "hog_how=2", "bpf_map_update_elem failed after " },
		{ "hog_how=3", "bpf_arena_alloc_pages gave NULL after " },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[600], path[700], msg[1024];
		double limit, peak, refused, n;

		snprintf(out, sizeof(out), "%s/%s", th_tmpdir(), cases[i].knob);
		cr_assert_eq(th_scxlab(NULL, "run", "--policy", fixture("memory_hog.bpf.c"), "--knob", cases[i].knob,
				       "--map-entries", "sized_by_loader=16", "--bpf-mem-limit", "16M", "--duration", "300ms",
				       "--topology", "4", "--out", out, "--quiet", "--expect-exit", "SCX_EXIT_UNREG_BPF", NULL),
			     0, "%s: the policy saw the error and exited by itself", cases[i].knob);
		snprintf(path, sizeof(path), "%s/result.json", out);
		char *doc = result_read__file(path);
		cr_assert_not_null(doc);
		cr_assert_eq(result_read__string(doc, "fault", "msg", msg, sizeof(msg)), 0);
		cr_assert(!strncmp(msg, cases[i].msg, strlen(cases[i].msg)), "%s: %s", cases[i].knob, msg);
		/* hash updates fail with -ENOMEM; allocations give NULL (0 here) */
		cr_assert_not_null(strstr(msg, i == 1 ? ": -12" : ": 0"), "%s: %s", cases[i].knob, msg);
		n = atof(msg + strlen(cases[i].msg));
		cr_assert_gt(n, 100, "%s: it got some memory first (%s)", cases[i].knob, msg);
		cr_assert_eq(result_read__number(doc, "bpf_memory", "limit_bytes", &limit), 0);
		cr_assert_eq(result_read__number(doc, "bpf_memory", "peak_bytes", &peak), 0);
		cr_assert_eq(result_read__number(doc, "bpf_memory", "refused", &refused), 0);
		cr_assert_eq(limit, 16 << 20);
		cr_assert_leq(peak, limit, "the policy never held more than the limit");
		cr_assert_gt(peak, limit / 2, "the policy came near it");
		cr_assert_geq(refused, 1);
		cr_assert_eq(count_of(doc, "\"class\": \"fair\""), 8, "every task ends on the fair class");
		free(doc);
	}
}

Test(policy_faults, a_map_past_the_limit_is_not_created, .timeout = 60)
{
	char out[600], log[700];

	snprintf(out, sizeof(out), "%s/big", th_tmpdir());
	snprintf(log, sizeof(log), "%s/big.log", th_tmpdir());
	/* 10^9 x (8 + 64) bytes: 67 GiB against the default 1 GiB */
	cr_assert_eq(th_scxlab(log, "run", "--policy", fixture("memory_hog.bpf.c"), "--map-entries",
			       "sized_by_loader=1000000000", "--duration", "100ms", "--out", out, "--quiet", NULL), 3,
		     "the policy fails to load");
	char *text = th_read_file(log, NULL);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "map 'sized_by_loader': failed to create: -ENOMEM"), "%s", text);
	cr_assert_not_null(strstr(text, "limit is 1024 MiB"), "%s", text);
	cr_assert_not_null(strstr(text, "--bpf-mem-limit"), "the message names the option: %s", text);
	free(text);
	/* the limit is the user's to raise: the map is charged, not allocated */
	cr_assert_eq(th_scxlab(log, "run", "--policy", fixture("memory_hog.bpf.c"), "--map-entries",
			       "sized_by_loader=1000000000", "--bpf-mem-limit", "100G", "--duration", "100ms", "--out", out,
			       "--quiet", NULL), 0);
	/* bad limits are refused, naming the option */
	const char *bad[] = { "abc", "-1G", "1X", "0", "99999999999T" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(th_scxlab(log, "run", "--bpf-mem-limit", bad[i], "--duration", "10ms", "--out", out, "--quiet",
				       NULL), 2, "--bpf-mem-limit %s", bad[i]);
		text = th_read_file(log, NULL);
		cr_assert(text && strstr(text, "--bpf-mem-limit"), "%s", text ? text : "");
		free(text);
	}
}

/* ---- the same division fixture in the real kernel (a TCG guest): the VM suite ---- */

Test(vm_runs, a_division_by_zero_gives_the_kernels_result_in_the_simulator, .timeout = 600)
{
	const char *targets[] = { "vm", "sim" };
	char msgs[2][1024];

	for (int t = 0; t < 2; t++) {
		char out[600], path[700];

		snprintf(out, sizeof(out), "%s/div-%s", th_tmpdir(), targets[t]);
		snprintf(path, sizeof(path), "%s.log", out);
		cr_assert_eq(th_scxlab(path, "run", "--target", targets[t], "--topology", "2", "--job",
				       th_src_path("workloads/jobs/smoke-3s.job"), "--policy", fixture("divide_by_zero.bpf.c"),
				       "--out", out, "--expect-exit", "SCX_EXIT_UNREG_BPF", NULL), 0,
			     "%s: the policy's own exit (log %s)", targets[t], path);
		snprintf(path, sizeof(path), "%s/result.json", out);
		char *doc = result_read__file(path);
		cr_assert_not_null(doc, "%s", targets[t]);
		cr_assert_eq(result_read__string(doc, "exit", "msg", msgs[t], sizeof(msgs[t])), 0, "%s", targets[t]);
		free(doc);
	}
	/* the kernel's verifier-patched divisions and the simulator's trap handler agree */
	cr_assert_str_eq(msgs[1], msgs[0], "simulator and kernel");
	cr_assert_str_eq(msgs[0], "u64 1000/0=0 1000%0=1000 u32 1000/0=0 1000%0=1000 sums 0 50147");
}
