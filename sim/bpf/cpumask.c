/*
 * The bpf_cpumask kfuncs: reference-counted CPU masks a policy allocates, edits and reads
 * (plain struct cpumask readers accept any mask, including the scx_bpf_get_*() ones). Bits
 * beyond the simulated machine's CPUs are never set by setall, as nr_cpu_ids bounds them in
 * the kernel.
 */
#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/shim/scxsim/helpers.h"

#include <string.h>

#define MASK_WORDS (sizeof(((struct cpumask *)0)->bits) / sizeof(unsigned long))
#define WORD_BITS (8 * sizeof(unsigned long))

static int nr_cpu_ids(void)
{
	struct sim *sim = sim__current();

	return sim ? sim->nr_cpus : NR_CPUS;
}

struct bpf_cpumask *bpf_cpumask_create(void)
{
	struct bpf_cpumask *m = sim_bpf__obj_alloc(sizeof(*m));

	if (m)
		m->usage.refs.counter = 1;
	return m;
}

struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask)
{
	cpumask->usage.refs.counter++;
	return cpumask;
}

void bpf_cpumask_release(struct bpf_cpumask *cpumask)
{
	if (cpumask && --cpumask->usage.refs.counter == 0)
		sim_bpf__obj_free_rcu(cpumask); /* the kernel frees it after a grace period */
}

static bool valid_cpu(u32 cpu)
{
	return cpu < (u32)nr_cpu_ids();
}

static u32 first_set(const unsigned long *bits, int limit)
{
	for (size_t w = 0; w < MASK_WORDS; w++) {
		if (bits[w]) {
			u32 cpu = (u32)(w * WORD_BITS) + (u32)__builtin_ctzl(bits[w]);
			return cpu < (u32)limit ? cpu : (u32)limit;
		}
	}
	return (u32)limit;
}

u32 bpf_cpumask_first(const struct cpumask *cpumask)
{
	return first_set(cpumask->bits, nr_cpu_ids());
}

u32 bpf_cpumask_first_zero(const struct cpumask *cpumask)
{
	int n = nr_cpu_ids();

	for (int cpu = 0; cpu < n; cpu++)
		if (!(cpumask->bits[cpu / WORD_BITS] & (1UL << (cpu % WORD_BITS))))
			return (u32)cpu;
	return (u32)n;
}

u32 bpf_cpumask_first_and(const struct cpumask *src1, const struct cpumask *src2)
{
	unsigned long bits[MASK_WORDS];

	for (size_t w = 0; w < MASK_WORDS; w++)
		bits[w] = src1->bits[w] & src2->bits[w];
	return first_set(bits, nr_cpu_ids());
}

void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	if (valid_cpu(cpu))
		cpumask->cpumask.bits[cpu / WORD_BITS] |= 1UL << (cpu % WORD_BITS);
}

void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	if (valid_cpu(cpu))
		cpumask->cpumask.bits[cpu / WORD_BITS] &= ~(1UL << (cpu % WORD_BITS));
}

bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask)
{
	return valid_cpu(cpu) && (cpumask->bits[cpu / WORD_BITS] & (1UL << (cpu % WORD_BITS)));
}

bool bpf_cpumask_test_and_set_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	bool was = bpf_cpumask_test_cpu(cpu, &cpumask->cpumask);

	bpf_cpumask_set_cpu(cpu, cpumask);
	return was;
}

bool bpf_cpumask_test_and_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	bool was = bpf_cpumask_test_cpu(cpu, &cpumask->cpumask);

	bpf_cpumask_clear_cpu(cpu, cpumask);
	return was;
}

void bpf_cpumask_setall(struct bpf_cpumask *cpumask)
{
	int n = nr_cpu_ids();

	memset(cpumask->cpumask.bits, 0, sizeof(cpumask->cpumask.bits));
	for (int cpu = 0; cpu < n; cpu++)
		cpumask->cpumask.bits[cpu / WORD_BITS] |= 1UL << (cpu % WORD_BITS);
}

