/*
 * A Perfetto-loadable trace of a simulated run (Chrome trace-event JSON): a track per CPU with
 * a slice per task run (name = comm, args: pid, class), counter tracks of DSQ depths, instant
 * events for kicks, the policy's exit request and the end of the disable (every task back on
 * the fair class). For `scxlab run --trace FILE` (docs/traces.md).
 */
#ifndef HARNESS_TRACE_H
#define HARNESS_TRACE_H

#include <stdbool.h>
#include <stdint.h>

struct sim;
struct scx_exit_record;

/* Start tracing into @path (written to @path.tmp until trace__finish). 0, or -1. */
int trace__start(struct sim *sim, const char *path, uint64_t from_ns, uint64_t to_ns);
/* Close running slices, add the exit events, finish the file atomically; @unloaded_at_end:
 * @exit is the harness unloading the policy at the end of the run (marked "end of run", not
 * as an ejection). 0, or -1. */
int trace__finish(struct sim *sim, const struct scx_exit_record *exit, bool unloaded_at_end);

#endif
