/*
 * Real-kernel run report + stress-ng YAML -> run_info (see kreport.h).
 */
#include "harness/real/kreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Where a real kernel's error exit was raised: the dump's backtrace names the policy's BPF
 * programs as bpf_prog_TAG_FUNC+OFF; the innermost one is the site (the kernel has no source
 * lines for it here), the chain is every such frame.
 */
static void kreport__exit_site(struct scx_exit_record *e)
{
	const char *bt = strstr(e->dump, "\nBacktrace:\n");
	const char *end = bt ? strstr(bt + 12, "\n\n") : NULL;
	size_t used = 0;

	if (!bt)
		return;
	for (const char *p = strstr(bt, "bpf_prog_"); p && (!end || p < end); p = strstr(p + 1, "bpf_prog_")) {
		size_t n = strcspn(p, " \n");
		if (!e->site[0])
			snprintf(e->site, sizeof(e->site), "%.*s", (int)(n < sizeof(e->site) ? n : sizeof(e->site) - 1), p);
		if (used + n + 2 < sizeof(e->chain)) {
			if (used)
				e->chain[used++] = '\n';
			memcpy(e->chain + used, p, n);
			used += n;
			e->chain[used] = 0;
		}
	}
}

static int hist_index(const char *name)
{
	return !strcmp(name, "wakeup") ? 0 : !strcmp(name, "preempt") ? 1 : !strcmp(name, "run_delay") ? 2 : -1;
}

static struct hist *hist_of(struct run_info *info, int idx)
{
	return idx == 0 ? &info->wakeup : idx == 1 ? &info->preempt : &info->run_delay;
}

/* The job entry a task belongs to, by stress-ng's process names ("stress-ng-cpu"); -1: none. */
static int group_of(const struct job *job, const char *comm)
{
	if (strncmp(comm, "stress-ng-", 10))
		return -1;
	for (int e = 0; e < job->nr_entries; e++) {
		size_t n = strlen(job->entries[e].stressor);
		if (!strncmp(comm + 10, job->entries[e].stressor, n) && (!comm[10 + n] || comm[10 + n] == ':'))
			return e;
	}
	return -1;
}

static void set_event(struct scx_event_stats *ev, const char *name, long long v)
{
#define EV(n) if (!strcmp(name, #n)) ev->n = v;
	RUN_SCX_EVENTS(EV)
#undef EV
}

static int append(char **buf, size_t *len, const char *text)
{
	size_t n = strlen(text);
	char *b = realloc(*buf, *len + n + 2);

	if (!b)
		return -1;
	memcpy(b + *len, text, n);
	b[*len + n] = '\n';
	b[*len + n + 1] = 0;
	*buf = b;
	*len += n + 1;
	return 0;
}

