/*
 * The stressors the simulator models, and why the others are refused (see stressor.h).
 */
#include "workloads/stressors/stressor.h"

#include <string.h>

extern const struct stressor_model stressor_cpu, stressor_yield, stressor_switch, stressor_pipe,
	stressor_mq, stressor_eventfd, stressor_futex, stressor_sem, stressor_sleep,
	stressor_nanosleep, stressor_affinity, stressor_fork, stressor_clone, stressor_pipeherd;

static const struct stressor_model *const models[] = {
	&stressor_affinity, &stressor_clone, &stressor_cpu, &stressor_eventfd, &stressor_fork,
	&stressor_futex, &stressor_mq, &stressor_nanosleep, &stressor_pipe, &stressor_pipeherd,
	&stressor_sem, &stressor_sleep, &stressor_switch, &stressor_yield,
};

#define NR_MODELS (sizeof(models) / sizeof(models[0]))

static const char *names[NR_MODELS + 1];

/* Stressors that cannot be scheduled by sched_ext, or whose behaviour is not a schedule. */
static const struct {
	const char *name;
	const char *why;
} refused[] = {
	{ "cyclic", "it runs with SCHED_DEADLINE/FIFO/RR, so sched_ext never schedules it; model "
		    "periodic load with `cpu` + `cpu-load` or with `nanosleep`" },
	{ "hrtimers", "as root it switches to a real-time policy and leaves sched_ext; use `nanosleep` "
		      "for timer-driven wakeups" },
	{ "mutex", "as root it switches to a real-time policy and leaves sched_ext; use `futex` or `sem`" },
	{ "schedpolicy", "it cycles through scheduling policies (RT, deadline, idle): not a sched_ext "
			 "workload" },
	{ "prio-inv", "its default policy is real-time, which leaves sched_ext; use `futex`" },
	{ "schedmix", "random scheduling policies and actions: a robustness test, not a modelable "
		      "schedule" },
	{ "cpu-sched", "random policy, affinity and priority changes: a robustness test, not a modelable "
		       "schedule; use `affinity` for migrations" },
	{ "rtc", "needs the real-time clock device; no scheduling behaviour to model" },
};

const struct stressor_model *stressor__find(const char *name)
{
	for (size_t i = 0; i < NR_MODELS; i++)
		if (!strcmp(models[i]->name, name))
			return models[i];
	return NULL;
}

const char *stressor__refusal(const char *name)
{
	if (stressor__find(name))
		return NULL;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (!strcmp(refused[i].name, name))
			return refused[i].why;
	return "the simulator has no model of it yet (modelled: affinity, clone, cpu, eventfd, fork, "
	       "futex, mq, nanosleep, pipe, pipeherd, sem, sleep, switch, yield)";
}

const char *const *stressor__names(void)
{
	for (size_t i = 0; i < NR_MODELS; i++)
		names[i] = models[i]->name;
	names[NR_MODELS] = NULL;
	return names;
}
