/*
 * Writing one run's result.json (see run_result.h and docs/results.md); its measurements are
 * taken by run_measure.c and printed by run_print.c.
 */
#include "harness/results/run_result.h"
#include "harness/util/temp_files.h"
#include "sim/metrics/json.h"
#include "sim/policy/policy.h"
#include "sim/bpf/bpf_runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_costs(struct json_writer *w, const struct sim_costs *c, bool real)
{
	json__key(w, "costs");
	if (real) {
		json__null(w); /* the simulator's cost model; a real machine has its own */
		return;
	}
	json__begin_object(w);
	json__key(w, "ctx_switch_ns"); json__u64(w, c->ctx_switch_ns);
	json__key(w, "sched_delay_ns"); json__u64(w, c->sched_delay_ns);
	json__key(w, "wakeup_ipi_ns"); json__u64(w, c->wakeup_ipi_ns);
	json__key(w, "idle_exit_ns"); json__u64(w, c->idle_exit_ns);
	json__key(w, "wakeup_send_ns"); json__u64(w, c->wakeup_send_ns);
	json__key(w, "wake_tail_ns"); json__u64(w, c->wake_tail_ns);
	json__key(w, "migrate_core_ns"); json__u64(w, c->migrate_core_ns);
	json__key(w, "migrate_llc_ns"); json__u64(w, c->migrate_llc_ns);
	json__key(w, "migrate_node_ns"); json__u64(w, c->migrate_node_ns);
	json__key(w, "smt_speed_pct"); json__u64(w, c->smt_speed_pct);
	json__key(w, "timer_slack_ns"); json__u64(w, c->timer_slack_ns);
	json__key(w, "scx_disable_ns"); json__u64(w, c->scx_disable_ns);
	json__key(w, "jitter_pct"); json__u64(w, c->jitter_pct);
	json__key(w, "host_threads"); json__u64(w, c->host_threads);
	if (c->noise_hz) { /* machine noise (written only when set) */
		json__key(w, "noise_hz"); json__u64(w, c->noise_hz);
		json__key(w, "noise_min_ns"); json__u64(w, c->noise_min_ns);
		json__key(w, "noise_p50_ns"); json__u64(w, c->noise_p50_ns);
		json__key(w, "noise_p90_ns"); json__u64(w, c->noise_p90_ns);
		json__key(w, "noise_p99_ns"); json__u64(w, c->noise_p99_ns);
		json__key(w, "noise_max_ns"); json__u64(w, c->noise_max_ns);
	}
	if (c->scx_enable_task_ns) { /* a timed enable transition (written only when set) */
		json__key(w, "scx_enable_task_ns"); json__u64(w, c->scx_enable_task_ns);
		json__key(w, "scx_enable_tasks"); json__u64(w, c->scx_enable_tasks);
	}
	json__end_object(w);
}

