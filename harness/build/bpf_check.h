/*
 * Checking a compiled .bpf.o the way the kernel-side loader will see it: libbpf opens it and
 * it must hold exactly one struct_ops map (the policy's sched_ext_ops).
 */
#ifndef HARNESS_BPF_CHECK_H
#define HARNESS_BPF_CHECK_H

#include <stddef.h>

/* 0 if @path opens with libbpf and has exactly one struct_ops map (its name in @ops_name). */
int bpf_check__object(const char *path, char *ops_name, size_t ops_len, char *err, size_t errlen);

#endif
