/*
 * One BTF for a simulator build made of several sources. gcc -gbtf writes a .BTF section per
 * object and the host linker concatenates them, which leaves only the first readable; this
 * appends every object's types into one BTF (libbpf's btf__add_btf) and writes it over the
 * linked shared object's .BTF, so the loader sees the maps, globals and struct_ops of every
 * source, as libbpf's linker gives the kernel build.
 */
#ifndef HARNESS_BTF_MERGE_H
#define HARNESS_BTF_MERGE_H

#include <stdbool.h>
#include <stddef.h>

/* Merge the BTF of @objs (each with BTF, or pahole-made) into @so's .BTF, putting the
 * dimensions of multi-dimensional arrays back in order where @fix_arrays[i] (gcc's BTF; see
 * btf_arrays.h; NULL: none). 0, or -1 with @err. */
int btf_merge__objects(const char *const *objs, const bool *fix_arrays, int n, const char *so,
		       char *err, size_t errlen);

#endif