static void write_inputs(struct json_writer *w, const struct run_info *in)
{
	json__key(w, "inputs");
	json__begin_object(w);
	json__key(w, "target"); json__string(w, in->target);
	json__key(w, "policy");
	if (in->policy_path) {
		json__begin_object(w);
		json__key(w, "source"); json__string(w, in->policy_path);
		json__key(w, "name"); json__string(w, in->policy_name);
		json__key(w, "source_hash"); json__string(w, in->policy_hash);
		json__key(w, "knobs");
		json__begin_object(w);
		for (int i = 0; i < in->nr_knobs; i++) {
			/* NAME=VALUE as given to --knob */
			char name[256];
			const char *eq = strchr(in->knobs[i], '=');
			size_t n = eq ? (size_t)(eq - in->knobs[i]) : strlen(in->knobs[i]);
			snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : sizeof(name) - 1), in->knobs[i]);
			json__key(w, name);
			json__string(w, eq ? eq + 1 : "");
		}
		json__end_object(w);
		json__key(w, "attach_at_ns"); json__u64(w, in->attach_at_ns);
		json__end_object(w);
	} else {
		json__null(w);
	}
	json__key(w, "topology");
	json__begin_object(w);
	json__key(w, "spec"); json__string(w, in->topology_spec);
	json__key(w, "cpus"); json__i64(w, in->topo->nr_cpus);
	json__key(w, "nodes"); json__i64(w, in->topo->nr_nodes);
	json__key(w, "llcs"); json__i64(w, in->topo->nr_llcs);
	json__key(w, "cores"); json__i64(w, in->topo->nr_cores);
	json__key(w, "threads_per_core"); json__i64(w, in->topo->threads_per_core);
	json__end_object(w);
	json__key(w, "workload");
	json__begin_object(w);
	if (in->job) {
		json__key(w, "kind"); json__string(w, "job");
		json__key(w, "file"); json__string(w, in->job->path);
		json__key(w, "run"); json__string(w, in->job->sequential ? "sequential" : "parallel");
		json__key(w, "entries");
		json__begin_array(w);
		for (int i = 0; i < in->job->nr_entries; i++) {
			json__begin_object(w);
			json__key(w, "stressor"); json__string(w, in->job->entries[i].stressor);
			json__key(w, "instances"); json__i64(w, in->job_windows[i].instances);
			json__key(w, "line"); json__i64(w, in->job->entries[i].line);
			json__end_object(w);
		}
		json__end_array(w);
	} else {
		json__key(w, "kind"); json__string(w, "builtin");
		json__key(w, "hogs"); json__i64(w, in->workload->hogs);
		json__key(w, "pairs"); json__i64(w, in->workload->pairs);
		json__key(w, "pp_work_ns"); json__u64(w, in->workload->pp_work_ns);
	}
	json__end_object(w);
	json__key(w, "seed"); json__u64(w, in->seed);
	json__key(w, "duration_ns"); json__u64(w, in->duration_ns);
	write_costs(w, &in->costs, in->real != NULL);
	json__key(w, "calibration");
	if (in->calibration && !in->real) {
		char hash[17];
		json__begin_object(w);
		json__key(w, "file"); json__string(w, in->calibration);
		run_result__hash_file(in->calibration, hash);
		json__key(w, "hash"); json__string(w, hash);
		json__end_object(w);
	} else {
		json__null(w);
	}
	json__key(w, "tool");
	json__begin_object(w);
	json__key(w, "scxlab"); json__string(w, in->version);
	json__key(w, "kernel_semantics"); json__string(w, in->real ? in->real->kernel_release : "7.2");
	json__key(w, "kernel_api");
	{
		char v[32];
		snprintf(v, sizeof(v), "%u.%u.%u", in->kernel_api >> 16, (in->kernel_api >> 8) & 0xff,
			 in->kernel_api & 0xff);
		json__string(w, v);
	}
	json__end_object(w);
	json__end_object(w);
}

static void write_latency(struct json_writer *w, const struct run_info *in)
{
	json__key(w, "latency_ns");
	json__begin_object(w);
	json__key(w, "wakeup"); json__write_hist(w, &in->wakeup);
	json__key(w, "preempt"); json__write_hist(w, &in->preempt);
	json__key(w, "run_delay"); json__write_hist(w, &in->run_delay);
	json__end_object(w);
}

static void write_tasks(struct json_writer *w, const struct run_info *in)
{
	json__key(w, "tasks");
	json__begin_array(w);
	for (int i = 0; i < in->nr_tasks; i++) {
		const struct run_task_row *r = &in->tasks[i];
		json__begin_object(w);
		json__key(w, "pid"); json__i64(w, r->pid);
		json__key(w, "comm"); json__string(w, r->comm);
		json__key(w, "group"); json__i64(w, r->group);
		json__key(w, "class"); json__string(w, r->cls);
		json__key(w, "cpu_ns"); json__u64(w, r->st.cpu_ns);
		json__key(w, "fair_ns"); json__u64(w, r->st.fair_ns);
		json__key(w, "ext_ns"); json__u64(w, r->st.ext_ns);
		json__key(w, "work_ns"); json__u64(w, r->st.work_done_ns);
		json__key(w, "run_delay_ns"); json__u64(w, r->st.run_delay_ns);
		json__key(w, "wakeups"); json__u64(w, r->st.nr_wakeups);
		json__key(w, "wakeup_wait_max_ns"); json__u64(w, r->st.wakeup_wait_max);
		json__key(w, "switches"); json__u64(w, r->st.nr_switches);
		json__key(w, "voluntary_switches"); json__u64(w, r->st.nr_vol_switches);
		json__key(w, "involuntary_switches"); json__u64(w, r->st.nr_invol_switches);
		json__key(w, "migrations"); json__u64(w, r->st.nr_migrations);
		json__key(w, "ops"); json__u64(w, r->st.ops);
		json__end_object(w);
	}
	json__end_array(w);
}

