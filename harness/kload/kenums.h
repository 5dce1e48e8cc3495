/*
 * Enum import for the real-kernel loader: scx's `scx/enums.autogen.bpf.h` makes every SCX_*
 * constant a `const volatile u64 __SCX_NAME` in .rodata, which libbpf-based loaders fill from
 * the running kernel's BTF before load (scx_utils' SCX_ENUM_SET). This does the same.
 */
#ifndef HARNESS_KLOAD_KENUMS_H
#define HARNESS_KLOAD_KENUMS_H

#include <bpf/libbpf.h>

/* Fill every __SCX_* global of @obj's .rodata with the enumerator of that name in the running
 * kernel's BTF (or @vmlinux_btf_path's, when given). Returns how many were set, or -1. */
int kenums__import(struct bpf_object *obj, const char *vmlinux_btf_path);

#endif
