/*
 * `scxlab selftests`: the kernel's sched_ext selftests (tools/testing/selftests/sched_ext,
 * fetched by scripts/fetch-sched-ext-selftests.sh) in the simulator. Each test's BPF object is
 * built unmodified; the table (tests/selftests/sched_ext.table) says how its runner sets it up
 * and what the runner expects. Prints one row a test: test, expected, got, PASS/FAIL/SKIP.
 * With --verify, the tests the kernel's verifier must reject go through `scxlab verify`.
 */
#include "harness/selftests/cmd_selftests.h"
#include "harness/run/exit_site.h"
#include "harness/run/loader_profile_sim.h"
#include "harness/run/run_policy.h"
#include "harness/selftests/selftest_checks.h"
#include "harness/util/paths.h"
#include "harness/selftests/selftest_kernel.h"
#include "harness/selftests/selftest_table.h"
#include "harness/results/verdict.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
#include "workloads/builtin.h"
#include "workloads/job.h"
#include "workloads/job_workload.h"
#include "workloads/stressors/costs.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_RUN_NS 1000000000ULL

struct selftests_opts {
	const char *suite, *table, *only, *topology;
	uint64_t seed;
	bool verify;
	bool vm;        /* --target vm: the real kernel in the TCG guest instead of the simulator */
};

static const char *const outcome_names[] = { "PASS", "FAIL", "SKIP" };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab selftests [--suite DIR] [--table FILE] [--only NAME,...] [--topology T]\n"
		"                        [--seed N] [--verify] [--target sim|vm]\n\n"
		"Run the kernel's sched_ext selftests in the simulator, each test's BPF object built\n"
		"unmodified, and compare each outcome with what its C runner expects (the table).\n"
		"  --suite DIR     the selftests' sources ($SCXLAB_SELFTESTS; fetched by\n"
		"                  scripts/fetch-sched-ext-selftests.sh)\n"
		"  --table FILE    the expectations (default: tests/selftests/sched_ext.table of the tree)\n"
		"  --only NAMES    run only these tests (comma-separated)\n"
		"  --topology T    simulated machine (default 8cpu-2llc)\n"
		"  --seed N        simulator seed (default 1)\n"
		"  --verify        also give the tests the verifier must reject to `scxlab verify`\n"
		"                  (the real kernel: this host's, or the TCG guest's)\n"
		"  --target vm     run the tests on the real kernel in the TCG guest (scxlab run\n"
		"                  --target vm; implies --verify); tests whose runner does more than\n"
		"                  the loader can (syscall programs, .bss checks, ...) are skipped\n"
		"Exit status: 0 every test passed or was skipped for a stated reason, 1 a test failed,\n"
		"2 bad usage or input.\n");
}

static bool selected(const char *only, const char *name)
{
	size_t n = strlen(name);

	if (!only)
		return true;
	for (const char *p = only; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (e ? 1 : 0);
	}
	return false;
}

/* An integer global of the simulated policy, of any size (bool, int, long, u64). */
static int sim_global(void *ctx, const char *s, int64_t *v, char *err, size_t errlen)
{
	struct sim_policy *pol = ctx;
	size_t size = 0;
	const void *p = sim_policy__global(pol, s, &size);

	if (!p) {
		snprintf(err, errlen, "the policy has no global '%s'", s);
		return -1;
	}
	switch (size) {
	case 1: *v = *(const int8_t *)p; break;
	case 2: *v = *(const int16_t *)p; break;
	case 4: *v = *(const int32_t *)p; break;
	case 8: *v = *(const int64_t *)p; break;
	default:
		snprintf(err, errlen, "global '%s' is not an integer (%zu bytes)", s, size);
		return -1;
	}
	return 0;
}

