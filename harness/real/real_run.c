/*
 * Real-kernel runs (see real_run.h).
 */
#include "harness/real/real_run.h"
#include "harness/real/kernels.h"
#include "harness/util/atomic_file.h"
#include "harness/build/cmd_build.h"
#include "harness/daemon/daemon_sim.h"
#include "harness/real/kreport.h"
#include "harness/util/paths.h"
#include "harness/real/preflight.h"
#include "harness/util/proc.h"
#include "harness/results/run_result.h"
#include "harness/util/version.h"
#include "harness/real/vm.h"
#include "sim/topo/topology.h"
#include "workloads/job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM_MB 1024

struct paths {
	char dir[4096];      /* private working directory of this run */
	char daemon_so[4200];
	char daemon_log[4200];
	char report[4200];
	char yaml[4200];
	char console[4200];
	char policy[4200];   /* the policy's .bpf.o */
	char kload[4200];
	char probes[4200];
};


/* The policy's kernel object: itself if a .bpf.o, else built with `scxlab build --bpf-only`. */
static int policy_object(const char *src, const char *out, char *err, size_t errlen)
{
	int rc;

	if (path__ends_with(src, ".bpf.o")) {
		if (access(src, R_OK)) {
			snprintf(err, errlen, "--policy %s: %s", src, strerror(errno));
			return 2;
		}
		return 0;
	}
	if (!path__ends_with(src, ".bpf.c")) {
		snprintf(err, errlen, "--policy: a real-kernel run needs a .bpf.c source or a .bpf.o, got '%s'", src);
		return 2;
	}
	rc = cmd_build__bpf_object(src, out);
	if (rc)
		snprintf(err, errlen, "building %s for the kernel failed (see above)", src);
	return rc ? 1 : 0;
}

/* How long the job runs in seconds: its timeout (or --duration), per entry when sequential. */
static double job_seconds(const struct job *job, uint64_t duration_ns)
{
	double t = job->timeout_ns ? job->timeout_ns / 1e9 : duration_ns ? duration_ns / 1e9 : 10;
	return job->sequential ? t * job->nr_entries : t;
}

/* stress-ng's --timeout for @ns: whole seconds, rounded up, at least one. */
static void add_timeout(struct argv_buf *a, uint64_t ns)
{
	unsigned long long s = (ns + 999999999ULL) / 1000000000ULL;

	argv__add(a, "--timeout");
	argv__addf(a, "%llus", s ? s : 1);
}

/* Arguments after `scxlab-kload run` for a guest or this host, with the files' paths there. */
static void kload_args(struct argv_buf *a, const struct real_run_opts *o, const struct job *job,
		       const char *probes, const char *policy, const char *job_path, const char *report,
		       const char *yaml, const char *stress_ng, const char *daemon, const char *daemon_log,
		       const char *loader, const struct job *late, const char *late_job_path)
{
	uint64_t run_ns = o->duration_ns ? o->duration_ns : 10000000000ULL;

	argv__add(a, "run");
	argv__add(a, "--probes");
	argv__add(a, probes);
	argv__add(a, "--report");
	argv__add(a, report);
	argv__add(a, "--timeout");
	argv__addf(a, "%.0f", job_seconds(job, o->duration_ns) + 60);
	if (daemon) {
		argv__add(a, "--daemon");
		argv__add(a, daemon);
		argv__add(a, "--daemon-log");
		argv__add(a, daemon_log);
	}
	if (o->inject) {
		/* the loader does it from outside: unreg = it lets go of the link */
		argv__add(a, "--inject");
		argv__addf(a, "%s@%.3f", !strcmp(o->inject, "unreg") ? "detach" : o->inject, o->inject_at_ns / 1e9);
	}
	if (o->ext_stressors) {
		argv__add(a, "--ext-stressors");
		argv__add(a, o->ext_stressors);
	}
	if (policy && o->attach_at_ns) {
		argv__add(a, "--attach-after");
		argv__addf(a, "%.9f", o->attach_at_ns / 1e9);
	}
	if (policy) {
		argv__add(a, "--policy");
		argv__add(a, policy);
		for (int i = 0; i < o->nr_knobs; i++) {
			argv__add(a, "--knob");
			argv__add(a, o->knobs[i]);
		}
		for (int i = 0; i < o->nr_map_sizes; i++) {
			argv__add(a, "--map-entries");
			argv__add(a, o->map_sizes[i]);
		}
		if (loader) {
			/* the profile's messages name the user's file, not its copy in a guest */
			argv__add(a, "--loader");
			argv__add(a, loader);
			argv__add(a, "--loader-name");
			argv__add(a, o->loader);
		}
	}
	argv__add(a, "--");
	argv__add(a, stress_ng);
	argv__add(a, "--job");
	argv__add(a, job_path);
	argv__add(a, "--metrics");
	argv__add(a, "--yaml");
	argv__add(a, yaml);
	if (!job->timeout_ns)
		add_timeout(a, run_ns);
	if (late_job_path) {
		/* the rest of the run, after the attach (its own timeout when it has one) */
		argv__add(a, "--after-attach");
		argv__add(a, stress_ng);
		argv__add(a, "--job");
		argv__add(a, late_job_path);
		argv__add(a, "--metrics-brief");
		if (!late->timeout_ns)
			add_timeout(a, run_ns > o->attach_at_ns ? run_ns - o->attach_at_ns : 1);
	}
}

