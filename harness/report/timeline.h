/*
 * A per-CPU timeline of a window of a simulated run: which task ran where, when, in which
 * class, one line per slice ("cpu start_us end_us pid comm class"), grouped by task name so
 * a plot can colour and label them. For `scxlab run --timeline FILE` and the compare plots.
 */
#ifndef HARNESS_TIMELINE_H
#define HARNESS_TIMELINE_H

#include <stdint.h>

struct sim;

/* Record slices overlapping [from_ns, to_ns) from now on. 0, or -1 if out of memory. */
int timeline__start(struct sim *sim, uint64_t from_ns, uint64_t to_ns);
/* Close the running slices and write the file (blocks per task name). 0, or -1. */
int timeline__write(struct sim *sim, const char *path);

#endif