static int load_report(struct kreport *kr, struct run_info *info, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int nr_lines = 0, tasks_cap = 0, ended = 0;
	size_t klog_len = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot read the run's report", path);
		return -1;
	}
	hist__init(&info->wakeup);
	hist__init(&info->preempt);
	hist__init(&info->run_delay);
	while (fgets(line, sizeof(line), f)) {
		char name[128], text[4096];
		unsigned long long a, b, c, d, v[14];
		unsigned int pid, on_ext, idx;
		long long ll;
		int i;

		line[strcspn(line, "\r\n")] = 0;
		nr_lines++;
		if (nr_lines == 1 && strcmp(line, "scxlab-kreport 1")) {
			snprintf(err, errlen, "%s:1: not a scxlab-kload report (version 1)", path);
			fclose(f);
			return -1;
		}
		if (!strncmp(line, "policy ", 7) && sscanf(line + 7, "%127s", kr->policy) == 1)
			continue;
		if (sscanf(line, "elapsed_ns %llu", &a) == 1)
			kr->real.elapsed_ns = a;
		else if (sscanf(line, "workload_status %d", &i) == 1)
			kr->real.workload_status = i;
		else if (sscanf(line, "workload_timed_out %d", &i) == 1)
			kr->real.workload_timed_out = i != 0;
		else if (sscanf(line, "state_at_end %63s", kr->state_at_end) == 1)
			continue;
		else if (sscanf(line, "exit_seen_ns %llu", &a) == 1)
			kr->real.exit_seen_ns = a;
		else if (sscanf(line, "t0_ktime %llu", &a) == 1)
			kr->t0_ktime = a;
		else if (sscanf(line, "attached_ns %llu", &a) == 1 && a)
			info->attach_at_ns = a; /* --attach-after: when kload did attach */
		else if (sscanf(line, "attach_call_ns %llu", &a) == 1)
			kr->real.attach_call_ns = a;
		else if (sscanf(line, "tasks_at_attach %d", &i) == 1)
			kr->real.tasks_at_attach = i;
		else if (sscanf(line, "inject %31s %llu", kr->inject_kind, &a) == 2)
			kr->injected_ns = a;
		else if (sscanf(line, "restarts %d", &i) == 1)
			kr->restarts = i;
		else if (sscanf(line, "policy_fault_injected_at %llu", &a) == 1)
			kr->policy_fault_at = a;
		else if (sscanf(line, "hist %127s %llu %llu %llu %llu", name, &a, &b, &c, &d) == 5 &&
			 hist_index(name) >= 0) {
			struct hist *h = hist_of(info, hist_index(name));
			h->count = a;
			h->sum = b;
			h->min = c;
			h->max = d;
		} else if (sscanf(line, "bucket %127s %u %llu", name, &idx, &a) == 3 && hist_index(name) >= 0 &&
			   idx < HIST_BUCKETS) {
			hist_of(info, hist_index(name))->buckets[idx] = a;
		} else if (sscanf(line, "counter %127s %llu", name, &a) == 2) {
			if (!strcmp(name, "switch_in_ext"))
				kr->real.switch_in_ext = a;
			else if (!strcmp(name, "switch_in_other"))
				kr->real.switch_in_other = a;
			else if (!strcmp(name, "rows_dropped"))
				kr->real.rows_dropped = a;
		} else if (sscanf(line, "task %u %u %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %15s",
				  &pid, &on_ext, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
				  &v[10], &v[11], name) == 15) {
			if (info->nr_tasks == tasks_cap) {
				tasks_cap = tasks_cap ? tasks_cap * 2 : 256;
				struct run_task_row *t = realloc(info->tasks, (size_t)tasks_cap * sizeof(*t));
				if (!t)
					goto oom;
				info->tasks = t;
			}
			struct run_task_row *r = &info->tasks[info->nr_tasks++];
			memset(r, 0, sizeof(*r));
			r->pid = (int)pid;
			snprintf(r->comm, sizeof(r->comm), "%.15s", name);
			r->group = group_of(info->job, name);
			snprintf(r->cls, sizeof(r->cls), "%s", on_ext ? "ext" : "fair");
			r->st.cpu_ns = v[0];
			r->st.work_done_ns = v[0];
			r->st.ext_ns = v[1];
			r->st.fair_ns = v[2];
			r->st.run_delay_ns = v[3];
			r->st.nr_vol_switches = v[4];
			r->st.nr_invol_switches = v[5];
			r->st.nr_switches = v[4] + v[5];
			r->st.nr_migrations = v[6];
			r->st.nr_wakeups = v[7];
			r->st.wakeup_wait_max = v[8];
			r->st.resumed_ns = v[9];   /* ktimes here; made run-relative after the fault analysis */
			r->st.resumed_wait_ns = v[10];
			r->st.exit_ns = v[11];
			info->nr_exited++;
			info->nr_switches += v[4] + v[5];
			info->nr_migrations += v[6];
		} else if (sscanf(line, "cpu %u %llu", &idx, &a) == 2 && idx < 4096) {
			if ((int)idx >= info->nr_cpus) {
				uint64_t *cb = realloc(info->cpu_busy, (idx + 1) * sizeof(*cb));
				uint64_t *dp = realloc(info->cpu_dsp_placed, (idx + 1) * sizeof(*dp));
				if (cb)
					info->cpu_busy = cb;
				if (dp)
					info->cpu_dsp_placed = dp;
				if (!cb || !dp)
					goto oom;
				for (unsigned int k = (unsigned int)info->nr_cpus; k <= idx; k++)
					cb[k] = dp[k] = 0;
				info->nr_cpus = (int)idx + 1;
			}
			info->cpu_busy[idx] = a;
			info->busy_ns += a;
		} else if (!strncmp(line, "map ", 4) && sscanf(line + 4, "%63s", name) == 1) {
			struct run_map_stat *ms = realloc(info->maps, (size_t)(info->nr_maps + 1) * sizeof(*ms));
			if (!ms)
				goto oom;
			info->maps = ms;
			struct run_map_stat *st = &info->maps[info->nr_maps];
			memset(st, 0, sizeof(*st));
			snprintf(st->name, sizeof(st->name), "%.63s", name);
			const char *p = line + 4 + strlen(name);
			for (char *end;; p = end) {
				unsigned long long x = strtoull(p, &end, 10);
				if (end == p)
					break;
				uint64_t *nv = realloc(st->vals, (st->nr + 1) * sizeof(*nv));
				if (!nv)
					goto oom;
				st->vals = nv;
				st->vals[st->nr++] = x;
			}
			info->nr_maps++;
		} else if (sscanf(line, "daemon_period_ns %llu", &a) == 1) {
			info->daemon_period_ns = a;
		} else if (sscanf(line, "daemon_ticks %llu", &a) == 1) {
			info->daemon_ticks = a;
		} else if (sscanf(line, "daemon_cpu_ns %llu", &a) == 1) {
			info->daemon_cpu_ns = a;
			info->daemon_cpu_known = true;
		} else if (sscanf(line, "daemon_late_max_ns %llu", &a) == 1) {
			info->daemon_late_max_ns = a;
		} else if (sscanf(line, "daemon_late_mean_ns %llu", &a) == 1) {
			info->daemon_late_mean_ns = a;
		} else if (sscanf(line, "event %127s %lld", name, &ll) == 2) {
			set_event(&info->events_scx, name, ll);
		} else if (sscanf(line, "exit_kind %d", &i) == 1) {
			info->exit.kind = i;
			info->exit.exited = i != 0;
		} else if (sscanf(line, "exit_code %lld", &ll) == 1) {
			info->exit.exit_code = ll;
		} else if (sscanf(line, "exit_cpu %d", &i) == 1) {
			info->exit.exit_cpu = i;
		} else if (!strncmp(line, "exit_reason ", 12)) {
			snprintf(info->exit.reason, sizeof(info->exit.reason), "%.127s", line + 12);
		} else if (!strncmp(line, "exit_msg ", 9)) {
			snprintf(info->exit.msg, sizeof(info->exit.msg), "%.1023s", line + 9);
		} else if (!strncmp(line, "exit_dump_line", 14) && (line[14] == ' ' || !line[14])) {
			const char *dline = line[14] ? line + 15 : "";
			size_t used = strlen(info->exit.dump), n = strlen(dline);
			if (used + n + 2 < sizeof(info->exit.dump)) {
				memcpy(info->exit.dump + used, dline, n);
				info->exit.dump[used + n] = '\n';
				info->exit.dump[used + n + 1] = 0;
			}
		} else if (!strncmp(line, "klog ", 5)) {
			snprintf(text, sizeof(text), "%s", line + 5);
			if (append(&info->klog, &klog_len, text))
				goto oom;
		} else if (!strcmp(line, "end")) {
			ended = 1;
		}
	}
	fclose(f);
	if (!ended) {
		snprintf(err, errlen, "%s: the report is cut short (no end line)", path);
		return -1;
	}
	kreport__exit_site(&info->exit);
	info->nr_wakeups = info->wakeup.count;
	info->sim_time_ns = kr->real.elapsed_ns;
	info->duration_ns = kr->real.elapsed_ns;
	if (!info->klog)
		info->klog = strdup("");
	return 0;
