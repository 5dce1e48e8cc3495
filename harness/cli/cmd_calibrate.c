/*
 * `scxlab calibrate --target host|sim` (see cmd_calibrate.h and docs/calibration.md).
 *
 * host: each modelled stressor runs alone under the real stress-ng, one instance pinned to
 *       one CPU, with --metrics --yaml; the CPU time per bogo-op (usr+sys / ops) is turned into
 *       the model's per-call costs by taking out the context switches the model adds itself.
 * sim:  the same measurement on the simulator with the costs it is given (the default ones, or
 *       --calibration FILE): what the models produce, to compare with a host file.
 * vm:   the host method inside the sched_ext guest (one boot for every stressor): what the
 *       operations cost on the kernel policies really run on, under QEMU.
 * host and vm also measure the machine's own costs (harness/machine_probe.h; in the guest by
 * scxlab-mprobe): the context switch, the wakeup onto a busy and onto an idle CPU, how late a
 * timed sleep ends; they become the machine.* lines, and the switch cost is the one taken out
 * of the stressors' ops. vm also times the enable transition of a small policy's attach
 * (calibrate_enable.h): the machine.scx_enable_* lines.
 */
#include "harness/cli/cmd_calibrate.h"
#include "harness/cli/calibrate_enable.h"
#include "harness/util/atomic_file.h"
#include "harness/real/machine_probe.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "harness/real/vm.h"
#include "sim/core/sim.h"
#include "workloads/job.h"
#include "workloads/job_workload.h"
#include "workloads/stressors/costs.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How a stressor's measured CPU per op becomes a model cost. */
struct rule {
	const char *stressor;
	const char *field;       /* key in the calibration file */
	double share;            /* part of the op's CPU that is this call */
	double switches;         /* context switches per op the simulator adds itself */
};

static const struct rule rules[] = {
	{ "cpu", "cpu_op_ns", 1.0, 0 },
	{ "yield", "yield_ns", 1.0, 1 },
	{ "switch", "pipe_write_ns", 0.52, 2 },
	{ "switch", "pipe_read_ns", 0.48, 2 },
	/*
	 * pipe: a 512-byte packet (0.15.06's default pipe-data-size) filled by a byte loop and
	 * written, then read; on one CPU the writer fills the 16 buffers before it blocks and the
	 * reader drains them: two switches per 16 packets. The split is switch's.
	 */
	{ "pipe", "pipe_data_write_ns", 0.52, 2.0 / 16 },
	{ "pipe", "pipe_data_read_ns", 0.48, 2.0 / 16 },
	{ "eventfd", "eventfd_ns", 0.25, 2 },
	{ "mq", "mq_ns", 0.5, 0.2 },
	{ "futex", "futex_ns", 0.5, 0 },
	{ "sem", "sem_ns", 0.4, 0 },
	{ "nanosleep", "sleep_call_ns", 1.0 / 19, 0 },
	{ "sleep", "sleep_loop_ns", 1.0, 0 },
	{ "affinity", "affinity_ns", 1.0, 1 }, /* the move blocks the caller: a switch per op */
	{ "fork", "fork_parent_ns", 0.47, 0 },
	{ "fork", "fork_child_ns", 0.53, 0 },
	{ "clone", "clone_parent_ns", 0.45, 0 },
	{ "clone", "clone_child_ns", 0.55, 0 },
	{ "pipeherd", "pipeherd_ns", 1.0, 1 },
};

static const char *const stressors[] = { "cpu", "yield", "switch", "pipe", "eventfd", "mq", "futex", "sem",
					 "nanosleep", "sleep", "affinity", "fork", "clone", "pipeherd" };

