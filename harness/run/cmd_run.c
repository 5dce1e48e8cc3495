/*
 * `scxlab run`: run one policy (or none: the fair model) with a workload on a target and write
 * DIR/result.json. Only the simulator target exists so far; the host and VM targets come with
 * the real-kernel runner.
 *
 * Flow on the simulator: build the policy's .sim.so (through `scxlab build`, so its cache is
 * shared), open it, set knobs the way a loader sets rodata, attach it, add the workload, run
 * with progress on a terminal, take the measurements at the end of the duration, unload the
 * policy as its loader would (SCX_EXIT_UNREG) and write the result atomically.
 */
#include "harness/run/cmd_run.h"
#include "harness/build/cmd_build.h"
#include "harness/run/loader_profile.h"
#include "harness/daemon/daemon_sim.h"
#include "harness/run/exit_site.h"
#include "harness/util/options.h"
#include "harness/real/preflight.h"
#include "harness/real/real_run.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "harness/results/run_result.h"
#include "harness/util/temp_files.h"
#include "harness/report/timeline.h"
#include "harness/report/trace.h"
#include "harness/results/verdict.h"
#include "harness/util/version.h"
#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
#include "workloads/builtin.h"
#include "workloads/job.h"
#include "workloads/job_workload.h"
#include "workloads/stressors/costs.h"

#include <getopt.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_KNOBS 64
#define MAX_INJECT 8

/* --inject KIND@TIME: a fault from outside the policy at a simulated time. */
struct injection {
	struct sim_event ev;
	struct sim *sim;
	enum scx_inject_kind kind;
	int cpu;
	enum daemon_fault daemon_fault; /* a fault of the daemon, not of the kernel */
	uint64_t at_ns;
	char name[32];
};

struct run_opts {
	const char *policy;
	const char *target;
	const char *topology;
	const char *out;
	uint64_t duration_ns;
	uint64_t seed;
	char *knobs[MAX_KNOBS];
	int nr_knobs;
	char *map_sizes[MAX_KNOBS];
	int nr_map_sizes;
	const char *loader;             /* --loader FILE (harness/run/loader_profile.h) */
	uint64_t attach_at_ns;          /* --attach-at, or the profile's attach-at: 0 at the start */
	bool attach_at_set;
	struct loader_profile profile;
	struct builtin_workload wl;
	bool wl_hogs_set, wl_pairs_set;
	const char *job;
	const char *calibration;
	bool duration_set;
	uint32_t kernel_version;
	const char *kernel_arg;
	const char *kernel_image;
	bool quiet;
	struct injection inject[MAX_INJECT];
	int nr_inject;
	uint64_t first_injected_ktime; /* the first load's fault_injected_at, kept across restarts */
	const char *timeline;
	uint64_t tl_from, tl_to;
	const char *trace;
	uint64_t tr_from, tr_to;
	const char *daemon;
	uint64_t daemon_cpu_ns;        /* --daemon-cpu: the daemon is a simulated task */
	struct run_expect expect;      /* --expect-exit */
	uint64_t starve_after_ns;      /* --starve-after, 0: the default */
	uint64_t callback_budget_ns;   /* --callback-budget, 0: the default (SIM_OP_BUDGET_DFL_NS) */
	uint64_t bpf_mem_limit;        /* --bpf-mem-limit, 0: the default (SIM_BPF_MEM_LIMIT_DFL) */
};

