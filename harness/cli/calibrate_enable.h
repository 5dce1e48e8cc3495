/*
 * `scxlab calibrate --target vm`: the enable transition's cost in the guest. A small policy
 * (the project's scxl_vtime) is attached by scxlab-kload a few times with nothing else running;
 * each attach call's time over the kernel's tasks then (kload's attach_call_ns and
 * tasks_at_attach) is one sample, and the median becomes machine.scx_enable_task_ns, with the
 * guest's own task count as machine.scx_enable_tasks (sim/scx/enable.c, docs/calibration.md).
 */
#ifndef HARNESS_CLI_CALIBRATE_ENABLE_H
#define HARNESS_CLI_CALIBRATE_ENABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CALIBRATE_ENABLE_RUNS 5

struct calibrate_enable {
	char kload[4200], probes[4200], policy[4200]; /* "DEST=SRC" entries for the guest */
	int nr;                                       /* samples read back */
	uint64_t attach_ns[CALIBRATE_ENABLE_RUNS];
	uint64_t tasks[CALIBRATE_ENABLE_RUNS];
};

/* Fill the guest's file entries from the build directory of @exe_dir. 0, or -1 when the
 * policy object or the loader is not built (the measurement is then left out). */
int calibrate_enable__files(struct calibrate_enable *e, const char *exe_dir);
/* The guest's commands (a part of its /init script, whose console lines __line() reads). */
const char *calibrate_enable__script(void);
/* A console line: 1 when it was one of the measurement's, 0 if not. */
int calibrate_enable__line(struct calibrate_enable *e, const char *line);
/* The calibration lines (a comment with the samples, the two keys), nothing without samples. */
void calibrate_enable__write(FILE *f, const struct calibrate_enable *e);

#endif
