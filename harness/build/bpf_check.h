/*
 * Checking a compiled .bpf.o the way the kernel-side loader will see it: libbpf opens it and
 * it must hold a struct_ops map (the policy's sched_ext_ops; of several, as the selftest hotplug
 * has, a loader profile's `struct_ops NAME` says which is attached).
 */
#ifndef HARNESS_BPF_CHECK_H
#define HARNESS_BPF_CHECK_H

#include <stddef.h>

/* 0 if @path opens with libbpf and has a struct_ops map (the first one's name in @ops_name). */
int bpf_check__object(const char *path, char *ops_name, size_t ops_len, char *err, size_t errlen);

#endif