static int run_host(const struct real_run_opts *o, const struct job *job, const struct job *late,
		    struct paths *p, char *err, size_t errlen)
{
	struct argv_buf a = { 0 };
	char why[768];
	int rc;

	if (o->policy ? preflight__host("", why, sizeof(why)) : preflight__host_baseline("", why, sizeof(why))) {
		snprintf(err, errlen, "--target host: this machine cannot run %s on its kernel:\n%s",
			 o->policy ? "policies" : "the baseline", why);
		return 2;
	}
	argv__add(&a, p->kload);
	kload_args(&a, o, job, p->probes, o->policy ? p->policy : NULL, o->job, p->report, p->yaml, "stress-ng",
		   o->daemon ? p->daemon_so : NULL, p->daemon_log, o->loader, late, o->after_attach_job);
	rc = o->quiet ? proc__run_silent(&a) : proc__run(&a);
	argv__free(&a);
	if (rc) {
		snprintf(err, errlen, "the run failed (scxlab-kload exited with %d)", rc);
		return 1;
	}
	return 0;
}

/* Append @s to the guest's /init, single-quoted for its shell. */
static int add_quoted(char *buf, size_t len, size_t *off, const char *s)
{
	int n;

	if (strchr(s, '\'') || strchr(s, '\n'))
		return -1;
	n = snprintf(buf + *off, len - *off, " '%s'", s);
	if (n < 0 || (size_t)n >= len - *off)
		return -1;
	*off += (size_t)n;
	return 0;
}

/* The text between "SCXLAB-FILE-BEGIN name" and "SCXLAB-FILE-END name" on the console, to @dest. */
static int extract(const char *console, const char *name, const char *dest)
{
	FILE *in = fopen(console, "r"), *out = NULL;
	char line[8192], begin[128], end[128];
	int state = 0;

	if (!in)
		return -1;
	snprintf(begin, sizeof(begin), "SCXLAB-FILE-BEGIN %s", name);
	snprintf(end, sizeof(end), "SCXLAB-FILE-END %s", name);
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = 0;
		if (state == 0 && strstr(line, begin)) {
			out = fopen(dest, "w");
			if (!out)
				break;
			state = 1;
		} else if (state == 1 && strstr(line, end)) {
			state = 2;
			break;
		} else if (state == 1) {
			fprintf(out, "%s\n", line);
		}
	}
	fclose(in);
	if (out && fclose(out))
		return -1;
	return state == 2 ? 0 : -1;
}

/*
 * The guest's loader said why it could not run the policy ("scxlab load: ...", then libbpf's
 * and the verifier's log): print that part of the console to stderr. Whether the kernel
 * refused the policy (its verifier, or the struct_ops attach).
 */
static bool print_loader_errors(const char *console)
{
	FILE *in = fopen(console, "r");
	char line[8192];
	bool printing = false, refused = false;

	if (!in)
		return false;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = 0;
		if (strstr(line, "SCXLAB-RUN-END") || strstr(line, "SCXLAB-FILE-BEGIN"))
			break;
		if (!printing && strstr(line, "scxlab load:"))
			printing = true;
		if (printing) {
			fprintf(stderr, "  guest| %s\n", line);
			refused |= strstr(line, "the kernel refused it") || strstr(line, "attach failed");
		}
	}
	fclose(in);
	return refused;
}