/* The run's outcome against the expectation; what happened in @got. */
static enum selftest_outcome judge(const struct selftest *st, struct sim_policy *pol, const struct scx_exit_record *first,
			  const struct scx_exit_record *last, char *got, size_t len)
{
	enum selftest_outcome o = ST_PASS;

	if (first->exited) {
		snprintf(got, len, "%s", scx_exit_kind__name(first->kind));
		if (first->exit_code)
			selftest__appendf(got, len, " code %lld", (long long)first->exit_code);
		if (first->msg[0] || first->reason[0])
			selftest__appendf(got, len, " \"%.300s\"", first->msg[0] ? first->msg : first->reason);
		if (first->op[0])
			selftest__appendf(got, len, " in ops.%s", first->op);
	} else {
		snprintf(got, len, "stayed loaded (unload: %s)",
			 last->exited ? scx_exit_kind__name(last->kind) : "none");
	}
	if (st->expect == SE_STAYS_LOADED && (first->exited || !last->exited || last->kind != SCX_EXIT_UNREG))
		o = ST_FAIL;
	if (st->expect == SE_EXIT &&
	    (!first->exited || first->kind != st->exit_kind || (st->has_code && first->exit_code != st->exit_code) ||
	     (st->has_msg && strcmp(first->msg, st->exit_msg))))
		o = ST_FAIL;
	if (!selftest_checks__hold(st, sim_global, pol, got, len))
		o = ST_FAIL;
	return o;
}

/*
 * The test's workload, the part that exists before the attach (@after false: the built-in one
 * if asked for or if there is no job, and the jobs not marked after-attach) or after it.
 */
static int add_workload(struct sim *sim, const struct selftest *st, bool after, uint64_t run_ns, char *err,
			size_t errlen)
{
	static struct job_window windows[JOB_MAX_ENTRIES];
	static struct job job;
	struct builtin_workload wl;

	for (int i = 0; i < st->nr_jobs; i++) {
		struct stressor_costs costs;
		uint64_t total = 0;

		if (st->job_after_attach[i] != after)
			continue;
		stressor_costs__defaults(&costs);
		if (job__parse_file(&job, st->jobs[i], err, errlen) ||
		    job_workload__add(sim, &job, &costs, run_ns, windows, &total, err, errlen))
			return -1;
	}
	if (after || (st->nr_jobs && !st->builtin))
		return 0;
	builtin_workload__defaults(&wl, sim->nr_cpus);
	if (st->hogs >= 0)
		wl.hogs = st->hogs;
	if (st->pairs >= 0)
		wl.pairs = st->pairs;
	if (builtin_workload__add(sim, &wl)) {
		snprintf(err, errlen, "cannot create the built-in workload");
		return -1;
	}
	return 0;
}

/*
 * One test in the simulator, as its runner drives it on a kernel: open, the runner's settings,
 * load, attach, the workload (the runner's children; the kernel's other tasks), the runner's
 * wait, its checks of the exit record, the unload (bpf_link__destroy), its checks of globals.
 */
/* The shortest wait starved_while_loaded() counts: five default slices (SCX_SLICE_DFL, 20 ms),
 * as a task behind busy CPUs waits a slice or more without being starved. */
#define STARVED_MIN_WAIT_NS 100000000ULL

/*
 * A scheduler that stays loaded while a task starves has not passed: the runs are shorter than
 * the watchdog's verdict (5 s and up), so a task runnable without running for more than half of
 * the run after the attach (and more than STARVED_MIN_WAIT_NS), at its end, fails the test (in
 * @got). 0: none did.
 */
static int starved_while_loaded(const struct sim *sim, uint64_t attach_at, uint64_t run_ns, char *got, size_t len)
{
	uint64_t threshold = run_ns / 2 > STARVED_MIN_WAIT_NS ? run_ns / 2 : STARVED_MIN_WAIT_NS;
	struct run_verdict v = { 0 };

	if (run_verdict__collect_starved(&v, sim, threshold, attach_at) || !v.nr_starved)
		return 0;
	snprintf(got, len, "stayed loaded, but %d task(s) runnable and not run for more than half of the %.0f ms "
		 "run: pid %d (%s) waited %.1f ms", v.nr_starved, run_ns / 1e6, v.starved[0].pid, v.starved[0].comm,
		 v.starved[0].waited_ns / 1e6);
	free(v.starved);
	return 1;
}

