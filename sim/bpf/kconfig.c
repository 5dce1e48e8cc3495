/*
 * The kernel configuration values BPF programs read as `extern ... __kconfig` (libbpf fills
 * them from the running kernel's config): those of the kernel the simulator emulates, Debian's
 * 7.2 cloud kernel (HZ=250, the same as SIM_HZ).
 *
 * A policy declares each value with the type it likes (`extern unsigned CONFIG_HZ`,
 * `extern unsigned long CONFIG_NR_CPUS`, `extern bool CONFIG_X86_64`): libbpf converts the
 * config's value to the declared size. Here every integer or boolean value is stored as an
 * 8-byte, 8-aligned little-endian integer (x86-64 and every other host the simulator builds
 * on are little-endian), so a read of 1, 2, 4 or 8 bytes from its start gives the value in
 * the declared type. A `tristate`/`bool` option that is set reads 1, an unset one 0.
 */
#include "sim/core/sim.h"
#include "sim/bpf/bpf_runtime.h"

#define KCONFIG_VALUE(name, value) sim_kconfig_t name = (value)

/* KERNEL_VERSION(7, 2, 13); each new run sets its emulated kernel's (runtime_register.c) */
KCONFIG_VALUE(LINUX_KERNEL_VERSION, (7 << 16) | (2 << 8) | 13);
const char CONFIG_CC_VERSION_TEXT[64] = "scxlab simulator (emulating Linux 7.2)";
const char CONFIG_LOCALVERSION[64] = "";
KCONFIG_VALUE(CONFIG_HZ, SIM_HZ);
KCONFIG_VALUE(CONFIG_NR_CPUS, NR_CPUS);
KCONFIG_VALUE(CONFIG_X86_64, 1);
KCONFIG_VALUE(CONFIG_SMP, 1);
KCONFIG_VALUE(CONFIG_SCHED_CLASS_EXT, 1);
KCONFIG_VALUE(CONFIG_EXT_GROUP_SCHED, 1);
KCONFIG_VALUE(CONFIG_SCHED_SMT, 1);
KCONFIG_VALUE(CONFIG_SCHED_MC, 1);
KCONFIG_VALUE(CONFIG_NUMA, 1);
KCONFIG_VALUE(CONFIG_NO_HZ_IDLE, 1);
KCONFIG_VALUE(CONFIG_NO_HZ_FULL, 0);
KCONFIG_VALUE(CONFIG_PREEMPT_RCU, 1);
KCONFIG_VALUE(CONFIG_PREEMPT_RT, 0);
KCONFIG_VALUE(CONFIG_PREEMPT_DYNAMIC, 1);
KCONFIG_VALUE(CONFIG_CGROUP_SCHED, 1);
KCONFIG_VALUE(CONFIG_FAIR_GROUP_SCHED, 1);
