/*
 * The simulator's backend of the daemon API (harness/daemon/scxlab_daemon.h): the daemon is
 * built into a shared object, loaded into scxlab, and its periodic callback runs as a
 * simulated event, so a run with a daemon is as deterministic as one without. The scxd_*
 * functions work on the simulated policy's maps and globals (scxlab is linked with -rdynamic
 * so the daemon finds them).
 */
#ifndef HARNESS_DAEMON_SIM_H
#define HARNESS_DAEMON_SIM_H

#include "harness/daemon/daemon_fault.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim;
struct sim_policy;

/* Build @src into @so_out (cc -shared). 0, or -1 with the compiler's output on stderr. */
int daemon__build(const char *src, const char *so_out, char *err, size_t errlen);
/*
 * Load @so and start its periodic callback on @sim. With @cpu_ns, the daemon is a simulated
 * task that burns @cpu_ns per round and runs its rounds when it gets a CPU (and, with
 * @set_tgid, the policy's `scxlab_daemon_tgid` is its tgid); without, each round is an
 * instantaneous event. 0, or -1 with the reason in @err.
 */
int daemon_sim__start(struct sim *sim, struct sim_policy *pol, const char *so, uint64_t cpu_ns, bool set_tgid,
		      char *err, size_t errlen);
/* The policy was loaded again (a restart): the daemon now talks to @pol. */
void daemon_sim__set_policy(struct sim_policy *pol);
/* Stop it (its exit callback runs), write its log to @log_path (NULL: drop it). */
void daemon_sim__stop(const char *log_path);
/* An injected fault (harness/daemon/daemon_fault.h): no periodic callback from now on. */
void daemon_sim__fail(enum daemon_fault fault);
uint64_t daemon_sim__ticks(void);

/* How the daemon fared: its CPU time (if charged), how late its rounds ran. */
struct daemon_stats {
	bool charged;           /* a simulated task (--daemon-cpu) */
	uint64_t cpu_ns;
	uint64_t late_max_ns, late_mean_ns;
	int tgid;               /* its task's, -1 if none */
};
void daemon_sim__stats(struct daemon_stats *st);
uint64_t daemon_sim__period(void);

#endif
