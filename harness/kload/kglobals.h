/*
 * A policy's integer globals after the run, as a selftest's C runner reads its skeleton's
 * `.bss`/`.data` after bpf_link__destroy(): every scalar integer, enum or bool variable of the
 * object's .bss and .data sections, read from the kernel's maps, as "global NAME VALUE" report
 * lines (harness/kload/krun.h).
 */
#ifndef HARNESS_KLOAD_KGLOBALS_H
#define HARNESS_KLOAD_KGLOBALS_H

#include <stdio.h>

struct kpolicy;

void kglobals__report(const struct kpolicy *kp, FILE *out);

#endif