#define NR_STRESSORS (sizeof(stressors) / sizeof(stressors[0]))

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab calibrate --target host|vm|sim [--seconds N] [--out FILE] [--calibration FILE]\n\n"
		"Measure the CPU cost of each modelled stressor's operations on a target and write a\n"
		"calibration file for `scxlab run --calibration FILE` (format: docs/calibration.md).\n\n"
		"  --target host   run the real stress-ng here (one instance pinned to CPU 0 each;\n"
		"                  pipeherd unpinned)\n"
		"  --target vm     the host method inside the sched_ext guest (QEMU, 2 vCPUs)\n"
		"  --target sim    measure the simulator's models with the given costs\n"
		"  --seconds N     per stressor (default 3)\n"
		"  --out FILE      where to write (default: print to stdout)\n"
		"  --calibration F costs the simulator uses (--target sim)\n");
}

/* From stress-ng's YAML: the first values of bogo-ops, user-time and system-time. */
static int read_yaml(const char *path, double *ops, double *cpu_s)
{
	FILE *f = fopen(path, "r");
	char line[512];
	double usr = -1, sys = -1;

	*ops = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		double v;
		if (*ops < 0 && sscanf(line, " bogo-ops: %lf", &v) == 1)
			*ops = v;
		else if (usr < 0 && sscanf(line, " user-time: %lf", &v) == 1)
			usr = v;
		else if (sys < 0 && sscanf(line, " system-time: %lf", &v) == 1)
			sys = v;
	}
	fclose(f);
	if (*ops <= 0 || usr < 0 || sys < 0)
		return -1;
	*cpu_s = usr + sys;
	return 0;
}

/*
 * pipeherd is measured unpinned: its hundred processes pinned to one CPU make stress-ng's
 * teardown take minutes on some kernels (seen: 55 to 530 s after a 1 s run on a 6.18 guest).
 */
static bool pin_to_cpu0(const char *stressor)
{
	return strcmp(stressor, "pipeherd") != 0;
}

static int measure_host_once(const char *stressor, int seconds, double *ns_per_op)
{
	char yaml[] = "/tmp/scxlab-cal-XXXXXX.yaml";
	struct argv_buf a = { 0 };
	double ops, cpu;
	int fd = mkstemps(yaml, 5), rc;

	if (fd < 0)
		return -1;
	close(fd);
	argv__add(&a, "stress-ng");
	argv__addf(&a, "--%s", stressor);
	argv__add(&a, "1");
	if (pin_to_cpu0(stressor)) {
		argv__add(&a, "--taskset");
		argv__add(&a, "0");
	}
	argv__add(&a, "--timeout");
	argv__addf(&a, "%ds", seconds);
	argv__add(&a, "--metrics");
	argv__add(&a, "--yaml");
	argv__add(&a, yaml);
	unsigned int deadline = (unsigned int)(3 * seconds + 30);
	rc = proc__run_silent_deadline(&a, deadline);
	argv__free(&a);
	if (rc == PROC_TIMED_OUT)
		fprintf(stderr, "scxlab calibrate: stress-ng --%s did not end within %u s (a %d s run); killed\n",
			stressor, deadline, seconds);
	if (rc || read_yaml(yaml, &ops, &cpu)) {
		unlink(yaml);
		return -1;
	}
	unlink(yaml);
	*ns_per_op = cpu * 1e9 / ops;
	return 0;
}

/*
 * A measurement that failed (stress-ng killed at its deadline, without metrics, or with no
 * bogo-op at all) runs again for twice as long, then four times, saying so: CPU per op does not
 * depend on the load, finishing does, and some stressors count nothing in a short run
 * (stress-ng 0.15.06's clone made 0 bogo-ops in one of two 1 s runs on this host, alone).
 */
#define MEASURE_TRIES 3

static int measure_host(const char *stressor, int seconds, double *ns_per_op)
{
	for (int t = 0, s = seconds; t < MEASURE_TRIES; t++, s *= 2) {
		if (!measure_host_once(stressor, s, ns_per_op))
			return 0;
		if (t + 1 < MEASURE_TRIES)
			fprintf(stderr, "scxlab calibrate: stress-ng --%s gave no measurement in %d s; trying for %d s\n",
				stressor, s, 2 * s);
	}
	return -1;
}

/*
 * Append to the guest's /init script @s of @size bytes, @off used: once it is full nothing more
 * is written and *@off stays at or past @size, which its builder checks once at the end.
 */