static int run_vm(const struct real_run_opts *o, const struct job *job, const struct job *late,
		  const struct sim_topology *topo, struct paths *p, struct run_real *real, char *err, size_t errlen)
{
	char init[16384], smp[4096], stress_ng[4096], files[10][4300], image[4096], release[128];
	struct vm_run r = { .kernel = o->kernel_image, .mem_mb = GUEST_MEM_MB, .log = p->console };
	struct argv_buf a = { 0 };
	size_t off;
	int nf = 0;

	if (proc__which("stress-ng", stress_ng, sizeof(stress_ng))) {
		snprintf(err, errlen, "--target vm: stress-ng is not installed here (scripts/deps.sh installs it); "
			 "the guest runs this host's copy");
		return 2;
	}
	if (sim_topology__qemu_args(topo, GUEST_MEM_MB, smp, sizeof(smp))) {
		snprintf(err, errlen, "--topology: too large for QEMU's options");
		return 2;
	}
	r.smp = smp;
	/* the kernel first (fetched on first use): one without sched_ext runs only the default scheduler */
	if (kernel__image(o->kernel_image, image, sizeof(image), err, errlen))
		return 2;
	if (o->policy && kernel__has_sched_ext(image) == 0) {
		kernel__release(image, release, sizeof(release));
		snprintf(err, errlen, "--kernel %.100s: %.200s is built without sched_ext (CONFIG_SCHED_CLASS_EXT): "
			 "no policy loads there; without --policy it runs the default scheduler", o->kernel_image, release);
		return 2;
	}
	r.kernel = image;
	r.timeout_s = o->vm_timeout_s ? o->vm_timeout_s : (int)job_seconds(job, o->duration_ns) + 180;
	snprintf(files[nf++], sizeof(files[0]), "/scx/scxlab-kload=%s", p->kload);
	snprintf(files[nf++], sizeof(files[0]), "/scx/latency.bpf.o=%s", p->probes);
	snprintf(files[nf++], sizeof(files[0]), "/scx/job=%s", o->job);
	if (o->after_attach_job)
		snprintf(files[nf++], sizeof(files[0]), "/scx/job-after-attach=%s", o->after_attach_job);
	snprintf(files[nf++], sizeof(files[0]), "/usr/bin/stress-ng=%s", stress_ng);
	if (o->policy)
		snprintf(files[nf++], sizeof(files[0]), "/scx/policy.bpf.o=%s", p->policy);
	if (o->daemon)
		snprintf(files[nf++], sizeof(files[0]), "/scx/daemon.so=%s", p->daemon_so);
	if (o->policy && o->loader)
		snprintf(files[nf++], sizeof(files[0]), "/scx/loader.profile=%s", o->loader);
	for (int i = 0; i < nf; i++)
		r.files[r.nr_files++] = files[i];

	off = (size_t)snprintf(init, sizeof(init),
		"#!/bin/sh\n# scxlab run --target vm: the guest's side\n"
		"mount -t proc proc /proc\nmount -t sysfs sysfs /sys\nmount -t devtmpfs dev /dev\n"
		"mount -t tmpfs tmp /tmp\ndmesg -n 1\ncd /tmp\necho SCXLAB-RUN-BEGIN\n/scx/scxlab-kload");
	kload_args(&a, o, job, "/scx/latency.bpf.o", o->policy ? "/scx/policy.bpf.o" : NULL, "/scx/job",
		   "/tmp/kreport.txt", "/tmp/stress-ng.yaml", "/usr/bin/stress-ng", o->daemon ? "/scx/daemon.so" : NULL,
		   "/tmp/daemon.log", o->loader ? "/scx/loader.profile" : NULL, late,
		   o->after_attach_job ? "/scx/job-after-attach" : NULL);
	for (int i = 0; i < a.argc; i++) {
		if (add_quoted(init, sizeof(init), &off, a.argv[i])) {
			argv__free(&a);
			snprintf(err, errlen, "--knob/--map-entries: a value with a quote or newline cannot be passed to the guest");
			return 2;
		}
	}
	argv__free(&a);
	snprintf(init + off, sizeof(init) - off,
		 " 2>&1\necho SCXLAB-RUN-END $?\n"
		 "for f in kreport.txt stress-ng.yaml daemon.log; do\n"
		 "  [ -f /tmp/$f ] || continue\n"
		 "  echo \"SCXLAB-FILE-BEGIN $f\"; cat /tmp/$f; echo \"SCXLAB-FILE-END $f\"\ndone\n"
		 "poweroff -f\n");
	r.init = init;
	snprintf(real->accel, sizeof(real->accel), "%s", vm__accel());
	if (!o->quiet) {
		fprintf(stderr, "scxlab run: booting the sched_ext guest (%s, %d CPUs), job about %.0f s ...\n",
			real->accel, topo->nr_cpus, job_seconds(job, o->duration_ns));
	}
	if (vm__run(&r, err, errlen))
		return 1;
	if (o->daemon)
		extract(p->console, "daemon.log", p->daemon_log);
	if (extract(p->console, "kreport.txt", p->report) || extract(p->console, "stress-ng.yaml", p->yaml)) {
		if (print_loader_errors(p->console)) {
			snprintf(err, errlen, "the guest's kernel refused the policy (its verifier log is above; console "
				 "log kept: %.1900s)", p->console);
			return SCXLAB_EXIT_POLICY_FAILED;
		}
		snprintf(err, errlen, "the guest did not report a finished run (console log kept: %.1900s)", p->console);
		return 1;
	}
	return 0;
}