oom:
	fclose(f);
	snprintf(err, errlen, "out of memory reading %s", path);
	return -1;
}

/* stress-ng's YAML: system-info's release, and a row per stressor under metrics. */
static int load_yaml(struct kreport *kr, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	struct run_stressor_row *r = NULL;
	double usr = 0;

	if (!f) {
		snprintf(err, errlen, "%s: stress-ng wrote no YAML metrics", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		double v;
		unsigned long long ops;

		if (sscanf(line, " release: %127s", kr->real.kernel_release) == 1)
			continue;
		if (sscanf(line, " - stressor: %63s", name) == 1) {
			if (kr->nr_rows == JOB_MAX_ENTRIES)
				break;
			r = &kr->rows[kr->nr_rows++];
			memset(r, 0, sizeof(*r));
			snprintf(r->stressor, sizeof(r->stressor), "%.31s", name);
			usr = 0;
			continue;
		}
		if (!r)
			continue;
		if (sscanf(line, " bogo-ops: %llu", &ops) == 1)
			r->bogo_ops = ops;
		else if (sscanf(line, " bogo-ops-per-second-usr-sys-time: %lf", &v) == 1)
			r->rate_usr_sys = v;
		else if (sscanf(line, " bogo-ops-per-second-real-time: %lf", &v) == 1)
			r->rate_real = v;
		else if (sscanf(line, " wall-clock-time: %lf", &v) == 1)
			r->wall_s = v;
		else if (sscanf(line, " user-time: %lf", &v) == 1)
			usr = v;
		else if (sscanf(line, " system-time: %lf", &v) == 1)
			r->usr_sys_s = usr + v;
	}
	fclose(f);
	if (!kr->nr_rows) {
		snprintf(err, errlen, "%s: no stressor metrics in stress-ng's YAML", path);
		return -1;
	}
	return 0;
}

/*
 * The fault part of a real run. Ejection is when the loader saw the policy leave (it polls
 * every 5 ms); a task alive then recovered when it was first switched in by another class
 * than ext; stress-ng must finish with every stressor's metrics, or tasks were lost.
 */
static void real_fault(struct kreport *kr, struct run_info *info)
{
	struct run_fault *f = &info->fault;
	uint64_t ejected_k;

	f->known = true;
	if (strcmp(kr->inject_kind, "-") && kr->inject_kind[0] && kr->injected_ns) {
		snprintf(f->injected_by, sizeof(f->injected_by), "inject:%.24s", kr->inject_kind);
		f->injected_at_ns = kr->injected_ns;
	} else if (kr->policy_fault_at && kr->policy_fault_at > kr->t0_ktime) {
		snprintf(f->injected_by, sizeof(f->injected_by), "policy");
		f->injected_at_ns = kr->policy_fault_at - kr->t0_ktime;
	}
	for (int e = 0; e < info->job->nr_entries; e++) {
		bool found = false;
		for (int i = 0; i < kr->nr_rows; i++)
			if (!strcmp(kr->rows[i].stressor, info->job->entries[e].stressor) && kr->rows[i].bogo_ops)
				found = true;
		if (!found) {
			f->tasks_lost += job__instances(info->job, e, info->nr_cpus > 0 ? info->nr_cpus : 1);
			snprintf(f->lost_reason, sizeof(f->lost_reason), "stress-ng reported no bogo-ops for %s",
				 info->job->entries[e].stressor);
		}
	}
	if (kr->real.workload_status && !f->tasks_lost) {
		f->tasks_lost = 1;
		snprintf(f->lost_reason, sizeof(f->lost_reason), "stress-ng exited with status %d%s",
			 kr->real.workload_status, kr->real.workload_timed_out ? " (killed at the deadline)" : "");
	}
	if (!kr->real.exit_seen_ns || !info->exit.kind)
		return;
	f->ejected = true;
	f->exit = info->exit;
	f->ejected_at_ns = kr->real.exit_seen_ns;
	if (f->injected_at_ns && f->ejected_at_ns >= f->injected_at_ns)
		f->time_to_ejection_ns = f->ejected_at_ns - f->injected_at_ns;
	ejected_k = kr->t0_ktime + kr->real.exit_seen_ns;
	for (int i = 0; i < info->nr_tasks; i++) {
		const struct sim_task_stats *st = &info->tasks[i].st;
		if (!st->ext_ns || st->exit_ns <= ejected_k)
			continue;
		f->tasks_at_ejection++;
		/* waiting at the ejection: how long until it ran (seen 5 ms late at most: clamp at 0) */
		if (st->resumed_wait_ns && st->resumed_wait_ns <= ejected_k) {
			f->tasks_waiting_at_ejection++;
			if (st->resumed_ns > ejected_k && st->resumed_ns - ejected_k > f->recovery_ns)
				f->recovery_ns = st->resumed_ns - ejected_k;
		}
	}
}


/*
 * A policy without a user_exit_info record (no UEI) that the kernel ejects leaves its exit
 * only in the kernel log: "sched_ext: BPF scheduler "NAME" disabled (REASON)" at KERN_ERR for
 * the error kinds, then "sched_ext: NAME: MESSAGE". Read the exit from there, so that such
 * a run is judged as failed as the simulator judges it, not as healthy.
 */
static void exit_from_klog(struct scx_exit_record *e, const char *klog)
{
	static const struct {
		const char *reason;
		int kind;
	} errors[] = {
		{ "runtime error", SCX_EXIT_ERROR },
		{ "scx_bpf_error", SCX_EXIT_ERROR_BPF },
		{ "runnable task stall", SCX_EXIT_ERROR_STALL },
	};
	const char *l = klog ? strstr(klog, "sched_ext: BPF scheduler \"") : NULL;

	for (; l; l = strstr(l + 1, "sched_ext: BPF scheduler \"")) {
		const char *name = l + strlen("sched_ext: BPF scheduler \"");
		const char *q = strchr(name, '"'), *eol = strchr(name, '\n');
		if (!q || (eol && q > eol) || strncmp(q, "\" disabled (", 12))
			continue;
		for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
			size_t n = strlen(errors[i].reason);
			if (strncmp(q + 12, errors[i].reason, n) || q[12 + n] != ')')
				continue;
			e->exited = true;
			e->kind = errors[i].kind;
			snprintf(e->reason, sizeof(e->reason), "%s", errors[i].reason);
			/* the message line that follows: "sched_ext: NAME: MESSAGE" */
			char prefix[160];
			snprintf(prefix, sizeof(prefix), "sched_ext: %.*s: ", (int)(q - name), name);
			const char *m = eol ? strstr(eol, prefix) : NULL;
			if (m) {
				m += strlen(prefix);
				snprintf(e->msg, sizeof(e->msg), "%.*s", (int)strcspn(m, "\n"), m);
			}
			return;
		}
	}
}

