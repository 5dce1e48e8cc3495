/*
 * `scxlab run`: run one policy (or none: the fair model) with a workload on a target and write
 * DIR/result.json. The host and VM targets are handed to the real-kernel runner (real/real_run.h);
 * the options are parsed in run_opts.c, the policy is built, loaded and attached by
 * run_policy.c, and faults and starvation are recorded by run_faults.c.
 *
 * Flow on the simulator: build the policy's .sim.so (through `scxlab build`, so its cache is
 * shared), open it, set knobs the way a loader sets rodata, attach it, add the workload, run
 * with progress on a terminal, take the measurements at the end of the duration, unload the
 * policy as its loader would (SCX_EXIT_UNREG) and write the result atomically.
 */
#include "harness/run/cmd_run.h"
#include "harness/run/run_faults.h"
#include "harness/run/run_opts.h"
#include "harness/run/run_policy.h"
#include "harness/run/loader_profile_sim.h"
#include "harness/daemon/daemon_sim.h"
#include "harness/run/exit_site.h"
#include "harness/real/real_run.h"
#include "harness/util/paths.h"
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	if (run_opts__parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: %s\n", err);
		return 2;
	}
	if (o.bpf_mem_limit)
		sim_bpf_mem__set_limit(o.bpf_mem_limit); /* before the policy's maps are created */
	if (strcmp(o.target, "sim")) {
		struct real_run_opts r = {
			.target = o.target, .policy = o.policy, .knobs = o.knobs, .nr_knobs = o.nr_knobs,
			.map_sizes = o.map_sizes, .nr_map_sizes = o.nr_map_sizes, .loader = o.loader, .job = o.job,
			.after_attach_job = o.after_attach_job, .attach_at_ns = o.attach_at_ns,
			.ext_stressors = o.ext_stressors,
			.topology = o.topology, .kernel_image = o.kernel_image, .vm_timeout_s = o.vm_timeout_s,
			.duration_ns = o.duration_set ? o.duration_ns : 0, .out = o.out, .quiet = o.quiet,
			.inject = o.nr_inject ? o.inject[0].name : NULL,
			.daemon = o.daemon,
			.inject_at_ns = o.nr_inject ? o.inject[0].at_ns : 0,
			.expect = &o.expect,
		};
		int rc = 2;
		/* the profile was parsed to check it here; the guest's loader reads the file itself */
		if (o.nr_inject > 1)
			fprintf(stderr, "scxlab run: --inject: one fault per real-kernel run\n");
		else if (o.daemon_cpu_ns)
			fprintf(stderr, "scxlab run: --daemon-cpu is for the simulator: on a real kernel the daemon's "
				"CPU time is real (result.json daemon.cpu_ns measures it)\n");
		else
			rc = real_run__main(&r);
		loader_profile__free(&o.profile);
		return rc;
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

	run_faults__install_crash_handlers();
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
			if (run_policy__build(o.policy, so_path, sizeof(so_path), err, sizeof(err))) {
				fprintf(stderr, "scxlab run: %s\n", err);
				goto out_topo;
			}
		} else {
			fprintf(stderr, "scxlab run: --policy: expected a .bpf.c source or a .sim.so, got '%s'\n", o.policy);
			ret = 2;
			goto out_topo;
		}
		pol = run_policy__load(so_path, &topo, &o, &ret);
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
	if (pol && !o.attach_at_ns && run_policy__attach(sim, pol, &o, &ret))
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
		if (run_policy__attach(sim, pol, &o, &ret))
			goto out_sim;
	}
	/* --after-attach-job: forked once the policy is attached, for the rest of the run */
	if (o.after_attach_job) {
		static struct job late;
		struct job_window late_windows[JOB_MAX_ENTRIES];
		uint64_t late_total = 0;

		if (job__parse_file(&late, o.after_attach_job, err, sizeof(err)) ||
		    job_workload__add(sim, &late, &costs, o.duration_ns - sim__now(sim), late_windows, &late_total, err,
				      sizeof(err))) {
			fprintf(stderr, "scxlab run: --after-attach-job: %s\n", err);
			ret = 2;
			goto out_sim;
		}
	}
	for (int i = 0; i < o.nr_inject; i++) {
		o.inject[i].sim = sim;
		sim_event__init(&o.inject[i].ev, run_faults__inject, &o.inject[i]);
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
		    daemon_sim__start(sim, pol, daemon_so, o.daemon_cpu_ns, !run_opts__knob_given(&o, "scxlab_daemon_tgid"), err,
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
		if (pol && run_policy__restart_due(sim) && sim__now(sim) < o.duration_ns) {
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
			pol = run_policy__load(so_path, &topo, &o, &ret);
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
			if (run_policy__wait_enable(sim)) {
				fprintf(stderr, "\nscxlab run: simulation failed: %s\n", sim->fatal);
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
	uint64_t starve_after = run_faults__starve_threshold(sim, &o);
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
		run_faults__record(&info, sim, pol, &o, first_exit.exited ? &first_exit : now_rec, starve_after);
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
		run_policy__print_uei(pol);
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

