/*
 * Parsing `scxlab run`'s options (see run_opts.h).
 */
#include "harness/run/run_opts.h"
#include "harness/util/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		"  --vm-timeout TIME with --target vm, the guest's time limit (default: the job's time\n"
		"                    + 180 s; an emulated guest verifying a large scheduler needs more)\n"
		"  --map-entries MAP=N  size a map the policy declares with max_entries 0\n"
		"                    (its loader's bpf_map__set_max_entries; repeatable)\n"
		"  --loader FILE     a loader profile: what the scheduler's own loader sets (globals,\n"
		"                    struct_ops fields and flags, map sizes, syscall programs), applied\n"
		"                    before --knob/--map-entries, on every target (docs/upstream-schedulers.md)\n"
		"  --attach-at TIME  attach the policy TIME into the run (default 0): the workload runs\n"
		"                    on fair until then, and its tasks go through the enable\n"
		"                    transition (a profile's attach-at line says the same); on host\n"
		"                    and vm, the loader attaches TIME after stress-ng starts\n"
		"  --after-attach-job FILE  a second stress-ng job, started once the policy is\n"
		"                    attached (with --attach-at: the tasks forked after the attach),\n"
		"                    for the rest of the run\n"
		"  --ext-stressors NAMES  host, vm: the loader moves these stressors' processes\n"
		"                    (cpu,fork,...) to SCHED_EXT as they start, for a stress-ng without\n"
		"                    `--sched ext` (the simulator: a job's `sched ext` line)\n"
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

bool run_opts__knob_given(const struct run_opts *o, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < o->nr_knobs; i++)
		if (!strncmp(o->knobs[i], name, n) && (o->knobs[i][n] == '=' || o->knobs[i][n] == 0))
			return true;
	return false;
}

int run_opts__parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
	enum { O_HOGS = 256, O_PAIRS, O_PPWORK, O_QUIET, O_MAPSIZE, O_KERNEL, O_JOB, O_CAL, O_INJECT, O_TIMELINE, O_TLWIN, O_TRACE, O_TRWIN, O_DAEMON, O_DAEMON_CPU, O_EXPECT, O_STARVE, O_LOADER, O_BUDGET, O_MEMLIMIT, O_ATTACH_AT, O_VMTIMEOUT, O_LATEJOB, O_EXTSTRESS };
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
		{ "vm-timeout", required_argument, NULL, O_VMTIMEOUT },
		{ "job", required_argument, NULL, O_JOB },
		{ "after-attach-job", required_argument, NULL, O_LATEJOB },
		{ "ext-stressors", required_argument, NULL, O_EXTSTRESS },
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
		case O_LATEJOB: o->after_attach_job = optarg; break;
		case O_EXTSTRESS: o->ext_stressors = optarg; break;
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
		case O_VMTIMEOUT: {
			uint64_t ns;
			if (opt__parse_duration("--vm-timeout", optarg, &ns, err, errlen))
				return -1;
			if (ns < 10ULL * 1000000000 || ns > 86400ULL * 1000000000) {
				snprintf(err, errlen, "--vm-timeout %s: between 10s and 24h", optarg);
				return -1;
			}
			o->vm_timeout_s = (int)(ns / 1000000000);
			break;
		}
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
	if (o->vm_timeout_s && strcmp(o->target, "vm")) {
		snprintf(err, errlen, "--vm-timeout is for --target vm");
		return -1;
	}
	if (o->nr_knobs && !o->policy) {
		snprintf(err, errlen, "--knob needs --policy");
		return -1;
	}
	if (o->loader && !o->policy) {
		snprintf(err, errlen, "--loader needs --policy");
		return -1;
	}
	/* parsed here for every target: a bad line is reported with the user's file and line */
	if (o->loader && loader_profile__parse(&o->profile, o->loader, err, errlen))
		return -1;
	if (o->loader && !o->attach_at_set)
		o->attach_at_ns = loader_profile__attach_at(&o->profile);
	if (o->attach_at_set && !o->policy) {
		snprintf(err, errlen, "--attach-at needs --policy");
		return -1;
	}
	if (o->ext_stressors && (!strcmp(o->target, "sim") || !o->job)) {
		snprintf(err, errlen, "--ext-stressors needs --target host|vm and --job (in the simulator a job's "
			 "`sched ext` line starts its stressors SCHED_EXT)");
		return -1;
	}
	if (o->after_attach_job && (!o->policy || !o->job)) {
		snprintf(err, errlen, "--after-attach-job needs --policy and --job (the job started before it)");
		return -1;
	}
	if (o->attach_at_ns && strcmp(o->target, "sim") && o->duration_set && o->attach_at_ns >= o->duration_ns) {
		snprintf(err, errlen, "--attach-at %llu ns is not within the run (--duration %llu ns)",
			 (unsigned long long)o->attach_at_ns, (unsigned long long)o->duration_ns);
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