static enum selftest_outcome run_sim(const struct selftests_opts *o, const struct selftest *st, const char *so,
			    char *got, size_t len)
{
	uint64_t run_ns = st->run_ns ? st->run_ns : DEFAULT_RUN_NS, attach_at = loader_profile__attach_at(&st->profile);
	struct scx_exit_record first = { 0 }, last = { 0 };
	struct sim_topology topo;
	struct sim_config cfg;
	struct sim_policy *pol;
	enum selftest_outcome out = ST_FAIL;
	struct sim *sim = NULL;
	char err[1024];

	if (sim_topology__parse(&topo, o->topology, err, sizeof(err))) {
		snprintf(got, len, "--topology: %s", err);
		return ST_FAIL;
	}
	if (st->min_cpus > topo.nr_cpus) {
		snprintf(got, len, "its runner skips on fewer than %d CPUs (--topology has %d)", st->min_cpus, topo.nr_cpus);
		out = ST_SKIP;
		goto out_topo;
	}
	pol = sim_policy__open(so, topo.nr_cpus, err, sizeof(err));
	if (!pol) {
		snprintf(got, len, "open failed: %s", err);
		goto out_topo;
	}
	exit_site__set_object(so);
	sim_policy__apply_topology(pol, &topo);
	char ncpus[16];
	snprintf(ncpus, sizeof(ncpus), "%d", topo.nr_cpus);
	if (loader_profile__apply_open(&st->profile, pol, err, sizeof(err)) ||
	    (st->possible_cpus_var[0] && sim_policy__set_knob(pol, st->possible_cpus_var, ncpus, err, sizeof(err))) ||
	    sim_policy__freeze(pol, err, sizeof(err))) {
		snprintf(got, len, "load failed: %s", err);
		goto out_pol;
	}
	if (st->expect == SE_LOADS) {
		snprintf(got, len, "loaded");
		out = ST_PASS;
		goto out_pol;
	}
	sim_config__defaults(&cfg);
	cfg.seed = o->seed;
	cfg.duration_ns = attach_at + run_ns;
	cfg.quiet = true;
	sim = sim__new(&cfg, &topo);
	if (!sim) {
		snprintf(got, len, "out of memory");
		goto out_pol;
	}
	sim__set_current(sim);
	/* attach-at: the runner's children exist before it attaches (the enable transition) */
	if (attach_at && (add_workload(sim, st, false, attach_at + run_ns, err, sizeof(err)) ||
			  sim__run_until(sim, attach_at))) {
		snprintf(got, len, "before the attach: %s", sim->fatal[0] ? sim->fatal : err);
		goto out_sim;
	}
	if (loader_profile__run_syscalls(&st->profile, pol, sim, false, err, sizeof(err))) {
		snprintf(got, len, "%s", err);
		goto out_sim;
	}
	if (scx_sched__attach(sim, sim_policy__ops(pol), sim_policy__name(pol), err, sizeof(err))) {
		const struct scx_exit_record *r = sim->scx ? scx_sched__exit_record(sim) : NULL;

		if (!r || !r->exited) {
			snprintf(got, len, "attach failed: %s", err);
			goto out_sim;
		}
	}
	/* a timed enable transition: the runner's attach call returns when it ends */
	if (run_policy__wait_enable(sim)) {
		snprintf(got, len, "simulation failed: %s", sim->fatal);
		goto out_sim;
	}
	/* the workload exists before the after-attach programs run: they name its tasks */
	if ((!attach_at && add_workload(sim, st, false, run_ns, err, sizeof(err))) ||
	    add_workload(sim, st, true, run_ns, err, sizeof(err))) {
		snprintf(got, len, "workload: %s", err);
		goto out_sim;
	}
	if (scx_sched__enabled(sim) && loader_profile__run_syscalls(&st->profile, pol, sim, true, err, sizeof(err))) {
		snprintf(got, len, "%s", err);
		goto out_sim;
	}
	if (sim__run_until(sim, attach_at + run_ns)) {
		snprintf(got, len, "simulation failed: %s", sim->fatal);
		goto out_sim;
	}
	first = *scx_sched__exit_record(sim);
	if (st->expect == SE_STAYS_LOADED && scx_sched__enabled(sim) &&
	    starved_while_loaded(sim, attach_at, run_ns, got, len))
		goto out_sim;
	if (scx_sched__enabled(sim)) {
		scx_sched__request_exit(sim, SCX_EXIT_UNREG, 0, "%s", "");
		sim__run_until(sim, sim__now(sim) + sim->cfg.costs.scx_disable_ns + 1);
	}
	last = *scx_sched__exit_record(sim);
	out = judge(st, pol, &first, &last, got, len);
out_sim:
	if (sim)
		sim__free(sim);
out_pol:
	sim_policy__close(pol);
out_topo:
	sim_topology__destroy(&topo);
	return out;
}

