/*
 * The daemon API on the simulator (see daemon_sim.h).
 */
#include "harness/daemon/daemon_sim.h"
#include "harness/util/atomic_file.h"
#include "harness/daemon/daemon_log.h"
#include "harness/daemon/daemon_names.h"
#include "harness/daemon/scxlab_daemon.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scxd {
	struct sim *sim;
	struct sim_policy *pol;
	void *so;
	int (*init)(struct scxd *, uint64_t *);
	void (*tick)(struct scxd *, uint64_t);
	void (*exit)(struct scxd *);
	uint64_t period, ticks;
	struct sim_event ev;
	/* --daemon-cpu: the daemon is a simulated task burning cpu_ns per round */
	uint64_t cpu_ns;
	struct sim_task *task;
	bool tell_tgid;         /* write its tgid into the policy's scxlab_daemon_tgid */
	uint64_t next_round;    /* when the next round is due (absolute, as clock_nanosleep) */
	uint64_t late_max, late_sum;
	char *log;
	size_t log_len;
	bool running;
	enum daemon_fault failed; /* an injected stall or crash: no more callbacks */
};

static struct scxd daemon;

/* A map handle stands for a name (harness/daemon/daemon_names.h). */
struct scxd_map {
	const char *name;
};

static struct daemon_names map_names;
static struct scxd_map map_handles[DAEMON_MAX_MAPS];


int daemon__build(const char *src, const char *so_out, char *err, size_t errlen)
{
	struct argv_buf a = { 0 };
	const char *cc = getenv("SCXLAB_CC");
	int rc;

	argv__add(&a, cc && *cc ? cc : "cc");
	argv__add(&a, "-std=gnu17");
	argv__add(&a, "-O2");
	argv__add(&a, "-g");
	argv__add(&a, "-Wall");
	argv__add(&a, "-shared");
	argv__add(&a, "-fPIC");
	argv__addf(&a, "-I%s/harness/daemon", scxlab__root());
	argv__add(&a, "-o");
	argv__add(&a, so_out);
	argv__add(&a, src);
	rc = proc__run(&a);
	argv__free(&a);
	if (rc)
		snprintf(err, errlen, "building the daemon %s failed (see the compiler output above)", src);
	return rc ? -1 : 0;
}

static bool round_now(struct scxd *d, uint64_t due);

/* Without --daemon-cpu: each round is an instantaneous simulated event. */
static void tick_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct scxd *d = ev->arg;

	if (round_now(d, sim__now(d->sim)))
		sim_loop__schedule(loop, &d->ev, sim__now(d->sim) + d->period);
}

/* A round of the daemon, if it is alive and the policy loaded; false if there was none. */
static bool round_now(struct scxd *d, uint64_t due)
{
	uint64_t now = sim__now(d->sim), late = now > due ? now - due : 0;

	if (!d->running || d->failed || scxd_exit_kind(d))
		return false;
	if (late > d->late_max)
		d->late_max = late;
	d->late_sum += late;
	d->ticks++;
	d->tick(d, now);
	return true;
}

/*
 * The daemon as a simulated task, the loader's loop: sleep until the next round is due
 * (absolute deadlines), run the round when the task gets a CPU (so a policy that makes its own
 * daemon wait delays its decisions), burn cpu_ns. A round already due when the last one ends
 * runs at once, without sleeping, as clock_nanosleep() returns at once for a time past: a late
 * daemon catches up in a burst. A crashed daemon exits; a stalled one keeps waking without
 * doing anything, as the loader's thread does.
 */
static void daemon_task_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct scxd *d = &daemon;
	uint64_t now = sim__now(sim);

	if (d->failed == DAEMON_CRASH) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	if (!d->next_round) {
		d->next_round = now + d->period;
	} else if (now >= d->next_round) {
		uint64_t due = d->next_round;
		d->next_round += d->period;
		if (round_now(d, due)) {
			act->kind = SIM_ACT_RUN;
			act->ns = d->cpu_ns;
			return;
		}
		while (d->next_round <= now)    /* no round: its loop runs through what it missed */
			d->next_round += d->period;
	}
	act->kind = SIM_ACT_SLEEP;
	act->ns = d->next_round - now;
}

static const struct sim_behaviour_ops daemon_task_ops = { .name = "scxlab-daemon", .next = daemon_task_next };

