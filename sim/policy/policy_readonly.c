/*
 * Which of a policy's globals are folded constants. A `const volatile` global is what loaders
 * fill before load (gcc places it in writable .data, clang's BPF target in the .rodata map); a
 * plain `const` with an initializer is a constant the compiler folds into the code (scx_cake's
 * `const u32 nr_llcs = 1`): writing it cannot change what the program does in either world,
 * and in the simulator it lies in the shared object's read-only segment, where a write faults.
 * This tells them apart by the segment an address lies in.
 */
#include "sim/policy/policy_internal.h"

#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct writable_query {
	uintptr_t addr;
	size_t len;
	bool found, writable;
};

static int check_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct writable_query *q = data;
	bool in_write = false, in_relro = false, in_any = false;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;

		if (q->addr < lo || q->addr + q->len > hi)
			continue;
		if (ph->p_type == PT_LOAD) {
			in_any = true;
			in_write = ph->p_flags & PF_W;
		} else if (ph->p_type == PT_GNU_RELRO) {
			in_relro = true; /* made read-only once relocated */
		}
	}
	if (!in_any)
		return 0;
	q->found = true;
	q->writable = in_write && !in_relro;
	return 1;
}

bool policy__global_is_writable(const void *addr, size_t len)
{
	struct writable_query q = { (uintptr_t)addr, len ? len : 1, false, false };

	dl_iterate_phdr(check_object, &q);
	return !q.found || q.writable; /* not in a loaded object: heap memory, writable */
}

int policy__folded_error(char *err, size_t errlen, const char *path, const char *name)
{
	snprintf(err, errlen, "%s%s%s is const but not volatile, a constant the compiler folds into the code: "
		 "no loader can change it (a loader's knob is `const volatile`)", path ? path : "",
		 path ? ": " : "", name);
	return -1;
}
