/*
 * The daemon's faults (`--inject daemon-stall@T`, `--inject daemon-crash@T`), named alike in
 * the simulator (harness/daemon/daemon_sim.c) and the real-kernel loader (harness/kload/kdaemon.c):
 * a stalled daemon stops deciding but its process lives; a crashed one takes the loader's
 * process with it, so the kernel unregisters the policy as when the loader dies.
 */
#ifndef HARNESS_DAEMON_FAULT_H
#define HARNESS_DAEMON_FAULT_H

#include <string.h>

enum daemon_fault { DAEMON_OK, DAEMON_STALL, DAEMON_CRASH };

/* DAEMON_STALL or DAEMON_CRASH for its name, else DAEMON_OK. */
static inline enum daemon_fault daemon_fault__parse(const char *name)
{
	if (!strcmp(name, "daemon-stall"))
		return DAEMON_STALL;
	if (!strcmp(name, "daemon-crash"))
		return DAEMON_CRASH;
	return DAEMON_OK;
}

static inline const char *daemon_fault__verb(enum daemon_fault f)
{
	return f == DAEMON_CRASH ? "crashed" : "stalled";
}

#endif
