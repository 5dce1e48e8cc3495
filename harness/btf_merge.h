/*
 * One BTF for a simulator build made of several sources. gcc -gbtf writes a .BTF section per
 * object and the host linker concatenates them, which leaves only the first readable; this
 * appends every object's types into one BTF (libbpf's btf__add_btf) and writes it over the
 * linked shared object's .BTF, so the loader sees the maps, globals and struct_ops of every
 * source, as libbpf's linker gives the kernel build.
 */
#ifndef HARNESS_BTF_MERGE_H
#define HARNESS_BTF_MERGE_H

#include <stddef.h>

/* Merge the BTF of @objs (each with BTF, or pahole-made) into @so's .BTF. 0, or -1 with @err. */
int btf_merge__objects(const char *const *objs, int n, const char *so, char *err, size_t errlen);

#endif