/* Where the policy's global @name of @size bytes lives: 0, -ENOENT or -EINVAL (other size). */
static int global_at(struct scxd *d, const char *name, size_t size, void **at)
{
	size_t have = 0;

	*at = sim_policy__global(d->pol, name, &have);
	if (!*at)
		return -ENOENT;
	return have == size ? 0 : -EINVAL;
}

static void tell_tgid(struct scxd *d)
{
	void *at;
	int32_t tgid;

	if (!d->task || !d->tell_tgid || global_at(d, "scxlab_daemon_tgid", sizeof(tgid), &at))
		return;
	tgid = (int32_t)d->task->ts.tgid;
	memcpy(at, &tgid, sizeof(tgid));
}

int daemon_sim__start(struct sim *sim, struct sim_policy *pol, const char *so, uint64_t cpu_ns, bool set_tgid,
		      char *err, size_t errlen)
{
	struct scxd *d = &daemon;

	memset(d, 0, sizeof(*d));
	map_names.nr = 0;
	d->sim = sim;
	d->pol = pol;
	d->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (!d->so) {
		snprintf(err, errlen, "cannot load the daemon: %s", dlerror());
		return -1;
	}
	d->init = (int (*)(struct scxd *, uint64_t *))dlsym(d->so, "scxd_main_init");
	d->tick = (void (*)(struct scxd *, uint64_t))dlsym(d->so, "scxd_main_tick");
	d->exit = (void (*)(struct scxd *))dlsym(d->so, "scxd_main_exit");
	if (!d->init || !d->tick) {
		snprintf(err, errlen, "the daemon defines no scxd_main_init or scxd_main_tick");
		dlclose(d->so);
		return -1;
	}
	d->period = 100000000ULL;
	int rc = d->init(d, &d->period);
	if (rc) {
		snprintf(err, errlen, "the daemon's scxd_main_init() failed (%d)%s%s", rc, d->log ? ": " : "",
			 d->log ? d->log : "");
		dlclose(d->so);
		return -1;
	}
	if (!d->period)
		d->period = 100000000ULL;
	d->running = true;
	if (cpu_ns) {
		d->cpu_ns = cpu_ns;
		d->tell_tgid = set_tgid;
		d->task = sim__add_task(sim, "scxlab-daemon", 0, &daemon_task_ops, NULL, sim__now(sim));
		if (!d->task) {
			snprintf(err, errlen, "cannot add the daemon's task");
			dlclose(d->so);
			return -1;
		}
		sim__task_set_unmeasured(sim, d->task);
		tell_tgid(d);
		return 0;
	}
	sim_event__init(&d->ev, tick_fn, d);
	sim_loop__schedule(&sim->loop, &d->ev, sim__now(sim) + d->period);
	return 0;
}

void daemon_sim__set_policy(struct sim_policy *pol)
{
	daemon.pol = pol;
	tell_tgid(&daemon);
}

void daemon_sim__stop(const char *log_path)
{
	struct scxd *d = &daemon;

	if (!d->running)
		return;
	d->running = false;
	if (!d->task)
		sim_loop__cancel(&d->sim->loop, &d->ev);
	if (d->exit && !d->failed)     /* a stalled or crashed daemon does not clean up */
		d->exit(d);
	if (log_path)
		atomic_file__write(log_path, d->log ? d->log : "");
	free(d->log);
	d->log = NULL;
	dlclose(d->so);
}

void daemon_sim__fail(enum daemon_fault fault)
{
	struct scxd *d = &daemon;

	if (!d->running || d->failed)
		return;
	d->failed = fault;
	if (!d->task)
		sim_loop__cancel(&d->sim->loop, &d->ev);
	scxd_log(d, "%s (injected by scxlab)", daemon_fault__verb(fault));
}

uint64_t daemon_sim__ticks(void)
{
	return daemon.ticks;
}

uint64_t daemon_sim__period(void)
{
	return daemon.period;
}

void daemon_sim__stats(struct daemon_stats *st)
{
	const struct scxd *d = &daemon;

	memset(st, 0, sizeof(*st));
	st->charged = d->task != NULL;
	st->cpu_ns = d->task ? d->task->stats.cpu_ns : 0;
	st->late_max_ns = d->late_max;
	st->late_mean_ns = d->ticks ? d->late_sum / d->ticks : 0;
	st->tgid = d->task ? d->task->ts.tgid : -1;
}

/* ---- the API ---- */

int scxd_nr_cpus(struct scxd *d)
{
	return d->sim->nr_cpus;
}

uint64_t scxd_now_ns(struct scxd *d)
{
	return sim__now(d->sim);
}

