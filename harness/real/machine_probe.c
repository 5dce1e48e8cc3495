/*
 * Machine costs of this host, measured with pinned threads (see machine_probe.h).
 */
#include "harness/real/machine_probe.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SAMPLES 2000

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static long futex(atomic_int *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static int pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The lower quartile: the machine's own cost, without the waits other tasks add. */
static uint64_t low_quartile(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[n / 4];
}

/* Two threads on one CPU hand a token back and forth: each hand-over is a switch. */
struct pingpong {
	atomic_int turn;        /* whose turn: 0 or 1 */
	int rounds;
	int cpu;
};

static void *pingpong_peer(void *arg)
{
	struct pingpong *pp = arg;

	pin(pp->cpu);
	for (int i = 0; i < pp->rounds; i++) {
		while (atomic_load(&pp->turn) != 1)
			futex(&pp->turn, FUTEX_WAIT_PRIVATE, 0);
		atomic_store(&pp->turn, 0);
		futex(&pp->turn, FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static uint64_t switch_round(int rounds)
{
	struct pingpong pp = { .rounds = rounds, .cpu = 0 };
	pthread_t t;
	uint64_t start;

	atomic_init(&pp.turn, 0);
	if (pthread_create(&t, NULL, pingpong_peer, &pp))
		return 0;
	pin(0);
	usleep(1000);
	start = now_ns();
	for (int i = 0; i < rounds; i++) {
		atomic_store(&pp.turn, 1);
		futex(&pp.turn, FUTEX_WAKE_PRIVATE, 1);
		while (atomic_load(&pp.turn) != 0)
			futex(&pp.turn, FUTEX_WAIT_PRIVATE, 1);
	}
	uint64_t total = now_ns() - start;
	pthread_join(t, NULL);
	return total / ((uint64_t)rounds * 2);
}

/* A FUTEX_WAKE nobody waits on and a FUTEX_WAIT whose value differs: the calls a hand-over makes. */
static uint64_t futex_calls(void)
{
	atomic_int word;
	uint64_t v[64];

	atomic_init(&word, 0);
	for (int s = 0; s < 64; s++) {
		uint64_t start = now_ns();
		for (int i = 0; i < 200; i++) {
			futex(&word, FUTEX_WAKE_PRIVATE, 1);
			futex(&word, FUTEX_WAIT_PRIVATE, 1);
		}
		v[s] = (now_ns() - start) / 200;
	}
	return low_quartile(v, 64);
}

/* A sleeper on CPU 1 is woken from CPU 0; it notes when it runs. */
struct wakeup {
	atomic_int word;
	atomic_int stop;
	_Atomic uint64_t woke_at;
	int samples;
	bool spinner;           /* CPU 1 busy with a SCHED_IDLE spinner meanwhile */
	bool local;             /* the sleeper is a SCHED_IDLE thread on the waker's CPU 0 instead */
};

static void *wakeup_sleeper(void *arg)
{
	struct wakeup *w = arg;
	struct sched_param p = { 0 };

	pin(w->local ? 0 : 1);
	if (w->local) /* never preempts the waker: the wake call is timed alone */
		sched_setscheduler(0, SCHED_IDLE, &p);
	for (int i = 0; i < w->samples; i++) {
		while (atomic_load(&w->word) == 0)
			futex(&w->word, FUTEX_WAIT_PRIVATE, 0);
		atomic_store(&w->woke_at, now_ns());
		atomic_store(&w->word, 0);
		if (w->local) /* the waker blocked to let this thread run */
			futex(&w->word, FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static void *busy_spinner(void *arg)
{
	struct wakeup *w = arg;
	struct sched_param p = { 0 };

	pin(1);
	sched_setscheduler(0, SCHED_IDLE, &p);
	while (!atomic_load(&w->stop))
		;
	return NULL;
}

/*
 * Wake the sleeper @samples times: @out is how long it took to run (lower quartile), @call how
 * long the waker's FUTEX_WAKE took (the waker's CPU: it never blocks in it). @local: the sleeper
 * waits on the waker's own CPU (SCHED_IDLE, so the waker blocks to let it run).
 */
static int wakeup_probe(bool spinner, bool local, int samples, uint64_t *out, uint64_t *call)
{
	struct wakeup w = { .samples = samples, .spinner = spinner, .local = local };
	pthread_t sleeper, spin;
	uint64_t *v = calloc((size_t)samples, sizeof(*v)), *c = calloc((size_t)samples, sizeof(*c));
	int n = 0, nc = 0;

	if (!v || !c) {
		free(v);
		free(c);
		return -1;
	}
	atomic_init(&w.word, 0);
	atomic_init(&w.stop, 0);
	atomic_init(&w.woke_at, 0);
	pin(0);
	if (pthread_create(&sleeper, NULL, wakeup_sleeper, &w)) {
		free(v);
		return -1;
	}
	if (spinner && pthread_create(&spin, NULL, busy_spinner, &w)) {
		atomic_store(&w.stop, 1);
		free(v);
		return -1;
	}
	for (int i = 0; i < samples; i++) {
		struct timespec gap = { 0, 200000 }; /* long enough for CPU 1 to go idle (or back to spinning) */
		nanosleep(&gap, NULL);
		atomic_store(&w.woke_at, 0);
		uint64_t t0 = now_ns();
		atomic_store(&w.word, 1);
		long woken = futex(&w.word, FUTEX_WAKE_PRIVATE, 1);
		uint64_t t_call = now_ns() - t0;
		if (woken == 1)
			c[nc++] = t_call;
		while (atomic_load(&w.word) != 0)
			if (local)
				futex(&w.word, FUTEX_WAIT_PRIVATE, 1);
		uint64_t t1 = atomic_load(&w.woke_at);
		if (t1 > t0)
			v[n++] = t1 - t0;
	}
	pthread_join(sleeper, NULL);
	atomic_store(&w.stop, 1);
	if (spinner)
		pthread_join(spin, NULL);
	*out = n ? low_quartile(v, n) : 0;
	if (call)
		*call = nc ? low_quartile(c, nc) : 0;
	free(v);
	free(c);
	return n ? 0 : -1;
}

/* How late a 1 ms sleep ends, on CPU 1 with nothing else to run. */
static void *timer_sleeper(void *arg)
{
	uint64_t *v = arg;

	pin(1);
	for (int i = 0; i < 200; i++) {
		struct timespec d = { 0, 1000000 };
		uint64_t t0 = now_ns();
		clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);
		v[i] = now_ns() - t0 - 1000000;
	}
	return NULL;
}

/* sched_yield() on CPU 1 with nothing else to run there: the call and schedule() without a switch. */
static uint64_t lone_yield(void)
{
	uint64_t v[SAMPLES];

	pin(1);
	for (int s = 0; s < SAMPLES; s++) {
		uint64_t start = now_ns();
		for (int i = 0; i < 100; i++)
			sched_yield();
		v[s] = (now_ns() - start) / 100;
	}
	return low_quartile(v, SAMPLES);
}

/*
 * Machine noise: a spinner on CPU 1, SCHED_FIFO if allowed (no other task takes the CPU from
 * it), reads CLOCK_MONOTONIC for NOISE_SPIN_NS; a gap above NOISE_GAP_NS between two reads (a
 * pass takes tens of ns) is time something else had the CPU: an interrupt, a VM exit, the vCPU
 * descheduled by the host. Runs in a thread so that the caller keeps its own policy.
 */
#define NOISE_MAX_GAPS 65536

struct noise_probe {
	struct machine_costs *out;
	uint64_t *gaps;
};

static void *noise_spinner(void *arg)
{
	struct noise_probe *np = arg;
	struct machine_costs *o = np->out;
	struct sched_param sp = { .sched_priority = 1 };
	uint64_t start, last, now, spun;
	int n = 0;

	pin(1);
	o->noise_fifo = !sched_setscheduler(0, SCHED_FIFO, &sp);
	start = last = now_ns();
	while ((now = now_ns()) - start < NOISE_SPIN_NS) {
		if (now - last > NOISE_GAP_NS && n < NOISE_MAX_GAPS)
			np->gaps[n++] = now - last;
		last = now;
	}
	spun = now - start;
	if (n) {
		qsort(np->gaps, (size_t)n, sizeof(*np->gaps), cmp_u64);
		o->noise_hz = (uint64_t)((double)n * 1e9 / (double)spun + 0.5);
		o->noise_min_ns = np->gaps[0];
		o->noise_p25_ns = np->gaps[n / 4];
		o->noise_p50_ns = np->gaps[n / 2];
		o->noise_p90_ns = np->gaps[(int)((uint64_t)n * 9 / 10)];
		o->noise_p99_ns = np->gaps[(int)((uint64_t)n * 99 / 100)];
		o->noise_max_ns = np->gaps[n - 1];
	}
	return NULL;
}

static void noise_probe(struct machine_costs *out)
{
	struct noise_probe np = { .out = out, .gaps = calloc(NOISE_MAX_GAPS, sizeof(uint64_t)) };
	pthread_t t;

	if (!np.gaps)
		return;
	if (!pthread_create(&t, NULL, noise_spinner, &np))
		pthread_join(t, NULL);
	free(np.gaps);
}

int machine_probe__host(struct machine_costs *out, char *err, size_t errlen)
{
	cpu_set_t old;
	uint64_t sw[16], late[200];
	pthread_t t;

	memset(out, 0, sizeof(*out));
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		snprintf(err, errlen, "the machine costs need two CPUs");
		return -1;
	}
	sched_getaffinity(0, sizeof(old), &old);
	out->futex_calls_ns = futex_calls();
	for (int i = 0; i < 16; i++)
		sw[i] = switch_round(SAMPLES / 4);
	uint64_t handover = low_quartile(sw, 16);
	/* a hand-over is one switch plus the futex calls each side makes */
	out->ctx_switch_ns = handover > out->futex_calls_ns ? handover - out->futex_calls_ns : handover / 2;
	if (wakeup_probe(false, false, SAMPLES, &out->wakeup_idle_ns, &out->wake_call_remote_ns) ||
	    wakeup_probe(true, false, SAMPLES, &out->wakeup_busy_ns, NULL) ||
	    wakeup_probe(false, true, SAMPLES, &out->wake_local_ns, &out->wake_call_local_ns)) {
		sched_setaffinity(0, sizeof(old), &old);
		snprintf(err, errlen, "the wakeup probe failed (%s)", strerror(errno));
		return -1;
	}
	if (!pthread_create(&t, NULL, timer_sleeper, late)) {
		pthread_join(t, NULL);
		out->timer_late_ns = low_quartile(late, 200);
	}
	out->yield_alone_ns = lone_yield();
	noise_probe(out);
	out->samples = SAMPLES;
	sched_setaffinity(0, sizeof(old), &old);
	return 0;
}

#define MC_FIELD(name) { #name, offsetof(struct machine_costs, name) }
static const struct {
	const char *key;
	size_t off;
} mc_fields[] = {
	MC_FIELD(ctx_switch_ns), MC_FIELD(wakeup_busy_ns), MC_FIELD(wakeup_idle_ns), MC_FIELD(timer_late_ns),
	MC_FIELD(futex_calls_ns), MC_FIELD(wake_call_remote_ns), MC_FIELD(wake_call_local_ns), MC_FIELD(yield_alone_ns),
	MC_FIELD(wake_local_ns), MC_FIELD(noise_hz), MC_FIELD(noise_min_ns), MC_FIELD(noise_p25_ns),
	MC_FIELD(noise_p50_ns), MC_FIELD(noise_p90_ns), MC_FIELD(noise_p99_ns), MC_FIELD(noise_max_ns),
	MC_FIELD(noise_fifo),
};

void machine_costs__print(FILE *f, const struct machine_costs *mc)
{
	for (size_t i = 0; i < sizeof(mc_fields) / sizeof(mc_fields[0]); i++)
		fprintf(f, "SCXLAB-MACHINE %s %llu\n", mc_fields[i].key,
			(unsigned long long)*(const uint64_t *)((const char *)mc + mc_fields[i].off));
	fprintf(f, "SCXLAB-MACHINE samples %d\n", mc->samples);
}

bool machine_costs__set(struct machine_costs *mc, const char *key, unsigned long long v)
{
	if (!strcmp(key, "samples")) {
		mc->samples = (int)v;
		return true;
	}
	for (size_t i = 0; i < sizeof(mc_fields) / sizeof(mc_fields[0]); i++)
		if (!strcmp(key, mc_fields[i].key)) {
			*(uint64_t *)((char *)mc + mc_fields[i].off) = v;
			return true;
		}
	return false;
}