/* A fault caught in a callback (a crash, the time budget): what it was and what it leaves. */
static void write_exit_crash(struct json_writer *w, const struct scx_exit_record *e)
{
	char addr[48], sig[32];

	json__key(w, "crash");
	if (!e->fault_signal) {
		json__null(w);
		return;
	}
	/* a NULL pointer plus an offset is shown; other addresses change from run to run (ASLR) */
	if (e->fault_addr < 65536)
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)e->fault_addr);
	else
		snprintf(addr, sizeof(addr), "(not shown: differs between runs)");
	if (e->fault_signal == SIGXCPU)
		snprintf(sig, sizeof(sig), "time budget");
	else
		snprintf(sig, sizeof(sig), "SIG%s", sigabbrev_np(e->fault_signal) ? sigabbrev_np(e->fault_signal) : "?");
	json__begin_object(w);
	json__key(w, "signal"); json__string(w, sig);
	json__key(w, "address"); json__string(w, addr);
	json__key(w, "in_policy_code"); json__bool(w, e->fault_in_policy);
	json__key(w, "recoverable");
	json__string(w, e->fault_in_policy ?
		     "the policy was ended and every task moved to the fair class; what the policy wrote "
		     "before the fault (maps, globals, memory it corrupted) is kept as it was and is not "
		     "recoverable" :
		     "the policy was ended and every task moved to the fair class; the fault was inside a "
		     "kfunc the policy called, whose work is left half done, and what the policy wrote before "
		     "it is kept as it was: not recoverable");
	json__end_object(w);
}

/* Where an exit was raised: callback, task, the policy's source line and call chain, the dump. */
static void write_exit_where(struct json_writer *w, const struct scx_exit_record *e)
{
	char chain[sizeof(e->chain)], *save = NULL;

	json__key(w, "deferred"); json__bool(w, e->deferred);
	json__key(w, "task");
	if (e->task_pid) {
		json__begin_object(w);
		json__key(w, "pid"); json__i64(w, e->task_pid);
		json__key(w, "comm"); json__string(w, e->task_comm);
		json__end_object(w);
	} else {
		json__null(w);
	}
	json__key(w, "site"); json__string(w, e->site);
	json__key(w, "backtrace");
	json__begin_array(w);
	snprintf(chain, sizeof(chain), "%s", e->chain);
	for (char *f = strtok_r(chain, "\n", &save); f; f = strtok_r(NULL, "\n", &save))
		json__string(w, f);
	json__end_array(w);
	json__key(w, "dump"); json__string(w, e->dump);
	write_exit_crash(w, e);
}

static void write_verdict(struct json_writer *w, const struct run_info *in)
{
	const struct run_verdict *v = &in->verdict;

	json__key(w, "verdict");
	json__begin_object(w);
	json__key(w, "status"); json__string(w, run_verdict__status(v));
	json__key(w, "exit_status"); json__i64(w, run_verdict__exit_status(v));
	json__key(w, "expected_exit");
	if (in->expect && in->expect->set)
		json__string(w, in->expect->spec);
	else
		json__null(w);
	json__key(w, "first_failure"); json__string(w, v->nr_failures ? v->failures[0] : "");
	json__key(w, "failures");
	json__begin_array(w);
	for (int i = 0; i < v->nr_failures; i++)
		json__string(w, v->failures[i]);
	json__end_array(w);
	json__key(w, "starve_threshold_ns"); json__u64(w, v->starve_threshold_ns);
	json__key(w, "starved_tasks"); json__i64(w, v->nr_starved);
	json__key(w, "starved");
	json__begin_array(w);
	for (int i = 0; i < v->nr_starved_listed; i++) {
		json__begin_object(w);
		json__key(w, "pid"); json__i64(w, v->starved[i].pid);
		json__key(w, "comm"); json__string(w, v->starved[i].comm);
		json__key(w, "waited_ns"); json__u64(w, v->starved[i].waited_ns);
		json__end_object(w);
	}
	json__end_array(w);
	json__end_object(w);
}