/* The simulator's kernel API level for a series (the Debian release each stands for), or 0. */
static uint32_t sim_kernel_api(const char *series)
{
	static const struct { const char *series; uint32_t version; } levels[] = {
		{ "6.12", (6 << 16) | (12 << 8) | 117 }, { "7.0", (7 << 16) | (0 << 8) | 13 },
		{ "7.2", (7 << 16) | (2 << 8) | 13 }, { "7.3", (7 << 16) | (3 << 8) | 4 },
	};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(series, levels[i].series))
			return levels[i].version;
	return 0;
}

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab run [--policy FILE.bpf.c|FILE.sim.so] [--target sim] [--topology SPEC]\n"
		"                  [--duration TIME] [--seed N] [--knob NAME=VALUE]... [--out DIR]\n"
		"                  [--hogs N] [--pairs M] [--pp-work TIME] [--quiet]\n\n"
		"Runs the policy (without --policy: the fair-class model alone) on the built-in workload\n"
		"of N CPU hogs and M ping-pong pairs, prints a summary and writes DIR/result.json.\n\n"
		"  --policy FILE     policy source (built for the simulator on the fly) or a .sim.so\n"
		"  --target T        sim (default), host (this machine's kernel: sched_ext for a policy,\n"
		"                    any kernel with BTF for the baseline) or vm (a QEMU\n"
		"                    guest booting Debian's sched_ext kernel); host and vm run --job\n"
		"                    with the real stress-ng and the harness's latency probes\n"
		"  --topology SPEC   NODESxLLCSxCORESxTHREADS (e.g. 1x2x4x1), a CPU count, or a preset\n"
		"                    such as 8cpu-2llc, 8cpu-smt, 32cpu-2node (default 8cpu-2llc)\n"
		"  --duration TIME   simulated time, e.g. 10s, 500ms (default 10s)\n"
		"  --seed N          random seed (default 1): same inputs and seed, same result\n"
		"  --knob NAME=VAL   set the policy's global NAME before load (repeatable)\n"
		"  --kernel V        in the simulator, the kernel API the policy sees: 6.12, 7.0,\n"
		"                    7.2 (default) or 7.3 (bpf_ksym_exists, CO-RE enum checks,\n"
		"                    LINUX_KERNEL_VERSION); with --target vm, the kernel booted: a\n"
		"                    series (6.12, 7.0, 7.2, 7.3: Debian's, fetched on first use), a\n"
		"                    cached release or a kernel image (default: the cache's current)\n"
		"  --map-entries MAP=N  size a map the policy declares with max_entries 0\n"
		"                    (its loader's bpf_map__set_max_entries; repeatable)\n"
		"  --loader FILE     a loader profile: what the scheduler's own loader sets (globals,\n"
		"                    struct_ops fields and flags, map sizes, syscall programs), applied\n"
		"                    before --knob/--map-entries (docs/upstream-schedulers.md)\n"
		"  --attach-at TIME  attach the policy TIME into the run (default 0): the workload runs\n"
		"                    on fair until then, and its tasks go through the enable\n"
		"                    transition (a profile's attach-at line says the same)\n"
		"  --out DIR         where result.json goes (default results/run)\n"
		"  --job FILE        a stress-ng job file as the workload (instead of the built-in one);\n"
		"                    the run lasts the job's timeout (per entry when sequential), capped\n"
		"                    by --duration; entries without a timeout get --duration\n"
		"  --calibration F   stressor and machine costs of the target (workloads/calibration/)\n"
		"  --hogs N          CPU hogs (default: one per CPU)\n"
		"  --pairs M         ping-pong pairs (default: one per two CPUs)\n"
		"  --pp-work TIME    work per ping-pong turn (default 20us)\n"
		"  --inject K@TIME   a fault from outside the policy at a simulated time: unreg (the\n"
		"                    loader goes away), sysrq (SysRq-S), offline:CPU (hotplug), error\n"
		"                    (a kernel-side runtime error), daemon-stall (the --daemon stops\n"
		"                    deciding), daemon-crash (it dies, and the loader's process with\n"
		"                    it); see docs/faults.md\n"
		"  --timeline FILE   write a per-CPU timeline (which task ran where, when) of\n"
		"                    --timeline-window FROM:TO (default the first 50 ms)\n"
		"  --daemon FILE.c   a user-space daemon for the policy (harness/daemon/scxlab_daemon.h),\n"
		"                    its periodic callback a simulated event; log in DIR/daemon.log\n"
		"  --daemon-cpu TIME the daemon is a simulated task that burns TIME per round and runs\n"
		"                    its rounds when the policy gives it a CPU (simulator only)\n"
		"  --trace FILE      a Perfetto-loadable trace (Chrome trace-event JSON): CPU tracks\n"
		"                    with task slices, DSQ depths, kicks, the exit; --trace-window\n"
		"                    FROM:TO limits it (default: the whole run); docs/traces.md\n"
		"  --expect-exit KIND[:TEXT]  the run is expected to end the policy with this exit\n"
		"                    (e.g. SCX_EXIT_ERROR_BPF, error_stall:failed to run, none):\n"
		"                    exit status 0 when it does, 3 when anything else happens\n"
		"  --starve-after TIME  a task runnable and not run for longer than TIME at the end\n"
		"                    of the run is starved, a failure (default: the policy's\n"
		"                    watchdog timeout or half the run, whichever is shorter)\n"
		"  --callback-budget TIME  host CPU time one policy callback may take (default 1s): a\n"
		"                    callback over it (an endless loop) ends the policy with an error\n"
		"                    exit; it never changes simulated numbers (docs/limits.md)\n"
		"  --bpf-mem-limit SIZE  memory the policy's maps, bpf_obj_new() objects and arena\n"
		"                    pages may take (default 1G): past it a map is not created\n"
		"                    (-ENOMEM), updates fail and allocations return NULL\n"
		"  --quiet           no progress or summary on stderr/stdout\n\n"
		"Exit status: 0 ok, 1 the run could not be done, 2 bad usage or input, 3 the policy\n"
		"failed (error exit, stall, crash, a task lost or starved); docs/results.md.\n");
}

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

static void install_crash_handlers(void)
{
	signal(SIGSEGV, crash_handler);
	signal(SIGBUS, crash_handler);
	signal(SIGFPE, crash_handler);
	signal(SIGILL, crash_handler);
}


/*
 * Build @src for the simulator with `scxlab build --sim-only` into @out, a temporary file of
 * this run in the cache's run folder (removed however the run ends; what killed runs left
 * there is removed first).
 */
static int build_sim_policy(const char *src, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	char run_dir[4200], name[256];

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - strlen(".bpf.c")), base);
	snprintf(run_dir, sizeof(run_dir), "%s/run", scxlab__cache_dir());
	if (scxlab__mkdirs(run_dir)) {
		snprintf(err, errlen, "cannot create %.900s: %s", run_dir, strerror(errno));
		return -1;
	}
	temp_files__sweep_stale(run_dir, NULL, 0);
	temp_files__name(out, outlen, run_dir, name, ".sim.so");
	temp_files__add(out);
	if (cmd_build__sim_object(src, out)) {
		snprintf(err, errlen, "building %s for the simulator failed (see the compiler output above)", src);
		return -1;
	}
	return 0;
}

