/*
 * Kernel variables BPF programs name as `extern ... __ksym` (not functions): the simulated
 * kernel's values. Each is what a kernel whose hardware runs at fixed frequency shows.
 *
 * cpufreq_cpu_data: the kernel's per-CPU pointer to the CPU's cpufreq policy. The simulated
 * CPUs have no frequency scaling, so every CPU's entry is NULL (the case of a CPU whose
 * frequency the firmware controls); programs that read it index it by CPU.
 */
#include "sim/shim/vmlinux.h"

struct cpufreq_policy *cpufreq_cpu_data[NR_CPUS];
