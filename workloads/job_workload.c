/*
 * From a parsed job to tasks (see job_workload.h).
 */
#include "workloads/job_workload.h"
#include "workloads/stressors/stressor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int job_workload__parse_cpulist(const char *text, int nr_cpus, struct cpumask *mask)
{
	char buf[256];
	int any = 0;

	cpumask__clear_all(mask);
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-'), *end;
		long lo = strtol(tok, &end, 10), hi = lo;

		if (end == tok || (dash && end != dash) || (!dash && *end))
			return -1;
		if (dash) {
			hi = strtol(dash + 1, &end, 10);
			if (end == dash + 1 || *end)
				return -1;
		}
		if (lo < 0 || hi < lo || hi >= nr_cpus)
			return -1;
		for (long c = lo; c <= hi; c++, any++)
			cpumask__set(mask, (int)c);
	}
	return any ? 0 : -1;
}

static int line_of_global(const struct job *job, const char *name)
{
	for (int i = 0; i < job->nr_options; i++)
		if (!strcmp(job->options[i].name, name))
			return job->options[i].line;
	return 0;
}

/* stress-ng's --sched names: the policy number, or -1 for what the simulator cannot model. */
static int sched_policy_of(const char *name)
{
	static const struct { const char *name; int policy; } names[] = {
		{ "other", SCHED_NORMAL }, { "normal", SCHED_NORMAL }, { "batch", SCHED_BATCH },
		{ "idle", SCHED_IDLE }, { "ext", SCHED_EXT },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].policy;
	return -1;
}

int job_workload__add(struct sim *sim, const struct job *job, const struct stressor_costs *costs,
		      uint64_t timeout_ns, struct job_window *windows, uint64_t *total_ns,
		      char *err, size_t errlen)
{
	uint64_t each = job->timeout_ns ? job->timeout_ns : timeout_ns;
	const char *slack = job__global(job, "timer-slack"), *taskset = job__global(job, "taskset");
	const char *sched = job__global(job, "sched");
	struct cpumask allowed;
	int first_task = sim->nr_tasks, policy = 0, saved_policy = sim->spawn_policy;

	if (slack) {
		char *end;
		unsigned long long v = strtoull(slack, &end, 10);
		if (*end || slack[0] == '-') {
			snprintf(err, errlen, "%s:%d: '%s': timer-slack is a number of nanoseconds", job->path,
				 line_of_global(job, "timer-slack"), slack);
			return -1;
		}
		sim->cfg.costs.timer_slack_ns = v;
	}
	if (taskset && job_workload__parse_cpulist(taskset, sim->nr_cpus, &allowed)) {
		snprintf(err, errlen, "%s:%d: '%s': not a CPU list within 0..%d", job->path,
			 line_of_global(job, "taskset"), taskset, sim->nr_cpus - 1);
		return -1;
	}
	if (sched && (policy = sched_policy_of(sched)) < 0) {
		snprintf(err, errlen, "%s:%d: '%s': sched is other, batch, idle or ext here (the simulator has "
			 "no RT or deadline class)", job->path, line_of_global(job, "sched"), sched);
		return -1;
	}
	/* check everything before adding anything */
	for (int i = 0; i < job->nr_entries; i++) {
		const struct job_entry *e = &job->entries[i];
		const struct stressor_model *m = stressor__find(e->stressor);
		struct stressor_ctx ctx = { .sim = sim, .job = job, .entry = i, .costs = costs };

		if (!m) {
			snprintf(err, errlen, "%s:%d: '%s': refused: %s", job->path, e->line, e->stressor,
				 stressor__refusal(e->stressor));
			return -1;
		}
		if (m->check && m->check(&ctx, err, errlen))
			return -1;
	}
	sim->spawn_policy = policy; /* stress-ng --sched: the policy its stressors run with */
	for (int i = 0; i < job->nr_entries; i++) {
		const struct stressor_model *m = stressor__find(job->entries[i].stressor);
		struct stressor_ctx ctx = {
			.sim = sim, .job = job, .entry = i, .costs = costs,
			.instances = job__instances(job, i, sim->nr_cpus),
			.ops_limit = job__ops_per_instance(job, i, sim->nr_cpus),
			.start_at = sim__now(sim) + (job->sequential ? (uint64_t)i * each : 0), /* from now */
		};
		ctx.stop_at = ctx.start_at + each;
		windows[i] = (struct job_window){ .start_ns = ctx.start_at, .stop_ns = ctx.stop_at,
						  .instances = ctx.instances };
		for (int k = 0; k < ctx.instances; k++) {
			int before = sim->nr_tasks;
			if (m->add(&ctx, k)) {
				sim->spawn_policy = saved_policy;
				snprintf(err, errlen, "%s: out of memory adding %s", job->path, m->name);
				return -1;
			}
			/* every instance of an entry is alike: the first one tells what all of them make */
			int64_t each_tasks = sim->nr_tasks - before;
			int64_t job_tasks = (int64_t)before - first_task + each_tasks * (ctx.instances - k);
			if (k == 0 && job_tasks > JOB_MAX_TASKS) {
				snprintf(err, errlen, "%s:%d: '%s': %d instances of %lld tasks each make this job %lld tasks, "
					 "more than the simulator's limit of %d", job->path, job->entries[i].line,
					 m->name, ctx.instances, (long long)each_tasks, (long long)job_tasks, JOB_MAX_TASKS);
				return -1;
			}
		}
	}
	sim->spawn_policy = saved_policy;
	if (taskset) {
		for (int i = first_task; i < sim->nr_tasks; i++) {
			struct sim_task *t = sim->tasks[i];
			t->allowed = allowed;
			t->ts.cpus_mask = allowed;
			t->ts.nr_cpus_allowed = cpumask__weight(&allowed);
			t->cpu = cpumask__next_and_wrap(&allowed, &sim->topo.all, t->cpu, sim->nr_cpus);
		}
	}
	*total_ns = job->sequential ? (uint64_t)job->nr_entries * each : each;
	return 0;
}
