/*
 * Running external tools (compilers, stress-ng, QEMU) without a shell: argv vectors built up
 * step by step, run to completion, optionally with stdout captured or hashed.
 */
#ifndef HARNESS_PROC_H
#define HARNESS_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARGV_MAX 128

struct argv_buf {
	char *argv[ARGV_MAX + 1];
	int argc;
	int overflow;
};

void argv__add(struct argv_buf *a, const char *arg);
void argv__addf(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argv__free(struct argv_buf *a);
/* The command line as one string for messages (quoted where needed). */
void argv__format(const struct argv_buf *a, char *buf, size_t len);

/* Run and wait. Returns the exit status (0..255), or -1 if it could not run or was killed. */
int proc__run(const struct argv_buf *a);
/* Run with stdout and stderr sent to /dev/null. Same return as proc__run. */
int proc__run_silent(const struct argv_buf *a);
/*
 * Like proc__run_silent, but in a process group of its own that is killed (SIGKILL) when it has
 * not ended after @deadline_s seconds. Returns PROC_TIMED_OUT then.
 */
#define PROC_TIMED_OUT (-2)
int proc__run_silent_deadline(const struct argv_buf *a, unsigned int deadline_s);
/*
 * Run with stdout and stderr into the file @log (truncated). With @new_group the child leads
 * a process group of its own, so its whole tree (a run and its QEMU) can be signalled through
 * *@running, which holds its pid while it runs (NULL: not wanted). 0 with the wait status in
 * *@status, or -1 if it could not be started or waited for.
 */
int proc__run_logged(const struct argv_buf *a, const char *log, bool new_group, volatile pid_t *running,
		     int *status);
/*
 * For commands that run children to the end (compare, sweep): SIGINT, SIGTERM and SIGHUP are
 * recorded and passed on to the child proc__run_logged is waiting for (its process group with
 * @new_group), which gets PROC_STOP_GRACE_S seconds to end before SIGKILL, so a hanging run
 * cannot hold its parent. Every child also ends (SIGTERM) when its parent dies, even by SIGKILL.
 */
#define PROC_STOP_GRACE_S 5
void proc__forward_stop_signals(void);
/* The stop signal received so far, or 0. */
int proc__stop_signal(void);
/* Run with stdout handed to @chunk piece by piece. Same return as proc__run. */
int proc__run_read_stdout(const struct argv_buf *a, void (*chunk)(const char *buf, size_t n, void *ctx),
			  void *ctx);
/* Run with stdout hashed (FNV-1a 64, folded into *hash). Same return as proc__run. */
int proc__run_hash_stdout(const struct argv_buf *a, uint64_t *hash);
/* Run with stdout into @out (at most @len - 1 bytes kept, NUL-terminated). Same return. */
int proc__run_capture_stdout(const struct argv_buf *a, char *out, size_t len);
/* Search PATH for @name; writes the full path. 0 if found. */
int proc__which(const char *name, char *out, size_t len);

uint64_t hash__bytes(uint64_t h, const void *data, size_t len);
#define HASH_INIT 0xcbf29ce484222325ULL

#endif