/* 7.2.13+deb14-cloud-amd64 -> KERNEL_VERSION(7, 2, 13) */
static uint32_t release_code(const char *rel)
{
	unsigned int a = 0, b = 0, c = 0;

	sscanf(rel, "%u.%u.%u", &a, &b, &c);
	return (a << 16) | (b << 8) | (c > 255 ? 255 : c);
}

/* @src as DIR/NAME. */
static int copy_into(const char *src, const char *dir, const char *name)
{
	char dest[4300];

	snprintf(dest, sizeof(dest), "%s/%s", dir, name);
	return atomic_file__copy(src, dest);
}

static void cleanup(struct paths *p, bool built_policy, bool keep_console)
{
	unlink(p->report);
	unlink(p->yaml);
	if (!keep_console)
		unlink(p->console);
	unlink(p->daemon_so);
	unlink(p->daemon_log);
	if (built_policy)
		unlink(p->policy);
	rmdir(p->dir);
}

int real_run__main(const struct real_run_opts *o)
{
	static struct job job, late;
	struct sim_topology topo;
	struct run_info info = { 0 };
	struct kreport kr;
	struct paths p;
	char err[2048], spec[32];
	const char *topo_spec = o->topology;
	bool vm = !strcmp(o->target, "vm"), built = false;
	int rc;

	if (!o->job) {
		fprintf(stderr, "scxlab run: --target %s runs a stress-ng job: give --job FILE (the built-in "
			"workload exists only in the simulator)\n", o->target);
		return 2;
	}
	if (o->inject && (!strcmp(o->inject, "error") || !o->policy)) {
		fprintf(stderr, "scxlab run: --inject %s: %s\n", o->inject,
			o->policy ? "a kernel-side error cannot be caused from outside a real kernel (use "
				    "scxl_faulty's fault knobs); unreg, sysrq and offline:CPU can"
				  : "needs --policy");
		return 2;
	}
	if (job__parse_file(&job, o->job, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --job: %s\n", err);
		return 2;
	}
	if (o->after_attach_job && job__parse_file(&late, o->after_attach_job, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --after-attach-job: %s\n", err);
		return 2;
	}
	if (o->attach_at_ns && job_seconds(&job, o->duration_ns) * 1e9 <= (double)o->attach_at_ns) {
		fprintf(stderr, "scxlab run: --attach-at %.3f s is not within the job's %.3f s\n", o->attach_at_ns / 1e9,
			job_seconds(&job, o->duration_ns));
		return 2;
	}
	if (o->after_attach_job && !o->policy) {
		fprintf(stderr, "scxlab run: --after-attach-job needs --policy\n");
		return 2;
	}
	if (!vm) {
		snprintf(spec, sizeof(spec), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
		topo_spec = spec;
	}
	if (sim_topology__parse(&topo, topo_spec, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --topology: %s\n", err);
		return 2;
	}
	snprintf(p.dir, sizeof(p.dir), "%s/run/real.%d", scxlab__cache_dir(), (int)getpid());
	scxlab__mkdirs(p.dir);
	snprintf(p.report, sizeof(p.report), "%s/kreport.txt", p.dir);
	snprintf(p.yaml, sizeof(p.yaml), "%s/stress-ng.yaml", p.dir);
	snprintf(p.console, sizeof(p.console), "%s/console.log", p.dir);
	snprintf(p.policy, sizeof(p.policy), "%s/policy.bpf.o", p.dir);
	snprintf(p.kload, sizeof(p.kload), "%s/scxlab-kload", scxlab__exe_dir());
	snprintf(p.daemon_so, sizeof(p.daemon_so), "%s/daemon.so", p.dir);
	snprintf(p.daemon_log, sizeof(p.daemon_log), "%s/daemon.log", p.dir);
	snprintf(p.probes, sizeof(p.probes), "%s/probes/latency.bpf.o", scxlab__exe_dir());
	if (access(p.probes, R_OK) || access(p.kload, X_OK)) {
		fprintf(stderr, "scxlab run: %s or %s is missing: build them with `make all bpf`\n", p.kload, p.probes);
		rc = 2;
		goto out;
	}
	if (o->policy) {
		rc = policy_object(o->policy, p.policy, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "scxlab run: %s\n", err);
			goto out;
		}
		if (path__ends_with(o->policy, ".bpf.o"))
			snprintf(p.policy, sizeof(p.policy), "%s", o->policy);
		else
			built = true;
	}
	if (o->daemon && daemon__build(o->daemon, p.daemon_so, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --daemon: %s\n", err);
		rc = 2;
		goto out;
	}
	memset(&kr, 0, sizeof(kr));
	rc = vm ? run_vm(o, &job, o->after_attach_job ? &late : NULL, &topo, &p, &kr.real, err, sizeof(err))
		: run_host(o, &job, o->after_attach_job ? &late : NULL, &p, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "scxlab run: %s\n", err);
		goto out;
	}
	char accel[8];
	snprintf(accel, sizeof(accel), "%s", kr.real.accel);
	info.job = &job;
	info.attach_at_ns = o->policy ? o->attach_at_ns : 0;
	if (kreport__load(&kr, &info, p.report, p.yaml, topo.nr_cpus, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: %s\n", err);
		rc = 1;
		goto out_info;
	}
	snprintf(kr.real.accel, sizeof(kr.real.accel), "%s", vm ? accel : "");
	info.target = o->target;
	info.policy_path = o->policy;
	info.topology_spec = vm ? o->topology : "host";
	info.topo = &topo;
	info.version = SCXLAB_VERSION;
	info.daemon = o->daemon;
	/* inputs.policy.knobs: NAME=VALUE as given */
	static const char *knob_ptrs[64];
	for (int i = 0; i < o->nr_knobs && i < 64; i++)
		knob_ptrs[i] = o->knobs[i];
	info.knobs = knob_ptrs;
	info.nr_knobs = o->nr_knobs < 64 ? o->nr_knobs : 64;
	info.kernel_api = release_code(kr.real.kernel_release);
	if (o->policy) {
		snprintf(info.policy_name, sizeof(info.policy_name), "%s", kr.policy);
		run_result__hash_file(o->policy, info.policy_hash);
	}
	/* inputs.workload needs each entry's instances */
	static struct job_window windows[JOB_MAX_ENTRIES];
	for (int e = 0; e < job.nr_entries; e++)
		windows[e].instances = job__instances(&job, e, topo.nr_cpus);
	info.job_windows = windows;
	if (scxlab__mkdirs(o->out) || copy_into(p.report, o->out, "kreport.txt") ||
	    copy_into(p.yaml, o->out, "stress-ng.yaml") || (vm && copy_into(p.console, o->out, "console.log")) ||
	    (o->daemon && copy_into(p.daemon_log, o->out, "daemon.log"))) {
		fprintf(stderr, "scxlab run: %s: cannot write the run's files\n", o->out);
		rc = 1;
		goto out_info;
	}
	info.expect = o->expect;
	run_verdict__judge(&info.verdict, &info, o->expect);
	if (run_result__write(&info, o->out, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: %s\n", err);
		rc = 1;
		goto out_info;
	}
	/* under a policy that stayed loaded, every task of the workload should run in the ext class */
	if (o->policy && !kr.real.exit_seen_ns && kr.real.switch_in_other)
		fprintf(stderr, "scxlab run: warning: %llu of the workload's %llu switch-ins were by another "
			"class than sched_ext (a task left SCHED_EXT, or the policy switches partially)\n",
			(unsigned long long)kr.real.switch_in_other,
			(unsigned long long)(kr.real.switch_in_other + kr.real.switch_in_ext));
	if (kr.real.workload_status)
		fprintf(stderr, "scxlab run: warning: stress-ng exited with status %d%s\n", kr.real.workload_status,
			kr.real.workload_timed_out ? " (killed at the deadline)" : "");
	if (!o->quiet) {
		run_result__print_summary(&info, stdout);
		printf("result: %s/result.json\n", o->out);
	}
	rc = run_verdict__exit_status(&info.verdict);
out_info:
	info.stressor_rows = NULL;
	run_result__free(&info);
out:
	cleanup(&p, built, vm && rc == 1);
	sim_topology__destroy(&topo);
	return rc;
}