/* The policy's BPF memory (sim/bpf/mem_limit.c): its limit, the most it took, charges refused. */
static void write_bpf_memory(struct json_writer *w)
{
	const struct sim_bpf_mem_stats *st = sim_bpf_mem__stats();

	json__key(w, "bpf_memory");
	json__begin_object(w);
	json__key(w, "limit_bytes"); json__u64(w, st->limit);
	json__key(w, "peak_bytes"); json__u64(w, st->peak);
	json__key(w, "refused"); json__u64(w, st->refused);
	json__end_object(w);
}

static void write_scx(struct json_writer *w, const struct run_info *in)
{
	const struct scx_exit_record *e = &in->exit;
	const struct scx_event_stats *ev = &in->events_scx;

	json__key(w, "sched_ext");
	if (!in->has_scx) {
		json__null(w);
		return;
	}
	json__begin_object(w);
	json__key(w, "ops_name"); json__string(w, in->policy_name);
	json__key(w, "enabled_at_end"); json__bool(w, in->enabled_at_end);
	json__key(w, "restarts"); json__i64(w, in->nr_restarts);
	json__key(w, "counters");
	if (in->real) {
		json__null(w); /* not observable on a real kernel without instrumenting the policy */
		goto events;
	}
	json__begin_object(w);
	json__key(w, "select_cpu"); json__u64(w, in->counters.nr_select_cpu);
	json__key(w, "enqueue"); json__u64(w, in->counters.nr_enqueue);
	json__key(w, "dispatch"); json__u64(w, in->counters.nr_dispatch);
	json__key(w, "direct_dispatch"); json__u64(w, in->counters.nr_direct_dispatch);
	json__key(w, "kicks"); json__u64(w, in->counters.nr_kicks);
	json__key(w, "dispatch_loops_exhausted"); json__u64(w, in->counters.nr_dsp_loops_exhausted);
	json__end_object(w);
	write_bpf_memory(w);
events:
	json__key(w, "events");
	json__begin_object(w);
#define EV(name) json__key(w, #name); json__i64(w, ev->name);
	RUN_SCX_EVENTS(EV)
#undef EV
	json__end_object(w);
	json__key(w, "policy_maps");
	json__begin_object(w);
	for (int i = 0; i < in->nr_maps; i++) {
		json__key(w, in->maps[i].name);
		json__begin_array_inline(w);
		for (uint32_t k = 0; k < in->maps[i].nr; k++)
			json__u64(w, in->maps[i].vals[k]);
		json__end_array(w);
	}
	json__end_object(w);
	json__key(w, "exit");
	json__begin_object(w);
	json__key(w, "kind"); json__i64(w, e->kind);
	json__key(w, "kind_name"); json__string(w, scx_exit_kind__name(e->kind));
	json__key(w, "reason"); json__string(w, e->reason);
	json__key(w, "msg"); json__string(w, e->msg);
	json__key(w, "exit_code"); json__i64(w, e->exit_code);
	json__key(w, "exit_cpu"); json__i64(w, e->exit_cpu);
	json__key(w, "callback"); json__string(w, e->op);
	json__key(w, "at_ns"); json__u64(w, e->at_ns);
	json__key(w, "disabled_at_ns"); json__u64(w, e->disabled_ns);
	write_exit_where(w, e);
	json__end_object(w);
	json__end_object(w);
}

/*
 * Per job entry, what stress-ng's YAML reports: bogo-ops, the entry's wall time (mean per
 * instance: its window, cut at the end of the run), usr+sys time (CPU time of its tasks), and
 * the two rates.
 */
static void write_stressor_rows(struct json_writer *w, const struct run_info *in)
{
	json__key(w, "stressors");
	json__begin_array(w);
	for (int e = 0; e < in->nr_stressor_rows; e++) {
		const struct run_stressor_row *r = &in->stressor_rows[e];
		json__begin_object(w);
		json__key(w, "stressor"); json__string(w, r->stressor);
		json__key(w, "instances"); json__i64(w, r->instances);
		json__key(w, "bogo_ops"); json__u64(w, r->bogo_ops);
		json__key(w, "wall_clock_time_s"); json__double(w, r->wall_s);
		json__key(w, "usr_sys_time_s"); json__double(w, r->usr_sys_s);
		json__key(w, "bogo_ops_per_second_real_time"); json__double(w, r->rate_real);
		json__key(w, "bogo_ops_per_second_usr_sys_time"); json__double(w, r->rate_usr_sys);
		json__end_object(w);
	}
	json__end_array(w);
}