/* Open @so_path and set its knobs: the topology ones first, then --knob in order. */
static struct sim_policy *open_policy(const char *so_path, const struct sim_topology *topo,
				      const struct run_opts *o, int *exit_code)
{
	char err[1024];
	struct sim_policy *pol = sim_policy__open(so_path, topo->nr_cpus, err, sizeof(err));

	*exit_code = 1;
	if (!pol) {
		fprintf(stderr, "scxlab run: %s\n", err);
		return NULL;
	}
	sim_policy__apply_topology(pol, topo);
	if (o->loader && loader_profile__apply_open(&o->profile, pol, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --loader: %s\n", err);
		*exit_code = 2;
		sim_policy__close(pol);
		return NULL;
	}
	for (int i = 0; i < o->nr_knobs; i++) {
		char kv[4096], *name, *value;

		snprintf(kv, sizeof(kv), "%s", o->knobs[i]);
		if (opt__split_kv("--knob", kv, &name, &value, err, sizeof(err)) ||
		    sim_policy__set_knob(pol, name, value, err, sizeof(err))) {
			fprintf(stderr, "scxlab run: --knob: %s\n", err);
			*exit_code = 2;
			sim_policy__close(pol);
			return NULL;
		}
	}
	for (int i = 0; i < o->nr_map_sizes; i++) {
		char kv[4096], *name, *value;
		uint64_t n;

		snprintf(kv, sizeof(kv), "%s", o->map_sizes[i]);
		if (opt__split_kv("--map-entries", kv, &name, &value, err, sizeof(err)) ||
		    opt__parse_u64("--map-entries", value, &n, err, sizeof(err)) ||
		    sim_policy__set_map_entries(pol, name, (uint32_t)n, err, sizeof(err))) {
			fprintf(stderr, "scxlab run: --map-entries: %s\n", err);
			*exit_code = 2;
			sim_policy__close(pol);
			return NULL;
		}
	}
	if (sim_policy__freeze(pol, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: %s\n", err);
		*exit_code = 2;
		sim_policy__close(pol);
		return NULL;
	}
	return pol;
}

/* open_policy(); a map past the BPF memory limit fails the policy's load, as in the kernel. */
static struct sim_policy *load_policy(const char *so_path, const struct sim_topology *topo,
				      const struct run_opts *o, int *exit_code)
{
	uint64_t refused = sim_bpf_mem__stats()->refused;
	struct sim_policy *pol = open_policy(so_path, topo, o, exit_code);

	if (!pol && sim_bpf_mem__stats()->refused > refused)
		*exit_code = SCXLAB_EXIT_POLICY_FAILED;
	return pol;
}

/*
 * The policy exited asking to be restarted (SCX_ECODE_ACT_RESTART in its exit code) and the
 * kernel has finished disabling it: load it again, as the kernel tools' loaders do.
 */
static bool restart_due(struct sim *sim)
{
	const struct scx_exit_record *r = sim->scx ? scx_sched__exit_record(sim) : NULL;

	return r && r->exited && r->disabled_ns && (r->exit_code & SCX_ECODE_ACT_RESTART);
}

/* What a kernel tools loader prints at exit from the policy's UEI record: EXIT: reason (msg). */
static void print_uei(struct sim_policy *pol)
{
	size_t size = 0;
	const struct {
		int kind;
		int32_t exit_cpu;
		int64_t exit_code;
		char reason[128];
		char msg[1024];
	} *uei = sim_policy__global(pol, "uei", &size);

	if (!uei || size < sizeof(*uei) || !uei->kind)
		return;
	fprintf(stderr, "EXIT: %.128s", uei->reason);
	if (uei->msg[0])
		fprintf(stderr, " (%.1024s)", uei->msg);
	if (uei->exit_code)
		fprintf(stderr, " exit code %lld", (long long)uei->exit_code);
	fputc('\n', stderr);
}

/* Whether --knob sets @name (it then wins over what the harness would set). */
static bool knob_given(const struct run_opts *o, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < o->nr_knobs; i++)
		if (!strncmp(o->knobs[i], name, n) && (o->knobs[i][n] == '=' || o->knobs[i][n] == 0))
			return true;
	return false;
}

static void inject_fn(struct sim_loop *loop, struct sim_event *ev)
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
static void sim_fault(struct run_info *info, struct sim *sim, struct sim_policy *pol,
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
static uint64_t starve_threshold(const struct sim *sim, const struct run_opts *o)
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

/*
 * Attach the policy as its loader does: the before-attach programs, the attach, the
 * after-attach programs. An exit while attaching is a result (the run goes on). -1 with *@ret
 * set when the run cannot go on.
 */
static int attach_policy(struct sim *sim, struct sim_policy *pol, const struct run_opts *o, int *ret)
{
	char err[1024];

	sim__set_current(sim);
	if (o->loader && loader_profile__run_syscalls(&o->profile, pol, sim, false, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --loader: %s\n", err);
		return -1;
	}
	if (scx_sched__attach(sim, sim_policy__ops(pol), sim_policy__name(pol), err, sizeof(err))) {
		const struct scx_exit_record *r = sim->scx ? scx_sched__exit_record(sim) : NULL;

		if (!r || !r->exited) {
			fprintf(stderr, "scxlab run: loading %s failed: %s\n", o->policy, err);
			*ret = SCXLAB_EXIT_POLICY_FAILED;
			return -1;
		}
		/* an exit while attaching (ops.init, the ops checks): the kernel reports it to
		 * ops.exit and the tasks stay on fair; the run goes on and records it */
		fprintf(stderr, "scxlab run: %s exited while attaching: %s\n", o->policy, err);
	} else if (o->loader && loader_profile__run_syscalls(&o->profile, pol, sim, true, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --loader: %s\n", err);
		return -1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
	enum { O_HOGS = 256, O_PAIRS, O_PPWORK, O_QUIET, O_MAPSIZE, O_KERNEL, O_JOB, O_CAL, O_INJECT, O_TIMELINE, O_TLWIN, O_TRACE, O_TRWIN, O_DAEMON, O_DAEMON_CPU, O_EXPECT, O_STARVE, O_LOADER, O_BUDGET, O_MEMLIMIT, O_ATTACH_AT };
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "target", required_argument, NULL, 't' },
		{ "topology", required_argument, NULL, 'T' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "knob", required_argument, NULL, 'k' },
		{ "map-entries", required_argument, NULL, O_MAPSIZE },
		{ "loader", required_argument, NULL, O_LOADER },
		{ "attach-at", required_argument, NULL, O_ATTACH_AT },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "job", required_argument, NULL, O_JOB },
		{ "calibration", required_argument, NULL, O_CAL },
		{ "inject", required_argument, NULL, O_INJECT },
		{ "timeline", required_argument, NULL, O_TIMELINE },
		{ "timeline-window", required_argument, NULL, O_TLWIN },
		{ "trace", required_argument, NULL, O_TRACE },
		{ "daemon", required_argument, NULL, O_DAEMON },
		{ "daemon-cpu", required_argument, NULL, O_DAEMON_CPU },
		{ "trace-window", required_argument, NULL, O_TRWIN },
		{ "expect-exit", required_argument, NULL, O_EXPECT },
		{ "starve-after", required_argument, NULL, O_STARVE },
		{ "callback-budget", required_argument, NULL, O_BUDGET },
		{ "bpf-mem-limit", required_argument, NULL, O_MEMLIMIT },
		{ "out", required_argument, NULL, 'o' },
		{ "hogs", required_argument, NULL, O_HOGS },
		{ "pairs", required_argument, NULL, O_PAIRS },
		{ "pp-work", required_argument, NULL, O_PPWORK },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:t:T:d:s:k:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->policy = optarg; break;
		case 't': o->target = optarg; break;
		case 'T': o->topology = optarg; break;
		case 'o': o->out = optarg; break;
		case 'd':
			if (opt__parse_duration("--duration", optarg, &o->duration_ns, err, errlen))
				return -1;
			if (!o->duration_ns) {
				snprintf(err, errlen, "--duration: must be more than zero");
				return -1;
			}
			o->duration_set = true;
			break;
		case 's':
			if (opt__parse_u64("--seed", optarg, &o->seed, err, errlen))
				return -1;
			break;
		case 'k':
			if (o->nr_knobs == MAX_KNOBS) {
				snprintf(err, errlen, "--knob: at most %d knobs", MAX_KNOBS);
				return -1;
			}
			{
				/* kept as the policy takes it: "slice_ns=5ms" is recorded as slice_ns=5000000 */
				static char text[MAX_KNOBS][512];
				char kv[512], *name, *value, norm[256];
				snprintf(kv, sizeof(kv), "%s", optarg);
				if (opt__split_kv("--knob", kv, &name, &value, err, errlen) ||
				    opt__knob_value("--knob", name, value, norm, sizeof(norm), err, errlen))
					return -1;
				snprintf(text[o->nr_knobs], sizeof(text[0]), "%s=%s", name, norm);
				o->knobs[o->nr_knobs] = text[o->nr_knobs];
				o->nr_knobs++;
			}
			break;
		case O_EXPECT:
			if (run_expect__parse(&o->expect, optarg, err, errlen))
				return -1;
			break;
		case O_STARVE:
			if (opt__parse_duration("--starve-after", optarg, &o->starve_after_ns, err, errlen))
				return -1;
			if (!o->starve_after_ns) {
				snprintf(err, errlen, "--starve-after: must be more than zero");
				return -1;
			}
			break;
		case O_BUDGET:
			if (opt__parse_duration("--callback-budget", optarg, &o->callback_budget_ns, err, errlen))
				return -1;
			if (o->callback_budget_ns < 1000000ULL) {
				snprintf(err, errlen, "--callback-budget %s: give at least 1ms of CPU time", optarg);
				return -1;
			}
			break;
		case O_MEMLIMIT:
			if (opt__parse_size("--bpf-mem-limit", optarg, &o->bpf_mem_limit, err, errlen))
				return -1;
			if (o->bpf_mem_limit < 4096) {
				snprintf(err, errlen, "--bpf-mem-limit %s: give at least 4K", optarg);
				return -1;
			}
			break;
		case O_JOB: o->job = optarg; break;
		case O_CAL: o->calibration = optarg; break;
		case O_TIMELINE: o->timeline = optarg; break;
		case O_TRACE: o->trace = optarg; break;
		case O_DAEMON: o->daemon = optarg; break;
		case O_DAEMON_CPU:
			if (opt__parse_duration("--daemon-cpu", optarg, &o->daemon_cpu_ns, err, errlen))
				return -1;
			if (!o->daemon_cpu_ns) {
				snprintf(err, errlen, "--daemon-cpu %s: give the CPU time of a round (> 0)", optarg);
				return -1;
			}
			break;
		case O_TRWIN:
		case O_TLWIN: {
			char from[64], *colon;
			snprintf(from, sizeof(from), "%s", optarg);
			colon = strchr(from, ':');
			if (!colon) {
				snprintf(err, errlen, "--timeline-window %s: expected FROM:TO (e.g. 1s:1.05s)", optarg);
				return -1;
			}
			*colon++ = 0;
			uint64_t a, b;
			if (opt__parse_duration(c == O_TRWIN ? "--trace-window" : "--timeline-window", from, &a, err, errlen) ||
			    opt__parse_duration(c == O_TRWIN ? "--trace-window" : "--timeline-window", colon, &b, err, errlen))
				return -1;
			if (b <= a) {
				snprintf(err, errlen, "%s: TO must be after FROM", c == O_TRWIN ? "--trace-window" : "--timeline-window");
				return -1;
			}
			if (c == O_TRWIN) {
				o->tr_from = a;
				o->tr_to = b;
			} else {
				o->tl_from = a;
				o->tl_to = b;
			}
			break;
		}
		case O_INJECT: {
			struct injection *inj = &o->inject[o->nr_inject];
			char kind[64], *at;
			if (o->nr_inject == MAX_INJECT) {
				snprintf(err, errlen, "--inject: at most %d", MAX_INJECT);
				return -1;
			}
			snprintf(kind, sizeof(kind), "%s", optarg);
			at = strchr(kind, '@');
			if (!at) {
				snprintf(err, errlen, "--inject %s: expected KIND@TIME (e.g. sysrq@1s, offline:1@500ms)", optarg);
				return -1;
			}
			*at++ = 0;
			inj->daemon_fault = daemon_fault__parse(kind);
			if (!inj->daemon_fault && scx_inject__parse_kind(kind, &inj->kind, &inj->cpu)) {
				snprintf(err, errlen, "--inject: unknown fault '%s' (unreg, sysrq, error, offline:CPU, "
					 "daemon-stall, daemon-crash)", kind);
				return -1;
			}
			if (opt__parse_duration("--inject", at, &inj->at_ns, err, errlen))
				return -1;
			snprintf(inj->name, sizeof(inj->name), "%.31s", kind);
			o->nr_inject++;
			break;
		}
		case O_KERNEL:
			o->kernel_arg = optarg; /* read once the target is known */
			break;
		case O_LOADER:
			o->loader = optarg;
			break;
		case O_ATTACH_AT:
			if (opt__parse_duration("--attach-at", optarg, &o->attach_at_ns, err, errlen))
				return -1;
			o->attach_at_set = true;
			break;
		case O_MAPSIZE:
			if (o->nr_map_sizes == MAX_KNOBS) {
				snprintf(err, errlen, "--map-entries: at most %d", MAX_KNOBS);
				return -1;
			}
			o->map_sizes[o->nr_map_sizes++] = optarg;
			break;
		case O_HOGS:
			if (opt__parse_u64("--hogs", optarg, &v, err, errlen))
				return -1;
			if (v > 100000) {
				snprintf(err, errlen, "--hogs: at most 100000");
				return -1;
			}
			o->wl.hogs = (int)v;
			o->wl_hogs_set = true;
			break;
		case O_PAIRS:
			if (opt__parse_u64("--pairs", optarg, &v, err, errlen))
				return -1;
			if (v > 50000) {
				snprintf(err, errlen, "--pairs: at most 50000");
				return -1;
			}
			o->wl.pairs = (int)v;
			o->wl_pairs_set = true;
			break;
		case O_PPWORK:
			if (opt__parse_duration("--pp-work", optarg, &o->wl.pp_work_ns, err, errlen))
				return -1;
			break;
		case 'q':
		case O_QUIET: o->quiet = true; break;
		case 'h': run_usage(stdout); exit(0);
		default:
			snprintf(err, errlen, "see `scxlab run --help`");
			return -1;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see `scxlab run --help`)", argv[optind]);
		return -1;
	}
	if (strcmp(o->target, "sim") && strcmp(o->target, "host") && strcmp(o->target, "vm")) {
		snprintf(err, errlen, "--target: unknown target '%s' (sim, host or vm)", o->target);
		return -1;
	}
	if (o->kernel_arg && !strcmp(o->target, "vm")) {
		o->kernel_image = o->kernel_arg; /* a series, a cached release or an image (kernels.h) */
	} else if (o->kernel_arg) {
		o->kernel_version = sim_kernel_api(o->kernel_arg);
		if (!o->kernel_version) {
			snprintf(err, errlen, "--kernel %s: the simulator models 6.12, 7.0, 7.2 and 7.3 (a kernel image or "
				 "a cached release is for --target vm)", o->kernel_arg);
			return -1;
		}
	}
	if (o->nr_knobs && !o->policy) {
		snprintf(err, errlen, "--knob needs --policy");
		return -1;
	}
	if (o->loader && !o->policy) {
		snprintf(err, errlen, "--loader needs --policy");
		return -1;
	}
	if (o->loader && strcmp(o->target, "sim")) {
		snprintf(err, errlen, "--loader: loader profiles are applied in the simulator only so far "
			 "(scxlab-kload does not read them yet)");
		return -1;
	}
	if (o->loader && loader_profile__parse(&o->profile, o->loader, err, errlen))
		return -1;
	if (o->loader && !o->attach_at_set)
		o->attach_at_ns = loader_profile__attach_at(&o->profile);
	if (o->attach_at_set && (!o->policy || strcmp(o->target, "sim"))) {
		snprintf(err, errlen, "--attach-at needs --policy and the simulator target");
		return -1;
	}
	if (o->daemon_cpu_ns && !o->daemon) {
		snprintf(err, errlen, "--daemon-cpu needs --daemon");
		return -1;
	}
	for (int i = 0; i < o->nr_inject; i++) {
		if (o->inject[i].daemon_fault && !o->daemon) {
			snprintf(err, errlen, "--inject %s: needs --daemon", o->inject[i].name);
			return -1;
		}
	}
	if (o->daemon && !o->policy) {
		snprintf(err, errlen, "--daemon needs --policy");
		return -1;
	}
	return 0;
}

static void show_progress(const struct sim *sim, uint64_t total, double wall_s, bool final)
{
	double done = (double)sim__now(sim) / 1e9, all = (double)total / 1e9;
	double eta = done > 0 ? wall_s * (all - done) / done : 0;

	fprintf(stderr, "\r  simulated %.2f / %.2f s   wall %.1f s   eta %.1f s   ", done, all, wall_s,
		final ? 0.0 : eta);
	if (final)
		fputc('\n', stderr);
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.target = "sim", .topology = "8cpu-2llc", .out = "results/run",
		.duration_ns = 10000000000ULL, .seed = 1,
	};
	char err[1024], so_path[4096] = "";
	struct sim_topology topo;
	struct sim_config cfg;
	struct sim_policy *pol = NULL;
	struct sim *sim = NULL;
	struct run_info info = { 0 };
	static struct job job;
	struct job_window windows[JOB_MAX_ENTRIES];
	struct stressor_costs costs;
	int ret = 1;

	o.wl.pp_work_ns = 0;
	if (parse_args(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: %s\n", err);
		return 2;
	}
	if (o.bpf_mem_limit)
		sim_bpf_mem__set_limit(o.bpf_mem_limit); /* before the policy's maps are created */
	if (strcmp(o.target, "sim")) {
		struct real_run_opts r = {
			.target = o.target, .policy = o.policy, .knobs = o.knobs, .nr_knobs = o.nr_knobs,
			.map_sizes = o.map_sizes, .nr_map_sizes = o.nr_map_sizes, .job = o.job,
			.topology = o.topology, .kernel_image = o.kernel_image,
			.duration_ns = o.duration_set ? o.duration_ns : 0, .out = o.out, .quiet = o.quiet,
			.inject = o.nr_inject ? o.inject[0].name : NULL,
			.daemon = o.daemon,
			.inject_at_ns = o.nr_inject ? o.inject[0].at_ns : 0,
			.expect = &o.expect,
		};
		if (o.nr_inject > 1) {
			fprintf(stderr, "scxlab run: --inject: one fault per real-kernel run\n");
			return 2;
		}
		if (o.daemon_cpu_ns) {
			fprintf(stderr, "scxlab run: --daemon-cpu is for the simulator: on a real kernel the daemon's "
				"CPU time is real (result.json daemon.cpu_ns measures it)\n");
			return 2;
		}
		return real_run__main(&r);
	}
	if (sim_topology__parse(&topo, o.topology, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --topology: %s\n", err);
		return 2;
	}
	for (int i = 0; i < o.nr_inject; i++) {
		if (o.inject[i].kind == SCX_INJECT_OFFLINE && !o.inject[i].daemon_fault && o.inject[i].cpu >= topo.nr_cpus) {
			/* it would be recorded as injected and do nothing */
			fprintf(stderr, "scxlab run: --inject %s: there is no CPU %d (the topology has CPUs 0-%d)\n",
				o.inject[i].name, o.inject[i].cpu, topo.nr_cpus - 1);
			sim_topology__destroy(&topo);
			return 2;
		}
	}
	struct builtin_workload wl;
	builtin_workload__defaults(&wl, topo.nr_cpus);
	if (o.wl_hogs_set)
		wl.hogs = o.wl.hogs;
	if (o.wl_pairs_set)
		wl.pairs = o.wl.pairs;
	if (o.wl.pp_work_ns)
		wl.pp_work_ns = o.wl.pp_work_ns;
	if (!o.job && !wl.hogs && !wl.pairs) {
		fprintf(stderr, "scxlab run: the workload is empty (--hogs 0 --pairs 0)\n");
		goto out_topo;
	}

	install_crash_handlers();
	temp_files__remove_on_signals();
	{
		const char *tmpdir = getenv("TMPDIR");
		/* the private copies killed runs left; a shared folder: only old ones */
		temp_files__sweep_stale(tmpdir && *tmpdir ? tmpdir : "/tmp", SIM_POLICY_COPY_PREFIX, 60);
	}
	scx_exit__set_symbolizer(exit_site__symbolize);
	if (o.policy) {
		if (path__ends_with(o.policy, ".sim.so")) {
			snprintf(so_path, sizeof(so_path), "%s", o.policy);
		} else if (path__ends_with(o.policy, ".bpf.c")) {
			if (build_sim_policy(o.policy, so_path, sizeof(so_path), err, sizeof(err))) {
				fprintf(stderr, "scxlab run: %s\n", err);
				goto out_topo;
			}
		} else {
			fprintf(stderr, "scxlab run: --policy: expected a .bpf.c source or a .sim.so, got '%s'\n", o.policy);
			ret = 2;
			goto out_topo;
		}
		pol = load_policy(so_path, &topo, &o, &ret);
		if (!pol)
			goto out_topo;
		exit_site__set_object(so_path);
	}

	sim_config__defaults(&cfg);
	stressor_costs__defaults(&costs);
	if (o.calibration && stressor_costs__load(&costs, &cfg.costs, o.calibration, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --calibration: %s\n", err);
		ret = 2;
		goto out_pol;
	}
	cfg.seed = o.seed;
	cfg.duration_ns = o.duration_ns;
	cfg.quiet = o.quiet;
	if (o.callback_budget_ns)
		cfg.op_budget_ns = o.callback_budget_ns;
	if (o.kernel_version)
		cfg.kernel_version = o.kernel_version;
	sim = sim__new(&cfg, &topo);
	if (!sim) {
		fprintf(stderr, "scxlab run: out of memory\n");
		goto out_pol;
	}
	if (pol && !o.attach_at_ns && attach_policy(sim, pol, &o, &ret))
		goto out_sim;
	if (o.job) {
		uint64_t total = 0;

		if (job__parse_file(&job, o.job, err, sizeof(err))) {
			fprintf(stderr, "scxlab run: --job: %s\n", err);
			ret = 2;
			goto out_sim;
		}
		if (job_workload__add(sim, &job, &costs, o.duration_ns, windows, &total, err, sizeof(err))) {
			fprintf(stderr, "scxlab run: --job: %s\n", err);
			ret = 2;
			goto out_sim;
		}
		if (!o.duration_set || total < o.duration_ns)
			o.duration_ns = total;
		info.job = &job;
		info.job_windows = windows;
	} else if (builtin_workload__add(sim, &wl)) {
		fprintf(stderr, "scxlab run: cannot create the workload\n");
		goto out_sim;
	}

	/* --attach-at: the workload runs on fair until then; the tasks that exist then go
	 * through the enable transition (ops.init_task with fork == false, then ops.enable) */
	if (pol && o.attach_at_ns) {
		if (o.attach_at_ns >= o.duration_ns) {
			fprintf(stderr, "scxlab run: --attach-at %llu ns is not within the run (%llu ns)\n",
				(unsigned long long)o.attach_at_ns, (unsigned long long)o.duration_ns);
			ret = 2;
			goto out_sim;
		}
		if (sim__run_until(sim, o.attach_at_ns)) {
			fprintf(stderr, "scxlab run: simulation failed: %s\n", sim->fatal);
			goto out_sim;
		}
		if (attach_policy(sim, pol, &o, &ret))
			goto out_sim;
	}
	for (int i = 0; i < o.nr_inject; i++) {
		o.inject[i].sim = sim;
		sim_event__init(&o.inject[i].ev, inject_fn, &o.inject[i]);
		sim_loop__schedule(&sim->loop, &o.inject[i].ev, o.inject[i].at_ns);
	}
	char daemon_so[4200] = "";
	if (o.daemon) {
		char run_dir[4200];
		snprintf(run_dir, sizeof(run_dir), "%s/run", scxlab__cache_dir());
		scxlab__mkdirs(run_dir);
		temp_files__name(daemon_so, sizeof(daemon_so), run_dir, "daemon", ".so");
		temp_files__add(daemon_so);
		if (daemon__build(o.daemon, daemon_so, err, sizeof(err)) ||
		    daemon_sim__start(sim, pol, daemon_so, o.daemon_cpu_ns, !knob_given(&o, "scxlab_daemon_tgid"), err,
				      sizeof(err))) {
			fprintf(stderr, "scxlab run: --daemon: %s\n", err);
			unlink(daemon_so);
			ret = 2;
			goto out_sim;
		}
	}
	if (o.trace && trace__start(sim, o.trace, o.tr_from, o.tr_to)) {
		fprintf(stderr, "scxlab run: --trace %s: cannot write it\n", o.trace);
		goto out_sim;
	}
	if (o.timeline && timeline__start(sim, o.tl_to ? o.tl_from : 0, o.tl_to ? o.tl_to : 50000000ULL)) {
		fprintf(stderr, "scxlab run: out of memory\n");
		goto out_sim;
	}
	struct scx_exit_record first_exit = { 0 };
	bool tty = !o.quiet && isatty(2);
	double t0 = wall_now(), last = t0;
	uint64_t step = o.duration_ns / 100 ? o.duration_ns / 100 : 1;
	for (uint64_t t = 0; t < o.duration_ns;) {
		t = t + step < o.duration_ns ? t + step : o.duration_ns;
		if (sim__run_until(sim, t)) {
			fprintf(stderr, "\nscxlab run: simulation failed: %s\n", sim->fatal);
			goto out_sim;
		}
		if (tty && wall_now() - last > 0.2) {
			last = wall_now();
			show_progress(sim, o.duration_ns, last - t0, false);
		}
		if (!sim->nr_live)
			break;
		if (pol && restart_due(sim) && sim__now(sim) < o.duration_ns) {
			if (!o.quiet)
				fprintf(stderr, "\nscxlab run: %s exited with restart requested (%s), loading it again\n",
					sim_policy__name(pol), scx_sched__exit_record(sim)->msg);
			info.nr_restarts++;
			if (!first_exit.exited) {
				size_t sz = 0;
				const uint64_t *at = sim_policy__global(pol, "fault_injected_at", &sz);
				first_exit = *scx_sched__exit_record(sim);
				if (at && sz == sizeof(*at))
					o.first_injected_ktime = *at;
			}
			scx_sched__free(sim);
			sim_policy__close(pol);
			pol = load_policy(so_path, &topo, &o, &ret);
			if (!pol)
				goto out_sim;
			ret = 1;
			if (o.daemon)
				daemon_sim__set_policy(pol);
			if (o.loader && loader_profile__run_syscalls(&o.profile, pol, sim, false, err, sizeof(err))) {
				fprintf(stderr, "scxlab run: --loader: %s\n", err);
				goto out_sim;
			}
			if (scx_sched__attach(sim, sim_policy__ops(pol), sim_policy__name(pol), err, sizeof(err))) {
				fprintf(stderr, "scxlab run: reloading %s failed: %s\n", o.policy, err);
				goto out_sim;
			}
			if (o.loader && loader_profile__run_syscalls(&o.profile, pol, sim, true, err, sizeof(err))) {
				fprintf(stderr, "scxlab run: --loader: %s\n", err);
				goto out_sim;
			}
		}
	}
	if (tty)
		show_progress(sim, o.duration_ns, wall_now() - t0, true);

	info.target = o.target;
	info.policy_path = o.policy;
	info.policy = pol;
	info.topology_spec = o.topology;
	info.topo = &topo;
	info.workload = &wl;
	info.knobs = (const char *const *)o.knobs;
	info.nr_knobs = o.nr_knobs;
	info.attach_at_ns = o.attach_at_ns;
	info.version = SCXLAB_VERSION;
	info.calibration = o.calibration;
	info.daemon = o.daemon;
	if (o.daemon) {
		info.daemon_period_ns = daemon_sim__period();
		info.daemon_ticks = daemon_sim__ticks();
		struct daemon_stats ds;
		daemon_sim__stats(&ds);
		info.daemon_cpu_known = ds.charged;
		info.daemon_cpu_ns = ds.cpu_ns;
		info.daemon_late_max_ns = ds.late_max_ns;
		info.daemon_late_mean_ns = ds.late_mean_ns;
	}
	/*
	 * Starvation is judged over what the scheduling in force did: after an ejection, from when
	 * the fair class took over; an ejection whose disable had not finished when the run ended
	 * leaves nothing to judge.
	 */
	const struct scx_exit_record *judged = first_exit.exited ? &first_exit : pol ? scx_sched__exit_record(sim) : NULL;
	uint64_t starve_from = judged && judged->exited ? (judged->disabled_ns ? judged->disabled_ns : UINT64_MAX) : 0;
	uint64_t starve_after = starve_threshold(sim, &o);
	if (run_result__snapshot(&info, sim) ||
	    (starve_from != UINT64_MAX && run_verdict__collect_starved(&info.verdict, sim, starve_after, starve_from))) {
		fprintf(stderr, "scxlab run: out of memory\n");
		goto out_sim;
	}
	info.verdict.starve_threshold_ns = starve_after;
	if (o.timeline && timeline__write(sim, o.timeline)) {
		fprintf(stderr, "scxlab run: --timeline %s: cannot write it\n", o.timeline);
		goto out_res;
	}
	if (pol) {
		const struct scx_exit_record *now_rec = scx_sched__exit_record(sim);
		sim_fault(&info, sim, pol, &o, first_exit.exited ? &first_exit : now_rec, starve_after);
	}
	info.expect = &o.expect;
	run_verdict__judge(&info.verdict, &info, &o.expect);
	/* unload the policy as its loader would on exit */
	bool unloaded_at_end = false;
	if (pol && scx_sched__enabled(sim)) {
		unloaded_at_end = true;
		scx_sched__request_exit(sim, SCX_EXIT_UNREG, 0, "%s", "");
		sim__run_until(sim, sim__now(sim) + sim->cfg.costs.scx_disable_ns + 1);
	}
	run_result__finish(&info, sim);
	if (o.trace && trace__finish(sim, pol ? scx_sched__exit_record(sim) : NULL, unloaded_at_end)) {
		fprintf(stderr, "scxlab run: --trace %s: cannot write it\n", o.trace);
		goto out_res;
	}
	if (run_result__write(&info, o.out, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: %s\n", err);
		goto out_res;
	}
	if (o.daemon) {
		char dlog[4200];
		snprintf(dlog, sizeof(dlog), "%s/daemon.log", o.out);
		daemon_sim__stop(dlog);
		unlink(daemon_so);
	}
	if (!o.quiet)
		run_result__print_summary(&info, stdout);
	if (!o.quiet)
		printf("result: %s/result.json\n", o.out);
	if (pol)
		print_uei(pol);
	ret = run_verdict__exit_status(&info.verdict);
out_res:
	run_result__free(&info);
out_sim:
	sim__free(sim);
out_pol:
	if (pol)
		sim_policy__close(pol);
out_topo:
	if (so_path[0] && o.policy && strcmp(so_path, o.policy))
		unlink(so_path); /* the private build of this run; the build cache keeps its own */
	sim_topology__destroy(&topo);
	loader_profile__free(&o.profile);
	return ret;
}
