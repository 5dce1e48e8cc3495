/*
 * The kfuncs a policy reads inline (the shim defines them in the header under __SCXSIM__, so
 * a scan over every CPU does not call into libscxsim per bit) answer as the out-of-line
 * kfuncs do, whichever simulation is current: bpf_cpumask_test_cpu on every CPU number up to
 * NR_CPUS and beyond, on machines of several sizes.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>

#include "sim/core/sim.h"
#define __SCXSIM__ 1 /* as a policy is built: the inline definitions */
#include "sim/shim/scxsim/helpers.h"

struct sim *fx_sim(const char *topology, uint64_t seed);

typedef bool (*test_cpu_fn)(u32 cpu, const struct cpumask *cpumask);

Test(speed_paths, inline_cpumask_test_cpu_answers_as_the_kfunc)
{
	test_cpu_fn kfunc = (test_cpu_fn)dlsym(RTLD_DEFAULT, "bpf_cpumask_test_cpu");
	const char *topos[] = { "1", "8", "64", "65", "512" };
	struct cpumask all, some = { 0 };
	uint64_t rng = 7;

	cr_assert_not_null(kfunc, "libscxsim exports bpf_cpumask_test_cpu");
	cr_assert_neq((void *)kfunc, (void *)bpf_cpumask_test_cpu, "the test compares two implementations");
	for (size_t w = 0; w < sizeof(all.bits) / sizeof(all.bits[0]); w++) {
		all.bits[w] = ~0UL;
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		some.bits[w] = rng;
	}
	for (size_t i = 0; i < sizeof(topos) / sizeof(topos[0]); i++) {
		struct sim *sim = fx_sim(topos[i], 1);
		int n = 0;

		for (u32 cpu = 0; cpu < NR_CPUS + 70; cpu++) {
			const struct cpumask *m = cpu % 2 ? &all : &some;
			cr_assert_eq(bpf_cpumask_test_cpu(cpu, m), kfunc(cpu, m), "CPU %u on %s CPUs", cpu,
				     topos[i]);
			n += bpf_cpumask_test_cpu(cpu, &all);
		}
		cr_assert_eq(n, sim->nr_cpus, "CPUs beyond nr_cpu_ids test false on %s CPUs", topos[i]);
		sim__free(sim);
	}
}
