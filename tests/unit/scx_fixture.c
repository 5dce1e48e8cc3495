/*
 * The sched_ext test fixture. See scx_fixture.h.
 */
#include "scx_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fx_event fx_log[FX_LOG_MAX];
int fx_nlog;

void fx_record(const char *op, const struct task_struct *p, uint64_t arg)
{
	struct sim *sim = sim__current();

	if (fx_nlog >= FX_LOG_MAX)
		return;
	fx_log[fx_nlog++] = (struct fx_event){
		.op = op, .pid = p ? p->pid : -1, .arg = arg, .at = sim ? sim__now(sim) : 0,
	};
}

int fx_find(const char *op, int pid, int from)
{
	for (int i = from < 0 ? 0 : from; i < fx_nlog; i++)
		if (!strcmp(fx_log[i].op, op) && (pid < 0 || fx_log[i].pid == pid))
			return i;
	return -1;
}

int fx_count(const char *op, int pid)
{
	int n = 0;
	for (int i = 0; i < fx_nlog; i++)
		if (!strcmp(fx_log[i].op, op) && (pid < 0 || fx_log[i].pid == pid))
			n++;
	return n;
}

struct sim *fx_sim(const char *topology, uint64_t seed)
{
	struct sim_topology topo;
	struct sim_config cfg;
	char err[256];
	struct sim *sim;

	cr_assert_eq(sim_topology__parse(&topo, topology, err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	cfg.seed = seed;
	sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	cr_assert_not_null(sim);
	sim__set_current(sim);
	return sim;
}

struct fx_work {
	uint64_t run_ns, sleep_ns;
	int loops, step;
	uint64_t left;
};

static void hog_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct fx_work *w = t->beh_state;
	(void)sim;
	if (w->step++ == 0) {
		act->kind = SIM_ACT_RUN;
		act->ns = w->run_ns;
	} else {
		act->kind = SIM_ACT_EXIT;
	}
}

static const struct sim_behaviour_ops fx_hog_ops = { .name = "fx-hog", .next = hog_next, .free = free };

struct sim_task *fx_hog(struct sim *sim, const char *comm, uint64_t work_ns, uint64_t start_at)
{
	struct fx_work *w = calloc(1, sizeof(*w));
	w->run_ns = work_ns;
	return sim__add_task(sim, comm, 0, &fx_hog_ops, w, start_at);
}

static void sleeper_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct fx_work *w = t->beh_state;
	(void)sim;
	if (w->step >= 2 * w->loops) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	if (w->step++ % 2 == 0) {
		act->kind = SIM_ACT_RUN;
		act->ns = w->run_ns;
	} else {
		act->kind = SIM_ACT_SLEEP;
		act->ns = w->sleep_ns;
		t->stats.ops++;
	}
}

static const struct sim_behaviour_ops fx_sleeper_ops = {
	.name = "fx-sleeper", .next = sleeper_next, .free = free,
};

struct sim_task *fx_sleeper(struct sim *sim, const char *comm, uint64_t run_ns, uint64_t sleep_ns,
			    int loops, uint64_t start_at)
{
	struct fx_work *w = calloc(1, sizeof(*w));
	w->run_ns = run_ns;
	w->sleep_ns = sleep_ns;
	w->loops = loops;
	return sim__add_task(sim, comm, 0, &fx_sleeper_ops, w, start_at);
}

int fx_attach_err(struct sim *sim, struct sched_ext_ops *ops, char *err, size_t len)
{
	return scx_sched__attach(sim, ops, ops->name, err, len);
}

void fx_attach(struct sim *sim, struct sched_ext_ops *ops)
{
	char err[512];
	cr_assert_eq(fx_attach_err(sim, ops, err, sizeof(err)), 0, "attach failed: %s", err);
}

bool fx_all_dead(const struct sim *sim)
{
	for (int i = 0; i < sim->nr_tasks; i++)
		if (sim->tasks[i]->state != SIM_TASK_DEAD)
			return false;
	return true;
}

s32 fx_init_user_dsq(void)
{
	return scx_bpf_create_dsq(FX_USER_DSQ, -1);
}

s32 fx_select_prev(struct task_struct *p, s32 prev, u64 wake_flags)
{
	return prev;
}
