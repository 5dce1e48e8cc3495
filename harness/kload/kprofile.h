/*
 * Loader profiles (harness/loader_profile.h, the parser the simulator uses too) applied by the
 * kernel-side loader through libbpf, in a libbpf loader's order: globals by path into the
 * object's rodata/data/bss, struct_ops fields, flags and NULL-ed callbacks, map sizes (before
 * load); then map values and SEC("syscall") programs by bpf_prog_test_run, before and after attach, once or
 * once per CPU with the loader's thread pinned to that CPU.
 */
#ifndef HARNESS_KLOAD_KPROFILE_H
#define HARNESS_KLOAD_KPROFILE_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;
struct bpf_map;
struct loader_profile;

/* The profile every following load applies (NULL: none). */
void kprofile__use(const struct loader_profile *lp);
const struct loader_profile *kprofile__current(void);
/* Before load. 0, or -1 with "FILE:LINE: why" in @err. */
int kprofile__apply_open(const struct loader_profile *lp, struct bpf_object *obj, struct bpf_map *ops,
			 char *err, size_t errlen);
/*
 * The struct_ops map attached: the profile's `struct_ops NAME` (@lp may be NULL), or the
 * object's only one. Several and no choice is an error, as in the simulator. 0, or -1.
 */
int kprofile__choose_ops(const struct loader_profile *lp, struct bpf_object *obj, struct bpf_map **ops,
			 char *err, size_t errlen);
/* Check the `map` lines against the opened object (no kernel: nothing is written). */
int kprofile__check_maps(const struct loader_profile *lp, struct bpf_object *obj, char *err, size_t errlen);
/*
 * After load: the syscall programs of one phase in file order; before attach, the `map` lines
 * (bpf_map_update_elem) among them. 0, or -1 with FILE:LINE.
 */
int kprofile__run_syscalls(const struct loader_profile *lp, struct bpf_object *obj, bool after_attach,
			   char *err, size_t errlen);

#endif
