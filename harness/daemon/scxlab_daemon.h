/*
 * scxlab's API for user-space policy daemons: the code that runs beside a sched_ext policy,
 * reads its maps and globals and writes knobs or decisions back. The same daemon source runs
 * on every target: in the simulator (`scxlab run --daemon FILE.c`, its periodic callback is a
 * simulated event, so runs stay deterministic) and on a real kernel (the loader runs it in a
 * thread with the wall clock, on the loaded object's maps through libbpf).
 *
 * A daemon is one C file (no main) that defines the three entry points at the end of this
 * header and calls only the scxd_* functions and the C library. Errors are negative errno.
 *
 * Maps: per-CPU maps (PERCPU_ARRAY, PERCPU_HASH) take and give nr_cpus values, each rounded
 * up to 8 bytes, as libbpf does. Queue and stack maps use push/pop, ring buffers drain and
 * user ring buffers push. Globals are the policy's
 * .data/.bss variables by name (its `const volatile` knobs are read-only once loaded).
 */
#ifndef SCXLAB_DAEMON_H
#define SCXLAB_DAEMON_H

#include <stddef.h>
#include <stdint.h>

struct scxd;
struct scxd_map;

/* The CPU count maps are sized for, and the time: simulated or monotonic ns since the start. */
int scxd_nr_cpus(struct scxd *d);
uint64_t scxd_now_ns(struct scxd *d);

/* A map of the loaded policy by its name in the source, or NULL. */
struct scxd_map *scxd_map(struct scxd *d, const char *name);
int scxd_map_lookup(struct scxd_map *m, const void *key, void *value);
int scxd_map_update(struct scxd_map *m, const void *key, const void *value, uint64_t flags);
int scxd_map_delete(struct scxd_map *m, const void *key);
int scxd_map_next_key(struct scxd_map *m, const void *key, void *next_key);
int scxd_map_push(struct scxd_map *m, const void *value);
int scxd_map_pop(struct scxd_map *m, void *value);

/*
 * Ring buffers. scxd_ringbuf_drain() consumes the records the policy submitted to a RINGBUF
 * map, calling @cb with each (a non-zero return stops after that record): the number consumed.
 * scxd_user_ringbuf_push() submits a @size-byte record to a USER_RINGBUF map, for the policy's
 * bpf_user_ringbuf_drain(): 0, or -ENOSPC when it is full.
 */
int scxd_ringbuf_drain(struct scxd_map *m, int (*cb)(void *ctx, const void *data, size_t size), void *ctx);
int scxd_user_ringbuf_push(struct scxd_map *m, const void *data, size_t size);

/* Read or write a global of the policy (exactly @size bytes: its size). */
int scxd_global_read(struct scxd *d, const char *name, void *buf, size_t size);
int scxd_global_write(struct scxd *d, const char *name, const void *buf, size_t size);

/* Run the policy's SEC("syscall") program @prog with @ctx. Its return value, or -errno. */
int scxd_run_syscall(struct scxd *d, const char *prog, void *ctx, size_t ctx_size);

/* The policy's exit kind (SCX_EXIT_*): 0 while it is loaded. */
int scxd_exit_kind(struct scxd *d);

/* A line for the daemon's log (DIR/daemon.log), stamped with scxd_now_ns(). */
void scxd_log(struct scxd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- defined by the daemon ---- */

/* Once, after the policy is loaded: set *period_ns (default 100 ms). Non-zero: do not run. */
int scxd_main_init(struct scxd *d, uint64_t *period_ns);
/* Every period while the policy is loaded. */
void scxd_main_tick(struct scxd *d, uint64_t now_ns);
/* Once at the end (optional: a daemon may leave it out). */
void scxd_main_exit(struct scxd *d);

#endif