static void write_stressors(struct json_writer *w, const struct run_info *in)
{
	if (in->stressor_rows) {
		write_stressor_rows(w, in);
		return;
	}
	json__key(w, "stressors");
	json__begin_array(w);
	for (int e = 0; e < in->job->nr_entries; e++) {
		const struct job_window *win = &in->job_windows[e];
		uint64_t ops = 0, cpu = 0;
		uint64_t stop = win->stop_ns < in->sim_time_ns ? win->stop_ns : in->sim_time_ns;
		double wall = stop > win->start_ns ? (double)(stop - win->start_ns) / 1e9 : 0;

		for (int i = 0; i < in->nr_tasks; i++) {
			if (in->tasks[i].group != e)
				continue;
			ops += in->tasks[i].st.ops;
			cpu += in->tasks[i].st.cpu_ns;
		}
		json__begin_object(w);
		json__key(w, "stressor"); json__string(w, in->job->entries[e].stressor);
		json__key(w, "instances"); json__i64(w, win->instances);
		json__key(w, "bogo_ops"); json__u64(w, ops);
		json__key(w, "wall_clock_time_s"); json__double(w, wall);
		json__key(w, "usr_sys_time_s"); json__double(w, (double)cpu / 1e9);
		json__key(w, "bogo_ops_per_second_real_time"); json__double(w, wall > 0 ? (double)ops / wall : 0);
		json__key(w, "bogo_ops_per_second_usr_sys_time");
		json__double(w, cpu ? (double)ops / ((double)cpu / 1e9) : 0);
		json__end_object(w);
	}
	json__end_array(w);
}

static void write_fault(struct json_writer *w, const struct run_info *in)
{
	const struct run_fault *f = &in->fault;

	json__key(w, "fault");
	if (!f->known) {
		json__null(w);
		return;
	}
	json__begin_object(w);
	json__key(w, "injected_by"); json__string(w, f->injected_by);
	json__key(w, "injected_at_ns"); json__u64(w, f->injected_at_ns);
	json__key(w, "ejected"); json__bool(w, f->ejected);
	json__key(w, "kind"); json__i64(w, f->ejected ? f->exit.kind : 0);
	json__key(w, "kind_name"); json__string(w, scx_exit_kind__name(f->ejected ? f->exit.kind : 0));
	json__key(w, "reason"); json__string(w, f->ejected ? f->exit.reason : "");
	json__key(w, "msg"); json__string(w, f->ejected ? f->exit.msg : "");
	json__key(w, "exit_code"); json__i64(w, f->ejected ? f->exit.exit_code : 0);
	json__key(w, "ejected_at_ns"); json__u64(w, f->ejected_at_ns);
	json__key(w, "time_to_ejection_ns"); json__u64(w, f->time_to_ejection_ns);
	json__key(w, "recovery_ns"); json__u64(w, f->recovery_ns);
	json__key(w, "tasks_at_ejection"); json__i64(w, f->tasks_at_ejection);
	json__key(w, "tasks_waiting_at_ejection"); json__i64(w, f->tasks_waiting_at_ejection);
	json__key(w, "tasks_lost"); json__i64(w, f->tasks_lost);
	json__key(w, "lost_reason"); json__string(w, f->lost_reason);
	json__key(w, "exit_cpu"); json__i64(w, f->ejected ? f->exit.exit_cpu : -1);
	json__key(w, "callback"); json__string(w, f->ejected ? f->exit.op : "");
	if (f->ejected) {
		write_exit_where(w, &f->exit);
	} else {
		struct scx_exit_record none = { 0 };
		write_exit_where(w, &none);
	}
	json__end_object(w);
}

