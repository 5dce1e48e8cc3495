/*
 * One run's short summary on the terminal (see run_result.h): the policy, target and
 * topology, throughput, latencies, the sched_ext counters and the verdict.
 */
#include "harness/results/run_result.h"

#include <stdio.h>
#include <string.h>

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

void run_result__print_summary(const struct run_info *in, FILE *f)
{
	uint64_t ops[2] = { 0, 0 };

	for (int i = 0; i < in->nr_tasks; i++)
		if (in->tasks[i].group >= 0 && in->tasks[i].group < 2)
			ops[in->tasks[i].group] += in->tasks[i].st.ops;
	fprintf(f, "policy      %s\n", in->policy_path ? in->policy_name : "(none: fair class)");
	if (in->real)
		fprintf(f, "target      %s%s%s (%d CPUs)   kernel %s   elapsed %.3f s\n", in->target,
			in->real->accel[0] ? ", " : "", in->real->accel, in->nr_cpus, in->real->kernel_release,
			in->sim_time_ns / 1e9);
	else
		fprintf(f, "topology    %s (%d CPUs)   seed %llu   simulated %.3f s   events %llu\n",
			in->topology_spec, in->nr_cpus, (unsigned long long)in->seed, in->sim_time_ns / 1e9,
			(unsigned long long)in->events);
	fprintf(f, "cpu busy    %.1f%%   switches %llu   migrations %llu   wakeups %llu\n",
		pct(in->busy_ns, in->sim_time_ns * (uint64_t)in->nr_cpus), (unsigned long long)in->nr_switches,
		(unsigned long long)in->nr_migrations, (unsigned long long)in->nr_wakeups);
	fprintf(f, "wakeup wait p50 %8.1f us  p99 %8.1f us  max %8.1f us  (n=%llu)\n",
		hist__percentile(&in->wakeup, 50) / 1e3, hist__percentile(&in->wakeup, 99) / 1e3,
		hist__max(&in->wakeup) / 1e3, (unsigned long long)hist__count(&in->wakeup));
	fprintf(f, "preempt wait p50 %7.1f us  p99 %8.1f us  max %8.1f us  (n=%llu)\n",
		hist__percentile(&in->preempt, 50) / 1e3, hist__percentile(&in->preempt, 99) / 1e3,
		hist__max(&in->preempt) / 1e3, (unsigned long long)hist__count(&in->preempt));
	if (in->stressor_rows) {
		for (int e = 0; e < in->nr_stressor_rows; e++)
			fprintf(f, "stressor    %-10s x%-3d %12llu bogo-ops  %12.1f ops/s\n",
				in->stressor_rows[e].stressor, in->stressor_rows[e].instances,
				(unsigned long long)in->stressor_rows[e].bogo_ops, in->stressor_rows[e].rate_real);
	} else if (in->job) {
		for (int e = 0; e < in->job->nr_entries; e++) {
			const struct job_window *win = &in->job_windows[e];
			uint64_t stop = win->stop_ns < in->sim_time_ns ? win->stop_ns : in->sim_time_ns;
			double wall = stop > win->start_ns ? (double)(stop - win->start_ns) / 1e9 : 0;
			uint64_t n = 0;
			for (int i = 0; i < in->nr_tasks; i++)
				if (in->tasks[i].group == e)
					n += in->tasks[i].st.ops;
			fprintf(f, "stressor    %-10s x%-3d %12llu bogo-ops  %12.1f ops/s\n",
				in->job->entries[e].stressor, win->instances, (unsigned long long)n,
				wall > 0 ? (double)n / wall : 0.0);
		}
	} else {
		fprintf(f, "throughput  hogs %.1f ops/s   ping-pong %.1f round trips/s\n",
			in->sim_time_ns ? ops[0] / (in->sim_time_ns / 1e9) : 0.0,
			in->sim_time_ns ? ops[1] / (in->sim_time_ns / 1e9) : 0.0);
	}
	if (in->fault.ejected)
		fprintf(f, "ejected     %s (%s)%s%s at %.3f s%s; recovery %.1f ms; tasks lost %d of %d\n",
			scx_exit_kind__name(in->fault.exit.kind), in->fault.exit.reason, in->fault.exit.msg[0] ? ": " : "",
			in->fault.exit.msg, in->fault.ejected_at_ns / 1e9,
			in->fault.injected_at_ns ? "" : " (injection time unknown)", in->fault.recovery_ns / 1e6,
			in->fault.tasks_lost, in->fault.tasks_at_ejection);
	if (in->fault.ejected && (in->fault.exit.op[0] || in->fault.exit.task_pid || in->fault.exit.site[0])) {
		const struct scx_exit_record *e = &in->fault.exit;
		fprintf(f, "  where     CPU %d%s%s%s%s", e->exit_cpu, e->op[0] ? (e->deferred ? ", verdict of ops." : ", ops.") : "",
			e->op, e->op[0] ? "()" : "", "");
		if (e->task_pid)
			fprintf(f, ", task %s[%d]", e->task_comm, e->task_pid);
		fprintf(f, "%s%s\n", e->site[0] ? ", at " : "", e->site);
		if (e->chain[0]) {
			char chain[sizeof(e->chain)], *save = NULL;
			snprintf(chain, sizeof(chain), "%s", e->chain);
			for (char *fr = strtok_r(chain, "\n", &save); fr; fr = strtok_r(NULL, "\n", &save))
				fprintf(f, "            %s\n", fr);
		}
	}
	if (in->has_scx && in->exit.exited)
		fprintf(f, "exit        %s (%s)%s%s\n", scx_exit_kind__name(in->exit.kind), in->exit.reason,
			in->exit.msg[0] ? ": " : "", in->exit.msg);
	run_verdict__print(&in->verdict, f);
}