void bpf_cpumask_clear(struct bpf_cpumask *cpumask)
{
	memset(cpumask->cpumask.bits, 0, sizeof(cpumask->cpumask.bits));
}

bool bpf_cpumask_and(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2)
{
	bool any = false;

	for (size_t w = 0; w < MASK_WORDS; w++) {
		dst->cpumask.bits[w] = src1->bits[w] & src2->bits[w];
		any |= dst->cpumask.bits[w] != 0;
	}
	return any;
}

void bpf_cpumask_or(struct bpf_cpumask *dst, const struct cpumask *src1,
		    const struct cpumask *src2)
{
	for (size_t w = 0; w < MASK_WORDS; w++)
		dst->cpumask.bits[w] = src1->bits[w] | src2->bits[w];
}

void bpf_cpumask_xor(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2)
{
	for (size_t w = 0; w < MASK_WORDS; w++)
		dst->cpumask.bits[w] = src1->bits[w] ^ src2->bits[w];
}

bool bpf_cpumask_equal(const struct cpumask *src1, const struct cpumask *src2)
{
	return !memcmp(src1->bits, src2->bits, sizeof(src1->bits));
}

bool bpf_cpumask_intersects(const struct cpumask *src1, const struct cpumask *src2)
{
	for (size_t w = 0; w < MASK_WORDS; w++)
		if (src1->bits[w] & src2->bits[w])
			return true;
	return false;
}

bool bpf_cpumask_subset(const struct cpumask *src1, const struct cpumask *src2)
{
	for (size_t w = 0; w < MASK_WORDS; w++)
		if (src1->bits[w] & ~src2->bits[w])
			return false;
	return true;
}

bool bpf_cpumask_empty(const struct cpumask *cpumask)
{
	return bpf_cpumask_first(cpumask) >= (u32)nr_cpu_ids();
}

bool bpf_cpumask_full(const struct cpumask *cpumask)
{
	return bpf_cpumask_first_zero(cpumask) >= (u32)nr_cpu_ids();
}

void bpf_cpumask_copy(struct bpf_cpumask *dst, const struct cpumask *src)
{
	memcpy(dst->cpumask.bits, src->bits, sizeof(dst->cpumask.bits));
}

u32 bpf_cpumask_weight(const struct cpumask *cpumask)
{
	u32 n = 0;

	for (size_t w = 0; w < MASK_WORDS; w++)
		n += (u32)__builtin_popcountl(cpumask->bits[w]);
	return n;
}

/* A set CPU chosen at random (the kernel spreads picks the same way). */
u32 bpf_cpumask_any_distribute(const struct cpumask *cpumask)
{
	u32 n = bpf_cpumask_weight(cpumask), pick;
	int cpus = nr_cpu_ids();

	if (!n)
		return (u32)cpus;
	pick = bpf_get_prandom_u32() % n;
	for (int cpu = 0; cpu < cpus; cpu++)
		if (cpumask->bits[cpu / WORD_BITS] & (1UL << (cpu % WORD_BITS)))
			if (pick-- == 0)
				return (u32)cpu;
	return (u32)cpus;
}

u32 bpf_cpumask_any_and_distribute(const struct cpumask *src1, const struct cpumask *src2)
{
	struct cpumask both;

	for (size_t w = 0; w < MASK_WORDS; w++)
		both.bits[w] = src1->bits[w] & src2->bits[w];
	return bpf_cpumask_any_distribute(&both);
}

int bpf_cpumask_populate(struct cpumask *cpumask, void *src, size_t src__sz)
{
	if (src__sz > sizeof(cpumask->bits) || src__sz % sizeof(unsigned long))
		return -22; /* -EINVAL */
	memset(cpumask->bits, 0, sizeof(cpumask->bits));
	memcpy(cpumask->bits, src, src__sz);
	return 0;
}
