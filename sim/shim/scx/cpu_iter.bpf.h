/*
 * for_each_possible_cpu(cpu) and for_each_online_cpu(cpu) for the simulator build: open-coded
 * iterators ("possible", "online") in the shape bpf_for_each() expects, walking the cpumask the
 * simulator returns from scx_bpf_get_{possible,online}_cpumask(). @cpu is an int * that points
 * at the current CPU number, as in the kernel's headers.
 */
#ifndef __SCX_CPU_ITER_BPF_H
#define __SCX_CPU_ITER_BPF_H

#include "vmlinux.h"
#include "scxsim/kfuncs.h"
#include <errno.h>

#define __SCX_MASK_WORD_BITS (8 * sizeof(unsigned long))

struct __scx_cpu_iter {
	const struct cpumask *mask;
	int cpu;
};

static inline int *__scx_cpu_iter_next(struct __scx_cpu_iter *it)
{
	if (!it->mask)
		return NULL;
	while (++it->cpu < NR_CPUS) {
		unsigned long word = it->mask->bits[it->cpu / __SCX_MASK_WORD_BITS];

		if (word >> (it->cpu % __SCX_MASK_WORD_BITS) & 1)
			return &it->cpu;
	}
	return NULL;
}

static inline void __scx_cpu_iter_destroy(struct __scx_cpu_iter *it)
{
	if (it->mask)
		scx_bpf_put_cpumask(it->mask);
	it->mask = NULL;
}

/* Defines struct bpf_iter_<kind> and its _new/_next/_destroy over scx_bpf_get_<kind>_cpumask(). */
#define __SCX_DEFINE_CPU_ITER(kind)						\
struct bpf_iter_##kind {							\
	struct __scx_cpu_iter it;						\
};										\
static inline int bpf_iter_##kind##_new(struct bpf_iter_##kind *it,		\
					const u64 *unused, u32 nr_words)	\
{										\
	(void)unused;								\
	(void)nr_words;								\
	it->it.mask = scx_bpf_get_##kind##_cpumask();				\
	it->it.cpu = -1;							\
	return it->it.mask ? 0 : -EINVAL;				\
}										\
static inline int *bpf_iter_##kind##_next(struct bpf_iter_##kind *it)		\
{										\
	return __scx_cpu_iter_next(&it->it);					\
}										\
static inline void bpf_iter_##kind##_destroy(struct bpf_iter_##kind *it)	\
{										\
	__scx_cpu_iter_destroy(&it->it);					\
}

__SCX_DEFINE_CPU_ITER(possible)
__SCX_DEFINE_CPU_ITER(online)

#define for_each_possible_cpu(cpu) bpf_for_each(possible, cpu, NULL, 0)
#define for_each_online_cpu(cpu) bpf_for_each(online, cpu, NULL, 0)

#endif /* __SCX_CPU_ITER_BPF_H */