struct scxd_map *scxd_map(struct scxd *d, const char *name)
{
	int i = sim_policy__map_by_name(d->pol, name) ? daemon_names__intern(&map_names, name) : -1;

	if (i < 0)
		return NULL;
	map_handles[i].name = map_names.name[i];
	return &map_handles[i];
}

/* The map behind handle @m in the policy loaded now, or NULL. */
static struct sim_bpf_map *map_of(const struct scxd_map *m)
{
	return m && daemon.pol ? sim_policy__map_by_name(daemon.pol, m->name) : NULL;
}

static size_t value_size(const struct sim_bpf_map *m)
{
	const struct sim_bpf_map_def *def = sim_bpf_map__def(m);
	bool percpu = def->type == BPF_MAP_TYPE_PERCPU_ARRAY || def->type == BPF_MAP_TYPE_PERCPU_HASH ||
		      def->type == BPF_MAP_TYPE_LRU_PERCPU_HASH;

	return percpu ? (size_t)daemon.sim->nr_cpus * ((def->value_size + 7) & ~7u) : def->value_size;
}

int scxd_map_lookup(struct scxd_map *m, const void *key, void *value)
{
	struct sim_bpf_map *map = map_of(m);
	return map ? sim_bpf_map__lookup(map, key, value, value_size(map)) : -EINVAL;
}

int scxd_map_update(struct scxd_map *m, const void *key, const void *value, uint64_t flags)
{
	struct sim_bpf_map *map = map_of(m);
	return map ? sim_bpf_map__update(map, key, value, value_size(map), flags) : -EINVAL;
}

int scxd_map_delete(struct scxd_map *m, const void *key)
{
	return map_of(m) ? sim_bpf_map__delete(map_of(m), key) : -EINVAL;
}

int scxd_map_next_key(struct scxd_map *m, const void *key, void *next_key)
{
	return map_of(m) ? sim_bpf_map__next_key(map_of(m), key, next_key) : -EINVAL;
}

int scxd_map_push(struct scxd_map *m, const void *value)
{
	struct sim_bpf_map *map = map_of(m);
	return map ? sim_bpf_map__push(map, value, value_size(map), 0) : -EINVAL;
}

int scxd_map_pop(struct scxd_map *m, void *value)
{
	struct sim_bpf_map *map = map_of(m);
	return map ? sim_bpf_map__pop(map, value, value_size(map)) : -EINVAL;
}

struct drain_ctx {
	int (*cb)(void *ctx, const void *data, size_t size);
	void *ctx;
};

static int drain_one(void *ctx, void *data, size_t size)
{
	struct drain_ctx *dc = ctx;

	return dc->cb(dc->ctx, data, size);
}

int scxd_ringbuf_drain(struct scxd_map *m, int (*cb)(void *ctx, const void *data, size_t size), void *ctx)
{
	struct drain_ctx dc = { cb, ctx };

	return map_of(m) && cb ? sim_bpf_map__ringbuf_consume(map_of(m), drain_one, &dc) : -EINVAL;
}

int scxd_user_ringbuf_push(struct scxd_map *m, const void *data, size_t size)
{
	return map_of(m) ? sim_bpf_map__user_ringbuf_produce(map_of(m), data, size) : -EINVAL;
}

int scxd_global_read(struct scxd *d, const char *name, void *buf, size_t size)
{
	void *at;
	int rc = global_at(d, name, size, &at);

	if (!rc)
		memcpy(buf, at, size);
	return rc;
}

int scxd_global_write(struct scxd *d, const char *name, const void *buf, size_t size)
{
	void *at;
	int rc = global_at(d, name, size, &at);

	if (!rc)
		memcpy(at, buf, size);
	return rc;
}

int scxd_run_syscall(struct scxd *d, const char *prog, void *ctx, size_t ctx_size)
{
	char err[256];
	int ret = 0;

	if (sim_policy__run_syscall(d->pol, d->sim, prog, ctx, &ret, err, sizeof(err)))
		return -ENOENT;
	return ret;
}

int scxd_exit_kind(struct scxd *d)
{
	const struct scx_exit_record *r = d->sim->scx ? scx_sched__exit_record(d->sim) : NULL;
	return r && r->exited ? r->kind : 0;
}

void scxd_log(struct scxd *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	daemon_log__vappend(&d->log, &d->log_len, sim__now(d->sim), fmt, ap);
	va_end(ap);
}
