/*
 * Stressors built on one shared primitive:
 *   futex     the parent loops on futex_wake(1) and never blocks; the child waits on the
 *             futex (a wake that finds nobody waiting is lost). One bogo-op per wake call.
 *   sem       2 threads share a semaphore: take it, work, post it, yield. One op per cycle.
 *   pipeherd  100 tasks pass one token around a pipe: each waits for it, takes it, hands it
 *             on (a wake-one token ring). One op per hop.
 */
#include "workloads/stressors/stressor.h"

#include <stdlib.h>

struct shared_chan {
	struct stressor_shared sh;
	struct sim_chan chan;
};

struct member {
	struct stressor_task st;
	struct shared_chan *sc;
	int role;      /* futex: 1 waker, 0 waiter */
	int step;
	uint64_t cost;
};

static void member_free(void *state)
{
	struct member *m = state;

	stressor__shared_put(m->sc);
	free(m);
}

static bool finish(struct sim *sim, struct member *m, struct sim_action *act)
{
	if (!stressor__done(sim, &m->st))
		return false;
	if (m->step >= 0) {
		m->step = -1;
		m->sc->chan.lose_unwaited = false;
		act->kind = SIM_ACT_POST; /* nobody stays blocked behind a finished task */
		act->chan = &m->sc->chan;
		act->count = 1 << 20;
		return true;
	}
	act->kind = SIM_ACT_EXIT;
	return true;
}

static void futex_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct member *m = t->beh_state;

	if (finish(sim, m, act))
		return;
	if (m->role) { /* waker: syscall, wake one */
		if (m->step++ % 2 == 0) {
			act->kind = SIM_ACT_RUN;
			act->ns = m->cost;
		} else {
			act->kind = SIM_ACT_POST;
			act->chan = &m->sc->chan;
			act->count = 1;
			stressor__op(t, &m->st);
		}
	} else { /* waiter: syscall, wait */
		if (m->step++ % 2 == 0) {
			act->kind = SIM_ACT_RUN;
			act->ns = m->cost;
		} else {
			act->kind = SIM_ACT_WAIT;
			act->chan = &m->sc->chan;
		}
	}
}

/* take, work, post, yield */
static void cycle_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct member *m = t->beh_state;

	if (finish(sim, m, act))
		return;
	switch (m->step++ % 4) {
	case 0:
		act->kind = SIM_ACT_WAIT;
		act->chan = &m->sc->chan;
		break;
	case 1:
		act->kind = SIM_ACT_RUN;
		act->ns = m->cost;
		break;
	case 2:
		act->kind = SIM_ACT_POST;
		act->chan = &m->sc->chan;
		act->count = 1;
		stressor__op(t, &m->st);
		break;
	default:
		if (m->role) {
			act->kind = SIM_ACT_YIELD; /* sem yields; pipeherd goes straight back to read */
		} else {
			act->kind = SIM_ACT_RUN;
			act->ns = 1;
		}
		break;
	}
}

static const struct sim_behaviour_ops futex_ops = { .name = "futex", .next = futex_next, .free = member_free };
static const struct sim_behaviour_ops cycle_ops = { .name = "cycle", .next = cycle_next, .free = member_free };

/*
 * @sync: the wakeups carry WF_SYNC. A pipe's do (pipe_write() wakes with the _sync_ variant);
 * futex and semaphore wakes go through wake_up_q(), without it.
 */
static int add_group(const struct stressor_ctx *ctx, const struct sim_behaviour_ops *ops, int n,
		     uint64_t tokens, bool lose, bool sync, uint64_t cost, int (*role_of)(int k))
{
	struct shared_chan *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return -1;
	sim_chan__init(&sc->chan, ops->name, tokens);
	sc->chan.lose_unwaited = lose;
	sc->chan.sync_wake = sync;
	for (int k = 0; k < n; k++) {
		struct member *m = calloc(1, sizeof(*m));
		if (!m)
			return -1;
		m->role = role_of(k);
		stressor__init_task(ctx, &m->st, ops != &futex_ops || m->role);
		if (m->st.ops_limit && ops == &cycle_ops && n > 1)
			m->st.ops_limit = (m->st.ops_limit + (uint64_t)n - 1) / (uint64_t)n;
		m->sc = sc;
		m->cost = cost;
		sc->sh.refs++;
		if (!stressor__spawn(ctx, ops, &m->st))
			return -1;
	}
	return 0;
}

static int first_is_one(int k)
{
	return k == 0;
}

static int always_one(int k)
{
	return 1;
}

static int always_zero(int k)
{
	return 0;
}

static int futex_add(const struct stressor_ctx *ctx, int i)
{
	return add_group(ctx, &futex_ops, 2, 0, true, false, ctx->costs->futex_ns, first_is_one);
}

static int sem_add(const struct stressor_ctx *ctx, int i)
{
	return add_group(ctx, &cycle_ops, 2, 1, false, false, ctx->costs->sem_ns, always_one);
}

static int pipeherd_add(const struct stressor_ctx *ctx, int i)
{
	return add_group(ctx, &cycle_ops, 100, 1, false, true, ctx->costs->pipeherd_ns, always_zero);
}

const struct stressor_model stressor_futex = { .name = "futex", .add = futex_add };
const struct stressor_model stressor_sem = { .name = "sem", .add = sem_add };
const struct stressor_model stressor_pipeherd = { .name = "pipeherd", .add = pipeherd_add };