static void write_doc(struct json_writer *w, const struct run_info *in)
{
	json__begin_object(w);
	json__key(w, "schema"); json__string(w, RESULT_SCHEMA);
	write_inputs(w, in);
	json__key(w, "summary");
	json__begin_object(w);
	json__key(w, "sim_time_ns"); json__u64(w, in->sim_time_ns);
	json__key(w, "events"); json__u64(w, in->events);
	json__key(w, "tasks"); json__i64(w, in->nr_tasks);
	json__key(w, "tasks_exited"); json__i64(w, in->nr_exited);
	json__key(w, "context_switches"); json__u64(w, in->nr_switches);
	json__key(w, "migrations"); json__u64(w, in->nr_migrations);
	json__key(w, "wakeups"); json__u64(w, in->nr_wakeups);
	json__key(w, "cpu_busy_ns"); json__u64(w, in->busy_ns);
	json__key(w, "utilization");
	json__double(w, in->sim_time_ns ? (double)in->busy_ns / ((double)in->sim_time_ns * in->nr_cpus) : 0.0);
	json__end_object(w);
	if (in->job)
		write_stressors(w, in);
	write_latency(w, in);
	write_verdict(w, in);
	write_scx(w, in);
	write_fault(w, in);
	write_tasks(w, in);
	json__key(w, "cpus");
	json__begin_array(w);
	for (int i = 0; i < in->nr_cpus; i++) {
		json__begin_object(w);
		json__key(w, "cpu"); json__i64(w, i);
		json__key(w, "busy_ns"); json__u64(w, in->cpu_busy[i]);
		json__key(w, "dispatch_placed"); json__u64(w, in->cpu_dsp_placed[i]);
		json__end_object(w);
	}
	json__end_array(w);
	json__key(w, "daemon");
	if (in->daemon) {
		char hash[17];
		json__begin_object(w);
		json__key(w, "source"); json__string(w, in->daemon);
		run_result__hash_file(in->daemon, hash);
		json__key(w, "source_hash"); json__string(w, hash);
		json__key(w, "period_ns"); json__u64(w, in->daemon_period_ns);
		json__key(w, "ticks"); json__u64(w, in->daemon_ticks);
		json__key(w, "cpu_ns");
		if (in->daemon_cpu_known)
			json__u64(w, in->daemon_cpu_ns);
		else
			json__null(w);
		json__key(w, "round_late_max_ns"); json__u64(w, in->daemon_late_max_ns);
		json__key(w, "round_late_mean_ns"); json__u64(w, in->daemon_late_mean_ns);
		json__end_object(w);
	} else {
		json__null(w);
	}
	json__key(w, "real");
	if (in->real) {
		const struct run_real *r = in->real;
		json__begin_object(w);
		json__key(w, "kernel_release"); json__string(w, r->kernel_release);
		json__key(w, "accel"); json__string(w, r->accel);
		json__key(w, "elapsed_ns"); json__u64(w, r->elapsed_ns);
		json__key(w, "workload_status"); json__i64(w, r->workload_status);
		json__key(w, "workload_timed_out"); json__bool(w, r->workload_timed_out);
		json__key(w, "switch_in_ext"); json__u64(w, r->switch_in_ext);
		json__key(w, "switch_in_other"); json__u64(w, r->switch_in_other);
		json__key(w, "task_rows_dropped"); json__u64(w, r->rows_dropped);
		json__key(w, "exit_seen_ns"); json__u64(w, r->exit_seen_ns);
		json__key(w, "attach_call_ns"); json__u64(w, r->attach_call_ns);
		json__key(w, "tasks_at_attach"); json__i64(w, r->tasks_at_attach);
		json__end_object(w);
	} else {
		json__null(w);
	}
	json__key(w, "kernel_log");
	json__begin_array(w);
	for (const char *l = in->klog ? in->klog : ""; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char line[2048];
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), l);
		json__string(w, line);
		l += n + (nl ? 1 : 0);
	}
	json__end_array(w);
	json__end_object(w);
}

static int mkdir_p(const char *dir)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0755) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

int run_result__write(const struct run_info *info, const char *dir, char *err, size_t errlen)
{
	char tmp[4096], final[4096];
	FILE *f;
	int fd;

	if (mkdir_p(dir)) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(final, sizeof(final), "%s/result.json", dir);
	temp_files__sweep_stale(dir, ".result.json.tmp.", 0); /* left by a killed run */
	snprintf(tmp, sizeof(tmp), "%s/.result.json.tmp.%d.XXXXXX", dir, (int)getpid());
	fd = mkstemp(tmp);
	if (fd >= 0)
		temp_files__add(tmp);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write in %s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct json_writer w;
	json__init_file(&w, f);
	write_doc(&w, info);
	fputc('\n', f);
	bool bad = json__failed(&w) || fflush(f) || fchmod(fd, 0644) || fsync(fd);
	if (fclose(f) || bad || rename(tmp, final)) {
		snprintf(err, errlen, "writing %s failed: %s", final, strerror(errno));
		unlink(tmp);
		temp_files__forget(tmp);
		return -1;
	}
	temp_files__forget(tmp);
	return 0;
}
