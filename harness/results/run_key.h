/*
 * Which inputs a kept run was made from, so that resuming a compare or a sweep reuses a
 * finished run only when nothing it depends on has changed: its command line and the
 * contents of the files the command names (policy, daemon, job, calibration). The key lives
 * beside the result as DIR/inputs.key. (The scxlab build itself is not part of the key.)
 */
#ifndef HARNESS_RUN_KEY_H
#define HARNESS_RUN_KEY_H

#include "harness/util/proc.h"

#include <stdbool.h>

/* The key of the run command @a (argv[0] and --out left out): 16 hex digits. */
void run_key__of(const struct argv_buf *a, char out[17]);
/* Whether @dir holds a finished run (result.json) made under @key. */
bool run_key__kept(const char *dir, const char *key);
/* Whether @dir's recorded key is @key (whatever the run's outcome). */
bool run_key__matches(const char *dir, const char *key);
/* @dir's run finished under @key (written atomically), or is being redone (removed). */
int run_key__record(const char *dir, const char *key);
void run_key__forget(const char *dir);

#endif
