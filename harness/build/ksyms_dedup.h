/*
 * Dropping duplicate kfunc entries from BPF objects' .ksyms BTF before bpftool links them
 * (see ksyms_dedup.c).
 */
#ifndef HARNESS_KSYMS_DEDUP_H
#define HARNESS_KSYMS_DEDUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Rewrite @objs in place, in link order. 0, or -1 with @err. */
int ksyms_dedup__objects(char objs[][PATH_MAX + 48], int n, char *err, size_t errlen);

#endif
