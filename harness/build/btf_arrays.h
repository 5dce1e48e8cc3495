/*
 * The order of multi-dimensional array dimensions in gcc's BTF (see btf_arrays.c).
 */
#ifndef HARNESS_BTF_ARRAYS_H
#define HARNESS_BTF_ARRAYS_H

#include <linux/types.h>
#include <stdbool.h>

struct btf;

/* Whether @cc -gbtf writes `int a[2][3]` as an array of 3 arrays of 2 (probed once per cc). */
bool btf_arrays__gcc_reverses(const char *cc);
/* Rebuild, in the right order, every array-of-arrays chain among types [first, end) of
 * @btf (writable: after btf__add_btf), and point their users at the new chains. 0 or -1. */
int btf_arrays__fix_order(struct btf *btf, __u32 first, __u32 end);

#endif
