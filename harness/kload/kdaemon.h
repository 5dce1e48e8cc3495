/*
 * The real-kernel backend of the daemon API (harness/daemon/scxlab_daemon.h), inside the
 * loader: the daemon's shared object is loaded, and a thread calls its periodic callback with
 * the monotonic clock while the policy runs; scxd_* work on the loaded object's maps through
 * libbpf and on its global data mapped from the kernel (scxlab-kload is linked -rdynamic).
 */
#ifndef HARNESS_KLOAD_KDAEMON_H
#define HARNESS_KLOAD_KDAEMON_H

#include "harness/daemon/daemon_fault.h"

#include <stdint.h>
#include <stdio.h>

struct kpolicy;

/* Load @so and start its thread on @kp. 0, or -1 with a message on stderr. */
int kdaemon__start(const char *so, struct kpolicy *kp);
/* Hold the daemon off while the policy is swapped (restart), then point it at the new one. */
void kdaemon__pause(void);
void kdaemon__resume(struct kpolicy *kp);
/* An injected fault (harness/daemon/daemon_fault.h): no periodic callback from now on. */
void kdaemon__fail(enum daemon_fault fault);
/* Stop the thread, run its exit callback, write its log to @log (NULL: stderr). */
void kdaemon__stop(const char *log);
/* "daemon_period_ns N" and "daemon_ticks N" report lines. */
void kdaemon__report(FILE *f);

#endif
