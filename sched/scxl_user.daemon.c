/*
 * scxl_user's daemon (sched/scxl_user.bpf.c): the scheduler itself, in user space. Every
 * millisecond it takes the tasks the policy sent (`to_daemon`), orders them by weighted
 * virtual runtime (least CPU time per weight first: a fair, vtime-ordered scheduler), gives
 * each a slice that shrinks as more tasks wait (20 ms per CPU shared among them, between
 * 250 us and 20 ms), and sends its decisions back (`from_daemon`) in that order. Then it runs
 * the policy's `daemon_kick` program: the policy learns the daemon is alive, idle CPUs wake up.
 *
 * A task the policy sent twice before the daemon saw it (it was dequeued and queued again)
 * is decided once. Decisions that do not fit in `from_daemon` wait for the next round.
 *
 * Every second it logs how many tasks it decided. Runs unchanged in the simulator and on a
 * real kernel (`scxlab run --policy sched/scxl_user.bpf.c --daemon sched/scxl_user.daemon.c`).
 */
#include "scxlab_daemon.h"

#include <stdlib.h>
#include <string.h>

#define PERIOD_NS 1000000ULL
#define SLICE_PER_CPU_NS 20000000ULL
#define SLICE_MIN_NS 250000ULL
#define SLICE_MAX_NS 20000000ULL
#define MAX_PENDING 8192

/* the layouts of sched/scxl_user.bpf.c's queue maps */
struct user_task {
	int32_t pid;
	uint32_t weight;
	uint64_t vruntime;
};

struct user_decision {
	int32_t pid;
	uint32_t pad;
	uint64_t slice_ns;
};

struct kick_args {
	uint32_t nr_decided;
};

/* a task waiting for a decision; seq orders two entries for the same task */
struct entry {
	struct user_task t;
	uint64_t seq;
};

static struct entry pending[MAX_PENDING];
static int nr_pending;
static uint64_t decided_total, decided_since_log, rounds, seq;
static struct scxd_map *to_daemon, *from_daemon;

static int by_vruntime(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t.vruntime != y->t.vruntime)
		return x->t.vruntime < y->t.vruntime ? -1 : 1;
	return (x->t.pid > y->t.pid) - (x->t.pid < y->t.pid);
}

static int by_pid_then_seq(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t.pid != y->t.pid)
		return x->t.pid < y->t.pid ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

int scxd_main_init(struct scxd *d, uint64_t *period_ns)
{
	struct kick_args args = { 0 };

	to_daemon = scxd_map(d, "to_daemon");
	from_daemon = scxd_map(d, "from_daemon");
	if (!to_daemon || !from_daemon) {
		scxd_log(d, "not scxl_user: no to_daemon or from_daemon queue map");
		return -1;
	}
	*period_ns = PERIOD_NS;
	/* say hello at once: the policy counts the daemon's silence from its load */
	return scxd_run_syscall(d, "daemon_kick", &args, sizeof(args)) < 0 ? -1 : 0;
}

/* Take what the policy sent; one entry per task (the newest wins). */
static void receive(void)
{
	struct user_task t;
	int before = nr_pending, out = 0;

	while (nr_pending < MAX_PENDING && scxd_map_pop(to_daemon, &t) == 0)
		pending[nr_pending++] = (struct entry){ .t = t, .seq = seq++ };
	if (nr_pending == before)
		return;
	qsort(pending, (size_t)nr_pending, sizeof(pending[0]), by_pid_then_seq);
	for (int i = 0; i < nr_pending; i++) {
		if (i + 1 < nr_pending && pending[i + 1].t.pid == pending[i].t.pid)
			continue;
		pending[out++] = pending[i];
	}
	nr_pending = out;
}

void scxd_main_tick(struct scxd *d, uint64_t now_ns)
{
	struct kick_args args = { 0 };
	uint64_t slice;
	int sent = 0;

	receive();
	if (nr_pending) {
		qsort(pending, (size_t)nr_pending, sizeof(pending[0]), by_vruntime);
		slice = SLICE_PER_CPU_NS * (uint64_t)scxd_nr_cpus(d) / (uint64_t)nr_pending;
		slice = slice < SLICE_MIN_NS ? SLICE_MIN_NS : slice > SLICE_MAX_NS ? SLICE_MAX_NS : slice;
		for (; sent < nr_pending; sent++) {
			struct user_decision dec = { .pid = pending[sent].t.pid, .slice_ns = slice };
			if (scxd_map_push(from_daemon, &dec))
				break;
		}
		memmove(pending, pending + sent, (size_t)(nr_pending - sent) * sizeof(pending[0]));
		nr_pending -= sent;
	}
	decided_total += (uint64_t)sent;
	decided_since_log += (uint64_t)sent;
	args.nr_decided = (uint32_t)sent;
	scxd_run_syscall(d, "daemon_kick", &args, sizeof(args));
	if (++rounds % 1000 == 0) {
		scxd_log(d, "decided %llu tasks in the last second (%d still pending)",
			 (unsigned long long)decided_since_log, nr_pending);
		decided_since_log = 0;
	}
	(void)now_ns;
}

void scxd_main_exit(struct scxd *d)
{
	scxd_log(d, "stopped after %llu rounds, %llu decisions", (unsigned long long)rounds,
		 (unsigned long long)decided_total);
}