int kreport__load(struct kreport *kr, struct run_info *info, const char *report_path,
		  const char *yaml_path, int online_cpus, char *err, size_t errlen)
{
	memset(kr, 0, sizeof(*kr));
	if (load_report(kr, info, report_path, err, errlen) || load_yaml(kr, yaml_path, err, errlen))
		return -1;
	for (int i = 0; i < kr->nr_rows; i++) {
		struct run_stressor_row *r = &kr->rows[i];
		for (int e = 0; e < info->job->nr_entries; e++)
			if (!strcmp(info->job->entries[e].stressor, r->stressor))
				r->instances = job__instances(info->job, e, online_cpus);
	}
	info->stressor_rows = kr->rows;
	info->nr_stressor_rows = kr->nr_rows;
	info->real = &kr->real;
	if (strcmp(kr->policy, "-")) {
		info->has_scx = true;
		info->enabled_at_end = !strcmp(kr->state_at_end, "enabled");
		info->nr_restarts = kr->restarts;
		if (!info->exit.kind)
			exit_from_klog(&info->exit, info->klog);
		real_fault(kr, info);
	}
	/* per-task times back to run-relative (0 stays "never") */
	for (int i = 0; i < info->nr_tasks; i++) {
		struct sim_task_stats *st = &info->tasks[i].st;
		st->resumed_ns = st->resumed_ns > kr->t0_ktime ? st->resumed_ns - kr->t0_ktime : 0;
		st->resumed_wait_ns = st->resumed_wait_ns > kr->t0_ktime ? st->resumed_wait_ns - kr->t0_ktime : 0;
		st->exit_ns = st->exit_ns > kr->t0_ktime ? st->exit_ns - kr->t0_ktime : 0;
	}
	return 0;
}