static enum selftest_outcome run_one(const struct selftests_opts *o, const struct selftest *st, const char *work,
			    char *got, size_t len)
{
	char src[4096], so[4096], log[4096];

	snprintf(src, sizeof(src), "%.2000s/%s.bpf.c", o->suite, st->source);
	/* a test the simulator cannot run may still have an expectation for the guest */
	if (st->unsupported[0] && !(o->vm && st->expect != SE_UNSET)) {
		snprintf(got, len, "unsupported: %s", st->unsupported);
		return ST_SKIP;
	}
	if (access(src, R_OK)) {
		snprintf(got, len, "no %.1000s", src);
		return ST_FAIL;
	}
	/* the kernel's verdict on a test that only loads is its verifier's (--target vm: the guest's) */
	if (st->expect == SE_VERIFIER_REJECT || (o->vm && st->expect == SE_LOADS)) {
		if (!o->verify) {
			snprintf(got, len, "the kernel's verifier only (--verify)");
			return ST_SKIP;
		}
		snprintf(log, sizeof(log), "%s/%s.verify.log", work, st->name);
		snprintf(so, sizeof(so), "%s/%s.bpf.o", work, st->source);
		return selftest__verify(o->suite, src, so, st->expect == SE_VERIFIER_REJECT, log, got, len);
	}
	if (o->vm)
		return selftest__vm_run(o->suite, st, work, got, len);
	snprintf(so, sizeof(so), "%s/%s.sim.so", work, st->source);
	snprintf(log, sizeof(log), "%s/%s.build.log", work, st->source);
	if (access(so, R_OK)) {
		char *argv[] = { "scxlab", "build", "--sim-only", "--quiet", "--out", so, src, NULL };

		if (selftest__run_self(argv, log)) {
			unlink(so);
			snprintf(got, len, "the simulator build failed: ");
			selftest__log_tail(log, got + strlen(got), len - strlen(got));
			return ST_FAIL;
		}
	}
	enum selftest_outcome r = run_sim(o, st, so, got, len);

	/* what only loads is also given to the kernel's verifier, which must accept it */
	if (r == ST_PASS && st->expect == SE_LOADS && o->verify) {
		size_t n = strlen(got);

		snprintf(log, sizeof(log), "%s/%s.verify.log", work, st->name);
		snprintf(so, sizeof(so), "%s/%s.bpf.o", work, st->source);
		if (n + 2 < len) {
			memcpy(got + n, "; ", 3);
			r = selftest__verify(o->suite, src, so, false, log, got + n + 2, len - n - 2);
		}
	}
	return r;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int parse_args(int argc, char **argv, struct selftests_opts *o)
{
	static const struct option longopts[] = {
		{ "suite", required_argument, NULL, 's' }, { "table", required_argument, NULL, 't' },
		{ "only", required_argument, NULL, 'o' },  { "topology", required_argument, NULL, 'T' },
		{ "seed", required_argument, NULL, 'S' },  { "verify", no_argument, NULL, 'v' },
		{ "target", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 's': o->suite = optarg; break;
		case 't': o->table = optarg; break;
		case 'o': o->only = optarg; break;
		case 'T': o->topology = optarg; break;
		case 'v': o->verify = true; break;
		case 'g':
			if (strcmp(optarg, "sim") && strcmp(optarg, "vm")) {
				fprintf(stderr, "scxlab selftests: --target: sim or vm, not '%s'\n", optarg);
				return -1;
			}
			o->vm = !strcmp(optarg, "vm");
			o->verify |= o->vm;
			break;
		case 'S':
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (*end || errno || !*optarg) {
				fprintf(stderr, "scxlab selftests: --seed: '%s' is not a number\n", optarg);
				return -1;
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "scxlab selftests: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->suite || !*o->suite) {
		fprintf(stderr, "scxlab selftests: no suite: give --suite DIR or set SCXLAB_SELFTESTS (fetch it "
			"with scripts/fetch-sched-ext-selftests.sh)\n");
		return -1;
	}
	return 0;
}

int cmd_selftests(int argc, char **argv)
{
	struct selftests_opts o = { .suite = getenv("SCXLAB_SELFTESTS"), .topology = "8cpu-2llc", .seed = 1 };
	char table_path[2048], work[1024], err[1024];
	struct selftest_table t;
	int counts[3] = { 0 }, matched = 0;

	if (parse_args(argc, argv, &o))
		return SCXLAB_EXIT_USAGE;
	if (!o.table) {
		snprintf(table_path, sizeof(table_path), "%s/tests/selftests/sched_ext.table", scxlab__root());
		o.table = table_path;
	}
	if (access(o.suite, R_OK)) {
		fprintf(stderr, "scxlab selftests: --suite %s: %s\n", o.suite, strerror(errno));
		return SCXLAB_EXIT_USAGE;
	}
	if (selftest_table__parse(&t, o.table, err, sizeof(err))) {
		fprintf(stderr, "scxlab selftests: %s\n", err);
		return SCXLAB_EXIT_USAGE;
	}
	snprintf(work, sizeof(work), "%.900s/selftests/%d", scxlab__cache_dir(), (int)getpid());
	if (scxlab__mkdirs(work)) {
		fprintf(stderr, "scxlab selftests: cannot create %s: %s\n", work, strerror(errno));
		selftest_table__free(&t);
		return SCXLAB_EXIT_USAGE;
	}
	scx_exit__set_symbolizer(exit_site__symbolize);
	printf("%-28s %-44s %-4s %s\n", "test", "expected", "", "got");
	for (int i = 0; i < t.nr; i++) {
		const struct selftest *st = &t.tests[i];
		char expected[512], got[2048];
		enum selftest_outcome r;

		if (!selected(o.only, st->name))
			continue;
		matched++;
		selftest__describe(st, expected, sizeof(expected));
		r = run_one(&o, st, work, got, sizeof(got));
		counts[r]++;
		printf("%-28s %-44s %-4s %s\n", st->name, expected, outcome_names[r], got);
		fflush(stdout);
	}
	selftest_table__free(&t);
	if (o.only && !matched) {
		fprintf(stderr, "scxlab selftests: --only %s: no such test in %s\n", o.only, o.table);
		return SCXLAB_EXIT_USAGE;
	}
	printf("%d passed, %d failed, %d skipped\n", counts[ST_PASS], counts[ST_FAIL], counts[ST_SKIP]);
	if (counts[ST_FAIL])
		printf("objects and logs: %s\n", work);
	else
		nftw(work, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	return counts[ST_FAIL] ? SCXLAB_EXIT_CHECK_FAILED : SCXLAB_EXIT_OK;
}