static void script_add(char *s, size_t size, size_t *off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void script_add(char *s, size_t size, size_t *off, const char *fmt, ...)
{
	va_list ap;

	if (*off >= size)
		return;
	va_start(ap, fmt);
	*off += (size_t)vsnprintf(s + *off, size - *off, fmt, ap);
	va_end(ap);
}

/*
 * Every stressor in one guest boot, after the machine costs (scxlab-mprobe): the same stress-ng command lines as on the host, each YAML
 * printed between markers on the console and read back into @dir/STRESSOR.yaml.
 */
static int vm_run_all(int seconds, const char *dir, struct machine_costs *mc, struct calibrate_enable *ce, char *err,
		      size_t errlen)
{
	char init[16384], log[4200], stress_ng[4096], file[4200], mprobe[4200];
	struct vm_run r = { .cpus = 2, .mem_mb = 1024, .log = log };
	size_t off = 0;

	if (proc__which("stress-ng", stress_ng, sizeof(stress_ng))) {
		snprintf(err, errlen, "stress-ng is not installed here (the guest runs this host's copy)");
		return -1;
	}
	snprintf(file, sizeof(file), "/usr/bin/stress-ng=%s", stress_ng);
	r.files[r.nr_files++] = file;
	snprintf(mprobe, sizeof(mprobe), "/scx/scxlab-mprobe=%.4000s/scxlab-mprobe", scxlab__exe_dir());
	if (access(mprobe + strlen("/scx/scxlab-mprobe="), X_OK)) {
		snprintf(err, errlen, "%.300s is missing: build it with `make all`", mprobe + strlen("/scx/scxlab-mprobe="));
		return -1;
	}
	r.files[r.nr_files++] = mprobe;
	bool enable = !calibrate_enable__files(ce, scxlab__exe_dir());
	if (enable) {
		r.files[r.nr_files++] = ce->kload;
		r.files[r.nr_files++] = ce->probes;
		r.files[r.nr_files++] = ce->policy;
	} else {
		fprintf(stderr, "scxlab calibrate: scxlab-kload or the policies' .bpf.o are not built (`make all bpf`): "
			"the enable transition is not measured\n");
	}
	snprintf(log, sizeof(log), "%s/console.log", dir);
	script_add(init, sizeof(init), &off, "#!/bin/sh\nmount -t proc proc /proc\nmount -t sysfs sysfs /sys\n"
		   "mount -t devtmpfs dev /dev\nmount -t tmpfs tmp /tmp\ndmesg -n 1\ncd /tmp\n/scx/scxlab-mprobe\n");
	if (enable)
		script_add(init, sizeof(init), &off, "%s", calibrate_enable__script());
	/* a stressor that reported no bogo-op (an emulated guest on a busy host can be that slow,
	 * and clone can count none in a short run) runs again for twice and four times as long, as
	 * the host measurement is retried */
	for (size_t i = 0; i < NR_STRESSORS; i++) {
		const char *pin = pin_to_cpu0(stressors[i]) ? "--taskset 0" : "";
		for (int t = 0, s = seconds; t < MEASURE_TRIES; t++, s *= 2) {
			if (t)
				script_add(init, sizeof(init), &off, "grep -Eq 'bogo-ops: *[1-9]' /tmp/%s.yaml 2>/dev/null || ",
					   stressors[i]);
			script_add(init, sizeof(init), &off,
				   "stress-ng --%s 1 %s --timeout %ds --metrics --yaml /tmp/%s.yaml >/dev/null 2>&1\n",
				   stressors[i], pin, s, stressors[i]);
		}
		script_add(init, sizeof(init), &off, "echo SCXLAB-YAML-BEGIN %s; cat /tmp/%s.yaml; echo SCXLAB-YAML-END\n",
			   stressors[i], stressors[i]);
	}
	script_add(init, sizeof(init), &off, "poweroff -f\n");
	if (off >= sizeof(init)) {
		snprintf(err, errlen, "the guest's script is longer than %zu bytes", sizeof(init));
		return -1;
	}
	r.init = init;
	r.timeout_s = (int)NR_STRESSORS * (9 * seconds + 60) + 120 + (enable ? CALIBRATE_ENABLE_RUNS * 60 : 0);
	if (vm__run(&r, err, errlen))
		return -1;
	FILE *in = fopen(log, "r"), *out = NULL;
	char line[4096], name[64], path[4300];
	while (in && fgets(line, sizeof(line), in)) {
		unsigned long long v;
		line[strcspn(line, "\r\n")] = 0;
		if (!out && sscanf(line, "SCXLAB-MACHINE %63s %llu", name, &v) == 2) {
			(void)machine_costs__set(mc, name, v);
		} else if (!out && calibrate_enable__line(ce, line)) {
			continue;
		} else if (sscanf(line, "SCXLAB-YAML-BEGIN %63s", name) == 1) {
			snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
			out = fopen(path, "w");
		} else if (!strcmp(line, "SCXLAB-YAML-END")) {
			if (out)
				fclose(out);
			out = NULL;
		} else if (out) {
			fprintf(out, "%s\n", line);
		}
	}
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	unlink(log);
	return 0;
}

static int measure_yaml(const char *path, double *ns_per_op)
{
	double ops, cpu;

	if (read_yaml(path, &ops, &cpu))
		return -1;
	*ns_per_op = cpu * 1e9 / ops;
	return 0;
}

static int measure_sim(const char *stressor, int seconds, const struct stressor_costs *costs,
		       const struct sim_costs *machine, double *ns_per_op)
{
	static struct job job;
	struct job_window win[JOB_MAX_ENTRIES];
	struct sim_topology topo;
	struct sim_config cfg;
	char text[64], err[256];
	uint64_t total, ops = 0, cpu = 0;

	snprintf(text, sizeof(text), "%s 1\n", stressor);
	if (job__parse_text(&job, "calibrate", text, err, sizeof(err)) ||
	    sim_topology__parse(&topo, "1", err, sizeof(err)))
		return -1;
	sim_config__defaults(&cfg);
	cfg.costs = *machine;
	struct sim *sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	if (!sim)
		return -1;
	sim__set_current(sim);
	if (job_workload__add(sim, &job, costs, (uint64_t)seconds * 1000000000ULL, win, &total, err,
			      sizeof(err)) ||
	    sim__run_until(sim, (uint64_t)seconds * 1000000000ULL)) {
		sim__free(sim);
		return -1;
	}
	for (int i = 0; i < sim->nr_tasks; i++) {
		ops += sim->tasks[i]->stats.ops;
		cpu += sim->tasks[i]->stats.cpu_ns;
	}
	sim__free(sim);
	if (!ops)
		return -1;
	*ns_per_op = (double)cpu / (double)ops;
	return 0;
}

/*
 * Machine noise as measured: the rate of gaps a spinner on CPU 1 saw and their lengths'
 * points that the model draws from (sim/core/noise.c); the lower quartile as a comment.
 */
static void write_noise(FILE *f, const struct machine_costs *mc, bool tcg)
{
	/*
	 * In a TCG guest (@tcg) the gaps are mostly the other vCPU's turns on the one QEMU
	 * thread, which machine.host_threads models already: written as comments, not applied.
	 */
	const char *pre = tcg ? "# " : "";

	fprintf(f, "# machine noise: a %s spinner on CPU 1 for %llu ms saw %llu gaps a second above %llu ns\n"
		"#   (interrupts, VM exits, the vCPU descheduled): min %llu, lower quartile %llu, median %llu,\n"
		"#   90th %llu, 99th percentile %llu, max %llu ns\n",
		mc->noise_fifo ? "SCHED_FIFO" : "SCHED_OTHER (SCHED_FIFO refused)",
		(unsigned long long)(NOISE_SPIN_NS / 1000000), (unsigned long long)mc->noise_hz,
		(unsigned long long)NOISE_GAP_NS, (unsigned long long)mc->noise_min_ns,
		(unsigned long long)mc->noise_p25_ns, (unsigned long long)mc->noise_p50_ns,
		(unsigned long long)mc->noise_p90_ns, (unsigned long long)mc->noise_p99_ns,
		(unsigned long long)mc->noise_max_ns);
	if (tcg)
		fprintf(f, "# not applied in a guest whose vCPUs share host threads (machine.host_threads):\n");
	fprintf(f, "%smachine.noise_hz %llu\n%smachine.noise_min_ns %llu\n%smachine.noise_p50_ns %llu\n"
		"%smachine.noise_p90_ns %llu\n%smachine.noise_p99_ns %llu\n%smachine.noise_max_ns %llu\n",
		pre, (unsigned long long)mc->noise_hz, pre, (unsigned long long)mc->noise_min_ns,
		pre, (unsigned long long)mc->noise_p50_ns, pre, (unsigned long long)mc->noise_p90_ns,
		pre, (unsigned long long)mc->noise_p99_ns, pre, (unsigned long long)mc->noise_max_ns);
}

/*
 * The measured machine costs in the model's terms: a task woken onto a busy CPU waits the
 * IPI and schedule() (wakeup_ipi_ns + sched_delay_ns); onto an idle one, the idle exit on top;
 * a timed sleep on an idle CPU ends timer_slack_ns late and then pays the idle exit; a waker
 * spends wakeup_send_ns more CPU on a wakeup onto the other CPU than onto its own. A task
 * woken on the waker's own CPU waits from the end of the waker's wake call (a call's return
 * taken as long as the woken task's return from its wait) until it runs, less the
 * sched_delay_ns the model charges itself: wake_tail_ns. @guest: measured inside the guest;
 * @tcg: a TCG one, whose vCPUs share one host thread.
 */
static void write_machine(FILE *f, const struct machine_costs *mc, const struct sim_costs *model, bool guest,
			  bool tcg)
{
	uint64_t sd = model->sched_delay_ns;
	uint64_t ipi = mc->wakeup_busy_ns > sd ? mc->wakeup_busy_ns - sd : 0;
	uint64_t idle = mc->wakeup_idle_ns > mc->wakeup_busy_ns ? mc->wakeup_idle_ns - mc->wakeup_busy_ns : 0;
	uint64_t slack = mc->timer_late_ns > idle + sd ? mc->timer_late_ns - idle - sd : 0;
	uint64_t send = mc->wake_call_remote_ns > mc->wake_call_local_ns ?
			mc->wake_call_remote_ns - mc->wake_call_local_ns : 0;
	uint64_t tail = mc->wake_local_ns > mc->wake_call_local_ns + sd ? mc->wake_local_ns - mc->wake_call_local_ns - sd : 0;

	fprintf(f, "# machine costs measured (lower quartile of %d samples each, pinned threads on CPUs 0 and 1%s):\n"
		"#   switch %llu ns (a futex hand-over %llu ns less the calls %llu ns), wakeup onto a busy CPU %llu ns,\n"
		"#   onto an idle CPU %llu ns, a 1 ms clock_nanosleep ends %llu ns late; the waker's FUTEX_WAKE of\n"
		"#   a sleeper on the other CPU %llu ns, on its own CPU %llu ns; a sched_yield() alone %llu ns;\n"
		"#   from that own-CPU FUTEX_WAKE to the sleeper running (the waker enters FUTEX_WAIT) %llu ns\n",
		mc->samples, guest ? ", inside the guest" : "", (unsigned long long)mc->ctx_switch_ns,
		(unsigned long long)(mc->ctx_switch_ns + mc->futex_calls_ns), (unsigned long long)mc->futex_calls_ns,
		(unsigned long long)mc->wakeup_busy_ns, (unsigned long long)mc->wakeup_idle_ns,
		(unsigned long long)mc->timer_late_ns, (unsigned long long)mc->wake_call_remote_ns,
		(unsigned long long)mc->wake_call_local_ns, (unsigned long long)mc->yield_alone_ns,
		(unsigned long long)mc->wake_local_ns);
	fprintf(f, "machine.wakeup_ipi_ns %llu\nmachine.idle_exit_ns %llu\nmachine.timer_slack_ns %llu\n"
		"machine.wakeup_send_ns %llu\n",
		(unsigned long long)ipi, (unsigned long long)idle, (unsigned long long)slack,
		(unsigned long long)send);
	/*
	 * Written as a comment, not applied: with the tail, a switch pair split across the two
	 * CPUs runs in lock-step in the model (nothing breaks it: interrupts take no time), and
	 * the host validation's median throughput error went from 19 % to 32 % (docs/fidelity.md).
	 * Uncomment it to model the local wakeup latency.
	 */
	fprintf(f, "# measured, not applied until the model breaks cross-CPU lock-steps (docs/fidelity.md):\n"
		"# machine.wake_tail_ns %llu\n", (unsigned long long)tail);
	write_noise(f, mc, tcg);
}

int cmd_calibrate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "calibration", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *target = NULL, *out = NULL, *cal = NULL;
	struct stressor_costs costs;
	struct sim_config cfg;
	double per_op[NR_STRESSORS];
	int seconds = 3, c;
	char err[512], tmp[4096];
	FILE *f = stdout;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:s:o:c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': target = optarg; break;
		case 's': seconds = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'c': cal = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!target || optind != argc || seconds < 1 || seconds > 600) {
		usage(stderr);
		return 2;
	}
	if (strcmp(target, "host") && strcmp(target, "sim") && strcmp(target, "vm")) {
		fprintf(stderr, "scxlab calibrate: --target: '%s' is not host, sim or vm\n", target);
		return 2;
	}
	sim_config__defaults(&cfg);
	stressor_costs__defaults(&costs);
	if (cal && stressor_costs__load(&costs, &cfg.costs, cal, err, sizeof(err))) {
		fprintf(stderr, "scxlab calibrate: --calibration: %s\n", err);
		return 2;
	}
	struct machine_costs mc = { 0 };
	struct calibrate_enable ce = { .nr = 0 };
	if (!strcmp(target, "host")) {
		if (machine_probe__host(&mc, err, sizeof(err))) {
			fprintf(stderr, "scxlab calibrate: machine costs: %s\n", err);
			return 1;
		}
		cfg.costs.ctx_switch_ns = mc.ctx_switch_ns;
	}
	char vm_dir[4096] = "";
	if (!strcmp(target, "vm")) {
		snprintf(vm_dir, sizeof(vm_dir), "%s/vm/calibrate.%d", scxlab__cache_dir(), (int)getpid());
		scxlab__mkdirs(vm_dir);
		if (isatty(2))
			fprintf(stderr, "scxlab calibrate: %zu stressors x %d s in the sched_ext guest (%s) ...\n",
				NR_STRESSORS, seconds, vm__accel());
		if (vm_run_all(seconds, vm_dir, &mc, &ce, err, sizeof(err))) {
			fprintf(stderr, "scxlab calibrate: %s\n", err);
			return 1;
		}
		if (!mc.samples) {
			fprintf(stderr, "scxlab calibrate: the guest printed no machine costs (scxlab-mprobe failed)\n");
			return 1;
		}
		cfg.costs.ctx_switch_ns = mc.ctx_switch_ns;
	}
	if (mc.samples && isatty(2))
		fprintf(stderr, "  machine: switch %llu ns, wakeup onto a busy CPU %llu ns, onto an idle one %llu ns, "
			"a 1 ms sleep ends %llu ns late\n",
			(unsigned long long)mc.ctx_switch_ns, (unsigned long long)mc.wakeup_busy_ns,
			(unsigned long long)mc.wakeup_idle_ns, (unsigned long long)mc.timer_late_ns);
	for (size_t i = 0; i < NR_STRESSORS; i++) {
		char yaml[4200];
		int rc;
		if (vm_dir[0]) {
			snprintf(yaml, sizeof(yaml), "%s/%s.yaml", vm_dir, stressors[i]);
			rc = measure_yaml(yaml, &per_op[i]);
			unlink(yaml);
		} else {
			rc = !strcmp(target, "host") ? measure_host(stressors[i], seconds, &per_op[i])
						     : measure_sim(stressors[i], seconds, &costs, &cfg.costs, &per_op[i]);
		}
		if (rc) {
			fprintf(stderr, "scxlab calibrate: measuring %s on the %s failed%s\n", stressors[i], target,
				!strcmp(target, "host") ? " (is stress-ng installed?)" : "");
			return 1;
		}
		fprintf(stderr, "  %-10s %12.1f ns CPU per bogo-op\n", stressors[i], per_op[i]);
	}
	if (vm_dir[0])
		rmdir(vm_dir);
	/* Written beside the destination and renamed: an old calibration file is never half-replaced. */
	if (out) {
		if (!(f = atomic_file__open(out, tmp, sizeof(tmp)))) {
			fprintf(stderr, "scxlab calibrate: %s: cannot write\n", tmp);
			return 1;
		}
	}
	fprintf(f, "# scxlab calibration (docs/calibration.md), measured with `scxlab calibrate --target %s "
		"--seconds %d`\ntarget %s\n", target, seconds, target);
	fprintf(f, "# CPU per bogo-op as measured, for reference:\n");
	for (size_t i = 0; i < NR_STRESSORS; i++)
		fprintf(f, "#   %-10s %.1f\n", stressors[i], per_op[i]);
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		double op = 0;
		for (size_t i = 0; i < NR_STRESSORS; i++)
			if (!strcmp(stressors[i], rules[r].stressor))
				op = per_op[i];
		double sw = rules[r].switches * (double)cfg.costs.ctx_switch_ns;
		double v = (op - sw) * rules[r].share;
		if (!strcmp(rules[r].field, "yield_ns") && mc.yield_alone_ns) {
			/*
			 * The model adds the switch after a yield itself, and a yield with nothing to
			 * switch to (a yielder alone on its CPU) costs the call and schedule() all the
			 * same: measured directly, not as the op less an assumed switch.
			 */
			fprintf(f, "# yield_ns: a sched_yield() with nothing else to run, measured (the op less a "
				"switch: %.0f ns)\n%s %llu\n", op - sw, rules[r].field,
				(unsigned long long)mc.yield_alone_ns);
			continue;
		}
		if (sw > 0 && v < 50) {
			/* never silently: the assumed switch cost is more than the measured op */
			fprintf(stderr, "scxlab calibrate: %s: %.0f ns per %s op is less than the %.0f ns of "
				"context switches assumed (machine.ctx_switch_ns %llu); written as 50\n",
				rules[r].field, op, rules[r].stressor, sw,
				(unsigned long long)cfg.costs.ctx_switch_ns);
			fprintf(f, "# %s: measured %.0f ns per op < %.0f ns of assumed switches: floor 50\n",
				rules[r].field, op, sw);
		}
		fprintf(f, "%s %.0f\n", rules[r].field, sw > 0 && v < 50 ? 50 : v < 1 ? 1 : v);
	}
	fprintf(f, "machine.ctx_switch_ns %llu\n", (unsigned long long)cfg.costs.ctx_switch_ns);
	/* harness/vm.c runs TCG with thread=single: the guest's vCPUs take turns on one thread */
	bool tcg = vm_dir[0] && !strcmp(vm__accel(), "tcg");
	if (mc.samples)
		write_machine(f, &mc, &cfg.costs, vm_dir[0] != 0, tcg);
	if (vm_dir[0])
		calibrate_enable__write(f, &ce);
	if (tcg)
		fprintf(f, "# QEMU's TCG runs every vCPU of the guest in one host thread, in turn:\n"
			"machine.host_threads 1\n");
	if (out && atomic_file__commit(f, tmp, out)) {
		fprintf(stderr, "scxlab calibrate: %s: cannot write\n", out);
		return 1;
	}
	return 0;
}
