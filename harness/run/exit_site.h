/*
 * Naming the policy's source line of an exit (elfutils libdwfl): installed as the simulator's
 * exit symbolizer by the commands that run policies.
 */
#ifndef HARNESS_EXIT_SITE_H
#define HARNESS_EXIT_SITE_H

#include "sim/scx/scx.h"

/* The policy's .sim.so on disk (what was opened; the loaded copy is unlinked). */
void exit_site__set_object(const char *path);
/* Fill @r->site and @r->chain from @r->bt, keeping the frames inside @policy_anchor's object. */
void exit_site__symbolize(struct scx_exit_record *r, const void *policy_anchor);

#endif
