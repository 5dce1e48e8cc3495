/*
 * Measuring one run for its result (see run_result.h): the policy's counter maps, the tasks'
 * and CPUs' figures at the end of the measured duration, the exit record and kernel log after
 * the policy is unloaded, and the source's hash.
 */
#include "harness/results/run_result.h"
#include "sim/policy/policy.h"
#include "sim/bpf/bpf_runtime.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a over the policy source, so a result names the exact source it came from. */
void run_result__hash_file(const char *path, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char buf[8192];
	size_t n;
	FILE *f = path ? fopen(path, "rb") : NULL;

	if (!f) {
		snprintf(out, 17, "%s", "");
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (size_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ULL;
	fclose(f);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Counter maps as scx user-space tools read them: u64 values, per-CPU ones summed. */
static int snapshot_maps(struct run_info *info)
{
	int n = sim_policy__nr_maps(info->policy);

	info->maps = calloc(n ? n : 1, sizeof(*info->maps));
	if (!info->maps)
		return -1;
	for (int i = 0; i < n; i++) {
		struct sim_bpf_map *m = sim_policy__map(info->policy, i);
		const struct sim_bpf_map_def *d = sim_bpf_map__def(m);
		bool percpu = d->type == BPF_MAP_TYPE_PERCPU_ARRAY;
		struct run_map_stat *st = &info->maps[info->nr_maps];
		size_t ncpu = percpu ? (size_t)info->nr_cpus : 1;
		uint64_t vals[SIM_MAX_CPUS];

		if ((d->type != BPF_MAP_TYPE_ARRAY && !percpu) || d->value_size != 8 ||
		    d->max_entries > 4096)
			continue;
		snprintf(st->name, sizeof(st->name), "%s", d->name);
		st->nr = d->max_entries;
		st->vals = calloc(st->nr, sizeof(*st->vals));
		if (!st->vals)
			return -1;
		info->nr_maps++;
		for (uint32_t k = 0; k < st->nr; k++) {
			if (sim_bpf_map__lookup(m, &k, vals, ncpu * sizeof(uint64_t)))
				continue;
			for (size_t c = 0; c < ncpu; c++)
				st->vals[k] += vals[c];
		}
	}
	return 0;
}

int run_result__snapshot(struct run_info *info, struct sim *sim)
{
	info->seed = sim->cfg.seed;
	info->duration_ns = sim->cfg.duration_ns;
	info->sim_time_ns = sim__now(sim);
	info->events = sim->loop.nr_fired;
	info->costs = sim->cfg.costs;
	info->kernel_api = sim->cfg.kernel_version;
	info->wakeup = sim->wakeup_lat;
	info->preempt = sim->preempt_lat;
	info->run_delay = sim->run_delay;
	info->nr_switches = sim->nr_switches;
	info->nr_migrations = sim->nr_migrations;
	info->nr_wakeups = sim->nr_wakeups;
	info->nr_cpus = sim->nr_cpus;
	info->cpu_busy = calloc(sim->nr_cpus, sizeof(*info->cpu_busy));
	info->cpu_dsp_placed = calloc(sim->nr_cpus, sizeof(*info->cpu_dsp_placed));
	info->tasks = calloc(sim->nr_tasks ? sim->nr_tasks : 1, sizeof(*info->tasks));
	if (!info->cpu_busy || !info->tasks || !info->cpu_dsp_placed)
		return -1;
	for (int i = 0; i < sim->nr_cpus; i++) {
		sim_sched__update_curr(sim, &sim->cpus[i]);
		info->cpu_busy[i] = sim->cpus[i].busy_ns;
		info->cpu_dsp_placed[i] = sim->scx ? scx_sched__cpu_dispatch_placed(sim, i) : 0;
		info->busy_ns += sim->cpus[i].busy_ns;
	}
	info->nr_tasks = 0;
	for (int i = 0; i < sim->nr_tasks; i++) {
		struct sim_task *t = sim->tasks[i];
		if (t->unmeasured)
			continue;   /* a simulated daemon: in the daemon object */
		struct run_task_row *r = &info->tasks[info->nr_tasks++];
		r->pid = t->ts.pid;
		/* bounded copies, not snprintf: this runs for every task (0.6 k instructions each) */
		size_t n = strnlen(t->ts.comm, sizeof(r->comm) - 1);
		memcpy(r->comm, t->ts.comm, n);
		r->comm[n] = 0;
		r->group = t->group;
		const char *cls = t->cls == sim->ext_class ? "ext" : "fair";
		memcpy(r->cls, cls, strlen(cls) + 1);
		r->st = t->stats;
		if (t->state == SIM_TASK_DEAD)
			info->nr_exited++;
	}
	if (sim->scx) {
		info->has_scx = true;
		info->enabled_at_end = scx_sched__enabled(sim);
		info->counters = *scx_sched__counters(sim);
		info->events_scx = *scx_sched__events(sim);
	}
	if (info->policy && snapshot_maps(info))
		return -1;
	if (info->policy) {
		snprintf(info->policy_name, sizeof(info->policy_name), "%s", sim_policy__name(info->policy));
		run_result__hash_file(info->policy_path, info->policy_hash);
	}
	return 0;
}

void run_result__finish(struct run_info *info, struct sim *sim)
{
	const struct scx_exit_record *r = scx_sched__exit_record(sim);

	if (r)
		info->exit = *r;
	info->klog = strdup(sim__klog_text(sim));
}

void run_result__free(struct run_info *info)
{
	for (int i = 0; i < info->nr_maps; i++)
		free(info->maps[i].vals);
	free(info->maps);
	info->maps = NULL;
	info->nr_maps = 0;
	free(info->tasks);
	free(info->cpu_busy);
	free(info->cpu_dsp_placed);
	info->cpu_dsp_placed = NULL;
	free(info->klog);
	run_verdict__free(&info->verdict);
	info->tasks = NULL;
	info->cpu_busy = NULL;
	info->klog = NULL;
}
